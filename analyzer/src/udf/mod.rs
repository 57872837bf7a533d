//! lambench's SQL functions, registered on every session.
//!
//! Price model (scalar, from `lambench_model::price`):
//! - `gb_seconds(memory_mb, billed_duration_ms)`
//! - `lambda_cost_usd(architecture, memory_mb, billed_ms [, region])`: one invocation,
//!   compute plus request charge, first-tier price
//! - `lambda_compute_cost_usd(architecture, memory_mb, billed_ms [, region])`: compute only
//! - `lambda_monthly_cost_usd(architecture, gb_seconds, requests [, region])`: with volume tiers
//!
//! Statistics (aggregate, from `lambench_model::stats`):
//! - `quantile_ci_lower(value, q, confidence)` / `quantile_ci_upper(...)`: distribution-free
//!   confidence interval of the `q` quantile; NULL when there are too few values.
//! - `quantile_ci(value, q, confidence)`: both bounds as a struct `{lower, upper}`, from one
//!   copy of the values (`get_field(quantile_ci(x, 0.5, 0.95), 'lower')`).

mod price;
mod quantile_ci;
mod quantile_ci_groups;

use datafusion::logical_expr::{AggregateUDF, ScalarUDF};
use datafusion::prelude::SessionContext;

pub use price::{PriceFn, PriceUdf};
pub use quantile_ci::{Bound, QuantileCi};

