//! Safe by default: `analyze` never changes data or files it was not asked to write, output
//! paths are never clobbered, a broken manifest is never taken for imported data, and an
//! import stores all of its files or none. Each test reproduces a finding of the issue that
//! asked for this and checks the data folder is byte for byte what it was.

mod common;

use std::path::{Path, PathBuf};

use common::{lambench, write_fixture};
use predicates::prelude::*;

use lambench_testkit::folder_snapshot as snapshot;

/// `lambench report --data DATA --run fixture-run --out OUT`, not yet run.
fn report(data: &Path, out: &Path) -> assert_cmd::Command {
    let mut cmd = lambench();
    cmd.args(["report", "--run", "fixture-run", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out);
    cmd
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    dir
}

fn analyze(data: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = lambench();
    cmd.args(["analyze", "--data", data.to_str().unwrap()])
        .args(args);
    cmd
}

#[test]
fn analyze_sql_cannot_write() {
    let data = fixture();
    let part = data.path().join("run_id=fixture-run/part-0.parquet");
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("written.parquet");
    let before = snapshot(data.path());
    for sql in [
        "INSERT INTO invocations_all_runs SELECT * FROM invocations_all_runs".to_string(),
        format!(
            "COPY (SELECT 1 AS a) TO '{}' STORED AS PARQUET",
            part.display()
        ),
        format!("COPY (SELECT 1 AS a) TO '{}'", target.display()),
        "CREATE TABLE t AS SELECT 1".to_string(),
        format!(
            "CREATE EXTERNAL TABLE e STORED AS PARQUET LOCATION '{}'",
            part.display()
        ),
        "DROP VIEW invocations".to_string(),
        "SET datafusion.execution.batch_size = 1".to_string(),
        "EXPLAIN ANALYZE INSERT INTO invocations_all_runs SELECT * FROM invocations_all_runs"
            .to_string(),
    ] {
        analyze(data.path(), &["--query", &sql])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("only queries that read can run"))
            .stderr(predicate::str::contains("panicked").not());
    }
    assert_eq!(snapshot(data.path()), before, "the data folder changed");
    assert!(!target.exists(), "COPY wrote {}", target.display());
    // Reading still works, EXPLAIN included.
    analyze(
        data.path(),
        &["--query", "EXPLAIN SELECT count(*) FROM invocations"],
    )
    .assert()
    .success();
}

#[test]
fn output_replaces_only_regular_files_outside_the_data() {
    let data = fixture();
    let out = tempfile::tempdir().unwrap();
    let before = snapshot(data.path());
    let query = [
        "--query",
        "SELECT count(*) AS n FROM invocations",
        "--format",
        "csv",
    ];
    // A symbolic link: neither it nor what it points to is replaced.
    let pointee = out.path().join("pointee.txt");
    std::fs::write(&pointee, "keep me").unwrap();
    let link = out.path().join("link.csv");
    std::os::unix::fs::symlink(&pointee, &link).unwrap();
    // A FIFO and a folder.
    let fifo = out.path().join("fifo.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let folder = out.path().join("folder.csv");
    std::fs::create_dir(&folder).unwrap();
    for (path, kind) in [
        (&link, "a symbolic link"),
        (&fifo, "not a regular file"),
        (&folder, "a folder"),
    ] {
        analyze(data.path(), &query)
            .arg("--output")
            .arg(path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(kind));
    }
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&pointee).unwrap(), "keep me");
    assert!(fifo.symlink_metadata().unwrap().file_type().is_fifo());
    // Inside the data folder: refused, even as a new file.
    let inside = data.path().join("run_id=fixture-run/result.parquet");
    analyze(
        data.path(),
        &[
            "--query",
            "SELECT 1 AS n",
            "--format",
            "parquet",
            "--output",
        ],
    )
    .arg(&inside)
    .assert()
    .code(2)
    .stderr(predicate::str::contains("inside the data folder"));
    assert_eq!(snapshot(data.path()), before, "the data folder changed");
    // A regular file is replaced; `-` is standard output.
    let file = out.path().join("n.csv");
    std::fs::write(&file, "old").unwrap();
    analyze(data.path(), &query)
        .arg("--output")
        .arg(&file)
        .assert()
        .success();
    assert!(std::fs::read_to_string(&file).unwrap().starts_with("n\n"));
    analyze(data.path(), &query)
        .args(["--output", "-"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("n\n"));
    assert!(!data.path().join("-").exists() && !Path::new("-").exists());
}

use std::os::unix::fs::FileTypeExt;

