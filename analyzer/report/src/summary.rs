//! `summary.json` beside `index.html`: every verdict the report shows, one object each, for
//! tools and for checking the pages (docs/schema.md, "Report summary").

use serde::Serialize;

use lambench_model::stats::verdict::{Judgement, Rule};

use crate::analysis::{Findings, Recommendation, cost_label, speed_label};
use crate::baseline::Change;
use crate::error::{Error, Result};

/// The whole file.
#[derive(Debug, Clone, Serialize)]
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
    /// Power-Tuning-style memory sizes per (workload, runtime, package type, architecture).
    pub recommendations: Vec<Recommendation>,
}

/// One verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub workload: String,
    /// The runtime (with its language for custom runtimes), or for `scope = "family"` the
    /// language family.
    pub runtime: String,
    /// `zip`, `image` or `not recorded`; `None` for a family.
    pub package_type: Option<String>,
    /// `memory_size` (one cell pair), `runtime` (over the runtime's memory sizes) or `family`
    /// (cold starts over the family's runtimes and package types).
    pub scope: &'static str,
    /// `None` for a verdict over several memory sizes.
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
    /// samples where environments were not recorded), cold starts for `cold_init`, rounds for
    /// a baseline comparison.
    pub environments: Option<[usize; 2]>,
    /// Whether rounds were strata.
    pub stratified: Option<bool>,
}

fn code(label: &str) -> String {
    label.replace(' ', "_")
}

impl Summary {
    pub fn new(rule: &Rule, f: &Findings, baseline: Option<&(String, Vec<Change>)>) -> Summary {
        let entry = |w: &str,
                     (r, p): (&str, Option<&str>),
                     m: Option<i64>,
                     metric,
                     j: Option<&Judgement>,
                     label| Entry {
            workload: w.into(),
            runtime: r.into(),
            package_type: p.map(str::to_string),
            scope: match (m, p) {
                (Some(_), _) => "memory_size",
                (None, Some(_)) => "runtime",
                (None, None) => "family",
            },
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
            let (w, r, m) = (
                c.workload.as_str(),
                (c.runtime.as_str(), Some(c.package.as_str())),
                Some(c.memory_mb),
            );
            verdicts.push(entry(w, r, m, "warm_duration", c.speed.as_ref(), c.verdict));
            verdicts.push(entry(w, r, m, "cold_init", c.init.as_ref(), c.init_verdict));
            verdicts.push(entry(w, r, m, "cost", c.cost.as_ref(), c.cost_verdict));
        }
        for s in &f.switches {
            let (w, r) = (
                s.workload.as_str(),
                (s.runtime.as_str(), Some(s.package.as_str())),
            );
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
            let cold = s.cold.as_ref();
            verdicts.push(entry(w, r, None, "cold_init", cold, speed_label(cold)));
        }
        for f in &f.families {
            let cold = f.cold.as_ref();
            let who = (f.family.as_str(), None);
            verdicts.push(entry(
                &f.workload,
                who,
                None,
                "cold_init",
                cold,
                f.cold_verdict,
            ));
        }
        let changes = baseline.map(|(_, c)| c.as_slice()).unwrap_or_default();
        let baseline_entries = changes
            .iter()
            .map(|c| {
                let mut e = entry(
                    &c.workload,
                    (&c.runtime, Some(&c.package)),
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
            format: 2,
            margin: rule.margin,
            alpha: rule.alpha,
            correction: "benjamini-hochberg",
            verdicts,
            baseline_run: baseline.map(|(run, _)| run.clone()),
            baseline: baseline_entries,
            recommendations: f.recommendations.clone(),
        }
    }

    /// Baseline comparisons flagged as regressions.
    pub fn regressions(&self) -> impl Iterator<Item = &Entry> {
        self.baseline.iter().filter(|e| e.verdict == "regression")
    }

    /// A short text for the terminal: per (workload, runtime, package type) the verdicts over
    /// all memory sizes and the balanced memory size of each architecture; for cold-start-only
    /// data the verdict per language family; then the baseline's regressions and improvements.
    pub fn terminal(&self) -> String {
        let mut out = String::new();
        let warm = self
            .verdicts
            .iter()
            .any(|e| e.scope == "runtime" && e.metric != "cold_init" && e.ratio.is_some());
        if warm {
            out.push_str(&self.runtime_lines());
        } else {
            out.push_str(&self.family_lines());
        }
        if let Some(run) = &self.baseline_run {
            out.push_str(&self.baseline_lines(run));
        }
        out
    }

    /// Whether the verdicts span more than one package type (then lines name it).
    fn packages(&self) -> bool {
        let mut seen = self
            .verdicts
            .iter()
            .filter_map(|e| e.package_type.as_deref());
        let first = seen.next();
        seen.any(|p| Some(p) != first)
    }

    fn runtime_lines(&self) -> String {
        let mut out = format!(
            "arm64 vs x86_64 over all memory sizes (x86_64/arm64, above 1 favours arm64; 95% CI; margin ±{:.0}%):\n",
            self.margin * 100.0
        );
        let packages = self.packages();
        // One line per (workload, runtime, package), its metrics side by side, whatever their order.
        type Key<'a> = (&'a str, &'a str, &'a str);
        let mut lines: Vec<(Key<'_>, Vec<String>)> = Vec::new();
        for e in self.verdicts.iter().filter(|e| e.scope == "runtime") {
            let package = e.package_type.as_deref().unwrap_or_default();
            let key = (e.workload.as_str(), e.runtime.as_str(), package);
            match lines.iter_mut().find(|(k, _)| *k == key) {
                Some((_, texts)) => texts.push(entry_text(e)),
                None => lines.push((key, vec![entry_text(e)])),
            }
        }
        for ((workload, runtime, package), mut texts) in lines {
            let memory: Vec<String> = self
                .recommendations
                .iter()
                .filter(|r| r.workload == workload && r.runtime == runtime && r.package == package)
                .map(|r| format!("{} {} MB", r.architecture, r.balanced_mb))
                .collect();
            if !memory.is_empty() {
                texts.push(format!("balanced memory: {}", memory.join(", ")));
            }
            let runtime = if packages {
                format!("{runtime} ({package})")
            } else {
                runtime.to_string()
            };
            out.push_str(&format!(
                "  {workload:<18} {runtime:<16} {}\n",
                texts.join("   ")
            ));
        }
        out
    }

    fn family_lines(&self) -> String {
        let families: Vec<&Entry> = self
            .verdicts
            .iter()
            .filter(|e| e.scope == "family")
            .collect();
        if families.is_empty() {
            let mut out =
                String::from("no samples of both architectures: no arm64 vs x86_64 verdict\n");
            if !self.recommendations.is_empty() {
                out.push_str("memory size to pick (balanced: smallest cost/max-cost + duration/max-duration):\n");
            }
            for r in &self.recommendations {
                out.push_str(&format!(
                    "  {:<18} {:<16} {:<7} balanced {} MB ({:.1} ms median, ${:.4} per 1M), cheapest {} MB, fastest {} MB\n",
                    r.workload,
                    r.runtime,
                    r.architecture,
                    r.balanced_mb,
                    r.balanced_median_ms,
                    r.balanced_usd_per_million,
                    r.cheapest_mb,
                    r.fastest_mb
                ));
            }
            return out;
        }
        let runtimes = self
            .verdicts
            .iter()
            .filter(|e| e.scope == "runtime" && e.ratio.is_some())
            .count();
        let mut out = format!(
            "no warm samples of both architectures; cold starts (Init Duration, x86_64/arm64, above 1 favours arm64; 95% CI; margin ±{:.0}%) per language family, {runtimes} runtime verdicts in summary.json:\n",
            self.margin * 100.0
        );
        for e in families {
            out.push_str(&format!(
                "  {:<18} {:<16} {}\n",
                e.workload,
                e.runtime,
                entry_text(e)
            ));
        }
        out
    }

    fn baseline_lines(&self, run: &str) -> String {
        let count = |v: &str| self.baseline.iter().filter(|e| e.verdict == v).count();
        let mut out = format!(
            "against baseline {run}: {} regressions, {} improvements, {} equivalent, {} inconclusive or not enough data\n",
            count("regression"),
            count("improvement"),
            count("equivalent"),
            count("inconclusive") + count("not_enough_data"),
        );
        let changed = self
            .baseline
            .iter()
            .filter(|e| e.verdict == "regression" || e.verdict == "improvement");
        for e in changed {
            out.push_str(&format!(
                "  {}: {} {} {} MB {}: {}\n",
                e.verdict,
                e.workload,
                e.runtime,
                e.memory_mb.unwrap_or(0),
                e.architecture,
                entry_text(e)
            ));
        }
        out
    }

    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::Render {
            what: "summary.json".into(),
            message: e.to_string(),
        })
    }
}

