//! The report's plots: the privacy-utility frontier, the knowledge curves, unicity, the
//! per-person risk and the sparsity of the data; every rate with its interval as a whisker.

use crate::audit::curve::{self, CurvePoint, KnownFacts};
use crate::audit::{Audit, PolicyResult};
use crate::interval::wilson;
use crate::plot::{Bars, Series, Style};

/// How a figure labels its x axis.
pub(super) type XLabels = Box<dyn Fn(&f64) -> String>;

/// One plot of the report.
pub(super) struct Figure {
    pub title: String,
    /// File name without extension.
    pub name: String,
    pub style: Style,
    pub series: Vec<Series>,
    /// A horizontal target line.
    pub target: Option<f64>,
    pub x_desc: String,
    pub y_desc: String,
    /// Interval bars per series: (x, low, high).
    pub bars: Option<Vec<Bars>>,
    /// The x values are counts: ticks at whole numbers.
    pub integer_x: bool,
    /// Labels of the x axis, when not plain numbers.
    pub x_labels: Option<XLabels>,
    /// A fixed top of the y axis.
    pub y_max: Option<f64>,
}

impl Figure {
    fn new(name: &str, title: &str, style: Style, x_desc: &str, y_desc: &str) -> Self {
        Figure {
            title: title.to_string(),
            name: name.to_string(),
            style,
            series: Vec::new(),
            target: None,
            x_desc: x_desc.to_string(),
            y_desc: y_desc.to_string(),
            bars: None,
            integer_x: false,
            x_labels: None,
            y_max: None,
        }
    }
}

/// The policies the detailed plots show: the baseline, the recommended and the closest.
fn shown(audit: &Audit) -> Vec<&PolicyResult> {
    audit
        .policies
        .iter()
        .enumerate()
        .filter(|(k, p)| {
            *k == 0
                || audit.recommended.as_deref() == Some(&p.policy)
                || audit.closest.as_deref() == Some(&p.policy)
        })
        .map(|(_, p)| p)
        .collect()
}

/// The report's plots.
pub(super) fn figures(audit: &Audit) -> Vec<Figure> {
    let mut out = vec![frontier(audit)];
    out.extend(curve_figure(audit));
    out.push(unicity(audit));
    out.push(risk_histogram(audit));
    out.push(risk_by_activity(audit));
    out.push(sparsity(audit));
    out
}

fn frontier(audit: &Audit) -> Figure {
    let mut f = Figure::new(
        "frontier",
        "Privacy-utility frontier: worst adversary against cost",
        Style::Points,
        if audit.data.has_ratings {
            "RMSE cost (stars)"
        } else {
            "share of entries removed"
        },
        "re-identified (worst adversary)",
    );
    let mut bars = Vec::new();
    for p in &audit.policies {
        let Some(y) = p.worst_reidentified else {
            continue;
        };
        let x = p.rmse_cost.unwrap_or(1.0 - p.kept_fraction);
        let marker = if audit.recommended.as_deref() == Some(&p.policy) {
            " (recommended)"
        } else {
            ""
        };
        f.series
            .push((format!("{}{marker}", p.policy), vec![(x, y)]));
        bars.push(
            p.worst_reidentified_ci
                .map(|[lo, hi]| vec![(x, lo, hi)])
                .unwrap_or_default(),
        );
    }
    f.target = Some(audit.target_risk);
    f.bars = Some(bars);
    f.y_max = Some(1.0);
    f
}

fn unicity(audit: &Audit) -> Figure {
    let mut f = Figure::new(
        "unicity",
        "Unicity: share of people whom p points single out",
        Style::Lines,
        "points known (p)",
        "unicity",
    );
    let mut bars = Vec::new();
    for p in shown(audit) {
        let mut kinds: Vec<_> = p.unicity.iter().map(|u| u.knowledge).collect();
        kinds.sort();
        kinds.dedup();
        for k in kinds {
            let points = p.unicity.iter().filter(|u| u.knowledge == k);
            f.series.push((
                format!("{}: {k}", p.policy),
                points
                    .clone()
                    .filter_map(|u| Some((u.points as f64, u.unicity?)))
                    .collect(),
            ));
            bars.push(
                points
                    .filter_map(|u| {
                        let [lo, hi] = wilson(u.unicity? * u.people as f64, u.people as f64)?;
                        Some((u.points as f64, lo, hi))
                    })
                    .collect(),
            );
        }
    }
    f.bars = Some(bars);
    f.integer_x = true;
    f.y_max = Some(1.0);
    f
}

