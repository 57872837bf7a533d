//! `lambench collect`: plan (with estimated duration and cost), confirm, run, store; or
//! `--resume` a stopped run from its manifest.

mod options;
mod target;
mod timing;

use std::io::{BufRead, Write};

use anyhow::Context;
use lambench_collector::estimate::{Platform, allocate_parallelism};
use lambench_collector::ledger::Ledger;
use lambench_collector::manifest::{Manifest, RunSettings};
use lambench_collector::plan::fnv1a;
use lambench_collector::{Limits, Plan, RunEnd, RunOptions, SdkLambda, Sink, policy};
use lambench_model::{Backend, Matrix};
use lambench_store::Location;

use super::UsageError;
use crate::cli::CollectArgs;
use crate::progress::{Renderer, human};
use options::{CollectOptions, Start};
use target::Target;

/// The run stopped on Ctrl-C (exit status 130, as shells expect).
#[derive(Debug, thiserror::Error)]
#[error("interrupted; resume with: {0}")]
pub struct Interrupted(pub String);

/// `collect`: the arguments are checked once ([`CollectOptions::from_args`]), then the target
/// opened, the run planned (or its manifest read back) and carried out.
pub async fn run(matrix: &Matrix, args: CollectArgs) -> anyhow::Result<()> {
    let options = CollectOptions::from_args(matrix, args)?;
    if let Start::New { .. } = options.start {
        // A resumed run keeps the runtimes it was started with, checked then.
        check_lifecycle(matrix, &options, super::today()?)?;
    }
    let target = Target::open(matrix, &options).await?;
    let location = Location::resolve(&options.out, true)
        .await
        .with_context(|| format!("cannot use --out {}", options.out))?;
    let ledger = ledger(matrix, &options, &target);
    let sink = match &options.start {
        Start::Resume(run_id) => resume(run_id, location, ledger, &target).await?,
        Start::New { mode, run_id, seed } => {
            let run_id = run_id
                .clone()
                .unwrap_or_else(|| chrono::Utc::now().format("%Y-%m-%dT%H-%M-%SZ").to_string());
            let seed = seed.unwrap_or_else(|| fnv1a(&run_id));
            let Some(manifest) = plan(matrix, &options, (mode, &run_id, seed), &target).await?
            else {
                return Ok(());
            };
            Sink::create(location, manifest, ledger).await?
        }
    };
    execute(&options, &target, sink).await
}

fn ledger(matrix: &Matrix, options: &CollectOptions, target: &Target) -> Option<Ledger> {
    let (table, ttl_days) = match (&options.ledger, target.backend) {
        (options::Ledger::Off, _) => return None,
        (options::Ledger::Table { name, ttl_days }, _) => (name.clone(), *ttl_days),
        (options::Ledger::Default { ttl_days }, Backend::Aws) => {
            (matrix.ledger_table.clone(), *ttl_days)
        }
        (options::Ledger::Default { .. }, Backend::Local) => return None,
    };
    let client = aws_sdk_dynamodb::Client::new(target.sdk.as_ref()?);
    Some(Ledger::new(client, table, ttl_days))
}

/// Warns about chosen runtimes Lambda is retiring (`bench.toml`'s dates); on AWS refuses the
/// ones whose functions can no longer be updated, since every cell sets its memory size.
fn check_lifecycle(
    matrix: &Matrix,
    options: &CollectOptions,
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    let on_aws = options.place == options::Place::Aws;
    for runtime in matrix
        .runtimes
        .iter()
        .filter(|r| options.filters.runtimes.contains(&r.id))
    {
        let lifecycle = runtime.lifecycle();
        let Some(notice) = lifecycle.notice(&runtime.id, today) else {
            continue;
        };
        if on_aws && lifecycle.standing(today).blocks_collect() {
            return Err(UsageError(format!("cannot collect on AWS: {notice}")).into());
        }
        eprintln!("warning: {notice}");
    }
    Ok(())
}

