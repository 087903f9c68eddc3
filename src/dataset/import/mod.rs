//! Importers: generic CSV, Netflix Prize and MovieLens files into a [`Dataset`].
//!
//! Every importer has the same shape. A reader cuts the input into [`Segment`]s (blocks of a
//! large file cut at line or movie boundaries, or whole small files), the segments of a batch are
//! parsed in parallel, each into a chunk with its own local id numbering, and [`assemble`]
//! merges the chunks: ids are given their final order (see [`super::ids`]), entries are
//! renumbered, and the [`super::builder`] makes both layouts. Errors carry the file and line;
//! in parallel parsing the first error in input order is the one reported, so the message does
//! not depend on the thread count.

pub mod columns;
pub mod declared;
mod delimited;
mod format;
pub mod layout;
mod netflix;
mod parquet;
pub mod people_file;
mod segments;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::builder::{self, EntryChunk};
use super::ids::{IdKey, canonical_number};
use super::{Dataset, DatasetKind, IdTable};
use crate::{Error, Result};

pub use format::Format;
pub use layout::{ColumnNames, Layout};
pub use segments::Segment;

/// Receives parsed entries. Implemented by the chunk builder and by the duplicate finder.
pub(crate) trait EntrySink {
    /// One entry from `line` of the current file.
    fn entry(
        &mut self,
        line: u64,
        user: &[u8],
        item: &[u8],
        rating: u8,
        day: u16,
    ) -> std::result::Result<(), String>;
}

/// Parses segments of one input format.
pub(crate) trait SegmentParser: Sync {
    /// Feeds every entry of `segment` to `sink`. Errors carry the segment's path and line.
    fn parse(&self, segment: &Segment, sink: &mut dyn EntrySink) -> Result<()>;
}

/// What an import reads besides the entries, and how it reads the generic files; each left out
/// is the format's own where it has one (the files a data set ships beside its ratings, the
/// scale it defines).
#[derive(Clone, Copy, Debug, Default)]
pub struct Sources<'a> {
    /// The columns and delimiter of a CSV or Parquet data file and of a people file (see
    /// [`layout`]); the default where left out.
    pub layout: Option<&'a Layout>,
    /// The people table (see [`people_file`]).
    pub people: Option<&'a Path>,
    /// The item catalogue (see [`declared`]).
    pub items: Option<&'a Path>,
    /// The rating scale.
    pub rating_scale: Option<crate::dataset::RatingScale>,
}

/// Imports `path` in `format` as a dataset of `kind`. A MovieLens import also reads the people
/// file beside the ratings (`u.user`, `users.dat` or RecBole's `.user`) when there is one; a
/// MovieLens or Netflix Prize import reads the item catalogue beside the ratings and declares
/// the scale its format defines ([`declared`]).
pub fn import(path: &Path, format: Format, kind: DatasetKind) -> Result<Dataset> {
    import_from(path, format, kind, Sources::default())
}

/// Imports `path` in `format` as a dataset of `kind`, with the people table read from `people`
/// (see [`people_file`]): a person with attributes and no entries is a record with no entries.
pub fn import_with_people(
    path: &Path,
    format: Format,
    kind: DatasetKind,
    people: Option<&Path>,
) -> Result<Dataset> {
    import_from(
        path,
        format,
        kind,
        Sources {
            people,
            ..Sources::default()
        },
    )
}

/// Imports `path` in `format` as a dataset of `kind` with what `sources` names, or the format's
/// own files and scale where it names none.
pub fn import_from(
    path: &Path,
    format: Format,
    kind: DatasetKind,
    sources: Sources<'_>,
) -> Result<Dataset> {
    if !path.exists() {
        return Err(Error::input(path, "no such file or folder"));
    }
    let default_layout = Layout::default();
    let layout = sources.layout.unwrap_or(&default_layout);
    if !format.has_named_columns() && !layout.is_default() {
        return Err(Error::input(
            path,
            format!(
                "--columns and --delimiter apply to csv and parquet data; --format {} has columns of its own",
                format.name()
            ),
        ));
    }
    if format == Format::Parquet && layout.delimiter.is_some() {
        return Err(Error::input(
            path,
            "--delimiter applies to CSV files; a Parquet file has no delimiter",
        ));
    }
    let people_beside = match format {
        Format::Movielens if sources.people.is_none() => people_file::movielens_people_beside(path),
        _ => None,
    };
    let people = sources
        .people
        .or(people_beside.as_deref())
        .map(|p| people_file::read_with(p, layout))
        .transpose()?;
    let items_beside = match sources.items {
        None => declared::beside(path, format),
        Some(_) => None,
    };
    let catalogue = sources
        .items
        .or(items_beside.as_deref())
        .map(declared::read)
        .transpose()?;
    let scale = sources
        .rating_scale
        .or_else(|| declared::format_scale(path, format));
    let input = match format {
        Format::Csv => Input::text(delimited::csv(path, layout)?),
        Format::Movielens => Input::text(delimited::movielens(path)?),
        Format::Netflix => Input::text(netflix::open(path)?),
        Format::Parquet => Input::Parquet(parquet::EntriesFile::open(path, &layout.columns)?),
    };
    let chunks = crate::progress::timed("parse", || input.parse())?;
    if chunks.iter().all(|c| c.entries.is_empty()) {
        return Err(Error::input(
            input.display_path(),
            "contains no data lines (is it empty, or only a header?)",
        ));
    }
    let mut chunks = chunks;
    if let Some(catalogue) = &catalogue {
        chunks.push(declared::chunk(catalogue)?);
    }
    let mut data = assemble_with_people(kind, chunks, people, |dup| input.duplicate_error(dup))?;
    declared::declare(&mut data, catalogue.as_ref(), scale, input.display_path())?;
    Ok(data)
}

