//! From samples to findings, as pure functions of the samples.
//!
//! - Per cell: warm duration quantiles and the median Init Duration with distribution-free
//!   (order-statistic) intervals, "not enough data" where the sample cannot support one.
//! - arm64 against x86_64, per cell (warm duration, cold-start Init Duration, warm cost) and per
//!   (workload, runtime) over its memory sizes: contrasts with the execution environment as the
//!   unit and rounds as strata (`lambench_model::stats::contrast`), judged four ways against the
//!   practical margin, with the Benjamini–Hochberg correction over every verdict of the report
//!   (`lambench_model::stats::verdict`).
//! - Power-Tuning-style memory recommendations from the point estimates.

use std::collections::BTreeMap;

use lambench_model::price::PriceTable;
use lambench_model::stats::contrast::{self, Contrast, Scale, Unit};
use lambench_model::stats::verdict::{Judgement, Outcome, Rule};
use lambench_model::stats::{self, QuantileEstimate};
use serde::Serialize;

use crate::data::{CellKey, Samples};

/// Confidence of the per-cell quantile intervals.
const CONFIDENCE: f64 = 0.95;
/// Fewest warm samples for a p99/p50 tail ratio (below 100, p99 is the maximum).
const TAIL_MIN_SAMPLES: usize = 100;

/// Statistics of one cell.
#[derive(Debug, Clone, Serialize)]
pub struct CellStats {
    pub workload: String,
    pub runtime: String,
    pub package: String,
    pub memory_mb: i64,
    pub architecture: String,
    pub warm_n: usize,
    /// Units of the warm comparisons: execution environments, or samples where the data does
    /// not say which environment served them (`clustered` false).
    pub environments: usize,
    pub clustered: bool,
    pub median: Option<Est>,
    pub p90: Option<Est>,
    pub p99: Option<Est>,
    pub cv: Option<f64>,
    /// p99 / p50 of warm durations.
    pub tail_ratio: Option<f64>,
    pub cold_n: usize,
    pub init_median: Option<Est>,
    /// SnapStart cold starts: Restore Duration instead of Init Duration.
    pub restore_n: usize,
    pub restore_median: Option<Est>,
    /// USD per million warm invocations (mean Billed Duration × price + request charge).
    pub usd_per_million: Option<f64>,
    /// The same for cold invocations (INIT is billed).
    pub cold_usd_per_million: Option<f64>,
}

/// A point estimate with its 95% interval, for templates and charts.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, PartialEq)]
pub struct Est {
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
}

impl From<&Judgement> for Est {
    fn from(j: &Judgement) -> Self {
        Est {
            value: j.ratio,
            lo: j.ci_low,
            hi: j.ci_high,
        }
    }
}

/// arm64 against x86_64 in one (workload, runtime, memory); every ratio is x86_64 / arm64, so
/// above 1 favours arm64.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub workload: String,
    pub runtime: String,
    pub package: String,
    pub memory_mb: i64,
    /// Warm duration: geometric mean over environments of each one's median.
    pub speed: Option<Judgement>,
    pub speedup: Option<Est>,
    pub verdict: &'static str,
    /// Cold-start Init Duration: geometric mean over cold starts.
    pub init: Option<Judgement>,
    pub init_verdict: &'static str,
    /// Median Init Duration of each architecture, for the reader (the verdict is on `init`).
    pub arm_init_median_ms: Option<f64>,
    pub x86_init_median_ms: Option<f64>,
    /// Warm cost per invocation: mean over environments.
    pub cost: Option<Judgement>,
    pub cost_verdict: &'static str,
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
    pub package: String,
    pub architecture: String,
    pub cheapest_mb: i64,
    pub fastest_mb: i64,
    /// Minimises cost/max-cost + duration/max-duration (Power Tuning's "balanced").
    pub balanced_mb: i64,
    pub balanced_median_ms: f64,
    pub balanced_usd_per_million: f64,
}

