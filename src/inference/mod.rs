//! What the adversary learns: inference risk measured against a control (docs/method.md
//! section 15).
//!
//! The adversary links each aux record to a released record and reads a *secret* off it
//! ([`Sensitive`]): whether the record holds any sensitive item beyond the items the adversary
//! already knew, or its value of a sensitive attribute. The guess is right when it agrees with
//! the target's own data in the original. Guessing right says nothing by itself: a secret most
//! people share is guessed right whoever the record belongs to. So the same attack runs on aux
//! records of people the release left out (the *control*): their linked record is somebody
//! else's, and how often its secret is theirs too is what the population reveals. The risk is
//! the share of the control's errors that linking removes (Giomi et al., PoPETs 2023):
//! `(main - control) / (1 - control)`, with a seeded 95% bootstrap interval.
//!
//! Besides the secret, what else the linked record tells about a member: the entries it holds
//! beyond the aux that are truly the target's, and how many of its claims are.

mod reader;
pub mod sensitive;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::atomic_file::write_naming_people;
use crate::attack::matches::Outcome;
use crate::dataset::{AuxRecord, Dataset, ItemIdx, RecordIdx};
use crate::metrics::AttackSummary;
use crate::rng::streams;
use crate::rng::{Rng, percentile_interval};
use crate::{Error, Result};

use reader::{Reader, Value, YES, distinct};
pub use sensitive::{Sensitive, SensitiveAttribute, SensitiveItems};

/// Bootstrap resamples behind the risk's interval by default (`--bootstrap`). The risk is a
/// ratio of differences of rates, not a proportion: it keeps a bootstrap where the rates take
/// Wilson's interval.
pub const RESAMPLES: usize = 1000;

/// A secret resolved against the original data and the release.
#[derive(Clone, Debug)]
pub enum Secret {
    /// Whether a record holds any of these items (beyond the aux's).
    Items(SensitiveItems),
    /// A record's value of this attribute.
    Attribute(SensitiveAttribute),
}

impl Secret {
    /// Resolves what the user named against the original data and the release.
    pub fn resolve(sensitive: &Sensitive, original: &Dataset, release: &Dataset) -> Result<Secret> {
        Ok(match sensitive {
            Sensitive::Items { ids, source } => {
                Secret::Items(SensitiveItems::resolve(ids, original, release, source)?)
            }
            Sensitive::Attribute(name) => {
                Secret::Attribute(SensitiveAttribute::resolve(name, original, release)?)
            }
        })
    }
}

/// What an inference measurement needs: both data sets, the aux as the adversary wrote it, the
/// attack's outcomes on it (with the release key: `member` and candidates in original ids),
/// and the secret.
pub struct Inputs<'a> {
    /// The release attacked.
    pub release: &'a Dataset,
    /// The original data: the targets' true secrets.
    pub original: &'a Dataset,
    /// The aux records, in the external ids of the data (the items the adversary knew).
    pub aux: &'a [AuxRecord],
    /// The attack's outcome for each aux record, in aux order.
    pub outcomes: &'a [Outcome],
    /// What is sensitive.
    pub secret: &'a Secret,
}

/// One aux record's inference (a row of `--per-person`).
#[derive(Clone, Debug, PartialEq)]
pub struct PersonInference {
    /// The aux record.
    pub aux_id: String,
    /// The target's original id.
    pub true_user: String,
    /// Whether the target is in the release.
    pub member: bool,
    /// The linked record (its original id, from the key), if any.
    pub candidate: Option<String>,
    /// Whether the attack names the candidate (eccentricity >= phi, or the algorithm's rule).
    pub named: bool,
    /// The target's secret (`yes`/`no` for items, the value for an attribute); `None` when the
    /// target has no value of the attribute (such records are left out of the rates).
    pub secret: Option<String>,
    /// The adversary's guess, `None` when it has none.
    pub guess: Option<String>,
    /// Whether the guess is right.
    pub correct: bool,
    /// Distinct items of the linked record beyond the aux's.
    pub entries_claimed: u32,
    /// Of those, the ones the target truly holds in the original data.
    pub entries_revealed: u32,
    /// Of those, the sensitive ones (sensitive items only).
    pub sensitive_revealed: Option<u32>,
}