#[test]
fn a_broken_manifest_is_an_error_not_imported_data() {
    // Where the collector writes it, and where older runs kept it (still read).
    for (place, shown) in [
        ("_manifests/fixture-run.json", "_manifests/fixture-run.json"),
        ("run_id=fixture-run/manifest.json", "run_id=fixture-run"),
    ] {
        let data = fixture();
        let manifest = data.path().join(place);
        std::fs::create_dir_all(manifest.parent().unwrap()).unwrap();
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("report");
        for (content, why) in [
            (&b"{\"format\": 2, \"plan\": {\"cel"[..], "not valid JSON"),
            (
                &b"{\"format\": 2}"[..],
                "not a lambench manifest (missing field",
            ),
        ] {
            std::fs::write(&manifest, content).unwrap();
            report(data.path(), &out)
                .assert()
                .code(2)
                .stderr(predicate::str::contains("manifest"))
                .stderr(predicate::str::contains(shown))
                .stderr(predicate::str::contains(why))
                .stderr(predicate::str::contains("no manifest").not());
            assert!(!out.exists(), "a report was written");
        }
    }
}

fn day(generated_at: &str, memory: i64, samples: &[f64]) -> String {
    serde_json::json!({
        "metadata": {"generatedAt": generated_at},
        "runtimeData": [{
            "r": "lambda-perf-python313-zip-128-arm64", "p": "zip", "m": memory, "a": "arm64",
            "i": samples
        }]
    })
    .to_string()
}

fn import(out: &Path, files: &[PathBuf]) -> assert_cmd::assert::Assert {
    lambench()
        .args(["import", "lambda-perf", "--out", out.to_str().unwrap()])
        .args(files)
        .assert()
}

#[test]
fn import_is_all_or_nothing_and_checks_every_file_first() {
    let inputs = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let path = inputs.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    };
    let good = write(
        "2025-06-01.json",
        &day("2025-06-01T00:00:00Z", 128, &[100.0, 110.0]),
    );
    let other = write(
        "2025-06-02.json",
        &day("2025-06-02T00:00:00Z", 128, &[120.0]),
    );
    let cases: Vec<(Vec<PathBuf>, &str)> = vec![
        (
            vec![
                good.clone(),
                write("bad name.json", &day("2025-06-03T00:00:00Z", 128, &[1.0])),
            ],
            "rename the file",
        ),
        (
            vec![
                write(
                    "a/2025-06-04.json",
                    &day("2025-06-04T00:00:00Z", 128, &[1.0]),
                ),
                write(
                    "b/2025-06-04.json",
                    &day("2025-06-04T01:00:00Z", 128, &[2.0]),
                ),
            ],
            "same file name",
        ),
        (
            vec![
                good.clone(),
                write("copy.json", &std::fs::read_to_string(&good).unwrap()),
            ],
            "same content",
        ),
        (vec![good.clone(), good.clone()], "same file name"),
        (
            vec![
                good.clone(),
                write("zero.json", &day("2025-06-05T00:00:00Z", 0, &[1.0])),
            ],
            "outside Lambda's 128..=10240 MB",
        ),
        (
            vec![
                good.clone(),
                write("neg.json", &day("2025-06-06T00:00:00Z", -5, &[1.0])),
            ],
            "outside Lambda's",
        ),
        (
            vec![
                good.clone(),
                write("huge.json", &day("2025-06-07T00:00:00Z", 128, &[1e308])),
            ],
            "not a cold start's duration",
        ),
    ];
    for (files, why) in cases {
        let out = tempfile::tempdir().unwrap();
        import(out.path(), &files)
            .code(2)
            .stderr(predicate::str::contains(why))
            .stderr(predicate::str::contains("panicked").not());
        assert!(
            snapshot(out.path()).is_empty(),
            "{why}: something was written"
        );
    }
    // The good files: every sample stored and counted.
    let out = tempfile::tempdir().unwrap();
    import(out.path(), &[good, other])
        .success()
        .stderr(predicate::str::contains(
            "imported 3 cold-start samples from 2 file(s)",
        ));
    let stored = common::analyze(
        out.path(),
        &[
            "--query",
            "SELECT count(*) AS n FROM invocations",
            "--format",
            "csv",
        ],
    );
    assert_eq!(stored, "n\n3\n");
}

#[test]
fn a_deeply_nested_expression_is_an_error_not_a_crash() {
    let data = fixture();
    let chain = |n: usize| format!("SELECT {}", vec!["1"; n].join(" + "));
    analyze(data.path(), &["--query", &chain(5000)])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("4999 operators"))
        .stderr(predicate::str::contains("the limit is 1000"));
    // Up to the limit, the deep stack holds it.
    analyze(data.path(), &["--query", &chain(1000), "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with("\n1000\n"));
}

#[test]
fn a_bad_run_id_stops_collect_before_anything_starts() {
    let out = tempfile::tempdir().unwrap();
    let results = out.path().join("results");
    lambench()
        .args([
            "collect",
            "--local",
            "--test",
            "--yes",
            "--run-id",
            "../../etc",
            "--out",
        ])
        .arg(&results)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run id \"../../etc\""))
        .stdout(predicate::str::contains("plan:").not());
    assert!(!results.exists(), "collect created {}", results.display());
    // A good run id is printed with the resume command before anything runs.
    lambench()
        .args([
            "collect",
            "--local",
            "--test",
            "--dry-run",
            "--run-id",
            "r1",
            "--out",
        ])
        .arg(&results)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "run id r1; if it stops, resume with: lambench collect --resume r1 --out",
        ));
}

