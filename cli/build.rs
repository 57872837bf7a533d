//! Names the commit the binary was built from in `lambench --version` (`LAMBENCH_COMMIT`), so
//! a report or a bug can say which code produced it. Outside a git checkout (a source archive)
//! the version stands alone.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn main() {
    let commit = git(&["log", "-1", "--format=%h %cs"]);
    let version = match commit.as_deref().and_then(|c| c.split_once(' ')) {
        Some((hash, date)) => format!(" (commit {hash}, {date})"),
        None => String::new(),
    };
    println!("cargo:rustc-env=LAMBENCH_COMMIT={version}");
    // Again when HEAD moves: a commit, a checkout, or a `git gc` that packs the branch's ref.
    // Only paths that exist: cargo reruns a build script on every build while a path it
    // watches is missing, which would recompile this crate every time.
    let branch = git(&["symbolic-ref", "-q", "HEAD"]);
    let watched = ["HEAD", "packed-refs"]
        .into_iter()
        .chain(branch.as_deref())
        .filter_map(|path| git(&["rev-parse", "--git-path", path]));
    for path in watched.filter(|p| std::path::Path::new(p).exists()) {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
