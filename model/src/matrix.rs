//! The benchmark matrix: runtimes × architectures × workloads × memory sizes, and the run modes.
//!
//! `bench.toml` at the repository root is the single source of truth; the collector, the
//! emulator and the CDK app all read it. [`Matrix::builtin`] is that file as compiled into the
//! binary, so `lambench` works outside a checkout; `--matrix FILE` reads another.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use chrono::NaiveDate;

use crate::Language;
use crate::lifecycle::Lifecycle;

/// The matrix file as it was when this binary was built.
pub const BUILTIN_MATRIX: &str = include_str!("../../bench.toml");

/// Lambda's memory bounds (MB), inclusive.
pub const MIN_MEMORY_MB: u32 = 128;
/// Lambda's memory bounds (MB), inclusive.
pub const MAX_MEMORY_MB: u32 = 10_240;
/// Lambda's longest function timeout (s), and so the longest any phase can be measured.
pub const MAX_TIMEOUT_S: u32 = 900;

/// An invalid matrix: each variant names the key to fix.
#[derive(Debug, Error)]
pub enum MatrixError {
    #[error("cannot read matrix file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("matrix is not valid TOML or has an unknown/missing key: {0}")]
    Syntax(#[from] toml::de::Error),
    #[error("`{key}` must not be empty: list at least one value")]
    Empty { key: String },
    #[error(
        "`{key}`: unknown runtime {value:?}; lambench supports python3.N, nodejsN.x and provided.al2023/provided.al2 (Rust)"
    )]
    UnknownRuntime { key: String, value: String },
    #[error(
        "`{key}`: runtime {runtime:?} is not a {language} runtime (language must match the runtime id)"
    )]
    LanguageMismatch {
        key: String,
        runtime: String,
        language: Language,
    },
    #[error("`{key}`: unknown architecture {value:?}; use \"arm64\" or \"x86_64\"")]
    UnknownArchitecture { key: String, value: String },
    #[error("`{key}`: {value} MB is outside Lambda's 128-10240 MB range")]
    MemoryOutOfRange { key: String, value: u32 },
    #[error("`{key}`: {value:?} appears twice")]
    Duplicate { key: String, value: String },
    #[error("`{key}`: {reason}")]
    Invalid { key: String, reason: String },
}

/// CPU architecture of a Lambda function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Architecture {
    #[serde(rename = "arm64")]
    Arm64,
    #[serde(rename = "x86_64")]
    X86_64,
}

impl Architecture {
    /// The name Lambda uses (`arm64`, `x86_64`).
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::Arm64 => "arm64",
            Architecture::X86_64 => "x86_64",
        }
    }

    /// The architecture of the machine running this binary, if Lambda has it.
    pub fn host() -> Option<Architecture> {
        match std::env::consts::ARCH {
            "aarch64" => Some(Architecture::Arm64),
            "x86_64" => Some(Architecture::X86_64),
            _ => None,
        }
    }
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Architecture {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "arm64" | "aarch64" => Ok(Architecture::Arm64),
            "x86_64" | "x86-64" | "amd64" => Ok(Architecture::X86_64),
            _ => Err(format!("unknown architecture {s:?}; use arm64 or x86_64")),
        }
    }
}

/// One runtime of the matrix.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Runtime {
    /// Lambda runtime identifier, e.g. `python3.13`, `nodejs22.x`, `provided.al2023`.
    pub id: String,
    /// The language of its handlers (must match the id: `python3.N` is Python).
    pub language: Language,
    /// The runtime's part of function names (`python3-13`): ids contain dots, names may not.
    pub slug: String,
    /// Listed, deployed and runnable, but measured only when chosen (`collect --runtime`): a
    /// newer runtime beside the original benchmark's, which stays the default run.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// Lambda's runtime table: end of support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<NaiveDate>,
    /// Lambda's runtime table: the first day functions with it cannot be created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_blocked: Option<NaiveDate>,
    /// Lambda's runtime table: the first day they cannot be updated either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_blocked: Option<NaiveDate>,
}

impl Runtime {
    /// Its dates in Lambda's deprecation schedule.
    pub fn lifecycle(&self) -> Lifecycle {
        Lifecycle {
            deprecated: self.deprecated,
            create_blocked: self.create_blocked,
            update_blocked: self.update_blocked,
        }
    }
}

