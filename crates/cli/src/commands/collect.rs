//! `lambench collect`: plan, confirm, run, record.

use std::collections::HashMap;
use std::io::{BufRead, Write};

use anyhow::Context;
use lambench_collector::{Filters, Plan, RunOptions};
use lambench_emulator::{Emulator, EmulatorOptions};
use lambench_model::{FunctionSpec, Matrix};

use super::UsageError;
use super::emulate::default_rust_bins;
use crate::cli::CollectArgs;

pub async fn run(matrix: &Matrix, args: &CollectArgs) -> anyhow::Result<()> {
    let mode_name = if args.production {
        "production"
    } else if args.balanced {
        "balanced"
    } else if args.test {
        "test"
    } else {
        return Err(UsageError("choose a mode: --test, --balanced or --production".into()).into());
    };
    let mode = matrix.mode(mode_name)?;
    if !args.local && args.endpoint_url.is_none() {
        return Err(UsageError(
            "collecting on AWS (CloudFormation discovery) is not built yet: use --local, or --endpoint-url URL of a running `lambench emulate`".into(),
        )
        .into());
    }
    // The in-process emulator lives as long as the run.
    let mut emulator = None;
    let endpoint = match &args.endpoint_url {
        Some(url) => url.clone(),
        None => {
            let repo = std::env::current_dir().context("no current directory")?;
            let options = EmulatorOptions {
                rust_bins: default_rust_bins(&repo),
                repo,
                ..EmulatorOptions::default()
            };
            let e = Emulator::start(matrix, options)
                .await
                .context("cannot start the local emulator")?;
            if let Err(why) = &e.cpu_scaling {
                eprintln!("warning: {why}; memory sizes will not change CPU on this emulator");
            }
            let url = e.endpoint();
            emulator = Some(e);
            url
        }
    };
    let client = client(&endpoint);
    let listed = client
        .list_functions()
        .send()
        .await
        .with_context(|| format!("cannot list functions at {endpoint}"))?;
    let deployed: Vec<String> = listed
        .functions()
        .iter()
        .filter_map(|f| f.function_name().map(str::to_string))
        .collect();
    let mut functions: Vec<FunctionSpec> = matrix
        .functions()
        .into_iter()
        .filter(|f| deployed.contains(&f.name))
        .collect();
    let has_dynamodb = ["AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"]
        .iter()
        .any(|k| std::env::var_os(k).is_some());
    if args.local && !has_dynamodb && args.workloads.is_empty() {
        eprintln!(
            "note: skipping the light workload locally: no DynamoDB endpoint (set AWS_ENDPOINT_URL to a local DynamoDB, e.g. moto_server, and DYNAMODB_TABLE_NAME)"
        );
        functions.retain(|f| !matrix.workloads[&f.workload].uses_dynamodb);
    }
    let filters = Filters {
        runtimes: args.runtimes.clone(),
        architectures: args.architectures.clone(),
        workloads: args.workloads.clone(),
        memory_mb: args.memory.clone(),
    };
    let plan = Plan::new(matrix, mode_name, mode, &functions, &filters);
    if plan.cells.is_empty() {
        return Err(UsageError(format!(
            "nothing to run: no function at {endpoint} matches the filters"
        ))
        .into());
    }
    println!(
        "plan: mode {mode_name} ({} cold + 1 warm-up + {} warm per cell), {} functions, {} cells, {} invocations, against {endpoint}",
        mode.cold,
        mode.warm,
        functions.len(),
        plan.cells.len(),
        plan.invocations()
    );
    if args.dry_run {
        for c in &plan.cells {
            println!("  {} @ {} MB", c.function.name, c.memory_mb);
        }
        return Ok(());
    }
    if !args.yes && !confirm()? {
        return Err(UsageError("not confirmed; pass --yes to run without asking".into()).into());
    }
    let run_id = args
        .run_id
        .clone()
        .unwrap_or_else(|| chrono::Utc::now().format("%Y-%m-%dT%H-%M-%SZ").to_string());
    let events: HashMap<String, String> = matrix
        .workloads
        .iter()
        .map(|(name, w)| {
            (
                name.clone(),
                serde_json::to_string(&w.event).unwrap_or_else(|_| "{}".into()),
            )
        })
        .collect();
    let options = RunOptions {
        run_id: run_id.clone(),
        out: args.out.clone(),
        backend: if emulator.is_some() || args.endpoint_url.is_some() {
            "local".into()
        } else {
            "aws".into()
        },
        region: None,
        cold_retries: 3,
        events,
    };
    let summary =
        lambench_collector::run(&client, &plan, &options, |line| println!("{line}")).await?;
    println!(
        "run {run_id}: {} rows ({} failed, {} cold requests came back warm and were retried, {} configuration retries) in {}/run_id={run_id}/",
        summary.rows,
        summary.failed,
        summary.cold_came_back_warm,
        summary.config_retries,
        args.out.display()
    );
    println!(
        "next: lambench analyze --data {} --run {run_id} --sql queries/p99.sql",
        args.out.display()
    );
    drop(emulator);
    Ok(())
}

fn client(endpoint: &str) -> aws_sdk_lambda::Client {
    let config = aws_sdk_lambda::Config::builder()
        .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
        .region(aws_sdk_lambda::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_lambda::config::Credentials::new(
            "local", "local", None, None, "lambench",
        ))
        .endpoint_url(endpoint)
        .build();
    aws_sdk_lambda::Client::from_conf(config)
}

fn confirm() -> anyhow::Result<bool> {
    print!("run it? [y/N] ");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}
