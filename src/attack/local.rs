//! The single-process executor: rayon over aux records, one aux record per task, the whole
//! release as one shard, one tile-sized accumulator and stash per thread (reused;
//! [`Scorer::score_stashed`]). Returns one [`Match`] per
//! aux record in input order. The cluster executor (`crate::cluster`) runs the same
//! [`Scorer`] on shards of the release, so both give the same bits.

use rayon::prelude::*;

use super::algorithm::{Match, Scorer};
use super::params::AttackParams;
use super::query::Query;
use super::shard::{CheckedShard, ReleaseStats};
use crate::Result;
use crate::dataset::Dataset;

/// Scores every query against `release` in this process. Fails, before scoring anything, when
/// the release's postings are corrupt (possible only for a store opened for shards), and with
/// [`crate::Error::Interrupted`] soon after [`crate::cancel::request`].
pub fn run(release: &Dataset, queries: &[Query], params: &AttackParams) -> Result<Vec<Match>> {
    let shard = CheckedShard::whole(release)?;
    let scorer = Scorer::new(release, params, &ReleaseStats::of(release), shard);
    let bar = crate::progress::bar(queries.len() as u64, "attacking");
    let out: Result<Vec<Match>> = queries
        .par_iter()
        .enumerate()
        .with_min_len(4)
        .map_init(
            || scorer.workspace(),
            |space, (k, query)| {
                crate::cancel::check()?;
                let found = scorer.score_stashed(release, k, query, space);
                bar.inc(1);
                Ok(found)
            },
        )
        .collect();
    bar.finish_and_clear();
    out
}
