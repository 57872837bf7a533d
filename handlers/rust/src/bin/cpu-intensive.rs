//! `bootstrap` for the cpu-intensive workload on provided.al2023.

use lambda_runtime::{LambdaEvent, service_fn};
use lambench_handlers::cpu;
use lambench_handlers::environment::{Environment, respond};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    let environment = &Environment::detect();
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let report = environment.next_invocation();
        respond(report, cpu::handle(&event.payload))
    }))
    .await
}
