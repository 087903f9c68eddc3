//! The experiment's plots, as SVG and PNG, drawn with plotters and the bundled DejaVu Sans font
//! (no system fonts needed): re-identification by aux setting (Fig. 4 style: the settings as
//! categories, each rate with its interval, the published values of `[[reference]]` beside
//! them), entropy by aux setting (Fig. 6 style), the sparsity curve (Fig. 1 style) and the
//! privacy-utility frontier.

use std::collections::BTreeMap;
use std::path::Path;

use super::grid::Cell;
use super::run::Finished;
use crate::Result;
use crate::auxiliary::sampler::Selection;
use crate::plot::{Bars, Plot, Series, Style, both};

/// The aux settings of the grid as categories, in order of facts known then wrong facts: x = 1,
/// 2, ... and their labels ("2", "3 of 4", "6 of 8": right facts of all known).
fn aux_categories(f: &Finished) -> Vec<(usize, usize)> {
    let mut settings: Vec<(usize, usize)> = f
        .cells
        .iter()
        .map(|r| (r.cell.items, r.cell.wrong))
        .collect();
    settings.sort_unstable();
    settings.dedup();
    settings
}

fn category_label(items: usize, wrong: usize) -> String {
    if wrong == 0 {
        format!("{items}")
    } else {
        format!("{} of {items}", items - wrong)
    }
}

/// The label of a cell's series: what varies in the grid besides the aux setting.
fn series_label(f: &Finished, c: &Cell) -> String {
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
    for varied in c.varied_parameters() {
        label.push_str(&format!(", {varied}"));
    }
    label
}

/// A rate per aux setting (category) and series, averaged over repetitions, with the widest
/// interval of the repetitions as its whisker.
struct ByAux {
    series: Vec<Series>,
    bars: Vec<Bars>,
}

/// Series over the aux settings: one per (policy, date error, everything else); y and its
/// interval from `metric`; then the published values of `metric` in the configuration's
/// `[[reference]]`. Series side by side within a category, so that whiskers do not overlap.
fn by_aux_setting(
    f: &Finished,
    metric: &str,
    value: impl Fn(&super::run::CellResult) -> Option<(f64, Option<[f64; 2]>)>,
) -> ByAux {
    type Slot = (f64, f64, f64, f64);
    let categories = aux_categories(f);
    let x_of = |items: usize, wrong: usize| {
        categories
            .iter()
            .position(|&s| s == (items, wrong))
            .map(|k| k as f64 + 1.0)
    };
    let mut groups: BTreeMap<(usize, String), BTreeMap<usize, Slot>> = BTreeMap::new();
    let policy_order: Vec<&str> = f.config.policies.iter().map(|p| p.name.as_str()).collect();
    for r in &f.cells {
        let c = &r.cell;
        let Some((y, ci)) = value(r) else { continue };
        let order = policy_order
            .iter()
            .position(|p| *p == c.policy)
            .unwrap_or(0);
        let category = categories
            .iter()
            .position(|&s| s == (c.items, c.wrong))
            .expect("every cell's setting is a category");
        let slot = groups
            .entry((order, series_label(f, c)))
            .or_default()
            .entry(category)
            .or_insert((0.0, 0.0, f64::INFINITY, f64::NEG_INFINITY));
        let [lo, hi] = ci.unwrap_or([y, y]);
        *slot = (slot.0 + y, slot.1 + 1.0, slot.2.min(lo), slot.3.max(hi));
    }
    let mut series: Vec<Series> = Vec::new();
    let mut bars: Vec<Bars> = Vec::new();
    for ((_, label), points) in groups {
        let mut line = Vec::new();
        let mut whiskers = Vec::new();
        for (category, (sum, n, lo, hi)) in points {
            let x = category as f64 + 1.0;
            line.push((x, sum / n));
            if hi > lo {
                whiskers.push((x, lo, hi));
            }
        }
        series.push((label, line));
        bars.push(whiskers);
    }
    for reference in f.config.references.iter().filter(|r| r.metric == metric) {
        let Some(x) = x_of(reference.items, reference.wrong) else {
            continue;
        };
        match series.iter_mut().find(|s| s.0 == reference.label) {
            Some(s) => s.1.push((x, reference.value)),
            None => {
                series.push((reference.label.clone(), vec![(x, reference.value)]));
                bars.push(Vec::new());
            }
        }
    }
    // Side by side within a category.
    let n = series.len().max(1) as f64;
    let step = (0.6 / n).min(0.12);
    for (k, (s, b)) in series.iter_mut().zip(bars.iter_mut()).enumerate() {
        let shift = (k as f64 - (n - 1.0) / 2.0) * step;
        s.1.iter_mut().for_each(|p| p.0 += shift);
        b.iter_mut().for_each(|w| w.0 += shift);
    }
    ByAux { series, bars }
}

