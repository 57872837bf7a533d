//! GitHub-flavoured Markdown table; `|` in values is escaped.

use std::io::Write;

use arrow::error::ArrowError;
use arrow::util::display::{ArrayFormatter, FormatOptions};

use super::{Exporter, batches_or_empty};
use crate::session::QueryResult;

pub struct MarkdownExporter;

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

impl Exporter for MarkdownExporter {
    fn export(&self, result: &QueryResult, out: &mut dyn Write) -> Result<(), ArrowError> {
        let names: Vec<String> = result
            .schema
            .fields()
            .iter()
            .map(|f| cell(f.name()))
            .collect();
        writeln!(out, "| {} |", names.join(" | "))?;
        writeln!(out, "|{}", "---|".repeat(names.len()))?;
        let options = FormatOptions::default().with_null("");
        for batch in batches_or_empty(result) {
            let formatters = batch
                .columns()
                .iter()
                .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
                .collect::<Result<Vec<_>, _>>()?;
            for row in 0..batch.num_rows() {
                let cells: Vec<String> = formatters
                    .iter()
                    .map(|f| cell(&f.value(row).to_string()))
                    .collect();
                writeln!(out, "| {} |", cells.join(" | "))?;
            }
        }
        Ok(())
    }
}
