use std::sync::Arc;

use arrow::array::{Float64Array, Int32Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};

use super::*;

fn result() -> QueryResult {
    let schema = Arc::new(Schema::new(vec![
        Field::new("runtime", DataType::Utf8, true),
        Field::new("memory_mb", DataType::Int32, false),
        Field::new("p50_ms", DataType::Float64, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(vec![
                Some("python3.13"),
                Some("a|b, \"c\""),
                None,
            ])),
            Arc::new(Int32Array::from(vec![128, 1769, 10240])),
            Arc::new(Float64Array::from(vec![Some(1.5), None, Some(1234.25)])),
        ],
    )
    .unwrap();
    QueryResult {
        schema,
        batches: vec![batch],
    }
}

fn render(format: Format, r: &QueryResult) -> String {
    let mut buf = Vec::new();
    write(r, format, &mut buf).unwrap();
    String::from_utf8(buf).unwrap()
}

#[test]
fn text_formats_snapshot() {
    let r = result();
    insta::assert_snapshot!("table", render(Format::Table, &r));
    insta::assert_snapshot!("csv", render(Format::Csv, &r));
    insta::assert_snapshot!("json", render(Format::Json, &r));
    insta::assert_snapshot!("markdown", render(Format::Markdown, &r));
}

#[test]
fn empty_results_keep_the_header() {
    let r = result();
    let empty = QueryResult {
        schema: r.schema.clone(),
        batches: vec![],
    };
    assert!(render(Format::Csv, &empty).starts_with("runtime,memory_mb,p50_ms"));
    assert_eq!(render(Format::Json, &empty).trim(), "[]");
    assert!(render(Format::Markdown, &empty).starts_with("| runtime | memory_mb | p50_ms |"));
    assert!(render(Format::Table, &empty).contains("0 row(s)"));
}

#[test]
fn parquet_file_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.parquet");
    write_to_file(&result(), Format::Parquet, &path).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let reader = ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<_> = reader.map(|b| b.unwrap()).collect();
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 3);
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "temporary file left behind");
}

#[test]
fn output_into_missing_folder_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let err = write_to_file(&result(), Format::Csv, &dir.path().join("nope/out.csv")).unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
}
