//! Cost per million warm invocations vs memory size for one runtime and workload, both
//! architectures (price model × mean Billed Duration, plus the request charge).

use plotters::prelude::*;

use super::{
    FONT, GRID, HEIGHT, WIDTH, arch_color, category, memory_axis, number_label, render, zero_range,
};
use crate::analysis::CellStats;
use crate::error::Result;

pub fn chart(title: &str, cells: &[&CellStats]) -> Result<String> {
    let with_cost: Vec<_> = cells
        .iter()
        .filter(|c| c.usd_per_million.is_some())
        .collect();
    let (labels, pos) = memory_axis(with_cost.iter().map(|c| c.memory_mb));
    let n = labels.len().max(1);
    let y = zero_range(with_cost.iter().filter_map(|c| c.usd_per_million));
    render(title, (WIDTH, HEIGHT), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), y)?;
        chart
            .configure_mesh()
            .x_desc("Memory (MB)")
            .y_desc("USD per 1M warm invocations")
            .x_labels(n)
            .disable_x_mesh()
            .light_line_style(GRID)
            .x_label_formatter(&|x| category(&labels, *x))
            .y_label_formatter(&number_label)
            .label_style((FONT, 13))
            .draw()?;
        for arch in ["arm64", "x86_64"] {
            let color = arch_color(arch);
            let pts: Vec<(f64, f64)> = with_cost
                .iter()
                .filter(|c| c.architecture == arch)
                .filter_map(|c| c.usd_per_million.map(|u| (pos(c.memory_mb), u)))
                .collect();
            if pts.is_empty() {
                continue;
            }
            chart
                .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))?
                .label(arch)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
            chart.draw_series(
                pts.iter()
                    .map(|p| TriangleMarker::new(*p, 4, color.filled())),
            )?;
        }
        super::legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}
