//! The strongest adversary deanon knows how to be: one who knows the published release policy
//! (not its seed) and picks its best attack. Shared by the audit and by experiments with
//! `search = true`.
//!
//! The candidates ([`candidates`]) are the policy-blind default attack and every registered
//! algorithm's search grid ([`crate::attack::search`]), with the adversary's facts mapped into
//! the release's representation and the scales widened by the policy's noise
//! ([`PolicyKnowledge`]), and the same grids as the policy-blind adversary runs them (an
//! adversary who knows the policy may ignore it). [`choose`] keeps the candidate that names the
//! most tuning people correctly (eccentricity at least phi, and right; ties go to the earlier
//! candidate). The callers take the tuning people outside the people whose risk they report.

use super::{Candidate, Scene};
use crate::Result;
use crate::attack::AttackParams;
use crate::attack::search::{Widening, grid};
use crate::auxiliary::sampler::{self, AuxParams};
use crate::dataset::{AuxRecord, Dataset};
use crate::linkage::AttackOptions;
use crate::release::PolicyKnowledge;

/// Tuning people per search by default (one draw each).
pub const TUNING_PEOPLE: usize = 500;

/// How far the knowledge of a policy widens an attack.
pub fn widening(knowledge: &PolicyKnowledge) -> Widening {
    Widening {
        rating_spread: knowledge.rating_spread,
        rating_bound: knowledge.rating_bound,
        date_spread: knowledge.date_spread,
        date_bound: knowledge.date_bound,
        date_unit: knowledge.date_unit,
        entry_loss: knowledge.entry_loss,
        membership: knowledge.membership,
        record_cap: knowledge.record_cap,
    }
}

