//! The Invoke API, in the steps Lambda takes: admission (the function, the payload, injected
//! throttles, the function's concurrency), an execution environment (a warm one from the pool,
//! else a new process in a cgroup of its own), dispatch under the timeout, then the pool again,
//! the function's log with its REPORT line, and the response. A request refused on the way is
//! a [`Refusal`], which renders as Lambda's error response.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

use super::{App, BusyGuard, Function, arn, aws_error, not_found, passthrough_env, throttled};
use crate::environment::Environment;
use crate::logs::{self, Measured};
use crate::shared::{Exit, Outcome, Pending};
use crate::validate::ApiError;

/// Why an invocation was refused before it reached a function.
enum Refusal {
    NotFound(String),
    BadPayload(ApiError),
    Throttled,
    /// The emulator itself failed (Lambda's `ServiceException`).
    Service(String),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::NotFound(name) => not_found(&name),
            Refusal::BadPayload(e) => aws_error(e.status, e.kind, e.message),
            Refusal::Throttled => throttled(),
            Refusal::Service(message) => aws_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "ServiceException",
                message,
            ),
        }
    }
}

pub(super) async fn invoke(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match run(&app, &name, &headers, body).await {
        Ok(response) => response,
        Err(refused) => refused.into_response(),
    }
}

async fn run(app: &App, name: &str, headers: &HeaderMap, body: Bytes) -> Result<Response, Refusal> {
    let f = app
        .functions
        .get(name)
        .cloned()
        .ok_or_else(|| Refusal::NotFound(name.to_string()))?;
    let _busy = admit(app, &f, &body)?;
    let config = Snapshot::of(&f)?;
    let (env, cold) = environment(app, &f, &config).await?;
    let request_id = uuid::Uuid::new_v4().to_string();
    let ended = dispatch(&env, &request_id, name, body, config.timeout_s).await;
    let init_ms = cold.then(|| init_ms(&env));
    let result = Invocation::of(ended, &request_id, config.timeout_s, &env, init_ms);
    if result.status.is_some() {
        env.kill();
    } else {
        release(&f, &env, config.generation);
    }
    let log = log(&f, &env, &request_id, &result, config.memory_mb);
    Ok(response(headers, &request_id, &log, result))
}

/// Counts the invoke and lets it in, unless a throttle is injected or the function already
/// runs as many invocations as the emulator allows: the guard counts it busy until dropped.
fn admit<'f>(app: &App, f: &'f Function, body: &[u8]) -> Result<BusyGuard<'f>, Refusal> {
    crate::validate::payload(body).map_err(Refusal::BadPayload)?;
    app.invokes.fetch_add(1, Ordering::SeqCst);
    if app.chance(app.options.faults.throttle) {
        return Err(Refusal::Throttled);
    }
    if f.busy.fetch_add(1, Ordering::SeqCst) >= app.options.max_concurrency {
        f.busy.fetch_sub(1, Ordering::SeqCst);
        return Err(Refusal::Throttled);
    }
    Ok(BusyGuard(&f.busy))
}

/// The function's configuration as this invocation sees it.
struct Snapshot {
    memory_mb: u32,
    timeout_s: u32,
    env: BTreeMap<String, String>,
    generation: u64,
}

impl Snapshot {
    fn of(f: &Function) -> Result<Snapshot, Refusal> {
        f.config
            .lock()
            .map(|c| Snapshot {
                memory_mb: c.memory_mb,
                timeout_s: c.timeout_s,
                env: c.env.clone(),
                generation: c.generation,
            })
            .map_err(|_| Refusal::Service("lock".into()))
    }
}

/// A warm environment of the current configuration from the pool (older or dead ones are
/// ended on the way), else a new one: the environment, and whether it is a cold start.
async fn environment(
    app: &App,
    f: &Function,
    config: &Snapshot,
) -> Result<(Arc<Environment>, bool), Refusal> {
    let warm = f.idle.lock().ok().and_then(|mut idle| {
        while let Some((e, _)) = idle.pop() {
            if e.generation == config.generation && e.shared.dead.borrow().is_none() {
                return Some(e);
            }
            e.kill();
        }
        None
    });
    if let Some(e) = warm {
        return Ok((e, false));
    }
    Ok((spawn(app, f, config).await?, true))
}

