//! The `.deanon` binary store: one file holding a whole [`Dataset`], opened by memory map.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `\x89DEANON\n` |
//! | 4 | format version (u32, currently 1) |
//! | 4 | header length H (u32) |
//! | 8 | XXH3-64 of the header bytes |
//! | H | header: JSON ([`Header`]): kind, counts, and a table of sections with offsets, lengths and checksums |
//! | ... | sections, each starting on a 64-byte boundary: plain arrays of u8/u16/u32/u64 |
//!
//! A section's checksum is the XXH3-64 of the concatenated XXH3-64 values (little-endian) of its
//! 8 MiB blocks, so it can be verified in parallel. Opening verifies the header, every section's
//! bounds, length and checksum, and the structure (offsets increasing, indices in range), so a
//! truncated, corrupted or foreign file is a clear error, never a panic or wrong numbers. The
//! arrays are then used in place from the mapping: no copy, no parse.
//!
//! The mapping assumes the file is not modified while open (the tool itself only ever replaces
//! store files by renaming a new file over them, which leaves an open mapping intact).

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use memmap2::{Mmap, MmapOptions};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use super::builder::StoredParts;
use super::{Column, Dataset, DatasetKind, IdTable, Layout, People};
use crate::atomic_file::write_with_privacy;
use crate::{Error, Result};

const MAGIC: &[u8; 8] = b"\x89DEANON\n";
/// Store format version written by this build.
pub const VERSION: u32 = 1;
const PREAMBLE: usize = 24;
const ALIGN: usize = 64;
const BLOCK: usize = 8 << 20;

/// The store's JSON header.
#[derive(Debug, Serialize, Deserialize)]
pub struct Header {
    /// Always "deanon".
    pub format: String,
    /// Ratings or views.
    pub kind: DatasetKind,
    /// Whether entries carry ratings.
    pub has_ratings: bool,
    /// Whether entries carry dates.
    pub has_dates: bool,
    /// N.
    pub records: u64,
    /// M.
    pub items: u64,
    /// Number of entries.
    pub entries: u64,
    /// Whether this is a pseudonymized release (absent in older files: false).
    #[serde(default)]
    pub pseudonymized: bool,
    /// The release policy that made this store (its canonical spec; absent for data that is
    /// not a release, and in releases written before releases recorded it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The fingerprint ([`fingerprint`]) of the data a release was made from (absent for data
    /// that is not a release, and in releases written before releases recorded it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Whether the item table is a declared catalogue (items nobody holds included).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub catalogue: bool,
    /// The declared rating scale, `MIN..MAX:STEP` in stars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating_scale: Option<String>,
    /// The people table's attributes, in file order (absent without one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<StoredAttribute>,
    /// The arrays, in file order.
    pub sections: Vec<Section>,
}

/// One attribute of the people table, as the header lists it.
#[derive(Debug, Serialize, Deserialize, Clone)]
pub struct StoredAttribute {
    /// Its name.
    pub name: String,
    /// Number of distinct values (its slice of the `attribute_value_*` sections).
    pub values: u64,
}

/// One array in the file.
#[derive(Debug, Serialize, Deserialize, Clone)]
pub struct Section {
    /// What the array is (see [`SECTION_NAMES`]).
    pub name: String,
    /// Byte offset from the start of the file.
    pub offset: u64,
    /// Length in bytes.
    pub bytes: u64,
    /// Block checksum, hex.
    pub xxh3: String,
}

/// The sections every store has, in order.
pub const SECTION_NAMES: [&str; 13] = [
    "record_id_offsets",
    "record_id_bytes",
    "item_id_offsets",
    "item_id_bytes",
    "record_offsets",
    "record_items",
    "record_ratings",
    "record_days",
    "item_offsets",
    "item_records",
    "item_ratings",
    "item_days",
    "item_support",
];

/// The sections a store with a people table has after [`SECTION_NAMES`]: every attribute's
/// dictionary concatenated (as an id table) and the codes, attribute-major, one u32 per record.
pub const PEOPLE_SECTION_NAMES: [&str; 3] = [
    "attribute_value_offsets",
    "attribute_value_bytes",
    "attribute_codes",
];

