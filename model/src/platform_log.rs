//! Parser for what Lambda logs about each invocation: the `REPORT` line (text log format), the
//! `platform.report` record (JSON log format) and the `INIT_START` line / `platform.initStart`
//! record that carries the runtime version.
//!
//! Input is the log tail the Invoke API returns with `LogType=Tail` (or a CloudWatch log
//! stream); it may hold the function's own output too. Unknown fields are tolerated, because
//! Lambda adds fields over time; a tail without a REPORT is an error value, never a panic.

use serde::Deserialize;
use thiserror::Error;

/// The metrics Lambda reports for one invocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub request_id: String,
    pub duration_ms: f64,
    pub billed_duration_ms: i64,
    pub memory_size_mb: i32,
    pub max_memory_used_mb: i32,
    pub init_duration_ms: Option<f64>,
    pub restore_duration_ms: Option<f64>,
    pub billed_restore_duration_ms: Option<i64>,
    /// `None` when Lambda did not say (success in the text format); otherwise `error`,
    /// `timeout`, `success`, ...
    pub status: Option<String>,
    pub error_type: Option<String>,
}

impl Report {
    /// A REPORT with Init Duration or Restore Duration proves a cold start.
    pub fn is_cold(&self) -> bool {
        self.init_duration_ms.is_some() || self.restore_duration_ms.is_some()
    }
}

/// The runtime that served a cold start, from `INIT_START`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitStart {
    /// e.g. `python:3.13.v16`.
    pub runtime_version: String,
    pub runtime_version_arn: Option<String>,
}

/// Everything lambench reads from one invocation's log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogSummary {
    pub report: Report,
    pub init_start: Option<InitStart>,
}

/// Why a log could not be read.
#[derive(Debug, Error, PartialEq)]
pub enum ReportError {
    #[error(
        "no REPORT line in the log tail; Lambda writes one per invocation, so the tail was cut or the log format is unknown"
    )]
    Missing,
    #[error("REPORT line lacks `{field}`: {line:?}")]
    MissingField { field: &'static str, line: String },
    #[error("REPORT field `{field}` has an unreadable value {value:?}")]
    BadValue { field: String, value: String },
    #[error("platform.report record is not valid: {0}")]
    Json(String),
}

/// Parses a log tail: the last REPORT (or platform.report) and the INIT_START before it.
pub fn parse_log(log: &str) -> Result<LogSummary, ReportError> {
    let mut report = None;
    let mut init_start = None;
    for line in log.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("REPORT ") {
            report = Some(parse_report_line(trimmed)?);
        } else if trimmed.starts_with("INIT_START ") {
            init_start = Some(parse_init_start_line(trimmed));
        } else if trimmed.starts_with('{') && trimmed.contains("\"platform.") {
            match parse_json_line(trimmed)? {
                Some(JsonEvent::Report(r)) => report = Some(r),
                Some(JsonEvent::InitStart(i)) => init_start = Some(i),
                None => {}
            }
        }
    }
    let report = report.ok_or(ReportError::Missing)?;
    Ok(LogSummary { report, init_start })
}

/// Parses one text-format REPORT line (tab-separated `Key: value unit` fields).
pub fn parse_report_line(line: &str) -> Result<Report, ReportError> {
    let body = line.trim().strip_prefix("REPORT").unwrap_or(line).trim();
    let mut fields: Vec<(&str, &str)> = Vec::new();
    for part in body.split('\t') {
        if let Some((key, value)) = part.split_once(':') {
            fields.push((key.trim(), value.trim()));
        }
    }
    let get = |name: &'static str| fields.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let need = |name: &'static str| {
        get(name).ok_or_else(|| ReportError::MissingField {
            field: name,
            line: line.to_string(),
        })
    };
    let opt_ms = |name: &'static str| get(name).map(|v| number(name, v, "ms")).transpose();
    Ok(Report {
        request_id: need("RequestId")?.to_string(),
        duration_ms: number("Duration", need("Duration")?, "ms")?,
        billed_duration_ms: integer("Billed Duration", need("Billed Duration")?, "ms")?,
        memory_size_mb: integer("Memory Size", need("Memory Size")?, "MB")? as i32,
        max_memory_used_mb: integer("Max Memory Used", need("Max Memory Used")?, "MB")? as i32,
        init_duration_ms: opt_ms("Init Duration")?,
        restore_duration_ms: opt_ms("Restore Duration")?,
        billed_restore_duration_ms: get("Billed Restore Duration")
            .map(|v| integer("Billed Restore Duration", v, "ms"))
            .transpose()?,
        status: get("Status").map(str::to_string),
        error_type: get("Error Type").map(str::to_string),
    })
}

