//! Measures the emulator's own overhead (figures for issue notes, not tests):
//! - warm: client round trip minus REPORT Duration, for a near no-op invoke;
//! - cold: REPORT Init Duration against starting the same interpreter + handler import directly.
//!
//! `cargo run --release -p lambench-emulator --example overhead -- [RUNS]` from the repo root,
//! with the Rust handlers built (`cargo build -p lambench-handlers --bins`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use lambench_emulator::{Emulator, EmulatorOptions};
use lambench_model::Matrix;
use lambench_model::platform_log::parse_log;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTP/1.1 request on a fresh connection; returns (status line + headers, body).
async fn http(port: u16, method: &str, path: &str, headers: &str, body: &str) -> (String, String) {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).await.expect("read");
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    (head.to_string(), body.to_string())
}

fn log_of(head: &str) -> String {
    use base64::Engine;
    let b64 = head
        .lines()
        .find_map(|l| l.strip_prefix("x-amz-log-result: "))
        .expect("log header");
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .expect("b64"),
    )
    .expect("utf8")
}

fn pct(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    lambench_model::stats::quantile_sorted(v, q).unwrap_or(f64::NAN)
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    let repo = std::env::current_dir().expect("cwd");
    let options = EmulatorOptions {
        repo: repo.clone(),
        rust_bins: Some(repo.join("target/debug")),
        cpu_scaling: false,
        update_delay: Duration::from_millis(1),
        ..EmulatorOptions::default()
    };
    let emu = Emulator::start(&Matrix::builtin().expect("matrix"), options)
        .await
        .expect("start");
    for (lang, event) in [
        ("rust", "{\"iterations\":1}"),
        ("python", "{\"iterations\":1}"),
    ] {
        let Some(f) = emu
            .functions
            .iter()
            .find(|f| f.language.as_str() == lang && f.workload == "cpu-intensive")
        else {
            continue;
        };
        let path = format!("/2015-03-31/functions/{}/invocations", f.name);
        let mut overhead = Vec::new();
        let mut inits = Vec::new();
        for i in 0..runs {
            if i % 10 == 0 {
                // Force a cold start every 10th invoke to collect Init Durations too.
                let body = format!("{{\"Environment\":{{\"Variables\":{{\"N\":\"{i}\"}}}}}}");
                http(
                    emu.port,
                    "PUT",
                    &format!("/2015-03-31/functions/{}/configuration", f.name),
                    "",
                    &body,
                )
                .await;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let t = Instant::now();
            let (head, _) = http(emu.port, "POST", &path, "X-Amz-Log-Type: Tail\r\n", event).await;
            let rt = t.elapsed().as_secs_f64() * 1000.0;
            let report = parse_log(&log_of(&head)).expect("report").report;
            match report.init_duration_ms {
                Some(init) => inits.push(init),
                None => overhead.push(rt - report.duration_ms),
            }
        }
        println!(
            "{lang}: warm overhead (round trip - Duration) p50 {:.3} ms, p99 {:.3} ms over {} invokes; Init Duration p50 {:.1} ms over {} cold starts",
            pct(&mut overhead, 0.5),
            pct(&mut overhead, 0.99),
            overhead.len(),
            pct(&mut inits, 0.5),
            inits.len()
        );
        // The same process started directly: interpreter + handler import (Python), or the
        // binary up to its first Runtime API call failing (Rust).
        let mut direct = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let status = if lang == "python" {
                std::process::Command::new(&f.program)
                    .args([
                        "-c",
                        "import sys; sys.path.insert(0, sys.argv[1]); import handler",
                        &f.task_root.display().to_string(),
                    ])
                    .status()
            } else {
                std::process::Command::new(&f.program)
                    .env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9")
                    .stderr(std::process::Stdio::null())
                    .status()
            };
            let _ = status;
            direct.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        println!(
            "{lang}: direct start p50 {:.1} ms ({})",
            pct(&mut direct, 0.5),
            PathBuf::from(&f.program).display()
        );
    }
}
