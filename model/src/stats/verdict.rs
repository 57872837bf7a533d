//! Verdicts that hold: four outcomes against a practical margin, with the false discovery
//! rate of a family of verdicts controlled by the Benjamini–Hochberg step-up procedure.
//!
//! A contrast whose ratio is beyond the margin δ (above 1 + δ, or below 1 / (1 + δ)) can only
//! support "higher" or "lower"; one inside can only support "equivalent". So each contrast
//! tests exactly one claim, and its p-value is two-sided-equivalent: below α exactly when the
//! (1 − α) interval lies beyond the margin (a directional claim) or inside it (equivalence, the
//! two one-sided tests of TOST). Benjamini–Hochberg over all verdicts of a family keeps the
//! expected share of false claims among those it makes below α; a claim that does not survive
//! it is "inconclusive", with its interval shown.
//!
//! Why not Holm's family-wise control: it demands p < α / m of the strongest claim, which for
//! ~480 verdicts made "equivalent" unreachable at production sample sizes (0.7% of truly equal
//! cells in `analyzer/report/tests/ground_truth.rs`), while the margin already makes a false
//! "faster" rare (0 of 100 simulated null reports with either correction).

use serde::Serialize;

use super::contrast::Contrast;
use super::t;

/// What a contrast supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The ratio is above 1 + δ.
    Higher,
    /// The ratio is below 1 / (1 + δ).
    Lower,
    /// The ratio is within [1 / (1 + δ), 1 + δ].
    Equivalent,
    /// Neither, at the family's error rate.
    Inconclusive,
    /// Too few units for an honest interval.
    NotEnoughData,
}

/// A contrast judged: its ratio, interval, the claim it tests and the p-values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Judgement {
    pub ratio: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// The claim the estimate allows (`Higher`, `Lower` or `Equivalent`).
    pub claim: Outcome,
    pub p_value: f64,
    /// After the family's correction (equal to `p_value` until [`Rule::adjust`] runs).
    pub p_adjusted: f64,
    pub outcome: Outcome,
    /// Units of the numerator and the denominator (environments, or samples).
    pub units: [usize; 2],
    pub stratified: bool,
}

/// The settings every verdict of a report shares.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rule {
    /// The practical margin δ: differences within a factor 1 + δ are not findings.
    pub margin: f64,
    /// The family-wise error rate, also 1 − the intervals' confidence.
    pub alpha: f64,
}

impl Default for Rule {
    fn default() -> Self {
        Rule {
            margin: 0.05,
            alpha: 0.05,
        }
    }
}

impl Rule {
    /// Judges one contrast (before any correction); `None` gives `NotEnoughData`.
    pub fn judge(&self, contrast: Option<&Contrast>) -> Option<Judgement> {
        let c = contrast?;
        if !(c.se.is_finite() && c.df > 0.0 && c.log_ratio.is_finite()) {
            return None;
        }
        let bound = (1.0 + self.margin).ln();
        let tail = |excess: f64| -> f64 {
            // P(T > excess / se): one-sided p of "the ratio is beyond this bound".
            if c.se > 0.0 {
                t::sf(excess / c.se, c.df)
            } else if excess > 0.0 {
                0.0
            } else {
                1.0
            }
        };
        let (claim, one_sided) = if c.log_ratio > bound {
            (Outcome::Higher, tail(c.log_ratio - bound))
        } else if c.log_ratio < -bound {
            (Outcome::Lower, tail(-bound - c.log_ratio))
        } else {
            let above_low = tail(c.log_ratio + bound);
            let below_high = tail(bound - c.log_ratio);
            (Outcome::Equivalent, above_low.max(below_high))
        };
        let p_value = (2.0 * one_sided).min(1.0);
        let (ci_low, ci_high) = c.interval(1.0 - self.alpha);
        Some(Judgement {
            ratio: c.ratio(),
            ci_low,
            ci_high,
            claim,
            p_value,
            p_adjusted: p_value,
            outcome: if p_value < self.alpha {
                claim
            } else {
                Outcome::Inconclusive
            },
            units: c.units,
            stratified: c.stratified,
        })
    }

    /// The Benjamini–Hochberg correction over a family: sets each `p_adjusted` and keeps a
    /// claim only when its adjusted p-value is below α.
    pub fn adjust(&self, family: &mut [&mut Judgement]) {
        let adjusted = benjamini_hochberg(&family.iter().map(|j| j.p_value).collect::<Vec<_>>());
        for (j, p) in family.iter_mut().zip(adjusted) {
            j.p_adjusted = p;
            j.outcome = if p < self.alpha {
                j.claim
            } else {
                Outcome::Inconclusive
            };
        }
    }
}

