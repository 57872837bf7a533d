//! `--baseline RUN_ID`: every cell's warm duration against another run's, as a ratio of
//! geometric means over environments (this run / the baseline), judged four ways against the
//! practical margin with the Benjamini–Hochberg correction over all of the report's baseline
//! comparisons.
//! Rounds are not strata here: the two runs did not run side by side.

use std::collections::BTreeMap;

use lambench_model::stats::contrast::{self, Scale, Unit};
use lambench_model::stats::verdict::{Judgement, Outcome, Rule};
use serde::Serialize;

use crate::analysis::{CellUnits, Est};
use crate::data::CellKey;

/// One cell's change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub workload: String,
    pub runtime: String,
    pub package: String,
    pub architecture: String,
    pub memory_mb: i64,
    /// Geometric mean over environments of their median warm duration, per run.
    pub baseline_ms: Option<f64>,
    pub current_ms: Option<f64>,
    /// This run over the baseline: above 1 is slower.
    pub ratio: Option<Est>,
    pub judgement: Option<Judgement>,
    /// `regression`, `improvement`, `equivalent`, `inconclusive` or `not enough data`.
    pub flag: &'static str,
}

/// The flag of a change's outcome.
pub fn flag(j: Option<&Judgement>) -> &'static str {
    match j.map(|j| j.outcome) {
        Some(Outcome::Higher) => "regression",
        Some(Outcome::Lower) => "improvement",
        Some(Outcome::Equivalent) => "equivalent",
        Some(Outcome::Inconclusive) => "inconclusive",
        Some(Outcome::NotEnoughData) | None => "not enough data",
    }
}

fn unstratified(units: &[Unit]) -> Vec<Unit> {
    units
        .iter()
        .map(|u| Unit {
            stratum: None,
            ..*u
        })
        .collect()
}

fn geometric_mean(units: &[Unit]) -> Option<f64> {
    let logs: Vec<f64> = units
        .iter()
        .filter(|u| u.value > 0.0)
        .map(|u| u.value.ln())
        .collect();
    (!logs.is_empty()).then(|| (logs.iter().sum::<f64>() / logs.len() as f64).exp())
}

/// Changes for the cells both runs have warm samples of.
pub fn changes(
    current: &BTreeMap<CellKey, CellUnits>,
    baseline: &BTreeMap<CellKey, CellUnits>,
    rule: &Rule,
) -> Vec<Change> {
    let mut out: Vec<Change> = current
        .iter()
        .filter_map(|(k, cur)| {
            let base = baseline.get(k)?;
            if cur.warm.is_empty() || base.warm.is_empty() {
                return None;
            }
            let c = contrast::contrast(
                &unstratified(&cur.warm),
                &unstratified(&base.warm),
                Scale::Log,
            );
            Some(Change {
                workload: k.workload.clone(),
                runtime: k.runtime.clone(),
                package: k.package.clone(),
                architecture: k.architecture.clone(),
                memory_mb: k.memory_mb,
                baseline_ms: geometric_mean(&base.warm),
                current_ms: geometric_mean(&cur.warm),
                ratio: None,
                judgement: rule.judge(c.as_ref()),
                flag: "",
            })
        })
        .collect();
    let mut family: Vec<&mut Judgement> = out
        .iter_mut()
        .filter_map(|c| c.judgement.as_mut())
        .collect();
    rule.adjust(&mut family);
    for c in &mut out {
        c.ratio = c.judgement.as_ref().map(Est::from);
        c.flag = flag(c.judgement.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(ms: f64, seed: u32) -> CellUnits {
        CellUnits {
            warm: (0..8)
                .map(|i| Unit {
                    stratum: Some(1 + (i % 3) as i32),
                    value: ms * (1.0 + 0.01 * f64::from((i * 7 + seed) % 5)),
                })
                .collect(),
            ..CellUnits::default()
        }
    }

    fn key(m: i64) -> CellKey {
        CellKey {
            workload: "cpu".into(),
            runtime: "rust".into(),
            package: "zip".into(),
            memory_mb: m,
            architecture: "arm64".into(),
        }
    }

    #[test]
    fn a_slower_run_regresses_and_an_identical_one_does_not() {
        let rule = Rule::default();
        let base = BTreeMap::from([(key(128), cell(100.0, 0)), (key(256), cell(50.0, 0))]);
        let slower = BTreeMap::from([(key(128), cell(130.0, 1)), (key(256), cell(50.0, 1))]);
        let changes = changes(&slower, &base, &rule);
        assert_eq!(changes[0].flag, "regression", "{:?}", changes[0]);
        assert_eq!(changes[1].flag, "equivalent", "{:?}", changes[1]);
        let same = super::changes(&base, &base, &rule);
        assert!(same.iter().all(|c| c.flag == "equivalent"), "{same:?}");
    }
}