fn number(field: &str, value: &str, unit: &str) -> Result<f64, ReportError> {
    let bad = || ReportError::BadValue {
        field: field.to_string(),
        value: value.to_string(),
    };
    let text = value.strip_suffix(unit).unwrap_or(value).trim();
    let n: f64 = text.parse().map_err(|_| bad())?;
    if n.is_finite() && n >= 0.0 {
        Ok(n)
    } else {
        Err(bad())
    }
}

fn integer(field: &str, value: &str, unit: &str) -> Result<i64, ReportError> {
    let text = value.strip_suffix(unit).unwrap_or(value).trim();
    text.parse().map_err(|_| ReportError::BadValue {
        field: field.to_string(),
        value: value.to_string(),
    })
}

/// Parses `INIT_START Runtime Version: python:3.13.v16\tRuntime Version ARN: arn:...`.
pub fn parse_init_start_line(line: &str) -> InitStart {
    let mut version = String::new();
    let mut arn = None;
    for part in line.trim_start_matches("INIT_START").split('\t') {
        if let Some((key, value)) = part.split_once(':') {
            match key.trim() {
                "Runtime Version" => version = value.trim().to_string(),
                "Runtime Version ARN" => arn = Some(value.trim().to_string()),
                _ => {}
            }
        }
    }
    InitStart {
        runtime_version: version,
        runtime_version_arn: arn,
    }
}

enum JsonEvent {
    Report(Report),
    InitStart(InitStart),
}

#[derive(Deserialize)]
struct JsonLine {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    record: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport {
    request_id: String,
    metrics: JsonMetrics,
    status: Option<String>,
    error_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonMetrics {
    duration_ms: f64,
    billed_duration_ms: i64,
    #[serde(rename = "memorySizeMB")]
    memory_size_mb: i32,
    #[serde(rename = "maxMemoryUsedMB")]
    max_memory_used_mb: i32,
    init_duration_ms: Option<f64>,
    restore_duration_ms: Option<f64>,
    billed_restore_duration_ms: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonInitStart {
    runtime_version: Option<String>,
    runtime_version_arn: Option<String>,
}

fn parse_json_line(line: &str) -> Result<Option<JsonEvent>, ReportError> {
    let Ok(event) = serde_json::from_str::<JsonLine>(line) else {
        return Ok(None); // the function's own JSON output, not a platform record
    };
    let json_err = |e: serde_json::Error| ReportError::Json(e.to_string());
    match event.kind.as_str() {
        "platform.report" => {
            let r: JsonReport = serde_json::from_value(event.record).map_err(json_err)?;
            let m = &r.metrics;
            let durations = [
                Some(m.duration_ms),
                m.init_duration_ms,
                m.restore_duration_ms,
            ];
            if let Some(bad) = durations
                .into_iter()
                .flatten()
                .find(|v| !(v.is_finite() && *v >= 0.0))
            {
                return Err(ReportError::BadValue {
                    field: "metrics".into(),
                    value: bad.to_string(),
                });
            }
            Ok(Some(JsonEvent::Report(Report {
                request_id: r.request_id,
                duration_ms: r.metrics.duration_ms,
                billed_duration_ms: r.metrics.billed_duration_ms,
                memory_size_mb: r.metrics.memory_size_mb,
                max_memory_used_mb: r.metrics.max_memory_used_mb,
                init_duration_ms: r.metrics.init_duration_ms,
                restore_duration_ms: r.metrics.restore_duration_ms,
                billed_restore_duration_ms: r.metrics.billed_restore_duration_ms,
                status: r.status,
                error_type: r.error_type,
            })))
        }
        "platform.initStart" => {
            let i: JsonInitStart = serde_json::from_value(event.record).map_err(json_err)?;
            Ok(Some(JsonEvent::InitStart(InitStart {
                runtime_version: i.runtime_version.unwrap_or_default(),
                runtime_version_arn: i.runtime_version_arn,
            })))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests;
