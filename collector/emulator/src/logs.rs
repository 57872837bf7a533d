//! The log lines Lambda writes around an invocation, in its text format.

use lambench_model::matrix::RuntimeId;

/// What one invocation measured.
pub struct Measured<'a> {
    pub request_id: &'a str,
    pub duration_ms: f64,
    pub memory_mb: u32,
    pub max_memory_used_mb: i32,
    pub init_ms: Option<f64>,
    /// `timeout`, `error` (crash) or `None`.
    pub status: Option<&'a str>,
    pub error_type: Option<&'a str>,
}

/// Billed Duration: 1 ms granularity, INIT billed on cold starts (on-demand, since 2025-08-01).
pub fn billed_ms(duration_ms: f64, init_ms: Option<f64>) -> u64 {
    (duration_ms + init_ms.unwrap_or(0.0)).ceil().max(1.0) as u64
}

/// `REPORT RequestId: ...` with Lambda's tab-separated fields.
pub fn report_line(m: &Measured) -> String {
    let mut line = format!(
        "REPORT RequestId: {}\tDuration: {:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB\tMax Memory Used: {} MB\t",
        m.request_id,
        m.duration_ms,
        billed_ms(m.duration_ms, m.init_ms),
        m.memory_mb,
        m.max_memory_used_mb
    );
    if let Some(init) = m.init_ms {
        line.push_str(&format!("Init Duration: {init:.2} ms\t"));
    }
    if let Some(status) = m.status {
        line.push_str(&format!("Status: {status}\t"));
    }
    if let Some(t) = m.error_type {
        line.push_str(&format!("Error Type: {t}\t"));
    }
    line
}

/// The runtime version INIT_START reports for a local runtime.
pub fn init_start_line(runtime: &str) -> String {
    let version =
        RuntimeId::parse(runtime).map_or_else(|| runtime.to_string(), RuntimeId::version_name);
    format!(
        "INIT_START Runtime Version: {version}.local\tRuntime Version ARN: arn:aws:lambda:local::runtime:lambench-emulator"
    )
}

/// The last 4 KB of a log, as `X-Amz-Log-Result` carries it (cut on a line boundary).
pub fn tail_4k(log: &str) -> &str {
    if log.len() <= 4096 {
        return log;
    }
    let mut start = log.len() - 4096;
    while !log.is_char_boundary(start) {
        start += 1;
    }
    match log[start..].find('\n') {
        Some(i) => &log[start + i + 1..],
        None => &log[start..],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambench_model::platform_log::parse_log;

    #[test]
    fn report_lines_parse_back() {
        let m = Measured {
            request_id: "r1",
            duration_ms: 12.345,
            memory_mb: 256,
            max_memory_used_mb: 40,
            init_ms: Some(100.5),
            status: None,
            error_type: None,
        };
        let log = format!(
            "{}\nSTART RequestId: r1\nEND RequestId: r1\n{}\n",
            init_start_line("python3.13"),
            report_line(&m)
        );
        let s = parse_log(&log).unwrap();
        assert_eq!(s.report.billed_duration_ms, 113);
        assert_eq!(s.report.init_duration_ms, Some(100.5));
        assert_eq!(s.init_start.unwrap().runtime_version, "python:3.13.local");
        assert!(init_start_line("nodejs22.x").contains("Runtime Version: nodejs:22.local"));
        assert!(
            init_start_line("provided.al2023").contains("Runtime Version: provided:al2023.local")
        );
        assert_eq!(tail_4k("short"), "short");
        let long = "x".repeat(5000) + "\nlast line";
        assert_eq!(tail_4k(&long), "last line");
    }
}