/// Should this (workload, runtime) move to arm64? Judged on the mean over memory sizes of the
/// cells' log ratios (each size counted once), so more memory sizes do not make a "no" likelier.
#[derive(Debug, Clone, Serialize)]
pub struct Switch {
    pub workload: String,
    pub runtime: String,
    pub package: String,
    /// The runtime's language family (`python`, `java`, `rust`, …).
    pub family: String,
    pub verdict: String,
    pub speed: Option<Judgement>,
    pub speed_verdict: &'static str,
    pub cost: Option<Judgement>,
    pub cost_verdict: &'static str,
    /// Cold-start Init Duration over the memory sizes with cold starts on both.
    pub cold: Option<Judgement>,
    pub cold_verdict: &'static str,
    /// Memory sizes compared (with both architectures' samples).
    pub sizes: usize,
}

/// Cold starts of a language family (e.g. every Python runtime and package type): the mean of
/// its runtimes' log ratios, each (runtime, package type) counted once.
#[derive(Debug, Clone, Serialize)]
pub struct Family {
    pub workload: String,
    pub family: String,
    pub cold: Option<Judgement>,
    pub cold_verdict: &'static str,
    /// (runtime, package type) pairs in the mean.
    pub runtimes: usize,
}

/// Everything the report shows, computed once.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Findings {
    pub cells: Vec<CellStats>,
    pub comparisons: Vec<Comparison>,
    pub recommendations: Vec<Recommendation>,
    pub switches: Vec<Switch>,
    pub families: Vec<Family>,
    /// Verdicts in the arm64/x86_64 family, over which the correction ran.
    pub family_size: usize,
}

/// The units of one cell's comparisons.
#[derive(Debug, Clone, Default)]
pub struct CellUnits {
    /// Each warm environment's median duration (or each sample's, unclustered).
    pub warm: Vec<Unit>,
    /// Each warm environment's mean cost per invocation, USD.
    pub cost: Vec<Unit>,
    /// Each cold start's Init Duration (one environment each).
    pub init: Vec<Unit>,
    /// Whether every warm sample said which environment served it.
    pub clustered: bool,
    /// The language family of the cell's runtime.
    pub family: String,
}

