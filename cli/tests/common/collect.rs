//! Helpers for the collector's end-to-end tests: a small matrix, a `lambench emulate`
//! process, and queries over what a run wrote.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use super::{lambench, repo_root};

/// The repo's bench.toml with small workloads (tests run debug handler builds) and two memory
/// sizes per workload, and test mode at 2 cold + 2 warm in 2 rounds (fast; the counts the tests
/// check).
pub fn small_matrix(dir: &Path, iterations: u64, size_mb: u64, memory: &str) -> PathBuf {
    let text = std::fs::read_to_string(repo_root().join("bench.toml")).expect("bench.toml");
    let text = text
        .replace(
            "event = { iterations = 500000 }",
            &format!("event = {{ iterations = {iterations} }}"),
        )
        .replace(
            "event = { sizeMb = 100 }",
            &format!("event = {{ sizeMb = {size_mb} }}"),
        )
        .replace(
            "cold = 5\nwarm = 10\nrounds = 3",
            "cold = 2\nwarm = 2\nrounds = 2",
        );
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("memory_mb = [") {
                format!("memory_mb = [{memory}]\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let path = dir.join("matrix.toml");
    std::fs::write(&path, text).expect("write matrix");
    path
}

/// A `lambench emulate` process on a free port; killed when dropped.
pub struct EmulatorProcess {
    child: Child,
    pub url: String,
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl EmulatorProcess {
    /// The emulator's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn start(matrix: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("lambench"))
            .current_dir(repo_root())
            .arg("--matrix")
            .arg(matrix)
            .args(["emulate", "--port", "0", "--update-delay-ms", "30"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start lambench emulate");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("emulator exited before listening")
                .expect("read emulator output");
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.split_whitespace().next().expect("url").to_string();
            }
        };
        // Keep draining so the emulator never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        EmulatorProcess { child, url }
    }
}

/// Runs SQL over one run and returns the rows as JSON objects.
pub fn query(data: &str, run: &str, sql: &str) -> Vec<Value> {
    let out = lambench()
        .args([
            "analyze", "--data", data, "--run", run, "--format", "json", "--query", sql,
        ])
        .output()
        .expect("run analyze");
    assert!(
        out.status.success(),
        "analyze failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON rows")
}

/// The run's manifest.
pub fn manifest(out: &Path, run: &str) -> Value {
    let text =
        std::fs::read_to_string(out.join(format!("_manifests/{run}.json"))).expect("manifest");
    serde_json::from_str(&text).expect("manifest JSON")
}

/// Per cell, successful non-warm-up samples of each start type that started as asked, and
/// the warm-ups: what "exactly the planned number of samples" is checked against. And where
/// they ran: successful rows missing an environment column (`unplaced`), rows where "first
/// invocation of its environment" is not exactly "cold sample or warm-up" (`first_mismatch`),
/// the warm samples' environments and the rounds.
pub const CELL_COUNTS: &str = "SELECT function_name, memory_mb, \
    count(*) FILTER (WHERE start_type = 'cold' AND status = 'ok' AND observed_cold AND init_duration_ms IS NOT NULL) AS cold_ok, \
    count(*) FILTER (WHERE start_type = 'warm' AND NOT is_warmup AND status = 'ok' AND NOT observed_cold) AS warm_ok, \
    count(*) FILTER (WHERE is_warmup) AS warmups, \
    count(*) AS n, count(DISTINCT request_id) AS ids, \
    count(*) FILTER (WHERE status = 'ok' AND (environment_id IS NULL OR environment_invocation IS NULL \
      OR cpu_model IS NULL OR cpu_features IS NULL OR round IS NULL OR batch_size IS NULL)) AS unplaced, \
    count(*) FILTER (WHERE status = 'ok' AND (environment_invocation = 1) <> (start_type = 'cold' OR is_warmup)) AS first_mismatch, \
    count(DISTINCT environment_id) FILTER (WHERE start_type = 'warm' AND NOT is_warmup AND status = 'ok') AS warm_envs, \
    count(DISTINCT round) AS rounds \
    FROM invocations GROUP BY function_name, memory_mb ORDER BY function_name, memory_mb";

/// The planned cells of a manifest as (function, memory).
pub fn planned_cells(manifest: &Value) -> Vec<(String, i64)> {
    let mut cells: Vec<(String, i64)> = manifest["plan"]["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|c| {
            (
                c["function"]["name"].as_str().expect("name").to_string(),
                c["memory_mb"].as_i64().expect("memory"),
            )
        })
        .collect();
    cells.sort();
    cells
}

/// The (function, memory) cells of `CELL_COUNTS` rows, in order.
pub fn cells_of(rows: &[Value]) -> Vec<(String, i64)> {
    rows.iter()
        .map(|r| {
            (
                r["function_name"]
                    .as_str()
                    .expect("function_name")
                    .to_string(),
                r["memory_mb"].as_i64().expect("memory_mb"),
            )
        })
        .collect()
}
