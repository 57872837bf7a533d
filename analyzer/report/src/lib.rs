//! `lambench report`: a static HTML site answering, per runtime, workload and memory size, "is
//! arm64 faster, is it cheaper, by how much, how sure are we, and which memory size?".
//!
//! Flow: SQL files in `queries/` through the analyzer ([`data`]; the two large inputs in one
//! pass, [`attempts`]) → statistics and verdicts
//! ([`analysis`], [`baseline`]; every verdict also in `summary.json`, [`summary`]) → SVG charts
//! ([`charts`], one file per family) → pages from `templates/` ([`site`]), written atomically.
//! No JavaScript; works from `file://`.

pub mod analysis;
pub mod attempts;
pub mod baseline;
pub mod charts;
mod cores;
pub mod data;
mod days;
pub mod error;
pub mod quality;
pub mod site;
pub mod summary;
pub mod trend;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use lambench_analyzer::{Analyzer, DataLocation};
use lambench_model::Architecture;
use lambench_model::price::{DEFAULT_PRICE_REGION, PRICES_AS_OF, PRICES_SOURCE, PriceTable};
use lambench_model::stats::verdict::Rule;
use minijinja::{Value, context};
use serde::Serialize;

use analysis::{CellStats, Findings};
use data::{CellKey, Samples, Table};
pub use error::{Error, Result};

/// What to build.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub out: PathBuf,
    /// The run to report on (all data when `None`).
    pub run: Option<String>,
    pub baseline: Option<String>,
    /// Price region; default: the data's region when the price table has it, else us-east-1.
    pub region: Option<String>,
    /// The practical margin and the family-wise error rate of every verdict.
    pub rule: Rule,
    pub title: String,
}

/// What was built.
#[derive(Debug, Clone)]
pub struct Built {
    pub files: Vec<String>,
    pub charts: usize,
    pub cells: usize,
    /// Every verdict, as in `summary.json` (and for the terminal: [`summary::Summary::terminal`]).
    pub summary: summary::Summary,
}

/// A chart on a page.
#[derive(Debug, Clone, Serialize)]
struct Figure {
    file: String,
    alt: String,
    caption: String,
    query: &'static str,
}

