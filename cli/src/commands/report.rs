//! `lambench report`: the static HTML report of a run.

use std::path::PathBuf;

use lambench_analyzer::DataLocation;
use lambench_model::stats::verdict::Rule;
use lambench_report::ReportOptions;

use super::UsageError;
use crate::cli::{ReportArgs, SummaryFormat};

pub async fn run(args: ReportArgs) -> anyhow::Result<()> {
    if !(args.margin.is_finite() && (0.0..100.0).contains(&args.margin)) {
        return Err(UsageError(format!(
            "--margin is a percentage from 0 to 100 (e.g. 5 for 5%), got {}",
            args.margin
        ))
        .into());
    }
    let location = DataLocation::resolve(&args.data).await?;
    let run = match (args.run, args.all_runs) {
        (Some(run), _) => Some(run),
        (None, true) => None,
        (None, false) => only_run(&location).await?,
    };
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("reports").join(run.as_deref().unwrap_or("all-runs")));
    let options = ReportOptions {
        out: out.clone(),
        run,
        baseline: args.baseline,
        region: args.region,
        rule: Rule {
            margin: args.margin / 100.0,
            ..Rule::default()
        },
        title: args.title,
    };
    let format = args.format;
    let started = std::time::Instant::now();
    let built = lambench_report::build(&location, &options).await?;
    let wrote = format!(
        "wrote {} ({} cells, {} charts, {} files) in {:.1}s",
        out.join("index.html").display(),
        built.cells,
        built.charts,
        built.files.len(),
        started.elapsed().as_secs_f64()
    );
    match format {
        SummaryFormat::Text => {
            println!("{wrote}");
            print!("{}", built.summary.terminal());
        }
        SummaryFormat::Json => {
            eprintln!("{wrote}");
            println!("{}", built.summary.to_json()?);
        }
    }
    let regressions = built.summary.regressions().count();
    if args.fail_on_regression && regressions > 0 {
        return Err(Regressions(regressions).into());
    }
    Ok(())
}

/// `--fail-on-regression` found some: exit 1, after the report is written.
#[derive(Debug, thiserror::Error)]
#[error("{0} regression(s) against the baseline (--fail-on-regression)")]
struct Regressions(usize);

/// The one run in the data; several runs pooled silently would mix unrelated measurements, so
/// the user names one (or pools them with `--all-runs`). `None` when there is no run at all:
/// the report then says the data is empty.
async fn only_run(location: &DataLocation) -> anyhow::Result<Option<String>> {
    let runs = location.list().await?.runs;
    match runs.as_slice() {
        [] => Ok(None),
        [run] => Ok(Some(run.clone())),
        [first, ..] => Err(UsageError(format!(
            "{} holds {} runs ({}): report one with --run RUN_ID (e.g. --run {first}), or pool them \
             on purpose with --all-runs",
            location.display,
            runs.len(),
            runs.join(", ")
        ))
        .into()),
    }
}
