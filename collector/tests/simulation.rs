//! The scheduler against a simulated Lambda in paused tokio time: the production plan (294
//! cells, 100 cold + 500 warm each) must finish within 1.2× of the plan's lower bound and in
//! about an hour, without ever tripping a quota.
//!
//! The simulated Lambda keeps per-function execution environments (a configuration change
//! retires them; an invoke reuses an idle current one or starts a new one with an Init
//! Duration), takes 1-2 s for an update to reach Successful, answers 409 to an update while
//! one is in progress, 429 to control-plane calls above 15/s and to invocations above the
//! account concurrency, and writes real REPORT lines that the collector parses. Durations
//! follow the estimate's model with ±5 % noise (init ±20 %).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use lambench_collector::estimate::{Platform, allocate_parallelism, init_ms, scaled_ms};
use lambench_collector::manifest::{Manifest, RunSettings};
use lambench_collector::{
    ApiError, CellRound, ErrorKind, Filters, FunctionConfig, Invoked, LambdaApi, Limits, Plan,
    Progress, RunEnd, RunOptions, Sink, UpdateStatus,
};
use lambench_model::record::{Invocation, StartType};
use lambench_model::rng::SplitMix64;
use lambench_model::{FunctionSpec, Matrix};
use lambench_store::Location;
use object_store::memory::InMemory;
use tokio::time::Instant;

struct Env {
    version: u64,
    busy: bool,
    /// Invocations served so far, the handler's `environment.invocation`.
    served: u32,
}

struct Function {
    spec: FunctionSpec,
    network: bool,
    /// `bench.toml`'s expected Duration at one full vCPU.
    full_cpu_ms: f64,
    memory_mb: u32,
    version: u64,
    settled_at: Instant,
    envs: Vec<Env>,
}

#[derive(Default)]
struct Stats {
    invocations: u64,
    in_flight: u32,
    peak_in_flight: u32,
    control_calls: Vec<Instant>,
    quota_violations: u32,
}

struct SimLambda {
    functions: Mutex<HashMap<String, Function>>,
    stats: Mutex<Stats>,
    rng: Mutex<SplitMix64>,
    account_concurrency: u32,
}

impl SimLambda {
    fn new(matrix: &Matrix, account_concurrency: u32) -> Self {
        let functions = matrix
            .default_run()
            .into_iter()
            .map(|spec| {
                let workload = &matrix.workloads[&spec.workload];
                let f = Function {
                    spec: spec.clone(),
                    network: workload.uses_dynamodb,
                    full_cpu_ms: workload.expected_ms[&spec.language],
                    memory_mb: 128,
                    version: 0,
                    settled_at: Instant::now(),
                    envs: Vec::new(),
                };
                (spec.name, f)
            })
            .collect();
        SimLambda {
            functions: Mutex::new(functions),
            stats: Mutex::new(Stats::default()),
            rng: Mutex::new(SplitMix64::new(7)),
            account_concurrency,
        }
    }

    fn noise(&self, spread: f64) -> f64 {
        1.0 + spread * (2.0 * self.rng.lock().unwrap().next_f64() - 1.0)
    }

    /// 15 control-plane calls per second, measured over the last second, as Lambda does.
    fn control_call(&self) -> Result<(), ApiError> {
        let mut s = self.stats.lock().unwrap();
        let now = Instant::now();
        s.control_calls
            .retain(|t| now.duration_since(*t) < Duration::from_secs(1));
        if s.control_calls.len() >= 15 {
            s.quota_violations += 1;
            return Err(ApiError::new(
                ErrorKind::Throttled,
                Some("TooManyRequestsException"),
                "Rate exceeded",
            ));
        }
        s.control_calls.push(now);
        Ok(())
    }
}

impl LambdaApi for SimLambda {
    async fn configuration(&self, function: &str) -> Result<FunctionConfig, ApiError> {
        tokio::time::sleep(Duration::from_millis(40)).await;
        self.control_call()?;
        let fs = self.functions.lock().unwrap();
        let f = &fs[function];
        Ok(FunctionConfig {
            memory_mb: f.memory_mb,
            variables: HashMap::from([("DYNAMODB_TABLE_NAME".into(), "t".into())]),
        })
    }

    async fn update_configuration(
        &self,
        function: &str,
        memory_mb: u32,
        variables: &HashMap<String, String>,
    ) -> Result<(), ApiError> {
        tokio::time::sleep(Duration::from_millis(80)).await;
        self.control_call()?;
        assert_eq!(
            variables.get("DYNAMODB_TABLE_NAME").map(String::as_str),
            Some("t"),
            "variables merged, not replaced"
        );
        let settle = Duration::from_secs_f64(1.5 * self.noise(0.33));
        let mut fs = self.functions.lock().unwrap();
        let f = fs.get_mut(function).unwrap();
        if Instant::now() < f.settled_at {
            return Err(ApiError::new(
                ErrorKind::Conflict,
                Some("ResourceConflictException"),
                "update in progress",
            ));
        }
        f.memory_mb = memory_mb;
        f.version += 1;
        f.settled_at = Instant::now() + settle;
        f.envs.retain(|e| e.busy);
        Ok(())
    }

