//! `lambench analyze`: one SQL statement over the invocation Parquet.

use std::io::Write;

use anyhow::Context;
use lambench_analyzer::output::{self, Format};
use lambench_analyzer::{Analyzer, DataLocation, SqlOrigin};

use super::UsageError;
use crate::cli::AnalyzeArgs;

pub async fn run(args: AnalyzeArgs) -> anyhow::Result<()> {
    let format = Format::from(args.format);
    if format.is_binary() && args.output.as_ref().is_none_or(|p| p.as_os_str() == "-") {
        return Err(
            UsageError("--format parquet writes a binary file: add --output FILE".into()).into(),
        );
    }
    let (sql, origin) = match (&args.sql, &args.query) {
        (Some(path), _) => {
            let text =
                std::fs::read_to_string(path).map_err(|reason| lambench_analyzer::Error::Io {
                    path: path.display().to_string(),
                    reason,
                })?;
            (text, SqlOrigin::File(path.display().to_string()))
        }
        (None, Some(q)) => (q.clone(), SqlOrigin::Inline),
        (None, None) => return Err(UsageError("give --sql FILE or --query SQL".into()).into()),
    };
    let location = DataLocation::resolve(&args.data).await?;
    let output = args.output.as_ref().filter(|p| p.as_os_str() != "-");
    if let Some(path) = output {
        output::outside_data(path, location.local_dir().as_deref())?;
    }
    let analyzer = Analyzer::open(&location, args.run.as_deref()).await?;
    let result = analyzer.query(&sql, &origin).await?;
    match output {
        Some(path) => {
            output::write_to_file(&result, format, path)?;
            eprintln!("wrote {} row(s) to {}", result.num_rows(), path.display());
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            output::write(&result, format, &mut stdout)?;
            match stdout.flush() {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other.context("cannot write to standard output")?,
            }
        }
    }
    Ok(())
}