/// A new execution environment: the handler's process in a cgroup of its own (when the
/// emulator scales CPU and memory), watched until it exits.
async fn spawn(app: &App, f: &Function, config: &Snapshot) -> Result<Arc<Environment>, Refusal> {
    let mut vars: BTreeMap<String, String> = passthrough_env();
    vars.extend(config.env.clone());
    let group = app
        .cgroups
        .as_ref()
        .map(|c| c.create(config.memory_mb))
        .transpose()
        .map_err(|e| Refusal::Service(format!("cannot create the environment's cgroup: {e}")))?;
    let e = Environment::spawn(
        &f.def,
        &app.bootstrap_dir,
        config.memory_mb,
        &vars,
        config.generation,
        group,
    )
    .await
    .map_err(|e| Refusal::Service(format!("cannot start {}: {e}", f.def.program.display())))?;
    let e = Arc::new(e);
    e.watch_exit();
    Ok(e)
}

/// How an invocation ended, seen from outside the environment.
enum Ended {
    Finished(Outcome),
    TimedOut,
    Exited(Exit),
}

/// Hands the event to the environment and waits for its answer, its exit or the timeout.
async fn dispatch(
    env: &Environment,
    request_id: &str,
    name: &str,
    body: Bytes,
    timeout_s: u32,
) -> Ended {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let (reply, outcome) = tokio::sync::oneshot::channel();
    let pending = Pending {
        request_id: request_id.to_string(),
        event: if body.is_empty() {
            b"{}".to_vec()
        } else {
            body.to_vec()
        },
        deadline_ms: now_ms + u64::from(timeout_s) * 1000,
        function_arn: arn(name),
        reply,
    };
    let mut dead = env.shared.dead.subscribe();
    if env.sender.send(pending).await.is_err() {
        return Ended::Exited(Exit::Lost("environment stopped before the invocation"));
    }
    tokio::select! {
        r = outcome => match r {
            Ok(outcome) => Ended::Finished(outcome),
            Err(_) => Ended::Exited(Exit::Lost("environment dropped the invocation")),
        },
        _ = dead.wait_for(Option::is_some) => {
            let exit = env.shared.dead.borrow().clone();
            Ended::Exited(exit.unwrap_or(Exit::Lost("environment stopped")))
        }
        _ = tokio::time::sleep(Duration::from_secs(u64::from(timeout_s))) => Ended::TimedOut,
    }
}

/// A cold start's Init Duration: what the runtime reported at its first `next`, else the
/// environment's age.
fn init_ms(env: &Environment) -> f64 {
    env.shared
        .init_ms
        .lock()
        .ok()
        .and_then(|i| *i)
        .unwrap_or_else(|| env.shared.started.elapsed().as_secs_f64() * 1000.0)
}

/// What the invocation returns and what its REPORT line says.
struct Invocation {
    /// A cold start's Init Duration; `None` for a warm start.
    init_ms: Option<f64>,
    /// Max Memory Used.
    peak_mb: i32,
    /// The REPORT line's `Status` (`timeout`, `error`); `None` when the runtime answered.
    status: Option<&'static str>,
    error_type: Option<&'static str>,
    duration_ms: f64,
    /// `x-amz-function-error: Unhandled`.
    function_error: bool,
    body: Vec<u8>,
}