/// The accuracy of the guesses over members (main) and non-members (control), and the risk.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// Members whose guess is scored.
    pub members: usize,
    /// Non-members whose guess is scored.
    pub non_members: usize,
    /// Share of members guessed right.
    pub main_accuracy: Option<f64>,
    /// Share of non-members guessed right: what the population reveals.
    pub control_accuracy: Option<f64>,
    /// (main - control) / (1 - control); `None` when either is undefined or control is 1.
    pub risk: Option<f64>,
    /// Its 95% bootstrap interval (members and non-members resampled apart).
    pub risk_ci: Option<[f64; 2]>,
}

/// What else a linked record tells about the members.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Learned {
    /// Members counted.
    pub members: usize,
    /// Distinct items their linked records hold beyond the aux, summed.
    pub entries_claimed: u64,
    /// Of those, the target's own, summed.
    pub entries_revealed: u64,
    /// Per member, the mean of the target's own entries revealed beyond the aux.
    pub entries_revealed_mean: Option<f64>,
    /// entries_revealed / entries_claimed: how far to trust what a linked record claims.
    pub precision: Option<f64>,
    /// Sensitive items of the target revealed beyond the aux, summed (sensitive items only).
    pub sensitive_revealed: Option<u64>,
    /// Their mean per member.
    pub sensitive_revealed_mean: Option<f64>,
    /// Members with at least one sensitive item revealed.
    pub members_with_sensitive_revealed: Option<usize>,
}

/// The inference report (`INFER.json`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Inference {
    /// `items` or `attribute`.
    pub secret: String,
    /// Number of sensitive items (items only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitive_items: Option<usize>,
    /// The sensitive attribute (attribute only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitive_attribute: Option<String>,
    /// Aux records.
    pub aux_records: usize,
    /// Aux records left out because the target has no value of the attribute.
    pub no_secret: usize,
    /// Share of members whose secret is `yes` (items only): the base rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members_with_secret: Option<f64>,
    /// The guess without linking: the value most common among the released records; null when
    /// fewer than [`crate::disclosure::MIN_SHARED`] released records hold it (see
    /// `baseline_guess_withheld`), as a summary shows no value that few people share.
    pub baseline_guess: Option<String>,
    /// Whether the baseline guess was withheld for being shared by too few people.
    #[serde(default)]
    pub baseline_guess_withheld: bool,
    /// Share of members that guess gets right.
    pub baseline_accuracy: Option<f64>,
    /// Share of members whose secret is the most common secret among members: what always
    /// guessing the true majority gets right (the base rate), unlike `baseline_accuracy`, whose
    /// guess is what the released records say most often.
    #[serde(default)]
    pub majority_accuracy: Option<f64>,
    /// Over every scored aux record.
    #[serde(flatten)]
    pub all: Rates,
    /// Over the aux records whose candidate the attack names.
    pub named: Rates,
    /// What else linking reveals about members.
    pub learned: Learned,
    /// The attack behind the links (set by the caller).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack: Option<AttackSummary>,
    /// One row per aux record (written by `--per-person`, never in the JSON: it names people).
    #[serde(skip)]
    pub people: Vec<PersonInference>,
}

/// Checks, before any linking, that `aux` can measure inference against `key`: every record
/// carries its `true_user`, and there are members and non-members (errors are
/// [`Error::Parameter`] named `aux`).
pub fn check_aux(aux: &[AuxRecord], key: &crate::dataset::ReleaseKey) -> Result<()> {
    let mut members = 0;
    for a in aux {
        let Some(t) = &a.true_user else {
            return Err(aux_error(format!(
                "aux record '{}' has no true_user: inference compares guesses with the truth (sample the aux with `deanon aux`)",
                a.id
            )));
        };
        members += key.is_member(t) as usize;
    }
    if members == 0 {
        return Err(aux_error(
            "no aux record's target is in the release (by the key): there is nothing to infer"
                .to_string(),
        ));
    }
    if members == aux.len() {
        return Err(Error::NoControl);
    }
    Ok(())
}

