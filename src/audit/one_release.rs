//! One release under audit, measured: the battery of adversaries and the knowledge curve
//! (linkability), the release's unicity (singling out) and, when asked, the inference test.
//!
//! The release is an input ([`Subject`]): one the audit made under a candidate policy, or one
//! made elsewhere and loaded with its key ([`super::released`]). What the adversaries know of
//! the policy is the subject's [`PolicyKnowledge`] (none: they are blind).

use std::sync::Arc;

use super::files::{Part, RiskRow};
use super::inference::{self, InferenceResult};
use super::risk::{self, AdversaryRisk, Target};
use super::search::Tuning;
use super::{
    AdversaryResult, AuditParams, PolicyResult, RiskSummary, Sample, UnicityPoint, adversary_seed,
    curve, defaults, first_half, measure,
};
use crate::Result;
use crate::dataset::unicity::{self, Knowledge, UnicityParams};
use crate::dataset::{Dataset, ReleaseKey};
use crate::linkage::Executor;
use crate::release::{Policy, PolicyKnowledge};
use crate::rng::Rng;
use crate::study::{Candidate, Released, Scene};

/// A release to measure, and what its adversaries know.
pub(super) struct Subject<'a> {
    /// The released data.
    pub released: &'a Arc<Dataset>,
    /// Its key.
    pub key: &'a ReleaseKey,
    /// What the adversaries know of the policy (the default: nothing, they are blind).
    pub knowledge: PolicyKnowledge,
    /// Whether they know the policy (written as `knows_policy` for each adversary).
    pub knows_policy: bool,
    /// Where the inference test's control comes from.
    pub control: Control<'a>,
}

/// The inference test's control group.
pub(super) enum Control<'a> {
    /// People outside the reported sample, held out of a release made for the test alone under
    /// the policy and with the seed of the release audited.
    HeldOut(&'a Policy, u64),
    /// People the release audited left out (it is the only release there is).
    LeftOut,
}

/// What a release costs, as the caller measured it.
pub(super) struct Cost {
    /// RMSE cost of the baseline predictor (null without ratings, or unmeasured).
    pub rmse_cost: Option<f64>,
    /// Share of entries kept.
    pub kept_fraction: f64,
}

/// Measures `subject` as the `index`-th release of the audit, named `spec`. `None` in the
/// cluster processes other than 0.
pub(super) fn measure(
    original: &Dataset,
    params: &AuditParams,
    (index, spec): (usize, &str),
    subject: &Subject<'_>,
    cost: Cost,
    sample: &Sample<'_>,
    executor: &Executor,
) -> Result<Option<Part>> {
    let key = subject.key;
    let released = subject.released;
    let ids = original.record_ids();
    let is_member = |r: u32| key.is_member(ids.get(r as usize));
    let (members, non_members): (Vec<u32>, Vec<u32>) =
        sample.people.iter().partition(|&&r| is_member(r));
    let outside = tuning_people(params, sample, &is_member);
    let halves = |r: u32| first_half(params.seed, r);
    let tuning = if outside.len() >= params.tuning {
        Tuning::Disjoint(&outside)
    } else {
        Tuning::CrossFit(&halves)
    };
    let target = Target {
        original,
        released,
        key,
        members: &members,
        non_members: &non_members,
        draws: params.draws,
        executor,
    };
    let arena = measure::Arena {
        target: &target,
        knowledge: &subject.knowledge,
        knows_policy: subject.knows_policy,
        params,
        tuning,
        executor,
        tuning_people: params.tuning,
    };
    let mut adversaries = Vec::new();
    let mut risks: Vec<AdversaryRisk> = Vec::new();
    // The attack each adversary's reported figures come from.
    let mut used: Vec<Candidate> = Vec::new();
    for (a, adversary) in params.adversaries.iter().enumerate() {
        let label = format!("audit/{index}/{a}");
        measure::announce("adversary", a, params.adversaries.len(), adversary);
        let Some(m) = arena.measure(adversary, adversary_seed(params.seed, a), label)? else {
            return Ok(None);
        };
        adversaries.push(m.result);
        used.push(m.attack);
        risks.push(m.risk);
    }
    let Some(curve) = knowledge_curve(original, params, index, &arena)? else {
        return Ok(None);
    };
    let worst = strongest(&adversaries, |_| true);
    let (unicity, attribute_unicity) = unicity_of(released, params)?;
    let risk = match worst {
        Some(w) => risk_summary(original, &risks[w].people),
        None => risk_summary(original, &[]),
    };
    let rows = risk_rows(&risks);
    let inference = match (&params.inference, inference_adversary(params, &adversaries)) {
        (Some(_), Some(w)) => {
            let linked = Linked {
                adversary: w,
                attack: &used[w],
                index,
            };
            match inference_of(original, params, subject, sample, &linked, executor)? {
                Some(i) => Some(i),
                None => return Ok(None),
            }
        }
        _ => None,
    };
    let w = worst.map(|k| &adversaries[k]);
    Ok(Some(Part {
        result: PolicyResult {
            policy: spec.to_string(),
            rmse_cost: cost.rmse_cost,
            kept_fraction: cost.kept_fraction,
            worst_adversary: w.map(|a| a.name.clone()),
            worst_reidentified: w.and_then(|a| a.reidentified),
            worst_reidentified_ci: w.and_then(|a| a.reidentified_ci),
            members: members.len(),
            non_members: non_members.len(),
            unicity,
            attribute_unicity,
            risk,
            adversaries,
            inference,
            curve,
            assumed: None,
            holds_up_to: None,
            measured_epsilon: None,
            tests: None,
        },
        rows,
    }))
}