impl Invocation {
    /// The invocation as it `ended` in `env` (its peak memory read now, before any kill).
    fn of(
        ended: Ended,
        request_id: &str,
        timeout_s: u32,
        env: &Environment,
        init_ms: Option<f64>,
    ) -> Invocation {
        let failed = |kind: &str, message: String| {
            json!({"errorType": kind, "errorMessage": message})
                .to_string()
                .into_bytes()
        };
        let (status, error_type, duration_ms, function_error, body) = match ended {
            Ended::Finished(Outcome::Response { body, duration_ms }) => {
                (None, None, duration_ms, false, body)
            }
            Ended::Finished(Outcome::FunctionError { body, duration_ms }) => {
                (None, None, duration_ms, true, body)
            }
            Ended::TimedOut => {
                let message = format!(
                    "RequestId: {request_id} Error: Task timed out after {timeout_s}.00 seconds"
                );
                let body = failed("Sandbox.Timedout", message);
                (
                    Some("timeout"),
                    None,
                    f64::from(timeout_s) * 1000.0,
                    true,
                    body,
                )
            }
            Ended::Exited(exit) => {
                let kind = exit.error_type();
                let elapsed =
                    env.shared.started.elapsed().as_secs_f64() * 1000.0 - init_ms.unwrap_or(0.0);
                let message =
                    format!("RequestId: {request_id} Error: Runtime exited with error: {exit}");
                (
                    Some("error"),
                    Some(kind),
                    elapsed.max(0.0),
                    true,
                    failed(kind, message),
                )
            }
        };
        Invocation {
            init_ms,
            peak_mb: env.peak_rss_mb().unwrap_or(0),
            status,
            error_type,
            duration_ms,
            function_error,
            body,
        }
    }
}

/// Back to the pool, if the function's configuration has not changed since (an environment
/// of an older configuration is ended, as Lambda retires them on an update).
fn release(f: &Function, env: &Arc<Environment>, generation: u64) {
    if env.generation != generation {
        return;
    }
    let current = f.config.lock().map(|c| c.generation).unwrap_or(u64::MAX);
    if current != env.generation {
        env.kill();
    } else if let Ok(mut idle) = f.idle.lock() {
        idle.push((Arc::clone(env), Instant::now()));
    }
}

/// The invocation's log as Lambda writes it: INIT_START on a cold start, START, the
/// function's output, END and REPORT.
fn log(
    f: &Function,
    env: &Environment,
    request_id: &str,
    result: &Invocation,
    memory_mb: u32,
) -> String {
    let mut log = String::new();
    if result.init_ms.is_some() {
        log.push_str(&logs::init_start_line(&f.def.runtime));
        log.push('\n');
    }
    log.push_str(&format!("START RequestId: {request_id} Version: $LATEST\n"));
    for line in env.take_logs() {
        log.push_str(&line);
        log.push('\n');
    }
    log.push_str(&format!("END RequestId: {request_id}\n"));
    log.push_str(&logs::report_line(&Measured {
        request_id,
        duration_ms: result.duration_ms,
        memory_mb,
        max_memory_used_mb: result.peak_mb,
        init_ms: result.init_ms,
        status: result.status,
        error_type: result.error_type,
    }));
    log.push('\n');
    log
}

/// The response: the function's body, and the headers Lambda sets (the log's last 4 KB when
/// asked with `X-Amz-Log-Type: Tail`).
fn response(headers: &HeaderMap, request_id: &str, log: &str, result: Invocation) -> Response {
    let mut out = HeaderMap::new();
    if result.function_error {
        out.insert(
            "x-amz-function-error",
            HeaderValue::from_static("Unhandled"),
        );
    }
    let wants_tail = headers
        .get("x-amz-log-type")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"Tail"));
    if wants_tail {
        let encoded = base64::engine::general_purpose::STANDARD.encode(logs::tail_4k(log));
        if let Ok(v) = HeaderValue::from_str(&encoded) {
            out.insert("x-amz-log-result", v);
        }
    }
    out.insert(
        "x-amz-executed-version",
        HeaderValue::from_static("$LATEST"),
    );
    out.insert(
        "x-amzn-requestid",
        HeaderValue::from_str(request_id).unwrap_or(HeaderValue::from_static("unknown")),
    );
    (StatusCode::OK, out, result.body).into_response()
}
