//! The four Lambda calls the collector makes, behind a small trait. The real `aws-sdk-lambda`
//! client implements it (AWS or the emulator: only the endpoint differs, see `sdk.rs`), and so
//! does the simulated Lambda of the scheduling test, which runs in paused tokio time.

use std::collections::HashMap;
use std::future::Future;

use thiserror::Error;

/// What kind of failure a Lambda call had: decides retry, record or stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 429 TooManyRequestsException: retried with jittered backoff.
    Throttled,
    /// 409 ResourceConflictException (an update in progress): retried with backoff.
    Conflict,
    /// Expired or invalid credentials: the run stops cleanly and can be resumed.
    Credentials,
    /// The function does not exist.
    NotFound,
    /// Network failure, timeout or a 5xx: the call may well succeed if repeated.
    Transient,
    /// Anything else (network, 5xx, validation).
    Other,
}

/// A failed Lambda call.
#[derive(Debug, Clone, Error)]
#[error("{message}")]
pub struct ApiError {
    pub kind: ErrorKind,
    /// The service's error code, e.g. `TooManyRequestsException`.
    pub code: Option<String>,
    pub message: String,
}

impl ApiError {
    pub fn new(kind: ErrorKind, code: Option<&str>, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            code: code.map(str::to_string),
            message: message.into(),
        }
    }
}

/// The part of a function's configuration a forced cold start changes.
#[derive(Debug, Clone, Default)]
pub struct FunctionConfig {
    pub memory_mb: u32,
    pub variables: HashMap<String, String>,
}

/// `LastUpdateStatus` of a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateStatus {
    InProgress,
    Successful,
    Failed(String),
}

/// An invocation's answer: the decoded log tail (with the REPORT line), the function error
/// kind when the function failed, and the response payload.
#[derive(Debug, Clone, Default)]
pub struct Invoked {
    pub log_tail: String,
    pub function_error: Option<String>,
    pub payload: Vec<u8>,
}

/// The Lambda API as the collector uses it.
pub trait LambdaApi: Send + Sync {
    /// `GetFunctionConfiguration` (control plane, 15 req/s shared).
    fn configuration(
        &self,
        function: &str,
    ) -> impl Future<Output = Result<FunctionConfig, ApiError>> + Send;

    /// `UpdateFunctionConfiguration` with memory and the complete variable set.
    fn update_configuration(
        &self,
        function: &str,
        memory_mb: u32,
        variables: &HashMap<String, String>,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;

    /// `GetFunction`'s `LastUpdateStatus` (its own 100 req/s quota).
    fn update_status(
        &self,
        function: &str,
    ) -> impl Future<Output = Result<UpdateStatus, ApiError>> + Send;

    /// `Invoke` with `LogType=Tail`.
    fn invoke(
        &self,
        function: &str,
        payload: &[u8],
    ) -> impl Future<Output = Result<Invoked, ApiError>> + Send;
}
