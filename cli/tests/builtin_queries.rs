//! The queries of `queries/` are built in: `lambench queries` lists and prints them, `analyze
//! --sql NAME` runs them from any directory (a file at that path still wins), and a statement
//! that reads no table runs without data.

mod common;

use common::{lambench, repo_root, succeed, write_fixture};
use lambench_model::price::PriceTable;
use predicates::prelude::*;

/// Every `.sql` under `queries/`, as its name (`p99`, `report/samples`).
fn shipped_names() -> Vec<String> {
    let mut names = Vec::new();
    for dir in ["", "report", "collect"] {
        for entry in std::fs::read_dir(repo_root().join("queries").join(dir)).unwrap() {
            let file = entry.unwrap().file_name().into_string().unwrap();
            if let Some(stem) = file.strip_suffix(".sql") {
                names.push(match dir {
                    "" => stem.to_string(),
                    _ => format!("{dir}/{stem}"),
                });
            }
        }
    }
    names.sort();
    names
}

#[test]
fn queries_lists_every_file_with_what_it_answers() {
    let out = succeed(lambench().arg("queries"));
    for name in shipped_names() {
        assert!(
            out.lines()
                .any(|l| l.trim_start().starts_with(&format!("{name} "))),
            "{name} missing:\n{out}"
        );
    }
    assert!(
        out.contains("p99  ") && out.contains("latency distribution per runtime"),
        "{out}"
    );
}

#[test]
fn queries_name_prints_the_file() {
    for name in ["p99", "queries/arm_vs_x86.sql", "report/samples"] {
        let file = name.trim_start_matches("queries/").trim_end_matches(".sql");
        let expected =
            std::fs::read_to_string(repo_root().join(format!("queries/{file}.sql"))).unwrap();
        assert_eq!(succeed(lambench().args(["queries", name])), expected);
    }
    lambench().args(["queries", "p98"]).assert().code(2).stderr(
        predicate::str::contains("no built-in query \"p98\"")
            .and(predicate::str::contains("p99, ")),
    );
}

#[test]
fn a_query_by_name_runs_from_any_directory_as_its_file_does() {
    let data = tempfile::tempdir().unwrap();
    write_fixture(data.path());
    let elsewhere = tempfile::tempdir().unwrap();
    let data = data.path().to_str().unwrap();
    let args =
        |sql: &str| ["analyze", "--data", data, "--sql", sql, "--format", "csv"].map(String::from);
    let from_file = succeed(lambench().args(args("queries/p99.sql")));
    assert!(from_file.lines().count() > 10, "{from_file}");
    for name in ["p99", "p99.sql", "queries/p99.sql"] {
        let by_name = succeed(lambench().current_dir(elsewhere.path()).args(args(name)));
        assert_eq!(by_name, from_file, "{name}");
    }
    let by_alias = succeed(lambench().current_dir("/").args([
        "analyze",
        "--data",
        data,
        "--query-file",
        "arm_vs_x86",
        "--format",
        "csv",
    ]));
    assert!(
        by_alias.starts_with("runtime,workload,memory_mb,"),
        "{by_alias}"
    );
}

#[test]
fn a_file_at_the_path_wins_over_the_built_in_query() {
    let data = tempfile::tempdir().unwrap();
    write_fixture(data.path());
    let here = tempfile::tempdir().unwrap();
    std::fs::write(
        here.path().join("p99"),
        "SELECT count(*) AS n FROM invocations",
    )
    .unwrap();
    let out = succeed(lambench().current_dir(here.path()).args([
        "analyze",
        "--data",
        data.path().to_str().unwrap(),
        "--sql",
        "p99",
        "--format",
        "csv",
    ]));
    assert!(out.starts_with("n\n"), "{out}");
}

#[test]
fn an_unknown_name_lists_the_built_in_queries() {
    let here = tempfile::tempdir().unwrap();
    lambench()
        .current_dir(here.path())
        .args(["analyze", "--sql", "p98"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("p98: no such file, and no built-in query of that name")
                .and(predicate::str::contains("arm_vs_x86, cold_starts"))
                .and(predicate::str::contains("lambench queries")),
        );
}

#[test]
fn an_expression_needs_no_data_but_a_table_still_does() {
    let empty = tempfile::tempdir().unwrap();
    let out = succeed(lambench().current_dir(empty.path()).args([
        "analyze",
        "--query",
        "SELECT lambda_cost_usd('arm64', 1024, 100) AS usd, gb_seconds(1024, 100) AS gbs",
        "--format",
        "csv",
    ]));
    let expected = PriceTable
        .invocation_cost("arm64", 1024.0, 100.0, "us-east-1")
        .unwrap();
    let row: Vec<f64> = out
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    assert!((row[0] - expected).abs() < 1e-15, "{out} vs {expected}");
    assert!((row[1] - 0.1).abs() < 1e-12, "{out}");
    // No `results` folder here: a statement reading the table says so, as before.
    lambench()
        .current_dir(empty.path())
        .args(["analyze", "--query", "SELECT count(*) FROM invocations"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("results does not exist"));
    assert!(
        std::fs::read_dir(empty.path()).unwrap().next().is_none(),
        "nothing written"
    );
}
