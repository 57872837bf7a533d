//! SVG charts (plotters), one file per chart family. Colour-blind-safe Okabe–Ito colours,
//! units on every axis, sized to be legible at the width the pages show them (720 px).

pub mod cold_start;
pub mod memory;
pub mod pareto;
pub mod speedup;
pub mod tail;
pub mod trend;
pub mod versions;

use plotters::coord::Shift;
use plotters::coord::combinators::{BindKeyPoints, LogCoord, WithKeyPoints};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::error::{Error, Result};

/// arm64 and x86_64 colours (Okabe–Ito blue and vermillion).
pub const ARM: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const X86: RGBColor = RGBColor(0xD5, 0x5E, 0x00);

/// Series colours for runtimes (Okabe–Ito without yellow, which vanishes on white).
pub const SERIES: [RGBColor; 7] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x00, 0x00, 0x00),
];

pub const WIDTH: u32 = 720;
pub const HEIGHT: u32 = 400;
pub const FONT: &str = "sans-serif";

/// The colour of an architecture.
pub fn arch_color(arch: &str) -> RGBColor {
    if arch == "arm64" { ARM } else { X86 }
}

pub type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// Renders one chart into an SVG string.
pub fn render(
    what: &str,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> DrawResult,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let drawn = root
            .fill(&WHITE)
            .map_err(|e| e.to_string())
            .and_then(|()| draw(&root).map_err(|e| e.to_string()))
            .and_then(|()| root.present().map_err(|e| e.to_string()));
        drawn.map_err(|message| Error::Render {
            what: what.into(),
            message,
        })?;
    }
    Ok(svg)
}

/// A log-scale axis range around `values` with a little room on both sides.
pub fn log_range(values: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return 1.0..10.0;
    }
    (lo / 1.25)..(hi * 1.25).max(lo * 1.5)
}

/// Tick values for a log axis over `range`: 1, 2 and 5 of each decade, or every integer
/// multiple when the range spans too little for three of those. Plotters labels only powers
/// of ten on its own, which left most log charts with one or two labelled ticks.
pub fn log_ticks(range: &std::ops::Range<f64>) -> Vec<f64> {
    let (lo, hi) = (range.start.max(f64::MIN_POSITIVE), range.end);
    let ticks = |steps: &[f64]| -> Vec<f64> {
        let mut out = Vec::new();
        let mut decade = 10f64.powi(lo.log10().floor() as i32);
        while decade <= hi {
            out.extend(
                steps
                    .iter()
                    .map(|s| s * decade)
                    .filter(|v| *v >= lo && *v <= hi),
            );
            decade *= 10.0;
        }
        out
    };
    let coarse = ticks(&[1.0, 2.0, 5.0]);
    if coarse.len() >= 3 {
        coarse
    } else {
        ticks(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
    }
}

/// A log axis over `range` with [`log_ticks`] as its labelled ticks.
pub fn log_axis(range: std::ops::Range<f64>) -> WithKeyPoints<LogCoord<f64>> {
    let ticks = log_ticks(&range);
    range.log_scale().with_key_points(ticks)
}

/// A ratio axis around `values` that always shows the practical margin [1/(1+m), 1+m].
pub fn ratio_range(values: impl Iterator<Item = f64>, margin: f64) -> std::ops::Range<f64> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((1.0 / (1.0 + margin), 1.0 + margin), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let pad = (hi - lo).max(0.1) * 0.1;
    (lo - pad)..(hi + pad)
}

/// The practical margin as a grey band and 1.0 as a dashed line, on a ratio chart.
pub fn margin_band<'a, 'b: 'a>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x: &std::ops::Range<f64>,
    margin: f64,
) -> DrawResult {
    chart.draw_series(std::iter::once(Rectangle::new(
        [(x.start, 1.0 / (1.0 + margin)), (x.end, 1.0 + margin)],
        BLACK.mix(0.08).filled(),
    )))?;
    chart.draw_series(DashedLineSeries::new(
        [(x.start, 1.0), (x.end, 1.0)],
        6,
        4,
        BLACK.mix(0.6).stroke_width(1),
    ))?;
    Ok(())
}

/// Compact numbers for log axes.
pub fn number_label(v: &f64) -> String {
    if *v == 0.0 {
        "0".into()
    } else if *v >= 100.0 {
        format!("{:.0}", v)
    } else if *v >= 1.0 {
        format!("{:.1}", v)
    } else {
        format!("{:.3}", v)
    }
}

/// The label of category axis position `v` (integer positions only).
pub fn category(labels: &[String], v: f64) -> String {
    let i = v.round();
    if (v - i).abs() < 1e-6 && i >= 0.0 {
        labels.get(i as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}

/// Memory sizes as equally spaced categories (as Power Tuning draws them): the sorted sizes
/// present, and a function from size to axis position.
pub fn memory_axis(sizes: impl Iterator<Item = i64>) -> (Vec<String>, impl Fn(i64) -> f64) {
    let mut v: Vec<i64> = sizes.collect();
    v.sort_unstable();
    v.dedup();
    let labels = v.iter().map(|m| m.to_string()).collect();
    (labels, move |m| {
        v.iter().position(|x| *x == m).unwrap_or(0) as f64
    })
}

/// A linear range from 0 to a little above the largest value.
pub fn zero_range(values: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let max = values.filter(|v| v.is_finite()).fold(0.0f64, f64::max);
    0.0..(max * 1.15).max(1e-9)
}

/// Light grid lines, so the data stays in front.
pub const GRID: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);

/// A chart whose y axis is one row per label (first label on top) and whose x axis runs from 0
/// to `max`: the layout of the box and bar charts, legible for any number of rows.
pub fn rows_chart<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    title: &str,
    labels: &'a [String],
    max: f64,
    x_desc: &str,
) -> std::result::Result<
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    Box<dyn std::error::Error>,
> {
    let n = labels.len().max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 18))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(190)
        .build_cartesian_2d(0f64..max, -0.5f64..(n as f64 - 0.5))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(GRID)
        .y_labels(n)
        .y_label_formatter(&|y| category(labels, (n - 1) as f64 - *y))
        .x_desc(x_desc)
        .x_label_formatter(&number_label)
        .label_style((FONT, 13))
        .draw()?;
    Ok(chart)
}

/// Height for `rows` rows of a [`rows_chart`].
pub fn rows_height(rows: usize) -> u32 {
    90 + 24 * rows.max(1) as u32
}

/// The legend box, drawn the same way on every chart.
pub fn legend<'a, 'b: 'a>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, impl CoordTranslate>,
    position: SeriesLabelPosition,
) -> DrawResult {
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font((FONT, 13))
        .position(position)
        .draw()?;
    Ok(())
}
