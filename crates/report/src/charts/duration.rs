//! Median warm duration vs memory size for one runtime and workload: both architectures, each
//! with its 95% bootstrap interval as a band.

use plotters::prelude::*;

use super::{
    FONT, GRID, HEIGHT, WIDTH, arch_color, category, log_range, memory_axis, number_label, render,
};
use crate::analysis::CellStats;
use crate::error::Result;

pub fn chart(title: &str, cells: &[&CellStats]) -> Result<String> {
    let with_median: Vec<_> = cells.iter().filter(|c| c.median.is_some()).collect();
    let (labels, pos) = memory_axis(with_median.iter().map(|c| c.memory_mb));
    let n = labels.len().max(1);
    let y = log_range(with_median.iter().flat_map(|c| {
        let m = c.median.unwrap_or(crate::analysis::Est {
            value: 1.0,
            lo: 1.0,
            hi: 1.0,
        });
        [m.lo, m.hi]
    }));
    render(title, (WIDTH, HEIGHT), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), y.log_scale())?;
        chart
            .configure_mesh()
            .x_desc("Memory (MB)")
            .x_labels(n)
            .disable_x_mesh()
            .light_line_style(GRID)
            .y_desc("Median warm duration (ms, log)")
            .x_label_formatter(&|x| category(&labels, *x))
            .y_label_formatter(&number_label)
            .y_labels(8)
            .label_style((FONT, 13))
            .draw()?;
        for arch in ["arm64", "x86_64"] {
            let color = arch_color(arch);
            let pts: Vec<_> = with_median
                .iter()
                .filter(|c| c.architecture == arch)
                .filter_map(|c| c.median.map(|m| (pos(c.memory_mb), m)))
                .collect();
            if pts.is_empty() {
                continue;
            }
            let mut band: Vec<(f64, f64)> = pts.iter().map(|(x, m)| (*x, m.hi)).collect();
            band.extend(pts.iter().rev().map(|(x, m)| (*x, m.lo)));
            chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.18))))?;
            chart
                .draw_series(LineSeries::new(
                    pts.iter().map(|(x, m)| (*x, m.value)),
                    color.stroke_width(2),
                ))?
                .label(format!("{arch} (band: 95% CI)"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
            chart.draw_series(
                pts.iter()
                    .map(|(x, m)| Circle::new((*x, m.value), 3, color.filled())),
            )?;
        }
        super::legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}
