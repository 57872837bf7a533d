//! light: DynamoDB BatchWriteItem of 5 items, then BatchGetItem of the same 5 keys with
//! ConsistentRead (eventually-consistent reads made the old benchmark count spurious failures).
//! Unprocessed items and keys are retried with exponential backoff. Keys are unique per
//! invocation (`<request id>#<i>`); items carry `ttl` 24 h ahead so the table empties itself.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, PutRequest, WriteRequest};
use serde_json::{Value, json};

use crate::event::WorkloadError;

pub const WORKLOAD: &str = "light";
pub const ITEMS: usize = 5;
/// Attempts per batch call before giving up on unprocessed items.
pub const MAX_ATTEMPTS: u32 = 8;

fn fail(message: impl Into<String>) -> WorkloadError {
    WorkloadError::new(WORKLOAD, message)
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(25u64 << attempt.min(6))
}

/// The keys one invocation writes and reads.
pub fn keys(request_id: &str) -> Vec<String> {
    (0..ITEMS).map(|i| format!("{request_id}#{i}")).collect()
}

fn item(pk: &str, n: usize, ttl: u64) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("pk".to_string(), AttributeValue::S(pk.to_string())),
        ("n".to_string(), AttributeValue::N(n.to_string())),
        ("ttl".to_string(), AttributeValue::N(ttl.to_string())),
        (
            "payload".to_string(),
            AttributeValue::S(format!("lambench light item {n}")),
        ),
    ])
}

/// Writes then reads back the 5 items.
pub async fn handle(
    client: &Client,
    table: &str,
    request_id: &str,
) -> Result<Value, WorkloadError> {
    let ttl = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        + 86_400;
    let keys = keys(request_id);
    let mut writes: Vec<WriteRequest> = Vec::new();
    for (n, pk) in keys.iter().enumerate() {
        let put = PutRequest::builder()
            .set_item(Some(item(pk, n, ttl)))
            .build()
            .map_err(|e| fail(e.to_string()))?;
        writes.push(WriteRequest::builder().put_request(put).build());
    }
    let mut attempt = 0;
    while !writes.is_empty() {
        let out = client
            .batch_write_item()
            .request_items(table, writes)
            .send()
            .await
            .map_err(|e| {
                fail(format!(
                    "BatchWriteItem failed: {}",
                    aws_sdk_dynamodb::error::DisplayErrorContext(&e)
                ))
            })?;
        writes = out
            .unprocessed_items
            .and_then(|mut m| m.remove(table))
            .unwrap_or_default();
        attempt += 1;
        if !writes.is_empty() {
            if attempt >= MAX_ATTEMPTS {
                return Err(fail(format!(
                    "{} items still unprocessed after {attempt} BatchWriteItem calls",
                    writes.len()
                )));
            }
            tokio::time::sleep(backoff(attempt)).await;
        }
    }
    let mut pending: Vec<HashMap<String, AttributeValue>> = keys
        .iter()
        .map(|k| HashMap::from([("pk".to_string(), AttributeValue::S(k.clone()))]))
        .collect();
    let mut found = 0;
    let mut attempt = 0;
    while !pending.is_empty() {
        let request = KeysAndAttributes::builder()
            .set_keys(Some(pending))
            .consistent_read(true)
            .build()
            .map_err(|e| fail(e.to_string()))?;
        let out = client
            .batch_get_item()
            .request_items(table, request)
            .send()
            .await
            .map_err(|e| {
                fail(format!(
                    "BatchGetItem failed: {}",
                    aws_sdk_dynamodb::error::DisplayErrorContext(&e)
                ))
            })?;
        found += out
            .responses
            .and_then(|mut r| r.remove(table))
            .map_or(0, |items| items.len());
        pending = out
            .unprocessed_keys
            .and_then(|mut m| m.remove(table))
            .map(|k| k.keys)
            .unwrap_or_default();
        attempt += 1;
        if !pending.is_empty() {
            if attempt >= MAX_ATTEMPTS {
                return Err(fail(format!(
                    "{} keys still unprocessed after {attempt} BatchGetItem calls",
                    pending.len()
                )));
            }
            tokio::time::sleep(backoff(attempt)).await;
        }
    }
    if found < ITEMS {
        return Err(fail(format!(
            "read back {found} of {ITEMS} items just written"
        )));
    }
    Ok(json!({"success": true, "workload": WORKLOAD, "written": ITEMS, "read": found}))
}
