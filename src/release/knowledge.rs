//! What an adversary who knows a release's published policy does with it (Kerckhoffs'
//! principle: the policy is public, its seed is not).
//!
//! Each step says, in its own file next to what it does ([`super::step::ReleaseStep::inform`]),
//! how such an adversary maps its facts into the release's representation (dates coarsened to the
//! release's unit, kinds the release dropped left out) and how much the step moves released values away from the truth
//! (the rating and date spreads, which widen the attack's similarity scales and tolerances).
//! [`PolicyKnowledge::of`] folds the steps of a policy in order; [`PolicyKnowledge::map`]
//! applies the mapping to aux records. Steps that only remove people or entries (sampling,
//! dropping, suppression, truncation, k^m-anonymity) or add them map nothing; sampling,
//! dropping and truncation say how likely a true fact is to be in the target's released record
//! (the prior of membership, the share of entries deleted, the cap on a person's entries).

use serde::Serialize;

use super::spec::Policy;
use super::step::date_coarsen::{Unit, coarsen};
use crate::dataset::{AuxFact, AuxRecord, Dataset};

/// One change an informed adversary makes to each of its facts, in policy order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FactMap {
    /// Round the fact's date down to the unit, as the release did.
    Coarsen(Unit),
    /// Forget the fact's date: the release holds none.
    DropDate,
    /// Forget the fact's rating: the release holds none.
    DropRating,
}

/// What knowing a release policy tells an adversary.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PolicyKnowledge {
    /// The mapping of the adversary's facts, in policy order.
    #[serde(skip)]
    pub maps: Vec<FactMap>,
    /// The mean absolute change the policy makes to a rating, stars.
    pub rating_spread: f64,
    /// A change that covers most of the policy's rating changes (the uniform noise's bound, three
    /// Laplace scales), stars: what Scoreboard's rating tolerance widens by.
    pub rating_bound: f64,
    /// The mean absolute change the policy makes to a date, days.
    pub date_spread: f64,
    /// A change that covers most of the policy's date changes, days.
    pub date_bound: f64,
    /// The longest unit the policy rounds dates to, days (7, 30.44 or 365.25), if any: two
    /// released dates differ by a whole number of units.
    pub date_unit: Option<f64>,
    /// The share of a person's entries the policy deletes at random (`drop`), 0 without.
    pub entry_loss: f64,
    /// The share of people the policy keeps (`sample`), if it samples people: the prior
    /// probability that a target is in the release.
    pub membership: Option<f64>,
    /// The most entries the policy keeps of a person (`truncate`, `dp`), the smallest if
    /// several: a released record holding fewer lost none of the person's entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_cap: Option<u64>,
}

impl PolicyKnowledge {
    /// What knowing `policy` tells an adversary who attacks `release` (the release's rating
    /// range sizes `dp`'s noise).
    pub fn of(policy: &Policy, release: &Dataset) -> PolicyKnowledge {
        let rating_range = release
            .rating_scale()
            .map_or(4.0, |s| (s.max - s.min) as f64 / 2.0);
        let mut knowledge = PolicyKnowledge::default();
        for step in &policy.steps {
            step.inform(&mut knowledge, rating_range);
        }
        knowledge
    }

    /// Whether the policy changes anything an adversary would do.
    pub fn changes_anything(&self) -> bool {
        *self != PolicyKnowledge::default()
    }

    /// A fact's mapping into the release's representation.
    pub(super) fn push_map(&mut self, map: FactMap) {
        self.maps.push(map);
    }

    /// Adds an independent noise of mean absolute value `spread` and bound `bound` to ratings.
    pub(super) fn widen_ratings(&mut self, spread: f64, bound: f64) {
        self.rating_spread += spread;
        self.rating_bound += bound;
    }

    /// Adds an independent noise of mean absolute value `spread` and bound `bound` to dates.
    pub(super) fn widen_dates(&mut self, spread: f64, bound: f64) {
        self.date_spread += spread;
        self.date_bound += bound;
    }

