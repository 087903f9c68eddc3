//! What the data holder declares public at import: the item catalogue (every item that exists,
//! whether or not anyone holds it) and the rating scale. A differentially private release
//! ([`crate::release::dp`]) needs both, so that nothing it releases about items or ratings is
//! read from the people's data.
//!
//! A catalogue is a CSV file whose header's first column is `item` (further columns, such as a
//! title, may follow), or one of the catalogues the data sets ship: MovieLens `u.item`
//! (`id|title|...`), `movies.dat` (`id::title::genres`), `movies.csv` (`movieId,...`), RecBole
//! `.item` (tab-separated, `item_id:token` first), the Netflix Prize `movie_titles.txt` or
//! `.csv` (`id,year,title`). Only the first field of a line is read, as bytes, so titles in
//! Latin-1 do no harm.

use std::path::{Path, PathBuf};

use super::{Format, ParsedChunk};
use crate::dataset::{Dataset, RatingScale};
use crate::{Error, Result};

/// A catalogue file, read.
pub struct Catalogue {
    /// Where it was read from.
    pub path: PathBuf,
    /// Each item id with its line.
    pub items: Vec<(String, u64)>,
}

impl Catalogue {
    /// A catalogue handed over in memory (`what` names it in errors, its lines are positions
    /// from 1); an empty one or an id listed twice is an error.
    pub fn from_items(items: Vec<String>, what: &str) -> Result<Catalogue> {
        let path = PathBuf::from(what);
        let mut seen = std::collections::HashSet::new();
        let mut listed = Vec::with_capacity(items.len());
        for (k, id) in items.into_iter().enumerate() {
            let id = id.trim().to_string();
            if id.is_empty() || !seen.insert(id.clone()) {
                return Err(Error::parse(
                    &path,
                    k as u64 + 1,
                    format!("item '{id}' is empty or listed twice"),
                ));
            }
            listed.push((id, k as u64 + 1));
        }
        if listed.is_empty() {
            return Err(Error::input(&path, "the item catalogue lists no item"));
        }
        Ok(Catalogue {
            path,
            items: listed,
        })
    }
}

/// How a catalogue file lays out its lines.
struct Layout {
    delimiter: &'static [u8],
    /// The header's first field, when the file has a header.
    header: Option<&'static [&'static str]>,
}

fn layout_of(path: &Path) -> Layout {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    match name {
        "u.item" => Layout {
            delimiter: b"|",
            header: None,
        },
        "movies.dat" => Layout {
            delimiter: b"::",
            header: None,
        },
        "movie_titles.txt" | "movie_titles.csv" => Layout {
            delimiter: b",",
            header: None,
        },
        "movies.csv" => Layout {
            delimiter: b",",
            header: Some(&["movieId"]),
        },
        _ if name.ends_with(".item") => Layout {
            delimiter: b"\t",
            header: Some(&["item_id:token"]),
        },
        _ => Layout {
            delimiter: b",",
            header: Some(&["item"]),
        },
    }
}

/// Reads a catalogue; an empty one, a header without `item` first, an empty id or an id listed
/// twice is an error naming the file and line.
pub fn read(path: &Path) -> Result<Catalogue> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let layout = layout_of(path);
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut lines = bytes.split(|&b| b == b'\n').enumerate();
    if let Some(header) = layout.header {
        let first = lines.next().map(|(_, l)| field(l, layout.delimiter));
        let first = first.unwrap_or_default();
        let first = first.trim_start_matches('\u{feff}');
        if !header.contains(&first) {
            return Err(Error::parse(
                path,
                1,
                format!(
                    "an item catalogue's header starts with '{}', found '{first}'",
                    header[0]
                ),
            ));
        }
    }
    for (k, line) in lines {
        let number = k as u64 + 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let id = field(line, layout.delimiter);
        let id = id.trim_start_matches('\u{feff}').to_string();
        if id.is_empty() {
            return Err(Error::parse(path, number, "empty item id"));
        }
        if !seen.insert(id.clone()) {
            return Err(Error::parse(
                path,
                number,
                format!("item {id} is listed twice"),
            ));
        }
        items.push((id, number));
    }
    if items.is_empty() {
        return Err(Error::input(path, "the item catalogue lists no item"));
    }
    Ok(Catalogue {
        path: path.to_path_buf(),
        items,
    })
}

/// The first field of a line (up to `delimiter`), trimmed, lossily decoded.
fn field(line: &[u8], delimiter: &[u8]) -> String {
    let end = line
        .windows(delimiter.len())
        .position(|w| w == delimiter)
        .unwrap_or(line.len());
    let field = &line[..end];
    let field = field.strip_suffix(b"\r").unwrap_or(field);
    String::from_utf8_lossy(field)
        .trim()
        .trim_matches('"')
        .to_string()
}

