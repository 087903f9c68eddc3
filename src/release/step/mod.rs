//! The release steps, one file each, and their registry.
//!
//! Each step's file owns all of it: its checked parameters (a struct), its parsing from
//! `name:key=v,...` and its canonical text (`Display`, the text that parses back to it), what it
//! does to the working data ([`ReleaseStep::apply`]), what an adversary who knows it learns
//! ([`ReleaseStep::inform`]), and what it does that a guarantee cares about ([`Effects`]). The
//! registry below lists the steps once: it makes the [`Step`] enum, the [`STEPS`] table the
//! policy parser and `deanon release --help` read, and the dispatch from a [`Step`] to its file.
//! Adding a step is one new file here and one line in the registry.
//!
//! Every random choice draws from a generator derived from the seed, the step's position and the
//! person's original index (`rng`), so a release is reproducible whatever the thread count.

use std::fmt;

use super::knowledge::PolicyKnowledge;
use super::working::Working;
use crate::rng::Rng;
use crate::rng::streams;
use crate::{Error, Result};

mod args;
pub mod noise;

pub use args::Args;

/// Lists every step once: `Variant => file::Struct`, in the order `--help` lists them. Declares
/// each file's module and makes the [`Step`] enum, its conversions from each step's struct, the
/// [`STEPS`] table (each file's `INFO`) and [`Step::behaviour`].
macro_rules! registry {
    ($($variant:ident => $file:ident :: $step:ident,)*) => {
        $(pub mod $file;)*

        /// One step of a release policy: one variant per step of the registry, holding the
        /// step's checked parameters.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Step {
            $(
                #[doc = concat!("See [`", stringify!($file), "`](mod@", stringify!($file), ").")]
                $variant($file::$step),
            )*
        }

        $(
            impl From<$file::$step> for Step {
                fn from(step: $file::$step) -> Step {
                    Step::$variant(step)
                }
            }
        )*

        /// Every release step, in the order `--help` lists them.
        pub const STEPS: &[StepInfo] = &[$($file::INFO,)*];

        impl Step {
            /// The step's own implementation (its file's).
            fn behaviour(&self) -> &dyn ReleaseStep {
                match self {
                    $(Step::$variant(step) => step,)*
                }
            }
        }
    };
}

registry! {
    Pseudonymize => pseudonymize::Pseudonymize,
    Sample => sample::Sample,
    Drop => drop::Drop,
    Insert => insert::Insert,
    RatingNoise => rating_noise::RatingNoise,
    RatingDrop => rating_drop::RatingDrop,
    DateNoise => date_noise::DateNoise,
    DateCoarsen => date_coarsen::DateCoarsen,
    DateDrop => date_drop::DateDrop,
    RareItems => rare_items::RareItems,
    Truncate => truncate::Truncate,
    KmAnonymity => km_anonymity::KmAnonymity,
    AttrDrop => attr_drop::AttrDrop,
    AttrGeneralize => attr_generalize::AttrGeneralize,
    AttrTruncate => attr_truncate::AttrTruncate,
    KAnonymity => k_anonymity::KAnonymity,
    Microaggregate => microaggregate::Microaggregate,
    Dp => dp::Dp,
}

/// One release step as the policy language knows it: the table the parser checks names
/// against and `deanon release --help` prints. Each step's file declares its own (`INFO`).
pub struct StepInfo {
    /// The step's name.
    pub name: &'static str,
    /// Its arguments, as written in a spec.
    pub usage: &'static str,
    /// What it does.
    pub help: &'static str,
    /// A spec of this step that parses.
    pub example: &'static str,
    /// The argument keys it takes, in the order its errors list them.
    pub keys: &'static [&'static str],
    /// Reads the step from its arguments (only `keys` among them), checking each.
    pub parse: fn(&Args) -> Result<Step>,
}

impl StepInfo {
    /// The step from the text after its `name:` (empty when there is none).
    pub fn read(&self, arguments: &str) -> Result<Step> {
        let args = Args::parse(self.name, arguments)?;
        args.only(self.keys)?;
        (self.parse)(&args)
    }
}

/// What a step does that the guarantees of other steps care about ([`super::guarantee`],
/// [`super::dp`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct Effects {
    /// It removes people (a group of k can shrink).
    pub removes_people: bool,
    /// It removes entries person by person (not an item from everybody), so a set of items can
    /// be held by fewer people.
    pub removes_entries: bool,
    /// It adds entries to records.
    pub adds_entries: bool,
    /// It makes one person's output depend on other people's data (so that no differentially
    /// private step may follow it).
    pub looks_across_people: bool,
}

impl Effects {
    /// A step that does none of these.
    pub const NONE: Effects = Effects {
        removes_people: false,
        removes_entries: false,
        adds_entries: false,
        looks_across_people: false,
    };

    /// A step that looks across people and does nothing else listed here (it removes items
    /// from everybody or changes values by group).
    pub const ACROSS_PEOPLE: Effects = Effects {
        looks_across_people: true,
        ..Effects::NONE
    };
}

