//! The AWS code paths against a real local server (moto_server): functions discovered from a
//! CloudFormation stack, Parquet and the manifest written to S3, the DynamoDB ledger; the
//! functions themselves run on the emulator (moto cannot run Lambda code without Docker).

mod common;

use common::collect::{EmulatorProcess, small_matrix};
use common::{lambench, moto, succeed};

const SETUP: &str = r#"
import boto3, json
boto3.client("s3").create_bucket(Bucket="lambench-results")
boto3.client("dynamodb").create_table(
    TableName="lambench-runs",
    KeySchema=[{"AttributeName": "run_id", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[{"AttributeName": "run_id", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)
role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}}
resources = {"Role": role}
for i, name in enumerate(["lambench-python3-11-x86_64-cpu-intensive", "lambench-python3-12-x86_64-cpu-intensive", "not-a-benchmark"]):
    resources[f"F{i}"] = {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": name, "Runtime": "python3.12",
        "Handler": "index.handler", "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"ZipFile": "def handler(e, c): return 1"}}}
for i in range(110):
    resources[f"Topic{i}"] = {"Type": "AWS::SNS::Topic", "Properties": {}}
boto3.client("cloudformation").create_stack(StackName="Lambench", TemplateBody=json.dumps({"Resources": resources}))
"#;

const CHECK: &str = r#"
import boto3, json
ddb = boto3.client("dynamodb")
items = ddb.query(TableName="lambench-runs", KeyConditionExpression="run_id = :r",
                  ExpressionAttributeValues={":r": {"S": "aws1"}})["Items"]
run = [i for i in items if i["sk"]["S"] == "run"][0]
inv = [i for i in items if i["sk"]["S"].startswith("inv#")]
s3 = boto3.client("s3").list_objects_v2(Bucket="lambench-results", Prefix="data/")
print(json.dumps({
    "status": run["status"]["S"], "cells_done": int(run["cells_done"]["N"]), "rows": int(run["rows"]["N"]),
    "rounds_done": int(run["rounds_done"]["N"]), "rounds_total": int(run["rounds_total"]["N"]),
    "rounds": sorted({i["round"]["N"] for i in inv}),
    "ttl": all("expires_at" in i for i in items), "invocations": len(inv),
    "functions": sorted({i["function_name"]["S"] for i in inv}),
    "objects": sorted(o["Key"] for o in s3.get("Contents", [])),
}))
"#;

#[test]
fn stack_discovery_s3_parquet_and_dynamodb_ledger() {
    let Some(moto) = moto::start() else { return };
    moto.python(SETUP);
    let dir = tempfile::tempdir().unwrap();
    let matrix = small_matrix(dir.path(), 2000, 2, "256, 1769");
    let emulator = EmulatorProcess::start(&matrix, &[]);
    let mut cmd = lambench();
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    let stdout = succeed(
        cmd.env_remove("AWS_PROFILE")
            .arg("--matrix")
            .arg(&matrix)
            .args([
                "collect",
                "--endpoint-url",
                &emulator.url,
                "--stack",
                "Lambench",
            ])
            .args([
                "--ledger-table",
                "lambench-runs",
                "--out",
                "s3://lambench-results/data",
            ])
            .args([
                "--test",
                "--yes",
                "--run-id",
                "aws1",
                "--concurrency",
                "2",
                "--progress",
                "lines",
                "--no-report",
            ]),
    );
    assert!(
        stdout.contains("2 functions x memory sizes = 4 cells"),
        "only the stack's matrix functions: {stdout}"
    );

    let check: serde_json::Value = serde_json::from_str(moto.python(CHECK).trim()).unwrap();
    assert_eq!(check["status"], "complete", "{check}");
    assert_eq!(check["cells_done"], 4);
    assert_eq!(check["rounds_done"], 8, "4 cells in 2 rounds: {check}");
    assert_eq!(check["rounds_total"], 8);
    assert_eq!(check["rounds"], serde_json::json!(["1", "2"]));
    assert_eq!(check["ttl"], true, "every ledger item has a TTL");
    assert_eq!(
        check["invocations"], check["rows"],
        "one ledger item per row: {check}"
    );
    assert_eq!(
        check["functions"],
        serde_json::json!([
            "lambench-python3-11-x86_64-cpu-intensive",
            "lambench-python3-12-x86_64-cpu-intensive"
        ])
    );
    let objects = check["objects"].as_array().unwrap();
    assert_eq!(
        objects.len(),
        9,
        "4 cells x 2 rounds of Parquet parts and the manifest: {objects:?}"
    );
    // The run's folder holds only Parquet (Athena reads all of it); the manifest is beside it.
    assert!(
        objects
            .iter()
            .filter_map(|o| o.as_str())
            .filter(|o| o.starts_with("data/run_id=aws1/"))
            .all(|o| o.ends_with(".parquet")),
        "{objects:?}"
    );
    assert!(objects.iter().any(|o| o == "data/_manifests/aws1.json"));

    // The analyzer reads the same layout from S3.
    let mut analyze = lambench();
    for (k, v) in moto.env() {
        analyze.env(k, v);
    }
    let q = analyze
        .args([
            "analyze",
            "--data",
            "s3://lambench-results/data",
            "--run",
            "aws1",
            "--format",
            "json",
        ])
        .args([
            "--query",
            "SELECT count(*) AS n, count(DISTINCT request_id) AS ids FROM invocations",
        ])
        .output()
        .unwrap();
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&q.stdout).unwrap();
    assert_eq!(rows[0]["n"], check["rows"]);
    assert_eq!(rows[0]["ids"], check["rows"]);
}

#[test]
fn missing_stack_is_a_clear_error() {
    let Some(moto) = moto::start() else { return };
    let mut cmd = lambench();
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    cmd.args([
        "collect",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--stack",
        "Nope",
        "--test",
        "--dry-run",
    ])
    .assert()
    .failure()
    .stderr(predicates::str::contains("stack Nope"))
    .stderr(predicates::str::contains("does not exist"));
}
