//! `collect`'s arguments parsed once into what the command does, as hyperfine's
//! `Options::from_cli_arguments` does: the run to start or resume, where it runs, the selection
//! resolved against the matrix, the limits, the output and the ledger. Everything a bad value
//! can make wrong is refused here (a usage error, exit 2) before anything starts; the rest of
//! the command reads these types, never clap's struct.

use std::path::PathBuf;

use lambench_collector::Filters;
use lambench_model::{Matrix, SelectionError};

use super::super::UsageError;
use crate::cli::{CollectArgs, ProgressArg};

/// Everything `collect` was asked.
#[derive(Debug)]
pub struct CollectOptions {
    pub start: Start,
    pub place: Place,
    /// The selection, resolved against the matrix (aliases such as `node22` accepted).
    pub filters: Filters,
    /// Whether `--workload` chose the workloads (else the command may leave out one that
    /// cannot run here, and say so).
    pub chose_workloads: bool,
    /// `--function`: exactly these functions, instead of discovering them.
    pub functions: Vec<String>,
    /// `--stack`: where to discover the functions (on AWS by default the matrix's stack).
    pub stack: Option<String>,
    /// `--region`, else the SDK chain's.
    pub region: Option<String>,
    pub limits: Limits,
    /// Folder or S3 URL of the data (`--out`).
    pub out: String,
    pub progress: ProgressArg,
    /// Where the report of a completed run goes; `None` with `--no-report`.
    pub report_dir: Option<PathBuf>,
    pub ledger: Ledger,
    /// Print the plan and exit.
    pub dry_run: bool,
    /// Run without asking.
    pub yes: bool,
}

/// A new run of a mode, or the run to resume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    New {
        /// `test`, `balanced` or `production`: a mode of the matrix.
        mode: &'static str,
        run_id: Option<String>,
        seed: Option<u64>,
    },
    Resume(String),
}

/// Where the functions run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// AWS Lambda, through the SDK chain's credentials.
    Aws,
    /// A running Lambda-compatible endpoint (`--endpoint-url`).
    Endpoint(String),
    /// The emulator, started in-process (`--local`).
    Emulator,
}

/// How hard the run may push.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Invocations in flight across the run; `None`: the backend's default
    /// (`lambench_collector::policy::concurrency`).
    pub concurrency: Option<u32>,
    pub parallelism: u32,
    pub control_rate: f64,
}

/// The DynamoDB ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ledger {
    /// `--no-ledger`.
    Off,
    /// The matrix's table on AWS; none locally.
    Default { ttl_days: u32 },
    /// `--ledger-table`.
    Table { name: String, ttl_days: u32 },
}

impl CollectOptions {
    /// The arguments, checked: one mode or `--resume`, run ids a folder name can hold, and
    /// selection values that name something in the matrix.
    pub fn from_args(matrix: &Matrix, args: CollectArgs) -> anyhow::Result<CollectOptions> {
        let start = start(&args)?;
        for id in [&args.run_id, &args.resume].into_iter().flatten() {
            lambench_model::parquet_out::check_run_id(id)?;
        }
        let filters = filters(matrix, &args).map_err(|e| UsageError(e.to_string()))?;
        let place = match (args.endpoint_url, args.local) {
            (Some(url), _) => Place::Endpoint(url),
            (None, true) => Place::Emulator,
            (None, false) => Place::Aws,
        };
        let ledger = match (args.no_ledger, args.ledger_table) {
            (true, _) => Ledger::Off,
            (false, Some(name)) => Ledger::Table {
                name,
                ttl_days: args.ledger_ttl_days,
            },
            (false, None) => Ledger::Default {
                ttl_days: args.ledger_ttl_days,
            },
        };
        Ok(CollectOptions {
            start,
            place,
            filters,
            chose_workloads: !args.workloads.is_empty(),
            functions: args.functions,
            stack: args.stack,
            region: args.region,
            limits: Limits {
                concurrency: args.concurrency,
                parallelism: args.parallelism,
                control_rate: args.control_rate,
            },
            out: args.out,
            progress: args.progress,
            report_dir: (!args.no_report).then_some(args.report_dir),
            ledger,
            dry_run: args.dry_run,
            yes: args.yes,
        })
    }

