//! The knowledge curve: for each policy, the strongest adversary who knows k of a person's
//! entries (each true: the item, its rating, its date within +-3 days), for k in the curve's
//! points, alone and beside all of the person's attributes where the data has them. It is the
//! worst case of knowledge; the named battery stays beside it as realistic adversaries. The
//! verdict assumes one point of it (`assumed_facts`), and each policy says up to how many known
//! entries it holds the target.

use serde::{Deserialize, Serialize};

use super::AuditParams;
use super::adversary::Adversary;
use super::measure::Arena;
use super::risk::Target;
use crate::auxiliary::sampler::Selection;
use crate::dataset::Dataset;
use crate::study::AttackConfig;
use crate::{Error, Result};

/// How many of a person's entries an adversary knows: a number, or all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum KnownFacts {
    /// At most this many (a person with fewer gives all of theirs).
    Count(usize),
    /// Every entry the person has.
    #[default]
    All,
}

impl KnownFacts {
    /// From an adversary's `facts` (`usize::MAX`: all).
    pub fn of(facts: usize) -> KnownFacts {
        if facts == usize::MAX {
            KnownFacts::All
        } else {
            KnownFacts::Count(facts)
        }
    }

    /// As an adversary's `facts` (`usize::MAX` for all).
    pub fn facts(self) -> usize {
        match self {
            KnownFacts::Count(k) => k,
            KnownFacts::All => usize::MAX,
        }
    }

    /// In words: "8 entries", "every entry".
    pub fn words(self) -> String {
        match self {
            KnownFacts::Count(1) => "1 entry".to_string(),
            KnownFacts::Count(k) => format!("{k} entries"),
            KnownFacts::All => "every entry".to_string(),
        }
    }

    /// Parses `8` or `all`.
    pub fn parse(text: &str) -> Option<KnownFacts> {
        match text.trim() {
            "all" => Some(KnownFacts::All),
            t => t.parse().ok().filter(|&k| k > 0).map(KnownFacts::Count),
        }
    }
}

impl std::fmt::Display for KnownFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KnownFacts::Count(k) => write!(f, "{k}"),
            KnownFacts::All => f.write_str("all"),
        }
    }
}

impl Serialize for KnownFacts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            KnownFacts::Count(k) => s.serialize_u64(*k as u64),
            KnownFacts::All => s.serialize_str("all"),
        }
    }
}

impl<'de> Deserialize<'de> for KnownFacts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Count(usize),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Count(k) => Ok(KnownFacts::Count(k)),
            Raw::Text(t) => KnownFacts::parse(&t)
                .ok_or_else(|| serde::de::Error::custom(format!("not a count of facts: '{t}'"))),
        }
    }
}

/// The curve's default points: 1, 2, 4, 8, 16, 32 and every entry.
pub fn default_points() -> Vec<KnownFacts> {
    [1, 2, 4, 8, 16, 32]
        .into_iter()
        .map(KnownFacts::Count)
        .chain([KnownFacts::All])
        .collect()
}

/// Parses `--curve 1,2,4,8,all`: distinct points in increasing order, `all` last.
pub fn parse_points(text: &str) -> Result<Vec<KnownFacts>> {
    let mut points = Vec::new();
    for part in text.split(',') {
        let point = KnownFacts::parse(part).ok_or_else(|| Error::Parameter {
            name: "curve",
            message: format!(
                "curve takes whole numbers of entries of at least 1 and 'all', separated by commas (e.g. 1,2,4,8,all), got '{}'",
                part.trim()
            ),
        })?;
        if points.contains(&point) {
            return Err(Error::Parameter {
                name: "curve",
                message: format!("curve names {point} twice"),
            });
        }
        points.push(point);
    }
    points.sort_unstable();
    Ok(points)
}

/// The date error of the curve's facts, days.
pub const DATE_ERROR: u32 = 3;

/// The curve's adversary who knows `facts` of a person's entries (true, dates +-3 days) and,
/// when `attributes` is not empty, those attributes; a person with fewer entries gives all of
/// theirs.
pub fn adversary(facts: KnownFacts, attributes: &[String]) -> Adversary {
    let mut name = match facts {
        KnownFacts::All => "every entry".to_string(),
        k => format!("{} (curve)", k.words()),
    };
    if !attributes.is_empty() {
        name = format!("{name} + attributes ({})", attributes.join(", "));
    }
    Adversary {
        name,
        facts: facts.facts(),
        wrong: 0,
        date_error: DATE_ERROR,
        rating_error: 0.0,
        dates: true,
        ratings: true,
        select: Selection::Uniform,
        attributes: attributes.to_vec(),
        up_to: true,
    }
}

/// One point of a policy's curve (audit.json's `curve`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Entries known: a number, or `"all"`.
    pub facts: KnownFacts,
    /// Whether the adversary also knows all of the person's attributes.
    pub attributes: bool,
    /// Re-identification rate: the share of sampled people named, and rightly (everyone
    /// sampled counts).
    pub reidentified: Option<f64>,
    /// Its 95% interval.
    pub reidentified_ci: Option<[f64; 2]>,
    /// The share of people who are the adversary's top record.
    pub best_guess: Option<f64>,
    /// Its 95% interval.
    #[serde(default)]
    pub best_guess_ci: Option<[f64; 2]>,
    /// Of the people the adversary names, the share named rightly (null: nobody named).
    pub precision: Option<f64>,
    /// People counted (the sampled members of the release).
    pub people: usize,
    /// The attack whose figures these are.
    pub attack: Option<AttackConfig>,
}

impl CurvePoint {
    /// The upper end of the interval (the rate when there is none; 0 without people).
    pub fn upper(&self) -> f64 {
        self.reidentified_ci
            .map(|c| c[1])
            .or(self.reidentified)
            .unwrap_or(0.0)
    }
}

