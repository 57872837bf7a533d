//! Student's t distribution: the CDF through the regularized incomplete beta function, and its
//! quantile by safeguarded Newton steps. Exact to ~1e-12 in the tails, so p-values far below
//! 1/1000 (which Holm's correction over hundreds of verdicts needs) are computed, not estimated
//! by resampling.

/// P(T <= t) for T ~ Student's t with `df` degrees of freedom (`df` > 0, may be fractional).
pub fn cdf(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if t.is_infinite() {
        return if t > 0.0 { 1.0 } else { 0.0 };
    }
    // P(|T| > |t|) = I_x(df/2, 1/2) with x = df / (df + t²).
    let x = df / (df + t * t);
    let tail = 0.5 * incomplete_beta(0.5 * df, 0.5, x);
    if t > 0.0 { 1.0 - tail } else { tail }
}

/// P(T > t): the upper tail, computed directly so that tiny p-values keep their precision.
pub fn sf(t: f64, df: f64) -> f64 {
    cdf(-t, df)
}

/// The `p` quantile (0 < p < 1) of Student's t with `df` degrees of freedom: Newton's method
/// on the CDF (the density is its derivative), kept inside a bracket that bisection narrows
/// whenever a Newton step would leave it. About six CDF evaluations where bisection alone took
/// fifty, which a report with hundreds of intervals felt.
pub fn quantile(p: f64, df: f64) -> f64 {
    if !(0.0 < p && p < 1.0) || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if p > 0.5 {
        // By symmetry, from the lower tail, where the CDF is computed directly: near 1 it is
        // 1 − tail, whose rounding error would keep the Newton steps from settling.
        return -quantile(1.0 - p, df);
    }
    let (mut lo, mut hi) = (-1.0, 1.0);
    while cdf(lo, df) > p {
        lo *= 2.0;
    }
    while cdf(hi, df) < p {
        hi *= 2.0;
    }
    let ln_norm =
        ln_gamma(0.5 * (df + 1.0)) - ln_gamma(0.5 * df) - 0.5 * (df * std::f64::consts::PI).ln();
    let density = |t: f64| (ln_norm - 0.5 * (df + 1.0) * (t * t / df).ln_1p()).exp();
    let mut x = 0.5 * (lo + hi);
    for _ in 0..200 {
        let miss = cdf(x, df) - p;
        if miss == 0.0 {
            return x;
        }
        if miss < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let newton = x - miss / density(x);
        let next = if lo < newton && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        let done =
            (next - x).abs() <= 1e-14 * x.abs().max(1.0) || hi - lo <= 1e-13 * hi.abs().max(1.0);
        x = next;
        if done {
            break;
        }
    }
    x
}

/// The regularized incomplete beta function I_x(a, b), by Lentz's continued fraction
/// (Numerical Recipes §6.4), using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the
/// fraction converges faster.
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_fraction(a, b, x) / a
    } else {
        1.0 - ln_front.exp() * beta_fraction(b, a, 1.0 - x) / b
    }
}

fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=500 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: ~15 significant digits).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + G + 0.5;
    let sum = COEF
        .iter()
        .enumerate()
        .skip(1)
        .fold(COEF[0], |acc, (i, c)| acc + c / (x + i as f64));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn textbook_quantiles() {
        // Two-sided 95% critical values from any t table.
        for (df, t975) in [
            (1.0, 12.706_204_736),
            (2.0, 4.302_652_730),
            (5.0, 2.570_581_836),
            (10.0, 2.228_138_852),
            (30.0, 2.042_272_456),
            (1e7, 1.959_964_085),
        ] {
            let q = quantile(0.975, df);
            assert!((q - t975).abs() < 1e-6, "df {df}: {q} vs {t975}");
            // The tables round to 9 digits (and df 1e7 is the normal's 1.959964: t is 2e-7 more).
            assert!((cdf(t975, df) - 0.975).abs() < 1e-7, "df {df}");
        }
        assert_eq!(cdf(0.0, 3.0), 0.5);
    }

    #[test]
    fn far_tails_keep_their_precision() {
        // P(T > 10) for df = 10 is 7.947e-7 (R: pt(10, 10, lower.tail = FALSE)).
        let p = sf(10.0, 10.0);
        assert!((p / 7.947_765_5e-7 - 1.0).abs() < 1e-6, "{p}");
        // Normal limit: P(Z > 6) = 9.8659e-10.
        let p = sf(6.0, 1e9);
        assert!((p / 9.865_876_45e-10 - 1.0).abs() < 1e-5, "{p}");
    }

    #[test]
    fn ln_gamma_by_hand() {
        assert!(ln_gamma(1.0).abs() < 1e-13);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
    }

    proptest! {
        #[test]
        fn cdf_is_symmetric_monotone_and_inverted_by_quantile(
            t in -50.0f64..50.0,
            df in 0.5f64..500.0,
        ) {
            let c = cdf(t, df);
            prop_assert!((0.0..=1.0).contains(&c));
            prop_assert!((c + cdf(-t, df) - 1.0).abs() < 1e-12);
            prop_assert!(cdf(t + 0.01, df) >= c);
            if (1e-10..1.0 - 1e-10).contains(&c) {
                let back = quantile(c, df);
                prop_assert!((cdf(back, df) - c).abs() < 1e-9, "{} {} {}", t, back, c);
            }
        }
    }
}
