//! `lambench`: ARM64 (Graviton) vs x86_64 on AWS Lambda.
//!
//! Thin by design: parse arguments ([`cli`]), run the command, print one error chain.

mod artefacts;
mod cli;
mod commands;
mod progress;

use std::process::ExitCode;

use clap::Parser;

/// The report and `analyze` allocate and free many short-lived Arrow buffers from several
/// threads; mimalloc reuses them instead of returning pages to the kernel and faulting them
/// back in (a fifth of the report's time with the system allocator). Version 2 (the `v2`
/// feature), not 3: on a 1M-row report, 3 committed 287 MB for an 87 MB live heap and spent
/// most of its time faulting fresh huge pages in; 2 was 1.3–1.5x faster there (1.2x on the
/// lambda-perf history's report, 1.05–1.5x on scans), with identical output.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Stack of the threads that plan and run queries: DataFusion's planner and optimizer recurse
/// once per level of an expression, so a long expression needs a deep stack (reserved, not
/// used: pages are touched only as deep as a query goes). The analyzer refuses expressions
/// beyond what this holds.
const STACK_BYTES: usize = 256 << 20;

fn main() -> ExitCode {
    // The commands run on a thread of their own with the same deep stack as the workers.
    match std::thread::Builder::new()
        .name("lambench".into())
        .stack_size(STACK_BYTES)
        .spawn(run)
        .map(std::thread::JoinHandle::join)
    {
        Ok(Ok(code)) => code,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(e) => {
            eprintln!("error: cannot start the main thread: {e}");
            ExitCode::from(1)
        }
    }
}

fn run() -> ExitCode {
    let args = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(STACK_BYTES)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(commands::exit_code(&err))
        }
    }
}
