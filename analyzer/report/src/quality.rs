//! The data-quality section: per cell, what the plan asked for (the run's manifest, when
//! there is one) against what the data holds; cells planned but absent are listed too.

use std::collections::BTreeSet;

use lambench_analyzer::DataLocation;
use lambench_model::manifest::{self, Manifest};
use lambench_model::plan::Plan;
use object_store::ObjectStoreExt;
use object_store::path::Path as StorePath;
use serde::Serialize;

use crate::data::{Table, runtime_label};
use crate::error::{Error, Result};

/// What the run planned, from its manifest.
#[derive(Debug, Clone, Default)]
pub struct Planned {
    pub mode: String,
    pub cold: i64,
    pub warm: i64,
    /// Rounds per cell (1 in manifests written before rounds existed).
    pub rounds: i64,
    /// (workload, runtime as cells name it ([`crate::data::runtime_label`]), architecture, memory)
    pub cells: BTreeSet<(String, String, String, i64)>,
}

impl Planned {
    pub fn of(plan: &Plan) -> Planned {
        Planned {
            mode: plan.mode_name.clone(),
            cold: i64::from(plan.mode.cold),
            warm: i64::from(plan.mode.warm),
            rounds: i64::from(plan.mode.rounds),
            cells: plan
                .cells
                .iter()
                .map(|c| {
                    let f = &c.function;
                    (
                        f.workload.clone(),
                        runtime_label(&f.runtime, f.language.as_str()),
                        f.architecture.as_str().to_string(),
                        i64::from(c.memory_mb),
                    )
                })
                .collect(),
        }
    }
}

/// Reads the run's manifest under the data location (`_manifests/<run>.json`, or
/// `run_id=<run>/manifest.json` in older runs): `None` when the run has none (imported data),
/// an error when it is there but unreadable or not a manifest, because then an incomplete run
/// would look complete.
pub async fn planned(location: &DataLocation, run: &str) -> Result<Option<Planned>> {
    // A run id the collector cannot write (a folder made by hand) has no manifest.
    let Ok(keys) = manifest::keys(run) else {
        return Ok(None);
    };
    for key in keys {
        let shown = format!("{}/{key}", location.display.trim_end_matches('/'));
        let bad = |reason: String| Error::Manifest {
            path: shown.clone(),
            reason,
        };
        let path: StorePath = location
            .prefix
            .parts()
            .chain(StorePath::from(key.as_str()).parts())
            .collect();
        let bytes = match location.store.get(&path).await {
            Err(object_store::Error::NotFound { .. }) => continue,
            Err(e) => return Err(bad(e.to_string())),
            Ok(got) => got.bytes().await.map_err(|e| bad(e.to_string()))?,
        };
        return parse(&bytes, bad).map(Some);
    }
    Ok(None)
}

/// What a manifest's bytes planned; `bad` says why they are not a manifest.
fn parse(bytes: &[u8], bad: impl Fn(String) -> Error) -> Result<Planned> {
    let m: Manifest = serde_json::from_slice(bytes).map_err(|e| {
        bad(match e.classify() {
            serde_json::error::Category::Data => format!("not a lambench manifest ({e})"),
            _ => format!("not valid JSON ({e})"),
        })
    })?;
    Ok(Planned::of(&m.plan))
}

/// One row of the planned-vs-obtained table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub workload: String,
    pub runtime: String,
    /// `zip`, `image`, `not recorded`; empty for a planned cell with no data.
    pub package: String,
    pub architecture: String,
    pub memory_mb: i64,
    pub attempts: i64,
    pub cold_ok: i64,
    pub warm_ok: i64,
    pub warmups: i64,
    pub failed: i64,
    pub throttled: i64,
    pub cold_came_back_warm: i64,
    pub warm_came_back_cold: i64,
    /// Rounds with samples (0 for imported data, which has none).
    pub rounds: i64,
    /// Execution environments the warm samples came from, and the fewest and most samples
    /// one of them served (`None`: not recorded).
    pub warm_environments: i64,
    pub per_environment: Option<(i64, i64)>,
    /// The CPU models the samples ran on, listed only when there is more than one.
    pub cpu_models: Option<String>,
    pub status: String,
    /// CSS class: `short` when the cell is below plan or below 5 samples.
    pub flag: &'static str,
}

impl Row {
    /// Nothing to look at: the plan met, nothing failed, throttled or came back with the wrong
    /// kind of start, one CPU model. The page folds these into one line.
    pub fn all_ok(&self) -> bool {
        self.flag.is_empty()
            && self.failed == 0
            && self.throttled == 0
            && self.cold_came_back_warm == 0
            && self.warm_came_back_cold == 0
            && self.cpu_models.is_none()
    }
}

