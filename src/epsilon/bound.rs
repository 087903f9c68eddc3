//! The arithmetic of the bound: from guesses made and guesses right to a lower bound on epsilon.
//!
//! Steinke, Nasr & Jagielski ("Privacy Auditing with One (1) Training Run", NeurIPS 2023,
//! Theorem 3.1 with delta = 0): if a mechanism is epsilon-DP in each canary's inclusion, the
//! canaries are included independently with probability 1/2, and an attack makes at most r
//! guesses, then the number of right guesses W satisfies
//! P[W >= v] <= P[Binomial(r, e^eps / (1 + e^eps)) >= v] for every v. So having seen v right
//! of r, every epsilon whose tail is at most beta is rejected at level beta, and the bound is the
//! largest such epsilon: the logit of the one-sided Clopper-Pearson lower limit of the success
//! probability (0 when that limit is at most 1/2).
//!
//! Several tests (attacks times numbers of guesses) are tried on one release; each is held to
//! beta = (1 - confidence) / tests (Bonferroni), so that all of them hold together at the stated
//! confidence and the largest of their bounds is a bound at that confidence.

/// ln P[Binomial(r, p) >= v], summed in log space (exact up to floating point).
pub fn log_tail(r: u64, v: u64, p: f64) -> f64 {
    if v == 0 {
        return 0.0;
    }
    if v > r || p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return 0.0;
    }
    let (lp, lq) = (p.ln(), (-p).ln_1p());
    let log_choose = |k: u64| {
        libm::lgamma(r as f64 + 1.0)
            - libm::lgamma(k as f64 + 1.0)
            - libm::lgamma((r - k) as f64 + 1.0)
    };
    let terms: Vec<f64> = (v..=r)
        .map(|k| log_choose(k) + k as f64 * lp + (r - k) as f64 * lq)
        .collect();
    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    top + terms.iter().map(|t| (t - top).exp()).sum::<f64>().ln()
}

/// The probability of a right guess under epsilon-DP at best: e^eps / (1 + e^eps).
pub fn accuracy_at(epsilon: f64) -> f64 {
    1.0 / (1.0 + (-epsilon).exp())
}

