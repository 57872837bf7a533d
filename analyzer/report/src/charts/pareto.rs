//! Cost vs latency for every cell of a workload: each point a (runtime, architecture, memory),
//! the Pareto front (no other cell both cheaper and faster) drawn as a step line.

use plotters::prelude::*;

use super::{FONT, GRID, WIDTH, arch_color, log_range, number_label, render, zero_range};
use crate::analysis::CellStats;
use crate::error::Result;

/// The cells on the Pareto front of (cost, median), cheapest first.
pub fn front(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut sorted: Vec<(f64, f64)> = points.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut out: Vec<(f64, f64)> = Vec::new();
    for p in sorted {
        if out.last().is_none_or(|last| p.1 < last.1) {
            out.push(p);
        }
    }
    out
}

pub fn chart(title: &str, cells: &[&CellStats]) -> Result<String> {
    let pts: Vec<(f64, f64, &str, String)> = cells
        .iter()
        .filter_map(|c| {
            c.usd_per_million.zip(c.median).map(|(u, m)| {
                let label = format!("{} {} MB", c.runtime, c.memory_mb);
                (u, m.value, c.architecture.as_str(), label)
            })
        })
        .collect();
    let x = zero_range(pts.iter().map(|p| p.0));
    let y = log_range(pts.iter().map(|p| p.1));
    let y_log = (y.start.log10(), y.end.log10());
    let front = front(&pts.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>());
    render(title, (WIDTH, 440), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(x, super::log_axis(y))?;
        chart
            .configure_mesh()
            .x_desc("USD per 1M warm invocations")
            .light_line_style(GRID)
            .y_desc("Median warm duration (ms, log)")
            .x_label_formatter(&number_label)
            .y_label_formatter(&number_label)
            .y_labels(8)
            .label_style((FONT, 13))
            .draw()?;
        for arch in ["arm64", "x86_64"] {
            let color = arch_color(arch);
            chart
                .draw_series(
                    pts.iter()
                        .filter(|p| p.2 == arch)
                        .map(|p| Circle::new((p.0, p.1), 4, color.filled())),
                )?
                .label(arch)
                .legend(move |(x, y)| Circle::new((x + 8, y), 4, color.filled()));
        }
        let mut steps = Vec::new();
        for (i, p) in front.iter().enumerate() {
            if i > 0 {
                steps.push((p.0, front[i - 1].1));
            }
            steps.push(*p);
        }
        chart
            .draw_series(LineSeries::new(steps, BLACK.stroke_width(1)))?
            .label("Pareto front")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLACK));
        // The front's points are the choices worth naming: runtime and memory size beside each,
        // skipping a point that would print over the last label (nearly the same median).
        let span = (y_log.1 - y_log.0).max(1e-9);
        let mut last: Option<f64> = None;
        let mut labels = Vec::new();
        for f in &front {
            let Some(p) = pts.iter().find(|p| (p.0, p.1) == *f) else {
                continue;
            };
            let at = p.1.log10();
            if last.is_some_and(|l| (l - at).abs() < 0.05 * span) {
                continue;
            }
            last = Some(at);
            labels.push(Text::new(
                format!("{} ({})", p.3, p.2),
                (p.0, p.1),
                (FONT, 11).into_font().color(&BLACK.mix(0.8)),
            ));
        }
        chart.draw_series(labels)?;
        super::legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}

#[cfg(test)]
mod tests {
    use super::front;

    #[test]
    fn front_keeps_only_undominated_points() {
        let pts = [(1.0, 10.0), (2.0, 5.0), (3.0, 6.0), (4.0, 1.0), (1.5, 12.0)];
        assert_eq!(front(&pts), vec![(1.0, 10.0), (2.0, 5.0), (4.0, 1.0)]);
    }
}
