//! The two-sided geometric mechanism (Ghosh, Roughgarden & Sundararajan 2009): a count of
//! sensitivity 1 (adding or removing one person changes it by at most one) released as
//! count + X, where P(X = k) = (1 - a) / (1 + a) * a^|k|, a = exp(-epsilon), is
//! epsilon-differentially private. X is the difference of two independent geometric numbers of
//! failures before a success of probability 1 - a, which is how it is drawn here.

use crate::rng::Rng;
use crate::{Error, Result};

/// The smallest epsilon accepted. Below it the noise's scale (about 1 / epsilon) passes a
/// billion, far beyond any count, and a = exp(-epsilon) approaches 1 in f64 (at epsilon below
/// 1.1e-16 it is 1 exactly, and neither the error bound nor the noise can be computed).
pub const MIN_EPSILON: f64 = 1e-9;

/// Checks epsilon: a finite number of at least [`MIN_EPSILON`].
pub fn check_epsilon(epsilon: f64) -> Result<()> {
    if epsilon.is_finite() && epsilon >= MIN_EPSILON {
        Ok(())
    } else if epsilon.is_finite() && epsilon > 0.0 {
        Err(Error::Parameter {
            name: "epsilon",
            message: format!(
                "epsilon {epsilon} is too small for its noise to be drawn or bounded; the smallest accepted is {MIN_EPSILON}"
            ),
        })
    } else {
        Err(Error::Parameter {
            name: "epsilon",
            message: format!("epsilon must be a positive number, got {epsilon}"),
        })
    }
}

/// The count released with the two-sided geometric mechanism (it may be negative: clamping at
/// zero is post-processing, and would bias small counts upwards).
pub fn noisy_count(count: u64, epsilon: f64, rng: &mut Rng) -> i64 {
    let p = 1.0 - libm::exp(-epsilon);
    // `geometric` counts trials (>= 1); the difference of two is that of their failures.
    let up = rng.geometric(p) as i64;
    let down = rng.geometric(p) as i64;
    count as i64 + up - down
}

/// P(|X| > t) for the mechanism's noise X.
pub fn tail(epsilon: f64, t: u64) -> f64 {
    let a = libm::exp(-epsilon);
    2.0 * libm::pow(a, t as f64 + 1.0) / (1.0 + a)
}

/// The 95% error bound: the smallest t with P(|X| <= t) >= 0.95.
pub fn error_95(epsilon: f64) -> u64 {
    let a = libm::exp(-epsilon);
    // P(|X| > t) = 2 a^(t+1) / (1 + a) <= 0.05  <=>  t + 1 >= ln(0.025 (1 + a)) / ln a.
    let guess = (libm::log(0.025 * (1.0 + a)) / libm::log(a) - 1.0)
        .ceil()
        .max(0.0) as u64;
    // Settle the rounding at the boundary exactly.
    let mut t = guess.saturating_sub(1);
    while tail(epsilon, t) > 0.05 {
        t += 1;
    }
    t
}

/// The variance of the mechanism's noise: 2a / (1 - a)^2.
pub fn variance(epsilon: f64) -> f64 {
    let a = libm::exp(-epsilon);
    2.0 * a / ((1.0 - a) * (1.0 - a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_epsilon_is_bounded_and_drawn_and_smaller_ones_are_refused() {
        check_epsilon(MIN_EPSILON).unwrap();
        let t = error_95(MIN_EPSILON);
        assert!(t > 1_000_000_000 && tail(MIN_EPSILON, t) <= 0.05);
        let mut rng = Rng::seed_from(1);
        let _ = noisy_count(5, MIN_EPSILON, &mut rng);
        for tiny in [1e-300, 1e-12, MIN_EPSILON / 2.0] {
            let e = check_epsilon(tiny).unwrap_err().to_string();
            assert!(e.contains("smallest accepted is 0.000000001"), "{e}");
        }
    }

    #[test]
    fn error_bound_is_the_smallest_that_covers_95_percent() {
        for epsilon in [0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 50.0] {
            let t = error_95(epsilon);
            assert!(tail(epsilon, t) <= 0.05, "{epsilon}: {t}");
            if t > 0 {
                assert!(
                    tail(epsilon, t - 1) > 0.05,
                    "{epsilon}: {t} is not the smallest"
                );
            }
        }
        // a = e^-1: 2 a^(t+1) / (1 + a) <= 0.05 first at t = 3 (0.027), not t = 2 (0.073).
        assert_eq!(error_95(1.0), 3);
        assert_eq!(error_95(50.0), 0);
    }

    #[test]
    fn noise_has_the_mechanism_distribution() {
        // Seeded: 40,000 draws at epsilon 0.5 around a count of 53.
        let epsilon = 0.5;
        let mut rng = Rng::seed_from(17);
        let draws: Vec<i64> = (0..40_000)
            .map(|_| noisy_count(53, epsilon, &mut rng))
            .collect();
        let n = draws.len() as f64;
        let mean = draws.iter().sum::<i64>() as f64 / n;
        let var = draws
            .iter()
            .map(|&x| (x as f64 - mean).powi(2))
            .sum::<f64>()
            / n;
        let want_var = variance(epsilon); // 7.92
        // Standard error of the mean: sqrt(7.92 / 40,000) = 0.014.
        assert!((mean - 53.0).abs() < 0.06, "mean {mean}");
        assert!(
            (var / want_var - 1.0).abs() < 0.05,
            "variance {var} vs {want_var}"
        );
        // P(X = 0) = (1 - a) / (1 + a) = 0.245; P(X = 3) = that x a^3 = 0.0547.
        let a = (-epsilon).exp();
        for k in [0i64, 3, -3] {
            let got = draws.iter().filter(|&&x| x - 53 == k).count() as f64 / n;
            let want = (1.0 - a) / (1.0 + a) * a.powi(k.abs() as i32);
            assert!((got - want).abs() < 0.006, "P(X = {k}): {got} vs {want}");
        }
        let t = error_95(epsilon) as i64;
        let inside = draws.iter().filter(|&&x| (x - 53).abs() <= t).count() as f64 / n;
        assert!((0.95..0.975).contains(&inside), "within +-{t}: {inside}");
        // Seeded: the same generator gives the same draws.
        let mut again = Rng::seed_from(17);
        assert_eq!(noisy_count(53, epsilon, &mut again), draws[0]);
    }
}
