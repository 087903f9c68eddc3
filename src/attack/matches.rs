//! MATCHES.csv: `aux_id,candidate,score,runner_up,eccentricity,matched,entropy_bits,
//! top_probability`, then `true_user,correct` when the truth is known, then the extra columns
//! `candidates,facts_used,sigma`, and `posterior` for an algorithm that gives one (likelihood).
//! `candidate` is the released record's id, or with the release
//! key its original id. Numbers are written in Rust's shortest round-trip form, so files are
//! byte-identical across runs and thread counts; not-applicable values are blank.

use std::io::Write;
use std::path::Path;

use super::algorithm::Match;
use crate::Result;
use crate::atomic_file::write_naming_people;
use crate::dataset::{AuxRecord, Dataset, ReleaseKey};

/// One aux record's outcome with ids resolved and the truth compared.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The aux record's id.
    pub aux_id: String,
    /// The candidate's id (original id with a key), if any.
    pub candidate: Option<String>,
    /// The target's original id, if known.
    pub true_user: Option<String>,
    /// Whether the target is in the release (true without a key when the truth is known).
    pub member: bool,
    /// Whether the candidate is the target.
    pub correct: bool,
    /// The engine's numbers.
    pub m: Match,
}

/// Resolves candidates to ids and compares them with the truth.
pub fn outcomes(
    release: &Dataset,
    aux: &[AuxRecord],
    matches: &[Match],
    key: Option<&ReleaseKey>,
) -> Vec<Outcome> {
    aux.iter()
        .zip(matches)
        .map(|(a, m)| {
            let candidate = m.candidate.map(|r| {
                let released = release.record_ids().get(r as usize);
                match key {
                    Some(k) => k.original_of(released).unwrap_or(released).to_string(),
                    None => released.to_string(),
                }
            });
            let member = match (&a.true_user, key) {
                (Some(t), Some(k)) => k.is_member(t),
                (Some(_), None) => true,
                (None, _) => false,
            };
            let correct = member && a.true_user.is_some() && candidate == a.true_user;
            Outcome {
                aux_id: a.id.clone(),
                candidate,
                true_user: a.true_user.clone(),
                member,
                correct,
                m: m.clone(),
            }
        })
        .collect()
}

fn number(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

/// Writes MATCHES.csv.
pub fn write_matches(outcomes: &[Outcome], path: &Path) -> Result<()> {
    let with_truth = outcomes.iter().any(|o| o.true_user.is_some());
    let with_posterior = outcomes.iter().any(|o| o.m.posterior.is_some());
    write_naming_people(path, |w| {
        write!(
            w,
            "aux_id,candidate,score,runner_up,eccentricity,matched,entropy_bits,top_probability"
        )?;
        if with_truth {
            write!(w, ",true_user,correct")?;
        }
        write!(w, ",candidates,facts_used,sigma")?;
        writeln!(w, "{}", if with_posterior { ",posterior" } else { "" })?;
        for o in outcomes {
            let m = &o.m;
            write!(
                w,
                "{},{},{},{},{},{},{},{}",
                o.aux_id,
                o.candidate.as_deref().unwrap_or(""),
                number(m.score),
                number(m.runner_up),
                number(m.eccentricity),
                m.matched,
                number(m.entropy_bits),
                number(m.top_probability)
            )?;
            if with_truth {
                write!(w, ",{},{}", o.true_user.as_deref().unwrap_or(""), o.correct)?;
            }
            write!(w, ",{},{},{}", m.candidates, m.facts_used, number(m.sigma))?;
            match (with_posterior, m.posterior) {
                (false, _) => writeln!(w)?,
                (true, p) => writeln!(w, ",{}", p.map_or(String::new(), number))?,
            }
        }
        Ok(())
    })
}
