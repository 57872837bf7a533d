//! A JSON array of objects, one per row; NULLs are kept as `null`.

use std::io::Write;

use arrow::error::ArrowError;
use arrow::json::WriterBuilder;
use arrow::json::writer::JsonArray;

use super::Exporter;
use crate::session::QueryResult;

pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn export(&self, result: &QueryResult, out: &mut dyn Write) -> Result<(), ArrowError> {
        let mut writer = WriterBuilder::new()
            .with_explicit_nulls(true)
            .build::<_, JsonArray>(&mut *out);
        for batch in &result.batches {
            writer.write(batch)?;
        }
        // With no rows, finish() still writes `[]`: the output is always a JSON array.
        writer.finish()?;
        drop(writer);
        writeln!(out)?;
        Ok(())
    }
}
