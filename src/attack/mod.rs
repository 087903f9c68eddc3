//! The linkage engine: scores every aux record against every released record and reports the
//! best guess, its eccentricity and the entropic output (DESIGN.md section 4, exactly).
//!
//! - [`params`]: algorithms and their validated parameters;
//! - [`query`]: aux records resolved to the release's item indices (directly or via an item map);
//! - [`kernel`]: Scoreboard-RH and Scoreboard over the inverted index into a dense accumulator;
//! - [`partial`]: shards of a release, and the partial results of one shard with their merge;
//! - [`engine`]: the per-shard passes ([`Scorer`]) and the single-process parallel driver;
//! - [`matches`]: writes MATCHES.csv;
//! - [`sparsity`]: the nearest-neighbour similarity curve of a dataset (paper Fig. 1).
//!
//! Results never depend on the thread count: each aux record is scored by one task, records
//! accumulate in aux-fact order, and sums over records run in record order in fixed lanes.

pub mod engine;
pub mod kernel;
pub mod matches;
pub mod params;
pub mod partial;
pub mod query;
pub mod sparsity;

pub use engine::{Match, Scorer, SecondPass, run};
pub use params::{Algorithm, AttackParams};
pub use query::{ItemMap, Query};
