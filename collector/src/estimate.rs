//! Expected durations, cost and the schedule's lower bound, before anything runs.
//!
//! The duration model: a workload's duration at 1,769 MB (one full vCPU) per language
//! (`bench.toml`'s `expected_ms`, carried in the [`Plan`]), scaled by the CPU share Lambda
//! gives smaller memory sizes (CPU is proportional to memory below 1,769 MB; the handlers are
//! single-threaded, so more memory does not help above it). Init durations are lambda-perf's
//! published medians. It is an estimate for planning; the data the
//! run collects is what counts.

use std::collections::BTreeMap;

use lambench_model::{FunctionSpec, Language, PriceTable, price};

use crate::plan::{Cell, CellRound, Plan};

/// Seconds an `UpdateFunctionConfiguration` takes to reach `Successful` on AWS.
pub const UPDATE_SETTLE_S: f64 = 1.5;
/// Round trip of an invoke outside the function (client, front end, log tail).
pub const INVOKE_OVERHEAD_S: f64 = 0.015;

/// Expected Duration in ms of one invocation of `f` at `memory_mb` in `plan`.
pub fn duration_ms(plan: &Plan, f: &FunctionSpec, memory_mb: u32) -> f64 {
    scaled_ms(
        plan.expected_ms(f),
        plan.uses_network(&f.workload),
        memory_mb,
    )
}

/// A Duration of `full_cpu_ms` at one full vCPU, at `memory_mb`.
pub fn scaled_ms(full_cpu_ms: f64, uses_network: bool, memory_mb: u32) -> f64 {
    if uses_network {
        // Two DynamoDB round trips: mostly waiting, only a little CPU.
        return full_cpu_ms + 10.0 * cpu_factor(memory_mb);
    }
    full_cpu_ms * cpu_factor(memory_mb)
}

/// Expected Init Duration in ms (lambda-perf medians, rounded).
pub fn init_ms(f: &FunctionSpec) -> f64 {
    match f.language {
        Language::Rust => 20.0,
        Language::Python => 110.0,
        Language::Nodejs => 140.0,
    }
}

/// Slowdown against one full vCPU at `memory_mb`.
pub fn cpu_factor(memory_mb: u32) -> f64 {
    (1769.0 / f64::from(memory_mb.max(1))).max(1.0)
}

/// Work and timing of one cell under a given parallelism.
#[derive(Debug, Clone, Copy, Default)]
pub struct CellCost {
    /// Invocations when nothing fails.
    pub invocations: u64,
    /// Seconds of function execution (the concurrency it occupies).
    pub busy_s: f64,
    /// Billed GB-seconds (Lambda's bill, from the model, whatever the platform).
    pub gb_s: f64,
    /// Control-plane calls (configuration updates).
    pub control_calls: u64,
    /// The cell's critical path: per round, cold batches one after another, then the warm
    /// lanes' warm-ups and their share of the warm samples.
    pub path_s: f64,
}

/// An invocation's client-side seconds measured on earlier runs, cold and warm.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Measured {
    pub cold_s: Option<f64>,
    pub warm_s: Option<f64>,
}

/// Where the functions run, as the estimate sees it: AWS Lambda ([`Platform::aws`]), or this
/// machine's emulator ([`Platform::local`]), whose times depend on this machine's cores and
/// speed and are best taken from its earlier runs.
#[derive(Debug, Clone)]
pub struct Platform {
    /// Seconds from a configuration update to `Successful` (as the collector sees it).
    pub settle_s: f64,
    /// Round trip of an invoke outside the function.
    pub invoke_overhead_s: f64,
    /// Whether Init runs under the memory size's CPU share (the emulator starts the runtime
    /// inside the environment's CPU limit).
    pub init_scales_with_cpu: bool,
    /// Measured times per function name and memory size; cells not in it are modelled.
    pub measured: BTreeMap<String, BTreeMap<u32, Measured>>,
}

impl Platform {
    /// AWS Lambda: the model's durations, lambda-perf's init durations.
    pub fn aws() -> Platform {
        Platform {
            settle_s: UPDATE_SETTLE_S,
            invoke_overhead_s: INVOKE_OVERHEAD_S,
            init_scales_with_cpu: false,
            measured: BTreeMap::new(),
        }
    }

