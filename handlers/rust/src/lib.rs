//! The Rust benchmark handlers. The workloads are pure functions here so they can be tested
//! directly; `src/bin/*` wrap each in `lambda_runtime` as a `bootstrap` for provided.al2023.
//! docs/handler-contract.md defines what every language must compute.

pub mod cpu;
pub mod environment;
pub mod event;
#[cfg(feature = "dynamodb")]
pub mod light;
pub mod memory;
