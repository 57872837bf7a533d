//! Deterministic synthetic invocations, for tests, snapshots and benchmarks of the analyzer and
//! the report (test data only: it lives in the test kit, not in any crate the binary ships).
//!
//! Durations follow a log-normal-like shape per cell with arm64 a little faster for CPU work,
//! a few failures and cold starts with init durations: realistic enough to exercise every
//! column of every query, and identical for a given seed on every machine.

use lambench_model::record::{Environment, Invocation, StartType, Status};
pub use lambench_model::rng::SplitMix64;
use lambench_model::{FunctionSpec, Matrix};

/// Rows for every (function, memory) cell of the matrix's default run: `cold` + `warm`
/// samples each.
pub fn invocations(matrix: &Matrix, cold: u32, warm: u32, seed: u64) -> Vec<Invocation> {
    let mut generator = Generator::new(seed);
    matrix
        .default_run()
        .iter()
        .flat_map(|f| generator.function_rows(matrix, f, cold, warm))
        .collect()
}

/// Generates rows function by function, so large data sets can be written in parts.
#[derive(Debug, Clone)]
pub struct Generator {
    rng: SplitMix64,
    t: i64,
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator {
            rng: SplitMix64::new(seed),
            t: 1_780_000_000_000_000,
        }
    }

    /// `cold` + `warm` rows for each memory size of one function.
    pub fn function_rows(
        &mut self,
        matrix: &Matrix,
        f: &FunctionSpec,
        cold: u32,
        warm: u32,
    ) -> Vec<Invocation> {
        let mut rows = Vec::new();
        for &mem in &matrix.workloads[&f.workload].memory_mb {
            let base = base_ms(&f.workload, f.architecture.as_str(), mem);
            for (start, count) in [(StartType::Cold, cold), (StartType::Warm, warm)] {
                for k in 0..count {
                    self.t += 1_000 + (self.rng.next_u64() % 1_000) as i64;
                    let mut row = sample(f, mem, start, k, self.t, base, &mut self.rng);
                    place(&mut row, k, count);
                    rows.push(row);
                }
            }
        }
        rows
    }
}

/// Rounds of a synthetic cell, and warm environments per round.
const ROUNDS: u32 = 3;
const WARM_LANES: u32 = 2;

/// Where a synthetic sample ran, shaped like a collected run: `ROUNDS` rounds; each cold
/// sample a fresh environment of a batch of 10; warm samples shared by `WARM_LANES`
/// environments per round, from their second invocation on. Uses no randomness, so adding it
/// left every other column (and the snapshots) as they were.
fn place(row: &mut Invocation, k: u32, count: u32) {
    let round = k * ROUNDS / count.max(1);
    let cell = format!("{}-{}", row.function_name, row.memory_mb);
    let (id, invocation, batch) = match row.start_type {
        StartType::Cold => (format!("{cell}-cold-{k}"), 1, count.min(10)),
        StartType::Warm => {
            let lane = k % WARM_LANES;
            let nth = (k - (round * count).div_ceil(ROUNDS)) / WARM_LANES;
            (format!("{cell}-r{round}-w{lane}"), 2 + nth, WARM_LANES)
        }
    };
    let arm = row.architecture == "arm64";
    row.environment = Environment {
        id: Some(id),
        invocation: Some(invocation as i32),
        cpu_model: Some(
            if arm {
                "Neoverse-N1"
            } else {
                "AMD EPYC 7R13 Processor"
            }
            .into(),
        ),
        cpu_features: Some(
            if arm {
                "sha2 asimd atomics"
            } else {
                "sha_ni avx2"
            }
            .into(),
        ),
    };
    row.round = Some(round as i32 + 1);
    row.batch_size = Some(batch as i32);
}

fn base_ms(workload: &str, arch: &str, mem: u32) -> f64 {
    let cpu_share = (f64::from(mem) / 1769.0).min(2.0);
    let work = match workload {
        "cpu-intensive" => 900.0,
        "memory-intensive" => 1_400.0,
        _ => 25.0,
    };
    let arch_factor = if arch == "arm64" { 0.85 } else { 1.0 };
    work * arch_factor / cpu_share
}

fn sample(
    f: &FunctionSpec,
    mem: u32,
    start: StartType,
    k: u32,
    t: i64,
    base: f64,
    rng: &mut SplitMix64,
) -> Invocation {
    // exp of a sum of uniforms: skewed to the right like real latencies.
    let noise = ((rng.next_f64() + rng.next_f64() + rng.next_f64() - 1.5) * 0.2).exp();
    let duration = (base * noise * 1000.0).round() / 1000.0;
    let failed = rng.next_f64() < 0.01;
    let cold = start == StartType::Cold;
    let init = cold.then(|| ((150.0 + 100.0 * rng.next_f64()) * 100.0).round() / 100.0);
    let billed = (duration + init.unwrap_or(0.0)).ceil() as i64;
    Invocation {
        backend: "synthetic".into(),
        region: Some("us-east-2".into()),
        function_name: f.name.clone(),
        runtime: f.runtime.clone(),
        language: f.language.to_string(),
        architecture: f.architecture.as_str().into(),
        workload: f.workload.clone(),
        memory_mb: mem as i32,
        package_type: Some("zip".into()),
        start_type: start,
        sample_index: k as i32,
        attempt: 0,
        is_warmup: false,
        invoked_at_us: t,
        request_id: Some(format!("{:016x}", rng.next_u64())),
        duration_ms: Some(duration),
        billed_duration_ms: Some(billed),
        init_duration_ms: init,
        restore_duration_ms: None,
        billed_restore_duration_ms: None,
        reported_memory_mb: Some(mem as i32),
        max_memory_used_mb: Some(40 + (rng.next_u64() % 20) as i32),
        client_latency_ms: Some(duration + 20.0),
        status: if failed { Status::Error } else { Status::Ok },
        error_type: failed.then(|| "Runtime.ExitError".to_string()),
        error_message: failed.then(|| "process exited <unexpectedly> & \"badly\"".to_string()),
        runtime_version: cold.then(|| format!("{}.v1", f.runtime)),
        observed_cold: Some(cold),
        environment: Environment::default(),
        round: None,
        batch_size: None,
    }
}