/// The entries of one import: text files cut into segments, or a Parquet file.
enum Input {
    Text {
        parser: Box<dyn SegmentParser>,
        source: segments::Source,
    },
    Parquet(parquet::EntriesFile),
}

impl Input {
    fn text((parser, source): (Box<dyn SegmentParser>, segments::Source)) -> Input {
        Input::Text { parser, source }
    }

    /// What the user named, for messages.
    fn display_path(&self) -> &Path {
        match self {
            Input::Text { source, .. } => source.display_path(),
            Input::Parquet(file) => file.path(),
        }
    }

    /// Every entry, in chunks parsed in parallel.
    fn parse(&self) -> Result<Vec<ParsedChunk>> {
        match self {
            Input::Text { parser, source } => parse_all(&**parser, source),
            Input::Parquet(file) => file.parse(),
        }
    }

    /// The error for a duplicate entry, naming both of its lines (or rows).
    fn duplicate_error(&self, dup: Named<builder::DuplicateEntry>) -> Error {
        let mut finder = DuplicateFinder {
            user: dup.user.as_bytes(),
            item: dup.item.as_bytes(),
            path: PathBuf::new(),
            hits: Vec::new(),
        };
        // Ids are compared as text; a number written two ways ("7" and "07") is two ids, so the
        // text of the final id matches the input exactly.
        let _ = match self {
            Input::Text { parser, source } => source.for_each_batch(|batch| {
                for segment in batch.iter().flatten() {
                    finder.path = segment.path.to_path_buf();
                    parser.parse(segment, &mut finder)?;
                }
                Ok(())
            }),
            Input::Parquet(file) => {
                finder.path = file.path().to_path_buf();
                file.feed_all(&mut finder)
            }
        };
        let what = format!(
            "user {} rated item {} twice; a ratings data set holds one rating per user and item (use --kind views for a log of viewing events)",
            dup.user, dup.item
        );
        match (finder.hits.as_slice(), self) {
            ([(_, first), (path, second)], Input::Text { .. }) => {
                Error::parse(path, *second, format!("{what}; first at line {first}"))
            }
            ([(_, first), (path, second)], Input::Parquet(_)) => {
                Error::row(path, *second, format!("{what}; first at row {first}"))
            }
            _ => Error::input(self.display_path(), what),
        }
    }
}

/// [`assemble`], every person of `people` a record (with no entries when the chunks have
/// none of theirs) and their attributes on it; `duplicate` says where a duplicate entry is.
pub(crate) fn assemble_with_people(
    kind: DatasetKind,
    mut chunks: Vec<ParsedChunk>,
    people: Option<people_file::PeopleFile>,
    duplicate: impl FnOnce(Named<builder::DuplicateEntry>) -> Error,
) -> Result<Dataset> {
    if let Some(people) = &people {
        chunks.push(people_chunk(people)?);
    }
    let mut data = assemble(kind, chunks).map_err(duplicate)?;
    if let Some(people) = people {
        check_people_match(&data, &people)?;
        attach_people(&mut data, people);
    }
    Ok(data)
}

