//! cpu-intensive: chained SHA-256. `d0 = sha256(SEED)`, `d(k+1) = sha256(d(k))` over the 32 raw
//! digest bytes; the result is `hex(dN)`, so N iterations hash N + 1 times.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::event::{WorkloadError, bounded_int};

pub const WORKLOAD: &str = "cpu-intensive";
/// The fixed seed every language hashes first.
pub const SEED: &[u8] = b"lambench-cpu-intensive-v1";
pub const DEFAULT_ITERATIONS: u64 = 500_000;
pub const MAX_ITERATIONS: u64 = 10_000_000;

/// `dN` of the chain. One hasher, reset by `finalize_reset` after each digest, as the
/// original benchmark's Rust handler does (with sha2's `asm` backend, see Cargo.toml).
pub fn chain(iterations: u64) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(SEED);
    let mut digest: [u8; 32] = hasher.finalize_reset().into();
    for _ in 0..iterations {
        hasher.update(digest);
        digest = hasher.finalize_reset().into();
    }
    digest
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The handler's work: event in, response body out.
pub fn handle(event: &Value) -> Result<Value, WorkloadError> {
    let n = bounded_int(
        event,
        WORKLOAD,
        "iterations",
        DEFAULT_ITERATIONS,
        1,
        MAX_ITERATIONS,
    )?;
    Ok(json!({
        "success": true,
        "workload": WORKLOAD,
        "iterations": n,
        "digest": hex(&chain(n)),
    }))
}
