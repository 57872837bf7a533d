//! The run manifest, `_manifests/<id>.json` beside the run's folder of Parquet parts: what was
//! planned (so `--resume` needs nothing else), which cells are complete, and the run's
//! counters. A cell is complete only once the manifest says so; its Parquet part is written
//! first. The collector writes it; the report reads it (planned against obtained), both
//! through these types and [`keys`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Backend;
use crate::parquet_out::{WriteError, check_run_id, run_key};
use crate::plan::{CellRound, Plan};

/// The folder of the manifests below a data location, apart from the `run_id=` folders so
/// that those hold nothing but Parquet: Athena reads every object under a partition's prefix,
/// and a JSON file there would fail every query on the run.
pub const DIR: &str = "_manifests";

/// The manifest's file name in its run's folder in runs collected before the manifests had a
/// folder of their own: still read, never written.
pub const LEGACY_FILE: &str = "manifest.json";

/// The manifest's key below a data location, `_manifests/<run_id>.json`, with the run id
/// checked: where the collector writes it.
pub fn key(run_id: &str) -> Result<String, WriteError> {
    check_run_id(run_id)?;
    Ok(format!("{DIR}/{run_id}.json"))
}

/// The keys to read a run's manifest from, in order: [`key`], then where older runs kept it
/// (`run_id=<run_id>/manifest.json`), so that those still resume and report as before.
pub fn keys(run_id: &str) -> Result<[String; 2], WriteError> {
    Ok([key(run_id)?, run_key(run_id, LEGACY_FILE)?])
}

/// The manifest's own format version: 2 since cells run in rounds (parts and `completed` keys
/// are `<function>-<memory>-r<round>`).
pub const FORMAT: u32 = 2;

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Running,
    Interrupted,
    Failed,
    Complete,
}

/// One completed round of a cell.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CellRecord {
    pub rows: usize,
    pub failed: usize,
    pub cold_came_back_warm: u32,
    pub warm_came_back_cold: u32,
    pub throttled: u32,
    /// Attempts that never reached the function (network, 5xx), retried.
    #[serde(default)]
    pub transient: u32,
    pub config_retries: u32,
    pub session: u32,
    pub finished_at: String,
}

/// Totals over completed cells.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct Counts {
    pub rows: usize,
    pub failed: usize,
    pub cold_came_back_warm: u32,
    pub warm_came_back_cold: u32,
    pub throttled: u32,
    pub transient: u32,
    pub config_retries: u32,
}

/// Everything needed to report on or resume a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub run_id: String,
    pub lambench_version: String,
    pub backend: Backend,
    pub region: Option<String>,
    /// Endpoint or stack the functions came from, for the record.
    pub target: String,
    pub plan: Plan,
    /// Invocations at once per function.
    pub parallelism: BTreeMap<String, u32>,
    pub concurrency: u32,
    pub control_rate: f64,
    pub status: RunStatus,
    pub stop_reason: Option<String>,
    /// 1 for the first start, +1 per resume.
    pub sessions: u32,
    pub started_at: String,
    pub updated_at: String,
    pub finished_at: Option<String>,
    /// Completed rounds of cells by part name (`<function>-<memory>-r<round>`).
    pub completed: BTreeMap<String, CellRecord>,
}

/// Where and how a new run goes: what [`Manifest::new`] needs besides the plan.
#[derive(Debug, Clone)]
pub struct RunSettings {
    pub backend: Backend,
    pub region: Option<String>,
    pub target: String,
    pub parallelism: BTreeMap<String, u32>,
    pub concurrency: u32,
    pub control_rate: f64,
}

impl Manifest {
    /// The manifest of a run about to start: session 1, nothing completed.
    pub fn new(run_id: &str, plan: Plan, settings: RunSettings) -> Manifest {
        Manifest {
            format: FORMAT,
            run_id: run_id.to_string(),
            lambench_version: env!("CARGO_PKG_VERSION").into(),
            backend: settings.backend,
            region: settings.region,
            target: settings.target,
            plan,
            parallelism: settings.parallelism,
            concurrency: settings.concurrency,
            control_rate: settings.control_rate,
            status: RunStatus::Running,
            stop_reason: None,
            sessions: 1,
            started_at: now(),
            updated_at: now(),
            finished_at: None,
            completed: BTreeMap::new(),
        }
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in self.completed.values() {
            c.rows += r.rows;
            c.failed += r.failed;
            c.cold_came_back_warm += r.cold_came_back_warm;
            c.warm_came_back_cold += r.warm_came_back_cold;
            c.throttled += r.throttled;
            c.transient += r.transient;
            c.config_retries += r.config_retries;
        }
        c
    }

    /// Cells whose every round is complete.
    pub fn cells_done(&self) -> usize {
        self.plan
            .cells
            .iter()
            .filter(|c| {
                self.plan
                    .rounds(c)
                    .iter()
                    .all(|r| self.completed.contains_key(&r.part()))
            })
            .count()
    }

    /// Rounds of cells still to run.
    pub fn remaining(&self) -> Vec<CellRound> {
        self.plan
            .cell_rounds()
            .into_iter()
            .filter(|r| !self.completed.contains_key(&r.part()))
            .collect()
    }
}

pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Matrix;
    use crate::plan::Filters;

    fn manifest() -> Manifest {
        let m = Matrix::builtin().unwrap();
        let mode = m.mode("test").unwrap();
        let plan = Plan::new(&m, "test", mode, &m.default_run(), &Filters::default(), 3);
        let settings = RunSettings {
            backend: Backend::Local,
            region: None,
            target: "http://127.0.0.1:9001".into(),
            parallelism: BTreeMap::new(),
            concurrency: 4,
            control_rate: 10.0,
        };
        Manifest::new("r1", plan, settings)
    }

    #[test]
    fn a_manifest_reads_back_as_written() {
        let m = manifest();
        let back: Manifest = serde_json::from_slice(&serde_json::to_vec(&m).unwrap()).unwrap();
        assert_eq!(back.plan.cells, m.plan.cells);
        assert_eq!(back.plan.mode, m.plan.mode);
        assert_eq!((back.run_id.as_str(), back.format), ("r1", FORMAT));
        assert_eq!(key("r1").unwrap(), "_manifests/r1.json");
        assert_eq!(
            keys("r1").unwrap(),
            ["_manifests/r1.json", "run_id=r1/manifest.json"]
        );
        assert!(key("../r1").is_err());
        assert!(keys("a/b").is_err());
    }

    #[test]
    fn a_manifest_from_before_rounds_reads_as_one_round() {
        // Format 1 differs from today's in two fields only: no plan.seed, no plan.mode.rounds.
        let mut json = serde_json::to_value(manifest()).unwrap();
        json["format"] = 1.into();
        let plan = json["plan"].as_object_mut().unwrap();
        assert!(plan.remove("seed").is_some());
        let mode = json["plan"]["mode"].as_object_mut().unwrap();
        assert!(mode.remove("rounds").is_some());
        let old: Manifest = serde_json::from_value(json).unwrap();
        assert_eq!(old.plan.mode.rounds, 1);
    }
}