/// A language's family: its name without versions (`python3.12` → `python`, `graalvm_java21`
/// → `graalvm_java`, `dotnet8_aot` → `dotnet_aot`), so runtime versions pool into one summary.
pub fn family(language: &str) -> String {
    let mut out = String::new();
    for c in language
        .chars()
        .filter(|c| !c.is_ascii_digit() && *c != '.')
    {
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    out.trim_matches('_').to_string()
}

/// Groups a cell's warm samples by (round, environment) and summarises each unit.
pub fn units(key: &CellKey, s: &Samples, region: &str) -> CellUnits {
    let mut warm = Vec::new();
    let mut cost = Vec::new();
    let price = |billed_ms: f64| {
        PriceTable
            .invocation_cost(&key.architecture, key.memory_mb as f64, billed_ms, region)
            .ok()
    };
    let unit = |stratum: Option<i32>, value: f64| Unit { stratum, value };
    // Samples with an environment, bucketed by environment (a counting sort: a cell's
    // environment indices are dense), each bucket in sample order.
    let mut starts = vec![0u32; s.environments.len() + 1];
    for (i, (round, env)) in s.warm_at.iter().enumerate() {
        match env {
            Some(env) => starts[*env as usize + 1] += 1,
            None => {
                warm.push(unit(*round, s.warm_ms[i]));
                cost.extend(price(s.warm_billed_ms[i]).map(|c| unit(*round, c)));
            }
        }
    }
    for e in 1..starts.len() {
        starts[e] += starts[e - 1];
    }
    let placed = starts[starts.len() - 1] as usize;
    let clustered = placed == s.warm_at.len();
    let mut order = vec![0u32; placed];
    let mut next = starts.clone();
    for (i, (_, env)) in s.warm_at.iter().enumerate() {
        if let Some(env) = env {
            order[next[*env as usize] as usize] = i as u32;
            next[*env as usize] += 1;
        }
    }
    // Units: (round, environment) pairs. An environment serves one round; should one serve
    // more, its bucket is split by round.
    let mut groups: Vec<(Option<i32>, u32, &mut [u32])> = Vec::new();
    let mut rest: &mut [u32] = &mut order;
    for e in 0..s.environments.len() {
        let (bucket, tail) = rest.split_at_mut((starts[e + 1] - starts[e]) as usize);
        rest = tail;
        bucket.sort_by_key(|&i| s.warm_at[i as usize].0);
        for members in
            bucket.chunk_by_mut(|a, b| s.warm_at[*a as usize].0 == s.warm_at[*b as usize].0)
        {
            groups.push((s.warm_at[members[0] as usize].0, e as u32, members));
        }
    }
    // In (round, id) order, so sums do not depend on the order rows arrived in.
    groups.sort_by(|a, b| {
        (a.0, &s.environments[a.1 as usize]).cmp(&(b.0, &s.environments[b.1 as usize]))
    });
    let mut durations = Vec::new();
    for (round, _, members) in groups {
        durations.clear();
        durations.extend(members.iter().map(|&m| s.warm_ms[m as usize]));
        if let Some(m) = stats::median_in_place(&mut durations) {
            warm.push(unit(round, m));
        }
        let billed = members
            .iter()
            .map(|&m| s.warm_billed_ms[m as usize])
            .sum::<f64>()
            / members.len() as f64;
        cost.extend(price(billed).map(|c| unit(round, c)));
    }
    let init = s
        .init_ms
        .iter()
        .zip(&s.init_rounds)
        .map(|(&value, &stratum)| Unit { stratum, value })
        .collect();
    CellUnits {
        warm,
        cost,
        init,
        clustered,
        family: family(&s.language),
    }
}

/// Quantiles `qs` of `values` with their distribution-free intervals, by selection on a copy.
fn quantiles<const N: usize>(values: &[f64], qs: [f64; N]) -> [Option<QuantileEstimate>; N] {
    let found = stats::quantiles_unsorted(&mut values.to_vec(), &qs, CONFIDENCE);
    std::array::from_fn(|i| found[i])
}

/// A quantile with its interval; `None` when the sample cannot support one.
fn est(q: Option<QuantileEstimate>) -> Option<Est> {
    let q = q?;
    let (lo, hi) = q.ci?;
    Some(Est {
        value: q.value,
        lo,
        hi,
    })
}

/// Per-cell statistics in `region`'s prices.
pub fn cell_stats(key: &CellKey, s: &Samples, u: &CellUnits, region: &str) -> CellStats {
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
    let [p50, p90, p99] = quantiles(&s.warm_ms, [0.5, 0.9, 0.99]);
    let [init_median] = quantiles(&s.init_ms, [0.5]);
    let [restore_median] = quantiles(&s.restore_ms, [0.5]);
    // From 100 samples, before p99's interval exists (below 100, p99 is the maximum).
    let tail_ratio = (s.warm_ms.len() >= TAIL_MIN_SAMPLES)
        .then(|| Some(p99?.value / p50?.value))
        .flatten()
        .filter(|r| r.is_finite());
    CellStats {
        workload: key.workload.clone(),
        runtime: key.runtime.clone(),
        package: key.package.clone(),
        memory_mb: key.memory_mb,
        architecture: key.architecture.clone(),
        warm_n: s.warm_ms.len(),
        environments: u.warm.len(),
        clustered: u.clustered,
        median: est(p50),
        p90: est(p90),
        p99: est(p99),
        cv: stats::cv(&s.warm_ms),
        tail_ratio,
        cold_n: s.init_ms.len(),
        init_median: est(init_median),
        restore_n: s.restore_ms.len(),
        restore_median: est(restore_median),
        usd_per_million: cost(&s.warm_billed_ms),
        cold_usd_per_million: cost(&s.cold_billed_ms),
    }
}

/// `f` of every cell, in key order, on all cores: cells are independent, and sorting a
/// million samples is most of the statistics' time.
fn per_cell<T: Send>(
    samples: &BTreeMap<CellKey, Samples>,
    f: impl Fn(&CellKey, &Samples) -> T + Sync,
) -> Vec<T> {
    crate::cores::map(samples.iter().collect(), |(k, s)| f(k, s))
}

/// All findings from all cells' samples, judged under `rule`.
pub fn findings(
    samples: &BTreeMap<CellKey, Samples>,
    rule: &Rule,
    region: &str,
) -> (Findings, BTreeMap<CellKey, CellUnits>) {
    let per_cell = per_cell(samples, |k, s| {
        let u = units(k, s, region);
        let stats = cell_stats(k, s, &u, region);
        (k.clone(), u, stats)
    });
    let mut units = BTreeMap::new();
    let mut cells = Vec::with_capacity(per_cell.len());
    for (k, u, stats) in per_cell {
        units.insert(k, u);
        cells.push(stats);
    }
    let (mut comparisons, contrasts) = comparisons(&units, &cells, rule);
    let (mut switches, cold) = switches(&comparisons, &contrasts, rule);
    let mut families = families(&switches, &cold, rule);
    let family_size = correct(&mut comparisons, &mut switches, &mut families, rule);
    label(&mut comparisons, &mut switches, &mut families);
    let recommendations = recommendations(&cells);
    let findings = Findings {
        cells,
        comparisons,
        recommendations,
        switches,
        families,
        family_size,
    };
    (findings, units)
}

fn find<'a>(cells: &'a [CellStats], key: &CellKey, a: &str) -> Option<&'a CellStats> {
    cells.iter().find(|c| {
        c.workload == key.workload
            && c.runtime == key.runtime
            && c.package == key.package
            && c.memory_mb == key.memory_mb
            && c.architecture == a
    })
}

