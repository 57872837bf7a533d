//! `--baseline RUN_ID`: every cell's median warm duration against another run's, as a ratio
//! with a bootstrap interval; significant slow-downs are flagged as regressions.

use std::collections::BTreeMap;

use lambench_model::bootstrap::Bootstrap;
use serde::Serialize;

use crate::analysis::Est;
use crate::data::{CellKey, Samples};

/// One cell's change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub workload: String,
    pub runtime: String,
    pub architecture: String,
    pub memory_mb: i64,
    pub baseline_ms: Option<f64>,
    pub current_ms: Option<f64>,
    /// Current median / baseline median.
    pub ratio: Option<Est>,
    /// `regression`, `improvement` or `unchanged`.
    pub flag: &'static str,
}

/// Changes for the cells both runs have.
pub fn changes(
    current: &BTreeMap<CellKey, Samples>,
    baseline: &BTreeMap<CellKey, Samples>,
    boot: &Bootstrap,
) -> Vec<Change> {
    current
        .iter()
        .filter_map(|(k, cur)| {
            let base = baseline.get(k)?;
            let median = |s: &[f64]| boot.quantile(s, 0.5).map(|e| e.value);
            let ratio = boot
                .median_ratio(&cur.warm_ms, &base.warm_ms)
                .map(Est::from);
            let flag = match ratio {
                Some(r) if r.lo > 1.0 => "regression",
                Some(r) if r.hi < 1.0 => "improvement",
                _ => "unchanged",
            };
            Some(Change {
                workload: k.workload.clone(),
                runtime: k.runtime.clone(),
                architecture: k.architecture.clone(),
                memory_mb: k.memory_mb,
                baseline_ms: median(&base.warm_ms),
                current_ms: median(&cur.warm_ms),
                ratio,
                flag,
            })
        })
        .collect()
}