/// Registers every lambench function on a session.
pub fn register_all(ctx: &SessionContext) {
    for f in [
        PriceFn::GbSeconds,
        PriceFn::Cost,
        PriceFn::ComputeCost,
        PriceFn::MonthlyCost,
    ] {
        ctx.register_udf(ScalarUDF::from(PriceUdf::new(f)));
    }
    for b in [Bound::Lower, Bound::Upper, Bound::Both] {
        ctx.register_udaf(AggregateUDF::from(QuantileCi::new(b)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::AsArray;
    use arrow::datatypes::Float64Type;
    use lambench_model::price::PriceTable;
    use lambench_model::stats;

    async fn scalar(sql: &str) -> datafusion::common::Result<Option<f64>> {
        let ctx = SessionContext::new();
        register_all(&ctx);
        let batches = ctx.sql(sql).await?.collect().await?;
        let col = batches[0].column(0).as_primitive::<Float64Type>();
        Ok((!col.is_null(0)).then(|| col.value(0)))
    }

    use arrow::array::Array;

    #[tokio::test]
    async fn price_functions_match_the_model() {
        assert_eq!(
            scalar("SELECT gb_seconds(1024, 1000)").await.unwrap(),
            Some(1.0)
        );
        let want = PriceTable
            .invocation_cost("arm64", 1769.0, 1234.0, "us-east-1")
            .unwrap();
        assert_eq!(
            scalar("SELECT lambda_cost_usd('arm64', 1769, 1234)")
                .await
                .unwrap(),
            Some(want)
        );
        let want = PriceTable
            .compute_cost("x86_64", 128.0, 5.0, "us-east-2")
            .unwrap();
        assert_eq!(scalar("SELECT lambda_compute_cost_usd('x86_64', CAST(128 AS INT), CAST(5 AS BIGINT), 'us-east-2')").await.unwrap(), Some(want));
        let want = PriceTable
            .monthly_cost("x86_64", 10e9, 1e6, "us-east-1")
            .unwrap();
        assert_eq!(
            scalar("SELECT lambda_monthly_cost_usd('x86_64', 10e9, 1e6)")
                .await
                .unwrap(),
            Some(want)
        );
        assert_eq!(
            scalar("SELECT lambda_cost_usd('arm64', NULL, 5)")
                .await
                .unwrap(),
            None
        );
        let err = scalar("SELECT lambda_cost_usd('arm64', 128, 5, 'eu-nowhere-1')")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("eu-nowhere-1"), "{err}");
    }

    #[tokio::test]
    async fn quantile_ci_matches_the_model() {
        let values: Vec<f64> = (1..=40).map(|i| f64::from(i * i % 97)).collect();
        let list = values
            .iter()
            .map(|v| format!("({v})"))
            .collect::<Vec<_>>()
            .join(",");
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let (lo, hi) = stats::quantile_ci(&sorted, 0.5, 0.95).unwrap();
        let q = |f: &str| format!("SELECT {f}(x, 0.5, 0.95) FROM (VALUES {list}) AS t(x)");
        assert_eq!(scalar(&q("quantile_ci_lower")).await.unwrap(), Some(lo));
        assert_eq!(scalar(&q("quantile_ci_upper")).await.unwrap(), Some(hi));
        let both = |field: &str| {
            format!(
                "SELECT get_field(quantile_ci(x, 0.5, 0.95), '{field}') FROM (VALUES {list}) AS t(x)"
            )
        };
        assert_eq!(scalar(&both("lower")).await.unwrap(), Some(lo));
        assert_eq!(scalar(&both("upper")).await.unwrap(), Some(hi));
        // Too few values for a 95% interval: NULL, not a made-up bound.
        let few =
            "SELECT quantile_ci_lower(x, 0.5, 0.95) FROM (VALUES (1.0), (2.0), (3.0)) AS t(x)";
        assert_eq!(scalar(few).await.unwrap(), None);
        let bad = "SELECT quantile_ci_lower(x, 1.5, 0.95) FROM (VALUES (1.0)) AS t(x)";
        assert!(
            scalar(bad)
                .await
                .unwrap_err()
                .to_string()
                .contains("q must be between 0 and 1")
        );
    }

    /// GROUP BY takes the groups accumulator: each group's bounds equal the model's, with
    /// NULLs, non-finite values and a FILTER clause left out, over several batches.
    #[tokio::test]
    async fn grouped_quantile_ci_matches_the_model_per_group() {
        let ctx = SessionContext::new_with_config(
            datafusion::prelude::SessionConfig::new().with_batch_size(7),
        );
        register_all(&ctx);
        let mut rows = Vec::new();
        let mut expected: std::collections::BTreeMap<i64, Vec<f64>> = Default::default();
        for i in 0..300i64 {
            let (g, v) = (i % 3, ((i * 37) % 101) as f64);
            let kept = i % 10 != 0;
            rows.push(format!("({g}, {v}, {kept})"));
            if kept {
                expected.entry(g).or_default().push(v);
            }
        }
        rows.push("(0, NULL, true)".into());
        rows.push("(1, 'NaN'::double, true)".into());
        let sql = format!(
            "SELECT g, quantile_ci_lower(x, 0.9, 0.95) FILTER (WHERE k) AS lo, \
             quantile_ci_upper(x, 0.9, 0.95) FILTER (WHERE k) AS hi, \
             get_field(quantile_ci(x, 0.9, 0.95) FILTER (WHERE k), 'lower') AS both_lo, \
             get_field(quantile_ci(x, 0.9, 0.95) FILTER (WHERE k), 'upper') AS both_hi \
             FROM (VALUES {}) AS t(g, x, k) GROUP BY g ORDER BY g",
            rows.join(",")
        );
        let batches = ctx.sql(&sql).await.unwrap().collect().await.unwrap();
        let batch = arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap();
        let lo = batch.column(1).as_primitive::<Float64Type>();
        let hi = batch.column(2).as_primitive::<Float64Type>();
        let both_lo = batch.column(3).as_primitive::<Float64Type>();
        let both_hi = batch.column(4).as_primitive::<Float64Type>();
        assert_eq!(batch.num_rows(), 3);
        for (i, (_, mut v)) in expected.into_iter().enumerate() {
            v.sort_by(f64::total_cmp);
            let (l, h) = stats::quantile_ci(&v, 0.9, 0.95).unwrap();
            assert_eq!((lo.value(i), hi.value(i)), (l, h), "group {i}");
            assert_eq!((both_lo.value(i), both_hi.value(i)), (l, h), "group {i}");
        }
    }
}