/// Block checksum of a byte array (see the module docs).
pub fn checksum(bytes: &[u8]) -> u64 {
    let block_hashes: Vec<u8> = bytes
        .par_chunks(BLOCK)
        .map(xxh3_64)
        .collect::<Vec<u64>>()
        .into_iter()
        .flat_map(u64::to_le_bytes)
        .collect();
    xxh3_64(&block_hashes)
}

fn sections_of(data: &Dataset) -> Vec<&[u8]> {
    let (rio, rib) = data.record_ids().columns();
    let (iio, iib) = data.item_ids().columns();
    let r = data.by_record();
    let i = data.by_item();
    let mut sections = vec![
        rio.as_bytes(),
        rib.as_bytes(),
        iio.as_bytes(),
        iib.as_bytes(),
        r.offsets.as_bytes(),
        r.keys.as_bytes(),
        r.ratings.as_bytes(),
        r.days.as_bytes(),
        i.offsets.as_bytes(),
        i.keys.as_bytes(),
        i.ratings.as_bytes(),
        i.days.as_bytes(),
        bytemuck::cast_slice(data.supports()),
    ];
    if data.has_attributes() {
        let (_, values, codes) = data.people().stored();
        let (vo, vb) = values.columns();
        sections.extend([vo.as_bytes(), vb.as_bytes(), codes.as_bytes()]);
    }
    sections
}

/// The names of the sections a store lists, in order.
fn section_names(with_people: bool) -> impl Iterator<Item = &'static str> + Clone {
    let people: &[&str] = if with_people {
        &PEOPLE_SECTION_NAMES
    } else {
        &[]
    };
    SECTION_NAMES.iter().chain(people).copied()
}

fn padding(position: usize) -> usize {
    (ALIGN - position % ALIGN) % ALIGN
}

/// A fingerprint of a dataset's contents: the block checksum of all its sections, as hex. The
/// same data gives the same fingerprint whether built in memory or opened from a store.
pub fn fingerprint(data: &Dataset) -> String {
    let sums: Vec<u8> = sections_of(data)
        .par_iter()
        .map(|b| checksum(b))
        .collect::<Vec<u64>>()
        .into_iter()
        .flat_map(u64::to_le_bytes)
        .collect();
    format!("{:016x}", xxh3_64(&sums))
}