/// The largest epsilon such that P[Binomial(r, e^eps / (1 + e^eps)) >= v] <= beta, or 0 when
/// even epsilon = 0 is not rejected (or there are no guesses).
pub fn epsilon_lower_bound(r: u64, v: u64, beta: f64) -> f64 {
    assert!(v <= r, "right guesses ({v}) are at most the guesses ({r})");
    assert!(beta > 0.0 && beta < 1.0, "beta in (0, 1), got {beta}");
    let ln_beta = beta.ln();
    let rejected = |eps: f64| log_tail(r, v, accuracy_at(eps)) <= ln_beta;
    if r == 0 || !rejected(0.0) {
        return 0.0;
    }
    // The tail grows with epsilon; all guesses right has the closed form p = beta^(1/r).
    if v == r {
        let p = (ln_beta / r as f64).exp();
        return (p / (1.0 - p)).ln();
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while rejected(hi) {
        lo = hi;
        hi *= 2.0;
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if rejected(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The numbers of guesses tried, fixed before the release is seen: the powers of two from 16
/// (fewer guesses, all right, cannot reject epsilon = 0 at the levels used) up to the slots,
/// and all the slots.
pub fn guess_counts(slots: usize) -> Vec<usize> {
    let mut counts: Vec<usize> = (4..usize::BITS)
        .map(|j| 1usize << j)
        .take_while(|&r| r <= slots)
        .collect();
    if counts.last() != Some(&slots) {
        counts.push(slots);
    }
    counts
}

/// The most any attack can show with `r` guesses at level `beta`: every guess right.
pub fn most_with(r: u64, beta: f64) -> f64 {
    epsilon_lower_bound(r, r, beta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_is_the_exact_binomial_sum() {
        // P[Bin(4, 1/2) >= 3] = 5/16; P[Bin(10, 0.3) >= 0] = 1; P[Bin(5, 0.9) >= 5] = 0.9^5.
        assert!((log_tail(4, 3, 0.5).exp() - 5.0 / 16.0).abs() < 1e-12);
        assert_eq!(log_tail(10, 0, 0.3), 0.0);
        assert!((log_tail(5, 5, 0.9).exp() - 0.9f64.powi(5)).abs() < 1e-12);
        // P[Bin(20, 0.7) >= 15] = 0.416370829..., summed by hand in exact rationals (Python
        // fractions).
        assert!((log_tail(20, 15, 0.7).exp() - 0.416_370_829_447_481_4).abs() < 1e-12);
    }

    #[test]
    fn all_guesses_right_gives_the_closed_form() {
        // 1000 guesses all right at 95%: p = 0.05^(1/1000), eps = ln(p / (1 - p)) = 5.809068...:
        // the most one release with 1000 canaries can show.
        let eps = epsilon_lower_bound(1000, 1000, 0.05);
        assert!((eps - 5.809_068_338_546_612).abs() < 1e-9, "{eps}");
        assert!((epsilon_lower_bound(100, 100, 0.05) - 3.492_965_431_152_299_5).abs() < 1e-9);
        // Five right of five rejects eps = 0 at 5% (1/32 < 0.05); four of four cannot (1/16).
        assert!(epsilon_lower_bound(5, 5, 0.05) > 0.0);
        assert_eq!(epsilon_lower_bound(4, 4, 0.05), 0.0);
    }

    #[test]
    fn the_bound_matches_exact_reference_values() {
        // Reference values computed independently with exact binomial sums in Python
        // (fractions.Fraction and math.comb, bisection to 1e-12); see docs/method.md.
        for &(r, v, beta, want) in REFERENCE {
            let got = epsilon_lower_bound(r, v, beta);
            assert!(
                (got - want).abs() < 1e-6,
                "r={r} v={v} beta={beta}: {got} vs {want}"
            );
            // At the bound, the tail is beta.
            if want > 0.0 {
                assert!((log_tail(r, v, accuracy_at(got)) - beta.ln()).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn half_right_rejects_nothing_and_more_right_bounds_more() {
        assert_eq!(epsilon_lower_bound(1000, 500, 0.05), 0.0);
        assert_eq!(epsilon_lower_bound(0, 0, 0.05), 0.0);
        let mut last = 0.0;
        for v in [600, 700, 800, 900, 990, 1000] {
            let eps = epsilon_lower_bound(1000, v, 0.05);
            assert!(eps > last, "{v}: {eps} <= {last}");
            last = eps;
        }
        // A stricter level bounds less.
        assert!(epsilon_lower_bound(1000, 900, 0.05 / 40.0) < epsilon_lower_bound(1000, 900, 0.05));
    }

    #[test]
    fn the_guess_counts_are_powers_of_two_and_all() {
        assert_eq!(guess_counts(1000), vec![16, 32, 64, 128, 256, 512, 1000]);
        assert_eq!(guess_counts(64), vec![16, 32, 64]);
        assert_eq!(guess_counts(20), vec![16, 20]);
    }

    /// (r, v, beta, epsilon lower bound), from exact arithmetic outside this code.
    const REFERENCE: &[(u64, u64, f64, f64)] = &[
        (100, 80, 0.05, 0.958_392_045_292_098_9),
        (100, 95, 0.05, 2.172_434_043_192_899_5),
        (1000, 600, 0.05, 0.297_467_923_649_347_54),
        (1000, 900, 0.05, 2.021_233_233_548_992),
        (1000, 990, 0.05 / 28.0, 3.748_124_094_836_949_6),
        (256, 250, 0.05 / 28.0, 2.653_381_975_947_12),
        (50, 40, 0.01, 0.563_285_623_446_161_3),
    ];
}
