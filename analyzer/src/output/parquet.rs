//! Parquet (Snappy), for handing results to other tools.

use std::io::Write;

use arrow::error::ArrowError;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::Exporter;
use crate::session::QueryResult;

pub struct ParquetExporter;

impl Exporter for ParquetExporter {
    fn export(&self, result: &QueryResult, out: &mut dyn Write) -> Result<(), ArrowError> {
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        // ArrowWriter needs a Send sink; results are small enough to buffer.
        let mut buffer = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut buffer, result.schema.clone(), Some(props))
            .map_err(|e| ArrowError::ExternalError(Box::new(e)))?;
        for batch in &result.batches {
            writer
                .write(batch)
                .map_err(|e| ArrowError::ExternalError(Box::new(e)))?;
        }
        writer
            .close()
            .map_err(|e| ArrowError::ExternalError(Box::new(e)))?;
        out.write_all(&buffer)?;
        Ok(())
    }
}
