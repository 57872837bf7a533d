//! `bootstrap` for the light (DynamoDB) workload on provided.al2023. The SDK client is created
//! once at init, as a real function would; the endpoint follows AWS_ENDPOINT_URL_DYNAMODB /
//! AWS_ENDPOINT_URL, so the same binary runs against a local DynamoDB-compatible server.

use lambda_runtime::{LambdaEvent, service_fn};
use lambench_handlers::environment::{Environment, respond};
use lambench_handlers::light;
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    let table = std::env::var("DYNAMODB_TABLE_NAME")
        .map_err(|_| "DYNAMODB_TABLE_NAME is not set: the light workload needs its table")?;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let environment = &Environment::detect();
    let (client, table) = (&client, table.as_str());
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let report = environment.next_invocation();
        respond(
            report,
            light::handle(client, table, &event.context.request_id).await,
        )
    }))
    .await
}
