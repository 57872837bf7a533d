//! The trend page: per cell (memory sizes pooled) the weekly median from
//! `queries/report/trend.sql`, and per language family the weekly arm64/x86_64 ratio, so a
//! runtime update or a platform change shows up. Only when the data spans more than one week.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use serde::Serialize;

use crate::analysis::{Est, family};
use crate::charts::trend::Series;
use crate::data::{Table, Value};

/// One cell's weekly medians, both architectures.
#[derive(Debug, Clone)]
pub struct CellTrend {
    pub runtime: String,
    pub package: String,
    pub series: Vec<Series>,
}

/// One (workload, metric, family): its weekly ratio and its cells.
#[derive(Debug, Clone)]
pub struct FamilyTrend {
    pub workload: String,
    pub metric: String,
    pub family: String,
    /// (day number, geometric mean over the family's cells of x86_64 p50 / arm64 p50), for
    /// the weeks where at least one cell has both architectures.
    pub ratio: Vec<(f64, f64)>,
    pub cells: Vec<CellTrend>,
}

/// A chart on the trend page, grouped for the template.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub title: String,
    pub ratio_chart: Option<String>,
    pub cell_charts: Vec<String>,
}

/// Day number since 1970-01-01 of a `YYYY-MM-DD…` timestamp text. By hand rather than by a
/// format string: a history's trend has tens of thousands of rows.
fn day(text: &str) -> Option<f64> {
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = text.get(r)?;
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    if text.get(4..5) != Some("-") || text.get(7..8) != Some("-") {
        return None;
    }
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
    Some(f64::from(date.num_days_from_ce() - EPOCH_DAYS_FROM_CE))
}

/// 1970-01-01's day number counted from 0001-01-01 (day 1), as chrono's `num_days_from_ce`.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// (workload, metric, family, runtime, package type).
type CellKey<'t> = (&'t str, &'t str, String, &'t str, &'t str);

/// A cell's weekly points (day number, median) per architecture.
type ByArchitecture<'t> = BTreeMap<&'t str, Vec<(f64, Est)>>;

/// The first and last invocation of the data, for files whose footers do not say
/// (`Analyzer::invoked_span` reads them).
pub const SPAN_SQL: &str = "SELECT min(invoked_at), max(invoked_at) FROM invocations";

/// Whether the data's first and last invocation (UTC microseconds, [`SPAN_SQL`]) fall on
/// days a week or more apart: then the report has a trend page.
pub fn spans_weeks(first_us: i64, last_us: i64) -> bool {
    crate::days::day(last_us) - crate::days::day(first_us) >= 7
}

/// The weeks in the table.
pub fn weeks(t: &Table) -> usize {
    (0..t.rows.len())
        .map(|r| t.get(r, "week").as_str())
        .collect::<BTreeSet<_>>()
        .len()
}

/// Families with their cells, from `trend.sql`'s rows. Weeks without an interval (fewer than
/// 6 samples) keep the median with a zero-width band.
pub fn families(t: &Table) -> Vec<FamilyTrend> {
    let column = |name: &str| t.columns.iter().position(|c| c == name);
    let [
        week,
        p50,
        lo,
        hi,
        workload,
        metric,
        language,
        runtime,
        package,
        architecture,
    ] = [
        "week",
        "p50_ms",
        "p50_lo_ms",
        "p50_hi_ms",
        "workload",
        "metric",
        "language",
        "runtime",
        "package_type",
        "architecture",
    ]
    .map(column);
    fn at(row: &[Value], c: Option<usize>) -> &Value {
        c.and_then(|c| row.get(c)).unwrap_or(&Value::Null)
    }
    // (workload, metric, family, runtime, package) → architecture → points.
    let mut cells: BTreeMap<CellKey, ByArchitecture> = BTreeMap::new();
    // The family of the previous row's language: rows come sorted, so it rarely changes.
    let mut last_family: Option<(&str, String)> = None;
    for row in &t.rows {
        let (Some(d), Some(p50)) = (day(at(row, week).as_str()), at(row, p50).as_f64()) else {
            continue;
        };
        let est = Est {
            value: p50,
            lo: at(row, lo).as_f64().unwrap_or(p50),
            hi: at(row, hi).as_f64().unwrap_or(p50),
        };
        let lang = at(row, language).as_str();
        let fam = match &last_family {
            Some((l, f)) if *l == lang => f.clone(),
            _ => {
                let f = family(lang);
                last_family = Some((lang, f.clone()));
                f
            }
        };
        let key = (
            at(row, workload).as_str(),
            at(row, metric).as_str(),
            fam,
            at(row, runtime).as_str(),
            at(row, package).as_str(),
        );
        cells
            .entry(key)
            .or_default()
            .entry(at(row, architecture).as_str())
            .or_default()
            .push((d, est));
    }
    let mut out: BTreeMap<(String, String, String), FamilyTrend> = BTreeMap::new();
    for ((workload, metric, fam, runtime, package), by_arch) in cells {
        if by_arch.values().all(|p| p.len() < 2) {
            continue;
        }
        let entry = out
            .entry((workload.to_string(), metric.to_string(), fam.clone()))
            .or_insert_with(|| FamilyTrend {
                workload: workload.to_string(),
                metric: metric.to_string(),
                family: fam,
                ratio: Vec::new(),
                cells: Vec::new(),
            });
        entry.cells.push(CellTrend {
            runtime: runtime.to_string(),
            package: package.to_string(),
            series: by_arch
                .into_iter()
                .map(|(architecture, points)| Series {
                    architecture: architecture.to_string(),
                    points,
                })
                .collect(),
        });
    }
    let mut families: Vec<FamilyTrend> = out.into_values().collect();
    for f in &mut families {
        f.ratio = weekly_ratio(&f.cells);
    }
    families
}

