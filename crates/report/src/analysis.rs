//! From samples to findings: per-cell statistics with bootstrap intervals, the arm64 speedup
//! and saving per (workload, runtime, memory), Power-Tuning-style memory recommendations and
//! the "switch to arm64?" verdict. Pure functions of the samples.

use std::collections::BTreeMap;

use lambench_model::bootstrap::{Bootstrap, Distribution, Estimate, Verdict, cv};
use lambench_model::price::PriceTable;
use serde::Serialize;

use crate::data::{CellKey, Samples};

/// Statistics of one cell.
#[derive(Debug, Clone, Serialize)]
pub struct CellStats {
    pub workload: String,
    pub runtime: String,
    pub memory_mb: i64,
    pub architecture: String,
    pub warm_n: usize,
    pub median: Option<Est>,
    pub p90: Option<Est>,
    pub p99: Option<Est>,
    pub cv: Option<f64>,
    /// p99 / p50 of warm durations.
    pub tail_ratio: Option<f64>,
    pub cold_n: usize,
    pub init_median: Option<Est>,
    /// USD per million warm invocations (mean Billed Duration × price + request charge).
    pub usd_per_million: Option<f64>,
    /// The same for cold invocations (INIT is billed).
    pub cold_usd_per_million: Option<f64>,
}

/// An [`Estimate`] for templates.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, PartialEq)]
pub struct Est {
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
}

impl From<Estimate> for Est {
    fn from(e: Estimate) -> Self {
        Est {
            value: e.value,
            lo: e.lo,
            hi: e.hi,
        }
    }
}

/// arm64 against x86_64 in one (workload, runtime, memory).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub workload: String,
    pub runtime: String,
    pub memory_mb: i64,
    /// Median x86_64 / median arm64: above 1 means arm64 is faster.
    pub speedup: Option<Est>,
    pub verdict: &'static str,
    /// 1 − cost(arm64) / cost(x86_64), in percent.
    pub arm_saving_pct: Option<f64>,
    pub arm_usd_per_million: Option<f64>,
    pub x86_usd_per_million: Option<f64>,
}

/// The memory sizes to pick for one (workload, runtime, architecture).
#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    pub workload: String,
    pub runtime: String,
    pub architecture: String,
    pub cheapest_mb: i64,
    pub fastest_mb: i64,
    /// Minimises cost/max-cost + duration/max-duration (Power Tuning's "balanced").
    pub balanced_mb: i64,
    pub balanced_median_ms: f64,
    pub balanced_usd_per_million: f64,
}

/// Should this (workload, runtime) move to arm64?
#[derive(Debug, Clone, Serialize)]
pub struct Switch {
    pub workload: String,
    pub runtime: String,
    pub verdict: String,
    pub faster_at: usize,
    pub slower_at: usize,
    pub cheaper_at: usize,
    pub sizes: usize,
}

/// Everything the report shows, computed once.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Findings {
    pub cells: Vec<CellStats>,
    pub comparisons: Vec<Comparison>,
    pub recommendations: Vec<Recommendation>,
    pub switches: Vec<Switch>,
}

/// Warm-duration quantiles the report shows (p50, p90, p99), in `Distribution` order.
pub const WARM_QS: [f64; 3] = [0.5, 0.9, 0.99];

/// A cell's bootstrap distributions: warm (p50, p90, p99) and median Init Duration.
#[derive(Debug, Clone, Default)]
pub struct CellDist {
    pub warm: Option<Distribution>,
    pub init: Option<Distribution>,
}

