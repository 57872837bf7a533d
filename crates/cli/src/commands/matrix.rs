//! `lambench matrix`: what the matrix expands to. `--json` is what the CDK app in infra/
//! deploys from (infra/lib/matrix.ts), so bench.toml is parsed and validated here only.

use std::collections::BTreeMap;

use lambench_model::matrix::Runtime;
use lambench_model::{Architecture, Language, Matrix, Mode};
use serde::Serialize;

use crate::cli::MatrixArgs;

pub fn run(matrix: &Matrix, args: &MatrixArgs) -> anyhow::Result<()> {
    if args.json {
        println!("{}", serde_json::to_string_pretty(&Document::new(matrix))?);
        return Ok(());
    }
    let functions = matrix.functions();
    let cells: usize = functions
        .iter()
        .map(|f| matrix.workloads[&f.workload].memory_mb.len())
        .sum();
    println!(
        "{} functions, {} (function, memory) cells",
        functions.len(),
        cells
    );
    for (name, mode) in &matrix.modes {
        let n = u64::from(mode.cold + mode.warm) * cells as u64;
        println!(
            "  mode {name:<11} {:>4} cold + {:>4} warm per cell = {n} invocations",
            mode.cold, mode.warm
        );
    }
    for f in &functions {
        let mem = &matrix.workloads[&f.workload].memory_mb;
        println!(
            "  {:<48} {:<16} {:<7} {:?}",
            f.name,
            f.runtime,
            f.architecture.as_str(),
            mem
        );
    }
    Ok(())
}

/// The matrix as `--json` prints it (docs/matrix.md): the validated file plus, per function,
/// what deploying it takes.
#[derive(Serialize)]
struct Document<'m> {
    stack_name: &'m str,
    default_region: &'m str,
    ledger_table: &'m str,
    architectures: &'m [Architecture],
    runtimes: &'m [Runtime],
    workloads: Vec<WorkloadDoc<'m>>,
    functions: Vec<FunctionDoc<'m>>,
    modes: &'m BTreeMap<String, Mode>,
}

#[derive(Serialize)]
struct WorkloadDoc<'m> {
    name: &'m str,
    description: &'m str,
    memory_mb: &'m [u32],
    timeout_s: u32,
    uses_dynamodb: bool,
}

#[derive(Serialize)]
struct FunctionDoc<'m> {
    name: String,
    runtime: String,
    language: Language,
    architecture: Architecture,
    workload: String,
    memory_mb: &'m [u32],
    timeout_s: u32,
    uses_dynamodb: bool,
    /// Lambda's `Handler` setting.
    handler: &'static str,
    /// The file the deployment holds.
    entry_file: &'static str,
    /// The handler's folder relative to the repository root; `null` when it is built (Rust).
    source_dir: Option<String>,
}

impl<'m> Document<'m> {
    fn new(matrix: &'m Matrix) -> Self {
        let workloads = matrix
            .workloads
            .iter()
            .map(|(name, w)| WorkloadDoc {
                name,
                description: &w.description,
                memory_mb: &w.memory_mb,
                timeout_s: w.timeout_s,
                uses_dynamodb: w.uses_dynamodb,
            })
            .collect();
        let functions = matrix
            .functions()
            .into_iter()
            .map(|f| {
                let w = &matrix.workloads[&f.workload];
                FunctionDoc {
                    handler: f.language.handler(),
                    entry_file: f.language.entry_file(),
                    source_dir: f.language.source_dir(&f.workload),
                    memory_mb: &w.memory_mb,
                    timeout_s: w.timeout_s,
                    uses_dynamodb: w.uses_dynamodb,
                    name: f.name,
                    runtime: f.runtime,
                    language: f.language,
                    architecture: f.architecture,
                    workload: f.workload,
                }
            })
            .collect();
        Document {
            stack_name: &matrix.stack_name,
            default_region: &matrix.default_region,
            ledger_table: &matrix.ledger_table,
            architectures: &matrix.architectures,
            runtimes: &matrix.runtimes,
            workloads,
            functions,
            modes: &matrix.modes,
        }
    }
}
