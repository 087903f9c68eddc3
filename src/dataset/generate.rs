//! Synthetic data sets with the shape of real releases.
//!
//! - `netflix-like`: the Netflix Prize's shape. 17,770 items at 480,189 users (items scale with
//!   users), log-normal activity per user (mean ~209, median ~96 ratings), the Prize's rating mix
//!   (1: 4.6%, 2: 10.1%, 3: 28.7%, 4: 33.6%, 5: 23.1%), dates 1999-11-11 to 2005-12-31 inside a
//!   per-user activity window, with more users joining late. Who rates what follows taste
//!   communities (below), calibrated so that the nearest-neighbour similarity curve matches the
//!   paper's Fig. 1 (see `datasets/README.md`).
//! - `movielens-like`: MovieLens 1M's shape: 3,706 items at 6,040 users, at least 20 ratings per
//!   user (mean ~166, median ~96), the ML-1M rating mix, dates 2000-04-25 to 2003-02-28. Items
//!   are drawn from one Zipf-like popularity, without tastes.
//! - `views-like`: a viewing log without ratings: people binge a title on runs of consecutive
//!   days and rewatch favourites; 1 title per 20 users, 2019-2023. Zipf-like popularity. One
//!   title, the *seasonal title* ([`seasonal_title`]: the 300th most popular), is also watched
//!   every day for two or three weeks in December by 0.3% of people: each of them picks a
//!   December of 2019-2023, starts between 28 November and 5 December and watches it on each of
//!   14 to 21 consecutive days (twice on some days), the material of statements like "the 53
//!   people who watched A Christmas Prince every day for 18 days". These binges come from a
//!   generator of their own, so the rest of the log is what it was without them.
//!
//! Taste communities (netflix-like). Items have a Zipf-like base popularity (weight
//! 1/(rank+90)^1.4) and a *reach* 1/(1 + (rank/5000)^5): obscure films, past the first few
//! thousand, are rated by few, as in the real data. There are 300 communities of unequal size
//! (community c is joined with weight 1/(c+1)^0.5). Each has a core: 50 to 3,000 items
//! (log-uniform) drawn without replacement by popularity^0.5 x reach, ranked in the order drawn,
//! the item at core rank k weighted 1/(k+10)^2; so a community's members all rate its first few
//! titles and fewer and fewer of the rest. A user draws n items (the activity) from three
//! sources, each supplying its share of the n distinct items (a binomial split):
//!
//! - its community's core, share (1-h) x c, where c = 0.95 u^5.5 is the user's *conformity*
//!   (u uniform): most users follow their community a little, a few closely;
//! - the head, weight reach/(rank+10)^3 (a handful of blockbusters), share h uniform in
//!   [0.01, 0.04];
//! - the tail, weight popularity^0.3 x reach, the rest: idiosyncratic picks that few others
//!   share.
//!
//! One in four users with at most 12 ratings is *mainstream* and rates from the head only. So
//! light mainstream users and close followers of a community have near twins, while most
//! records have no neighbour with a Jaccard similarity of 0.1 or more.
//!
//! Ratings are not independent draws: each is a latent score (standard normal overall) cut at the
//! normal quantiles of the rating mix, so the mix is exact in expectation and ratings carry
//! structure a predictor can learn. Without tastes the score is 0.55 user bias + 0.55 item bias +
//! noise; with tastes it is 0.2 user bias + 0.6 item bias + 0.7 x the opinion of the user's
//! community on the item (a fixed pseudo-random standard normal per community and item) + 0.33
//! noise, so that people who share a taste also agree on ratings.
//!
//! Every user draws from its own generator derived from the seed and its index, and the shared
//! structure (popularity, communities, opinions) from generators derived from the seed alone, so
//! the output is identical whatever the thread count.

use rayon::prelude::*;

use super::builder::{self, EntryChunk};
use super::{Dataset, DatasetKind, IdKey, IdTable, NO_RATING};
use crate::rng::{AliasTable, Rng, hashed_normal, normal_quantile};
use crate::{Error, Result};

/// The built-in synthetic shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// Netflix Prize shape (ratings 1-5, dates).
    NetflixLike,
    /// MovieLens 1M shape (ratings 1-5, dates).
    MovielensLike,
    /// A viewing log (no ratings, rewatches and binges).
    ViewsLike,
}

impl std::str::FromStr for Preset {
    type Err = Error;