/// What each step's file implements for its struct.
pub trait ReleaseStep: fmt::Display {
    /// Applies the step, number `index` of the policy, to `w`.
    fn apply(&self, w: &mut Working, index: usize, seed: u64) -> Result<()>;

    /// What an adversary who knows the step does with it (see [`PolicyKnowledge`]): how it maps
    /// its facts into the release's representation and how far the step moves released values
    /// from the truth. `rating_range` is the release's rating range, stars (it sizes `dp`'s
    /// noise). A step that changes values says so here.
    fn inform(&self, k: &mut PolicyKnowledge, rating_range: f64);

    /// What the step does that other steps' guarantees care about.
    fn effects(&self) -> Effects {
        Effects::NONE
    }

    /// For an anonymity step: why `later`, a step after it, can break its guarantee, if it can.
    fn broken_by(&self, _later: &Step) -> Option<&'static str> {
        None
    }

    /// For an anonymity step: how the released data `w` falls short of its guarantee, if it does.
    fn shortfall(&self, _w: &Working) -> Result<Option<String>> {
        Ok(None)
    }
}

/// A step as the policy language writes it, arguments at their defaults left out:
/// `sample:fraction=0.1`, `rating-noise:scale=1`, `date-noise:days=7,dist=laplace`. Parsing
/// the text gives the step back.
impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.behaviour(), f)
    }
}

impl Step {
    /// Applies the step, number `index` of the policy, to `w`: an error when it leaves nobody.
    pub fn apply(&self, w: &mut Working, index: usize, seed: u64) -> Result<()> {
        self.behaviour().apply(w, index, seed)?;
        if self.effects().looks_across_people {
            w.across_people.push(self.to_string());
        }
        if w.people.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "release step {} ({self}) left nobody in the release",
                index + 1
            )));
        }
        Ok(())
    }

    /// Folds what an adversary who knows the step learns into `k` (see [`ReleaseStep::inform`]).
    pub fn inform(&self, k: &mut PolicyKnowledge, rating_range: f64) {
        self.behaviour().inform(k, rating_range);
    }

    /// What the step does that other steps' guarantees care about.
    pub fn effects(&self) -> Effects {
        self.behaviour().effects()
    }

    /// Why `later` can break this step's guarantee, if this is an anonymity step and it can.
    pub fn broken_by(&self, later: &Step) -> Option<&'static str> {
        self.behaviour().broken_by(later)
    }

    /// How the released data `w` falls short of this step's guarantee, if it has one.
    pub fn shortfall(&self, w: &Working) -> Result<Option<String>> {
        self.behaviour().shortfall(w)
    }
}

/// The generator of step number `step` for the person of original index `person`.
pub(crate) fn rng(seed: u64, step: usize, person: u32) -> Rng {
    Rng::derive(seed, &[streams::RELEASE_STEP, step as u64, person as u64])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_names_each_step_once_and_each_reads_its_example_back_to_the_same_text() {
        for (k, info) in STEPS.iter().enumerate() {
            assert!(
                STEPS[..k].iter().all(|s| s.name != info.name),
                "{} twice",
                info.name
            );
            let arguments = info
                .example
                .strip_prefix(info.name)
                .map(|rest| rest.trim_start_matches(':'))
                .unwrap_or_else(|| panic!("{}: example of another step", info.name));
            let step = info.read(arguments).unwrap();
            // The canonical text names the step and parses back to it.
            let text = step.to_string();
            assert!(text.starts_with(info.name), "{text}");
            let rest = text[info.name.len()..].trim_start_matches(':');
            assert_eq!(info.read(rest).unwrap(), step, "{text}");
            // A key the step does not take is refused, naming those it does.
            let e = info.read("nonsense=1").unwrap_err().to_string();
            assert!(e.contains(&format!("step '{}' takes", info.name)), "{e}");
        }
    }

    #[test]
    fn what_a_step_does_to_guarantees_is_what_the_anonymity_steps_check() {
        let step = |spec: &str| {
            let (name, rest) = spec.split_once(':').unwrap_or((spec, ""));
            STEPS
                .iter()
                .find(|s| s.name == name)
                .unwrap()
                .read(rest)
                .unwrap()
        };
        let km = step("km-anonymity:k=5,m=2");
        let kanon = step("k-anonymity:k=5,attributes=age");
        for later in [
            "sample:fraction=0.5",
            "drop:fraction=0.1",
            "insert:fraction=0.1",
        ] {
            assert!(km.broken_by(&step(later)).is_some(), "{later}");
        }
        assert!(kanon.broken_by(&step("sample:fraction=0.5")).is_some());
        assert!(
            kanon
                .broken_by(&step("truncate:max_per_record=5"))
                .is_none()
        );
        for later in [
            "rare-items:min_support=5",
            "microaggregate:k=5",
            "date-drop",
        ] {
            assert!(km.broken_by(&step(later)).is_none(), "{later}");
        }
        assert!(step("insert:fraction=0.1").effects().looks_across_people);
        assert!(!step("dp:epsilon=1").effects().looks_across_people);
    }
}