/// Rows from `quality.sql`, judged against the plan, and the planned cells with no data.
pub fn rows(table: &Table, planned: Option<&Planned>) -> (Vec<Row>, Vec<Row>) {
    let int = |r, c| table.get(r, c).as_f64().unwrap_or(0.0) as i64;
    let mut seen = BTreeSet::new();
    let mut rows = Vec::new();
    for r in 0..table.rows.len() {
        let key = (
            table.get(r, "workload").as_str().to_string(),
            table.get(r, "runtime").as_str().to_string(),
            table.get(r, "architecture").as_str().to_string(),
            int(r, "memory_mb"),
        );
        let (cold_ok, warm_ok) = (int(r, "cold_ok"), int(r, "warm_ok"));
        let rounds = int(r, "rounds");
        let status = match planned {
            Some(p) if cold_ok < p.cold || warm_ok < p.warm => {
                format!(
                    "short: {cold_ok}/{} cold, {warm_ok}/{} warm",
                    p.cold, p.warm
                )
            }
            _ if cold_ok.max(warm_ok) < 5 => "too few samples for intervals".to_string(),
            Some(_) => "complete".to_string(),
            None => "ok".to_string(),
        };
        let flag = if status == "complete" || status == "ok" {
            ""
        } else {
            "short"
        };
        rows.push(Row {
            workload: key.0.clone(),
            runtime: key.1.clone(),
            package: table.get(r, "package_type").as_str().to_string(),
            architecture: key.2.clone(),
            memory_mb: key.3,
            attempts: int(r, "attempts"),
            cold_ok,
            warm_ok,
            warmups: int(r, "warmups"),
            failed: int(r, "failed"),
            throttled: int(r, "throttled"),
            cold_came_back_warm: int(r, "cold_came_back_warm"),
            warm_came_back_cold: int(r, "warm_came_back_cold"),
            rounds,
            warm_environments: int(r, "warm_environments"),
            per_environment: table
                .get(r, "min_per_environment")
                .as_f64()
                .zip(table.get(r, "max_per_environment").as_f64())
                .map(|(a, b)| (a as i64, b as i64)),
            cpu_models: (int(r, "cpu_models") > 1)
                .then(|| table.get(r, "cpu_model_list").as_str().to_string()),
            status,
            flag,
        });
        seen.insert(key);
    }
    let missing = planned
        .map(|p| {
            p.cells
                .iter()
                .filter(|c| !seen.contains(*c))
                .map(|(w, r, a, m)| Row {
                    workload: w.clone(),
                    runtime: r.clone(),
                    package: String::new(),
                    architecture: a.clone(),
                    memory_mb: *m,
                    attempts: 0,
                    cold_ok: 0,
                    warm_ok: 0,
                    warmups: 0,
                    failed: 0,
                    throttled: 0,
                    cold_came_back_warm: 0,
                    warm_came_back_cold: 0,
                    rounds: 0,
                    warm_environments: 0,
                    per_environment: None,
                    cpu_models: None,
                    status: "planned, no data".into(),
                    flag: "short",
                })
                .collect()
        })
        .unwrap_or_default();
    (rows, missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Value;
    use lambench_model::plan::Filters;
    use lambench_model::{Matrix, Mode};

    fn table(rows: &[(&str, &str, i64)]) -> Table {
        Table {
            columns: [
                "workload",
                "runtime",
                "package_type",
                "architecture",
                "memory_mb",
                "cold_ok",
                "warm_ok",
            ]
            .map(String::from)
            .to_vec(),
            rows: rows
                .iter()
                .map(|(runtime, package, warm)| {
                    vec![
                        Value::Text("light".into()),
                        Value::Text(runtime.to_string()),
                        Value::Text(package.to_string()),
                        Value::Text("arm64".into()),
                        Value::Int(128),
                        Value::Int(10),
                        Value::Int(*warm),
                    ]
                })
                .collect(),
        }
    }

    #[test]
    fn custom_runtimes_match_the_plan_by_language_and_package_types_stay_apart() {
        let matrix = Matrix::builtin().unwrap();
        let filters = Filters {
            runtimes: vec![
                "provided.al2023".into(),
                "python3.12".into(),
                "nodejs22.x".into(),
            ],
            architectures: vec!["arm64".into()],
            workloads: vec!["light".into()],
            memory_mb: vec![128],
        };
        let mode = Mode {
            cold: 10,
            warm: 20,
            rounds: 1,
        };
        let plan = Plan::new(&matrix, "test", mode, &matrix.default_run(), &filters, 1);
        assert_eq!(plan.cells.len(), 3);
        let planned = Planned::of(&plan);
        let data = table(&[
            ("rust (provided.al2023)", "zip", 20),
            ("python3.12", "zip", 20),
            ("python3.12", "image", 5),
        ]);
        let (rows, missing) = rows(&data, Some(&planned));
        let shown: Vec<_> = rows
            .iter()
            .map(|r| (r.runtime.as_str(), r.package.as_str(), r.status.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("rust (provided.al2023)", "zip", "complete"),
                ("python3.12", "zip", "complete"),
                ("python3.12", "image", "short: 10/10 cold, 5/20 warm"),
            ]
        );
        let missing: Vec<_> = missing.iter().map(|r| r.runtime.as_str()).collect();
        assert_eq!(missing, ["nodejs22.x"]);
    }
}
