//! arm64 speedup (x86_64 / arm64 warm duration, geometric means over environments) vs memory
//! size, one line per runtime, with the 95% interval as error bars; the grey band is the
//! practical margin, within which a ratio is "equivalent"; above it arm64 is faster.

use plotters::prelude::*;

use super::{FONT, GRID, HEIGHT, SERIES, WIDTH, category, memory_axis, render};
use crate::analysis::Comparison;
use crate::error::Result;

pub fn chart(title: &str, comparisons: &[&Comparison], margin: f64) -> Result<String> {
    let with: Vec<_> = comparisons.iter().filter(|c| c.speedup.is_some()).collect();
    let (labels, pos) = memory_axis(with.iter().map(|c| c.memory_mb));
    let n = labels.len().max(1);
    let x = -0.5f64..(n as f64 - 0.5);
    let y = super::ratio_range(
        with.iter()
            .filter_map(|c| c.speedup)
            .flat_map(|s| [s.lo, s.hi]),
        margin,
    );
    let mut runtimes: Vec<&str> = with.iter().map(|c| c.runtime.as_str()).collect();
    runtimes.dedup();
    runtimes.sort_unstable();
    runtimes.dedup();
    render(title, (WIDTH, HEIGHT), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(x.clone(), y)?;
        chart
            .configure_mesh()
            .x_desc("Memory (MB)")
            .x_labels(n)
            .disable_x_mesh()
            .light_line_style(GRID)
            .y_desc("arm64 speedup (x86_64 / arm64)")
            .x_label_formatter(&|x| category(&labels, *x))
            .label_style((FONT, 13))
            .draw()?;
        super::margin_band(&mut chart, &x, margin)?;
        for (i, runtime) in runtimes.iter().enumerate() {
            let color = SERIES[i % SERIES.len()];
            let pts: Vec<_> = with
                .iter()
                .filter(|c| c.runtime == *runtime)
                .filter_map(|c| c.speedup.map(|s| (pos(c.memory_mb), s)))
                .collect();
            chart
                .draw_series(LineSeries::new(
                    pts.iter().map(|(x, s)| (*x, s.value)),
                    color.stroke_width(2),
                ))?
                .label(*runtime)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
            chart.draw_series(pts.iter().map(|(x, s)| {
                ErrorBar::new_vertical(*x, s.lo, s.value, s.hi, color.filled(), 6)
            }))?;
        }
        super::legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}