    async fn update_status(&self, function: &str) -> Result<UpdateStatus, ApiError> {
        tokio::time::sleep(Duration::from_millis(30)).await;
        let fs = self.functions.lock().unwrap();
        Ok(if Instant::now() < fs[function].settled_at {
            UpdateStatus::InProgress
        } else {
            UpdateStatus::Successful
        })
    }

    async fn invoke(&self, function: &str, _payload: &[u8]) -> Result<Invoked, ApiError> {
        tokio::time::sleep(Duration::from_millis(8)).await;
        {
            let mut s = self.stats.lock().unwrap();
            if s.in_flight >= self.account_concurrency {
                s.quota_violations += 1;
                return Err(ApiError::new(
                    ErrorKind::Throttled,
                    Some("TooManyRequestsException"),
                    "Rate exceeded",
                ));
            }
            s.in_flight += 1;
            s.invocations += 1;
            s.peak_in_flight = s.peak_in_flight.max(s.in_flight);
        }
        let (slot, cold, duration, init, memory, (version, served)) = {
            let mut fs = self.functions.lock().unwrap();
            let f = fs.get_mut(function).unwrap();
            let version = f.version;
            let idle = f.envs.iter().position(|e| !e.busy && e.version == version);
            let cold = idle.is_none();
            let slot = idle.unwrap_or_else(|| {
                f.envs.push(Env {
                    version,
                    busy: false,
                    served: 0,
                });
                f.envs.len() - 1
            });
            f.envs[slot].busy = true;
            f.envs[slot].served += 1;
            let served = f.envs[slot].served;
            let d = scaled_ms(f.full_cpu_ms, f.network, f.memory_mb) * self.noise(0.05);
            let init = if cold {
                init_ms(&f.spec) * self.noise(0.2)
            } else {
                0.0
            };
            (slot, cold, d, init, f.memory_mb, (version, served))
        };
        tokio::time::sleep(Duration::from_secs_f64((duration + init) / 1000.0)).await;
        {
            let mut fs = self.functions.lock().unwrap();
            if let Some(e) = fs.get_mut(function).unwrap().envs.get_mut(slot) {
                e.busy = false;
            }
            self.stats.lock().unwrap().in_flight -= 1;
        }
        tokio::time::sleep(Duration::from_millis(7)).await;
        let init_field = if cold {
            format!("\tInit Duration: {init:.2} ms")
        } else {
            String::new()
        };
        let log_tail = format!(
            "REPORT RequestId: {}\tDuration: {duration:.2} ms\tBilled Duration: {} ms\tMemory Size: {memory} MB\tMax Memory Used: 60 MB{init_field}\t\n",
            uuid_like(&self.rng),
            (duration + init).ceil() as i64,
        );
        // The handlers' environment report (docs/handler-contract.md); environments are never
        // removed from `envs` while busy, so (version, slot) names one.
        let payload = serde_json::json!({
            "success": true,
            "environment": {
                "id": format!("{function}/{version}/{slot}"),
                "invocation": served,
                "cpuinfo": {"CPU implementer": "0x41", "CPU part": "0xd0c", "Features": "fp asimd sha2 atomics"},
            },
        });
        Ok(Invoked {
            log_tail,
            function_error: None,
            payload: payload.to_string().into_bytes(),
        })
    }
}

/// What the test checks of each row, captured as the collector reports it.
#[derive(Default)]
struct Recorder {
    rows: Mutex<Vec<(String, u32, Invocation)>>,
}

impl Progress for Recorder {
    fn invocation(&self, round: &CellRound, row: &Invocation) {
        let part = round.cell.part();
        self.rows
            .lock()
            .unwrap()
            .push((part, round.round, row.clone()));
    }
}

fn uuid_like(rng: &Mutex<SplitMix64>) -> String {
    let mut r = rng.lock().unwrap();
    format!("{:016x}-{:016x}", r.next_u64(), r.next_u64())
}

