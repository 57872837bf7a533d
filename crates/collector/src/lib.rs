//! The collector: turns the matrix and a mode into a plan of (function, memory) cells, runs it
//! with the real `aws-sdk-lambda` client (against AWS or the local emulator: only the endpoint
//! differs) and records every invocation attempt as a row of the shared schema.
//!
//! Status (issue 5, first cut): sequential execution cell by cell, verified forced cold starts
//! (configuration change, wait for Successful, REPORT must carry Init Duration, retried
//! otherwise), a flagged warm-up then warm samples, Parquet per completed cell. Not yet: the
//! concurrent scheduler, resume, DynamoDB ledger, S3 sink, progress bars.

pub mod plan;
pub mod run;

pub use plan::{Cell, Filters, Plan};
pub use run::{RunOptions, RunSummary, run};
