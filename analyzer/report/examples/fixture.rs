//! Writes a deterministic synthetic data set for trying and timing `lambench report`.
//!
//! `cargo run --release -p lambench-report --example fixture -- OUT_DIR [COLD] [WARM]`
//! writes runs `current` and `old` (the latter 30% slower) with COLD cold and WARM warm
//! samples per cell of the built-in matrix (default 8 and 40; 100 and 3300 give ~1M rows).

use lambench_model::{Matrix, parquet_out};
use lambench_testkit::synthetic;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().ok_or("usage: fixture OUT_DIR [COLD] [WARM]")?);
    let cold: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(8);
    let warm: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(40);
    let matrix = Matrix::builtin()?;
    let rows = synthetic::invocations(&matrix, cold, warm, 42);
    for (i, chunk) in rows.chunks(100_000).enumerate() {
        parquet_out::write_part(&out, "current", &format!("part-{i}"), chunk)?;
    }
    let mut old = synthetic::invocations(&matrix, cold, warm, 7);
    for r in &mut old {
        r.duration_ms = r.duration_ms.map(|d| d * 1.3);
    }
    for (i, chunk) in old.chunks(100_000).enumerate() {
        parquet_out::write_part(&out, "old", &format!("part-{i}"), chunk)?;
    }
    println!("wrote {} rows per run to {}", rows.len(), out.display());
    Ok(())
}