/// Builds the report for `opts.run` at `location` into `opts.out`.
pub async fn build(location: &DataLocation, opts: &ReportOptions) -> Result<Built> {
    let analyzer = Analyzer::open(location, opts.run.as_deref()).await?;
    // One pass over every attempt gives the samples, the quality and CPU tables (sums of the
    // per-environment counts), the small tables (meta, errors, runtime versions) and the trend.
    let pass = attempts::read(&analyzer).await?;
    let (samples, meta, errors, versions, trend) = (
        pass.samples,
        pass.meta,
        pass.errors,
        pass.versions,
        pass.trend,
    );
    let (quality_table, cpu_models) = (pass.quality, pass.cpu_models);
    if samples.is_empty() {
        return Err(Error::NoSamples);
    }
    let region = price_region(opts, &meta);
    // The statistics run on threads of their own (one per core, `analysis::findings`), beside
    // the trend's medians (`attempts::Pending`), which are waited for off the async runtime.
    let statistics = {
        let (rule, region) = (opts.rule, region.clone());
        tokio::task::spawn_blocking(move || {
            let found = analysis::findings(&samples, &rule, &region);
            (samples, found, trend.wait())
        })
    };
    let (samples, (findings, units), trend_table) = match statistics.await {
        Ok(done) => done,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => return Err(Error::Interrupted(e.to_string())),
    };
    let trend_table = trend_table?;
    let has_trend = trend::weeks(&trend_table) > 1;
    let baseline = match &opts.baseline {
        Some(run) => {
            let base = Analyzer::open(location, Some(run)).await?;
            let base_units: BTreeMap<CellKey, analysis::CellUnits> =
                attempts::read_without_trend(&base)
                    .await?
                    .samples
                    .iter()
                    .map(|(k, s)| (k.clone(), analysis::units(k, s, &region)))
                    .collect();
            Some((
                run.clone(),
                baseline::changes(&units, &base_units, &opts.rule),
            ))
        }
        None => None,
    };
    let planned = match &opts.run {
        Some(run) => quality::planned(location, run).await?,
        None => None,
    };

    let env = site::environment()?;
    let workloads: BTreeSet<&str> = findings.cells.iter().map(|c| c.workload.as_str()).collect();
    let nav: Vec<_> = workloads
        .iter()
        .map(|w| context! { name => w, page => format!("workload-{}.html", slug(w)) })
        .collect();
    let packages: BTreeSet<&str> = findings.cells.iter().map(|c| c.package.as_str()).collect();
    let common = context! {
        ..common_context(opts, &meta, &region, planned.as_ref(), &versions, nav),
        ..context! { show_package => packages.len() > 1, has_trend => has_trend }
    };
    // The trend page (the history's largest) and the quality page render on a thread of their
    // own beside the index and the workload pages.
    let files = std::thread::scope(|scope| -> Result<site::Files> {
        let side = scope.spawn(|| -> Result<(site::Files, site::Files)> {
            let trend = if has_trend {
                trend_page(&env, &common, &trend_table, opts.rule.margin)?
            } else {
                Vec::new()
            };
            let tables = QualityTables {
                quality: &quality_table,
                errors: &errors,
                versions: &versions,
                cpu_models: &cpu_models,
            };
            Ok((
                trend,
                quality_page(&env, &common, &tables, planned.as_ref())?,
            ))
        });
        let mut files: site::Files = vec![("style.css".into(), site::STYLE.into())];

        let mut index_charts = Vec::new();
        for w in &workloads {
            let comps: Vec<_> = findings
                .comparisons
                .iter()
                .filter(|c| c.workload == *w)
                .collect();
            if comps.iter().any(|c| c.speedup.is_some()) {
                let file = format!("charts/speedup-{}.svg", slug(w));
                let title = format!("{w}: arm64 speedup by memory size");
                let chart = charts::speedup::chart(&title, &comps, opts.rule.margin)?;
                files.push((file.clone(), chart));
                index_charts.push(figure(
                file,
                &title,
                "Above the dashed line arm64 is faster; bars: 95% interval (environments as units); grey band: the practical margin.",
                IN_RUST,
            ));
            }
        }
        let index = site::page(
            &env,
            "index.html",
            context! {
                ..common.clone(),
                ..context! {
                    switches => Value::from_serialize(&findings.switches),
                    warm_switches => Value::from_serialize(
                        findings.switches.iter().filter(|s| s.speed.is_some() || s.cost.is_some()).collect::<Vec<_>>()
                    ),
                    families => Value::from_serialize(&findings.families),
                    comparisons => Value::from_serialize(&findings.comparisons),
                    recommendations => Value::from_serialize(&findings.recommendations),
                    charts => Value::from_serialize(&index_charts),
                    cold_only => findings.cells.iter().all(|c| c.warm_n == 0),
                    architectures => findings
                        .cells
                        .iter()
                        .map(|c| c.architecture.as_str())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>(),
                    family_size => findings.family_size,
                    unclustered => findings.cells.iter().filter(|c| c.warm_n > 0 && !c.clustered).count(),
                    baseline => baseline.as_ref().map(|(run, changes)| {
                        let count = |f: &str| changes.iter().filter(|c| c.flag == f).count();
                        context! {
                            run => run,
                            changes => Value::from_serialize(changes),
                            regressions => count("regression"),
                            improvements => count("improvement"),
                            equivalent => count("equivalent"),
                            inconclusive => count("inconclusive") + count("not enough data"),
                        }
                    }),
                }
            },
        )?;
        files.push(("index.html".into(), index));
        for w in &workloads {
            let (page, figures) = workload_page(&env, &common, w, &findings, &samples)?;
            files.extend(figures);
            files.push((format!("workload-{}.html", slug(w)), page));
        }
        let (trend, quality) = match side.join() {
            Ok(done) => done?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        files.extend(trend);
        files.extend(quality);
        Ok(files)
    })?;
    let mut files = files;
    let summary = summary::Summary::new(&opts.rule, &findings, baseline.as_ref());
    files.push(("summary.json".into(), summary.to_json()?));
    site::write(&opts.out, &files)?;
    Ok(Built {
        charts: files.iter().filter(|(f, _)| f.ends_with(".svg")).count(),
        files: files.into_iter().map(|(f, _)| f).collect(),
        cells: findings.cells.len(),
        summary,
    })
}

fn workload_page(
    env: &minijinja::Environment<'_>,
    common: &Value,
    w: &str,
    findings: &Findings,
    samples: &BTreeMap<CellKey, Samples>,
) -> Result<(String, site::Files)> {
    let cells: Vec<&CellStats> = findings.cells.iter().filter(|c| c.workload == w).collect();
    let mut files = Vec::new();
    let mut figures = Vec::new();
    let s = slug(w);
    if cells
        .iter()
        .any(|c| c.median.is_some() && c.usd_per_million.is_some())
    {
        let file = format!("charts/pareto-{s}.svg");
        let title = format!("{w}: cost vs latency, every runtime × architecture × memory");
        files.push((file.clone(), charts::pareto::chart(&title, &cells)?));
        figures.push(figure(
            file,
            &title,
            "Points on the black line are Pareto-optimal: nothing else is both cheaper and faster.",
            PERCENTILES_AND_COSTS,
        ));
    }
    let groups = cold_groups(w, samples);
    if !groups.is_empty() {
        let file = format!("charts/cold-{s}.svg");
        let title = format!("{w}: cold-start Init Duration");
        files.push((file.clone(), charts::cold_start::chart(&title, &groups)?));
        figures.push(figure(file, &title, "Boxes: quartiles; whiskers: 5th–95th percentile; memory sizes pooled; blue arm64, vermillion x86_64.", IN_RUST));
    }
    let bars = tail_bars(&cells);
    if !bars.is_empty() {
        let file = format!("charts/tail-{s}.svg");
        let title = format!("{w}: p99/p50 tail ratio (median over memory sizes)");
        files.push((file.clone(), charts::tail::chart(&title, &bars)?));
        figures.push(figure(
            file,
            &title,
            "Lower is more consistent; 1.0 would be no tail at all.",
            data::P99.path,
        ));
    }
    let runtimes: BTreeSet<(&str, &str)> = cells
        .iter()
        .map(|c| (c.runtime.as_str(), c.package.as_str()))
        .collect();
    let one_package = runtimes.iter().all(|(_, p)| *p == "zip");
    for (r, p) in runtimes {
        let rc: Vec<&CellStats> = cells
            .iter()
            .copied()
            .filter(|c| c.runtime == r && c.package == p)
            .collect();
        // Named with the package type unless every function is a zip (lambench's own runs).
        let (r, name) = if one_package {
            (r.to_string(), slug(r))
        } else {
            (format!("{r} ({p})"), format!("{}-{}", slug(r), slug(p)))
        };
        if rc.iter().any(|c| c.median.is_some()) {
            let file = format!("charts/memory-{s}-{name}.svg");
            let title = format!("{w} · {r}: duration and cost by memory size");
            files.push((file.clone(), charts::memory::chart(&title, &rc)?));
            figures.push(figure(
                file,
                &title,
                "Solid, left axis: median warm duration, band: its 95% distribution-free interval (order statistics); dashed, right axis: price model × mean Billed Duration + request charge.",
                MEDIANS_AND_COSTS,
            ));
        }
    }
    let page = site::page(
        env,
        "workload.html",
        context! {
            ..common.clone(),
            ..context! {
                workload => w,
                has_warm => cells.iter().any(|c| c.warm_n > 0),
                has_restore => cells.iter().any(|c| c.restore_n > 0),
                restore_archs => cells
                    .iter()
                    .filter(|c| c.restore_n > 0)
                    .map(|c| c.architecture.as_str())
                    .collect::<BTreeSet<_>>(),
                has_init => cells.iter().any(|c| c.cold_n > 0),
                cells => Value::from_serialize(&cells),
                charts => Value::from_serialize(&figures),
            }
        },
    )?;
    Ok((page, files))
}

/// The trend page: per (workload, metric, family) the weekly ratio, then each cell's medians.
/// The charts of a history's trend are many (one per cell and family), so the families are
/// drawn on all cores.
fn trend_page(
    env: &minijinja::Environment<'_>,
    common: &Value,
    table: &Table,
    margin: f64,
) -> Result<site::Files> {
    let mut files = Vec::new();
    let mut sections = Vec::new();
    for drawn in cores::map(trend::families(table), |f| trend_charts(&f, margin)) {
        let (charts, section) = drawn?;
        files.extend(charts);
        sections.push(section);
    }
    let page = site::page(
        env,
        "trend.html",
        context! {
            ..common.clone(),
            ..context! { sections => Value::from_serialize(&sections), weeks => trend::weeks(table) }
        },
    )?;
    files.push(("trend.html".into(), page));
    Ok(files)
}

/// One family's charts on the trend page: its weekly ratio, then each cell's medians.
fn trend_charts(f: &trend::FamilyTrend, margin: f64) -> Result<(site::Files, trend::Section)> {
    let mut files = Vec::new();
    let what = if f.metric == "cold_init" {
        "cold-start Init Duration"
    } else {
        "warm duration"
    };
    let base = format!(
        "charts/trend-{}-{}-{}",
        slug(&f.workload),
        slug(&f.metric),
        slug(&f.family)
    );
    let ratio_chart = if f.ratio.len() > 1 {
        let file = format!("{base}.svg");
        let title = format!(
            "{} · {}: x86_64 / arm64 median {what} per week",
            f.workload, f.family
        );
        files.push((
            file.clone(),
            charts::trend::ratio(&title, &f.ratio, margin)?,
        ));
        Some(file)
    } else {
        None
    };
    let mut cell_charts = Vec::new();
    for c in &f.cells {
        let file = format!("{base}-{}-{}.svg", slug(&c.runtime), slug(&c.package));
        let title = format!("{} ({}): median {what} per week", c.runtime, c.package);
        let y = format!("Median {what} (ms, log)");
        files.push((file.clone(), charts::trend::medians(&title, &y, &c.series)?));
        cell_charts.push(file);
    }
    let section = trend::Section {
        title: format!("{} · {} · {what}", f.workload, f.family),
        ratio_chart,
        cell_charts,
    };
    Ok((files, section))
}

/// The tables the quality page shows.
struct QualityTables<'t> {
    quality: &'t Table,
    errors: &'t Table,
    versions: &'t Table,
    cpu_models: &'t Table,
}

