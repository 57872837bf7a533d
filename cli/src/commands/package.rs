//! `lambench package`: a deployment zip per function, for the architectures this machine can
//! build, and a manifest the CDK app reads.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;
use lambench_model::{Architecture, Language, Matrix};
use serde_json::json;

use super::UsageError;
use crate::artefacts::{cargo_target_dir, entry_for, write_zip};
use crate::cli::{ArchArg, PackageArgs};

const RUST_BINS: [&str; 3] = ["cpu-intensive", "memory-intensive", "light"];

pub fn run(matrix: &Matrix, args: &PackageArgs) -> anyhow::Result<()> {
    let repo = args
        .repo
        .canonicalize()
        .unwrap_or_else(|_| args.repo.clone());
    if !repo.join("handlers/python").is_dir() || !repo.join("handlers/nodejs").is_dir() {
        return Err(UsageError(format!(
            "{} is not a lambench checkout (no handlers/ folder): run from the repository root or pass --repo DIR",
            repo.display()
        ))
        .into());
    }
    let archs = requested_archs(&args.arch)?;
    let mut manifest = Vec::new();
    let mut skipped = Vec::new();
    for arch in archs {
        let functions: Vec<_> = matrix
            .functions()
            .into_iter()
            .filter(|f| f.architecture == arch)
            .collect();
        let rust_dir = if functions.iter().any(|f| f.language == Language::Rust) {
            match build_rust(&repo, arch, &args.cargo_profile) {
                Ok(dir) => Some(dir),
                Err(reason) => {
                    skipped.push(json!({"architecture": arch.as_str(), "language": Language::Rust, "reason": reason}));
                    eprintln!("skipped Rust on {arch}: {reason}");
                    None
                }
            }
        } else {
            None
        };
        for f in functions {
            let binary = rust_dir.as_ref().map(|d| d.binary(&f.workload));
            if f.language == Language::Rust && binary.is_none() {
                continue;
            }
            let entry = entry_for(&repo, f.language, &f.workload, binary.as_deref())?;
            let handler = f.language.handler();
            let zip = args.out.join(format!("{}.zip", f.name));
            let sha256 = write_zip(&zip, &[entry])?;
            let bytes = std::fs::metadata(&zip)?.len();
            println!("{:<48} {:>10} bytes  {}", f.name, bytes, zip.display());
            manifest.push(json!({
                "function": f.name, "runtime": f.runtime, "language": f.language,
                "architecture": arch.as_str(), "workload": f.workload, "handler": handler,
                "zip": format!("{}.zip", f.name), "sha256": sha256, "bytes": bytes,
            }));
        }
    }
    let doc = json!({"artefacts": manifest, "skipped": skipped});
    let path = args.out.join("manifest.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!(
        "{} artefacts, manifest {}",
        doc["artefacts"].as_array().map_or(0, Vec::len),
        path.display()
    );
    Ok(())
}

fn requested_archs(args: &[ArchArg]) -> anyhow::Result<Vec<Architecture>> {
    let host = Architecture::host();
    let mut out = Vec::new();
    for a in args {
        let list =
            match a {
                ArchArg::Host => vec![host.context(
                    "this machine's architecture is not one Lambda runs (arm64, x86_64)",
                )?],
                ArchArg::Arm64 => vec![Architecture::Arm64],
                ArchArg::X86_64 => vec![Architecture::X86_64],
                ArchArg::All => vec![Architecture::Arm64, Architecture::X86_64],
            };
        for arch in list {
            if !out.contains(&arch) {
                out.push(arch);
            }
        }
    }
    Ok(out)
}

/// Where the built `bootstrap` binaries are.
enum RustOutput {
    /// `cargo build` for the host: `<dir>/<bin>`.
    Host(PathBuf),
    /// `cargo lambda build`: `<dir>/<bin>/bootstrap`.
    Lambda(PathBuf),
}

impl RustOutput {
    fn binary(&self, workload: &str) -> PathBuf {
        match self {
            RustOutput::Host(dir) => dir.join(workload),
            RustOutput::Lambda(dir) => dir.join(workload).join("bootstrap"),
        }
    }
}

/// Builds the Rust handlers for `arch`: natively for the host, with cargo-lambda otherwise.
/// Returns why not when this machine cannot.
fn build_rust(repo: &Path, arch: Architecture, profile: &str) -> Result<RustOutput, String> {
    let target_dir = cargo_target_dir(repo);
    let profile_dir = if profile == "dev" || profile == "test" {
        "debug"
    } else {
        profile
    };
    if Architecture::host() == Some(arch) {
        run_cargo(
            repo,
            &[
                "build",
                "--profile",
                profile,
                "-p",
                "lambench-handlers",
                "--bins",
            ],
        )?;
        return Ok(RustOutput::Host(target_dir.join(profile_dir)));
    }
    let has_lambda = Command::new("cargo")
        .args(["lambda", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_lambda {
        return Err(format!(
            "cross-compiling to {arch} needs cargo-lambda and zig: `pip install ziglang cargo-lambda`, then re-run (or build on a {arch} machine)"
        ));
    }
    let flag = if arch == Architecture::Arm64 {
        "--arm64"
    } else {
        "--x86-64"
    };
    run_cargo(
        repo,
        &[
            "lambda",
            "build",
            "--profile",
            profile,
            flag,
            "-p",
            "lambench-handlers",
            "--bins",
        ],
    )?;
    let out = target_dir.join("lambda");
    for bin in RUST_BINS {
        if !out.join(bin).join("bootstrap").is_file() {
            return Err(format!(
                "cargo lambda did not produce {}",
                out.join(bin).join("bootstrap").display()
            ));
        }
    }
    Ok(RustOutput::Lambda(out))
}

fn run_cargo(repo: &Path, args: &[&str]) -> Result<(), String> {
    eprintln!("$ cargo {}", args.join(" "));
    let status = Command::new("cargo")
        .args(args)
        .current_dir(repo)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}
