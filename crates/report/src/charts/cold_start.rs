//! Cold-start Init Duration distributions as box plots (quartiles, whiskers at the 5th and
//! 95th percentiles), one box per runtime × architecture, memory sizes pooled.

use plotters::prelude::*;

use super::{FONT, WIDTH, arch_color, render};
use crate::error::Result;
use lambench_model::stats::quantile_sorted;

/// A labelled set of Init Durations.
pub struct Group {
    pub label: String,
    pub architecture: String,
    pub values: Vec<f64>,
}

pub fn chart(title: &str, groups: &[Group]) -> Result<String> {
    let groups: Vec<(&Group, [f64; 5])> = groups
        .iter()
        .filter_map(|g| {
            let mut v = g.values.clone();
            v.sort_by(f64::total_cmp);
            let q = |p| quantile_sorted(&v, p);
            Some((g, [q(0.05)?, q(0.25)?, q(0.5)?, q(0.75)?, q(0.95)?]))
        })
        .collect();
    let max = groups.iter().map(|(_, q)| q[4]).fold(1.0, f64::max) * 1.1;
    let n = groups.len().max(1);
    let labels: Vec<String> = groups.iter().map(|(g, _)| g.label.clone()).collect();
    let height = 440;
    render(title, (WIDTH, height), |root| {
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
            .y_desc("Init Duration (ms)")
            .label_style((FONT, 13))
            .draw()?;
        for (i, (g, q)) in groups.iter().enumerate() {
            let x = i as f64;
            let color = arch_color(&g.architecture);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.3, q[1]), (x + 0.3, q[3])],
                color.mix(0.35).filled(),
            )))?;
            let line = |pts: Vec<(f64, f64)>| PathElement::new(pts, color.stroke_width(2));
            chart.draw_series([
                line(vec![(x - 0.3, q[2]), (x + 0.3, q[2])]),
                line(vec![(x, q[0]), (x, q[1])]),
                line(vec![(x, q[3]), (x, q[4])]),
                line(vec![(x - 0.15, q[0]), (x + 0.15, q[0])]),
                line(vec![(x - 0.15, q[4]), (x + 0.15, q[4])]),
            ])?;
        }
        Ok(())
    })
}
