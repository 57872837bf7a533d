//! Faults become rows, not lost data: with the emulator answering 429s to invokes and 409s to
//! configuration updates, a handler that fails and one that times out, the run completes and
//! every failure is a row with the right status.

mod common;

use common::collect::{EmulatorProcess, manifest, query, small_matrix};
use common::{lambench, succeed};

#[test]
fn throttles_conflicts_errors_and_timeouts_are_rows_with_their_status() {
    let dir = tempfile::tempdir().unwrap();
    // 5M SHA-256 iterations take ~2 s in Python: past the 1 s timeout. 4096 MB is above the
    // memory-intensive handler's 2048 MB limit: it raises (the contract's error body).
    let matrix = small_matrix(dir.path(), 5_000_000, 4096, "1769");
    let emulator = EmulatorProcess::start(
        &matrix,
        &[
            "--timeout-s",
            "1",
            "--fault-throttle",
            "0.25",
            "--fault-conflict",
            "0.3",
        ],
    );
    let out = dir.path().join("results");
    let data = out.to_str().unwrap();
    let stdout = succeed(
        lambench()
            .arg("--matrix")
            .arg(&matrix)
            .args([
                "collect",
                "--endpoint-url",
                &emulator.url,
                "--test",
                "--yes",
                "--run-id",
                "faults",
                "--out",
                data,
            ])
            .args([
                "--runtime",
                "python3.11",
                "--workload",
                "cpu-intensive",
                "--workload",
                "memory-intensive",
            ])
            .args(["--concurrency", "1", "--progress", "lines", "--no-report"]),
    );

    let rows = query(
        data,
        "faults",
        "SELECT workload, status, count(*) AS n, count(error_type) AS typed, \
         count(DISTINCT concat(start_type, '/', CAST(sample_index AS VARCHAR), '/', CAST(is_warmup AS VARCHAR))) AS samples \
         FROM invocations GROUP BY workload, status ORDER BY workload, status",
    );
    let get = |workload: &str, status: &str| {
        rows.iter()
            .find(|r| r["workload"] == workload && r["status"] == status)
            .cloned()
            .unwrap_or_default()
    };
    // 2 cold + 1 warm-up + 2 warm samples per cell, each ending in its failure.
    let timeouts = get("cpu-intensive", "timeout");
    assert_eq!(
        timeouts["samples"], 5,
        "every cpu sample timed out: {rows:?}"
    );
    assert_eq!(
        get("cpu-intensive", "ok")["n"],
        serde_json::Value::Null,
        "{rows:?}"
    );
    let errors = get("memory-intensive", "error");
    assert_eq!(errors["samples"], 5, "every memory sample failed: {rows:?}");
    assert_eq!(
        errors["typed"], errors["n"],
        "errors carry the function's error type"
    );
    let throttled: i64 = rows
        .iter()
        .filter(|r| r["status"] == "throttled")
        .map(|r| r["n"].as_i64().unwrap())
        .sum();
    assert!(throttled > 0, "429s are rows: {rows:?}");

    // Errors keep where they ran (the error body carries the environment); with throttled
    // warm-ups, a first invocation is still exactly a cold sample or a warm-up.
    let placed = query(
        data,
        "faults",
        "SELECT count(*) FILTER (WHERE status = 'error') AS errors, \
         count(environment_id) FILTER (WHERE status = 'error') AS errors_placed, \
         count(*) FILTER (WHERE environment_invocation IS NOT NULL \
           AND (environment_invocation = 1) <> (start_type = 'cold' OR is_warmup)) AS mismatched \
         FROM invocations",
    );
    assert_eq!(
        placed[0]["errors"], placed[0]["errors_placed"],
        "{placed:?}"
    );
    assert_eq!(placed[0]["mismatched"], 0, "{placed:?}");

    let m = manifest(&out, "faults");
    assert_eq!(m["status"], "complete");
    let retries: i64 = m["completed"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c["config_retries"].as_i64().unwrap())
        .sum();
    assert!(
        retries > 0,
        "409s on UpdateFunctionConfiguration were retried and counted"
    );
    let counted: i64 = m["completed"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c["throttled"].as_i64().unwrap())
        .sum();
    assert_eq!(counted, throttled, "every throttle counted in the summary");
    assert!(
        stdout.contains(&format!("{throttled} throttled")),
        "{stdout}"
    );
}