/// A people file none of whose ids is a person of the data (with entries) is an error giving
/// an id from each side: the ids are likely written differently (`007` and `7`).
fn check_people_match(data: &Dataset, people: &people_file::PeopleFile) -> Result<()> {
    let index = data.record_ids().index_map();
    let has_entries = |user: &str| index.get(user).is_some_and(|&r| !data.record(r).is_empty());
    if people.users.iter().any(|u| has_entries(u)) {
        return Ok(());
    }
    let example = (0..data.num_records() as u32)
        .find(|&r| !data.record(r).is_empty())
        .map_or_else(String::new, |r| {
            data.record_ids().get(r as usize).to_string()
        });
    Err(Error::input(
        &people.path,
        format!(
            "no user of the people file is a user of the data (people file: '{}', data: '{example}'); write the ids alike",
            people.users[0]
        ),
    ))
}

/// Warnings about a store's people table, for the command that imported it: how many people of
/// the data have no value of any attribute (a missing value agrees with anything an adversary
/// knows, so such people cannot be told apart by their attributes).
pub fn people_warnings(data: &Dataset) -> Vec<String> {
    let without = data.people().records_without_values();
    if without == 0 {
        return Vec::new();
    }
    vec![format!(
        "{without} of {} people have no row in the people file (or only blanks): a missing value agrees with any value, so their attributes tell nobody apart",
        data.num_records()
    )]
}

/// A chunk with no entries that makes every person of the people file a record.
fn people_chunk(people: &people_file::PeopleFile) -> Result<ParsedChunk> {
    let mut chunk = ParsedChunk::default();
    for (user, &line) in people.users.iter().zip(&people.lines) {
        chunk
            .users
            .intern(user.as_bytes())
            .map_err(|e| Error::parse(&people.path, line, format!("user: {e}")))?;
    }
    chunk.users.finish();
    Ok(chunk)
}

/// Puts each person's attributes on their record; records not in the people file have none.
fn attach_people(data: &mut Dataset, people: people_file::PeopleFile) {
    let index = data.record_ids().index_map();
    let rows: Vec<u32> = people.users.iter().map(|u| index[u.as_str()]).collect();
    let records = data.num_records();
    let columns = people
        .columns
        .into_iter()
        .map(|values| {
            let mut column = vec![None; records];
            for (value, &r) in values.into_iter().zip(&rows) {
                column[r as usize] = value;
            }
            column
        })
        .collect();
    data.set_people(super::People::from_values(people.names, columns));
}

/// One parsed piece of input: entries numbered with local ids, and the ids themselves.
#[derive(Default)]
pub(crate) struct ParsedChunk {
    entries: EntryChunk,
    users: LocalIds,
    items: LocalIds,
}

/// Ids seen in one chunk, numbered in order of first appearance.
#[derive(Default)]
struct LocalIds {
    numbers: FxHashMap<u64, u32>,
    texts: FxHashMap<Box<[u8]>, u32>,
    keys: Vec<IdKey>,
    /// Local number of each small numeric id (`u32::MAX`: not seen).
    dense: Vec<u32>,
    /// The last id seen and its number: inputs come in runs (a user's ratings, a movie's).
    last: Vec<u8>,
    last_id: u32,
}

/// Numeric ids below this are looked up in a table rather than hashed.
const DENSE_LIMIT: u64 = 1 << 23;

impl LocalIds {
    /// Frees the lookup structures once the chunk is parsed; the keys stay.
    fn finish(&mut self) {
        self.numbers = Default::default();
        self.texts = Default::default();
        self.dense = Vec::new();
    }

    #[inline]
    fn intern(&mut self, bytes: &[u8]) -> std::result::Result<u32, String> {
        if !self.keys.is_empty() && bytes == self.last.as_slice() {
            return Ok(self.last_id);
        }
        let id = self.intern_uncached(bytes)?;
        self.last.clear();
        self.last.extend_from_slice(bytes);
        self.last_id = id;
        Ok(id)
    }

    fn intern_uncached(&mut self, bytes: &[u8]) -> std::result::Result<u32, String> {
        let next = self.keys.len() as u32;
        if let Some(n) = canonical_number(bytes) {
            if n < DENSE_LIMIT {
                // Small numbers (all Netflix and MovieLens ids) index a table: no hashing.
                let slot = n as usize;
                if slot >= self.dense.len() {
                    self.dense.resize((slot + 1).next_power_of_two(), u32::MAX);
                }
                if self.dense[slot] == u32::MAX {
                    self.dense[slot] = next;
                    self.keys.push(IdKey::Num(n));
                }
                return Ok(self.dense[slot]);
            }
            let id = *self.numbers.entry(n).or_insert(next);
            if id == next {
                self.keys.push(IdKey::Num(n));
            }
            return Ok(id);
        }
        if bytes.is_empty() {
            return Err("empty id".into());
        }
        if let Some(&id) = self.texts.get(bytes) {
            return Ok(id);
        }
        let key = IdKey::from_bytes(bytes)?;
        self.texts.insert(bytes.into(), next);
        self.keys.push(key);
        Ok(next)
    }
}

