//! `--baseline RUN_ID`: every cell's warm duration against another run's, as a ratio of
//! geometric means over rounds (this run / the baseline), judged four ways against the
//! practical margin with the Benjamini–Hochberg correction over all of the report's baseline
//! comparisons.
//!
//! Rounds are not strata here (the two runs did not run side by side) but the units: each
//! round's geometric mean of its environments' medians is one unit (for data without rounds,
//! each UTC day's), and with fewer than [`contrast::MIN_UNITS`] a side there is not enough data. The
//! environments of one round ran at the same time and share its conditions, so they are not
//! independent draws from their run. Counted as such, identical local runs flagged a Python
//! "regression" in 2 of 78 pairs (1.29, interval 1.14-1.45; 1.26, interval 1.14-1.39), and on
//! synthetic runs with 5% drift between rounds the interval covered the truth 70% of the time
//! (`ground_truth.rs`); docs/methodology.md, "Baselines across time".

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
    /// Geometric mean over rounds of their environments' geometric mean median warm duration,
    /// per run (so `current_ms / baseline_ms` is the ratio).
    pub baseline_ms: Option<f64>,
    pub current_ms: Option<f64>,
    /// This run over the baseline: above 1 is slower.
    pub ratio: Option<Est>,
    /// Its units (`judgement.units`) are rounds.
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

/// Each stratum's geometric mean as one unit (values must be positive, as durations are).
fn by_stratum(units: &[Unit]) -> Vec<Unit> {
    let mut logs: BTreeMap<Option<i32>, (f64, usize)> = BTreeMap::new();
    for u in units.iter().filter(|u| u.value > 0.0) {
        let (sum, n) = logs.entry(u.stratum).or_default();
        *sum += u.value.ln();
        *n += 1;
    }
    logs.into_values()
        .map(|(sum, n)| Unit {
            stratum: None,
            value: (sum / n as f64).exp(),
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
            let (cur_rounds, base_rounds) = (by_stratum(&cur.warm), by_stratum(&base.warm));
            let c = contrast::contrast(&cur_rounds, &base_rounds, Scale::Log);
            Some(Change {
                workload: k.workload.clone(),
                runtime: k.runtime.clone(),
                package: k.package.clone(),
                architecture: k.architecture.clone(),
                memory_mb: k.memory_mb,
                baseline_ms: geometric_mean(&base_rounds),
                current_ms: geometric_mean(&cur_rounds),
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

    /// Two environments per round, alike within a round: `per_round[r]` is round r's value.
    fn rounds(per_round: &[f64]) -> CellUnits {
        CellUnits {
            warm: per_round
                .iter()
                .enumerate()
                .flat_map(|(r, &v)| {
                    [0.999, 1.001].map(|j| Unit {
                        stratum: Some(r as i32 + 1),
                        value: v * j,
                    })
                })
                .collect(),
            ..CellUnits::default()
        }
    }

    /// Environments of one round alike, so counted one by one they look like many agreeing
    /// draws: the rounds' spread is what the interval must see.
    #[test]
    fn rounds_not_environments_are_the_units() {
        let rule = Rule::default();
        let base = rounds(&[100.0, 101.0, 99.0, 100.0]);
        let current = rounds(&[118.0, 118.0, 118.0, 100.0]);
        let [change] = changes(
            &BTreeMap::from([(key(128), current.clone())]),
            &BTreeMap::from([(key(128), base.clone())]),
            &rule,
        )
        .try_into()
        .unwrap();
        assert_eq!(change.flag, "inconclusive", "{change:?}");
        let judgement = change.judgement.unwrap();
        assert_eq!(judgement.units, [4, 4]);
        let (now, before) = (change.current_ms.unwrap(), change.baseline_ms.unwrap());
        assert!(
            (now / before - judgement.ratio).abs() < 1e-12,
            "{now} / {before}"
        );
        // Counted environment by environment, the same data is a regression: the pairs of a
        // round would be eight independent draws.
        let each = |c: &CellUnits| -> Vec<Unit> {
            c.warm
                .iter()
                .map(|u| Unit {
                    stratum: None,
                    ..*u
                })
                .collect()
        };
        let by_environment = contrast::contrast(&each(&current), &each(&base), Scale::Log);
        assert_eq!(
            flag(rule.judge(by_environment.as_ref()).as_ref()),
            "regression"
        );
    }

    #[test]
    fn fewer_than_three_rounds_a_side_is_not_enough_data() {
        let rule = Rule::default();
        let base = BTreeMap::from([(key(128), rounds(&[100.0, 100.0]))]);
        let current = BTreeMap::from([(key(128), rounds(&[130.0, 131.0]))]);
        let [change] = changes(&current, &base, &rule).try_into().unwrap();
        assert_eq!(change.flag, "not enough data", "{change:?}");
        assert!(change.judgement.is_none());
    }
}
