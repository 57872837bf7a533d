//! Over time: the weekly median of one cell (both architectures, each with its 95%
//! distribution-free interval as a band), and a family's arm64/x86_64 ratio per week, so a
//! runtime update or a platform change shows up as a step.

use plotters::prelude::*;

use super::{FONT, GRID, WIDTH, arch_color, log_range, number_label, render};
use crate::analysis::Est;
use crate::error::Result;

/// Height of one trend chart (they come as small multiples, one per runtime).
pub const HEIGHT: u32 = 300;

/// One architecture's weekly medians: (day number since 1970-01-01, median with interval).
#[derive(Debug, Clone)]
pub struct Series {
    pub architecture: String,
    pub points: Vec<(f64, Est)>,
}

/// `YYYY-MM` of a day number, for the time axis.
fn month_label(day: &f64) -> String {
    chrono::DateTime::from_timestamp((*day * 86_400.0) as i64, 0)
        .map(|t| t.format("%Y-%m").to_string())
        .unwrap_or_default()
}

fn day_range(days: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = days.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), d| {
        (lo.min(d), hi.max(d))
    });
    if lo.is_finite() {
        (lo - 7.0)..(hi + 7.0)
    } else {
        0.0..1.0
    }
}

/// The weekly medians of one cell, both architectures.
pub fn medians(title: &str, y_desc: &str, series: &[Series]) -> Result<String> {
    let x = day_range(series.iter().flat_map(|s| s.points.iter().map(|p| p.0)));
    let y = log_range(
        series
            .iter()
            .flat_map(|s| s.points.iter().flat_map(|(_, e)| [e.lo, e.hi, e.value])),
    );
    render(title, (WIDTH, HEIGHT), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(x.clone(), super::log_axis(y))?;
        chart
            .configure_mesh()
            .x_desc("Week")
            .x_labels(8)
            .x_label_formatter(&month_label)
            .light_line_style(GRID)
            .y_desc(y_desc)
            .y_labels(6)
            .y_label_formatter(&number_label)
            .label_style((FONT, 12))
            .draw()?;
        for s in series {
            let color = arch_color(&s.architecture);
            let mut band: Vec<(f64, f64)> = s.points.iter().map(|(d, e)| (*d, e.hi)).collect();
            band.extend(s.points.iter().rev().map(|(d, e)| (*d, e.lo)));
            chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.15))))?;
            chart
                .draw_series(LineSeries::new(
                    s.points.iter().map(|(d, e)| (*d, e.value)),
                    color.stroke_width(2),
                ))?
                .label(format!("{} (band: 95% CI)", s.architecture))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
        }
        super::legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}

/// A family's weekly arm64/x86_64 ratio (x86_64 / arm64: above 1 arm64 is faster), with the
/// practical margin as a grey band.
pub fn ratio(title: &str, points: &[(f64, f64)], margin: f64) -> Result<String> {
    let x = day_range(points.iter().map(|p| p.0));
    let y = super::ratio_range(points.iter().map(|p| p.1), margin);
    render(title, (WIDTH, HEIGHT), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(x.clone(), y)?;
        chart
            .configure_mesh()
            .x_desc("Week")
            .x_labels(8)
            .x_label_formatter(&month_label)
            .light_line_style(GRID)
            .y_desc("x86_64 / arm64 median")
            .y_labels(6)
            .y_label_formatter(&|v| format!("{v:.2}"))
            .label_style((FONT, 12))
            .draw()?;
        super::margin_band(&mut chart, &x, margin)?;
        chart.draw_series(LineSeries::new(
            points.iter().copied(),
            BLACK.stroke_width(2),
        ))?;
        chart.draw_series(points.iter().map(|p| Circle::new(*p, 2, BLACK.filled())))?;
        Ok(())
    })
}
