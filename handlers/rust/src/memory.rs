//! memory-intensive: fill M MiB of 64-bit integers from a seeded PRNG, sort ascending,
//! spot-check the order, report count, min, median, max.
//!
//! PRNG (identical in every language): 64-bit LCG `x = x * A + C mod 2^64` from `x = SEED`,
//! each value the top 30 bits `x >> 34`: uniform in [0, 2^30), the range the original
//! benchmark draws from (`gen_range(0..1 << 30)`). `median` is `sorted[count / 2]`.

use serde_json::{Value, json};

use crate::event::{WorkloadError, bounded_int};

pub const WORKLOAD: &str = "memory-intensive";
pub const SEED: u64 = 42;
pub const A: u64 = 6_364_136_223_846_793_005;
pub const C: u64 = 1_442_695_040_888_963_407;
pub const DEFAULT_SIZE_MB: u64 = 100;
pub const MAX_SIZE_MB: u64 = 2048;
/// Each value is the LCG state's top 30 bits.
pub const SHIFT: u32 = 34;
/// Evenly spaced values re-checked after the sort: O(1000), like the original benchmark's hash
/// of its first 1000 values (the same check in every language).
pub const CHECKS: usize = 1000;

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

/// The first `count` values of the sequence, in order.
pub fn fill(count: usize) -> Vec<i64> {
    let mut x = SEED;
    let mut values: Vec<i64> = Vec::with_capacity(count);
    for _ in 0..count {
        x = x.wrapping_mul(A).wrapping_add(C);
        values.push((x >> SHIFT) as i64);
    }
    values
}

/// Whether every `len / CHECKS`-th value, and the last, are in ascending order.
pub fn in_order(values: &[i64]) -> bool {
    let step = (values.len() / CHECKS).max(1);
    let sample: Vec<i64> = values
        .iter()
        .step_by(step)
        .chain(values.last())
        .copied()
        .collect();
    sample.windows(2).all(|w| w[0] <= w[1])
}

/// Fills, sorts and spot-checks; `None` if the order is wrong (it never should be).
pub fn run(size_mb: u64) -> Option<Summary> {
    let count = count_for(size_mb);
    let mut values = fill(count);
    values.sort_unstable();
    if !in_order(&values) {
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
