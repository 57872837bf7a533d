//! Deployment artefacts: one zip per function of the matrix, as Lambda runs it.
//!
//! Each holds its language's one entry file ([`Language::entry_file`]). Zips are reproducible (fixed timestamps, sorted entries)
//! so an unchanged handler keeps its code hash and is not redeployed.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use lambench_model::Language;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Cargo's target folder for the checkout at `repo`: `CARGO_TARGET_DIR`, else what `cargo
/// metadata` says (it honours `build.target-dir` in cargo's config files), else `repo/target`.
pub fn cargo_target_dir(repo: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    std::process::Command::new("cargo")
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(repo)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| serde_json::from_slice::<serde_json::Value>(&o.stdout).ok())
        .and_then(|m| m["target_directory"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| repo.join("target"))
}

/// One file inside a deployment zip.
pub struct Entry {
    pub name: &'static str,
    pub source: PathBuf,
    pub executable: bool,
}

/// The file a language's handler is deployed as ([`Language::entry_file`]): the source from
/// the checkout, or for a compiled language the binary built for the architecture.
pub fn entry_for(
    repo: &Path,
    language: Language,
    workload: &str,
    rust_binary: Option<&Path>,
) -> anyhow::Result<Entry> {
    // A built entry file is the executable Lambda runs itself (`bootstrap`).
    let (source, executable) = match language.source_dir(workload) {
        Some(dir) => (repo.join(dir).join(language.entry_file()), false),
        None => (
            rust_binary
                .context("no Rust binary for this architecture")?
                .to_path_buf(),
            true,
        ),
    };
    Ok(Entry {
        name: language.entry_file(),
        source,
        executable,
    })
}

/// Writes `entries` into `zip_path` atomically; returns the zip's SHA-256 (hex).
pub fn write_zip(zip_path: &Path, entries: &[Entry]) -> anyhow::Result<String> {
    let dir = zip_path.parent().context("zip path has no folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp",
        zip_path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("artefact")
    ));
    let result = (|| -> anyhow::Result<()> {
        let file = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        let mut zip = ZipWriter::new(file);
        for entry in entries {
            let data = std::fs::read(&entry.source).with_context(|| {
                format!("cannot read handler source {}", entry.source.display())
            })?;
            let options = SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .last_modified_time(DateTime::default())
                .unix_permissions(if entry.executable { 0o755 } else { 0o644 });
            zip.start_file(entry.name, options)?;
            zip.write_all(&data)?;
        }
        zip.finish()?.sync_all()?;
        std::fs::rename(&tmp, zip_path)
            .with_context(|| format!("cannot write {}", zip_path.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    let bytes = std::fs::read(zip_path)?;
    Ok(Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}
