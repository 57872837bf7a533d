//! memory-intensive: fill M MiB of 64-bit integers from a seeded PRNG, sort ascending, verify,
//! report count, min, median, max.
//!
//! PRNG (identical in every language): 64-bit LCG `x = x * A + C mod 2^64` from `x = SEED`,
//! each value the top 53 bits `x >> 11` (below 2^53, so JavaScript doubles hold it exactly).
//! `median` is `sorted[count / 2]`.

use serde_json::{Value, json};

use crate::event::{WorkloadError, bounded_int};

pub const WORKLOAD: &str = "memory-intensive";
pub const SEED: u64 = 42;
pub const A: u64 = 6_364_136_223_846_793_005;
pub const C: u64 = 1_442_695_040_888_963_407;
pub const DEFAULT_SIZE_MB: u64 = 100;
pub const MAX_SIZE_MB: u64 = 2048;

/// Result of one sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub count: usize,
    pub min: i64,
    pub median: i64,
    pub max: i64,
}

/// Number of 64-bit values in `size_mb` MiB.
pub fn count_for(size_mb: u64) -> usize {
    (size_mb * 1024 * 1024 / 8) as usize
}

/// Fills, sorts and verifies; `None` if the sort is not ascending (it never should be).
pub fn run(size_mb: u64) -> Option<Summary> {
    let count = count_for(size_mb);
    let mut x = SEED;
    let mut values: Vec<i64> = Vec::with_capacity(count);
    for _ in 0..count {
        x = x.wrapping_mul(A).wrapping_add(C);
        values.push((x >> 11) as i64);
    }
    values.sort_unstable();
    if !values.windows(2).all(|w| w[0] <= w[1]) {
        return None;
    }
    Some(Summary {
        count,
        min: *values.first()?,
        median: values[count / 2],
        max: *values.last()?,
    })
}

/// The handler's work: event in, response body out.
pub fn handle(event: &Value) -> Result<Value, WorkloadError> {
    let size = bounded_int(event, WORKLOAD, "sizeMb", DEFAULT_SIZE_MB, 1, MAX_SIZE_MB)?;
    let s = run(size).ok_or_else(|| WorkloadError::new(WORKLOAD, "array not sorted after sort"))?;
    Ok(json!({
        "success": true,
        "workload": WORKLOAD,
        "sizeMb": size,
        "count": s.count,
        "min": s.min,
        "median": s.median,
        "max": s.max,
    }))
}