    fn from_str(text: &str) -> Result<Preset> {
        Preset::from_name(text)
    }
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 3] = [
        Preset::NetflixLike,
        Preset::MovielensLike,
        Preset::ViewsLike,
    ];

    /// Parses a preset name.
    pub fn from_name(name: &str) -> Result<Preset> {
        crate::error::parse_named(name, &Preset::ALL, Preset::name, "preset")
    }

    /// The preset's name.
    pub fn name(self) -> &'static str {
        match self {
            Preset::NetflixLike => "netflix-like",
            Preset::MovielensLike => "movielens-like",
            Preset::ViewsLike => "views-like",
        }
    }

    /// Number of users when none is given.
    pub fn default_users(self) -> usize {
        match self {
            Preset::NetflixLike => 480_189,
            Preset::MovielensLike => 6_040,
            Preset::ViewsLike => 100_000,
        }
    }

    fn shape(self) -> Shape {
        match self {
            Preset::NetflixLike => Shape {
                items_per_user: 17_770.0 / 480_189.0,
                activity_median: 96.0,
                activity_mean: 209.0,
                activity_min: 1,
                zipf_exponent: 1.4,
                zipf_offset: 90.0,
                rating_mix: &[0.046, 0.101, 0.287, 0.336, 0.231],
                first_day: 10_906, // 1999-11-11
                last_day: 13_148,  // 2005-12-31
                window_mean_days: 420.0,
                join_skew: 2.5,
                tastes: Some(Tastes {
                    communities: 300,
                    community_skew: 0.5,
                    core_min: 50.0,
                    core_max: 3_000.0,
                    core_popularity: 0.5,
                    core_exponent: 2.0,
                    core_offset: 10.0,
                    head_exponent: 3.0,
                    head_offset: 10.0,
                    head_share: (0.01, 0.04),
                    tail_popularity: 0.3,
                    reach_rank: 5_000.0,
                    reach_exponent: 5.0,
                    conformity_max: 0.95,
                    conformity_power: 5.5,
                    mainstream_max: 12,
                    mainstream_share: 0.25,
                    user_weight: 0.2,
                    item_weight: 0.6,
                    opinion_weight: 0.7,
                }),
                seasonal: None,
            },
            Preset::MovielensLike => Shape {
                items_per_user: 3_706.0 / 6_040.0,
                activity_median: 96.0,
                activity_mean: 166.0,
                activity_min: 20,
                zipf_exponent: 1.0,
                zipf_offset: 30.0,
                rating_mix: &[0.056, 0.108, 0.261, 0.349, 0.226],
                first_day: 11_072, // 2000-04-25
                last_day: 12_111,  // 2003-02-28
                window_mean_days: 60.0,
                join_skew: 0.5,
                tastes: None,
                seasonal: None,
            },
            Preset::ViewsLike => Shape {
                items_per_user: 1.0 / 20.0,
                activity_median: 12.0,
                activity_mean: 20.0,
                activity_min: 1,
                zipf_exponent: 1.1,
                zipf_offset: 10.0,
                rating_mix: &[],
                first_day: 17_897, // 2019-01-01
                last_day: 19_722,  // 2023-12-31
                window_mean_days: 500.0,
                join_skew: 1.0,
                tastes: None,
                seasonal: Some(Seasonal {
                    rank: 300,
                    share: 0.003,
                    start_min: -3,
                    start_max: 4,
                    days: (14, 21),
                    twice: 0.3,
                }),
            },
        }
    }
}

/// Numbers that define a preset.
struct Shape {
    items_per_user: f64,
    activity_median: f64,
    activity_mean: f64,
    activity_min: usize,
    /// Base popularity: the item of popularity rank r has weight 1/(r + offset)^exponent.
    zipf_exponent: f64,
    zipf_offset: f64,
    /// Probability of each rating 1, 2, ...; empty for no ratings.
    rating_mix: &'static [f64],
    first_day: u16,
    last_day: u16,
    window_mean_days: f64,
    /// Joins have density proportional to t^join_skew over the date range.
    join_skew: f64,
    /// Taste communities; `None`: every user draws from the base popularity alone.
    tastes: Option<Tastes>,
    /// A title some people watch every day for weeks in December (views only).
    seasonal: Option<Seasonal>,
}

/// The seasonal title's December binges (see the module documentation).
#[derive(Clone, Copy, Debug)]
struct Seasonal {
    /// Its popularity rank.
    rank: usize,
    /// Share of people who binge it (in one December).
    share: f64,
    /// First possible start, days from 1 December (negative: November).
    start_min: i64,
    /// Last possible start, days from 1 December.
    start_max: i64,
    /// Shortest and longest binge, days.
    days: (i64, i64),
    /// Probability that a day of the binge has a second viewing.
    twice: f64,
}

