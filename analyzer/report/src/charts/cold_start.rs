//! Cold-start Init Duration distributions as box plots (quartiles, whiskers at the 5th and
//! 95th percentiles), one horizontal box per runtime × architecture, memory sizes pooled.

use plotters::prelude::*;

use super::{WIDTH, arch_color, render, rows_chart, rows_height};
use crate::error::Result;
use lambench_model::stats::quantile_values;

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
            // By selection: a history's cells have tens of thousands of cold starts each.
            let q = quantile_values(&mut g.values.clone(), &[0.05, 0.25, 0.5, 0.75, 0.95]);
            Some((g, [q[0]?, q[1]?, q[2]?, q[3]?, q[4]?]))
        })
        .collect();
    let max = groups.iter().map(|(_, q)| q[4]).fold(1.0, f64::max) * 1.1;
    let n = groups.len().max(1);
    let labels: Vec<String> = groups.iter().map(|(g, _)| g.label.clone()).collect();
    render(title, (WIDTH, rows_height(n)), |root| {
        let mut chart = rows_chart(root, title, &labels, max, "Init Duration (ms)")?;
        for (i, (g, q)) in groups.iter().enumerate() {
            let y = (n - 1 - i) as f64; // first group on top
            let color = arch_color(&g.architecture);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(q[1], y - 0.3), (q[3], y + 0.3)],
                color.mix(0.35).filled(),
            )))?;
            let line = |pts: Vec<(f64, f64)>| PathElement::new(pts, color.stroke_width(2));
            chart.draw_series([
                line(vec![(q[2], y - 0.3), (q[2], y + 0.3)]),
                line(vec![(q[0], y), (q[1], y)]),
                line(vec![(q[3], y), (q[4], y)]),
                line(vec![(q[0], y - 0.15), (q[0], y + 0.15)]),
                line(vec![(q[4], y - 0.15), (q[4], y + 0.15)]),
            ])?;
        }
        Ok(())
    })
}
