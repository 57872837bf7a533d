//! Statistics as pure, tested functions.
//!
//! - [`quantile`]: exact quantiles and distribution-free (order-statistic) intervals for one
//!   quantile of one sample.
//! - [`t`]: Student's t distribution, for intervals and exact p-values of contrasts.
//! - [`contrast`]: the ratio of two groups (architectures, or a run and its baseline) on a log
//!   scale, with the execution environment as the unit and rounds as strata.
//! - [`verdict`]: four-way verdicts against a practical margin, with the Benjamini–Hochberg
//!   correction over a family of verdicts.
//!
//! docs/methodology.md explains the choices; tests with known ground truth are in
//! `analyzer/report/tests/ground_truth.rs`.

pub mod contrast;
pub mod quantile;
pub mod t;
pub mod verdict;

pub use quantile::{
    QuantileEstimate, order_statistics, quantile_ci, quantile_ci_ranks, quantile_sorted,
    quantile_values, quantiles_unsorted,
};

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

/// Median of unsorted data (type 7, as everywhere in lambench); `None` when empty.
pub fn median(data: &[f64]) -> Option<f64> {
    median_in_place(&mut data.to_vec())
}

/// [`median`] of `v`, reordering it: by selection (linear) rather than a sort, for callers that
/// take many medians of scratch buffers. Exactly [`quantile_sorted`]'s value: the middle value,
/// or `lo + (hi - lo) * 0.5` of the two middle ones.
pub fn median_in_place(v: &mut [f64]) -> Option<f64> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let (left, hi, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    let hi = *hi;
    if n % 2 == 1 {
        return Some(hi);
    }
    let lo = left.iter().copied().max_by(f64::total_cmp)?;
    Some(lo + (hi - lo) * 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cv_and_median_by_hand() {
        assert!((cv(&[1.0, 2.0, 3.0]).unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(cv(&[1.0]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0, 10.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    proptest::proptest! {
        /// The median by selection is bit for bit the sorted-quantile median.
        #[test]
        fn median_by_selection_is_the_sorted_median(mut v in proptest::collection::vec(0.0f64..1e4, 0..60)) {
            let mut sorted = v.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let expected = quantile_sorted(&sorted, 0.5).map(f64::to_bits);
            proptest::prop_assert_eq!(median_in_place(&mut v).map(f64::to_bits), expected);
        }
    }
}
