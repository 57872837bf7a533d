//! Quantiles and distribution-free confidence intervals for one quantile of one sample.
//!
//! The interval for a quantile uses order statistics and the binomial distribution, so it
//! holds for any distribution (Lambda latencies are skewed and multi-modal; a normal
//! approximation would lie in the tails). With too few samples for the asked confidence there
//! is no interval, and the functions say so with `None` rather than invent one.

/// Quantile `q` in 0..=1 of sorted data by linear interpolation between closest ranks
/// (Hyndman & Fan type 7, what `percentile_cont` computes). `None` for empty input.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let (lo, hi, frac) = position(sorted.len(), q)?;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * frac)
}

/// Where the `q` quantile of `n` sorted values lies: the 0-based ranks around it and the
/// fraction of the way from one to the other; `None` for no values or `q` outside 0..=1.
fn position(n: usize, q: f64) -> Option<(usize, usize, f64)> {
    if n == 0 || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let pos = q * (n - 1) as f64;
    let lo = pos.floor() as usize;
    Some((lo, pos.ceil() as usize, pos - lo as f64))
}

/// 1-based ranks `(l, u)` such that `[x(l), x(u)]` covers the `q` quantile with probability at
/// least `confidence`, splitting the miss probability evenly between the two tails.
/// `None` when `n` is too small for that confidence.
pub fn quantile_ci_ranks(n: usize, q: f64, confidence: f64) -> Option<(usize, usize)> {
    if n == 0 || !(0.0 < q && q < 1.0) || !(0.0 < confidence && confidence < 1.0) {
        return None;
    }
    let tail = (1.0 - confidence) / 2.0;
    let cdf = BinomialCdf::new(n, q);
    // Coverage of [x(l), x(u)] is P(l <= B <= u-1) = F(u-1) - F(l-1), B ~ Bin(n, q).
    // l: the largest rank with F(l-1) <= tail; u: the smallest rank with F(u-1) >= 1 - tail.
    // F only changes inside the window, so the searches start at its edges.
    let l = (1..=n.min(cdf.end + 1))
        .rev()
        .find(|&l| cdf.at(l - 1) <= tail)?;
    let u = (cdf.start.max(1)..=n).find(|&u| cdf.at(u - 1) >= 1.0 - tail)?;
    (l < u).then_some((l, u))
}

/// The CDF of `Binomial(n, q)` over the window of `k` that holds all but a negligible part
/// of the mass (below 1e-30 of the mode's probability per term; the terms fall off
/// geometrically past it): `P(B <= k)` is 0 below the window and 1 above it. Built from the
/// mode outwards by the ratio of neighbouring probabilities, then normalised, so it needs
/// no logarithms and no factorials, and costs O(sqrt(n)) rather than O(n).
struct BinomialCdf {
    start: usize,
    end: usize,
    /// `cdf[i] = P(B <= start + i)`.
    cdf: Vec<f64>,
}

impl BinomialCdf {
    fn new(n: usize, q: f64) -> BinomialCdf {
        const NEGLIGIBLE: f64 = 1e-30;
        let odds = q / (1.0 - q);
        let mode = (((n + 1) as f64 * q).floor() as usize).min(n);
        // P(k-1)/P(k) = k / ((n-k+1) odds); P(k+1)/P(k) = (n-k) odds / (k+1).
        let mut below = Vec::new();
        let (mut k, mut p) = (mode, 1.0);
        while k > 0 {
            p *= k as f64 / ((n - k + 1) as f64 * odds);
            if p < NEGLIGIBLE {
                break;
            }
            below.push(p);
            k -= 1;
        }
        let start = mode - below.len();
        let mut pmf: Vec<f64> = below.into_iter().rev().collect();
        pmf.push(1.0);
        let (mut k, mut p) = (mode, 1.0);
        while k < n {
            p *= (n - k) as f64 * odds / (k + 1) as f64;
            if p < NEGLIGIBLE {
                break;
            }
            pmf.push(p);
            k += 1;
        }
        let total: f64 = pmf.iter().sum();
        let mut acc = 0.0;
        let cdf: Vec<f64> = pmf
            .iter()
            .map(|p| {
                acc += p / total;
                acc.min(1.0)
            })
            .collect();
        BinomialCdf {
            start,
            end: start + cdf.len() - 1,
            cdf,
        }
    }

