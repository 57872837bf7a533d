//! Runs one workload once outside Lambda, for timing with hyperfine (scripts/bench-handlers)
//! and for comparing SHA-256 backends: `workload cpu-intensive 500000` or
//! `workload memory-intensive 100`. Prints the response body.

use lambench_handlers::{cpu, memory};
use serde_json::json;

fn main() {
    let mut args = std::env::args().skip(1);
    let workload = args.next().unwrap_or_default();
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let body = match workload.as_str() {
        "cpu-intensive" => cpu::handle(&json!({"iterations": n})),
        "memory-intensive" => memory::handle(&json!({"sizeMb": n})),
        _ => {
            eprintln!("usage: workload cpu-intensive ITERATIONS | memory-intensive SIZE_MB");
            std::process::exit(2);
        }
    };
    match body {
        Ok(b) => println!("{b}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
