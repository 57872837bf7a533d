//! What a run reports as it goes; the CLI renders it (progress bars or plain lines).

use lambench_model::Invocation;

use crate::outcome::CellOutcome;
use crate::plan::CellRound;

/// Observer of a run, one round of a cell at a time. Every method has a do-nothing default.
pub trait Progress: Send + Sync {
    /// A round starts; it plans `invocations` when nothing fails or retries.
    fn cell_started(&self, _round: &CellRound, _invocations: u64) {}
    fn invocation(&self, _round: &CellRound, _row: &Invocation) {}
    fn cell_done(&self, _round: &CellRound, _outcome: &CellOutcome) {}
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {}