/// The quality page: cells needing attention, errors, runtime versions and CPU models.
fn quality_page(
    env: &minijinja::Environment<'_>,
    common: &Value,
    t: &QualityTables<'_>,
    planned: Option<&quality::Planned>,
) -> Result<site::Files> {
    let (rows, missing) = quality::rows(t.quality, planned);
    let mut files = Vec::new();
    let mut charts = Vec::new();
    let version_bars = version_bars(t.versions);
    if !version_bars.is_empty() {
        let file = "charts/runtime-versions.svg".to_string();
        let title = "Median Init Duration per runtime version (INIT_START)";
        files.push((file.clone(), charts::versions::chart(title, &version_bars)?));
        charts.push(figure(
            file,
            title,
            "A runtime update shows up as a second version of the same runtime.",
            data::VERSIONS.path,
        ));
    }
    let page = site::page(
        env,
        "quality.html",
        context! {
            ..common.clone(),
            ..context! {
                attention => Value::from_serialize(rows.iter().filter(|r| !r.all_ok()).collect::<Vec<_>>()),
                all_ok => Value::from_serialize(rows.iter().filter(|r| r.all_ok()).collect::<Vec<_>>()),
                missing => Value::from_serialize(&missing),
                errors => Value::from_serialize(rows_of(t.errors)),
                version_rows => Value::from_serialize(rows_of(t.versions)),
                cpu_models => Value::from_serialize(rows_of(t.cpu_models)),
                charts => Value::from_serialize(&charts),
                planned_known => planned.is_some(),
            }
        },
    )?;
    files.push(("quality.html".into(), page));
    Ok(files)
}