    fn at(&self, k: usize) -> f64 {
        if k < self.start {
            0.0
        } else if k > self.end {
            1.0
        } else {
            self.cdf[k - self.start]
        }
    }
}

/// Confidence interval for the `q` quantile of sorted data; `None` when there are too few values.
pub fn quantile_ci(sorted: &[f64], q: f64, confidence: f64) -> Option<(f64, f64)> {
    let (l, u) = quantile_ci_ranks(sorted.len(), q, confidence)?;
    Some((sorted[l - 1], sorted[u - 1]))
}

/// One quantile of unsorted data, as [`quantile_sorted`] and [`quantile_ci`] give it on the
/// sorted data: the point value, and its interval when the sample supports one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantileEstimate {
    pub value: f64,
    pub ci: Option<(f64, f64)>,
}

/// The quantiles `qs` of `v` with their `confidence` intervals, by selection rather than a
/// sort (`v` is reordered): each needs at most four order statistics, so a report's million
/// samples are partitioned around a dozen ranks instead of sorted. Bit for bit what
/// [`quantile_sorted`] and [`quantile_ci`] give on the sorted data; `None` where `q` is
/// outside 0..=1 or `v` is empty.
pub fn quantiles_unsorted(
    v: &mut [f64],
    qs: &[f64],
    confidence: f64,
) -> Vec<Option<QuantileEstimate>> {
    select_quantiles(v, qs, Some(confidence))
}

/// The quantiles `qs` of `v` without intervals, by selection as [`quantiles_unsorted`]
/// (`v` is reordered): what a chart's box needs, for the price of two order statistics per
/// quantile instead of a sort of all the values.
pub fn quantile_values(v: &mut [f64], qs: &[f64]) -> Vec<Option<f64>> {
    select_quantiles(v, qs, None)
        .into_iter()
        .map(|e| e.map(|e| e.value))
        .collect()
}

fn select_quantiles(
    v: &mut [f64],
    qs: &[f64],
    confidence: Option<f64>,
) -> Vec<Option<QuantileEstimate>> {
    let n = v.len();
    // Each quantile's position, and its interval's 1-based ranks.
    let wanted: Vec<_> = qs
        .iter()
        .map(|&q| {
            let ci = confidence.and_then(|c| quantile_ci_ranks(n, q, c));
            Some((position(n, q)?, ci))
        })
        .collect();
    // 0-based ranks: the two around each position, and the intervals' bounds.
    let mut ranks = Vec::new();
    for ((lo, hi, _), ci) in wanted.iter().flatten() {
        ranks.extend([*lo, *hi]);
        ranks.extend(ci.iter().flat_map(|&(l, u)| [l - 1, u - 1]));
    }
    ranks.sort_unstable();
    ranks.dedup();
    let values = order_statistics(v, &ranks);
    let at = |rank: usize| values[ranks.partition_point(|&r| r < rank)];
    wanted
        .into_iter()
        .map(|w| {
            let ((lo, hi, frac), ci) = w?;
            Some(QuantileEstimate {
                value: at(lo) + (at(hi) - at(lo)) * frac,
                ci: ci.map(|(l, u)| (at(l - 1), at(u - 1))),
            })
        })
        .collect()
}

/// The values at 0-based `ranks` (ascending, distinct, each below `v.len()`) of `v` as if it
/// were sorted, reordering `v`: select the middle rank, then recurse into each side with the
/// ranks that fall there, so k ranks cost O(n log k) rather than a sort's O(n log n).
pub fn order_statistics(v: &mut [f64], ranks: &[usize]) -> Vec<f64> {
    let mut out = vec![0.0; ranks.len()];
    select_ranks(v, 0, ranks, &mut out);
    out
}

