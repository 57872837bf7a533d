//! lambench's analyzer: Apache DataFusion SQL over the invocation Parquet files.
//!
//! [`Analyzer::open`] registers the table `invocations` (Hive-partitioned by `run_id`, local
//! folder or `s3://bucket/prefix`) together with lambench's SQL functions: the Lambda price
//! model (`lambda_cost_usd`, `gb_seconds`, ...) and distribution-free confidence intervals for
//! quantiles (`quantile_ci_lower`/`quantile_ci_upper`). DataFusion's own `percentile_cont` and
//! `median` are exact.

mod error;
pub mod import;
pub mod output;
pub mod queries;
mod session;
pub mod source;
mod sql_limits;
pub mod udf;

pub use error::{Error, Result};
pub use session::{
    ALL_RUNS_TABLE, Analyzer, Batches, ENVIRONMENTS_VIEW, Partition, PartitionError, QueryResult,
    SqlOrigin, TABLE,
};
pub use source::DataLocation;
