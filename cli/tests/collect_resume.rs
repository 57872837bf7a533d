//! A run survives a SIGKILL and expired credentials: `--resume` completes it with exactly the
//! planned samples per cell and no duplicate request ids.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::collect::{
    CELL_COUNTS, EmulatorProcess, cells_of, manifest, planned_cells, query, small_matrix,
};
use common::{lambench, succeed};

/// Checks every planned cell has exactly 2 verified cold and 2 warm samples, and no request
/// id appears twice in the whole run.
fn assert_exact(out: &Path, run: &str) {
    let data = out.to_str().unwrap();
    let m = manifest(out, run);
    assert_eq!(m["status"], "complete", "{m}");
    let rows = query(data, run, CELL_COUNTS);
    let present = cells_of(&rows);
    assert_eq!(present, planned_cells(&m));
    for r in &rows {
        assert_eq!(
            (r["cold_ok"].as_i64(), r["warm_ok"].as_i64()),
            (Some(2), Some(2)),
            "{r}"
        );
        assert_eq!(r["n"], r["ids"], "{r}");
    }
    let dup = query(
        data,
        run,
        "SELECT count(*) AS n, count(DISTINCT request_id) AS ids FROM invocations",
    );
    assert_eq!(
        dup[0]["n"], dup[0]["ids"],
        "no duplicate request ids across the run"
    );
}

/// The arguments every collection of these tests shares.
fn collect_args(matrix: &Path, url: &str, out: &Path) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec!["--matrix".into(), matrix.into()];
    for a in [
        "collect",
        "--endpoint-url",
        url,
        "--concurrency",
        "1",
        "--progress",
        "lines",
    ] {
        args.push(a.into());
    }
    for a in ["--no-report", "--workload", "cpu-intensive", "--out"] {
        args.push(a.into());
    }
    args.push(out.into());
    args
}

fn collect_cmd(matrix: &Path, url: &str, out: &Path) -> assert_cmd::Command {
    let mut cmd = lambench();
    cmd.args(collect_args(matrix, url, out));
    cmd
}

#[test]
fn sigkill_mid_run_then_resume_completes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let matrix = small_matrix(dir.path(), 2000, 2, "256, 512, 1024, 1769");
    let emulator = EmulatorProcess::start(&matrix, &[]);
    let out = dir.path().join("results");
    let mut child = start_and_wait(&matrix, &emulator.url, &out, "crash", 2);
    child.kill().unwrap(); // SIGKILL: no chance to clean up.
    child.wait().unwrap();
    let before = manifest(&out, "crash");
    assert_eq!(before["status"], "running", "killed, not finished");
    let done_before = before["completed"].as_object().unwrap().len();
    assert!(done_before < planned_cells(&before).len(), "killed mid-run");

    let stdout = succeed(collect_cmd(&matrix, &emulator.url, &out).args(["--resume", "crash"]));
    assert!(
        stdout.contains(&format!("{done_before} of")),
        "resume skips completed cells: {stdout}"
    );
    assert_eq!(manifest(&out, "crash")["sessions"], 2);
    assert_exact(&out, "crash");
}

/// Starts a test-mode run in the background and waits until `parts` cells are stored.
fn start_and_wait(
    matrix: &Path,
    url: &str,
    out: &Path,
    run: &str,
    parts: usize,
) -> std::process::Child {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lambench"))
        .current_dir(common::repo_root())
        .args(collect_args(matrix, url, out))
        .args(["--test", "--yes", "--run-id", run])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let run_dir = out.join(format!("run_id={run}"));
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let stored = std::fs::read_dir(&run_dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".parquet"))
                    .count()
            })
            .unwrap_or(0);
        if stored >= parts {
            return child;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it could be stopped"
        );
        assert!(Instant::now() < deadline, "no cell completed in 120 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn ctrl_c_stores_complete_cells_and_prints_the_resume_command() {
    let dir = tempfile::tempdir().unwrap();
    let matrix = small_matrix(dir.path(), 2000, 2, "256, 512, 1024, 1769");
    let emulator = EmulatorProcess::start(&matrix, &[]);
    let out = dir.path().join("results");
    let child = start_and_wait(&matrix, &emulator.url, &out, "intr", 1);
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("resume with: lambench collect --resume intr"),
        "{stderr}"
    );
    let m = manifest(&out, "intr");
    assert_eq!(m["status"], "interrupted");
    collect_cmd(&matrix, &emulator.url, &out)
        .args(["--resume", "intr"])
        .assert()
        .success();
    assert_exact(&out, "intr");
}

#[test]
fn expired_credentials_stop_cleanly_and_resume() {
    let dir = tempfile::tempdir().unwrap();
    let matrix = small_matrix(dir.path(), 2000, 2, "256, 1769");
    let out = dir.path().join("results");
    let expiring = EmulatorProcess::start(&matrix, &["--fault-expire-credentials-after", "12"]);
    let failed = collect_cmd(&matrix, &expiring.url, &out)
        .args(["--test", "--yes", "--run-id", "creds"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("credentials expired"), "{stderr}");
    assert!(
        stderr.contains("resume with: lambench collect --resume creds"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let m = manifest(&out, "creds");
    assert_eq!(m["status"], "failed");
    assert!(m["stop_reason"].as_str().unwrap().contains("credentials"));
    drop(expiring);

    // Fresh credentials: a new endpoint without the fault.
    let healthy = EmulatorProcess::start(&matrix, &[]);
    collect_cmd(&matrix, &healthy.url, &out)
        .args(["--resume", "creds"])
        .assert()
        .success();
    assert_exact(&out, "creds");
}
