//! How long the local emulator will take: this machine's times from its earlier local runs in
//! the output folder (`queries/collect/local_times.sql`), because the emulator's speed is this
//! machine's cores and clock, which no model of Lambda knows.

use std::collections::BTreeMap;

use lambench_analyzer::queries::collect::LOCAL_TIMES;
use lambench_analyzer::{Analyzer, DataLocation};
use lambench_collector::estimate::Measured;
use lambench_report::data;

/// Measured times per function and memory size, and how many earlier runs they come from.
#[derive(Debug, Default)]
pub struct LocalTimes {
    pub measured: BTreeMap<String, BTreeMap<u32, Measured>>,
    pub runs: i64,
}

/// Reads the times of the earlier local runs at `out` (reading only: nothing is written).
/// An empty or missing folder has none; an unreadable one is an error the plan reports
/// before falling back to the model.
pub async fn local_times(out: &str) -> anyhow::Result<LocalTimes> {
    let location = DataLocation::resolve(out).await?;
    let analyzer = match Analyzer::open(&location, None).await {
        Ok(a) => a,
        Err(lambench_analyzer::Error::NoData { .. }) => return Ok(LocalTimes::default()),
        Err(e) => return Err(e.into()),
    };
    let table = data::table(&analyzer, LOCAL_TIMES).await?;
    let mut times = LocalTimes::default();
    for row in 0..table.rows.len() {
        let get = |c| table.get(row, c);
        let (Some(memory), Some(ms)) = (get("memory_mb").as_f64(), get("median_ms").as_f64())
        else {
            continue;
        };
        let cell = times
            .measured
            .entry(get("function_name").as_str().to_string())
            .or_default()
            .entry(memory as u32)
            .or_default();
        let seconds = Some(ms / 1000.0);
        match get("start").as_str() {
            "cold" => cell.cold_s = seconds,
            _ => cell.warm_s = seconds,
        }
        times.runs = times.runs.max(get("runs").as_f64().unwrap_or(0.0) as i64);
    }
    Ok(times)
}
