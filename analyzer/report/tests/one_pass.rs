//! The report reads its inputs in one pass (`attempts.rs`) instead of running
//! `queries/report/samples.sql`, `environments.sql`, the small tables' files and the weekly
//! trend's, which it still cites.
//! On data with every case the sample rule decides (wrong starts, first invocations, warm-ups,
//! failures, throttles, rows without environment or round, package types not recorded,
//! SnapStart restores, custom runtimes, failures with and without messages, regions not
//! recorded, several runtime versions) in several Parquet parts, the pass must give exactly
//! what the two files give, and what `meta.sql`, `errors.sql`, `runtime_versions.sql` and
//! `trend.sql` give.

use std::collections::BTreeMap;

use lambench_analyzer::{Analyzer, DataLocation};
use lambench_model::record::{Invocation, StartType};
use lambench_model::{Matrix, Status, parquet_out};
use lambench_report::attempts;
use lambench_report::data::{self, CellKey, Samples};
use lambench_testkit::synthetic;

/// Every case the rule and the grouping decide, spread over the synthetic rows.
fn adversarial(mut rows: Vec<Invocation>) -> Vec<Invocation> {
    for (i, row) in rows.iter_mut().enumerate() {
        let cold = row.start_type == StartType::Cold;
        // Over five weeks, on every day of the week, so the trend's weeks are several and
        // each holds samples from both sides of a Monday.
        row.invoked_at_us += (i % 37) as i64 * 86_400_000_000;
        match i % 17 {
            0 => {
                // Data from before environments were recorded (or an import).
                row.environment = Default::default();
                row.round = None;
            }
            1 => row.observed_cold = Some(!cold),
            2 if !cold => row.environment.invocation = Some(1),
            3 => row.status = Status::Throttled,
            4 => row.status = Status::Error,
            5 => row.is_warmup = true,
            6 => row.package_type = None,
            7 => row.environment.cpu_model = None,
            8 if cold => {
                // Restored from a snapshot: a Restore Duration, no Init Duration.
                row.init_duration_ms = None;
                row.restore_duration_ms = Some(120.5 + i as f64);
                row.billed_restore_duration_ms = Some(40);
            }
            9 => row.billed_duration_ms = None,
            10 => row.duration_ms = None,
            11 => row.environment.invocation = None,
            12 => {
                row.status = Status::Timeout;
                row.error_type = Some(format!("Sandbox.Timedout{}", i % 3));
                row.error_message = (i % 2 == 0).then(|| format!("timed out after {i} ms"));
            }
            13 => row.region = None,
            14 if cold => row.runtime_version = Some(format!("{}.v{}", row.runtime, i % 4)),
            _ => {}
        }
        if i % 3 == 1 {
            // Several failures of one kind per cell, some with a message: errors.sql keeps the
            // least message.
            row.status = Status::Timeout;
            row.error_type = Some("Sandbox.Timedout".into());
            row.error_message = (i % 2 == 0).then(|| format!("timed out after {i} ms"));
        }
    }
    rows
}

/// A cell's samples in an order-free form (the pass and the query deliver rows in different
/// orders; environments compared by id, not by index).
type Canonical = (
    String,
    Vec<(u64, u64, Option<i32>, Option<String>)>,
    Vec<(u64, Option<i32>)>,
    Vec<u64>,
    Vec<u64>,
);

fn canonical(s: &Samples) -> Canonical {
    let mut warm: Vec<_> = (0..s.warm_ms.len())
        .map(|i| {
            let (round, env) = s.warm_at[i];
            (
                s.warm_ms[i].to_bits(),
                s.warm_billed_ms[i].to_bits(),
                round,
                env.map(|e| s.environments[e as usize].clone()),
            )
        })
        .collect();
    let mut init: Vec<_> = s
        .init_ms
        .iter()
        .zip(&s.init_rounds)
        .map(|(v, r)| (v.to_bits(), *r))
        .collect();
    let bits = |v: &[f64]| {
        let mut b: Vec<u64> = v.iter().map(|x| x.to_bits()).collect();
        b.sort_unstable();
        b
    };
    warm.sort();
    init.sort();
    (
        s.language.clone(),
        warm,
        init,
        bits(&s.cold_billed_ms),
        bits(&s.restore_ms),
    )
}

fn canonical_cells(cells: &BTreeMap<CellKey, Samples>) -> BTreeMap<CellKey, Canonical> {
    cells
        .iter()
        .map(|(k, s)| (k.clone(), canonical(s)))
        .collect()
}

