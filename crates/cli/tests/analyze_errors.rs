//! Bad input: every case is a clear message on stderr and exit code 2, never a panic.

mod common;

use common::{lambench, write_fixture};
use predicates::prelude::*;

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    dir
}

#[test]
fn missing_data_folder() {
    lambench()
        .args([
            "analyze",
            "--data",
            "/nonexistent/lambench",
            "--query",
            "SELECT 1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "/nonexistent/lambench does not exist",
        ))
        .stderr(predicate::str::contains("lambench collect"));
}

#[test]
fn empty_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    lambench()
        .args([
            "analyze",
            "--data",
            dir.path().to_str().unwrap(),
            "--query",
            "SELECT 1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no .parquet files under"));
}

#[test]
fn corrupt_parquet() {
    let dir = fixture();
    let bad = dir.path().join("run_id=fixture-run/part-9.parquet");
    std::fs::write(&bad, b"PAR1 this is not really parquet").unwrap();
    lambench()
        .args([
            "analyze",
            "--data",
            dir.path().to_str().unwrap(),
            "--query",
            "SELECT count(*) FROM invocations",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not valid Parquet"))
        .stderr(predicate::str::contains(
            "run_id=fixture-run/part-9.parquet",
        ))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn invalid_sql_names_the_file() {
    let dir = fixture();
    let sql = dir.path().join("broken.sql");
    std::fs::write(&sql, "SELEC runtime FROM invocations").unwrap();
    lambench()
        .args([
            "analyze",
            "--data",
            dir.path().to_str().unwrap(),
            "--sql",
            sql.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "SQL error in {}",
            sql.display()
        )))
        .stderr(predicate::str::contains("SELEC"));
}

#[test]
fn unknown_column_is_a_plan_error() {
    let dir = fixture();
    lambench()
        .args([
            "analyze",
            "--data",
            dir.path().to_str().unwrap(),
            "--query",
            "SELECT no_such_column FROM invocations",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SQL error in --query"))
        .stderr(predicate::str::contains("no_such_column"));
}

#[test]
fn missing_sql_file() {
    let dir = fixture();
    lambench()
        .args([
            "analyze",
            "--data",
            dir.path().to_str().unwrap(),
            "--sql",
            "queries/nope.sql",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read queries/nope.sql"));
}

#[test]
fn unknown_run_lists_the_runs() {
    let dir = fixture();
    lambench()
        .args([
            "analyze",
            "--data",
            dir.path().to_str().unwrap(),
            "--run",
            "nope",
            "--query",
            "SELECT 1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no run \"nope\""))
        .stderr(predicate::str::contains("fixture-run, other-run"));
}

#[test]
fn parquet_format_needs_output_and_unknown_format_is_rejected() {
    let dir = fixture();
    let data = dir.path().to_str().unwrap();
    lambench()
        .args([
            "analyze", "--data", data, "--query", "SELECT 1", "--format", "parquet",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("add --output FILE"));
    lambench()
        .args([
            "analyze", "--data", data, "--query", "SELECT 1", "--format", "xml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'xml'"));
}

#[test]
fn unknown_price_region_is_an_error_not_a_null() {
    let dir = fixture();
    lambench()
        .args([
            "analyze",
            "--data",
            dir.path().to_str().unwrap(),
            "--query",
            "SELECT lambda_cost_usd(architecture, memory_mb, billed_duration_ms, 'mars-1') FROM invocations",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no Lambda prices recorded for region \"mars-1\""));
}

#[test]
fn failed_query_leaves_no_output_file() {
    let dir = fixture();
    let out = dir.path().join("out.csv");
    lambench()
        .args([
            "analyze",
            "--data",
            dir.path().to_str().unwrap(),
            "--query",
            "SELECT lambda_cost_usd('sparc', 128, 1) FROM invocations",
            "--output",
            out.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown architecture \"sparc\""));
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
