//! `lambench report` on a fixture dataset: the files, every chart valid SVG, numbers in the
//! pages equal to the SQL results, data text HTML-escaped, baseline comparison, cold-only
//! (lambda-perf) data, bad input; and headless Chromium loading the site from disk.

mod common;

use std::path::Path;

use common::{lambda_perf_files, lambench};
use lambench_model::{Matrix, parquet_out};
use lambench_testkit::synthetic;
use serde_json::Value;

/// Two runs of synthetic data (8 cold + 40 warm per cell, ~1% failures whose messages hold
/// `<`, `>`, `&` and quotes), the second a little slower.
fn fixture(root: &Path) {
    let matrix = Matrix::builtin().unwrap();
    let rows = synthetic::invocations(&matrix, 8, 40, 42);
    parquet_out::write_part(root, "current", "part-0", &rows).unwrap();
    let mut slower = synthetic::invocations(&matrix, 8, 40, 7);
    for r in &mut slower {
        r.duration_ms = r.duration_ms.map(|d| d * 1.3);
    }
    parquet_out::write_part(root, "old", "part-0", &slower).unwrap();
}

fn report(data: &Path, out: &Path, extra: &[&str]) -> String {
    let output = lambench()
        .args(["report", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn query(data: &Path, sql: &str) -> Vec<Value> {
    analyze_current(data, &["--query", sql])
}

/// `lambench analyze --run current --format json ARGS` over `data`, as JSON rows.
fn analyze_current(data: &Path, args: &[&str]) -> Vec<Value> {
    let out = lambench()
        .args(["analyze", "--data"])
        .arg(data)
        .args(["--run", "current", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn report_files_charts_numbers_and_escaping() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fixture(&data);
    let out = dir.path().join("site");
    let stdout = report(
        &data,
        &out,
        &[
            "--run",
            "current",
            "--baseline",
            "old",
            "--fail-on-regression",
        ],
    );
    assert!(stdout.contains("294 cells"), "{stdout}");
    // The terminal summary: one line per (workload, runtime), then the baseline's counts.
    assert!(
        stdout.contains("arm64 vs x86_64 over all memory sizes"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("  cpu-intensive ").count(), 7, "{stdout}");
    assert!(
        stdout.contains("against baseline old: 0 regressions"),
        "{stdout}"
    );
    // The old run was 30% slower: this one's improvements are listed one per line.
    assert!(stdout.contains("  improvement: cpu-intensive "), "{stdout}");

    let matrix = Matrix::builtin().unwrap();
    for w in matrix.workloads.keys() {
        assert!(
            out.join(format!("workload-{w}.html")).is_file(),
            "page for {w}"
        );
    }
    for f in ["index.html", "quality.html", "style.css"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    assert!(
        !out.join("trend.html").exists(),
        "one run on one day: no trend page"
    );
    let charts: Vec<_> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    // Per workload: speedup, pareto, cold; per workload × runtime: duration and cost in one; runtime
    // versions. No p99/p50 tail chart: 40 warm samples per cell are too few for a p99.
    assert_eq!(charts.len(), 3 * 3 + 3 * 7 + 1, "{charts:?}");
    assert!(!charts.iter().any(|c| c.to_string_lossy().contains("tail-")));
    for c in &charts {
        let text = std::fs::read_to_string(c).unwrap();
        let doc =
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", c.display()));
        assert_eq!(
            doc.root_element().tag_name().name(),
            "svg",
            "{}",
            c.display()
        );
        assert!(text.contains("<text"), "labelled: {}", c.display());
        // Every value axis has tick labels: at least three numbers on the y axis of the line
        // and point charts (log axes included), on the x axis of the row charts.
        let numbers: Vec<(f64, f64)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter(|n| {
                n.text()
                    .is_some_and(|t| t.trim().replace(',', "").parse::<f64>().is_ok())
            })
            .filter_map(|n| {
                Some((
                    n.attribute("x")?.parse().ok()?,
                    n.attribute("y")?.parse().ok()?,
                ))
            })
            .collect();
        let name = c.file_name().unwrap().to_string_lossy().into_owned();
        let on_y = numbers.iter().filter(|(x, _)| *x < 80.0).count();
        let rows = name.starts_with("cold-")
            || name.starts_with("tail-")
            || name.starts_with("runtime-versions");
        let ticks = if rows { numbers.len() } else { on_y };
        assert!(ticks >= 3, "{name}: {ticks} tick labels");
    }

    // Every page links only to files that exist (no external fetches).
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    for page in ["index.html", "quality.html", "workload-cpu-intensive.html"] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        for link in html
            .split(['"', '\''])
            .filter(|s| s.ends_with(".svg") || s.ends_with(".css") || s.ends_with(".html"))
        {
            assert!(!link.contains("://"), "external reference {link} in {page}");
            assert!(out.join(link).is_file(), "{page} links to missing {link}");
        }
    }

    // Numbers: the warm median and cost per cell in the workload page equal SQL's.
    let page = std::fs::read_to_string(out.join("workload-memory-intensive.html")).unwrap();
    let sql = query(
        &data,
        "SELECT runtime, architecture, memory_mb, percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50, \
         1e6 * avg(lambda_cost_usd(architecture, memory_mb, billed_duration_ms)) AS usd \
         FROM invocations WHERE workload = 'memory-intensive' AND start_type = 'warm' AND status = 'ok' AND NOT is_warmup \
         GROUP BY runtime, architecture, memory_mb",
    );
    assert_eq!(sql.len(), 7 * 2 * 9);
    for r in &sql {
        // Formatted to 2 decimals; a value on a rounding boundary may print either way.
        let p50 = r["p50"].as_f64().unwrap();
        let found = [p50 - 1e-7, p50, p50 + 1e-7]
            .iter()
            .any(|v| page.contains(&format!("{v:.2} [")));
        assert!(found, "median {p50:.2} of {r} in the page");
        let usd = format!("${:.4}", r["usd"].as_f64().unwrap());
        assert!(page.contains(&usd), "cost {usd} of {r} in the page");
    }
    let failures = query(
        &data,
        "SELECT count(*) AS n FROM invocations WHERE status <> 'ok'",
    );
    assert!(failures[0]["n"].as_i64().unwrap() > 0);

    // Text from the data is escaped, never markup.
    let quality = std::fs::read_to_string(out.join("quality.html")).unwrap();
    assert!(quality.contains("process exited &lt;unexpectedly&gt; &amp; &quot;badly&quot;"));
    assert!(!quality.contains("<unexpectedly>"));
    assert!(quality.contains("Runtime.ExitError"));
    // Where the samples ran: one CPU model per architecture in the synthetic data.
    assert!(quality.contains("<td>Neoverse-N1</td><td>sha2 asimd atomics</td>"));
    assert!(quality.contains("<td>AMD EPYC 7R13 Processor</td><td>sha_ni avx2</td>"));

    // The baseline was 30% slower: this run is an improvement nearly everywhere.
    assert!(index.contains("Change against baseline run old"));
    assert!(
        index.matches("class=\"improvement\"").count() > 200,
        "significant improvements flagged"
    );
    assert!(index.contains("Should I switch to arm64?"));
    assert!(index.contains("arm64 faster"));

    // Every verdict on the pages is in summary.json, with its interval and p-values.
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["margin"], 0.05);
    let verdicts = summary["verdicts"].as_array().unwrap();
    // 147 cells × 3 metrics + 21 (workload, runtime) × 3 + 3 workloads × 3 language families.
    assert_eq!(verdicts.len(), 147 * 3 + 21 * 3 + 3 * 3);
    for v in verdicts {
        for field in ["workload", "runtime", "metric", "verdict", "margin"] {
            assert!(!v[field].is_null(), "{field} in {v}");
        }
        if v["verdict"] != "not_enough_data" {
            let (lo, r, hi) = (
                v["ci_low"].as_f64().unwrap(),
                v["ratio"].as_f64().unwrap(),
                v["ci_high"].as_f64().unwrap(),
            );
            assert!(lo <= r && r <= hi, "{v}");
            assert!(v["p_adjusted"].as_f64().unwrap() >= v["p_value"].as_f64().unwrap());
        }
    }
    assert!(!index.contains("do not say which execution environment"));

    // A run whose rows do not say which environment served them: the page says its intervals
    // treat invocations as independent.
    let mut older = synthetic::invocations(&Matrix::builtin().unwrap(), 2, 12, 9);
    for r in &mut older {
        r.environment = Default::default();
    }
    parquet_out::write_part(&data, "older", "part-0", &older).unwrap();
    let out_older = dir.path().join("site-older");
    report(&data, &out_older, &["--run", "older"]);
    let older_index = std::fs::read_to_string(out_older.join("index.html")).unwrap();
    assert!(
        older_index
            .contains("294 cell(s) have warm samples that do not say which execution environment"),
        "says which cells are unclustered"
    );

    let on_page = index.matches(">arm64 faster<").count();
    let in_summary = verdicts
        .iter()
        .filter(|v| v["verdict"] == "arm64_faster")
        .count();
    assert_eq!(
        on_page, in_summary,
        "the index shows every 'arm64 faster' verdict"
    );
    assert_eq!(summary["baseline"].as_array().unwrap().len(), 294);

    // --format json prints summary.json itself (for scripts), nothing else on stdout.
    let out_json = dir.path().join("site-json");
    let printed = report(&data, &out_json, &["--run", "older", "--format", "json"]);
    let printed: Value = serde_json::from_str(&printed).expect("stdout is one JSON document");
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(out_json.join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(printed, written);
}

/// The number in the `n`-th cell after `prefix` in `html` (a table row's leading cells).
fn cell_after(html: &str, prefix: &str, n: usize) -> Option<f64> {
    let row = &html[html.find(prefix)? + prefix.len()..];
    let row = &row[..row.find("</tr>")?];
    let cell = row.split("<td").nth(n + 1)?;
    let text = &cell[cell.find('>')? + 1..cell.find("</td>")?];
    text.parse().ok()
}

#[test]
fn cold_start_only_data_gets_cold_start_verdicts() {
    let files = lambda_perf_files();
    if files.is_empty() {
        eprintln!(
            "SKIPPED: no lambda-perf data (../shared/data/lambda-perf or LAMBENCH_SHARED_DATA)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    lambench()
        .args(["import", "lambda-perf"])
        .args(&files)
        .arg("--out")
        .arg(&data)
        .assert()
        .success();
    let out = dir.path().join("site");
    let stdout = report(&data, &out, &[]);
    // The terminal answers per language family.
    assert!(stdout.contains("per language family"), "{stdout}");
    assert!(stdout.contains("  hello-world        python "), "{stdout}");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("cold starts only"), "says why: no warm data");
    // No empty sections: no memory-size table without warm samples.
    assert!(!index.contains("Which memory size?"));
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let verdicts = summary["verdicts"].as_array().unwrap();
    let cold = |scope: &str| {
        verdicts
            .iter()
            .filter(|v| v["metric"] == "cold_init" && v["scope"] == scope && v["ratio"].is_f64())
            .count()
    };
    assert!(
        cold("family") >= 5 && cold("runtime") >= 20,
        "{}",
        cold("runtime")
    );

    // Zip and image are separate cells, and each median on the page is analyze's.
    let rows: Vec<Value> = serde_json::from_slice(
        &lambench()
            .args(["analyze", "--data"])
            .arg(&data)
            .args(["--sql", "queries/cold_starts.sql", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let mut checked = 0;
    let mut packages = std::collections::BTreeSet::new();
    for row in rows.iter().filter(|r| {
        r["architecture"] == "arm64" && r["phase"] == "init" && r["workload"] == "hello-world"
    }) {
        let runtime = row["runtime"].as_str().unwrap();
        if runtime.starts_with("provided") {
            continue;
        }
        let package = row["package_type"].as_str().unwrap_or("not recorded");
        let memory = row["memory_mb"].as_i64().unwrap();
        let prefix = format!(
            "<tr><td>hello-world</td><td>{runtime}</td><td>{package}</td><td class=\"num\">{memory}</td>"
        );
        let Some(arm) = cell_after(&index, &prefix, 0) else {
            continue;
        };
        let want = row["p50_ms"].as_f64().unwrap();
        assert!(
            (arm - want).abs() <= 0.051,
            "{prefix}: page {arm} vs analyze {want}"
        );
        packages.insert(package.to_string());
        checked += 1;
    }
    assert!(checked > 50, "only {checked} rows compared");
    assert!(
        packages.contains("zip") && packages.contains("image"),
        "{packages:?}"
    );
    // Data over many weeks gets the trend page: one point per week.
    let weeks: Vec<Value> = serde_json::from_slice(
        &lambench()
            .args(["analyze", "--data"])
            .arg(&data)
            .args(["--format", "json", "--query"])
            .arg("SELECT count(DISTINCT date_trunc('week', invoked_at)) AS weeks FROM invocations")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let weeks = weeks[0]["weeks"].as_i64().unwrap();
    let trend = std::fs::read_to_string(out.join("trend.html")).unwrap();
    assert!(
        trend.contains(&format!("The data spans {weeks} weeks")),
        "{weeks}"
    );
    assert!(trend.contains("charts/trend-hello-world-cold-init-python.svg"));
    assert!(index.contains("href=\"trend.html\""));
    // SnapStart data has its page, with Restore Duration.
    let snapstart =
        std::fs::read_to_string(out.join("workload-hello-world-snapstart.html")).unwrap();
    assert!(snapstart.contains("Restore median"), "restore column");
}

#[test]
fn bad_input_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    lambench()
        .args(["report", "--data"])
        .arg(dir.path().join("nope"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("does not exist"));
    let data = dir.path().join("data");
    fixture(&data);
    lambench()
        .args(["report", "--data"])
        .arg(&data)
        .args(["--run", "missing"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no run \"missing\""));
    // Two runs and no --run: nothing is pooled silently; the error lists the runs and flags.
    lambench()
        .args(["report", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(dir.path().join("site-pooled"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("holds 2 runs (current, old)"))
        .stderr(predicates::str::contains("--run current"))
        .stderr(predicates::str::contains("--all-runs"));
    assert!(!dir.path().join("site-pooled").exists());
    lambench()
        .args(["report", "--all-runs", "--run", "current", "--data"])
        .arg(&data)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot be used with"));
    // --out pointing at data (or anything not a report) is refused, and nothing is deleted.
    lambench()
        .args(["report", "--all-runs", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&data)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a lambench report folder"));
    assert!(
        data.join("run_id=current/part-0.parquet").is_file(),
        "data untouched"
    );
    // The slower run against the faster one: regressions, listed, and --fail-on-regression
    // exits 1 after writing the report.
    let reversed = dir.path().join("site-reversed");
    let out = lambench()
        .args([
            "report",
            "--run",
            "old",
            "--baseline",
            "current",
            "--fail-on-regression",
        ])
        .arg("--data")
        .arg(&data)
        .arg("--out")
        .arg(&reversed)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("  regression: "), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("regression(s) against the baseline"));
    assert!(
        reversed.join("index.html").is_file(),
        "written before failing"
    );
    lambench()
        .args(["report", "--run", "old", "--fail-on-regression", "--data"])
        .arg(&data)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--baseline"));
    // An earlier report is replaced.
    let site = dir.path().join("site");
    report(&data, &site, &["--run", "current"]);
    // A page an earlier report wrote (listed in its marker) that this one does not: removed.
    std::fs::write(site.join("stale.html"), "old").unwrap();
    let marker = site.join(".lambench-report");
    let listed = std::fs::read_to_string(&marker).unwrap() + "stale.html\n";
    std::fs::write(&marker, listed).unwrap();
    report(&data, &site, &["--run", "current"]);
    assert!(!site.join("stale.html").exists() && site.join(".lambench-report").is_file());
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("Run current") && !index.contains("pooled on purpose"));
    assert!(index.contains("--data DATA --run current --sql QUERY"));
    // --all-runs pools on purpose, and every page says so.
    let pooled = dir.path().join("site-all");
    report(&data, &pooled, &["--all-runs"]);
    let index = std::fs::read_to_string(pooled.join("index.html")).unwrap();
    assert!(index.contains("All runs in the data, pooled on purpose"));
    assert!(
        index.contains("--data DATA --sql QUERY"),
        "no --run to re-run pooled data"
    );
}

#[test]
fn chromium_loads_the_report_from_disk() {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            std::process::Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let Some(chromium) = chromium else {
        assert!(
            std::env::var("CI").is_err(),
            "chromium is required under CI (.ci/run installs it)"
        );
        eprintln!("SKIPPED: no chromium (apt install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fixture(&data);
    // A second part two weeks later, so the site has its trend page too.
    let mut later = synthetic::invocations(&Matrix::builtin().unwrap(), 8, 40, 9);
    for r in &mut later {
        r.invoked_at_us += 14 * 86_400 * 1_000_000;
    }
    parquet_out::write_part(&data, "current", "part-1", &later).unwrap();
    let out = dir.path().join("site");
    report(&data, &out, &["--run", "current"]);
    let shot = std::env::var_os("LAMBENCH_SCREENSHOT")
        .map_or_else(|| dir.path().join("shot.png"), std::path::PathBuf::from);
    let pages = [
        "index.html",
        "workload-cpu-intensive.html",
        "trend.html",
        "quality.html",
    ];
    for page in pages {
        let url = format!("file://{}", out.join(page).display());
        let browse = || {
            std::process::Command::new(chromium)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--hide-scrollbars",
                ])
                .args([
                    "--enable-logging=stderr",
                    "--v=0",
                    "--window-size=1280,1800",
                ])
                .arg(format!("--screenshot={}", shot.display()))
                .arg(&url)
                .output()
                .unwrap()
        };
        let mut run = browse();
        // Headless Chromium occasionally dies of a signal at start-up on these machines
        // (seen once in ~20 runs, before loading anything); that is the browser, not the page.
        for _ in 0..2 {
            if run.status.code().is_some() {
                break;
            }
            eprintln!("chromium died of a signal ({:?}); retrying", run.status);
            run = browse();
        }
        let log = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{page}: {log}");
        for bad in [
            "ERR_FILE_NOT_FOUND",
            "Failed to load resource",
            "Uncaught",
            "CONSOLE",
        ] {
            assert!(
                !log.contains(bad),
                "{page}: {bad} in the browser log:\n{log}"
            );
        }
        let png = std::fs::read(&shot).unwrap();
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 20_000,
            "{page}: a real screenshot"
        );
        // No sideways scrolling at 1,280 px: a wrapper page measures the page in a 1,280 px
        // frame and writes the widths into its DOM, which Chromium then dumps.
        let probe = out.join("overflow-probe.html");
        std::fs::write(
            &probe,
            format!(
                "<!doctype html><iframe id=f src=\"{page}\" style=\"width:1280px;height:900px\"></iframe>\
                 <pre id=o>pending</pre><script>document.getElementById('f').onload=function(){{\
                 var d=this.contentDocument.documentElement;\
                 document.getElementById('o').textContent='widths '+d.scrollWidth+' '+d.clientWidth;}};</script>"
            ),
        )
        .unwrap();
        let dump = std::process::Command::new(chromium)
            .args(["--headless", "--no-sandbox", "--disable-gpu"])
            .args([
                "--allow-file-access-from-files",
                "--virtual-time-budget=5000",
            ])
            .args(["--window-size=1400,1000", "--dump-dom"])
            .arg(format!("file://{}", probe.display()))
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&dump.stdout);
        let widths: Vec<u32> = dom
            .split("widths ")
            .nth(1)
            .and_then(|t| t.split('<').next())
            .map(|t| {
                t.split_whitespace()
                    .filter_map(|w| w.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        if let [scroll, client] = widths[..] {
            assert!(
                scroll <= client,
                "{page} is {scroll} px wide in a {client} px window"
            );
        } else {
            // A browser that cannot measure (it died, or file access is refused) is not a
            // failure of the page; the screenshot above already checked it loads.
            assert!(
                std::env::var("CI").is_err(),
                "{page}: could not measure the width: {dom:.200}"
            );
            eprintln!("{page}: could not measure the width: {dom:.200}");
        }
        std::fs::remove_file(&probe).unwrap();
    }
}

/// The numbers of a table cell: `12.34 [12.00, 12.50]` → [12.34, 12.00, 12.50], `$0.1234` →
/// [0.1234], `not enough data` → [].
fn numbers(cell: &str) -> Vec<f64> {
    cell.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// The text of every `<td>` of the row that starts with `prefix`.
fn row_cells(html: &str, prefix: &str) -> Option<Vec<String>> {
    let row = &html[html.find(prefix)? + prefix.len()..];
    let row = &row[..row.find("</tr>")?];
    Some(
        row.split("<td")
            .skip(1)
            .filter_map(|c| Some(c[c.find('>')? + 1..c.find("</td>")?].to_string()))
            .collect(),
    )
}

/// A shipped query file run by `lambench analyze` over the run `current`.
fn cited(data: &Path, file: &str) -> Vec<Value> {
    analyze_current(data, &["--sql", file])
}

fn close(page: f64, sql: f64, digits: i32, what: &str) {
    let tolerance = 0.5 * 10f64.powi(-digits) + 1e-3;
    assert!(
        (page - sql).abs() <= tolerance,
        "{what}: page {page} vs query {sql}"
    );
}

/// Issue 13, point 4: the workload pages' per-cell figures are what the queries they cite give
/// when re-run with `lambench analyze`: percentiles and their intervals from `queries/p99.sql`,
/// costs from `queries/cost_per_million.sql`.
#[test]
fn cited_queries_reproduce_the_pages() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fixture(&data);
    let out = dir.path().join("site");
    report(&data, &out, &["--run", "current"]);
    let page = |w: &str| std::fs::read_to_string(out.join(format!("workload-{w}.html"))).unwrap();
    let workload = page("cpu-intensive");
    assert!(workload.contains("p99.sql") && workload.contains("cost_per_million.sql"));
    let pages: std::collections::BTreeMap<String, String> =
        ["cpu-intensive", "memory-intensive", "light"]
            .into_iter()
            .map(|w| (w.to_string(), page(w)))
            .collect();
    // The page names custom runtimes with their language; the shipped queries use the id.
    let label = |runtime: &str| {
        if runtime.starts_with("provided") {
            format!("rust ({runtime})")
        } else {
            runtime.to_string()
        }
    };
    let row = |r: &Value| {
        let prefix = format!(
            "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td>",
            label(r["runtime"].as_str().unwrap()),
            r["memory_mb"],
            r["architecture"].as_str().unwrap()
        );
        row_cells(&pages[r["workload"].as_str().unwrap()], &prefix)
            .unwrap_or_else(|| panic!("no row {prefix}"))
    };
    // Columns after the row's first three: warm n, environments, median, p90, p99, CV,
    // p99/p50, cold n, Init median, $/1M warm, $/1M cold.
    let p99 = cited(&data, "queries/p99.sql");
    let mut checked = 0;
    for r in &p99 {
        let cells = row(r);
        if r["start_type"] == "warm" {
            let median = numbers(&cells[2]);
            for (i, column) in ["p50_ms", "p50_lo_ms", "p50_hi_ms"].iter().enumerate() {
                close(median[i], r[*column].as_f64().unwrap(), 2, column);
            }
            close(
                numbers(&cells[3])[0],
                r["p90_ms"].as_f64().unwrap(),
                2,
                "p90_ms",
            );
            assert_eq!(cells[0], r["n"].to_string(), "warm n");
        } else {
            close(
                numbers(&cells[8])[0],
                r["p50_init_ms"].as_f64().unwrap(),
                1,
                "p50_init_ms",
            );
            assert_eq!(cells[7], r["n"].to_string(), "cold n");
        }
        checked += 1;
    }
    let costs = cited(&data, "queries/cost_per_million.sql");
    for r in &costs {
        let cells = row(r);
        let column = if r["start_type"] == "warm" { 9 } else { 10 };
        close(
            numbers(&cells[column])[0],
            r["usd_per_million"].as_f64().unwrap(),
            4,
            "usd_per_million",
        );
        checked += 1;
    }
    // 147 cells × 2 architectures × (warm, cold), in both queries.
    assert_eq!(checked, 294 * 2 * 2);
}
