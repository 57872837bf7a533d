//! `lambench matrix`: what the matrix expands to. `--json` is what the CDK app in infra/
//! deploys from (infra/lib/matrix.ts), so bench.toml is parsed and validated here only.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use lambench_model::lifecycle::Standing;
use lambench_model::matrix::Runtime;
use lambench_model::{Architecture, Language, Matrix, Mode};
use serde::Serialize;

use crate::cli::MatrixArgs;

pub fn run(matrix: &Matrix, args: &MatrixArgs) -> anyhow::Result<()> {
    let today = super::today()?;
    for runtime in &matrix.runtimes {
        if let Some(notice) = runtime.lifecycle().notice(&runtime.id, today) {
            eprintln!("warning: {notice}");
        }
    }
    let text = if args.json {
        serde_json::to_string_pretty(&Document::new(matrix, today))? + "\n"
    } else {
        listing(matrix)
    };
    super::print(text.as_bytes())
}

/// The functions, the default run's size per mode, and each function's memory sizes.
fn listing(matrix: &Matrix) -> String {
    use std::fmt::Write;
    let functions = matrix.functions();
    let optional = matrix.optional_runtimes();
    let default_run = matrix.default_run();
    let cells: usize = default_run
        .iter()
        .map(|f| matrix.workloads[&f.workload].memory_mb.len())
        .sum();
    let mut out = format!(
        "{} functions; the default run: {} functions, {cells} (function, memory) cells\n",
        functions.len(),
        default_run.len()
    );
    if !optional.is_empty() {
        let _ = writeln!(
            out,
            "  optional, measured when chosen (collect --runtime): {}",
            optional.join(", ")
        );
    }
    for (name, mode) in &matrix.modes {
        let n = u64::from(mode.cold + mode.warm) * cells as u64;
        let _ = writeln!(
            out,
            "  mode {name:<11} {:>4} cold + {:>4} warm per cell = {n} invocations",
            mode.cold, mode.warm
        );
    }
    for f in &functions {
        let mem = &matrix.workloads[&f.workload].memory_mb;
        let _ = writeln!(
            out,
            "  {:<48} {:<16} {:<7} {:?}",
            f.name,
            f.runtime,
            f.architecture.as_str(),
            mem
        );
    }
    out
}

/// The matrix as `--json` prints it (docs/matrix.md): the validated file plus, per function,
/// what deploying it takes.
#[derive(Serialize)]
struct Document<'m> {
    stack_name: &'m str,
    default_region: &'m str,
    ledger_table: &'m str,
    architectures: &'m [Architecture],
    runtimes: Vec<RuntimeDoc<'m>>,
    workloads: Vec<WorkloadDoc<'m>>,
    functions: Vec<FunctionDoc<'m>>,
    modes: &'m BTreeMap<String, Mode>,
    /// The results' Parquet columns with their Athena types, for the catalog table infra/
    /// declares over the bucket, and the Hive partition column the runs are stored under.
    parquet_columns: Vec<ColumnDoc>,
    partition_column: &'static str,
}

/// A column of the Parquet files the collector writes.
#[derive(Serialize)]
struct ColumnDoc {
    name: String,
    /// Its type in Athena (the Glue catalog).
    glue_type: &'static str,
}

/// A runtime as in the file, and where it stands today in Lambda's deprecation schedule.
#[derive(Serialize)]
struct RuntimeDoc<'m> {
    #[serde(flatten)]
    runtime: &'m Runtime,
    standing: Standing,
    /// Whether a deployment must refuse it (Lambda blocks creating its functions).
    blocks_deploy: bool,
    /// The warning or refusal to show, with the fix; `null` while nothing is near.
    notice: Option<String>,
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
    fn new(matrix: &'m Matrix, today: NaiveDate) -> Self {
        let runtimes = matrix
            .runtimes
            .iter()
            .map(|runtime| {
                let lifecycle = runtime.lifecycle();
                let standing = lifecycle.standing(today);
                RuntimeDoc {
                    runtime,
                    standing,
                    blocks_deploy: standing.blocks_deploy(),
                    notice: lifecycle.notice(&runtime.id, today),
                }
            })
            .collect();
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
            runtimes,
            workloads,
            functions,
            modes: &matrix.modes,
            parquet_columns: parquet_columns(),
            partition_column: lambench_model::record::RUN_ID_COLUMN,
        }
    }
}

/// [`lambench_model::record::file_schema`]'s columns, each with its Athena type (a column of a
/// type Athena cannot name would be a bug in the schema; its test checks there is none).
fn parquet_columns() -> Vec<ColumnDoc> {
    lambench_model::record::file_schema()
        .fields()
        .iter()
        .filter_map(|f| {
            Some(ColumnDoc {
                name: f.name().clone(),
                glue_type: lambench_model::record::glue_type(f.data_type())?,
            })
        })
        .collect()
}
