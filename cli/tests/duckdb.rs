//! Cross-engine check: the shipped queries (minus lambench's own functions) give the same
//! numbers in DuckDB as in lambench, on the same files. Independent evidence that percentiles,
//! filters and partition handling are right, and that the SQL is portable as docs claim.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::{lambench, repo_root, write_fixture};

fn duckdb_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import duckdb"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "duckdb (pip) is required under CI"
        );
        eprintln!("SKIPPED: python3 cannot import duckdb; install it with `pip install duckdb`");
    }
    ok
}

/// CSV rows keyed by their non-numeric columns.
fn rows(csv: &str) -> BTreeMap<String, Vec<Option<f64>>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut out = BTreeMap::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{line}");
        let key_len = header.iter().position(|h| *h == "n").unwrap();
        let key = cells[..key_len].join(",");
        let nums = cells[key_len..]
            .iter()
            .map(|c| c.parse::<f64>().ok())
            .collect();
        assert!(
            out.insert(key.clone(), nums).is_none(),
            "duplicate row {key}"
        );
    }
    out
}

#[test]
fn p99_and_cold_starts_agree_with_duckdb() {
    if !duckdb_available() {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    write_fixture(data.path());
    for query in ["p99", "cold_starts"] {
        let portable = data.path().join(format!("{query}.sql"));
        let sql =
            std::fs::read_to_string(repo_root().join(format!("queries/{query}.sql"))).unwrap();
        let kept: Vec<&str> = sql.lines().filter(|l| !l.contains("quantile_ci")).collect();
        std::fs::write(&portable, kept.join("\n")).unwrap();
        let ours = lambench()
            .args([
                "analyze",
                "--data",
                data.path().to_str().unwrap(),
                "--run",
                "fixture-run",
                "--format",
                "csv",
            ])
            .arg("--sql")
            .arg(&portable)
            .output()
            .unwrap();
        assert!(
            ours.status.success(),
            "{}",
            String::from_utf8_lossy(&ours.stderr)
        );
        // DuckDB reads the one run's folder: same files, same partition.
        let theirs_path = data.path().join(format!("{query}-duckdb.csv"));
        let status = Command::new("python3")
            .arg(repo_root().join("scripts/duckdb-query.py"))
            .arg(data.path().join("run_id=fixture-run"))
            .arg(&portable)
            .arg(&theirs_path)
            .status()
            .unwrap();
        assert!(status.success());
        let ours = rows(&String::from_utf8(ours.stdout).unwrap());
        let theirs = rows(&std::fs::read_to_string(&theirs_path).unwrap());
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>(),
            "{query}: groups differ"
        );
        // Tolerance: both engines round to 3 decimals, and DataFusion's percentile_cont
        // quantises its interpolation weight to 1e-6, an error of at most 1e-6 × the gap
        // between neighbouring values (see docs/methodology.md).
        for (key, a) in &ours {
            let b = &theirs[key];
            for (x, y) in a.iter().zip(b) {
                match (x, y) {
                    (Some(x), Some(y)) => assert!(
                        (x - y).abs() <= 0.0011 + 1e-6 * x.abs(),
                        "{query} {key}: {a:?} vs {b:?}"
                    ),
                    (None, None) => {}
                    _ => panic!("{query} {key}: {a:?} vs {b:?}"),
                }
            }
        }
        assert!(ours.len() > 100, "{query}: only {} groups", ours.len());
    }
}
