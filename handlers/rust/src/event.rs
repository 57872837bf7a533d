//! Event parsing shared by the workloads, and the error every language returns for a bad event.

use serde_json::{Value, json};

/// A bad event: the `{"success": false, ...}` body, sent through Lambda's error channel so the
/// invocation has `FunctionError` set.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadError {
    pub workload: &'static str,
    pub message: String,
}

impl WorkloadError {
    pub fn new(workload: &'static str, message: impl Into<String>) -> Self {
        WorkloadError {
            workload,
            message: message.into(),
        }
    }

    /// The body a failed invocation reports.
    pub fn body(&self) -> Value {
        json!({"success": false, "workload": self.workload, "error": self.message})
    }
}

impl std::fmt::Display for WorkloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.body())
    }
}

impl std::error::Error for WorkloadError {}

impl From<WorkloadError> for lambda_runtime::Diagnostic {
    fn from(e: WorkloadError) -> Self {
        lambda_runtime::Diagnostic {
            error_type: "WorkloadError".into(),
            error_message: e.body().to_string(),
        }
    }
}

/// Reads an optional integer field within bounds, with the default when absent or null.
pub fn bounded_int(
    event: &Value,
    workload: &'static str,
    field: &str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, WorkloadError> {
    match event.get(field) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => match v.as_u64() {
            Some(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(WorkloadError::new(
                workload,
                format!("{field} must be an integer from {min} to {max}, got {v}"),
            )),
        },
    }
}
