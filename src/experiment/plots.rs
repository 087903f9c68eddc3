//! The experiment's plots, as SVG and PNG, drawn with plotters and the bundled DejaVu Sans font
//! (no system fonts needed): re-identification vs aux size (Fig. 4 style), entropy vs aux size
//! (Fig. 6 style), the sparsity curve (Fig. 1 style) and the privacy-utility frontier.

use std::collections::BTreeMap;
use std::path::Path;

use super::run::Finished;
use crate::Result;
use crate::auxiliary::sampler::Selection;
use crate::plot::{Legend, Plot, Series, Style, both};

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
        for varied in c.varied_parameters() {
            label.push_str(&format!(", {varied}"));
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
                style: Style::Lines,
                hline: None,
                legend: Legend::LowerRight,
                bars: None,
                x_labels: None,
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
                style: Style::Lines,
                hline: None,
                legend: Legend::LowerRight,
                bars: None,
                x_labels: None,
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
                style: Style::Lines,
                hline: None,
                legend: Legend::LowerRight,
                bars: None,
                x_labels: None,
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
                    style: Style::Points,
                    hline: None,
                    legend: Legend::LowerRight,
                    bars: None,
                    x_labels: None,
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