/// Aux draws per person at each point of the curve: one (the curve is a population rate; the
/// battery's draws give the per-person risk).
pub const DRAWS: usize = 1;

/// Measures the curve of one release (`arena`: its sampled people, the policy, the tuning
/// people) for the points of `points`: entries alone, then, when `original` has a people table,
/// entries beside all of its attributes. `seed_of(j)` seeds the j-th adversary's draws and
/// `label` names its attacks. `None` in the cluster processes other than 0.
pub(super) fn measure(
    original: &Dataset,
    points: &[KnownFacts],
    arena: &Arena<'_>,
    seed_of: impl Fn(usize) -> u64,
    label: &str,
) -> Result<Option<Vec<CurvePoint>>> {
    let t = arena.target;
    let target = Target {
        original: t.original,
        released: t.released,
        key: t.key,
        members: t.members,
        non_members: &[],
        draws: DRAWS,
        executor: t.executor,
    };
    let arena = Arena {
        target: &target,
        tuning_people: arena.tuning_people.min(arena.params.curve_tuning),
        ..*arena
    };
    let names = original.people().names();
    let kinds: Vec<&[String]> = if names.is_empty() {
        vec![&[]]
    } else {
        vec![&[], names]
    };
    let mut curve = Vec::new();
    let n = kinds.len() * points.len();
    for (j, (attributes, &facts)) in kinds
        .iter()
        .flat_map(|a| points.iter().map(move |p| (a, p)))
        .enumerate()
    {
        let adversary = adversary(facts, attributes);
        super::measure::announce("knowledge curve point", j, n, &adversary);
        let Some(m) = arena.measure(&adversary, seed_of(j), format!("{label}/{j}"))? else {
            return Ok(None);
        };
        curve.push(CurvePoint {
            facts,
            attributes: !attributes.is_empty(),
            reidentified: m.result.reidentified,
            reidentified_ci: m.result.reidentified_ci,
            best_guess: m.result.best_guess,
            best_guess_ci: m.result.best_guess_ci,
            precision: m.risk.precision(),
            people: m.result.people,
            attack: m.result.attack,
        });
    }
    Ok(Some(curve))
}

/// The adversaries an audit measures per policy: the battery's, then the curve's points, alone
/// and, on data with a people table, with the attributes (none without a curve or `--naive`).
pub(super) fn adversaries_per_policy(original: &Dataset, params: &AuditParams) -> usize {
    let kinds = if original.people().names().is_empty() {
        1
    } else {
        2
    };
    let curve = if params.naive { 0 } else { params.curve.len() };
    params.adversaries.len() + kinds * curve
}

/// The points of `curve` that the verdict judges: with attributes when the data has them
/// (`with_attributes`), else the entries alone.
pub fn judged(curve: &[CurvePoint], with_attributes: bool) -> impl Iterator<Item = &CurvePoint> {
    curve
        .iter()
        .filter(move |p| p.attributes == with_attributes)
}

/// Up to how many known entries the policy holds the target: the largest point such that every
/// judged point up to it has its interval's upper end at or below `target`. `None` when even the
/// first point fails (or the curve is empty).
pub fn holds_up_to(curve: &[CurvePoint], with_attributes: bool, target: f64) -> Option<KnownFacts> {
    let mut held = None;
    for p in judged(curve, with_attributes) {
        if p.upper() > target {
            break;
        }
        held = Some(p.facts);
    }
    held
}

/// The judged point at `assumed` entries, if the curve measured it.
pub fn at(curve: &[CurvePoint], with_attributes: bool, assumed: KnownFacts) -> Option<&CurvePoint> {
    judged(curve, with_attributes).find(|p| p.facts == assumed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(facts: KnownFacts, attributes: bool, upper: f64) -> CurvePoint {
        CurvePoint {
            facts,
            attributes,
            reidentified: Some(upper / 2.0),
            reidentified_ci: Some([0.0, upper]),
            best_guess: None,
            best_guess_ci: None,
            precision: None,
            people: 100,
            attack: None,
        }
    }

    #[test]
    fn points_parse_sorted_and_refuse_nonsense() {
        assert_eq!(
            parse_points("all,8,1").unwrap(),
            vec![KnownFacts::Count(1), KnownFacts::Count(8), KnownFacts::All]
        );
        assert_eq!(parse_points("1,2,4,8,16,32,all").unwrap(), default_points());
        for bad in ["0", "1,,2", "x", "2,2", "-1"] {
            let e = parse_points(bad).unwrap_err().to_string();
            assert!(e.contains("curve"), "{bad}: {e}");
        }
    }

    #[test]
    fn facts_serialize_as_a_number_or_all() {
        let json = serde_json::to_string(&[KnownFacts::Count(8), KnownFacts::All]).unwrap();
        assert_eq!(json, r#"[8,"all"]"#);
        let back: Vec<KnownFacts> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vec![KnownFacts::Count(8), KnownFacts::All]);
    }

    #[test]
    fn a_policy_holds_up_to_the_last_point_before_the_first_failure() {
        let c = |k| KnownFacts::Count(k);
        let curve = vec![
            point(c(1), false, 0.01),
            point(c(2), false, 0.05),
            point(c(4), false, 0.2),
            point(c(8), false, 0.05),
            point(c(1), true, 0.3),
        ];
        assert_eq!(holds_up_to(&curve, false, 0.09), Some(c(2)));
        assert_eq!(holds_up_to(&curve, true, 0.09), None);
        assert_eq!(holds_up_to(&curve, false, 0.5), Some(c(8)));
        assert_eq!(at(&curve, false, c(4)).unwrap().upper(), 0.2);
        assert!(at(&curve, true, c(4)).is_none());
    }
}
