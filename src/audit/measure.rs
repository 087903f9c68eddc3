//! One adversary against one release: draw its aux records for the sampled people, score them
//! with the policy-blind default, search the strongest attack on tuning people (unless the audit
//! is `--naive`), and report the stronger of the two on the sampled people. The battery and the
//! knowledge curve are both measured here.

use super::adversary::Adversary;
use super::risk::{self, AdversaryRisk, Target};
use super::search::{Search, Searched, Tuning};
use super::{AdversaryResult, AuditParams, Reported, TuningKind};
use crate::Result;
use crate::linkage::Executor;
use crate::release::PolicyKnowledge;
use crate::rng::Rng;
use crate::study::Candidate;

/// What one adversary achieved, and with which attack.
pub(super) struct Measured {
    /// Its row of audit.json.
    pub result: AdversaryResult,
    /// The attack whose figures are reported.
    pub attack: Candidate,
    /// The per-person risks behind them.
    pub risk: AdversaryRisk,
}

/// What every adversary against one release shares.
pub(super) struct Arena<'a> {
    /// The release and the sampled people.
    pub target: &'a Target<'a>,
    /// What the published policy tells an adversary.
    pub knowledge: &'a PolicyKnowledge,
    /// Whether the adversaries know the policy (false: a release audited blind, whose
    /// adversaries still search their attack unless the audit is `--naive`).
    pub knows_policy: bool,
    /// The audit's settings.
    pub params: &'a AuditParams,
    /// Where tuning people come from.
    pub tuning: Tuning<'a>,
    /// Where the attacks run.
    pub executor: &'a Executor,
    /// Tuning people at most for each adversary's search.
    pub tuning_people: usize,
}

/// Names on the audit's bar the adversary about to be measured: the `k`-th (from 0) of `n` of
/// its `kind` ("adversary", "knowledge curve point").
pub(super) fn announce(kind: &str, k: usize, n: usize, adversary: &Adversary) {
    crate::progress::stage(|| format!("{kind} {}/{n}: {}", k + 1, adversary.name));
}

