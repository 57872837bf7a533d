//! The report's inputs, all read through SQL files in `queries/` (embedded here, listed in the
//! report beside each figure), so any number can be re-run with `lambench analyze --sql`.

use std::collections::{BTreeMap, HashMap};

use arrow::array::{Array, AsArray, BooleanArray, Float64Array, RecordBatch, StringViewArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float64Type, Int64Type};
use lambench_analyzer::{Analyzer, SqlOrigin};

use crate::error::{Error, Result};

/// The queries the report runs or cites (`queries/`, built in by the analyzer). `SAMPLES`,
/// `QUALITY`, `ENVIRONMENTS`, `CPU_MODELS` and `TREND` are computed in one pass
/// ([`crate::attempts`]), which `tests/one_pass.rs` checks against them: the files are its
/// specification. `P99` is cited, not run: the per-cell percentiles the report computes are
/// what it gives.
pub use lambench_analyzer::queries::report::{
    CPU_MODELS, ENVIRONMENTS, META, QUALITY, RUNTIME_VERSIONS as VERSIONS, SAMPLES, TREND,
};
pub use lambench_analyzer::queries::{COST_PER_MILLION as COST, ERRORS, P99, Query};
/// The view `quality.sql` and `cpu_models.sql` read (registered by the analyzer).
pub const ENVIRONMENTS_VIEW: &str = lambench_analyzer::ENVIRONMENTS_VIEW;

/// A cell: workload, runtime, package type, memory size, architecture (in the order pages are
/// laid out). Zip and container-image functions start differently, so they are never pooled.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellKey {
    pub workload: String,
    /// The runtime id, with the language for custom runtimes (`samples.sql`).
    pub runtime: String,
    /// `zip`, `image`, or `not recorded`.
    pub package: String,
    pub memory_mb: i64,
    pub architecture: String,
}

/// The runtime as a cell names it (`samples.sql`, `quality.sql`): custom runtimes (`provided.*`)
/// host many languages, so theirs is named with the language, e.g. `rust (provided.al2023)`.
pub fn runtime_label(runtime: &str, language: &str) -> String {
    if runtime.starts_with("provided") && !language.is_empty() {
        format!("{language} ({runtime})")
    } else {
        runtime.to_string()
    }
}

/// One cell's samples.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// The language of the cell's functions (for the per-family summaries).
    pub language: String,
    pub warm_ms: Vec<f64>,
    /// Aligned with `warm_ms`.
    pub warm_billed_ms: Vec<f64>,
    /// Where each warm sample ran, aligned with `warm_ms`: (round, index into
    /// `environments`), `None` when the data does not say.
    pub warm_at: Vec<(Option<i32>, Option<u32>)>,
    /// The cell's execution environment ids, each once.
    pub environments: Vec<String>,
    /// `environments` by id: interning keeps one string per environment, not per sample.
    environment_index: HashMap<String, u32, foldhash::fast::FixedState>,
    pub init_ms: Vec<f64>,
    /// The round of each cold start, aligned with `init_ms`.
    pub init_rounds: Vec<Option<i32>>,
    pub cold_billed_ms: Vec<f64>,
    /// SnapStart Restore Durations (cold starts restored from a snapshot have no Init Duration).
    pub restore_ms: Vec<f64>,
}

impl Samples {
    pub fn push_warm(&mut self, ms: f64, billed: f64, round: Option<i32>, env: Option<&str>) {
        let env = env.map(|id| self.intern(id));
        self.push_warm_at(ms, billed, round, env);
    }

    /// A warm sample whose environment is already interned (its index in `environments`).
    pub(crate) fn push_warm_at(
        &mut self,
        ms: f64,
        billed: f64,
        round: Option<i32>,
        env: Option<u32>,
    ) {
        self.warm_ms.push(ms);
        self.warm_billed_ms.push(billed);
        self.warm_at.push((round, env));
    }

    /// The index of environment `id` in `environments`, adding it if new.
    pub(crate) fn intern(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.environment_index.get(id) {
            return i;
        }
        let i = self.environments.len() as u32;
        self.environments.push(id.to_string());
        self.environment_index.insert(id.to_string(), i);
        i
    }

    /// Another fold's samples of the same cell added to these (its environments re-indexed).
    pub(crate) fn append(&mut self, other: Samples) {
        if self.language.is_empty() {
            self.language = other.language;
        }
        let index: Vec<u32> = other
            .environments
            .iter()
            .map(|id| self.intern(id))
            .collect();
        self.warm_ms.extend(other.warm_ms);
        self.warm_billed_ms.extend(other.warm_billed_ms);
        self.warm_at.extend(
            other
                .warm_at
                .into_iter()
                .map(|(round, env)| (round, env.map(|e| index[e as usize]))),
        );
        self.init_ms.extend(other.init_ms);
        self.init_rounds.extend(other.init_rounds);
        self.cold_billed_ms.extend(other.cold_billed_ms);
        self.restore_ms.extend(other.restore_ms);
    }

