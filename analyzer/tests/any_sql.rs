//! Any `analyze --query` text gives rows or an error, never a crash: random statements built
//! from SQL's own tokens (keywords, the table's columns, lambench's functions, operators,
//! brackets, literals), run on a thread with the binary's deep stack, over a small run.
//! The count of statements tried is `CASES`; the data folder is checked unchanged after.

use lambench_analyzer::{Analyzer, DataLocation, SqlOrigin};
use lambench_model::{Matrix, parquet_out};
use lambench_testkit::folder_snapshot as snapshot;
use lambench_testkit::synthetic;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Statements tried per test run (half token soup, half well-formed queries).
const CASES: u32 = 1_000;

const TOKENS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "GROUP BY",
    "ORDER BY",
    "HAVING",
    "LIMIT",
    "WITH",
    "AS",
    "UNION ALL",
    "JOIN",
    "ON",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "AND",
    "OR",
    "NOT",
    "IN",
    "IS NULL",
    "DISTINCT",
    "OVER",
    "FILTER",
    "INSERT INTO",
    "COPY",
    "TO",
    "CREATE VIEW",
    "DROP",
    "SET",
    "invocations",
    "invocations_all_runs",
    "environments",
    "duration_ms",
    "memory_mb",
    "architecture",
    "runtime",
    "init_duration_ms",
    "environment_id",
    "invoked_at",
    "*",
    "count(",
    "sum(",
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY",
    "quantile_ci(",
    "quantile_ci_lower(",
    "get_field(",
    "lambda_cost_usd(",
    "gb_seconds(",
    "coalesce(",
    "CAST(",
    "VARCHAR",
    "(",
    ")",
    ",",
    "+",
    "-",
    "/",
    "%",
    "=",
    "<",
    ">=",
    "<>",
    "||",
    "1",
    "0",
    "-1",
    "0.5",
    "1e308",
    "'arm64'",
    "'x'",
    "NULL",
    "true",
    ";",
    "--",
    "/*",
    "*/",
    "'",
    "\"",
];

/// Token soup: mostly parse errors, with the parser's edge cases.
fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 1..40).prop_map(|t| t.join(" "))
}

/// A well-formed numeric expression over the table, nested up to a few levels: reaches
/// planning and execution (division by zero, NULLs, overflow, logs of negatives).
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "duration_ms",
        "memory_mb",
        "init_duration_ms",
        "billed_duration_ms",
        "round",
        "1",
        "0",
        "-1",
        "0.5",
        "1e308",
        "NULL",
    ])
    .prop_map(str::to_string);
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/", "%"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            (
                prop::sample::select(vec!["abs", "ln", "sqrt", "ceil", "round"]),
                inner.clone()
            )
                .prop_map(|(f, a)| format!("{f}({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("coalesce({a}, {b})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, b, c)| format!("CASE WHEN {a} < {b} THEN {c} ELSE NULL END")),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| format!("lambda_cost_usd(architecture, {a}, {b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("gb_seconds({a}, {b})")),
        ]
    })
}

fn query() -> impl Strategy<Value = String> {
    let aggregate = prop::sample::select(vec!["sum", "avg", "min", "max", "count", "stddev"]);
    (expr(), expr(), aggregate, prop::sample::select(vec!["invocations", "invocations_all_runs"]), 0..3u8)
        .prop_map(|(a, b, agg, table, form)| match form {
            0 => format!("SELECT runtime, {agg}({a}) FROM {table} WHERE {b} > 0 GROUP BY runtime"),
            1 => format!(
                "SELECT get_field(quantile_ci({a}, 0.5, 0.95), 'lower'), percentile_cont(0.99) WITHIN GROUP (ORDER BY {b}) FROM {table}"
            ),
            _ => format!("SELECT {a} AS x FROM {table} WHERE {b} IS NOT NULL ORDER BY 1 LIMIT 5"),
        })
}

fn statement() -> impl Strategy<Value = String> {
    prop_oneof![soup(), query()]
}

#[test]
fn any_statement_gives_rows_or_an_error() {
    let data = tempfile::tempdir().unwrap();
    let rows = synthetic::invocations(&Matrix::builtin().unwrap(), 1, 3, 5);
    parquet_out::write_part(data.path(), "r", "part-0", &rows).unwrap();
    let before = snapshot(data.path());
    let root = data.path().to_path_buf();
    // The binary's stack (cli/src/main.rs): planning recurses per expression level.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .thread_stack_size(256 << 20)
                .enable_all()
                .build()
                .unwrap();
            let analyzer = rt.block_on(async {
                let location = DataLocation::resolve(root.to_str().unwrap()).await.unwrap();
                Analyzer::open(&location, Some("r")).await.unwrap()
            });
            let mut runner = TestRunner::new(Config {
                cases: CASES,
                failure_persistence: None,
                ..Config::default()
            });
            let answered = std::cell::Cell::new(0u32);
            runner
                .run(&statement(), |sql| {
                    // Ok or Err both fine; a panic fails the case, an overflow the binary.
                    if rt
                        .block_on(analyzer.query(&sql, &SqlOrigin::Inline))
                        .is_ok()
                    {
                        answered.set(answered.get() + 1);
                    }
                    Ok(())
                })
                .unwrap();
            // The well-formed half reaches execution, not only the parser.
            let answered = answered.get();
            eprintln!("{CASES} statements, {answered} answered with rows");
            assert!(answered > CASES / 10, "only {answered} statements ran");
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(
        snapshot(data.path()),
        before,
        "a statement changed the data"
    );
}