/// Writes `data` to `path` atomically.
pub fn save(data: &Dataset, path: &Path) -> Result<()> {
    let parts = sections_of(data);
    let sums: Vec<u64> = parts.par_iter().map(|b| checksum(b)).collect();
    // The header's length depends on the offsets it lists: lay out with a generous fixed
    // reservation, then pad the header to it.
    let mut sections = Vec::with_capacity(parts.len());
    let policy = data.release_policy().map(str::to_string);
    // JSON escapes a character into at most 6 bytes.
    let reserve = 4096 + 6 * policy.as_ref().map_or(0, String::len);
    let attributes: Vec<StoredAttribute> = if data.has_attributes() {
        let (sizes, _, _) = data.people().stored();
        data.people()
            .names()
            .iter()
            .zip(sizes)
            .map(|(name, size)| StoredAttribute {
                name: name.clone(),
                values: size as u64,
            })
            .collect()
    } else {
        Vec::new()
    };
    let reserve = reserve
        + attributes
            .iter()
            .map(|a| 6 * a.name.len() + 64)
            .sum::<usize>();
    let mut position = PREAMBLE + reserve;
    position += padding(position);
    for ((k, bytes), name) in parts
        .iter()
        .enumerate()
        .zip(section_names(data.has_attributes()))
    {
        sections.push(Section {
            name: name.to_string(),
            offset: position as u64,
            bytes: bytes.len() as u64,
            xxh3: format!("{:016x}", sums[k]),
        });
        position += bytes.len();
        position += padding(position);
    }
    let header = Header {
        format: "deanon".into(),
        kind: data.kind(),
        has_ratings: data.has_ratings(),
        has_dates: data.has_dates(),
        records: data.num_records() as u64,
        items: data.num_items() as u64,
        entries: data.num_entries() as u64,
        pseudonymized: data.is_pseudonymized(),
        policy,
        source: data.release_source().map(str::to_string),
        catalogue: data.declared().catalogue,
        rating_scale: data
            .declared()
            .rating_scale
            .map(super::import::declared::scale_text),
        attributes,
        sections,
    };
    let mut header_bytes = serde_json::to_vec(&header).expect("header serializes");
    assert!(
        header_bytes.len() <= reserve,
        "store header outgrew its reservation"
    );
    header_bytes.resize(reserve, b' ');
    let bar = crate::progress::bytes_bar(position as u64, "writing");
    write_with_privacy(path, data.privacy(), |w| {
        w.write_all(MAGIC)?;
        w.write_all(&VERSION.to_le_bytes())?;
        w.write_all(&(header_bytes.len() as u32).to_le_bytes())?;
        w.write_all(&xxh3_64(&header_bytes).to_le_bytes())?;
        w.write_all(&header_bytes)?;
        let mut written = PREAMBLE + header_bytes.len();
        let zeros = [0u8; ALIGN];
        w.write_all(&zeros[..padding(written)])?;
        written += padding(written);
        for bytes in parts {
            for block in bytes.chunks(BLOCK) {
                w.write_all(block)?;
                bar.inc(block.len() as u64);
            }
            written += bytes.len();
            w.write_all(&zeros[..padding(written)])?;
            written += padding(written);
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    Ok(())
}

/// Reads just the header of a store (cheap: no checksum of the arrays).
pub fn read_header(path: &Path) -> Result<Header> {
    let file = open_file(path)?;
    // SAFETY: read-only mapping; see the module docs on concurrent modification.
    let map = unsafe { Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
    parse_header(path, &map).map(|(h, _)| h)
}

/// What a store's header declares public.
fn declared_of(path: &Path, header: &Header) -> Result<super::Declared> {
    let rating_scale = header
        .rating_scale
        .as_deref()
        .map(super::import::declared::parse_scale)
        .transpose()
        .map_err(|m| Error::store(path, format!("header: {m}")))?;
    Ok(super::Declared {
        catalogue: header.catalogue,
        rating_scale,
    })
}

/// Opens a store's file for mapping. What is not a regular file is refused before it is
/// opened: opening a FIFO would wait for a writer, and a folder or device cannot be mapped.
fn open_file(path: &Path) -> Result<File> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::store(path, "it is a folder".to_string()));
    }
    if !meta.is_file() {
        return Err(Error::store(
            path,
            "it is not a regular file (a FIFO, a device or a socket); a store is read from a file on disk"
                .to_string(),
        ));
    }
    File::open(path).map_err(|e| Error::io(path, e))
}

/// The fingerprint ([`fingerprint`]) of the store at `path`, from the checksums its header
/// records: the header alone is read (opening the store verified them against the data).
pub fn file_fingerprint(path: &Path) -> Result<String> {
    let header = read_header(path)?;
    let mut sums = Vec::with_capacity(8 * header.sections.len());
    for section in &header.sections {
        let sum = u64::from_str_radix(&section.xxh3, 16).map_err(|_| {
            Error::store(path, format!("section {} has a bad checksum", section.name))
        })?;
        sums.extend(sum.to_le_bytes());
    }
    Ok(format!("{:016x}", xxh3_64(&sums)))
}

fn parse_header(path: &Path, map: &[u8]) -> Result<(Header, usize)> {
    let bad = |m: &str| Error::store(path, m.to_string());
    if map.len() < PREAMBLE || &map[..8] != MAGIC {
        return Err(bad(
            "the file does not start with the .deanon magic bytes (make one with `deanon import` or `deanon generate`)",
        ));
    }
    let version = u32::from_le_bytes(map[8..12].try_into().expect("4 bytes"));
    if version != VERSION {
        return Err(bad(&format!(
            "format version {version}, this build reads version {VERSION}; re-import the data"
        )));
    }
    let header_len = u32::from_le_bytes(map[12..16].try_into().expect("4 bytes")) as usize;
    let header_sum = u64::from_le_bytes(map[16..24].try_into().expect("8 bytes"));
    let header_end = PREAMBLE
        .checked_add(header_len)
        .filter(|&e| e <= map.len())
        .ok_or_else(|| bad("truncated: the header runs past the end of the file"))?;
    let header_bytes = &map[PREAMBLE..header_end];
    if xxh3_64(header_bytes) != header_sum {
        return Err(bad(
            "the header's checksum does not match: the file is corrupt",
        ));
    }
    let header: Header = serde_json::from_slice(header_bytes)
        .map_err(|e| bad(&format!("unreadable header: {e}")))?;
    let names = section_names(!header.attributes.is_empty());
    if header.format != "deanon"
        || header.sections.len() != names.clone().count()
        || header.sections.iter().zip(names).any(|(s, n)| s.name != n)
    {
        return Err(bad("the header does not list the expected sections"));
    }
    Ok((header, header_end))
}

/// Opens a store: maps it, verifies it, and returns the dataset over the mapping.
pub fn open(path: &Path) -> Result<Dataset> {
    open_verifying(path, true)
}

/// The sections that hold one value per entry (the bulk of a store).
const ENTRY_SECTIONS: [usize; 6] = [5, 6, 7, 9, 10, 11];

/// Opens a store for a cluster process that reads only its shards: maps it lazily and verifies
/// the header and every small section (ids, offsets, supports) but not the per-entry arrays,
/// which the process reads only in part. Their indices are NOT checked
/// ([`Dataset::indices_verified`] is false): the attack checks the postings of each shard it
/// scores (`attack::CheckedShard`) before it reads them.
pub fn open_for_shards(path: &Path) -> Result<Dataset> {
    open_verifying(path, false)
}

fn open_verifying(path: &Path, everything: bool) -> Result<Dataset> {
    let file = open_file(path)?;
    let mut options = MmapOptions::new();
    if everything {
        options.populate();
    }
    // SAFETY: read-only mapping; see the module docs on concurrent modification.
    let map = unsafe { options.map(&file) }.map_err(|e| Error::io(path, e))?;
    let map = Arc::new(map);
    let (header, _) = parse_header(path, &map)?;
    let bad = |m: String| Error::store(path, m);

    let n = header.records as usize;
    let m = header.items as usize;
    let e = header.entries as usize;
    let rating_len = if header.has_ratings { e } else { 0 };
    let day_len = if header.has_dates { e } else { 0 };
    check_sections(path, &header, &map, everything)?;

    let sec = |k: usize| &header.sections[k];
    let rio: Column<u64> = column(&map, sec(0), Some(n + 1)).map_err(bad)?;
    let rib: Column<u8> = column(&map, sec(1), None).map_err(bad)?;
    let iio: Column<u64> = column(&map, sec(2), Some(m + 1)).map_err(bad)?;
    let iib: Column<u8> = column(&map, sec(3), None).map_err(bad)?;
    IdTable::validate(&rio, &rib).map_err(|m| bad(format!("record ids: {m}")))?;
    IdTable::validate(&iio, &iib).map_err(|m| bad(format!("item ids: {m}")))?;
    let by_record = Layout {
        offsets: column(&map, sec(4), Some(n + 1)).map_err(bad)?,
        keys: column(&map, sec(5), Some(e)).map_err(bad)?,
        ratings: column(&map, sec(6), Some(rating_len)).map_err(bad)?,
        days: column(&map, sec(7), Some(day_len)).map_err(bad)?,
    };
    let by_item = Layout {
        offsets: column(&map, sec(8), Some(m + 1)).map_err(bad)?,
        keys: column(&map, sec(9), Some(e)).map_err(bad)?,
        ratings: column(&map, sec(10), Some(rating_len)).map_err(bad)?,
        days: column(&map, sec(11), Some(day_len)).map_err(bad)?,
    };
    let item_support: Column<u32> = column(&map, sec(12), Some(m)).map_err(bad)?;
    let keys_bound = |bound: usize| everything.then_some(bound);
    validate_layout(&by_record, e, keys_bound(m))
        .map_err(|x| bad(format!("record-major layout: {x}")))?;
    validate_layout(&by_item, e, keys_bound(n))
        .map_err(|x| bad(format!("item-major layout: {x}")))?;
    if item_support
        .iter()
        .enumerate()
        .any(|(i, &s)| s as u64 > by_item.offsets[i + 1] - by_item.offsets[i])
    {
        return Err(bad("item support exceeds the postings count".into()));
    }
    let people = people_table(path, &header, &map, n)?;
    let declared = declared_of(path, &header)?;
    Ok(StoredParts {
        kind: header.kind,
        has_ratings: header.has_ratings,
        has_dates: header.has_dates,
        record_ids: IdTable::from_columns(rio, rib),
        item_ids: IdTable::from_columns(iio, iib),
        by_record,
        by_item,
        item_support,
        pseudonymized: header.pseudonymized,
        policy: header.policy,
        source: header.source,
        declared,
        indices_verified: everything,
        people,
    }
    .into())
}

/// Checks that every section lies within the file and matches its checksum (with
/// `everything`, the per-entry sections too).
fn check_sections(path: &Path, header: &Header, map: &Mmap, everything: bool) -> Result<()> {
    let bad = |m: String| Error::store(path, m);
    for s in &header.sections {
        let end = s.offset.checked_add(s.bytes);
        if end.is_none_or(|end| end > map.len() as u64) {
            return Err(bad(format!(
                "truncated: section {} ends past the end of the file ({} bytes)",
                s.name,
                map.len()
            )));
        }
    }
    let mismatch = header
        .sections
        .par_iter()
        .enumerate()
        .filter(|(k, _)| everything || !ENTRY_SECTIONS.contains(k))
        .map(|(_, s)| s)
        .find_first(|s| {
            let bytes = &map[s.offset as usize..(s.offset + s.bytes) as usize];
            format!("{:016x}", checksum(bytes)) != s.xxh3
        })
        .map(|s| s.name.clone());
    if let Some(name) = mismatch {
        return Err(bad(format!(
            "section {name} does not match its checksum: the file is corrupt"
        )));
    }
    Ok(())
}

/// Section `s` of `map` as a column of `T`, of `expected` elements when given.
fn column<T: bytemuck::Pod>(
    map: &Arc<Mmap>,
    s: &Section,
    expected: Option<usize>,
) -> std::result::Result<Column<T>, String> {
    let size = size_of::<T>() as u64;
    if !s.bytes.is_multiple_of(size) {
        return Err(format!("section {} has a partial element", s.name));
    }
    let len = (s.bytes / size) as usize;
    if let Some(want) = expected
        && want != len
    {
        return Err(format!(
            "section {} has {len} elements, the header implies {want}",
            s.name
        ));
    }
    Column::mapped(map.clone(), s.offset as usize, len)
        .ok_or_else(|| format!("section {} is misaligned", s.name))
}

/// The people table, empty when the header lists no attributes.
fn people_table(path: &Path, header: &Header, map: &Arc<Mmap>, n: usize) -> Result<People> {
    let bad = |m: String| Error::store(path, m);
    Ok(if header.attributes.is_empty() {
        Default::default()
    } else {
        let values = IdTable::from_columns(
            column(map, &header.sections[13], None).map_err(bad)?,
            column(map, &header.sections[14], None).map_err(bad)?,
        );
        let (vo, vb) = values.columns();
        IdTable::validate(vo, vb).map_err(|m| bad(format!("attribute values: {m}")))?;
        let codes: Column<u32> = column(map, &header.sections[15], None).map_err(bad)?;
        let names = header.attributes.iter().map(|a| a.name.clone()).collect();
        let sizes: Vec<usize> = header
            .attributes
            .iter()
            .map(|a| a.values as usize)
            .collect();
        People::from_stored(names, &sizes, values, codes, n)
            .map_err(|m| bad(format!("people table: {m}")))?
    })
}

/// Checks a layout's offsets and, with `key_bound`, that every key is below it.
fn validate_layout(
    layout: &Layout,
    entries: usize,
    key_bound: Option<usize>,
) -> std::result::Result<(), String> {
    let offsets: &[u64] = &layout.offsets;
    if offsets.first() != Some(&0) || *offsets.last().unwrap_or(&1) != entries as u64 {
        return Err("offsets do not span the entries".into());
    }
    if offsets.windows(2).any(|w| w[0] > w[1]) {
        return Err("offsets are not increasing".into());
    }
    if let Some(bound) = key_bound
        && layout.keys.par_iter().any(|&k| k as usize >= bound)
    {
        return Err("an index is out of range".into());
    }
    Ok(())
}

/// The byte offset of a section (for tests that corrupt files on purpose).
#[doc(hidden)]
pub fn section_offset(path: &Path, name: &str) -> Result<u64> {
    let header = read_header(path)?;
    header
        .sections
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.offset)
        .ok_or_else(|| Error::store(path, format!("no section {name}")))
}
