//! A/A: two identical local runs compared with `report --baseline` flag no regression and no
//! improvement (the practical margin and the correction over the family keep noise from
//! becoming findings), and every comparison is in summary.json.
//!
//! The two runs collect side by side, as two processes at once, so that what slows the whole
//! machine for a minute slows both (one after the other they are not identical on a shared
//! 2-core machine). Each round's environments share its minute too, so the rounds are the
//! units of the comparison (analyzer/report/src/baseline.rs). With the environments as units,
//! this test flagged a Python "regression" twice in CI, and here in 2 of 78 pairs (1.29,
//! interval 1.14-1.45; 1.26, interval 1.14-1.39); docs/methodology.md, "Baselines across time".

mod common;

use common::collect::small_matrix;
use common::lambench;
use serde_json::Value;

fn collect(matrix: &std::path::Path, data: &str, run_id: &str) {
    let run = lambench()
        .arg("--matrix")
        .arg(matrix)
        .args([
            "collect", "--local", "--test", "--yes", "--run-id", run_id, "--out", data,
        ])
        .args(["--runtime", "python3.11", "--runtime", "provided.al2023"])
        .args([
            "--workload",
            "cpu-intensive",
            "--concurrency",
            "4",
            "--parallelism",
            "2",
            "--seed",
            "7",
        ])
        .args(["--progress", "lines", "--no-report"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn identical_runs_flag_no_change() {
    let dir = tempfile::tempdir().unwrap();
    // 256 MB: each environment gets a seventh of a core, so the 16 at once (4 per cell, python
    // and Rust side by side, two runs) ask for 2.3 cores of 2, both runs alike. The same seed
    // gives both runs the same schedule.
    let small = small_matrix(dir.path(), 20_000, 2, "256");
    // 24 warm samples in 4 rounds of 2 environments: 4 rounds a run, the units of the
    // comparison (at least 3 are needed). Run by run the python3.11 ratios of 30 pairs spread
    // 0.83-1.12 and Rust's 0.97-1.05.
    let text = std::fs::read_to_string(&small).unwrap().replace(
        "cold = 2\nwarm = 2\nrounds = 2",
        "cold = 4\nwarm = 24\nrounds = 4",
    );
    std::fs::write(&small, text).unwrap();
    let data = dir.path().join("results");
    let data = data.to_str().unwrap();
    std::thread::scope(|s| {
        s.spawn(|| collect(&small, data, "a"));
        s.spawn(|| collect(&small, data, "b"));
    });
    let out = dir.path().join("site");
    let report = lambench()
        .args([
            "report",
            "--data",
            data,
            "--run",
            "b",
            "--baseline",
            "a",
            "--fail-on-regression",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let baseline = summary["baseline"].as_array().unwrap();
    assert_eq!(
        baseline.len(),
        2,
        "python3.11 and Rust at 256 MB: {summary}"
    );
    for c in baseline {
        println!(
            "A/A {}: ratio {} [{}, {}], {}",
            c["runtime"], c["ratio"], c["ci_low"], c["ci_high"], c["verdict"]
        );
        assert!(
            !["regression", "improvement"].contains(&c["verdict"].as_str().unwrap()),
            "A/A flagged a change: {c}"
        );
        // 8 environments a run, in 4 rounds: the rounds are the units.
        assert_eq!(c["environments"], serde_json::json!([4, 4]), "{c}");
    }
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("<strong>0 regressions</strong>"), "{index}");
    assert!(index.contains("\n0 improvements"), "{index}");
}
