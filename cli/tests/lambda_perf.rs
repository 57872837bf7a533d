//! Acceptance: import the real lambda-perf sample, then `analyze --sql queries/cold_starts.sql`
//! gives the same sample counts, exact medians and p99s as an independent computation from the
//! JSON files.

mod common;

use std::collections::BTreeMap;

use common::{lambda_perf_files, lambench};
use serde_json::Value;

type Key = (String, String, i64, Option<String>);

/// Type-7 quantile, written out again here on purpose (independent of the code under test).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Python and Node.js runtime ids, read straight from the JSON: the display name where the
/// file has one, the 2022 function name otherwise. Other runtimes are not compared here.
fn runtime_of(entry: &Value) -> Option<String> {
    let display = entry
        .get("d")
        .or_else(|| entry.get("displayName"))
        .and_then(Value::as_str);
    let plain = |s: &str| {
        (s.starts_with("python3.") || (s.starts_with("nodejs") && s.ends_with(".x")))
            && !s.contains(' ')
    };
    match display {
        Some(d) => plain(d).then(|| d.to_string()),
        None => {
            let name = entry
                .get("runtime")?
                .as_str()?
                .strip_prefix("lambda-perf-")?;
            if let Some(v) = name.strip_prefix("python3") {
                Some(format!("python3.{v}"))
            } else {
                name.strip_prefix("nodejs")
                    .and_then(|v| v.strip_suffix('x'))
                    .map(|v| format!("nodejs{v}.x"))
            }
        }
    }
}

fn expected() -> (BTreeMap<Key, Vec<f64>>, usize) {
    let mut groups: BTreeMap<Key, Vec<f64>> = BTreeMap::new();
    let mut total = 0;
    for file in lambda_perf_files() {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for entry in doc["runtimeData"].as_array().unwrap() {
            let samples: Vec<f64> = entry
                .get("i")
                .or_else(|| entry.get("initDurations"))
                .and_then(Value::as_array)
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            total += samples.len();
            let Some(runtime) = runtime_of(entry) else {
                continue;
            };
            let arch = entry
                .get("a")
                .or_else(|| entry.get("architecture"))
                .and_then(Value::as_str)
                .unwrap_or("x86_64");
            let mem = entry
                .get("m")
                .or_else(|| entry.get("memorySize"))
                .and_then(Value::as_i64)
                .unwrap();
            let package = entry.get("p").and_then(Value::as_str).map(str::to_string);
            groups
                .entry((runtime, arch.to_string(), mem, package))
                .or_default()
                .extend(samples);
        }
    }
    groups.retain(|_, v| !v.is_empty());
    (groups, total)
}

#[test]
fn cold_start_medians_match_the_json() {
    let files = lambda_perf_files();
    if files.is_empty() {
        eprintln!(
            "SKIPPED cold_start_medians_match_the_json: ../shared/data/lambda-perf not found (set LAMBENCH_SHARED_DATA)"
        );
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let mut import = lambench();
    import
        .args([
            "import",
            "lambda-perf",
            "--out",
            out.path().to_str().unwrap(),
        ])
        .args(&files);
    import.assert().success();

    let output = lambench()
        .args([
            "analyze",
            "--data",
            out.path().to_str().unwrap(),
            "--sql",
            "queries/cold_starts.sql",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();

    let (groups, total_samples) = expected();
    let total_rows: i64 = rows.iter().map(|r| r["n"].as_i64().unwrap()).sum();
    assert_eq!(
        total_rows as usize, total_samples,
        "every sample is counted exactly once"
    );

    let mut compared = 0;
    for row in &rows {
        let runtime = row["runtime"].as_str().unwrap();
        if !(runtime.starts_with("python") || runtime.starts_with("nodejs")) {
            continue;
        }
        let key: Key = (
            runtime.to_string(),
            row["architecture"].as_str().unwrap().to_string(),
            row["memory_mb"].as_i64().unwrap(),
            row["package_type"].as_str().map(str::to_string),
        );
        let mut samples = groups
            .get(&key)
            .unwrap_or_else(|| panic!("no JSON group for {key:?}"))
            .clone();
        samples.sort_by(f64::total_cmp);
        assert_eq!(
            row["n"].as_i64().unwrap() as usize,
            samples.len(),
            "{key:?}"
        );
        for (col, q) in [("p50_ms", 0.5), ("p99_ms", 0.99)] {
            let got = row[col].as_f64().unwrap();
            let want = quantile(&samples, q);
            assert!(
                (got - want).abs() <= 0.0011,
                "{key:?} {col}: SQL {got} vs JSON {want}"
            );
        }
        compared += 1;
    }
    assert_eq!(
        compared,
        groups.len(),
        "every Python/Node.js group in the JSON appears in the output"
    );
    assert!(compared > 100, "only {compared} groups compared");
    eprintln!("compared {compared} Python/Node.js groups; {total_samples} samples in all");
}