/// What computed a figure whose numbers are statistics of `samples.sql`'s rows.
const IN_RUST: &str = "queries/report/samples.sql, statistics in analyzer/report/src/analysis.rs";
/// The Pareto chart: medians from one query, costs from another.
const PERCENTILES_AND_COSTS: &str = "queries/p99.sql (p50_ms), queries/cost_per_million.sql";
/// The duration-and-cost chart: medians with their intervals, and costs.
const MEDIANS_AND_COSTS: &str =
    "queries/p99.sql (p50_ms, p50_lo_ms, p50_hi_ms), queries/cost_per_million.sql";

fn figure(file: String, title: &str, caption: &str, query: &'static str) -> Figure {
    Figure {
        file,
        alt: title.to_string(),
        caption: format!("{title}. {caption}"),
        query,
    }
}

fn cold_groups(w: &str, samples: &BTreeMap<CellKey, Samples>) -> Vec<charts::cold_start::Group> {
    let packages: BTreeSet<&str> = samples.keys().map(|k| k.package.as_str()).collect();
    let mut pooled: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for (k, s) in samples.iter().filter(|(k, _)| k.workload == w) {
        let runtime = if packages.len() > 1 {
            format!("{} {}", k.runtime, k.package)
        } else {
            k.runtime.clone()
        };
        pooled
            .entry((runtime, k.architecture.clone()))
            .or_default()
            .extend(&s.init_ms);
    }
    pooled
        .into_iter()
        .filter(|(_, v)| v.len() >= 5)
        .map(|((r, a), values)| charts::cold_start::Group {
            label: format!("{r} {a}"),
            architecture: a,
            values,
        })
        .collect()
}