/// One workload of the matrix.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    pub description: String,
    /// Memory sizes (MB) this workload is measured at.
    pub memory_mb: Vec<u32>,
    /// The event every invocation sends.
    #[serde(default)]
    pub event: toml::Table,
    /// Whether the workload needs the DynamoDB test-data table.
    #[serde(default)]
    pub uses_dynamodb: bool,
    /// The functions' timeout (s): the slowest cell, with its cold start, must finish in it.
    pub timeout_s: u32,
    /// Expected Duration (ms) of one invocation at 1,769 MB (one full vCPU) per language: the
    /// plan's duration and cost estimate, nothing else. A language left out is estimated at
    /// [`crate::plan::UNKNOWN_EXPECTED_MS`].
    #[serde(default)]
    pub expected_ms: BTreeMap<Language, f64>,
}

/// Samples per (function, memory size) cell, and how many rounds they are split into.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Mode {
    pub cold: u32,
    pub warm: u32,
    /// Each round of a cell starts fresh execution environments and takes its share of the
    /// samples; rounds of a cell are separated in time by other cells' work, so one slow host
    /// or one bad minute cannot decide a cell (docs/methodology.md). Manifests of format 1,
    /// written before rounds, have none: their cells ran in one.
    #[serde(default = "one_round")]
    pub rounds: u32,
}

fn one_round() -> u32 {
    1
}

/// Rounds per cell when a mode does not say (fewer when it has fewer samples of each kind).
pub const DEFAULT_ROUNDS: u32 = 3;

/// A mode as `bench.toml` writes it: `rounds` may be left out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMode {
    cold: u32,
    warm: u32,
    rounds: Option<u32>,
}

impl RawMode {
    fn resolve(&self) -> Mode {
        Mode {
            cold: self.cold,
            warm: self.warm,
            rounds: self
                .rounds
                .unwrap_or_else(|| DEFAULT_ROUNDS.min(self.cold.max(self.warm)).max(1)),
        }
    }
}

impl Mode {
    /// `(first index, count)` of round `round`'s share (0-based) of `total` samples: as even
    /// as possible, earlier rounds taking the remainder.
    pub fn share(&self, total: u32, round: u32) -> (u32, u32) {
        let rounds = self.rounds.max(1);
        let (base, extra) = (total / rounds, total % rounds);
        let count = base + u32::from(round < extra);
        (round * base + round.min(extra), count)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatrix {
    function_name: String,
    stack_name: String,
    #[serde(default = "default_ledger_table")]
    ledger_table: String,
    default_region: String,
    architectures: Vec<String>,
    runtimes: Vec<Runtime>,
    workloads: BTreeMap<String, Workload>,
    modes: BTreeMap<String, RawMode>,
}

/// The validated matrix.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub function_name: String,
    pub stack_name: String,
    /// DynamoDB table of the run ledger (run progress and one item per invocation).
    pub ledger_table: String,
    pub default_region: String,
    pub architectures: Vec<Architecture>,
    pub runtimes: Vec<Runtime>,
    pub workloads: BTreeMap<String, Workload>,
    pub modes: BTreeMap<String, Mode>,
}

fn default_ledger_table() -> String {
    "lambench-runs".into()
}

/// One deployed function: a runtime on an architecture running a workload.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FunctionSpec {
    pub name: String,
    pub runtime: String,
    pub language: Language,
    pub architecture: Architecture,
    pub workload: String,
}

impl Matrix {
    /// The matrix compiled into this binary (`bench.toml` at build time).
    pub fn builtin() -> Result<Matrix, MatrixError> {
        BUILTIN_MATRIX.parse()
    }

    /// Reads and validates a matrix file.
    pub fn load(path: &Path) -> Result<Matrix, MatrixError> {
        let text = std::fs::read_to_string(path).map_err(|source| MatrixError::Io {
            path: path.display().to_string(),
            source,
        })?;
        text.parse()
    }

    /// Every function of the matrix, in a stable order.
    pub fn functions(&self) -> Vec<FunctionSpec> {
        let mut out = Vec::new();
        for runtime in &self.runtimes {
            for &architecture in &self.architectures {
                for workload in self.workloads.keys() {
                    out.push(FunctionSpec {
                        name: self.function_name(runtime, architecture, workload),
                        runtime: runtime.id.clone(),
                        language: runtime.language,
                        architecture,
                        workload: workload.clone(),
                    });
                }
            }
        }
        out
    }

