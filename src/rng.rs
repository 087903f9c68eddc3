//! Seeded pseudo-random numbers and the few distributions the tool draws from.
//!
//! Results must be reproducible bit for bit from a seed, across runs, thread counts and
//! dependency upgrades. So the generator (xoshiro256++, seeded through SplitMix64) and every
//! distribution are implemented here, in a few lines each, and the transcendental functions come
//! from `libm` (pure Rust), not the platform's C library. A dependency bump can then never change
//! a published figure.
//!
//! Parallel work never shares a generator: each unit of work (a user, a block, an aux record)
//! derives its own with [`Rng::derive`] from the run's seed and the unit's indices.

pub mod streams;

/// A xoshiro256++ generator.
#[derive(Clone, Debug)]
pub struct Rng {
    state: [u64; 4],
}

fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator seeded from one 64-bit seed.
    pub fn seed_from(seed: u64) -> Self {
        let mut x = seed;
        let state = [
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
        ];
        Rng { state }
    }

    /// An independent generator for one unit of work: the seed mixed with a path of indices
    /// (for example `[stream, user]`). Different paths give unrelated streams.
    pub fn derive(seed: u64, path: &[u64]) -> Self {
        let mut x = seed;
        let mut h = splitmix64(&mut x);
        for &p in path {
            let mut y = h ^ p.wrapping_mul(0xD6E8_FEB8_6659_FD93);
            h = splitmix64(&mut y);
        }
        Rng::seed_from(h)
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1), 53 bits of precision.
    #[inline]
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    #[inline]
    pub fn f64_open0(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n), without modulo bias (Lemire's method). `n` must be > 0.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        let mut m = (self.next_u64() as u128) * (n as u128);
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = (self.next_u64() as u128) * (n as u128);
            }
        }
        (m >> 64) as u64
    }

    /// Uniform integer in [lo, hi] (inclusive).
    #[inline]
    pub fn range_inclusive(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// True with probability `p`.
    #[inline]
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Standard normal (Box-Muller, one value per call).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.f64_open0();
        let u2 = self.f64();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
    }

    /// Log-normal with the given parameters of the underlying normal.
    pub fn log_normal(&mut self, mu: f64, sigma: f64) -> f64 {
        libm::exp(mu + sigma * self.normal())
    }

    /// Exponential with the given mean.
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * libm::log(self.f64_open0())
    }

    /// Laplace with location 0 and the given scale.
    pub fn laplace(&mut self, scale: f64) -> f64 {
        let u = self.f64() - 0.5;
        let magnitude = -scale * libm::log(1.0 - 2.0 * u.abs());
        if u < 0.0 { -magnitude } else { magnitude }
    }

    /// Geometric number of trials until the first success (>= 1) with success probability `p`.
    pub fn geometric(&mut self, p: f64) -> u64 {
        if p >= 1.0 {
            return 1;
        }
        let u = self.f64_open0();
        1 + libm::floor(libm::log(u) / libm::log(1.0 - p)) as u64
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }

    /// `n` of `pool` (all of it when it holds fewer), drawn without replacement by a partial
    /// Fisher-Yates shuffle of a copy (position k swapped with k + below(len - k)), sorted.
    pub fn sample_sorted(&mut self, pool: &[u32], n: usize) -> Vec<u32> {
        let mut pool = pool.to_vec();
        let n = n.min(pool.len());
        for k in 0..n {
            let j = k + self.below((pool.len() - k) as u64) as usize;
            pool.swap(k, j);
        }
        pool.truncate(n);
        pool.sort_unstable();
        pool
    }
}

/// Walker/Vose alias table: draws an index with probability proportional to its weight in O(1).
#[derive(Clone, Debug)]
pub struct AliasTable {
    probability: Vec<f64>,
    alias: Vec<u32>,
}

impl AliasTable {
    /// Builds the table. Weights must be finite, non-negative, and not all zero.
    pub fn new(weights: &[f64]) -> Self {
        let n = weights.len();
        assert!(
            n > 0 && n <= u32::MAX as usize,
            "alias table needs 1..2^32 weights"
        );
        let total: f64 = weights.iter().sum();
        assert!(
            total > 0.0 && total.is_finite(),
            "alias table weights must sum to > 0"
        );
        let mut probability: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let mut alias = vec![0u32; n];
        let mut small = Vec::new();
        let mut large = Vec::new();
        for (i, &p) in probability.iter().enumerate() {
            if p < 1.0 {
                small.push(i);
            } else {
                large.push(i);
            }
        }
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            alias[s] = l as u32;
            probability[l] -= 1.0 - probability[s];
            if probability[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        for i in small.into_iter().chain(large) {
            probability[i] = 1.0;
        }
        AliasTable { probability, alias }
    }

    /// Number of outcomes.
    pub fn len(&self) -> usize {
        self.probability.len()
    }

    /// Whether the table has no outcomes (never true for a built table).
    pub fn is_empty(&self) -> bool {
        self.probability.is_empty()
    }

    /// Draws one index.
    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> usize {
        let i = rng.below(self.probability.len() as u64) as usize;
        if rng.f64() < self.probability[i] {
            i
        } else {
            self.alias[i] as usize
        }
    }
}

/// The 2.5th and 97.5th percentiles of `values` (a bootstrap distribution): a 95% interval;
/// `None` when there are none.
pub fn percentile_interval(mut values: Vec<f64>) -> Option<[f64; 2]> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at =
        |q: f64| values[((q * (values.len() - 1) as f64).round() as usize).min(values.len() - 1)];
    Some([at(0.025), at(0.975)])
}

