//! Errors a user can act on; each message says what went wrong and how to fix it.

use thiserror::Error;

/// The analyzer's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// Why an analysis could not run.
#[derive(Debug, Error)]
pub enum Error {
    #[error(
        "data location {location} does not exist; run `lambench collect` or `lambench import` first, or pass --data DIR|s3://bucket/prefix"
    )]
    DataMissing { location: String },
    #[error("no .parquet files under {location}; collect or import some data into it first")]
    NoData { location: String },
    #[error("no run {run:?} under {location}; runs present: {runs}")]
    UnknownRun {
        run: String,
        location: String,
        runs: String,
    },
    #[error(
        "{location} holds Parquet that is not lambench invocation data (docs/schema.md):\n{files}\nmove these files out of the data folder"
    )]
    ForeignFiles { location: String, files: String },
    #[error("invalid data location {location:?}: {reason}")]
    BadLocation { location: String, reason: String },
    #[error("cannot list {location}: {message}")]
    Storage { location: String, message: String },
    #[error(
        "{origin}: only queries that read can run ({message}); analyze never changes data or files: write results with --output FILE"
    )]
    NotReadOnly { origin: String, message: String },
    #[error(
        "{origin} has {operators} operators in one statement; the limit is {limit} (each nests the expression one level deeper, and planning recurses once per level): split it, or use sum()/IN (...) over rows instead of a long chain"
    )]
    TooComplex {
        origin: String,
        operators: usize,
        limit: usize,
    },
    #[error(
        "{arg}: no such file, and no built-in query of that name; the built-in queries: {names} (`lambench queries` describes them)"
    )]
    UnknownQuery { arg: String, names: String },
    #[error("SQL error in {origin}: {message}")]
    Sql { origin: String, message: String },
    #[error("query failed: {message}{hint}")]
    Execution { message: String, hint: String },
    /// The reason is in the message (not a `source`), so it is printed once.
    #[error("cannot read {path}: {reason}")]
    Io {
        path: String,
        reason: std::io::Error,
    },
    #[error("cannot write {path}: {message}")]
    Output { path: String, message: String },
    #[error("{path}: {message}")]
    Import { path: String, message: String },
    #[error(transparent)]
    Write(#[from] lambench_model::parquet_out::WriteError),
}
