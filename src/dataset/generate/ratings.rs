//! The ratings presets' records: who rates what (netflix-like: the taste communities;
//! movielens-like: popularity alone) and the latent score behind each rating.

use super::presets::Tastes;
use super::{World, sampling_keys};
use crate::dataset::builder::EntryChunk;
use crate::rng::{AliasTable, Rng, hashed_normal};

/// The shared taste structure: communities, their cores and opinions, the head and the tail.
pub(super) struct TasteWorld {
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
    pub(super) fn new(tastes: Tastes, weights: &[f64], ranks: &[u32], seed: u64) -> TasteWorld {
        let mut rng = Rng::derive(seed, &[crate::rng::streams::GENERATE_TASTES]);
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

impl World<'_> {
    fn stars(&self, z: f64) -> u8 {
        1 + self.thresholds.iter().filter(|&&t| z > t).count() as u8
    }

    pub(super) fn rater(
        &self,
        user: u32,
        rng: &mut Rng,
        seen: &mut [bool],
        chunk: &mut EntryChunk,
    ) {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::generate::{GenerateParams, Preset, generate};

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
        let mut rng = Rng::derive(seed, &[crate::rng::streams::GENERATE_USERS, u as u64]);
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
}
