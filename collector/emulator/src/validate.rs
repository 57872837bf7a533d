//! Requests checked as Lambda checks them (limits and error types of the Lambda API
//! reference), so the collector's error paths run against the emulator as they would on AWS.
//! Pure functions: a request in, what to apply or the error Lambda would answer.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use lambench_model::matrix::{MAX_MEMORY_MB, MAX_TIMEOUT_S, MIN_MEMORY_MB};
use serde_json::Value;

/// Largest synchronous Invoke payload (6 MB).
pub const MAX_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;
/// Largest set of environment variables, keys and values together (4 KB).
pub const MAX_ENVIRONMENT_BYTES: usize = 4 * 1024;
/// Keys Lambda sets itself and refuses in a function's configuration.
const RESERVED: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

/// An error as Lambda answers it: status, `X-Amzn-ErrorType`, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
}

fn invalid(kind: &'static str, message: String) -> ApiError {
    ApiError {
        status: StatusCode::BAD_REQUEST,
        kind,
        message,
    }
}

/// An Invoke payload: at most 6 MB, and JSON when not empty.
pub fn payload(body: &[u8]) -> Result<(), ApiError> {
    if body.len() > MAX_PAYLOAD_BYTES {
        return Err(ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            kind: "RequestTooLargeException",
            message: format!(
                "{} byte payload is too large for the RequestResponse invocation type (limit {MAX_PAYLOAD_BYTES} bytes)",
                body.len()
            ),
        });
    }
    if body.is_empty() {
        return Ok(());
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(body)
        .map(|_| ())
        .map_err(|e| {
            invalid(
                "InvalidRequestContentException",
                format!("Could not parse request body into json: {e}"),
            )
        })
}

/// What an UpdateFunctionConfiguration asks to change.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ConfigUpdate {
    pub memory_mb: Option<u32>,
    pub timeout_s: Option<u32>,
    pub env: Option<BTreeMap<String, String>>,
}

/// An UpdateFunctionConfiguration body: MemorySize an integer in 128..=10240, Timeout an
/// integer in 1..=900, Environment.Variables strings under names `[a-zA-Z][a-zA-Z0-9_]+`, no
/// reserved key, 4 KB in all.
pub fn config_update(body: &[u8]) -> Result<ConfigUpdate, ApiError> {
    let update: Value = serde_json::from_slice(body).map_err(|e| {
        invalid(
            "InvalidParameterValueException",
            format!("the request body is not JSON: {e}"),
        )
    })?;
    Ok(ConfigUpdate {
        memory_mb: integer(
            &update,
            "MemorySize",
            "memorySize",
            MIN_MEMORY_MB.into(),
            MAX_MEMORY_MB.into(),
        )?,
        timeout_s: integer(&update, "Timeout", "timeout", 1, MAX_TIMEOUT_S.into())?,
        env: match update.pointer("/Environment/Variables") {
            None | Some(Value::Null) => None,
            Some(vars) => Some(environment(vars)?),
        },
    })
}

/// An optional integer field within `min..=max`.
fn integer(
    update: &Value,
    field: &str,
    member: &str,
    min: u64,
    max: u64,
) -> Result<Option<u32>, ApiError> {
    let Some(v) = update.get(field).filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let Some(n) = v.as_i64() else {
        return Err(invalid(
            "InvalidParameterValueException",
            format!("{field} must be an integer, got {v}"),
        ));
    };
    match u64::try_from(n) {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(n as u32)),
        _ => Err(invalid(
            "ValidationException",
            format!(
                "1 validation error detected: Value '{n}' at '{member}' failed to satisfy constraint: Member must have value {}",
                if n < min as i64 {
                    format!("greater than or equal to {min}")
                } else {
                    format!("less than or equal to {max}")
                }
            ),
        )),
    }
}

