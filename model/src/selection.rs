//! The values of `collect --runtime/--architecture/--workload/--memory`, resolved against the
//! matrix: the names people type (`rust`, `node22`, `py3.12`, `aarch64`) become the matrix's
//! own, and a value that names nothing fails with the valid ones listed, rather than selecting
//! nothing and leaving the user to guess why.

use std::collections::BTreeSet;

use thiserror::Error;

use crate::Language;
use crate::matrix::{Architecture, Matrix, RuntimeId};

/// A selection value that matches nothing in the matrix.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("--{option} {value:?} matches nothing in the matrix; use one of: {valid}")]
pub struct SelectionError {
    pub option: &'static str,
    pub value: String,
    /// The values that would match, with the aliases accepted.
    pub valid: String,
}

impl Matrix {
    /// Runtime ids for `--runtime` values: an id (`python3.12`), a language (`rust`, `python`,
    /// `nodejs` or `node`: all its runtimes) or a short form (`py3.12`, `py312`, `node22`,
    /// `nodejs22`), each resolved to the matrix's runtimes; duplicates removed, order kept.
    /// None given: every runtime but the optional ones (the default run).
    pub fn select_runtimes(&self, given: &[String]) -> Result<Vec<String>, SelectionError> {
        if given.is_empty() {
            return Ok(self
                .runtimes
                .iter()
                .filter(|r| !r.optional)
                .map(|r| r.id.clone())
                .collect());
        }
        let mut out = Vec::new();
        for value in given {
            let found: Vec<&str> = self
                .runtimes
                .iter()
                .map(|r| r.id.as_str())
                .filter(|id| runtime_matches(value, id))
                .collect();
            if found.is_empty() {
                let ids: Vec<&str> = self.runtimes.iter().map(|r| r.id.as_str()).collect();
                let languages: BTreeSet<&str> =
                    self.runtimes.iter().map(|r| r.language.as_str()).collect();
                return Err(SelectionError {
                    option: "runtime",
                    value: value.clone(),
                    valid: format!(
                        "{} (or a language: {}; or short forms like node22, py3.12)",
                        ids.join(", "),
                        languages.into_iter().collect::<Vec<_>>().join(", ")
                    ),
                });
            }
            for id in found {
                if !out.iter().any(|o| o == id) {
                    out.push(id.to_string());
                }
            }
        }
        Ok(out)
    }

    /// Lambda's architecture names for `--architecture` values (`aarch64` and `amd64` too).
    pub fn select_architectures(&self, given: &[String]) -> Result<Vec<String>, SelectionError> {
        let valid = || {
            let names: Vec<&str> = self.architectures.iter().map(|a| a.as_str()).collect();
            format!("{} (aarch64 and amd64 mean the same)", names.join(", "))
        };
        select(given, |value| {
            value
                .parse::<Architecture>()
                .ok()
                .filter(|a| self.architectures.contains(a))
                .map(|a| a.as_str().to_string())
                .ok_or_else(|| SelectionError {
                    option: "architecture",
                    value: value.to_string(),
                    valid: valid(),
                })
        })
    }

    /// Workload names for `--workload` values, which must be the matrix's.
    pub fn select_workloads(&self, given: &[String]) -> Result<Vec<String>, SelectionError> {
        select(given, |value| {
            self.workloads
                .contains_key(value)
                .then(|| value.to_string())
                .ok_or_else(|| SelectionError {
                    option: "workload",
                    value: value.to_string(),
                    valid: self
                        .workloads
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                })
        })
    }

    /// `--memory` values, each a size some workload of the matrix runs at.
    pub fn select_memory(&self, given: &[u32]) -> Result<Vec<u32>, SelectionError> {
        let sizes: BTreeSet<u32> = self
            .workloads
            .values()
            .flat_map(|w| w.memory_mb.iter().copied())
            .collect();
        select(given, |&mb| {
            sizes.contains(&mb).then_some(mb).ok_or_else(|| {
                let list: Vec<String> = sizes.iter().map(u32::to_string).collect();
                SelectionError {
                    option: "memory",
                    value: mb.to_string(),
                    valid: format!("{} (MB)", list.join(", ")),
                }
            })
        })
    }
}

