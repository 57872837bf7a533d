//! The data's first and last invocation from the files' footers (`Analyzer::invoked_span`) is
//! what `min`/`max` over the rows gives, for one run and for all, with or without a file of no
//! rows; a file written without statistics makes it unknown rather than wrong.

use std::path::Path;

use arrow::array::{AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{DataType, TimeUnit, TimestampMicrosecondType};
use lambench_analyzer::{Analyzer, DataLocation, SqlOrigin};
use lambench_model::Matrix;
use lambench_model::record::to_record_batch;
use lambench_testkit::synthetic;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::{EnabledStatistics, WriterProperties};

/// Writes a part of run `run` whose invocations are moved by `shift_us`, in row groups of
/// 1,000 rows (so the span comes from several groups), with or without statistics.
fn write_part(root: &Path, run: &str, part: u32, shift_us: i64, statistics: bool) {
    let mut rows = synthetic::invocations(&Matrix::builtin().unwrap(), 1, 3, u64::from(part));
    for r in &mut rows {
        r.invoked_at_us += shift_us;
    }
    let batch: RecordBatch = to_record_batch(&rows).unwrap();
    let dir = root.join(format!("run_id={run}"));
    std::fs::create_dir_all(&dir).unwrap();
    let file = std::fs::File::create(dir.join(format!("part-{part}.parquet"))).unwrap();
    let enabled = if statistics {
        EnabledStatistics::Chunk
    } else {
        EnabledStatistics::None
    };
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(1000))
        .set_statistics_enabled(enabled)
        .build();
    let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

async fn open(root: &Path, run: Option<&str>) -> Analyzer {
    let location = DataLocation::resolve(root.to_str().unwrap()).await.unwrap();
    Analyzer::open(&location, run).await.unwrap()
}

/// `SELECT min(invoked_at), max(invoked_at)`, in microseconds.
async fn scanned_span(analyzer: &Analyzer) -> (i64, i64) {
    let result = analyzer
        .query(
            "SELECT min(invoked_at), max(invoked_at) FROM invocations",
            &SqlOrigin::Inline,
        )
        .await
        .unwrap();
    let batch = &result.batches[0];
    let at = |i: usize| {
        let micros = cast(
            batch.column(i),
            &DataType::Timestamp(TimeUnit::Microsecond, None),
        )
        .unwrap();
        micros.as_primitive::<TimestampMicrosecondType>().value(0)
    };
    (at(0), at(1))
}

const DAY_US: i64 = 86_400_000_000;

#[tokio::test]
async fn the_footers_span_is_the_rows_span() {
    let dir = tempfile::tempdir().unwrap();
    write_part(dir.path(), "a", 0, 0, true);
    write_part(dir.path(), "a", 1, 3 * DAY_US, true);
    write_part(dir.path(), "b", 2, 30 * DAY_US, true);
    for run in [Some("a"), Some("b"), None] {
        let analyzer = open(dir.path(), run).await;
        let span = analyzer.invoked_span();
        assert_eq!(span, Some(scanned_span(&analyzer).await), "run {run:?}");
    }
    let (a, all) = (
        open(dir.path(), Some("a")).await,
        open(dir.path(), None).await,
    );
    let (a, all) = (a.invoked_span().unwrap(), all.invoked_span().unwrap());
    assert!(all.1 - a.1 > 20 * DAY_US, "run b is later: {a:?} {all:?}");
}

#[tokio::test]
async fn a_file_without_statistics_leaves_the_span_unknown() {
    let dir = tempfile::tempdir().unwrap();
    write_part(dir.path(), "a", 0, 0, true);
    write_part(dir.path(), "a", 1, DAY_US, false);
    assert_eq!(open(dir.path(), Some("a")).await.invoked_span(), None);
}

#[tokio::test]
async fn a_file_without_rows_adds_nothing_to_the_span() {
    let dir = tempfile::tempdir().unwrap();
    write_part(dir.path(), "a", 0, 0, true);
    let batch = to_record_batch(&[]).unwrap();
    let file = std::fs::File::create(dir.path().join("run_id=a/empty.parquet")).unwrap();
    ArrowWriter::try_new(file, batch.schema(), None)
        .unwrap()
        .close()
        .unwrap();
    let analyzer = open(dir.path(), Some("a")).await;
    assert_eq!(analyzer.invoked_span(), Some(scanned_span(&analyzer).await));
}
