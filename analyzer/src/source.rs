//! Where the invocation Parquet lives: a local folder or `s3://bucket/prefix`.
//!
//! Both are read through `object_store`, so listing the runs and checking that there is data
//! is one code path. S3 credentials and region come from the AWS SDK's own chain (environment,
//! profiles, SSO, IMDS), and `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL` point at a local S3
//! server as they do for the AWS CLI.

use std::sync::Arc;

use arrow::datatypes::{DataType, Schema};
use futures::{StreamExt, TryStreamExt};
use lambench_store::{Location, LocationError};
use object_store::path::Path as StorePath;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};
use parquet::arrow::parquet_to_arrow_schema;
use parquet::basic::{LogicalType, TimeUnit};
use parquet::errors::ParquetError;
use parquet::file::metadata::{ParquetMetaData, ParquetMetaDataReader};
use parquet::file::statistics::Statistics;
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
    pub files: Vec<ObjectMeta>,
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
            listing.files.push(meta.clone());
            if let Some(run) = parts.iter().find_map(|p| p.strip_prefix("run_id="))
                && !listing.runs.iter().any(|r| r == run)
            {
                listing.runs.push(run.to_string());
            }
        }
        listing.runs.sort();
        Ok(listing)
    }

    /// Reads the footers of `files` (only footers, concurrently) for two things: the files
    /// whose columns are not lambench's (`file` schema: every column known, of its type or
    /// one that casts losslessly, and the required ones present), with what is wrong, since a
    /// stray Parquet in the data folder would otherwise add NULL rows or fail a query without
    /// naming itself; and the first and last `invoked_at` by the row groups' statistics, which
    /// a `min`/`max` query would get by scanning every row. Unreadable footers are left to
    /// [`Self::corrupt_files`].
    pub async fn read_footers(&self, files: &[ObjectMeta], file: &Schema) -> Footers {
        let reads = files.iter().map(|meta| async move {
            let metadata = self.footer(meta).await;
            let foreign = metadata.as_ref().and_then(|m| {
                let found = arrow_schema(m)?;
                let why = mismatch(&found, file)?;
                Some((self.relative(&meta.location), why))
            });
            let span = metadata.as_ref().map_or(Span::Unknown, invoked_span);
            (foreign, span)
        });
        let read: Vec<_> = futures::stream::iter(reads)
            .buffer_unordered(16)
            .collect()
            .await;
        let span = read.iter().fold(Span::NoRows, |all, (_, s)| all.join(*s));
        Footers {
            invoked_span: match span {
                Span::Rows(first, last) => Some((first, last)),
                Span::Unknown | Span::NoRows => None,
            },
            foreign: read.into_iter().filter_map(|(f, _)| f).collect(),
        }
    }

    /// A file's footer (two ranged reads at most: a guess at its size, then exactly what it
    /// needs); `None` when it cannot be read.
    async fn footer(&self, meta: &ObjectMeta) -> Option<ParquetMetaData> {
        let size = meta.size;
        let mut tail = size.min(64 * 1024);
        for _ in 0..2 {
            let bytes = self
                .store
                .get_range(&meta.location, size - tail..size)
                .await
                .ok()?;
            let mut reader = ParquetMetaDataReader::new();
            match reader.try_parse_sized(&bytes, size) {
                Ok(()) => return reader.finish().ok(),
                Err(ParquetError::NeedMoreData(needed)) => tail = (needed as u64).min(size),
                Err(_) => return None,
            }
        }
        None
    }

    /// A path below the location, for messages.
    fn relative(&self, path: &StorePath) -> String {
        path.prefix_match(&self.prefix)
            .map(|p| {
                p.map(|s| s.as_ref().to_string())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_else(|| path.to_string())
    }

    /// The files whose Parquet footer cannot be read, with the reason: called only after a
    /// query failed on Parquet, to name the culprit DataFusion's message leaves out.
    pub async fn corrupt_files(&self) -> Vec<(String, String)> {
        let Ok(listing) = self.list().await else {
            return Vec::new();
        };
        let mut bad = Vec::new();
        for path in listing.files.into_iter().map(|m| m.location) {
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
                bad.push((self.relative(&path), e));
            }
        }
        bad
    }
}

