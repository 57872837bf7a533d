//! Which functions of the matrix this host can run, and how to start each one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use lambench_model::matrix::RuntimeId;
use lambench_model::{Architecture, Language, Matrix};

/// Python bootstrap, written next to the emulator's state at start.
pub const PYTHON_BOOTSTRAP: &str = include_str!("../bootstrap/python_bootstrap.py");
/// Node.js bootstrap.
pub const NODE_BOOTSTRAP: &str = include_str!("../bootstrap/node_bootstrap.mjs");

/// A function the emulator can run.
#[derive(Debug, Clone)]
pub struct FunctionDef {
    pub name: String,
    pub runtime: String,
    pub language: Language,
    pub workload: String,
    pub architecture: Architecture,
    /// Lambda's handler setting ([`Language::handler`]).
    pub handler: String,
    /// The timeout the function starts with, as deployed (`bench.toml`'s workload's).
    pub timeout_s: u32,
    /// Folder holding the handler source (Python/Node) or binary (Rust).
    pub task_root: PathBuf,
    /// Interpreter or binary; the bootstrap script is appended for Python/Node.
    pub program: PathBuf,
}

/// A function of the matrix this host cannot run, and why.
#[derive(Debug, Clone)]
pub struct Unavailable {
    pub name: String,
    pub reason: String,
}

/// Finds every function of the matrix runnable here. `repo` holds handlers/; `rust_bins` the
/// built Rust handler binaries (one per workload).
pub fn discover(
    matrix: &Matrix,
    repo: &Path,
    rust_bins: Option<&Path>,
) -> (Vec<FunctionDef>, Vec<Unavailable>) {
    let mut ok = Vec::new();
    let mut missing = Vec::new();
    let Some(host) = Architecture::host() else {
        return (
            ok,
            vec![Unavailable {
                name: "*".into(),
                reason: "host architecture is not arm64 or x86_64".into(),
            }],
        );
    };
    let mut interpreters: BTreeMap<String, Result<PathBuf, String>> = BTreeMap::new();
    for f in matrix.functions() {
        if f.architecture != host {
            missing.push(Unavailable {
                name: f.name,
                reason: format!(
                    "{} function on a {host} host: architecture is reported, never faked",
                    f.architecture
                ),
            });
            continue;
        }
        let program = interpreters
            .entry(f.runtime.clone())
            .or_insert_with(|| interpreter(&f.runtime, rust_bins))
            .clone();
        let program = match program {
            Ok(p) => p,
            Err(reason) => {
                missing.push(Unavailable {
                    name: f.name,
                    reason,
                });
                continue;
            }
        };
        // Interpreted languages run their source from the checkout; Rust's `bootstrap` is
        // the workload's binary, in the binaries' folder.
        // Interpreted languages run their entry file from the checkout; a built one's
        // `bootstrap` is the workload's binary, in the binaries' folder.
        let (task_root, program, needed, missing_reason) = match f.language.source_dir(&f.workload)
        {
            Some(dir) => {
                let root = repo.join(dir);
                let entry = root.join(f.language.entry_file());
                let why = format!(
                    "no handler at {}: run from a lambench checkout",
                    entry.display()
                );
                (root, program, entry, why)
            }
            None => {
                let binary = program.join(&f.workload);
                let why = format!("{} not built", binary.display());
                (program, binary.clone(), binary, why)
            }
        };
        if !needed.is_file() {
            missing.push(Unavailable {
                name: f.name,
                reason: missing_reason,
            });
            continue;
        }
        let timeout_s = matrix.workloads[&f.workload].timeout_s;
        ok.push(FunctionDef {
            name: f.name,
            runtime: f.runtime,
            language: f.language,
            workload: f.workload,
            architecture: host,
            handler: f.language.handler().into(),
            timeout_s,
            task_root,
            program,
        });
    }
    (ok, missing)
}

/// The interpreter for a runtime (or, for Rust, the binaries' folder), or why there is none.
fn interpreter(runtime: &str, rust_bins: Option<&Path>) -> Result<PathBuf, String> {
    match RuntimeId::parse(runtime) {
        Some(RuntimeId::Python { minor }) => find_python(minor)
            .ok_or_else(|| format!("python3.{minor} not found on PATH or in pyenv")),
        Some(RuntimeId::Node { major }) => find_node(major).ok_or_else(|| {
            format!("no node {major}.x: put it on PATH or set LAMBENCH_NODE{major}=/path/to/node")
        }),
        Some(RuntimeId::Provided { .. }) => rust_bins.map(Path::to_path_buf).ok_or_else(|| {
            "Rust handlers not built (cargo build -p lambench-handlers)".to_string()
        }),
        None => Err(format!(
            "runtime {runtime} is not supported by the emulator"
        )),
    }
}

fn works(program: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn find_python(minor: &str) -> Option<PathBuf> {
    let want = format!("3.{minor}");
    let check = |p: PathBuf| -> Option<PathBuf> {
        let v = works(
            &p,
            &["-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        )?;
        (v == want).then_some(p)
    };
    if let Some(p) = check(PathBuf::from(format!("python{want}"))) {
        return Some(p);
    }
    let root = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")))?;
    let mut dirs: Vec<_> = std::fs::read_dir(root.join("versions"))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .filter(|d| {
            d.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{want}.")))
        })
        .find_map(|d| check(d.join("bin/python3")))
}

fn find_node(major: &str) -> Option<PathBuf> {
    let check = |p: PathBuf| -> Option<PathBuf> {
        let v = works(&p, &["--version"])?;
        v.strip_prefix('v')?
            .split('.')
            .next()
            .is_some_and(|m| m == major)
            .then_some(p)
    };
    if let Some(p) = std::env::var_os(format!("LAMBENCH_NODE{major}"))
        .map(PathBuf::from)
        .and_then(check)
    {
        return Some(p);
    }
    check(PathBuf::from("node"))
}
