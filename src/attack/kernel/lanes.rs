//! What both passes share: the fixed f32 lanes of their sums, the sum of a block's lanes in
//! 64.64 fixed point, and the dispatch of a pass to the instruction set picked at run time.

use crate::attack::partial::to_fixed;

/// f32 lanes of the passes' sums (two AVX2 vectors).
pub(super) const LANES: usize = 16;

/// Defines `$name(level, args)`, which runs `$body` (an `#[inline(always)]` function) compiled
/// for the instruction set `level` names (which the CPU must have: [`simd::level`] or one of
/// [`Simd::supported`]); the same arithmetic at every level.
///
/// [`simd::level`]: super::simd::level
/// [`Simd::supported`]: super::simd::Simd::supported
macro_rules! dispatch_simd {
    ($vis:vis $name:ident, ($($arg:ident: $ty:ty),*) -> $ret:ty, $body:ident) => {
        $vis fn $name(level: Simd, $($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx2,popcnt")]
                unsafe fn with_avx512($($arg: $ty),*) -> $ret {
                    $body($($arg),*)
                }
                #[target_feature(enable = "avx2,popcnt")]
                unsafe fn with_avx2($($arg: $ty),*) -> $ret {
                    $body($($arg),*)
                }
                match level {
                    // SAFETY: the CPU supports the level (the caller's contract, checked by
                    // `Simd::detected`).
                    Simd::Avx512 => return unsafe { with_avx512($($arg),*) },
                    Simd::Avx2 => return unsafe { with_avx2($($arg),*) },
                    Simd::Baseline => {}
                }
            }
            let _ = level;
            $body($($arg),*)
        }
    };
}
pub(super) use dispatch_simd;

/// A block's lane sums added in f32 in a fixed order (halving: lane l + lane l + w/2), then in
/// 64.64 fixed point: one conversion per block and quantity (converting every lane cost a fifth
/// of the passes).
#[inline(always)]
pub(super) fn lanes_to_fixed(mut l: [f32; LANES]) -> i128 {
    let mut width = LANES;
    while width > 1 {
        width /= 2;
        for k in 0..width {
            l[k] += l[k + width];
        }
    }
    to_fixed(l[0])
}