/// Taste communities (see the module documentation). Ranks are base popularity ranks.
#[derive(Clone, Copy, Debug)]
struct Tastes {
    /// Number of communities.
    communities: usize,
    /// Community c is joined with weight 1/(c+1)^community_skew.
    community_skew: f64,
    /// Core sizes are log-uniform in [core_min, core_max] items.
    core_min: f64,
    core_max: f64,
    /// Core items are drawn without replacement with weight popularity^core_popularity x reach,
    /// and ranked in the order drawn.
    core_popularity: f64,
    /// The core item at rank k has weight 1/(k + core_offset)^core_exponent.
    core_exponent: f64,
    core_offset: f64,
    /// The head: weight reach/(rank + head_offset)^head_exponent.
    head_exponent: f64,
    head_offset: f64,
    /// A user's share of head items: uniform in this range.
    head_share: (f64, f64),
    /// The tail: weight popularity^tail_popularity x reach.
    tail_popularity: f64,
    /// Reach of the item at rank r: 1/(1 + (r/reach_rank)^reach_exponent).
    reach_rank: f64,
    reach_exponent: f64,
    /// Conformity, the share of a user's non-head items from its community's core:
    /// conformity_max x u^conformity_power, u uniform in [0, 1).
    conformity_max: f64,
    conformity_power: f64,
    /// Users with at most mainstream_max items draw from the head alone with this probability.
    mainstream_max: usize,
    mainstream_share: f64,
    /// The rating's latent score: user_weight x user bias + item_weight x item bias +
    /// opinion_weight x the community's opinion of the item + noise (the rest of unit variance).
    user_weight: f64,
    item_weight: f64,
    opinion_weight: f64,
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenerateParams {
    /// The shape.
    pub preset: Preset,
    /// Number of users (the preset's default when `None`).
    pub users: Option<usize>,
    /// The seed.
    pub seed: u64,
}

impl GenerateParams {
    /// Parameters for `preset` with its default size and seed 0.
    pub fn new(preset: Preset) -> Self {
        GenerateParams {
            preset,
            users: None,
            seed: 0,
        }
    }

