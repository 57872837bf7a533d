//! Which functions a target has: the CloudFormation stack's `AWS::Lambda::Function`
//! resources (ListStackResources, every page), or a Lambda endpoint's ListFunctions.

use aws_sdk_lambda::Client as LambdaClient;

use crate::error::CollectError;
use crate::sdk::classify;

/// Physical names of the Lambda functions in `stack`.
pub async fn stack_functions(
    client: &aws_sdk_cloudformation::Client,
    stack: &str,
    region: &str,
) -> Result<Vec<String>, CollectError> {
    let mut names = Vec::new();
    let mut pages = client
        .list_stack_resources()
        .stack_name(stack)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            let api = classify(&e);
            if api.kind == crate::api::ErrorKind::Credentials {
                return CollectError::Credentials {
                    message: api.message,
                };
            }
            let hint = if api.message.contains("does not exist") {
                format!(
                    "; deploy it (see infra/README.md), pass --region if it lives elsewhere than {region}, or name it with --stack"
                )
            } else {
                String::new()
            };
            CollectError::Api {
                action: "list the resources of stack",
                function: stack.to_string(),
                message: format!("{}{hint}", api.message),
            }
        })?;
        for r in page.stack_resource_summaries() {
            if r.resource_type() == Some("AWS::Lambda::Function")
                && let Some(name) = r.physical_resource_id()
            {
                names.push(name.to_string());
            }
        }
    }
    names.sort();
    Ok(names)
}

/// Names of every function at a Lambda endpoint (all pages of ListFunctions).
pub async fn endpoint_functions(
    client: &LambdaClient,
    endpoint: &str,
) -> Result<Vec<String>, CollectError> {
    let mut names = Vec::new();
    let mut pages = client.list_functions().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| CollectError::api("list functions at", endpoint, classify(&e)))?;
        names.extend(
            page.functions()
                .iter()
                .filter_map(|f| f.function_name().map(str::to_string)),
        );
    }
    names.sort();
    Ok(names)
}
