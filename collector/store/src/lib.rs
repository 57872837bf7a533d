//! A data location: a local folder or `s3://bucket/prefix`, both behind `object_store`, so the
//! collector writes and the analyzer reads through one code path.
//!
//! S3 credentials and region come from the AWS SDK's own chain (environment, profiles, SSO,
//! IMDS), and `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL` point at a local S3 server as they do
//! for the AWS CLI.

use std::path::PathBuf;
use std::sync::Arc;

use object_store::ObjectStore;
use object_store::path::Path as StorePath;
use thiserror::Error;
use url::Url;

mod s3;

/// Why a location cannot be used.
#[derive(Debug, Error)]
pub enum LocationError {
    #[error("data location {location} does not exist")]
    Missing { location: String },
    #[error("invalid data location {location:?}: {reason}")]
    Bad { location: String, reason: String },
}

/// A resolved data location.
#[derive(Debug, Clone)]
pub struct Location {
    /// What the user gave, for messages.
    pub display: String,
    /// Table URL, ending with `/`.
    pub url: Url,
    /// The store holding the files.
    pub store: Arc<dyn ObjectStore>,
    /// Prefix of the data inside the store.
    pub prefix: StorePath,
}

impl Location {
    /// Resolves a local folder or an `s3://bucket/prefix` URL. A local folder is created when
    /// `create` is set (the collector), and must exist otherwise (the analyzer).
    pub async fn resolve(data: &str, create: bool) -> Result<Location, LocationError> {
        let bad = |reason: &str| LocationError::Bad {
            location: data.into(),
            reason: reason.into(),
        };
        if let Some(rest) = data.strip_prefix("s3://") {
            return s3::resolve(data, rest).await;
        }
        if data.contains("://") {
            return Err(bad("only local folders and s3:// URLs are supported"));
        }
        let path = PathBuf::from(data);
        if create {
            std::fs::create_dir_all(&path)
                .map_err(|e| bad(&format!("cannot create the folder: {e}")))?;
        }
        let abs = std::fs::canonicalize(&path).map_err(|_| LocationError::Missing {
            location: data.into(),
        })?;
        if !abs.is_dir() {
            return Err(bad(
                "not a folder; pass the folder that holds run_id=... partitions",
            ));
        }
        let url =
            Url::from_directory_path(&abs).map_err(|()| bad("cannot turn the path into a URL"))?;
        Ok(Location {
            display: data.into(),
            url,
            store: Arc::new(object_store::local::LocalFileSystem::new()),
            prefix: StorePath::from_absolute_path(&abs).map_err(|e| bad(&e.to_string()))?,
        })
    }

    /// The path of `rel` (slash-separated) below the location's prefix.
    pub fn child(&self, rel: &str) -> StorePath {
        rel.split('/')
            .filter(|p| !p.is_empty())
            .fold(self.prefix.clone(), |p, part| p.join(part))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_folders_are_created_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a/b");
        let s = target.to_str().unwrap();
        assert!(matches!(
            Location::resolve(s, false).await,
            Err(LocationError::Missing { .. })
        ));
        let loc = Location::resolve(s, true).await.unwrap();
        assert!(target.is_dir());
        assert!(loc.url.as_str().ends_with("/a/b/"));
        assert_eq!(
            loc.child("run_id=x/m.json").as_ref(),
            format!("{}/run_id=x/m.json", loc.prefix.as_ref())
        );
        assert!(matches!(
            Location::resolve("gs://x", false).await,
            Err(LocationError::Bad { .. })
        ));
    }
}
