//! The report's small tables, folded in the same pass: `queries/report/meta.sql`,
//! `queries/errors.sql` and `queries/report/runtime_versions.sql`. Each was a scan of its own
//! (a fifth of a 1M-row report's time); their rows are few, so each is a map keyed by the
//! file's `GROUP BY`, sorted as its `ORDER BY`. The files stay the specification the report
//! cites; `tests/one_pass.rs` checks these are their rows.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{Array, TimestampMicrosecondArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use foldhash::fast::FixedState;

use super::{Attempt, Columns, Group, text};
use crate::data::{Table, Value};
use crate::error::Result;

/// Where and when (`meta.sql`), per (backend, region).
#[derive(Debug, Clone, Copy)]
struct Span {
    first_us: i64,
    last_us: i64,
    attempts: i64,
}

/// `errors.sql`'s key: runtime, architecture, workload, memory size, start type, status,
/// error type (`''` when NULL).
type ErrorKey = (String, String, String, i32, String, String, String);

#[derive(Debug, Default)]
pub(super) struct Tables {
    spans: HashMap<(String, String), Span, FixedState>,
    errors: HashMap<ErrorKey, (i64, Option<String>), FixedState>,
    /// Init Durations of cold samples per (runtime, architecture, runtime version).
    versions: Vec<(VersionKey, Vec<f64>)>,
    version_index: HashMap<VersionKey, usize, FixedState>,
    /// The function and entry of `versions` the previous cold sample went to: consecutive
    /// samples nearly always share them, and looking the key up would copy three strings.
    last_version: Option<(u32, usize)>,
}

/// `runtime_versions.sql`'s key: runtime, architecture, runtime version.
type VersionKey = (String, String, String);

impl Tables {
    /// Row `i`, of function `g` (the pass's group `id`), if a failure or a cold sample (the
    /// caller may skip others).
    pub(super) fn add(&mut self, c: &Columns, i: usize, (id, g): (u32, &Group), a: &Attempt) {
        if !a.ok {
            self.error(c, i, g);
        } else if a.cold && a.is_sample() && c.runtime_version.is_valid(i) && c.init.is_valid(i) {
            let version = c.runtime_version.value(i);
            let at = match self.last_version {
                Some((last, at)) if last == id && self.versions[at].0.2 == version => at,
                _ => self.version_at((g.runtime.clone(), g.architecture.clone(), version.into())),
            };
            self.versions[at].1.push(c.init.value(i));
            self.last_version = Some((id, at));
        }
    }

    /// The entry of `versions` for `key`, added if new.
    fn version_at(&mut self, key: VersionKey) -> usize {
        if let Some(&at) = self.version_index.get(&key) {
            return at;
        }
        self.versions.push((key.clone(), Vec::new()));
        self.version_index.insert(key, self.versions.len() - 1);
        self.versions.len() - 1
    }

    /// The (backend, region) span of rows `from..to`, which share them.
    pub(super) fn span(&mut self, c: &Columns, from: usize, to: usize) {
        let times = &c.invoked_at.values()[from..to];
        let (Some(&first), Some(&last)) = (times.iter().min(), times.iter().max()) else {
            return;
        };
        let key = (
            c.backend.value(from).to_string(),
            text(&c.region, from).to_string(),
        );
        let s = self.spans.entry(key).or_insert(Span {
            first_us: first,
            last_us: last,
            attempts: 0,
        });
        s.first_us = s.first_us.min(first);
        s.last_us = s.last_us.max(last);
        s.attempts += (to - from) as i64;
    }

    fn error(&mut self, c: &Columns, i: usize, g: &Group) {
        let key = (
            g.runtime.clone(),
            g.architecture.clone(),
            g.workload.clone(),
            g.memory_mb,
            c.start_type.value(i).to_string(),
            c.status.value(i).to_string(),
            text(&c.error_type, i).to_string(),
        );
        let message = c
            .error_message
            .is_valid(i)
            .then(|| c.error_message.value(i));
        let e = self.errors.entry(key).or_insert((0, None));
        e.0 += 1;
        e.1 = min_text(e.1.take(), message);
    }

    pub(super) fn merge(&mut self, other: Tables) {
        for (k, s) in other.spans {
            let mine = self.spans.entry(k).or_insert(Span { attempts: 0, ..s });
            mine.first_us = mine.first_us.min(s.first_us);
            mine.last_us = mine.last_us.max(s.last_us);
            mine.attempts += s.attempts;
        }
        for (k, (n, message)) in other.errors {
            let e = self.errors.entry(k).or_insert((0, None));
            e.0 += n;
            e.1 = min_text(e.1.take(), message.as_deref());
        }
        for (k, v) in other.versions {
            let at = self.version_at(k);
            self.versions[at].1.extend(v);
        }
    }

