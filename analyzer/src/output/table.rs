//! Aligned text table for terminals.

use std::io::Write;

use arrow::error::ArrowError;
use arrow::util::pretty::pretty_format_batches;

use super::{Exporter, batches_or_empty};
use crate::session::QueryResult;

pub struct TableExporter;

impl Exporter for TableExporter {
    fn export(&self, result: &QueryResult, out: &mut dyn Write) -> Result<(), ArrowError> {
        let table = pretty_format_batches(&batches_or_empty(result))?;
        writeln!(out, "{table}")?;
        writeln!(out, "{} row(s)", result.num_rows())?;
        Ok(())
    }
}
