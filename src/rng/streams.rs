//! Every random stream of deanon, in one table. A stream is the first index of a path under a
//! seed (`Rng::derive(seed, &[STREAM, ...])`); two uses of one number under one seed would draw
//! the same numbers. A new stream takes a number no other one has (the test below fails
//! otherwise). Renumbering a stream changes every figure drawn from it, documented ones too:
//! never renumber.
//!
//! Three numbers are shared by two streams each, from before this table; they stay, since
//! renumbering either stream would change published figures, and each pair is drawn under
//! different seeds in every run ([`SHARED`]). The tie-breaking of `km-anonymity` draws from its
//! step's seed without a path.

macro_rules! streams {
    ($($(#[doc = $doc:literal])* $name:ident = $number:literal;)*) => {
        $($(#[doc = $doc])* pub const $name: u64 = $number;)*
        /// Every stream: its name and number.
        pub const ALL: &[(&str, u64)] = &[$((stringify!($name), $name)),*];
    };
}

streams! {
    /// `generate`: the items' popularity order.
    GENERATE_ITEMS = 1;
    /// `generate`: one person's activity and entries (path: the person).
    GENERATE_USERS = 2;
    /// `generate`: the people's tastes.
    GENERATE_TASTES = 3;
    /// `generate`: one person's seasonal pattern (path: the person).
    GENERATE_SEASONAL = 4;
    /// `generate`: one person's attributes (path: the person).
    GENERATE_ATTRIBUTES = 5;
    /// The aux sampler: the targets, members and non-members (path: which of the two).
    AUX_TARGETS = 11;
    /// The aux sampler: a member target's record (path: its index).
    AUX_MEMBER = 12;
    /// The aux sampler: a non-member target's record (path: its index).
    AUX_NON_MEMBER = 13;
    /// The aux sampler: one person's draws (path: the person, the draw).
    AUX_PERSON = 14;
    /// Scoreboard: the pick among tied best records (path: the aux record).
    SCOREBOARD_PICK = 21;
    /// Sparsity: the records sampled (shares 41 with [`COHORT_TARGETS`]).
    SPARSITY_SAMPLE = 41;
    /// `cohort`: the targets in the cohort (shares 41 with [`SPARSITY_SAMPLE`]).
    COHORT_TARGETS = 41;
    /// `cohort`: the adversary's aux seed.
    COHORT_AUX = 42;
    /// `cohort`: the bootstrap of the membership rates.
    COHORT_BOOTSTRAP = 43;
    /// `cohort`'s inference: the people measured.
    COHORT_INFERENCE_PEOPLE = 44;
    /// `cohort`'s inference: the adversary's aux seed.
    COHORT_INFERENCE_AUX = 45;
    /// `cohort`'s inference: the release's seed.
    COHORT_INFERENCE_RELEASE = 46;
    /// `cohort`'s inference: the bootstrap's seed.
    COHORT_INFERENCE_BOOTSTRAP = 47;
    /// `cohort`: the noise of a differentially private count (shares 51 with
    /// [`UNICITY_SAMPLE`]).
    COHORT_DP = 51;
    /// Unicity: the people sampled (shares 51 with [`COHORT_DP`]).
    UNICITY_SAMPLE = 51;
    /// Unicity: one person's draw of points (path: the person, the draw).
    UNICITY_DRAW = 52;
    /// The audit: the people sampled (shares 71 with [`INFERENCE_BOOTSTRAP`]).
    AUDIT_PEOPLE = 71;
    /// The audit: the cross-fit halves (path: the person).
    AUDIT_HALVES = 73;
    /// The audit: an adversary's tuning draws' seed.
    AUDIT_TUNING = 75;
    /// The audit: the inference test's seed.
    AUDIT_INFERENCE = 77;
    /// Inference: the bootstrap of the risk (shares 71 with [`AUDIT_PEOPLE`]).
    INFERENCE_BOOTSTRAP = 71;
    /// Release: the people held out as a control.
    RELEASE_HELD_OUT = 0x401d;
    /// Release: one step's draws for one person (path: the step, the person).
    RELEASE_STEP = 0x7e1e;
    /// The `dp` step: one person's noise and flips (path: the step, the person).
    DP_NOISE = 0xd1ff;
    /// The `microaggregate` step: one item's projection row (path: the step, the item).
    MICROAGGREGATE_PROJECTION = 0xa661;
    /// Release: the order of the pseudonyms (path: 0).
    PSEUDONYMS = 0x5eed;
    /// Utility: which of a person's rated entries are held out as the test set (path: the
    /// person).
    UTILITY_HOLD_OUT = 0x7e57;
    /// Experiments: the tuning people's order and draws' seed.
    EXPERIMENT_TUNING = 0x5ea7c4;
    /// Measured epsilon: the canaries.
    EPSILON_CANARIES = 0xe95_0001;
    /// Measured epsilon: one canary's coin (path: the canary).
    EPSILON_COINS = 0xe95_0002;
    /// Measured epsilon: one run's seed (path: the run).
    EPSILON_RUNS = 0xe95_0003;
    /// Measured epsilon: the ties between scores.
    EPSILON_TIES = 0xe95_0004;
    /// Measured epsilon: the people kept.
    EPSILON_PEOPLE = 0xe95_0005;
}

/// The numbers two streams share, and why they never draw under one seed: sparsity and unicity
/// draw under the seed of `audit`, `experiment`, `sparsity` or `unicity`, the cohort's streams
/// under the cohort's, and `cohort` measures neither; the inference bootstrap draws under a
/// seed that the audit derives (through [`AUDIT_INFERENCE`]) or that `infer` and `cohort` are
/// given, never the audit's own.
pub const SHARED: &[(u64, [&str; 2])] = &[
    (41, ["SPARSITY_SAMPLE", "COHORT_TARGETS"]),
    (51, ["COHORT_DP", "UNICITY_SAMPLE"]),
    (71, ["AUDIT_PEOPLE", "INFERENCE_BOOTSTRAP"]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn no_two_streams_share_a_number_beyond_the_three_known_pairs() {
        let mut by_number: BTreeMap<u64, Vec<&str>> = BTreeMap::new();
        for &(name, number) in ALL {
            by_number.entry(number).or_default().push(name);
        }
        let shared: Vec<(u64, Vec<&str>)> = by_number
            .into_iter()
            .filter(|(_, names)| names.len() > 1)
            .collect();
        let known: Vec<(u64, Vec<&str>)> = SHARED
            .iter()
            .map(|(number, names)| (*number, names.to_vec()))
            .collect();
        assert_eq!(shared, known, "a new stream takes a number of its own");
        let mut names: Vec<&str> = ALL.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len(), "each stream once");
    }
}
