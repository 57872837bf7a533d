//! Runs a plan cell by cell and writes each completed cell's rows as Parquet.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use aws_sdk_lambda::Client;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Environment, LastUpdateStatus, LogType};
use base64::Engine;
use lambench_model::parquet_out;
use lambench_model::record::{Invocation, StartType, Status};
use lambench_model::report::parse_log;
use thiserror::Error;

use crate::plan::{Cell, Plan};

/// Why a run stopped.
#[derive(Debug, Error)]
pub enum CollectError {
    #[error("cannot configure {function}: {message}")]
    Configure { function: String, message: String },
    #[error(transparent)]
    Write(#[from] parquet_out::WriteError),
}

/// Where and how to record.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub run_id: String,
    pub out: PathBuf,
    /// `aws` or `local`.
    pub backend: String,
    pub region: Option<String>,
    /// Extra attempts for a cold sample that came back warm.
    pub cold_retries: u32,
    /// Event per workload (from the matrix).
    pub events: HashMap<String, String>,
}

/// What a run did.
#[derive(Debug, Default, Clone)]
pub struct RunSummary {
    pub rows: usize,
    pub failed: usize,
    pub cold_came_back_warm: usize,
    pub config_retries: usize,
    pub files: Vec<PathBuf>,
}

/// Runs every cell of the plan; `progress` gets one line per completed cell.
pub async fn run(
    client: &Client,
    plan: &Plan,
    opts: &RunOptions,
    mut progress: impl FnMut(&str),
) -> Result<RunSummary, CollectError> {
    let mut summary = RunSummary::default();
    for (i, cell) in plan.cells.iter().enumerate() {
        let started = Instant::now();
        let rows = run_cell(client, plan, cell, opts, &mut summary).await?;
        let part = format!("{}-{}", cell.function.name, cell.memory_mb);
        summary.files.push(parquet_out::write_part(
            &opts.out,
            &opts.run_id,
            &part,
            &rows,
        )?);
        let failed = rows.iter().filter(|r| r.status != Status::Ok).count();
        summary.rows += rows.len();
        summary.failed += failed;
        progress(&format!(
            "[{}/{}] {} @ {} MB: {} rows, {} failed, {:.1}s",
            i + 1,
            plan.cells.len(),
            cell.function.name,
            cell.memory_mb,
            rows.len(),
            failed,
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(summary)
}

async fn run_cell(
    client: &Client,
    plan: &Plan,
    cell: &Cell,
    opts: &RunOptions,
    summary: &mut RunSummary,
) -> Result<Vec<Invocation>, CollectError> {
    let event = opts
        .events
        .get(&cell.function.workload)
        .cloned()
        .unwrap_or_else(|| "{}".into());
    let mut rows = Vec::new();
    for k in 0..plan.mode.cold {
        for attempt in 0..=opts.cold_retries {
            let nonce = format!("{}-{}-{k}-{attempt}", opts.run_id, cell.memory_mb);
            summary.config_retries +=
                force_cold(client, &cell.function.name, cell.memory_mb, &nonce).await?;
            let row = invoke(
                client,
                cell,
                opts,
                &event,
                StartType::Cold,
                k,
                attempt,
                false,
            )
            .await;
            let came_back_warm = row.status == Status::Ok && row.observed_cold == Some(false);
            rows.push(row);
            if !came_back_warm {
                break;
            }
            summary.cold_came_back_warm += 1;
        }
    }
    if plan.mode.warm > 0 {
        rows.push(invoke(client, cell, opts, &event, StartType::Warm, 0, 0, true).await);
        for k in 0..plan.mode.warm {
            rows.push(invoke(client, cell, opts, &event, StartType::Warm, k, 0, false).await);
        }
    }
    Ok(rows)
}

/// Sets memory and a fresh nonce (merged into the existing variables, never replacing them),
/// then waits for `LastUpdateStatus: Successful`. Returns how many calls were retried.
async fn force_cold(
    client: &Client,
    name: &str,
    memory_mb: u32,
    nonce: &str,
) -> Result<usize, CollectError> {
    let err = |message: String| CollectError::Configure {
        function: name.to_string(),
        message,
    };
    let mut retries = 0;
    let current = client
        .get_function_configuration()
        .function_name(name)
        .send()
        .await
        .map_err(|e| err(sdk_message(&e)))?;
    let mut vars = current
        .environment()
        .and_then(|e| e.variables())
        .cloned()
        .unwrap_or_default();
    vars.insert("LAMBENCH_NONCE".into(), nonce.into());
    let env = Environment::builder().set_variables(Some(vars)).build();
    let mut delay = Duration::from_millis(100);
    loop {
        let sent = client
            .update_function_configuration()
            .function_name(name)
            .memory_size(memory_mb as i32)
            .environment(env.clone())
            .send()
            .await;
        match sent {
            Ok(_) => break,
            Err(e) => {
                let retryable = e.as_service_error().is_some_and(|s| {
                    s.is_resource_conflict_exception() || s.is_too_many_requests_exception()
                });
                if !retryable || retries >= 20 {
                    return Err(err(sdk_message(&e)));
                }
                retries += 1;
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        }
    }
    for _ in 0..600 {
        let f = client
            .get_function()
            .function_name(name)
            .send()
            .await
            .map_err(|e| err(sdk_message(&e)))?;
        match f.configuration().and_then(|c| c.last_update_status()) {
            Some(LastUpdateStatus::Successful) | None => return Ok(retries),
            Some(LastUpdateStatus::Failed) => {
                return Err(err("configuration update failed".into()));
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    Err(err("configuration update did not finish within 60 s".into()))
}

fn sdk_message<E: std::error::Error>(e: &E) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[allow(clippy::too_many_arguments)]
async fn invoke(
    client: &Client,
    cell: &Cell,
    opts: &RunOptions,
    event: &str,
    start_type: StartType,
    sample_index: u32,
    attempt: u32,
    is_warmup: bool,
) -> Invocation {
    let f = &cell.function;
    let invoked_at_us = chrono::Utc::now().timestamp_micros();
    let t = Instant::now();
    let result = client
        .invoke()
        .function_name(&f.name)
        .log_type(LogType::Tail)
        .payload(Blob::new(event.as_bytes().to_vec()))
        .send()
        .await;
    let client_latency_ms = Some(t.elapsed().as_secs_f64() * 1000.0);
    let mut row = Invocation {
        backend: opts.backend.clone(),
        region: opts.region.clone(),
        function_name: f.name.clone(),
        runtime: f.runtime.clone(),
        language: f.language.clone(),
        architecture: f.architecture.as_str().into(),
        workload: f.workload.clone(),
        memory_mb: cell.memory_mb as i32,
        package_type: Some("zip".into()),
        start_type,
        sample_index: sample_index as i32,
        attempt: attempt as i32,
        is_warmup,
        invoked_at_us,
        request_id: None,
        duration_ms: None,
        billed_duration_ms: None,
        init_duration_ms: None,
        restore_duration_ms: None,
        billed_restore_duration_ms: None,
        reported_memory_mb: None,
        max_memory_used_mb: None,
        client_latency_ms,
        status: Status::Ok,
        error_type: None,
        error_message: None,
        runtime_version: None,
        observed_cold: None,
    };
    let out = match result {
        Ok(out) => out,
        Err(e) => {
            let throttled = e
                .as_service_error()
                .is_some_and(|s| s.is_too_many_requests_exception());
            row.status = if throttled {
                Status::Throttled
            } else {
                Status::ClientError
            };
            row.error_type = e
                .as_service_error()
                .and_then(|s| aws_sdk_lambda::error::ProvideErrorMetadata::code(s))
                .map(str::to_string);
            row.error_message = Some(truncate(&sdk_message(&e)));
            return row;
        }
    };
    let log = out
        .log_result()
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    match parse_log(&log) {
        Ok(summary) => {
            let r = summary.report;
            row.request_id = Some(r.request_id.clone());
            row.duration_ms = Some(r.duration_ms);
            row.billed_duration_ms = Some(r.billed_duration_ms);
            row.init_duration_ms = r.init_duration_ms;
            row.restore_duration_ms = r.restore_duration_ms;
            row.billed_restore_duration_ms = r.billed_restore_duration_ms;
            row.reported_memory_mb = Some(r.memory_size_mb);
            row.max_memory_used_mb = Some(r.max_memory_used_mb);
            row.observed_cold = Some(r.is_cold());
            row.runtime_version = summary.init_start.map(|i| i.runtime_version);
            if r.status.as_deref() == Some("timeout") {
                row.status = Status::Timeout;
            }
        }
        Err(e) => {
            row.status = Status::ClientError;
            row.error_type = Some("MalformedReport".into());
            row.error_message = Some(truncate(&e.to_string()));
        }
    }
    if out.function_error().is_some() {
        if row.status == Status::Ok {
            row.status = Status::Error;
        }
        let payload: serde_json::Value = out
            .payload()
            .and_then(|p| serde_json::from_slice(p.as_ref()).ok())
            .unwrap_or_default();
        row.error_type = payload["errorType"]
            .as_str()
            .map(str::to_string)
            .or(row.error_type);
        row.error_message = payload["errorMessage"].as_str().map(truncate);
    }
    row
}

fn truncate(s: &str) -> String {
    s.chars().take(1000).collect()
}