/// A stable stream id per cell and statistic, so draws do not depend on cell order.
fn stream(key: &CellKey, what: &str) -> u64 {
    let text = format!(
        "{}/{}/{}/{}/{what}",
        key.workload, key.runtime, key.memory_mb, key.architecture
    );
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Every cell's distributions, cells spread over the machine's cores (each cell is resampled
/// once; all its intervals and ratios come from those draws).
/// `salt` keeps the draws of two runs' distributions independent (their cells share names).
pub fn distributions(
    samples: &BTreeMap<CellKey, Samples>,
    boot: &Bootstrap,
    salt: u64,
) -> BTreeMap<CellKey, CellDist> {
    let cells: Vec<(&CellKey, &Samples)> = samples.iter().collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .max(1);
    let chunk = cells.len().div_ceil(threads).max(1);
    let mut out = BTreeMap::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = cells
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(k, s)| {
                            let dist = CellDist {
                                warm: boot.distribution(
                                    &s.warm_ms,
                                    &WARM_QS,
                                    stream(k, "warm") ^ salt,
                                ),
                                init: boot.distribution(
                                    &s.init_ms,
                                    &[0.5],
                                    stream(k, "init") ^ salt,
                                ),
                            };
                            ((*k).clone(), dist)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            // A panic in a worker is a bug in the statistics: surface it as such.
            out.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
    });
    out
}

/// Per-cell statistics in `region`'s prices.
pub fn cell_stats(
    key: &CellKey,
    s: &Samples,
    d: &CellDist,
    boot: &Bootstrap,
    region: &str,
) -> CellStats {
    let cost = |billed: &[f64]| -> Option<f64> {
        if billed.is_empty() {
            return None;
        }
        let mean = billed.iter().sum::<f64>() / billed.len() as f64;
        PriceTable
            .invocation_cost(&key.architecture, key.memory_mb as f64, mean, region)
            .ok()
            .map(|c| c * 1e6)
    };
    let warm = |k| {
        d.warm
            .as_ref()
            .and_then(|w| boot.estimate(w, k))
            .map(Est::from)
    };
    let (median, p99) = (warm(0), warm(2));
    CellStats {
        workload: key.workload.clone(),
        runtime: key.runtime.clone(),
        memory_mb: key.memory_mb,
        architecture: key.architecture.clone(),
        warm_n: s.warm_ms.len(),
        median,
        p90: warm(1),
        p99,
        cv: cv(&s.warm_ms),
        tail_ratio: median
            .zip(p99)
            .and_then(|(m, p)| (m.value > 0.0).then(|| p.value / m.value)),
        cold_n: s.init_ms.len(),
        init_median: d
            .init
            .as_ref()
            .and_then(|i| boot.estimate(i, 0))
            .map(Est::from),
        usd_per_million: cost(&s.warm_billed_ms),
        cold_usd_per_million: cost(&s.cold_billed_ms),
    }
}

/// All findings from all cells' samples and distributions.
pub fn findings(
    samples: &BTreeMap<CellKey, Samples>,
    dists: &BTreeMap<CellKey, CellDist>,
    boot: &Bootstrap,
    region: &str,
) -> Findings {
    let none = CellDist::default();
    let cells: Vec<CellStats> = samples
        .iter()
        .map(|(k, s)| cell_stats(k, s, dists.get(k).unwrap_or(&none), boot, region))
        .collect();
    let comparisons = comparisons(samples, dists, &cells, boot);
    let recommendations = recommendations(&cells);
    let switches = switches(&comparisons);
    Findings {
        cells,
        comparisons,
        recommendations,
        switches,
    }
}

fn find<'a>(cells: &'a [CellStats], w: &str, r: &str, m: i64, a: &str) -> Option<&'a CellStats> {
    cells
        .iter()
        .find(|c| c.workload == w && c.runtime == r && c.memory_mb == m && c.architecture == a)
}

fn comparisons(
    samples: &BTreeMap<CellKey, Samples>,
    dists: &BTreeMap<CellKey, CellDist>,
    cells: &[CellStats],
    boot: &Bootstrap,
) -> Vec<Comparison> {
    let mut out = Vec::new();
    for (key, arm) in samples.iter().filter(|(k, _)| k.architecture == "arm64") {
        let x86_key = CellKey {
            architecture: "x86_64".into(),
            ..key.clone()
        };
        let Some(x86) = samples.get(&x86_key) else {
            continue;
        };
        if arm.warm_ms.is_empty() || x86.warm_ms.is_empty() {
            // Cold-start-only data (lambda-perf): nothing to compare warm durations of.
            continue;
        }
        let warm = |k: &CellKey| dists.get(k).and_then(|d| d.warm.as_ref());
        let speedup = warm(&x86_key)
            .zip(warm(key))
            .and_then(|(x, a)| boot.ratio(x, a, 0));
        let cost = |a: &str| {
            find(cells, &key.workload, &key.runtime, key.memory_mb, a)
                .and_then(|c| c.usd_per_million)
        };
        let (arm_cost, x86_cost) = (cost("arm64"), cost("x86_64"));
        out.push(Comparison {
            workload: key.workload.clone(),
            runtime: key.runtime.clone(),
            memory_mb: key.memory_mb,
            speedup: speedup.map(Est::from),
            verdict: Verdict::from_speedup(speedup).label(),
            arm_saving_pct: arm_cost
                .zip(x86_cost)
                .and_then(|(a, x)| (x > 0.0).then(|| 100.0 * (1.0 - a / x))),
            arm_usd_per_million: arm_cost,
            x86_usd_per_million: x86_cost,
        });
    }
    out
}

/// Cheapest, fastest and balanced memory per (workload, runtime, architecture), over the
/// cells with a warm median and a cost.
pub fn recommendations(cells: &[CellStats]) -> Vec<Recommendation> {
    /// (memory, median ms, USD per million) of one memory size.
    type Point = (i64, f64, f64);
    let mut groups: BTreeMap<(&str, &str, &str), Vec<Point>> = BTreeMap::new();
    for c in cells {
        if let (Some(m), Some(cost)) = (c.median, c.usd_per_million) {
            groups
                .entry((&c.workload, &c.runtime, &c.architecture))
                .or_default()
                .push((c.memory_mb, m.value, cost));
        }
    }
    groups
        .into_iter()
        .filter_map(|((w, r, a), points)| {
            let max_t = points.iter().map(|p| p.1).fold(0.0, f64::max);
            let max_c = points.iter().map(|p| p.2).fold(0.0, f64::max);
            let by = |f: &dyn Fn(&Point) -> f64| {
                points.iter().min_by(|x, y| f(x).total_cmp(&f(y))).copied()
            };
            let cheapest = by(&|p| p.2)?;
            let fastest = by(&|p| p.1)?;
            let balanced =
                by(&|p| p.1 / max_t.max(f64::MIN_POSITIVE) + p.2 / max_c.max(f64::MIN_POSITIVE))?;
            Some(Recommendation {
                workload: w.into(),
                runtime: r.into(),
                architecture: a.into(),
                cheapest_mb: cheapest.0,
                fastest_mb: fastest.0,
                balanced_mb: balanced.0,
                balanced_median_ms: balanced.1,
                balanced_usd_per_million: balanced.2,
            })
        })
        .collect()
}

