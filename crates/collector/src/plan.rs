//! The plan: which cells run, how many samples each, and in which groups.

use std::collections::BTreeMap;

use lambench_model::{FunctionSpec, Matrix, Mode};
use serde::{Deserialize, Serialize};

/// One (function, memory size) cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub function: FunctionSpec,
    pub memory_mb: u32,
}

impl Cell {
    /// The cell's file name stem: `<function>-<memory>`.
    pub fn part(&self) -> String {
        format!("{}-{}", self.function.name, self.memory_mb)
    }
}

/// Restrictions from the command line; empty means everything.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub runtimes: Vec<String>,
    pub architectures: Vec<String>,
    pub workloads: Vec<String>,
    pub memory_mb: Vec<u32>,
}

impl Filters {
    fn keeps(&self, f: &FunctionSpec, memory: u32) -> bool {
        let ok = |list: &Vec<String>, v: &str| list.is_empty() || list.iter().any(|x| x == v);
        ok(&self.runtimes, &f.runtime)
            && ok(&self.architectures, f.architecture.as_str())
            && ok(&self.workloads, &f.workload)
            && (self.memory_mb.is_empty() || self.memory_mb.contains(&memory))
    }
}

/// Cells to run, samples per cell and the event each workload gets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub mode_name: String,
    pub mode: Mode,
    pub cells: Vec<Cell>,
    /// JSON event per workload.
    pub events: BTreeMap<String, String>,
    /// Workloads that call DynamoDB (their duration barely scales with CPU).
    pub network_workloads: Vec<String>,
}

impl Plan {
    /// Every cell of `functions` (those that exist on the target) that passes the filters,
    /// memory sizes ascending.
    pub fn new(
        matrix: &Matrix,
        mode_name: &str,
        mode: Mode,
        functions: &[FunctionSpec],
        filters: &Filters,
    ) -> Plan {
        let mut cells = Vec::new();
        for f in functions {
            let mut sizes = matrix.workloads[&f.workload].memory_mb.clone();
            sizes.sort_unstable();
            for memory_mb in sizes {
                if filters.keeps(f, memory_mb) {
                    cells.push(Cell {
                        function: f.clone(),
                        memory_mb,
                    });
                }
            }
        }
        let events = matrix
            .workloads
            .iter()
            .map(|(name, w)| {
                let json = serde_json::to_string(&w.event).unwrap_or_else(|_| "{}".into());
                (name.clone(), json)
            })
            .collect();
        let network_workloads = matrix
            .workloads
            .iter()
            .filter(|(_, w)| w.uses_dynamodb)
            .map(|(name, _)| name.clone())
            .collect();
        Plan {
            mode_name: mode_name.to_string(),
            mode,
            cells,
            events,
            network_workloads,
        }
    }

    pub fn uses_network(&self, workload: &str) -> bool {
        self.network_workloads.iter().any(|w| w == workload)
    }

    /// Warm environments per cell: as many as the function's parallelism (each costs one
    /// flagged warm-up), never more than there are warm samples.
    pub fn warm_lanes(&self, parallelism: u32) -> u32 {
        parallelism.max(1).min(self.mode.warm)
    }

    /// Invocations the plan makes when nothing fails or retries.
    pub fn invocations(&self, parallelism: &BTreeMap<String, u32>) -> u64 {
        self.cells
            .iter()
            .map(|c| {
                let p = parallelism.get(&c.function.name).copied().unwrap_or(1);
                u64::from(self.mode.cold + self.warm_lanes(p) + self.mode.warm)
            })
            .sum()
    }

    /// Cells grouped for pairing: one group per (runtime, workload), holding per memory size
    /// the cells of both architectures, which run side by side so drifting platform load
    /// affects ARM64 and x86_64 alike.
    pub fn groups(&self) -> Vec<Vec<Vec<Cell>>> {
        let mut groups: BTreeMap<(&str, &str), BTreeMap<u32, Vec<Cell>>> = BTreeMap::new();
        for c in &self.cells {
            groups
                .entry((&c.function.runtime, &c.function.workload))
                .or_default()
                .entry(c.memory_mb)
                .or_default()
                .push(c.clone());
        }
        groups
            .into_values()
            .map(|steps| steps.into_values().collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(mode: Mode) -> Plan {
        let m = Matrix::builtin().unwrap();
        Plan::new(&m, "x", mode, &m.functions(), &Filters::default())
    }

    #[test]
    fn production_plan_has_294_cells_in_21_pairs_of_groups() {
        let m = Matrix::builtin().unwrap();
        let p = plan(m.mode("production").unwrap());
        assert_eq!(p.cells.len(), 294);
        let groups = p.groups();
        assert_eq!(groups.len(), 21);
        for g in &groups {
            for step in g {
                assert_eq!(step.len(), 2, "both architectures per memory size");
                assert_eq!(step[0].memory_mb, step[1].memory_mb);
                assert_ne!(step[0].function.architecture, step[1].function.architecture);
            }
        }
    }

    #[test]
    fn warm_lanes_follow_parallelism_up_to_the_warm_samples() {
        let p = plan(Mode { cold: 1, warm: 500 });
        assert_eq!(p.warm_lanes(0), 1);
        assert_eq!(p.warm_lanes(8), 8);
        assert_eq!(p.warm_lanes(700), 500);
        let t = plan(Mode { cold: 2, warm: 2 });
        assert_eq!(t.warm_lanes(10), 2);
        assert_eq!(plan(Mode { cold: 2, warm: 0 }).warm_lanes(10), 0);
    }
}
