//! One pass over every attempt, giving the report's two large inputs at once: each cell's
//! samples (the rows of `queries/report/samples.sql`) and the per-environment counts (the rows
//! of `queries/report/environments.sql`, which `quality.sql` and `cpu_models.sql` read).
//!
//! Why not run the two files: each is a scan plus string work per row (the cell label, the
//! day stratum, an eight-column grouping key), and together they cost four times one scan of
//! the data. Here the raw columns are read once and the string work is done once per cell or
//! per environment, not per row. The files stay the specification the report cites:
//! `tests/one_pass.rs` checks that this pass gives exactly their rows.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, Int32Array, Int64Array, RecordBatch,
    StringArray, StringViewArray,
};
use arrow::compute::cast;
use arrow::datatypes::{
    DataType, Float64Type, Int32Type, Int64Type, SchemaRef, TimeUnit, TimestampMicrosecondType,
};
use foldhash::fast::FixedState;
use lambench_analyzer::{Analyzer, Partition, PartitionError, SqlOrigin};

use crate::data::{self, CellKey, Samples, Table};
use crate::days::day;
use crate::trend;

mod per_cell;
mod tables;
mod weekly;
use crate::error::{Error, Result};

/// Everything the pass computes.
pub struct OnePass {
    /// As `samples.sql`'s rows, folded per cell.
    pub samples: BTreeMap<CellKey, Samples>,
    /// `environments.sql`'s rows, in the schema of the view `environments`, when asked for
    /// ([`read_with_environments`]); else none.
    pub environments: Vec<RecordBatch>,
    /// `meta.sql`'s rows.
    pub meta: Table,
    /// `errors.sql`'s rows.
    pub errors: Table,
    /// `runtime_versions.sql`'s rows.
    pub versions: Table,
    /// `quality.sql`'s rows (over `environments`).
    pub quality: Table,
    /// `cpu_models.sql`'s rows (over `environments`).
    pub cpu_models: Table,
    /// `trend.sql`'s rows when the data spans weeks ([`trend::spans_weeks`]), else none.
    pub trend: Pending,
}

/// The trend's table, computed on a thread of its own from the end of the pass, so that its
/// medians (a history's largest step after the pass) run beside the report's statistics.
pub enum Pending {
    Ready(Table),
    Running(std::thread::JoinHandle<Result<Table>>),
}

impl Default for Pending {
    fn default() -> Pending {
        Pending::Ready(Table::default())
    }
}

