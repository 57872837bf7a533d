//! Where a collection runs: AWS (SDK chain credentials and region, functions from the
//! CloudFormation stack), a Lambda-compatible endpoint, or the in-process emulator.

use anyhow::Context;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_lambda::config::retry::RetryConfig;
use lambench_collector::discover;
use lambench_emulator::{Emulator, EmulatorOptions};
use lambench_model::{Backend, FunctionSpec, Matrix};

use super::super::UsageError;
use super::super::emulate::default_rust_bins;
use super::options::{CollectOptions, Ledger, Place};

/// A resolved target.
pub struct Target {
    pub lambda: aws_sdk_lambda::Client,
    pub backend: Backend,
    pub region: String,
    /// Endpoint or region, for messages and the manifest.
    pub description: String,
    /// The SDK configuration (AWS, or loaded on demand locally for --stack and the ledger).
    pub sdk: Option<SdkConfig>,
    /// Flags that select this target again, for the printed resume command.
    pub flags: String,
    /// Keeps the in-process emulator alive for the run.
    pub emulator: Option<Emulator>,
}

impl Target {
    pub async fn open(matrix: &Matrix, options: &CollectOptions) -> anyhow::Result<Target> {
        let endpoint = match &options.place {
            Place::Endpoint(url) => Some((url.clone(), None)),
            Place::Emulator => {
                let e = start_emulator(matrix).await?;
                Some((e.endpoint(), Some(e)))
            }
            Place::Aws => None,
        };
        let needs_sdk = endpoint.is_none()
            || options.stack.is_some()
            || matches!(options.ledger, Ledger::Table { .. });
        let sdk = if needs_sdk {
            let mut loader = aws_config::defaults(BehaviorVersion::latest());
            if let Some(r) = &options.region {
                loader = loader.region(Region::new(r.clone()));
            }
            let config = loader.load().await;
            Some(match config.region() {
                Some(_) => config,
                None => config
                    .into_builder()
                    .region(Region::new(matrix.default_region.clone()))
                    .build(),
            })
        } else {
            None
        };
        if let Some(config) = &sdk {
            require_credentials(config, endpoint.is_none()).await?;
        }
        let region = sdk
            .as_ref()
            .and_then(|c| c.region())
            .map_or_else(|| matrix.default_region.clone(), |r| r.to_string());
        // Our own retries are counted and recorded; the SDK's would hide 429s.
        let no_retries = RetryConfig::disabled();
        Ok(match endpoint {
            Some((url, emulator)) => Target {
                lambda: local_client(&url, no_retries),
                backend: Backend::Local,
                description: url.clone(),
                flags: if emulator.is_some() {
                    " --local".into()
                } else {
                    format!(" --endpoint-url {url}")
                },
                region,
                sdk,
                emulator,
            },
            None => {
                let config = sdk.clone().context("no AWS configuration")?;
                let lambda = aws_sdk_lambda::Client::from_conf(
                    aws_sdk_lambda::config::Builder::from(&config)
                        .retry_config(no_retries)
                        .build(),
                );
                Target {
                    lambda,
                    backend: Backend::Aws,
                    description: format!("AWS {region}"),
                    flags: format!(" --region {region}"),
                    region,
                    sdk,
                    emulator: None,
                }
            }
        })
    }

    /// The matrix functions the local emulator cannot run, grouped by why (nothing on AWS).
    pub fn not_run_here(&self) -> Vec<(String, Vec<String>)> {
        let mut by_reason: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
        for u in self.emulator.iter().flat_map(|e| &e.unavailable) {
            by_reason.entry(&u.reason).or_default().push(u.name.clone());
        }
        by_reason
            .into_iter()
            .map(|(reason, names)| (reason.to_string(), names))
            .collect()
    }

