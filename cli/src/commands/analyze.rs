//! `lambench analyze`: one SQL statement over the invocation Parquet.

use std::io::Write;

use anyhow::Context;
use lambench_analyzer::output::{self, Format};
use lambench_analyzer::{Analyzer, DataLocation, SqlOrigin, queries};

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
        (Some(arg), _) => queries::statement(arg)?,
        (None, Some(q)) => (q.clone(), SqlOrigin::Inline),
        (None, None) => return Err(UsageError("give --sql FILE or --query SQL".into()).into()),
    };
    let output = args.output.as_ref().filter(|p| p.as_os_str() != "-");
    // A statement that reads no table (an expression of lambench's functions) needs no data,
    // unless --run asks for a run to be checked; its output still never goes inside a data
    // folder that exists.
    let reads_tables = Analyzer::reads_tables(&sql) || args.run.is_some();
    let location = match DataLocation::resolve(&args.data).await {
        Ok(location) => Some(location),
        Err(_) if !reads_tables => None,
        Err(e) => return Err(e.into()),
    };
    if let (Some(path), Some(location)) = (output, &location) {
        output::outside_data(path, location.local_dir().as_deref())?;
    }
    let analyzer = match location.filter(|_| reads_tables) {
        Some(location) => Analyzer::open(&location, args.run.as_deref()).await?,
        None => Analyzer::without_data(),
    };
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
