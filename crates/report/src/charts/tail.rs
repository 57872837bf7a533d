//! Tail ratio p99/p50 of warm durations per runtime × architecture (the median over memory
//! sizes): how much worse the slowest 1% is than the typical request.

use plotters::prelude::*;

use super::{FONT, WIDTH, arch_color, category, render};
use crate::error::Result;

/// One bar.
pub struct Bar {
    pub label: String,
    pub architecture: String,
    pub ratio: f64,
}

pub fn chart(title: &str, bars: &[Bar]) -> Result<String> {
    let n = bars.len().max(1);
    let max = bars.iter().map(|b| b.ratio).fold(1.0, f64::max) * 1.15;
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    let height = 90 + 24 * n as u32;
    render(title, (WIDTH, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(190)
            .build_cartesian_2d(0f64..max, -0.5f64..(n as f64 - 0.5))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(super::GRID)
            .y_labels(n)
            .y_label_formatter(&|y| category(&labels, (n - 1) as f64 - *y))
            .x_desc("p99 / p50 of warm duration")
            .label_style((FONT, 13))
            .draw()?;
        chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
            let y = (n - 1 - i) as f64; // first group on top
            Rectangle::new(
                [(0.0, y - 0.35), (b.ratio, y + 0.35)],
                arch_color(&b.architecture).filled(),
            )
        }))?;
        chart.draw_series(DashedLineSeries::new(
            [(1.0, -0.5), (1.0, n as f64 - 0.5)],
            6,
            4,
            BLACK.mix(0.6).stroke_width(1),
        ))?;
        Ok(())
    })
}
