//! Duration and cost against memory size for one runtime and workload, in one chart as AWS
//! Lambda Power Tuning draws them: median warm duration on the left (log) axis, each
//! architecture with its 95% distribution-free interval as a band; cost per million warm
//! invocations on the right axis, dashed.

use plotters::prelude::*;

use super::{
    FONT, GRID, HEIGHT, WIDTH, arch_color, category, log_range, memory_axis, number_label, render,
    zero_range,
};
use crate::analysis::CellStats;
use crate::error::Result;

pub fn chart(title: &str, cells: &[&CellStats]) -> Result<String> {
    let shown: Vec<_> = cells
        .iter()
        .filter(|c| c.median.is_some() || c.usd_per_million.is_some())
        .collect();
    let (labels, pos) = memory_axis(shown.iter().map(|c| c.memory_mb));
    let n = labels.len().max(1);
    let x = -0.5f64..(n as f64 - 0.5);
    let y = log_range(
        shown
            .iter()
            .filter_map(|c| c.median)
            .flat_map(|m| [m.lo, m.hi]),
    );
    let cost = zero_range(shown.iter().filter_map(|c| c.usd_per_million));
    render(title, (WIDTH, HEIGHT), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .right_y_label_area_size(64)
            .build_cartesian_2d(x.clone(), super::log_axis(y))?
            .set_secondary_coord(x.clone(), cost);
        chart
            .configure_mesh()
            .x_desc("Memory (MB)")
            .x_labels(n)
            .disable_x_mesh()
            .light_line_style(GRID)
            .y_desc("Median warm duration (ms, log)")
            .x_label_formatter(&|x| category(&labels, *x))
            .y_label_formatter(&number_label)
            .label_style((FONT, 13))
            .draw()?;
        chart
            .configure_secondary_axes()
            .y_desc("USD per 1M warm invocations (dashed)")
            .y_label_formatter(&number_label)
            .label_style((FONT, 13))
            .draw()?;
        for arch in ["arm64", "x86_64"] {
            let color = arch_color(arch);
            let medians: Vec<_> = shown
                .iter()
                .filter(|c| c.architecture == arch)
                .filter_map(|c| c.median.map(|m| (pos(c.memory_mb), m)))
                .collect();
            if !medians.is_empty() {
                let mut band: Vec<(f64, f64)> = medians.iter().map(|(x, m)| (*x, m.hi)).collect();
                band.extend(medians.iter().rev().map(|(x, m)| (*x, m.lo)));
                chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.18))))?;
                chart
                    .draw_series(LineSeries::new(
                        medians.iter().map(|(x, m)| (*x, m.value)),
                        color.stroke_width(2),
                    ))?
                    .label(format!("{arch} duration (band: 95% CI)"))
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                    });
                chart.draw_series(
                    medians
                        .iter()
                        .map(|(x, m)| Circle::new((*x, m.value), 3, color.filled())),
                )?;
            }
            let costs: Vec<(f64, f64)> = shown
                .iter()
                .filter(|c| c.architecture == arch)
                .filter_map(|c| c.usd_per_million.map(|u| (pos(c.memory_mb), u)))
                .collect();
            if !costs.is_empty() {
                chart
                    .draw_secondary_series(DashedLineSeries::new(
                        costs.clone(),
                        6,
                        4,
                        color.stroke_width(2),
                    ))?
                    .label(format!("{arch} cost"))
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 6, y)], color.stroke_width(2))
                    });
                chart.draw_secondary_series(
                    costs
                        .iter()
                        .map(|p| TriangleMarker::new(*p, 4, color.filled())),
                )?;
            }
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .label_font((FONT, 13))
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
        Ok(())
    })
}