/// A 95% percentile-bootstrap interval of the mean of `values`: `resamples` resamples with
/// replacement drawn from `rng`; `None` without values or resamples. For a mean that is not a
/// proportion (a proportion takes [`crate::interval::wilson_mean`]).
pub fn bootstrap_mean_interval(
    values: &[f64],
    resamples: usize,
    rng: &mut Rng,
) -> Option<[f64; 2]> {
    if values.is_empty() || resamples == 0 {
        return None;
    }
    let n = values.len();
    let means = (0..resamples)
        .map(|_| {
            (0..n)
                .map(|_| values[rng.below(n as u64) as usize])
                .sum::<f64>()
                / n as f64
        })
        .collect();
    percentile_interval(means)
}

/// A fixed, nearly standard normal value for a key, without a generator: the standardized sum of
/// the 8 bytes of the key's SplitMix64 hash (Irwin-Hall, so within +-4.9). For large tables of
/// pseudo-random values that are cheaper to recompute than to store and look up.
#[inline]
pub fn hashed_normal(key: u64) -> f64 {
    let mut x = key;
    let sum: u32 = splitmix64(&mut x)
        .to_le_bytes()
        .iter()
        .map(|&b| b as u32)
        .sum();
    // 8 uniform bytes: mean 8 x 127.5, variance 8 x (256^2 - 1)/12.
    (sum as f64 - 1020.0) * (1.0 / 209.021_529_1)
}

/// Standard normal cumulative distribution function.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Inverse of [`normal_cdf`], by bisection (used for a handful of thresholds, not in loops).
pub fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let (mut lo, mut hi) = (-40.0f64, 40.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if normal_cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_normal_is_standard_and_fixed() {
        let n = 200_000u64;
        let values: Vec<f64> = (0..n)
            .map(|k| hashed_normal(k.wrapping_mul(77) ^ 5))
            .collect();
        let mean = values.iter().sum::<f64>() / n as f64;
        let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
        let above = values.iter().filter(|&&v| v > 1.0).count() as f64 / n as f64;
        assert!((above - 0.1587).abs() < 0.005, "{above}");
        assert_eq!(hashed_normal(42), hashed_normal(42));
        assert_ne!(hashed_normal(42), hashed_normal(43));
    }

    #[test]
    fn same_seed_same_stream_and_paths_differ() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::derive(7, &[1, 2]);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::derive(7, &[1, 2]);
                move |_| r.next_u64()
            })
            .collect();
        let c: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::derive(7, &[2, 1]);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn below_is_in_range_and_roughly_uniform() {
        let mut r = Rng::seed_from(1);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[r.below(7) as usize] += 1;
        }
        for c in counts {
            assert!((9_000..11_000).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn normal_has_unit_moments() {
        let mut r = Rng::seed_from(3);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| r.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "var {var}");
    }

    #[test]
    fn laplace_has_right_spread() {
        let mut r = Rng::seed_from(4);
        let n = 200_000;
        let mean_abs = (0..n).map(|_| r.laplace(2.0).abs()).sum::<f64>() / n as f64;
        assert!((mean_abs - 2.0).abs() < 0.03, "{mean_abs}");
    }

    #[test]
    fn alias_table_follows_weights() {
        let t = AliasTable::new(&[1.0, 0.0, 3.0]);
        let mut r = Rng::seed_from(5);
        let mut counts = [0u32; 3];
        for _ in 0..40_000 {
            counts[t.sample(&mut r)] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!((9_000..11_000).contains(&counts[0]), "{counts:?}");
    }

    #[test]
    fn quantile_inverts_cdf() {
        for p in [0.046, 0.5, 0.77, 0.999] {
            assert!((normal_cdf(normal_quantile(p)) - p).abs() < 1e-12);
        }
        assert!(normal_quantile(0.5).abs() < 1e-12);
    }
}
