//! Tail ratio p99/p50 of warm durations per runtime × architecture (the median over memory
//! sizes): how much worse the slowest 1% is than the typical request.

use plotters::prelude::*;

use super::{WIDTH, arch_color, render, rows_chart, rows_height};
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
    render(title, (WIDTH, rows_height(n)), |root| {
        let mut chart = rows_chart(root, title, &labels, max, "p99 / p50 of warm duration")?;
        chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
            let y = (n - 1 - i) as f64; // first bar on top
            let color = arch_color(&b.architecture);
            Rectangle::new([(0.0, y - 0.35), (b.ratio, y + 0.35)], color.filled())
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
