//! Synthetic data sets with the shape of real releases.
//!
//! - `netflix-like`: the Netflix Prize's shape. 17,770 items at 480,189 users (items scale with
//!   users), Zipf-like item popularity (the most popular item held by about half the users at
//!   full scale), log-normal activity per user (mean ~209, median ~96 ratings), the Prize's
//!   rating mix (1: 4.6%, 2: 10.1%, 3: 28.7%, 4: 33.6%, 5: 23.1%), dates 1999-11-11 to
//!   2005-12-31 inside a per-user activity window, with more users joining late.
//! - `movielens-like`: MovieLens 1M's shape: 3,706 items at 6,040 users, at least 20 ratings per
//!   user (mean ~166, median ~96), the ML-1M rating mix, dates 2000-04-25 to 2003-02-28.
//! - `views-like`: a viewing log without ratings: people binge a title on runs of consecutive
//!   days and rewatch favourites; 1 title per 20 users, 2019-2023.
//!
//! Ratings are not independent draws: each is a latent score (user bias + item bias + noise,
//! standard normal overall) cut at the normal quantiles of the rating mix, so the mix is exact in
//! expectation and ratings carry the user and item structure a predictor can learn.
//!
//! Every user draws from its own generator derived from the seed and its index, so the output is
//! identical whatever the thread count.

use rayon::prelude::*;

use super::builder::{self, EntryChunk};
use super::{Dataset, DatasetKind, IdKey, IdTable, NO_RATING};
use crate::rng::{AliasTable, Rng, normal_quantile};
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

impl Preset {
    /// Parses a preset name.
    pub fn from_name(name: &str) -> Result<Preset> {
        match name {
            "netflix-like" => Ok(Preset::NetflixLike),
            "movielens-like" => Ok(Preset::MovielensLike),
            "views-like" => Ok(Preset::ViewsLike),
            other => Err(Error::InvalidArgument(format!(
                "unknown preset '{other}' (expected netflix-like, movielens-like or views-like)"
            ))),
        }
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
    zipf_exponent: f64,
    zipf_offset: f64,
    /// Probability of each rating 1, 2, ...; empty for no ratings.
    rating_mix: &'static [f64],
    first_day: u16,
    last_day: u16,
    window_mean_days: f64,
    /// Joins have density proportional to t^join_skew over the date range.
    join_skew: f64,
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
    let items = ((users as f64 * shape.items_per_user).round() as usize).max(20);
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
                        Preset::ViewsLike => world.viewer(u as u32, &mut rng, seen, &mut chunk),
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
}

impl<'a> World<'a> {
    fn new(shape: &'a Shape, items: usize, seed: u64) -> Self {
        let mut rng = Rng::derive(seed, &[STREAM_ITEMS]);
        // Popularity rank -> item index: a random permutation, so ids say nothing of popularity.
        let mut order: Vec<usize> = (0..items).collect();
        rng.shuffle(&mut order);
        let mut weights = vec![0.0; items];
        for (rank, &item) in order.iter().enumerate() {
            weights[item] = 1.0 / libm::pow(rank as f64 + shape.zipf_offset, shape.zipf_exponent);
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
        World {
            shape,
            items,
            alias: AliasTable::new(&weights),
            weights,
            item_bias,
            thresholds,
            activity_mu,
            activity_sigma,
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
            let mut keys: Vec<(f64, u32)> = self
                .weights
                .iter()
                .enumerate()
                .map(|(i, &w)| (libm::log(rng.f64_open0()) / w, i as u32))
                .collect();
            keys.select_nth_unstable_by(n - 1, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            out.extend(keys[..n].iter().map(|k| k.1));
        }
        out.sort_unstable();
        out
    }

    fn rater(&self, user: u32, rng: &mut Rng, seen: &mut [bool], chunk: &mut EntryChunk) {
        let n = self.activity(rng, self.items * 19 / 20);
        let user_bias = rng.normal();
        let (start, end) = self.window(rng);
        let items = self.draw_items(n, rng, seen);
        for item in items {
            let z = 0.55 * user_bias + 0.55 * self.item_bias[item as usize] + 0.629 * rng.normal();
            let stars = 1 + self.thresholds.iter().filter(|&&t| z > t).count() as u8;
            let day = rng.range_inclusive(start, end) as u16;
            chunk.push(user, item, stars * 2, day);
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
