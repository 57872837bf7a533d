//! The CDK app's template, deployed to a local CloudFormation (moto_server): the collector's
//! discovery (ListStackResources) finds all 48 functions of the matrix in it (the default run plans 42).

mod common;

use std::process::Command;

use common::{lambench, moto, repo_root, succeed};

/// Loads the synthesized template, swaps each function's asset (an S3 object of the CDK
/// bootstrap bucket, absent here) for inline code, drops the bootstrap-version parameter and
/// rule, and creates the stack; prints the number of Lambda functions in it.
const DEPLOY: &str = r#"
import boto3, json, sys
t = json.load(open(sys.argv[1]))
t.pop("Rules", None)
t.pop("Parameters", None)
for r in t["Resources"].values():
    if r["Type"] == "AWS::Lambda::Function":
        r["Properties"]["Code"] = {"ZipFile": "def handler(event, context):\n    return 1\n"}
cf = boto3.client("cloudformation")
cf.create_stack(StackName="Lambench", TemplateBody=json.dumps(t), Capabilities=["CAPABILITY_IAM"])
status = cf.describe_stacks(StackName="Lambench")["Stacks"][0]["StackStatus"]
names = [r for r in cf.list_stack_resources(StackName="Lambench")["StackResourceSummaries"]
         if r["ResourceType"] == "AWS::Lambda::Function"]
print(status, len(names))
"#;

#[test]
fn synthesized_stack_deployed_to_moto_is_discovered_by_collect() {
    let infra = repo_root().join("infra");
    if !infra.join("node_modules").is_dir() {
        assert!(
            std::env::var("CI").is_err(),
            "infra/node_modules is required under CI (.ci/run runs npm ci)"
        );
        eprintln!("SKIPPED: run `npm ci` in infra/ first");
        return;
    }
    let Some(moto) = moto::start() else { return };
    let out = tempfile::tempdir().unwrap();
    let synth = Command::new("node")
        .current_dir(&infra)
        .args(["--import", "tsx", "bin/lambench.ts"])
        .env("CDK_OUTDIR", out.path())
        .env("LAMBENCH_PLACEHOLDER_RUST", "1")
        // The CDK app reads the matrix from this build's `lambench matrix --json`.
        .env("LAMBENCH_BIN", env!("CARGO_BIN_EXE_lambench"))
        // A fixed day for the runtimes' deprecation schedule (before nodejs20.x's block).
        .env("LAMBENCH_TODAY", "2026-12-01")
        .output()
        .unwrap();
    assert!(
        synth.status.success(),
        "synth: {}",
        String::from_utf8_lossy(&synth.stderr)
    );
    let template = out.path().join("Lambench.template.json");
    assert!(
        template.is_file(),
        "no template in {}",
        out.path().display()
    );

    let script = out.path().join("deploy.py");
    std::fs::write(&script, DEPLOY).unwrap();
    let deployed = moto.python(&format!(
        "import runpy, sys; sys.argv = ['deploy', {:?}]; runpy.run_path({:?}, run_name='__main__')",
        template.display().to_string(),
        script.display().to_string()
    ));
    assert_eq!(deployed.trim(), "CREATE_COMPLETE 48", "{deployed}");

    let mut cmd = lambench();
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    let stdout = succeed(cmd.env_remove("AWS_PROFILE").args([
        "collect",
        "--production",
        "--dry-run",
        "--stack",
        "Lambench",
    ]));
    assert!(
        stdout.contains("42 functions x memory sizes = 294 cells"),
        "{stdout}"
    );
}
