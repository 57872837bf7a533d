//! What an environment and its Runtime API listener share: the invocations waiting and held,
//! how one ended, and why the environment stopped. In a module of its own so that the
//! environment (which starts the listener) and the listener (which serves the handler) both
//! depend on it and not on each other.

use std::sync::Mutex;
use std::time::Instant;

use tokio::sync::{mpsc, oneshot, watch};

/// An invocation waiting for, or held by, an environment.
pub struct Pending {
    pub request_id: String,
    pub event: Vec<u8>,
    pub deadline_ms: u64,
    pub function_arn: String,
    pub reply: oneshot::Sender<Outcome>,
}

/// How an invocation ended inside the environment.
#[derive(Debug)]
pub enum Outcome {
    Response { body: Vec<u8>, duration_ms: f64 },
    FunctionError { body: Vec<u8>, duration_ms: f64 },
}

/// Why an environment can no longer serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// The runtime posted an initialisation error (the body it posted).
    InitError(String),
    /// The kernel's OOM killer ended it (its cgroup says so).
    OutOfMemory,
    /// The process ended otherwise (its exit status, or `killed`).
    Process(String),
    /// The invocation never got an answer: the environment stopped before taking it, or
    /// dropped it.
    Lost(&'static str),
}

impl Exit {
    /// The `errorType` Lambda gives the invocation.
    pub fn error_type(&self) -> &'static str {
        match self {
            Exit::InitError(_) => "Runtime.InitError",
            Exit::OutOfMemory => "Runtime.OutOfMemory",
            Exit::Process(_) | Exit::Lost(_) => "Runtime.ExitError",
        }
    }
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exit::InitError(body) => write!(f, "init error: {body}"),
            Exit::OutOfMemory => f.write_str("out of memory"),
            Exit::Process(status) => write!(f, "process exited: {status}"),
            Exit::Lost(why) => f.write_str(why),
        }
    }
}

/// State shared between the environment and its Runtime API handlers.
pub struct Shared {
    pub started: Instant,
    pub init_ms: Mutex<Option<f64>>,
    pub queue: tokio::sync::Mutex<mpsc::Receiver<Pending>>,
    pub current: Mutex<Option<(Pending, Instant)>>,
    /// Set when the environment can no longer serve.
    pub dead: watch::Sender<Option<Exit>>,
    pub logs: Mutex<Vec<String>>,
}
