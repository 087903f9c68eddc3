//! The study layer: the scenario every study runs, assembled in one place.
//!
//! A scenario is: a policy releases the data, a control held out of it where a measure needs
//! one ([`Released::make`]); an adversary, blind, informed of the published policy
//! ([`Candidate`]) or searched ([`search`]), knows facts about people drawn from the original
//! data by the auxiliary sampler; its facts are mapped as it understands the policy and linked
//! to the release on an executor ([`Scene::link`]). The audit, experiments, cohorts, `attack`,
//! `infer`, the demo and Python run their scenarios through this module: none of them maps
//! facts, builds a scorer or calls the linkage engine itself. What a study measures from the
//! outcomes (who is named, what is learnt, at what cost) stays the study's own.

pub mod candidate;
pub mod scene;
pub mod search;

pub use candidate::{AttackConfig, Candidate};
pub use scene::{Released, Scene};