/// A table's rows as text, sorted.
async fn sorted_rows(analyzer: &Analyzer, sql: &'static str) -> Vec<String> {
    let table = data::table(
        analyzer,
        data::Query {
            name: "(test)",
            path: "(test)",
            sql,
        },
    )
    .await
    .expect("query");
    let mut rows: Vec<String> = table.rows.iter().map(|r| format!("{r:?}")).collect();
    rows.sort();
    rows
}

/// On as many threads as the binary, so the partitions are folded in parallel and merged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_one_pass_gives_exactly_the_rows_of_the_files_it_replaces() {
    let matrix = Matrix::builtin().expect("bench.toml");
    let rows = adversarial(synthetic::invocations(&matrix, 6, 12, 5));
    let dir = tempfile::tempdir().expect("tempdir");
    let half = rows.len() / 2;
    parquet_out::write_part(dir.path(), "r", "part-0", &rows[..half]).expect("write");
    parquet_out::write_part(dir.path(), "r", "part-1", &rows[half..]).expect("write");
    let location = DataLocation::resolve(dir.path().to_str().expect("utf-8 path"))
        .await
        .expect("location");
    let analyzer = Analyzer::open(&location, Some("r")).await.expect("open");

    let by_sql = data::samples_by_sql(&analyzer).await.expect("samples.sql");
    let environments_sql = sorted_rows(&analyzer, "SELECT * FROM environments").await;
    let quality_sql = sorted_rows(&analyzer, data::QUALITY.sql).await;

    let small = [data::META, data::ERRORS, data::VERSIONS, data::TREND];
    let mut small_sql = Vec::new();
    for q in small {
        small_sql.push(data::table(&analyzer, q).await.expect("query"));
    }

    let cpu_models_sql = sorted_rows(&analyzer, data::CPU_MODELS.sql).await;
    let mut pass = attempts::read_with_environments(&analyzer)
        .await
        .expect("one pass");
    let trend = std::mem::take(&mut pass.trend).wait().expect("trend");
    assert!(
        quality_sql.len() > 200,
        "{} quality rows",
        quality_sql.len()
    );
    assert!(
        cpu_models_sql.len() > 1,
        "{} CPU rows",
        cpu_models_sql.len()
    );
    // The quality page's tables, computed from the pass's entries, as the files give them
    // (quality.sql in its order; cpu_models.sql's order leaves ties, so both sorted).
    let quality = data::table(&analyzer, data::QUALITY)
        .await
        .expect("quality.sql");
    assert_eq!(pass.quality.columns, quality.columns);
    assert_eq!(pass.quality.rows, quality.rows);
    let text_rows = |t: &data::Table| {
        let mut rows: Vec<String> = t.rows.iter().map(|r| format!("{r:?}")).collect();
        rows.sort();
        rows
    };
    assert_eq!(text_rows(&pass.cpu_models), cpu_models_sql);
    for (q, (sql, folded)) in
        small.iter().zip(
            small_sql
                .iter()
                .zip([&pass.meta, &pass.errors, &pass.versions, &trend]),
        )
    {
        assert!(sql.rows.len() > 1, "{}: {} rows", q.path, sql.rows.len());
        assert_eq!(folded.columns, sql.columns, "{}", q.path);
        // meta.sql orders by attempts alone: ties may come in any order.
        let (mut a, mut b) = (folded.rows.clone(), sql.rows.clone());
        if q.path == data::META.path {
            let text = |r: &Vec<data::Value>| format!("{r:?}");
            a.sort_by_key(text);
            b.sort_by_key(text);
        }
        assert_eq!(a, b, "{}", q.path);
    }
    assert!(by_sql.len() > 200, "{} cells", by_sql.len());
    assert!(
        by_sql.keys().any(|k| k.package == "not recorded")
            && by_sql
                .keys()
                .any(|k| k.runtime.starts_with("rust (provided"))
            && by_sql.values().any(|s| !s.restore_ms.is_empty())
            && by_sql
                .values()
                .any(|s| s.warm_at.iter().any(|a| a.1.is_none())),
        "the data has every case"
    );
    assert_eq!(canonical_cells(&pass.samples), canonical_cells(&by_sql));

    analyzer
        .replace_view(data::ENVIRONMENTS_VIEW, pass.environments)
        .await
        .expect("replace the view");
    assert!(environments_sql.len() > 1000, "{}", environments_sql.len());
    assert_eq!(
        sorted_rows(&analyzer, "SELECT * FROM environments").await,
        environments_sql
    );
    assert_eq!(sorted_rows(&analyzer, data::QUALITY.sql).await, quality_sql);
}
