//! The languages lambench's handlers are written in, and what each one's functions look like
//! to Lambda: the handler setting, the one file a deployment holds and where its source is in
//! the checkout. The emulator, the packager, `lambench matrix --json` and through it the CDK
//! app ask here, so adding a language (or moving a handler) is one change.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language of the handlers in `handlers/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    Nodejs,
    /// Compiled to a `bootstrap` executable for the `provided.*` runtimes.
    Rust,
}

impl Language {
    /// Every language, in the matrix's usual order.
    pub const ALL: [Language; 3] = [Language::Python, Language::Nodejs, Language::Rust];

    /// The name `bench.toml`, the Parquet rows and the report use.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Nodejs => "nodejs",
            Language::Rust => "rust",
        }
    }

    /// Lambda's `Handler` setting for this language's functions (the module and function an
    /// interpreter loads; the custom runtime ignores it, by convention `bootstrap`).
    pub fn handler(self) -> &'static str {
        match self {
            Language::Python => "handler.handler",
            Language::Nodejs => "index.handler",
            Language::Rust => "bootstrap",
        }
    }

    /// The one file a function's deployment holds, named as Lambda loads it.
    pub fn entry_file(self) -> &'static str {
        match self {
            Language::Python => "handler.py",
            Language::Nodejs => "index.mjs",
            Language::Rust => "bootstrap",
        }
    }

    /// The folder, relative to the repository root, whose `entry_file` is a workload's handler;
    /// `None` for Rust, whose `bootstrap` is built (`handlers/rust`, one binary per workload).
    pub fn source_dir(self, workload: &str) -> Option<String> {
        match self {
            Language::Python => Some(format!("handlers/python/{workload}")),
            Language::Nodejs => Some(format!("handlers/nodejs/{workload}")),
            Language::Rust => None,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Language {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Language::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| format!("unknown language {s:?}; lambench has python, nodejs and rust"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_serde() {
        for l in Language::ALL {
            assert_eq!(l.as_str().parse::<Language>(), Ok(l));
            let json = serde_json::to_string(&l).expect("serialise");
            assert_eq!(json, format!("\"{l}\""));
        }
        assert!("java".parse::<Language>().unwrap_err().contains("python"));
    }

    #[test]
    fn interpreted_languages_have_a_source_folder_and_rust_a_built_bootstrap() {
        assert_eq!(
            Language::Python.source_dir("light").as_deref(),
            Some("handlers/python/light")
        );
        assert_eq!(Language::Rust.source_dir("light"), None);
        for l in Language::ALL {
            let module = l.handler().split('.').next().unwrap_or_default();
            assert!(
                l.entry_file().starts_with(module),
                "{l}: the handler's module {module} is the entry file {}",
                l.entry_file()
            );
        }
    }
}
