//! Where the invocation Parquet lives: a local folder or `s3://bucket/prefix`.
//!
//! Both are read through `object_store`, so listing the runs and checking that there is data
//! is one code path. S3 credentials and region come from the AWS SDK's own chain (environment,
//! profiles, SSO, IMDS), and `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL` point at a local S3
//! server as they do for the AWS CLI.

use std::sync::Arc;

use futures::TryStreamExt;
use lambench_store::{Location, LocationError};
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt};
use parquet::file::metadata::ParquetMetaDataReader;
use url::Url;

use crate::error::{Error, Result};

/// A resolved data location.
#[derive(Debug, Clone)]
pub struct DataLocation {
    /// What the user gave, for messages.
    pub display: String,
    /// Table URL for DataFusion, ending with `/`.
    pub url: Url,
    /// The store holding the files.
    pub store: Arc<dyn ObjectStore>,
    /// Prefix of the table inside the store.
    pub prefix: StorePath,
}

/// The `.parquet` files and run ids found under a location.
#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<StorePath>,
    pub runs: Vec<String>,
}

impl DataLocation {
    /// The folder, for a local location.
    pub fn local_dir(&self) -> Option<std::path::PathBuf> {
        (self.url.scheme() == "file")
            .then(|| self.url.to_file_path().ok())
            .flatten()
    }

    /// Resolves `--data`: a local folder (must exist) or an `s3://bucket/prefix` URL.
    pub async fn resolve(data: &str) -> Result<DataLocation> {
        let loc = Location::resolve(data, false).await.map_err(|e| match e {
            LocationError::Missing { location } => Error::DataMissing { location },
            LocationError::Bad { location, reason } => Error::BadLocation { location, reason },
        })?;
        Ok(DataLocation {
            display: loc.display,
            url: loc.url,
            store: loc.store,
            prefix: loc.prefix,
        })
    }

    /// Lists the Parquet files and the `run_id=` partitions below the location.
    pub async fn list(&self) -> Result<Listing> {
        let storage = |e: object_store::Error| Error::Storage {
            location: self.display.clone(),
            message: e.to_string(),
        };
        let objects: Vec<_> = self
            .store
            .list(Some(&self.prefix))
            .try_collect()
            .await
            .map_err(storage)?;
        let mut listing = Listing::default();
        for meta in objects {
            let Some(rel) = meta.location.prefix_match(&self.prefix) else {
                continue;
            };
            let parts: Vec<_> = rel.map(|p| p.as_ref().to_string()).collect();
            let is_parquet = parts
                .last()
                .is_some_and(|n| n.ends_with(".parquet") && !n.starts_with('.'));
            if !is_parquet {
                continue;
            }
            listing.files.push(meta.location.clone());
            if let Some(run) = parts.iter().find_map(|p| p.strip_prefix("run_id="))
                && !listing.runs.iter().any(|r| r == run)
            {
                listing.runs.push(run.to_string());
            }
        }
        listing.runs.sort();
        Ok(listing)
    }

    /// The files whose Parquet footer cannot be read, with the reason: called only after a
    /// query failed on Parquet, to name the culprit DataFusion's message leaves out.
    pub async fn corrupt_files(&self) -> Vec<(String, String)> {
        let Ok(listing) = self.list().await else {
            return Vec::new();
        };
        let mut bad = Vec::new();
        for path in listing.files {
            // Whole-object reads are fine here: this runs only after a query has failed.
            let footer = match self.store.get(&path).await {
                Ok(got) => match got.bytes().await {
                    Ok(bytes) => ParquetMetaDataReader::new()
                        .parse_and_finish(&bytes)
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                },
                Err(e) => Err(e.to_string()),
            };
            if let Err(e) = footer {
                let rel = path.prefix_match(&self.prefix).map(|p| {
                    p.map(|s| s.as_ref().to_string())
                        .collect::<Vec<_>>()
                        .join("/")
                });
                bad.push((rel.unwrap_or_else(|| path.to_string()), e));
            }
        }
        bad
    }
}