fn aux_error(message: String) -> Error {
    Error::Parameter {
        name: "aux",
        message,
    }
}

/// Measures the inference of `inputs` with `resamples` bootstrap resamples seeded by `seed`.
///
/// Every aux record must carry its `true_user` (an original id), and the aux must hold both
/// members and non-members of the release: without non-members there is no control, and the
/// error says so.
pub fn measure(inputs: &Inputs<'_>, resamples: usize, seed: u64) -> Result<Inference> {
    let Inputs {
        release,
        original,
        aux,
        outcomes,
        secret,
    } = *inputs;
    assert_eq!(aux.len(), outcomes.len(), "one outcome per aux record");
    let linker = Linker::new(release, original, secret);
    let reader = &linker.reader;

    let mut people = Vec::with_capacity(aux.len());
    // Members for whom the baseline's guess is right.
    let mut baseline_right = 0usize;
    for (a, o) in aux.iter().zip(outcomes) {
        let (person, baseline_is_right) = linker.person(a, o)?;
        baseline_right += baseline_is_right as usize;
        people.push(person);
    }

    let scored: Vec<&PersonInference> = people.iter().filter(|p| p.secret.is_some()).collect();
    let members = scored.iter().filter(|p| p.member).count();
    let non_members = scored.len() - members;
    if members == 0 {
        return Err(aux_error(
            "no aux record's target is in the release (by the key): there is nothing to infer"
                .to_string(),
        ));
    }
    if non_members == 0 {
        return Err(Error::NoControl);
    }
    let baseline_accuracy = reader
        .baseline
        .as_ref()
        .map(|_| baseline_right as f64 / members as f64);
    let all = rates(scored.iter().copied(), resamples, seed);
    let named = rates(
        scored.iter().copied().filter(|p| p.named),
        resamples,
        seed.wrapping_add(1),
    );
    let learned = learned(people.iter().filter(|p| p.member), reader.items());
    let majority_accuracy = majority_share(scored.iter().copied().filter(|p| p.member));
    let members_with_secret = reader.items().then(|| {
        scored
            .iter()
            .filter(|p| p.member && p.secret.as_deref() == Some(YES))
            .count() as f64
            / members as f64
    });
    Ok(Inference {
        secret: if reader.items() { "items" } else { "attribute" }.to_string(),
        sensitive_items: match secret {
            Secret::Items(s) => Some(s.ids.len()),
            Secret::Attribute(_) => None,
        },
        sensitive_attribute: match secret {
            Secret::Items(_) => None,
            Secret::Attribute(a) => Some(a.name.clone()),
        },
        aux_records: aux.len(),
        no_secret: people.len() - scored.len(),
        members_with_secret,
        baseline_guess: reader
            .baseline
            .as_ref()
            .and_then(|(v, shared)| crate::disclosure::shown(v.text(), *shared)),
        baseline_guess_withheld: reader
            .baseline
            .as_ref()
            .is_some_and(|(_, shared)| crate::disclosure::shown((), *shared).is_none()),
        baseline_accuracy,
        majority_accuracy,
        all,
        named,
        learned,
        attack: None,
        people,
    })
}

/// Reads what linking tells about each aux record's target: the ids of both data sets resolved
/// to their indexes, and the secrets.
struct Linker<'a> {
    release: &'a Dataset,
    original: &'a Dataset,
    original_index: HashMap<&'a str, RecordIdx>,
    original_items: HashMap<&'a str, ItemIdx>,
    release_items: HashMap<&'a str, ItemIdx>,
    /// Each released item's index in the original (ids are shared).
    release_to_original: Vec<Option<ItemIdx>>,
    reader: Reader<'a>,
}

