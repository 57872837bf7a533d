//! [`LambdaApi`] on the real `aws-sdk-lambda` client, with errors classified by their code.

use std::collections::HashMap;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Environment, LastUpdateStatus, LogType};
use base64::Engine;

use crate::api::{ApiError, ErrorKind, FunctionConfig, Invoked, LambdaApi, UpdateStatus};

/// The SDK client as a [`LambdaApi`].
#[derive(Debug, Clone)]
pub struct SdkLambda(pub Client);

const CREDENTIAL_CODES: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "RequestExpired",
];

/// Sorts an SDK error into the kinds the collector acts on.
pub fn classify<E, R>(e: &SdkError<E, R>) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let code = e.code();
    let message = error_chain(e);
    let network = matches!(
        e,
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_)
    );
    let kind = match code {
        Some("TooManyRequestsException" | "ThrottlingException" | "Throttling") => {
            ErrorKind::Throttled
        }
        Some("ResourceConflictException") => ErrorKind::Conflict,
        Some("ResourceNotFoundException") => ErrorKind::NotFound,
        Some(c) if CREDENTIAL_CODES.contains(&c) => ErrorKind::Credentials,
        None if message.to_ascii_lowercase().contains("credentials") => ErrorKind::Credentials,
        Some(
            "ServiceException"
            | "InternalFailure"
            | "InternalServerError"
            | "ServiceUnavailable"
            | "ServiceUnavailableException"
            | "RequestTimeout"
            | "RequestTimeoutException",
        ) => ErrorKind::Transient,
        None if network => ErrorKind::Transient,
        _ => ErrorKind::Other,
    };
    ApiError::new(kind, code, message)
}

/// The error and all its sources, for messages: the SDK's top-level text alone is often just
/// "service error".
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        source = s.source();
    }
    msg
}

impl LambdaApi for SdkLambda {
    async fn configuration(&self, function: &str) -> Result<FunctionConfig, ApiError> {
        let out = self
            .0
            .get_function_configuration()
            .function_name(function)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        Ok(FunctionConfig {
            memory_mb: out.memory_size().unwrap_or(128).max(0) as u32,
            variables: out
                .environment()
                .and_then(|e| e.variables())
                .cloned()
                .unwrap_or_default(),
        })
    }

    async fn update_configuration(
        &self,
        function: &str,
        memory_mb: u32,
        variables: &HashMap<String, String>,
    ) -> Result<(), ApiError> {
        let env = Environment::builder()
            .set_variables(Some(variables.clone()))
            .build();
        self.0
            .update_function_configuration()
            .function_name(function)
            .memory_size(memory_mb as i32)
            .environment(env)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        Ok(())
    }

    async fn update_status(&self, function: &str) -> Result<UpdateStatus, ApiError> {
        let out = self
            .0
            .get_function()
            .function_name(function)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let config = out.configuration();
        Ok(match config.and_then(|c| c.last_update_status()) {
            Some(LastUpdateStatus::Successful) | None => UpdateStatus::Successful,
            Some(LastUpdateStatus::Failed) => UpdateStatus::Failed(
                config
                    .and_then(|c| c.last_update_status_reason())
                    .unwrap_or("no reason given")
                    .to_string(),
            ),
            Some(_) => UpdateStatus::InProgress,
        })
    }

    async fn invoke(&self, function: &str, payload: &[u8]) -> Result<Invoked, ApiError> {
        let out = self
            .0
            .invoke()
            .function_name(function)
            .log_type(LogType::Tail)
            .payload(Blob::new(payload.to_vec()))
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let log_tail = out
            .log_result()
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        Ok(Invoked {
            log_tail,
            function_error: out.function_error().map(str::to_string),
            payload: out
                .payload()
                .map(|p| p.as_ref().to_vec())
                .unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::error::ErrorMetadata;
    use aws_sdk_lambda::operation::invoke::InvokeError;

    fn service(code: &str) -> SdkError<InvokeError, ()> {
        let meta = ErrorMetadata::builder().code(code).message("m").build();
        SdkError::service_error(InvokeError::generic(meta), ())
    }

    #[test]
    fn errors_are_classified_by_what_the_collector_does_next() {
        let kind = |e: SdkError<InvokeError, ()>| classify(&e).kind;
        assert_eq!(
            kind(service("TooManyRequestsException")),
            ErrorKind::Throttled
        );
        assert_eq!(
            kind(service("ResourceConflictException")),
            ErrorKind::Conflict
        );
        assert_eq!(
            kind(service("ExpiredTokenException")),
            ErrorKind::Credentials
        );
        assert_eq!(kind(service("ServiceException")), ErrorKind::Transient);
        assert_eq!(
            kind(service("InvalidParameterValueException")),
            ErrorKind::Other
        );
        assert_eq!(
            kind(SdkError::timeout_error("read timed out")),
            ErrorKind::Transient
        );
    }
}