/// Labels of the aux-setting axis: the setting at whole numbers.
fn aux_labels(f: &Finished) -> impl Fn(&f64) -> String {
    let labels: Vec<String> = aux_categories(f)
        .into_iter()
        .map(|(items, wrong)| category_label(items, wrong))
        .collect();
    move |x: &f64| {
        let k = x.round();
        if (x - k).abs() < 1e-9 && k >= 1.0 {
            labels.get(k as usize - 1).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
}

/// Draws every plot the results support; returns (title, file name) of each.
pub fn draw_all(f: &Finished, dir: &Path) -> Result<Vec<(String, String)>> {
    let mut made = draw_by_aux_setting(f, dir)?;
    if let Some(curve) = &f.sparsity {
        made.push(draw_sparsity(curve, dir)?);
    }
    if !f.utilities.is_empty() {
        made.extend(draw_frontier(f, dir)?);
    }
    Ok(made)
}

/// Re-identification and entropy by aux setting, each when some cell has it.
fn draw_by_aux_setting(f: &Finished, dir: &Path) -> Result<Vec<(String, String)>> {
    let mut made = Vec::new();
    let labels = aux_labels(f);
    let x_desc = "facts the adversary knows (right of all known)";
    let reid = by_aux_setting(f, "reidentified", |r| {
        Some((r.summary.top1_rate?, r.summary.top1_rate_ci))
    });
    if !reid.series.is_empty() {
        both(
            dir,
            &Plot {
                y_max: Some(1.0),
                style: Style::Points,
                bars: Some(&reid.bars),
                x_labels: Some(&labels),
                integer_x: true,
                ..Plot::new(
                    "reidentification",
                    "Re-identified (best guess is the target)",
                    x_desc,
                    "fraction of targets",
                )
            },
            &reid.series,
        )?;
        made.push((
            "Re-identification vs aux size".to_string(),
            "reidentification.png".to_string(),
        ));
    }
    let entropy = by_aux_setting(f, "entropy", |r| {
        Some((r.summary.entropy_bits.as_ref()?.mean, None))
    });
    if !entropy.series.is_empty() {
        both(
            dir,
            &Plot {
                style: Style::Points,
                x_labels: Some(&labels),
                integer_x: true,
                ..Plot::new(
                    "entropy",
                    "Entropy of the adversary's output",
                    x_desc,
                    "mean entropy (bits)",
                )
            },
            &entropy.series,
        )?;
        made.push(("Entropy vs aux size".to_string(), "entropy.png".to_string()));
    }
    Ok(made)
}

/// The sparsity curve.
fn draw_sparsity(curve: &[(f64, f64, f64)], dir: &Path) -> Result<(String, String)> {
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
            y_max: Some(1.0),
            ..Plot::new(
                "sparsity",
                "Similarity to the nearest other record",
                "similarity x",
                "fraction of records with nearest >= x",
            )
        },
        &series,
    )?;
    Ok((
        "Sparsity (nearest-neighbour similarity)".to_string(),
        "sparsity.png".to_string(),
    ))
}

/// The privacy-utility frontier, when some policy has both a cost and a rate.
fn draw_frontier(f: &Finished, dir: &Path) -> Result<Option<(String, String)>> {
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
                y_max: Some(1.0),
                style: Style::Points,
                ..Plot::new(
                    "frontier",
                    "Privacy-utility frontier",
                    "RMSE cost (stars)",
                    "re-identified (mean over cells)",
                )
            },
            &series,
        )?;
        return Ok(Some((
            "Privacy-utility frontier".to_string(),
            "frontier.png".to_string(),
        )));
    }
    Ok(None)
}