impl Arena<'_> {
    /// Measures `adversary` with draws from `aux_seed`; `label` names its attacks. `None` in the
    /// cluster processes other than 0.
    pub fn measure(
        &self,
        adversary: &Adversary,
        aux_seed: u64,
        label: String,
    ) -> Result<Option<Measured>> {
        let phase = format!("adversary {label} ({})", adversary.name);
        crate::progress::timed(&phase, || self.measure_untimed(adversary, aux_seed, label))
    }

    fn measure_untimed(
        &self,
        adversary: &Adversary,
        aux_seed: u64,
        label: String,
    ) -> Result<Option<Measured>> {
        let (effective, note) = adversary.against(self.target.released);
        let Some(scored) = self.score(&effective, aux_seed, label)? else {
            return Ok(None);
        };
        let measured = self.report(adversary, (&effective, note), aux_seed, scored);
        crate::progress::stage_done();
        Ok(Some(measured))
    }

    /// Draws the aux records of `effective` (the adversary as the release leaves it) and scores
    /// them with the policy-blind default and (unless naive, knowing nothing or saturated) the
    /// attack searched on tuning people. `None` in the cluster processes other than 0.
    fn score(&self, effective: &Adversary, aux_seed: u64, label: String) -> Result<Option<Scored>> {
        let target = self.target;
        let sampled = risk::Sampled::draw(target, effective, aux_seed)?;
        let naive = Candidate::naive();
        let Some(blind) = risk::score(
            target,
            &sampled,
            &naive,
            self.knowledge,
            self.executor,
            label.clone(),
        )?
        else {
            return Ok(None);
        };
        // Where the blind default already names every sampled person rightly in every draw, no
        // attack can name more: the search is skipped (it would only tie).
        let saturated = !self.params.naive && blind.names_everyone(target.members);
        let searched = if self.params.naive || effective.knows_nothing() || saturated {
            None
        } else {
            let search = Search {
                target,
                adversary: effective,
                knowledge: self.knowledge,
                tuning_seed: Rng::derive(aux_seed, &[crate::rng::streams::AUDIT_TUNING]).next_u64(),
                tuning: self.tuning_people,
                label,
            };
            match search.run(self.tuning, &sampled, &blind)? {
                Some(s) => Some(s),
                None => return Ok(None),
            }
        };
        // Everyone sampled counts (`--naive` keeps the counts of the people with a usable draw).
        let counted = |r: AdversaryRisk| {
            if self.params.naive {
                r
            } else {
                r.counting_everyone(target.members)
            }
        };
        let blind = counted(blind);
        let searched = searched.map(|mut s| {
            s.risk = counted(std::mem::take(&mut s.risk));
            s
        });
        Ok(Some(Scored {
            blind,
            searched,
            saturated,
        }))
    }

    /// The stronger of the two attacks of `scored`, as `adversary`'s row of audit.json (with
    /// `effective`, the adversary as the release leaves it, and the `note` on what it lost).
    fn report(
        &self,
        adversary: &Adversary,
        (effective, note): (&Adversary, Option<String>),
        aux_seed: u64,
        scored: Scored,
    ) -> Measured {
        let Scored {
            blind,
            searched,
            saturated,
        } = scored;
        // The blind default is an adversary of the battery as well: where it names more of the
        // reported people than the attack chosen on the tuning people (the choice can miss on
        // other people), the stronger of the two is reported, as the worst adversary is.
        let blind_stronger = searched
            .as_ref()
            .is_some_and(|s| blind.mean_risk() > s.risk.mean_risk());
        let reported = match &searched {
            None if saturated => Reported::BlindNamesEveryone,
            None => Reported::Blind,
            Some(_) if blind_stronger => Reported::BlindStronger,
            Some(_) => Reported::Searched,
        };
        let blind_values: Vec<f64> = blind.people.iter().map(|p| p.risk).collect();
        let chosen = searched.as_ref().map(|s| s.chosen.candidate.config());
        let other_half = searched
            .as_ref()
            .and_then(|s| s.chosen_other_half.as_ref().map(|c| c.candidate.config()));
        let tuning_summary = searched.as_ref().map(|s: &Searched| {
            (
                s.chosen.tried,
                s.tuning_people(),
                s.chosen.rate,
                self.tuning.kind(),
            )
        });
        let (attack, r) = match searched {
            Some(s) if !blind_stronger => (s.chosen.candidate, s.risk),
            _ => (Candidate::naive(), blind),
        };
        let values: Vec<f64> = r.people.iter().map(|p| p.risk).collect();
        let best: Vec<f64> = r.people.iter().map(|p| p.best_guess).collect();
        let result = AdversaryResult {
            name: adversary.name.clone(),
            facts: effective.facts,
            wrong: effective.wrong,
            date_error: effective.date_error,
            rating_error: effective.rating_error,
            dates: effective.dates,
            ratings: effective.ratings,
            select: effective.select.name(),
            reidentified: mean(&values),
            reidentified_ci: risk::mean_interval(&values, super::defaults::RESAMPLES, aux_seed),
            best_guess: mean(&best),
            best_guess_ci: risk::mean_interval(&best, super::defaults::RESAMPLES, aux_seed ^ 1),
            people: r.people.len(),
            false_match_rate: r.false_match_rate(),
            note,
            knows_policy: self.knows_policy && !self.params.naive,
            attack: Some(attack.config()),
            reported,
            chosen_attack: chosen,
            attack_other_half: other_half,
            searched: tuning_summary.map_or(1, |t| t.0),
            tuning: tuning_summary.map_or(TuningKind::None, |t| t.3),
            tuning_people: tuning_summary.map_or(0, |t| t.1),
            tuning_reidentified: tuning_summary.and_then(|t| t.2),
            blind_reidentified: mean(&blind_values),
            blind_reidentified_ci: risk::mean_interval(
                &blind_values,
                super::defaults::RESAMPLES,
                aux_seed,
            ),
        };
        Measured {
            result,
            attack,
            risk: r,
        }
    }
}

/// One adversary's two attacks on the sampled people, each counting everyone sampled (unless
/// the audit is naive).
struct Scored {
    /// The policy-blind default's.
    blind: AdversaryRisk,
    /// The searched attack's, when searched.
    searched: Option<Searched>,
    /// Whether the blind default named everyone rightly (so nothing was searched).
    saturated: bool,
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}