#[test]
fn a_foreign_parquet_in_the_data_folder_is_named() {
    let data = fixture();
    let elsewhere = tempfile::tempdir().unwrap();
    for (sql, why) in [
        (
            "SELECT 1 AS x, 2 AS y",
            "column \"x\" is not in lambench's schema",
        ),
        (
            "SELECT 'x' AS workload, 'not a number' AS memory_mb",
            "column \"memory_mb\" is Utf8",
        ),
    ] {
        let made = elsewhere.path().join("foreign.parquet");
        analyze(
            data.path(),
            &["--query", sql, "--format", "parquet", "--output"],
        )
        .arg(&made)
        .assert()
        .success();
        let stray = data.path().join("run_id=fixture-run/zz-stray.parquet");
        std::fs::copy(&made, &stray).unwrap();
        analyze(
            data.path(),
            &["--query", "SELECT count(*) FROM invocations"],
        )
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "run_id=fixture-run/zz-stray.parquet",
        ))
        .stderr(predicate::str::contains(why));
        std::fs::remove_file(&stray).unwrap();
    }
}

#[test]
fn a_new_report_never_deletes_what_the_old_one_did_not_write() {
    let data = fixture();
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("report");
    report(data.path(), &out).assert().success();
    // Replacing its own earlier report is fine.
    report(data.path(), &out).assert().success();
    let notes = out.join("my-notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(notes.join("todo.txt"), "keep").unwrap();
    std::fs::write(out.join("charts/mine.svg"), "<svg/>").unwrap();
    report(data.path(), &out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("charts/mine.svg, my-notes"));
    assert_eq!(
        std::fs::read_to_string(notes.join("todo.txt")).unwrap(),
        "keep"
    );
}

/// One HTTP/1.1 request to the emulator; the response body (`None`: not waited for).
fn http(url: &str, request: &str, wait: bool) -> Option<String> {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    if !wait {
        // Leak the connection open: the invoke goes on without us.
        std::mem::forget(stream);
        return None;
    }
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
}

/// Processes whose parent is `pid` and that have not exited.
fn children(pid: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|child| {
            std::fs::read_to_string(format!("/proc/{child}/stat")).is_ok_and(|stat| {
                let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
                let fields: Vec<&str> = rest.split_whitespace().collect();
                fields.first() != Some(&"Z") && fields.get(1) == Some(&pid.to_string().as_str())
            })
        })
        .collect()
}

#[test]
fn busy_handlers_die_with_a_killed_emulator() {
    let dir = tempfile::tempdir().unwrap();
    let matrix = common::collect::small_matrix(dir.path(), 1000, 1, "128");
    let emulator = common::collect::EmulatorProcess::start(&matrix, &["--timeout-s", "120"]);
    let list = http(
        &emulator.url,
        "GET /2015-03-31/functions/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        true,
    )
    .unwrap();
    let list: serde_json::Value = serde_json::from_str(list.trim()).unwrap();
    let Some(name) = list["Functions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["FunctionName"].as_str())
        .find(|n| n.ends_with("cpu-intensive"))
        .map(str::to_string)
    else {
        eprintln!("SKIPPED: no cpu-intensive function runs on this host");
        return;
    };
    // Long enough to be running when the emulator is killed.
    let body = r#"{"iterations": 10000000}"#;
    http(
        &emulator.url,
        &format!(
            "POST /2015-03-31/functions/{name}/invocations HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
        false,
    );
    let pid = emulator.pid();
    let mut handlers = Vec::new();
    for _ in 0..200 {
        handlers = children(pid);
        if !handlers.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert!(!handlers.is_empty(), "no handler process started");
    // Busy, not starting up: wait until a handler has burnt CPU on the invoke (utime, ticks).
    let cpu = |p: &u32| -> u64 {
        std::fs::read_to_string(format!("/proc/{p}/stat")).map_or(0, |s| {
            let rest = s.rsplit_once(')').map_or("", |(_, r)| r);
            rest.split_whitespace()
                .nth(11)
                .and_then(|t| t.parse().ok())
                .unwrap_or(0)
        })
    };
    let mut busy = false;
    for _ in 0..400 {
        busy = handlers.iter().any(|p| cpu(p) >= 30);
        if busy {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert!(busy, "the handler never got busy");
    drop(emulator); // SIGKILL: no cleanup code runs.
    let alive = |p: &u32| -> bool {
        std::fs::read_to_string(format!("/proc/{p}/stat")).is_ok_and(|s| {
            !s.rsplit_once(')')
                .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
        })
    };
    for _ in 0..200 {
        if !handlers.iter().any(alive) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    let left: Vec<u32> = handlers.iter().copied().filter(alive).collect();
    for p in &left {
        // Never leave a spinning handler behind, even when the test fails.
        let _ = std::process::Command::new("kill")
            .args(["-9", &p.to_string()])
            .status();
    }
    assert!(left.is_empty(), "handlers {left:?} outlived their emulator");
}