    /// A cold start: its Init Duration (if any) and billed duration (if any), kept apart
    /// because imports have Init Durations without billing.
    pub fn push_cold(&mut self, init: f64, billed: f64, round: Option<i32>) {
        self.init_ms.push(init);
        self.init_rounds.push(round);
        self.cold_billed_ms.push(billed);
    }
}

/// A query result as rows of strings and numbers by column name.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// One value of a [`Table`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
}

impl Table {
    pub fn get(&self, row: usize, column: &str) -> &Value {
        self.columns
            .iter()
            .position(|c| c == column)
            .and_then(|i| self.rows.get(row).and_then(|r| r.get(i)))
            .unwrap_or(&Value::Null)
    }
}

impl Value {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Value::Text(s) => s,
            _ => "",
        }
    }
}

/// Runs a query and returns its rows as a [`Table`].
pub async fn table(analyzer: &Analyzer, q: Query) -> Result<Table> {
    let result = analyzer
        .query(q.sql, &SqlOrigin::File(q.path.into()))
        .await?;
    let columns: Vec<String> = result
        .schema
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let mut rows = Vec::new();
    for batch in &result.batches {
        let cols: Vec<Vec<Value>> = (0..batch.num_columns())
            .map(|i| values(batch.column(i).as_ref()))
            .collect::<Result<_>>()?;
        for r in 0..batch.num_rows() {
            rows.push(cols.iter().map(|c| c[r].clone()).collect());
        }
    }
    Ok(Table { columns, rows })
}

fn values(col: &dyn Array) -> Result<Vec<Value>> {
    let n = col.len();
    Ok(match col.data_type() {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt32
        | DataType::UInt64 => {
            let c = cast(col, &DataType::Int64)?;
            let a = c.as_primitive::<Int64Type>();
            (0..n)
                .map(|i| {
                    if a.is_null(i) {
                        Value::Null
                    } else {
                        Value::Int(a.value(i))
                    }
                })
                .collect()
        }
        DataType::Float32 | DataType::Float64 | DataType::Decimal128(..) => {
            let c = cast(col, &DataType::Float64)?;
            let a = c.as_primitive::<Float64Type>();
            (0..n)
                .map(|i| {
                    if a.is_null(i) {
                        Value::Null
                    } else {
                        Value::Float(a.value(i))
                    }
                })
                .collect()
        }
        _ => {
            let c = cast(col, &DataType::Utf8)?;
            let a = c.as_string::<i32>();
            (0..n)
                .map(|i| {
                    if a.is_null(i) {
                        Value::Null
                    } else {
                        Value::Text(a.value(i).to_string())
                    }
                })
                .collect()
        }
    })
}

/// A column as string views (the table's string type, so usually no cast; values borrowed,
/// not copied per row).
pub(crate) fn strings(batch: &RecordBatch, name: &str) -> Result<StringViewArray> {
    let col = column(batch, name)?;
    let col = if col.data_type() == &DataType::Utf8View {
        col.clone()
    } else {
        cast(col.as_ref(), &DataType::Utf8View)?
    };
    Ok(col.as_string_view().clone())
}

fn floats(batch: &RecordBatch, name: &str) -> Result<Float64Array> {
    let col = cast(column(batch, name)?.as_ref(), &DataType::Float64)?;
    Ok(col.as_primitive::<Float64Type>().clone())
}

pub(crate) fn column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a arrow::array::ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| Error::Query {
        path: SAMPLES.path.into(),
        message: format!("no column {name}"),
    })
}

/// Row `i` of a float column, `None` when NULL.
pub(crate) fn at(a: &Float64Array, i: usize) -> Option<f64> {
    a.is_valid(i).then(|| a.value(i))
}

/// One batch of `samples.sql`, its columns by name.
struct SampleColumns {
    workload: StringViewArray,
    runtime: StringViewArray,
    language: StringViewArray,
    package: StringViewArray,
    architecture: StringViewArray,
    environment: StringViewArray,
    cold: BooleanArray,
    memory: Float64Array,
    duration: Float64Array,
    billed: Float64Array,
    init: Float64Array,
    restore: Float64Array,
    stratum: Float64Array,
}

impl SampleColumns {
    fn new(batch: &RecordBatch) -> Result<SampleColumns> {
        let cold = cast(column(batch, "cold")?.as_ref(), &DataType::Boolean)?;
        Ok(SampleColumns {
            workload: strings(batch, "workload")?,
            runtime: strings(batch, "runtime")?,
            language: strings(batch, "language")?,
            package: strings(batch, "package_type")?,
            architecture: strings(batch, "architecture")?,
            environment: strings(batch, "environment_id")?,
            cold: cold.as_boolean().clone(),
            memory: floats(batch, "memory_mb")?,
            duration: floats(batch, "duration_ms")?,
            billed: floats(batch, "billed_ms")?,
            init: floats(batch, "init_duration_ms")?,
            restore: floats(batch, "restore_duration_ms")?,
            stratum: floats(batch, "stratum")?,
        })
    }