impl Pending {
    /// The table, once its thread is done.
    pub fn wait(self) -> Result<Table> {
        match self {
            Pending::Ready(table) => Ok(table),
            Pending::Running(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        }
    }
}

/// Reads every attempt once (after `--run`'s filter) and folds it: each partition of the
/// files on a task of its own (so on its own core), then the partial folds merged.
pub async fn read(analyzer: &Analyzer) -> Result<OnePass> {
    read_pass(analyzer, false, true).await
}

/// [`read`] without the trend's weekly medians (a baseline run's samples are all a report
/// compares with).
pub async fn read_without_trend(analyzer: &Analyzer) -> Result<OnePass> {
    read_pass(analyzer, false, false).await
}

/// [`read`], with the `environments` view's rows too (which the report itself only needs
/// summed, as [`OnePass::quality`] and [`OnePass::cpu_models`]).
pub async fn read_with_environments(analyzer: &Analyzer) -> Result<OnePass> {
    read_pass(analyzer, true, true).await
}

async fn read_pass(
    analyzer: &Analyzer,
    with_environments: bool,
    with_trend: bool,
) -> Result<OnePass> {
    let weekly = with_trend && spans_weeks(analyzer).await?;
    let sql = format!("SELECT {} FROM invocations", COLUMNS.join(", "));
    let partitions = analyzer
        .stream_partitions(&sql, &SqlOrigin::File(data::SAMPLES.path.into()))
        .await?;
    let folds: Vec<_> = partitions
        .into_iter()
        .map(|p| tokio::spawn(fold(p, weekly)))
        .collect();
    let mut pass: Option<Pass> = None;
    for fold in folds {
        let part = match fold.await {
            Ok(part) => part,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => return Err(Error::Interrupted(e.to_string())),
        };
        let part = match part {
            Ok(part) => part,
            Err(Failure::Read(e)) => return Err(analyzer.explain(e).await.into()),
            Err(Failure::Fold(e)) => return Err(e),
        };
        // The first partition's fold is the start (merging it into nothing would copy it).
        pass = Some(match pass {
            Some(pass) => pass.merge(part),
            None => part,
        });
    }
    let mut pass = pass.unwrap_or_default();
    let environments = if with_environments {
        let schema = analyzer.schema_of(data::ENVIRONMENTS_VIEW).await?;
        vec![pass.environments(schema)?]
    } else {
        Vec::new()
    };
    let (meta, errors, versions) = (
        pass.tables.meta()?,
        pass.tables.errors(),
        pass.tables.versions(),
    );
    let trend = match pass.weekly.take() {
        Some(weekly) => {
            let groups = pass.groups.clone();
            Pending::Running(std::thread::spawn(move || weekly.table(&groups)))
        }
        None => Pending::default(),
    };
    let (quality, cpu_models) = (per_cell::quality(&pass), per_cell::cpu_models(&pass));
    Ok(OnePass {
        samples: pass.samples(),
        quality,
        cpu_models,
        environments,
        meta,
        errors,
        versions,
        trend,
    })
}

/// Whether the data spans weeks ([`trend::spans_weeks`]), asked before the pass so that only
/// then it folds the trend's series: by the files' statistics, else by [`trend::SPAN_SQL`]
/// (a scan of one column).
async fn spans_weeks(analyzer: &Analyzer) -> Result<bool> {
    if let Some((first, last)) = analyzer.invoked_span() {
        return Ok(trend::spans_weeks(first, last));
    }
    let span = analyzer
        .query(trend::SPAN_SQL, &SqlOrigin::File(data::TREND.path.into()))
        .await?;
    let Some(batch) = span.batches.first().filter(|b| b.num_rows() > 0) else {
        return Ok(false);
    };
    let at = |i: usize| -> Result<Option<i64>> {
        let micros = cast(
            batch.column(i),
            &DataType::Timestamp(TimeUnit::Microsecond, None),
        )?;
        let micros = micros.as_primitive::<TimestampMicrosecondType>();
        Ok(micros.is_valid(0).then(|| micros.value(0)))
    };
    Ok(match (at(0)?, at(1)?) {
        (Some(first), Some(last)) => trend::spans_weeks(first, last),
        _ => false,
    })
}

/// Why a partition's fold stopped.
enum Failure {
    Read(PartitionError),
    Fold(Error),
}

async fn fold(mut partition: Partition, weekly: bool) -> std::result::Result<Pass, Failure> {
    let mut pass = Pass {
        weekly: weekly.then(weekly::Weekly::default),
        ..Pass::default()
    };
    while let Some(batch) = partition.next().await {
        let columns = Columns::new(&batch.map_err(Failure::Read)?).map_err(Failure::Fold)?;
        pass.fold(&columns);
    }
    Ok(pass)
}

/// The raw columns the pass reads.
const COLUMNS: [&str; 26] = [
    "backend",
    "region",
    "runtime_version",
    "error_type",
    "error_message",
    "workload",
    "runtime",
    "language",
    "package_type",
    "architecture",
    "memory_mb",
    "start_type",
    "status",
    "is_warmup",
    "observed_cold",
    "environment_invocation",
    "duration_ms",
    "billed_duration_ms",
    "billed_restore_duration_ms",
    "init_duration_ms",
    "restore_duration_ms",
    "environment_id",
    "round",
    "invoked_at",
    "cpu_model",
    "cpu_features",
];

/// What the sample rule looks at in an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// `status = 'ok'`.
    pub ok: bool,
    /// `status = 'throttled'`.
    pub throttled: bool,
    pub warmup: bool,
    /// `start_type = 'cold'`.
    pub cold: bool,
    /// `start_type = 'warm'`.
    pub warm: bool,
    pub observed_cold: Option<bool>,
    pub environment_invocation: Option<i32>,
}

