//! Why a report could not be built; each message says what to do.

use thiserror::Error;

pub type Result<T> = std::result::Result<T, Error>;

#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    Analyzer(#[from] lambench_analyzer::Error),
    #[error("query {path} returned an unexpected shape: {message}")]
    Query { path: String, message: String },
    #[error("cannot convert a query result: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
    #[error("cannot render {what}: {message}")]
    Render { what: String, message: String },
    #[error("cannot write the report to {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("no successful samples to report on; check `lambench analyze --sql errors`")]
    NoSamples,
    #[error("the report was cancelled before it finished ({0}); run the command again")]
    Interrupted(String),
    #[error(
        "--out {path} exists and is not a lambench report folder (no .lambench-report in it); refusing to replace it: choose a new folder or an earlier report's"
    )]
    NotAReportFolder { path: String },
    #[error(
        "--out {path} is an earlier report, but it also holds {entries}, which the report did not write and replacing it would delete: move them out, or choose another folder"
    )]
    ForeignInReport { path: String, entries: String },
    #[error(
        "the run's manifest {path} is unreadable: {reason}; without it the report cannot tell which planned cells are missing. Restore it (e.g. from a backup or the results bucket's versions), or delete it to report the data as if imported"
    )]
    Manifest { path: String, reason: String },
}
