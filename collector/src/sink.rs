//! Where a run's results go: Parquet parts and the manifest under a local folder or S3
//! (through `object_store`, the layout the analyzer reads), plus the DynamoDB ledger if any.
//!
//! Order per completed round of a cell: Parquet part, ledger items, then the manifest entry
//! that marks it complete. A crash between them leaves it incomplete; `--resume` redoes it,
//! overwriting the same part and ledger keys, so nothing is duplicated.

use lambench_model::parquet_out;
use lambench_store::Location;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use tokio::sync::Mutex;

use crate::error::CollectError;
use crate::ledger::Ledger;
use crate::manifest::{CellRecord, Manifest, RunStatus, now};
use crate::outcome::CellOutcome;
use crate::plan::CellRound;

/// The run's storage.
pub struct Sink {
    location: Location,
    manifest: Mutex<Manifest>,
    ledger: Option<Ledger>,
}

impl Sink {
    /// Starts a new run: fails if the run id already has a manifest there. The first manifest
    /// is written with a create-only put (a local file created exclusively, S3 `If-None-Match`),
    /// so two collectors started with the same run id at once cannot both own it.
    pub async fn create(
        location: Location,
        manifest: Manifest,
        ledger: Option<Ledger>,
    ) -> Result<Sink, CollectError> {
        let run_id = manifest.run_id.clone();
        let exists = || CollectError::RunExists {
            run_id: run_id.clone(),
            location: location.display.clone(),
        };
        if read_manifest(&location, &run_id).await?.is_some() {
            return Err(exists());
        }
        let key = manifest_key(&run_id)?;
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| storage(&location, e))?;
        let create = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        let put = location
            .store
            .put_opts(&location.child(&key), PutPayload::from(json), create)
            .await;
        match put {
            Ok(_) | Err(object_store::Error::NotImplemented { .. }) => {}
            Err(object_store::Error::AlreadyExists { .. }) => return Err(exists()),
            Err(e) => return Err(storage(&location, e)),
        }
        let sink = Sink {
            location,
            manifest: Mutex::new(manifest),
            ledger,
        };
        sink.save().await?;
        Ok(sink)
    }

    /// Reopens a run to resume it: one more session, status running again.
    pub async fn resume(
        location: Location,
        run_id: &str,
        ledger: Option<Ledger>,
    ) -> Result<Sink, CollectError> {
        let Some((mut manifest, found_at)) = find_manifest(&location, run_id).await? else {
            return Err(CollectError::NoSuchRun {
                run_id: run_id.into(),
                location: location.display.clone(),
            });
        };
        manifest.sessions += 1;
        manifest.status = RunStatus::Running;
        manifest.stop_reason = None;
        manifest.finished_at = None;
        let sink = Sink {
            location,
            manifest: Mutex::new(manifest),
            ledger,
        };
        sink.save().await?;
        // A run from before the manifests' own folder: now that its manifest is saved in that
        // folder, the old copy (stale from here on, and a JSON file among the run's Parquet
        // that Athena would read) goes.
        if found_at != manifest_key(run_id)? {
            let old = sink.location.child(&found_at);
            if let Err(e) = sink.location.store.delete(&old).await {
                eprintln!(
                    "warning: could not delete the old manifest {}/{found_at} ({e}); delete it by hand",
                    sink.location.display.trim_end_matches('/')
                );
            }
        }
        Ok(sink)
    }

    pub async fn manifest(&self) -> Manifest {
        self.manifest.lock().await.clone()
    }

    /// Records a completed round of a cell: Parquet part, ledger, then the manifest entry.
    pub async fn write_round(
        &self,
        round: &CellRound,
        outcome: &CellOutcome,
    ) -> Result<(), CollectError> {
        let (run_id, session) = {
            let m = self.manifest.lock().await;
            (m.run_id.clone(), m.sessions)
        };
        let part = round.part();
        let key = parquet_out::part_key(&run_id, &part)?;
        let bytes = parquet_out::to_bytes(&outcome.rows).map_err(|m| self.storage(&key, m))?;
        self.location
            .store
            .put(&self.location.child(&key), PutPayload::from(bytes))
            .await
            .map_err(|e| self.storage(&key, e.to_string()))?;
        if let Some(ledger) = &self.ledger {
            ledger
                .write_cell(&run_id, &part, &outcome.rows, session > 1)
                .await?;
        }
        let mut m = self.manifest.lock().await;
        m.completed.insert(
            part,
            CellRecord {
                rows: outcome.rows.len(),
                failed: outcome.failed(),
                cold_came_back_warm: outcome.cold_came_back_warm,
                warm_came_back_cold: outcome.warm_came_back_cold,
                throttled: outcome.throttled,
                transient: outcome.transient,
                config_retries: outcome.config_retries,
                session,
                finished_at: now(),
            },
        );
        m.updated_at = now();
        self.save_locked(&m).await
    }

    /// Marks the run finished (complete, interrupted or failed) with a reason.
    pub async fn finish(
        &self,
        status: RunStatus,
        reason: Option<String>,
    ) -> Result<(), CollectError> {
        let mut m = self.manifest.lock().await;
        m.status = status;
        m.stop_reason = reason;
        m.updated_at = now();
        if status == RunStatus::Complete {
            m.finished_at = Some(m.updated_at.clone());
        }
        self.save_locked(&m).await
    }

    async fn save(&self) -> Result<(), CollectError> {
        let m = self.manifest.lock().await;
        self.save_locked(&m).await
    }

    async fn save_locked(&self, m: &Manifest) -> Result<(), CollectError> {
        let key = manifest_key(&m.run_id)?;
        let json = serde_json::to_vec_pretty(m).map_err(|e| self.storage(&key, e.to_string()))?;
        self.location
            .store
            .put(&self.location.child(&key), PutPayload::from(json))
            .await
            .map_err(|e| self.storage(&key, e.to_string()))?;
        if let Some(ledger) = &self.ledger {
            ledger.write_run(m).await?;
        }
        Ok(())
    }

    fn storage(&self, key: &str, message: String) -> CollectError {
        CollectError::Storage {
            location: format!("{}/{key}", self.location.display.trim_end_matches('/')),
            message,
        }
    }
}

