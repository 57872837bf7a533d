//! The per-call steps of a run: forcing a cold start by changing configuration, and one
//! invocation turned into a row.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use lambench_model::platform_log::parse_log;
use lambench_model::record::{Environment, Invocation, StartType, Status};
use lambench_model::{Backend, environment};
use tokio::time::Instant;

use crate::api::{ErrorKind, Invoked, LambdaApi, UpdateStatus};
use crate::error::CollectError;
use crate::limits::Limits;
use crate::plan::{Cell, CellRound};
use crate::progress::Progress;

/// The variable whose new value forces new execution environments.
pub const NONCE_VAR: &str = "LAMBENCH_NONCE";
/// Attempts for a configuration update refused with 409/429 before the run stops.
const MAX_CONFIG_RETRIES: u32 = 30;
/// How long an update may take to reach `Successful`.
const UPDATE_DEADLINE: Duration = Duration::from_secs(300);

/// Settings of a run that every cell needs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub run_id: String,
    /// Session number within the run (1, then +1 per resume): part of every nonce, so a
    /// resumed run never sets a value a crashed session already set.
    pub session: u32,
    pub backend: Backend,
    pub region: Option<String>,
    /// Extra attempts for a cold sample that came back warm (or a warm one that came back cold).
    pub start_retries: u32,
    /// Extra attempts for a throttled invocation.
    pub throttle_retries: u32,
    /// Interval between GetFunction polls while an update settles.
    pub poll_interval: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            run_id: "run".into(),
            session: 1,
            backend: Backend::Local,
            region: None,
            start_retries: 3,
            throttle_retries: 8,
            poll_interval: Duration::from_millis(250),
        }
    }
}

/// Which sample an invocation is.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub start_type: StartType,
    pub index: u32,
    pub attempt: u32,
    pub warmup: bool,
    /// Invocations started together on fresh environments with this one (the cold batch, or
    /// for warm samples the warm-ups that started their lanes' environments).
    pub batch_size: u32,
}

/// Shared state of a run's cells.
pub struct Runner<'a, A: LambdaApi> {
    pub api: &'a A,
    pub limits: &'a Limits,
    pub options: &'a RunOptions,
    pub progress: &'a dyn Progress,
    /// Each function's own variables, read once, so the nonce is merged, never replacing them.
    base_variables: Mutex<HashMap<String, HashMap<String, String>>>,
}

impl<'a, A: LambdaApi> Runner<'a, A> {
    pub fn new(
        api: &'a A,
        limits: &'a Limits,
        options: &'a RunOptions,
        progress: &'a dyn Progress,
    ) -> Self {
        Runner {
            api,
            limits,
            options,
            progress,
            base_variables: Mutex::new(HashMap::new()),
        }
    }

    async fn variables(&self, function: &str) -> Result<HashMap<String, String>, CollectError> {
        if let Some(v) = self.lock_vars().get(function) {
            return Ok(v.clone());
        }
        let mut attempt = 0;
        let config = loop {
            self.limits.control.acquire().await;
            match self.api.configuration(function).await {
                Ok(c) => break c,
                Err(e)
                    if matches!(e.kind, ErrorKind::Throttled | ErrorKind::Transient)
                        && attempt < MAX_CONFIG_RETRIES =>
                {
                    attempt += 1;
                    tokio::time::sleep(self.limits.backoff(attempt)).await;
                }
                Err(e) => return Err(CollectError::api("read the configuration of", function, e)),
            }
        };
        let mut vars = config.variables;
        vars.remove(NONCE_VAR);
        self.lock_vars().insert(function.to_string(), vars.clone());
        Ok(vars)
    }

