//! `lambench package`: the deployment zips have Lambda's layout (handler.py / index.mjs /
//! executable bootstrap), the manifest lists them, and what cannot be built is said, not hidden.

mod common;

use std::io::Read;

use common::lambench;
use lambench_model::{Architecture, Matrix};
use serde_json::Value;

fn entries(path: &std::path::Path) -> Vec<(String, u32, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (
                f.name().unwrap().to_string(),
                f.unix_mode().unwrap_or(0) & 0o777,
                data,
            )
        })
        .collect()
}

#[test]
fn host_architecture_zips_have_lambda_layout() {
    let out = tempfile::tempdir().unwrap();
    lambench()
        .args([
            "package",
            "--cargo-profile",
            "dev",
            "--out",
            out.path().to_str().unwrap(),
        ])
        .assert()
        .success();
    let host = Architecture::host().expect("tests run on arm64 or x86_64");
    let matrix = Matrix::builtin().unwrap();
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("manifest.json")).unwrap())
            .unwrap();
    let artefacts = manifest["artefacts"].as_array().unwrap();
    assert_eq!(
        artefacts.len(),
        matrix.runtimes.len() * 3,
        "every runtime (optional ones too: they are deployed) × 3 workloads for {host}"
    );
    assert!(manifest["skipped"].as_array().unwrap().is_empty());
    for f in matrix.functions().iter().filter(|f| f.architecture == host) {
        let zip = out.path().join(format!("{}.zip", f.name));
        let files = entries(&zip);
        assert_eq!(files.len(), 1, "{}", f.name);
        let (name, mode, data) = &files[0];
        match f.language.as_str() {
            "python" => {
                assert_eq!(name, "handler.py");
                assert!(String::from_utf8_lossy(data).contains("def handler(event, context)"));
            }
            "nodejs" => {
                assert_eq!(name, "index.mjs");
                assert!(String::from_utf8_lossy(data).contains("export const handler"));
            }
            _ => {
                assert_eq!(name, "bootstrap");
                assert_eq!(*mode, 0o755, "bootstrap must be executable");
                assert_eq!(&data[..4], b"\x7fELF");
            }
        }
        let entry = artefacts
            .iter()
            .find(|a| a["function"] == f.name.as_str())
            .unwrap();
        assert_eq!(entry["architecture"], host.as_str());
        assert_eq!(entry["sha256"].as_str().unwrap().len(), 64);
    }
    // Reproducible: packaging again gives byte-identical zips.
    let sample = out
        .path()
        .join(format!("lambench-python3-13-{host}-light.zip"));
    let first = std::fs::read(&sample).unwrap();
    lambench()
        .args([
            "package",
            "--cargo-profile",
            "dev",
            "--out",
            out.path().to_str().unwrap(),
        ])
        .assert()
        .success();
    let second = std::fs::read(&sample).unwrap();
    assert_eq!(first, second);
}

#[test]
fn other_architecture_without_cargo_lambda_is_skipped_with_the_reason() {
    let has_lambda = std::process::Command::new("cargo")
        .args(["lambda", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if has_lambda {
        eprintln!("SKIPPED: cargo-lambda is installed, so nothing is skipped to check");
        return;
    }
    let host = Architecture::host().unwrap();
    let other = if host == Architecture::Arm64 {
        "x86_64"
    } else {
        "arm64"
    };
    let out = tempfile::tempdir().unwrap();
    lambench()
        .args([
            "package",
            "--cargo-profile",
            "dev",
            "--arch",
            other,
            "--out",
            out.path().to_str().unwrap(),
        ])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "pip install ziglang cargo-lambda",
        ));
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("manifest.json")).unwrap())
            .unwrap();
    let interpreted = Matrix::builtin()
        .unwrap()
        .runtimes
        .iter()
        .filter(|r| r.language != lambench_model::Language::Rust)
        .count();
    assert_eq!(
        manifest["artefacts"].as_array().unwrap().len(),
        interpreted * 3,
        "Python and Node.js need no build"
    );
    assert_eq!(manifest["skipped"][0]["language"], "rust");
}

#[test]
fn outside_a_checkout_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    lambench()
        .args([
            "package",
            "--repo",
            dir.path().to_str().unwrap(),
            "--out",
            dir.path().join("d").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not a lambench checkout"));
}
