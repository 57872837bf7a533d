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

mod price;
mod quantile_ci;

use datafusion::logical_expr::{AggregateUDF, ScalarUDF};
use datafusion::prelude::SessionContext;

pub use price::{PriceFn, PriceUdf};
pub use quantile_ci::QuantileCi;

/// Registers every lambench function on a session.
pub fn register_all(ctx: &SessionContext) {
    for f in [PriceFn::GbSeconds, PriceFn::Cost, PriceFn::ComputeCost, PriceFn::MonthlyCost] {
        ctx.register_udf(ScalarUDF::from(PriceUdf::new(f)));
    }
    ctx.register_udaf(AggregateUDF::from(QuantileCi::new(false)));
    ctx.register_udaf(AggregateUDF::from(QuantileCi::new(true)));
}