/// The contrasts of a cell behind its comparison (x86_64 over arm64), for the switches.
#[derive(Debug, Clone, Default)]
pub struct CellContrasts {
    pub speed: Option<Contrast>,
    pub cost: Option<Contrast>,
    pub init: Option<Contrast>,
    pub family: String,
}

fn comparisons(
    units: &BTreeMap<CellKey, CellUnits>,
    cells: &[CellStats],
    rule: &Rule,
) -> (Vec<Comparison>, Vec<CellContrasts>) {
    // The pairs first, their contrasts then on all cores (each one is independent).
    let mut pairs = Vec::new();
    for (key, arm) in units.iter().filter(|(k, _)| k.architecture == "arm64") {
        let x86_key = CellKey {
            architecture: "x86_64".into(),
            ..key.clone()
        };
        let Some(x86) = units.get(&x86_key) else {
            continue;
        };
        let has = |f: fn(&CellUnits) -> &Vec<Unit>| !f(arm).is_empty() && !f(x86).is_empty();
        if has(|u| &u.warm) || has(|u| &u.init) {
            pairs.push((key, arm, x86));
        }
    }
    let contrasts = crate::cores::map(pairs.clone(), |(_, arm, x86)| CellContrasts {
        speed: contrast::contrast(&x86.warm, &arm.warm, Scale::Log),
        cost: contrast::contrast(&x86.cost, &arm.cost, Scale::Linear),
        init: contrast::contrast(&x86.init, &arm.init, Scale::Log),
        family: arm.family.clone(),
    });
    let out = pairs
        .iter()
        .zip(&contrasts)
        .map(|((key, _, _), c)| comparison(key, c, cells, rule))
        .collect();
    (out, contrasts)
}

