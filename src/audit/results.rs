//! What an audit finds, as audit.json holds it: per adversary, per policy, the data audited and
//! the settings.

use serde::{Deserialize, Serialize};

use crate::dataset::unicity::Knowledge;
use crate::study::AttackConfig;

/// Whose figures an adversary's row reports (audit.json's `reported`, as text).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reported {
    /// The attack chosen on the tuning people.
    #[serde(rename = "searched")]
    Searched,
    /// The policy-blind default: `--naive`, or an adversary with nothing to search.
    #[default]
    #[serde(rename = "blind")]
    Blind,
    /// The blind default, which named every sampled person rightly in every draw: nothing can
    /// name more, so nothing was searched.
    #[serde(rename = "blind, names everyone (no search needed)")]
    BlindNamesEveryone,
    /// The blind default, which named more of the reported people than the attack chosen.
    #[serde(rename = "blind, stronger than the attack chosen")]
    BlindStronger,
}

/// How an adversary's attack was chosen (audit.json's `tuning`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TuningKind {
    /// On tuning people outside the reported sample.
    Disjoint,
    /// On the reported people in two halves, each measured with the attack chosen on the other.
    CrossFit,
    /// Not chosen: `--naive`, or nothing to search.
    #[default]
    None,
}

/// One adversary's result against one release (audit.json).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AdversaryResult {
    /// The adversary's name.
    pub name: String,
    /// Facts known.
    pub facts: usize,
    /// Wrong facts among them.
    pub wrong: usize,
    /// Date error, days.
    pub date_error: u32,
    /// Rating error, stars.
    pub rating_error: f64,
    /// Whether its facts carry dates (against this release).
    pub dates: bool,
    /// Whether its facts carry ratings (against this release).
    pub ratings: bool,
    /// Fact selection.
    pub select: String,
    /// Re-identification rate: the mean of per-person risk.
    pub reidentified: Option<f64>,
    /// Its 95% bootstrap interval over people.
    pub reidentified_ci: Option<[f64; 2]>,
    /// Best-guess rate: the mean share of draws in which the person is the top record.
    pub best_guess: Option<f64>,
    /// Its 95% bootstrap interval over people.
    pub best_guess_ci: Option<[f64; 2]>,
    /// People with at least one usable draw.
    pub people: usize,
    /// Non-members named (wrongly) / non-members attacked; null when none.
    pub false_match_rate: Option<f64>,
    /// What of the adversary's knowledge the release made useless.
    pub note: Option<String>,
    /// Whether the adversary knows the published policy (not its seed): false in a `--naive`
    /// audit.
    #[serde(default)]
    pub knows_policy: bool,
    /// The attack whose figures are reported: the one chosen (cross-fit: on the first half of
    /// the people, measuring the second), or the blind default where that names more of the
    /// reported people (`reported` says which).
    #[serde(default)]
    pub attack: Option<AttackConfig>,
    /// Whose figures are reported.
    #[serde(default)]
    pub reported: Reported,
    /// The attack the search chose on the tuning people (null with `--naive`).
    #[serde(default)]
    pub chosen_attack: Option<AttackConfig>,
    /// Cross-fit: the attack chosen on the second half, measuring the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack_other_half: Option<AttackConfig>,
    /// Attack configurations tried.
    #[serde(default)]
    pub searched: usize,
    /// How the attack was chosen: `disjoint` (tuning people outside the reported sample),
    /// `cross-fit` (the reported people in two halves), or `none` (`--naive`).
    #[serde(default)]
    pub tuning: TuningKind,
    /// Tuning people with a usable draw.
    #[serde(default)]
    pub tuning_people: usize,
    /// The chosen attack's rate on its tuning people (optimistic: it was chosen on them).
    #[serde(default)]
    pub tuning_reidentified: Option<f64>,
    /// The policy-blind default attack's rate on the same people and draws.
    #[serde(default)]
    pub blind_reidentified: Option<f64>,
    /// Its 95% interval.
    #[serde(default)]
    pub blind_reidentified_ci: Option<[f64; 2]>,
}

/// One unicity point (audit.json).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UnicityPoint {
    /// Knowledge kind.
    pub knowledge: Knowledge,
    /// Points.
    pub points: usize,
    /// Unicity (null without people).
    pub unicity: Option<f64>,
    /// People measured.
    pub people: usize,
}

/// The per-person risk distribution under a policy's worst adversary (audit.json).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RiskSummary {
    /// Mean risk.
    pub mean: Option<f64>,
    /// Share of people with risk >= 0.5.
    pub share_at_least_half: Option<f64>,
    /// Mean risk by decile of activity (entries per person), lightest first.
    pub by_activity_decile: Vec<Option<f64>>,
    /// The 95% Wilson interval of each activity decile's mean risk.
    #[serde(default)]
    pub by_activity_decile_ci: Vec<Option<[f64; 2]>>,
    /// Mean risk by decile of taste rarity (median supp(i) of a person's items), rarest first.
    pub by_rarity_decile: Vec<Option<f64>>,
    /// The 95% Wilson interval of each rarity decile's mean risk.
    #[serde(default)]
    pub by_rarity_decile_ci: Vec<Option<[f64; 2]>>,
    /// People per risk bin [0, 0.1), [0.1, 0.2), ..., [0.9, 1.0].
    pub histogram: Vec<usize>,
}

