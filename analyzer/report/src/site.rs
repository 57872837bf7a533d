//! Rendering pages from the templates in `templates/` (minijinja, HTML auto-escaping on: any
//! text from the data is escaped) and writing the site atomically: everything goes to a
//! temporary folder beside `out`, which then replaces `out`.

use std::path::{Path, PathBuf};

use minijinja::{Environment, Value};

use crate::analysis::Est;
use crate::error::{Error, Result};

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("workload.html", include_str!("../templates/workload.html")),
    ("quality.html", include_str!("../templates/quality.html")),
    ("trend.html", include_str!("../templates/trend.html")),
];
pub const STYLE: &str = include_str!("../templates/style.css");

/// The template environment with lambench's number filters.
pub fn environment() -> Result<Environment<'static>> {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .map_err(|e| render_err(name, e))?;
    }
    env.add_filter("num", |v: Option<f64>, digits: Option<usize>| match v {
        Some(v) if v.is_finite() => format!("{v:.*}", digits.unwrap_or(2)),
        _ => "–".to_string(),
    });
    env.add_filter("usd", |v: Option<f64>| match v {
        Some(v) if v.is_finite() => format!("${v:.4}"),
        _ => "–".to_string(),
    });
    env.add_filter("pct", |v: Option<f64>| match v {
        Some(v) if v.is_finite() => format!("{v:+.1}%"),
        _ => "–".to_string(),
    });
    env.add_filter("est", |v: Value, digits: Option<usize>| -> String {
        let d = digits.unwrap_or(2);
        match serde_json::to_value(&v)
            .ok()
            .and_then(|j| serde_json::from_value::<Est>(j).ok())
        {
            Some(e) => format!("{:.*} [{:.*}, {:.*}]", d, e.value, d, e.lo, d, e.hi),
            None => "not enough data".to_string(),
        }
    });
    env.add_filter("judged", |v: Value, digits: Option<usize>| -> String {
        let d = digits.unwrap_or(3);
        let j = serde_json::to_value(&v).unwrap_or_default();
        match (
            j["ratio"].as_f64(),
            j["ci_low"].as_f64(),
            j["ci_high"].as_f64(),
        ) {
            (Some(r), Some(lo), Some(hi)) => format!("{r:.d$} [{lo:.d$}, {hi:.d$}]"),
            _ => "not enough data".to_string(),
        }
    });
    Ok(env)
}

fn render_err(what: &str, e: minijinja::Error) -> Error {
    Error::Render {
        what: what.into(),
        message: format!("{e:#}"),
    }
}

/// Renders `template` with `context`.
pub fn page(env: &Environment<'_>, template: &str, context: Value) -> Result<String> {
    env.get_template(template)
        .and_then(|t| t.render(context))
        .map_err(|e| render_err(template, e))
}

/// Files of the site, relative path and contents.
pub type Files = Vec<(String, String)>;

/// The file that marks a folder as a lambench report, so replacing it is safe.
pub const MARKER: &str = ".lambench-report";

/// The marker's first line; the files the report wrote follow, one per line.
const MARKER_HEADER: &str =
    "written by lambench report; this folder is replaced on the next report";

/// Entries of an earlier report folder that the report did not write (a folder or notes the
/// user put there), which replacing it would delete. The marker lists what was written;
/// markers of older versions list nothing, and then the report's layout is what is expected.
fn foreign_entries(out: &Path) -> Vec<String> {
    let Ok(marker) = std::fs::read_to_string(out.join(MARKER)) else {
        return Vec::new();
    };
    let listed: std::collections::BTreeSet<&str> = marker.lines().skip(1).collect();
    let expected = |rel: &str| {
        if !listed.is_empty() {
            return listed.contains(rel);
        }
        let top = !rel.contains('/');
        (top && (rel.ends_with(".html") || rel == "style.css" || rel == "summary.json"))
            || (rel.starts_with("charts/")
                && rel.ends_with(".svg")
                && rel.matches('/').count() == 1)
    };
    let mut foreign = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(out)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && rel == "charts" {
                stack.push(path);
            } else if rel != MARKER && (is_dir || !expected(&rel)) {
                foreign.push(rel);
            }
        }
    }
    foreign.sort();
    foreign
}

/// Writes the files into a fresh folder and swaps it in for `out`, so readers never see half a
/// report and an old report never keeps stale pages. An existing `out` is replaced only if it
/// is empty or an earlier report (it holds [`MARKER`]): `--out results` must never delete data.
pub fn write(out: &Path, files: &Files) -> Result<()> {
    let io = |path: &Path, source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let replaceable = !out.exists()
        || out.join(MARKER).is_file()
        || std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none());
    if out.file_name().is_none() || !replaceable {
        return Err(Error::NotAReportFolder {
            path: out.display().to_string(),
        });
    }
    let foreign = foreign_entries(out);
    if !foreign.is_empty() {
        return Err(Error::ForeignInReport {
            path: out.display().to_string(),
            entries: foreign.join(", "),
        });
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    let name = out
        .file_name()
        .map_or("report".into(), |n| n.to_string_lossy().into_owned());
    let tmp: PathBuf = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| io(&tmp, e))?;
    // The marker lists what the report wrote, so the next one can tell what else is there.
    let listing: String = files.iter().map(|(rel, _)| format!("{rel}\n")).collect();
    std::fs::write(tmp.join(MARKER), format!("{MARKER_HEADER}\n{listing}"))
        .map_err(|e| io(&tmp, e))?;
    for (rel, contents) in files {
        let path = tmp.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        std::fs::write(&path, contents).map_err(|e| io(&path, e))?;
    }
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| io(out, e))?;
    }
    std::fs::rename(&tmp, out).map_err(|e| io(out, e))
}