    /// The matrix functions to benchmark: `--function`, else the stack's (on AWS or with
    /// `--stack`), else every function the endpoint lists.
    pub async fn functions(
        &self,
        matrix: &Matrix,
        options: &CollectOptions,
    ) -> anyhow::Result<Vec<FunctionSpec>> {
        if !options.functions.is_empty() {
            let mut names = options.functions.clone();
            names.sort();
            names.dedup();
            return names
                .iter()
                .map(|name| {
                    matrix.function_by_name(name).ok_or_else(|| {
                        UsageError(format!(
                            "{name:?} is not a function of the matrix; `lambench matrix` lists them"
                        ))
                        .into()
                    })
                })
                .collect();
        }
        let names = match (&self.sdk, self.backend, &options.stack) {
            (Some(sdk), Backend::Aws, _) | (Some(sdk), _, Some(_)) => {
                let stack = options.stack.as_deref().unwrap_or(&matrix.stack_name);
                let cfn = aws_sdk_cloudformation::Client::new(sdk);
                discover::stack_functions(&cfn, stack, &self.region).await?
            }
            _ => discover::endpoint_functions(&self.lambda, &self.description).await?,
        };
        Ok(names
            .iter()
            .filter_map(|n| matrix.function_by_name(n))
            .collect())
    }
}

/// Fails before anything starts when the SDK finds no usable credentials: a run cannot begin
/// without them, so this is a usage error (exit 2), not the resumable "expired" stop of a run
/// that lost them midway. `on_aws`: suggest `--local`, the way to try lambench without AWS.
async fn require_credentials(config: &SdkConfig, on_aws: bool) -> anyhow::Result<()> {
    use aws_credential_types::provider::{ProvideCredentials, error::CredentialsError};
    let hint = if on_aws {
        "; to try lambench without AWS use --local"
    } else {
        ""
    };
    let Some(provider) = config.credentials_provider() else {
        return Err(UsageError(format!("no AWS credentials provider is configured{hint}")).into());
    };
    match provider.provide_credentials().await {
        Ok(_) => Ok(()),
        Err(CredentialsError::CredentialsNotLoaded(_)) => Err(UsageError(format!(
            "no AWS credentials found (none in AWS_* variables, ~/.aws profiles, web identity, \
             ECS or EC2 instance metadata); configure them (e.g. `aws configure` or \
             `aws sso login`){hint}"
        ))
        .into()),
        Err(e) => Err(UsageError(format!(
            "AWS credentials could not be loaded ({}); fix the AWS configuration (e.g. \
             `aws sso login` when an SSO session expired){hint}",
            aws_sdk_lambda::error::DisplayErrorContext(&e)
        ))
        .into()),
    }
}

/// How long the in-process emulator keeps an update InProgress (Lambda takes about 1.5 s; the
/// collector's waiting is tested all the same, at a fraction of the run time).
pub const LOCAL_UPDATE_DELAY: std::time::Duration = std::time::Duration::from_millis(50);

async fn start_emulator(matrix: &Matrix) -> anyhow::Result<Emulator> {
    let repo = std::env::current_dir().context("no current directory")?;
    let options = EmulatorOptions {
        rust_bins: default_rust_bins(&repo),
        repo,
        update_delay: LOCAL_UPDATE_DELAY,
        ..EmulatorOptions::default()
    };
    let e = Emulator::start(matrix, options)
        .await
        .context("cannot start the local emulator")?;
    if let Err(why) = &e.cpu_scaling {
        eprintln!("warning: {why}; memory sizes will not change CPU on this emulator");
    }
    Ok(e)
}

/// A Lambda client for a local endpoint: fixed dummy credentials, no retries.
fn local_client(endpoint: &str, retry: RetryConfig) -> aws_sdk_lambda::Client {
    let config = aws_sdk_lambda::Config::builder()
        .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
        .region(aws_sdk_lambda::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_lambda::config::Credentials::new(
            "local", "local", None, None, "lambench",
        ))
        .endpoint_url(endpoint)
        .retry_config(retry)
        .build();
    aws_sdk_lambda::Client::from_conf(config)
}
