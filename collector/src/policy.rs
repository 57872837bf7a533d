//! The collector's defaults: how hard it pushes each backend when the user does not say.
//! They live here, beside the code that obeys them, so the CLI only passes overrides.

use std::time::Duration;

use lambench_model::Backend;

/// Control-plane calls per second: Lambda's quota is 15 per account and region, shared by
/// UpdateFunctionConfiguration and GetFunctionConfiguration.
pub const CONTROL_RATE: f64 = 15.0;

/// GetFunction calls per second while an update settles (Lambda's quota for GetFunction is
/// 100 per second, apart from the control-plane one).
pub const GET_FUNCTION_RATE: f64 = 100.0;

/// Most invocations at once per function (cold batch size and warm environments).
pub const PARALLELISM: u32 = 100;

/// Invocations in flight across a run: 900 on AWS, leaving headroom in a default account's
/// 1,000; locally one per CPU core, so samples do not share a core.
pub fn concurrency(backend: Backend) -> u32 {
    match backend {
        Backend::Aws => 900,
        Backend::Local => std::thread::available_parallelism().map_or(1, |n| n.get() as u32),
    }
}

/// How often to ask whether a configuration update has settled: Lambda takes about 1.5 s, so
/// every 250 ms; the local emulator settles in tens of milliseconds.
pub fn poll_interval(backend: Backend) -> Duration {
    match backend {
        Backend::Aws => Duration::from_millis(250),
        Backend::Local => Duration::from_millis(20),
    }
}
