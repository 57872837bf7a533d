//! `analyze --data s3://bucket/prefix` against a real S3-compatible server (moto) on 127.0.0.1:
//! credentials and region from the AWS SDK chain, endpoint from AWS_ENDPOINT_URL.

mod common;

use common::{lambench, moto, write_fixture};
use lambench_model::Matrix;
use lambench_testkit::synthetic;
use predicates::prelude::*;

#[test]
fn analyze_reads_parquet_from_s3() {
    let Some(server) = moto::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let _ = server.python(&format!(
        r#"
import boto3, os
s3 = boto3.client("s3")
s3.create_bucket(Bucket="results")
root = {root:?}
for base, _, files in os.walk(root):
    for f in files:
        path = os.path.join(base, f)
        s3.upload_file(path, "results", "lambench/" + os.path.relpath(path, root))
"#,
        root = dir.path().to_str().unwrap()
    ));

    let expected = synthetic::invocations(&Matrix::builtin().unwrap(), 3, 12, 42).len();
    let mut cmd = lambench();
    cmd.env_remove("AWS_PROFILE").envs(server.env()).args([
        "analyze",
        "--data",
        "s3://results/lambench",
        "--run",
        "fixture-run",
        "--query",
        "SELECT count(*) AS n, count(DISTINCT run_id) AS runs FROM invocations",
        "--format",
        "csv",
    ]);
    cmd.assert()
        .success()
        .stdout(format!("n,runs\n{expected},1\n"));

    let mut missing = lambench();
    missing.env_remove("AWS_PROFILE").envs(server.env()).args([
        "analyze",
        "--data",
        "s3://results/nothing-here",
        "--query",
        "SELECT count(*) FROM invocations",
    ]);
    missing.assert().code(2).stderr(predicate::str::contains(
        "no .parquet files under s3://results/nothing-here",
    ));
}
