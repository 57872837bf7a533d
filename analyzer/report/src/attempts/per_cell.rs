//! The quality page's two tables from the pass's per-environment entries:
//! `queries/report/quality.sql` (per cell) and `queries/report/cpu_models.sql` (per CPU).
//!
//! Why not run the files over the `environments` view: each is a grouping with several
//! `count(DISTINCT …)`, and on a 1M-row run (31k entries) the two took 45 ms each on the
//! engine, beside the statistics, on a 2-core machine. Here they are a walk over the entries.
//! The files stay the specification the page cites; `tests/one_pass.rs` checks these are
//! their rows.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::{Entry, Pass, tables::table};
use crate::data::{CellKey, Table, Value};

/// One cell's row, as the file's aggregates.
#[derive(Default)]
struct Quality<'a> {
    sums: [i64; 8],
    rounds: BTreeSet<i32>,
    cpu_models: BTreeSet<&'a str>,
    warm_environments: HashSet<u32>,
    /// The least and most warm samples of an entry with an environment and warm samples.
    per_environment: Option<(i64, i64)>,
}

impl<'a> Quality<'a> {
    fn add(&mut self, e: &Entry, cpu_model: &'a str) {
        let c = &e.counts;
        let sums = [
            c.attempts,
            c.cold_ok,
            c.warm_ok,
            c.warmups,
            c.failed,
            c.cold_came_back_warm,
            c.warm_came_back_cold,
            c.throttled,
        ];
        for (total, n) in self.sums.iter_mut().zip(sums) {
            *total += n;
        }
        if c.samples > 0 {
            self.rounds.extend(e.key.round);
            if !cpu_model.is_empty() {
                self.cpu_models.insert(cpu_model);
            }
        }
        if c.warm_ok > 0
            && let Some(environment) = e.key.environment
        {
            self.warm_environments.insert(environment);
            let (lo, hi) = self.per_environment.unwrap_or((c.warm_ok, c.warm_ok));
            self.per_environment = Some((lo.min(c.warm_ok), hi.max(c.warm_ok)));
        }
    }

    fn row(self, k: &CellKey) -> Vec<Value> {
        let mut row = vec![
            Value::Text(k.workload.clone()),
            Value::Text(k.runtime.clone()),
            Value::Text(k.package.clone()),
            Value::Text(k.architecture.clone()),
            Value::Int(k.memory_mb),
        ];
        row.extend(self.sums.map(Value::Int));
        let list = (!self.cpu_models.is_empty()).then(|| {
            self.cpu_models
                .iter()
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        });
        row.extend([
            Value::Int(self.rounds.len() as i64),
            Value::Int(self.cpu_models.len() as i64),
            list.map_or(Value::Null, Value::Text),
            Value::Int(self.warm_environments.len() as i64),
            self.per_environment
                .map_or(Value::Null, |p| Value::Int(p.0)),
            self.per_environment
                .map_or(Value::Null, |p| Value::Int(p.1)),
        ]);
        row
    }
}

const QUALITY_COLUMNS: [&str; 19] = [
    "workload",
    "runtime",
    "package_type",
    "architecture",
    "memory_mb",
    "attempts",
    "cold_ok",
    "warm_ok",
    "warmups",
    "failed",
    "cold_came_back_warm",
    "warm_came_back_cold",
    "throttled",
    "rounds",
    "cpu_models",
    "cpu_model_list",
    "warm_environments",
    "min_per_environment",
    "max_per_environment",
];

/// `quality.sql`'s rows, in its order (`CellKey`'s: workload, runtime, package type, memory
/// size, architecture).
pub(super) fn quality(pass: &Pass) -> Table {
    let mut cells: BTreeMap<&CellKey, Quality> = BTreeMap::new();
    for e in &pass.entries {
        let cell = &pass.cells[pass.group_cell[e.key.group as usize] as usize].0;
        cells
            .entry(cell)
            .or_default()
            .add(e, pass.cpu(e.key.cpu_model));
    }
    let rows = cells.into_iter().map(|(k, q)| q.row(k)).collect();
    table(&QUALITY_COLUMNS, rows)
}

/// One CPU's row of `cpu_models.sql`.
#[derive(Default)]
struct Cpu {
    groups: HashSet<u32>,
    environments: HashSet<u32>,
    samples: i64,
}

/// `cpu_models.sql`'s rows: per architecture, the CPUs with most samples first.
pub(super) fn cpu_models(pass: &Pass) -> Table {
    let mut cpus: BTreeMap<(&str, u32, u32), Cpu> = BTreeMap::new();
    for e in pass.entries.iter().filter(|e| e.counts.samples > 0) {
        let architecture = pass.groups[e.key.group as usize].architecture.as_str();
        let cpu = cpus
            .entry((architecture, e.key.cpu_model, e.key.cpu_features))
            .or_default();
        // A function is what the file's concatenated key names (workload, runtime, language,
        // package type, memory size; the architecture is the row's).
        cpu.groups.insert(e.key.group);
        cpu.environments.extend(e.key.environment);
        cpu.samples += e.counts.samples;
    }
    let mut rows: Vec<_> = cpus.into_iter().collect();
    // ORDER BY architecture, samples DESC, cpu_model
    rows.sort_by(|(a, x), (b, y)| {
        (a.0, std::cmp::Reverse(x.samples), pass.cpu(a.1)).cmp(&(
            b.0,
            std::cmp::Reverse(y.samples),
            pass.cpu(b.1),
        ))
    });
    let rows = rows
        .into_iter()
        .map(|((architecture, model, features), cpu)| {
            vec![
                Value::Text(architecture.to_string()),
                Value::Text(pass.cpu(model).to_string()),
                Value::Text(pass.cpu(features).to_string()),
                Value::Int(cpu.groups.len() as i64),
                Value::Int(cpu.environments.len() as i64),
                Value::Int(cpu.samples),
            ]
        })
        .collect();
    table(
        &[
            "architecture",
            "cpu_model",
            "cpu_features",
            "cells",
            "environments",
            "samples",
        ],
        rows,
    )
}