fn environment(vars: &Value) -> Result<BTreeMap<String, String>, ApiError> {
    let Some(vars) = vars.as_object() else {
        return Err(invalid(
            "InvalidParameterValueException",
            "Environment.Variables must be an object of strings".into(),
        ));
    };
    let mut env = BTreeMap::new();
    let mut reserved = Vec::new();
    for (key, value) in vars {
        let mut chars = key.chars();
        let named = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && key.len() >= 2
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !named {
            return Err(invalid(
                "ValidationException",
                format!(
                    "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+] (key {key:?})"
                ),
            ));
        }
        let Some(value) = value.as_str() else {
            return Err(invalid(
                "InvalidParameterValueException",
                format!("the value of environment variable {key} must be a string"),
            ));
        };
        if RESERVED.contains(&key.as_str()) {
            reserved.push(key.clone());
        }
        env.insert(key.clone(), value.to_string());
    }
    if !reserved.is_empty() {
        return Err(invalid(
            "InvalidParameterValueException",
            format!(
                "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: {}",
                reserved.join(", ")
            ),
        ));
    }
    let size: usize = env.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > MAX_ENVIRONMENT_BYTES {
        return Err(invalid(
            "InvalidParameterValueException",
            format!(
                "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {size} bytes"
            ),
        ));
    }
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind<T: std::fmt::Debug>(r: Result<T, ApiError>) -> &'static str {
        r.expect_err("an error").kind
    }

    #[test]
    fn payloads_as_lambda_takes_them() {
        assert!(payload(b"").is_ok());
        assert!(payload(br#"{"iterations": 1000}"#).is_ok());
        assert_eq!(
            kind(payload(b"{not json")),
            "InvalidRequestContentException"
        );
        let big = vec![b' '; MAX_PAYLOAD_BYTES + 1];
        let e = payload(&big).unwrap_err();
        assert_eq!(
            (e.status, e.kind),
            (StatusCode::PAYLOAD_TOO_LARGE, "RequestTooLargeException")
        );
        // Exactly 6 MB of valid JSON is accepted.
        let mut at_limit = vec![b' '; MAX_PAYLOAD_BYTES - 2];
        at_limit.extend_from_slice(b"{}");
        assert!(payload(&at_limit).is_ok());
    }

    #[test]
    fn memory_and_timeout_are_integers_in_range() {
        let ok = config_update(br#"{"MemorySize": 1024, "Timeout": 900}"#).unwrap();
        assert_eq!((ok.memory_mb, ok.timeout_s), (Some(1024), Some(900)));
        for bad in [
            r#"{"MemorySize": -1}"#,
            r#"{"MemorySize": 127}"#,
            r#"{"MemorySize": 10241}"#,
            r#"{"Timeout": 0}"#,
            r#"{"Timeout": 2147483647}"#,
        ] {
            assert_eq!(
                kind(config_update(bad.as_bytes())),
                "ValidationException",
                "{bad}"
            );
        }
        for bad in [
            r#"{"MemorySize": "1024"}"#,
            r#"{"MemorySize": 512.7}"#,
            r#"{"Timeout": true}"#,
            "not json",
        ] {
            assert_eq!(
                kind(config_update(bad.as_bytes())),
                "InvalidParameterValueException",
                "{bad}"
            );
        }
    }

    #[test]
    fn environment_names_sizes_and_reserved_keys() {
        let ok = config_update(
            br#"{"Environment": {"Variables": {"DYNAMODB_TABLE_NAME": "t", "NONCE": "1"}}}"#,
        )
        .unwrap();
        assert_eq!(ok.env.unwrap().len(), 2);
        assert_eq!(
            kind(config_update(
                "{\"Environment\": {\"Variables\": {\"A\\u0000B\": \"x\"}}}".as_bytes()
            )),
            "ValidationException"
        );
        assert_eq!(
            kind(config_update(
                br#"{"Environment": {"Variables": {"1A": "x"}}}"#
            )),
            "ValidationException"
        );
        assert_eq!(
            kind(config_update(
                br#"{"Environment": {"Variables": {"AB": 1}}}"#
            )),
            "InvalidParameterValueException"
        );
        assert_eq!(
            kind(config_update(
                br#"{"Environment": {"Variables": {"AWS_REGION": "x"}}}"#
            )),
            "InvalidParameterValueException"
        );
        let big = format!(
            r#"{{"Environment": {{"Variables": {{"BIG": "{}"}}}}}}"#,
            "x".repeat(MAX_ENVIRONMENT_BYTES)
        );
        assert_eq!(
            kind(config_update(big.as_bytes())),
            "InvalidParameterValueException"
        );
    }
}
