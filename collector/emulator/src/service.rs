//! The Lambda service endpoint: Invoke, GetFunction, GetFunctionConfiguration,
//! UpdateFunctionConfiguration and ListFunctions, as the AWS SDKs call them (restJson1).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lambench_model::Matrix;
use lambench_model::rng::SplitMix64;
use serde_json::{Value, json};

use crate::cgroups::Cgroups;
use crate::environment::Environment;
use crate::functions::{self, FunctionDef, Unavailable};

mod invoke;

/// How to run the emulator.
#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    /// 0 picks a free port.
    pub port: u16,
    /// The checkout holding handlers/.
    pub repo: PathBuf,
    /// Folder of the built Rust handler binaries, if any.
    pub rust_bins: Option<PathBuf>,
    /// How long UpdateFunctionConfiguration stays InProgress.
    pub update_delay: Duration,
    /// Execution environments per function at once; more concurrent invokes get 429.
    pub max_concurrency: usize,
    pub default_memory_mb: u32,
    /// Every function's timeout (s) at start; `None`: each workload's from the matrix, as
    /// deployed.
    pub default_timeout_s: Option<u32>,
    /// Cap each environment's CPU at memory/1769 of a core and its memory at MemorySize.
    pub cpu_scaling: bool,
    /// A warm environment unused this long is retired (Lambda's are, after minutes).
    pub idle_timeout: Duration,
    /// Failures to inject, for tests and demos of the collector's retries.
    pub faults: Faults,
    /// How long a connection may take to send a request's headers (waiting included).
    pub header_read_timeout: Duration,
}

/// Injected failures: fractions in 0..=1 of calls, drawn from a seeded generator so a run
/// is reproducible.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Invokes answered 429 TooManyRequestsException.
    pub throttle: f64,
    /// UpdateFunctionConfiguration calls answered 409 ResourceConflictException.
    pub conflict: f64,
    /// Added to every control-plane call (Get*/Update*/List*).
    pub control_latency: Duration,
    /// After this many invokes, every request is answered 403 ExpiredTokenException, as AWS
    /// does when session credentials expire mid-run.
    pub expire_credentials_after: Option<u64>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            port: 0,
            repo: PathBuf::from("."),
            rust_bins: None,
            update_delay: Duration::from_millis(200),
            max_concurrency: 10,
            default_memory_mb: 1769,
            default_timeout_s: None,
            cpu_scaling: true,
            idle_timeout: Duration::from_secs(600),
            faults: Faults::default(),
            header_read_timeout: Duration::from_secs(30),
        }
    }
}

struct Config {
    memory_mb: u32,
    timeout_s: u32,
    env: BTreeMap<String, String>,
    generation: u64,
    updating: bool,
    last_modified: String,
}

struct Function {
    def: FunctionDef,
    config: Mutex<Config>,
    /// Warm environments and when each last finished an invocation.
    idle: Mutex<Vec<(Arc<Environment>, Instant)>>,
    busy: AtomicUsize,
}

struct App {
    rng: Mutex<SplitMix64>,
    functions: HashMap<String, Arc<Function>>,
    cgroups: Option<Cgroups>,
    bootstrap_dir: PathBuf,
    options: EmulatorOptions,
    /// Invokes received, for `Faults::expire_credentials_after`.
    invokes: AtomicU64,
}

/// A running emulator.
pub struct Emulator {
    pub port: u16,
    pub functions: Vec<FunctionDef>,
    pub unavailable: Vec<Unavailable>,
    /// The cgroup interface giving CPU scaling and memory limits, or why they are off.
    pub cpu_scaling: Result<&'static str, String>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    app: Arc<App>,
}

