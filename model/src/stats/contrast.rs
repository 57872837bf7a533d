//! The ratio of two groups (x86_64 over arm64, or a run over its baseline), with an interval
//! that respects how the samples were taken.
//!
//! Warm invocations cluster by execution environment: two invocations of one environment are
//! more alike than two of different environments, so treating them as independent makes
//! intervals far too narrow (issue 12 measured 46–74 % false verdicts with 1–5 % environment
//! variation). Here the unit is the environment, summarised by one value (its median duration,
//! or its mean cost); cold starts, one per environment, are units of their own. Rounds, which
//! run the two architectures side by side, are strata: each round compares environments started
//! at the same time, so drift between rounds cancels. The contrast is a difference of stratum
//! means of the units' logs (geometric means) or, for costs, of the logs of arithmetic means
//! (delta method), with Welch–Satterthwaite degrees of freedom for Student's t.

use std::collections::BTreeMap;

use super::t;

/// Fewest units per group for a contrast; below it there is no honest interval.
pub const MIN_UNITS: usize = 3;

/// Fewest shared strata for the paired contrast ([`contrast`]): with this many, the spread of
/// the strata's own ratios estimates how much the ratio itself moves between strata.
pub const PAIRED_MIN_STRATA: usize = 10;

/// One unit of a group: its stratum (the round; `None` when unknown) and its summary (> 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    pub stratum: Option<i32>,
    pub value: f64,
}

/// What the groups are compared on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Geometric means of the units (durations: multiplicative effects, skewed data).
    Log,
    /// Arithmetic means of the units (costs, which add up).
    Linear,
}

/// `ln(numerator / denominator)` with its standard error and degrees of freedom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contrast {
    pub log_ratio: f64,
    pub se: f64,
    pub df: f64,
    /// Units of the numerator and of the denominator that entered the contrast.
    pub units: [usize; 2],
    /// Whether rounds were used as strata.
    pub stratified: bool,
}

impl Contrast {
    pub fn ratio(&self) -> f64 {
        self.log_ratio.exp()
    }

    /// The two-sided `confidence` interval of the ratio.
    pub fn interval(&self, confidence: f64) -> (f64, f64) {
        let half = t::quantile(0.5 + confidence / 2.0, self.df) * self.se;
        ((self.log_ratio - half).exp(), (self.log_ratio + half).exp())
    }
}

/// One group's units by stratum, on the scale compared.
struct Group {
    strata: BTreeMap<Option<i32>, Vec<f64>>,
}

impl Group {
    fn new(units: &[Unit], scale: Scale) -> Group {
        let mut strata: BTreeMap<Option<i32>, Vec<f64>> = BTreeMap::new();
        // Units come in runs of one stratum (a round's or a day's samples are read together):
        // a run is added to its stratum at once, so the map is searched once per run.
        let mut run: (Option<i32>, Vec<f64>) = (None, Vec::new());
        for u in units
            .iter()
            .filter(|u| u.value.is_finite() && u.value > 0.0)
        {
            if u.stratum != run.0 && !run.1.is_empty() {
                strata.entry(run.0).or_default().append(&mut run.1);
            }
            run.0 = u.stratum;
            run.1.push(match scale {
                Scale::Log => u.value.ln(),
                Scale::Linear => u.value,
            });
        }
        if !run.1.is_empty() {
            strata.entry(run.0).or_default().append(&mut run.1);
        }
        Group { strata }
    }

    fn n(&self) -> usize {
        self.strata.values().map(Vec::len).sum()
    }

    /// Every unit in one stratum.
    fn pooled(&self) -> Group {
        let all = self.strata.values().flatten().copied().collect();
        Group {
            strata: BTreeMap::from([(None, all)]),
        }
    }

    fn keep(&self, strata: &[Option<i32>]) -> Group {
        Group {
            strata: strata
                .iter()
                .filter_map(|s| Some((*s, self.strata.get(s)?.clone())))
                .collect(),
        }
    }

    /// Stratum means (in `strata` order), and the within-stratum variance pooled over strata.
    fn moments(&self) -> (Vec<f64>, Vec<usize>, f64) {
        let mut means = Vec::new();
        let mut counts = Vec::new();
        let mut ss = 0.0;
        for ys in self.strata.values() {
            let mean = ys.iter().sum::<f64>() / ys.len() as f64;
            ss += ys.iter().map(|y| (y - mean).powi(2)).sum::<f64>();
            means.push(mean);
            counts.push(ys.len());
        }
        let dof = self.n().saturating_sub(self.strata.len());
        (means, counts, ss / dof.max(1) as f64)
    }
}

