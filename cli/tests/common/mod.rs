//! Helpers shared by the integration tests: the real binary, fixture data, shared data sets.
#![allow(dead_code)]

#[allow(unused_imports)]
pub use lambench_testkit::moto;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use lambench_model::{Matrix, parquet_out};
use lambench_testkit::synthetic;

/// The day the tests judge runtimes' deprecation dates on: before nodejs20.x's blocks.
pub const TODAY: &str = "2026-12-01";

/// The `lambench` binary built by cargo for this test run.
pub fn lambench() -> Command {
    let mut cmd = Command::cargo_bin("lambench").expect("lambench binary");
    cmd.current_dir(repo_root());
    cmd.env_remove("LAMBENCH_DATA")
        .env_remove("LAMBENCH_MATRIX")
        // A fixed day for the runtimes' deprecation schedule, so no test changes with the
        // calendar (tests/runtime_lifecycle.rs sets other days).
        .env("LAMBENCH_TODAY", TODAY);
    cmd
}

/// `lambench analyze --data DATA ARGS...`, which must succeed; its standard output.
pub fn analyze(data: &Path, args: &[&str]) -> String {
    succeed(
        lambench()
            .args(["analyze", "--data", data.to_str().expect("UTF-8 path")])
            .args(args),
    )
}

/// Runs a command that must succeed (the test fails showing both outputs if not); its
/// standard output.
pub fn succeed(cmd: &mut Command) -> String {
    let output = cmd.output().expect("run lambench");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

pub fn repo_root() -> PathBuf {
    lambench_testkit::repo_root()
}

/// `../shared/data/lambda-perf` beside the checkout (CI lays shared/ there), or
/// `LAMBENCH_SHARED_DATA` when set.
pub fn lambda_perf_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("LAMBENCH_SHARED_DATA") {
        Some(d) => PathBuf::from(d).join("lambda-perf"),
        None => repo_root().join("../shared/data/lambda-perf"),
    };
    dir.is_dir().then_some(dir)
}

/// The lambda-perf daily files, sorted.
pub fn lambda_perf_files() -> Vec<PathBuf> {
    let Some(dir) = lambda_perf_dir() else {
        return Vec::new();
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("read lambda-perf dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Writes the deterministic fixture dataset (test mode of the built-in matrix, 2 runs).
pub fn write_fixture(root: &Path) {
    let matrix = Matrix::builtin().expect("matrix");
    let rows = synthetic::invocations(&matrix, 3, 12, 42);
    let (a, b) = rows.split_at(rows.len() / 2);
    parquet_out::write_part(root, "fixture-run", "part-0", a).expect("write");
    parquet_out::write_part(root, "fixture-run", "part-1", b).expect("write");
    let other = synthetic::invocations(&matrix, 1, 1, 7);
    parquet_out::write_part(root, "other-run", "part-0", &other).expect("write");
}

pub mod collect;
