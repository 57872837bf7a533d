//! Import of maxday/lambda-perf's public daily JSON (real cold starts measured on AWS).
//!
//! Three schemas have been published since 2022 (see docs/schema.md): long field names without
//! architecture (2022), long names with `architecture`/`displayName` (2023), and the compact
//! `{r,p,d,i,m,a,...}` form (2025 on). Each init-duration sample becomes one cold-start row with
//! backend `lambda-perf`. SnapStart functions' samples are restore durations and are stored as
//! such. lambda-perf publishes no per-sample time, request id or billed duration: `invoked_at`
//! is the file's `generatedAt`, the others are NULL.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lambench_model::matrix::{MAX_MEMORY_MB, MAX_TIMEOUT_S, MIN_MEMORY_MB};
use lambench_model::parquet_out;

use lambench_model::record::{Environment, Invocation, StartType, Status};
use serde::Deserialize;

use crate::error::{Error, Result};

/// Backend name of imported rows.
pub const BACKEND: &str = "lambda-perf";

#[derive(Deserialize)]
struct Day {
    metadata: Metadata,
    #[serde(rename = "runtimeData")]
    runtime_data: Vec<Entry>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(rename = "generatedAt")]
    generated_at: String,
}

/// One function configuration, in any of the three schemas.
#[derive(Deserialize)]
struct Entry {
    #[serde(alias = "runtime")]
    r: String,
    #[serde(default)]
    p: Option<String>,
    #[serde(alias = "initDurations")]
    i: Vec<f64>,
    #[serde(alias = "memorySize")]
    m: i32,
    #[serde(default, alias = "architecture")]
    a: Option<String>,
}

/// Lambda's memory sizes (MB): what a function can be configured with.
const MEMORY_MB: std::ops::RangeInclusive<i32> = MIN_MEMORY_MB as i32..=MAX_MEMORY_MB as i32;
/// The longest Init or Restore Duration accepted (ms): Lambda's longest timeout, 15 minutes.
/// Anything longer is not a measurement.
const MAX_INIT_MS: f64 = MAX_TIMEOUT_S as f64 * 1000.0;

/// The bounds an entry's configuration must be in (docs/schema.md).
fn check_entry(entry: &Entry, architecture: &str) -> std::result::Result<(), String> {
    if !MEMORY_MB.contains(&entry.m) {
        return Err(format!(
            "{}: memory size {} MB is outside Lambda's {}..={} MB",
            entry.r,
            entry.m,
            MEMORY_MB.start(),
            MEMORY_MB.end()
        ));
    }
    if !matches!(architecture, "arm64" | "x86_64") {
        return Err(format!(
            "{}: architecture {architecture:?} is neither arm64 nor x86_64",
            entry.r
        ));
    }
    if entry.r.trim().is_empty() {
        return Err("an entry has an empty function name".into());
    }
    Ok(())
}

/// Lambda identity derived from a lambda-perf function name.
#[derive(Debug, PartialEq, Eq)]
pub struct Identity {
    pub runtime: String,
    pub language: String,
    pub workload: String,
    pub snapstart: bool,
}

/// Reads and checks every file before anything is written: each must parse, be within
/// bounds, and become a part of its own (named by its file stem, unique in the run); the
/// same content given twice is refused too, since it would count twice. Returns
/// (part name, rows) per file, in the order given.
pub fn read_files(paths: &[PathBuf], run_id: &str) -> Result<Vec<(String, Vec<Invocation>)>> {
    let mut parts: HashMap<String, &Path> = HashMap::new();
    let mut contents: HashMap<String, &Path> = HashMap::new();
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let bad = |message: String| Error::Import {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|reason| Error::Io {
            path: path.display().to_string(),
            reason,
        })?;
        let part = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        parquet_out::part_key(run_id, &part).map_err(|e| {
            bad(format!(
                "{e}; its file name (without .json) names the stored part: rename the file"
            ))
        })?;
        if let Some(first) = parts.insert(part.clone(), path) {
            return Err(bad(format!(
                "{} has the same file name, and both would be stored as part {part:?} (one replacing the other): import them into separate runs (--run-id), or rename one",
                first.display()
            )));
        }
        let rows = parse(&text).map_err(bad)?;
        if let Some(first) = contents.insert(text, path) {
            return Err(bad(format!(
                "same content as {}: its samples would count twice; give each file once",
                first.display()
            )));
        }
        out.push((part, rows));
    }
    Ok(out)
}

