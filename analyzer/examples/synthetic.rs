//! Writes a large deterministic synthetic data set, for benchmarking the analyzer.
//!
//! `cargo run --release -p lambench-analyzer --example synthetic -- OUT_DIR [ROWS]`
//! writes about ROWS rows (default 10,000,000) as `OUT_DIR/run_id=synthetic/<function>.parquet`,
//! spread evenly over every (function, memory) cell of the built-in matrix.

use std::path::PathBuf;
use std::time::Instant;

use lambench_model::{Matrix, parquet_out};
use lambench_testkit::synthetic::Generator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().ok_or("usage: synthetic OUT_DIR [ROWS]")?);
    let rows: u64 = args
        .next()
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(10_000_000);
    let matrix = Matrix::builtin()?;
    let functions = matrix.default_run();
    let cells: u64 = functions
        .iter()
        .map(|f| matrix.workloads[&f.workload].memory_mb.len() as u64)
        .sum();
    let per_cell = (rows / cells).max(2);
    let cold = (per_cell / 2500).max(1) as u32;
    let warm = (per_cell - u64::from(cold)) as u32;
    let started = Instant::now();
    let mut generator = Generator::new(1);
    let mut total = 0;
    for f in &functions {
        let part = generator.function_rows(&matrix, f, cold, warm);
        total += part.len();
        parquet_out::write_part(&out, "synthetic", &f.name, &part)?;
    }
    eprintln!(
        "wrote {total} rows ({cells} cells × {cold} cold + {warm} warm) in {:.1?}",
        started.elapsed()
    );
    Ok(())
}