    /// Sets the number of users.
    pub fn users(mut self, users: usize) -> Self {
        self.users = Some(users);
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

const USERS_PER_BLOCK: usize = 2048;
const STREAM_ITEMS: u64 = 1;
const STREAM_USERS: u64 = 2;
const STREAM_TASTES: u64 = 3;
const STREAM_SEASONAL: u64 = 4;

/// The number of items generated for `users` people of `preset`.
fn item_count(preset: Preset, users: usize) -> usize {
    ((users as f64 * preset.shape().items_per_user).round() as usize).max(20)
}

/// Item indices by popularity rank: a random permutation, so ids say nothing of popularity.
fn popularity_order(items: usize, rng: &mut Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items).collect();
    rng.shuffle(&mut order);
    order
}

/// The id of the title that `params` makes some people watch every day for weeks in December
/// (views-like only; see the module documentation).
pub fn seasonal_title(params: &GenerateParams) -> Option<String> {
    let seasonal = params.preset.shape().seasonal?;
    let users = params.users.unwrap_or(params.preset.default_users());
    let items = item_count(params.preset, users);
    let order = popularity_order(items, &mut Rng::derive(params.seed, &[STREAM_ITEMS]));
    Some((order[seasonal.rank.min(items - 1)] + 1).to_string())
}

/// Generates a data set.
pub fn generate(params: &GenerateParams) -> Result<Dataset> {
    let users = params.users.unwrap_or(params.preset.default_users());
    if users < 2 || users > u32::MAX as usize / 2 {
        return Err(Error::InvalidArgument(format!(
            "--users must be between 2 and {}, got {users}",
            u32::MAX / 2
        )));
    }
    let shape = params.preset.shape();
    let items = item_count(params.preset, users);
    let world = World::new(&shape, items, params.seed);
    let blocks = users.div_ceil(USERS_PER_BLOCK);
    let bar = crate::progress::bar(users as u64, "generating");
    let chunks: Vec<EntryChunk> = (0..blocks)
        .into_par_iter()
        .map_init(
            || vec![false; items],
            |seen, b| {
                let mut chunk = EntryChunk::default();
                let lo = b * USERS_PER_BLOCK;
                let hi = (lo + USERS_PER_BLOCK).min(users);
                for u in lo..hi {
                    let mut rng = Rng::derive(params.seed, &[STREAM_USERS, u as u64]);
                    match params.preset {
                        Preset::ViewsLike => {
                            world.viewer(u as u32, &mut rng, seen, &mut chunk);
                            let mut rng = Rng::derive(params.seed, &[STREAM_SEASONAL, u as u64]);
                            world.seasonal_binge(u as u32, &mut rng, &mut chunk);
                        }
                        _ => world.rater(u as u32, &mut rng, seen, &mut chunk),
                    }
                }
                bar.inc((hi - lo) as u64);
                chunk
            },
        )
        .collect();
    bar.finish_and_clear();
    let user_ids = IdTable::from_keys(&(1..=users as u64).map(IdKey::Num).collect::<Vec<_>>());
    let item_ids = IdTable::from_keys(&(1..=items as u64).map(IdKey::Num).collect::<Vec<_>>());
    let kind = match params.preset {
        Preset::ViewsLike => DatasetKind::Views,
        _ => DatasetKind::Ratings,
    };
    builder::build(kind, user_ids, item_ids, chunks)
        .map_err(|d| Error::InvalidArgument(format!("generator produced a duplicate entry {d:?}")))
}

/// What all users share: the items' popularity, ids and biases.
struct World<'a> {
    shape: &'a Shape,
    items: usize,
    /// Popularity weight of each item index.
    weights: Vec<f64>,
    alias: AliasTable,
    item_bias: Vec<f64>,
    thresholds: Vec<f64>,
    activity_mu: f64,
    activity_sigma: f64,
    tastes: Option<TasteWorld>,
    /// The seasonal title's item index.
    seasonal_item: Option<u32>,
}

/// The shared taste structure: communities, their cores and opinions, the head and the tail.
struct TasteWorld {
    tastes: Tastes,
    /// Draws a community for a user.
    community_alias: AliasTable,
    cores: Vec<Core>,
    /// Normalized head weights and their table.
    head: Vec<f64>,
    head_alias: AliasTable,
    /// Normalized tail weights and their table.
    tail: Vec<f64>,
    tail_alias: AliasTable,
    /// Key of the communities' opinions (see [`TasteWorld::opinion`]).
    opinion_key: u64,
}

/// A community's core: its items by core rank, their normalized weights, and their table.
struct Core {
    items: Vec<u32>,
    weights: Vec<f64>,
    alias: AliasTable,
}

fn normalized(weights: Vec<f64>) -> Vec<f64> {
    let total: f64 = weights.iter().sum();
    weights.into_iter().map(|w| w / total).collect()
}

/// Indices of the `n` largest keys, largest first (ties by index).
fn top_keys(mut keys: Vec<(f64, u32)>, n: usize) -> Vec<u32> {
    let by_key = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    keys.select_nth_unstable_by(n - 1, by_key);
    keys.truncate(n);
    keys.sort_unstable_by(by_key);
    keys.into_iter().map(|k| k.1).collect()
}

/// Efraimidis-Spirakis keys: the n largest ln(u)/w are a weighted sample without replacement,
/// in the order a sequential weighted draw would give.
fn sampling_keys(weights: &[f64], rng: &mut Rng) -> Vec<(f64, u32)> {
    weights
        .iter()
        .enumerate()
        .map(|(i, &w)| (libm::log(rng.f64_open0()) / w, i as u32))
        .collect()
}

/// Number of successes in `n` trials of probability `p`, by skipping over the failures (one
/// draw per success of the rarer outcome).
fn binomial(n: usize, p: f64, rng: &mut Rng) -> usize {
    if p > 0.5 {
        return n - binomial(n, 1.0 - p, rng);
    }
    if p <= 0.0 {
        return 0;
    }
    let log_q = libm::log1p(-p);
    let (mut successes, mut trial) = (0, 0.0);
    loop {
        trial += libm::floor(libm::log(rng.f64_open0()) / log_q) + 1.0;
        if trial > n as f64 {
            return successes;
        }
        successes += 1;
    }
}

/// Draws items until `want` new ones (not yet `seen`) are added to `out` or `tries` draws are
/// spent; returns how many are missing.
fn take_distinct(
    out: &mut Vec<u32>,
    seen: &mut [bool],
    want: usize,
    tries: usize,
    mut draw: impl FnMut() -> usize,
) -> usize {
    let mut got = 0;
    for _ in 0..tries {
        if got == want {
            break;
        }
        let i = draw();
        if !seen[i] {
            seen[i] = true;
            out.push(i as u32);
            got += 1;
        }
    }
    want - got
}

impl TasteWorld {
    fn new(tastes: Tastes, weights: &[f64], ranks: &[u32], seed: u64) -> TasteWorld {
        let mut rng = Rng::derive(seed, &[STREAM_TASTES]);
        let items = weights.len();
        let t = tastes;
        let reach: Vec<f64> = ranks
            .iter()
            .map(|&r| 1.0 / (1.0 + libm::pow(r as f64 / t.reach_rank, t.reach_exponent)))
            .collect();
        let select: Vec<f64> = weights
            .iter()
            .zip(&reach)
            .map(|(&w, &a)| libm::pow(w, t.core_popularity) * a)
            .collect();
        let span = libm::log(t.core_max / t.core_min);
        let cores = (0..t.communities)
            .map(|_| {
                let size = (t.core_min * libm::exp(span * rng.f64())).round() as usize;
                let core_items = top_keys(sampling_keys(&select, &mut rng), size.clamp(1, items));
                let core_weights = normalized(
                    (0..core_items.len())
                        .map(|k| 1.0 / libm::pow(k as f64 + t.core_offset, t.core_exponent))
                        .collect(),
                );
                Core {
                    items: core_items,
                    alias: AliasTable::new(&core_weights),
                    weights: core_weights,
                }
            })
            .collect();
        let opinion_key = rng.next_u64();
        let head = normalized(
            ranks
                .iter()
                .zip(&reach)
                .map(|(&r, &a)| a / libm::pow(r as f64 + t.head_offset, t.head_exponent))
                .collect(),
        );
        let tail = normalized(
            weights
                .iter()
                .zip(&reach)
                .map(|(&w, &a)| libm::pow(w, t.tail_popularity) * a)
                .collect(),
        );
        let sizes: Vec<f64> = (0..t.communities)
            .map(|c| 1.0 / libm::pow(c as f64 + 1.0, t.community_skew))
            .collect();
        TasteWorld {
            tastes,
            community_alias: AliasTable::new(&sizes),
            cores,
            head_alias: AliasTable::new(&head),
            head,
            tail_alias: AliasTable::new(&tail),
            tail,
            opinion_key,
        }
    }