impl Emulator {
    /// Discovers the runnable functions and starts serving on 127.0.0.1.
    pub async fn start(matrix: &Matrix, options: EmulatorOptions) -> std::io::Result<Emulator> {
        let (defs, unavailable) =
            functions::discover(matrix, &options.repo, options.rust_bins.as_deref());
        sweep_stale_folders();
        // Several emulators may run in one process (tests): each gets its own folder.
        static INSTANCE: AtomicU64 = AtomicU64::new(0);
        let bootstrap_dir = std::env::temp_dir().join(format!(
            "lambench-emulator-{}-{}",
            std::process::id(),
            INSTANCE.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&bootstrap_dir)?;
        std::fs::write(
            bootstrap_dir.join("python_bootstrap.py"),
            functions::PYTHON_BOOTSTRAP,
        )?;
        std::fs::write(
            bootstrap_dir.join("node_bootstrap.mjs"),
            functions::NODE_BOOTSTRAP,
        )?;
        let now = timestamp();
        let functions = defs
            .iter()
            .map(|d| {
                let config = Config {
                    memory_mb: options.default_memory_mb,
                    timeout_s: options.default_timeout_s.unwrap_or(d.timeout_s),
                    env: BTreeMap::new(),
                    generation: 0,
                    updating: false,
                    last_modified: now.clone(),
                };
                let f = Function {
                    def: d.clone(),
                    config: Mutex::new(config),
                    idle: Mutex::new(Vec::new()),
                    busy: AtomicUsize::new(0),
                };
                (d.name.clone(), Arc::new(f))
            })
            .collect();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
        let port = listener.local_addr()?.port();
        let (cgroups, cpu_scaling) = if options.cpu_scaling {
            match Cgroups::detect() {
                Ok(c) => {
                    let version = c.version().describe();
                    (Some(c), Ok(version))
                }
                Err(why) => (None, Err(why)),
            }
        } else {
            (None, Err("CPU scaling off: disabled by option".to_string()))
        };
        let app = Arc::new(App {
            rng: Mutex::new(SplitMix64::new(0x5eed)),
            functions,
            cgroups,
            bootstrap_dir,
            options,
            invokes: AtomicU64::new(0),
        });
        let router = Router::new()
            .route(
                "/2015-03-31/functions/{name}/invocations",
                post(invoke::invoke),
            )
            .route(
                "/2015-03-31/functions/{name}/configuration",
                get(get_configuration).put(update_configuration),
            )
            .route("/2015-03-31/functions/{name}", get(get_function))
            .route("/2015-03-31/functions/", get(list_functions))
            .route("/2015-03-31/functions", get(list_functions))
            // Room above Lambda's 6 MB so a larger payload gets Lambda's error, not axum's.
            .layer(axum::extract::DefaultBodyLimit::max(
                crate::validate::MAX_PAYLOAD_BYTES * 2,
            ))
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&app),
                expired_credentials,
            ));
        tokio::spawn(retire_idle(Arc::clone(&app)));
        let state = Arc::clone(&app);
        let header_timeout = app.options.header_read_timeout;
        let server = tokio::spawn(serve(listener, router.with_state(state), header_timeout));
        Ok(Emulator {
            port,
            functions: defs,
            unavailable,
            cpu_scaling,
            server,
            app,
        })
    }

    /// The endpoint URL for AWS SDK clients.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The folder of the emulator's bootstrap scripts (removed when it stops).
    pub fn scratch_dir(&self) -> &std::path::Path {
        &self.app.bootstrap_dir
    }

    /// The process ids of the idle (warm) environments' handlers, for diagnostics and tests.
    pub fn idle_pids(&self) -> Vec<u32> {
        self.app
            .functions
            .values()
            .filter_map(|f| f.idle.lock().ok())
            .flat_map(|idle| idle.iter().filter_map(|(e, _)| e.pid).collect::<Vec<_>>())
            .collect()
    }

    /// Serves until the server stops.
    pub async fn wait(&mut self) -> std::io::Result<()> {
        (&mut self.server).await.map_err(std::io::Error::other)?
    }
}

