//! The tree's promise to a reader (docs/design.md, "The tree"): within each crate, no module
//! imports one that imports it back, however long the way round. A module two others share gets
//! a module of its own instead (`collector/src/outcome.rs`, `collector/emulator/src/shared.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod common;

/// Every crate of the workspace with a `src/` folder (the handlers' and fuzz targets included).
fn crates(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !path.is_dir() || name.starts_with('.') || ["target", "node_modules"].contains(&name)
            {
                continue;
            }
            if name == "src" && dir.join("Cargo.toml").is_file() {
                found.push(path);
            } else {
                stack.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Which of the crate's top-level modules each one names as `crate::<module>` outside comments
/// and tests.
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for path in std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()) {
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap();
            let first = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy();
            let module = first.trim_end_matches(".rs").to_string();
            if module == "lib" || module == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let names = graph.entry(module.clone()).or_default();
            let code: String = code
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for (at, _) in code.match_indices("crate::") {
                // `lambench_crate::x` is another crate; `crate::x` only when it stands alone.
                let before = code[..at].chars().last();
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                let rest = &code[at + "crate::".len()..];
                for name in first_segments(rest) {
                    if name != module {
                        names.insert(name);
                    }
                }
            }
        }
    }
    graph
}

/// The module names a path after `crate::` starts with: one (`a::X`), or each of a group's
/// (`{a::X, b::{Y, Z}}`, possibly over several lines).
fn first_segments(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)]
            .into_iter()
            .filter(|n| !n.is_empty())
            .collect();
    };
    // The group's items at depth 0, up to its closing brace.
    let (mut depth, mut items, mut start) = (0, Vec::new(), 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
        .into_iter()
        .map(ident)
        .filter(|n| !n.is_empty())
        .collect()
}

/// A way round from `start` back to it, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![vec![start.to_string()]];
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in graph.get(last).into_iter().flatten() {
            if next == start {
                let mut found = path.clone();
                found.push(start.to_string());
                return Some(found);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let root = common::repo_root();
    let crates = crates(&root);
    assert!(
        crates.len() >= 8,
        "found only {} crates under {}",
        crates.len(),
        root.display()
    );
    let mut circles = Vec::new();
    for src in &crates {
        let graph = imports(src);
        for module in graph.keys() {
            if let Some(way) = circle(&graph, module) {
                let crate_dir = src.parent().unwrap().strip_prefix(&root).unwrap();
                circles.push(format!("{}: {}", crate_dir.display(), way.join(" -> ")));
            }
        }
    }
    assert!(
        circles.is_empty(),
        "module import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn a_circle_is_found_however_long_the_way_round() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("cell", &["runner"][..]),
        ("runner", &["progress"]),
        ("progress", &["cell"]),
        ("sink", &["cell"]),
    ]
    .into_iter()
    .map(|(m, to)| (m.to_string(), to.iter().map(|t| t.to_string()).collect()))
    .collect();
    assert_eq!(
        circle(&graph, "cell").map(|w| w.join(" -> ")),
        Some("cell -> runner -> progress -> cell".into())
    );
    assert_eq!(circle(&graph, "sink"), None);
}

#[test]
fn grouped_imports_name_each_module() {
    assert_eq!(first_segments("cell::CellOutcome;"), ["cell"]);
    assert_eq!(
        first_segments("{\n    cell::Outcome,\n    plan::{Cell, CellRound},\n    runner,\n};"),
        ["cell", "plan", "runner"]
    );
}
