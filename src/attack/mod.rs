//! The linkage engine: scores every aux record against every released record and reports the
//! best guess, its eccentricity and the entropic output (docs/method.md sections 3 to 6, exactly).
//! It uses only `dataset` and the shared utilities.
//!
//! - [`parameter`]: one parameter of an algorithm (name, default, domain, help), declared beside
//!   the algorithm that reads it;
//! - [`params`]: validated parameters (a builder, checked once), the union of the algorithms'
//!   parameters;
//! - [`algorithm`]: the [`LinkageAlgorithm`] trait, the registry of algorithms
//!   (Scoreboard-RH, Scoreboard-RH-norm, Scoreboard) and [`Scorer`], the passes every executor
//!   runs;
//! - [`query`]: aux records resolved to the release's item indices (directly or via an item map);
//! - [`shard`]: shards of a release, the checked shard the kernels require, release statistics;
//! - [`kernel`]: the scatter of one shard's postings into a dense accumulator, and the passes
//!   over it (sums for sigma + top two; entropic output + reset);
//! - [`partial`]: what a shard's passes return (`Summary`, `Spread`) and their exact merge;
//! - [`local`]: the single-process executor (rayon); the cluster executor is `crate::cluster`;
//! - [`search`]: the configurations an adversary tries (each algorithm's grid) and how a
//!   published policy's noise widens them;
//! - [`matches`]: outcomes in external ids, compared with the truth; MATCHES.csv.
//!
//! The one entry point for a whole attack (resolve, execute locally or on a cluster, outcomes,
//! summary) is [`crate::linkage::attack`].
//!
//! Results never depend on the thread count: each aux record is scored by one task, records
//! accumulate in aux-fact order, and sums over records run in record order in fixed lanes.

pub mod algorithm;
pub mod kernel;
pub mod local;
pub mod matches;
pub mod parameter;
pub mod params;
pub mod partial;
pub mod query;
pub mod search;
pub mod shard;

pub use algorithm::{Algorithm, LinkageAlgorithm, Match, Scorer, TileScorer, Workspace};
pub use parameter::{Parameter, Value};
pub use params::{AttackParams, AttackParamsBuilder, defaults, parameter, parameters};
pub use partial::SecondPass;
pub use query::{ItemMap, Query};
pub use shard::{CheckedShard, ReleaseStats, Shard};
