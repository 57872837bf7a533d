//! What one round of a cell gives: its rows and what it took. In a module of its own because
//! the cell produces it and the progress display and the sink consume it; neither needs the
//! cell's code.

use lambench_model::record::{Invocation, Status};

/// The rows of a finished cell and what it took.
#[derive(Debug, Clone, Default)]
pub struct CellOutcome {
    pub rows: Vec<Invocation>,
    pub cold_came_back_warm: u32,
    pub warm_came_back_cold: u32,
    pub throttled: u32,
    /// Attempts that failed before reaching the function (network, 5xx) and were retried.
    pub transient: u32,
    pub config_retries: u32,
}

impl CellOutcome {
    pub fn failed(&self) -> usize {
        self.rows.iter().filter(|r| r.status != Status::Ok).count()
    }
}