/// A cell's comparison from its contrasts, before the correction and the labels.
fn comparison(key: &CellKey, c: &CellContrasts, cells: &[CellStats], rule: &Rule) -> Comparison {
    let usd = |a: &str| find(cells, key, a).and_then(|c| c.usd_per_million);
    let init_median = |a: &str| find(cells, key, a).and_then(|c| c.init_median.map(|e| e.value));
    let (arm_cost, x86_cost) = (usd("arm64"), usd("x86_64"));
    Comparison {
        workload: key.workload.clone(),
        runtime: key.runtime.clone(),
        package: key.package.clone(),
        memory_mb: key.memory_mb,
        speed: rule.judge(c.speed.as_ref()),
        speedup: None,
        verdict: "",
        init: rule.judge(c.init.as_ref()),
        init_verdict: "",
        arm_init_median_ms: init_median("arm64"),
        x86_init_median_ms: init_median("x86_64"),
        cost: rule.judge(c.cost.as_ref()),
        cost_verdict: "",
        arm_saving_pct: arm_cost
            .zip(x86_cost)
            .and_then(|(a, x)| (x > 0.0).then(|| 100.0 * (1.0 - a / x))),
        arm_usd_per_million: arm_cost,
        x86_usd_per_million: x86_cost,
    }
}

/// One switch per (workload, runtime, package type) with comparisons at one or more memory
/// sizes, and its cold-start contrast (for the family summaries).
fn switches(
    comparisons: &[Comparison],
    contrasts: &[CellContrasts],
    rule: &Rule,
) -> (Vec<Switch>, Vec<Option<Contrast>>) {
    type Key<'a> = (&'a str, &'a str, &'a str);
    let mut groups: BTreeMap<Key<'_>, Vec<&CellContrasts>> = BTreeMap::new();
    for (c, k) in comparisons.iter().zip(contrasts) {
        if k.speed.is_some() || k.cost.is_some() || k.init.is_some() {
            groups
                .entry((&c.workload, &c.runtime, &c.package))
                .or_default()
                .push(k);
        }
    }
    groups
        .into_iter()
        .map(|((w, r, p), ks)| {
            // Every size must have the contrast, or the mean would silently drop sizes.
            let all = |f: fn(&CellContrasts) -> Option<Contrast>| -> Option<Contrast> {
                let cs: Option<Vec<Contrast>> = ks.iter().map(|k| f(k)).collect();
                contrast::mean_of(&cs?)
            };
            let cold = all(|k| k.init);
            let switch = Switch {
                workload: w.into(),
                runtime: r.into(),
                package: p.into(),
                family: ks.first().map(|k| k.family.clone()).unwrap_or_default(),
                verdict: String::new(),
                speed: rule.judge(all(|k| k.speed).as_ref()),
                speed_verdict: "",
                cost: rule.judge(all(|k| k.cost).as_ref()),
                cost_verdict: "",
                cold: rule.judge(cold.as_ref()),
                cold_verdict: "",
                sizes: ks.len(),
            };
            (switch, cold)
        })
        .unzip()
}

/// One cold-start summary per (workload, language family) over its runtimes' contrasts.
fn families(switches: &[Switch], cold: &[Option<Contrast>], rule: &Rule) -> Vec<Family> {
    let mut groups: BTreeMap<(&str, &str), Vec<Contrast>> = BTreeMap::new();
    for (s, c) in switches.iter().zip(cold) {
        if let Some(c) = c {
            groups.entry((&s.workload, &s.family)).or_default().push(*c);
        }
    }
    groups
        .into_iter()
        .map(|((w, f), cs)| Family {
            workload: w.into(),
            family: f.into(),
            cold: rule.judge(contrast::mean_of(&cs).as_ref()),
            cold_verdict: "",
            runtimes: cs.len(),
        })
        .collect()
}

/// The Benjamini–Hochberg correction over every arm64/x86_64 verdict of the report; returns the
/// family size.
fn correct(
    comparisons: &mut [Comparison],
    switches: &mut [Switch],
    families: &mut [Family],
    rule: &Rule,
) -> usize {
    let mut family: Vec<&mut Judgement> = Vec::new();
    for c in comparisons.iter_mut() {
        family.extend(
            [&mut c.speed, &mut c.init, &mut c.cost]
                .into_iter()
                .flatten(),
        );
    }
    for s in switches.iter_mut() {
        family.extend(
            [&mut s.speed, &mut s.cost, &mut s.cold]
                .into_iter()
                .flatten(),
        );
    }
    family.extend(families.iter_mut().filter_map(|f| f.cold.as_mut()));
    rule.adjust(&mut family);
    family.len()
}