impl<'a> Linker<'a> {
    fn new(release: &'a Dataset, original: &'a Dataset, secret: &'a Secret) -> Linker<'a> {
        let original_index = original.record_ids().index_map();
        let original_items = original.item_ids().index_map();
        let release_items = release.item_ids().index_map();
        let release_to_original: Vec<Option<ItemIdx>> = (0..release.num_items())
            .map(|j| original_items.get(release.item_ids().get(j)).copied())
            .collect();
        let reader = Reader::new(release, original, secret);
        Linker {
            release,
            original,
            original_index,
            original_items,
            release_items,
            release_to_original,
            reader,
        }
    }

    /// What linking aux record `a` (with outcome `o`) tells about its target, and whether the
    /// baseline's guess is right about the target, a member.
    fn person(&self, a: &AuxRecord, o: &Outcome) -> Result<(PersonInference, bool)> {
        let (release, original, reader) = (self.release, self.original, &self.reader);
        let Some(true_user) = &a.true_user else {
            return Err(aux_error(format!(
                "aux record '{}' has no true_user: inference compares guesses with the truth (sample the aux with `deanon aux`)",
                a.id
            )));
        };
        let Some(&target) = self.original_index.get(true_user.as_str()) else {
            return Err(aux_error(format!(
                "aux record '{}': true_user '{true_user}' is not a record of the original data",
                a.id
            )));
        };
        let known_original: HashSet<ItemIdx> = a
            .facts
            .iter()
            .filter_map(|f| self.original_items.get(f.item.as_str()).copied())
            .collect();
        let known_release: HashSet<ItemIdx> = a
            .facts
            .iter()
            .filter_map(|f| self.release_items.get(f.item.as_str()).copied())
            .collect();
        let linked = o.m.candidate;
        let secret_value = reader.secret(target, &known_original);
        let guess = reader.guess(linked, &known_release);
        let correct = match (&secret_value, &guess) {
            (Some(s), Some(g)) => s.agrees_with(g),
            _ => false,
        };
        let mut baseline_right = false;
        if o.member
            && let (Some(s), Some((b, _))) = (&secret_value, &reader.baseline)
        {
            baseline_right = s.agrees_with(b);
        }
        // What else the linked record tells: its items beyond the aux.
        let target_items: HashSet<ItemIdx> = distinct(original.record(target).keys);
        let (mut claimed, mut revealed, mut sensitive_revealed) = (0u32, 0u32, 0u32);
        if let Some(r) = linked {
            for j in distinct(release.record(r).keys) {
                if known_release.contains(&j) {
                    continue;
                }
                claimed += 1;
                if let Some(i) = self.release_to_original[j as usize]
                    && target_items.contains(&i)
                {
                    revealed += 1;
                    sensitive_revealed += reader.is_sensitive_release(j) as u32;
                }
            }
        }
        let person = PersonInference {
            aux_id: a.id.clone(),
            true_user: true_user.clone(),
            member: o.member,
            candidate: o.candidate.clone(),
            named: o.m.matched,
            secret: secret_value.as_ref().map(Value::text),
            guess: guess.as_ref().map(Value::text),
            correct,
            entries_claimed: claimed,
            entries_revealed: revealed,
            sensitive_revealed: reader.items().then_some(sensitive_revealed),
        };
        Ok((person, baseline_right))
    }
}

/// The share of `people` whose secret is the most common one among them (null for nobody).
fn majority_share<'a>(people: impl Iterator<Item = &'a PersonInference>) -> Option<f64> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut n = 0usize;
    for p in people {
        if let Some(s) = &p.secret {
            *counts.entry(s.as_str()).or_default() += 1;
            n += 1;
        }
    }
    let most = counts.values().copied().max()?;
    Some(most as f64 / n as f64)
}

/// The rates of `people` (scored aux records), the risk's interval from `resamples` bootstrap
/// resamples drawn from `seed`.
fn rates<'a>(
    people: impl Iterator<Item = &'a PersonInference>,
    resamples: usize,
    seed: u64,
) -> Rates {
    let (mut main, mut control) = (Vec::new(), Vec::new());
    for p in people {
        if p.member {
            main.push(p.correct);
        } else {
            control.push(p.correct);
        }
    }
    rates_of(&main, &control, resamples, seed)
}