/// The candidates against a release made by a policy known as `knowledge`, each with
/// eccentricity threshold `phi`: the blind default first, then every algorithm's grid, informed
/// by the policy, then the blind adversary's grid; each once.
pub fn candidates(knowledge: &PolicyKnowledge, phi: f64) -> Vec<Candidate> {
    let with_phi = |p: AttackParams| {
        p.to_builder()
            .phi(phi)
            .check()
            .expect("phi was checked with the attack's parameters")
    };
    let informed = !knowledge.maps.is_empty();
    let mut out = vec![Candidate {
        params: with_phi(AttackParams::defaults()),
        informed: false,
    }];
    // Knowing the policy never stops an adversary from ignoring it: after the grid the policy
    // informs comes the blind adversary's own grid, so that the search knowing the policy
    // tries every attack the blind one tries.
    let informed_grid = grid(&widening(knowledge))
        .into_iter()
        .map(|p| (p, informed));
    let blind_grid = grid(&Widening::default()).into_iter().map(|p| (p, false));
    for (params, informed) in informed_grid.chain(blind_grid) {
        let c = Candidate {
            params: with_phi(params),
            informed,
        };
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// What [`choose`] found.
#[derive(Clone, Debug)]
pub struct Choice {
    /// The chosen candidate.
    pub candidate: Candidate,
    /// Candidates tried.
    pub tried: usize,
    /// Tuning people with a usable draw.
    pub people: usize,
    /// The chosen candidate's rate on them (optimistic: it was chosen on them).
    pub rate: Option<f64>,
    /// The candidates the tuning people cannot tell from the chosen one (paired: McNemar's
    /// test at 95%), the strongest first, at most [`RUNNERS_UP`]: where the tuning people name
    /// few, the choice among them is noise, and a caller measures them too.
    pub runners_up: Vec<Candidate>,
}

/// The most runners-up a [`Choice`] keeps.
pub const RUNNERS_UP: usize = 2;

/// Whether `other` is indistinguishable from `best` on the same tuning records (`true`: named
/// rightly): McNemar's test, two-sided at 95%, on the discordant pairs.
fn indistinguishable(best: &[bool], other: &[bool]) -> bool {
    let (mut only_best, mut only_other) = (0f64, 0f64);
    for (&b, &o) in best.iter().zip(other) {
        only_best += (b && !o) as u8 as f64;
        only_other += (o && !b) as u8 as f64;
    }
    let discordant = only_best + only_other;
    discordant == 0.0 || only_best - only_other <= 1.96 * discordant.sqrt()
}

/// Parts the tuning records are scored in: after each, a candidate that can no longer be the
/// choice nor one of its runners-up is dropped ([`out_of_the_running`]).
const TUNING_PARTS: usize = 8;

/// The fewest tuning records in a part (but the last): enough to keep every thread busy.
const TUNING_PART_RECORDS: usize = 50;

/// Whether a candidate with at most `most` hits on `n` tuning records can be neither the choice
/// nor a runner-up, when an earlier candidate has `least` hits (the choice has at least that
/// many, and ties go to the earlier). It cannot be the choice when `most <= least`; nor a
/// runner-up when the choice is sure to be distinguishable from it: with D = h_b - h_c >=
/// `least - most` and D + 2 o discordant records, o <= min(h_c, n - h_b), McNemar's statistic
/// D - 1.96 sqrt(D + 2 o) grows with D, so its smallest value is at D = `least - most`.
fn out_of_the_running(most: usize, least: usize, n: usize) -> bool {
    if most >= least {
        return false;
    }
    let d = (least - most) as f64;
    let others = most.min(n - least) as f64;
    d > 1.96 * (d + 2.0 * others).sqrt()
}

/// The candidate naming the most of `people` correctly, each drawn once with `aux` (its seed
/// included), and the candidates it cannot be told from. The attacks run in this process,
/// whatever executor the caller measures on: they are small, and in a cluster every process
/// must know the choice. Each candidate scores the records in parts and stops once it is out
/// of the running ([`out_of_the_running`]): the choice and its runners-up are those of scoring
/// every candidate on every record.
pub fn choose(
    original: &Dataset,
    scene: &Scene<'_>,
    candidates: &[Candidate],
    people: &[u32],
    aux: &AuxParams,
    label: &str,
) -> Result<Choice> {
    let records: Vec<AuxRecord> = sampler::sample_people(original, aux, people, 1)?
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let n = records.len();
    let part = n.div_ceil(TUNING_PARTS).max(TUNING_PART_RECORDS);
    // Per candidate, whether each tuning record was named rightly; `None` once out of the
    // running.
    let mut hits: Vec<Option<Vec<bool>>> = Vec::new();
    let mut least = 0;
    for (k, c) in candidates.iter().enumerate().filter(|_| n > 0) {
        let mut right: Vec<bool> = Vec::with_capacity(n);
        for (j, chunk) in records.chunks(part).enumerate() {
            let options = AttackOptions::per_outcome(format!("{label}/{k}/{j}"));
            let attacked = scene.link_here(c, chunk, &options)?;
            right.extend(attacked.outcomes.iter().map(|o| o.correct && o.m.matched));
            let most = right.iter().filter(|&&h| h).count() + (n - right.len());
            if right.len() < n && out_of_the_running(most, least, n) {
                break;
            }
        }
        if right.len() < n {
            hits.push(None);
            continue;
        }
        least = least.max(right.iter().filter(|&&h| h).count());
        hits.push(Some(right));
    }
    let named = |k: usize| {
        hits[k]
            .as_ref()
            .map_or(0, |h| h.iter().filter(|&&h| h).count())
    };
    // The most named; ties go to the earlier candidate.
    let best =
        (0..hits.len())
            .filter(|&k| hits[k].is_some())
            .fold(None, |best: Option<usize>, k| match best {
                Some(b) if named(b) >= named(k) => Some(b),
                _ => Some(k),
            });
    let mut runners_up: Vec<usize> = match best {
        Some(b) => {
            let of_b = hits[b].as_deref().expect("the best was scored");
            (0..hits.len())
                .filter(|&k| k != b && named(k) > 0)
                .filter(|&k| {
                    hits[k]
                        .as_deref()
                        .is_some_and(|h| indistinguishable(of_b, h))
                })
                .collect()
        }
        None => Vec::new(),
    };
    runners_up.sort_by_key(|&k| std::cmp::Reverse(named(k)));
    runners_up.truncate(RUNNERS_UP);
    let k = best.unwrap_or(0);
    Ok(Choice {
        candidate: candidates[k].clone(),
        tried: candidates.len(),
        people: n,
        rate: (n > 0).then(|| named(k) as f64 / n as f64),
        runners_up: runners_up
            .into_iter()
            .map(|k| candidates[k].clone())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::Policy;

    fn knowledge(spec: &str) -> PolicyKnowledge {
        let data = crate::dataset::generate::generate(
            &crate::dataset::generate::GenerateParams::new(
                crate::dataset::generate::Preset::NetflixLike,
            )
            .users(50)
            .seed(1),
        )
        .unwrap();
        PolicyKnowledge::of(&Policy::parse(spec).unwrap(), &data)
    }

    /// A candidate dropped as out of the running is, for every final count of hits it and
    /// the choice may reach and every way their hits may overlap, neither the choice nor
    /// indistinguishable from it; and one is dropped where that is sure.
    #[test]
    fn a_candidate_out_of_the_running_could_never_be_chosen_nor_a_runner_up() {
        let mut dropped = 0;
        for n in 1..=40usize {
            for least in 0..=n {
                for most in 0..=n {
                    if !out_of_the_running(most, least, n) {
                        continue;
                    }
                    dropped += 1;
                    for h_b in least..=n {
                        for h_c in 0..=most {
                            // o: records the candidate names and the choice does not.
                            for o in 0..=h_c.min(n - h_b) {
                                let best: Vec<bool> = (0..n).map(|r| r < h_b).collect();
                                let other: Vec<bool> = (0..n)
                                    .map(|r| r < h_c - o || (r >= h_b && r < h_b + o))
                                    .collect();
                                assert!(h_c < h_b, "n {n} least {least} most {most}");
                                assert!(
                                    !indistinguishable(&best, &other),
                                    "n {n} least {least} most {most}: h_b {h_b} h_c {h_c} o {o}"
                                );
                            }
                        }
                    }
                }
            }
        }
        assert!(dropped > 1000, "{dropped}");
        assert!(
            out_of_the_running(180, 198, 200),
            "a candidate 18 hits behind"
        );
        assert!(!out_of_the_running(197, 198, 200), "one hit behind");
    }

    #[test]
    fn the_blind_default_comes_first_and_every_candidate_once() {
        let plain = candidates(&knowledge("sample:fraction=0.5"), 1.5);
        assert_eq!(plain[0], Candidate::naive());
        assert!(plain.iter().all(|c| !c.informed), "nothing to map");
        assert_eq!(
            plain.len(),
            9,
            "rh, norm x3, scoreboard, likelihood x2 (the default rh is the blind one), then the \
             blind grid's likelihood x2"
        );
        // The likelihood adversary takes the sampling fraction as its prior of membership, and
        // also tries the blind adversary's prior of 1.
        let prior = crate::attack::algorithm::likelihood::MEMBERSHIP;
        let priors: Vec<f64> = plain
            .iter()
            .filter(|c| c.params.algorithm().name() == "likelihood")
            .map(|c| c.params.real(&prior))
            .collect();
        assert_eq!(priors, [0.5, 0.5, 1.0, 1.0]);
        // A cap on a person's entries: the likelihood models it, at three capped lengths, or
        // leaves it out.
        let truncated = candidates(&knowledge("truncate:max_per_record=5"), 1.5);
        let modelled: Vec<(u64, f64)> = truncated
            .iter()
            .filter(|c| c.params.algorithm().name() == "likelihood")
            .map(|c| {
                use crate::attack::algorithm::likelihood::{CAP, CAPPED_LENGTH};
                (c.params.whole(&CAP), c.params.real(&CAPPED_LENGTH))
            })
            .collect();
        assert_eq!(
            modelled,
            [(5, 20.0), (5, 80.0), (5, 320.0), (0, 0.0)].repeat(2)
        );
        let coarse = candidates(&knowledge("date-coarsen:to=year|rating-noise:scale=1"), 2.0);
        let blind = candidates(&PolicyKnowledge::default(), 2.0);
        let informed = coarse.len() - (blind.len() - 1);
        assert!(!coarse[0].informed && coarse[1..informed].iter().all(|c| c.informed));
        assert_eq!(
            coarse[informed..],
            blind[1..],
            "knowing the policy, the adversary also tries every attack of the blind one's search"
        );
        assert!(coarse.iter().all(|c| c.params.phi() == 2.0));
        for (k, c) in coarse.iter().enumerate() {
            assert!(!coarse[..k].contains(c), "{c:?} twice");
        }
        let config = coarse[1].config();
        assert_eq!(config.algorithm, "scoreboard-rh");
        assert!(
            config.parameters.contains_key("rho0")
                && !config.parameters.contains_key("length_norm")
        );
    }
}