/// The contrast of `numerator` over `denominator`; `None` without [`MIN_UNITS`] units per
/// group. Rounds are strata when every round both groups share has at least two units in each
/// (otherwise the within-round variance cannot be estimated and all units form one stratum,
/// which counts drift between rounds as noise: wider, never narrower).
pub fn contrast(numerator: &[Unit], denominator: &[Unit], scale: Scale) -> Option<Contrast> {
    let (num, den) = (Group::new(numerator, scale), Group::new(denominator, scale));
    let shared: Vec<Option<i32>> = num
        .strata
        .keys()
        .filter(|s| den.strata.contains_key(*s))
        .copied()
        .collect();
    let stratifiable = shared.len() > 1
        && shared.iter().all(|s| {
            num.strata.get(s).is_some_and(|v| v.len() >= 2)
                && den.strata.get(s).is_some_and(|v| v.len() >= 2)
        });
    if stratifiable && shared.len() >= PAIRED_MIN_STRATA {
        return paired(&num.keep(&shared), &den.keep(&shared), scale);
    }
    let (num, den) = if stratifiable {
        (num.keep(&shared), den.keep(&shared))
    } else {
        (num.pooled(), den.pooled())
    };
    let (n1, n2) = (num.n(), den.n());
    if n1 < MIN_UNITS || n2 < MIN_UNITS {
        return None;
    }
    let strata = num.strata.len();
    let weight = 1.0 / strata as f64;
    let (m1, c1, s1) = num.moments();
    let (m2, c2, s2) = den.moments();
    // Variance of each group's weighted mean of stratum means.
    let var_mean = |counts: &[usize], s2: f64| -> f64 {
        counts
            .iter()
            .map(|&n| weight * weight * s2 / n as f64)
            .sum()
    };
    let (mean1, mean2) = (
        m1.iter().sum::<f64>() * weight,
        m2.iter().sum::<f64>() * weight,
    );
    let (v1, v2) = (var_mean(&c1, s1), var_mean(&c2, s2));
    let (log_ratio, a, b) = match scale {
        Scale::Log => (mean1 - mean2, v1, v2),
        Scale::Linear => {
            if mean1 <= 0.0 || mean2 <= 0.0 {
                return None;
            }
            (
                mean1.ln() - mean2.ln(),
                v1 / (mean1 * mean1),
                v2 / (mean2 * mean2),
            )
        }
    };
    let (d1, d2) = ((n1 - strata) as f64, (n2 - strata) as f64);
    let variance = a + b;
    let df = if variance > 0.0 {
        variance * variance / (a * a / d1 + b * b / d2)
    } else {
        d1 + d2
    };
    Some(Contrast {
        log_ratio,
        se: variance.sqrt(),
        df,
        units: [n1, n2],
        stratified: strata > 1,
    })
}

/// Many shared strata (e.g. the days of an imported lambda-perf history): each stratum's log
/// ratio is a unit, and the contrast is their mean with Student's t on `strata − 1` degrees of
/// freedom. Unlike the fixed-stratum model, this counts how much the ratio itself varies from
/// stratum to stratum (on the lambda-perf history, daily ratios of Init Duration spread 1.2–2×
/// more than the samples within a day predict), so the interval covers another set of days.
fn paired(num: &Group, den: &Group, scale: Scale) -> Option<Contrast> {
    let summary = |ys: &Vec<f64>| -> Option<f64> {
        let mean = ys.iter().sum::<f64>() / ys.len() as f64;
        match scale {
            Scale::Log => Some(mean),
            Scale::Linear => (mean > 0.0).then(|| mean.ln()),
        }
    };
    let diffs: Vec<f64> = num
        .strata
        .iter()
        .zip(den.strata.values())
        .filter_map(|((_, a), b)| Some(summary(a)? - summary(b)?))
        .collect();
    let k = diffs.len();
    if k < PAIRED_MIN_STRATA {
        return None;
    }
    let mean = diffs.iter().sum::<f64>() / k as f64;
    let var = diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (k - 1) as f64;
    Some(Contrast {
        log_ratio: mean,
        se: (var / k as f64).sqrt(),
        df: (k - 1) as f64,
        units: [num.n(), den.n()],
        stratified: true,
    })
}

