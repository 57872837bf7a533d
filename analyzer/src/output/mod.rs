//! Output formats for query results, one file per format behind [`Exporter`]
//! (as hyperfine's `src/export/`).
//!
//! [`write_to_file`] writes to a temporary file beside the target and renames it when complete,
//! so a failed query or a full disk never leaves a half-written output.

mod csv;
mod json;
mod markdown;
mod parquet;
mod table;

use std::io::Write;
use std::path::Path;

use arrow::array::RecordBatch;
use arrow::error::ArrowError;

use crate::error::{Error, Result};
use crate::session::QueryResult;

/// The formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
    Parquet,
}

impl Format {
    /// Whether the format is binary (and so needs `--output`).
    pub fn is_binary(self) -> bool {
        self == Format::Parquet
    }

    fn exporter(self) -> Box<dyn Exporter> {
        match self {
            Format::Table => Box::new(table::TableExporter),
            Format::Csv => Box::new(csv::CsvExporter),
            Format::Json => Box::new(json::JsonExporter),
            Format::Markdown => Box::new(markdown::MarkdownExporter),
            Format::Parquet => Box::new(parquet::ParquetExporter),
        }
    }
}

/// Serialises a query result in one format.
pub trait Exporter {
    fn export(
        &self,
        result: &QueryResult,
        out: &mut dyn Write,
    ) -> std::result::Result<(), ArrowError>;
}

/// The batches of a result, or one empty batch so formats can still print the header.
fn batches_or_empty(result: &QueryResult) -> Vec<RecordBatch> {
    if result.batches.is_empty() {
        vec![RecordBatch::new_empty(result.schema.clone())]
    } else {
        result.batches.clone()
    }
}

/// Writes a result to any writer (stdout, a buffer).
/// A closed pipe (`lambench analyze ... | head`) is not an error: the reader has what it wanted.
pub fn write(result: &QueryResult, format: Format, out: &mut dyn Write) -> Result<()> {
    match format.exporter().export(result, out) {
        Err(ArrowError::IoError(_, e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Output {
            path: "standard output".into(),
            message: e.to_string(),
        }),
        Ok(()) => Ok(()),
    }
}

/// Whether `path` may be replaced: nothing there, or a regular file. Renaming over a link, a
/// FIFO, a device or a folder would replace that thing, not write where it points.
fn replaceable(path: &Path) -> std::result::Result<(), String> {
    let kind = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.to_string()),
        Ok(m) if m.file_type().is_file() => return Ok(()),
        Ok(m) if m.file_type().is_symlink() => "a symbolic link",
        Ok(m) if m.is_dir() => "a folder",
        Ok(_) => "not a regular file (a FIFO, socket or device)",
    };
    Err(format!(
        "it is {kind}; --output replaces only a regular file or creates a new one: give another path, or leave --output out for standard output"
    ))
}

/// Refuses an output path inside the data folder: results never overwrite or add to data.
pub fn outside_data(path: &Path, data: Option<&Path>) -> Result<()> {
    let Some(data) = data.and_then(|d| d.canonicalize().ok()) else {
        return Ok(());
    };
    let parent = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    match parent.canonicalize() {
        Ok(dir) if dir.starts_with(&data) => Err(Error::Output {
            path: path.display().to_string(),
            message: format!(
                "it is inside the data folder {}; write results elsewhere",
                data.display()
            ),
        }),
        _ => Ok(()),
    }
}

/// Writes a result to a file atomically (temporary file, then rename), replacing only a
/// regular file.
pub fn write_to_file(result: &QueryResult, format: Format, path: &Path) -> Result<()> {
    let out_err = |message: String| Error::Output {
        path: path.display().to_string(),
        message,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(out_err(format!(
            "folder {} does not exist; create it first",
            dir.display()
        )));
    }
    replaceable(path).map_err(out_err)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| -> std::result::Result<(), String> {
        // create_new: never through a link someone left at the temporary name.
        let file = std::fs::File::create_new(&tmp).map_err(|e| e.to_string())?;
        let mut file = std::io::BufWriter::new(file);
        format
            .exporter()
            .export(result, &mut file)
            .map_err(|e| e.to_string())?;
        let file = file.into_inner().map_err(|e| e.to_string())?;
        file.sync_all().map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, path).map_err(|e| e.to_string())
    })();
    if let Err(message) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(out_err(message));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
