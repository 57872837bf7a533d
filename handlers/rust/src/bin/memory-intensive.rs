//! `bootstrap` for the memory-intensive workload on provided.al2023.

use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use lambench_handlers::memory;
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        memory::handle(&event.payload).map_err(Diagnostic::from)
    }))
    .await
}
