//! The bounds every run respects: the control-plane rate (15 req/s shared by the Lambda
//! control-plane calls), GetFunction's own rate (100 req/s), the account concurrency budget,
//! and jittered exponential backoff for retries.

use std::sync::Mutex;
use std::time::Duration;

use lambench_model::rng::SplitMix64;
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// Spaces calls at a fixed rate: the n-th caller gets the n-th slot. No burst, so the rate
/// holds over any window, which is what Lambda's quotas measure.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl RateLimiter {
    pub fn per_second(rate: f64) -> Self {
        RateLimiter {
            interval: Duration::from_secs_f64(1.0 / rate.max(0.001)),
            next: Mutex::new(None),
        }
    }

    /// Waits for this caller's slot.
    pub async fn acquire(&self) {
        let at = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let at = next.map_or(now, |n| n.max(now));
            *next = Some(at + self.interval);
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

/// The run-wide limits shared by all cells.
#[derive(Debug)]
pub struct Limits {
    /// UpdateFunctionConfiguration and GetFunctionConfiguration.
    pub control: RateLimiter,
    /// GetFunction polling while an update settles.
    pub status: RateLimiter,
    /// Invocations in flight across the whole run.
    pub concurrency: Semaphore,
    jitter: Mutex<SplitMix64>,
}

impl Limits {
    pub fn new(control_rate: f64, status_rate: f64, concurrency: u32) -> Self {
        Limits {
            control: RateLimiter::per_second(control_rate),
            status: RateLimiter::per_second(status_rate),
            concurrency: Semaphore::new(concurrency.max(1) as usize),
            jitter: Mutex::new(SplitMix64::new(0x1a_b3_c4)),
        }
    }

    /// Full-jitter exponential backoff for throttling: uniform in [0, min(10 s, 100 ms·2^attempt)].
    pub fn backoff(&self, attempt: u32) -> Duration {
        self.jittered(attempt, Duration::from_secs(10))
    }

    /// Backoff after a 409 (an update still settling): it clears in seconds, so capped at 2 s.
    pub fn conflict_backoff(&self, attempt: u32) -> Duration {
        self.jittered(attempt, Duration::from_secs(2))
    }

    fn jittered(&self, attempt: u32, cap: Duration) -> Duration {
        let base = Duration::from_millis(100);
        let ceiling = base.saturating_mul(1 << attempt.min(16)).min(cap);
        let u = self
            .jitter
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .next_f64();
        ceiling.mul_f64(u.max(0.05))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn rate_limiter_spaces_calls() {
        let limiter = RateLimiter::per_second(10.0);
        let start = Instant::now();
        for _ in 0..21 {
            limiter.acquire().await;
        }
        // 21 calls at 10/s: the first immediately, the last 2 s later.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[test]
    fn backoff_is_bounded_and_grows() {
        let limits = Limits::new(15.0, 100.0, 10);
        for attempt in 0..30 {
            assert!(limits.backoff(attempt) <= Duration::from_secs(10));
        }
        let early: Duration = (0..50).map(|_| limits.backoff(0)).sum();
        let late: Duration = (0..50).map(|_| limits.backoff(6)).sum();
        assert!(late > early * 4, "{late:?} vs {early:?}");
    }
}