/// Each value resolved by `one`, duplicates removed, order kept.
fn select<G, T: PartialEq>(
    given: &[G],
    one: impl Fn(&G) -> Result<T, SelectionError>,
) -> Result<Vec<T>, SelectionError> {
    let mut out = Vec::new();
    for value in given {
        let v = one(value)?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

/// Whether a `--runtime` value names runtime `id`.
fn runtime_matches(value: &str, id: &str) -> bool {
    let value = value.trim().to_ascii_lowercase();
    if value == id {
        return true;
    }
    let Some(parsed) = RuntimeId::parse(id) else {
        return false;
    };
    let language = parsed.language();
    if value == language.as_str() || (language == Language::Nodejs && value == "node") {
        return true;
    }
    let value = value.strip_suffix(".x").unwrap_or(&value);
    match parsed {
        RuntimeId::Python { minor } => ["python", "py"].iter().any(|p| {
            value
                .strip_prefix(p)
                .map(|v| v.strip_prefix("3.").or_else(|| v.strip_prefix('3')))
                .is_some_and(|v| v == Some(minor))
        }),
        RuntimeId::Node { major } => ["nodejs", "node"]
            .iter()
            .any(|p| value.strip_prefix(p) == Some(major)),
        RuntimeId::Provided { os } => value == os || value == "provided",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn runtime_aliases_resolve_to_the_matrix_ids() {
        let m = Matrix::builtin().expect("built-in matrix");
        let got = |v: &[&str]| m.select_runtimes(&strings(v));
        assert_eq!(got(&["python3.12"]), Ok(strings(&["python3.12"])));
        assert_eq!(
            got(&[
                "py3.12",
                "py312",
                "Python3.12",
                "node22",
                "nodejs22.x",
                "NODE22"
            ]),
            Ok(strings(&["python3.12", "nodejs22.x"]))
        );
        assert_eq!(got(&["rust"]), Ok(strings(&["provided.al2023"])));
        assert_eq!(got(&["al2023"]), Ok(strings(&["provided.al2023"])));
        let node = got(&["node"]).expect("node");
        assert!(node.len() >= 2 && node.iter().all(|r| r.starts_with("nodejs")));
        let python = got(&["python"]).expect("python");
        assert!(python.len() >= 4 && python.iter().all(|r| r.starts_with("python3.")));
        // Near misses are not matches.
        assert!(got(&["py3.1"]).is_err() && got(&["node2"]).is_err());
    }

    #[test]
    fn a_value_that_matches_nothing_lists_the_valid_ones() {
        let m = Matrix::builtin().expect("built-in matrix");
        let e = m
            .select_runtimes(&strings(&["python3.12", "node18"]))
            .expect_err("node18 is not in the matrix");
        assert_eq!((e.option, e.value.as_str()), ("runtime", "node18"));
        let message = e.to_string();
        for runtime in &m.runtimes {
            assert!(message.contains(&runtime.id), "{message}");
        }
        assert!(message.contains("node22"), "{message}");
        let e = m
            .select_workloads(&strings(&["cpu"]))
            .expect_err("no workload cpu");
        assert!(e.to_string().contains("cpu-intensive"), "{e}");
        let e = m.select_memory(&[1000]).expect_err("no 1000 MB size");
        assert!(e.to_string().contains("1024"), "{e}");
        let e = m
            .select_architectures(&strings(&["sparc"]))
            .expect_err("no sparc");
        assert!(e.to_string().contains("arm64, x86_64"), "{e}");
    }

    #[test]
    fn architectures_workloads_and_sizes_pass_through_once() {
        let m = Matrix::builtin().expect("built-in matrix");
        assert_eq!(
            m.select_architectures(&strings(&["aarch64", "arm64", "amd64"])),
            Ok(strings(&["arm64", "x86_64"]))
        );
        assert_eq!(
            m.select_workloads(&strings(&["light", "light"])),
            Ok(strings(&["light"]))
        );
        assert_eq!(m.select_memory(&[1024, 1024]), Ok(vec![1024]));
        let default_run = m.select_runtimes(&[]).expect("the default run");
        let not_optional: Vec<String> = m
            .runtimes
            .iter()
            .filter(|r| !r.optional)
            .map(|r| r.id.clone())
            .collect();
        assert_eq!(default_run, not_optional);
    }
}
