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

/// The bootstrap distribution of several quantiles of one sample: each resample gives all of
/// them, so a cell is resampled once however many statistics and ratios are drawn from it.
#[derive(Debug, Clone)]
pub struct Distribution {
    /// The quantiles asked for, ascending.
    pub qs: Vec<f64>,
    /// Each quantile of the sample itself.
    pub point: Vec<f64>,
    /// `draws[i][k]`: quantile `qs[k]` of resample `i`.
    pub draws: Vec<Vec<f64>>,
}

/// Quantiles `qs` (ascending) of unsorted data, by successive selection: O(n) each.
pub fn quantiles(data: &mut [f64], qs: &[f64]) -> Option<Vec<f64>> {
    if data.is_empty() || data.iter().any(|x| x.is_nan()) {
        return None;
    }
    let n = data.len();
    let mut out = Vec::with_capacity(qs.len());
    let mut start = 0;
    for &q in qs {
        if !(0.0..=1.0).contains(&q) {
            return None;
        }
        let pos = q * (n - 1) as f64;
        let lo = (pos.floor() as usize).max(start);
        let frac = pos - lo as f64;
        let (_, &mut at, right) = data[start..].select_nth_unstable_by(lo - start, f64::total_cmp);
        let value = if frac > 0.0 && !right.is_empty() {
            let next = right.iter().copied().fold(f64::INFINITY, f64::min);
            at + (next - at) * frac
        } else {
            at
        };
        out.push(value);
        start = lo;
    }
    Some(out)
}