/// One policy's result (audit.json).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PolicyResult {
    /// The spec (`pseudonymize` for the baseline).
    pub policy: String,
    /// RMSE cost of the baseline predictor (null without ratings).
    pub rmse_cost: Option<f64>,
    /// Share of entries kept.
    pub kept_fraction: f64,
    /// The adversary with the highest re-identification rate.
    pub worst_adversary: Option<String>,
    /// Its rate.
    pub worst_reidentified: Option<f64>,
    /// Its 95% interval.
    pub worst_reidentified_ci: Option<[f64; 2]>,
    /// Sampled people in the release.
    pub members: usize,
    /// Sampled people left out of it.
    pub non_members: usize,
    /// Every adversary's result.
    pub adversaries: Vec<AdversaryResult>,
    /// Unicity of the release, p = 1..8, for the kinds it keeps.
    pub unicity: Vec<UnicityPoint>,
    /// Unicity of the people's attributes the release carries, alone (null without any).
    #[serde(default)]
    pub attribute_unicity: Option<f64>,
    /// Per-person risk under the worst adversary.
    pub risk: RiskSummary,
    /// What the worst adversary learns about the people it links, against a control (with
    /// `--sensitive-items` or `--sensitive-attribute`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference: Option<super::inference::InferenceResult>,
    /// The knowledge curve: the strongest adversary knowing k of a person's entries, alone and
    /// with the attributes (empty with `--naive`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub curve: Vec<super::curve::CurvePoint>,
    /// What the policy does against the knowledge the verdict assumes (null with `--naive`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<super::assumed::Assumed>,
    /// Up to how many known entries the policy holds the target (null with `--naive`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holds_up_to: Option<super::assumed::HoldsUpTo>,
    /// A lower bound on the policy's epsilon at 95% confidence, measured by an attack on
    /// canaries (null with `--epsilon-canaries 0`): the policy is no better than epsilon-DP
    /// at this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured_epsilon: Option<crate::epsilon::Measurement>,
    /// The three tests of anonymisation, each against its target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tests: Option<super::three_tests::ThreeTests>,
}

impl PolicyResult {
    /// The worst adversary's result and the attack whose figures it reports, if measured.
    pub fn worst_attack(&self) -> Option<(&AdversaryResult, &AttackConfig)> {
        let name = self.worst_adversary.as_deref()?;
        let worst = self.adversaries.iter().find(|a| a.name == name)?;
        Some((worst, worst.attack.as_ref()?))
    }

    /// The adversary whose policy-blind default attack names the most people (what a `--naive`
    /// audit reports as the worst), if any was measured.
    pub fn blind_worst(&self) -> Option<&AdversaryResult> {
        self.adversaries
            .iter()
            .filter(|a| a.blind_reidentified.is_some())
            .max_by(|x, y| {
                x.blind_reidentified
                    .expect("filtered")
                    .total_cmp(&y.blind_reidentified.expect("filtered"))
            })
    }
}

/// The data audited (aggregates only).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DataSummary {
    /// People.
    pub records: usize,
    /// Items.
    pub items: usize,
    /// Entries.
    pub entries: usize,
    /// Whether it has ratings.
    pub has_ratings: bool,
    /// Whether it has dates.
    pub has_dates: bool,
    /// Sparsity curve (x, items only, exact ratings) at x = 0, 0.05, ..., 1.
    pub sparsity: Vec<(f64, f64, f64)>,
    /// The people's attributes (empty without a people table).
    #[serde(default)]
    pub attributes: Vec<String>,
    /// Unicity of each combination of up to three of them, alone: which make people unique.
    #[serde(default)]
    pub attribute_unicity: Vec<crate::dataset::unicity::AttributeUnicity>,
}

/// What the audit was run with and on (audit.json).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Provenance {
    /// deanon's version.
    pub version: String,
    /// The commit it was built from.
    pub git_commit: String,
    /// Seed.
    pub seed: u64,
    /// Fingerprint of the data.
    pub data_fingerprint: String,
    /// People sampled (null: everyone).
    pub sample: Option<usize>,
    /// Draws per person and adversary.
    pub draws: usize,
    /// Eccentricity threshold of the attacks.
    pub phi: f64,
    /// Whether the adversaries knew the published policies and searched their attacks (false:
    /// `--naive`).
    #[serde(default)]
    pub adversaries_know_policy: bool,
    /// Tuning people per policy (0 with `--naive`).
    #[serde(default)]
    pub tuning: usize,
    /// The files the audit read: the data, and the adversaries and sensitive items when given.
    #[serde(default)]
    pub inputs: Vec<crate::provenance::InputFile>,
}

/// The version of audit.json's layout (docs/audit.schema.json): raised when a field changes
/// meaning or goes away, not when one is added.
pub const SCHEMA_VERSION: u32 = 1;

/// audit.json.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Audit {
    /// The layout's version ([`SCHEMA_VERSION`]; 0: written before versions were kept).
    #[serde(default)]
    pub schema_version: u32,
    /// The entries of a person the verdict assumes an adversary knows (null with `--naive`,
    /// whose verdict assumes the battery alone).
    #[serde(default)]
    pub assumed_facts: Option<super::curve::KnownFacts>,
    /// The target re-identification rate.
    pub target_risk: f64,
    /// The target inference risk, when the recommendation takes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_inference_risk: Option<f64>,
    /// The recommended policy, or null when none meets the target.
    pub recommended: Option<String>,
    /// When none meets the target: the candidate whose worst adversary's interval reaches
    /// lowest.
    pub closest: Option<String>,
    /// The verdict in words.
    pub verdict: String,
    /// The release made elsewhere that was audited, instead of candidate policies
    /// (`--released`); absent from an audit of candidate policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released: Option<super::ReleasedSummary>,
    /// The data.
    pub data: DataSummary,
    /// Baseline first, then the candidates (`--released`: the release alone, named by its file).
    pub policies: Vec<PolicyResult>,
    /// Settings and provenance.
    pub provenance: Provenance,
}