    /// The local emulator: updates settle in `settle_s`; times from `measured` where this
    /// machine has run the cell before, else the model's.
    pub fn local(settle_s: f64, measured: BTreeMap<String, BTreeMap<u32, Measured>>) -> Platform {
        Platform {
            settle_s,
            invoke_overhead_s: LOCAL_INVOKE_OVERHEAD_S,
            init_scales_with_cpu: true,
            measured,
        }
    }

    /// How many of `plan`'s cells have measured times (both kinds).
    pub fn measured_cells(&self, plan: &Plan) -> usize {
        plan.cells
            .iter()
            .filter(|c| {
                self.measured(&c.function.name, c.memory_mb)
                    .is_some_and(|m| m.cold_s.is_some() && m.warm_s.is_some())
            })
            .count()
    }

    fn measured(&self, function: &str, memory_mb: u32) -> Option<&Measured> {
        self.measured.get(function)?.get(&memory_mb)
    }

    /// Seconds of one cold and one warm invocation of `cell`.
    fn times(&self, plan: &Plan, cell: &Cell) -> (f64, f64) {
        let f = &cell.function;
        let d = duration_ms(plan, f, cell.memory_mb) / 1000.0;
        let init = init_ms(f) / 1000.0
            * if self.init_scales_with_cpu {
                cpu_factor(cell.memory_mb)
            } else {
                1.0
            };
        let m = self.measured(&f.name, cell.memory_mb);
        let warm = m.and_then(|m| m.warm_s);
        let cold = m.and_then(|m| m.cold_s);
        (
            cold.unwrap_or(d + init + self.invoke_overhead_s),
            warm.unwrap_or(d + self.invoke_overhead_s),
        )
    }

    /// Cost and critical path of one cell when `parallelism` invocations may run at once.
    pub fn cell_cost(&self, plan: &Plan, cell: &Cell, parallelism: u32) -> CellCost {
        plan.rounds(cell)
            .iter()
            .map(|r| self.round_cost(plan, r, parallelism))
            .fold(CellCost::default(), |a, b| CellCost {
                invocations: a.invocations + b.invocations,
                busy_s: a.busy_s + b.busy_s,
                gb_s: a.gb_s + b.gb_s,
                control_calls: a.control_calls + b.control_calls,
                path_s: a.path_s + b.path_s,
            })
    }

    /// One round: `ceil(cold / p)` cold batches, each after a configuration change; then one
    /// more change and the warm lanes' warm-ups (cold starts, one per lane, started
    /// together), then the warm samples shared by the lanes.
    pub fn round_cost(&self, plan: &Plan, round: &CellRound, parallelism: u32) -> CellCost {
        let cell = &round.cell;
        let (cold_s, warm_s) = self.times(plan, cell);
        let (cold, warm) = (u64::from(round.cold), u64::from(round.warm));
        let lanes = u64::from(round.lanes(parallelism));
        let p = u64::from(parallelism.max(1));
        let batches = cold.div_ceil(p) + u64::from(warm > 0);
        let started_cold = cold + lanes;
        let warm_path = if warm == 0 {
            0.0
        } else {
            cold_s + warm.div_ceil(lanes.max(1)) as f64 * warm_s
        };
        CellCost {
            invocations: cold + lanes + warm,
            busy_s: started_cold as f64 * cold_s + warm as f64 * warm_s,
            gb_s: billed_gb_s(plan, cell, started_cold, warm),
            control_calls: batches,
            path_s: batches as f64 * self.settle_s + cold.div_ceil(p) as f64 * cold_s + warm_path,
        }
    }

