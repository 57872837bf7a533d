//! End to end on the local emulator: `collect --local --test` writes every planned sample as a
//! row, every cold sample verified cold, then `analyze` reads it back; usage errors.

mod common;

use common::collect::{CELL_COUNTS, cells_of, manifest, planned_cells, query, small_matrix};
use common::{lambench, succeed};

#[test]
fn collect_local_test_mode_then_analyze() {
    let dir = tempfile::tempdir().unwrap();
    let matrix = small_matrix(dir.path(), 2000, 2, "256, 1769");
    let out = dir.path().join("results");
    let data = out.to_str().unwrap();
    let stdout = succeed(
        lambench()
            .arg("--matrix")
            .arg(&matrix)
            .args([
                "collect", "--local", "--test", "--yes", "--run-id", "e2e", "--out", data,
            ])
            .args([
                "--concurrency",
                "2",
                "--parallelism",
                "2",
                "--progress",
                "lines",
                "--report-dir",
            ])
            .arg(dir.path().join("reports")),
    );
    // A first run here has no times of this machine: its duration is modelled.
    assert!(
        stdout.contains("estimated duration on this machine")
            && stdout.contains("modelled: no earlier local run"),
        "plan printed: {stdout}"
    );
    assert!(stdout.contains("next: lambench analyze"), "{stdout}");
    // The run ends with its report.
    let report = dir.path().join("reports/e2e/index.html");
    assert!(stdout.contains("report: "), "{stdout}");
    // Then its verdicts in the terminal (one architecture here: it says there is no comparison).
    assert!(
        stdout.contains("no samples of both architectures")
            || stdout.contains("arm64 vs x86_64 over all memory sizes"),
        "{stdout}"
    );
    assert!(report.is_file(), "{stdout}");

    let m = manifest(&out, "e2e");
    assert_eq!(m["status"], "complete");
    let planned = planned_cells(&m);
    assert!(
        planned.len() >= 4,
        "at least two runtimes x two sizes: {planned:?}"
    );
    let rows = query(data, "e2e", CELL_COUNTS);
    let present = cells_of(&rows);
    assert_eq!(present, planned, "every planned cell present, nothing else");
    // So the quality page, which names cells as the statistics do, lists none as missing.
    let quality = std::fs::read_to_string(dir.path().join("reports/e2e/quality.html")).unwrap();
    assert!(!quality.contains("planned, no data"), "{quality}");
    let custom = m["plan"]["cells"].as_array().unwrap().iter().any(|c| {
        c["function"]["runtime"]
            .as_str()
            .is_some_and(|r| r.starts_with("provided"))
    });
    if custom {
        assert!(quality.contains("<td>rust (provided."), "{quality}");
    }
    for r in &rows {
        assert_eq!(
            r["cold_ok"], 2,
            "2 verified cold samples with init duration: {r}"
        );
        assert_eq!(r["warm_ok"], 2, "2 warm samples: {r}");
        assert_eq!(r["rounds"], 2, "2 rounds of 1 cold + 1 warm: {r}");
        assert_eq!(
            r["warmups"], 2,
            "one warm-up per warm environment, 1 per round: {r}"
        );
        assert_eq!(r["n"], r["ids"], "no duplicate request ids: {r}");
        assert_eq!(r["unplaced"], 0, "every sample knows where it ran: {r}");
        assert_eq!(
            r["first_mismatch"], 0,
            "environment_invocation is 1 exactly on cold samples and warm-ups: {r}"
        );
        assert_eq!(r["warm_envs"], 2, "one environment per round: {r}");
    }
    let p99 = lambench()
        .args([
            "analyze",
            "--data",
            data,
            "--run",
            "e2e",
            "--sql",
            "queries/p99.sql",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        p99.status.success(),
        "{}",
        String::from_utf8_lossy(&p99.stderr)
    );
    let p99: Vec<serde_json::Value> = serde_json::from_slice(&p99.stdout).unwrap();
    assert_eq!(
        p99.len(),
        planned.len() * 2,
        "a cold and a warm row per cell"
    );
    assert!(
        p99.iter()
            .all(|r| r["errors"] == 0 && r["p99_ms"].as_f64().is_some())
    );
    assert!(
        p99.iter()
            .filter(|r| r["start_type"] == "cold")
            .all(|r| r["p50_init_ms"].as_f64().is_some())
    );

    // The next plan here takes every cell's times from this run (queries/collect/local_times.sql).
    let plan = lambench()
        .arg("--matrix")
        .arg(&matrix)
        .args(["collect", "--local", "--test", "--dry-run", "--out", data])
        .args(["--concurrency", "2", "--parallelism", "2"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&plan.stdout);
    let timed = format!(
        "{0} of {0} cells timed on 1 earlier local run(s)",
        planned.len()
    );
    assert!(
        plan.status.success() && text.contains(&timed),
        "{timed:?} in {text}"
    );

    // The same run id again is refused rather than overwritten.
    lambench()
        .arg("--matrix")
        .arg(&matrix)
        .args([
            "collect", "--local", "--test", "--yes", "--run-id", "e2e", "--out", data,
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--resume e2e"));
}

#[test]
fn collect_help_groups_its_options_under_headings() {
    let help = succeed(lambench().args(["collect", "--help"]));
    let at = |heading: &str| {
        help.find(&format!("\n{heading}:\n"))
            .unwrap_or_else(|| panic!("no heading {heading:?} in\n{help}"))
    };
    let order = [
        at("Run"),
        at("Target (AWS or local)"),
        at("Selection (default: the whole matrix)"),
        at("Limits"),
        at("Output"),
        at("Ledger (DynamoDB)"),
    ];
    assert!(order.is_sorted(), "headings out of order:\n{help}");
    // Each option under its heading: --local under Target, --memory under Selection.
    let local = help.find("--local").expect("--local");
    let memory = help.find("--memory <MB>").expect("--memory");
    assert!(order[1] < local && local < order[2], "{help}");
    assert!(order[2] < memory && memory < order[3], "{help}");
}

#[test]
fn collect_usage_errors() {
    lambench()
        .args(["collect", "--local", "--yes"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("choose a mode"));
    let dir = tempfile::tempdir().unwrap();
    lambench()
        .args(["collect", "--local", "--resume", "nope", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no run nope"));
    lambench()
        .args([
            "collect",
            "--local",
            "--test",
            "--yes",
            "--function",
            "lambench-cobol-x86_64-cpu-intensive",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a function of the matrix"));
    lambench()
        .args([
            "collect",
            "--local",
            "--test",
            "--yes",
            "--runtime",
            "python3.99",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--runtime \"python3.99\" matches nothing in the matrix",
        ))
        .stderr(predicates::str::contains("python3.12, python3.11"))
        .stderr(predicates::str::contains("node22"));
    // Refused before anything starts: no data folder appears.
    let out = dir.path().join("never");
    lambench()
        .args(["collect", "--local", "--test", "--yes", "--memory", "1000"])
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("1024"));
    assert!(!out.exists(), "a refused selection created {out:?}");
}

#[test]
fn runtime_aliases_select_the_matrix_runtimes() {
    let stdout = succeed(
        lambench()
            .args(["collect", "--local", "--test", "--dry-run"])
            .args(["--workload", "cpu-intensive", "--memory", "128"])
            .args(["--runtime", "py3.12", "--runtime", "python312"]),
    );
    let planned: Vec<&str> = stdout.lines().filter(|l| l.contains("@ 128 MB")).collect();
    assert!(
        !planned.is_empty() && planned.iter().all(|l| l.contains("python3-12")),
        "only python3.12 cells planned: {stdout}"
    );
}

#[test]
fn dry_run_prints_the_plan_with_duration_and_cost() {
    let stdout = succeed(lambench().args([
        "collect",
        "--local",
        "--production",
        "--dry-run",
        "--workload",
        "cpu-intensive",
    ]));
    for needle in [
        "mode production",
        "invocations",
        "estimated duration on this machine",
        "on AWS Lambda it would take about",
        "nothing is billed locally",
        "@ 128 MB",
    ] {
        assert!(stdout.contains(needle), "{needle:?} in {stdout}");
    }
    assert!(!stdout.contains("estimated Lambda cost"), "{stdout}");
    // Functions the emulator cannot run are listed with the reason (this host runs one
    // architecture only, so the other's functions at least).
    assert!(
        stdout.contains("not run here (")
            && stdout.contains("architecture is reported, never faked"),
        "{stdout}"
    );
}