/// Benjamini–Hochberg adjusted p-values, in the input order: the i-th smallest of m is
/// multiplied by m / i, then each is lowered to the smallest adjusted value of any larger p
/// (step-up), and capped at 1.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut adjusted = vec![0.0; m];
    let mut running: f64 = 1.0;
    for (rank, &i) in order.iter().enumerate().rev() {
        running = running.min(p[i] * m as f64 / (rank + 1) as f64);
        adjusted[i] = running;
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(ratio: f64, se: f64, df: f64) -> Contrast {
        Contrast {
            log_ratio: f64::ln(ratio),
            se,
            df,
            units: [10, 10],
            stratified: false,
        }
    }

    #[test]
    fn benjamini_hochberg_by_hand() {
        // m = 4, sorted 0.01, 0.02, 0.03, 0.5: × 4/1, 4/2, 4/3, 4/4 = 0.04, 0.04, 0.04, 0.5.
        let got = benjamini_hochberg(&[0.03, 0.5, 0.01, 0.02]);
        let want = [0.04, 0.5, 0.04, 0.04];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?}");
        }
        // Step-up: 0.04 × 2/1 = 0.08 is lowered to 0.045 × 2/2.
        let got = benjamini_hochberg(&[0.045, 0.04]);
        assert!(
            (got[0] - 0.045).abs() < 1e-12 && (got[1] - 0.045).abs() < 1e-12,
            "{got:?}"
        );
        assert_eq!(benjamini_hochberg(&[0.9, 1.0]), vec![1.0, 1.0]);
        assert_eq!(benjamini_hochberg(&[0.5, 0.5]), vec![0.5, 0.5]);
        assert!(benjamini_hochberg(&[]).is_empty());
    }

    #[test]
    fn four_outcomes_and_the_interval_agree() {
        let rule = Rule::default();
        let judge = |ratio, se| rule.judge(Some(&c(ratio, se, 30.0))).unwrap();
        let faster = judge(1.20, 0.02);
        assert_eq!(faster.outcome, Outcome::Higher);
        assert!(faster.ci_low > 1.05);
        let slower = judge(0.80, 0.02);
        assert_eq!(slower.outcome, Outcome::Lower);
        assert!(slower.ci_high < 1.0 / 1.05);
        let same = judge(1.01, 0.01);
        assert_eq!(same.outcome, Outcome::Equivalent);
        assert!(same.ci_low > 1.0 / 1.05 && same.ci_high < 1.05);
        // Beyond the margin but not by enough: the interval crosses it.
        let unsure = judge(1.08, 0.03);
        assert_eq!(unsure.outcome, Outcome::Inconclusive);
        assert_eq!(unsure.claim, Outcome::Higher);
        assert!(unsure.ci_low < 1.05);
        // A precise 3% difference is not a finding: it is inside the margin.
        assert_eq!(judge(1.03, 0.001).outcome, Outcome::Equivalent);
        assert_eq!(rule.judge(None), None);
    }

    #[test]
    fn p_below_alpha_exactly_when_the_interval_clears_the_margin() {
        let rule = Rule::default();
        for ratio in [1.02, 1.06, 1.1, 1.2, 0.83, 0.97] {
            for se in [0.005, 0.02, 0.05] {
                let j = rule.judge(Some(&c(ratio, se, 12.0))).unwrap();
                let clears = match j.claim {
                    Outcome::Higher => j.ci_low > 1.05,
                    Outcome::Lower => j.ci_high < 1.0 / 1.05,
                    _ => j.ci_low > 1.0 / 1.05 && j.ci_high < 1.05,
                };
                assert_eq!(j.p_value < 0.05, clears, "{ratio} {se}: {j:?}");
            }
        }
    }

    #[test]
    fn the_correction_turns_weak_claims_inconclusive() {
        let rule = Rule::default();
        let mut strong = rule.judge(Some(&c(1.3, 0.02, 30.0))).unwrap();
        let mut weak = rule.judge(Some(&c(1.12, 0.025, 30.0))).unwrap();
        assert_eq!(weak.outcome, Outcome::Higher, "alone it is a finding");
        let mut others: Vec<Judgement> = (0..98)
            .map(|_| rule.judge(Some(&c(1.0, 0.2, 30.0))).unwrap())
            .collect();
        let mut family: Vec<&mut Judgement> = vec![&mut strong, &mut weak];
        family.extend(others.iter_mut());
        rule.adjust(&mut family);
        assert_eq!(strong.outcome, Outcome::Higher);
        assert_eq!(weak.outcome, Outcome::Inconclusive, "{weak:?}");
        assert!(weak.p_adjusted > weak.p_value);
    }
}