/// `speed 1.21 [1.15, 1.27] arm64 faster`, or the verdict alone without an interval.
fn entry_text(e: &Entry) -> String {
    let metric = match e.metric {
        "cost" => "cost",
        "cold_init" => "cold start",
        _ => "speed",
    };
    let verdict = e.verdict.replace('_', " ");
    match (e.ratio, e.ci_low, e.ci_high) {
        (Some(r), Some(lo), Some(hi)) => format!("{metric} {r:.2} [{lo:.2}, {hi:.2}] {verdict}"),
        _ => format!("{metric}: {verdict}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_architecture_still_gets_the_memory_size_to_pick() {
        let summary = Summary {
            format: 2,
            margin: 0.05,
            alpha: 0.05,
            correction: "benjamini-hochberg",
            verdicts: Vec::new(),
            baseline_run: None,
            baseline: Vec::new(),
            recommendations: vec![Recommendation {
                workload: "cpu-intensive".into(),
                runtime: "python3.12".into(),
                package: "zip".into(),
                architecture: "x86_64".into(),
                cheapest_mb: 512,
                fastest_mb: 1769,
                balanced_mb: 1024,
                balanced_median_ms: 456.8,
                balanced_usd_per_million: 12.48,
            }],
        };
        let text = summary.terminal();
        assert!(
            text.starts_with("no samples of both architectures"),
            "{text}"
        );
        assert!(
            text.contains("python3.12       x86_64  balanced 1024 MB (456.8 ms median, $12.4800 per 1M), cheapest 512 MB, fastest 1769 MB"),
            "{text}"
        );
    }
}
