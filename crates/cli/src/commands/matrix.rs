//! `lambench matrix`: what the matrix expands to.

use lambench_model::Matrix;

use crate::cli::MatrixArgs;

pub fn run(matrix: &Matrix, args: &MatrixArgs) -> anyhow::Result<()> {
    let functions = matrix.functions();
    if args.json {
        let fns: Vec<_> = functions
            .iter()
            .map(|f| {
                serde_json::json!({
                    "name": f.name,
                    "runtime": f.runtime,
                    "language": f.language,
                    "architecture": f.architecture.as_str(),
                    "workload": f.workload,
                    "memory_mb": matrix.workloads[&f.workload].memory_mb,
                })
            })
            .collect();
        let modes: serde_json::Map<_, _> = matrix
            .modes
            .iter()
            .map(|(k, m)| {
                (
                    k.clone(),
                    serde_json::json!({"cold": m.cold, "warm": m.warm}),
                )
            })
            .collect();
        let doc = serde_json::json!({
            "stack_name": matrix.stack_name,
            "default_region": matrix.default_region,
            "functions": fns,
            "modes": modes,
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(());
    }
    let cells: usize = functions
        .iter()
        .map(|f| matrix.workloads[&f.workload].memory_mb.len())
        .sum();
    println!(
        "{} functions, {} (function, memory) cells",
        functions.len(),
        cells
    );
    for (name, mode) in &matrix.modes {
        let n = u64::from(mode.cold + mode.warm) * cells as u64;
        println!(
            "  mode {name:<11} {:>4} cold + {:>4} warm per cell = {n} invocations",
            mode.cold, mode.warm
        );
    }
    for f in &functions {
        let mem = &matrix.workloads[&f.workload].memory_mb;
        println!(
            "  {:<48} {:<16} {:<7} {:?}",
            f.name,
            f.runtime,
            f.architecture.as_str(),
            mem
        );
    }
    Ok(())
}
