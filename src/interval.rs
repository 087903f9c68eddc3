//! Confidence intervals of proportions: the 95% Wilson score interval, for a share of people
//! (or of aux records) and for a mean of per-person shares in [0, 1].
//!
//! Every proportion the toolkit reports carries this interval rather than a percentile
//! bootstrap, which collapses to zero width when the share is 0 or 1 (everyone named gives
//! "100% [100%, 100%]" from any number of people). Wilson's interval is exact in form, needs no
//! generator, and is never zero-width for n >= 1: from n people all named, its lower end is
//! n / (n + z^2), about 0.77 for 13 and 0.990 for 400. Uses nothing else of the crate.

/// The standard normal quantile of 0.975: the intervals are 95%.
pub const Z: f64 = 1.959_963_984_540_054;

/// The 95% Wilson score interval of `successes` out of `n`; `None` when `n` is 0. `successes`
/// may be fractional (a mean of per-person shares times `n`, see [`wilson_mean`]); it is taken
/// within [0, n] and the bounds within [0, 1].
pub fn wilson(successes: f64, n: f64) -> Option<[f64; 2]> {
    if n.is_nan() || n <= 0.0 || successes.is_nan() {
        return None;
    }
    let p = (successes / n).clamp(0.0, 1.0);
    let z2 = Z * Z;
    let denominator = 1.0 + z2 / n;
    let centre = p + z2 / (2.0 * n);
    let half = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At p = 0 (or 1) the bound on that side is 0 (or 1) exactly; the formula gets it only up
    // to rounding.
    let low = if p == 0.0 {
        0.0
    } else {
        (centre - half) / denominator
    };
    let high = if p == 1.0 {
        1.0
    } else {
        (centre + half) / denominator
    };
    Some([low.clamp(0.0, 1.0), high.clamp(0.0, 1.0)])
}

/// The 95% interval of the mean of `values`, each in [0, 1] (say a person's risk: the share of
/// their aux draws in which they are named): Wilson's with n the number of values and p̂ their
/// mean; `None` without values.
///
/// A variable in [0, 1] with mean p has variance at most p(1 - p), the Bernoulli variable's
/// (E[X^2] <= E[X] when 0 <= X <= 1), so the score interval of a proportion p̂ out of n is
/// conservative for such a mean; like Wilson's it is never zero-width for n >= 1.
pub fn wilson_mean(values: &[f64]) -> Option<[f64; 2]> {
    let n = values.len() as f64;
    wilson(values.iter().sum::<f64>(), n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bounds computed independently of this code (the score formula evaluated in Python).
    fn close(got: Option<[f64; 2]>, want: [f64; 2]) {
        let got = got.expect("an interval");
        assert!(
            (got[0] - want[0]).abs() < 1e-4 && (got[1] - want[1]).abs() < 1e-4,
            "{got:?} vs {want:?}"
        );
    }

    #[test]
    fn bounds_match_tabulated_values() {
        close(wilson(0.0, 10.0), [0.0, 0.2775]);
        close(wilson(10.0, 10.0), [0.7225, 1.0]);
        close(wilson(5.0, 10.0), [0.2366, 0.7634]);
        close(wilson(0.0, 400.0), [0.0, 0.00951]);
        close(wilson(400.0, 400.0), [0.99049, 1.0]);
        close(wilson(13.0, 13.0), [0.7719, 1.0]);
        close(wilson(3.0, 4.0), [0.3006, 0.9544]);
        close(wilson(1.0, 1.0), [0.2065, 1.0]);
    }

    #[test]
    fn the_end_at_zero_or_one_is_exact() {
        assert_eq!(wilson(0.0, 7.0).unwrap()[0], 0.0);
        assert_eq!(wilson(7.0, 7.0).unwrap()[1], 1.0);
    }

    #[test]
    fn no_people_give_no_interval() {
        assert_eq!(wilson(0.0, 0.0), None);
        assert_eq!(wilson_mean(&[]), None);
    }

    #[test]
    fn never_zero_width_and_monotone_in_successes() {
        for n in [1usize, 2, 3, 13, 80, 400, 100_000] {
            let mut last = [-1.0, -1.0];
            for k in 0..=n.min(500) {
                let s = if n > 500 {
                    (k * n / 500) as f64
                } else {
                    k as f64
                };
                let [lo, hi] = wilson(s, n as f64).unwrap();
                assert!(0.0 <= lo && lo < hi && hi <= 1.0, "{s}/{n}: [{lo}, {hi}]");
                assert!(lo >= last[0] && hi >= last[1], "{s}/{n}: not monotone");
                last = [lo, hi];
            }
        }
    }

    #[test]
    fn a_mean_of_shares_is_wilson_at_its_mean() {
        let shares = [1.0, 0.5, 0.0, 1.0];
        assert_eq!(wilson_mean(&shares), wilson(2.5, 4.0));
        // Everyone named in every draw: still a lower end below 1.
        let all = vec![1.0; 13];
        close(wilson_mean(&all), [0.7719, 1.0]);
    }
}
