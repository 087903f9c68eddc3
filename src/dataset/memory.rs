//! Large arrays for the builders, backed by transparent huge pages where the system allows.
//!
//! Building a Netflix-scale dataset fills a few GiB of fresh memory. With 4 KiB pages that is
//! close to a million page faults, which on virtual machines cost much of the work
//! (docs/performance.md). Asking Linux for huge pages (`MADV_HUGEPAGE`) on these
//! arrays cuts the faults 512-fold. Elsewhere this is a plain allocation.

/// A vector of `len` zero values, with huge pages requested for its memory.
pub fn zeroed<T: bytemuck::Zeroable + Clone>(len: usize) -> Vec<T> {
    let v = vec![T::zeroed(); len];
    advise_huge(&v);
    v
}

/// An empty vector with room for `capacity` values, with huge pages requested.
pub fn with_capacity<T>(capacity: usize) -> Vec<T> {
    let v = Vec::with_capacity(capacity);
    advise_huge(&v);
    v
}

fn advise_huge<T>(v: &Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let bytes = v.capacity() * size_of::<T>();
        if bytes < 2 * HUGE {
            return;
        }
        let start = v.as_ptr() as usize;
        let aligned = start.next_multiple_of(HUGE);
        let end = (start + bytes) / HUGE * HUGE;
        if end > aligned {
            // SAFETY: the range lies inside the vector's own allocation; MADV_HUGEPAGE only
            // changes how the kernel backs it, never its contents. Failure is harmless.
            unsafe {
                libc::madvise(
                    aligned as *mut libc::c_void,
                    end - aligned,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}
