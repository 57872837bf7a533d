//! The shared model of lambench.
//!
//! Everything the collector, the emulator, the analyzer and the report agree on lives here, so
//! there is one definition of each: the benchmark [`matrix`], the [`record`] written for every
//! invocation, the [`platform_log`] parser for Lambda's `REPORT` lines and the [`price`] model.

pub mod backend;
pub mod environment;
pub mod language;
pub mod lifecycle;
pub mod manifest;
pub mod matrix;
pub mod parquet_out;
pub mod plan;
pub mod platform_log;
pub mod price;
pub mod record;
pub mod rng;
pub mod selection;
pub mod stats;

pub use backend::Backend;
pub use language::Language;
pub use matrix::{Architecture, FunctionSpec, Matrix, MatrixError, Mode};
pub use platform_log::{LogSummary, Report, ReportError};
pub use price::{PriceError, PriceTable};
pub use record::{Environment, Invocation, StartType, Status};
pub use selection::SelectionError;
