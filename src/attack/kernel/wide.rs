//! The Scoreboard-RH scatter with AVX-512: 16 postings of one fact at a time, their similarity
//! terms gathered from the fact's tables, their records' scores gathered, added to and
//! scattered back. The same additions in the same order as the scalar loop, per record; the
//! postings after the last whole vector go through that loop.
//!
//! Each function takes the postings from the first up to the first whose record is `end` or
//! more (`(start, end)`: the tile), and returns how many it took. Every function here requires
//! that the keys be sorted, distinct (two lanes of one scatter must not write the same slot)
//! and at least `start`, that `acc` have a slot for every record of `start..end`, and that the
//! value slices be at least as long as `keys`.

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

use super::FactTables;

/// The slots of 16 keys, `keys[k..k + 16] - start`.
///
/// # Safety
/// AVX-512F; `k + 16 <= keys.len()`.
#[inline(always)]
unsafe fn slots(keys: &[u32], k: usize, start: __m512i) -> __m512i {
    unsafe { _mm512_sub_epi32(_mm512_loadu_si512(keys.as_ptr().add(k).cast()), start) }
}

/// The rating table's first 32 slots, in two vectors for a two-register permute.
pub struct RatingLanes {
    low: __m512,
    high: __m512,
}

impl RatingLanes {
    /// # Safety
    /// AVX-512F.
    #[inline(always)]
    pub unsafe fn new(t: &FactTables) -> RatingLanes {
        unsafe {
            RatingLanes {
                low: _mm512_loadu_ps(t.rating.as_ptr()),
                high: _mm512_loadu_ps(t.rating.as_ptr().add(16)),
            }
        }
    }
}

/// The rating terms of `rs[k..k + 16]`: `t.rating[x]`, by a permute of the table's first 32
/// slots (every rating of a scale up to 15.5 stars), 0 for the missing value 255 (its slot),
/// and from the table itself for the rest (none on the usual scales).
///
/// # Safety
/// AVX-512F; `k + 16 <= rs.len()`; `lanes` are `t`'s.
#[inline(always)]
unsafe fn rating_terms(rs: &[u8], k: usize, t: &FactTables, lanes: &RatingLanes) -> __m512 {
    unsafe {
        let x = _mm512_cvtepu8_epi32(_mm_loadu_si128(rs.as_ptr().add(k).cast()));
        let small = _mm512_cmplt_epu32_mask(x, _mm512_set1_epi32(32));
        let terms = _mm512_maskz_permutex2var_ps(small, lanes.low, x, lanes.high);
        let other = !small & _mm512_cmpneq_epi32_mask(x, _mm512_set1_epi32(255));
        if other == 0 {
            terms
        } else {
            // Every u8 indexes the 256-slot table.
            _mm512_mask_i32gather_ps::<4>(terms, other, x, t.rating.as_ptr())
        }
    }
}

/// The day terms of `ds[k..k + 16]`: slot min(d - first_day (mod 2^16), len - 1), as
/// [`FactTables::day`].
///
/// # Safety
/// AVX-512F and AVX2; `k + 16 <= ds.len()`; `t.day` is not empty.
#[inline(always)]
unsafe fn day_terms(ds: &[u16], k: usize, t: &FactTables, first_day: __m256i) -> __m512 {
    unsafe {
        let d = _mm256_sub_epi16(_mm256_loadu_si256(ds.as_ptr().add(k).cast()), first_day);
        let last = _mm512_set1_epi32(t.day.len() as i32 - 1);
        let j = _mm512_min_epu32(_mm512_cvtepu16_epi32(d), last);
        _mm512_i32gather_ps::<4>(j, t.day.as_ptr())
    }
}

/// `acc[slot] += sim` for 16 distinct slots.
///
/// # Safety
/// AVX-512F; the slots are distinct and below `acc.len()`.
#[inline(always)]
unsafe fn add_at(acc: &mut [f32], slot: __m512i, sim: __m512) {
    unsafe {
        let old = _mm512_i32gather_ps::<4>(slot, acc.as_ptr());
        _mm512_i32scatter_ps::<4>(acc.as_mut_ptr(), slot, _mm512_add_ps(old, sim));
    }
}

/// Adds `vector(k)`, the terms of the 16 postings from `k`, at their records' slots while the
/// last of them is below `end`, then `scalar(k)` one posting at a time up to the first at
/// `end` or beyond; returns how many postings it took.
///
/// # Safety
/// AVX-512F; the module docs' contract; `vector(k)` must be sound for `k + 16 <= keys.len()`.
#[inline(always)]
unsafe fn add_terms(
    keys: &[u32],
    (start, end): (u32, u32),
    acc: &mut [f32],
    vector: impl Fn(usize) -> __m512,
    scalar: impl Fn(usize) -> f32,
) -> usize {
    assert!(acc.len() >= (end - start) as usize);
    // SAFETY: AVX-512F (the caller's contract).
    let start_v = unsafe { _mm512_set1_epi32(start as i32) };
    let mut k = 0;
    while k + 16 <= keys.len() && keys[k + 15] < end {
        // SAFETY: k + 16 <= keys.len(); the keys are sorted, so all 16 are below `end`, and
        // they are distinct and at least `start` (the caller's contract): distinct slots below
        // acc.len().
        unsafe { add_at(acc, slots(keys, k, start_v), vector(k)) };
        k += 16;
    }
    while k < keys.len() && keys[k] < end {
        acc[(keys[k] - start) as usize] += scalar(k);
        k += 1;
    }
    k
}

