//! Why a run stopped. Completed cells are always on disk (or S3) by then, so every one of these
//! ends with "resume with `lambench collect --resume RUN_ID`" in the CLI.

use thiserror::Error;

use crate::api::{ApiError, ErrorKind};

#[derive(Debug, Error)]
pub enum CollectError {
    #[error(
        "AWS credentials expired or are invalid ({message}); refresh them (e.g. `aws sso login`, or export new AWS_* variables)"
    )]
    Credentials { message: String },
    #[error("cannot {action} {function}: {message}")]
    Api {
        action: &'static str,
        function: String,
        message: String,
    },
    #[error("cannot store results in {location}: {message}")]
    Storage { location: String, message: String },
    #[error(
        "run {run_id} already exists in {location}; continue it with --resume {run_id}, or pick another --run-id"
    )]
    RunExists { run_id: String, location: String },
    #[error(
        "no run {run_id} in {location}: there is no manifest for it ({location}/_manifests/{run_id}.json) to resume from"
    )]
    NoSuchRun { run_id: String, location: String },
    #[error(
        "the manifest of run {run_id} is unreadable ({message}); it is JSON written by lambench, restore it or start a new run"
    )]
    BadManifest { run_id: String, message: String },
    #[error(
        "run {run_id} was started by lambench {version} (manifest format {format}); this lambench writes format {} (cells in rounds) and cannot resume it: finish it with lambench {version}, or start a new run",
        crate::manifest::FORMAT
    )]
    OldManifest {
        run_id: String,
        version: String,
        format: u64,
    },
    #[error("DynamoDB ledger table {table}: {message}")]
    Ledger { table: String, message: String },
    #[error(transparent)]
    Write(#[from] lambench_model::parquet_out::WriteError),
}

impl CollectError {
    /// An API failure while doing `action` to `function`; credential failures stop the run
    /// with their own message whatever the call was.
    pub fn api(action: &'static str, function: &str, e: ApiError) -> Self {
        if e.kind == ErrorKind::Credentials {
            return CollectError::Credentials { message: e.message };
        }
        CollectError::Api {
            action,
            function: function.to_string(),
            message: e.message,
        }
    }

    /// Whether `--resume` can continue after this error without anything being fixed in the
    /// data (all of them, except a run id clash or a missing/bad manifest).
    pub fn resumable(&self) -> bool {
        !matches!(
            self,
            CollectError::RunExists { .. }
                | CollectError::NoSuchRun { .. }
                | CollectError::BadManifest { .. }
                | CollectError::OldManifest { .. }
        )
    }
}
