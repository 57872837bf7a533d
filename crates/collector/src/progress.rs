//! What a run reports as it goes; the CLI renders it (progress bars or plain lines).

use lambench_model::Invocation;

use crate::cell::CellOutcome;
use crate::plan::Cell;

/// Observer of a run. Every method has a do-nothing default.
pub trait Progress: Send + Sync {
    fn cell_started(&self, _cell: &Cell) {}
    fn invocation(&self, _cell: &Cell, _row: &Invocation) {}
    fn cell_done(&self, _cell: &Cell, _outcome: &CellOutcome) {}
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {}