/// Discovers, plans, prints the plan and asks; `None` when only the plan was wanted.
/// `(mode, run_id, seed)`: the new run.
async fn plan(
    matrix: &Matrix,
    options: &CollectOptions,
    (mode_name, run_id, seed): (&str, &str, u64),
    target: &Target,
) -> anyhow::Result<Option<Manifest>> {
    let mode = matrix.mode(mode_name)?;
    let mut functions = target.functions(matrix, options).await?;
    let has_dynamodb = ["AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"]
        .iter()
        .any(|k| std::env::var_os(k).is_some());
    if target.backend == Backend::Local && !has_dynamodb && !options.chose_workloads {
        eprintln!(
            "note: skipping the light workload locally: no DynamoDB endpoint (set AWS_ENDPOINT_URL to a local DynamoDB, e.g. moto_server, and DYNAMODB_TABLE_NAME)"
        );
        functions.retain(|f| !matrix.workloads[&f.workload].uses_dynamodb);
    }
    let plan = Plan::new(matrix, mode_name, mode, &functions, &options.filters, seed);
    if plan.cells.is_empty() {
        return Err(UsageError(format!(
            "nothing to run: no function at {} matches the filters ({} matrix functions found there)",
            target.description,
            functions.len()
        ))
        .into());
    }
    let limits = options.limits;
    let concurrency = limits
        .concurrency
        .unwrap_or_else(|| policy::concurrency(target.backend));
    let parallelism = allocate_parallelism(&plan, concurrency, limits.parallelism);
    let local = if target.backend == Backend::Local {
        Some(local_platform(&options.out).await)
    } else {
        None
    };
    print_plan(
        &plan,
        &parallelism,
        concurrency,
        options,
        target,
        local.as_ref(),
    );
    // Up front, so a run killed before it ends (kill -9, a lost session) can be resumed.
    println!(
        "  run id {run_id}; if it stops, resume with: {}",
        resume_command(run_id, options, target)
    );
    if options.dry_run {
        return Ok(None);
    }
    if !options.yes && !confirm()? {
        return Err(UsageError("not confirmed; pass --yes to run without asking".into()).into());
    }
    let settings = RunSettings {
        backend: target.backend,
        region: (target.backend == Backend::Aws).then(|| target.region.clone()),
        target: target.description.clone(),
        parallelism,
        concurrency,
        control_rate: limits.control_rate,
    };
    Ok(Some(Manifest::new(run_id, plan, settings)))
}

/// The emulator as the estimate sees it: this machine's times from the earlier local runs in
/// `out` where it has them (a folder it cannot read is said, and the model used).
async fn local_platform(out: &str) -> (Platform, i64) {
    let settle = (target::LOCAL_UPDATE_DELAY + policy::poll_interval(Backend::Local)).as_secs_f64();
    let times = timing::local_times(out).await.unwrap_or_else(|e| {
        eprintln!(
            "note: cannot read earlier local runs in {out} ({e:#}); the emulator's duration is modelled"
        );
        timing::LocalTimes::default()
    });
    (Platform::local(settle, times.measured), times.runs)
}