    /// Each person is kept with probability `fraction`.
    pub(super) fn sample_people(&mut self, fraction: f64) {
        self.membership = Some(self.membership.unwrap_or(1.0) * fraction);
    }

    /// Each entry is deleted with probability `fraction`.
    pub(super) fn delete_entries(&mut self, fraction: f64) {
        self.entry_loss = 1.0 - (1.0 - self.entry_loss) * (1.0 - fraction);
    }

    /// At most `cap` entries of each person are kept.
    pub(super) fn cap_records(&mut self, cap: u64) {
        self.record_cap = Some(self.record_cap.map_or(cap, |c| c.min(cap)));
    }

    /// Dates are rounded to `unit`.
    pub(super) fn coarsen_dates(&mut self, unit: Unit) {
        let days = match unit {
            Unit::Week => 7.0,
            Unit::Month => 30.44,
            Unit::Year => 365.25,
        };
        self.date_unit = Some(self.date_unit.map_or(days, |d: f64| d.max(days)));
        self.push_map(FactMap::Coarsen(unit));
    }

    /// The aux records as an adversary who knows the policy writes them.
    pub fn map(&self, records: &[AuxRecord]) -> Vec<AuxRecord> {
        records.iter().map(|r| self.map_record(r)).collect()
    }

    /// One aux record as an adversary who knows the policy writes it.
    pub fn map_record(&self, record: &AuxRecord) -> AuxRecord {
        AuxRecord {
            facts: record.facts.iter().map(|f| self.map_fact(f)).collect(),
            ..record.clone()
        }
    }

    fn map_fact(&self, fact: &AuxFact) -> AuxFact {
        let mut fact = fact.clone();
        for map in &self.maps {
            match *map {
                FactMap::Coarsen(unit) => fact.day = fact.day.map(|d| coarsen(d, unit)),
                FactMap::DropDate => fact.day = None,
                FactMap::DropRating => fact.rating = None,
            }
        }
        fact
    }

