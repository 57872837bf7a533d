//! The DynamoDB ledger against a real local server (moto_server): one item per row with a TTL,
//! and a redone cell leaves exactly its new rows, none of an earlier, longer attempt.

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use lambench_collector::ledger::Ledger;
use lambench_model::Matrix;

const TABLE: &str = r#"
import boto3
boto3.client("dynamodb").create_table(
    TableName="ledger",
    KeySchema=[{"AttributeName": "run_id", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[{"AttributeName": "run_id", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)
"#;

#[tokio::test]
async fn redone_cells_leave_no_stale_items() {
    let Some(moto) = lambench_testkit::moto::start() else {
        return;
    };
    moto.python(TABLE);
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .endpoint_url(&moto.endpoint)
        .build();
    let ledger = Ledger::new(aws_sdk_dynamodb::Client::from_conf(config), "ledger", 90);
    let rows = lambench_testkit::synthetic::invocations(&Matrix::builtin().unwrap(), 1, 30, 1);
    assert!(rows.len() >= 30);
    // 30 rows span two BatchWriteItem calls of 25.
    ledger
        .write_cell("r1", "f-128", &rows[..30], false)
        .await
        .unwrap();
    ledger
        .write_cell("r1", "g-256", &rows[..2], false)
        .await
        .unwrap();
    assert_eq!(moto.count_items("ledger"), 32);
    // The same cell redone after a resume with fewer rows: the surplus goes.
    ledger
        .write_cell("r1", "f-128", &rows[..3], true)
        .await
        .unwrap();
    assert_eq!(moto.count_items("ledger"), 5);
    let ttl = moto.python(
        "import boto3; items = boto3.client('dynamodb').scan(TableName='ledger')['Items']; \
         print(all(int(i['expires_at']['N']) > 0 and 'status' in i for i in items))",
    );
    assert_eq!(ttl.trim(), "True");
}