/// Stopping the emulator (a clean exit, Ctrl-C, or the end of `collect --local`) ends its
/// handlers and removes its cgroups and temporary folder.
impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
        self.app.shutdown();
    }
}

/// Serves HTTP/1.1 connections: each must send a request's headers within `header_timeout`,
/// waiting for the next request on a kept-alive connection included, so idle and half-open
/// connections are closed instead of piling up until the emulator runs out of descriptors.
async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    header_timeout: Duration,
) -> std::io::Result<()> {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of descriptors, or a connection reset before it was accepted: wait, go on.
            Err(e) if e.kind() != std::io::ErrorKind::InvalidInput => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Removes `lambench-emulator-<pid>-<n>` folders whose emulator is no longer running.
fn sweep_stale_folders() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if crate::cgroups::owner_gone(&name, "lambench-emulator-") {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl App {
    /// Ends every idle environment and removes the temporary folder. Busy environments end
    /// with their invoke (and their group with them), or with the process (PR_SET_PDEATHSIG).
    fn shutdown(&self) {
        for f in self.functions.values() {
            let idle: Vec<_> = f
                .idle
                .lock()
                .map(|mut idle| idle.drain(..).collect())
                .unwrap_or_default();
            for (e, _) in idle {
                e.terminate();
            }
        }
        let _ = std::fs::remove_dir_all(&self.bootstrap_dir);
    }

    /// True with probability `p`, from a fixed seed so injected faults repeat.
    fn chance(&self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        self.rng
            .lock()
            .map(|mut rng| rng.next_f64() < p)
            .unwrap_or(false)
    }

    async fn control_plane_delay(&self) {
        if !self.options.faults.control_latency.is_zero() {
            tokio::time::sleep(self.options.faults.control_latency).await;
        }
    }
}

/// Answers every request 403 ExpiredTokenException once the injected expiry has passed.
async fn expired_credentials(
    State(app): State<Arc<App>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let expired = app
        .options
        .faults
        .expire_credentials_after
        .is_some_and(|n| app.invokes.load(Ordering::SeqCst) >= n);
    if expired {
        return aws_error(
            StatusCode::FORBIDDEN,
            "ExpiredTokenException",
            "The security token included in the request is expired".into(),
        );
    }
    next.run(request).await
}

/// Retires warm environments idle longer than `idle_timeout`, as Lambda does.
async fn retire_idle(app: Arc<App>) {
    let every =
        (app.options.idle_timeout / 4).clamp(Duration::from_millis(20), Duration::from_secs(5));
    loop {
        tokio::time::sleep(every).await;
        for f in app.functions.values() {
            if let Ok(mut idle) = f.idle.lock() {
                idle.retain(|(e, since)| {
                    let keep = since.elapsed() < app.options.idle_timeout;
                    if !keep {
                        e.kill();
                    }
                    keep
                });
            }
        }
    }
}

fn timestamp() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("{secs}")
}

fn arn(name: &str) -> String {
    format!("arn:aws:lambda:local:000000000000:function:{name}")
}

fn aws_error(status: StatusCode, kind: &str, message: String) -> Response {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(kind) {
        headers.insert(HeaderName::from_static("x-amzn-errortype"), v);
    }
    (
        status,
        headers,
        axum::Json(json!({"Type": "User", "message": message})),
    )
        .into_response()
}

fn conflict(name: &str) -> Response {
    let msg = format!(
        "The operation cannot be performed at this time. An update is in progress for resource: {}",
        arn(name)
    );
    aws_error(StatusCode::CONFLICT, "ResourceConflictException", msg)
}

fn throttled() -> Response {
    aws_error(
        StatusCode::TOO_MANY_REQUESTS,
        "TooManyRequestsException",
        "Rate Exceeded.".into(),
    )
}

fn not_found(name: &str) -> Response {
    aws_error(
        StatusCode::NOT_FOUND,
        "ResourceNotFoundException",
        format!("Function not found: {}", arn(name)),
    )
}

fn configuration(f: &Function) -> Value {
    let c = f.config.lock().map(|c| {
        (
            c.memory_mb,
            c.timeout_s,
            c.env.clone(),
            c.updating,
            c.last_modified.clone(),
        )
    });
    let (memory, timeout, env, updating, modified) = c.unwrap_or_default();
    json!({
        "FunctionName": f.def.name,
        "FunctionArn": arn(&f.def.name),
        "Runtime": f.def.runtime,
        "Role": "arn:aws:iam::000000000000:role/lambench-emulator",
        "Handler": f.def.handler,
        "CodeSize": 0,
        "Description": format!("{} on the lambench emulator", f.def.workload),
        "Timeout": timeout,
        "MemorySize": memory,
        "LastModified": modified,
        "Version": "$LATEST",
        "Environment": {"Variables": env},
        "State": "Active",
        "LastUpdateStatus": if updating { "InProgress" } else { "Successful" },
        "PackageType": "Zip",
        "Architectures": [f.def.architecture.as_str()],
    })
}

async fn get_configuration(State(app): State<Arc<App>>, Path(name): Path<String>) -> Response {
    app.control_plane_delay().await;
    match app.functions.get(&name) {
        Some(f) => axum::Json(configuration(f)).into_response(),
        None => not_found(&name),
    }
}

async fn get_function(State(app): State<Arc<App>>, Path(name): Path<String>) -> Response {
    app.control_plane_delay().await;
    match app.functions.get(&name) {
        Some(f) => axum::Json(
            json!({"Configuration": configuration(f), "Code": {"RepositoryType": "Local"}}),
        )
        .into_response(),
        None => not_found(&name),
    }
}

async fn list_functions(State(app): State<Arc<App>>) -> Response {
    app.control_plane_delay().await;
    let mut fns: Vec<Value> = app.functions.values().map(|f| configuration(f)).collect();
    fns.sort_by(|a, b| a["FunctionName"].as_str().cmp(&b["FunctionName"].as_str()));
    axum::Json(json!({"Functions": fns})).into_response()
}

/// Applies MemorySize / Timeout / Environment; retires every warm environment so the next
/// invoke is a real cold start; stays InProgress for `update_delay`.
async fn update_configuration(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    app.control_plane_delay().await;
    let Some(f) = app.functions.get(&name).cloned() else {
        return not_found(&name);
    };
    if app.chance(app.options.faults.conflict) {
        return conflict(&name);
    }
    let update = match crate::validate::config_update(&body) {
        Ok(u) => u,
        Err(e) => return aws_error(e.status, e.kind, e.message),
    };
    {
        let Ok(mut c) = f.config.lock() else {
            return aws_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "ServiceException",
                "lock".into(),
            );
        };
        if c.updating {
            return conflict(&name);
        }
        if let Some(m) = update.memory_mb {
            c.memory_mb = m;
        }
        if let Some(t) = update.timeout_s {
            c.timeout_s = t;
        }
        if let Some(env) = update.env {
            c.env = env;
        }
        c.generation += 1;
        c.updating = true;
        c.last_modified = timestamp();
    }
    if let Ok(mut idle) = f.idle.lock() {
        idle.drain(..).for_each(|(e, _)| e.kill());
    }
    let delay = app.options.update_delay;
    let done = Arc::clone(&f);
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        if let Ok(mut c) = done.config.lock() {
            c.updating = false;
        }
    });
    axum::Json(configuration(&f)).into_response()
}

