//! Packing a block's nonzero scores to its front, in place and in record order, and zeroing the
//! rest: one implementation per instruction set ([`super::simd::Simd`]), all with the same
//! result.

use super::BLOCK;

/// Packs the nonzero values of `block` (at most [`BLOCK`]) to its front, in order, zeroes
/// the rest, returns how many were packed.
pub fn scalar(block: &mut [f32]) -> usize {
    assert!(block.len() <= BLOCK);
    let mut m = 0;
    for k in 0..block.len() {
        // Branch-free: after step k, block[..m] holds the packed values and block[m..=k]
        // zeros (m <= k).
        let v = block[k];
        block[k] = 0.0;
        block[m] = v;
        m += (v != 0.0) as usize;
    }
    m
}

/// The same with AVX2: 8 scores at a time, moved into place by a permutation from a table
/// indexed by the mask of nonzero lanes (its unused lanes pick a zero lane).
///
/// # Safety
/// The CPU must support AVX2 and POPCNT.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
pub unsafe fn avx2(block: &mut [f32]) -> usize {
    use std::arch::x86_64::*;
    assert!(block.len() <= BLOCK);
    let full = block.len() / 8;
    let zero = _mm256_setzero_ps();
    let mut m = 0usize;
    for i in 0..full {
        // SAFETY: i * 8 + 8 <= block.len(), and m <= i * 8: the store at m ends inside the
        // vector just loaded (read before), which it overwrites with its nonzero values
        // then zeros; the mask is below 256.
        unsafe {
            let p = block.as_mut_ptr().add(i * 8);
            let v = _mm256_loadu_ps(p);
            let keep = _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_NEQ_UQ>(v, zero)) as usize;
            let order = _mm256_loadu_si256(PERMUTATIONS[keep].as_ptr().cast());
            _mm256_storeu_ps(p, zero);
            _mm256_storeu_ps(
                block.as_mut_ptr().add(m),
                _mm256_permutevar8x32_ps(v, order),
            );
            m += keep.count_ones() as usize;
        }
    }
    // The few scores after the last full vector, as in `scalar` (block[m..full * 8] is 0).
    for k in full * 8..block.len() {
        let v = block[k];
        block[k] = 0.0;
        block[m] = v;
        m += (v != 0.0) as usize;
    }
    m
}

/// The same with AVX-512: 16 scores at a time, the nonzero ones compressed to the front of a
/// vector stored at the packed end (a register compress: the compress to memory is slower).
///
/// # Safety
/// The CPU must support AVX-512F and POPCNT.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,popcnt")]
pub unsafe fn avx512(block: &mut [f32]) -> usize {
    use std::arch::x86_64::*;
    assert!(block.len() <= BLOCK);
    let full = block.len() / 16;
    let zero = _mm512_setzero_ps();
    let mut m = 0usize;
    for i in 0..full {
        // SAFETY: i * 16 + 16 <= block.len(), and m <= i * 16: the store at m ends inside the
        // vector just loaded (read before), which it overwrites with its nonzero values then
        // zeros.
        unsafe {
            let p = block.as_mut_ptr().add(i * 16);
            let v = _mm512_loadu_ps(p);
            let keep = _mm512_cmpneq_ps_mask(v, zero);
            _mm512_storeu_ps(p, zero);
            _mm512_storeu_ps(block.as_mut_ptr().add(m), _mm512_maskz_compress_ps(keep, v));
            m += keep.count_ones() as usize;
        }
    }
    // The few scores after the last full vector, as in `scalar` (block[m..full * 16] is 0).
    for k in full * 16..block.len() {
        let v = block[k];
        block[k] = 0.0;
        block[m] = v;
        m += (v != 0.0) as usize;
    }
    m
}

/// For each 8-bit mask, the lanes set in it, in order, then zeros.
#[cfg(target_arch = "x86_64")]
static PERMUTATIONS: [[u32; 8]; 256] = permutations();

#[cfg(target_arch = "x86_64")]
const fn permutations() -> [[u32; 8]; 256] {
    let mut table = [[0u32; 8]; 256];
    let mut mask = 0;
    while mask < 256 {
        let (mut lane, mut k, mut unset) = (0, 0, 0);
        while lane < 8 {
            if mask & (1 << lane) != 0 {
                table[mask][k] = lane as u32;
                k += 1;
            } else {
                unset = lane as u32;
            }
            lane += 1;
        }
        // The unused lanes read a lane whose value is 0.
        while k < 8 {
            table[mask][k] = unset;
            k += 1;
        }
        mask += 1;
    }
    table
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    /// Every implementation the CPU can run packs the same values and resets the block.
    #[test]
    fn the_packings_agree() {
        for len in [0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 100, 511, 512] {
            for density in [0u32, 1, 3, 8] {
                let block: Vec<f32> = (0..len as u32)
                    .map(|i| {
                        let h = i.wrapping_mul(2_654_435_761) >> 24;
                        if h % 8 < density {
                            (h + 1) as f32 / 7.0
                        } else {
                            0.0
                        }
                    })
                    .collect();
                let want: Vec<f32> = block.iter().copied().filter(|&v| v != 0.0).collect();
                type Packing = fn(&mut [f32]) -> usize;
                let mut runs: Vec<(&str, Packing)> = vec![("scalar", scalar)];
                let top = super::super::simd::Simd::detected();
                if top >= super::super::simd::Simd::Avx2 {
                    // SAFETY: AVX2 and POPCNT are available.
                    runs.push(("avx2", |b| unsafe { avx2(b) }));
                }
                if top >= super::super::simd::Simd::Avx512 {
                    // SAFETY: AVX-512F and POPCNT are available.
                    runs.push(("avx512", |b| unsafe { avx512(b) }));
                }
                for (name, run) in runs {
                    let mut b = block.clone();
                    let m = run(&mut b);
                    assert_eq!(&b[..m], &want[..], "{name} len {len} density {density}");
                    assert!(b[m..].iter().all(|&v| v == 0.0), "{name}");
                }
            }
        }
    }
}
