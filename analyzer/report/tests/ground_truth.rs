//! The report's statistics against synthetic data with a known answer (issue 12's acceptance):
//! the production matrix's 147 arm64/x86_64 comparisons, 10 execution environments per cell in
//! 3 rounds, 3% between-environment variation, production sample sizes (500 warm, 100 cold).
//!
//! - Null: arm64 and x86_64 drawn from the same distribution: at most 5% of reports may contain
//!   any "faster" verdict.
//! - Power: arm64 15% faster everywhere: "arm64 faster" in at least 90% of cells.
//! - Equivalence: a true ratio of 1.00: mostly "equivalent".
//! - Clustering: the environment-level interval of the ratio covers the truth ~95% of the time;
//!   the invocation-level one, which treats invocations as independent, does not.
//! - Quantile intervals cover the true median and p99 of skewed data at every n they are shown.
//! - Imported daily cold starts: the paired-by-day interval covers the true ratio when the ratio
//!   itself moves from day to day.
//!
//! Each prints its measured rate (`cargo test -p lambench-report --test ground_truth --
//! --nocapture`); the numbers are quoted in docs/methodology.md.

use std::collections::BTreeMap;

use lambench_model::rng::SplitMix64;
use lambench_model::stats::contrast::{self, Scale, Unit};
use lambench_model::stats::verdict::Rule;
use lambench_model::stats::{quantile_ci, quantile_sorted};
use lambench_report::analysis::{self, Findings};
use lambench_report::baseline;
use lambench_report::data::{CellKey, Samples};

const RUNTIMES: [&str; 7] = [
    "python3.14",
    "python3.13",
    "python3.12",
    "python3.11",
    "nodejs22.x",
    "nodejs20.x",
    "provided.al2023",
];
/// (workload, memory sizes) of bench.toml: 6 + 9 + 6 = 21 per runtime, 147 comparisons.
const WORKLOADS: [(&str, &[i64]); 3] = [
    ("cpu-intensive", &[128, 256, 512, 1024, 1769, 2048]),
    (
        "memory-intensive",
        &[128, 256, 512, 1024, 1769, 2048, 4096, 8192, 10240],
    ),
    ("light", &[128, 256, 512, 1024, 1769, 2048]),
];
const ENVIRONMENTS: u32 = 10;
const WARM: u32 = 500;
const COLD: u32 = 100;
const ROUNDS: u32 = 3;
/// Between-environment variation (sd of log speed) and within-environment noise.
const ENV_SD: f64 = 0.03;
const NOISE_SD: f64 = 0.05;
const INIT_SD: f64 = 0.2;

struct Gen(SplitMix64);

