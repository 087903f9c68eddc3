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
use super::{Dataset, DatasetKind, IdKey, IdTable};
use crate::rng::streams;
use crate::rng::{AliasTable, Rng, normal_quantile};
use crate::{Error, Result};

pub mod attributes;
mod presets;
mod ratings;
mod views;

pub use presets::Preset;
use presets::Shape;
use ratings::TasteWorld;

/// The seed of a generation left unset.
pub const DEFAULT_SEED: u64 = 0;

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenerateParams {
    /// The shape.
    pub preset: Preset,
    /// Number of users (the preset's default when `None`).
    pub users: Option<usize>,
    /// The seed.
    pub seed: u64,
    /// Whether people get synthetic attributes (age, gender, region: [`attributes`]).
    pub attributes: bool,
}

impl GenerateParams {
    /// Parameters for `preset` with its default size, seed 0 and attributes.
    pub fn new(preset: Preset) -> Self {
        GenerateParams {
            preset,
            users: None,
            seed: DEFAULT_SEED,
            attributes: true,
        }
    }

    /// Leaves the people's attributes out (or puts them in).
    pub fn attributes(mut self, attributes: bool) -> Self {
        self.attributes = attributes;
        self
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
    let order = popularity_order(
        items,
        &mut Rng::derive(params.seed, &[streams::GENERATE_ITEMS]),
    );
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
                    let mut rng = Rng::derive(params.seed, &[streams::GENERATE_USERS, u as u64]);
                    match params.preset {
                        Preset::ViewsLike => {
                            world.viewer(u as u32, &mut rng, seen, &mut chunk);
                            let mut rng =
                                Rng::derive(params.seed, &[streams::GENERATE_SEASONAL, u as u64]);
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
    let mut data = builder::build(kind, user_ids, item_ids, chunks).map_err(|d| {
        Error::InvalidArgument(format!("generator produced a duplicate entry ({d})"))
    })?;
    if params.attributes {
        data.set_people(attributes::people(users, params.seed));
    }
    // The generator's items and scale are its own, fixed before any person is drawn: a public
    // catalogue and a declared scale (whole stars, 1 to 5).
    let scale = (kind == DatasetKind::Ratings).then_some(crate::dataset::RatingScale {
        min: 2,
        max: 10,
        step: 2,
    });
    data.declare(true, scale);
    Ok(data)
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

impl<'a> World<'a> {
    fn new(shape: &'a Shape, items: usize, seed: u64) -> Self {
        let mut rng = Rng::derive(seed, &[streams::GENERATE_ITEMS]);
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
}