    /// `meta.sql`'s rows, largest first.
    pub(super) fn meta(&self) -> Result<Table> {
        let mut spans: Vec<_> = self.spans.iter().collect();
        spans.sort_by(|a, b| b.1.attempts.cmp(&a.1.attempts).then(a.0.cmp(b.0)));
        let mut rows = Vec::new();
        for ((backend, region), s) in spans {
            rows.push(vec![
                Value::Text(backend.clone()),
                Value::Text(region.clone()),
                Value::Text(timestamp(s.first_us)?),
                Value::Text(timestamp(s.last_us)?),
                Value::Int(s.attempts),
            ]);
        }
        Ok(table(
            &[
                "backend",
                "region",
                "first_invocation",
                "last_invocation",
                "attempts",
            ],
            rows,
        ))
    }

    /// `errors.sql`'s rows: most frequent first.
    pub(super) fn errors(&self) -> Table {
        let mut errors: Vec<_> = self.errors.iter().collect();
        // ORDER BY n DESC, runtime, workload, memory_mb, architecture, start_type, status, error_type
        errors.sort_by(|(a, (an, _)), (b, (bn, _))| {
            bn.cmp(an).then_with(|| {
                (&a.0, &a.2, a.3, &a.1, &a.4, &a.5, &a.6)
                    .cmp(&(&b.0, &b.2, b.3, &b.1, &b.4, &b.5, &b.6))
            })
        });
        let rows = errors
            .into_iter()
            .map(|(k, (n, message))| {
                vec![
                    Value::Text(k.0.clone()),
                    Value::Text(k.1.clone()),
                    Value::Text(k.2.clone()),
                    Value::Int(i64::from(k.3)),
                    Value::Text(k.4.clone()),
                    Value::Text(k.5.clone()),
                    Value::Text(k.6.clone()),
                    Value::Int(*n),
                    message.clone().map_or(Value::Null, Value::Text),
                ]
            })
            .collect();
        table(
            &[
                "runtime",
                "architecture",
                "workload",
                "memory_mb",
                "start_type",
                "status",
                "error_type",
                "n",
                "example_message",
            ],
            rows,
        )
    }

    /// `runtime_versions.sql`'s rows, by runtime, architecture and version.
    pub(super) fn versions(&self) -> Table {
        let mut versions: Vec<_> = self.versions.iter().collect();
        versions.sort_by(|a, b| a.0.cmp(&b.0));
        let rows = versions
            .into_iter()
            .map(|((runtime, architecture, version), init)| {
                vec![
                    Value::Text(runtime.clone()),
                    Value::Text(architecture.clone()),
                    Value::Text(version.clone()),
                    Value::Int(init.len() as i64),
                    median_3(init).map_or(Value::Null, Value::Float),
                ]
            })
            .collect();
        table(
            &[
                "runtime",
                "architecture",
                "runtime_version",
                "cold_starts",
                "p50_init_ms",
            ],
            rows,
        )
    }
}

pub(super) fn table(columns: &[&str], rows: Vec<Vec<Value>>) -> Table {
    Table {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

/// `min()` of strings, NULLs ignored.
fn min_text(a: Option<String>, b: Option<&str>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) if b < a.as_str() => Some(b.to_string()),
        (Some(a), _) => Some(a),
        (None, b) => b.map(str::to_string),
    }
}

/// `CAST(ts AS VARCHAR)` of a UTC timestamp, by the same Arrow cast the engine uses.
pub(super) fn timestamp(us: i64) -> Result<String> {
    let array = TimestampMicrosecondArray::from(vec![us]).with_timezone("UTC");
    let text = cast(
        &(Arc::new(array) as arrow::array::ArrayRef),
        &DataType::Utf8,
    )?;
    Ok(text
        .as_any()
        .downcast_ref::<arrow::array::StringArray>()
        .map(|s| s.value(0).to_string())
        .unwrap_or_default())
}

/// `round(percentile_cont(0.5) WITHIN GROUP (ORDER BY x), 3)`: the midpoint of the two middle
/// values for an even count, rounded to 3 decimals.
fn median_3(values: &[f64]) -> Option<f64> {
    lambench_model::stats::median(values).map(round_3)
}

/// `round(x, 3)`, as the engine computes it.
pub(super) fn round_3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
