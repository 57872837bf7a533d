//! The DynamoDB run ledger: one run item (`sk = "run"`: status, progress, counts) and one item
//! per invocation (`sk = "inv#<part>#<seq>"`), all with a TTL attribute `expires_at`.
//!
//! Items of a cell are written when the cell completes, with the same keys every time, so a
//! resumed cell overwrites its earlier items; surplus items of an earlier, longer attempt are
//! deleted. BatchWriteItem's UnprocessedItems are retried with backoff.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, PutRequest, WriteRequest};
use lambench_model::Invocation;

use crate::error::CollectError;
use crate::manifest::Manifest;
use crate::sdk::classify;

/// How long ledger items live (the Parquet is the long-term record).
pub const DEFAULT_TTL_DAYS: u32 = 90;
const BATCH: usize = 25;
const MAX_ATTEMPTS: u32 = 10;

/// A DynamoDB table used as the run ledger.
#[derive(Debug, Clone)]
pub struct Ledger {
    client: Client,
    table: String,
    ttl_days: u32,
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

impl Ledger {
    pub fn new(client: Client, table: impl Into<String>, ttl_days: u32) -> Self {
        Ledger {
            client,
            table: table.into(),
            ttl_days,
        }
    }

    fn expires_at(&self) -> AttributeValue {
        n(chrono::Utc::now().timestamp() + i64::from(self.ttl_days) * 86_400)
    }

    fn error<E, R>(&self, e: &aws_sdk_dynamodb::error::SdkError<E, R>) -> CollectError
    where
        E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let api = classify(e);
        if api.kind == crate::api::ErrorKind::Credentials {
            return CollectError::Credentials {
                message: api.message,
            };
        }
        let hint = if api.code.as_deref() == Some("ResourceNotFoundException") {
            " (does the table exist? infra/ creates it; or pass --ledger-table NAME / --no-ledger)"
        } else {
            ""
        };
        CollectError::Ledger {
            table: self.table.clone(),
            message: format!("{}{hint}", api.message),
        }
    }

    /// Puts the run item: status and progress, rewritten after every cell.
    pub async fn write_run(&self, m: &Manifest) -> Result<(), CollectError> {
        let c = m.counts();
        let mut item = HashMap::from([
            ("run_id".to_string(), s(&m.run_id)),
            ("sk".into(), s("run")),
            ("status".into(), s(format!("{:?}", m.status).to_lowercase())),
            ("mode".into(), s(&m.plan.mode_name)),
            ("backend".into(), s(m.backend.as_str())),
            ("lambench_version".into(), s(&m.lambench_version)),
            ("cells_total".into(), n(m.plan.cells.len())),
            ("cells_done".into(), n(m.cells_done())),
            ("rounds_total".into(), n(m.plan.cell_rounds().len())),
            ("rounds_done".into(), n(m.completed.len())),
            ("rows".into(), n(c.rows)),
            ("failed".into(), n(c.failed)),
            ("sessions".into(), n(m.sessions)),
            ("started_at".into(), s(&m.started_at)),
            ("updated_at".into(), s(&m.updated_at)),
            ("expires_at".into(), self.expires_at()),
        ]);
        if let Some(reason) = &m.stop_reason {
            item.insert("stop_reason".into(), s(reason));
        }
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| self.error(&e))?;
        Ok(())
    }

    /// Writes one item per row of a completed cell; on a resumed run, first removes items an
    /// earlier attempt of the cell left beyond this attempt's rows.
    pub async fn write_cell(
        &self,
        run_id: &str,
        part: &str,
        rows: &[Invocation],
        resumed: bool,
    ) -> Result<(), CollectError> {
        let prefix = format!("inv#{part}#");
        if resumed {
            let stale: Vec<String> = self
                .cell_keys(run_id, &prefix)
                .await?
                .into_iter()
                .filter(|k| seq_of(k, &prefix).is_none_or(|i| i >= rows.len()))
                .collect();
            let deletes = stale.into_iter().filter_map(|sk| {
                let key = HashMap::from([("run_id".to_string(), s(run_id)), ("sk".into(), s(sk))]);
                let delete = DeleteRequest::builder().set_key(Some(key)).build().ok()?;
                Some(WriteRequest::builder().delete_request(delete).build())
            });
            self.batch_write(deletes.collect()).await?;
        }
        let expires = self.expires_at();
        let puts = rows.iter().enumerate().filter_map(|(i, r)| {
            let mut item = row_item(r);
            item.insert("run_id".into(), s(run_id));
            item.insert("sk".into(), s(format!("{prefix}{i:06}")));
            item.insert("expires_at".into(), expires.clone());
            let put = PutRequest::builder().set_item(Some(item)).build().ok()?;
            Some(WriteRequest::builder().put_request(put).build())
        });
        self.batch_write(puts.collect()).await
    }

    async fn cell_keys(&self, run_id: &str, prefix: &str) -> Result<Vec<String>, CollectError> {
        let mut keys = Vec::new();
        let mut pages = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("run_id = :r AND begins_with(sk, :p)")
            .expression_attribute_values(":r", s(run_id))
            .expression_attribute_values(":p", s(prefix))
            .projection_expression("sk")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.error(&e))?;
            for item in page.items() {
                if let Some(AttributeValue::S(sk)) = item.get("sk") {
                    keys.push(sk.clone());
                }
            }
        }
        Ok(keys)
    }

    /// BatchWriteItem in chunks of 25, retrying UnprocessedItems with jittered backoff.
    async fn batch_write(&self, requests: Vec<WriteRequest>) -> Result<(), CollectError> {
        for chunk in requests.chunks(BATCH) {
            let mut pending = chunk.to_vec();
            let mut attempt = 0;
            while !pending.is_empty() {
                if attempt >= MAX_ATTEMPTS {
                    return Err(CollectError::Ledger {
                        table: self.table.clone(),
                        message: format!(
                            "{} items still unprocessed after {MAX_ATTEMPTS} attempts (throttled table?)",
                            pending.len()
                        ),
                    });
                }
                if attempt > 0 {
                    let ms = 50u64 << attempt.min(7);
                    tokio::time::sleep(Duration::from_millis(ms / 2 + jitter_ms(ms / 2))).await;
                }
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending.clone())
                    .send()
                    .await
                    .map_err(|e| self.error(&e))?;
                pending = out
                    .unprocessed_items()
                    .and_then(|u| u.get(&self.table))
                    .cloned()
                    .unwrap_or_default();
                attempt += 1;
            }
        }
        Ok(())
    }
}