/// The rates of guesses right or wrong over members (`main`) and non-members (`control`): the
/// accuracies, the risk and its 95% interval: the bootstrap's from `resamples` resamples
/// (members and non-members drawn apart) of a generator derived from `seed`, widened to hold
/// the risk's range over the two accuracies' Wilson intervals ([`widened_by_wilson`]).
pub fn rates_of(main: &[bool], control: &[bool], resamples: usize, seed: u64) -> Rates {
    let share = |v: &[bool]| (!v.is_empty()).then(|| share(v));
    let main_accuracy = share(main);
    let control_accuracy = share(control);
    let point = main_accuracy
        .zip(control_accuracy)
        .and_then(|(m, c)| risk(m, c));
    let risk_ci = point.and_then(|_| {
        let mut rng = Rng::derive(seed, &[streams::INFERENCE_BOOTSTRAP]);
        let draws: Vec<f64> = (0..resamples)
            .filter_map(|_| {
                let m = resampled_share(main, &mut rng);
                let c = resampled_share(control, &mut rng);
                risk(m, c)
            })
            .collect();
        let bootstrap = percentile_interval(draws)?;
        Some(widened_by_wilson(bootstrap, main, control))
    });
    Rates {
        members: main.len(),
        non_members: control.len(),
        main_accuracy,
        control_accuracy,
        risk: point,
        risk_ci,
    }
}

/// `bootstrap` widened to the risk's range over the Wilson intervals of the two accuracies: the
/// risk grows with the members' accuracy and falls with the control's, so the range runs from
/// risk(main low, control high) to risk(main high, control low). A percentile bootstrap of
/// accuracies at 0 or 1 has zero width; this never does when either group has people.
fn widened_by_wilson(bootstrap: [f64; 2], main: &[bool], control: &[bool]) -> [f64; 2] {
    let hits = |v: &[bool]| v.iter().filter(|&&b| b).count() as f64;
    let (Some(m), Some(c)) = (
        crate::interval::wilson(hits(main), main.len() as f64),
        crate::interval::wilson(hits(control), control.len() as f64),
    ) else {
        return bootstrap;
    };
    let low = risk(m[0], c[1]).map_or(bootstrap[0], |r| r.min(bootstrap[0]));
    let high = risk(m[1], c[0]).map_or(bootstrap[1], |r| r.max(bootstrap[1]));
    [low, high]
}

fn share(v: &[bool]) -> f64 {
    v.iter().filter(|&&b| b).count() as f64 / v.len() as f64
}

fn resampled_share(v: &[bool], rng: &mut Rng) -> f64 {
    let n = v.len() as u64;
    (0..n).filter(|_| v[rng.below(n) as usize]).count() as f64 / n as f64
}

/// The share of the control's errors that linking removes; `None` when the control is never
/// wrong (nothing left to remove).
pub fn risk(main: f64, control: f64) -> Option<f64> {
    (control < 1.0).then(|| (main - control) / (1.0 - control))
}

fn learned<'a>(members: impl Iterator<Item = &'a PersonInference>, items: bool) -> Learned {
    let mut l = Learned::default();
    let (mut sensitive, mut with_sensitive) = (0u64, 0usize);
    for p in members {
        l.members += 1;
        l.entries_claimed += p.entries_claimed as u64;
        l.entries_revealed += p.entries_revealed as u64;
        let s = p.sensitive_revealed.unwrap_or(0);
        sensitive += s as u64;
        with_sensitive += (s > 0) as usize;
    }
    let per_member = |x: u64| (l.members > 0).then(|| x as f64 / l.members as f64);
    l.entries_revealed_mean = per_member(l.entries_revealed);
    l.precision =
        (l.entries_claimed > 0).then(|| l.entries_revealed as f64 / l.entries_claimed as f64);
    if items {
        l.sensitive_revealed = Some(sensitive);
        l.sensitive_revealed_mean = per_member(sensitive);
        l.members_with_sensitive_revealed = Some(with_sensitive);
    }
    l
}

