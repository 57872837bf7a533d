//! One cell: verified cold samples in batches, then warm samples from several environments.
//!
//! Cold: one configuration change invalidates every environment of the function, so the next
//! `batch` concurrent invocations each start a new one: one update buys `batch` cold samples.
//! A sample counts as cold only if its REPORT has Init (or Restore) Duration; one that came
//! back warm stays as a row (start_type cold, observed_cold false) and is retried.
//!
//! Warm: `lanes` concurrent loops, each starting with a flagged warm-up, share the warm
//! samples, so they come from `lanes` environments rather than one.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};

use futures::future::join_all;
use lambench_model::record::{Invocation, StartType, Status};

use crate::api::LambdaApi;
use crate::error::CollectError;
use crate::plan::Cell;
use crate::runner::{Runner, Sample};

/// The rows of a finished cell and what it took.
#[derive(Debug, Clone, Default)]
pub struct CellOutcome {
    pub rows: Vec<Invocation>,
    pub cold_came_back_warm: u32,
    pub warm_came_back_cold: u32,
    pub throttled: u32,
    /// Attempts that failed before reaching the function (network, 5xx) and were retried.
    pub transient: u32,
    pub config_retries: u32,
}

impl CellOutcome {
    pub fn failed(&self) -> usize {
        self.rows.iter().filter(|r| r.status != Status::Ok).count()
    }
}

/// What to do after an attempt.
enum Next {
    Done,
    Retry,
}

impl<A: LambdaApi> Runner<'_, A> {
    /// Runs every sample of `cell` with at most `parallelism` invocations at once.
    pub async fn run_cell(
        &self,
        cell: &Cell,
        event: &str,
        cold: u32,
        warm: u32,
        parallelism: u32,
        lanes: u32,
    ) -> Result<CellOutcome, CollectError> {
        self.progress.cell_started(cell);
        let mut out = CellOutcome::default();
        self.cold_phase(cell, event, cold, parallelism, &mut out)
            .await?;
        if warm > 0 {
            self.warm_phase(cell, event, warm, lanes.max(1), &mut out)
                .await?;
        }
        Ok(out)
    }

    async fn cold_phase(
        &self,
        cell: &Cell,
        event: &str,
        cold: u32,
        parallelism: u32,
        out: &mut CellOutcome,
    ) -> Result<(), CollectError> {
        let o = self.options;
        let nonce = |batch: u32| format!("{}.{}.{}.{batch}", o.run_id, o.session, cell.memory_mb);
        let mut pending: VecDeque<Sample> = (0..cold)
            .map(|index| Sample {
                start_type: StartType::Cold,
                index,
                attempt: 0,
                warmup: false,
            })
            .collect();
        let mut batch_no = 0;
        if pending.is_empty() {
            // No cold samples: still move the function to this memory size.
            out.config_retries += self.force_cold(cell, &nonce(batch_no)).await?;
        }
        while !pending.is_empty() {
            let take = pending.len().min(parallelism.max(1) as usize);
            let batch: Vec<Sample> = pending.drain(..take).collect();
            out.config_retries += self.force_cold(cell, &nonce(batch_no)).await?;
            batch_no += 1;
            // All permits at once: the batch starts together, so no invocation can land on
            // an environment another one of the batch has just freed.
            let permits = self
                .limits
                .concurrency
                .acquire_many(batch.len() as u32)
                .await
                .ok();
            let rows = join_all(batch.iter().map(|s| self.invoke(cell, event, *s))).await;
            drop(permits);
            let rows = rows.into_iter().collect::<Result<Vec<_>, _>>()?;
            let mut throttled: Option<u32> = None;
            for (sample, row) in batch.into_iter().zip(rows) {
                if matches!(row.status, Status::Throttled | Status::ClientError) {
                    throttled = throttled.max(Some(sample.attempt));
                }
                if let Next::Retry = self.judge(&row, sample, out) {
                    pending.push_back(Sample {
                        attempt: sample.attempt + 1,
                        ..sample
                    });
                }
                out.rows.push(row);
            }
            if let Some(attempt) = throttled {
                tokio::time::sleep(self.limits.backoff(attempt)).await;
            }
        }
        Ok(())
    }

    async fn warm_phase(
        &self,
        cell: &Cell,
        event: &str,
        warm: u32,
        lanes: u32,
        out: &mut CellOutcome,
    ) -> Result<(), CollectError> {
        let next = &AtomicU32::new(0);
        let lane_outcomes = join_all((0..lanes.min(warm)).map(|lane| async move {
            let mut lane_out = CellOutcome::default();
            let warmup = Sample {
                start_type: StartType::Warm,
                index: lane,
                attempt: 0,
                warmup: true,
            };
            self.until_done(cell, event, warmup, &mut lane_out).await?;
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= warm {
                    break;
                }
                let sample = Sample {
                    start_type: StartType::Warm,
                    index,
                    attempt: 0,
                    warmup: false,
                };
                self.until_done(cell, event, sample, &mut lane_out).await?;
            }
            Ok::<_, CollectError>(lane_out)
        }))
        .await;
        for l in lane_outcomes {
            let l = l?;
            out.rows.extend(l.rows);
            out.cold_came_back_warm += l.cold_came_back_warm;
            out.warm_came_back_cold += l.warm_came_back_cold;
            out.throttled += l.throttled;
            out.transient += l.transient;
        }
        Ok(())
    }

    /// Invokes `sample` until it is done or out of attempts, keeping every attempt's row.
    async fn until_done(
        &self,
        cell: &Cell,
        event: &str,
        mut sample: Sample,
        out: &mut CellOutcome,
    ) -> Result<(), CollectError> {
        loop {
            let permit = self.limits.concurrency.acquire().await.ok();
            let row = self.invoke(cell, event, sample).await?;
            drop(permit);
            let next = self.judge(&row, sample, out);
            let throttled = matches!(row.status, Status::Throttled | Status::ClientError);
            out.rows.push(row);
            match next {
                Next::Done => return Ok(()),
                Next::Retry => {
                    if throttled {
                        tokio::time::sleep(self.limits.backoff(sample.attempt)).await;
                    }
                    sample.attempt += 1;
                }
            }
        }
    }

    /// Whether a sample is done: counted retries for attempts that never ran (throttles,
    /// transient network/5xx errors) and for starts of the wrong kind (a flagged warm-up may be
    /// either); function errors and timeouts are results: final rows.
    fn judge(&self, row: &Invocation, sample: Sample, out: &mut CellOutcome) -> Next {
        let o = self.options;
        let never_ran = row.status == Status::ClientError
            && row.error_type.as_deref() != Some("MalformedReport");
        if row.status == Status::Throttled || never_ran {
            if never_ran {
                out.transient += 1;
            } else {
                out.throttled += 1;
            }
            return if sample.attempt < o.throttle_retries {
                Next::Retry
            } else {
                Next::Done
            };
        }
        if row.status != Status::Ok || sample.warmup {
            return Next::Done;
        }
        let wrong_start = match sample.start_type {
            StartType::Cold => row.observed_cold == Some(false),
            StartType::Warm => row.observed_cold == Some(true),
        };
        if !wrong_start {
            return Next::Done;
        }
        match sample.start_type {
            StartType::Cold => out.cold_came_back_warm += 1,
            StartType::Warm => out.warm_came_back_cold += 1,
        }
        if sample.attempt < o.start_retries {
            Next::Retry
        } else {
            Next::Done
        }
    }
}