    /// The flags that select the same ledger again, for the printed resume command.
    pub fn ledger_flags(&self) -> String {
        match &self.ledger {
            Ledger::Off => " --no-ledger".into(),
            Ledger::Table { name, .. } => format!(" --ledger-table {name}"),
            Ledger::Default { .. } => String::new(),
        }
    }
}

fn start(args: &CollectArgs) -> anyhow::Result<Start> {
    let new = |mode| Start::New {
        mode,
        run_id: args.run_id.clone(),
        seed: args.seed,
    };
    Ok(
        match (args.test, args.balanced, args.production, &args.resume) {
            (true, ..) => new("test"),
            (_, true, ..) => new("balanced"),
            (_, _, true, _) => new("production"),
            (.., Some(run_id)) => Start::Resume(run_id.clone()),
            _ => {
                return Err(UsageError(
                    "choose a mode: --test, --balanced or --production (or --resume RUN_ID)".into(),
                )
                .into());
            }
        },
    )
}

fn filters(matrix: &Matrix, args: &CollectArgs) -> Result<Filters, SelectionError> {
    Ok(Filters {
        runtimes: matrix.select_runtimes(&args.runtimes)?,
        architectures: matrix.select_architectures(&args.architectures)?,
        workloads: matrix.select_workloads(&args.workloads)?,
        memory_mb: matrix.select_memory(&args.memory)?,
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn parse(line: &[&str]) -> anyhow::Result<CollectOptions> {
        let cli = Cli::try_parse_from(["lambench", "collect"].iter().chain(line))?;
        let Command::Collect(args) = cli.command else {
            panic!("not collect");
        };
        CollectOptions::from_args(&Matrix::builtin()?, *args)
    }

    #[test]
    fn the_mode_and_the_place_are_read_once() -> anyhow::Result<()> {
        let o = parse(&["--test", "--local", "--run-id", "r1", "--seed", "7"])?;
        assert_eq!(
            o.start,
            Start::New {
                mode: "test",
                run_id: Some("r1".into()),
                seed: Some(7)
            }
        );
        assert_eq!(o.place, Place::Emulator);
        let o = parse(&["--resume", "r1", "--endpoint-url", "http://127.0.0.1:9"])?;
        assert_eq!(o.start, Start::Resume("r1".into()));
        assert_eq!(o.place, Place::Endpoint("http://127.0.0.1:9".into()));
        assert_eq!(parse(&["--balanced"])?.place, Place::Aws);
        Ok(())
    }

    #[test]
    fn no_mode_and_bad_values_are_usage_errors() {
        for line in [
            &[][..],
            &["--test", "--runtime", "cobol"],
            &["--test", "--run-id", "a/b"],
            &["--test", "--memory", "100"],
        ] {
            let e = parse(line).expect_err("refused");
            assert_eq!(super::super::super::exit_code(&e), 2, "{line:?}: {e:#}");
        }
    }

    #[test]
    fn the_selection_is_resolved_and_the_ledger_remembered() -> anyhow::Result<()> {
        let o = parse(&[
            "--test",
            "--runtime",
            "node22",
            "--no-ledger",
            "--no-report",
        ])?;
        assert_eq!(o.filters.runtimes, vec!["nodejs22.x".to_string()]);
        assert_eq!(o.ledger, Ledger::Off);
        assert_eq!(o.ledger_flags(), " --no-ledger");
        assert_eq!(o.report_dir, None);
        let o = parse(&["--test", "--ledger-table", "t", "--ledger-ttl-days", "3"])?;
        assert_eq!(
            o.ledger,
            Ledger::Table {
                name: "t".into(),
                ttl_days: 3
            }
        );
        assert_eq!(o.ledger_flags(), " --ledger-table t");
        assert!(!o.chose_workloads);
        assert!(parse(&["--test", "--workload", "light"])?.chose_workloads);
        Ok(())
    }
}