    /// The knowledge in words, for reports: `dates rounded to the year; ratings +-1 star`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for map in &self.maps {
            parts.push(match map {
                FactMap::Coarsen(unit) => format!("dates rounded down to the {unit}"),
                FactMap::DropDate => "dates left out".to_string(),
                FactMap::DropRating => "ratings left out".to_string(),
            });
        }
        if self.rating_spread > 0.0 {
            parts.push(format!(
                "ratings moved by {:.2} stars on average",
                self.rating_spread
            ));
        }
        if self.date_spread > 0.0 {
            parts.push(format!(
                "dates moved by {:.1} days on average",
                self.date_spread
            ));
        }
        if let Some(kept) = self.membership {
            parts.push(format!("{:.3}% of people kept", 100.0 * kept));
        }
        if self.entry_loss > 0.0 {
            parts.push(format!(
                "{:.3}% of entries deleted",
                100.0 * self.entry_loss
            ));
        }
        if let Some(cap) = self.record_cap {
            parts.push(format!("at most {cap} entries kept per person"));
        }
        if parts.is_empty() {
            "nothing to map: the policy only removes or adds people or entries".to_string()
        } else {
            parts.join("; ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::values::{day_to_iso, parse_iso_date};

    fn knowledge(spec: &str) -> PolicyKnowledge {
        let mut k = PolicyKnowledge::default();
        for step in &Policy::parse(spec).unwrap().steps {
            step.inform(&mut k, 4.0);
        }
        k
    }

    fn fact(day: &str) -> AuxFact {
        AuxFact {
            item: "1".into(),
            rating: Some(8),
            day: Some(parse_iso_date(day.as_bytes()).unwrap()),
        }
    }

    #[test]
    fn coarsening_maps_aux_dates_to_the_released_unit() {
        let k = knowledge("date-coarsen:to=year|rating-noise:scale=1");
        let mapped = k.map_fact(&fact("2005-06-15"));
        assert_eq!(day_to_iso(mapped.day.unwrap()), "2005-01-01");
        assert_eq!(mapped.rating, Some(8));
        assert_eq!(k.date_unit, Some(365.25));
        assert_eq!((k.rating_spread, k.rating_bound), (1.0, 3.0));
        // Week then month: the month of the Monday, as the release computed it.
        let k = knowledge("date-coarsen:to=week|date-coarsen:to=month");
        assert_eq!(
            day_to_iso(k.map_fact(&fact("2005-06-01")).day.unwrap()),
            "2005-05-01"
        );
        assert_eq!(k.date_unit, Some(30.44));
    }

    #[test]
    fn each_step_maps_what_it_changes_and_nothing_else() {
        for spec in [
            "pseudonymize",
            "insert:fraction=0.1",
            "rare-items:min_support=5",
            "km-anonymity:k=5,m=2",
        ] {
            assert!(!knowledge(spec).changes_anything(), "{spec}");
        }
        // Truncation maps no fact; it caps the records, the smallest cap of several.
        let k = knowledge("truncate:max_per_record=50|truncate:max_per_record=20");
        assert!(k.maps.is_empty() && k.entry_loss == 0.0);
        assert_eq!(k.record_cap, Some(20));
        assert_eq!(k.describe(), "at most 20 entries kept per person");
        // Sampling people and deleting entries map no fact; they set the prior of membership and
        // the share of true facts the release cannot confirm.
        let k = knowledge("sample:fraction=0.5|drop:fraction=0.2|sample:fraction=0.2");
        assert!(k.maps.is_empty() && k.rating_spread == 0.0 && k.date_spread == 0.0);
        assert_eq!(k.membership, Some(0.1));
        assert!((k.entry_loss - 0.2).abs() < 1e-15);
        let k = knowledge("date-drop|rating-drop");
        let mapped = k.map_fact(&fact("2005-06-15"));
        assert_eq!((mapped.rating, mapped.day), (None, None));
        let k = knowledge("date-noise:days=7");
        assert_eq!((k.date_spread, k.date_bound), (3.5, 7.0));
        assert!(k.maps.is_empty());
        let k = knowledge("date-noise:days=2,dist=laplace|rating-noise:scale=1,dist=uniform");
        assert_eq!((k.date_spread, k.date_bound), (2.0, 6.0));
        assert_eq!((k.rating_spread, k.rating_bound), (0.5, 1.0));
        let k = knowledge("microaggregate:k=5");
        assert_eq!((k.rating_spread, k.rating_bound), (1.0, 2.0));
        // dp: dates dropped, ratings widened by its Laplace scale (2T x range / ((1 - P) E)).
        // Its truncation caps the records, and its randomized response deletes each kept entry
        // with probability 1 / (1 + e^eps_p), eps_p = P E / 2T.
        let k = knowledge("dp:epsilon=4,max_per_record=10");
        assert_eq!(k.maps, vec![FactMap::DropDate]);
        assert_eq!(k.rating_spread, 2.0 * 10.0 * 4.0 / (0.5 * 4.0));
        assert_eq!(k.record_cap, Some(10));
        let eps_p: f64 = 0.5 * 4.0 / 20.0;
        assert!((k.entry_loss - 1.0 / (1.0 + eps_p.exp())).abs() < 1e-12);
    }

    #[test]
    fn the_description_says_what_the_adversary_does() {
        assert_eq!(
            knowledge("date-coarsen:to=year|rating-noise:scale=1").describe(),
            "dates rounded down to the year; ratings moved by 1.00 stars on average"
        );
        assert_eq!(
            knowledge("sample:fraction=0.1").describe(),
            "10.000% of people kept"
        );
        assert!(
            knowledge("insert:fraction=0.1")
                .describe()
                .starts_with("nothing")
        );
    }
}
