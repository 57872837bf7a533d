//! Median cold-start Init Duration per runtime version seen in INIT_START, per architecture:
//! a runtime update between runs (or within one) shows up as a second bar.

use plotters::prelude::*;

use super::{WIDTH, arch_color, render, rows_chart, rows_height};
use crate::error::Result;

/// One bar: a runtime version on an architecture.
pub struct Bar {
    pub label: String,
    pub architecture: String,
    pub p50_init_ms: f64,
}

pub fn chart(title: &str, bars: &[Bar]) -> Result<String> {
    let n = bars.len().max(1);
    let max = bars.iter().map(|b| b.p50_init_ms).fold(1.0, f64::max) * 1.15;
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    render(title, (WIDTH, rows_height(n)), |root| {
        let mut chart = rows_chart(root, title, &labels, max, "Median Init Duration (ms)")?;
        chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
            let y = (n - 1 - i) as f64; // first bar on top
            let color = arch_color(&b.architecture);
            Rectangle::new([(0.0, y - 0.35), (b.p50_init_ms, y + 0.35)], color.filled())
        }))?;
        Ok(())
    })
}
