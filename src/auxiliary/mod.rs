//! Auxiliary information: what the adversary knows about a target (a few items, maybe with
//! approximate ratings and dates), sampled from the original data in the style of the Netflix
//! study ([`sampler`]) or read from an external file of scraped public profiles ([`file`]).
//!
//! (The module is not called `aux`, as the original design had it: `aux` is a reserved device name on
//! Windows, and a folder of that name makes the repository impossible to check out there.)

pub mod file;
pub mod sampler;

pub use crate::dataset::{AuxAttribute, AuxFact, AuxRecord};
