//! Importers that turn other sources' measurements into invocation rows.

pub mod lambda_perf;
