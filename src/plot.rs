//! Plots as SVG and PNG, drawn with plotters and the bundled DejaVu Sans font (no system fonts
//! needed): lines, points or bars of labelled series, each rate with its interval as a whisker,
//! and the legend below the plot area, where it covers no data. Used by the experiment's and
//! the audit's reports.

use std::path::Path;

use plotters::prelude::*;

use crate::{Error, Result};

/// Width and height of the plot area with its axes and title; the legend adds rows below.
const SIZE: (u32, u32) = (900, 540);
/// Height of one legend row, pixels.
const LEGEND_ROW: u32 = 22;
/// Longest legend label shown, characters (longer ones end in "...").
const LEGEND_CHARS: usize = 110;

pub(crate) fn font() {
    static REGISTERED: std::sync::Once = std::sync::Once::new();
    REGISTERED.call_once(|| {
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

/// A series: its label and its (x, y) points.
pub type Series = (String, Vec<(f64, f64)>);

/// A series' vertical interval bars: (x, low, high) each.
pub type Bars = Vec<(f64, f64, f64)>;

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Lines through the points, each point marked.
    Lines,
    /// Points alone, a distinct marker per series (for categories, or points that overlap).
    Points,
    /// A bar per point, side by side when there are several series, centred on x.
    Bars,
}

/// What a plot shows besides its data.
pub struct Plot<'a> {
    /// File name without extension.
    pub name: &'a str,
    /// The title.
    pub title: &'a str,
    /// The x axis's label.
    pub x_desc: &'a str,
    /// The y axis's label.
    pub y_desc: &'a str,
    /// Fixed top of the y axis (else 110% of the largest value or interval end).
    pub y_max: Option<f64>,
    /// How the series are drawn.
    pub style: Style,
    /// A labelled horizontal line (a target, a threshold).
    pub hline: Option<(&'a str, f64)>,
    /// Vertical interval bars, per series (in series order): (x, low, high).
    pub bars: Option<&'a [Bars]>,
    /// How x values are labelled (else as numbers).
    pub x_labels: Option<&'a dyn Fn(&f64) -> String>,
    /// The x values are counts or categories: ticks at whole numbers only.
    pub integer_x: bool,
}

impl<'a> Plot<'a> {
    /// A plot of lines with no target, whiskers or special axis.
    pub fn new(name: &'a str, title: &'a str, x_desc: &'a str, y_desc: &'a str) -> Self {
        Plot {
            name,
            title,
            x_desc,
            y_desc,
            y_max: None,
            style: Style::Lines,
            hline: None,
            bars: None,
            x_labels: None,
            integer_x: false,
        }
    }
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

/// Runs `$body` with `$make`, a function from a point to series `$k`'s marker there: a circle,
/// triangle, square, diamond or cross, hollow, larger for earlier series, so that markers on
/// the same point all stay visible. (A macro: each shape is its own element type.)
macro_rules! with_marker {
    ($k:expr, $color:expr, $make:ident => $body:expr) => {{
        let r = 7 - ($k % 5) as i32;
        let style = $color.stroke_width(2);
        match $k % 5 {
            0 => {
                let $make = |at| EmptyElement::at(at) + Circle::new((0, 0), r, style);
                $body
            }
            1 => {
                let $make = |at| {
                    EmptyElement::at(at)
                        + PathElement::new(
                            vec![(0, -r), (r, r * 3 / 4), (-r, r * 3 / 4), (0, -r)],
                            style,
                        )
                };
                $body
            }
            2 => {
                let $make = |at| {
                    EmptyElement::at(at) + Rectangle::new([(1 - r, 1 - r), (r - 1, r - 1)], style)
                };
                $body
            }
            3 => {
                let $make = |at| {
                    EmptyElement::at(at)
                        + PathElement::new(vec![(0, -r), (r, 0), (0, r), (-r, 0), (0, -r)], style)
                };
                $body
            }
            _ => {
                let $make = |at| {
                    EmptyElement::at(at)
                        + PathElement::new(vec![(-r, -r), (r, r)], style)
                        + PathElement::new(vec![(-r, r), (r, -r)], style)
                };
                $body
            }
        }
    }};
}

/// The x range of the data, padded.
fn x_range(plot: &Plot, series: &[Series]) -> (f64, f64, f64) {
    let xs = series.iter().flat_map(|s| s.1.iter().map(|p| p.0));
    let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    let (x0, x1) = if x0.is_finite() {
        (x0, if x1 > x0 { x1 } else { x0 + 1.0 })
    } else {
        (0.0, 1.0)
    };
    let pad = (x1 - x0) * 0.05
        + if plot.style == Style::Bars || plot.integer_x {
            0.5
        } else {
            0.0
        };
    (x0, x1, pad)
}

/// The top of the y axis: fixed, else 110% of the largest value or interval end.
fn y_top(plot: &Plot, series: &[Series]) -> f64 {
    plot.y_max.unwrap_or_else(|| {
        let values = series.iter().flat_map(|s| s.1.iter().map(|p| p.1));
        let ends = plot.bars.unwrap_or(&[]).iter().flatten().map(|b| b.2);
        let top = values.chain(ends).fold(0.0f64, f64::max);
        let top = plot.hline.map_or(top, |(_, y)| top.max(y));
        top.max(1e-9) * 1.1
    })
}

/// Where series `k`'s bar or whisker at `x` stands: bars of several series side by side.
fn slot(plot: &Plot, series: usize, k: usize, x: f64) -> f64 {
    if plot.style == Style::Bars && series > 1 {
        let width = 0.8 / series as f64;
        x - 0.4 + width * (k as f64 + 0.5)
    } else {
        x
    }
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
    let (area, legend) = root.split_vertically(SIZE.1);
    let (x0, x1, pad) = x_range(plot, series);
    let y1 = y_top(plot, series);
    let mut chart = ChartBuilder::on(&area)
        .caption(plot.title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(x0 - pad..x1 + pad, 0f64..y1)
        .map_err(e)?;
    let whole = |x: &f64| {
        if (x - x.round()).abs() < 1e-9 {
            format!("{}", x.round() as i64)
        } else {
            String::new()
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(plot.x_desc)
        .y_desc(plot.y_desc)
        .label_style(("sans-serif", 14));
    if plot.integer_x {
        mesh.x_labels(((x1 - x0).round() as usize + 1).min(24));
    }
    match (plot.x_labels, plot.integer_x) {
        (Some(format), _) => {
            mesh.x_label_formatter(format);
        }
        (None, true) => {
            mesh.x_label_formatter(&whole);
        }
        (None, false) => {}
    }
    mesh.draw().map_err(e)?;
    let width = 0.8 / series.len().max(1) as f64;
    for (k, (_, points)) in series.iter().enumerate() {
        let color = palette(k);
        match plot.style {
            Style::Bars => {
                chart
                    .draw_series(points.iter().map(|&(x, y)| {
                        let left = slot(plot, series.len(), k, x) - width / 2.0;
                        Rectangle::new([(left, 0.0), (left + width, y)], color.mix(0.8).filled())
                    }))
                    .map_err(e)?;
            }
            Style::Lines => {
                chart
                    .draw_series(LineSeries::new(
                        points.iter().copied(),
                        color.stroke_width(2),
                    ))
                    .map_err(e)?;
                with_marker!(k, color, make => chart
                    .draw_series(points.iter().map(|&p| make(p)))
                    .map(|_| ()))
                .map_err(e)?;
            }
            Style::Points => {
                with_marker!(k, color, make => chart
                    .draw_series(points.iter().map(|&p| make(p)))
                    .map(|_| ()))
                .map_err(e)?;
            }
        }
    }
    for (k, bars) in plot.bars.unwrap_or(&[]).iter().enumerate() {
        let color = if plot.style == Style::Bars {
            BLACK
        } else {
            palette(k)
        };
        let cap = (x1 - x0 + 2.0 * pad) * 0.006;
        chart
            .draw_series(bars.iter().map(|&(x, lo, hi)| {
                let x = slot(plot, series.len(), k, x);
                PathElement::new(
                    vec![
                        (x - cap, lo),
                        (x + cap, lo),
                        (x, lo),
                        (x, hi),
                        (x - cap, hi),
                        (x + cap, hi),
                    ],
                    color.stroke_width(1),
                )
            }))
            .map_err(e)?;
    }
    if let Some((_, y)) = plot.hline {
        chart
            .draw_series(LineSeries::new(
                [(x0 - pad, y), (x1 + pad, y)],
                RGBColor(200, 0, 0).stroke_width(1),
            ))
            .map_err(e)?;
    }
    draw_legend(&legend, plot, series).map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}

/// The legend, one row per series (and the target line), below the plot area.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    plot: &Plot,
    series: &[Series],
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let text = ("sans-serif", 14).into_font().color(&BLACK);
    let label = |s: &str| {
        if s.chars().count() > LEGEND_CHARS {
            format!("{}...", s.chars().take(LEGEND_CHARS).collect::<String>())
        } else {
            s.to_string()
        }
    };
    for (k, (name, _)) in series.iter().enumerate() {
        let y = (k as u32 * LEGEND_ROW + LEGEND_ROW / 2) as i32;
        let color = palette(k);
        match plot.style {
            Style::Bars => {
                area.draw(&Rectangle::new([(70, y - 6), (90, y + 6)], color.filled()))?
            }
            Style::Lines => {
                area.draw(&PathElement::new(
                    vec![(66, y), (94, y)],
                    color.stroke_width(2),
                ))?;
                with_marker!(k, color, make => area.draw(&make((80, y))))?;
            }
            Style::Points => with_marker!(k, color, make => area.draw(&make((80, y))))?,
        }
        area.draw(&Text::new(label(name), (104, y - 8), text.clone()))?;
    }
    if let Some((name, _)) = plot.hline {
        let y = (series.len() as u32 * LEGEND_ROW + LEGEND_ROW / 2) as i32;
        area.draw(&PathElement::new(
            vec![(66, y), (94, y)],
            RGBColor(200, 0, 0).stroke_width(1),
        ))?;
        area.draw(&Text::new(label(name), (104, y - 8), text))?;
    }
    Ok(())
}

/// The canvas: the plot area and a legend row per series (and target line).
fn size(plot: &Plot, series: &[Series]) -> (u32, u32) {
    let rows = series.len() as u32 + plot.hline.is_some() as u32;
    (SIZE.0, SIZE.1 + rows * LEGEND_ROW + 8)
}

/// Draws one plot as SVG text (to inline in a page).
pub fn svg_string(plot: &Plot, series: &[Series]) -> Result<String> {
    font();
    let mut text = String::new();
    draw(
        SVGBackend::with_string(&mut text, size(plot, series)).into_drawing_area(),
        plot,
        series,
    )
    .map_err(|m| Error::InvalidArgument(format!("could not draw the plot {}: {m}", plot.name)))?;
    Ok(text)
}

/// Draws one plot as `dir/name.svg` and `dir/name.png` (each written to a temporary name, then
/// renamed).
pub fn both(dir: &Path, plot: &Plot, series: &[Series]) -> Result<()> {
    font();
    let name = plot.name;
    let fail = |m: String| Error::input(&dir.join(name), format!("could not draw the plot: {m}"));
    let svg_tmp = dir.join(format!(".tmp-{name}.svg"));
    draw(
        SVGBackend::new(&svg_tmp, size(plot, series)).into_drawing_area(),
        plot,
        series,
    )
    .map_err(fail)?;
    std::fs::rename(&svg_tmp, dir.join(format!("{name}.svg"))).map_err(|e| Error::io(dir, e))?;
    let png_tmp = dir.join(format!(".tmp-{name}.png"));
    draw(
        BitMapBackend::new(&png_tmp, size(plot, series)).into_drawing_area(),
        plot,
        series,
    )
    .map_err(fail)?;
    std::fs::rename(&png_tmp, dir.join(format!("{name}.png"))).map_err(|e| Error::io(dir, e))?;
    Ok(())
}
