//! `--baseline RUN_ID`: every cell's median warm duration against another run's, as a ratio
//! with a bootstrap interval; significant slow-downs are flagged as regressions.

use std::collections::BTreeMap;

use lambench_model::bootstrap::Bootstrap;
use serde::Serialize;

use crate::analysis::{CellDist, Est};
use crate::data::CellKey;

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
    current: &BTreeMap<CellKey, CellDist>,
    baseline: &BTreeMap<CellKey, CellDist>,
    boot: &Bootstrap,
) -> Vec<Change> {
    current
        .iter()
        .filter_map(|(k, cur)| {
            let (cur, base) = (cur.warm.as_ref()?, baseline.get(k)?.warm.as_ref()?);
            let median = |d: &lambench_model::bootstrap::Distribution| d.point.first().copied();
            let ratio = boot.ratio(cur, base, 0).map(Est::from);
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
                baseline_ms: median(base),
                current_ms: median(cur),
                ratio,
                flag,
            })
        })
        .collect()
}