/// The per-(workload, runtime) verdict over its memory sizes.
pub fn switches(comparisons: &[Comparison]) -> Vec<Switch> {
    let mut groups: BTreeMap<(&str, &str), Vec<&Comparison>> = BTreeMap::new();
    for c in comparisons {
        groups.entry((&c.workload, &c.runtime)).or_default().push(c);
    }
    groups
        .into_iter()
        .map(|((w, r), cs)| {
            let faster_at = cs
                .iter()
                .filter(|c| c.verdict == Verdict::Arm64Faster.label())
                .count();
            let slower_at = cs
                .iter()
                .filter(|c| c.verdict == Verdict::X86Faster.label())
                .count();
            let cheaper_at = cs
                .iter()
                .filter(|c| c.arm_saving_pct.is_some_and(|s| s > 0.0))
                .count();
            let sizes = cs.len();
            let judged = cs.iter().filter(|c| c.speedup.is_some()).count();
            let verdict = if judged == 0 {
                "not enough data".to_string()
            } else if cheaper_at == sizes && slower_at == 0 {
                "switch to arm64: cheaper at every memory size and never significantly slower"
                    .into()
            } else if cheaper_at * 2 > sizes && slower_at * 2 < sizes {
                "arm64 mostly better: cheaper at most sizes; check the exceptions".into()
            } else if slower_at * 2 >= sizes && cheaper_at * 2 > sizes {
                "trade-off: arm64 is cheaper but slower; pick by latency budget".into()
            } else {
                "stay on x86_64: arm64 is not cheaper at most sizes".into()
            };
            Switch {
                workload: w.into(),
                runtime: r.into(),
                verdict,
                faster_at,
                slower_at,
                cheaper_at,
                sizes,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(a: &str, m: i64) -> CellKey {
        CellKey {
            workload: "cpu".into(),
            runtime: "rust".into(),
            memory_mb: m,
            architecture: a.into(),
        }
    }

    fn samples(ms: f64) -> Samples {
        let warm: Vec<f64> = (0..50).map(|i| ms + f64::from(i % 5)).collect();
        Samples {
            warm_billed_ms: warm.iter().map(|x| x.ceil()).collect(),
            warm_ms: warm,
            init_ms: vec![20.0; 10],
            cold_billed_ms: vec![ms + 20.0; 10],
        }
    }

    #[test]
    fn faster_and_cheaper_arm_is_a_switch() {
        let mut s = BTreeMap::new();
        for m in [128, 1024] {
            s.insert(key("arm64", m), samples(80.0 * 1024.0 / m as f64));
            s.insert(key("x86_64", m), samples(100.0 * 1024.0 / m as f64));
        }
        let boot = Bootstrap::default();
        let f = findings(&s, &distributions(&s, &boot, 0), &boot, "us-east-1");
        assert_eq!(f.cells.len(), 4);
        assert_eq!(f.comparisons.len(), 2);
        assert!(f.comparisons.iter().all(|c| c.verdict == "arm64 faster"));
        // arm64 is 20% cheaper per GB-s and faster: well over 20% saving.
        assert!(
            f.comparisons
                .iter()
                .all(|c| c.arm_saving_pct.unwrap() > 20.0)
        );
        assert!(f.switches[0].verdict.starts_with("switch to arm64"));
        let rec = &f.recommendations[0];
        assert_eq!((rec.fastest_mb, rec.architecture.as_str()), (1024, "arm64"));
    }

    #[test]
    fn cost_uses_billed_duration_and_the_price_model() {
        let s = samples(100.0);
        let c = cell_stats(
            &key("x86_64", 1024),
            &s,
            &CellDist::default(),
            &Bootstrap::default(),
            "us-east-1",
        );
        let mean_billed = s.warm_billed_ms.iter().sum::<f64>() / 50.0;
        let expected = 1e6 * (mean_billed / 1000.0 * 0.0000166667 + 0.2e-6);
        assert!(
            (c.usd_per_million.unwrap() - expected).abs() < 1e-6,
            "{c:?}"
        );
        assert!(
            c.cold_usd_per_million.unwrap() > c.usd_per_million.unwrap(),
            "INIT is billed"
        );
    }
}
