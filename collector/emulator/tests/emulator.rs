//! The emulator driven by the real aws-sdk-lambda client (only endpoint_url differs from AWS):
//! cold then warm, forced cold starts by configuration change, overlapping invokes, handler
//! errors, timeouts, crashes and update conflicts, for Python and Rust handlers.

use std::path::PathBuf;
use std::time::Duration;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Environment, LogType};
use base64::Engine;
use lambench_emulator::{Emulator, EmulatorOptions};
use lambench_model::Matrix;
use lambench_model::platform_log::{LogSummary, parse_log};
use serde_json::{Value, json};

fn repo() -> PathBuf {
    lambench_testkit::repo_root()
}

/// Builds the Rust handlers (dev profile) once per test binary and returns their folder.
fn rust_bins() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let status = std::process::Command::new(env!("CARGO"))
                .args(["build", "-p", "lambench-handlers", "--bins"])
                .current_dir(repo())
                .status()
                .unwrap();
            assert!(status.success());
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map_or_else(|| repo().join("target"), PathBuf::from);
            target.join("debug")
        })
        .clone()
}

async fn start(timeout_s: u32) -> (Emulator, Client) {
    let options = EmulatorOptions {
        repo: repo(),
        rust_bins: Some(rust_bins()),
        default_timeout_s: Some(timeout_s),
        ..EmulatorOptions::default()
    };
    let emulator = Emulator::start(&Matrix::builtin().unwrap(), options)
        .await
        .unwrap();
    let client = client_for(&emulator);
    (emulator, client)
}

