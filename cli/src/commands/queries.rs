//! `lambench queries`: the built-in queries (queries/*.sql), listed or printed.

use lambench_analyzer::queries::{ALL, Query};

use super::UsageError;
use crate::cli::QueriesArgs;

pub fn run(args: &QueriesArgs) -> anyhow::Result<()> {
    let text = match &args.name {
        Some(name) => Query::find(name)
            .ok_or_else(|| {
                UsageError(format!(
                    "no built-in query {name:?}; there are: {}",
                    ALL.map(|q| q.name).join(", ")
                ))
            })?
            .sql
            .to_string(),
        None => listing(),
    };
    super::print(text.as_bytes())
}

/// The listing's width, as `--help`'s.
const WIDTH: usize = 100;

/// `text` in lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Each query's name and what it answers, the ones for people first.
fn listing() -> String {
    let width = ALL.iter().map(|q| q.name.len()).max().unwrap_or(0);
    let mut out = String::from(
        "Run one with `lambench analyze --sql NAME`; print it with `lambench queries NAME`.\n",
    );
    let (tools, people): (Vec<Query>, Vec<Query>) = ALL.iter().partition(|q| q.name.contains('/'));
    for (heading, queries) in [
        ("\nQuestions\n", people),
        ("\nWhat the report and collect run\n", tools),
    ] {
        out.push_str(heading);
        for q in queries {
            out.push_str(&format!("  {:width$}", q.name));
            for (i, line) in wrap(&q.description(), WIDTH - width - 4).iter().enumerate() {
                let indent = if i == 0 { 2 } else { width + 4 };
                out.push_str(&format!("{:indent$}{line}\n", ""));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_keeps_every_word_in_order_within_the_width() {
        let text = "is arm64 faster, and is it cheaper, for each runtime × workload × memory?";
        for width in [10, 20, 40, 200] {
            let lines = wrap(text, width);
            assert!(
                lines.iter().all(|l| l.chars().count() <= width),
                "{lines:?}"
            );
            assert_eq!(lines.join(" "), text);
        }
        assert_eq!(wrap("", 10), Vec::<String>::new());
    }
}