impl Inference {
    /// A few lines for the terminal.
    pub fn to_text(&self) -> String {
        let pct = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{:.1}%", 100.0 * x));
        let ci = |x: Option<[f64; 2]>| {
            x.map_or(String::new(), |[a, b]| {
                format!(" [{:.1}%, {:.1}%]", 100.0 * a, 100.0 * b)
            })
        };
        let what = match (&self.sensitive_items, &self.sensitive_attribute) {
            (Some(n), _) => format!("holds any of {n} sensitive items beyond the aux"),
            (_, Some(a)) => format!("the value of '{a}'"),
            _ => String::new(),
        };
        let mut s = String::new();
        let _ = writeln!(s, "secret: {what}");
        let _ = writeln!(
            s,
            "members {}, non-members {} (control); the release's most common value {} is right for {} of members; the members' own most common secret for {}",
            self.all.members,
            self.all.non_members,
            match (&self.baseline_guess, self.baseline_guess_withheld) {
                (Some(g), _) => g.as_str(),
                (None, true) => "(withheld: fewer than 5 people share it)",
                (None, false) => "none",
            },
            pct(self.baseline_accuracy),
            pct(self.majority_accuracy)
        );
        let _ = writeln!(
            s,
            "accuracy: members {}, control {}; inference risk {}{}",
            pct(self.all.main_accuracy),
            pct(self.all.control_accuracy),
            pct(self.all.risk),
            ci(self.all.risk_ci)
        );
        let _ = writeln!(
            s,
            "named only ({} members, {} non-members): members {}, control {}; risk {}{}",
            self.named.members,
            self.named.non_members,
            pct(self.named.main_accuracy),
            pct(self.named.control_accuracy),
            pct(self.named.risk),
            ci(self.named.risk_ci)
        );
        let _ = writeln!(
            s,
            "learned per member: {} of the target's entries beyond the aux (precision {}){}",
            self.learned
                .entries_revealed_mean
                .map_or("n/a".to_string(), |x| format!("{x:.1}")),
            pct(self.learned.precision),
            self.learned
                .sensitive_revealed_mean
                .map_or(String::new(), |x| format!(", {x:.2} sensitive"))
        );
        s
    }
}

/// Writes `--per-person` (it names people: mode 0600): `aux_id,true_user,member,candidate,
/// named,secret,guess,correct,entries_claimed,entries_revealed,sensitive_revealed`.
pub fn write_per_person(people: &[PersonInference], path: &Path) -> Result<()> {
    write_naming_people(path, |w| {
        let mut csv = csv::Writer::from_writer(w);
        let io = std::io::Error::other;
        csv.write_record([
            "aux_id",
            "true_user",
            "member",
            "candidate",
            "named",
            "secret",
            "guess",
            "correct",
            "entries_claimed",
            "entries_revealed",
            "sensitive_revealed",
        ])
        .map_err(io)?;
        for p in people {
            csv.write_record([
                p.aux_id.as_str(),
                &p.true_user,
                if p.member { "true" } else { "false" },
                p.candidate.as_deref().unwrap_or(""),
                if p.named { "true" } else { "false" },
                p.secret.as_deref().unwrap_or(""),
                p.guess.as_deref().unwrap_or(""),
                if p.correct { "true" } else { "false" },
                &p.entries_claimed.to_string(),
                &p.entries_revealed.to_string(),
                &p.sensitive_revealed
                    .map_or(String::new(), |s| s.to_string()),
            ])
            .map_err(io)?;
        }
        csv.flush()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_risk_at_its_boundary_has_an_interval_of_nonzero_width() {
        // Twelve members all right, a control half right: the bootstrap's draws are all 1.
        let main = [true; 12];
        let control: Vec<bool> = (0..12).map(|k| k % 2 == 0).collect();
        let r = rates_of(&main, &control, 500, 3);
        assert_eq!(r.risk, Some(1.0));
        let [low, high] = r.risk_ci.unwrap();
        assert_eq!(high, 1.0);
        // risk(Wilson low of 12/12, Wilson high of 6/12) = (0.7575 - 0.7467) / (1 - 0.7467).
        assert!(low < 0.1 && low > 0.0, "{low}");
    }
}
