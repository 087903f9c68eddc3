//! A column of plain values that lives either in memory or in a memory-mapped store file.
//!
//! The dataset's arrays are built in memory by importers and generators, and read straight out
//! of the page cache when a `.deanon` store is opened. [`Column`] hides the difference: both
//! dereference to a slice.

use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;

use bytemuck::Pod;
use memmap2::Mmap;

/// A read-only array of `T`, owned or mapped.
pub enum Column<T: Pod> {
    /// Built in memory.
    Owned(Vec<T>),
    /// A range of a mapped store file; the start is aligned for `T` (checked when opened).
    Mapped {
        /// The mapping, shared by all columns of one store.
        map: Arc<Mmap>,
        /// Byte offset of the first element.
        offset: usize,
        /// Number of elements.
        len: usize,
        /// The element type.
        marker: PhantomData<T>,
    },
}

impl<T: Pod> Column<T> {
    /// A column over `len` elements of `map` starting at byte `offset`, or `None` where the
    /// range is out of bounds or misaligned for `T`.
    pub fn mapped(map: Arc<Mmap>, offset: usize, len: usize) -> Option<Self> {
        let bytes = len.checked_mul(size_of::<T>())?;
        let end = offset.checked_add(bytes)?;
        if end > map.len() || bytemuck::try_cast_slice::<u8, T>(&map[offset..end]).is_err() {
            return None;
        }
        Some(Column::Mapped {
            map,
            offset,
            len,
            marker: PhantomData,
        })
    }

    /// The column's bytes, as they are stored.
    pub fn as_bytes(&self) -> &[u8] {
        bytemuck::cast_slice(self)
    }
}

impl<T: Pod> Deref for Column<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Column::Owned(v) => v,
            Column::Mapped {
                map, offset, len, ..
            } => bytemuck::cast_slice(&map[*offset..*offset + *len * size_of::<T>()]),
        }
    }
}

impl<T: Pod> From<Vec<T>> for Column<T> {
    fn from(v: Vec<T>) -> Self {
        Column::Owned(v)
    }
}

impl<T: Pod> Default for Column<T> {
    fn default() -> Self {
        Column::Owned(Vec::new())
    }
}

impl<T: Pod + std::fmt::Debug> std::fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Column(len={})", self.len())
    }
}
