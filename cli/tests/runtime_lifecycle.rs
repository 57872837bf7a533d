//! Runtimes stay deployable: bench.toml's deprecation dates warn ahead and refuse once Lambda
//! blocks the runtime (judged on a fixed day, `LAMBENCH_TODAY`), and the optional nodejs24.x
//! is listed, left out of the default run, and runs on the emulator when chosen.

mod common;

use common::collect::{CELL_COUNTS, query, small_matrix};
use common::{lambench, succeed};

/// Before nodejs20.x's creation block (2027-02-01), within 90 days of it: the tests' day.
const SOON: &str = common::TODAY;
/// After its update block (2027-03-03): nothing can be deployed or configured.
const AFTER: &str = "2027-03-10";

#[test]
fn matrix_lists_the_optional_runtime_and_warns_ahead_of_a_block() {
    let out = lambench()
        .env("LAMBENCH_TODAY", SOON)
        .arg("matrix")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("the default run: 42 functions")
            && stdout.contains("optional, measured when chosen (collect --runtime): nodejs24.x")
            && stdout.contains("lambench-nodejs24-arm64-cpu-intensive"),
        "{stdout}"
    );
    assert!(
        stderr.contains(
            "warning: nodejs20.x: deprecated since 2026-04-30, Lambda blocks creating its functions from 2027-02-01 (in 62 days)"
        ),
        "{stderr}"
    );
    let earlier = lambench()
        .env("LAMBENCH_TODAY", "2025-06-01")
        .arg("matrix")
        .output()
        .unwrap();
    assert!(
        earlier.status.success() && earlier.stderr.is_empty(),
        "no warning long before any date: {}",
        String::from_utf8_lossy(&earlier.stderr)
    );
}

#[test]
fn collect_on_aws_refuses_a_runtime_lambda_no_longer_updates_and_local_runs_warn() {
    let args = ["collect", "--test", "--dry-run", "--runtime", "nodejs20"];
    // Refused before AWS is asked: no credentials are needed to see why.
    lambench()
        .env("LAMBENCH_TODAY", AFTER)
        .args(args)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "cannot collect on AWS: nodejs20.x: deprecated since 2026-04-30",
        ))
        .stderr(predicates::str::contains(
            "remove it from bench.toml's [[runtimes]] (or leave it out with --runtime)",
        ));
    lambench()
        .env("LAMBENCH_TODAY", AFTER)
        .args(args)
        .arg("--local")
        .assert()
        .success()
        .stderr(predicates::str::contains("warning: nodejs20.x:"));
    lambench()
        .env("LAMBENCH_TODAY", "01/12/2026")
        .args(args)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("LAMBENCH_TODAY=\"01/12/2026\""));
}

/// Node 24 for the emulator: `LAMBENCH_NODE24` (.ci/run installs the npm package node@24), or
/// `node` on PATH when it is 24.
fn node24_available() -> bool {
    let node = std::env::var("LAMBENCH_NODE24").unwrap_or_else(|_| "node".into());
    std::process::Command::new(node)
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).starts_with("v24."))
}

#[test]
fn the_optional_node24_runtime_runs_on_the_emulator_when_chosen() {
    if !node24_available() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI installs Node 24 (LAMBENCH_NODE24)"
        );
        eprintln!("SKIPPED: no Node 24 (set LAMBENCH_NODE24=/path/to/node 24)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let matrix = small_matrix(dir.path(), 2000, 2, "256");
    let data = dir.path().join("results");
    let data = data.to_str().unwrap();
    succeed(
        lambench()
            .env("LAMBENCH_TODAY", SOON)
            .arg("--matrix")
            .arg(&matrix)
            .args([
                "collect", "--local", "--test", "--yes", "--run-id", "node24",
            ])
            .args(["--runtime", "node24", "--workload", "cpu-intensive"])
            .args(["--out", data, "--progress", "lines"]),
    );
    let rows = query(data, "node24", CELL_COUNTS);
    assert!(!rows.is_empty(), "rows written");
    for r in &rows {
        assert!(
            r["function_name"]
                .as_str()
                .is_some_and(|f| f.starts_with("lambench-nodejs24-")),
            "only the chosen runtime: {r}"
        );
        assert_eq!(r["cold_ok"], 2, "{r}");
        assert_eq!(r["warm_ok"], 2, "{r}");
    }
}