    /// The functions a run measures unless `--runtime` says otherwise: those of the runtimes
    /// that are not optional (the original benchmark's 42).
    pub fn default_run(&self) -> Vec<FunctionSpec> {
        let optional = self.optional_runtimes();
        self.functions()
            .into_iter()
            .filter(|f| !optional.contains(&f.runtime.as_str()))
            .collect()
    }

    /// The ids of the runtimes measured only when chosen (`optional = true`).
    pub fn optional_runtimes(&self) -> Vec<&str> {
        self.runtimes
            .iter()
            .filter(|r| r.optional)
            .map(|r| r.id.as_str())
            .collect()
    }

    /// The function name for a runtime, architecture and workload.
    pub fn function_name(&self, runtime: &Runtime, arch: Architecture, workload: &str) -> String {
        self.function_name
            .replace("{runtime}", &runtime.slug)
            .replace("{architecture}", arch.as_str())
            .replace("{workload}", workload)
    }

    /// The function with this name, if the matrix has it (used to recognise discovered functions).
    pub fn function_by_name(&self, name: &str) -> Option<FunctionSpec> {
        self.functions().into_iter().find(|f| f.name == name)
    }

    /// A mode by name (`test`, `balanced`, `production`), with a helpful error.
    pub fn mode(&self, name: &str) -> Result<Mode, MatrixError> {
        self.modes
            .get(name)
            .copied()
            .ok_or_else(|| MatrixError::Invalid {
                key: "modes".into(),
                reason: format!(
                    "no mode {name:?}; the matrix has {}",
                    self.modes.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            })
    }
}

impl FromStr for Matrix {
    type Err = MatrixError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let raw: RawMatrix = toml::from_str(text)?;
        validate(raw)
    }
}

fn validate(raw: RawMatrix) -> Result<Matrix, MatrixError> {
    non_empty("architectures", raw.architectures.len())?;
    non_empty("runtimes", raw.runtimes.len())?;
    non_empty("workloads", raw.workloads.len())?;
    non_empty("modes", raw.modes.len())?;
    for key in ["{runtime}", "{architecture}", "{workload}"] {
        if !raw.function_name.contains(key) {
            return Err(MatrixError::Invalid {
                key: "function_name".into(),
                reason: format!("must contain {key} so every function gets its own name"),
            });
        }
    }
    let architectures = validate_architectures(&raw.architectures)?;
    validate_runtimes(&raw.runtimes)?;
    for (name, workload) in &raw.workloads {
        let key = format!("workloads.{name}.memory_mb");
        non_empty(&key, workload.memory_mb.len())?;
        for &mb in &workload.memory_mb {
            if !(MIN_MEMORY_MB..=MAX_MEMORY_MB).contains(&mb) {
                return Err(MatrixError::MemoryOutOfRange { key, value: mb });
            }
        }
        no_duplicates(&key, workload.memory_mb.iter().map(|m| m.to_string()))?;
        if !(1..=MAX_TIMEOUT_S).contains(&workload.timeout_s) {
            return Err(MatrixError::Invalid {
                key: format!("workloads.{name}.timeout_s"),
                reason: format!(
                    "{} s is outside Lambda's 1-{MAX_TIMEOUT_S} s",
                    workload.timeout_s
                ),
            });
        }
        for (language, ms) in &workload.expected_ms {
            if !(ms.is_finite() && *ms > 0.0) {
                return Err(MatrixError::Invalid {
                    key: format!("workloads.{name}.expected_ms.{}", language.as_str()),
                    reason: format!("{ms} is not a positive number of milliseconds"),
                });
            }
        }
    }
    let mut modes = BTreeMap::new();
    for (name, raw_mode) in &raw.modes {
        let mode = raw_mode.resolve();
        if mode.cold == 0 && mode.warm == 0 {
            return Err(MatrixError::Invalid {
                key: format!("modes.{name}"),
                reason: "cold and warm are both 0: the mode would measure nothing".into(),
            });
        }
        let most = mode.cold.max(mode.warm);
        if mode.rounds == 0 || mode.rounds > most {
            return Err(MatrixError::Invalid {
                key: format!("modes.{name}.rounds"),
                reason: format!(
                    "{} rounds for at most {most} samples of a kind: use 1 to {most} rounds",
                    mode.rounds
                ),
            });
        }
        modes.insert(name.clone(), mode);
    }
    let matrix = Matrix {
        function_name: raw.function_name,
        stack_name: raw.stack_name,
        ledger_table: raw.ledger_table,
        default_region: raw.default_region,
        architectures,
        runtimes: raw.runtimes,
        workloads: raw.workloads,
        modes,
    };
    check_name_lengths(&matrix)?;
    Ok(matrix)
}

