//! Writes invocation rows as Parquet in the layout the analyzer reads:
//! `<root>/run_id=<id>/<part>.parquet`, one Hive partition per run.
//!
//! Files are written to a temporary name and renamed when complete, so a crash never leaves a
//! half-written file where a reader would pick it up.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use thiserror::Error;

use crate::record::{Invocation, RUN_ID_COLUMN, to_record_batch};

/// A Parquet file could not be written.
#[derive(Debug, Error)]
pub enum WriteError {
    #[error("run id {0:?} may hold only letters, digits, '-', '_' and '.' (it names a folder)")]
    BadRunId(String),
    #[error("part name {0:?} may hold only letters, digits, '-', '_' and '.'")]
    BadPartName(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot encode Parquet for {path}: {message}")]
    Encode { path: PathBuf, message: String },
}

/// Checks that a name is safe as one path component.
fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Checks a run id: it names a folder, so one safe path component.
pub fn check_run_id(run_id: &str) -> Result<(), WriteError> {
    if safe_name(run_id) {
        Ok(())
    } else {
        Err(WriteError::BadRunId(run_id.to_string()))
    }
}

/// The folder of one run below `root`.
pub fn run_dir(root: &Path, run_id: &str) -> Result<PathBuf, WriteError> {
    check_run_id(run_id)?;
    Ok(root.join(format!("{RUN_ID_COLUMN}={run_id}")))
}

/// Writes `rows` to `<root>/run_id=<run_id>/<part>.parquet` atomically and returns the path.
pub fn write_part(
    root: &Path,
    run_id: &str,
    part: &str,
    rows: &[Invocation],
) -> Result<PathBuf, WriteError> {
    if !safe_name(part) {
        return Err(WriteError::BadPartName(part.to_string()));
    }
    let dir = run_dir(root, run_id)?;
    std::fs::create_dir_all(&dir).map_err(|source| WriteError::Io {
        path: dir.clone(),
        source,
    })?;
    let path = dir.join(format!("{part}.parquet"));
    let tmp = dir.join(format!(".{part}.parquet.tmp"));
    let result = encode(&tmp, rows).and_then(|()| {
        std::fs::rename(&tmp, &path).map_err(|source| WriteError::Io {
            path: path.clone(),
            source,
        })
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map(|()| path)
}

/// Writes several parts of one run all or nothing: every part is encoded to a temporary file
/// first, and only when all are written are they renamed into place (an import of many files
/// either stores all of them or changes nothing). Returns the final paths, in order.
pub fn write_parts(
    root: &Path,
    run_id: &str,
    parts: &[(String, Vec<Invocation>)],
) -> Result<Vec<PathBuf>, WriteError> {
    for (part, _) in parts {
        part_key(run_id, part)?;
    }
    let dir = run_dir(root, run_id)?;
    std::fs::create_dir_all(&dir).map_err(|source| WriteError::Io {
        path: dir.clone(),
        source,
    })?;
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(parts.len());
    let cleanup = |staged: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in staged {
            let _ = std::fs::remove_file(tmp);
        }
    };
    for (part, rows) in parts {
        let tmp = dir.join(format!(".{part}.parquet.tmp"));
        staged.push((tmp.clone(), dir.join(format!("{part}.parquet"))));
        if let Err(e) = encode(&tmp, rows) {
            cleanup(&staged);
            return Err(e);
        }
    }
    for (i, (tmp, path)) in staged.iter().enumerate() {
        if let Err(source) = std::fs::rename(tmp, path) {
            cleanup(&staged[i..]);
            return Err(WriteError::Io {
                path: path.clone(),
                source,
            });
        }
    }
    Ok(staged.into_iter().map(|(_, path)| path).collect())
}

fn encode(path: &Path, rows: &[Invocation]) -> Result<(), WriteError> {
    let bytes = to_bytes(rows).map_err(|message| WriteError::Encode {
        path: path.to_path_buf(),
        message,
    })?;
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::create(path).map_err(io)?;
    file.write_all(&bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

/// The relative key `run_id=<run_id>/<file>` of a file in a run's folder, with both names
/// checked.
pub fn run_key(run_id: &str, file: &str) -> Result<String, WriteError> {
    check_run_id(run_id)?;
    if !safe_name(file) {
        return Err(WriteError::BadPartName(file.to_string()));
    }
    Ok(format!("{RUN_ID_COLUMN}={run_id}/{file}"))
}

/// The relative key `run_id=<run_id>/<part>.parquet` of a part, with both names checked.
pub fn part_key(run_id: &str, part: &str) -> Result<String, WriteError> {
    if !safe_name(part) {
        return Err(WriteError::BadPartName(part.to_string()));
    }
    run_key(run_id, &format!("{part}.parquet"))
}

/// Encodes rows as one Snappy-compressed Parquet file in memory (object stores take whole
/// objects; a cell is at most a few thousand rows).
pub fn to_bytes(rows: &[Invocation]) -> Result<Vec<u8>, String> {
    let batch = to_record_batch(rows).map_err(|e| e.to_string())?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer =
        ArrowWriter::try_new(Vec::new(), batch.schema(), Some(props)).map_err(|e| e.to_string())?;
    writer.write(&batch).map_err(|e| e.to_string())?;
    writer.into_inner().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unsafe_names() {
        let root = Path::new("/tmp");
        assert!(matches!(
            run_dir(root, "../x"),
            Err(WriteError::BadRunId(_))
        ));
        assert!(matches!(run_dir(root, "a/b"), Err(WriteError::BadRunId(_))));
        assert!(matches!(
            write_part(root, "ok", "x/y", &[]),
            Err(WriteError::BadPartName(_))
        ));
        assert_eq!(
            run_dir(root, "2026-11-29_abc").unwrap(),
            root.join("run_id=2026-11-29_abc")
        );
        // Keys of files in a run's folder.
        assert_eq!(run_key("r1", "notes.txt").unwrap(), "run_id=r1/notes.txt");
        assert_eq!(part_key("r1", "f-128").unwrap(), "run_id=r1/f-128.parquet");
        assert!(matches!(
            run_key("r1", "../m"),
            Err(WriteError::BadPartName(_))
        ));
        assert!(matches!(run_key("../r", "m"), Err(WriteError::BadRunId(_))));
    }

    #[test]
    fn writes_atomically_into_the_run_partition() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_part(dir.path(), "r1", "part-0", &[]).unwrap();
        assert_eq!(path, dir.path().join("run_id=r1/part-0.parquet"));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("run_id=r1"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["part-0.parquet"]);
        assert_eq!(&std::fs::read(&path).unwrap()[..4], b"PAR1");
    }
}