/// Tuning people: members outside the sample, in the seeded order (none with `--naive`); too
/// few, and the reported people are cross-fit in two halves.
fn tuning_people(
    params: &AuditParams,
    sample: &Sample<'_>,
    is_member: &dyn Fn(u32) -> bool,
) -> Vec<u32> {
    if params.naive {
        return Vec::new();
    }
    sample
        .others
        .iter()
        .copied()
        .filter(|&r| is_member(r))
        .take(params.tuning)
        .collect()
}

/// The adversary with the highest re-identification rate (then best-guess rate) among those
/// measured for whom `eligible` holds.
fn strongest(results: &[AdversaryResult], eligible: impl Fn(usize) -> bool) -> Option<usize> {
    results
        .iter()
        .enumerate()
        .filter(|(k, r)| r.reidentified.is_some() && eligible(*k))
        .max_by(|x, y| {
            (x.1.reidentified, x.1.best_guess)
                .partial_cmp(&(y.1.reidentified, y.1.best_guess))
                .expect("finite rates")
        })
        .map(|(k, _)| k)
}

/// risk.csv's rows of one release: each adversary's people.
fn risk_rows(risks: &[AdversaryRisk]) -> Vec<RiskRow> {
    risks
        .iter()
        .enumerate()
        .flat_map(|(a, r)| {
            r.people.iter().map(move |p| RiskRow {
                adversary: a,
                person: p.person,
                risk: p.risk,
                best_guess: p.best_guess,
            })
        })
        .collect()
}

/// The unicity of a release at the audit's points, for the kinds of knowledge it supports, and
/// that of the people's attributes it carries, alone (none without any).
fn unicity_of(
    released: &Dataset,
    params: &AuditParams,
) -> Result<(Vec<UnicityPoint>, Option<f64>)> {
    let unicity_params = UnicityParams {
        points: unicity::defaults::POINTS.to_vec(),
        knowledge: Knowledge::supported_by(released),
        sample: (!params.everyone).then_some(params.sample),
        draws: 1,
        seed: params.seed,
        ..UnicityParams::default()
    };
    let unicity = unicity::measure(released, &unicity_params)?
        .into_iter()
        .map(|r| UnicityPoint {
            knowledge: r.knowledge,
            points: r.points,
            unicity: r.unicity,
            people: r.people,
        })
        .collect();
    let attribute_unicity = released.has_attributes().then(|| {
        let everyone: Vec<u32> = (0..released.num_records() as u32).collect();
        unicity::attributes_alone(released, released.people().names(), &everyone).unicity
    });
    Ok((unicity, attribute_unicity))
}

/// The adversary the inference test links as, and the attack it chose.
struct Linked<'a> {
    /// Its index in the battery.
    adversary: usize,
    /// Its attack.
    attack: &'a Candidate,
    /// The release's index in the audit (names the attacks).
    index: usize,
}