fn non_empty(key: &str, len: usize) -> Result<(), MatrixError> {
    if len == 0 {
        return Err(MatrixError::Empty { key: key.into() });
    }
    Ok(())
}

fn no_duplicates(key: &str, values: impl Iterator<Item = String>) -> Result<(), MatrixError> {
    let mut seen = std::collections::BTreeSet::new();
    for value in values {
        if !seen.insert(value.clone()) {
            return Err(MatrixError::Duplicate {
                key: key.into(),
                value,
            });
        }
    }
    Ok(())
}

fn validate_architectures(names: &[String]) -> Result<Vec<Architecture>, MatrixError> {
    no_duplicates("architectures", names.iter().cloned())?;
    names
        .iter()
        .map(|n| match n.as_str() {
            "arm64" => Ok(Architecture::Arm64),
            "x86_64" => Ok(Architecture::X86_64),
            _ => Err(MatrixError::UnknownArchitecture {
                key: "architectures".into(),
                value: n.clone(),
            }),
        })
        .collect()
}

fn validate_runtimes(runtimes: &[Runtime]) -> Result<(), MatrixError> {
    no_duplicates("runtimes.id", runtimes.iter().map(|r| r.id.clone()))?;
    no_duplicates("runtimes.slug", runtimes.iter().map(|r| r.slug.clone()))?;
    if runtimes.iter().all(|r| r.optional) {
        return Err(MatrixError::Invalid {
            key: "runtimes".into(),
            reason: "every runtime is optional: a run without --runtime would measure nothing (leave `optional` out of at least one)".into(),
        });
    }
    for (i, runtime) in runtimes.iter().enumerate() {
        let dates = [
            ("deprecated", runtime.deprecated),
            ("create_blocked", runtime.create_blocked),
            ("update_blocked", runtime.update_blocked),
        ];
        let known: Vec<_> = dates.iter().filter_map(|(k, d)| Some((k, (*d)?))).collect();
        if let Some(w) = known.windows(2).find(|w| w[0].1 > w[1].1) {
            return Err(MatrixError::Invalid {
                key: format!("runtimes[{i}].{}", w[1].0),
                reason: format!(
                    "{} is before {} {}: Lambda deprecates, then blocks creating, then updating",
                    w[1].1, w[0].0, w[0].1
                ),
            });
        }
        let key = format!("runtimes[{i}].id");
        let language = language_of(&runtime.id).ok_or_else(|| MatrixError::UnknownRuntime {
            key: key.clone(),
            value: runtime.id.clone(),
        })?;
        if language != runtime.language {
            return Err(MatrixError::LanguageMismatch {
                key: format!("runtimes[{i}].language"),
                runtime: runtime.id.clone(),
                language: runtime.language,
            });
        }
        let slug_ok = !runtime.slug.is_empty()
            && runtime
                .slug
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !slug_ok {
            return Err(MatrixError::Invalid {
                key: format!("runtimes[{i}].slug"),
                reason: format!(
                    "{:?} may hold only letters, digits, '-' and '_' (it becomes part of function names)",
                    runtime.slug
                ),
            });
        }
    }
    Ok(())
}