    /// The plan's expected totals under per-function `parallelism`, `concurrency` and
    /// `control_rate`; the cost is Lambda's in `region`.
    pub fn estimate(
        &self,
        plan: &Plan,
        parallelism: &BTreeMap<String, u32>,
        concurrency: u32,
        control_rate: f64,
        region: &str,
    ) -> Estimate {
        let mut e = Estimate::default();
        let mut path: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
        let prices = PriceTable;
        for cell in &plan.cells {
            let p = parallelism.get(&cell.function.name).copied().unwrap_or(1);
            let c = self.cell_cost(plan, cell, p);
            e.invocations += c.invocations;
            e.busy_s += c.busy_s;
            e.gb_s += c.gb_s;
            e.control_calls += c.control_calls;
            e.cost_usd += prices
                .compute_cost(
                    cell.function.architecture.as_str(),
                    f64::from(cell.memory_mb),
                    c.gb_s * 1024.0 * 1000.0 / f64::from(cell.memory_mb.max(1)),
                    region,
                )
                .unwrap_or(0.0);
            let entry = path.entry(&cell.function.name).or_default();
            entry.0 += c.path_s;
            entry.1 += self.cell_cost(plan, cell, 1).busy_s;
        }
        let per_request = prices.region(region).map_or(0.2e-6, |r| r.usd_per_request);
        e.cost_usd += e.invocations as f64 * per_request;
        // One GetFunctionConfiguration per function, then the updates.
        e.control_calls += path.len() as u64;
        e.control_bound_s = e.control_calls as f64 / control_rate.max(0.001);
        e.concurrency_bound_s = e.busy_s / f64::from(concurrency.max(1));
        if let Some((name, (p, seq))) = path.iter().max_by(|a, b| a.1.0.total_cmp(&b.1.0)) {
            e.path_bound_s = *p;
            e.longest_function = name.to_string();
            e.longest_sequential_s = *seq;
        }
        e
    }
}

/// Round trip of a local invoke outside the function (measured: client latency minus
/// Duration of warm invocations, about 1 ms).
pub const LOCAL_INVOKE_OVERHEAD_S: f64 = 0.002;

/// Lambda's billed GB-seconds of a round, from the model (the bill is AWS's on any platform).
fn billed_gb_s(plan: &Plan, cell: &Cell, started_cold: u64, warm: u64) -> f64 {
    let f = &cell.function;
    let d = duration_ms(plan, f, cell.memory_mb) / 1000.0 + INVOKE_OVERHEAD_S;
    let init = init_ms(f) / 1000.0;
    let billed_ms = |s: f64| (s * 1000.0).ceil();
    let gb = |s: f64| price::gb_seconds(f64::from(cell.memory_mb), billed_ms(s)).unwrap_or(0.0);
    started_cold as f64 * gb(d + init) + warm as f64 * gb(d)
}

/// [`Platform::cell_cost`] on AWS Lambda.
pub fn cell_cost(plan: &Plan, cell: &Cell, parallelism: u32) -> CellCost {
    Platform::aws().cell_cost(plan, cell, parallelism)
}

/// [`Platform::round_cost`] on AWS Lambda.
pub fn round_cost(plan: &Plan, round: &CellRound, parallelism: u32) -> CellCost {
    Platform::aws().round_cost(plan, round, parallelism)
}

/// The plan's expected totals and the lower bound of any schedule obeying its limits.
#[derive(Debug, Clone, Default)]
pub struct Estimate {
    pub invocations: u64,
    pub busy_s: f64,
    pub gb_s: f64,
    pub cost_usd: f64,
    pub control_calls: u64,
    /// Control-plane calls at the rate limit.
    pub control_bound_s: f64,
    /// Execution seconds over the concurrency budget.
    pub concurrency_bound_s: f64,
    /// The longest per-function critical path at its parallelism.
    pub path_bound_s: f64,
    pub longest_function: String,
    /// Sequential execution seconds of the longest function (what one-at-a-time would take).
    pub longest_sequential_s: f64,
}

impl Estimate {
    /// No schedule can finish sooner than this.
    pub fn lower_bound_s(&self) -> f64 {
        self.control_bound_s
            .max(self.concurrency_bound_s)
            .max(self.path_bound_s)
    }

    /// Which bound binds, for the plan printout.
    pub fn binding(&self) -> &'static str {
        let lb = self.lower_bound_s();
        if lb == self.path_bound_s {
            "longest function path"
        } else if lb == self.concurrency_bound_s {
            "concurrency budget"
        } else {
            "control-plane rate"
        }
    }
}