/// `acc[keys[k] - start] += rating[rs[k]] + day[ds[k]]`, as the scalar loop.
///
/// # Safety
/// See the module docs; AVX-512F and AVX2.
#[target_feature(enable = "avx512f,avx2")]
pub unsafe fn add_both(
    keys: &[u32],
    rs: &[u8],
    ds: &[u16],
    bounds: (u32, u32),
    acc: &mut [f32],
    t: &FactTables,
    first_day: u16,
) -> usize {
    let (rs, ds) = (&rs[..keys.len()], &ds[..keys.len()]);
    // SAFETY: AVX-512F and AVX2 (this function's target features); k + 16 <= keys.len() =
    // rs.len() = ds.len() in `vector`.
    unsafe {
        let lanes = RatingLanes::new(t);
        let first_day_v = _mm256_set1_epi16(first_day as i16);
        add_terms(
            keys,
            bounds,
            acc,
            |k| {
                _mm512_add_ps(
                    rating_terms(rs, k, t, &lanes),
                    day_terms(ds, k, t, first_day_v),
                )
            },
            |k| t.rating(rs[k]) + t.day(first_day, ds[k]),
        )
    }
}

/// `acc[keys[k] - start] += rating[rs[k]]`.
///
/// # Safety
/// See the module docs; AVX-512F.
#[target_feature(enable = "avx512f")]
pub unsafe fn add_rating(
    keys: &[u32],
    rs: &[u8],
    bounds: (u32, u32),
    acc: &mut [f32],
    t: &FactTables,
) -> usize {
    let rs = &rs[..keys.len()];
    // SAFETY: as in `add_both`.
    unsafe {
        let lanes = RatingLanes::new(t);
        add_terms(
            keys,
            bounds,
            acc,
            |k| rating_terms(rs, k, t, &lanes),
            |k| t.rating(rs[k]),
        )
    }
}

/// `acc[keys[k] - start] += day[ds[k]]`.
///
/// # Safety
/// See the module docs; AVX-512F and AVX2.
#[target_feature(enable = "avx512f,avx2")]
pub unsafe fn add_day(
    keys: &[u32],
    ds: &[u16],
    bounds: (u32, u32),
    acc: &mut [f32],
    t: &FactTables,
    first_day: u16,
) -> usize {
    let ds = &ds[..keys.len()];
    // SAFETY: as in `add_both`.
    unsafe {
        let first_day_v = _mm256_set1_epi16(first_day as i16);
        add_terms(
            keys,
            bounds,
            acc,
            |k| day_terms(ds, k, t, first_day_v),
            |k| t.day(first_day, ds[k]),
        )
    }
}

/// `acc[keys[k] - start] += w`.
///
/// # Safety
/// See the module docs; AVX-512F.
#[target_feature(enable = "avx512f")]
pub unsafe fn add_constant(keys: &[u32], bounds: (u32, u32), acc: &mut [f32], w: f32) -> usize {
    // SAFETY: as in `add_both`.
    unsafe {
        let w_v = _mm512_set1_ps(w);
        add_terms(keys, bounds, acc, |_| w_v, |_| w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attack::kernel::simd::Simd;

    /// The permute, the missing value and the gather for the rest give the table's slot for
    /// every rating value, in every lane. (Runs where the CPU has AVX-512, the only place this
    /// code runs.)
    #[test]
    fn rating_terms_are_the_table_for_every_value() {
        if Simd::detected() < Simd::Avx512 {
            eprintln!(
                "skipped: no AVX-512 here, so the AVX-512 rating lookup cannot run on this CPU"
            );
            return;
        }
        let mut rating = [0f32; 256];
        for (x, slot) in rating.iter_mut().enumerate().take(255) {
            *slot = 1.0 + x as f32 / 4.0;
        }
        let t = FactTables {
            rating,
            day: vec![0.0],
        };
        // Every value, then mixes of small, large and missing values within one vector.
        let mut rs: Vec<u8> = (0..=255).collect();
        rs.extend((0..64u32).map(|i| [3u8, 255, 40, 31, 32, 200, 0, 10][(i * 7 % 8) as usize]));
        // SAFETY: AVX-512F is available (checked above); k + 16 <= rs.len().
        unsafe {
            let lanes = RatingLanes::new(&t);
            for k in (0..rs.len()).step_by(16) {
                let mut got = [0f32; 16];
                _mm512_storeu_ps(got.as_mut_ptr(), rating_terms(&rs, k, &t, &lanes));
                for (l, &v) in got.iter().enumerate() {
                    assert_eq!(v, t.rating(rs[k + l]), "rating {}", rs[k + l]);
                }
            }
        }
    }
}
