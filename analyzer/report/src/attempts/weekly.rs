//! The trend page's weekly medians, folded in the same pass: `queries/report/trend.sql`.
//!
//! Why not run the file: on data that spans weeks it is a second scan of every attempt, with
//! the cell label and the week computed per row, and a sort per group; on the lambda-perf
//! history (657k rows) it took 0.4 s, half the report. Here each sample's value is pushed
//! into its (function, metric, week) series as the pass meets it, and the series of a cell's
//! memory sizes are pooled at the end. The file stays the specification the page cites;
//! `tests/one_pass.rs` checks these are its rows.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use lambench_model::stats::{QuantileEstimate, quantiles_unsorted};

use super::Group;
use super::tables::{round_3, table, timestamp};
use crate::data::{self, Table, Value};
use crate::days::{MICROS_PER_DAY, day};
use crate::error::Result;

/// A series: the function (the pass's group, which includes the memory size), cold or warm,
/// and the week (the day number of its Monday).
type Key = (u32, bool, i32);

/// The samples by series, as met: one flat list rather than a list per series (a history of
/// years has tens of thousands of series, each growing a few values at a time).
#[derive(Debug, Default)]
pub(super) struct Weekly {
    /// Each series' key, by index.
    keys: Vec<Key>,
    index: HashMap<Key, u32, FixedState>,
    /// The series the previous sample went to: consecutive samples nearly always share it.
    last: Option<(Key, u32)>,
    /// Each sample's series and value.
    series_of: Vec<u32>,
    values: Vec<f64>,
}

impl Weekly {
    /// A sample of function `group`, cold or warm, invoked at `invoked_us`: `ms` is its Init
    /// (or Restore) Duration when cold, its Duration when warm.
    pub(super) fn add(&mut self, group: u32, cold: bool, invoked_us: i64, ms: f64) {
        let key = (group, cold, monday(invoked_us));
        let at = match self.last {
            Some((k, at)) if k == key => at,
            _ => {
                let at = self.series(key);
                self.last = Some((key, at));
                at
            }
        };
        self.series_of.push(at);
        self.values.push(ms);
    }

    fn series(&mut self, key: Key) -> u32 {
        *self.index.entry(key).or_insert_with(|| {
            self.keys.push(key);
            self.keys.len() as u32 - 1
        })
    }

    /// Another partition's samples added to these; `group_of[g]` is their group `g` here.
    pub(super) fn merge(&mut self, other: Weekly, group_of: &[u32]) {
        self.last = None;
        let series: Vec<u32> = other
            .keys
            .iter()
            .map(|&(g, cold, week)| self.series((group_of[g as usize], cold, week)))
            .collect();
        self.series_of
            .extend(other.series_of.iter().map(|&s| series[s as usize]));
        self.values.extend(other.values);
    }

    /// `trend.sql`'s rows: memory sizes pooled, in its order. Strings are compared once per
    /// function and texts made once per week, not once per series or sample.
    pub(super) fn table(self, groups: &[Group]) -> Result<Table> {
        let labels: Vec<Cell> = groups.iter().map(cell).collect();
        let cells = Cells::new(&labels);
        // Each series' row (its cell, metric and week: memory sizes pooled).
        let mut row_index: HashMap<RowKey, u32, FixedState> = HashMap::default();
        let mut keys = Vec::new();
        let row_of: Vec<u32> = self
            .keys
            .iter()
            .map(|&(g, cold, week)| {
                let key = (cells.of_group[g as usize], cold, week);
                *row_index.entry(key).or_insert_with(|| {
                    keys.push(key);
                    keys.len() as u32 - 1
                })
            })
            .collect();
        let (mut values, offsets) = by_row(&self.series_of, &self.values, &row_of, keys.len());
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by_key(|&r| cells.order(keys[r]));
        // Each row's median and interval on all cores (each row's values are its own slice).
        let mut slices: Vec<Option<&mut [f64]>> = Vec::with_capacity(keys.len());
        let mut rest = values.as_mut_slice();
        for r in 0..keys.len() {
            let (row, tail) = rest.split_at_mut(offsets[r + 1] - offsets[r]);
            slices.push(Some(row));
            rest = tail;
        }
        let sorted: Vec<&mut [f64]> = order.iter().filter_map(|&r| slices[r].take()).collect();
        let medians = crate::cores::map(sorted, median);
        let mut weeks: HashMap<i32, String, FixedState> = HashMap::default();
        let mut rows = Vec::with_capacity(keys.len());
        for (&r, median) in order.iter().zip(medians) {
            let (c, cold, week) = keys[r];
            let week = match weeks.get(&week) {
                Some(text) => text.clone(),
                None => weeks
                    .entry(week)
                    .or_insert(timestamp(i64::from(week) * MICROS_PER_DAY)?)
                    .clone(),
            };
            rows.push(row(cells.sorted[c], metric(cold), week, median));
        }
        Ok(table(&COLUMNS, rows))
    }
}