fn storage(location: &Location, e: impl std::fmt::Display) -> CollectError {
    CollectError::Storage {
        location: location.display.clone(),
        message: e.to_string(),
    }
}

fn manifest_key(run_id: &str) -> Result<String, CollectError> {
    Ok(crate::manifest::key(run_id)?)
}

/// The manifest of `run_id` at `location`, if there is one (where the collector writes it, or
/// where older runs kept it).
pub async fn read_manifest(
    location: &Location,
    run_id: &str,
) -> Result<Option<Manifest>, CollectError> {
    Ok(find_manifest(location, run_id).await?.map(|(m, _)| m))
}

/// [`read_manifest`], with the key it was found at.
async fn find_manifest(
    location: &Location,
    run_id: &str,
) -> Result<Option<(Manifest, String)>, CollectError> {
    let mut found = None;
    for key in crate::manifest::keys(run_id)? {
        match location.store.get(&location.child(&key)).await {
            Ok(got) => {
                found = Some((got, key));
                break;
            }
            Err(object_store::Error::NotFound { .. }) => continue,
            Err(e) => return Err(storage(location, e)),
        }
    }
    let Some((got, key)) = found else {
        return Ok(None);
    };
    let bytes = got.bytes().await.map_err(|e| storage(location, e))?;
    let bad = |e: serde_json::Error| CollectError::BadManifest {
        run_id: run_id.into(),
        message: e.to_string(),
    };
    let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(bad)?;
    let format = json["format"].as_u64().unwrap_or(0);
    if format != u64::from(crate::manifest::FORMAT) {
        return Err(CollectError::OldManifest {
            run_id: run_id.into(),
            version: json["lambench_version"].as_str().unwrap_or("?").into(),
            format,
        });
    }
    let manifest = serde_json::from_value(json).map_err(bad)?;
    Ok(Some((manifest, key)))
}
