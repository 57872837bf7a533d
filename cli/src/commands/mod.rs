//! One module per subcommand; each takes typed options and returns `anyhow::Result`.

mod analyze;
mod collect;
mod completions;
mod emulate;
mod import;
mod man;
mod matrix;
mod package;
mod queries;
mod report;

use std::path::Path;

use anyhow::Context;
use lambench_model::Matrix;

use crate::cli::{Cli, Command, ImportCommand};

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Analyze(args) => analyze::run(args).await,
        Command::Import(ImportCommand::LambdaPerf(args)) => import::lambda_perf(args),
        Command::Matrix(args) => matrix::run(&load_matrix(cli.matrix.as_deref())?, &args),
        Command::Collect(args) => collect::run(&load_matrix(cli.matrix.as_deref())?, *args).await,
        Command::Report(args) => report::run(args).await,
        Command::Emulate(args) => emulate::run(&load_matrix(cli.matrix.as_deref())?, &args).await,
        Command::Package(args) => package::run(&load_matrix(cli.matrix.as_deref())?, &args),
        Command::Queries(args) => queries::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
    }
}

/// Writes `bytes` to standard output; a closed pipe (`| head`) is not an error.
pub fn print(bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

/// Today's date (UTC) for the runtimes' deprecation schedule; `LAMBENCH_TODAY=YYYY-MM-DD`
/// sets another day (to see what a date will bring, and for tests).
pub fn today() -> anyhow::Result<chrono::NaiveDate> {
    match std::env::var("LAMBENCH_TODAY") {
        Ok(day) => chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|e| {
            UsageError(format!(
                "LAMBENCH_TODAY={day:?} is not a YYYY-MM-DD date: {e}"
            ))
            .into()
        }),
        Err(_) => Ok(chrono::Utc::now().date_naive()),
    }
}

/// The matrix from `--matrix`, or the one built in.
pub fn load_matrix(path: Option<&Path>) -> anyhow::Result<Matrix> {
    match path {
        Some(p) => Matrix::load(p).with_context(|| format!("invalid matrix {}", p.display())),
        None => Matrix::builtin().context("the built-in bench.toml is invalid"),
    }
}

/// Exit status: 2 for errors in what the user gave us (input, data, SQL), 1 for the rest.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err.chain().any(|e| e.is::<collect::Interrupted>()) {
        return 130;
    }
    let user_error = err.chain().any(|e| {
        e.is::<lambench_analyzer::Error>()
            || e.is::<lambench_model::MatrixError>()
            || e.is::<lambench_model::parquet_out::WriteError>()
            || e.is::<UsageError>()
            || e.downcast_ref::<lambench_report::Error>().is_some_and(|r| {
                matches!(
                    r,
                    lambench_report::Error::Analyzer(_)
                        | lambench_report::Error::NoSamples
                        | lambench_report::Error::NotAReportFolder { .. }
                        | lambench_report::Error::Manifest { .. }
                        | lambench_report::Error::ForeignInReport { .. }
                )
            })
            || e.downcast_ref::<lambench_collector::CollectError>()
                .is_some_and(|c| !c.resumable())
    });
    if user_error { 2 } else { 1 }
}

/// A command line that parses but cannot be carried out as given.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);
