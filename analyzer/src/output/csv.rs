//! CSV with a header row (RFC 4180 quoting).

use std::io::Write;

use arrow::csv::WriterBuilder;
use arrow::error::ArrowError;

use super::{Exporter, batches_or_empty};
use crate::session::QueryResult;

pub struct CsvExporter;

impl Exporter for CsvExporter {
    fn export(&self, result: &QueryResult, out: &mut dyn Write) -> Result<(), ArrowError> {
        let mut writer = WriterBuilder::new().with_header(true).build(out);
        for batch in batches_or_empty(result) {
            writer.write(&batch)?;
        }
        Ok(())
    }
}
