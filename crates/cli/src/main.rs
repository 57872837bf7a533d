//! `lambench`: ARM64 (Graviton) vs x86_64 on AWS Lambda.
//!
//! Thin by design: parse arguments ([`cli`]), run the command, print one error chain.

mod cli;
mod commands;
mod package;
mod progress;

use std::process::ExitCode;

use clap::Parser;

/// The report and `analyze` allocate and free many short-lived Arrow buffers from several
/// threads; mimalloc reuses them instead of returning pages to the kernel and faulting them
/// back in (a fifth of the report's time with the system allocator).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
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
