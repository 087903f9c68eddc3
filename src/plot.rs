//! Plots as SVG and PNG, drawn with plotters and the bundled DejaVu Sans font (no system fonts
//! needed): lines, points or bars of labelled series. Used by the experiment's and the audit's
//! reports.

use std::path::Path;

use plotters::prelude::*;

use crate::{Error, Result};

const SIZE: (u32, u32) = (900, 560);

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
    /// Lines through the points.
    Lines,
    /// Points alone.
    Points,
    /// A bar per point, `bar_width` wide, centred on x.
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
    /// Fixed top of the y axis (else 110% of the largest value).
    pub y_max: Option<f64>,
    /// How the series are drawn.
    pub style: Style,
    /// A labelled horizontal line (a target, a threshold).
    pub hline: Option<(&'a str, f64)>,
    /// Where the legend goes.
    pub legend: Legend,
    /// Vertical interval bars, per series (in series order): (x, low, high).
    pub bars: Option<&'a [Bars]>,
    /// How x values are labelled (else as numbers).
    pub x_labels: Option<&'a dyn Fn(&f64) -> String>,
}

/// Where a plot's legend goes: where the data leaves room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Legend {
    /// The lower right corner.
    LowerRight,
    /// The upper left corner.
    UpperLeft,
    /// The middle of the plot.
    Middle,
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
    let pad = (x1 - x0) * 0.05 + if plot.style == Style::Bars { 0.5 } else { 0.0 };
    let (title, x_desc, y_desc) = (plot.title, plot.x_desc, plot.y_desc);
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
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(("sans-serif", 14));
    if let Some(format) = plot.x_labels {
        mesh.x_label_formatter(format);
    }
    mesh.draw().map_err(e)?;
    for (k, bars) in plot.bars.unwrap_or(&[]).iter().enumerate() {
        let color = palette(k);
        chart
            .draw_series(bars.iter().map(|&(x, lo, hi)| {
                PathElement::new(vec![(x, lo), (x, hi)], color.stroke_width(1))
            }))
            .map_err(e)?;
    }
    let bar = if series.len() > 1 {
        0.8 / series.len() as f64
    } else {
        0.8
    };
    for (k, (label, points)) in series.iter().enumerate() {
        let color = palette(k);
        if plot.style == Style::Bars {
            let shift = -0.4 + bar * k as f64;
            chart
                .draw_series(points.iter().map(|&(x, y)| {
                    Rectangle::new([(x + shift, 0.0), (x + shift + bar, y)], color.filled())
                }))
                .map_err(e)?
                .label(label)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled())
                });
        } else if plot.style == Style::Lines {
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
    if let Some((label, y)) = plot.hline {
        let red = RGBColor(200, 0, 0);
        chart
            .draw_series(LineSeries::new(
                [(x0 - pad, y), (x1 + pad, y)],
                red.stroke_width(1),
            ))
            .map_err(e)?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], red.stroke_width(1)));
    }
    chart
        .configure_series_labels()
        .label_font(("sans-serif", 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(match plot.legend {
            Legend::LowerRight => SeriesLabelPosition::LowerRight,
            Legend::UpperLeft => SeriesLabelPosition::UpperLeft,
            Legend::Middle => SeriesLabelPosition::MiddleMiddle,
        })
        .draw()
        .map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}

/// Draws one plot as SVG text (to inline in a page).
pub fn svg_string(plot: &Plot, series: &[Series]) -> Result<String> {
    font();
    let mut text = String::new();
    draw(
        SVGBackend::with_string(&mut text, SIZE).into_drawing_area(),
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
