//! Cross-engine check: the shipped queries (minus lambench's own functions) give the same
//! numbers in DuckDB as in lambench, on the same files. Independent evidence that percentiles,
//! filters and partition handling are right, and that the SQL is portable as docs claim.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::{analyze, lambench, repo_root, write_fixture};

fn duckdb_available() -> bool {
    python_has("duckdb")
}

/// Whether python3 can import `modules` (comma-separated); required under CI.
fn python_has(modules: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "{modules} (pip) is required under CI"
        );
        eprintln!(
            "SKIPPED: python3 cannot import {modules}; install with `pip install {}`",
            modules.replace(',', " ")
        );
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

/// The Athena variants (queries/athena/, Trino's SQL) mean what the shipped queries mean: each,
/// translated to DuckDB's SQL by sqlglot with its approx_percentile made exact
/// (scripts/athena-query.py), gives lambench analyze's rows on the same files, every column
/// they share (the variants leave out the interval columns), the written-out prices included.
#[test]
fn athena_variants_agree_with_the_shipped_queries() {
    if !python_has("duckdb, sqlglot") {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    write_fixture(data.path());
    let dir = repo_root().join("queries/athena");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".sql").map(str::to_string)
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "arm_vs_x86",
            "cold_starts",
            "cost_per_million",
            "errors",
            "memory_scaling",
            "p99"
        ],
        "a variant of each query in queries/"
    );
    for name in &names {
        let ours = analyze(
            data.path(),
            &["--run", "fixture-run", "--format", "json", "--sql", name],
        );
        let ours: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(&ours).unwrap();
        let out = data.path().join(format!("{name}-athena.json"));
        let status = Command::new("python3")
            .arg(repo_root().join("scripts/athena-query.py"))
            .arg(data.path())
            .arg("fixture-run")
            .arg(dir.join(format!("{name}.sql")))
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success(), "{name}: the Athena variant failed");
        let theirs: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert!(ours.len() > 10, "{name}: only {} rows", ours.len());
        assert_eq!(ours.len(), theirs.len(), "{name}: row counts");
        let keyed = |rows: &[serde_json::Map<String, serde_json::Value>]| {
            rows.iter()
                .map(|r| (row_key(r), r.clone()))
                .collect::<BTreeMap<_, _>>()
        };
        let (ours, theirs) = (keyed(&ours), keyed(&theirs));
        assert_eq!(ours.len(), theirs.len(), "{name}: duplicate keys");
        for (key, a) in &ours {
            let b = theirs
                .get(key)
                .unwrap_or_else(|| panic!("{name}: no row {key}"));
            for (column, y) in b {
                let x = a
                    .get(column)
                    .unwrap_or_else(|| panic!("{name}: no column {column}"));
                // Both round to 3 or 4 decimals (percentages to 2): a last digit may differ.
                let same = match (x.as_f64(), y.as_f64()) {
                    (Some(x), Some(y)) => (x - y).abs() <= 0.011 + 1e-6 * x.abs(),
                    _ => x == y,
                };
                assert!(same, "{name} {key} {column}: {x} vs {y}");
            }
        }
    }
}

/// A row's grouping: its text columns and its memory size.
fn row_key(row: &serde_json::Map<String, serde_json::Value>) -> String {
    row.iter()
        .filter(|(c, v)| v.is_string() || *c == "memory_mb")
        .map(|(c, v)| format!("{c}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The prices the Athena variants write out are the price model's, to the digit: us-east-1's
/// first tier and request charge (what `lambda_cost_usd` uses), in every file that has them.
#[test]
fn athena_prices_are_the_price_model() {
    use lambench_model::price::{DEFAULT_PRICE_REGION, PriceTable};
    let prices = PriceTable.region(DEFAULT_PRICE_REGION).unwrap();
    let mut files = 0;
    for entry in std::fs::read_dir(repo_root().join("queries/athena")).unwrap() {
        let path = entry.unwrap().path();
        let sql = std::fs::read_to_string(&path).unwrap();
        let Some(values) = sql.lines().find(|l| l.trim_start().starts_with("VALUES")) else {
            continue;
        };
        files += 1;
        for arch in [
            lambench_model::Architecture::X86_64,
            lambench_model::Architecture::Arm64,
        ] {
            // `('arm64', 0.0000133334, 0.0000002)`: the numbers after the architecture.
            let tuple = values
                .split(&format!("('{}',", arch.as_str()))
                .nth(1)
                .and_then(|rest| rest.split(')').next())
                .unwrap_or_else(|| panic!("{}: no {arch:?} row", path.display()));
            let written: Vec<f64> = tuple
                .split(',')
                .map(|n| n.trim().parse().unwrap())
                .collect();
            let model = [prices.tiers(arch)[0].usd_per_gb_s, prices.usd_per_request];
            for (w, m) in written.iter().zip(model) {
                assert!(
                    (w / m - 1.0).abs() < 1e-12,
                    "{}: {w} vs the model's {m}",
                    path.display()
                );
            }
            assert_eq!(written.len(), 2, "{}: {tuple}", path.display());
        }
    }
    assert_eq!(files, 3, "arm_vs_x86, cost_per_million and memory_scaling");
}
