//! The `environment` report every response carries (docs/handler-contract.md, "Where the
//! sample ran"): an id made once per execution environment, the number of the invocation it is
//! serving, and the first processor's raw `/proc/cpuinfo` fields (the collector decodes them).
//! Read once, at init, as the Python and Node.js handlers do.

use std::sync::atomic::{AtomicU64, Ordering};

use lambda_runtime::Diagnostic;
use serde_json::{Map, Value, json};

use crate::event::WorkloadError;

/// The `/proc/cpuinfo` fields reported: x86_64's model name and flags, arm64's implementer,
/// part and features.
pub const CPUINFO_FIELDS: &[&str] = &[
    "model name",
    "flags",
    "CPU implementer",
    "CPU part",
    "Features",
];

/// One execution environment, as its handler process sees it.
#[derive(Debug)]
pub struct Environment {
    id: String,
    cpuinfo: Map<String, Value>,
    invocations: AtomicU64,
}

impl Environment {
    /// Reads the environment once, at init: the log stream name is the id on Lambda (one per
    /// environment); elsewhere a random one.
    pub fn detect() -> Environment {
        let id = std::env::var("AWS_LAMBDA_LOG_STREAM_NAME")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(random_id);
        let text = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        Environment::new(id, &text)
    }

    /// An environment with this id and `/proc/cpuinfo` text.
    pub fn new(id: String, cpuinfo_text: &str) -> Environment {
        Environment {
            id,
            cpuinfo: cpuinfo_fields(cpuinfo_text),
            invocations: AtomicU64::new(0),
        }
    }

    /// Counts the invocation about to run; returns the report its response carries.
    pub fn next_invocation(&self) -> Value {
        let n = self.invocations.fetch_add(1, Ordering::Relaxed) + 1;
        json!({"id": self.id, "invocation": n, "cpuinfo": self.cpuinfo})
    }
}

/// The first processor's [`CPUINFO_FIELDS`] (a blank line ends its block).
pub fn cpuinfo_fields(text: &str) -> Map<String, Value> {
    let mut fields = Map::new();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            if fields.is_empty() {
                continue;
            }
            break;
        };
        let key = key.trim();
        if CPUINFO_FIELDS.contains(&key) && !fields.contains_key(key) {
            fields.insert(key.to_string(), Value::from(value.trim()));
        }
    }
    fields
}

/// A handler's result with the environment report attached: under `environment` in the
/// response, or in the error body that Lambda's error channel carries.
pub fn respond(report: Value, result: Result<Value, WorkloadError>) -> Result<Value, Diagnostic> {
    match result {
        Ok(mut body) => {
            body["environment"] = report;
            Ok(body)
        }
        Err(e) => {
            let mut body = e.body();
            body["environment"] = report;
            Err(Diagnostic {
                error_type: "WorkloadError".into(),
                error_message: body.to_string(),
            })
        }
    }
}

fn random_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/uuid")
        .map(|s| s.trim().replace('-', ""))
        .unwrap_or_else(|_| {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            format!("{:x}-{nanos:x}", std::process::id())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const X86: &str = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7R13 Processor\nflags\t\t: fpu avx2 sha_ni\n\nprocessor\t: 1\nmodel name\t: other\n";
    const ARM: &str = "processor\t: 0\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd sha2 atomics\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU part\t: 0xd0c\n\nprocessor\t: 1\n";

    #[test]
    fn first_processor_fields_only() {
        let x86 = cpuinfo_fields(X86);
        assert_eq!(x86["model name"], "AMD EPYC 7R13 Processor");
        assert_eq!(x86["flags"], "fpu avx2 sha_ni");
        assert_eq!(x86.len(), 2);
        let arm = cpuinfo_fields(ARM);
        assert_eq!(arm["CPU part"], "0xd0c");
        assert_eq!(arm["CPU implementer"], "0x41");
        assert_eq!(arm["Features"], "fp asimd sha2 atomics");
        assert_eq!(arm.len(), 3);
        assert!(cpuinfo_fields("").is_empty());
    }

    #[test]
    fn invocations_count_from_one() {
        let env = Environment::new("stream".into(), ARM);
        assert_eq!(env.next_invocation()["invocation"], 1);
        let second = env.next_invocation();
        assert_eq!(second["invocation"], 2);
        assert_eq!(second["id"], "stream");
        assert_eq!(second["cpuinfo"]["CPU part"], "0xd0c");
        assert_ne!(random_id(), random_id());
    }

    #[test]
    fn errors_carry_the_report_in_their_body() {
        let report = json!({"id": "e", "invocation": 4});
        let err = WorkloadError::new("cpu-intensive", "bad");
        let diagnostic = respond(report.clone(), Err(err)).unwrap_err();
        let body: Value = serde_json::from_str(&diagnostic.error_message).unwrap();
        assert_eq!(body["environment"], report);
        assert_eq!(body["success"], false);
        let ok = respond(report.clone(), Ok(json!({"success": true}))).unwrap();
        assert_eq!(ok["environment"], report);
    }
}