const COLUMNS: [&str; 11] = [
    "workload",
    "runtime",
    "language",
    "package_type",
    "architecture",
    "metric",
    "week",
    "n",
    "p50_ms",
    "p50_lo_ms",
    "p50_hi_ms",
];

/// A row of the file: its cell (an index into [`Cells::sorted`]), cold or warm, and its week.
type RowKey = (usize, bool, i32);

/// The trend's cells (functions without memory size), sorted, and each function's.
struct Cells<'g> {
    sorted: Vec<&'g Cell>,
    of_group: Vec<usize>,
    /// Per sorted cell, the rank of its (workload, runtime, package type).
    prefix: Vec<usize>,
}

impl<'g> Cells<'g> {
    fn new(labels: &'g [Cell]) -> Cells<'g> {
        let mut sorted: Vec<&Cell> = labels.iter().collect();
        sorted.sort();
        sorted.dedup();
        let of_group = labels
            .iter()
            .map(|l| sorted.partition_point(|c| *c < l))
            .collect();
        let mut prefix = Vec::with_capacity(sorted.len());
        for (i, c) in sorted.iter().enumerate() {
            let new = i > 0
                && (&c.0, &c.1, &c.2) != (&sorted[i - 1].0, &sorted[i - 1].1, &sorted[i - 1].2);
            let last = prefix.last().copied().unwrap_or(0);
            prefix.push(last + usize::from(new));
        }
        Cells {
            sorted,
            of_group,
            prefix,
        }
    }

    /// ORDER BY workload, runtime, package_type, metric, architecture, week: the cell's first
    /// three, then the metric (`cold_init` first), then the rest of the cell (architecture,
    /// and the language the runtime decides), which the cell's index orders.
    fn order(&self, (c, cold, week): RowKey) -> (usize, bool, usize, i32) {
        (self.prefix[c], !cold, c, week)
    }
}

/// The values grouped by row (a counting sort): all values, and where each row's begin.
fn by_row(
    series_of: &[u32],
    values: &[f64],
    row_of: &[u32],
    rows: usize,
) -> (Vec<f64>, Vec<usize>) {
    let mut offsets = vec![0; rows + 1];
    for &s in series_of {
        offsets[row_of[s as usize] as usize + 1] += 1;
    }
    for r in 0..rows {
        offsets[r + 1] += offsets[r];
    }
    let mut next = offsets.clone();
    let mut grouped = vec![0.0; values.len()];
    for (&s, &v) in series_of.iter().zip(values) {
        let r = row_of[s as usize] as usize;
        grouped[next[r]] = v;
        next[r] += 1;
    }
    (grouped, offsets)
}

/// A trend cell: workload, runtime (as cells name it), package type, architecture, language
/// (in the order `trend.sql` sorts by, the language last: it follows from the runtime).
type Cell = (String, String, String, String, String);

fn cell(g: &Group) -> Cell {
    (
        g.workload.clone(),
        data::runtime_label(&g.runtime, &g.language),
        g.package.clone(),
        g.architecture.clone(),
        g.language.clone(),
    )
}

fn metric(cold: bool) -> &'static str {
    if cold { "cold_init" } else { "warm_duration" }
}

/// A row's count, and its median as `percentile_cont(0.5)` gives it with its interval as
/// `quantile_ci` does.
type Median = (i64, Option<QuantileEstimate>);

fn median(values: &mut [f64]) -> Median {
    let n = values.len() as i64;
    let median = quantiles_unsorted(values, &[0.5], 0.95)
        .into_iter()
        .next()
        .flatten();
    (n, median)
}

/// One row of the file.
fn row(c: &Cell, metric: &str, week: String, (n, median): Median) -> Vec<Value> {
    let bound = |b: Option<f64>| b.map_or(Value::Null, |b| Value::Float(round_3(b)));
    vec![
        Value::Text(c.0.clone()),
        Value::Text(c.1.clone()),
        Value::Text(c.4.clone()),
        Value::Text(c.2.clone()),
        Value::Text(c.3.clone()),
        Value::Text(metric.to_string()),
        Value::Text(week),
        Value::Int(n),
        bound(median.map(|m| m.value)),
        bound(median.and_then(|m| m.ci).map(|ci| ci.0)),
        bound(median.and_then(|m| m.ci).map(|ci| ci.1)),
    ]
}

/// `date_trunc('week', t)` of a UTC timestamp in microseconds, as a day number: its Monday
/// (1970-01-01 was a Thursday).
fn monday(us: i64) -> i32 {
    let day = day(us);
    day - (day + 3).rem_euclid(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_before_and_after_the_epoch() {
        let day = |d: i64| d * MICROS_PER_DAY;
        // 1969-12-29 was a Monday; 1970-01-04 a Sunday; 1970-01-05 a Monday.
        assert_eq!(monday(day(0)), -3);
        assert_eq!(monday(day(4) - 1), -3);
        assert_eq!(monday(day(4)), 4);
        assert_eq!(monday(day(-3)), -3);
        assert_eq!(monday(day(-3) - 1), -10);
    }
}