impl Attempt {
    /// The sample rule of docs/methodology.md, as the `CASE` of `samples.sql` writes it: a
    /// successful non-warm-up attempt whose start was the kind asked for (a cold request that
    /// did not come back warm; a warm one that did not come back cold and was not an
    /// environment's first invocation). Unknown facts (imports) count as the kind asked for.
    pub fn is_sample(&self) -> bool {
        self.ok
            && !self.warmup
            && if self.cold {
                self.observed_cold.unwrap_or(true)
            } else {
                !self.observed_cold.unwrap_or(false) && self.environment_invocation.unwrap_or(2) > 1
            }
    }
}

/// What one environment's attempts came to: `environments.sql`'s columns after its key.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    attempts: i64,
    samples: i64,
    cold_ok: i64,
    warm_ok: i64,
    warmups: i64,
    failed: i64,
    cold_came_back_warm: i64,
    warm_came_back_cold: i64,
    throttled: i64,
}

impl Counts {
    fn add(&mut self, a: &Attempt) {
        let sample = a.is_sample();
        let wrong_start = a.ok && !a.warmup && !sample;
        self.attempts += 1;
        self.samples += i64::from(sample);
        self.cold_ok += i64::from(sample && a.cold);
        self.warm_ok += i64::from(sample && a.warm);
        self.warmups += i64::from(a.warmup);
        self.failed += i64::from(!a.ok && !a.throttled);
        self.cold_came_back_warm += i64::from(a.cold && wrong_start);
        self.warm_came_back_cold += i64::from(a.warm && wrong_start);
        self.throttled += i64::from(a.throttled);
    }

    fn merge(&mut self, o: &Counts) {
        self.attempts += o.attempts;
        self.samples += o.samples;
        self.cold_ok += o.cold_ok;
        self.warm_ok += o.warm_ok;
        self.warmups += o.warmups;
        self.failed += o.failed;
        self.cold_came_back_warm += o.cold_came_back_warm;
        self.warm_came_back_cold += o.warm_came_back_cold;
        self.throttled += o.throttled;
    }

    fn get(&self, column: &str) -> Option<i64> {
        Some(match column {
            "attempts" => self.attempts,
            "samples" => self.samples,
            "cold_ok" => self.cold_ok,
            "warm_ok" => self.warm_ok,
            "warmups" => self.warmups,
            "failed" => self.failed,
            "cold_came_back_warm" => self.cold_came_back_warm,
            "warm_came_back_cold" => self.warm_came_back_cold,
            "throttled" => self.throttled,
            _ => return None,
        })
    }
}

/// The function an attempt ran on: `environments.sql`'s key before the environment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Group {
    workload: String,
    runtime: String,
    language: String,
    /// `'not recorded'` when NULL, as both files write it.
    package: String,
    architecture: String,
    memory_mb: i32,
}

/// One row of `environments.sql`: a group, an environment, a round and a CPU. Strings are
/// indices into the pass's interned strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct EntryKey {
    group: u32,
    environment: Option<u32>,
    round: Option<i32>,
    cpu_model: u32,
    cpu_features: u32,
}

#[derive(Debug)]
struct Entry {
    key: EntryKey,
    counts: Counts,
    /// The environment's index in its cell's [`Samples::environments`], once it has a sample.
    cell_environment: Option<u32>,
}

/// Strings kept once each, by index. Looked up by their 64-bit hash, so each string is
/// allocated once (a map keyed by the string would hold a second copy); the rare strings whose
/// hash another string already has are kept in a map of their own.
#[derive(Debug, Default)]
struct Interner {
    strings: Vec<String>,
    by_hash: HashMap<u64, u32, FixedState>,
    collided: HashMap<String, u32, FixedState>,
}

impl Interner {
    fn get(&mut self, s: &str) -> u32 {
        self.find_or(s, |s| s.to_string())
    }

    /// [`Self::get`] for an owned string, which is kept without a copy when new.
    fn take(&mut self, s: String) -> u32 {
        self.find_or(s, |s| s)
    }

    /// Another interner's strings added to these, each moved rather than copied: their
    /// indices here, by their index there.
    fn absorb(&mut self, other: Interner) -> Vec<u32> {
        other.strings.into_iter().map(|s| self.take(s)).collect()
    }

