//! Bad input: every case is a clear message on stderr and exit code 2, never a panic.

mod common;

use common::{lambench, write_fixture};
use predicates::prelude::*;

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    dir
}

/// Runs `lambench analyze --data DATA ARGS...` and checks exit code 2, each expected fragment
/// on stderr, and no panic.
fn fails(data: &std::path::Path, args: &[&str], expected: &[&str]) {
    let mut assert = lambench()
        .args(["analyze", "--data", data.to_str().unwrap()])
        .args(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("panicked").not());
    for fragment in expected {
        assert = assert.stderr(predicate::str::contains(*fragment));
    }
}

#[test]
fn missing_data_folder() {
    let missing = std::path::Path::new("/nonexistent/lambench");
    fails(
        missing,
        &["--query", "SELECT count(*) FROM invocations"],
        &["/nonexistent/lambench does not exist", "lambench collect"],
    );
}

#[test]
fn empty_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    fails(
        dir.path(),
        &["--query", "SELECT count(*) FROM invocations"],
        &["no .parquet files under"],
    );
}

#[test]
fn corrupt_parquet() {
    let dir = fixture();
    let bad = dir.path().join("run_id=fixture-run/part-9.parquet");
    std::fs::write(&bad, b"PAR1 this is not really parquet").unwrap();
    fails(
        dir.path(),
        &["--query", "SELECT count(*) FROM invocations"],
        &["not valid Parquet", "run_id=fixture-run/part-9.parquet"],
    );
}

#[test]
fn invalid_sql_names_the_file() {
    let dir = fixture();
    let sql = dir.path().join("broken.sql");
    std::fs::write(&sql, "SELEC runtime FROM invocations").unwrap();
    let origin = format!("SQL error in {}", sql.display());
    fails(
        dir.path(),
        &["--sql", sql.to_str().unwrap()],
        &[&origin, "SELEC"],
    );
    // The parser's own message, not DataFusion's debug rendering of it.
    lambench()
        .args(["analyze", "--data", dir.path().to_str().unwrap()])
        .args(["--sql", sql.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            ": Expected: an SQL statement, found: SELEC",
        ))
        .stderr(predicate::str::contains("ParserError(").not());
}

#[test]
fn no_statement_names_both_options() {
    let dir = fixture();
    lambench()
        .args(["analyze", "--data", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--sql <FILE|NAME>"))
        .stderr(predicate::str::contains("--query <SQL>"));
    lambench()
        .args(["analyze", "--data", dir.path().to_str().unwrap()])
        .args(["--sql", "a.sql", "--query", "SELECT 1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn unknown_column_is_a_plan_error() {
    let dir = fixture();
    fails(
        dir.path(),
        &["--query", "SELECT no_such_column FROM invocations"],
        &["SQL error in --query", "no_such_column"],
    );
}

#[test]
fn missing_sql_file() {
    let dir = fixture();
    fails(
        dir.path(),
        &["--sql", "queries/nope.sql"],
        &["queries/nope.sql: no such file, and no built-in query of that name"],
    );
    // The reason once, not again as a "caused by" line.
    lambench()
        .args(["analyze", "--data", dir.path().to_str().unwrap()])
        .args(["--sql", "queries/nope.sql"])
        .assert()
        .stderr(predicate::str::contains("no such file").count(1));
    // A path that exists but cannot be read as text is that error, not a query name.
    fails(
        dir.path(),
        &["--sql", "queries"],
        &["cannot read queries: Is a directory"],
    );
}

#[test]
fn unknown_run_lists_the_runs() {
    let dir = fixture();
    fails(
        dir.path(),
        &[
            "--run",
            "nope",
            "--query",
            "SELECT count(*) FROM invocations",
        ],
        &["no run \"nope\"", "fixture-run, other-run"],
    );
}

#[test]
fn parquet_format_needs_output_and_unknown_format_is_rejected() {
    let dir = fixture();
    fails(
        dir.path(),
        &["--query", "SELECT 1", "--format", "parquet"],
        &["add --output FILE"],
    );
    fails(
        dir.path(),
        &["--query", "SELECT 1", "--format", "xml"],
        &["invalid value 'xml'"],
    );
}

#[test]
fn unknown_price_region_is_an_error_not_a_null() {
    let dir = fixture();
    let sql = "SELECT lambda_cost_usd(architecture, memory_mb, billed_duration_ms, 'mars-1') FROM invocations";
    fails(
        dir.path(),
        &["--query", sql],
        &["no Lambda prices recorded for region \"mars-1\""],
    );
}

#[test]
fn failed_query_leaves_no_output_file() {
    let dir = fixture();
    // Outside the data folder (results are never written inside it).
    let results = tempfile::tempdir().unwrap();
    let out = results.path().join("out.csv");
    let sql = "SELECT lambda_cost_usd('sparc', 128, 1) FROM invocations";
    fails(
        dir.path(),
        &["--query", sql, "--output", out.to_str().unwrap()],
        &["unknown architecture \"sparc\""],
    );
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(results.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