/// Parses one daily file's text.
pub fn parse(text: &str) -> std::result::Result<Vec<Invocation>, String> {
    let day: Day = serde_json::from_str(text)
        .map_err(|e| format!("not a lambda-perf daily file ({e}); expected {{\"metadata\":{{\"generatedAt\"}},\"runtimeData\":[...]}}"))?;
    let at = chrono::DateTime::parse_from_rfc3339(&day.metadata.generated_at).map_err(|e| {
        format!(
            "metadata.generatedAt {:?} is not a timestamp: {e}",
            day.metadata.generated_at
        )
    })?;
    let invoked_at_us = at.timestamp_micros();
    let mut rows = Vec::new();
    for entry in day.runtime_data {
        let id = identity(&entry.r);
        // 2022 files predate arm64 in lambda-perf: every function there ran on x86_64.
        let architecture = entry.a.clone().unwrap_or_else(|| "x86_64".into());
        check_entry(&entry, &architecture)?;
        for (k, &ms) in entry.i.iter().enumerate() {
            if !(ms.is_finite() && 0.0 < ms && ms <= MAX_INIT_MS) {
                return Err(format!(
                    "{}: sample {k} ({ms}) is not a cold start's duration: expected more than 0 and at most {MAX_INIT_MS} ms",
                    entry.r
                ));
            }
            rows.push(Invocation {
                backend: BACKEND.into(),
                region: None,
                function_name: entry.r.clone(),
                runtime: id.runtime.clone(),
                language: id.language.clone(),
                architecture: architecture.clone(),
                workload: id.workload.clone(),
                memory_mb: entry.m,
                package_type: entry.p.clone(),
                start_type: StartType::Cold,
                sample_index: k as i32,
                attempt: 0,
                is_warmup: false,
                invoked_at_us,
                request_id: None,
                duration_ms: None,
                billed_duration_ms: None,
                init_duration_ms: (!id.snapstart).then_some(ms),
                restore_duration_ms: id.snapstart.then_some(ms),
                billed_restore_duration_ms: None,
                reported_memory_mb: Some(entry.m),
                max_memory_used_mb: None,
                client_latency_ms: None,
                status: Status::Ok,
                error_type: None,
                error_message: None,
                runtime_version: None,
                observed_cold: Some(true),
                // lambda-perf publishes none of these.
                environment: Environment::default(),
                round: None,
                batch_size: None,
            });
        }
    }
    Ok(rows)
}

/// Maps `lambda-perf-python313-zip-128-arm64` (or the older `lambda-perf-python38`) to the
/// Lambda runtime id, the language and the workload variant.
pub fn identity(function_name: &str) -> Identity {
    let key = base_key(function_name);
    let (key, variant) = match key.strip_suffix("_snapstart") {
        Some(k) => (k, Some("snapstart")),
        None => match key.strip_suffix("_layer") {
            Some(k) => (k, Some("layer")),
            None => (key, None),
        },
    };
    let workload = match variant {
        Some(v) => format!("hello-world-{v}"),
        None => "hello-world".to_string(),
    };
    let (runtime, language) = runtime_and_language(key);
    Identity {
        runtime,
        language,
        workload,
        snapstart: variant == Some("snapstart"),
    }
}

/// `lambda-perf-<key>[-zip|-image]-<memory>-<arch>` → `<key>`.
fn base_key(name: &str) -> &str {
    let mut key = name.strip_prefix("lambda-perf-").unwrap_or(name);
    for arch in ["-arm64", "-x86_64"] {
        if let Some(k) = key.strip_suffix(arch)
            && let Some((k, mem)) = k.rsplit_once('-')
            && mem.chars().all(|c| c.is_ascii_digit())
        {
            key = k
                .strip_suffix("-zip")
                .or_else(|| k.strip_suffix("-image"))
                .unwrap_or(k);
        }
    }
    key
}