fn print_plan(
    plan: &Plan,
    parallelism: &std::collections::BTreeMap<String, u32>,
    concurrency: u32,
    options: &CollectOptions,
    target: &Target,
    local: Option<&(Platform, i64)>,
) {
    let control_rate = options.limits.control_rate;
    let functions: std::collections::BTreeSet<_> =
        plan.cells.iter().map(|c| &c.function.name).collect();
    let e = Platform::aws().estimate(plan, parallelism, concurrency, control_rate, &target.region);
    let (pmin, pmax) = parallelism
        .values()
        .fold((u32::MAX, 0), |(a, b), &p| (a.min(p), b.max(p)));
    println!(
        "plan: mode {} against {}",
        plan.mode_name, target.description
    );
    println!(
        "  {} functions x memory sizes = {} cells; per cell {} cold (verified) + {} warm, in {} rounds (each on fresh environments, 1 flagged warm-up per warm environment); memory sizes in a random order per round (seed {})",
        functions.len(),
        plan.cells.len(),
        plan.mode.cold,
        plan.mode.warm,
        plan.mode.rounds,
        plan.seed,
    );
    println!(
        "  {} invocations; concurrency {concurrency}, {pmin}-{pmax} at once per function, {} control-plane calls at {}/s",
        e.invocations, e.control_calls, control_rate
    );
    let took = |s: f64| human(std::time::Duration::from_secs_f64(s));
    match local {
        Some((platform, runs)) => {
            let mine =
                platform.estimate(plan, parallelism, concurrency, control_rate, &target.region);
            let measured = platform.measured_cells(plan);
            let source = if measured == 0 {
                format!(
                    "modelled: no earlier local run in {} (the next plan here uses this run's times)",
                    options.out
                )
            } else {
                format!(
                    "{measured} of {} cells timed on {runs} earlier local run(s) in {}{}",
                    plan.cells.len(),
                    options.out,
                    if measured < plan.cells.len() {
                        ", the rest modelled"
                    } else {
                        ""
                    }
                )
            };
            println!(
                "  estimated duration on this machine: {} ({source}; bound: {}; longest function {} takes {} one at a time)",
                took(mine.lower_bound_s()),
                mine.binding(),
                mine.longest_function,
                took(mine.longest_sequential_s),
            );
            println!(
                "  on AWS Lambda it would take about {} and cost ${:.2} ({:.0} GB-s + requests, {} prices; CloudWatch Logs and DynamoDB extra); nothing is billed locally",
                took(e.lower_bound_s()),
                e.cost_usd,
                e.gb_s,
                target.region,
            );
        }
        None => {
            println!(
                "  estimated duration: {} (bound: {}; longest function {} takes {} one at a time)",
                took(e.lower_bound_s()),
                e.binding(),
                e.longest_function,
                took(e.longest_sequential_s),
            );
            println!(
                "  estimated Lambda cost: ${:.2} ({:.0} GB-s + requests, {} prices; CloudWatch Logs and DynamoDB extra)",
                e.cost_usd, e.gb_s, target.region,
            );
        }
    }
    for (reason, names) in target.not_run_here() {
        println!(
            "  not run here ({} of the matrix's functions): {reason}: {}",
            names.len(),
            names.join(", ")
        );
    }
    if options.dry_run {
        for c in &plan.cells {
            println!("  {} @ {} MB", c.function.name, c.memory_mb);
        }
    }
}

async fn resume(
    run_id: &str,
    location: Location,
    ledger: Option<Ledger>,
    target: &Target,
) -> anyhow::Result<Sink> {
    // Check the target before touching the manifest: a refused resume changes nothing.
    let Some(m) = lambench_collector::sink::read_manifest(&location, run_id).await? else {
        return Err(lambench_collector::CollectError::NoSuchRun {
            run_id: run_id.into(),
            location: location.display.clone(),
        }
        .into());
    };
    let region = (target.backend == Backend::Aws).then(|| target.region.clone());
    if m.backend != target.backend || m.region != region {
        return Err(UsageError(format!(
            "run {run_id} was collected on {} {} ({}); resume it against the same target{}",
            m.backend,
            m.region.as_deref().unwrap_or(""),
            m.target,
            m.region
                .as_deref()
                .map_or(String::new(), |r| format!(" (--region {r})"))
        ))
        .into());
    }
    let sink = Sink::resume(location, run_id, ledger).await?;
    let m = sink.manifest().await;
    println!(
        "resuming run {run_id} (session {}): {} of {} rounds of cells complete, {} to go, against {}",
        m.sessions,
        m.completed.len(),
        m.plan.cell_rounds().len(),
        m.remaining().len(),
        target.description
    );
    Ok(sink)
}