    fn find_or<S: AsRef<str>>(&mut self, s: S, own: impl FnOnce(S) -> String) -> u32 {
        let hash = HASHER.hash_one(s.as_ref());
        let next = self.strings.len() as u32;
        match self.by_hash.get(&hash) {
            Some(&i) if self.strings[i as usize] == s.as_ref() => i,
            Some(_) => {
                if let Some(&i) = self.collided.get(s.as_ref()) {
                    return i;
                }
                let owned = own(s);
                self.collided.insert(owned.clone(), next);
                self.strings.push(owned);
                next
            }
            None => {
                self.by_hash.insert(hash, next);
                self.strings.push(own(s));
                next
            }
        }
    }
}

/// The interner's string hash (fixed, so runs are reproducible).
const HASHER: FixedState = FixedState::with_seed(0x6c61_6d62_656e_6368);

/// The row of a batch an entry is looked up by: string views stand for strings within one
/// batch (equal views are equal strings).
type ViewKey = (u32, Option<u128>, Option<i32>, Option<u128>, Option<u128>);

const CACHE_SLOTS: usize = 4096;
const EMPTY_VIEW_KEY: ViewKey = (0, None, None, None, None);

/// A row's cache slot, from its environment's view (prefix, length and place of the id).
fn slot(key: &ViewKey) -> usize {
    let env = key.1.unwrap_or(0);
    let mixed = (env as u64 ^ (env >> 64) as u64 ^ u64::from(key.0) ^ key.2.unwrap_or(0) as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> 52) as usize
}

#[derive(Default)]
struct Pass {
    groups: Vec<Group>,
    group_index: HashMap<Group, u32, FixedState>,
    /// Each group's cell (custom runtimes' cells are named with their language).
    group_cell: Vec<u32>,
    cells: Vec<(CellKey, Option<Samples>)>,
    cell_index: HashMap<CellKey, u32, FixedState>,
    environments: Interner,
    cpus: Interner,
    entries: Vec<Entry>,
    entry_index: HashMap<EntryKey, u32, FixedState>,
    tables: tables::Tables,
    /// The trend's series, when the data spans weeks (for other data they would cost a 1M-row
    /// report 17 % for nothing).
    weekly: Option<weekly::Weekly>,
    /// The fold's entry cache (see [`Pass::fold`]), kept between batches.
    cache: Vec<(u32, ViewKey, u32)>,
    /// The current batch's generation in `cache` (0: never used).
    generation: u32,
}