/// The mean of several independent contrasts on the log scale (e.g. a runtime's memory sizes,
/// each counted once whatever its sample size), with Satterthwaite degrees of freedom.
pub fn mean_of(contrasts: &[Contrast]) -> Option<Contrast> {
    if contrasts.is_empty() {
        return None;
    }
    let k = contrasts.len() as f64;
    let parts: Vec<f64> = contrasts.iter().map(|c| c.se * c.se / (k * k)).collect();
    let variance: f64 = parts.iter().sum();
    let denominator: f64 = parts.iter().zip(contrasts).map(|(p, c)| p * p / c.df).sum();
    Some(Contrast {
        log_ratio: contrasts.iter().map(|c| c.log_ratio).sum::<f64>() / k,
        se: variance.sqrt(),
        df: if denominator > 0.0 {
            variance * variance / denominator
        } else {
            contrasts.iter().map(|c| c.df).sum()
        },
        units: [
            contrasts.iter().map(|c| c.units[0]).sum(),
            contrasts.iter().map(|c| c.units[1]).sum(),
        ],
        stratified: contrasts.iter().all(|c| c.stratified),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn units(stratum: Option<i32>, values: &[f64]) -> Vec<Unit> {
        values
            .iter()
            .map(|&value| Unit { stratum, value })
            .collect()
    }

    #[test]
    fn unstratified_log_contrast_is_welch_on_logs() {
        let a = units(None, &[100.0, 110.0, 90.0, 105.0]);
        let b = units(None, &[80.0, 85.0, 75.0]);
        let c = contrast(&a, &b, Scale::Log).unwrap();
        let logs = |u: &[Unit]| u.iter().map(|u| u.value.ln()).collect::<Vec<_>>();
        let (la, lb) = (logs(&a), logs(&b));
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let var = |v: &[f64]| {
            let m = mean(v);
            v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64
        };
        let (va, vb) = (var(&la) / 4.0, var(&lb) / 3.0);
        assert!((c.log_ratio - (mean(&la) - mean(&lb))).abs() < 1e-12);
        assert!((c.se - (va + vb).sqrt()).abs() < 1e-12);
        let welch = (va + vb).powi(2) / (va * va / 3.0 + vb * vb / 2.0);
        assert!((c.df - welch).abs() < 1e-9, "{} {welch}", c.df);
        assert_eq!((c.units, c.stratified), ([4, 3], false));
        let (lo, hi) = c.interval(0.95);
        assert!(lo < c.ratio() && c.ratio() < hi);
    }

    #[test]
    fn rounds_as_strata_remove_drift_between_rounds() {
        // Round 2 is 30% slower for both groups; within a round the groups differ by 10%.
        let mut a = units(Some(1), &[110.0, 111.0, 109.0]);
        a.extend(units(Some(2), &[143.0, 144.3, 141.7]));
        let mut b = units(Some(1), &[100.0, 101.0, 99.0]);
        b.extend(units(Some(2), &[130.0, 131.3, 128.7]));
        let strat = contrast(&a, &b, Scale::Log).unwrap();
        assert!(strat.stratified);
        assert!((strat.ratio() - 1.1).abs() < 0.002, "{}", strat.ratio());
        // Pooled, the 30% drift is noise: a far wider interval around the same ratio.
        let pooled = contrast(
            &a.iter()
                .map(|u| Unit {
                    stratum: None,
                    ..*u
                })
                .collect::<Vec<_>>(),
            &b.iter()
                .map(|u| Unit {
                    stratum: None,
                    ..*u
                })
                .collect::<Vec<_>>(),
            Scale::Log,
        )
        .unwrap();
        assert!(pooled.se > 5.0 * strat.se, "{} vs {}", pooled.se, strat.se);
    }

    #[test]
    fn many_strata_pair_and_count_how_the_ratio_moves_between_them() {
        // 12 days; arm64 is 10% faster on average but by 5% or 15% on alternate days, and
        // within a day the samples barely differ: the paired interval must span that movement.
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for day in 0..12 {
            let ratio = if day % 2 == 0 { 1.05 } else { 1.15 };
            let level = 100.0 * (1.0 + 0.1 * f64::from(day % 3));
            for j in 0..4 {
                let jitter = 1.0 + 0.001 * f64::from(j);
                a.push(Unit {
                    stratum: Some(day),
                    value: level * ratio * jitter,
                });
                b.push(Unit {
                    stratum: Some(day),
                    value: level * jitter,
                });
            }
        }
        let c = contrast(&a, &b, Scale::Log).unwrap();
        assert!(c.stratified);
        assert_eq!((c.df, c.units), (11.0, [48, 48]));
        let expected = ((1.05f64.ln() + 1.15f64.ln()) / 2.0).exp();
        assert!((c.ratio() - expected).abs() < 1e-9, "{}", c.ratio());
        let (lo, hi) = c.interval(0.95);
        // The days' ratios differ by ±4.5% around the mean: the interval is about ±3%, where
        // the fixed-stratum model (within-day spread only) would give about ±0.05%.
        assert!(hi / lo > 1.04 && hi / lo < 1.08, "[{lo}, {hi}]");
    }

    #[test]
    fn rounds_with_single_units_fall_back_to_one_stratum() {
        let a: Vec<Unit> = (1..=3)
            .map(|r| Unit {
                stratum: Some(r),
                value: 100.0 + f64::from(r),
            })
            .collect();
        let b: Vec<Unit> = (1..=3)
            .map(|r| Unit {
                stratum: Some(r),
                value: 90.0 + f64::from(r),
            })
            .collect();
        let c = contrast(&a, &b, Scale::Log).unwrap();
        assert!(!c.stratified);
        assert_eq!(c.units, [3, 3]);
        assert!(
            contrast(&a[..2], &b, Scale::Log).is_none(),
            "fewer than 3 units"
        );
    }

    #[test]
    fn linear_scale_compares_arithmetic_means() {
        let a = units(None, &[1.0, 2.0, 3.0, 6.0]);
        let b = units(None, &[1.0, 1.0, 1.0, 1.0, 1.0]);
        let c = contrast(&a, &b, Scale::Linear).unwrap();
        assert!((c.ratio() - 3.0).abs() < 1e-12);
        // Var(mean a) = var(a) / 4 = (14/3) / 4; relative: / 9.
        assert!((c.se - ((14.0 / 3.0 / 4.0) / 9.0f64).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn mean_of_contrasts_averages_logs() {
        let c = |lr: f64, se: f64, df: f64| Contrast {
            log_ratio: lr,
            se,
            df,
            units: [10, 10],
            stratified: true,
        };
        let m = mean_of(&[c(0.1, 0.02, 10.0), c(0.3, 0.02, 10.0)]).unwrap();
        assert!((m.log_ratio - 0.2).abs() < 1e-12);
        assert!((m.se - (2.0f64 * 0.0004 / 4.0).sqrt()).abs() < 1e-12);
        assert!(
            (m.df - 20.0).abs() < 1e-9,
            "equal parts: df adds up, {}",
            m.df
        );
        assert_eq!(m.units, [20, 20]);
        assert!(mean_of(&[]).is_none());
    }

    proptest! {
        /// Swapping the groups flips the ratio and keeps the uncertainty.
        #[test]
        fn contrast_is_antisymmetric(
            a in prop::collection::vec(1.0f64..1e4, 3..40),
            b in prop::collection::vec(1.0f64..1e4, 3..40),
        ) {
            let (ua, ub) = (units(Some(1), &a), units(Some(1), &b));
            for scale in [Scale::Log, Scale::Linear] {
                let ab = contrast(&ua, &ub, scale).unwrap();
                let ba = contrast(&ub, &ua, scale).unwrap();
                prop_assert!((ab.log_ratio + ba.log_ratio).abs() < 1e-9);
                prop_assert!((ab.se - ba.se).abs() < 1e-9 * ab.se.max(1e-9));
                let (lo, hi) = ab.interval(0.95);
                prop_assert!(lo <= ab.ratio() && ab.ratio() <= hi);
            }
        }

        /// Grouping by runs of a stratum gives each stratum its values in the order met, as
        /// one map insertion per unit would (so the sums, and every contrast, are unchanged).
        #[test]
        fn strata_hold_their_values_in_order(
            units in prop::collection::vec(
                (prop::option::of(0i32..4), prop_oneof![Just(f64::NAN), Just(0.0), 1.0f64..1e4]),
                0..60,
            ),
        ) {
            let units: Vec<Unit> = units
                .into_iter()
                .map(|(stratum, value)| Unit { stratum, value })
                .collect();
            for scale in [Scale::Log, Scale::Linear] {
                let mut expected: BTreeMap<Option<i32>, Vec<f64>> = BTreeMap::new();
                for u in units.iter().filter(|u| u.value.is_finite() && u.value > 0.0) {
                    let y = if scale == Scale::Log { u.value.ln() } else { u.value };
                    expected.entry(u.stratum).or_default().push(y);
                }
                prop_assert_eq!(&Group::new(&units, scale).strata, &expected);
            }
        }
    }
}
