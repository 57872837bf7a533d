//! End to end on the local emulator: `collect --local --test` writes every planned sample as a
//! row, every cold sample verified cold, then `analyze` reads it back.

mod common;

use common::lambench;
use serde_json::Value;

#[test]
fn collect_local_test_mode_then_analyze() {
    let out = tempfile::tempdir().unwrap();
    let data = out.path().to_str().unwrap();
    lambench()
        .args([
            "collect", "--local", "--test", "--yes", "--run-id", "e2e", "--out", data,
        ])
        .args([
            "--runtime",
            "provided.al2023",
            "--workload",
            "cpu-intensive",
            "--memory",
            "1769",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("5 rows (0 failed"));
    let output = lambench()
        .args(["analyze", "--data", data, "--run", "e2e", "--format", "json", "--query"])
        .arg(
            "SELECT start_type, count(*) AS n, sum(CASE WHEN observed_cold THEN 1 ELSE 0 END) AS cold, \
             sum(CASE WHEN is_warmup THEN 1 ELSE 0 END) AS warmup, count(init_duration_ms) AS with_init, \
             count(DISTINCT request_id) AS ids FROM invocations GROUP BY start_type ORDER BY start_type",
        )
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    // test mode: 2 cold, then 1 flagged warm-up + 2 warm.
    assert_eq!(rows[0]["start_type"], "cold");
    assert_eq!(
        (
            rows[0]["n"].as_i64(),
            rows[0]["cold"].as_i64(),
            rows[0]["with_init"].as_i64()
        ),
        (Some(2), Some(2), Some(2))
    );
    assert_eq!(rows[1]["start_type"], "warm");
    assert_eq!(
        (
            rows[1]["n"].as_i64(),
            rows[1]["cold"].as_i64(),
            rows[1]["warmup"].as_i64()
        ),
        (Some(3), Some(0), Some(1))
    );
    assert_eq!(
        rows[0]["ids"].as_i64().unwrap() + rows[1]["ids"].as_i64().unwrap(),
        5,
        "no duplicate request ids"
    );
}

#[test]
fn collect_needs_a_mode_and_a_target() {
    lambench()
        .args(["collect", "--local", "--yes"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("choose a mode"));
    lambench()
        .args(["collect", "--test", "--yes"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("use --local"));
}
