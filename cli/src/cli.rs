//! Command-line arguments. Everything the user types is parsed and checked here; the commands
//! receive typed options.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use lambench_analyzer::output::Format;

/// The version, with the commit built from when built in a git checkout (build.rs).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("LAMBENCH_COMMIT"));

/// ARM64 (Graviton) vs x86_64 on AWS Lambda: speed and price, per runtime, workload and memory.
#[derive(Debug, Parser)]
#[command(name = "lambench", version = VERSION, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Benchmark matrix file (default: the bench.toml built into this binary).
    #[arg(long, global = true, env = "LAMBENCH_MATRIX", value_name = "FILE")]
    pub matrix: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run SQL (Apache DataFusion) over the invocation Parquet files.
    Analyze(AnalyzeArgs),
    /// Convert other sources' measurements into lambench's Parquet layout.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print the benchmark matrix: functions, memory sizes and modes.
    Matrix(MatrixArgs),
    /// Run the benchmark: forced, verified cold starts and warm samples per (function, memory).
    Collect(Box<CollectArgs>),
    /// Write a static HTML report (verdicts with intervals, tables, SVG charts, summary.json).
    Report(ReportArgs),
    /// Run a local Lambda service (Invoke/configuration API + Runtime API) with the real handlers.
    Emulate(EmulateArgs),
    /// Build the deployment zip of every function (handlers/), for the architectures this
    /// machine can build, plus dist/manifest.json.
    Package(PackageArgs),
    /// List the built-in queries (queries/*.sql) with what each answers, or print one.
    Queries(QueriesArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one per command into a folder.
    Man(ManArgs),
}

const COMPLETIONS_AFTER_HELP: &str = "\
Examples:
  lambench completions bash > ~/.local/share/bash-completion/completions/lambench
  lambench completions zsh > \"${fpath[1]}/_lambench\"
  lambench completions fish > ~/.config/fish/completions/lambench.fish";

#[derive(Debug, Args)]
#[command(after_help = COMPLETIONS_AFTER_HELP)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

const MAN_AFTER_HELP: &str = "\
Examples:
  lambench man | man -l -
  lambench man --out ~/.local/share/man/man1     lambench.1, lambench-analyze.1, ...";

#[derive(Debug, Args)]
#[command(after_help = MAN_AFTER_HELP)]
pub struct ManArgs {
    /// Write lambench.1 and one page per command (lambench-analyze.1, ...) into this folder
    /// (created if missing) instead of printing lambench.1.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

const QUERIES_AFTER_HELP: &str = "\
Examples:
  lambench queries                 what each query answers
  lambench queries p99             its SQL, to read or to copy and change
  lambench analyze --sql p99       run it (from any directory; a file of that path wins)";

#[derive(Debug, Args)]
#[command(after_help = QUERIES_AFTER_HELP)]
pub struct QueriesArgs {
    /// Print this query's SQL (`p99`, `report/samples`, `queries/p99.sql`, ...).
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
}

const ANALYZE_AFTER_HELP: &str = "\
Examples:
  lambench analyze --data results --sql p99
  lambench analyze --data s3://my-bucket/lambench --run 2026-11-29T10-00-00Z --sql arm_vs_x86 \
    --format markdown
  lambench analyze --sql my-copy-of-p99.sql
  lambench analyze --query \"SELECT runtime, count(*) FROM invocations GROUP BY runtime\"
  lambench analyze --query \"SELECT lambda_cost_usd('arm64', 1024, 100)\"    (no data needed)

The table is `invocations` (one row per invocation attempt, see docs/schema.md);
`invocations_all_runs` ignores --run. lambench adds lambda_cost_usd, lambda_compute_cost_usd,
lambda_monthly_cost_usd, gb_seconds, quantile_ci_lower and quantile_ci_upper to DataFusion's SQL.";

#[derive(Debug, Args)]
#[command(
    // One statement, from a file or the command line: a missing one names both options.
    group(ArgGroup::new("statement").required(true).args(["sql", "query"])),
    after_help = ANALYZE_AFTER_HELP
)]
pub struct AnalyzeArgs {
    /// Folder or s3://bucket/prefix holding run_id=<id>/*.parquet.
    #[arg(
        long,
        env = "LAMBENCH_DATA",
        default_value = "results",
        value_name = "DIR|S3_URL"
    )]
    pub data: String,

    /// Only this run (its run_id partition); default: all runs.
    #[arg(long, value_name = "RUN_ID")]
    pub run: Option<String>,

    /// SQL file with one statement, or a built-in query's name (`p99`, `arm_vs_x86`, ...:
    /// `lambench queries` lists them), which works from any directory.
    #[arg(long, visible_alias = "query-file", value_name = "FILE|NAME")]
    pub sql: Option<PathBuf>,

    /// SQL text with one statement.
    #[arg(long, value_name = "SQL")]
    pub query: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,

    /// Write to this file (atomically; only a new or regular file, never inside --data)
    /// instead of standard output (`-`); required for parquet.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Table,
    Csv,
    Json,
    Markdown,
    Parquet,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Parquet => Format::Parquet,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// maxday/lambda-perf daily JSON files (real AWS cold starts, all three schemas since 2022).
    #[command(name = "lambda-perf")]
    LambdaPerf(LambdaPerfArgs),
}

