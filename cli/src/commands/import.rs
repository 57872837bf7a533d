//! `lambench import lambda-perf`: public cold-start data into lambench's Parquet layout.

use lambench_analyzer::import::lambda_perf;
use lambench_model::parquet_out;

use crate::cli::LambdaPerfArgs;

pub fn lambda_perf(args: LambdaPerfArgs) -> anyhow::Result<()> {
    // Every file read and checked before any is written, then all written or none.
    let parsed = lambda_perf::read_files(&args.files, &args.run_id)?;
    let dir = parquet_out::run_dir(&args.out, &args.run_id)?;
    let existed: Vec<bool> = parsed
        .iter()
        .map(|(part, _)| dir.join(format!("{part}.parquet")).exists())
        .collect();
    let written = parquet_out::write_parts(&args.out, &args.run_id, &parsed)?;
    let mut total = 0;
    for (((_, rows), path), replaced) in parsed.iter().zip(&written).zip(existed) {
        total += rows.len();
        let note = if replaced {
            "  (replaced the earlier import of this file)"
        } else {
            ""
        };
        eprintln!("{:>7} rows  {}{note}", rows.len(), path.display());
    }
    eprintln!(
        "imported {total} cold-start samples from {} file(s) into run {:?}\nnext: lambench analyze --data {} --run {} --sql cold_starts",
        parsed.len(),
        args.run_id,
        args.out.display(),
        args.run_id
    );
    Ok(())
}
