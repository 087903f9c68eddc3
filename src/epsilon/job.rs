//! `deanon epsilon`'s job: read the data and the policy, measure, write E.json, say what it
//! means in a paragraph.

use std::path::PathBuf;

use super::{EpsilonParams, Measurement};
use crate::Result;
use crate::dataset::store;
use crate::file_roles::FileRoles;

/// What `deanon epsilon` is asked.
#[derive(Clone, Debug)]
pub struct EpsilonJob {
    /// The original data.
    pub data: PathBuf,
    /// The policy spec, or a `.toml` file of steps.
    pub policy: String,
    /// The measure's settings.
    pub params: EpsilonParams,
    /// Where to write E.json, if anywhere.
    pub output: Option<PathBuf>,
}

/// E.json: the measurement and the policy it is about.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct EpsilonReport {
    /// The policy measured (its canonical spec).
    pub policy: String,
    /// The epsilon the policy claims, for `dp`.
    pub claimed_epsilon: Option<f64>,
    /// The seed.
    pub seed: u64,
    /// What was measured.
    #[serde(flatten)]
    pub measurement: Measurement,
}

/// Runs the job.
pub fn run(job: &EpsilonJob) -> Result<EpsilonReport> {
    let policy_file = crate::release::Policy::file_of(&job.policy);
    FileRoles::new()
        .input("DATA", &job.data)
        .maybe_input("--policy", policy_file)
        .maybe_output("-o", job.output.as_deref())
        .check()?;
    let policy = crate::release::Policy::from_arg(&job.policy)?;
    let data = store::open(&job.data)?;
    if data.is_pseudonymized() {
        return Err(crate::Error::input(
            &job.data,
            "is a release (pseudonymized by deanon release): measure on the original data, which the policy then releases",
        ));
    }
    crate::release::utility::check(&data)?;
    job.params.check(data.num_records())?;
    let mechanism = super::policy_mechanism(&policy);
    let measurement = super::measure(&data, &mechanism, &job.params)?;
    let report = EpsilonReport {
        policy: policy.to_string(),
        claimed_epsilon: claimed_epsilon(&policy),
        seed: job.params.seed,
        measurement,
    };
    if let Some(path) = &job.output {
        crate::atomic_file::write_json(path, &report)?;
    }
    Ok(report)
}

/// The epsilon a policy claims: the sum of its `dp` steps' (none without one).
pub fn claimed_epsilon(policy: &crate::release::Policy) -> Option<f64> {
    let claims: Vec<f64> = policy
        .steps
        .iter()
        .filter_map(|s| match s {
            crate::release::Step::Dp(dp) => Some(dp.epsilon),
            _ => None,
        })
        .collect();
    (!claims.is_empty()).then(|| claims.iter().sum())
}

impl EpsilonReport {
    /// The one-paragraph summary the command prints.
    pub fn to_text(&self) -> String {
        let m = &self.measurement;
        let claim = match self.claimed_epsilon {
            Some(c) if m.epsilon_lower_bound > c => format!(
                " It claims epsilon = {c}: the measure contradicts the claim, so the release leaks more than its guarantee allows."
            ),
            Some(c) => {
                format!(" It claims epsilon = {c}: the measure does not contradict the claim.")
            }
            None => String::new(),
        };
        let ci = m.accuracy_ci.map_or(String::new(), |[lo, hi]| {
            format!(" (95% interval {:.1}%-{:.1}%)", lo * 100.0, hi * 100.0)
        });
        format!(
            "measured epsilon >= {:.2} at {:.0}% confidence for {}: {} canaries, each in the data with probability 1/2 ({} of {} in, over {} run{}); \
             the '{}' attack guessed on {} of them ({}) and was right {} times{ci}. This is a lower bound: the policy is no better than \
             epsilon-DP at {:.2}, and may be worse (a stronger attack could show more; at most {:.2} can be shown with these canaries).{claim}\n",
            m.epsilon_lower_bound,
            m.confidence * 100.0,
            self.policy,
            m.canaries,
            m.included,
            m.canaries * m.runs,
            m.runs,
            if m.runs == 1 { "" } else { "s" },
            m.attack,
            m.guesses,
            m.guessed,
            m.right,
            m.epsilon_lower_bound,
            m.most_measurable,
        )
    }
}
