//! The queries in queries/ over a deterministic fixture: snapshots of their output, and checks
//! of their numbers against the model computed independently in Rust.

mod common;

use common::{analyze, repo_root, write_fixture};
use lambench_model::price::PriceTable;
use lambench_model::{Matrix, Status};
use lambench_testkit::synthetic;
use serde_json::Value;

#[test]
fn p99_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let csv = analyze(
        dir.path(),
        &[
            "--run",
            "fixture-run",
            "--sql",
            "queries/p99.sql",
            "--format",
            "csv",
        ],
    );
    insta::assert_snapshot!("p99_fixture_csv", csv);
}

#[test]
fn every_query_runs_on_the_fixture() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let mut names: Vec<_> = std::fs::read_dir(repo_root().join("queries"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    assert!(names.len() >= 6, "{names:?}");
    for name in names {
        let sql = std::fs::read_to_string(repo_root().join("queries").join(&name)).unwrap();
        assert!(
            sql.starts_with("-- "),
            "{name} must start with a comment saying what it answers"
        );
        let json = analyze(
            dir.path(),
            &[
                "--run",
                "fixture-run",
                "--sql",
                &format!("queries/{name}"),
                "--format",
                "json",
            ],
        );
        let rows: Vec<Value> = serde_json::from_str(&json).unwrap();
        assert!(!rows.is_empty(), "{name} returned no rows on the fixture");
    }
}

#[test]
fn run_filter_selects_one_partition() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let matrix = Matrix::builtin().unwrap();
    let fixture = synthetic::invocations(&matrix, 3, 12, 42).len();
    let other = synthetic::invocations(&matrix, 1, 1, 7).len();
    let count = |args: &[&str]| -> usize {
        let mut all = vec![
            "--query",
            "SELECT count(*) AS n FROM invocations",
            "--format",
            "csv",
        ];
        all.extend_from_slice(args);
        analyze(dir.path(), &all)
            .lines()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(count(&["--run", "fixture-run"]), fixture);
    assert_eq!(count(&["--run", "other-run"]), other);
    assert_eq!(count(&[]), fixture + other);
}

#[test]
fn cost_per_million_matches_the_price_model() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let json = analyze(
        dir.path(),
        &[
            "--run",
            "fixture-run",
            "--sql",
            "queries/cost_per_million.sql",
            "--format",
            "json",
        ],
    );
    let rows: Vec<Value> = serde_json::from_str(&json).unwrap();
    let matrix = Matrix::builtin().unwrap();
    let all = synthetic::invocations(&matrix, 3, 12, 42);
    let mut checked = 0;
    for row in rows.iter().step_by(17) {
        let cell: Vec<_> = all
            .iter()
            .filter(|r| {
                r.status == Status::Ok
                    && r.runtime == row["runtime"].as_str().unwrap()
                    && r.architecture == row["architecture"].as_str().unwrap()
                    && r.workload == row["workload"].as_str().unwrap()
                    && i64::from(r.memory_mb) == row["memory_mb"].as_i64().unwrap()
                    && r.start_type.as_str() == row["start_type"].as_str().unwrap()
            })
            .collect();
        let cost: f64 = cell
            .iter()
            .map(|r| {
                PriceTable
                    .invocation_cost(
                        &r.architecture,
                        f64::from(r.memory_mb),
                        r.billed_duration_ms.unwrap() as f64,
                        "us-east-1",
                    )
                    .unwrap()
            })
            .sum::<f64>()
            / cell.len() as f64;
        assert_eq!(row["n"].as_u64().unwrap() as usize, cell.len());
        let got = row["usd_per_million"].as_f64().unwrap();
        assert!(
            (got - cost * 1e6).abs() <= 0.00006,
            "{row}: SQL {got} vs model {}",
            cost * 1e6
        );
        checked += 1;
    }
    assert!(checked > 10);
}

#[test]
fn arm_vs_x86_speedup_matches_medians() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let rows: Vec<Value> = serde_json::from_str(&analyze(
        dir.path(),
        &[
            "--run",
            "fixture-run",
            "--sql",
            "queries/arm_vs_x86.sql",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    assert_eq!(
        rows.len(),
        7 * (6 + 9 + 6),
        "one row per runtime × workload × memory"
    );
    for row in &rows {
        let ratio = row["p50_x86_64_ms"].as_f64().unwrap() / row["p50_arm64_ms"].as_f64().unwrap();
        assert!(
            (row["speedup"].as_f64().unwrap() - ratio).abs() < 0.002,
            "{row}"
        );
        let (arm, x86) = (
            row["usd_per_million_arm64"].as_f64().unwrap(),
            row["usd_per_million_x86_64"].as_f64().unwrap(),
        );
        let saving = 100.0 * (1.0 - arm / x86);
        assert!(
            (row["cost_saving_pct"].as_f64().unwrap() - saving).abs() < 0.05,
            "{row}"
        );
    }
}