impl Pass {
    fn fold(&mut self, c: &Columns) {
        let mut group = 0;
        // Entries by the row's views, direct-mapped: a cell has about a hundred environments,
        // so nearly every row hits, for the cost of one multiply instead of a hash-map probe.
        // Views stand for strings only within their batch: a new batch is a new generation,
        // which empties the cache without writing it.
        let mut cache = std::mem::take(&mut self.cache);
        cache.resize(CACHE_SLOTS, (0, EMPTY_VIEW_KEY, 0));
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            // Wrapped: slots of an old batch could carry the new number, so empty them.
            cache.fill((0, EMPTY_VIEW_KEY, 0));
            self.generation = 1;
        }
        let generation = self.generation;
        // The first row of the current run of rows with the same backend and region.
        let mut origin_from = 0;
        for i in 0..c.memory.len() {
            if i == 0 || !c.same_group_as_previous(i) {
                group = self.group(c, i);
            }
            let view = |a: &StringViewArray| a.is_valid(i).then(|| a.views()[i]);
            let view_key = (
                group,
                view(&c.environment),
                int(&c.round, i),
                view(&c.cpu_model),
                view(&c.cpu_features),
            );
            let slot = slot(&view_key);
            let entry = match cache[slot] {
                (g, k, e) if g == generation && k == view_key => e,
                _ => {
                    let e = self.entry(c, i, group);
                    cache[slot] = (generation, view_key, e);
                    e
                }
            } as usize;
            if i > 0 && !c.same_origin_as_previous(i) {
                self.tables.span(c, origin_from, i);
                origin_from = i;
            }
            let attempt = c.attempt(i);
            if !attempt.ok || attempt.cold {
                self.tables
                    .add(c, i, (group, &self.groups[group as usize]), &attempt);
            }
            self.entries[entry].counts.add(&attempt);
            if attempt.is_sample() {
                self.sample(c, i, group, entry, attempt.cold);
            }
        }
        if origin_from < c.memory.len() {
            self.tables.span(c, origin_from, c.memory.len());
        }
        self.cache = cache;
    }

    /// Another partition's fold added to this one: strings re-interned, counts added, samples
    /// appended (environments re-indexed in their cell).
    fn merge(mut self, other: Pass) -> Pass {
        self.tables.merge(other.tables);
        let mut cells: Vec<Option<Samples>> = other.cells.into_iter().map(|(_, s)| s).collect();
        let mut cell_of_group = Vec::with_capacity(other.groups.len());
        for (g, group) in other.groups.into_iter().enumerate() {
            let id = self.add_group(group);
            cell_of_group.push(id);
            let theirs = other.group_cell[g] as usize;
            if let Some(s) = cells[theirs].take() {
                let ours = self.group_cell[id as usize] as usize;
                match &mut self.cells[ours].1 {
                    Some(mine) => mine.append(s),
                    slot @ None => *slot = Some(s),
                }
            }
        }
        let environments = self.environments.absorb(other.environments);
        let cpus = self.cpus.absorb(other.cpus);
        self.entries.reserve(other.entries.len());
        for entry in other.entries {
            let k = entry.key;
            let key = EntryKey {
                group: cell_of_group[k.group as usize],
                environment: k.environment.map(|e| environments[e as usize]),
                round: k.round,
                cpu_model: cpus[k.cpu_model as usize],
                cpu_features: cpus[k.cpu_features as usize],
            };
            let e = self.entry_for(key) as usize;
            self.entries[e].counts.merge(&entry.counts);
        }
        if let (Some(mine), Some(theirs)) = (&mut self.weekly, other.weekly) {
            mine.merge(theirs, &cell_of_group);
        }
        self
    }

    fn group(&mut self, c: &Columns, i: usize) -> u32 {
        let g = Group {
            workload: c.workload.value(i).to_string(),
            runtime: c.runtime.value(i).to_string(),
            language: c.language.value(i).to_string(),
            package: if c.package.is_valid(i) {
                c.package.value(i).to_string()
            } else {
                NOT_RECORDED.to_string()
            },
            architecture: c.architecture.value(i).to_string(),
            memory_mb: c.memory.value(i),
        };
        self.add_group(g)
    }

    fn add_group(&mut self, g: Group) -> u32 {
        if let Some(&id) = self.group_index.get(&g) {
            return id;
        }
        let key = CellKey {
            workload: g.workload.clone(),
            runtime: data::runtime_label(&g.runtime, &g.language),
            package: g.package.clone(),
            memory_mb: i64::from(g.memory_mb),
            architecture: g.architecture.clone(),
        };
        let cell = match self.cell_index.get(&key) {
            Some(&cell) => cell,
            None => {
                let cell = self.cells.len() as u32;
                self.cell_index.insert(key.clone(), cell);
                self.cells.push((key, None));
                cell
            }
        };
        let id = self.groups.len() as u32;
        self.groups.push(g.clone());
        self.group_index.insert(g, id);
        self.group_cell.push(cell);
        id
    }

    fn entry(&mut self, c: &Columns, i: usize, group: u32) -> u32 {
        let key = EntryKey {
            group,
            environment: c
                .environment
                .is_valid(i)
                .then(|| self.environments.get(c.environment.value(i))),
            round: int(&c.round, i),
            cpu_model: self.cpus.get(text(&c.cpu_model, i)),
            cpu_features: self.cpus.get(text(&c.cpu_features, i)),
        };
        self.entry_for(key)
    }

    fn entry_for(&mut self, key: EntryKey) -> u32 {
        if let Some(&e) = self.entry_index.get(&key) {
            return e;
        }
        let e = self.entries.len() as u32;
        self.entries.push(Entry {
            key,
            counts: Counts::default(),
            cell_environment: None,
        });
        self.entry_index.insert(key, e);
        e
    }

    /// Folds a sample into its cell as `data::samples` folds a row of `samples.sql`.
    fn sample(&mut self, c: &Columns, i: usize, group: u32, entry: usize, cold: bool) {
        let (duration, init, restore) = (
            data::at(&c.duration, i),
            data::at(&c.init, i),
            data::at(&c.restore, i),
        );
        if duration.is_none() && init.is_none() && restore.is_none() {
            return;
        }
        let invoked_us = c.invoked_at.value(i);
        if let (Some(weekly), Some(ms)) = (
            &mut self.weekly,
            if cold { init.or(restore) } else { duration },
        ) {
            weekly.add(group, cold, invoked_us, ms);
        }
        let cell = self.cells[self.group_cell[group as usize] as usize]
            .1
            .get_or_insert_with(Samples::default);
        if cell.language.is_empty() {
            cell.language = c.language.value(i).to_string();
        }
        let stratum = int(&c.round, i).or_else(|| Some(day(invoked_us)));
        let billed = c.billed.is_valid(i).then(|| {
            let restore = if c.billed_restore.is_valid(i) {
                c.billed_restore.value(i)
            } else {
                0
            };
            (c.billed.value(i) + restore) as f64
        });
        if cold {
            data::push_cold_row(cell, init, restore, billed, stratum);
        } else if let (Some(v), Some(b)) = (duration, billed) {
            let entry = &mut self.entries[entry];
            let env = match (entry.key.environment, entry.cell_environment) {
                (None, _) => None,
                (Some(_), Some(at)) => Some(at),
                (Some(id), None) => {
                    let at = cell.intern(&self.environments.strings[id as usize]);
                    entry.cell_environment = Some(at);
                    Some(at)
                }
            };
            cell.push_warm_at(v, b, stratum, env);
        }
    }

    fn samples(self) -> BTreeMap<CellKey, Samples> {
        self.cells
            .into_iter()
            .filter_map(|(k, s)| Some((k, s?)))
            .collect()
    }

    /// `environments.sql`'s rows, each column cast to the view's type.
    fn environments(&self, schema: SchemaRef) -> Result<RecordBatch> {
        let columns = schema
            .fields()
            .iter()
            .map(|f| Ok(cast(&self.column(f.name())?, f.data_type())?))
            .collect::<Result<Vec<_>>>()?;
        Ok(RecordBatch::try_new(schema, columns)?)
    }

    fn cpu(&self, id: u32) -> &str {
        &self.cpus.strings[id as usize]
    }

    fn column(&self, name: &str) -> Result<ArrayRef> {
        let group = |e: &Entry| &self.groups[e.key.group as usize];
        let strings = |f| string_column(&self.entries, f);
        Ok(match name {
            "workload" => strings(&|e| Some(&group(e).workload)),
            "runtime" => strings(&|e| Some(&group(e).runtime)),
            "language" => strings(&|e| Some(&group(e).language)),
            "package_type" => strings(&|e| Some(&group(e).package)),
            "architecture" => strings(&|e| Some(&group(e).architecture)),
            "environment_id" => strings(&|e| {
                e.key
                    .environment
                    .map(|id| self.environments.strings[id as usize].as_str())
            }),
            "cpu_model" => strings(&|e| Some(self.cpu(e.key.cpu_model))),
            "cpu_features" => strings(&|e| Some(self.cpu(e.key.cpu_features))),
            "memory_mb" => Arc::new(
                self.entries
                    .iter()
                    .map(|e| Some(group(e).memory_mb))
                    .collect::<Int32Array>(),
            ),
            "round" => Arc::new(
                self.entries
                    .iter()
                    .map(|e| e.key.round)
                    .collect::<Int32Array>(),
            ),
            counted => Arc::new(
                self.entries
                    .iter()
                    .map(|e| e.counts.get(counted))
                    .collect::<Option<Vec<i64>>>()
                    .map(Int64Array::from)
                    .ok_or_else(|| Error::Query {
                        path: data::ENVIRONMENTS.path.into(),
                        message: format!(
                            "the report computes this query's rows in one pass (analyzer/report/src/attempts.rs), which has no column {counted}; add it there"
                        ),
                    })?,
            ),
        })
    }
}