impl EntrySink for ParsedChunk {
    #[inline]
    fn entry(
        &mut self,
        _line: u64,
        user: &[u8],
        item: &[u8],
        rating: u8,
        day: u16,
    ) -> std::result::Result<(), String> {
        let u = self.users.intern(user).map_err(|e| format!("user: {e}"))?;
        let i = self.items.intern(item).map_err(|e| format!("item: {e}"))?;
        self.entries.push(u, i, rating, day);
        Ok(())
    }
}

/// Parses every segment of `source`, batch by batch, in parallel within a batch.
fn parse_all(parser: &dyn SegmentParser, source: &segments::Source) -> Result<Vec<ParsedChunk>> {
    let mut chunks = Vec::new();
    let bar = crate::progress::bytes_bar(source.total_bytes(), "importing");
    source.for_each_batch(|batch| {
        let parsed: Vec<Result<ParsedChunk>> = batch
            .par_iter()
            .map(|task| {
                let mut chunk = ParsedChunk {
                    entries: EntryChunk::with_capacity(
                        task.iter().map(|s| s.lines as usize + 1).sum(),
                    ),
                    ..Default::default()
                };
                for segment in task {
                    parser.parse(segment, &mut chunk)?;
                }
                chunk.users.finish();
                chunk.items.finish();
                Ok(chunk)
            })
            .collect();
        for p in parsed {
            chunks.push(p?);
        }
        bar.inc(batch.iter().flatten().map(|s| s.data.len() as u64).sum());
        Ok(())
    })?;
    bar.finish_and_clear();
    Ok(chunks)
}

/// Final order of the union of the chunks' ids, and each chunk's local -> final table.
fn merge_ids(locals: Vec<&LocalIds>) -> (Vec<IdKey>, Vec<Vec<u32>>) {
    let mut seen: rustc_hash::FxHashSet<&IdKey> = Default::default();
    for l in &locals {
        seen.extend(l.keys.iter());
    }
    let mut all: Vec<IdKey> = seen.into_iter().cloned().collect();
    all.par_sort_unstable();
    let index: FxHashMap<&IdKey, u32> =
        all.iter().enumerate().map(|(i, k)| (k, i as u32)).collect();
    let tables = locals
        .par_iter()
        .map(|l| l.keys.iter().map(|k| index[k]).collect())
        .collect();
    (all, tables)
}

/// Merges parsed chunks into a dataset (see the module docs).
pub(crate) fn assemble(
    kind: DatasetKind,
    chunks: Vec<ParsedChunk>,
) -> std::result::Result<Dataset, Named<builder::DuplicateEntry>> {
    let ((user_keys, user_tables), (item_keys, item_tables)) =
        crate::progress::timed("merge ids", || {
            (
                merge_ids(chunks.iter().map(|c| &c.users).collect()),
                merge_ids(chunks.iter().map(|c| &c.items).collect()),
            )
        });
    let entries: Vec<EntryChunk> = chunks
        .into_par_iter()
        .zip(user_tables)
        .zip(item_tables)
        .map(|((c, ut), it)| {
            let mut e = c.entries;
            e.records.iter_mut().for_each(|r| *r = ut[*r as usize]);
            e.items.iter_mut().for_each(|i| *i = it[*i as usize]);
            e
        })
        .collect();
    let user_table = IdTable::from_keys(&user_keys);
    let item_table = IdTable::from_keys(&item_keys);
    builder::build(kind, user_table, item_table, entries).map_err(|d| Named {
        user: user_keys[d.record as usize].to_text(),
        item: item_keys[d.item as usize].to_text(),
        inner: d,
    })
}

/// A duplicate with its external ids.
pub(crate) struct Named<T> {
    user: String,
    item: String,
    #[allow(dead_code)]
    inner: T,
}

/// Finds the lines of a duplicate (user, item) pair by parsing the input again.
struct DuplicateFinder<'a> {
    user: &'a [u8],
    item: &'a [u8],
    path: PathBuf,
    hits: Vec<(PathBuf, u64)>,
}

impl EntrySink for DuplicateFinder<'_> {
    fn entry(
        &mut self,
        line: u64,
        user: &[u8],
        item: &[u8],
        _: u8,
        _: u16,
    ) -> std::result::Result<(), String> {
        if self.hits.len() < 2 && user == self.user && item == self.item {
            self.hits.push((self.path.clone(), line));
        }
        Ok(())
    }
}