/// The inference test of `subject` (the audit must ask for it). `None` in the cluster processes
/// other than 0.
fn inference_of(
    original: &Dataset,
    params: &AuditParams,
    subject: &Subject<'_>,
    sample: &Sample<'_>,
    linked: &Linked<'_>,
    executor: &Executor,
) -> Result<Option<InferenceResult>> {
    let sensitive = params.inference.as_ref().expect("the test is asked for");
    let made;
    let (scene, reported, control) = match subject.control {
        Control::HeldOut(policy, seed) => {
            // The control: people outside the reported sample, as many as it holds; an audit
            // of everyone holds out half of the people instead.
            let (reported, control): (Vec<u32>, Vec<u32>) = if sample.others.is_empty() {
                sample
                    .people
                    .iter()
                    .partition(|&&p| first_half(params.seed, p))
            } else {
                (
                    sample.people.to_vec(),
                    sample
                        .others
                        .iter()
                        .copied()
                        .take(sample.people.len())
                        .collect(),
                )
            };
            made = Released::make(original, policy, seed, &control)?;
            (made.scene(), reported, control)
        }
        Control::LeftOut => {
            // The control: people outside the reported sample whom the release left out, as
            // many as it holds (the reported people it left out are counted too).
            let ids = original.record_ids();
            let control: Vec<u32> = sample
                .others
                .iter()
                .copied()
                .filter(|&r| !subject.key.is_member(ids.get(r as usize)))
                .take(sample.people.len())
                .collect();
            let scene = Scene::new(subject.released, Some(subject.key), &subject.knowledge);
            (scene, sample.people.to_vec(), control)
        }
    };
    let aux_seed = adversary_seed(params.seed, linked.adversary);
    let linker = inference::Linker {
        scene,
        adversary: &params.adversaries[linked.adversary],
        attack: linked.attack,
        executor,
    };
    inference::measure(
        original,
        &linker,
        &inference::People {
            reported: &reported,
            control: &control,
        },
        sensitive,
        (
            Rng::derive(aux_seed, &[crate::rng::streams::AUDIT_INFERENCE]).next_u64(),
            defaults::RESAMPLES,
        ),
        format!("audit/{}/inference", linked.index),
    )
}

/// Measures the knowledge curve of one release (none with `--naive`).
fn knowledge_curve(
    original: &Dataset,
    params: &AuditParams,
    index: usize,
    arena: &measure::Arena<'_>,
) -> Result<Option<Vec<curve::CurvePoint>>> {
    if params.naive || params.curve.is_empty() {
        return Ok(Some(Vec::new()));
    }
    curve::measure(
        original,
        &params.curve,
        arena,
        |j| adversary_seed(params.seed, CURVE_ADVERSARIES + j),
        &format!("audit/{index}/curve"),
    )
}

/// The adversaries of the curve are seeded as the battery's from this index on.
const CURVE_ADVERSARIES: usize = 10_000;

/// The adversary whose attack the inference test links with: the strongest on
/// re-identification among those that know something besides the secret itself (an adversary
/// who knows only the sensitive attribute has nothing left to link with).
fn inference_adversary(params: &AuditParams, results: &[AdversaryResult]) -> Option<usize> {
    let secret = match &params.inference {
        Some(crate::inference::Sensitive::Attribute(name)) => Some(name.as_str()),
        _ => None,
    };
    strongest(results, |k| {
        let a = &params.adversaries[k];
        a.facts > 0 || a.attributes.iter().any(|n| Some(n.as_str()) != secret)
    })
}

/// The distribution of per-person risk, by activity and taste rarity.
fn risk_summary(original: &Dataset, people: &[risk::PersonRisk]) -> RiskSummary {
    let n = people.len();
    let mean = (n > 0).then(|| people.iter().map(|p| p.risk).sum::<f64>() / n as f64);
    // Each decile's mean risk and its Wilson interval (a mean of shares in [0, 1]).
    let by = |key: &dyn Fn(u32) -> f64| -> (Vec<Option<f64>>, Vec<Option<[f64; 2]>>) {
        let mut order: Vec<(f64, f64)> = people.iter().map(|p| (key(p.person), p.risk)).collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        (0..10)
            .map(|d| {
                let group: Vec<f64> = order[d * n / 10..(d + 1) * n / 10]
                    .iter()
                    .map(|g| g.1)
                    .collect();
                (
                    (!group.is_empty()).then(|| group.iter().sum::<f64>() / group.len() as f64),
                    crate::interval::wilson_mean(&group),
                )
            })
            .unzip()
    };
    let activity = |r: u32| original.record(r).len() as f64;
    let rarity = |r: u32| {
        let mut supports: Vec<u32> = original
            .record(r)
            .keys
            .iter()
            .map(|&i| original.support(i))
            .collect();
        supports.sort_unstable();
        supports.get(supports.len() / 2).copied().unwrap_or(0) as f64
    };
    let (activity, rarity) = (by(&activity), by(&rarity));
    let mut histogram = vec![0usize; 10];
    for p in people {
        histogram[((p.risk * 10.0) as usize).min(9)] += 1;
    }
    RiskSummary {
        mean,
        share_at_least_half: (n > 0)
            .then(|| people.iter().filter(|p| p.risk >= 0.5).count() as f64 / n as f64),
        by_activity_decile: activity.0,
        by_activity_decile_ci: activity.1,
        by_rarity_decile: rarity.0,
        by_rarity_decile_ci: rarity.1,
        histogram,
    }
}