const LAMBDA_PERF_AFTER_HELP: &str = "\
Example:
  lambench import lambda-perf ../shared/data/lambda-perf/*.json --out results
  lambench analyze --data results --run lambda-perf --sql cold_starts";

#[derive(Debug, Args)]
#[command(
    after_help = LAMBDA_PERF_AFTER_HELP
)]
pub struct LambdaPerfArgs {
    /// Daily JSON files (data/YYYY-MM-DD.json in the lambda-perf repository).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Folder to write run_id=<run-id>/<date>.parquet into.
    #[arg(long, default_value = "results", value_name = "DIR")]
    pub out: PathBuf,

    /// Run id (partition) for the imported rows; re-importing a file replaces its part.
    #[arg(long, default_value = "lambda-perf", value_name = "RUN_ID")]
    pub run_id: String,
}

const PACKAGE_AFTER_HELP: &str = "\
Python and Node.js zips need nothing but the sources. Rust `bootstrap` binaries are built with
cargo for this machine's architecture; the other architecture needs cargo-lambda and zig
(`pip install ziglang cargo-lambda`), otherwise it is listed as skipped with that reason.";

#[derive(Debug, Args)]
#[command(
    after_help = PACKAGE_AFTER_HELP
)]
pub struct PackageArgs {
    /// Folder for <function>.zip and manifest.json.
    #[arg(long, default_value = "dist", value_name = "DIR")]
    pub out: PathBuf,

    /// Architectures to package (repeatable).
    #[arg(long, value_enum, default_values_t = [ArchArg::Host])]
    pub arch: Vec<ArchArg>,

    /// Cargo profile for the Rust handlers (`handler`: LTO, codegen-units=1, panic=abort, strip).
    #[arg(long, default_value = "handler", value_name = "PROFILE")]
    pub cargo_profile: String,

    /// The lambench checkout holding handlers/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub repo: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ArchArg {
    /// This machine's architecture.
    Host,
    Arm64,
    #[value(name = "x86_64")]
    X86_64,
    All,
}

const EMULATE_AFTER_HELP: &str = "\
Point any AWS SDK or the AWS CLI at it:
  aws lambda invoke --endpoint-url http://127.0.0.1:PORT --function-name \
    lambench-python3-11-x86_64-cpu-intensive \\
    --cli-binary-format raw-in-base64-out --payload '{\"iterations\":1000}' --log-type Tail out.json

Functions run only for the host architecture and the runtimes installed here (see --list).
Rust handlers are taken from --rust-bins, else target/{handler,release,debug}.";

#[derive(Debug, Args)]
#[command(
    after_help = EMULATE_AFTER_HELP
)]
pub struct EmulateArgs {
    /// Port on 127.0.0.1 (0 picks a free one; the port is printed).
    #[arg(long, default_value_t = 9001)]
    pub port: u16,

    /// List the functions this host can run, those it cannot and why, and CPU scaling, then exit.
    #[arg(long)]
    pub list: bool,

    /// Folder holding the built Rust handler binaries (cpu-intensive, memory-intensive, light).
    #[arg(long, value_name = "DIR")]
    pub rust_bins: Option<PathBuf>,

    /// The lambench checkout holding handlers/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub repo: PathBuf,

    /// Execution environments per function at once; more concurrent invokes get 429.
    #[arg(long, default_value_t = 10)]
    pub max_concurrency: usize,

    /// How long UpdateFunctionConfiguration stays InProgress (ms).
    #[arg(long, default_value_t = 200)]
    pub update_delay_ms: u64,

    /// Do not cap CPU and memory per environment (cgroups) even where possible.
    #[arg(long)]
    pub no_cpu_scaling: bool,

    /// Retire a warm environment after this many idle seconds.
    #[arg(long, default_value_t = 600)]
    pub idle_timeout_s: u64,

    /// Fault injection: fraction of invokes answered 429 TooManyRequestsException.
    #[arg(long, default_value_t = 0.0, value_parser = fraction)]
    pub fault_throttle: f64,

    /// Fault injection: fraction of configuration updates answered 409 ResourceConflictException.
    #[arg(long, default_value_t = 0.0, value_parser = fraction)]
    pub fault_conflict: f64,

    /// Fault injection: latency added to every control-plane call (ms).
    #[arg(long, default_value_t = 0)]
    pub fault_latency_ms: u64,

    /// Fault injection: after N invokes, answer every request 403 ExpiredTokenException.
    #[arg(long, value_name = "N")]
    pub fault_expire_credentials_after: Option<u64>,

    /// Every function's timeout in seconds (Lambda ends an invocation after it, Status:
    /// timeout) [default: each workload's timeout_s in bench.toml, as deployed].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u32).range(1..=900))]
    pub timeout_s: Option<u32>,
}

fn fraction(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not a fraction between 0 and 1"))
    }
}

/// `collect --help`'s headings, in the order they are shown.
const RUN: &str = "Run";
const TARGET: &str = "Target (AWS or local)";
const SELECTION: &str = "Selection (default: the whole matrix)";
const LIMITS: &str = "Limits";
const OUTPUT: &str = "Output";
const LEDGER: &str = "Ledger (DynamoDB)";

const COLLECT_AFTER_HELP: &str = "\
Examples:
  lambench collect --local --test --yes                 # local emulator, no AWS account
  lambench collect --balanced --dry-run                # plan, duration and cost on AWS
  lambench collect --production --out s3://bucket/lambench --yes
  lambench collect --resume 2026-11-30T10-00-00Z --out s3://bucket/lambench

On AWS, functions come from the CloudFormation stack infra/ deploys (--stack), credentials and
region from the AWS SDK chain. Every completed round of a cell is stored at once
(run_id=<id>/<function>-<memory>-r<round>.parquet, and _manifests/<id>.json); Ctrl-C, a crash or expired
credentials lose only the rounds in progress, and --resume continues the run.";

#[derive(Debug, Args)]
#[command(
    after_help = COLLECT_AFTER_HELP
)]
pub struct CollectArgs {
    /// Mode from the matrix: 5 cold + 10 warm per cell (a smoke test with a first report).
    #[arg(help_heading = RUN, long, group = "mode")]
    pub test: bool,
    /// 50 cold + 200 warm per cell.
    #[arg(help_heading = RUN, long, group = "mode")]
    pub balanced: bool,
    /// 100 cold + 500 warm per cell.
    #[arg(help_heading = RUN, long, group = "mode")]
    pub production: bool,

    /// Continue a run that stopped (crash, Ctrl-C, expired credentials): its plan comes from
    /// _manifests/<RUN_ID>.json under --out (seed included); completed rounds are skipped.
    #[arg(help_heading = RUN, long, value_name = "RUN_ID", group = "mode", conflicts_with_all = ["run_id", "dry_run", "seed"])]
    pub resume: Option<String>,

    /// Start the local emulator in-process and run against it.
    #[arg(help_heading = TARGET, long, conflicts_with = "endpoint_url")]
    pub local: bool,

    /// A running Lambda-compatible endpoint (e.g. `lambench emulate`).
    #[arg(help_heading = TARGET, long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// CloudFormation stack to discover the functions from (default on AWS: the matrix's
    /// stack_name). Locally, functions come from the endpoint unless this is given.
    #[arg(help_heading = TARGET, long, value_name = "NAME")]
    pub stack: Option<String>,

    /// Benchmark exactly these functions instead of discovering them (repeatable).
    #[arg(help_heading = TARGET, long = "function", value_name = "NAME")]
    pub functions: Vec<String>,

    /// AWS region (default: AWS_REGION / the profile's, else the matrix's default_region).
    #[arg(help_heading = TARGET, long, value_name = "REGION")]
    pub region: Option<String>,

    /// Run id (default: the UTC start time).
    #[arg(help_heading = RUN, long, value_name = "RUN_ID")]
    pub run_id: Option<String>,

    /// Seed of the order in which each round visits the memory sizes (default: derived from
    /// the run id); recorded in the manifest, so --resume keeps the order.
    #[arg(help_heading = RUN, long, value_name = "N")]
    pub seed: Option<u64>,

    /// Only these runtimes (repeatable): an id (python3.12), a language (rust, python,
    /// nodejs) or a short form (node22, py3.12); a value the matrix lacks lists the valid ones
    #[arg(help_heading = SELECTION, long = "runtime", value_name = "RUNTIME")]
    pub runtimes: Vec<String>,
    /// Only these architectures (repeatable): arm64 (or aarch64), x86_64 (or amd64)
    #[arg(help_heading = SELECTION, long = "architecture", value_name = "ARCH")]
    pub architectures: Vec<String>,
    /// Only these workloads (repeatable), as bench.toml names them
    #[arg(help_heading = SELECTION, long = "workload", value_name = "WORKLOAD")]
    pub workloads: Vec<String>,
    /// Only these memory sizes in MB (repeatable), among the matrix's
    #[arg(help_heading = SELECTION, long = "memory", value_name = "MB")]
    pub memory: Vec<u32>,

    /// Invocations in flight across the run (default: 900 on AWS, leaving headroom in the
    /// account's 1,000; locally the number of CPU cores, so samples do not share a core;
    /// lambench_collector::policy).
    #[arg(help_heading = LIMITS, long, value_name = "N")]
    pub concurrency: Option<u32>,

    /// Most invocations at once per function (cold batch size and warm environments); the
    /// budget is shared in proportion to each function's expected work.
    #[arg(help_heading = LIMITS, long, default_value_t = lambench_collector::policy::PARALLELISM, value_name = "N")]
    pub parallelism: u32,

    /// Control-plane calls per second (Lambda's quota is 15 per account and region).
    #[arg(help_heading = LIMITS, long, default_value_t = lambench_collector::policy::CONTROL_RATE, value_name = "PER_SECOND")]
    pub control_rate: f64,

    /// Folder or s3://bucket/prefix for run_id=<id>/*.parquet and _manifests/<id>.json.
    #[arg(help_heading = OUTPUT, long, default_value = "results", value_name = "DIR|S3_URL")]
    pub out: String,

    /// Progress display: bars on a terminal, plain lines otherwise.
    #[arg(help_heading = OUTPUT, long, value_enum, default_value_t = ProgressArg::Auto)]
    pub progress: ProgressArg,

    /// Print the plan and exit.
    #[arg(help_heading = RUN, long)]
    pub dry_run: bool,

    /// Do not ask for confirmation.
    #[arg(help_heading = RUN, long)]
    pub yes: bool,

    /// Do not write the HTML report when the run completes.
    #[arg(help_heading = OUTPUT, long)]
    pub no_report: bool,

    /// Where the report of a completed run goes: DIR/<run_id>/index.html.
    #[arg(
        help_heading = OUTPUT,
        long,
        default_value = "reports",
        value_name = "DIR",
        conflicts_with = "no_report"
    )]
    pub report_dir: PathBuf,

    /// DynamoDB ledger table (default on AWS: the matrix's ledger_table; locally: none).
    #[arg(help_heading = LEDGER, long, value_name = "TABLE", conflicts_with = "no_ledger")]
    pub ledger_table: Option<String>,

    /// Do not write the DynamoDB ledger.
    #[arg(help_heading = LEDGER, long)]
    pub no_ledger: bool,

    /// Days before ledger items expire (DynamoDB TTL on `expires_at`).
    #[arg(help_heading = LEDGER, long, default_value_t = lambench_collector::ledger::DEFAULT_TTL_DAYS, value_name = "DAYS")]
    pub ledger_ttl_days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressArg {
    Auto,
    Bars,
    Lines,
}

const REPORT_AFTER_HELP: &str = "\
Examples:
  lambench report --data results --run 2026-11-30T10-00-00Z
  lambench report --data s3://my-bucket/lambench --run new --baseline old --out site/
  lambench report --data results --run lambda-perf        # imported cold-start data

The site (index.html, one page per workload, quality.html, style.css, charts/*.svg and
summary.json with every verdict) needs no JavaScript and no network: open it from disk or publish
the folder as it is.";

#[derive(Debug, Args)]
#[command(
    after_help = REPORT_AFTER_HELP
)]
pub struct ReportArgs {
    /// Folder or s3://bucket/prefix holding run_id=<id>/*.parquet.
    #[arg(
        long,
        env = "LAMBENCH_DATA",
        default_value = "results",
        value_name = "DIR|S3_URL"
    )]
    pub data: String,

    /// The run to report on (default: the only run in --data; with several, one must be named).
    #[arg(long, value_name = "RUN_ID", conflicts_with = "all_runs")]
    pub run: Option<String>,

    /// Pool every run in --data into one report, on purpose (the pages say so; default output
    /// reports/all-runs).
    #[arg(long)]
    pub all_runs: bool,

    /// Compare every cell's warm duration with this run's: regressions and improvements beyond
    /// the margin, equivalence within it.
    #[arg(long, value_name = "RUN_ID")]
    pub baseline: Option<String>,

    /// Exit with status 1 (after writing the report) when --baseline finds a regression: for CI.
    #[arg(long, requires = "baseline")]
    pub fail_on_regression: bool,

    /// Output folder (default: reports/<run>); replaced as a whole when the report is written.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Price region (default: the data's region if the price table has it, else us-east-1).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Practical margin in percent: a ratio within a factor (1 + margin) is "equivalent", never
    /// a difference; "faster"/"slower" needs the whole 95% interval beyond it.
    #[arg(long, default_value_t = 5.0, value_name = "PCT")]
    pub margin: f64,

    /// Title of the report.
    #[arg(long, default_value = "lambench: arm64 vs x86_64 on AWS Lambda")]
    pub title: String,

    /// What to print after writing the report: the verdicts as text, or summary.json (every
    /// verdict, for scripts; the "wrote ..." line then goes to stderr).
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
}

/// How `report` prints its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// Print JSON (for scripts and the CDK app) instead of a summary.
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_collect_option_has_a_help_line_under_a_heading() {
        let cli = Cli::command();
        let collect = cli.find_subcommand("collect").expect("collect");
        let options: Vec<_> = collect.get_arguments().collect();
        assert!(options.len() > 20, "{} options", options.len());
        for option in options {
            let name = option.get_id();
            assert!(option.get_help().is_some(), "--{name} has no help line");
            assert!(
                option.get_help_heading().is_some(),
                "--{name} has no heading"
            );
        }
    }
}