impl Bootstrap {
    /// Resamples `samples` and records quantiles `qs` (ascending) of each resample; `stream`
    /// makes the draws of different cells independent and independent of their order.
    pub fn distribution(&self, samples: &[f64], qs: &[f64], stream: u64) -> Option<Distribution> {
        if samples.len() < MIN_SAMPLES {
            return None;
        }
        let point = quantiles(&mut samples.to_vec(), qs)?;
        let mut rng = SplitMix64::new(self.seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut buf = vec![0.0; samples.len()];
        let mut draws = Vec::with_capacity(self.resamples);
        for _ in 0..self.resamples {
            resample(samples, &mut buf, &mut rng);
            draws.push(quantiles(&mut buf, qs)?);
        }
        Some(Distribution {
            qs: qs.to_vec(),
            point,
            draws,
        })
    }

    /// Quantile `k` of a distribution with its interval.
    pub fn estimate(&self, d: &Distribution, k: usize) -> Option<Estimate> {
        let stats = d.draws.iter().map(|row| row[k]).collect();
        self.interval(*d.point.get(k)?, stats)
    }

    /// Quantile `k` of `numerator` over that of `denominator`, resample by resample (the two
    /// distributions come from independent draws).
    pub fn ratio(
        &self,
        numerator: &Distribution,
        denominator: &Distribution,
        k: usize,
    ) -> Option<Estimate> {
        let value = ratio(*numerator.point.get(k)?, *denominator.point.get(k)?)?;
        let stats = numerator
            .draws
            .iter()
            .zip(&denominator.draws)
            .filter_map(|(a, b)| ratio(a[k], b[k]))
            .collect();
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

    fn median(b: &Bootstrap, data: &[f64]) -> Option<Estimate> {
        b.estimate(&b.distribution(data, &[0.5], 0)?, 0)
    }

    /// median(numerator) / median(denominator), independent streams.
    fn ratio_of_medians(b: &Bootstrap, numerator: &[f64], denominator: &[f64]) -> Option<Estimate> {
        let n = b.distribution(numerator, &[0.5], 1)?;
        let d = b.distribution(denominator, &[0.5], 2)?;
        b.ratio(&n, &d, 0)
    }

    #[test]
    fn selection_quantiles_by_hand() {
        assert_eq!(
            quantiles(&mut [5.0, 1.0, 4.0, 2.0, 3.0], &[0.5]),
            Some(vec![3.0])
        );
        assert_eq!(
            quantiles(&mut [10.0, 0.0, 20.0, 30.0], &[0.0, 0.5, 1.0]),
            Some(vec![0.0, 15.0, 30.0])
        );
        assert_eq!(quantiles(&mut [], &[0.5]), None);
    }

    #[test]
    fn bootstrap_is_deterministic_and_brackets_the_estimate() {
        let data: Vec<f64> = (0..200).map(|i| 100.0 + f64::from(i % 17)).collect();
        let b = Bootstrap::default();
        let e = median(&b, &data).unwrap();
        assert_eq!(Some(e), median(&b, &data));
        assert_eq!(e.value, 108.0);
        assert!(e.lo <= e.value && e.value <= e.hi, "{e:?}");
        assert!(median(&b, &data[..4]).is_none(), "too few samples");
    }

    #[test]
    fn ratio_detects_a_real_difference_and_not_a_fake_one() {
        let b = Bootstrap::default();
        let arm: Vec<f64> = (0..100).map(|i| 80.0 + f64::from(i % 7)).collect();
        let x86: Vec<f64> = (0..100).map(|i| 100.0 + f64::from(i % 7)).collect();
        let speedup = ratio_of_medians(&b, &x86, &arm);
        assert_eq!(Verdict::from_speedup(speedup), Verdict::Arm64Faster);
        assert!((speedup.unwrap().value - 103.0 / 83.0).abs() < 1e-9);
        let same = ratio_of_medians(&b, &arm, &arm.iter().rev().copied().collect::<Vec<_>>());
        assert_eq!(
            Verdict::from_speedup(same),
            Verdict::NoSignificantDifference
        );
        assert_eq!(
            Verdict::from_speedup(ratio_of_medians(&b, &arm[..3], &arm)),
            Verdict::NotEnoughData
        );
    }

    #[test]
    fn cv_by_hand() {
        assert!((cv(&[1.0, 2.0, 3.0]).unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(cv(&[1.0]), None);
    }

    #[test]
    fn one_distribution_serves_several_quantiles_and_streams_are_independent() {
        let b = Bootstrap::default();
        let arm: Vec<f64> = (0..100).map(|i| 80.0 + f64::from(i % 7)).collect();
        let d = b.distribution(&arm, &[0.5, 0.99], 1).unwrap();
        assert_eq!(d.point, vec![83.0, 86.0]);
        let p99 = b.estimate(&d, 1).unwrap();
        assert!(p99.lo <= p99.value && p99.value <= p99.hi);
        assert_eq!(
            d.draws,
            b.distribution(&arm, &[0.5, 0.99], 1).unwrap().draws
        );
        assert_ne!(
            d.draws,
            b.distribution(&arm, &[0.5, 0.99], 3).unwrap().draws
        );
    }

    proptest! {
        #[test]
        fn successive_selection_equals_sorted_quantiles(
            data in proptest::collection::vec(-1e6f64..1e6, 1..200)
        ) {
            let qs = [0.0, 0.25, 0.5, 0.9, 0.99, 1.0];
            let mut sorted = data.clone();
            sorted.sort_by(f64::total_cmp);
            let got = quantiles(&mut data.clone(), &qs).unwrap();
            for (q, g) in qs.iter().zip(got) {
                let expected = quantile_sorted(&sorted, *q).unwrap();
                prop_assert!((expected - g).abs() <= 1e-9 * expected.abs().max(1.0), "q {} {} {}", q, expected, g);
            }
        }

        #[test]
        fn median_interval_is_ordered_and_within_the_data(
            data in proptest::collection::vec(0.0f64..1e4, 5..120)
        ) {
            let b = Bootstrap { resamples: 200, ..Bootstrap::default() };
            let e = median(&b, &data).unwrap();
            let min = data.iter().copied().fold(f64::INFINITY, f64::min);
            let max = data.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(e.lo <= e.hi);
            prop_assert!(min <= e.lo && e.hi <= max);
        }

    }
}
