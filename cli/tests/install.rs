//! What an installed binary offers beside its commands: `--version` naming the commit it was
//! built from, shell completions and manual pages generated from the same definitions as
//! `--help`. (`.ci/run` installs the binary with `cargo install --path cli` and runs it
//! from `/`.)

mod common;

use common::{lambench, repo_root, succeed};

#[test]
fn version_names_the_commit_built_from() {
    let version = succeed(lambench().arg("--version"));
    let git = std::process::Command::new("git")
        .args(["log", "-1", "--format=%h %cs"])
        .current_dir(repo_root())
        .output();
    let expected = match git {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8(out.stdout).unwrap();
            let (hash, date) = text.trim().split_once(' ').unwrap();
            format!(
                "lambench {} (commit {hash}, {date})\n",
                env!("CARGO_PKG_VERSION")
            )
        }
        _ => {
            println!("not a git checkout here: the version stands alone");
            format!("lambench {}\n", env!("CARGO_PKG_VERSION"))
        }
    };
    assert_eq!(version, expected);
}

#[test]
fn completions_cover_every_command_in_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = succeed(lambench().args(["completions", shell]));
        for word in [
            "analyze",
            "collect",
            "report",
            "queries",
            "baseline",
            "fail-on-regression",
        ] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    let bash = succeed(lambench().args(["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lambench.bash");
    std::fs::write(&file, bash).unwrap();
    // bash parses it (assert_cmd shows bash's output if not).
    assert_cmd::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .assert()
        .success();
    lambench()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("invalid value 'tcsh'"));
}

#[test]
fn manual_pages_follow_the_help() {
    let page = succeed(lambench().arg("man"));
    assert!(page.contains(".TH lambench 1"), "{page}");
    // Each command's page is named in SEE ALSO.
    for command in ["analyze", "collect", "report", "queries", "completions"] {
        assert!(
            page.contains(&format!("lambench\\-{command}(1)")),
            "{command}: {page}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    succeed(lambench().args(["man", "--out"]).arg(&out));
    let mut pages: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    pages.sort();
    for expected in [
        "lambench.1",
        "lambench-analyze.1",
        "lambench-import-lambda-perf.1",
        "lambench-report.1",
    ] {
        assert!(
            pages.iter().any(|p| p == expected),
            "{expected} not in {pages:?}"
        );
    }
    let report = std::fs::read_to_string(out.join("lambench-report.1")).unwrap();
    assert!(report.contains("fail\\-on\\-regression"), "{report}");
}
