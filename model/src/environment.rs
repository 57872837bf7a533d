//! The `environment` object every handler adds to its response (docs/handler-contract.md),
//! turned into the record's [`Environment`].
//!
//! Handlers report raw `/proc/cpuinfo` fields; the CPU model is decoded and the features that
//! matter to the workloads are picked here, in one place, so the handlers stay small and the
//! list can grow without redeploying 42 functions.

use serde_json::Value;

use crate::record::Environment;

/// Arm Ltd. (implementer `0x41`) core part numbers, as Linux's `asm/cputype.h` lists them: the
/// cores of AWS Graviton and their neighbours.
const ARM_PARTS: &[(&str, &str)] = &[
    ("0xd08", "Cortex-A72"),    // Graviton (first generation)
    ("0xd0c", "Neoverse-N1"),   // Graviton2
    ("0xd40", "Neoverse-V1"),   // Graviton3
    ("0xd49", "Neoverse-N2"),   //
    ("0xd4f", "Neoverse-V2"),   // Graviton4
    ("0xd83", "Neoverse-V3AE"), //
    ("0xd84", "Neoverse-V3"),   //
    ("0xd8e", "Neoverse-N3"),   //
];

/// Instruction-set features the workloads can use, in the order `cpu_features` lists them:
/// SHA extensions (the cpu-intensive chain), vector units (sorting, memory copies) and arm64
/// LSE atomics (allocators). x86_64 names come from `flags`, arm64 names from `Features`.
pub const FEATURES: &[&str] = &[
    "sha_ni", "avx2", "avx512f", "avx512bw", "avx512vl", "bmi2", // x86_64
    "sha2", "sha512", "asimd", "atomics", "sve", "sve2", // arm64
];

/// Longest string kept from a handler's report: it is data from a function, not trusted.
const MAX_LEN: usize = 256;

/// The environment of a response payload (`function_error`: the payload is Lambda's error
/// object, whose `errorMessage` holds the contract's error body). Unknown fields stay `None`.
pub fn from_response(payload: &[u8], function_error: bool) -> Environment {
    let Ok(body) = serde_json::from_slice::<Value>(payload) else {
        return Environment::default();
    };
    let body = if function_error {
        match body["errorMessage"]
            .as_str()
            .map(serde_json::from_str::<Value>)
        {
            Some(Ok(inner)) => inner,
            _ => return Environment::default(),
        }
    } else {
        body
    };
    from_report(&body["environment"])
}

/// Decodes one `environment` object: `{"id", "invocation", "cpuinfo": {...}}`.
pub fn from_report(report: &Value) -> Environment {
    let cpuinfo = &report["cpuinfo"];
    let field = |name: &str| cpuinfo[name].as_str().map(str::trim);
    Environment {
        id: report["id"].as_str().map(bounded),
        invocation: report["invocation"]
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .filter(|n| *n >= 1),
        cpu_model: cpu_model(
            field("model name"),
            field("CPU implementer"),
            field("CPU part"),
        ),
        cpu_features: field("flags").or(field("Features")).map(features),
    }
}

/// The CPU's name: arm64's implementer and part decoded (raw when unknown), x86_64's
/// `model name` with its spacing normalised.
pub fn cpu_model(
    model_name: Option<&str>,
    implementer: Option<&str>,
    part: Option<&str>,
) -> Option<String> {
    if let (Some(implementer), Some(part)) = (implementer, part) {
        let (implementer, part) = (implementer.to_ascii_lowercase(), part.to_ascii_lowercase());
        let known = (implementer == "0x41")
            .then(|| ARM_PARTS.iter().find(|(p, _)| *p == part))
            .flatten();
        return Some(match known {
            Some((_, name)) => (*name).to_string(),
            None => bounded(&format!("implementer {implementer} part {part}")),
        });
    }
    let name = model_name?.split_whitespace().collect::<Vec<_>>().join(" ");
    (!name.is_empty()).then(|| bounded(&name))
}

