//! `lambench man`: manual pages from the same definitions as `--help` (clap_mangen), so they
//! cannot drift from it.

use std::path::Path;

use anyhow::Context;
use clap::CommandFactory;
use clap_mangen::Man;

use crate::cli::{Cli, ManArgs};

pub fn run(args: &ManArgs) -> anyhow::Result<()> {
    let command = Cli::command();
    match &args.out {
        None => super::print(&page(command)?),
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let written = write_pages(command, dir)?;
            eprintln!("wrote {written} manual pages to {}", dir.display());
            Ok(())
        }
    }
}

fn page(command: clap::Command) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    Man::new(command)
        .render(&mut out)
        .context("cannot render the manual page")?;
    Ok(out)
}

/// `lambench.1` and a page per command, named as `man` looks them up (`lambench-import-lambda-perf.1`).
fn write_pages(command: clap::Command, dir: &Path) -> anyhow::Result<usize> {
    let mut command = command;
    command.build();
    let mut pending = vec![command];
    let mut written = 0;
    while let Some(command) = pending.pop() {
        let name = command
            .get_display_name()
            .unwrap_or(command.get_name())
            .to_string();
        pending.extend(
            command
                .get_subcommands()
                .filter(|s| s.get_name() != "help")
                .cloned(),
        );
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, page(command)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        written += 1;
    }
    Ok(written)
}