fn select_ranks(v: &mut [f64], offset: usize, ranks: &[usize], out: &mut [f64]) {
    if ranks.is_empty() {
        return;
    }
    let mid = ranks.len() / 2;
    let (left, nth, right) = v.select_nth_unstable_by(ranks[mid] - offset, f64::total_cmp);
    out[mid] = *nth;
    let (out_left, out_rest) = out.split_at_mut(mid);
    select_ranks(left, offset, &ranks[..mid], out_left);
    select_ranks(right, ranks[mid] + 1, &ranks[mid + 1..], &mut out_rest[1..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The exact CDF over every k, in log space (the reference the window is checked against).
    fn binomial_cdf(n: usize, q: f64) -> Vec<f64> {
        let ln_q = q.ln();
        let ln_p = (1.0 - q).ln();
        let mut ln_pmf = n as f64 * ln_p;
        let mut acc = 0.0;
        let mut cdf = Vec::with_capacity(n + 1);
        for k in 0..=n {
            acc += ln_pmf.exp();
            cdf.push(acc.min(1.0));
            if k < n {
                ln_pmf += ((n - k) as f64 / (k + 1) as f64).ln() + ln_q - ln_p;
            }
        }
        cdf
    }

    #[test]
    fn quantiles_by_hand() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.5), Some(2.5));
        assert_eq!(quantile_sorted(&v, 0.0), Some(1.0));
        assert_eq!(quantile_sorted(&v, 1.0), Some(4.0));
        assert_eq!(quantile_sorted(&[7.0], 0.99), Some(7.0));
        assert_eq!(quantile_sorted(&[], 0.5), None);
        assert_eq!(quantile_sorted(&v, 1.5), None);
    }

    #[test]
    fn median_ci_for_ten_samples_is_second_to_ninth() {
        // Textbook value: for n = 10 the 95% interval for the median is [x(2), x(9)] (97.9%).
        assert_eq!(quantile_ci_ranks(10, 0.5, 0.95), Some((2, 9)));
        // Five samples cannot give 95% (0.5^5 * 2 = 6.25% miss even at [x(1), x(5)]).
        assert_eq!(quantile_ci_ranks(5, 0.5, 0.95), None);
        assert_eq!(quantile_ci_ranks(6, 0.5, 0.95), Some((1, 6)));
        // p99 needs ~300 samples before a 95% interval exists that excludes the maximum.
        assert_eq!(quantile_ci_ranks(100, 0.99, 0.95), None);
        assert!(quantile_ci_ranks(1000, 0.99, 0.95).is_some());
    }

    #[test]
    fn large_n_does_not_underflow() {
        let (l, u) = quantile_ci_ranks(1_000_000, 0.5, 0.95).unwrap();
        // Normal approximation: 500000 ± 1.96 × 500 = ±980.
        assert!((499_000..499_030).contains(&l), "{l}");
        assert!((500_970..501_000).contains(&u), "{u}");
    }

    fn coverage(n: usize, q: f64, ranks: (usize, usize)) -> f64 {
        let cdf = binomial_cdf(n, q);
        cdf[ranks.1 - 1] - if ranks.0 >= 2 { cdf[ranks.0 - 2] } else { 0.0 }
    }

    /// The ranks from the exact CDF of every k, as the windowed CDF is meant to give them.
    fn exact_ranks(n: usize, q: f64, confidence: f64) -> Option<(usize, usize)> {
        let tail = (1.0 - confidence) / 2.0;
        let cdf = binomial_cdf(n, q);
        let l = (1..=n).rev().find(|&l| cdf[l - 1] <= tail)?;
        let u = (1..=n).find(|&u| cdf[u - 1] >= 1.0 - tail)?;
        (l < u).then_some((l, u))
    }

    proptest! {
        /// The window's ranks are the exact CDF's ranks.
        #[test]
        fn windowed_ranks_are_the_exact_ranks(
            n in prop_oneof![1usize..2_000, 2_000usize..200_000],
            q in prop_oneof![prop::sample::select(vec![0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999]), 0.0001f64..0.9999],
            conf in prop::sample::select(vec![0.5, 0.8, 0.9, 0.95, 0.99, 0.999]),
        ) {
            prop_assert_eq!(quantile_ci_ranks(n, q, conf), exact_ranks(n, q, conf));
        }

        /// Whenever an interval is given, its exact coverage is at least the confidence asked.
        #[test]
        fn intervals_have_at_least_the_asked_coverage(
            n in 1usize..400,
            q in prop::sample::select(vec![0.1, 0.5, 0.9, 0.99]),
            conf in prop::sample::select(vec![0.8, 0.9, 0.95, 0.99]),
        ) {
            if let Some((l, u)) = quantile_ci_ranks(n, q, conf) {
                prop_assert!(1 <= l && l < u && u <= n);
                prop_assert!(coverage(n, q, (l, u)) >= conf - 1e-9);
                let rank = q * n as f64;
                prop_assert!(l as f64 <= rank + 1.0 && u as f64 >= rank);
            }
        }

        /// Selection gives exactly the sorted data's quantiles and intervals, ties and all.
        #[test]
        fn quantiles_by_selection_are_the_sorted_ones(
            mut v in prop::collection::vec(prop_oneof![0.0f64..1e4, (0u8..5).prop_map(f64::from)], 0..700),
            qs in prop::collection::vec(prop_oneof![prop::sample::select(vec![0.0, 0.5, 0.9, 0.99, 1.0]), 0.0f64..1.0, 1.0f64..2.0], 1..5),
        ) {
            let mut sorted = v.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let bits = |x: f64| x.to_bits();
            let expected: Vec<_> = qs.iter().map(|&q| quantile_sorted(&sorted, q).map(|value| (
                bits(value), quantile_ci(&sorted, q, 0.95).map(|(l, h)| (bits(l), bits(h)))
            ))).collect();
            let got: Vec<_> = quantiles_unsorted(&mut v, &qs, 0.95).into_iter().map(|e| e.map(|e| (
                bits(e.value), e.ci.map(|(l, h)| (bits(l), bits(h)))
            ))).collect();
            prop_assert_eq!(got, expected.clone());
            let values: Vec<_> = quantile_values(&mut v, &qs).into_iter().map(|x| x.map(bits)).collect();
            prop_assert_eq!(values, expected.into_iter().map(|e| e.map(|(x, _)| x)).collect::<Vec<_>>());
        }

        /// Any set of ranks, selected at once, are the sorted data's values at those ranks.
        #[test]
        fn order_statistics_are_the_sorted_values(
            mut v in prop::collection::vec(-1e3f64..1e3, 1..300),
            picks in prop::collection::vec(0.0f64..1.0, 0..12),
        ) {
            let mut sorted = v.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let mut ranks: Vec<usize> = picks.iter().map(|p| (p * v.len() as f64) as usize).collect();
            ranks.sort_unstable();
            ranks.dedup();
            let want: Vec<f64> = ranks.iter().map(|&r| sorted[r]).collect();
            prop_assert_eq!(order_statistics(&mut v, &ranks), want);
        }

        /// The interval brackets the point estimate on any data.
        #[test]
        fn interval_brackets_the_quantile(mut v in prop::collection::vec(-1e6f64..1e6, 1..300)) {
            v.sort_by(f64::total_cmp);
            if let Some((lo, hi)) = quantile_ci(&v, 0.5, 0.95) {
                let m = quantile_sorted(&v, 0.5).unwrap();
                prop_assert!(lo <= m && m <= hi);
            }
        }
    }
}
