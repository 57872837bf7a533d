//! The DataFusion session: the `invocations` table, lambench's functions, and query execution
//! with errors mapped to messages a user can act on.

use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::{DataType, SchemaRef};
use datafusion::datasource::MemTable;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::ListingOptions;
use datafusion::error::DataFusionError;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::execution::context::SQLOptions;
use datafusion::prelude::{DataFrame, SessionConfig, SessionContext};
use futures::StreamExt;
use lambench_model::record::{RUN_ID_COLUMN, file_schema};

use crate::error::{Error, Result};
use crate::source::DataLocation;
use crate::udf;

/// Name of the table every query reads.
pub const TABLE: &str = "invocations";
/// The same data without the `--run` filter, for queries that compare runs.
pub const ALL_RUNS_TABLE: &str = "invocations_all_runs";
/// Per (cell, execution environment, round, CPU) counts of `invocations`, as a view.
pub const ENVIRONMENTS_VIEW: &str = "environments";
/// The view's query, in one home with the report's other queries.
const ENVIRONMENTS_SQL: &str = crate::queries::report::ENVIRONMENTS.sql;

pub use crate::queries::SqlOrigin;

/// A query's result: its schema (known even with no rows) and batches.
#[derive(Debug, Clone)]
pub struct QueryResult {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

impl QueryResult {
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// A query's result as it is computed ([`Analyzer::stream`]).
pub struct Batches<'a> {
    analyzer: &'a Analyzer,
    inner: SendableRecordBatchStream,
}

impl Batches<'_> {
    /// The next batch; `None` at the end. Errors are explained as [`Analyzer::query`]'s are.
    pub async fn next(&mut self) -> Option<Result<RecordBatch>> {
        match self.inner.next().await? {
            Ok(batch) => Some(Ok(batch)),
            Err(e) => Some(Err(self.analyzer.explain_failure(&e).await)),
        }
    }
}

/// One partition of a query's result ([`Analyzer::stream_partitions`]).
pub struct Partition {
    inner: SendableRecordBatchStream,
}

impl Partition {
    /// The next batch; `None` at the end.
    pub async fn next(&mut self) -> Option<std::result::Result<RecordBatch, PartitionError>> {
        Some(self.inner.next().await?.map_err(PartitionError))
    }
}

/// An error while reading a [`Partition`]; [`Analyzer::explain`] turns it into an [`Error`].
#[derive(Debug)]
pub struct PartitionError(DataFusionError);

/// A DataFusion session over one data location.
pub struct Analyzer {
    ctx: SessionContext,
    /// `None` for a session without data ([`Analyzer::without_data`]).
    location: Option<DataLocation>,
    /// The first and last `invoked_at` of the rows read, from the files' footers.
    invoked_span: Option<(i64, i64)>,
}

impl Analyzer {
    /// The first and last `invoked_at` (UTC microseconds) of the rows `invocations` holds, by
    /// the Parquet statistics read when the data was opened, so without a scan; `None` when a
    /// file has no such statistics (then `SELECT min(invoked_at), max(invoked_at)` answers).
    pub fn invoked_span(&self) -> Option<(i64, i64)> {
        self.invoked_span
    }

    /// Opens a data location: checks that it holds data (and the run, if one is asked for),
    /// registers `invocations` and the lambench SQL functions.
    pub async fn open(location: &DataLocation, run: Option<&str>) -> Result<Analyzer> {
        let listing = location.list().await?;
        if listing.files.is_empty() {
            return Err(Error::NoData {
                location: location.display.clone(),
            });
        }
        if let Some(run) = run
            && !listing.runs.iter().any(|r| r == run)
        {
            return Err(Error::UnknownRun {
                run: run.into(),
                location: location.display.clone(),
                runs: if listing.runs.is_empty() {
                    "none".into()
                } else {
                    listing.runs.join(", ")
                },
            });
        }
        let read: Vec<_> = match run {
            Some(run) => {
                let folder = format!("{RUN_ID_COLUMN}={run}");
                listing
                    .files
                    .iter()
                    .filter(|m| m.location.parts().any(|p| p.as_ref() == folder))
                    .cloned()
                    .collect()
            }
            None => listing.files.clone(),
        };
        let footers = location.read_footers(&read, &file_schema()).await;
        if !footers.foreign.is_empty() {
            let files: Vec<String> = footers
                .foreign
                .iter()
                .map(|(f, why)| format!("  {f}: {why}"))
                .collect();
            return Err(Error::ForeignFiles {
                location: location.display.clone(),
                files: files.join("\n"),
            });
        }
        let config = SessionConfig::new().with_information_schema(true);
        let ctx = SessionContext::new_with_config(config);
        ctx.register_object_store(&location.url, location.store.clone());
        udf::register_all(&ctx);
        let options = ListingOptions::new(Arc::new(ParquetFormat::default()))
            .with_file_extension(".parquet")
            .with_table_partition_cols(vec![(RUN_ID_COLUMN.to_string(), DataType::Utf8)]);
        ctx.register_listing_table(
            ALL_RUNS_TABLE,
            location.url.as_str(),
            options,
            Some(table_schema()),
            None,
        )
        .await
        .map_err(|e| execution_error(&e))?;
        let view = match run {
            Some(run) => format!(
                "CREATE VIEW {TABLE} AS SELECT * FROM {ALL_RUNS_TABLE} WHERE {RUN_ID_COLUMN} = '{}'",
                run.replace('\'', "''")
            ),
            None => format!("CREATE VIEW {TABLE} AS SELECT * FROM {ALL_RUNS_TABLE}"),
        };
        ctx.sql(&view).await.map_err(|e| execution_error(&e))?;
        let environments = format!(
            "CREATE VIEW {ENVIRONMENTS_VIEW} AS {}",
            ENVIRONMENTS_SQL.trim().trim_end_matches(';')
        );
        ctx.sql(&environments)
            .await
            .map_err(|e| execution_error(&e))?;
        Ok(Analyzer {
            ctx,
            location: Some(location.clone()),
            invoked_span: footers.invoked_span,
        })
    }