fn tail_bars(cells: &[&CellStats]) -> Vec<charts::tail::Bar> {
    let mut by: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for c in cells {
        if let Some(t) = c.tail_ratio {
            by.entry((c.runtime.clone(), c.architecture.clone()))
                .or_default()
                .push(t);
        }
    }
    by.into_iter()
        .map(|((r, a), mut v)| {
            v.sort_by(f64::total_cmp);
            charts::tail::Bar {
                label: format!("{r} {a}"),
                architecture: a,
                ratio: lambench_model::stats::quantile_sorted(&v, 0.5).unwrap_or(1.0),
            }
        })
        .collect()
}

fn version_bars(t: &Table) -> Vec<charts::versions::Bar> {
    (0..t.rows.len())
        .filter_map(|r| {
            let p50 = t.get(r, "p50_init_ms").as_f64()?;
            Some(charts::versions::Bar {
                label: format!(
                    "{} {} {}",
                    t.get(r, "runtime").as_str(),
                    t.get(r, "architecture").as_str(),
                    t.get(r, "runtime_version").as_str()
                ),
                architecture: t.get(r, "architecture").as_str().to_string(),
                p50_init_ms: p50,
            })
        })
        .collect()
}

fn rows_of(t: &Table) -> Vec<BTreeMap<String, data::Value>> {
    t.rows
        .iter()
        .map(|r| t.columns.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

fn price_region(opts: &ReportOptions, meta: &Table) -> String {
    if let Some(r) = &opts.region {
        return r.clone();
    }
    let data_region = meta.get(0, "region").as_str();
    if PriceTable.region(data_region).is_ok() {
        data_region.to_string()
    } else {
        DEFAULT_PRICE_REGION.to_string()
    }
}

fn common_context(
    opts: &ReportOptions,
    meta: &Table,
    region: &str,
    planned: Option<&quality::Planned>,
    versions: &Table,
    nav: Vec<Value>,
) -> Value {
    let prices = PriceTable.region(region).ok();
    let gb_s = |a| prices.map_or(0.0, |p| p.tiers(a)[0].usd_per_gb_s);
    let attempts: f64 = (0..meta.rows.len())
        .filter_map(|r| meta.get(r, "attempts").as_f64())
        .sum();
    let version_list: BTreeSet<String> = (0..versions.rows.len())
        .map(|r| {
            format!(
                "{} {}",
                versions.get(r, "runtime").as_str(),
                versions.get(r, "runtime_version").as_str()
            )
        })
        .collect();
    context! {
        title => opts.title,
        run => opts.run.clone(),
        workloads => nav,
        backend => meta.get(0, "backend").as_str(),
        region => meta.get(0, "region").as_str(),
        first_invocation => meta.get(0, "first_invocation").as_str(),
        last_invocation => meta.get(0, "last_invocation").as_str(),
        attempts => attempts as i64,
        price_region => region,
        prices_as_of => PRICES_AS_OF,
        prices_source => PRICES_SOURCE,
        arm_gb_s => format!("{:.10}", gb_s(Architecture::Arm64)),
        x86_gb_s => format!("{:.10}", gb_s(Architecture::X86_64)),
        per_request => format!("{:.7}", prices.map_or(0.0, |p| p.usd_per_request)),
        mode => planned.map_or_else(|| no_plan(meta.get(0, "backend").as_str()), |p| p.mode.clone()),
        planned => planned.map_or("not known".to_string(), |p| match p.rounds {
            1 => format!("{} cold + {} warm in one round", p.cold, p.warm),
            r => format!("{} cold + {} warm in {r} rounds", p.cold, p.warm),
        }),
        versions => version_list.into_iter().collect::<Vec<_>>(),
        version => env!("CARGO_PKG_VERSION"),
        margin_pct => opts.rule.margin * 100.0,
        confidence_pct => (1.0 - opts.rule.alpha) * 100.0,
        generated => chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        q => context! {
            samples => data::SAMPLES.path, cost => data::COST.path, p99 => data::P99.path, quality => data::QUALITY.path, cpu_models => data::CPU_MODELS.path,
            errors => data::ERRORS.path, versions => data::VERSIONS.path, trend => data::TREND.path,
        },
    }
}

/// The mode line of data without a manifest: imported data was never planned by lambench.
fn no_plan(backend: &str) -> String {
    match backend {
        "aws" | "local" | "" => "not known (no manifest)".into(),
        other => format!("imported ({other} data; lambench planned none of it)"),
    }
}

/// A safe file-name fragment.
pub fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}
