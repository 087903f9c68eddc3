//! # deanon
//!
//! Measures how many people in an "anonymized" sparse data release (ratings, views,
//! purchases) an adversary who knows a little about them can re-identify, following Narayanan &
//! Shmatikov, "Robust De-anonymization of Large Sparse Datasets" (IEEE S&P 2008).
//!
//! The pipeline: data is imported ([`dataset::import`]) or generated ([`dataset::generate`])
//! into a [`Dataset`], held in two layouts (record-major and the inverted index) and saved in
//! the `.deanon` store ([`dataset::store`]), which later commands open by memory map in about a
//! second even at Netflix scale.
//!
//! ```
//! use deanon::dataset::generate::{generate, GenerateParams, Preset};
//!
//! let data = generate(&GenerateParams::new(Preset::NetflixLike).users(500).seed(7)).unwrap();
//! assert_eq!(data.num_records(), 500);
//! let summary = deanon::dataset::summary::summarize(&data);
//! assert!(summary.has_ratings && summary.has_dates);
//! ```
#![warn(missing_docs)]

pub mod atomic_file;
pub mod attack;
pub mod audit;
pub mod auxiliary;
pub mod belonging;
pub mod cancel;
pub mod cluster;
pub mod cohort;
pub mod dataset;
pub mod demo;
pub mod disclosure;
pub mod epsilon;
pub mod error;
pub mod experiment;
pub mod file_roles;
pub mod inference;
pub mod interval;
pub mod jobs;
pub mod linkage;
pub mod metrics;
pub mod pairs_file;
pub mod plot;
pub mod progress;
pub mod provenance;
pub mod release;
pub mod resumable;
pub mod rng;
pub mod study;

pub use dataset::Dataset;
pub use error::{Error, Result};

/// The Rust examples of the documentation, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/attack.md")]
pub struct DocsAttack;
