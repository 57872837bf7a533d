//! Bootstrap confidence intervals (percentile method) for quantiles and for the ratio of two
//! medians, with a seeded generator so a report is the same every time it is built.
//!
//! Why both this and the order-statistic intervals of [`crate::stats`]: those are exact for one
//! quantile of one sample, but there is no distribution-free interval for a ratio of medians of
//! two samples; the bootstrap gives one, and the report uses the same method throughout so the
//! numbers side by side are comparable.

use crate::rng::SplitMix64;
use crate::stats::quantile_sorted;

/// A point estimate with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
}

/// Fewest samples the bootstrap is run on; below it the report says "not enough data".
pub const MIN_SAMPLES: usize = 5;

/// How to resample.
#[derive(Debug, Clone, Copy)]
pub struct Bootstrap {
    pub resamples: usize,
    pub confidence: f64,
    pub seed: u64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap {
            resamples: 1000,
            confidence: 0.95,
            seed: 0x1a_4b_e4_c4,
        }
    }
}

/// Quantile `q` of unsorted data (type 7), by selection rather than a full sort.
pub fn quantile(data: &mut [f64], q: f64) -> Option<f64> {
    if data.is_empty() || !(0.0..=1.0).contains(&q) || data.iter().any(|x| x.is_nan()) {
        return None;
    }
    let pos = q * (data.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    let (_, &mut at_lo, right) = data.select_nth_unstable_by(lo, f64::total_cmp);
    if frac == 0.0 || right.is_empty() {
        return Some(at_lo);
    }
    let next = right.iter().copied().fold(f64::INFINITY, f64::min);
    Some(at_lo + (next - at_lo) * frac)
}

impl Bootstrap {
    /// Quantile `q` of `samples` with a percentile-bootstrap interval.
    pub fn quantile(&self, samples: &[f64], q: f64) -> Option<Estimate> {
        if samples.len() < MIN_SAMPLES {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let value = quantile_sorted(&sorted, q)?;
        let mut rng = SplitMix64::new(self.seed);
        let mut buf = vec![0.0; samples.len()];
        let mut stats = Vec::with_capacity(self.resamples);
        for _ in 0..self.resamples {
            resample(samples, &mut buf, &mut rng);
            stats.push(quantile(&mut buf, q)?);
        }
        self.interval(value, stats)
    }

    /// `median(numerator) / median(denominator)` with a percentile-bootstrap interval, both
    /// samples resampled independently. For durations, x86_64 over arm64 is the arm64 speedup.
    pub fn median_ratio(&self, numerator: &[f64], denominator: &[f64]) -> Option<Estimate> {
        if numerator.len() < MIN_SAMPLES || denominator.len() < MIN_SAMPLES {
            return None;
        }
        let median = |d: &[f64]| quantile(&mut d.to_vec(), 0.5);
        let value = ratio(median(numerator)?, median(denominator)?)?;
        let mut rng = SplitMix64::new(self.seed ^ 0x9e37_79b9);
        let mut a = vec![0.0; numerator.len()];
        let mut b = vec![0.0; denominator.len()];
        let mut stats = Vec::with_capacity(self.resamples);
        for _ in 0..self.resamples {
            resample(numerator, &mut a, &mut rng);
            resample(denominator, &mut b, &mut rng);
            if let Some(r) = ratio(quantile(&mut a, 0.5)?, quantile(&mut b, 0.5)?) {
                stats.push(r);
            }
        }
        self.interval(value, stats)
    }

    fn interval(&self, value: f64, mut stats: Vec<f64>) -> Option<Estimate> {
        if stats.is_empty() {
            return None;
        }
        stats.sort_by(f64::total_cmp);
        let tail = (1.0 - self.confidence) / 2.0;
        Some(Estimate {
            value,
            lo: quantile_sorted(&stats, tail)?,
            hi: quantile_sorted(&stats, 1.0 - tail)?,
        })
    }
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

fn resample(from: &[f64], into: &mut [f64], rng: &mut SplitMix64) {
    let n = from.len() as u64;
    for slot in into.iter_mut() {
        // Multiply-shift maps 64 random bits onto 0..n without modulo bias worth noticing.
        let i = ((u128::from(rng.next_u64()) * u128::from(n)) >> 64) as usize;
        *slot = from[i];
    }
}

/// Coefficient of variation (sample standard deviation / mean); `None` below 2 samples or for
/// a zero mean.
pub fn cv(samples: &[f64]) -> Option<f64> {
    if samples.len() < 2 {
        return None;
    }
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    if mean == 0.0 {
        return None;
    }
    let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Some(var.sqrt() / mean)
}

/// Which architecture is faster, judged by the interval of the x86_64/arm64 ratio of medians.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Arm64Faster,
    X86Faster,
    NoSignificantDifference,
    NotEnoughData,
}

impl Verdict {
    /// From the interval of `x86_64 / arm64`: above 1 throughout means arm64 is faster.
    pub fn from_speedup(speedup: Option<Estimate>) -> Verdict {
        match speedup {
            None => Verdict::NotEnoughData,
            Some(e) if e.lo > 1.0 => Verdict::Arm64Faster,
            Some(e) if e.hi < 1.0 => Verdict::X86Faster,
            Some(_) => Verdict::NoSignificantDifference,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Arm64Faster => "arm64 faster",
            Verdict::X86Faster => "x86_64 faster",
            Verdict::NoSignificantDifference => "no significant difference",
            Verdict::NotEnoughData => "not enough data",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn selection_quantile_matches_sorting() {
        let mut d = vec![5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(quantile(&mut d, 0.5), Some(3.0));
        let mut d = vec![10.0, 0.0, 20.0, 30.0];
        assert_eq!(quantile(&mut d, 0.5), Some(15.0));
        assert_eq!(quantile(&mut [], 0.5), None);
    }

    #[test]
    fn bootstrap_is_deterministic_and_brackets_the_estimate() {
        let data: Vec<f64> = (0..200).map(|i| 100.0 + f64::from(i % 17)).collect();
        let b = Bootstrap::default();
        let e = b.quantile(&data, 0.5).unwrap();
        assert_eq!(Some(e), b.quantile(&data, 0.5));
        assert!(e.lo <= e.value && e.value <= e.hi, "{e:?}");
        assert!(b.quantile(&data[..4], 0.5).is_none(), "too few samples");
    }

    #[test]
    fn ratio_detects_a_real_difference_and_not_a_fake_one() {
        let b = Bootstrap::default();
        let arm: Vec<f64> = (0..100).map(|i| 80.0 + f64::from(i % 7)).collect();
        let x86: Vec<f64> = (0..100).map(|i| 100.0 + f64::from(i % 7)).collect();
        let speedup = b.median_ratio(&x86, &arm);
        assert_eq!(Verdict::from_speedup(speedup), Verdict::Arm64Faster);
        assert!((speedup.unwrap().value - 103.0 / 83.0).abs() < 1e-9);
        let same = b.median_ratio(&arm, &arm.iter().rev().copied().collect::<Vec<_>>());
        assert_eq!(
            Verdict::from_speedup(same),
            Verdict::NoSignificantDifference
        );
        assert_eq!(
            Verdict::from_speedup(b.median_ratio(&arm[..3], &arm)),
            Verdict::NotEnoughData
        );
    }

    #[test]
    fn cv_by_hand() {
        assert!((cv(&[1.0, 2.0, 3.0]).unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(cv(&[1.0]), None);
    }

    proptest! {
        #[test]
        fn interval_contains_the_point_estimate_for_the_median(
            data in proptest::collection::vec(0.0f64..1e4, 5..120)
        ) {
            let b = Bootstrap { resamples: 200, ..Bootstrap::default() };
            let e = b.quantile(&data, 0.5).unwrap();
            let min = data.iter().copied().fold(f64::INFINITY, f64::min);
            let max = data.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(e.lo <= e.hi);
            prop_assert!(min <= e.lo && e.hi <= max);
        }

        #[test]
        fn selection_quantile_equals_sorted_quantile(
            data in proptest::collection::vec(-1e6f64..1e6, 1..200), q in 0.0f64..=1.0
        ) {
            let mut sorted = data.clone();
            sorted.sort_by(f64::total_cmp);
            let expected = quantile_sorted(&sorted, q).unwrap();
            let got = quantile(&mut data.clone(), q).unwrap();
            prop_assert!((expected - got).abs() <= 1e-9 * expected.abs().max(1.0));
        }
    }
}
