//! The collector: turns the matrix and a mode into a plan of (function, memory) cells, runs it
//! through the real `aws-sdk-lambda` client (against AWS or the local emulator: only the
//! endpoint differs) and records every invocation attempt as a row of the shared schema.
//!
//! Pieces: [`plan`] (cells, groups, warm lanes), [`estimate`] (expected duration, cost, the
//! schedule's lower bound, parallelism per function), [`schedule`] (concurrent run under the
//! [`limits`]), [`cell`] (verified cold batches and warm lanes), [`runner`] (forced cold starts,
//! one invocation → one row), [`sink`] + [`manifest`] + [`ledger`] (Parquet, manifest and
//! DynamoDB, resumable), [`discover`] (CloudFormation or ListFunctions), [`api`]/[`sdk`] (the
//! Lambda calls behind a trait).

pub mod api;
pub mod cell;
pub mod discover;
pub mod error;
pub mod estimate;
pub mod ledger;
pub mod limits;
pub mod outcome;
pub mod policy;
pub mod progress;
pub mod runner;
pub mod schedule;
pub mod sdk;
pub mod sink;

pub use api::{ApiError, ErrorKind, FunctionConfig, Invoked, LambdaApi, UpdateStatus};
pub use error::CollectError;
/// The plan and the manifest are the model's (the report reads manifests too).
pub use lambench_model::{manifest, plan};
pub use limits::Limits;
pub use manifest::{Manifest, RunStatus};
pub use outcome::CellOutcome;
pub use plan::{Cell, CellRound, Filters, Plan};
pub use progress::{Progress, Silent};
pub use runner::RunOptions;
pub use schedule::{RunEnd, run};
pub use sdk::SdkLambda;
pub use sink::Sink;