/// The [`FEATURES`] present in a `flags`/`Features` line, space-separated in that order
/// (empty when none of them is).
pub fn features(flags: &str) -> String {
    let present: Vec<&str> = flags.split_whitespace().collect();
    FEATURES
        .iter()
        .filter(|f| present.contains(f))
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

fn bounded(s: &str) -> String {
    s.chars().take(MAX_LEN).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const GRAVITON2_FEATURES: &str = "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs";

    #[test]
    fn graviton_parts_decode_and_unknown_parts_stay_raw() {
        let model = |i, p| cpu_model(None, Some(i), Some(p));
        assert_eq!(model("0x41", "0xd0c").as_deref(), Some("Neoverse-N1"));
        assert_eq!(model("0x41", "0xD40").as_deref(), Some("Neoverse-V1"));
        assert_eq!(model("0x41", "0xd4f").as_deref(), Some("Neoverse-V2"));
        assert_eq!(
            model("0x41", "0xd99").as_deref(),
            Some("implementer 0x41 part 0xd99")
        );
        assert_eq!(
            model("0xc0", "0xac3").as_deref(),
            Some("implementer 0xc0 part 0xac3"),
            "another implementer's part numbers mean something else"
        );
    }

    #[test]
    fn x86_model_names_are_normalised() {
        assert_eq!(
            cpu_model(Some("  Intel(R) Xeon(R)  Processor @ 2.50GHz "), None, None).as_deref(),
            Some("Intel(R) Xeon(R) Processor @ 2.50GHz")
        );
        assert_eq!(cpu_model(Some("   "), None, None), None);
        assert_eq!(cpu_model(None, None, None), None);
    }

    #[test]
    fn features_keep_only_the_listed_ones_in_order() {
        assert_eq!(features(GRAVITON2_FEATURES), "sha2 asimd atomics");
        assert_eq!(
            features("fpu vme avx512f sse avx2 sha_ni avx512vl avx512bwx"),
            "sha_ni avx2 avx512f avx512vl"
        );
        assert_eq!(features("fpu vme"), "");
    }

    #[test]
    fn response_and_error_bodies_carry_the_environment() {
        let report = json!({
            "id": "2026/11/30/[$LATEST]abc",
            "invocation": 3,
            "cpuinfo": {"CPU implementer": "0x41", "CPU part": "0xd0c", "Features": GRAVITON2_FEATURES},
        });
        let ok = json!({"success": true, "digest": "00", "environment": report});
        let env = from_response(ok.to_string().as_bytes(), false);
        assert_eq!(env.id.as_deref(), Some("2026/11/30/[$LATEST]abc"));
        assert_eq!(env.invocation, Some(3));
        assert_eq!(env.cpu_model.as_deref(), Some("Neoverse-N1"));
        assert_eq!(env.cpu_features.as_deref(), Some("sha2 asimd atomics"));

        let body = json!({"success": false, "error": "bad", "environment": report});
        let error = json!({"errorType": "WorkloadError", "errorMessage": body.to_string()});
        assert_eq!(from_response(error.to_string().as_bytes(), true), env);
    }

    #[test]
    fn anything_else_is_unknown_not_an_error() {
        let crash = json!({"errorType": "Runtime.ExitError", "errorMessage": "exit status 137"});
        for (payload, error) in [
            (crash.to_string(), true),
            ("not json".to_string(), false),
            ("{}".to_string(), false),
            (json!({"environment": {"invocation": 0}}).to_string(), false),
            (
                json!({"environment": {"invocation": "1"}}).to_string(),
                false,
            ),
        ] {
            assert_eq!(
                from_response(payload.as_bytes(), error),
                Environment::default(),
                "{payload}"
            );
        }
    }

    #[test]
    fn long_strings_are_cut() {
        let report = json!({"id": "x".repeat(10_000), "cpuinfo": {"model name": "y".repeat(999)}});
        let env = from_report(&report);
        assert_eq!(env.id.map(|s| s.len()), Some(MAX_LEN));
        assert_eq!(env.cpu_model.map(|s| s.len()), Some(MAX_LEN));
    }
}