/// The folder a data file lies in, or the folder given: `.` for a bare file name, whose
/// `parent()` is the empty path (no folder can be read under that name).
pub(super) fn folder_of(path: &Path) -> &Path {
    if path.is_dir() {
        return path;
    }
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The catalogue a data set ships beside its ratings (a file, or inside the folder given), if
/// any: MovieLens `u.item`, `movies.dat`, `movies.csv` or a RecBole `.item`; the Netflix Prize
/// `movie_titles.txt` or `.csv`.
pub fn beside(path: &Path, format: Format) -> Option<PathBuf> {
    let folder = folder_of(path);
    let names: &[&str] = match format {
        Format::Movielens => &["u.item", "movies.dat", "movies.csv"],
        Format::Netflix => &["movie_titles.txt", "movie_titles.csv"],
        Format::Csv | Format::Parquet => return None,
    };
    // The Netflix Prize folder holds training_set/ and movie_titles.txt side by side; a
    // training_set folder given itself has it one level up.
    let folders = [Some(folder), folder.parent()];
    for dir in folders.into_iter().flatten() {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    if format == Format::Movielens {
        let mut items: Vec<PathBuf> = std::fs::read_dir(folder)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "item"))
            .collect();
        items.sort();
        return items.into_iter().next();
    }
    None
}

/// The rating scale a format defines, if it does: the Netflix Prize and MovieLens 100k
/// (`u.data`, RecBole `.inter`) rate in whole stars from 1 to 5.
pub fn format_scale(path: &Path, format: Format) -> Option<RatingScale> {
    let one_to_five = RatingScale {
        min: 2,
        max: 10,
        step: 2,
    };
    match format {
        Format::Netflix => Some(one_to_five),
        Format::Movielens => {
            let is_100k = |p: &Path| {
                p.file_name().is_some_and(|n| n == "u.data")
                    || p.extension().is_some_and(|x| x == "inter")
            };
            if is_100k(path) {
                return Some(one_to_five);
            }
            let entries = std::fs::read_dir(path).ok()?;
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .any(|p| is_100k(&p))
                .then_some(one_to_five)
        }
        Format::Csv | Format::Parquet => None,
    }
}

/// Parses `MIN..MAX:STEP` in stars (`1..5:1`, `0.5..5:0.5`): whole or half stars, MIN < MAX,
/// STEP 0.5 or 1 and dividing MAX - MIN.
pub fn parse_scale(text: &str) -> std::result::Result<RatingScale, String> {
    let bad = || {
        format!("'{text}' is not a rating scale MIN..MAX:STEP in stars (e.g. 1..5:1 or 0.5..5:0.5)")
    };
    let (range, step) = text.split_once(':').ok_or_else(bad)?;
    let (min, max) = range.split_once("..").ok_or_else(bad)?;
    let halves = |v: &str| -> std::result::Result<u8, String> {
        let x: f64 = v.trim().parse().map_err(|_| bad())?;
        let h = x * 2.0;
        if !(0.0..=127.0).contains(&h) || h.fract() != 0.0 {
            return Err(format!(
                "rating scale '{text}': {v} is not a whole or half star between 0 and 63.5"
            ));
        }
        Ok(h as u8)
    };
    let (min, max, step) = (halves(min)?, halves(max)?, halves(step)?);
    if min >= max {
        return Err(format!("rating scale '{text}': MIN must be below MAX"));
    }
    if !(1..=2).contains(&step) || (max - min) % step != 0 {
        return Err(format!(
            "rating scale '{text}': STEP must be 0.5 or 1 and divide MAX - MIN"
        ));
    }
    Ok(RatingScale { min, max, step })
}

/// The scale as the command line writes it (`1..5:1`).
pub fn scale_text(scale: RatingScale) -> String {
    let stars = |h: u8| {
        let x = h as f64 / 2.0;
        if x.fract() == 0.0 {
            format!("{x:.0}")
        } else {
            format!("{x}")
        }
    };
    format!(
        "{}..{}:{}",
        stars(scale.min),
        stars(scale.max),
        stars(scale.step)
    )
}

/// A chunk with no entries that makes every item of the catalogue an item of the data.
pub(super) fn chunk(catalogue: &Catalogue) -> Result<ParsedChunk> {
    let mut chunk = ParsedChunk::default();
    for (item, line) in &catalogue.items {
        chunk
            .items
            .intern(item.as_bytes())
            .map_err(|e| Error::parse(&catalogue.path, *line, format!("item: {e}")))?;
    }
    chunk.items.finish();
    Ok(chunk)
}

/// Checks that `data`, imported with the catalogue's items, holds no item the catalogue lacks,
/// and that every rating is on `scale`; marks what is declared.
pub(super) fn declare(
    data: &mut Dataset,
    catalogue: Option<&Catalogue>,
    scale: Option<RatingScale>,
    source: &Path,
) -> Result<()> {
    if let Some(catalogue) = catalogue
        && data.num_items() > catalogue.items.len()
    {
        let listed: std::collections::HashSet<&str> =
            catalogue.items.iter().map(|(i, _)| i.as_str()).collect();
        let ids = data.item_ids();
        let missing = (0..data.num_items())
            .map(|i| ids.get(i))
            .find(|id| !listed.contains(id))
            .unwrap_or("?");
        return Err(Error::input(
            source,
            format!(
                "holds item {missing}, which the item catalogue {} does not list",
                catalogue.path.display()
            ),
        ));
    }
    if let Some(scale) = scale
        && let Some(found) = data.rating_scale()
    {
        let off = data
            .ratings_in_use()
            .into_iter()
            .find(|&r| r < scale.min || r > scale.max || (r - scale.min) % scale.step != 0);
        if let Some(r) = off {
            return Err(Error::input(
                source,
                format!(
                    "holds a rating of {} stars, off the declared scale {} (its ratings span {})",
                    r as f64 / 2.0,
                    scale_text(scale),
                    scale_text(found)
                ),
            ));
        }
    }
    data.declare(catalogue.is_some(), scale);
    Ok(())
}