/// Splits the concurrency budget between functions in proportion to their work, so long
/// functions get more parallel environments and all finish close together. Each gets at
/// most `max_parallelism`, and at least 10 when the budget allows (cold batches of 10 need a
/// tenth of the configuration updates of single cold starts), else at least 1.
pub fn allocate_parallelism(
    plan: &Plan,
    concurrency: u32,
    max_parallelism: u32,
) -> BTreeMap<String, u32> {
    let mut work: BTreeMap<String, f64> = BTreeMap::new();
    for cell in &plan.cells {
        *work.entry(cell.function.name.clone()).or_default() += cell_cost(plan, cell, 1).busy_s;
    }
    let total: f64 = work.values().sum();
    let floor = (concurrency / (work.len().max(1) as u32)).clamp(1, 10);
    work.into_iter()
        .map(|(name, w)| {
            let share = if total > 0.0 {
                (f64::from(concurrency) * w / total).floor() as u32
            } else {
                1
            };
            (name, share.max(floor).min(max_parallelism.max(1)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use lambench_model::{Matrix, Mode};

    use super::*;
    use crate::plan::Filters;

    /// The test mode (5 cold + 10 warm in 3 rounds) of one function at 512 and 1769 MB.
    fn plan() -> Plan {
        let m = Matrix::builtin().unwrap();
        let f = m
            .functions()
            .into_iter()
            .filter(|f| f.name == "lambench-python3-12-x86_64-cpu-intensive")
            .collect::<Vec<_>>();
        let filters = Filters {
            memory_mb: vec![512, 1769],
            ..Filters::default()
        };
        let mode = Mode {
            cold: 5,
            warm: 10,
            rounds: 3,
        };
        Plan::new(&m, "test", mode, &f, &filters, 7)
    }

    #[test]
    fn expected_durations_come_from_bench_toml_through_the_plan() {
        let plan = plan();
        let f = &plan.cells[0].function;
        assert_eq!(duration_ms(&plan, f, 1769), 210.0);
        assert_eq!(duration_ms(&plan, f, 512), 210.0 * 1769.0 / 512.0);
        // A manifest from before `expected_ms`: the figure for an unknown workload.
        let mut old = plan.clone();
        old.expected_ms.clear();
        assert_eq!(
            duration_ms(&old, f, 1769),
            lambench_model::plan::UNKNOWN_EXPECTED_MS
        );
    }

    #[test]
    fn measured_times_replace_the_model_and_leave_the_bill_alone() {
        let plan = plan();
        let name = plan.cells[0].function.name.clone();
        let measured = Measured {
            cold_s: Some(2.0),
            warm_s: Some(1.0),
        };
        let local = Platform::local(
            0.1,
            BTreeMap::from([(name.clone(), BTreeMap::from([(512, measured)]))]),
        );
        assert_eq!(local.measured_cells(&plan), 1);
        let cell = plan.cells.iter().find(|c| c.memory_mb == 512).unwrap();
        let (mine, aws) = (local.cell_cost(&plan, cell, 1), cell_cost(&plan, cell, 1));
        // 5 cold + 3 warm-ups (one lane per round) at 2 s, 10 warm at 1 s.
        assert_eq!(mine.busy_s, 8.0 * 2.0 + 10.0 * 1.0);
        assert_eq!(mine.invocations, aws.invocations);
        assert_eq!(mine.gb_s, aws.gb_s, "the bill is Lambda's on any platform");
        // Per round: one update per cold start and one before the warm lane, 0.1 s each.
        let updates = mine.control_calls as f64;
        assert_eq!(updates, 8.0);
        assert!((mine.path_s - (updates * 0.1 + 8.0 * 2.0 + 10.0 * 1.0)).abs() < 1e-9);
    }

    #[test]
    fn unmeasured_local_cells_start_their_runtime_under_the_cpu_share() {
        let plan = plan();
        let local = Platform::local(UPDATE_SETTLE_S, BTreeMap::new());
        assert_eq!(local.measured_cells(&plan), 0);
        let at = |mb| plan.cells.iter().find(|c| c.memory_mb == mb).unwrap();
        for mb in [512, 1769] {
            let init = init_ms(&at(mb).function) / 1000.0;
            // Cold minus warm is Init: scaled by the CPU share locally, not on Lambda.
            let (cold, warm) = local.times(&plan, at(mb));
            assert!((cold - warm - init * cpu_factor(mb)).abs() < 1e-9, "{mb}");
            let (cold, warm) = Platform::aws().times(&plan, at(mb));
            assert!((cold - warm - init).abs() < 1e-9, "{mb}");
        }
    }
}
