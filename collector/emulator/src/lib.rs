//! lambench's local Lambda: the Invoke and configuration API on one port, and a Runtime API per
//! execution environment, running the real handlers as processes and writing real REPORT lines.
//!
//! What it does: functions from the matrix whose runtime exists on this host; cold start on
//! first use and after a configuration change; warm reuse; one environment per concurrent
//! invoke; timeouts, crashes and handler errors reported as Lambda does; CPU in
//! proportion to memory and the memory limit via cgroups when the host allows (`cgroups`).
//! Idle environments are retired after `idle_timeout`; throttles, conflicts and control-plane
//! latency can be injected (`Faults`).

pub mod cgroups;
mod environment;
pub mod functions;
mod logs;
mod runtime_api;
mod service;
mod shared;
pub mod validate;

pub use functions::{FunctionDef, Unavailable, discover};
pub use service::{Emulator, EmulatorOptions, Faults};
