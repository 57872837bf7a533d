//! `collect` against AWS with no credentials anywhere: a usage error before anything starts.

mod common;

use common::lambench;
use predicates::prelude::PredicateBooleanExt;

#[test]
fn no_credentials_is_a_usage_error_that_points_to_local() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    let mut cmd = lambench();
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_ENDPOINT_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_CONFIG_FILE", dir.path().join("no-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.path().join("no-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", "us-east-1")
        .args(["collect", "--test", "--yes", "--out"])
        .arg(&out)
        .assert()
        // 2: nothing ran; 1 is the README's resumable stop (e.g. credentials expiring mid-run).
        .code(2)
        .stderr(predicates::str::contains("no AWS credentials found"))
        .stderr(predicates::str::contains("use --local"))
        .stderr(predicates::str::contains("expired").not());
    assert!(!out.exists(), "a refused run created {out:?}");
}