    /// Community `c`'s opinion of item `i`: nearly standard normal, independent across
    /// communities and items, fixed by the seed, computed when needed (a table of them would
    /// be tens of MB, slower to look up than to recompute).
    fn opinion(&self, c: u32, i: u32) -> f64 {
        hashed_normal(self.opinion_key ^ ((c as u64) << 32 | i as u64))
    }

    /// A user's taste: its community and the shares of core, head and tail among its n items.
    fn taste(&self, n: usize, rng: &mut Rng) -> Taste {
        let t = &self.tastes;
        if n <= t.mainstream_max && rng.bernoulli(t.mainstream_share) {
            return Taste {
                community: self.community_alias.sample(rng) as u32,
                core: 0.0,
                head: 1.0,
            };
        }
        let head = t.head_share.0 + (t.head_share.1 - t.head_share.0) * rng.f64();
        let conformity = t.conformity_max * libm::pow(rng.f64(), t.conformity_power);
        Taste {
            community: self.community_alias.sample(rng) as u32,
            core: (1.0 - head) * conformity,
            head,
        }
    }

    /// `n` distinct items drawn from `taste`, sorted; `seen` is all false on entry and exit.
    fn draw(&self, taste: &Taste, n: usize, rng: &mut Rng, seen: &mut [bool]) -> Vec<u32> {
        let items = self.tail.len();
        let core = &self.cores[taste.community as usize];
        let mut out = Vec::with_capacity(n);
        if n * 4 <= items {
            // Core, head and tail each supply their share of the n distinct items (a binomial
            // split). The core supplies all of its share (all of the core if it is smaller):
            // weighted draws without replacement, by rejection while that is quick, then
            // Efraimidis-Spirakis on what is left of it. What the core or the head cannot supply
            // (the head: in 20 tries per item) passes on, and the tail, which covers every item,
            // takes the rest.
            let from_core = binomial(n, taste.core, rng);
            let rest = 1.0 - taste.core;
            let head_p = if rest > 0.0 {
                (taste.head / rest).min(1.0)
            } else {
                0.0
            };
            let from_head = binomial(n - from_core, head_p, rng);
            let mut left = take_distinct(&mut out, seen, from_core, 4 * from_core + 16, || {
                core.items[core.alias.sample(rng)] as usize
            });
            if left > 0 {
                let keys: Vec<(f64, u32)> = core
                    .items
                    .iter()
                    .zip(&core.weights)
                    .filter(|(i, _)| !seen[**i as usize])
                    .map(|(&i, &w)| (libm::log(rng.f64_open0()) / w, i))
                    .collect();
                let k = left.min(keys.len());
                if k > 0 {
                    for i in top_keys(keys, k) {
                        seen[i as usize] = true;
                        out.push(i);
                    }
                }
                left -= k;
            }
            let want = from_head + left;
            let left = take_distinct(&mut out, seen, want, 20 * want + 100, || {
                self.head_alias.sample(rng)
            });
            let want = n - from_core - from_head + left;
            take_distinct(&mut out, seen, want, usize::MAX, || {
                self.tail_alias.sample(rng)
            });
            for &i in &out {
                seen[i as usize] = false;
            }
        } else {
            // Efraimidis-Spirakis on the user's mixture of core, head and tail.
            let tail_share = 1.0 - taste.core - taste.head;
            let mut mixture: Vec<f64> = self
                .head
                .iter()
                .zip(&self.tail)
                .map(|(h, t)| taste.head * h + tail_share * t)
                .collect();
            for (&i, &w) in core.items.iter().zip(&core.weights) {
                mixture[i as usize] += taste.core * w;
            }
            out = top_keys(sampling_keys(&mixture, rng), n);
        }
        out.sort_unstable();
        out
    }
}

/// One user's taste.
struct Taste {
    /// Its community.
    community: u32,
    /// Shares of its items from the community's core and from the head (the tail has the rest).
    core: f64,
    head: f64,
}

impl<'a> World<'a> {
    fn new(shape: &'a Shape, items: usize, seed: u64) -> Self {
        let mut rng = Rng::derive(seed, &[STREAM_ITEMS]);
        let order = popularity_order(items, &mut rng);
        let seasonal_item = shape.seasonal.map(|s| order[s.rank.min(items - 1)] as u32);
        let mut weights = vec![0.0; items];
        let mut ranks = vec![0u32; items];
        for (rank, &item) in order.iter().enumerate() {
            weights[item] = 1.0 / libm::pow(rank as f64 + shape.zipf_offset, shape.zipf_exponent);
            ranks[item] = rank as u32;
        }
        let item_bias = (0..items).map(|_| rng.normal()).collect();
        let mut cumulative = 0.0;
        let mut thresholds = Vec::new();
        for p in shape
            .rating_mix
            .iter()
            .take(shape.rating_mix.len().saturating_sub(1))
        {
            cumulative += p;
            thresholds.push(normal_quantile(cumulative));
        }
        let activity_mu = libm::log(shape.activity_median);
        let activity_sigma =
            libm::sqrt(2.0 * libm::log(shape.activity_mean / shape.activity_median));
        let tastes = shape
            .tastes
            .map(|t| TasteWorld::new(t, &weights, &ranks, seed));
        World {
            shape,
            items,
            alias: AliasTable::new(&weights),
            weights,
            item_bias,
            thresholds,
            activity_mu,
            activity_sigma,
            tastes,
            seasonal_item,
        }
    }

