//! `summary.json` beside `index.html`: every verdict the report shows, one object each, for
//! tools and for checking the pages (docs/schema.md, "Report summary").

use serde::Serialize;

use lambench_model::stats::verdict::{Judgement, Rule};

use crate::analysis::{Findings, cost_label, speed_label};
use crate::baseline::Change;
use crate::error::{Error, Result};

/// The whole file.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Format of this file.
    pub format: u32,
    pub margin: f64,
    pub alpha: f64,
    pub correction: &'static str,
    /// Every arm64/x86_64 verdict (one family for the correction).
    pub verdicts: Vec<Entry>,
    /// Every comparison with `--baseline` (another family), if one was given.
    pub baseline_run: Option<String>,
    pub baseline: Vec<Entry>,
}

/// One verdict.
#[derive(Debug, Serialize)]
pub struct Entry {
    pub workload: String,
    pub runtime: String,
    /// `None` for a (workload, runtime) verdict over all its memory sizes.
    pub memory_mb: Option<i64>,
    /// What the ratio divides: `x86_64/arm64`, or for a baseline `<arch>: current/baseline`.
    pub architecture: String,
    /// `warm_duration`, `cold_init` or `cost`.
    pub metric: &'static str,
    pub ratio: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub p_value: Option<f64>,
    pub p_adjusted: Option<f64>,
    pub margin: f64,
    /// `arm64_faster`, `x86_64_faster`, `arm64_cheaper`, `x86_64_cheaper`, `regression`,
    /// `improvement`, `equivalent`, `inconclusive` or `not_enough_data`.
    pub verdict: String,
    /// Units of the ratio's numerator and denominator: environments for warm metrics (or
    /// samples where environments were not recorded), cold starts for `cold_init`.
    pub environments: Option<[usize; 2]>,
    /// Whether rounds were strata.
    pub stratified: Option<bool>,
}

fn code(label: &str) -> String {
    label.replace(' ', "_")
}

impl Summary {
    pub fn new(rule: &Rule, f: &Findings, baseline: Option<&(String, Vec<Change>)>) -> Summary {
        let entry =
            |w: &str, r: &str, m: Option<i64>, metric, j: Option<&Judgement>, label| Entry {
                workload: w.into(),
                runtime: r.into(),
                memory_mb: m,
                architecture: "x86_64/arm64".into(),
                metric,
                ratio: j.map(|j| j.ratio),
                ci_low: j.map(|j| j.ci_low),
                ci_high: j.map(|j| j.ci_high),
                p_value: j.map(|j| j.p_value),
                p_adjusted: j.map(|j| j.p_adjusted),
                margin: rule.margin,
                verdict: code(label),
                environments: j.map(|j| j.units),
                stratified: j.map(|j| j.stratified),
            };
        let mut verdicts = Vec::new();
        for c in &f.comparisons {
            let (w, r, m) = (c.workload.as_str(), c.runtime.as_str(), Some(c.memory_mb));
            verdicts.push(entry(w, r, m, "warm_duration", c.speed.as_ref(), c.verdict));
            verdicts.push(entry(w, r, m, "cold_init", c.init.as_ref(), c.init_verdict));
            verdicts.push(entry(w, r, m, "cost", c.cost.as_ref(), c.cost_verdict));
        }
        for s in &f.switches {
            let (w, r) = (s.workload.as_str(), s.runtime.as_str());
            let speed = s.speed.as_ref();
            verdicts.push(entry(
                w,
                r,
                None,
                "warm_duration",
                speed,
                speed_label(speed),
            ));
            let cost = s.cost.as_ref();
            verdicts.push(entry(w, r, None, "cost", cost, cost_label(cost)));
        }
        let changes = baseline.map(|(_, c)| c.as_slice()).unwrap_or_default();
        let baseline_entries = changes
            .iter()
            .map(|c| {
                let mut e = entry(
                    &c.workload,
                    &c.runtime,
                    Some(c.memory_mb),
                    "warm_duration",
                    c.judgement.as_ref(),
                    c.flag,
                );
                e.architecture = format!("{}: current/baseline", c.architecture);
                e
            })
            .collect();
        Summary {
            format: 1,
            margin: rule.margin,
            alpha: rule.alpha,
            correction: "benjamini-hochberg",
            verdicts,
            baseline_run: baseline.map(|(run, _)| run.clone()),
            baseline: baseline_entries,
        }
    }

    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::Render {
            what: "summary.json".into(),
            message: e.to_string(),
        })
    }
}