/// Per week, the geometric mean over cells with both architectures of x86_64 p50 / arm64 p50.
fn weekly_ratio(cells: &[CellTrend]) -> Vec<(f64, f64)> {
    let mut logs: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for c in cells {
        let of = |arch: &str| -> BTreeMap<i64, f64> {
            c.series
                .iter()
                .filter(|s| s.architecture == arch)
                .flat_map(|s| s.points.iter().map(|(d, e)| (*d as i64, e.value)))
                .collect()
        };
        let (arm, x86) = (of("arm64"), of("x86_64"));
        for (d, a) in &arm {
            if let Some(x) = x86.get(d)
                && *a > 0.0
                && *x > 0.0
            {
                logs.entry(*d).or_default().push((x / a).ln());
            }
        }
    }
    logs.into_iter()
        .map(|(d, v)| (d as f64, (v.iter().sum::<f64>() / v.len() as f64).exp()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Value;

    #[test]
    fn week_texts_are_day_numbers() {
        assert_eq!(day("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(day("2026-01-05T00:00:00Z"), Some(20458.0));
        assert_eq!(day("1969-12-31"), Some(-1.0));
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        for days in (-719_000..2_900_000).step_by(997) {
            let date = epoch + chrono::Duration::days(days);
            let text = date.format("%Y-%m-%dT00:00:00Z").to_string();
            assert_eq!(day(&text), Some(days as f64), "{text}");
        }
        for bad in [
            "",
            "2026-1-05",
            "2026-13-01",
            "2026-02-30",
            "+026-01-05",
            "2026/01/05",
            "2026-01-0x",
        ] {
            assert_eq!(day(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_trend_needs_days_a_week_apart() {
        let day = 86_400_000_000;
        // From the last microsecond of a day to the first of the day a week later.
        assert!(spans_weeks(day - 1, 7 * day));
        assert!(!spans_weeks(day, 8 * day - 1));
        assert!(!spans_weeks(0, 0));
        assert!(spans_weeks(-7 * day, 0));
    }

    fn table(rows: &[(&str, &str, &str, f64)]) -> Table {
        let columns = [
            "workload",
            "runtime",
            "language",
            "package_type",
            "architecture",
            "metric",
            "week",
            "p50_ms",
        ];
        Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: rows
                .iter()
                .map(|(runtime, arch, week, p50)| {
                    let text = |s: &str| Value::Text(s.into());
                    vec![
                        text("hello"),
                        text(runtime),
                        text(&runtime[..6]),
                        text("zip"),
                        text(arch),
                        text("cold_init"),
                        text(week),
                        Value::Float(*p50),
                    ]
                })
                .collect(),
        }
    }

    #[test]
    fn family_ratio_is_the_weekly_geometric_mean_over_cells() {
        let t = table(&[
            ("python3.12", "arm64", "2026-01-05T00:00:00Z", 100.0),
            ("python3.12", "x86_64", "2026-01-05T00:00:00Z", 120.0),
            ("python3.13", "arm64", "2026-01-05T00:00:00Z", 100.0),
            ("python3.13", "x86_64", "2026-01-05T00:00:00Z", 130.0),
            ("python3.12", "arm64", "2026-01-12T00:00:00Z", 100.0),
            ("python3.12", "x86_64", "2026-01-12T00:00:00Z", 150.0),
            ("python3.13", "arm64", "2026-01-12T00:00:00Z", 90.0),
        ]);
        assert_eq!(weeks(&t), 2);
        let f = families(&t);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].family.as_str(), f[0].cells.len()), ("python", 2));
        assert_eq!(f[0].ratio.len(), 2);
        assert!((f[0].ratio[0].1 - (1.2f64 * 1.3).sqrt()).abs() < 1e-12);
        assert!((f[0].ratio[1].1 - 1.5).abs() < 1e-12, "one cell has both");
        assert_eq!(f[0].ratio[1].0 - f[0].ratio[0].0, 7.0);
    }
}