    fn activity(&self, rng: &mut Rng, cap: usize) -> usize {
        let n = rng
            .log_normal(self.activity_mu, self.activity_sigma)
            .round() as usize;
        n.clamp(self.shape.activity_min.min(cap), cap)
    }

    /// The user's activity window [start, end] in days.
    fn window(&self, rng: &mut Rng) -> (i64, i64) {
        let first = self.shape.first_day as i64;
        let last = self.shape.last_day as i64;
        let span = (last - first) as f64;
        let join = first + (span * libm::pow(rng.f64(), 1.0 / (1.0 + self.shape.join_skew))) as i64;
        let length = rng.exponential(self.shape.window_mean_days) as i64;
        (join, (join + length).min(last))
    }

    /// `n` distinct items drawn by popularity, sorted.
    fn draw_items(&self, n: usize, rng: &mut Rng, seen: &mut [bool]) -> Vec<u32> {
        let mut out = Vec::with_capacity(n);
        if n * 4 <= self.items {
            while out.len() < n {
                let i = self.alias.sample(rng);
                if !seen[i] {
                    seen[i] = true;
                    out.push(i as u32);
                }
            }
            for &i in &out {
                seen[i as usize] = false;
            }
        } else {
            // Efraimidis-Spirakis: the n largest ln(u)/w are a weighted sample without replacement.
            let mut keys = sampling_keys(&self.weights, rng);
            keys.select_nth_unstable_by(n - 1, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            out.extend(keys[..n].iter().map(|k| k.1));
        }
        out.sort_unstable();
        out
    }

    fn stars(&self, z: f64) -> u8 {
        1 + self.thresholds.iter().filter(|&&t| z > t).count() as u8
    }

    fn rater(&self, user: u32, rng: &mut Rng, seen: &mut [bool], chunk: &mut EntryChunk) {
        let n = self.activity(rng, self.items * 19 / 20);
        let user_bias = rng.normal();
        let (start, end) = self.window(rng);
        let Some(tw) = &self.tastes else {
            for item in self.draw_items(n, rng, seen) {
                let z =
                    0.55 * user_bias + 0.55 * self.item_bias[item as usize] + 0.629 * rng.normal();
                let day = rng.range_inclusive(start, end) as u16;
                chunk.push(user, item, self.stars(z) * 2, day);
            }
            return;
        };
        let taste = tw.taste(n, rng);
        let t = &tw.tastes;
        let (a, b, c) = (t.user_weight, t.item_weight, t.opinion_weight);
        let noise = libm::sqrt((1.0 - a * a - b * b - c * c).max(0.0));
        for item in tw.draw(&taste, n, rng, seen) {
            let z = a * user_bias
                + b * self.item_bias[item as usize]
                + c * tw.opinion(taste.community, item)
                + noise * rng.normal();
            let day = rng.range_inclusive(start, end) as u16;
            chunk.push(user, item, self.stars(z) * 2, day);
        }
    }

    /// The seasonal title's December binge, for the share of people who have one.
    fn seasonal_binge(&self, user: u32, rng: &mut Rng, chunk: &mut EntryChunk) {
        let (Some(s), Some(item)) = (self.shape.seasonal, self.seasonal_item) else {
            return;
        };
        if !rng.bernoulli(s.share) {
            return;
        }
        let (first, last) = (self.shape.first_day as i64, self.shape.last_day as i64);
        let (first_year, _, _) = super::values::civil_from_days(first);
        let (last_year, _, _) = super::values::civil_from_days(last);
        let year = rng.range_inclusive(first_year, last_year);
        let start = super::values::days_from_civil(year, 12, 1)
            + rng.range_inclusive(s.start_min, s.start_max);
        let length = rng.range_inclusive(s.days.0, s.days.1);
        for day in start.max(first)..(start + length).min(last + 1) {
            let views = 1 + rng.bernoulli(s.twice) as usize;
            for _ in 0..views {
                chunk.push(user, item, NO_RATING, day as u16);
            }
        }
    }

    fn viewer(&self, user: u32, rng: &mut Rng, seen: &mut [bool], chunk: &mut EntryChunk) {
        let titles = self.activity(rng, self.items / 2);
        let (start, end) = self.window(rng);
        let last = self.shape.last_day as i64;
        for item in self.draw_items(titles, rng, seen) {
            let runs = if rng.bernoulli(0.15) {
                2 + rng.below(4)
            } else {
                1
            };
            for _ in 0..runs {
                let first = rng.range_inclusive(start, end);
                let length = rng.geometric(0.35) as i64;
                for day in first..(first + length).min(last + 1) {
                    chunk.push(user, item, NO_RATING, day as u16);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data_other_seed_other_data() {
        let p = GenerateParams::new(Preset::NetflixLike).users(3000).seed(9);
        let a = generate(&p).unwrap();
        let b = generate(&p).unwrap();
        let c = generate(&p.clone().seed(10)).unwrap();
        assert_eq!(a.by_record().keys[..], b.by_record().keys[..]);
        assert_eq!(a.by_record().days[..], b.by_record().days[..]);
        assert_ne!(a.by_record().keys[..], c.by_record().keys[..]);
    }

    #[test]
    fn netflix_like_rating_mix_and_dates() {
        let d = generate(
            &GenerateParams::new(Preset::NetflixLike)
                .users(20_000)
                .seed(1),
        )
        .unwrap();
        let ratings = &d.by_record().ratings;
        let mut hist = [0usize; 6];
        for &r in ratings.iter() {
            hist[(r / 2) as usize] += 1;
        }
        let total = ratings.len() as f64;
        for (stars, want) in [(1, 0.046), (2, 0.101), (3, 0.287), (4, 0.336), (5, 0.231)] {
            let got = hist[stars] as f64 / total;
            assert!((got - want).abs() < 0.02, "{stars} stars: {got} vs {want}");
        }
        let days = &d.by_record().days;
        assert!(days.iter().all(|&x| (10_906..=13_148).contains(&x)));
        let mean = total / d.num_records() as f64;
        assert!((150.0..280.0).contains(&mean), "mean activity {mean}");
    }

    /// The taste of user `u` as the generator drew it (mirrors the start of `rater`).
    fn taste_of(world: &World, seed: u64, u: usize) -> Taste {
        let mut rng = Rng::derive(seed, &[STREAM_USERS, u as u64]);
        let n = world.activity(&mut rng, world.items * 19 / 20);
        rng.normal();
        world.window(&mut rng);
        world.tastes.as_ref().unwrap().taste(n, &mut rng)
    }

    #[test]
    fn netflix_like_communities_share_items_and_opinions() {
        let (users, seed) = (20_000, 4);
        let d = generate(
            &GenerateParams::new(Preset::NetflixLike)
                .users(users)
                .seed(seed),
        )
        .unwrap();
        let shape = Preset::NetflixLike.shape();
        let world = World::new(&shape, d.num_items(), seed);
        let tastes: Vec<Taste> = (0..users).map(|u| taste_of(&world, seed, u)).collect();
        // Per pair of records (= users, in order): Jaccard of the item sets, shared items, shared
        // items with the same rating.
        let pair = |a: usize, b: usize| {
            let (ra, rb) = (d.record(a as u32), d.record(b as u32));
            let (mut i, mut j, mut shared, mut agree) = (0, 0, 0, 0);
            while i < ra.len() && j < rb.len() {
                match ra.keys[i].cmp(&rb.keys[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        shared += 1;
                        agree += usize::from(ra.rating(i) == rb.rating(j));
                        i += 1;
                        j += 1;
                    }
                }
            }
            let union = ra.len() + rb.len() - shared;
            (shared as f64 / union as f64, shared, agree)
        };
        // Sums over pairs in the same community and in different ones: (Jaccard, pairs, shared
        // items, shared items with the same rating). `followers` draws people who take at
        // least half their items from their community's core.
        type Sums = (f64, usize, usize, usize);
        let add = |acc: &mut Sums, (j, shared, agree): (f64, usize, usize)| {
            *acc = (acc.0 + j, acc.1 + 1, acc.2 + shared, acc.3 + agree);
        };
        let measure = |followers: bool| {
            let mut by_community = vec![Vec::new(); world.tastes.as_ref().unwrap().cores.len()];
            for (u, taste) in tastes.iter().enumerate() {
                if !followers || taste.core >= 0.5 {
                    by_community[taste.community as usize].push(u);
                }
            }
            let pool: Vec<usize> = by_community
                .iter()
                .filter(|m| m.len() >= 2)
                .flatten()
                .copied()
                .collect();
            let (mut same, mut other): (Sums, Sums) = Default::default();
            let mut rng = Rng::seed_from(7);
            while same.1 < 5_000 {
                let a = pool[rng.below(pool.len() as u64) as usize];
                let mates = &by_community[tastes[a].community as usize];
                let b = mates[rng.below(mates.len() as u64) as usize];
                if b != a {
                    add(&mut same, pair(a, b));
                }
                let b = pool[rng.below(pool.len() as u64) as usize];
                if tastes[b].community != tastes[a].community {
                    add(&mut other, pair(a, b));
                }
            }
            (
                same.0 / same.1 as f64,
                other.0 / other.1 as f64,
                same.3 as f64 / same.2 as f64,
                other.3 as f64 / other.2 as f64,
            )
        };
        // Close followers of one community rate many of the same titles (about twice the
        // overlap of followers of different communities at this scale: 0.20 vs 0.10), and
        // anyone rates a shared title like people of the same community more often (0.58 vs
        // 0.33 at this scale).
        let (same, other, _, _) = measure(true);
        assert!(same > 1.5 * other, "followers' Jaccard: {same} vs {other}");
        let (_, _, same, other) = measure(false);
        assert!(same > other + 0.15, "rating agreement: {same} vs {other}");
    }

    #[test]
    fn views_like_seasonal_title_is_binged_in_december() {
        use crate::dataset::cohort::{self, Rule, Subject, Window};
        use crate::dataset::values::days_from_civil;
        let params = GenerateParams::new(Preset::ViewsLike).users(20_000).seed(3);
        let d = generate(&params).unwrap();
        let title = seasonal_title(&params).unwrap();
        let item = cohort::item_index(&d, &title, "item").unwrap();
        // Its popularity rank is 300 (of 1,000): a title many watch the usual way too.
        assert!(d.support(item) > 100, "supp {}", d.support(item));
        let streak = |days: u32, from: i64, to: i64| {
            let window = Window {
                from: Some(from as u16),
                to: Some(to as u16),
            };
            let rule = Rule::Streak {
                subject: Subject::Item(item),
                days,
            };
            cohort::select(&d, &rule, &window).len()
        };
        // 0.3% of 20,000: about 60 binges of 14 to 21 days over five Decembers (starting
        // 28 November to 5 December); ordinary runs of 14 days are rare (0.65^13 = 0.4%).
        let december = |year: i64, days: u32| {
            streak(
                days,
                days_from_civil(year, 11, 28),
                days_from_civil(year, 12, 31),
            )
        };
        let binges: usize = (2019..=2023).map(|y| december(y, 14)).sum();
        assert!((35..=95).contains(&binges), "{binges} December binges");
        let long: usize = (2019..=2023).map(|y| december(y, 22)).sum();
        assert!(long <= 2, "{long} binges longer than 21 days");
        // Outside December (here: the whole of June of each year) 14-day streaks are rare.
        let june: usize = (2019..=2023)
            .map(|y| streak(14, days_from_civil(y, 6, 1), days_from_civil(y, 6, 30)))
            .sum();
        assert!(june * 5 < binges, "{june} June streaks vs {binges}");
    }

    #[test]
    fn views_like_has_rewatches_and_no_ratings() {
        let d = generate(&GenerateParams::new(Preset::ViewsLike).users(2000).seed(2)).unwrap();
        assert_eq!(d.kind(), DatasetKind::Views);
        assert!(!d.has_ratings());
        let repeats = (0..d.num_records() as u32)
            .filter(|&r| d.record(r).keys.windows(2).any(|w| w[0] == w[1]))
            .count();
        assert!(repeats > d.num_records() / 2, "{repeats}");
    }
}