/// A Lambda runtime id lambench implements, parsed once: what the matrix, the emulator and
/// the packager need to know of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeId<'a> {
    /// `python3.<minor>`.
    Python { minor: &'a str },
    /// `nodejs<major>.x`.
    Node { major: &'a str },
    /// `provided.al2023` or `provided.al2`: the Rust handlers' custom runtime.
    Provided { os: &'a str },
}

impl<'a> RuntimeId<'a> {
    /// The runtime id's parts, or `None` for a runtime lambench has no handlers for.
    pub fn parse(runtime_id: &'a str) -> Option<RuntimeId<'a>> {
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if let Some(minor) = runtime_id.strip_prefix("python3.") {
            return digits(minor).then_some(RuntimeId::Python { minor });
        }
        if let Some(rest) = runtime_id.strip_prefix("nodejs") {
            return rest
                .strip_suffix(".x")
                .filter(|m| digits(m))
                .map(|major| RuntimeId::Node { major });
        }
        match runtime_id.strip_prefix("provided.") {
            Some(os @ ("al2023" | "al2")) => Some(RuntimeId::Provided { os }),
            _ => None,
        }
    }

    /// The language its handlers are written in.
    pub fn language(self) -> Language {
        match self {
            RuntimeId::Python { .. } => Language::Python,
            RuntimeId::Node { .. } => Language::Nodejs,
            RuntimeId::Provided { .. } => Language::Rust,
        }
    }

    /// The runtime's name in Lambda's runtime versions (`INIT_START Runtime Version:
    /// python:3.13.v16`, `nodejs:22.v30`, `provided:al2023.v90`), without the version.
    pub fn version_name(self) -> String {
        match self {
            RuntimeId::Python { minor } => format!("python:3.{minor}"),
            RuntimeId::Node { major } => format!("nodejs:{major}"),
            RuntimeId::Provided { os } => format!("provided:{os}"),
        }
    }
}

/// The language lambench implements a Lambda runtime id in, or `None` if it does not.
pub fn language_of(runtime_id: &str) -> Option<Language> {
    RuntimeId::parse(runtime_id).map(RuntimeId::language)
}

fn check_name_lengths(matrix: &Matrix) -> Result<(), MatrixError> {
    for f in matrix.functions() {
        if f.name.len() > 64 {
            return Err(MatrixError::Invalid {
                key: "function_name".into(),
                reason: format!("{:?} is longer than Lambda's 64 characters", f.name),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(from: &str, to: &str) -> Result<Matrix, MatrixError> {
        assert!(
            BUILTIN_MATRIX.contains(from),
            "fixture text {from:?} not in bench.toml"
        );
        BUILTIN_MATRIX.replacen(from, to, 1).parse()
    }

    #[test]
    fn builtin_matrix_has_42_functions_in_the_default_run() {
        let m = Matrix::builtin().unwrap();
        let fns = m.functions();
        assert_eq!(fns.len(), 48, "with the optional nodejs24.x");
        assert_eq!(m.runtimes.len(), 8);
        let default_run = m.select_runtimes(&[]).unwrap();
        assert_eq!(default_run.len(), 7);
        assert!(!default_run.contains(&"nodejs24.x".to_string()));
        assert_eq!(
            m.select_runtimes(&["node24".into()]).unwrap(),
            ["nodejs24.x"],
            "an optional runtime is measured when chosen"
        );
        assert!(
            fns.iter()
                .any(|f| f.name == "lambench-python3-13-arm64-cpu-intensive")
        );
        assert!(fns.iter().any(|f| f.name == "lambench-rust-x86_64-light"));
        assert_eq!(
            m.mode("production").unwrap(),
            Mode {
                cold: 100,
                warm: 500,
                rounds: 3
            }
        );
        assert_eq!(m.workloads["memory-intensive"].memory_mb.len(), 9);
    }

    #[test]
    fn function_names_round_trip() {
        let m = Matrix::builtin().unwrap();
        for f in m.functions() {
            assert_eq!(m.function_by_name(&f.name).as_ref(), Some(&f));
        }
        assert!(m.function_by_name("lambench-cobol-arm64-light").is_none());
    }

    #[test]
    fn unknown_runtime_names_the_key() {
        let err = with("id = \"python3.14\"", "id = \"cobol85\"").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("runtimes[0].id") && msg.contains("cobol85"),
            "{msg}"
        );
    }

    #[test]
    fn expected_durations_are_read_per_language_and_must_be_positive() {
        let m = Matrix::builtin().unwrap();
        assert_eq!(
            m.workloads["cpu-intensive"].expected_ms[&Language::Nodejs],
            530.0
        );
        let err = with("rust = 235,", "rust = 0,").unwrap_err();
        assert!(
            err.to_string()
                .contains("workloads.memory-intensive.expected_ms.rust"),
            "{err}"
        );
    }

    #[test]
    fn language_must_match_runtime() {
        let err = with("id = \"nodejs22.x\"", "id = \"python3.99\"").unwrap_err();
        assert!(matches!(err, MatrixError::LanguageMismatch { .. }), "{err}");
    }

    #[test]
    fn lifecycle_dates_must_come_in_lambdas_order() {
        let err = with(
            "update_blocked = \"2027-03-03\"",
            "update_blocked = \"2027-01-03\"",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("runtimes[6].update_blocked") && err.contains("2027-01-03"),
            "{err}"
        );
        let err = with(
            "create_blocked = \"2027-02-01\"",
            "create_blocked = \"2027-02-31\"",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("create_blocked"), "{err}");
    }

    #[test]
    fn a_matrix_of_only_optional_runtimes_is_refused() {
        let text = BUILTIN_MATRIX
            .replace("optional = true\n", "")
            .replace("slug = \"", "optional = true\nslug = \"");
        let err = text.parse::<Matrix>().unwrap_err().to_string();
        assert!(err.contains("every runtime is optional"), "{err}");
    }

    #[test]
    fn memory_out_of_range_names_the_key() {
        let err = with("[128, 256, 512, 1024, 1769, 2048]", "[64, 256]").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("workloads.cpu-intensive.memory_mb") && msg.contains("64 MB"),
            "{msg}"
        );
        let err = with("8192, 10240]", "8192, 10241]").unwrap_err();
        assert!(err.to_string().contains("10241"), "{err}");
    }

    #[test]
    fn empty_lists_are_rejected() {
        let err = with(
            "architectures = [\"arm64\", \"x86_64\"]",
            "architectures = []",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("`architectures` must not be empty"),
            "{err}"
        );
        let err = with("[128, 256, 512, 1024, 1769, 2048]", "[]").unwrap_err();
        assert!(
            err.to_string()
                .contains("workloads.cpu-intensive.memory_mb"),
            "{err}"
        );
    }

    #[test]
    fn unknown_keys_and_architectures_are_rejected() {
        let err = with("stack_name", "stak_name").unwrap_err();
        assert!(err.to_string().contains("stak_name"), "{err}");
        let err = with("[\"arm64\", \"x86_64\"]", "[\"arm64\", \"riscv\"]").unwrap_err();
        assert!(err.to_string().contains("riscv"), "{err}");
    }

    #[test]
    fn duplicates_and_empty_modes_are_rejected() {
        let err = with("[128, 256,", "[128, 128,").unwrap_err();
        assert!(matches!(err, MatrixError::Duplicate { .. }), "{err}");
        let err = with("cold = 5\nwarm = 10", "cold = 0\nwarm = 0").unwrap_err();
        assert!(err.to_string().contains("modes.test"), "{err}");
        let err = Matrix::builtin().unwrap().mode("quick").unwrap_err();
        assert!(err.to_string().contains("balanced"), "{err}");
        let err = with(
            "cold = 5\nwarm = 10\nrounds = 3",
            "cold = 5\nwarm = 10\nrounds = 11",
        )
        .unwrap_err();
        assert!(err.to_string().contains("modes.test.rounds"), "{err}");
        let err = with("rounds = 3", "rounds = 0").unwrap_err();
        assert!(err.to_string().contains("rounds"), "{err}");
        // Left out, rounds default to 3, or fewer for a mode with fewer samples of each kind.
        let m = with("cold = 5\nwarm = 10\nrounds = 3", "cold = 1\nwarm = 2").unwrap();
        assert_eq!(m.mode("test").unwrap().rounds, 2);
        let m = with("cold = 5\nwarm = 10\nrounds = 3", "cold = 5\nwarm = 10").unwrap();
        assert_eq!(m.mode("test").unwrap().rounds, 3);
    }

    proptest::proptest! {
        /// Round shares tile the samples: contiguous, complete, within one of each other.
        #[test]
        fn round_shares_tile_the_samples(total in 0u32..2000, rounds in 1u32..12) {
            let mode = Mode { cold: total, warm: 0, rounds };
            let shares: Vec<_> = (0..rounds).map(|r| mode.share(total, r)).collect();
            let mut next = 0;
            for &(first, count) in &shares {
                proptest::prop_assert_eq!(first, next);
                next += count;
            }
            proptest::prop_assert_eq!(next, total);
            let counts = shares.iter().map(|s| s.1);
            let spread = counts.clone().max().unwrap() - counts.min().unwrap();
            proptest::prop_assert!(spread <= 1);
        }
    }

    #[test]
    fn language_of_known_runtimes() {
        assert_eq!(language_of("python3.14"), Some(Language::Python));
        assert_eq!(language_of("nodejs20.x"), Some(Language::Nodejs));
        assert_eq!(language_of("provided.al2023"), Some(Language::Rust));
        assert_eq!(language_of("python3."), None);
        assert_eq!(language_of("nodejs.x"), None);
        assert_eq!(language_of("java21"), None);
        assert_eq!(language_of("provided"), None);
        assert_eq!(
            RuntimeId::parse("nodejs22.x"),
            Some(RuntimeId::Node { major: "22" })
        );
        assert_eq!(
            RuntimeId::parse("python3.12"),
            Some(RuntimeId::Python { minor: "12" })
        );
    }
}