    /// A session with lambench's SQL functions and no table, for statements that read none
    /// (`SELECT lambda_cost_usd('arm64', 1024, 100)`), as datafusion-cli runs them: no data
    /// location is needed.
    pub fn without_data() -> Analyzer {
        let ctx = SessionContext::new();
        udf::register_all(&ctx);
        Analyzer {
            ctx,
            location: None,
            invoked_span: None,
        }
    }

    /// Whether a statement reads a table (or view); `false` when it does not parse, so that
    /// the parse error is reported, not whatever is wrong with the data location.
    pub fn reads_tables(sql: &str) -> bool {
        let state = SessionContext::new().state();
        let dialect = state.config().options().sql_parser.dialect;
        match state.sql_to_statement(sql, &dialect) {
            Ok(statement) => state
                .resolve_table_references(&statement)
                .map_or(true, |tables| !tables.is_empty()),
            Err(_) => false,
        }
    }

    /// Plans and runs one SQL statement.
    pub async fn query(&self, sql: &str, origin: &SqlOrigin) -> Result<QueryResult> {
        let df = self.plan(sql, origin).await?;
        let schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
        match df.collect().await {
            Ok(batches) => Ok(QueryResult { schema, batches }),
            Err(e) => Err(self.explain_failure(&e).await),
        }
    }

    /// Plans one statement, refusing anything but a read: DDL (`CREATE`, `DROP`, external
    /// tables), DML (`INSERT`, `DELETE`, `COPY … TO`) and session statements would let a
    /// shared `.sql` file change the data folder or any file its reader can write.
    async fn plan(&self, sql: &str, origin: &SqlOrigin) -> Result<DataFrame> {
        let operators = crate::sql_limits::operators(sql);
        if operators > crate::sql_limits::MAX_OPERATORS {
            return Err(Error::TooComplex {
                origin: origin.to_string(),
                operators,
                limit: crate::sql_limits::MAX_OPERATORS,
            });
        }
        let plan = self
            .ctx
            .state()
            .create_logical_plan(sql)
            .await
            .map_err(|e| plan_error(&e, origin))?;
        read_only()
            .verify_plan(&plan)
            .map_err(|e| Error::NotReadOnly {
                origin: origin.to_string(),
                message: e.find_root().to_string(),
            })?;
        self.ctx
            .execute_logical_plan(plan)
            .await
            .map_err(|e| plan_error(&e, origin))
    }

