//! `lambench matrix --json`: the document the CDK app deploys from (infra/lib/matrix.ts) has
//! every function with the facts deploying it takes, and each of them is true of the checkout.

mod common;

use common::{lambench, repo_root, succeed};
use serde_json::Value;

fn document(extra: &[&str]) -> Value {
    let out = succeed(lambench().args(extra).args(["matrix", "--json"]));
    serde_json::from_str(&out).expect("matrix --json is JSON")
}

#[test]
fn every_function_names_its_handler_entry_file_source_and_timeout() {
    let doc = document(&[]);
    let functions = doc["functions"].as_array().expect("functions");
    assert_eq!(functions.len(), 48, "42 and the optional nodejs24.x's 6");
    let timeouts: Vec<(String, u64)> = doc["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .map(|w| {
            (
                w["name"].as_str().expect("name").to_string(),
                w["timeout_s"].as_u64().expect("timeout_s"),
            )
        })
        .collect();
    assert!(
        timeouts.contains(&("memory-intensive".into(), 900)),
        "{timeouts:?}"
    );
    for f in functions {
        let workload = f["workload"].as_str().expect("workload");
        let timeout = timeouts.iter().find(|(w, _)| w == workload).map(|t| t.1);
        assert_eq!(f["timeout_s"].as_u64(), timeout, "{f}");
        let entry = f["entry_file"].as_str().expect("entry_file");
        let module = f["handler"].as_str().expect("handler").split('.').next();
        assert!(entry.starts_with(module.unwrap_or_default()), "{f}");
        match f["language"].as_str() {
            Some("rust") => assert!(f["source_dir"].is_null() && entry == "bootstrap", "{f}"),
            _ => {
                let dir = f["source_dir"].as_str().expect("source_dir");
                assert!(
                    repo_root().join(dir).join(entry).is_file(),
                    "{dir}/{entry} is in the checkout"
                );
            }
        }
    }
}

#[test]
fn a_matrix_file_is_read_and_its_errors_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo_root().join("bench.toml")).unwrap();
    let file = dir.path().join("bench.toml");
    std::fs::write(&file, text.replace("timeout_s = 30\n", "timeout_s = 45\n")).unwrap();
    let doc = document(&["--matrix", file.to_str().unwrap()]);
    let light = doc["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "light")
        .cloned();
    assert_eq!(light.map(|w| w["timeout_s"].clone()), Some(45.into()));
    std::fs::write(&file, text.replace("timeout_s = 30\n", "timeout_s = 0\n")).unwrap();
    lambench()
        .args(["--matrix", file.to_str().unwrap(), "matrix", "--json"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("workloads.light.timeout_s"));
}
