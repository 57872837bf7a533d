//! `s3://` locations: an `AmazonS3` store whose credentials come from the AWS SDK chain.

use std::sync::Arc;

use aws_config::BehaviorVersion;
use aws_credential_types::provider::ProvideCredentials;
use object_store::aws::{AmazonS3Builder, AwsCredential};
use object_store::path::Path as StorePath;
use url::Url;

use crate::{Location, LocationError};

/// Bridges the AWS SDK's credential chain into object_store, refreshing as the SDK does.
#[derive(Debug)]
struct SdkCredentials(aws_credential_types::provider::SharedCredentialsProvider);

#[async_trait::async_trait]
impl object_store::CredentialProvider for SdkCredentials {
    type Credential = AwsCredential;
    async fn get_credential(&self) -> object_store::Result<Arc<AwsCredential>> {
        let creds = self.0.provide_credentials().await.map_err(|e| {
            object_store::Error::Generic {
                store: "S3",
                source: format!("no usable AWS credentials ({e}); run `aws sso login` or set AWS_PROFILE / AWS_ACCESS_KEY_ID").into(),
            }
        })?;
        Ok(Arc::new(AwsCredential {
            key_id: creds.access_key_id().to_string(),
            secret_key: creds.secret_access_key().to_string(),
            token: creds.session_token().map(str::to_string),
        }))
    }
}

/// The endpoint override the AWS CLI and SDKs honour for S3.
fn endpoint_override() -> Option<String> {
    ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
}

pub(super) async fn resolve(display: &str, rest: &str) -> Result<Location, LocationError> {
    let bad = |reason: &str| LocationError::Bad {
        location: display.into(),
        reason: reason.into(),
    };
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(bad("expected s3://bucket/prefix"));
    }
    let config = aws_config::defaults(BehaviorVersion::latest()).load().await;
    let credentials = config.credentials_provider().ok_or_else(|| {
        bad("the AWS SDK found no credentials provider; configure AWS credentials")
    })?;
    let region = config
        .region()
        .map(|r| r.to_string())
        .unwrap_or_else(|| "us-east-1".into());
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(bucket)
        .with_region(region)
        .with_credentials(Arc::new(SdkCredentials(credentials)));
    if let Some(endpoint) = endpoint_override() {
        builder = builder
            .with_allow_http(endpoint.starts_with("http://"))
            .with_virtual_hosted_style_request(false)
            .with_endpoint(endpoint);
    }
    let store = builder.build().map_err(|e| bad(&e.to_string()))?;
    let prefix = prefix.trim_end_matches('/');
    let url = Url::parse(&format!(
        "s3://{bucket}/{prefix}{}",
        if prefix.is_empty() { "" } else { "/" }
    ))
    .map_err(|e| bad(&e.to_string()))?;
    Ok(Location {
        display: display.into(),
        url,
        store: Arc::new(store),
        prefix: StorePath::from(prefix),
    })
}