/// Decrements the busy count however the invocation ends.
struct BusyGuard<'a>(&'a AtomicUsize);
impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Variables an environment gets besides Lambda's own (`Environment::spawn`) and the
/// function's configuration: what Lambda would give it, never the host's credentials.
fn passthrough_env() -> BTreeMap<String, String> {
    handler_env(std::env::vars())
}

/// The default credentials of a local function's "role": a local DynamoDB-compatible server
/// (moto_server, DynamoDB Local) accepts any.
pub const LOCAL_CREDENTIALS: &str = "lambench-local";

/// From the host's variables: `PATH` (to find the runtime); the region; the local DynamoDB
/// endpoint and table the light workload uses (`AWS_ENDPOINT_URL[_DYNAMODB]`,
/// `DYNAMODB_TABLE_NAME`); and as the function's credentials `LAMBENCH_LOCAL_AWS_ACCESS_KEY_ID`
/// / `LAMBENCH_LOCAL_AWS_SECRET_ACCESS_KEY`, or [`LOCAL_CREDENTIALS`]. Lambda gives a function
/// its own role's credentials, never the caller's: the host's `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_PROFILE` and `HOME` (~/.aws) stay out.
fn handler_env(host: impl Iterator<Item = (String, String)>) -> BTreeMap<String, String> {
    let host: BTreeMap<String, String> = host.collect();
    let mut env = BTreeMap::new();
    for key in [
        "PATH",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "DYNAMODB_TABLE_NAME",
    ] {
        if let Some(v) = host.get(key) {
            env.insert(key.to_string(), v.clone());
        }
    }
    let region = host
        .get("AWS_REGION")
        .or_else(|| host.get("AWS_DEFAULT_REGION"))
        .cloned()
        .unwrap_or_else(|| "us-east-1".into());
    env.insert("AWS_REGION".into(), region.clone());
    env.insert("AWS_DEFAULT_REGION".into(), region);
    for key in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
        let value = host
            .get(&format!("LAMBENCH_LOCAL_{key}"))
            .cloned()
            .unwrap_or_else(|| LOCAL_CREDENTIALS.into());
        env.insert(key.into(), value);
    }
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(vars: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        vars.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn handlers_never_get_the_hosts_credentials() {
        let env = handler_env(host(&[
            ("PATH", "/usr/bin"),
            ("HOME", "/root"),
            ("AWS_ACCESS_KEY_ID", "AKIAHOST"),
            ("AWS_SECRET_ACCESS_KEY", "host-secret"),
            ("AWS_SESSION_TOKEN", "host-token"),
            ("AWS_PROFILE", "prod"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("DYNAMODB_TABLE_NAME", "t"),
            ("AWS_REGION", "eu-west-1"),
        ]));
        assert!(!env.values().any(|v| v.contains("host")), "{env:?}");
        for gone in ["HOME", "AWS_SESSION_TOKEN", "AWS_PROFILE"] {
            assert!(!env.contains_key(gone), "{gone}");
        }
        assert_eq!(env["AWS_ACCESS_KEY_ID"], LOCAL_CREDENTIALS);
        assert_eq!(env["AWS_SECRET_ACCESS_KEY"], LOCAL_CREDENTIALS);
        assert_eq!(env["AWS_ENDPOINT_URL"], "http://127.0.0.1:5000");
        assert_eq!(env["DYNAMODB_TABLE_NAME"], "t");
        assert_eq!(env["AWS_REGION"], "eu-west-1");
        assert_eq!(env["PATH"], "/usr/bin");
    }

    #[test]
    fn local_credentials_are_given_explicitly() {
        let env = handler_env(host(&[
            ("AWS_SECRET_ACCESS_KEY", "host-secret"),
            ("LAMBENCH_LOCAL_AWS_ACCESS_KEY_ID", "local-id"),
            ("LAMBENCH_LOCAL_AWS_SECRET_ACCESS_KEY", "local-secret"),
        ]));
        assert_eq!(env["AWS_ACCESS_KEY_ID"], "local-id");
        assert_eq!(env["AWS_SECRET_ACCESS_KEY"], "local-secret");
        assert_eq!(env["AWS_REGION"], "us-east-1");
    }
}