fn string_column<'s>(entries: &'s [Entry], f: &dyn Fn(&'s Entry) -> Option<&'s str>) -> ArrayRef {
    Arc::new(entries.iter().map(f).collect::<StringArray>())
}

/// What both files write for a package type the data does not record.
const NOT_RECORDED: &str = "not recorded";

/// A string, `''` when NULL (`coalesce(x, '')`).
fn text(a: &StringViewArray, i: usize) -> &str {
    if a.is_valid(i) { a.value(i) } else { "" }
}

fn int(a: &Int32Array, i: usize) -> Option<i32> {
    a.is_valid(i).then(|| a.value(i))
}

/// One batch's columns, typed.
struct Columns {
    backend: StringViewArray,
    region: StringViewArray,
    runtime_version: StringViewArray,
    error_type: StringViewArray,
    error_message: StringViewArray,
    workload: StringViewArray,
    runtime: StringViewArray,
    language: StringViewArray,
    package: StringViewArray,
    architecture: StringViewArray,
    memory: Int32Array,
    start_type: StringViewArray,
    status: StringViewArray,
    warmup: BooleanArray,
    observed_cold: BooleanArray,
    environment_invocation: Int32Array,
    duration: Float64Array,
    billed: Int64Array,
    billed_restore: Int64Array,
    init: Float64Array,
    restore: Float64Array,
    environment: StringViewArray,
    round: Int32Array,
    invoked_at: arrow::array::TimestampMicrosecondArray,
    cpu_model: StringViewArray,
    cpu_features: StringViewArray,
}

