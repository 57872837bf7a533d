//! One cell: verified cold samples in batches, then warm samples from several environments.
//!
//! Cold: one configuration change invalidates every environment of the function, so the next
//! `batch` concurrent invocations each start a new one: one update buys `batch` cold samples.
//! A sample counts as cold only if its REPORT has Init (or Restore) Duration; one that came
//! back warm stays as a row (start_type cold, observed_cold false) and is retried.
//!
//! Warm: one more configuration change, then `lanes` flagged warm-ups started together (each
//! the first invocation of a fresh environment), then `lanes` concurrent loops sharing the warm
//! samples, so they come from `lanes` environments that served no cold sample.
//!
//! A cell's samples are split into rounds ([`CellRound`]); this runs one round.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};

use futures::future::join_all;
use lambench_model::record::{Invocation, StartType, Status};

use crate::api::LambdaApi;
use crate::error::CollectError;
use crate::plan::CellRound;
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
    /// Runs one round of a cell with at most `parallelism` invocations at once: its cold
    /// batches, then its warm lanes on environments of their own.
    pub async fn run_round(
        &self,
        round: &CellRound,
        event: &str,
        parallelism: u32,
    ) -> Result<CellOutcome, CollectError> {
        self.progress
            .cell_started(round, round.invocations(parallelism));
        let mut out = CellOutcome::default();
        let mut batches = 0;
        self.cold_phase(round, event, parallelism, &mut batches, &mut out)
            .await?;
        if round.warm > 0 {
            let lanes = round.lanes(parallelism);
            self.warm_phase(round, event, lanes, &mut batches, &mut out)
                .await?;
        }
        Ok(out)
    }

    /// A nonce no other configuration change of this run and session has used.
    fn nonce(&self, round: &CellRound, batch: u32) -> String {
        let o = self.options;
        let memory = round.cell.memory_mb;
        format!(
            "{}.{}.{memory}.{}.{batch}",
            o.run_id, o.session, round.round
        )
    }

    async fn cold_phase(
        &self,
        round: &CellRound,
        event: &str,
        parallelism: u32,
        batches: &mut u32,
        out: &mut CellOutcome,
    ) -> Result<(), CollectError> {
        let mut pending: VecDeque<Sample> = (0..round.cold)
            .map(|i| Sample {
                start_type: StartType::Cold,
                index: round.cold_first + i,
                attempt: 0,
                warmup: false,
                batch_size: 0,
            })
            .collect();
        while !pending.is_empty() {
            let take = pending.len().min(parallelism.max(1) as usize);
            let batch: Vec<Sample> = pending
                .drain(..take)
                .map(|s| Sample {
                    batch_size: take as u32,
                    ..s
                })
                .collect();
            out.config_retries += self
                .force_cold(&round.cell, &self.nonce(round, *batches))
                .await?;
            *batches += 1;
            let rows = self.start_together(round, event, &batch).await?;
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

    /// Invokes a batch at once, right after a configuration change, so that each invocation
    /// needs a new environment: all permits are taken together, so none can land on an
    /// environment another one of the batch has just freed.
    async fn start_together(
        &self,
        round: &CellRound,
        event: &str,
        batch: &[Sample],
    ) -> Result<Vec<Invocation>, CollectError> {
        let permits = self
            .limits
            .concurrency
            .acquire_many(batch.len() as u32)
            .await
            .ok();
        let rows = join_all(batch.iter().map(|s| self.invoke(round, event, *s))).await;
        drop(permits);
        rows.into_iter().collect()
    }

    /// A configuration change, then one flagged warm-up per lane started together (each is
    /// the first invocation of a fresh environment), then `lanes` loops sharing the round's
    /// warm samples, so they come from `lanes` environments that served nothing else.
    async fn warm_phase(
        &self,
        round: &CellRound,
        event: &str,
        lanes: u32,
        batches: &mut u32,
        out: &mut CellOutcome,
    ) -> Result<(), CollectError> {
        out.config_retries += self
            .force_cold(&round.cell, &self.nonce(round, *batches))
            .await?;
        *batches += 1;
        let warmups: Vec<Sample> = (0..lanes)
            .map(|lane| Sample {
                start_type: StartType::Warm,
                index: lane,
                attempt: 0,
                warmup: true,
                batch_size: lanes,
            })
            .collect();
        let rows = self.start_together(round, event, &warmups).await?;
        // A warm-up that never ran (throttled) is retried by its lane before its samples.
        let mut unfinished = Vec::new();
        for (sample, row) in warmups.into_iter().zip(rows) {
            if let Next::Retry = self.judge(&row, sample, out) {
                unfinished.push(Sample {
                    attempt: sample.attempt + 1,
                    ..sample
                });
            }
            out.rows.push(row);
        }
        let next = &AtomicU32::new(0);
        let unfinished = &unfinished;
        let lane_outcomes = join_all((0..lanes).map(|lane| async move {
            let mut lane_out = CellOutcome::default();
            if let Some(warmup) = unfinished.iter().find(|s| s.index == lane) {
                tokio::time::sleep(self.limits.backoff(warmup.attempt)).await;
                self.until_done(round, event, *warmup, &mut lane_out)
                    .await?;
            }
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= round.warm {
                    break;
                }
                let sample = Sample {
                    start_type: StartType::Warm,
                    index: round.warm_first + i,
                    attempt: 0,
                    warmup: false,
                    batch_size: lanes,
                };
                self.until_done(round, event, sample, &mut lane_out).await?;
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
        round: &CellRound,
        event: &str,
        mut sample: Sample,
        out: &mut CellOutcome,
    ) -> Result<(), CollectError> {
        loop {
            let permit = self.limits.concurrency.acquire().await.ok();
            let row = self.invoke(round, event, sample).await?;
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
    /// transient network/5xx errors) and for starts of the wrong kind: a cold request answered
    /// by a warm environment, a warm request answered cold or by an environment serving its
    /// first invocation (pre-initialised: no Init Duration, but not warm either). A flagged
    /// warm-up may be either. Function errors and timeouts are results: final rows.
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
            StartType::Warm => {
                row.observed_cold == Some(true) || row.environment.invocation == Some(1)
            }
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