    fn key(&self, i: usize) -> CellKey {
        CellKey {
            workload: self.workload.value(i).to_string(),
            runtime: self.runtime.value(i).to_string(),
            package: self.package.value(i).to_string(),
            memory_mb: at(&self.memory, i).unwrap_or(0.0) as i64,
            architecture: self.architecture.value(i).to_string(),
        }
    }

    /// Whether row `i` has the same cell as row `i - 1`, by the string views alone: equal
    /// views are equal strings (short ones inline, long ones the same bytes of the same
    /// dictionary). Unequal views may still be equal strings; [`Self::is`] decides those.
    fn same_as_previous(&self, i: usize) -> bool {
        let same = |a: &StringViewArray| a.views()[i] == a.views()[i - 1];
        i > 0
            && same(&self.workload)
            && same(&self.runtime)
            && same(&self.package)
            && same(&self.architecture)
            && self.memory.value(i) == self.memory.value(i - 1)
            && self.memory.is_valid(i) == self.memory.is_valid(i - 1)
    }

    fn is(&self, key: &CellKey, i: usize) -> bool {
        key.memory_mb == at(&self.memory, i).unwrap_or(0.0) as i64
            && key.workload == self.workload.value(i)
            && key.runtime == self.runtime.value(i)
            && key.package == self.package.value(i)
            && key.architecture == self.architecture.value(i)
    }
}

/// A cold sample's row: its Restore Duration (SnapStart), and its Init Duration and billed
/// duration, kept apart because imports have Init Durations without billing.
pub(crate) fn push_cold_row(
    cell: &mut Samples,
    init: Option<f64>,
    restore: Option<f64>,
    billed: Option<f64>,
    round: Option<i32>,
) {
    if let Some(v) = restore {
        cell.restore_ms.push(v);
    }
    match (init, billed) {
        (Some(v), Some(b)) => cell.push_cold(v, b, round),
        (Some(v), None) => {
            cell.init_ms.push(v);
            cell.init_rounds.push(round);
        }
        (None, Some(b)) => cell.cold_billed_ms.push(b),
        (None, None) => {}
    }
}

/// Every cell's samples by running `samples.sql` itself, folded batch by batch as the query
/// produces them. The report reads them in one pass with the per-environment counts
/// ([`crate::attempts::read`]); this is the reference that pass is tested against. Rows arrive grouped by cell (one Parquet part per cell and round), so the cell is
/// looked up only when the key changes.
pub async fn samples_by_sql(analyzer: &Analyzer) -> Result<BTreeMap<CellKey, Samples>> {
    let mut cells: BTreeMap<CellKey, Samples> = BTreeMap::new();
    let mut batches = analyzer
        .stream(SAMPLES.sql, &SqlOrigin::File(SAMPLES.path.into()))
        .await?;
    while let Some(batch) = batches.next().await {
        fold(&SampleColumns::new(&batch?)?, &mut cells);
    }
    Ok(cells)
}

fn fold(c: &SampleColumns, cells: &mut BTreeMap<CellKey, Samples>) {
    let mut current: Option<(CellKey, Samples)> = None;
    // Environment index by string view, for the current cell in this batch.
    let mut envs: HashMap<u128, u32, foldhash::fast::FixedState> = HashMap::default();
    for i in 0..c.memory.len() {
        let same = c.same_as_previous(i) || current.as_ref().is_some_and(|(k, _)| c.is(k, i));
        if !same {
            if let Some((k, cell)) = current.take() {
                cells.insert(k, cell);
            }
            let key = c.key(i);
            let mut cell = cells.remove(&key).unwrap_or_default();
            if cell.language.is_empty() {
                cell.language = c.language.value(i).to_string();
            }
            current = Some((key, cell));
            envs.clear();
        }
        let Some((_, cell)) = current.as_mut() else {
            continue;
        };
        let round = at(&c.stratum, i).map(|r| r as i32);
        let billed = at(&c.billed, i);
        if c.cold.is_valid(i) && c.cold.value(i) {
            push_cold_row(cell, at(&c.init, i), at(&c.restore, i), billed, round);
        } else if let (Some(v), Some(b)) = (at(&c.duration, i), billed) {
            let env = c.environment.is_valid(i).then(|| {
                *envs
                    .entry(c.environment.views()[i])
                    .or_insert_with(|| cell.intern(c.environment.value(i)))
            });
            cell.push_warm_at(v, b, round, env);
        }
    }
    if let Some((k, cell)) = current {
        cells.insert(k, cell);
    }
}
