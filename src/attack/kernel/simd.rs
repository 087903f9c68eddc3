//! Which vector instructions the kernels run: the best the CPU has, detected once, or fewer
//! when the environment variable `DEANON_SIMD` says so (`avx512`, `avx2` or `baseline`: a cap
//! for measuring one level against another, or for checking that they agree).
//!
//! Every level computes the same arithmetic in the same order, so results are bit for bit the
//! same at every level; the tests compare them.

use std::sync::OnceLock;

/// A level of vector instructions, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Simd {
    /// Baseline x86-64 (SSE2), or any other architecture.
    Baseline,
    /// AVX2 and POPCNT.
    Avx2,
    /// AVX-512F (16-lane vectors, compress, gather and scatter) besides AVX2 and POPCNT.
    Avx512,
}

impl Simd {
    /// The most this CPU supports.
    pub fn detected() -> Simd {
        #[cfg(target_arch = "x86_64")]
        {
            let avx2 = std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("popcnt");
            if avx2 && std::arch::is_x86_feature_detected!("avx512f") {
                return Simd::Avx512;
            }
            if avx2 {
                return Simd::Avx2;
            }
        }
        Simd::Baseline
    }

    /// The level that `DEANON_SIMD` names, if it names one.
    fn parse(name: &str) -> Option<Simd> {
        match name.trim().to_ascii_lowercase().as_str() {
            "avx512" => Some(Simd::Avx512),
            "avx2" => Some(Simd::Avx2),
            "baseline" | "none" => Some(Simd::Baseline),
            _ => None,
        }
    }

    /// Every level this CPU supports, least first (for tests that compare them).
    pub fn supported() -> impl Iterator<Item = Simd> {
        let top = Simd::detected();
        [Simd::Baseline, Simd::Avx2, Simd::Avx512]
            .into_iter()
            .filter(move |&l| l <= top)
    }
}

/// The level the kernels run at: [`Simd::detected`], capped by `DEANON_SIMD`. An unknown value
/// is reported once on standard error and ignored.
pub fn level() -> Simd {
    static LEVEL: OnceLock<Simd> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        let detected = Simd::detected();
        match std::env::var("DEANON_SIMD") {
            Ok(name) => match Simd::parse(&name) {
                Some(cap) => cap.min(detected),
                None => {
                    eprintln!(
                        "warning: DEANON_SIMD='{name}' is not one of avx512, avx2, baseline; ignored"
                    );
                    detected
                }
            },
            Err(_) => detected,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_levels_are_ordered() {
        assert_eq!(Simd::parse("AVX512"), Some(Simd::Avx512));
        assert_eq!(Simd::parse("avx2"), Some(Simd::Avx2));
        assert_eq!(Simd::parse("baseline"), Some(Simd::Baseline));
        assert_eq!(Simd::parse("sse9"), None);
        assert!(Simd::Baseline < Simd::Avx2 && Simd::Avx2 < Simd::Avx512);
        assert!(Simd::supported().any(|l| l == Simd::Baseline));
        assert!(level() <= Simd::detected());
    }
}
