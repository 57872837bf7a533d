//! `bootstrap` for the memory-intensive workload on provided.al2023.

use lambda_runtime::{LambdaEvent, service_fn};
use lambench_handlers::environment::{Environment, respond};
use lambench_handlers::memory;
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    let environment = &Environment::detect();
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let report = environment.next_invocation();
        respond(report, memory::handle(&event.payload))
    }))
    .await
}