fn client_for(emulator: &Emulator) -> Client {
    let config = aws_sdk_lambda::Config::builder()
        .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
        .region(aws_sdk_lambda::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_lambda::config::Credentials::new(
            "test", "test", None, None, "test",
        ))
        .endpoint_url(emulator.endpoint())
        // Tests observe the service's raw answers: no SDK retries of 429s.
        .retry_config(aws_sdk_lambda::config::retry::RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

fn function(emulator: &Emulator, language: &str, workload: &str) -> Option<String> {
    let found = emulator
        .functions
        .iter()
        .find(|f| f.language.as_str() == language && f.workload == workload)
        .map(|f| f.name.clone());
    if found.is_none() {
        eprintln!(
            "SKIPPED: no {language} runtime on this host for {workload}: {:?}",
            emulator
                .unavailable
                .iter()
                .map(|u| &u.reason)
                .collect::<Vec<_>>()
        );
    }
    found
}

struct Invoked {
    payload: Value,
    function_error: Option<String>,
    log: LogSummary,
}

async fn invoke(client: &Client, name: &str, event: Value) -> Invoked {
    let out = client
        .invoke()
        .function_name(name)
        .log_type(LogType::Tail)
        .payload(Blob::new(event.to_string()))
        .send()
        .await
        .unwrap();
    let log = base64::engine::general_purpose::STANDARD
        .decode(out.log_result().unwrap())
        .unwrap();
    let log = String::from_utf8(log).unwrap();
    Invoked {
        payload: serde_json::from_slice(out.payload().unwrap().as_ref()).unwrap(),
        function_error: out.function_error().map(str::to_string),
        log: parse_log(&log).unwrap_or_else(|e| panic!("{e}: {log}")),
    }
}

/// Waits until the function's last update has finished (LastUpdateStatus: Successful).
async fn wait_updated(client: &Client, name: &str) {
    for _ in 0..100 {
        let c = client
            .get_function()
            .function_name(name)
            .send()
            .await
            .unwrap();
        if c.configuration()
            .and_then(|c| c.last_update_status())
            .map(|s| s.as_str())
            == Some("Successful")
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("update never finished");
}

async fn update_env(client: &Client, name: &str, nonce: &str) {
    let env = Environment::builder()
        .variables("LAMBENCH_NONCE", nonce)
        .build();
    client
        .update_function_configuration()
        .function_name(name)
        .environment(env)
        .send()
        .await
        .unwrap();
    wait_updated(client, name).await;
}

/// The handler's environment report, decoded as the collector does.
fn environment(payload: &Value) -> lambench_model::Environment {
    lambench_model::environment::from_response(payload.to_string().as_bytes(), false)
}

async fn cold_warm_cold(client: &Client, name: &str) {
    let first = invoke(client, name, json!({"iterations": 1000})).await;
    assert_eq!(
        first.payload["digest"],
        "afdc9e20dedd8ffd0c475e7178b275dbb537f47584610da4a506fc3b7436c741"
    );
    assert!(first.log.report.is_cold(), "first invoke must be cold");
    assert!(first.log.init_start.is_some(), "cold start logs INIT_START");
    let second = invoke(client, name, json!({"iterations": 1000})).await;
    assert!(!second.log.report.is_cold(), "second invoke must be warm");
    assert!(second.log.init_start.is_none());
    update_env(client, name, "1").await;
    let third = invoke(client, name, json!({"iterations": 1000})).await;
    assert!(
        third.log.report.is_cold(),
        "a configuration change forces a cold start"
    );
    // Each environment has its own log stream, which the handler reports as its id, and
    // counts its invocations; the CPU is this host's.
    let (e1, e2, e3) = (
        environment(&first.payload),
        environment(&second.payload),
        environment(&third.payload),
    );
    assert_eq!(
        (e1.invocation, e2.invocation, e3.invocation),
        (Some(1), Some(2), Some(1))
    );
    assert_eq!(e1.id, e2.id);
    assert_ne!(e1.id, e3.id, "a new environment, a new log stream");
    let id = e1.id.clone().unwrap_or_default();
    let (date, stream) = id
        .split_once("/[$LATEST]")
        .expect("Lambda's log stream format");
    assert_eq!(date.len(), "2026/11/30".len(), "{id}");
    assert!(
        stream.len() == 32 && stream.chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );
    assert!(
        e1.cpu_model.is_some() && e1.cpu_features.is_some(),
        "{e1:?}"
    );
    assert!(
        third.log.report.billed_duration_ms as f64
            >= third.log.report.duration_ms + third.log.report.init_duration_ms.unwrap() - 1.0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn python_cold_warm_and_forced_cold() {
    let (emulator, client) = start(30).await;
    let Some(name) = function(&emulator, "python", "cpu-intensive") else {
        return;
    };
    cold_warm_cold(&client, &name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rust_cold_warm_and_forced_cold() {
    let (emulator, client) = start(30).await;
    let name =
        function(&emulator, "rust", "cpu-intensive").expect("Rust handlers are always buildable");
    cold_warm_cold(&client, &name).await;
}

/// Whether a process runs (a zombie waiting to be reaped does not).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn stopping_the_emulator_ends_its_handlers_and_removes_its_folder() {
    let (emulator, client) = start(30).await;
    let name =
        function(&emulator, "rust", "cpu-intensive").expect("Rust handlers are always buildable");
    let out = invoke(&client, &name, json!({"iterations": 1000})).await;
    assert_eq!(out.function_error, None, "{:?}", out.payload);
    let pids = emulator.idle_pids();
    assert_eq!(pids.len(), 1, "one warm environment after one invoke");
    assert!(running(pids[0]));
    let dir = emulator.scratch_dir().to_path_buf();
    assert!(dir.is_dir());
    drop(emulator);
    for _ in 0..100 {
        if !running(pids[0]) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        !running(pids[0]),
        "handler {} outlived its emulator",
        pids[0]
    );
    assert!(!dir.exists(), "{} left behind", dir.display());
}

#[tokio::test(flavor = "multi_thread")]
async fn node_cold_warm_and_forced_cold() {
    let (emulator, client) = start(30).await;
    let Some(name) = function(&emulator, "nodejs", "cpu-intensive") else {
        return;
    };
    cold_warm_cold(&client, &name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn overlapping_invokes_get_their_own_environments() {
    let (emulator, client) = start(30).await;
    let Some(name) = function(&emulator, "python", "cpu-intensive") else {
        return;
    };
    let calls = (0..3).map(|_| invoke(&client, &name, json!({"iterations": 300000})));
    let results = futures::future::join_all(calls).await;
    assert!(
        results.iter().all(|r| r.log.report.is_cold()),
        "three overlapping invokes, three environments"
    );
    let ids: std::collections::BTreeSet<_> = results
        .iter()
        .map(|r| r.log.report.request_id.clone())
        .collect();
    assert_eq!(ids.len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn handler_error_timeout_crash_and_conflict() {
    let (emulator, client) = start(2).await;
    let rust_cpu = function(&emulator, "rust", "cpu-intensive").unwrap();
    // Handler error: FunctionError set, the contract body in the payload.
    let bad = invoke(&client, &rust_cpu, json!({"iterations": 0})).await;
    assert_eq!(bad.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(bad.payload["errorType"], "WorkloadError");
    assert!(
        bad.payload["errorMessage"]
            .as_str()
            .unwrap()
            .contains("\"success\":false")
    );
    // The environment survives a handled error: the next invoke is warm.
    let after = invoke(&client, &rust_cpu, json!({"iterations": 1})).await;
    assert!(!after.log.report.is_cold());

    // Timeout: a 2 s limit and ~10 M hashes in a debug build.
    let slow = invoke(&client, &rust_cpu, json!({"iterations": 10_000_000})).await;
    assert_eq!(slow.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(slow.payload["errorType"], "Sandbox.Timedout");
    assert_eq!(slow.log.report.status.as_deref(), Some("timeout"));
    // The killed environment is gone: the next invoke is cold, and the service is healthy.
    let next = invoke(&client, &rust_cpu, json!({"iterations": 1})).await;
    assert!(next.log.report.is_cold());

    // Crash: the Rust light bootstrap exits at init without DYNAMODB_TABLE_NAME.
    let light = function(&emulator, "rust", "light").unwrap();
    let crash = invoke(&client, &light, json!({})).await;
    assert_eq!(crash.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(crash.payload["errorType"], "Runtime.ExitError");
    assert_eq!(crash.log.report.status.as_deref(), Some("error"));

    // Conflict: a second update while the first is in progress is a 409.
    let env = Environment::builder().variables("AB", "1").build();
    client
        .update_function_configuration()
        .function_name(&rust_cpu)
        .environment(env.clone())
        .send()
        .await
        .unwrap();
    let err = client
        .update_function_configuration()
        .function_name(&rust_cpu)
        .environment(env)
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_resource_conflict_exception());

    // Unknown function: ResourceNotFoundException.
    let err = client
        .invoke()
        .function_name("nope")
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_resource_not_found_exception());
}

async fn set_memory(client: &Client, name: &str, memory_mb: i32) {
    client
        .update_function_configuration()
        .function_name(name)
        .memory_size(memory_mb)
        .send()
        .await
        .unwrap();
    wait_updated(client, name).await;
    let c = client
        .get_function_configuration()
        .function_name(name)
        .send()
        .await
        .unwrap();
    assert_eq!(c.memory_size(), Some(memory_mb));
}

/// Warm REPORT Duration of one invoke at a memory size (a cold invoke first, not measured).
async fn warm_duration(client: &Client, name: &str, memory_mb: i32, event: Value) -> f64 {
    set_memory(client, name, memory_mb).await;
    let cold = invoke(client, name, event.clone()).await;
    assert!(cold.log.report.is_cold());
    assert_eq!(cold.log.report.memory_size_mb, memory_mb);
    let warm = invoke(client, name, event).await;
    assert!(!warm.log.report.is_cold());
    warm.log.report.duration_ms
}

#[tokio::test(flavor = "multi_thread")]
async fn cpu_scales_with_memory_and_memory_is_limited() {
    let (emulator, client) = start(120).await;
    if let Err(why) = &emulator.cpu_scaling {
        eprintln!("SKIPPED cpu_scales_with_memory_and_memory_is_limited: {why}");
        return;
    }
    let cpu = function(&emulator, "rust", "cpu-intensive").unwrap();
    let event = json!({"iterations": 100_000});
    let full = warm_duration(&client, &cpu, 1769, event.clone()).await;
    let small = warm_duration(&client, &cpu, 128, event).await;
    eprintln!(
        "cpu-intensive 100k (debug build): {full:.1} ms at 1769 MB, {small:.1} ms at 128 MB, ratio {:.1}",
        small / full
    );
    // 128 MB gets 128/1769 = 7% of a core: expect ~14x; "several times" is the claim tested.
    assert!(
        small / full > 4.0,
        "128 MB should be several times slower: {small} vs {full}"
    );

    // Memory: 200 MiB of i64 cannot fit in 128 MB; the kernel kills it, Lambda-style.
    let mem = function(&emulator, "rust", "memory-intensive").unwrap();
    set_memory(&client, &mem, 128).await;
    let oom = invoke(&client, &mem, json!({"sizeMb": 200})).await;
    assert_eq!(oom.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(
        oom.payload["errorType"], "Runtime.OutOfMemory",
        "{}",
        oom.payload
    );
    assert_eq!(
        oom.log.report.error_type.as_deref(),
        Some("Runtime.OutOfMemory")
    );
    // Max Memory Used is the environment's real peak (the cgroup's, whole process tree).
    set_memory(&client, &mem, 1769).await;
    let ok = invoke(&client, &mem, json!({"sizeMb": 40})).await;
    assert_eq!(ok.payload["count"], 5_242_880);
    let peak = ok.log.report.max_memory_used_mb;
    assert!(
        (40..200).contains(&peak),
        "peak {peak} MB for a 40 MiB array"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_environments_are_retired_and_faults_are_injected() {
    let options = EmulatorOptions {
        repo: repo(),
        rust_bins: Some(rust_bins()),
        idle_timeout: Duration::from_millis(300),
        faults: lambench_emulator::Faults {
            throttle: 0.5,
            conflict: 1.0,
            control_latency: Duration::from_millis(100),
            expire_credentials_after: None,
        },
        ..EmulatorOptions::default()
    };
    let emulator = Emulator::start(&Matrix::builtin().unwrap(), options)
        .await
        .unwrap();
    let client = client_for(&emulator);
    let name = function(&emulator, "rust", "cpu-intensive").unwrap();

    // About half the invokes are throttled (seeded, so the count repeats), each a 429.
    let mut throttled = 0;
    let mut ok = Vec::new();
    for _ in 0..20 {
        let out = client
            .invoke()
            .function_name(&name)
            .log_type(LogType::Tail)
            .payload(Blob::new("{\"iterations\":1}"))
            .send()
            .await;
        match out {
            Ok(o) => ok.push(o),
            Err(e) => {
                assert!(e.into_service_error().is_too_many_requests_exception());
                throttled += 1;
            }
        }
    }
    assert!(
        (5..=15).contains(&throttled),
        "{throttled} of 20 throttled at 50%"
    );
    assert!(!ok.is_empty());

    // Every update conflicts; control-plane calls take at least the injected latency.
    let env = Environment::builder().variables("AB", "1").build();
    let err = client
        .update_function_configuration()
        .function_name(&name)
        .environment(env)
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_resource_conflict_exception());
    let t = std::time::Instant::now();
    client
        .get_function_configuration()
        .function_name(&name)
        .send()
        .await
        .unwrap();
    assert!(t.elapsed() >= Duration::from_millis(100));

    // An environment idle past the timeout is retired: the next successful invoke is cold.
    tokio::time::sleep(Duration::from_millis(800)).await;
    loop {
        if let Ok(o) = client
            .invoke()
            .function_name(&name)
            .log_type(LogType::Tail)
            .payload(Blob::new("{\"iterations\":1}"))
            .send()
            .await
        {
            let log = base64::engine::general_purpose::STANDARD
                .decode(o.log_result().unwrap())
                .unwrap();
            let report = parse_log(&String::from_utf8(log).unwrap()).unwrap().report;
            assert!(
                report.is_cold(),
                "idle environment should have been retired"
            );
            break;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn python_and_node_errors_and_timeouts() {
    let (emulator, client) = start(2).await;
    for lang in ["python", "nodejs"] {
        let Some(cpu) = function(&emulator, lang, "cpu-intensive") else {
            continue;
        };
        let bad = invoke(&client, &cpu, json!({"iterations": 0})).await;
        assert_eq!(bad.function_error.as_deref(), Some("Unhandled"), "{lang}");
        assert_eq!(
            bad.payload["errorType"], "WorkloadError",
            "{lang}: {}",
            bad.payload
        );
        let body: Value =
            serde_json::from_str(bad.payload["errorMessage"].as_str().unwrap()).unwrap();
        assert_eq!(body["success"], false);
        // 10 M chained hashes take well over the 2 s timeout in Python and Node.
        let slow = invoke(&client, &cpu, json!({"iterations": 10_000_000})).await;
        assert_eq!(slow.payload["errorType"], "Sandbox.Timedout", "{lang}");
        assert_eq!(slow.log.report.status.as_deref(), Some("timeout"));
        let next = invoke(&client, &cpu, json!({"iterations": 1})).await;
        assert!(
            next.log.report.is_cold(),
            "{lang}: the timed-out environment was replaced"
        );
        assert_eq!(next.payload["success"], true);
    }
}

/// The API refuses what Lambda refuses, with Lambda's error types, as the SDK sees them.
#[tokio::test(flavor = "multi_thread")]
async fn requests_are_validated_as_lambda_validates_them() {
    let (emulator, client) = start(30).await;
    let name =
        function(&emulator, "rust", "cpu-intensive").expect("Rust handlers are always buildable");
    let too_big = client
        .invoke()
        .function_name(&name)
        .payload(Blob::new(vec![b' '; 6 * 1024 * 1024 + 1]))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(too_big.is_request_too_large_exception(), "{too_big:?}");
    let not_json = client
        .invoke()
        .function_name(&name)
        .payload(Blob::new("{not json"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        not_json.is_invalid_request_content_exception(),
        "{not_json:?}"
    );
    for memory in [127, 10_241] {
        let err = client
            .update_function_configuration()
            .function_name(&name)
            .memory_size(memory)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert_eq!(
            aws_sdk_lambda::error::ProvideErrorMetadata::code(&err),
            Some("ValidationException"),
            "{memory}"
        );
    }
    let reserved = Environment::builder().variables("AWS_REGION", "x").build();
    let err = client
        .update_function_configuration()
        .function_name(&name)
        .environment(reserved)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_value_exception(), "{err:?}");
    // After all that, the function still answers.
    let ok = invoke(&client, &name, json!({"iterations": 1})).await;
    assert_eq!(ok.function_error, None);
}

/// A connection that sends nothing, or only part of a request's headers, is closed after the
/// header-read timeout instead of holding a descriptor forever.
#[tokio::test(flavor = "multi_thread")]
async fn idle_and_half_open_connections_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let options = EmulatorOptions {
        repo: repo(),
        header_read_timeout: Duration::from_millis(300),
        ..EmulatorOptions::default()
    };
    let emulator = Emulator::start(&Matrix::builtin().unwrap(), options)
        .await
        .unwrap();
    let addr = format!("127.0.0.1:{}", emulator.port);
    let mut silent = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut partial = tokio::net::TcpStream::connect(&addr).await.unwrap();
    partial
        .write_all(b"GET /2015-03-31/functions/ HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    for stream in [&mut silent, &mut partial] {
        let mut buf = Vec::new();
        // Closed by the server (EOF, perhaps after a 408), well before the test's own limit.
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buf))
            .await
            .expect("the emulator kept an idle connection open");
        assert!(read.is_ok() || buf.is_empty());
    }
    // A complete request is still answered.
    let client = client_for(&emulator);
    assert!(client.list_functions().send().await.is_ok());
}
