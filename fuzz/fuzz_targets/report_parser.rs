//! The log parser must never panic, whatever Lambda (or a broken proxy) sends back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(summary) = lambench_model::platform_log::parse_log(text) {
            // A parsed report is internally consistent.
            assert!(summary.report.duration_ms >= 0.0);
            let _ = summary.report.is_cold();
        }
    }
});