impl Columns {
    fn new(batch: &RecordBatch) -> Result<Columns> {
        let s = |name| data::strings(batch, name);
        let typed = |name, to: DataType| -> Result<ArrayRef> {
            Ok(cast(data::column(batch, name)?.as_ref(), &to)?)
        };
        let i32s = |name| -> Result<Int32Array> {
            Ok(typed(name, DataType::Int32)?
                .as_primitive::<Int32Type>()
                .clone())
        };
        let i64s = |name| -> Result<Int64Array> {
            Ok(typed(name, DataType::Int64)?
                .as_primitive::<Int64Type>()
                .clone())
        };
        let f64s = |name| -> Result<Float64Array> {
            Ok(typed(name, DataType::Float64)?
                .as_primitive::<Float64Type>()
                .clone())
        };
        let bools = |name| -> Result<BooleanArray> {
            Ok(typed(name, DataType::Boolean)?.as_boolean().clone())
        };
        let time = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
        Ok(Columns {
            backend: s("backend")?,
            region: s("region")?,
            runtime_version: s("runtime_version")?,
            error_type: s("error_type")?,
            error_message: s("error_message")?,
            workload: s("workload")?,
            runtime: s("runtime")?,
            language: s("language")?,
            package: s("package_type")?,
            architecture: s("architecture")?,
            memory: i32s("memory_mb")?,
            start_type: s("start_type")?,
            status: s("status")?,
            warmup: bools("is_warmup")?,
            observed_cold: bools("observed_cold")?,
            environment_invocation: i32s("environment_invocation")?,
            duration: f64s("duration_ms")?,
            billed: i64s("billed_duration_ms")?,
            billed_restore: i64s("billed_restore_duration_ms")?,
            init: f64s("init_duration_ms")?,
            restore: f64s("restore_duration_ms")?,
            environment: s("environment_id")?,
            round: i32s("round")?,
            invoked_at: typed("invoked_at", time)?
                .as_primitive::<TimestampMicrosecondType>()
                .clone(),
            cpu_model: s("cpu_model")?,
            cpu_features: s("cpu_features")?,
        })
    }

