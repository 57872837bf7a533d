//! The sample rule (docs/methodology.md, "What counts as a sample"), checked on every shipped
//! query: over data where some cold requests came back warm, some warm requests came back cold
//! and some were answered by an environment's first invocation, each file in `queries/` must
//! give exactly what it gives without those rows, except in the columns that count attempts.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{analyze, repo_root};
use lambench_model::record::{Invocation, StartType};
use lambench_model::{Matrix, parquet_out};
use lambench_testkit::synthetic;

/// Columns that count attempts, not samples: the rows of a wrong start are attempts.
const ATTEMPT_COLUMNS: &[&str] = &["attempts", "cold_came_back_warm", "warm_came_back_cold"];

/// Absurd values, so that a query mixing a wrong start into its numbers cannot hide it.
const ABSURD_MS: f64 = 987_654.0;

/// Requests answered with the wrong kind of start, one of each kind per cell: copies of real
/// samples (same cell, same time) with the REPORT a wrong start would have had.
fn wrong_starts(clean: &[Invocation]) -> Vec<Invocation> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for row in clean {
        let key = (
            row.function_name.clone(),
            row.memory_mb,
            row.start_type.as_str(),
        );
        if !seen.insert(key) {
            continue;
        }
        let mut wrong = row.clone();
        wrong.attempt = 1;
        wrong.status = lambench_model::Status::Ok;
        wrong.duration_ms = Some(ABSURD_MS);
        wrong.billed_duration_ms = Some(ABSURD_MS as i64 * 2);
        match row.start_type {
            StartType::Cold => {
                // Came back warm: no Init Duration, a reused environment.
                wrong.observed_cold = Some(false);
                wrong.init_duration_ms = None;
                wrong.environment.invocation = Some(4);
                out.push(wrong);
            }
            StartType::Warm => {
                // Came back cold, with an Init Duration.
                let mut cold = wrong.clone();
                cold.observed_cold = Some(true);
                cold.init_duration_ms = Some(ABSURD_MS);
                cold.runtime_version = Some("wrong:start.v0".into());
                cold.environment.invocation = Some(1);
                out.push(cold);
                // Answered by a pre-initialised environment: no Init Duration, but its first
                // invocation.
                wrong.observed_cold = Some(false);
                wrong.environment.invocation = Some(1);
                out.push(wrong);
            }
        }
    }
    out
}

fn write(root: &Path, rows: &[Invocation]) {
    parquet_out::write_part(root, "rule", "part-0", rows).expect("write");
}

fn run(data: &Path, args: &[&str]) -> String {
    analyze(data, &[&["--format", "csv"], args].concat())
}

/// The output's rows, without the attempt-counting columns, in a stable order.
fn sample_columns(csv: &str) -> BTreeSet<String> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let keep: Vec<bool> = header
        .iter()
        .map(|h| !ATTEMPT_COLUMNS.contains(h))
        .collect();
    lines
        .map(|line| {
            line.split(',')
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(v, _)| v)
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

fn shipped_queries() -> Vec<String> {
    let mut names = Vec::new();
    for dir in ["queries", "queries/report"] {
        for entry in std::fs::read_dir(repo_root().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".sql") {
                names.push(format!("{dir}/{name}"));
            }
        }
    }
    names.sort();
    names
}

/// A third of the clean rows as data collected before lambench recorded environments: the
/// rule must count them (unknown values count as asked), not drop them.
fn older(mut rows: Vec<Invocation>) -> Vec<Invocation> {
    for row in rows.iter_mut().step_by(3) {
        row.environment = Default::default();
        row.round = None;
        row.batch_size = None;
    }
    rows
}

