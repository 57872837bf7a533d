//! Runs a plan: every (runtime, workload) group progresses concurrently through its steps
//! ([`Plan::schedule`]: rounds, memory sizes in a seeded order), the ARM64 and x86_64 rounds of
//! a size side by side; each completed round of a cell is stored at once. Bounds: the
//! control-plane rate limiters and concurrency budget in [`Limits`], and each function's
//! parallelism.

use std::collections::{BTreeMap, HashSet};
use std::future::Future;

use futures::future::try_join_all;

use crate::api::LambdaApi;
use crate::error::CollectError;
use crate::estimate::round_cost;
use crate::limits::Limits;
use crate::manifest::{Counts, RunStatus};
use crate::plan::{CellRound, Plan};
use crate::progress::Progress;
use crate::runner::{RunOptions, Runner};
use crate::sink::Sink;

/// How a run ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RunEnd {
    Complete(Counts),
    /// `stop` fired (Ctrl-C): completed cells are stored, the rest is for `--resume`.
    Interrupted(Counts),
}

/// Runs the cells of the sink's manifest that are not complete yet, until done, failed or
/// `stop` resolves. The manifest's status says which.
pub async fn run<A: LambdaApi>(
    api: &A,
    sink: &Sink,
    options: &RunOptions,
    limits: &Limits,
    progress: &dyn Progress,
    stop: impl Future<Output = ()>,
) -> Result<RunEnd, CollectError> {
    let result = tokio::select! {
        r = execute(api, sink, options, limits, progress) => Some(r),
        () = stop => None,
    };
    match result {
        Some(Ok(())) => {
            sink.finish(RunStatus::Complete, None).await?;
            Ok(RunEnd::Complete(sink.manifest().await.counts()))
        }
        None => {
            sink.finish(RunStatus::Interrupted, Some("interrupted".into()))
                .await?;
            Ok(RunEnd::Interrupted(sink.manifest().await.counts()))
        }
        Some(Err(e)) => {
            // Best effort: with expired credentials this write may fail too; the manifest
            // already lists every completed cell, which is what --resume needs.
            let _ = sink.finish(RunStatus::Failed, Some(e.to_string())).await;
            Err(e)
        }
    }
}

async fn execute<A: LambdaApi>(
    api: &A,
    sink: &Sink,
    options: &RunOptions,
    limits: &Limits,
    progress: &dyn Progress,
) -> Result<(), CollectError> {
    let manifest = sink.manifest().await;
    let plan = &manifest.plan;
    let done: HashSet<String> = manifest.completed.keys().cloned().collect();
    let parallelism = &manifest.parallelism;
    let runner = Runner::new(api, limits, options, progress);
    let mut groups = plan.schedule();
    // Longest paths first, so they are not the ones left waiting for the budget.
    groups.sort_by(|a, b| {
        group_path(plan, parallelism, b).total_cmp(&group_path(plan, parallelism, a))
    });
    let runner = &runner;
    let done = &done;
    try_join_all(groups.iter().map(|steps| async move {
        for step in steps {
            try_join_all(
                step.iter()
                    .filter(|r| !done.contains(&r.part()))
                    .map(|r| run_and_store(runner, sink, plan, parallelism, r)),
            )
            .await?;
        }
        Ok::<_, CollectError>(())
    }))
    .await?;
    Ok(())
}

async fn run_and_store<A: LambdaApi>(
    runner: &Runner<'_, A>,
    sink: &Sink,
    plan: &Plan,
    parallelism: &BTreeMap<String, u32>,
    round: &CellRound,
) -> Result<(), CollectError> {
    let function = &round.cell.function;
    let p = parallelism.get(&function.name).copied().unwrap_or(1);
    let event = plan
        .events
        .get(&function.workload)
        .map_or("{}", String::as_str);
    let outcome = runner.run_round(round, event, p).await?;
    sink.write_round(round, &outcome).await?;
    runner.progress.cell_done(round, &outcome);
    Ok(())
}

fn group_path(plan: &Plan, parallelism: &BTreeMap<String, u32>, steps: &[Vec<CellRound>]) -> f64 {
    steps
        .iter()
        .map(|step| {
            step.iter()
                .map(|r| {
                    let p = parallelism.get(&r.cell.function.name).copied().unwrap_or(1);
                    round_cost(plan, r, p).path_s
                })
                .fold(0.0, f64::max)
        })
        .sum()
}
