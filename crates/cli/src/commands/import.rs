//! `lambench import lambda-perf`: public cold-start data into lambench's Parquet layout.

use lambench_analyzer::import::lambda_perf;
use lambench_model::parquet_out;

use crate::cli::LambdaPerfArgs;

pub fn lambda_perf(args: LambdaPerfArgs) -> anyhow::Result<()> {
    // Parse every file before writing any, so a bad file leaves the output untouched.
    let mut parsed = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let rows = lambda_perf::read_file(path)?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("part");
        parsed.push((stem.to_string(), rows));
    }
    let mut total = 0;
    for (part, rows) in &parsed {
        let written = parquet_out::write_part(&args.out, &args.run_id, part, rows)?;
        total += rows.len();
        eprintln!("{:>7} rows  {}", rows.len(), written.display());
    }
    eprintln!(
        "imported {total} cold-start samples from {} file(s) into run {:?}\nnext: lambench analyze --data {} --run {} --sql queries/cold_starts.sql",
        parsed.len(),
        args.run_id,
        args.out.display(),
        args.run_id
    );
    Ok(())
}
