//! The built-in shapes: the presets, their names and sizes, and the numbers that define each
//! (activity, popularity, rating mix, dates, taste communities, the seasonal title).

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

    pub(super) fn shape(self) -> Shape {
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
pub(super) struct Shape {
    pub(super) items_per_user: f64,
    pub(super) activity_median: f64,
    pub(super) activity_mean: f64,
    pub(super) activity_min: usize,
    /// Base popularity: the item of popularity rank r has weight 1/(r + offset)^exponent.
    pub(super) zipf_exponent: f64,
    pub(super) zipf_offset: f64,
    /// Probability of each rating 1, 2, ...; empty for no ratings.
    pub(super) rating_mix: &'static [f64],
    pub(super) first_day: u16,
    pub(super) last_day: u16,
    pub(super) window_mean_days: f64,
    /// Joins have density proportional to t^join_skew over the date range.
    pub(super) join_skew: f64,
    /// Taste communities; `None`: every user draws from the base popularity alone.
    pub(super) tastes: Option<Tastes>,
    /// A title some people watch every day for weeks in December (views only).
    pub(super) seasonal: Option<Seasonal>,
}

/// The seasonal title's December binges (see the module documentation).
#[derive(Clone, Copy, Debug)]
pub(super) struct Seasonal {
    /// Its popularity rank.
    pub(super) rank: usize,
    /// Share of people who binge it (in one December).
    pub(super) share: f64,
    /// First possible start, days from 1 December (negative: November).
    pub(super) start_min: i64,
    /// Last possible start, days from 1 December.
    pub(super) start_max: i64,
    /// Shortest and longest binge, days.
    pub(super) days: (i64, i64),
    /// Probability that a day of the binge has a second viewing.
    pub(super) twice: f64,
}

/// Taste communities (see the module documentation). Ranks are base popularity ranks.
#[derive(Clone, Copy, Debug)]
pub(super) struct Tastes {
    /// Number of communities.
    pub(super) communities: usize,
    /// Community c is joined with weight 1/(c+1)^community_skew.
    pub(super) community_skew: f64,
    /// Core sizes are log-uniform in [core_min, core_max] items.
    pub(super) core_min: f64,
    pub(super) core_max: f64,
    /// Core items are drawn without replacement with weight popularity^core_popularity x reach,
    /// and ranked in the order drawn.
    pub(super) core_popularity: f64,
    /// The core item at rank k has weight 1/(k + core_offset)^core_exponent.
    pub(super) core_exponent: f64,
    pub(super) core_offset: f64,
    /// The head: weight reach/(rank + head_offset)^head_exponent.
    pub(super) head_exponent: f64,
    pub(super) head_offset: f64,
    /// A user's share of head items: uniform in this range.
    pub(super) head_share: (f64, f64),
    /// The tail: weight popularity^tail_popularity x reach.
    pub(super) tail_popularity: f64,
    /// Reach of the item at rank r: 1/(1 + (r/reach_rank)^reach_exponent).
    pub(super) reach_rank: f64,
    pub(super) reach_exponent: f64,
    /// Conformity, the share of a user's non-head items from its community's core:
    /// conformity_max x u^conformity_power, u uniform in [0, 1).
    pub(super) conformity_max: f64,
    pub(super) conformity_power: f64,
    /// Users with at most mainstream_max items draw from the head alone with this probability.
    pub(super) mainstream_max: usize,
    pub(super) mainstream_share: f64,
    /// The rating's latent score: user_weight x user bias + item_weight x item bias +
    /// opinion_weight x the community's opinion of the item + noise (the rest of unit variance).
    pub(super) user_weight: f64,
    pub(super) item_weight: f64,
    pub(super) opinion_weight: f64,
}