fn runtime_and_language(key: &str) -> (String, String) {
    for (suffix, runtime) in [
        ("_on_provided_al2023", "provided.al2023"),
        ("_on_provided_al2", "provided.al2"),
        ("_on_provided", "provided"),
    ] {
        if let Some(language) = key.strip_suffix(suffix) {
            return (runtime.into(), language.into());
        }
    }
    let split = key.find(|c: char| c.is_ascii_digit()).unwrap_or(key.len());
    let (language, version) = key.split_at(split);
    let runtime = match language {
        // python313 → python3.13, ruby32 → ruby3.2: first digit is the major version.
        "python" | "ruby" if version.len() >= 2 => {
            format!("{language}{}.{}", &version[..1], &version[1..])
        }
        "nodejs" => match version.strip_suffix('x') {
            Some(major) => format!("nodejs{major}.x"),
            None => key.to_string(),
        },
        "go" if version == "1x" => "go1.x".into(),
        "dotnetcore" if version.len() >= 2 => {
            format!("dotnetcore{}.{}", &version[..1], &version[1..])
        }
        "java" => key.replace("_al2", ".al2"),
        _ => key.to_string(),
    };
    let language = match language {
        "dotnetcore" => "dotnet",
        "" => key,
        l => l,
    };
    (runtime, language.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str) -> (String, String, String) {
        let i = identity(name);
        (i.runtime, i.language, i.workload)
    }

    #[test]
    fn maps_all_three_naming_schemes() {
        let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            id("lambda-perf-python38"),
            t("python3.8", "python", "hello-world")
        );
        assert_eq!(
            id("lambda-perf-nodejs18x-512-x86_64"),
            t("nodejs18.x", "nodejs", "hello-world")
        );
        assert_eq!(
            id("lambda-perf-python313-zip-128-arm64"),
            t("python3.13", "python", "hello-world")
        );
        assert_eq!(
            id("lambda-perf-rust_on_provided_al2023-image-1024-arm64"),
            t("provided.al2023", "rust", "hello-world")
        );
        assert_eq!(
            id("lambda-perf-java8_al2-zip-256-arm64"),
            t("java8.al2", "java", "hello-world")
        );
        assert_eq!(
            id("lambda-perf-java21_snapstart-zip-512-x86_64"),
            t("java21", "java", "hello-world-snapstart")
        );
        assert_eq!(id("lambda-perf-go1x"), t("go1.x", "go", "hello-world"));
        assert_eq!(
            id("lambda-perf-dotnetcore31"),
            t("dotnetcore3.1", "dotnet", "hello-world")
        );
        assert_eq!(
            id("lambda-perf-ruby34-zip-128-x86_64"),
            t("ruby3.4", "ruby", "hello-world")
        );
        assert_eq!(
            id("lambda-perf-bun_layer-zip-128-arm64"),
            t("bun", "bun", "hello-world-layer")
        );
        assert!(identity("lambda-perf-java17_snapstart-512-arm64").snapstart);
    }

    #[test]
    fn parses_compact_and_legacy_files() {
        let compact = r#"{"metadata":{"generatedAt":"2026-08-07T14:00:43.288Z"},"runtimeData":[
            {"r":"lambda-perf-java21_snapstart-zip-128-arm64","p":"zip","d":"java21 snapstart","i":[300.5,310.0],"m":128,"a":"arm64","mu":1,"ad":1,"acd":1},
            {"r":"lambda-perf-python313-zip-256-x86_64","p":"zip","d":"python3.13","i":[],"m":256,"a":"x86_64"}]}"#;
        let rows = parse(compact).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].restore_duration_ms, Some(300.5));
        assert_eq!(rows[0].init_duration_ms, None);
        assert_eq!(rows[1].sample_index, 1);
        assert_eq!(rows[0].invoked_at_us, 1_786_111_243_288_000);
        let legacy = r#"{"metadata":{"generatedAt":"2022-09-04T05:35:33.929Z"},"runtimeData":[
            {"runtime":"lambda-perf-go1x","initDurations":[69.74],"memorySize":128,"averageMemoryUsed":29}]}"#;
        let rows = parse(legacy).unwrap();
        assert_eq!(
            (rows[0].architecture.as_str(), rows[0].init_duration_ms),
            ("x86_64", Some(69.74))
        );
        assert_eq!(rows[0].package_type, None);
    }

    #[test]
    fn rejects_files_that_are_not_lambda_perf() {
        assert!(
            parse("{}")
                .unwrap_err()
                .contains("not a lambda-perf daily file")
        );
        assert!(parse("not json").is_err());
        let bad_time = r#"{"metadata":{"generatedAt":"yesterday"},"runtimeData":[]}"#;
        assert!(parse(bad_time).unwrap_err().contains("generatedAt"));
    }
}