impl Gen {
    fn normal(&mut self) -> f64 {
        // Box–Muller.
        let u1 = self.0.next_f64().max(1e-300);
        let u2 = self.0.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// One cell: `ENVIRONMENTS` environments (spread over the rounds), each with its own speed,
    /// sharing `WARM` warm samples; `COLD` cold starts.
    fn cell(&mut self, base_ms: f64, arm_factor: f64, env_prefix: &str) -> Samples {
        self.cell_in_rounds(base_ms, arm_factor, env_prefix, 0.0)
    }

    /// [`Gen::cell`] whose rounds each also share a speed, of spread `round_sd` on the log.
    fn cell_in_rounds(
        &mut self,
        base_ms: f64,
        arm_factor: f64,
        env_prefix: &str,
        round_sd: f64,
    ) -> Samples {
        let mut s = Samples::default();
        let base = base_ms * arm_factor;
        // No draws without a round effect, so the other tests' data stay as documented.
        let rounds: Vec<f64> = (0..ROUNDS)
            .map(|_| {
                if round_sd == 0.0 {
                    1.0
                } else {
                    (round_sd * self.normal()).exp()
                }
            })
            .collect();
        let speeds: Vec<f64> = (0..ENVIRONMENTS)
            .map(|env| rounds[(env % ROUNDS) as usize] * (ENV_SD * self.normal()).exp())
            .collect();
        for i in 0..WARM {
            let env = i % ENVIRONMENTS;
            let ms = base * speeds[env as usize] * (NOISE_SD * self.normal()).exp();
            let round = 1 + (env % ROUNDS) as i32;
            s.push_warm(
                ms,
                ms.ceil(),
                Some(round),
                Some(format!("{env_prefix}{env}").as_str()),
            );
        }
        for i in 0..COLD {
            let init = 150.0 * arm_factor * (INIT_SD * self.normal()).exp();
            s.push_cold(init, (init + base).ceil(), Some(1 + (i % ROUNDS) as i32));
        }
        s
    }
}

/// The production matrix's cells, arm64 `arm_factor` times x86_64's duration.
fn matrix(g: &mut Gen, arm_factor: f64) -> BTreeMap<CellKey, Samples> {
    let mut cells = BTreeMap::new();
    for runtime in RUNTIMES {
        for (workload, sizes) in WORKLOADS {
            for &memory_mb in sizes {
                let base = 50.0 * 1769.0 / memory_mb.min(1769) as f64;
                for (architecture, factor) in [("arm64", arm_factor), ("x86_64", 1.0)] {
                    let key = CellKey {
                        workload: workload.into(),
                        runtime: runtime.into(),
                        package: "zip".into(),
                        memory_mb,
                        architecture: architecture.into(),
                    };
                    let prefix = format!("{runtime}/{workload}/{memory_mb}/{architecture}/");
                    let mut cell = g.cell(base, factor, &prefix);
                    // Python, Node.js, Rust: three language families per workload.
                    cell.language = runtime
                        .trim_start_matches("provided.al2023")
                        .chars()
                        .take_while(char::is_ascii_alphabetic)
                        .collect();
                    if cell.language.is_empty() {
                        cell.language = "rust".into();
                    }
                    cells.insert(key, cell);
                }
            }
        }
    }
    cells
}

fn report(seed: u64, arm_factor: f64) -> Findings {
    let mut g = Gen(SplitMix64::new(seed));
    analysis::findings(&matrix(&mut g, arm_factor), &Rule::default(), "us-east-1").0
}

fn count(f: &Findings, verdicts: &[&str]) -> usize {
    f.comparisons
        .iter()
        .flat_map(|c| [c.verdict, c.init_verdict])
        .chain(
            f.switches
                .iter()
                .flat_map(|s| [s.speed_verdict, s.cold_verdict]),
        )
        .chain(f.families.iter().map(|f| f.cold_verdict))
        .filter(|v| verdicts.contains(v))
        .count()
}

#[test]
fn null_reports_rarely_contain_a_false_faster_verdict() {
    let reports = 100;
    let mut with_false = 0;
    for seed in 0..reports {
        let f = report(seed, 1.0);
        assert_eq!(f.comparisons.len(), 147);
        if count(&f, &["arm64 faster", "x86_64 faster"]) > 0 {
            with_false += 1;
        }
    }
    let rate = f64::from(with_false) / reports as f64;
    println!(
        "null: {with_false} of {reports} reports ({:.1}%) hold any false 'faster' verdict (warm, cold start, per runtime or per language family)",
        rate * 100.0
    );
    assert!(rate <= 0.05, "{rate}");
}

/// Over 10 seeded reports with arm64 `arm_factor` times x86_64's duration: how many of the
/// cells' warm verdicts are `verdict`, and how many cells there were. `each` checks a report.
fn warm_verdicts(
    seeds: std::ops::Range<u64>,
    arm_factor: f64,
    verdict: &str,
    each: impl Fn(&Findings),
) -> (usize, usize) {
    let (mut hits, mut cells) = (0, 0);
    for seed in seeds {
        let f = report(seed, arm_factor);
        each(&f);
        cells += f.comparisons.len();
        hits += f
            .comparisons
            .iter()
            .filter(|c| c.verdict == verdict)
            .count();
    }
    (hits, cells)
}

#[test]
fn a_real_15_percent_difference_is_found() {
    let (found, cells) = warm_verdicts(100..110, 1.0 / 1.15, "arm64 faster", |f| {
        assert_eq!(count(f, &["x86_64 faster"]), 0);
    });
    let power = found as f64 / cells as f64;
    println!(
        "power: arm64 15% faster found in {found} of {cells} cells ({:.1}%)",
        power * 100.0
    );
    assert!(power >= 0.9, "{power}");
}

#[test]
fn no_difference_is_called_equivalent() {
    let (equivalent, cells) = warm_verdicts(200..210, 1.0, "equivalent", |_| {});
    let share = equivalent as f64 / cells as f64;
    println!(
        "equivalence: a true ratio of 1.00 is 'equivalent' in {equivalent} of {cells} cells ({:.1}%)",
        share * 100.0
    );
    assert!(share >= 0.5, "{share}");
}

/// How often the 95% interval of the x86_64/arm64 ratio holds the true ratio 1.0, with the
/// environments as units (as the report does) and with every invocation as a unit.
#[test]
fn environment_level_intervals_keep_their_coverage() {
    let mut g = Gen(SplitMix64::new(7));
    let trials = 400;
    let (mut env_level, mut invocation_level) = (0, 0);
    for trial in 0..trials {
        let a = g.cell(100.0, 1.0, "a");
        let b = g.cell(100.0, 1.0, "b");
        let key = |arch: &str| CellKey {
            workload: "w".into(),
            runtime: "r".into(),
            package: "zip".into(),
            memory_mb: 1024,
            architecture: arch.into(),
        };
        let (ua, ub) = (
            analysis::units(&key("x86_64"), &a, "us-east-1"),
            analysis::units(&key("arm64"), &b, "us-east-1"),
        );
        let covers = |c: Option<contrast::Contrast>| {
            let (lo, hi) = c.expect("contrast").interval(0.95);
            lo <= 1.0 && 1.0 <= hi
        };
        env_level += usize::from(covers(contrast::contrast(&ua.warm, &ub.warm, Scale::Log)));
        let each = |s: &Samples| -> Vec<Unit> {
            s.warm_ms
                .iter()
                .map(|&value| Unit {
                    stratum: None,
                    value,
                })
                .collect()
        };
        invocation_level +=
            usize::from(covers(contrast::contrast(&each(&a), &each(&b), Scale::Log)));
        assert!(trial < trials);
    }
    let (env, inv) = (
        env_level as f64 / f64::from(trials),
        invocation_level as f64 / f64::from(trials),
    );
    println!(
        "coverage of the 95% ratio interval with 3% environment variation: environments as units {:.1}%, invocations as units {:.1}%",
        env * 100.0,
        inv * 100.0
    );
    assert!(env >= 0.93, "{env}");
    assert!(
        inv < 0.8,
        "the clustering this guards against is real here: {inv}"
    );
}

/// `trials` baseline comparisons of one cell, the current run `factor` times the baseline's
/// duration, rounds sharing a speed of spread `round_sd`: how often the 95% interval held the
/// true ratio, and how often the flag was `flag`, with rounds as units (as `--baseline` does)
/// and with environments as units.
fn baseline_trials(seed: u64, factor: f64, round_sd: f64, flag: &str) -> [[f64; 2]; 2] {
    let (mut g, trials, rule) = (Gen(SplitMix64::new(seed)), 400, Rule::default());
    let key = CellKey {
        workload: "w".into(),
        runtime: "r".into(),
        package: "zip".into(),
        memory_mb: 1024,
        architecture: "arm64".into(),
    };
    let (mut covered, mut flagged) = ([0_u32; 2], [0_u32; 2]);
    for _ in 0..trials {
        let mut run = |factor| {
            let cell = g.cell_in_rounds(100.0 * factor, 1.0, "e", round_sd);
            BTreeMap::from([(key.clone(), analysis::units(&key, &cell, "us-east-1"))])
        };
        let (current, base) = (run(factor), run(1.0));
        let [change] = baseline::changes(&current, &base, &rule)
            .try_into()
            .unwrap();
        let pooled = |m: &BTreeMap<CellKey, analysis::CellUnits>| -> Vec<Unit> {
            let each = m[&key].warm.iter();
            each.map(|u| Unit {
                stratum: None,
                ..*u
            })
            .collect()
        };
        let by_environment = contrast::contrast(&pooled(&current), &pooled(&base), Scale::Log);
        for (i, j) in [change.judgement, rule.judge(by_environment.as_ref())]
            .iter()
            .enumerate()
        {
            let j = j.as_ref().expect("enough units");
            covered[i] += u32::from(j.ci_low <= factor && factor <= j.ci_high);
            flagged[i] += u32::from(baseline::flag(Some(j)) == flag);
        }
    }
    let share = |n: [u32; 2]| n.map(|n| f64::from(n) * 100.0 / f64::from(trials));
    [share(covered), share(flagged)]
}

/// Baseline comparisons (10 environments in 3 rounds a run) whose rounds each share a speed
/// (spread 5%: a busy minute of the machine, a slower hour of the region): with each round's
/// geometric mean as a unit the interval keeps its coverage and an A/A pair is not flagged; with
/// the environments as units it is not, and is. Without such drift a 15% regression is found.
#[test]
fn baseline_intervals_count_rounds_not_environments() {
    let [covered, flagged] = baseline_trials(11, 1.0, 0.05, "regression");
    let [_, improved] = baseline_trials(11, 1.0, 0.05, "improvement");
    let [_, found] = baseline_trials(12, 1.15, 0.0, "regression");
    let [_, found_drifting] = baseline_trials(12, 1.15, 0.05, "regression");
    println!(
        "baselines, 400 trials each, rounds as units | environments as units: A/A with 5% round-to-round variation: the 95% interval covered 1.00 in {:.1}% | {:.1}%, a change flagged in {:.1}% | {:.1}%; a 15% regression found in {:.1}% | {:.1}% without that variation, {:.1}% | {:.1}% with it",
        covered[0],
        covered[1],
        flagged[0] + improved[0],
        flagged[1] + improved[1],
        found[0],
        found[1],
        found_drifting[0],
        found_drifting[1]
    );
    assert!(covered[0] >= 93.0, "{covered:?}");
    assert!(flagged[0] + improved[0] <= 2.5, "{flagged:?} {improved:?}");
    assert!(found[0] >= 90.0, "{found:?}");
    assert!(
        covered[1] < 85.0,
        "the correlation within a round this guards against is real here: {covered:?}"
    );
}

#[test]
fn quantile_intervals_cover_skewed_data_wherever_they_are_shown() {
    let mut g = Gen(SplitMix64::new(11));
    // Log-normal(0, 1): true median 1, true p99 e^2.326.
    let truth = [(0.5, 1.0), (0.99, 2.326_347_874f64.exp())];
    for n in [6, 10, 30, 100, 299, 368, 500, 1000] {
        for (q, true_q) in truth {
            let trials = 2000;
            let (mut shown, mut covered) = (0, 0);
            for _ in 0..trials {
                let mut v: Vec<f64> = (0..n).map(|_| g.normal().exp()).collect();
                v.sort_by(f64::total_cmp);
                if let Some((lo, hi)) = quantile_ci(&v, q, 0.95) {
                    shown += 1;
                    covered += usize::from(lo <= true_q && true_q <= hi);
                    assert!(quantile_sorted(&v, q).is_some());
                }
            }
            if shown == 0 {
                println!("q {q}, n {n}: no interval (not enough data)");
                continue;
            }
            let coverage = covered as f64 / shown as f64;
            println!("q {q}, n {n}: coverage {:.1}%", coverage * 100.0);
            assert!(coverage >= 0.93, "q {q} n {n}: {coverage}");
        }
    }
}

/// Imported daily data (lambda-perf): each day measures both architectures side by side, 10
/// cold starts each. A day moves both (a platform-wide shift, sd 0.15 of the log) and moves
/// their ratio too (sd 0.08 of the daily log ratio, the low end of what the lambda-perf history
/// shows). With days as paired units the 95% interval of the x86_64/arm64 ratio of Init
/// Duration must cover the true ratio (its mean over days) at every number of days it is
/// shown for; with no true difference it must almost never lie beyond the margin, and with
/// arm64 15% faster it must find it once there are enough days.
#[test]
fn paired_day_intervals_cover_the_cold_start_ratio_of_imported_data() {
    const PER_DAY: u32 = 10;
    const DAY_SD: f64 = 0.15;
    const RATIO_SD: f64 = 0.08;
    let mut g = Gen(SplitMix64::new(13));
    let key = |arch: &str| CellKey {
        workload: "hello-world".into(),
        runtime: "python3.12".into(),
        package: "zip".into(),
        memory_mb: 128,
        architecture: arch.into(),
    };
    let margin = Rule::default().margin;
    for (days, arm_factor) in [
        (10, 1.0),
        (30, 1.0),
        (170, 1.0),
        (10, 1.0 / 1.15),
        (30, 1.0 / 1.15),
    ] {
        let trials = 1000;
        let (mut covered, mut beyond_margin, mut paired) = (0, 0, 0);
        for _ in 0..trials {
            let (mut x86, mut arm) = (Samples::default(), Samples::default());
            for day in 0..days {
                let level = 150.0 * (DAY_SD * g.normal()).exp();
                let shift = (RATIO_SD * g.normal()).exp();
                for _ in 0..PER_DAY {
                    let x = level * (INIT_SD * g.normal()).exp();
                    let a = level * arm_factor * shift * (INIT_SD * g.normal()).exp();
                    x86.push_cold(x, x.ceil(), Some(day));
                    arm.push_cold(a, a.ceil(), Some(day));
                }
            }
            let (ux, ua) = (
                analysis::units(&key("x86_64"), &x86, "us-east-1"),
                analysis::units(&key("arm64"), &arm, "us-east-1"),
            );
            let c = contrast::contrast(&ux.init, &ua.init, Scale::Log).expect("contrast");
            paired += usize::from(c.stratified && c.df == f64::from(days - 1));
            let truth = 1.0 / arm_factor;
            let (lo, hi) = c.interval(0.95);
            covered += usize::from(lo <= truth && truth <= hi);
            beyond_margin += usize::from(lo > 1.0 + margin || hi < 1.0 / (1.0 + margin));
        }
        let share = |n: usize| n as f64 / f64::from(trials);
        println!(
            "daily imports, {days} days, true ratio {:.2}: paired in {:.1}%, coverage {:.1}%, interval beyond the {:.0}% margin in {:.1}%",
            1.0 / arm_factor,
            share(paired) * 100.0,
            share(covered) * 100.0,
            margin * 100.0,
            share(beyond_margin) * 100.0
        );
        assert_eq!(
            paired, trials as usize,
            "days are paired units from 10 days on"
        );
        assert!(share(covered) >= 0.93, "{days} days: {}", share(covered));
        if arm_factor == 1.0 {
            assert!(share(beyond_margin) <= 0.05, "{}", share(beyond_margin));
        } else if days >= 30 {
            assert!(
                share(beyond_margin) >= 0.9,
                "power {}",
                share(beyond_margin)
            );
        }
    }
}