#[test]
fn no_shipped_query_mixes_cold_and_warm_samples() {
    let matrix = Matrix::builtin().unwrap();
    let clean = older(synthetic::invocations(&matrix, 6, 12, 11));
    let wrong = wrong_starts(&clean);
    assert_eq!(wrong.len(), 3 * 294, "three wrong starts per cell");
    let (clean_dir, dirty_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(clean_dir.path(), &clean);
    write(dirty_dir.path(), &[clean.clone(), wrong].concat());

    // The data is adversarial: ignoring the rule shows the wrong starts.
    let naive = [
        "--query",
        "SELECT start_type, max(duration_ms) AS m FROM invocations WHERE status = 'ok' AND NOT is_warmup GROUP BY start_type ORDER BY start_type",
    ];
    assert_ne!(run(clean_dir.path(), &naive), run(dirty_dir.path(), &naive));

    // Every clean sample counts, including those without environment columns.
    let ok = clean
        .iter()
        .filter(|r| r.status == lambench_model::Status::Ok && !r.is_warmup)
        .count();
    let counted = run(dirty_dir.path(), &["--sql", "queries/report/samples.sql"]);
    assert_eq!(
        counted.lines().count() - 1,
        ok,
        "samples.sql counts every clean sample"
    );

    let queries = shipped_queries();
    assert!(queries.len() >= 11, "{queries:?}");
    for query in queries {
        let args = ["--sql", query.as_str()];
        let (clean_out, dirty_out) = (run(clean_dir.path(), &args), run(dirty_dir.path(), &args));
        assert!(clean_out.lines().count() > 1, "{query} returned no rows");
        let (clean_rows, dirty_rows) = (sample_columns(&clean_out), sample_columns(&dirty_out));
        let changed: Vec<_> = dirty_rows
            .symmetric_difference(&clean_rows)
            .take(4)
            .collect();
        assert!(
            changed.is_empty(),
            "{query} counts requests answered with the wrong kind of start as samples; rows that changed: {changed:#?}"
        );
        assert!(
            !dirty_out.contains("987654") && !dirty_out.contains("wrong:start"),
            "{query} shows a wrong start's values"
        );
    }
}

/// The rule as docs/methodology.md states it, whitespace folded.
fn documented_rule() -> String {
    let doc = std::fs::read_to_string(repo_root().join("docs/methodology.md")).unwrap();
    let start = doc
        .find("CASE start_type")
        .expect("the rule in docs/methodology.md");
    let end = start + doc[start..].find(" END").expect("its END") + 4;
    fold(&doc[start..end])
}

fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Queries that count attempts, not samples, and so have no sample rule.
const ATTEMPT_QUERIES: &[&str] = &["queries/errors.sql", "queries/report/meta.sql"];
/// Queries over the view `environments`, which applies the rule (environments.sql).
const OVER_ENVIRONMENTS: &[&str] = &[
    "queries/report/quality.sql",
    "queries/report/cpu_models.sql",
];

#[test]
fn every_sample_query_states_the_documented_rule_verbatim() {
    let rule = documented_rule();
    assert!(
        rule.contains("coalesce(environment_invocation, 2) > 1"),
        "{rule}"
    );
    for query in shipped_queries() {
        let sql = fold(&std::fs::read_to_string(repo_root().join(&query)).unwrap());
        let has_rule = sql.contains(&rule);
        let derived = OVER_ENVIRONMENTS.contains(&query.as_str());
        assert_eq!(derived, sql.contains("FROM environments"), "{query}");
        assert_eq!(
            has_rule,
            !ATTEMPT_QUERIES.contains(&query.as_str()) && !derived,
            "{query}: the sample rule must be written exactly as in docs/methodology.md: {rule}"
        );
    }
}

/// How `samples.sql` names a cell's runtime (custom runtimes with their language).
const RUNTIME_LABEL: &str =
    "CASE WHEN runtime LIKE 'provided%' THEN language || ' (' || runtime || ')' ELSE runtime END";

#[test]
fn every_query_that_names_cells_names_custom_runtimes_as_samples_sql_does() {
    let samples =
        fold(&std::fs::read_to_string(repo_root().join("queries/report/samples.sql")).unwrap());
    assert!(samples.contains(RUNTIME_LABEL), "{samples}");
    let mut naming = 0;
    for query in shipped_queries() {
        let sql = fold(&std::fs::read_to_string(repo_root().join(&query)).unwrap());
        if sql.contains("'provided%'") {
            naming += 1;
            assert!(
                sql.contains(RUNTIME_LABEL),
                "{query}: name custom runtimes exactly as samples.sql does: {RUNTIME_LABEL}"
            );
        }
    }
    assert!(
        naming >= 3,
        "samples.sql, trend.sql and quality.sql name cells: {naming}"
    );
}