/// Words for an x86_64/arm64 ratio's outcome.
pub fn speed_label(j: Option<&Judgement>) -> &'static str {
    match j.map(|j| j.outcome) {
        Some(Outcome::Higher) => "arm64 faster",
        Some(Outcome::Lower) => "x86_64 faster",
        Some(Outcome::Equivalent) => "equivalent",
        Some(Outcome::Inconclusive) => "inconclusive",
        Some(Outcome::NotEnoughData) | None => "not enough data",
    }
}

/// Words for an x86_64/arm64 cost ratio's outcome.
pub fn cost_label(j: Option<&Judgement>) -> &'static str {
    match j.map(|j| j.outcome) {
        Some(Outcome::Higher) => "arm64 cheaper",
        Some(Outcome::Lower) => "x86_64 cheaper",
        _ => speed_label(j),
    }
}

fn label(comparisons: &mut [Comparison], switches: &mut [Switch], families: &mut [Family]) {
    for c in comparisons {
        c.speedup = c.speed.as_ref().map(Est::from);
        c.verdict = speed_label(c.speed.as_ref());
        c.init_verdict = speed_label(c.init.as_ref());
        c.cost_verdict = cost_label(c.cost.as_ref());
    }
    for s in switches {
        s.speed_verdict = speed_label(s.speed.as_ref());
        s.cost_verdict = cost_label(s.cost.as_ref());
        s.cold_verdict = speed_label(s.cold.as_ref());
        s.verdict = switch_verdict(s).into();
    }
    for f in families {
        f.cold_verdict = speed_label(f.cold.as_ref());
    }
}

/// The rule written on the index page: cost decides, speed qualifies.
fn switch_verdict(s: &Switch) -> &'static str {
    let outcome = |j: &Option<Judgement>| j.map(|j| j.outcome);
    use Outcome::{Equivalent, Higher, Lower};
    match (outcome(&s.cost), outcome(&s.speed)) {
        (Some(Higher), Some(Higher | Equivalent)) => {
            "switch to arm64: cheaper, and faster or as fast"
        }
        (Some(Higher), Some(Lower)) => "trade-off: arm64 is cheaper but slower",
        (Some(Equivalent), Some(Higher)) => "switch to arm64: as cheap and faster",
        (Some(Lower), _) | (Some(Equivalent), Some(Lower)) => "stay on x86_64",
        (Some(Equivalent), Some(Equivalent)) => "either: same cost and speed within the margin",
        (None, _) | (_, None) => "not enough data",
        _ => "inconclusive: collect more samples",
    }
}

