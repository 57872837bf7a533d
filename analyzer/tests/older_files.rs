//! Data collected before a column existed stays readable: a Parquet part written without the
//! environment, round and batch columns reads as NULL in them, and the shipped queries run over
//! it (the sample rule counts unknown values as asked).

use std::sync::Arc;

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::Int64Type;
use lambench_analyzer::{Analyzer, DataLocation, SqlOrigin};
use lambench_model::Matrix;
use lambench_model::record::to_record_batch;
use lambench_testkit::synthetic;
use parquet::arrow::ArrowWriter;

/// Columns added after data had been collected.
const NEWER: &[&str] = &[
    "environment_id",
    "environment_invocation",
    "cpu_model",
    "cpu_features",
    "round",
    "batch_size",
];

/// Writes the part; returns how many of its rows are samples (successful, none is a warm-up).
fn write_older_part(root: &std::path::Path) -> usize {
    let rows = synthetic::invocations(&Matrix::builtin().unwrap(), 2, 4, 3);
    let samples = rows
        .iter()
        .filter(|r| r.status == lambench_model::Status::Ok && !r.is_warmup)
        .count();
    let batch = to_record_batch(&rows).unwrap();
    let keep: Vec<usize> = (0..batch.num_columns())
        .filter(|&i| !NEWER.contains(&batch.schema().field(i).name().as_str()))
        .collect();
    let older: RecordBatch = batch.project(&keep).unwrap();
    assert_eq!(older.num_columns(), batch.num_columns() - NEWER.len());
    let dir = root.join("run_id=older");
    std::fs::create_dir_all(&dir).unwrap();
    let file = std::fs::File::create(dir.join("part-0.parquet")).unwrap();
    let mut writer =
        ArrowWriter::try_new(file, Arc::new(older.schema().as_ref().clone()), None).unwrap();
    writer.write(&older).unwrap();
    writer.close().unwrap();
    samples
}

async fn count(analyzer: &Analyzer, sql: &str) -> i64 {
    let result = analyzer.query(sql, &SqlOrigin::Inline).await.unwrap();
    result.batches[0]
        .column(0)
        .as_primitive::<Int64Type>()
        .value(0)
}

#[tokio::test]
async fn parts_without_the_newer_columns_read_as_null() {
    let dir = tempfile::tempdir().unwrap();
    let samples = write_older_part(dir.path());
    let location = DataLocation::resolve(dir.path().to_str().unwrap())
        .await
        .unwrap();
    let analyzer = Analyzer::open(&location, Some("older")).await.unwrap();
    let rows = count(&analyzer, "SELECT count(*) FROM invocations").await;
    assert!(rows > 1000, "{rows}");
    for column in NEWER {
        let sql = format!("SELECT count({column}) FROM invocations");
        assert_eq!(count(&analyzer, &sql).await, 0, "{column}");
    }
    let root = lambench_testkit::repo_root().join("queries");
    let read = |name: &str| std::fs::read_to_string(root.join(name)).unwrap();
    // The sample rule counts unknown values as asked: every sample is one.
    let rows = analyzer
        .query(&read("report/samples.sql"), &SqlOrigin::Inline)
        .await
        .unwrap();
    assert_eq!(rows.num_rows(), samples);
    for name in ["report/quality.sql", "p99.sql"] {
        let result = analyzer
            .query(&read(name), &SqlOrigin::Inline)
            .await
            .unwrap();
        assert!(result.num_rows() > 0, "{name}");
    }
}
