//! The attack search: the configurations an adversary tries, each algorithm's own grid of its
//! parameters (declared beside the algorithm, listed in its registry entry), and how a
//! published policy's noise widens the similarity scales and tolerances ([`Widening`]).
//!
//! The grids are small on purpose: an audit runs each configuration on a tuning sample of people
//! and keeps the one that names the most of them correctly.

use super::algorithm::Algorithm;
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
    /// The share of a person's entries the policy deletes at random.
    pub entry_loss: f64,
    /// The share of people the policy keeps, when it samples people.
    pub membership: Option<f64>,
    /// The most entries the policy keeps of a person, when it caps them.
    pub record_cap: Option<u64>,
}

impl Widening {
    /// `params` with the parameters its algorithm reads widened, each as it declares
    /// ([`crate::attack::parameter::Widen`]): similarity scales by the mean changes, tolerances
    /// by the bounds (a date tolerance rounded up to whole days).
    pub fn widen(&self, mut params: AttackParamsBuilder) -> AttackParamsBuilder {
        for p in params.algorithm.parameters() {
            let widened = p.widened(params.get(p), self);
            params = params.with(p, widened);
        }
        params
    }
}

/// Every registered algorithm's grid under `widening`, in registry order, each configuration
/// once (checked).
pub fn grid(widening: &Widening) -> Vec<AttackParams> {
    let mut configurations: Vec<AttackParams> = Vec::new();
    for algorithm in Algorithm::all() {
        for builder in algorithm.search_grid(widening) {
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
    use crate::attack::algorithm::{likelihood, scoreboard, scoreboard_rh, scoreboard_rh_norm};
    use crate::attack::parameter::Value;
    use scoreboard_rh::{D0, RHO0};

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
                "scoreboard",
                "likelihood",
                "likelihood"
            ]
        );
        assert_eq!(g[0], AttackParams::defaults());
        let b: Vec<f64> = g[1..4]
            .iter()
            .map(|p| p.real(&scoreboard_rh_norm::LENGTH_NORM))
            .collect();
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
            .map(|p| (p.real(&RHO0), p.real(&D0)))
            .collect();
        assert_eq!(rh, [(1.5, 30.0), (1.5, 365.25), (2.5, 30.0), (2.5, 365.25)]);
        assert!(
            g.iter()
                .filter(|p| p.algorithm().name() == "scoreboard-rh-norm")
                .all(|p| p.real(&RHO0) == RHO0.default_f64() + 1.0)
        );
        let sb: Vec<(f64, u64)> = g
            .iter()
            .filter(|p| p.algorithm().name() == "scoreboard")
            .map(|p| {
                (
                    p.real(&scoreboard::RATING_TOL),
                    p.whole(&scoreboard::DATE_TOL),
                )
            })
            .collect();
        assert_eq!(sb, [(0.0, 14), (3.0, 14)]);
        let widened = w.widen(AttackParams::builder());
        assert_eq!(
            (widened.real(&RHO0), widened.real(&scoreboard::RATING_TOL)),
            (2.5, 0.0),
            "only what Scoreboard-RH reads"
        );
        // The likelihood grid: w at two values, the date scale at its default and the unit, the
        // rating scale widened by the noise.
        let lk: Vec<(f64, f64, f64)> = g
            .iter()
            .filter(|p| p.algorithm().name() == "likelihood")
            .map(|p| {
                (
                    p.real(&likelihood::WRONG_RATE),
                    p.real(&likelihood::DATE_SCALE),
                    p.real(&likelihood::RATING_SCALE),
                )
            })
            .collect();
        assert_eq!(
            lk,
            [
                (0.1, 14.0, 1.5),
                (0.1, 365.25, 1.5),
                (0.25, 14.0, 1.5),
                (0.25, 365.25, 1.5)
            ]
        );
        let lossy = Widening {
            entry_loss: 0.5,
            membership: Some(0.1),
            ..Widening::default()
        };
        let widened = lossy.widen(AttackParams::builder().algorithm("likelihood".parse().unwrap()));
        // w = 1 - (1 - 0.1)(1 - 0.5); the prior is the sampling fraction.
        assert!((widened.real(&likelihood::WRONG_RATE) - 0.55).abs() < 1e-15);
        assert_eq!(widened.real(&likelihood::MEMBERSHIP), 0.1);
        // A cap on a person's entries: the likelihood's grid models it, with nbar at 4T, 16T and
        // 64T, or leaves it out; --informed takes the cap and leaves nbar at its default (8T).
        let capped = Widening {
            record_cap: Some(5),
            ..Widening::default()
        };
        let lk: Vec<(Value, f64)> = grid(&capped)
            .iter()
            .filter(|p| p.algorithm().name() == "likelihood")
            .map(|p| (p.get(&likelihood::CAP), p.real(&likelihood::CAPPED_LENGTH)))
            .collect();
        let five = Value::Whole(5);
        let per_w = [
            (five, 20.0),
            (five, 80.0),
            (five, 320.0),
            (Value::Whole(0), 0.0),
        ];
        assert_eq!(lk, [per_w, per_w].concat());
        let widened =
            capped.widen(AttackParams::builder().algorithm("likelihood".parse().unwrap()));
        assert_eq!(widened.get(&likelihood::CAP), five);
        assert_eq!(widened.real(&likelihood::CAPPED_LENGTH), 0.0);
        let scoreboard = AttackParams::builder().algorithm("scoreboard".parse().unwrap());
        let widened = w.widen(scoreboard);
        assert_eq!(
            (widened.real(&RHO0), widened.real(&scoreboard::RATING_TOL)),
            (1.5, 3.0)
        );
    }
}
