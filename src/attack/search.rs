//! The attack search: the configurations an adversary tries, each algorithm's own grid of its
//! parameters (declared beside the algorithm, listed in its registry entry), and how a
//! published policy's noise widens the similarity scales and tolerances ([`Widening`]).
//!
//! The grids are small on purpose: an audit runs each configuration on a tuning sample of people
//! and keeps the one that names the most of them correctly.

use super::algorithm::ALGORITHMS;
use super::params::{AttackParams, AttackParamsBuilder};

/// How far a published policy moves released values from the truth: what an informed adversary
/// widens its scales and tolerances by. All zero for a policy that changes no value.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Widening {
    /// Mean absolute change of a rating, stars: added to rho0.
    pub rating_spread: f64,
    /// A change covering most rating changes, stars: added to Scoreboard's rating tolerance.
    pub rating_bound: f64,
    /// Mean absolute change of a date, days: added to d0.
    pub date_spread: f64,
    /// A change covering most date changes, days: added to Scoreboard's date tolerance.
    pub date_bound: f64,
    /// The unit dates are rounded to, days, if any: a grid's alternative date scale.
    pub date_unit: Option<f64>,
}

impl Widening {
    /// `params` with its scales and tolerances widened: rho0 and d0 by the mean changes, the
    /// Scoreboard tolerances as [`Self::widen_tolerances`] does.
    pub fn widen(&self, params: AttackParamsBuilder) -> AttackParamsBuilder {
        let rho0 = params.rho0 + self.rating_spread;
        let d0 = params.d0 + self.date_spread;
        self.widen_tolerances(params).rho0(rho0).d0(d0)
    }

    /// `params` with Scoreboard's tolerances widened by the bounds (the date tolerance rounded
    /// up to whole days), the scales as they are.
    pub fn widen_tolerances(&self, params: AttackParamsBuilder) -> AttackParamsBuilder {
        let rating_tol = params.rating_tol + self.rating_bound;
        let date_tol = params
            .date_tol
            .saturating_add(self.date_bound.ceil() as u32);
        params.rating_tol(rating_tol).date_tol(date_tol)
    }
}

/// Every registered algorithm's grid under `widening`, in registry order, each configuration
/// once (checked).
pub fn grid(widening: &Widening) -> Vec<AttackParams> {
    let mut configurations: Vec<AttackParams> = Vec::new();
    for entry in &ALGORITHMS {
        for builder in (entry.search)(widening) {
            let params = builder
                .check()
                .expect("a search grid holds values in their domains");
            if !configurations.contains(&params) {
                configurations.push(params);
            }
        }
    }
    configurations
}

/// The distinct values of `values`, in order.
pub(super) fn distinct(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attack::defaults;

    #[test]
    fn without_widening_each_algorithm_tries_its_own_grid() {
        let g = grid(&Widening::default());
        let names: Vec<&str> = g.iter().map(|p| p.algorithm().name()).collect();
        assert_eq!(
            names,
            [
                "scoreboard-rh",
                "scoreboard-rh-norm",
                "scoreboard-rh-norm",
                "scoreboard-rh-norm",
                "scoreboard"
            ]
        );
        assert_eq!(g[0], AttackParams::defaults());
        let b: Vec<f64> = g[1..4].iter().map(|p| p.length_norm()).collect();
        assert_eq!(b, [0.25, 0.5, 0.75]);
    }

    #[test]
    fn a_policy_s_noise_and_coarsening_add_scales() {
        let w = Widening {
            rating_spread: 1.0,
            rating_bound: 3.0,
            date_unit: Some(365.25),
            ..Widening::default()
        };
        let g = grid(&w);
        let rh: Vec<(f64, f64)> = g
            .iter()
            .filter(|p| p.algorithm().name() == "scoreboard-rh")
            .map(|p| (p.rho0(), p.d0()))
            .collect();
        assert_eq!(rh, [(1.5, 30.0), (1.5, 365.25), (2.5, 30.0), (2.5, 365.25)]);
        assert!(
            g.iter()
                .filter(|p| p.algorithm().name() == "scoreboard-rh-norm")
                .all(|p| p.rho0() == defaults::RHO0 + 1.0)
        );
        let sb: Vec<(f64, u32)> = g
            .iter()
            .filter(|p| p.algorithm().name() == "scoreboard")
            .map(|p| (p.rating_tol(), p.date_tol()))
            .collect();
        assert_eq!(sb, [(0.0, 14), (3.0, 14)]);
        let widened = w.widen(AttackParams::builder());
        assert_eq!((widened.rho0, widened.rating_tol), (2.5, 3.0));
    }
}