    /// Plans one SQL statement and runs it as a stream of batches, for callers that fold a
    /// large result as it arrives instead of holding all of it (the report's samples).
    pub async fn stream(&self, sql: &str, origin: &SqlOrigin) -> Result<Batches<'_>> {
        let df = self.plan(sql, origin).await?;
        match df.execute_stream().await {
            Ok(inner) => Ok(Batches {
                analyzer: self,
                inner,
            }),
            Err(e) => Err(self.explain_failure(&e).await),
        }
    }

    /// Like [`Self::stream`], one stream per partition of the plan (the files split between
    /// the cores), owned, for callers that fold each on a task of its own and merge the folds.
    /// A partition's errors are explained by [`Self::explain`].
    pub async fn stream_partitions(&self, sql: &str, origin: &SqlOrigin) -> Result<Vec<Partition>> {
        let df = self.plan(sql, origin).await?;
        match df.execute_stream_partitioned().await {
            Ok(streams) => Ok(streams
                .into_iter()
                .map(|inner| Partition { inner })
                .collect()),
            Err(e) => Err(self.explain_failure(&e).await),
        }
    }

    /// An error of a [`Partition`], explained as [`Self::query`]'s are.
    pub async fn explain(&self, e: PartitionError) -> Error {
        self.explain_failure(&e.0).await
    }

    /// The schema of a table or view's rows.
    pub async fn schema_of(&self, name: &str) -> Result<SchemaRef> {
        let df = self
            .ctx
            .table(name)
            .await
            .map_err(|e| execution_error(&e))?;
        Ok(Arc::new(df.schema().as_arrow().clone()))
    }

    /// Puts rows computed another way in a view's place: queries over the view then read these
    /// rows (the report's tests run `quality.sql` over the `environments` rows of its one pass
    /// this way). They must have the view's schema.
    pub async fn replace_view(&self, view: &str, batches: Vec<RecordBatch>) -> Result<()> {
        let schema = self.schema_of(view).await?;
        let table = MemTable::try_new(schema, vec![batches]).map_err(|e| execution_error(&e))?;
        self.ctx
            .deregister_table(view)
            .map_err(|e| execution_error(&e))?;
        self.ctx
            .register_table(view, Arc::new(table))
            .map_err(|e| execution_error(&e))?;
        Ok(())
    }

    /// The underlying DataFusion context, for callers that build DataFrames directly.
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }
}

impl Analyzer {
    /// Turns an execution error into one that names the corrupt files, when that is the cause.
    async fn explain_failure(&self, e: &DataFusionError) -> Error {
        let (message, hint) = describe(e);
        if hint.is_empty() {
            return Error::Execution { message, hint };
        }
        let Some(location) = &self.location else {
            return Error::Execution { message, hint };
        };
        let bad = location.corrupt_files().await;
        if bad.is_empty() {
            return Error::Execution { message, hint };
        }
        let files: Vec<String> = bad.iter().map(|(f, why)| format!("  {f}: {why}")).collect();
        Error::Execution {
            message,
            hint: format!(
                "\nhint: these files under {} are not valid Parquet (truncated, or not Parquet at all); remove them or re-create them with `lambench collect`/`lambench import`:\n{}",
                location.display,
                files.join("\n")
            ),
        }
    }
}

/// What `analyze` and the report may run: queries (and EXPLAIN), nothing that writes.
fn read_only() -> SQLOptions {
    SQLOptions::new()
        .with_allow_ddl(false)
        .with_allow_dml(false)
        .with_allow_statements(false)
}

fn plan_error(e: &DataFusionError, origin: &SqlOrigin) -> Error {
    match e.find_root() {
        DataFusionError::SQL(..)
        | DataFusionError::Plan(_)
        | DataFusionError::SchemaError(..)
        | DataFusionError::NotImplemented(_) => Error::Sql {
            origin: origin.to_string(),
            message: engine_message(e.find_root()),
        },
        _ => execution_error(e),
    }
}

/// The engine's own words: DataFusion shows a parser error as Rust debug text
/// (`SQL error: ParserError("Expected: …")`), so the parser's message is taken out of it.
fn engine_message(e: &DataFusionError) -> String {
    use datafusion::sql::sqlparser::parser::ParserError;
    match e {
        DataFusionError::SQL(err, _) => match err.as_ref() {
            ParserError::ParserError(m) | ParserError::TokenizerError(m) => m.clone(),
            other => other.to_string(),
        },
        other => other.to_string(),
    }
}

fn execution_error(e: &DataFusionError) -> Error {
    let (message, hint) = describe(e);
    Error::Execution { message, hint }
}

/// The error's message and, when it comes from reading Parquet, a hint on what to do.
fn describe(e: &DataFusionError) -> (String, String) {
    let message = e.to_string();
    let lower = message.to_lowercase();
    let hint = if lower.contains("parquet") || lower.contains("magic") || lower.contains("footer") {
        "\nhint: a file under the data location is not valid Parquet (truncated or not Parquet at all); remove it or re-create it with `lambench collect`/`lambench import`"
    } else {
        ""
    };
    (message, hint.to_string())
}

/// The table's schema: the file schema with strings read as views (no per-row copies of
/// the short, repeated values that make up most columns).
fn table_schema() -> SchemaRef {
    let fields: Vec<_> = file_schema()
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8 => Arc::new(f.as_ref().clone().with_data_type(DataType::Utf8View)),
            _ => f.clone(),
        })
        .collect();
    Arc::new(datafusion::arrow::datatypes::Schema::new(fields))
}