    /// Whether row `i` ran on the same function as row `i - 1`, by the string views alone
    /// (equal views are equal strings; unequal ones are looked up by value).
    fn same_group_as_previous(&self, i: usize) -> bool {
        let same = |a: &StringViewArray| {
            a.views()[i] == a.views()[i - 1] && a.is_valid(i) == a.is_valid(i - 1)
        };
        same(&self.workload)
            && same(&self.runtime)
            && same(&self.language)
            && same(&self.package)
            && same(&self.architecture)
            && self.memory.value(i) == self.memory.value(i - 1)
    }

    /// Whether row `i` has the same backend and region as row `i - 1` (by views, as above).
    fn same_origin_as_previous(&self, i: usize) -> bool {
        let same = |a: &StringViewArray| {
            a.views()[i] == a.views()[i - 1] && a.is_valid(i) == a.is_valid(i - 1)
        };
        same(&self.backend) && same(&self.region)
    }

    fn attempt(&self, i: usize) -> Attempt {
        let status = self.status.value(i);
        let start = self.start_type.value(i);
        Attempt {
            ok: status == "ok",
            throttled: status == "throttled",
            warmup: self.warmup.is_valid(i) && self.warmup.value(i),
            cold: start == "cold",
            warm: start == "warm",
            observed_cold: self
                .observed_cold
                .is_valid(i)
                .then(|| self.observed_cold.value(i)),
            environment_invocation: int(&self.environment_invocation, i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt() -> Attempt {
        Attempt {
            ok: true,
            throttled: false,
            warmup: false,
            cold: false,
            warm: true,
            observed_cold: None,
            environment_invocation: None,
        }
    }

    #[test]
    fn the_sample_rule_keeps_only_starts_of_the_kind_asked_for() {
        let warm = attempt();
        let cold = Attempt {
            cold: true,
            warm: false,
            ..warm
        };
        assert!(warm.is_sample() && cold.is_sample(), "unknown facts count");
        let observed = |a: Attempt, o| Attempt {
            observed_cold: Some(o),
            ..a
        };
        assert!(!observed(cold, false).is_sample(), "cold came back warm");
        assert!(!observed(warm, true).is_sample(), "warm came back cold");
        let first = Attempt {
            environment_invocation: Some(1),
            ..warm
        };
        assert!(!first.is_sample(), "an environment's first invocation");
        let warmup = Attempt {
            warmup: true,
            ..warm
        };
        assert!(!warmup.is_sample(), "a warm-up");
        let throttled = Attempt {
            ok: false,
            throttled: true,
            ..cold
        };
        assert!(!throttled.is_sample(), "a throttle");
    }

    #[test]
    fn counts_sort_each_attempt_as_environments_sql_does() {
        let mut c = Counts::default();
        let warm = attempt();
        c.add(&warm);
        c.add(&Attempt {
            observed_cold: Some(true),
            ..warm
        });
        c.add(&Attempt {
            ok: false,
            throttled: true,
            ..warm
        });
        c.add(&Attempt { ok: false, ..warm });
        c.add(&Attempt {
            warmup: true,
            ..warm
        });
        let got: Vec<i64> = [
            "attempts",
            "samples",
            "warm_ok",
            "warm_came_back_cold",
            "throttled",
            "failed",
            "warmups",
            "cold_ok",
        ]
        .iter()
        .filter_map(|n| c.get(n))
        .collect();
        assert_eq!(got, [5, 1, 1, 1, 1, 1, 1, 0]);
    }

    #[test]
    fn the_interner_keeps_each_string_once_even_when_hashes_collide() {
        let mut strings = Interner::default();
        let a = strings.get("env-a");
        assert_eq!(strings.take("env-a".to_string()), a);
        let b = strings.take("env-b".to_string());
        assert_ne!(a, b);
        // A string whose hash an earlier string holds is kept apart, and found again.
        let c_hash = HASHER.hash_one("env-c");
        strings.by_hash.insert(c_hash, a);
        let c = strings.get("env-c");
        assert!(c != a && c != b);
        assert_eq!(strings.take("env-c".to_string()), c);
        assert_eq!(strings.get("env-a"), a);
        assert_eq!(strings.strings, ["env-a", "env-b", "env-c"]);
        let mut other = Interner::default();
        other.get("env-d");
        other.get("env-b");
        assert_eq!(strings.absorb(other), [3, b]);
    }
}