/// The command that resumes `run_id` against the same target and ledger.
fn resume_command(run_id: &str, options: &CollectOptions, target: &Target) -> String {
    format!(
        "lambench collect --resume {run_id} --out {}{}{}",
        options.out,
        target.flags,
        options.ledger_flags()
    )
}

async fn execute(options: &CollectOptions, target: &Target, sink: Sink) -> anyhow::Result<()> {
    let m = sink.manifest().await;
    let resume_cmd = resume_command(&m.run_id, options, target);
    let run = RunOptions {
        run_id: m.run_id.clone(),
        session: m.sessions,
        backend: m.backend,
        region: m.region.clone(),
        poll_interval: policy::poll_interval(target.backend),
        ..RunOptions::default()
    };
    let limits = Limits::new(m.control_rate, policy::GET_FUNCTION_RATE, m.concurrency);
    let remaining = m.remaining();
    let planned: u64 = remaining
        .iter()
        .map(|r| {
            r.invocations(
                m.parallelism
                    .get(&r.cell.function.name)
                    .copied()
                    .unwrap_or(1),
            )
        })
        .sum();
    let progress = Renderer::new(options.progress, planned, remaining.len());
    let api = SdkLambda(target.lambda.clone());
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let started = std::time::Instant::now();
    let result = lambench_collector::run(&api, &sink, &run, &limits, &progress, stop).await;
    progress.finish();
    let out = &options.out;
    let data = format!("{}/run_id={}/", out.trim_end_matches('/'), m.run_id);
    match result {
        Ok(RunEnd::Complete(c)) => {
            println!(
                "run {} complete in {}: {} rows ({} failed; {} cold requests came back warm and {} warm came back cold, retried; {} throttled; {} transient errors; {} configuration retries)",
                m.run_id,
                human(started.elapsed()),
                c.rows,
                c.failed,
                c.cold_came_back_warm,
                c.warm_came_back_cold,
                c.throttled,
                c.transient,
                c.config_retries
            );
            println!(
                "data: {data} (Parquet per round of each cell; the manifest in {}/_manifests/)",
                out.trim_end_matches('/')
            );
            if let Some(dir) = &options.report_dir {
                write_report(out, &m.run_id, dir).await;
            }
            println!(
                "next: lambench analyze --data {out} --run {} --sql p99",
                m.run_id
            );
            Ok(())
        }
        Ok(RunEnd::Interrupted(c)) => {
            println!("stopped: {} rows of completed rounds are in {data}", c.rows);
            Err(Interrupted(resume_cmd).into())
        }
        Err(e) if e.resumable() => {
            Err(anyhow::Error::new(e).context(format!(
                "run {} stopped; completed rounds of cells are in {data}; after fixing the cause, resume with: {resume_cmd}",
                m.run_id
            )))
        }
        Err(e) => Err(e.into()),
    }
}

/// The HTML report of a completed run. The data is safe whatever happens here, so a failure
/// is a warning with the command to retry, not a failed collection.
async fn write_report(data: &str, run_id: &str, dir: &std::path::Path) {
    let out = dir.join(run_id);
    let options = lambench_report::ReportOptions {
        out: out.clone(),
        run: Some(run_id.to_string()),
        baseline: None,
        region: None,
        rule: lambench_model::stats::verdict::Rule::default(),
        title: "lambench: arm64 vs x86_64 on AWS Lambda".into(),
    };
    let built = match lambench_analyzer::DataLocation::resolve(data).await {
        Ok(location) => lambench_report::build(&location, &options)
            .await
            .map_err(anyhow::Error::from),
        Err(e) => Err(e.into()),
    };
    match built {
        Ok(built) => {
            println!("report: {}", out.join("index.html").display());
            print!("{}", built.summary.terminal());
        }
        Err(e) => eprintln!(
            "warning: the report could not be written ({e:#}); retry with: lambench report --data {data} --run {run_id}"
        ),
    }
}

fn confirm() -> anyhow::Result<bool> {
    print!("run it? [y/N] ");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}
