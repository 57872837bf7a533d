//! The plan: which cells run, how many samples each, and what that costs.

use lambench_model::{FunctionSpec, Matrix, Mode};

/// One (function, memory size) cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub function: FunctionSpec,
    pub memory_mb: u32,
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

/// Cells to run and samples per cell.
#[derive(Debug, Clone)]
pub struct Plan {
    pub mode_name: String,
    pub mode: Mode,
    pub cells: Vec<Cell>,
}

impl Plan {
    /// Every cell of `functions` (those that exist on the target) that passes the filters.
    pub fn new(
        matrix: &Matrix,
        mode_name: &str,
        mode: Mode,
        functions: &[FunctionSpec],
        filters: &Filters,
    ) -> Plan {
        let mut cells = Vec::new();
        for f in functions {
            for &memory_mb in &matrix.workloads[&f.workload].memory_mb {
                if filters.keeps(f, memory_mb) {
                    cells.push(Cell {
                        function: f.clone(),
                        memory_mb,
                    });
                }
            }
        }
        Plan {
            mode_name: mode_name.to_string(),
            mode,
            cells,
        }
    }

    /// Invocations the plan makes when nothing fails: cold + one warm-up + warm per cell.
    pub fn invocations(&self) -> u64 {
        self.cells.len() as u64 * u64::from(self.mode.cold + 1 + self.mode.warm)
    }
}