#[tokio::test(start_paused = true)]
async fn production_plan_fits_within_1_2x_of_its_lower_bound() {
    let matrix = Matrix::builtin().unwrap();
    let mode = matrix.mode("production").unwrap();
    let plan = Plan::new(
        &matrix,
        "production",
        mode,
        &matrix.default_run(),
        &Filters::default(),
        42,
    );
    assert_eq!(plan.cells.len(), 294);
    let (concurrency, control_rate) = (900, 15.0);
    let parallelism = allocate_parallelism(&plan, concurrency, 100);
    let est = Platform::aws().estimate(&plan, &parallelism, concurrency, control_rate, "us-east-1");
    let sequential = Platform::aws().estimate(
        &plan,
        &parallelism.keys().map(|k| (k.clone(), 1)).collect(),
        1,
        control_rate,
        "us-east-1",
    );

    let api = SimLambda::new(&matrix, 1000);
    let location = Location {
        display: "memory://".into(),
        url: url::Url::parse("memory:///").unwrap(),
        store: std::sync::Arc::new(InMemory::new()),
        prefix: object_store::path::Path::from("data"),
    };
    let settings = RunSettings {
        backend: lambench_model::Backend::Aws,
        region: None,
        target: "simulated".into(),
        parallelism: parallelism.clone(),
        concurrency,
        control_rate,
    };
    let manifest = Manifest::new("sim", plan.clone(), settings);
    let sink = Sink::create(location, manifest, None).await.unwrap();
    let limits = Limits::new(
        control_rate,
        lambench_collector::policy::GET_FUNCTION_RATE,
        concurrency,
    );
    // Lambda simulated: the AWS backend's policy.
    let options = RunOptions {
        run_id: "sim".into(),
        backend: lambench_model::Backend::Aws,
        poll_interval: lambench_collector::policy::poll_interval(lambench_model::Backend::Aws),
        ..RunOptions::default()
    };
    let start = Instant::now();
    let recorder = Recorder::default();
    let end = lambench_collector::run(
        &api,
        &sink,
        &options,
        &limits,
        &recorder,
        std::future::pending(),
    )
    .await
    .unwrap();
    let makespan = start.elapsed().as_secs_f64();
    let RunEnd::Complete(counts) = end else {
        panic!("not complete: {end:?}")
    };

    let lb = est.lower_bound_s();
    let stats = api.stats.lock().unwrap();
    println!(
        "simulated production run: {} invocations, {:.1} invocation-hours, estimated Lambda cost ${:.2} (us-east-1); longest function {} {:.1} h sequential",
        stats.invocations,
        sequential.busy_s / 3600.0,
        est.cost_usd,
        sequential.longest_function,
        sequential.longest_sequential_s / 3600.0,
    );
    println!(
        "makespan {:.1} min; lower bound {:.1} min ({}; control {:.1} min, concurrency {:.1} min, path {:.1} min); ratio {:.3}; peak concurrency {}",
        makespan / 60.0,
        lb / 60.0,
        est.binding(),
        est.control_bound_s / 60.0,
        est.concurrency_bound_s / 60.0,
        est.path_bound_s / 60.0,
        makespan / lb,
        stats.peak_in_flight,
    );
    assert_eq!(stats.quota_violations, 0, "the limiters kept every quota");
    assert_eq!(counts.throttled, 0);
    assert_eq!(
        counts.cold_came_back_warm, 0,
        "every cold batch started cold"
    );
    assert_eq!(
        counts.rows as u64,
        plan.invocations(&parallelism),
        "every planned invocation is a row"
    );
    assert_eq!(stats.invocations, counts.rows as u64);
    assert!(
        makespan >= lb * 0.95,
        "the lower bound (of mean durations) holds within noise: {makespan} < {lb}"
    );
    assert!(
        makespan <= 1.2 * lb,
        "makespan {makespan:.0} s is over 1.2x the lower bound {lb:.0} s"
    );
    assert!(
        makespan <= 3600.0 * 1.1,
        "production run takes about an hour at most: {makespan:.0} s"
    );
    drop(stats);
    check_environments(&recorder.rows.lock().unwrap(), &plan);
}

/// Every row knows where it ran; a warm sample never ran on an environment's first invocation
/// (only cold samples and warm-ups do); each cell's warm samples come from at least 2
/// environments, every round's from environments of their own.
fn check_environments(rows: &[(String, u32, Invocation)], plan: &Plan) {
    let mut warm_envs: HashMap<&str, HashMap<u32, std::collections::BTreeSet<&str>>> =
        HashMap::new();
    for (part, round, row) in rows {
        let env = &row.environment;
        let id = env.id.as_deref().expect("environment id on every row");
        assert_eq!(env.cpu_model.as_deref(), Some("Neoverse-N1"));
        assert_eq!(row.round, Some(*round as i32));
        assert!(row.batch_size.is_some_and(|b| b >= 1));
        let first = env.invocation == Some(1);
        let cold_or_warmup = row.start_type == StartType::Cold || row.is_warmup;
        assert_eq!(first, cold_or_warmup, "{part} r{round}: {row:?}");
        if row.start_type == StartType::Warm && !row.is_warmup {
            warm_envs
                .entry(part)
                .or_default()
                .entry(*round)
                .or_default()
                .insert(id);
        }
    }
    assert_eq!(
        warm_envs.len(),
        plan.cells.len(),
        "every cell has warm samples"
    );
    for (part, rounds) in warm_envs {
        assert_eq!(rounds.len(), plan.mode.rounds as usize, "{part}");
        let all: std::collections::BTreeSet<_> = rounds.values().flatten().collect();
        let per_round: usize = rounds.values().map(|e| e.len()).sum();
        assert_eq!(all.len(), per_round, "{part}: rounds share no environment");
        assert!(all.len() >= 2, "{part}: {} warm environments", all.len());
    }
}
