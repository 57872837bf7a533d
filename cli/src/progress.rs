//! Progress of a collection: indicatif bars on a terminal (overall, plus one per active round of
//! a cell), plain lines otherwise (one per completed round), both with rate, ETA and errors.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use lambench_collector::{CellOutcome, CellRound, Progress};
use lambench_model::{Invocation, Status};

use crate::cli::ProgressArg;

/// Rounds of cells shown with their own bar at once; more are counted in the overall line.
const MAX_CELL_BARS: usize = 12;

/// Renders a run's progress.
pub struct Renderer {
    bars: Option<Bars>,
    started: Instant,
    planned: u64,
    invocations: AtomicU64,
    errors: AtomicU64,
    cells_done: AtomicUsize,
    cells_total: usize,
}

struct Bars {
    overall: ProgressBar,
    cells: Mutex<HashMap<String, ProgressBar>>,
    multi: MultiProgress,
}

impl Renderer {
    /// `planned` invocations over `cells_total` rounds of cells.
    pub fn new(mode: ProgressArg, planned: u64, cells_total: usize) -> Self {
        let bars = match mode {
            ProgressArg::Bars => true,
            ProgressArg::Lines => false,
            ProgressArg::Auto => std::io::stdout().is_terminal(),
        };
        Renderer {
            bars: bars.then(|| Bars::new(planned)),
            started: Instant::now(),
            planned,
            invocations: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            cells_done: AtomicUsize::new(0),
            cells_total,
        }
    }

    /// Clears the bars before the final summary is printed.
    pub fn finish(&self) {
        if let Some(b) = &self.bars {
            b.overall.finish_and_clear();
        }
    }

    fn eta(&self, done: u64) -> String {
        if done == 0 {
            return "?".into();
        }
        let elapsed = self.started.elapsed().as_secs_f64();
        let left = elapsed * (self.planned.saturating_sub(done)) as f64 / done as f64;
        human(Duration::from_secs_f64(left))
    }
}

impl Bars {
    fn new(planned: u64) -> Self {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stdout());
        let overall = multi.add(ProgressBar::new(planned));
        overall.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {pos}/{len} invocations {per_sec} ETA {eta} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Bars {
            overall,
            cells: Mutex::new(HashMap::new()),
            multi,
        }
    }
}

impl Progress for Renderer {
    fn cell_started(&self, cell: &CellRound, invocations: u64) {
        let Some(b) = &self.bars else { return };
        let mut cells = b.cells.lock().unwrap_or_else(|p| p.into_inner());
        if cells.len() >= MAX_CELL_BARS {
            return;
        }
        let bar = b.multi.add(ProgressBar::new(invocations));
        bar.set_style(
            ProgressStyle::with_template("  {prefix:48} [{bar:24}] {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_prefix(cell.part());
        cells.insert(cell.part(), bar);
    }

    fn invocation(&self, cell: &CellRound, row: &Invocation) {
        let done = self.invocations.fetch_add(1, Ordering::Relaxed) + 1;
        if row.status != Status::Ok {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        let Some(b) = &self.bars else { return };
        if done > b.overall.length().unwrap_or(0) {
            b.overall.set_length(done);
        }
        b.overall.inc(1);
        b.overall.set_message(format!(
            "| errors {} | rounds of cells {}/{}",
            self.errors.load(Ordering::Relaxed),
            self.cells_done.load(Ordering::Relaxed),
            self.cells_total
        ));
        let cells = b.cells.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(bar) = cells.get(&cell.part()) {
            bar.inc(1);
        }
    }

    fn cell_done(&self, cell: &CellRound, outcome: &CellOutcome) {
        let cells_done = self.cells_done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(b) = &self.bars {
            let mut cells = b.cells.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(bar) = cells.remove(&cell.part()) {
                bar.finish_and_clear();
                b.multi.remove(&bar);
            }
            return;
        }
        let done = self.invocations.load(Ordering::Relaxed);
        println!(
            "[{cells_done}/{}] {}: {} rows, {} failed | {done}/{} invocations, {} errors, {} elapsed, ETA {}",
            self.cells_total,
            cell.part(),
            outcome.rows.len(),
            outcome.failed(),
            self.planned,
            self.errors.load(Ordering::Relaxed),
            human(self.started.elapsed()),
            self.eta(done),
        );
    }
}

/// `1h 02m`, `3m 07s`, `12s`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}h {:02}m", s / 3600, s % 3600 / 60)
    } else if s >= 60 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}
