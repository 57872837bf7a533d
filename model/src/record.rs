//! The invocation record: one row per invocation attempt, whatever its outcome.
//!
//! Failed, throttled and timed-out attempts are rows with a [`Status`], never dropped, so a
//! reader can always tell planned from obtained samples. `run_id` is not stored inside the
//! Parquet files: it is the Hive partition key (`run_id=<id>/`), added back by the reader.
//! docs/schema.md documents every column.

use std::fmt;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, Int32Builder, Int64Builder, RecordBatch,
    StringBuilder, TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::error::ArrowError;

/// Whether the collector asked for a cold or a warm sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StartType {
    Cold,
    Warm,
}

impl StartType {
    pub fn as_str(self) -> &'static str {
        match self {
            StartType::Cold => "cold",
            StartType::Warm => "warm",
        }
    }
}

/// The outcome of one invocation attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// The function returned a response.
    Ok,
    /// The function returned or raised an error (`X-Amz-Function-Error`, `Status: error`).
    Error,
    /// Lambda ended the invocation at its timeout.
    Timeout,
    /// Lambda refused the invocation (429 TooManyRequestsException).
    Throttled,
    /// The invocation never reached the function (network, 5xx, SDK error).
    ClientError,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
            Status::Timeout => "timeout",
            Status::Throttled => "throttled",
            Status::ClientError => "client_error",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One invocation attempt. Optional fields are `None` where the source cannot know them
/// (lambda-perf's public data has no request ids or billed durations, for instance).
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    /// `aws`, `local` (the emulator) or the import source (`lambda-perf`).
    pub backend: String,
    pub region: Option<String>,
    pub function_name: String,
    /// Lambda runtime id (`python3.13`, `provided.al2023`, ...).
    pub runtime: String,
    pub language: String,
    /// `arm64` or `x86_64`.
    pub architecture: String,
    pub workload: String,
    /// Memory size configured for the invocation (MB).
    pub memory_mb: i32,
    /// `zip` or `image`.
    pub package_type: Option<String>,
    /// What the collector asked for.
    pub start_type: StartType,
    /// Index of the sample within its cell and start type, from 0.
    pub sample_index: i32,
    /// 0 for the first attempt at a sample, 1.. for retries.
    pub attempt: i32,
    /// Warm-up invocations are recorded but flagged, and left out of warm statistics.
    pub is_warmup: bool,
    /// Microseconds since the Unix epoch, UTC, when the invoke request was sent.
    pub invoked_at_us: i64,
    pub request_id: Option<String>,
    pub duration_ms: Option<f64>,
    pub billed_duration_ms: Option<i64>,
    pub init_duration_ms: Option<f64>,
    pub restore_duration_ms: Option<f64>,
    pub billed_restore_duration_ms: Option<i64>,
    /// Memory Size as reported by the REPORT line (should equal `memory_mb`).
    pub reported_memory_mb: Option<i32>,
    pub max_memory_used_mb: Option<i32>,
    /// Wall time of the Invoke API call as seen by the collector.
    pub client_latency_ms: Option<f64>,
    pub status: Status,
    pub error_type: Option<String>,
    pub error_message: Option<String>,
    /// From the `INIT_START` line (`python:3.13.v16`), present on cold starts.
    pub runtime_version: Option<String>,
    /// Whether the REPORT line proves a cold start (Init or Restore Duration present).
    pub observed_cold: Option<bool>,
    /// Where the sample ran, as the handler reported it; all `None` for imports.
    pub environment: Environment,
    /// The round of its cell the sample belongs to, from 1 (`None` for imports).
    pub round: Option<i32>,
    /// How many invocations were started together on fresh environments with this one: the
    /// cold batch, or for warm samples the batch of warm-ups that created their environments.
    pub batch_size: Option<i32>,
}

/// The execution environment that served an invocation, from the handler's `environment`
/// report (docs/handler-contract.md). Each field is `None` where nothing says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Environment {
    /// Made once per execution environment: its log stream name on Lambda.
    pub id: Option<String>,
    /// 1 for the first invocation the environment served, 2 for the next...
    pub invocation: Option<i32>,
    /// `Neoverse-N1`, `AMD EPYC 7R13 Processor`... (see [`crate::environment`]).
    pub cpu_model: Option<String>,
    /// The instruction-set features the workloads depend on, space-separated.
    pub cpu_features: Option<String>,
}

/// Name of the Hive partition column holding the run id.
pub const RUN_ID_COLUMN: &str = "run_id";

