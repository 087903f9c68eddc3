//! The experiment's plots, as SVG and PNG, drawn with plotters and the bundled DejaVu Sans font
//! (no system fonts needed): re-identification vs aux size (Fig. 4 style), entropy vs aux size
//! (Fig. 6 style), the sparsity curve (Fig. 1 style) and the privacy-utility frontier.

use crate::auxiliary::sampler::Selection;
use std::collections::BTreeMap;
use std::path::Path;

use plotters::prelude::*;

use super::run::Finished;
use crate::{Error, Result};

const SIZE: (u32, u32) = (900, 560);

fn font() {
    static REGISTERED: std::sync::Once = std::sync::Once::new();
    REGISTERED.call_once(|| {
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

/// A line: its label and its (x, y) points.
type Series = (String, Vec<(f64, f64)>);

/// What a plot shows besides its data.
struct Plot<'a> {
    /// File name without extension.
    name: &'a str,
    title: &'a str,
    x_desc: &'a str,
    y_desc: &'a str,
    /// Fixed top of the y axis (else 110% of the largest value).
    y_max: Option<f64>,
    /// Lines through the points (else points alone).
    lines: bool,
}

fn palette(k: usize) -> RGBColor {
    const COLORS: [RGBColor; 8] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
    ];
    COLORS[k % COLORS.len()]
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    plot: &Plot,
    series: &[Series],
) -> std::result::Result<(), String>
where
    DB::ErrorType: 'static,
{
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    root.fill(&WHITE).map_err(e)?;
    let xs = series.iter().flat_map(|s| s.1.iter().map(|p| p.0));
    let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    let (x0, x1) = if x0.is_finite() {
        (x0, if x1 > x0 { x1 } else { x0 + 1.0 })
    } else {
        (0.0, 1.0)
    };
    let pad = (x1 - x0) * 0.05;
    let (title, x_desc, y_desc, lines) = (plot.title, plot.x_desc, plot.y_desc, plot.lines);
    let y1 = plot.y_max.unwrap_or_else(|| {
        series
            .iter()
            .flat_map(|s| s.1.iter().map(|p| p.1))
            .fold(0.0f64, f64::max)
            .max(1e-9)
            * 1.1
    });
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(x0 - pad..x1 + pad, 0f64..y1)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(e)?;
    for (k, (label, points)) in series.iter().enumerate() {
        let color = palette(k);
        if lines {
            chart
                .draw_series(LineSeries::new(
                    points.iter().copied(),
                    color.stroke_width(2),
                ))
                .map_err(e)?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
            chart
                .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                .map_err(e)?;
        } else {
            chart
                .draw_series(points.iter().map(|&p| Circle::new(p, 5, color.filled())))
                .map_err(e)?
                .label(label)
                .legend(move |(x, y)| Circle::new((x + 10, y), 5, color.filled()));
        }
    }
    chart
        .configure_series_labels()
        .label_font(("sans-serif", 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}

/// Draws one plot as `dir/name.svg` and `dir/name.png` (each written to a temporary name, then
/// renamed).
fn both(dir: &Path, plot: &Plot, series: &[Series]) -> Result<()> {
    font();
    let name = plot.name;
    let fail = |m: String| Error::input(&dir.join(name), format!("could not draw the plot: {m}"));
    let svg_tmp = dir.join(format!(".tmp-{name}.svg"));
    draw(
        SVGBackend::new(&svg_tmp, SIZE).into_drawing_area(),
        plot,
        series,
    )
    .map_err(fail)?;
    std::fs::rename(&svg_tmp, dir.join(format!("{name}.svg"))).map_err(|e| Error::io(dir, e))?;
    let png_tmp = dir.join(format!(".tmp-{name}.png"));
    draw(
        BitMapBackend::new(&png_tmp, SIZE).into_drawing_area(),
        plot,
        series,
    )
    .map_err(fail)?;
    std::fs::rename(&png_tmp, dir.join(format!("{name}.png"))).map_err(|e| Error::io(dir, e))?;
    Ok(())
}

/// Series over aux size: one per (policy, date error, everything else), averaged over
/// repetitions; y from `metric`.
fn by_aux_size(
    f: &Finished,
    metric: impl Fn(&super::run::CellResult) -> Option<f64>,
) -> Vec<Series> {
    let mut groups: BTreeMap<(usize, String), BTreeMap<usize, (f64, f64)>> = BTreeMap::new();
    let policy_order: Vec<&str> = f.config.policies.iter().map(|p| p.name.as_str()).collect();
    for r in &f.cells {
        let c = &r.cell;
        let Some(y) = metric(r) else { continue };
        let mut label = format!("{}, +-{} d", c.policy, c.date_error);
        if !c.dates {
            label = format!("{}, no dates", c.policy);
        }
        if c.select != Selection::Uniform {
            label.push_str(&format!(", {}", c.select.name()));
        }
        if c.count_error > 0.0 {
            label.push_str(&format!(", count +-{}%", c.count_error * 100.0));
        }
        if c.rating_error > 0.0 {
            label.push_str(&format!(", ratings +-{}", c.rating_error));
        }
        if f.config.attack.algorithm.len() > 1 {
            label.push_str(&format!(", {}", c.algorithm));
        }
        if let Some(b) = c.length_norm {
            label.push_str(&format!(", B = {b}"));
        }
        let order = policy_order
            .iter()
            .position(|p| *p == c.policy)
            .unwrap_or(0);
        let slot = groups
            .entry((order, label))
            .or_default()
            .entry(c.items)
            .or_insert((0.0, 0.0));
        slot.0 += y;
        slot.1 += 1.0;
    }
    groups
        .into_iter()
        .map(|((_, label), points)| {
            (
                label,
                points
                    .into_iter()
                    .map(|(x, (s, n))| (x as f64, s / n))
                    .collect(),
            )
        })
        .collect()
}

/// Draws every plot the results support; returns (title, file name) of each.
pub fn draw_all(f: &Finished, dir: &Path) -> Result<Vec<(String, String)>> {
    let mut made = Vec::new();
    let reid = by_aux_size(f, |r| r.summary.top1_rate);
    if !reid.is_empty() {
        both(
            dir,
            &Plot {
                name: "reidentification",
                title: "Re-identified (best guess is the target)",
                x_desc: "facts the adversary knows",
                y_desc: "fraction of targets",
                y_max: Some(1.0),
                lines: true,
            },
            &reid,
        )?;
        made.push((
            "Re-identification vs aux size".to_string(),
            "reidentification.png".to_string(),
        ));
    }
    let entropy = by_aux_size(f, |r| r.summary.entropy_bits.as_ref().map(|d| d.mean));
    if !entropy.is_empty() {
        both(
            dir,
            &Plot {
                name: "entropy",
                title: "Entropy of the adversary's output",
                x_desc: "facts the adversary knows",
                y_desc: "mean entropy (bits)",
                y_max: None,
                lines: true,
            },
            &entropy,
        )?;
        made.push(("Entropy vs aux size".to_string(), "entropy.png".to_string()));
    }
    if let Some(curve) = &f.sparsity {
        let series = vec![
            (
                "items only".to_string(),
                curve.iter().map(|c| (c.0, c.1)).collect(),
            ),
            (
                "exact ratings".to_string(),
                curve.iter().map(|c| (c.0, c.2)).collect(),
            ),
        ];
        both(
            dir,
            &Plot {
                name: "sparsity",
                title: "Similarity to the nearest other record",
                x_desc: "similarity x",
                y_desc: "fraction of records with nearest >= x",
                y_max: Some(1.0),
                lines: true,
            },
            &series,
        )?;
        made.push((
            "Sparsity (nearest-neighbour similarity)".to_string(),
            "sparsity.png".to_string(),
        ));
    }
    if !f.utilities.is_empty() {
        let series: Vec<Series> = f
            .utilities
            .iter()
            .filter_map(|u| {
                let rates: Vec<f64> = f
                    .cells
                    .iter()
                    .filter(|r| r.cell.policy == u.policy)
                    .filter_map(|r| r.summary.top1_rate)
                    .collect();
                let cost = u.utility.rmse_cost?;
                (!rates.is_empty()).then(|| {
                    (
                        u.policy.clone(),
                        vec![(cost, rates.iter().sum::<f64>() / rates.len() as f64)],
                    )
                })
            })
            .collect();
        if !series.is_empty() {
            both(
                dir,
                &Plot {
                    name: "frontier",
                    title: "Privacy-utility frontier",
                    x_desc: "RMSE cost (stars)",
                    y_desc: "re-identified (mean over cells)",
                    y_max: Some(1.0),
                    lines: false,
                },
                &series,
            )?;
            made.push((
                "Privacy-utility frontier".to_string(),
                "frontier.png".to_string(),
            ));
        }
    }
    Ok(made)
}
