//! A real `moto_server` (PyPI `moto[server]`) on 127.0.0.1, speaking the S3/DynamoDB/
//! CloudFormation wire protocols, for tests of the AWS code paths without AWS.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running moto server; killed when dropped.
pub struct Moto {
    child: Child,
    pub endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts moto_server, or returns `None` (with a message) when it is not installed. Under CI
/// (`CI=true`) a missing moto_server is a failure: .ci/run installs it.
pub fn start() -> Option<Moto> {
    let port = TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = match Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            assert!(
                std::env::var("CI").is_err(),
                "moto_server is required under CI: {e}"
            );
            eprintln!(
                "SKIPPED: moto_server not found ({e}); install it with `pip install 'moto[server]'`"
            );
            return None;
        }
    };
    let moto = Moto {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "moto_server did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(moto)
}

impl Moto {
    /// Environment that points the AWS SDKs (ours and boto3) at this server with dummy
    /// credentials, and away from any real profile.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_DEFAULT_REGION", "us-east-1".into()),
            ("AWS_CONFIG_FILE", "/nonexistent/lambench-test".into()),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/lambench-test".into(),
            ),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ]
    }

    /// Runs a Python snippet with boto3 against this server and returns its standard output.
    pub fn python(&self, script: &str) -> String {
        let mut cmd = Command::new("python3");
        cmd.args(["-c", script]).env_remove("AWS_PROFILE");
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("python3");
        assert!(
            out.status.success(),
            "boto3 script failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Moto {
    /// Creates the `light` workload's table (`pk` string key, as infra/ deploys it).
    pub fn create_light_table(&self, name: &str) {
        let _ = self.python(&format!(
            r#"
import boto3
boto3.client("dynamodb").create_table(
    TableName={name:?},
    KeySchema=[{{"AttributeName": "pk", "KeyType": "HASH"}}],
    AttributeDefinitions=[{{"AttributeName": "pk", "AttributeType": "S"}}],
    BillingMode="PAY_PER_REQUEST",
)
"#
        ));
    }

    /// Number of items in a table, read with boto3 (independently of the code under test).
    pub fn count_items(&self, table: &str) -> usize {
        let script = format!(
            "import boto3; print(boto3.client('dynamodb').scan(TableName={table:?}, Select='COUNT')['Count'])"
        );
        self.python(&script).trim().parse().expect("count")
    }
}