/// Schema of the Parquet files (without the `run_id` partition column).
pub fn file_schema() -> SchemaRef {
    let utf8 = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    let f64n = |name: &str| Field::new(name, DataType::Float64, true);
    Arc::new(Schema::new(vec![
        utf8("backend", false),
        utf8("region", true),
        utf8("function_name", false),
        utf8("runtime", false),
        utf8("language", false),
        utf8("architecture", false),
        utf8("workload", false),
        Field::new("memory_mb", DataType::Int32, false),
        utf8("package_type", true),
        utf8("start_type", false),
        Field::new("sample_index", DataType::Int32, false),
        Field::new("attempt", DataType::Int32, false),
        Field::new("is_warmup", DataType::Boolean, false),
        Field::new(
            "invoked_at",
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            false,
        ),
        utf8("request_id", true),
        f64n("duration_ms"),
        Field::new("billed_duration_ms", DataType::Int64, true),
        f64n("init_duration_ms"),
        f64n("restore_duration_ms"),
        Field::new("billed_restore_duration_ms", DataType::Int64, true),
        Field::new("reported_memory_mb", DataType::Int32, true),
        Field::new("max_memory_used_mb", DataType::Int32, true),
        f64n("client_latency_ms"),
        utf8("status", false),
        utf8("error_type", true),
        utf8("error_message", true),
        utf8("runtime_version", true),
        Field::new("observed_cold", DataType::Boolean, true),
        utf8("environment_id", true),
        Field::new("environment_invocation", DataType::Int32, true),
        utf8("cpu_model", true),
        utf8("cpu_features", true),
        Field::new("round", DataType::Int32, true),
        Field::new("batch_size", DataType::Int32, true),
    ]))
}

/// The Athena (Glue catalog) type of a column of [`file_schema`]: infra/ declares the results
/// bucket's `invocations` table with these (`lambench matrix --json`'s `parquet_columns`), so
/// Athena reads the files the collector writes. `None` for a type the files never hold.
pub fn glue_type(data_type: &DataType) -> Option<&'static str> {
    Some(match data_type {
        DataType::Utf8 => "string",
        DataType::Int32 => "int",
        DataType::Int64 => "bigint",
        DataType::Float64 => "double",
        DataType::Boolean => "boolean",
        DataType::Timestamp(TimeUnit::Microsecond, _) => "timestamp",
        _ => return None,
    })
}

