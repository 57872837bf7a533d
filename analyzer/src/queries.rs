//! The SQL files of `queries/`, built into the binary: `lambench analyze --sql p99` works from
//! any directory, `lambench queries` lists them, and the report and the collector run the same
//! texts. This is the one place that knows where `queries/` lies relative to the crates.

use std::path::Path;

use crate::error::{Error, Result};

/// Where a SQL text came from, for error messages.
#[derive(Debug, Clone)]
pub enum SqlOrigin {
    File(String),
    Inline,
}

impl std::fmt::Display for SqlOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SqlOrigin::File(path) => write!(f, "{path}"),
            SqlOrigin::Inline => f.write_str("--query"),
        }
    }
}

/// A query file shipped in `queries/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query {
    /// Its name for `--sql`: the path under `queries/` without `.sql` (`p99`, `report/samples`).
    pub name: &'static str,
    /// Its path in the repository, as error messages and the report's captions cite it.
    pub path: &'static str,
    pub sql: &'static str,
}

macro_rules! shipped {
    ($name:literal) => {
        Query {
            name: $name,
            path: concat!("queries/", $name, ".sql"),
            sql: include_str!(concat!("../../queries/", $name, ".sql")),
        }
    };
}

pub const ARM_VS_X86: Query = shipped!("arm_vs_x86");
pub const COLD_STARTS: Query = shipped!("cold_starts");
pub const COST_PER_MILLION: Query = shipped!("cost_per_million");
pub const ERRORS: Query = shipped!("errors");
pub const MEMORY_SCALING: Query = shipped!("memory_scaling");
pub const P99: Query = shipped!("p99");

/// The report's inputs (`lambench report` runs or cites them beside each figure).
pub mod report {
    use super::Query;

    pub const CPU_MODELS: Query = shipped!("report/cpu_models");
    pub const ENVIRONMENTS: Query = shipped!("report/environments");
    pub const META: Query = shipped!("report/meta");
    pub const QUALITY: Query = shipped!("report/quality");
    pub const RUNTIME_VERSIONS: Query = shipped!("report/runtime_versions");
    pub const SAMPLES: Query = shipped!("report/samples");
    pub const TREND: Query = shipped!("report/trend");
}

/// The collector's (`collect --local`'s estimate of how long a run takes here).
pub mod collect {
    use super::Query;

    pub const LOCAL_TIMES: Query = shipped!("collect/local_times");
}

/// Every shipped query: first those for people (`queries/*.sql`), then the tools' own.
pub const ALL: [Query; 14] = [
    ARM_VS_X86,
    COLD_STARTS,
    COST_PER_MILLION,
    ERRORS,
    MEMORY_SCALING,
    P99,
    report::CPU_MODELS,
    report::ENVIRONMENTS,
    report::META,
    report::QUALITY,
    report::RUNTIME_VERSIONS,
    report::SAMPLES,
    report::TREND,
    collect::LOCAL_TIMES,
];

impl Query {
    /// The shipped query `name` stands for: `p99`, `p99.sql`, `queries/p99.sql` or
    /// `report/samples` (and `./queries/p99.sql`, as a shell completes it).
    pub fn find(name: &str) -> Option<Query> {
        let name = name.strip_prefix("./").unwrap_or(name);
        let name = name.strip_prefix("queries/").unwrap_or(name);
        let name = name.strip_suffix(".sql").unwrap_or(name);
        ALL.into_iter().find(|q| q.name == name)
    }

    /// What the query answers: the file's first comment, without its `name.sql:` label, up to
    /// the end of its first sentence.
    pub fn description(&self) -> String {
        let mut text = String::new();
        for line in self.sql.lines() {
            let Some(comment) = line.trim().strip_prefix("--") else {
                break;
            };
            text.push(' ');
            text.push_str(comment.trim());
            if comment.contains(". ") || comment.trim_end().ends_with(['.', '?']) {
                break;
            }
        }
        let text = text.trim();
        let file = self.path.rsplit('/').next().unwrap_or(self.path);
        let text = text
            .strip_prefix(&format!("{file}:"))
            .unwrap_or(text)
            .trim();
        let end = [". ", "? "]
            .iter()
            .filter_map(|p| text.find(p).map(|i| i + 1))
            .min()
            .unwrap_or(text.len());
        text[..end].to_string()
    }
}

/// The statement `--sql ARG` names: the file at that path when there is one (so an edited copy
/// runs as edited), else the built-in query of that name ([`Query::find`]), from any directory.
pub fn statement(arg: &Path) -> Result<(String, SqlOrigin)> {
    match std::fs::read_to_string(arg) {
        Ok(text) => Ok((text, SqlOrigin::File(arg.display().to_string()))),
        Err(reason) if reason.kind() == std::io::ErrorKind::NotFound => {
            let query = arg
                .to_str()
                .and_then(Query::find)
                .ok_or_else(|| Error::UnknownQuery {
                    arg: arg.display().to_string(),
                    names: ALL.map(|q| q.name).join(", "),
                })?;
            Ok((
                query.sql.to_string(),
                SqlOrigin::File(format!("{} (built in)", query.path)),
            ))
        }
        Err(reason) => Err(Error::Io {
            path: arg.display().to_string(),
            reason,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_paths_and_shell_completions_all_find_the_file() {
        for name in ["p99", "p99.sql", "queries/p99.sql", "./queries/p99.sql"] {
            assert_eq!(Query::find(name), Some(P99), "{name}");
        }
        assert_eq!(Query::find("report/samples"), Some(report::SAMPLES));
        assert_eq!(Query::find("p9"), None);
        assert_eq!(Query::find("samples"), None);
    }

    #[test]
    fn every_file_has_a_description_of_one_sentence() {
        for q in ALL {
            let d = q.description();
            assert!(!d.is_empty(), "{}: no leading comment", q.path);
            assert!(!d.starts_with(q.name), "{}: label kept: {d}", q.path);
            assert!(d.len() < 300, "{}: {d}", q.path);
        }
        assert_eq!(
            P99.description(),
            "latency distribution per runtime × architecture × workload × memory × start type."
        );
    }

    #[test]
    fn every_file_in_queries_is_shipped() {
        let root = lambench_testkit::repo_root().join("queries");
        let mut files = Vec::new();
        for dir in ["", "report", "collect"] {
            for entry in std::fs::read_dir(root.join(dir)).expect("queries/") {
                let name = entry
                    .expect("entry")
                    .file_name()
                    .into_string()
                    .expect("UTF-8");
                if let Some(stem) = name.strip_suffix(".sql") {
                    files.push(if dir.is_empty() {
                        stem.to_string()
                    } else {
                        format!("{dir}/{stem}")
                    });
                }
            }
        }
        files.sort();
        let mut shipped: Vec<String> = ALL.iter().map(|q| q.name.to_string()).collect();
        shipped.sort();
        assert_eq!(files, shipped, "add new files to ALL (and to their module)");
    }

    #[test]
    fn names_are_unique_and_match_their_paths() {
        for (i, q) in ALL.iter().enumerate() {
            assert_eq!(q.path, format!("queries/{}.sql", q.name));
            assert!(ALL[..i].iter().all(|o| o.name != q.name), "{}", q.name);
        }
    }
}
