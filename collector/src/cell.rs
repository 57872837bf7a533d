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
use crate::outcome::CellOutcome;
use crate::plan::CellRound;
use crate::runner::{Runner, Sample};

/// Whether an attempt never reached the function: throttled, or a network/5xx failure (a
/// malformed REPORT line means it ran).
fn never_ran(row: &Invocation) -> bool {
    row.status == Status::Throttled
        || (row.status == Status::ClientError
            && row.error_type.as_deref() != Some("MalformedReport"))
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
    /// the first invocation of a fresh environment), then one loop per environment that a
    /// warm-up started, sharing the round's warm samples: they come from environments that
    /// served nothing else.
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
        let started = self.warm_ups(round, event, lanes, out).await?;
        let next = &AtomicU32::new(0);
        let lane_outcomes = join_all((0..started.max(1)).map(|_| async move {
            let mut lane_out = CellOutcome::default();
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

    /// Starts `lanes` warm-ups together and returns how many ran, i.e. how many fresh
    /// environments there are. Warm-ups that never ran (throttled) are not retried one by one,
    /// which would land them on an environment another warm-up started; the lanes are fewer
    /// instead. Only when none ran is the batch tried again, after a backoff.
    async fn warm_ups(
        &self,
        round: &CellRound,
        event: &str,
        lanes: u32,
        out: &mut CellOutcome,
    ) -> Result<u32, CollectError> {
        let mut attempt = 0;
        loop {
            let batch: Vec<Sample> = (0..lanes)
                .map(|lane| Sample {
                    start_type: StartType::Warm,
                    index: lane,
                    attempt,
                    warmup: true,
                    batch_size: lanes,
                })
                .collect();
            let rows = self.start_together(round, event, &batch).await?;
            let mut ran = 0;
            for (sample, row) in batch.into_iter().zip(rows) {
                ran += u32::from(!never_ran(&row));
                self.judge(&row, sample, out);
                out.rows.push(row);
            }
            if ran > 0 || attempt >= self.options.throttle_retries {
                return Ok(ran);
            }
            tokio::time::sleep(self.limits.backoff(attempt)).await;
            attempt += 1;
        }
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
        if never_ran(row) {
            if row.status == Status::Throttled {
                out.throttled += 1;
            } else {
                out.transient += 1;
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
