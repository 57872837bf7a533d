use super::*;
use proptest::prelude::*;

const COLD: &str = "INIT_START Runtime Version: python:3.13.v16\tRuntime Version ARN: arn:aws:lambda:us-east-2::runtime:abc\n\
START RequestId: 8f5e Version: $LATEST\n\
hello from the handler\n\
END RequestId: 8f5e\n\
REPORT RequestId: 8f5e\tDuration: 12.34 ms\tBilled Duration: 123 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 110.20 ms\t\n\
XRAY TraceId: 1-5e1b4151-5ac6c58f5b5daa6532e4f2e8\tSegmentId: 6b6a4e4d8b0d0f2b\tSampled: true\n";

#[test]
fn cold_text_report_with_init_start() {
    let s = parse_log(COLD).unwrap();
    assert_eq!(s.report.request_id, "8f5e");
    assert_eq!(s.report.duration_ms, 12.34);
    assert_eq!(s.report.billed_duration_ms, 123);
    assert_eq!(s.report.memory_size_mb, 128);
    assert_eq!(s.report.max_memory_used_mb, 40);
    assert_eq!(s.report.init_duration_ms, Some(110.2));
    assert!(s.report.is_cold());
    let init = s.init_start.unwrap();
    assert_eq!(init.runtime_version, "python:3.13.v16");
    assert_eq!(
        init.runtime_version_arn.as_deref(),
        Some("arn:aws:lambda:us-east-2::runtime:abc")
    );
}

#[test]
fn warm_error_and_timeout_reports() {
    let warm = "REPORT RequestId: a\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 256 MB\tMax Memory Used: 50 MB\t";
    let s = parse_log(warm).unwrap();
    assert!(!s.report.is_cold());
    assert!(s.init_start.is_none());
    let timeout = "REPORT RequestId: b\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout";
    assert_eq!(
        parse_log(timeout).unwrap().report.status.as_deref(),
        Some("timeout")
    );
    let crash = "REPORT RequestId: c\tDuration: 5.1 ms\tBilled Duration: 6 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory";
    let r = parse_log(crash).unwrap().report;
    assert_eq!(r.error_type.as_deref(), Some("Runtime.OutOfMemory"));
}

#[test]
fn snapstart_restore_fields() {
    let line = "REPORT RequestId: d\tDuration: 20.5 ms\tBilled Duration: 315 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tRestore Duration: 474.16 ms\tBilled Restore Duration: 294 ms";
    let r = parse_report_line(line).unwrap();
    assert_eq!(r.restore_duration_ms, Some(474.16));
    assert_eq!(r.billed_restore_duration_ms, Some(294));
    assert!(r.is_cold());
}

#[test]
fn unknown_fields_are_tolerated() {
    let line = "REPORT RequestId: e\tDuration: 2 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 30 MB\tFuture Metric: 7 widgets";
    assert_eq!(parse_report_line(line).unwrap().duration_ms, 2.0);
}

#[test]
fn json_log_format() {
    let log = r#"{"time":"2024-01-01T00:00:00.000Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init","runtimeVersion":"nodejs:22.v30","runtimeVersionArn":"arn:x"}}
{"level":"INFO","message":"{\"type\":\"platform.fake\"}"}
{"time":"2024-01-01T00:00:01.000Z","type":"platform.report","record":{"requestId":"f","metrics":{"durationMs":3.5,"billedDurationMs":150,"memorySizeMB":1024,"maxMemoryUsedMB":70,"initDurationMs":145.9},"status":"success"}}"#;
    let s = parse_log(log).unwrap();
    assert_eq!(s.report.request_id, "f");
    assert_eq!(s.report.init_duration_ms, Some(145.9));
    assert_eq!(s.report.status.as_deref(), Some("success"));
    assert_eq!(s.init_start.unwrap().runtime_version, "nodejs:22.v30");
}

#[test]
fn missing_and_malformed_reports_are_errors() {
    assert_eq!(
        parse_log("START RequestId: x\nEND RequestId: x\n"),
        Err(ReportError::Missing)
    );
    assert_eq!(parse_log(""), Err(ReportError::Missing));
    let no_duration =
        "REPORT RequestId: g\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 30 MB";
    assert!(matches!(
        parse_log(no_duration),
        Err(ReportError::MissingField {
            field: "Duration",
            ..
        })
    ));
    let bad = "REPORT RequestId: h\tDuration: fast ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 30 MB";
    assert!(matches!(parse_log(bad), Err(ReportError::BadValue { .. })));
    let negative = r#"{"type":"platform.report","record":{"requestId":"j","metrics":{"durationMs":-1,"billedDurationMs":1,"memorySizeMB":128,"maxMemoryUsedMB":1}}}"#;
    assert!(matches!(
        parse_log(negative),
        Err(ReportError::BadValue { .. })
    ));
    let bad_json = r#"{"type":"platform.report","record":{"requestId":"i"}}"#;
    assert!(matches!(parse_log(bad_json), Err(ReportError::Json(_))));
}

fn opt_ms() -> impl Strategy<Value = Option<f64>> {
    prop::option::of((0u32..10_000_000).prop_map(|v| f64::from(v) / 100.0))
}

proptest! {
    /// Formatting any report as Lambda does and parsing it back gives the same values.
    #[test]
    fn text_report_round_trips(
        id in "[0-9a-f-]{1,36}",
        duration in (0u32..100_000_000).prop_map(|v| f64::from(v) / 100.0),
        billed in 0i64..1_000_000,
        memory in 128i32..=10240,
        used in 1i32..=10240,
        init in opt_ms(),
        restore in opt_ms(),
        status in prop::option::of(prop::sample::select(vec!["error", "timeout"])),
    ) {
        let mut line = format!(
            "REPORT RequestId: {id}\tDuration: {duration:.2} ms\tBilled Duration: {billed} ms\tMemory Size: {memory} MB\tMax Memory Used: {used} MB\t"
        );
        if let Some(v) = init { line.push_str(&format!("Init Duration: {v:.2} ms\t")); }
        if let Some(v) = restore { line.push_str(&format!("Restore Duration: {v:.2} ms\t")); }
        if let Some(s) = status { line.push_str(&format!("Status: {s}\t")); }
        let r = parse_log(&format!("START\n{line}\nXRAY TraceId: 1\n")).unwrap().report;
        prop_assert_eq!(r.request_id, id);
        prop_assert_eq!(r.duration_ms, duration);
        prop_assert_eq!(r.billed_duration_ms, billed);
        prop_assert_eq!(r.memory_size_mb, memory);
        prop_assert_eq!(r.max_memory_used_mb, used);
        prop_assert_eq!(r.init_duration_ms, init);
        prop_assert_eq!(r.restore_duration_ms, restore);
        prop_assert_eq!(r.status.as_deref(), status);
    }

    /// Arbitrary text never panics the parser.
    #[test]
    fn arbitrary_text_never_panics(text in "(REPORT |INIT_START |\\{\"type\":\"platform\\.report\"|[ -~\t\n]){0,200}") {
        let _ = parse_log(&text);
    }
}