/// Cheapest, fastest and balanced memory per (workload, runtime, architecture), over the
/// cells with a warm median and a cost.
pub fn recommendations(cells: &[CellStats]) -> Vec<Recommendation> {
    /// (memory, median ms, USD per million) of one memory size.
    type Point = (i64, f64, f64);
    let mut groups: BTreeMap<(&str, &str, &str, &str), Vec<Point>> = BTreeMap::new();
    for c in cells {
        if let (Some(m), Some(cost)) = (c.median, c.usd_per_million) {
            groups
                .entry((&c.workload, &c.runtime, &c.package, &c.architecture))
                .or_default()
                .push((c.memory_mb, m.value, cost));
        }
    }
    groups
        .into_iter()
        .filter_map(|((w, r, p, a), points)| {
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
                package: p.into(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(a: &str, m: i64) -> CellKey {
        CellKey {
            workload: "cpu".into(),
            runtime: "rust".into(),
            package: "zip".into(),
            memory_mb: m,
            architecture: a.into(),
        }
    }

    /// 60 warm samples from 12 environments in 3 rounds, 10 cold starts.
    fn samples(ms: f64) -> Samples {
        let mut s = Samples::default();
        s.language = "rust".into();
        for i in 0..60u32 {
            let env = i % 12;
            let v = ms * (1.0 + 0.01 * f64::from(env % 3)) + f64::from(i % 5) * 0.1;
            s.push_warm(
                v,
                v.ceil(),
                Some(1 + (env % 3) as i32),
                Some(format!("e{env}").as_str()),
            );
        }
        for i in 0..10u32 {
            s.push_cold(
                20.0 + 0.1 * f64::from(i),
                ms + 20.0,
                Some(1 + (i % 3) as i32),
            );
        }
        s
    }

    #[test]
    fn faster_and_cheaper_arm_is_a_switch() {
        let mut s = BTreeMap::new();
        for m in [128, 1024] {
            s.insert(key("arm64", m), samples(80.0 * 1024.0 / m as f64));
            s.insert(key("x86_64", m), samples(100.0 * 1024.0 / m as f64));
        }
        let (f, _) = findings(&s, &Rule::default(), "us-east-1");
        assert_eq!(f.cells.len(), 4);
        assert!(f.cells.iter().all(|c| c.environments == 12 && c.clustered));
        assert_eq!(f.comparisons.len(), 2);
        assert!(
            f.comparisons.iter().all(|c| c.verdict == "arm64 faster"),
            "{:?}",
            f.comparisons
        );
        assert!(
            f.comparisons
                .iter()
                .all(|c| c.cost_verdict == "arm64 cheaper")
        );
        assert!(f.comparisons.iter().all(|c| c.init_verdict == "equivalent"));
        // 2 sizes × 3 metrics + the switch's speed, cost and cold start + the family's cold start.
        assert_eq!(f.family_size, 10);
        assert_eq!(f.families.len(), 1);
        assert_eq!(f.families[0].cold_verdict, "equivalent");
        // arm64 is 20% cheaper per GB-s and faster: well over 20% saving.
        assert!(
            f.comparisons
                .iter()
                .all(|c| c.arm_saving_pct.unwrap() > 20.0)
        );
        assert!(
            f.switches[0].verdict.starts_with("switch to arm64"),
            "{:?}",
            f.switches
        );
        let rec = &f.recommendations[0];
        assert_eq!((rec.fastest_mb, rec.architecture.as_str()), (1024, "arm64"));
    }

    #[test]
    fn families_drop_versions() {
        for (language, f) in [
            ("python", "python"),
            ("graalvm_java21", "graalvm_java"),
            ("dotnet8_aot", "dotnet_aot"),
            ("swift5.8", "swift"),
            ("cpp11", "cpp"),
        ] {
            assert_eq!(family(language), f, "{language}");
        }
    }

    #[test]
    fn environments_are_the_units_and_samples_without_one_are_their_own() {
        let s = samples(100.0);
        let u = units(&key("x86_64", 1024), &s, "us-east-1");
        assert_eq!((u.warm.len(), u.cost.len(), u.init.len()), (12, 12, 10));
        assert!(u.clustered);
        let mut unplaced = Samples::default();
        for i in 0..7 {
            unplaced.push_warm(100.0 + f64::from(i), 101.0, None, None);
        }
        let u = units(&key("x86_64", 1024), &unplaced, "us-east-1");
        assert_eq!(u.warm.len(), 7);
        assert!(!u.clustered);
    }

    #[test]
    fn cost_uses_billed_duration_and_the_price_model() {
        let s = samples(100.0);
        let k = key("x86_64", 1024);
        let c = cell_stats(&k, &s, &units(&k, &s, "us-east-1"), "us-east-1");
        let mean_billed = s.warm_billed_ms.iter().sum::<f64>() / 60.0;
        let expected = 1e6 * (mean_billed / 1000.0 * 0.0000166667 + 0.2e-6);
        assert!(
            (c.usd_per_million.unwrap() - expected).abs() < 1e-6,
            "{c:?}"
        );
        assert!(
            c.cold_usd_per_million.unwrap() > c.usd_per_million.unwrap(),
            "INIT is billed"
        );
        // 60 samples: median and p90 intervals exist, p99 needs ~300 samples.
        assert!(c.median.is_some() && c.p90.is_some() && c.p99.is_none());
        assert_eq!(c.tail_ratio, None, "fewer than 100 samples");
    }
}
