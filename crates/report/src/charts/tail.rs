//! Tail ratio p99/p50 of warm durations per runtime × architecture (the median over memory
//! sizes): how much worse the slowest 1% is than the typical request.

use plotters::prelude::*;

use super::{FONT, WIDTH, arch_color, render};
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
    render(title, (WIDTH, 440), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(110)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..max)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 {
                    labels.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .x_label_style((FONT, 12).into_font().transform(FontTransform::Rotate90))
            .y_desc("p99 / p50 of warm duration")
            .label_style((FONT, 13))
            .draw()?;
        chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
            let x = i as f64;
            Rectangle::new([(x - 0.35, 0.0), (x + 0.35, b.ratio)], arch_color(&b.architecture).filled())
        }))?;
        chart.draw_series(DashedLineSeries::new(
            [(-0.5, 1.0), (n as f64 - 0.5, 1.0)],
            6,
            4,
            BLACK.mix(0.6).stroke_width(1),
        ))?;
        Ok(())
    })
}
