//! The Scoreboard kernel (Algorithm 1A): each record's count of the aux facts it matches within
//! the tolerances.

use super::scatter::add_postings;
use crate::attack::query::Query;
use crate::attack::shard::{CheckedShard, shard_postings};
use crate::dataset::{Dataset, DatasetKind, NO_DAY, NO_RATING};

/// Scoreboard (Algorithm 1A) match counts of the records of `shard` (a shard of `release`):
/// each record gains 1 per fact it matches within the tolerances (`rating_tol` in half stars; a value the aux lacks is not checked).
pub fn scatter_scoreboard(
    release: &Dataset,
    query: &Query,
    (rating_tol, date_tol): (u32, u32),
    shard: CheckedShard,
    acc: &mut [f32],
) {
    assert_eq!(acc.len(), shard.len(), "one accumulator slot per record");
    let shard = shard.shard();
    let views = release.kind() == DatasetKind::Views;
    for fact in &query.facts {
        let postings = shard_postings(release, fact.item, shard);
        let (ra, da) = (fact.rating as i32, fact.day as i32);
        let check_rating = fact.rating != NO_RATING;
        let check_day = fact.day != NO_DAY;
        let rs = postings.ratings;
        let ds = postings.days;
        add_postings(postings.keys, (shard.start, shard.end), acc, views, |k| {
            let rating_ok = !check_rating
                || rs.is_some_and(|rs| {
                    rs[k] != NO_RATING && (ra - rs[k] as i32).unsigned_abs() <= rating_tol
                });
            let day_ok = !check_day
                || ds.is_some_and(|ds| {
                    ds[k] != NO_DAY && (da - ds[k] as i32).unsigned_abs() <= date_tol
                });
            if rating_ok && day_ok { 1.0 } else { 0.0 }
        });
    }
}
