//! `lambench emulate`: the local Lambda service in the foreground.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use lambench_emulator::{Emulator, EmulatorOptions, Faults};
use lambench_model::Matrix;

use crate::cli::EmulateArgs;

pub async fn run(matrix: &Matrix, args: &EmulateArgs) -> anyhow::Result<()> {
    let repo = args
        .repo
        .canonicalize()
        .unwrap_or_else(|_| args.repo.clone());
    let options = EmulatorOptions {
        port: args.port,
        rust_bins: args.rust_bins.clone().or_else(|| default_rust_bins(&repo)),
        repo,
        update_delay: Duration::from_millis(args.update_delay_ms),
        max_concurrency: args.max_concurrency,
        cpu_scaling: !args.no_cpu_scaling,
        idle_timeout: Duration::from_secs(args.idle_timeout_s),
        faults: Faults {
            throttle: args.fault_throttle,
            conflict: args.fault_conflict,
            control_latency: Duration::from_millis(args.fault_latency_ms),
            expire_credentials_after: args.fault_expire_credentials_after,
        },
        default_timeout_s: args.timeout_s,
        ..EmulatorOptions::default()
    };
    let port = if args.list { 0 } else { options.port };
    let mut emulator = Emulator::start(matrix, EmulatorOptions { port, ..options })
        .await
        .with_context(|| {
            format!("cannot listen on 127.0.0.1:{port} (is another emulator running? try --port 0)")
        })?;
    print_functions(&emulator);
    if args.list {
        return Ok(());
    }
    println!(
        "lambench emulator listening on {} (Ctrl-C to stop)",
        emulator.endpoint()
    );
    tokio::select! {
        r = emulator.wait() => r.context("emulator stopped")?,
        _ = tokio::signal::ctrl_c() => eprintln!("stopping"),
    }
    Ok(())
}

fn print_functions(emulator: &Emulator) {
    println!("{} functions available:", emulator.functions.len());
    for f in &emulator.functions {
        println!("  {:<48} {:<16} {}", f.name, f.runtime, f.program.display());
    }
    println!("{} unavailable here:", emulator.unavailable.len());
    for u in &emulator.unavailable {
        println!("  {:<48} {}", u.name, u.reason);
    }
    match &emulator.cpu_scaling {
        Ok(cgroups) => println!(
            "CPU scaling on with {cgroups}: each environment gets memory/1769 of a CPU and a MemorySize memory limit"
        ),
        Err(why) => println!("{why}: a memory sweep on this emulator measures nothing about CPU"),
    }
}

/// The newest-profile Rust handler binaries in the checkout's target folder, if built.
pub fn default_rust_bins(repo: &Path) -> Option<PathBuf> {
    let target = crate::artefacts::cargo_target_dir(repo);
    ["handler", "release", "debug"]
        .iter()
        .map(|p| target.join(p))
        .find(|d| d.join("cpu-intensive").is_file())
}