/// Converts invocations into one Arrow batch of [`file_schema`].
pub fn to_record_batch(rows: &[Invocation]) -> Result<RecordBatch, ArrowError> {
    let strings = |f: &dyn Fn(&Invocation) -> Option<&str>| -> ArrayRef {
        let mut b = StringBuilder::new();
        rows.iter().for_each(|r| b.append_option(f(r)));
        Arc::new(b.finish())
    };
    let floats = |f: &dyn Fn(&Invocation) -> Option<f64>| -> ArrayRef {
        let mut b = Float64Builder::new();
        rows.iter().for_each(|r| b.append_option(f(r)));
        Arc::new(b.finish())
    };
    let ints = |f: &dyn Fn(&Invocation) -> Option<i32>| -> ArrayRef {
        let mut b = Int32Builder::new();
        rows.iter().for_each(|r| b.append_option(f(r)));
        Arc::new(b.finish())
    };
    let longs = |f: &dyn Fn(&Invocation) -> Option<i64>| -> ArrayRef {
        let mut b = Int64Builder::new();
        rows.iter().for_each(|r| b.append_option(f(r)));
        Arc::new(b.finish())
    };
    let bools = |f: &dyn Fn(&Invocation) -> Option<bool>| -> ArrayRef {
        let mut b = BooleanBuilder::new();
        rows.iter().for_each(|r| b.append_option(f(r)));
        Arc::new(b.finish())
    };
    let mut ts = TimestampMicrosecondBuilder::new().with_timezone("UTC");
    rows.iter().for_each(|r| ts.append_value(r.invoked_at_us));
    let columns: Vec<ArrayRef> = vec![
        strings(&|r| Some(&r.backend)),
        strings(&|r| r.region.as_deref()),
        strings(&|r| Some(&r.function_name)),
        strings(&|r| Some(&r.runtime)),
        strings(&|r| Some(&r.language)),
        strings(&|r| Some(&r.architecture)),
        strings(&|r| Some(&r.workload)),
        ints(&|r| Some(r.memory_mb)),
        strings(&|r| r.package_type.as_deref()),
        strings(&|r| Some(r.start_type.as_str())),
        ints(&|r| Some(r.sample_index)),
        ints(&|r| Some(r.attempt)),
        bools(&|r| Some(r.is_warmup)),
        Arc::new(ts.finish()),
        strings(&|r| r.request_id.as_deref()),
        floats(&|r| r.duration_ms),
        longs(&|r| r.billed_duration_ms),
        floats(&|r| r.init_duration_ms),
        floats(&|r| r.restore_duration_ms),
        longs(&|r| r.billed_restore_duration_ms),
        ints(&|r| r.reported_memory_mb),
        ints(&|r| r.max_memory_used_mb),
        floats(&|r| r.client_latency_ms),
        strings(&|r| Some(r.status.as_str())),
        strings(&|r| r.error_type.as_deref()),
        strings(&|r| r.error_message.as_deref()),
        strings(&|r| r.runtime_version.as_deref()),
        bools(&|r| r.observed_cold),
        strings(&|r| r.environment.id.as_deref()),
        ints(&|r| r.environment.invocation),
        strings(&|r| r.environment.cpu_model.as_deref()),
        strings(&|r| r.environment.cpu_features.as_deref()),
        ints(&|r| r.round),
        ints(&|r| r.batch_size),
    ];
    RecordBatch::try_new(file_schema(), columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::{Float64Type, Int32Type};

    #[test]
    fn every_column_has_an_athena_type() {
        for field in file_schema().fields() {
            assert!(glue_type(field.data_type()).is_some(), "{field}");
        }
        assert_eq!(glue_type(&DataType::Int64), Some("bigint"));
        assert_eq!(glue_type(&DataType::LargeUtf8), None);
    }

    pub(crate) fn sample() -> Invocation {
        Invocation {
            backend: "local".into(),
            region: None,
            function_name: "lambench-rust-arm64-light".into(),
            runtime: "provided.al2023".into(),
            language: "rust".into(),
            architecture: "arm64".into(),
            workload: "light".into(),
            memory_mb: 512,
            package_type: Some("zip".into()),
            start_type: StartType::Cold,
            sample_index: 3,
            attempt: 0,
            is_warmup: false,
            invoked_at_us: 1_700_000_000_000_000,
            request_id: Some("r-1".into()),
            duration_ms: Some(12.5),
            billed_duration_ms: Some(130),
            init_duration_ms: Some(117.2),
            restore_duration_ms: None,
            billed_restore_duration_ms: None,
            reported_memory_mb: Some(512),
            max_memory_used_mb: Some(40),
            client_latency_ms: Some(140.0),
            status: Status::Ok,
            error_type: None,
            error_message: None,
            runtime_version: Some("provided:al2023.v90".into()),
            observed_cold: Some(true),
            environment: Environment {
                id: Some("2026/11/30/[$LATEST]0123abcd".into()),
                invocation: Some(1),
                cpu_model: Some("Neoverse-N1".into()),
                cpu_features: Some("sha2 atomics".into()),
            },
            round: Some(2),
            batch_size: Some(10),
        }
    }

    #[test]
    fn batch_matches_schema_and_values() {
        let mut failed = sample();
        failed.status = Status::Timeout;
        failed.duration_ms = None;
        failed.error_type = Some("Sandbox.Timedout".into());
        let batch = to_record_batch(&[sample(), failed]).unwrap();
        assert_eq!(batch.num_rows(), 2);
        assert_eq!(batch.schema(), file_schema());
        let duration = batch
            .column_by_name("duration_ms")
            .unwrap()
            .as_primitive::<Float64Type>();
        assert_eq!(duration.value(0), 12.5);
        assert!(duration.is_null(1));
        let status = batch.column_by_name("status").unwrap().as_string::<i32>();
        assert_eq!(status.value(1), "timeout");
        let mem = batch
            .column_by_name("memory_mb")
            .unwrap()
            .as_primitive::<Int32Type>();
        assert_eq!(mem.value(0), 512);
        let env = batch
            .column_by_name("environment_id")
            .unwrap()
            .as_string::<i32>();
        assert_eq!(env.value(0), "2026/11/30/[$LATEST]0123abcd");
        let round = batch
            .column_by_name("round")
            .unwrap()
            .as_primitive::<Int32Type>();
        assert_eq!(round.value(1), 2);
        let mut import = sample();
        import.environment = Environment::default();
        import.round = None;
        let batch = to_record_batch(&[import]).unwrap();
        for column in [
            "environment_id",
            "environment_invocation",
            "cpu_model",
            "round",
        ] {
            assert!(batch.column_by_name(column).unwrap().is_null(0), "{column}");
        }
    }
}