fn risk_histogram(audit: &Audit) -> Figure {
    let mut f = Figure::new(
        "risk-histogram",
        "Per-person risk under the worst adversary",
        Style::Bars,
        "risk in tenths (1: named in under 10% of draws, 10: in 90% or more)",
        "share of people",
    );
    let mut bars = Vec::new();
    for p in shown(audit) {
        let n = p.risk.histogram.iter().sum::<usize>() as f64;
        let bins = p.risk.histogram.iter().enumerate();
        f.series.push((
            p.policy.clone(),
            bins.clone()
                .map(|(b, &c)| (b as f64 + 1.0, c as f64 / n.max(1.0)))
                .collect(),
        ));
        bars.push(
            bins.filter_map(|(b, &c)| {
                let [lo, hi] = wilson(c as f64, n)?;
                Some((b as f64 + 1.0, lo, hi))
            })
            .collect(),
        );
    }
    f.bars = Some(bars);
    f.integer_x = true;
    f
}

fn risk_by_activity(audit: &Audit) -> Figure {
    let mut f = Figure::new(
        "risk-by-activity",
        "Risk by activity decile (1: the lightest raters)",
        Style::Bars,
        "decile of entries per person",
        "mean risk",
    );
    let mut bars = Vec::new();
    for p in shown(audit) {
        let deciles = p.risk.by_activity_decile.iter().enumerate();
        f.series.push((
            p.policy.clone(),
            deciles
                .filter_map(|(d, v)| Some((d as f64 + 1.0, (*v)?)))
                .collect(),
        ));
        bars.push(
            p.risk
                .by_activity_decile_ci
                .iter()
                .enumerate()
                .filter_map(|(d, ci)| {
                    let [lo, hi] = (*ci)?;
                    Some((d as f64 + 1.0, lo, hi))
                })
                .collect(),
        );
    }
    f.bars = Some(bars);
    f.integer_x = true;
    f
}

fn sparsity(audit: &Audit) -> Figure {
    let mut f = Figure::new(
        "sparsity",
        "Sparsity: similarity to the nearest other record",
        Style::Lines,
        "similarity x",
        "share of people whose nearest other record is >= x",
    );
    f.series = vec![
        (
            "items only".to_string(),
            audit.data.sparsity.iter().map(|c| (c.0, c.1)).collect(),
        ),
        (
            "exact ratings".to_string(),
            audit.data.sparsity.iter().map(|c| (c.0, c.2)).collect(),
        ),
    ];
    f.y_max = Some(1.0);
    f
}

/// The knowledge curve's x: log2 of the entries known; every entry one step past the largest
/// count.
fn curve_x(facts: KnownFacts, largest: usize) -> f64 {
    match facts {
        KnownFacts::Count(k) => (k as f64).log2(),
        KnownFacts::All => (largest.max(1) as f64).log2() + 1.0,
    }
}

/// Labels of the curve's x axis: the count at whole powers of two, and "all" at the point of
/// every entry.
fn curve_x_labels(largest: usize, has_all: bool) -> XLabels {
    let all = curve_x(KnownFacts::All, largest);
    Box::new(move |x: &f64| {
        if has_all && (x - all).abs() < 1e-9 {
            "all".to_string()
        } else if (x - x.round()).abs() < 1e-9 && *x >= 0.0 && *x < all - 0.5 {
            format!("{}", 2f64.powi(x.round() as i32))
        } else {
            String::new()
        }
    })
}

/// The knowledge curves: re-identified against entries known (log scale), one line per policy,
/// with attributes where the data has them, intervals as whiskers, and the target.
fn curve_figure(audit: &Audit) -> Option<Figure> {
    let with_attributes = !audit.data.attributes.is_empty();
    let all_points = || audit.policies.iter().flat_map(|p| &p.curve);
    let largest = all_points()
        .filter_map(|c| match c.facts {
            KnownFacts::Count(k) => Some(k),
            KnownFacts::All => None,
        })
        .max()?;
    let has_all = all_points().any(|c| c.facts == KnownFacts::All);
    let mut f = Figure::new(
        "knowledge-curve",
        "Knowledge curve: re-identified by entries known",
        Style::Lines,
        &format!(
            "entries known (log scale){}",
            if with_attributes {
                ", with the attributes"
            } else {
                ""
            }
        ),
        "re-identified (strongest adversary)",
    );
    let mut bars = Vec::new();
    for p in audit.policies.iter().filter(|p| !p.curve.is_empty()) {
        let points: Vec<&CurvePoint> = curve::judged(&p.curve, with_attributes).collect();
        f.series.push((
            p.policy.clone(),
            points
                .iter()
                .filter_map(|c| Some((curve_x(c.facts, largest), c.reidentified?)))
                .collect(),
        ));
        bars.push(
            points
                .iter()
                .filter_map(|c| {
                    let [lo, hi] = c.reidentified_ci?;
                    Some((curve_x(c.facts, largest), lo, hi))
                })
                .collect(),
        );
    }
    f.target = Some(audit.target_risk);
    f.bars = Some(bars);
    f.integer_x = true;
    f.x_labels = Some(curve_x_labels(largest, has_all));
    f.y_max = Some(1.0);
    Some(f)
}