/// Jitter without a shared generator: the clock's sub-second nanoseconds, modulo `max`.
fn jitter_ms(max: u64) -> u64 {
    let nanos = chrono::Utc::now().timestamp_subsec_nanos() as u64;
    if max == 0 { 0 } else { nanos % max }
}

fn seq_of(sk: &str, prefix: &str) -> Option<usize> {
    sk.strip_prefix(prefix)?.parse().ok()
}

/// The invocation's fields worth querying in DynamoDB (the Parquet has all of them).
fn row_item(r: &Invocation) -> HashMap<String, AttributeValue> {
    let mut item = HashMap::from([
        ("function_name".to_string(), s(&r.function_name)),
        ("runtime".into(), s(&r.runtime)),
        ("architecture".into(), s(&r.architecture)),
        ("workload".into(), s(&r.workload)),
        ("memory_mb".into(), n(r.memory_mb)),
        ("start_type".into(), s(r.start_type.as_str())),
        ("is_warmup".into(), AttributeValue::Bool(r.is_warmup)),
        ("sample_index".into(), n(r.sample_index)),
        ("attempt".into(), n(r.attempt)),
        ("status".into(), s(r.status.as_str())),
        ("invoked_at_us".into(), n(r.invoked_at_us)),
    ]);
    let opt_s = [
        ("request_id", &r.request_id),
        ("error_type", &r.error_type),
        ("error_message", &r.error_message),
        ("runtime_version", &r.runtime_version),
        ("environment_id", &r.environment.id),
        ("cpu_model", &r.environment.cpu_model),
        ("cpu_features", &r.environment.cpu_features),
    ];
    for (k, v) in opt_s {
        if let Some(v) = v {
            item.insert(k.into(), s(v));
        }
    }
    let opt_n = [
        ("duration_ms", r.duration_ms.map(|v| v.to_string())),
        (
            "billed_duration_ms",
            r.billed_duration_ms.map(|v| v.to_string()),
        ),
        (
            "init_duration_ms",
            r.init_duration_ms.map(|v| v.to_string()),
        ),
        (
            "max_memory_used_mb",
            r.max_memory_used_mb.map(|v| v.to_string()),
        ),
        (
            "client_latency_ms",
            r.client_latency_ms.map(|v| v.to_string()),
        ),
        (
            "environment_invocation",
            r.environment.invocation.map(|v| v.to_string()),
        ),
        ("round", r.round.map(|v| v.to_string())),
        ("batch_size", r.batch_size.map(|v| v.to_string())),
    ];
    for (k, v) in opt_n {
        if let Some(v) = v {
            item.insert(k.into(), AttributeValue::N(v));
        }
    }
    if let Some(cold) = r.observed_cold {
        item.insert("observed_cold".into(), AttributeValue::Bool(cold));
    }
    item
}