/// What [`DataLocation::read_footers`] found.
#[derive(Debug, Default)]
pub struct Footers {
    /// The files that are not lambench's, with what is wrong.
    pub foreign: Vec<(String, String)>,
    /// The first and last `invoked_at` (UTC microseconds) of every row, by the row groups'
    /// statistics; `None` when a file has no such statistics, or no file has rows.
    pub invoked_span: Option<(i64, i64)>,
}

/// A footer's schema in Arrow terms.
fn arrow_schema(metadata: &ParquetMetaData) -> Option<Schema> {
    let file = metadata.file_metadata();
    parquet_to_arrow_schema(file.schema_descr(), file.key_value_metadata()).ok()
}

/// What a file's footer says of its `invoked_at`.
#[derive(Debug, Clone, Copy)]
enum Span {
    /// No statistics, or not in microseconds (lambench's unit): a query must say.
    Unknown,
    /// The file has no rows (an imported day or week without data is such a file).
    NoRows,
    /// The least and greatest value.
    Rows(i64, i64),
}

impl Span {
    fn join(self, other: Span) -> Span {
        match (self, other) {
            (Span::Unknown, _) | (_, Span::Unknown) => Span::Unknown,
            (Span::NoRows, s) | (s, Span::NoRows) => s,
            (Span::Rows(a, b), Span::Rows(c, d)) => Span::Rows(a.min(c), b.max(d)),
        }
    }
}

/// A file's `invoked_at` span by its row groups' statistics.
fn invoked_span(metadata: &ParquetMetaData) -> Span {
    let schema = metadata.file_metadata().schema_descr();
    let Some(column) = schema
        .columns()
        .iter()
        .position(|c| c.path().string() == INVOKED_AT)
    else {
        return Span::Unknown;
    };
    let micros = matches!(
        schema.column(column).logical_type_ref(),
        Some(LogicalType::Timestamp(t)) if t.unit == TimeUnit::MICROS
    );
    if !micros {
        return Span::Unknown;
    }
    metadata
        .row_groups()
        .iter()
        .filter(|group| group.num_rows() > 0)
        .map(|group| match group.column(column).statistics() {
            Some(Statistics::Int64(stats)) => match (stats.min_opt(), stats.max_opt()) {
                (Some(&min), Some(&max)) => Span::Rows(min, max),
                _ => Span::Unknown,
            },
            _ => Span::Unknown,
        })
        .fold(Span::NoRows, Span::join)
}

/// The column whose span [`Footers::invoked_span`] gives.
const INVOKED_AT: &str = "invoked_at";

/// Why a file's schema is not lambench's, or `None` when it is (older files may lack
/// columns added since, which read as NULL).
fn mismatch(found: &Schema, expected: &Schema) -> Option<String> {
    for field in found.fields() {
        let Ok(want) = expected.field_with_name(field.name()) else {
            return Some(format!(
                "column {:?} is not in lambench's schema",
                field.name()
            ));
        };
        let same = |t: &DataType| match t {
            DataType::Utf8View | DataType::LargeUtf8 => DataType::Utf8,
            DataType::Timestamp(unit, _) => DataType::Timestamp(*unit, None),
            other => other.clone(),
        };
        if same(field.data_type()) != same(want.data_type()) {
            return Some(format!(
                "column {:?} is {} where lambench's is {}",
                field.name(),
                field.data_type(),
                want.data_type()
            ));
        }
    }
    let missing: Vec<&str> = expected
        .fields()
        .iter()
        .filter(|f| !f.is_nullable() && found.field_with_name(f.name()).is_err())
        .map(|f| f.name().as_str())
        .collect();
    (!missing.is_empty()).then(|| format!("required columns missing: {}", missing.join(", ")))
}