    fn lock_vars(&self) -> std::sync::MutexGuard<'_, HashMap<String, HashMap<String, String>>> {
        self.base_variables
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Sets the cell's memory and a fresh nonce, then waits for `Successful`: after this no
    /// warm environment of the function is left. Returns how many calls were retried.
    pub async fn force_cold(&self, cell: &Cell, nonce: &str) -> Result<u32, CollectError> {
        let name = &cell.function.name;
        let mut vars = self.variables(name).await?;
        vars.insert(NONCE_VAR.into(), nonce.into());
        let mut retries = 0;
        loop {
            self.limits.control.acquire().await;
            match self
                .api
                .update_configuration(name, cell.memory_mb, &vars)
                .await
            {
                Ok(()) => break,
                Err(e)
                    if matches!(
                        e.kind,
                        ErrorKind::Conflict | ErrorKind::Throttled | ErrorKind::Transient
                    ) && retries < MAX_CONFIG_RETRIES =>
                {
                    retries += 1;
                    let wait = if e.kind == ErrorKind::Conflict {
                        self.limits.conflict_backoff(retries)
                    } else {
                        self.limits.backoff(retries)
                    };
                    tokio::time::sleep(wait).await;
                }
                Err(e) => return Err(CollectError::api("update the configuration of", name, e)),
            }
        }
        let deadline = Instant::now() + UPDATE_DEADLINE;
        loop {
            self.limits.status.acquire().await;
            match self.api.update_status(name).await {
                Ok(UpdateStatus::Successful) => return Ok(retries),
                Ok(UpdateStatus::Failed(reason)) => {
                    return Err(CollectError::Api {
                        action: "update the configuration of",
                        function: name.clone(),
                        message: format!("LastUpdateStatus is Failed: {reason}"),
                    });
                }
                Ok(UpdateStatus::InProgress) => {}
                Err(e) if matches!(e.kind, ErrorKind::Throttled | ErrorKind::Transient) => {
                    retries += 1;
                }
                Err(e) => return Err(CollectError::api("poll the update of", name, e)),
            }
            if Instant::now() > deadline {
                return Err(CollectError::Api {
                    action: "update the configuration of",
                    function: name.clone(),
                    message: format!("still InProgress after {} s", UPDATE_DEADLINE.as_secs()),
                });
            }
            tokio::time::sleep(self.options.poll_interval).await;
        }
    }

    /// One invocation attempt as a row: failures carry their status and error. Expired or
    /// invalid credentials are not a result of the function: they stop the run instead.
    pub async fn invoke(
        &self,
        round: &CellRound,
        event: &str,
        sample: Sample,
    ) -> Result<Invocation, CollectError> {
        let invoked_at_us = chrono::Utc::now().timestamp_micros();
        let t = Instant::now();
        let result = self
            .api
            .invoke(&round.cell.function.name, event.as_bytes())
            .await;
        let client_latency_ms = t.elapsed().as_secs_f64() * 1000.0;
        let mut row = self.blank_row(round, sample, invoked_at_us, client_latency_ms);
        match result {
            Ok(out) => fill_from_response(&mut row, &out),
            Err(e) if e.kind == ErrorKind::Credentials => {
                return Err(CollectError::Credentials { message: e.message });
            }
            Err(e) => {
                row.status = if e.kind == ErrorKind::Throttled {
                    Status::Throttled
                } else {
                    Status::ClientError
                };
                row.error_type = e.code.clone();
                row.error_message = Some(truncate(&e.message));
            }
        }
        self.progress.invocation(round, &row);
        Ok(row)
    }

    fn blank_row(&self, r: &CellRound, s: Sample, invoked_at_us: i64, latency: f64) -> Invocation {
        let cell = &r.cell;
        let f = &cell.function;
        Invocation {
            backend: self.options.backend.as_str().into(),
            region: self.options.region.clone(),
            function_name: f.name.clone(),
            runtime: f.runtime.clone(),
            language: f.language.to_string(),
            architecture: f.architecture.as_str().into(),
            workload: f.workload.clone(),
            memory_mb: cell.memory_mb as i32,
            package_type: Some("zip".into()),
            start_type: s.start_type,
            sample_index: s.index as i32,
            attempt: s.attempt as i32,
            is_warmup: s.warmup,
            invoked_at_us,
            request_id: None,
            duration_ms: None,
            billed_duration_ms: None,
            init_duration_ms: None,
            restore_duration_ms: None,
            billed_restore_duration_ms: None,
            reported_memory_mb: None,
            max_memory_used_mb: None,
            client_latency_ms: Some(latency),
            status: Status::Ok,
            error_type: None,
            error_message: None,
            runtime_version: None,
            observed_cold: None,
            environment: Environment::default(),
            round: Some(r.round as i32),
            batch_size: Some(s.batch_size as i32),
        }
    }
}

/// Fills a row from the REPORT line in the log tail, the environment report in the payload
/// and the function's error payload.
fn fill_from_response(row: &mut Invocation, out: &Invoked) {
    row.environment = environment::from_response(&out.payload, out.function_error.is_some());
    match parse_log(&out.log_tail) {
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
    if out.function_error.is_some() {
        if row.status == Status::Ok {
            row.status = Status::Error;
        }
        let payload: serde_json::Value = serde_json::from_slice(&out.payload).unwrap_or_default();
        row.error_type = payload["errorType"]
            .as_str()
            .map(str::to_string)
            .or_else(|| row.error_type.take())
            .or_else(|| out.function_error.clone());
        row.error_message = payload["errorMessage"].as_str().map(truncate);
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(1000).collect()
}
