//! The aux CSV format: `aux_id,item,rating,date[,true_user][,count][,<attribute>...]`, one
//! fact per line. `rating` (stars) and `date` (`YYYY-MM-DD` or Unix seconds) may be blank;
//! `count` is the adversary's estimate of how many ratings the target has (blank: unknown).
//! Every other column is an attribute the adversary knows, named as in the people table (`age`,
//! `zip_code`), its value exact (`24`), a range (`22-26`) or a prefix (`857*`), blank when not
//! known. `true_user`, `count` and the attributes, when present, must be the same on every line
//! of an aux record; a record that knows attributes only has one line with an empty item.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use super::{AuxAttribute, AuxFact, AuxRecord};
use crate::atomic_file::write_naming_people;
use crate::dataset::import::columns::{Dates, Ids, Ratings};
use crate::dataset::people::check_known;
use crate::dataset::values::{format_day, format_rating, parse_date, parse_rating};
use crate::dataset::{NO_DAY, NO_RATING, is_aux_column};
use crate::{Error, Result};

/// Writes aux records, facts in order.
pub fn write_aux(records: &[AuxRecord], path: &Path) -> Result<()> {
    let with_truth = records.iter().any(|r| r.true_user.is_some());
    let with_count = records.iter().any(|r| r.count.is_some());
    let mut attributes: Vec<&str> = Vec::new();
    for r in records {
        for a in &r.attributes {
            if !attributes.contains(&a.name.as_str()) {
                attributes.push(&a.name);
            }
        }
    }
    let no_fact = [AuxFact {
        item: String::new(),
        rating: None,
        day: None,
    }];
    write_naming_people(path, |w| {
        w.write_all(b"aux_id,item,rating,date")?;
        if with_truth {
            w.write_all(b",true_user")?;
        }
        if with_count {
            w.write_all(b",count")?;
        }
        for a in &attributes {
            w.write_all(b",")?;
            w.write_all(a.as_bytes())?;
        }
        w.write_all(b"\n")?;
        let mut line = Vec::new();
        for r in records {
            let facts: &[AuxFact] = if r.facts.is_empty() {
                &no_fact
            } else {
                &r.facts
            };
            for f in facts {
                line.clear();
                line.extend_from_slice(r.id.as_bytes());
                line.push(b',');
                line.extend_from_slice(f.item.as_bytes());
                line.push(b',');
                if let Some(rating) = f.rating {
                    format_rating(rating, &mut line);
                }
                line.push(b',');
                if let Some(day) = f.day {
                    format_day(day, &mut line);
                }
                if with_truth {
                    line.push(b',');
                    line.extend_from_slice(r.true_user.as_deref().unwrap_or("").as_bytes());
                }
                if with_count {
                    line.push(b',');
                    if let Some(c) = r.count {
                        line.extend_from_slice(c.to_string().as_bytes());
                    }
                }
                for name in &attributes {
                    line.push(b',');
                    if let Some(a) = r.attributes.iter().find(|a| a.name == *name) {
                        line.extend_from_slice(a.value.as_bytes());
                    }
                }
                line.push(b'\n');
                w.write_all(&line)?;
            }
        }
        Ok(())
    })
}

/// Groups aux rows (one fact each) into records, in order of first appearance of their id, and
/// checks that a record's rows agree on `true_user` and `count`. Used by [`read_aux`] and by the
/// Python package for a DataFrame.
#[derive(Debug, Default)]
pub struct AuxRows {
    records: Vec<AuxRecord>,
    index: HashMap<String, usize>,
}

impl AuxRows {
    /// Adds one fact of record `id`; the error says what disagrees.
    pub fn push(
        &mut self,
        id: &str,
        fact: AuxFact,
        truth: Option<String>,
        count: Option<u32>,
    ) -> std::result::Result<(), String> {
        self.push_with(id, Some(fact), truth, count, Vec::new())
    }

    /// Adds one line of record `id`: a fact (none for a line with an empty item) and the
    /// attributes the line gives, which must be the record's on every line.
    pub fn push_with(
        &mut self,
        id: &str,
        fact: Option<AuxFact>,
        truth: Option<String>,
        count: Option<u32>,
        attributes: Vec<AuxAttribute>,
    ) -> std::result::Result<(), String> {
        let records = &mut self.records;
        let mut new = false;
        let slot = *self.index.entry(id.to_string()).or_insert_with(|| {
            new = true;
            records.push(AuxRecord {
                id: id.to_string(),
                facts: Vec::new(),
                true_user: truth.clone(),
                count,
                attributes: attributes.clone(),
            });
            records.len() - 1
        });
        let record = &mut self.records[slot];
        if !new && record.attributes != attributes {
            return Err(format!(
                "aux record {id} gives different attributes on two lines (each line repeats them)"
            ));
        }
        if record.count != count {
            return Err(format!("aux record {id} gives two different counts"));
        }
        if record.true_user != truth {
            return Err(format!(
                "aux record {id} names two different true_user values"
            ));
        }
        record.facts.extend(fact);
        Ok(())
    }

    /// The records.
    pub fn finish(self) -> Vec<AuxRecord> {
        self.records
    }
}

/// An aux table held in memory (a DataFrame handed over by the Python package): the columns of
/// an aux file, all of one length.
#[derive(Clone, Copy, Debug)]
pub struct AuxColumns<'a> {
    /// The aux record each fact belongs to.
    pub aux_id: Ids<'a>,
    /// The fact's item.
    pub item: Ids<'a>,
    /// Its rating, if known.
    pub rating: Option<Ratings<'a>>,
    /// Its date, if known.
    pub date: Option<Dates<'a>>,
    /// The target's original id, if known.
    pub true_user: Option<Ids<'a>>,
    /// Roughly how many ratings the target has (NaN: not known).
    pub count: Option<&'a [f64]>,
    /// The attributes the adversary knows: each column's name and per row its value (`None`:
    /// not known). A row with an empty item knows attributes only.
    pub attributes: &'a [(String, Vec<Option<String>>)],
}

/// The records of an aux table, checked as [`read_aux`] checks a file; errors name the row
/// (from 0).
pub fn records_from_columns(columns: &AuxColumns<'_>) -> Result<Vec<AuxRecord>> {
    let n = columns.aux_id.len();
    let mut lengths = vec![("item", columns.item.len())];
    lengths.extend(columns.rating.map(|c| ("rating", c.len())));
    lengths.extend(columns.date.map(|c| ("date", c.len())));
    lengths.extend(columns.true_user.map(|c| ("true_user", c.len())));
    lengths.extend(columns.count.map(|c| ("count", c.len())));
    lengths.extend(
        columns
            .attributes
            .iter()
            .map(|(name, v)| (name.as_str(), v.len())),
    );
    crate::dataset::import::columns::check_lengths("aux_id", n, &lengths)?;
    let mut rows = AuxRows::default();
    let (mut id, mut item, mut truth) = (Vec::new(), Vec::new(), Vec::new());
    for row in 0..n {
        let fact = (|| {
            columns.aux_id.text_at(row, &mut id);
            columns.item.text_at(row, &mut item);
            if id.is_empty() {
                return Err("empty aux_id".to_string());
            }
            let mut attributes: Vec<AuxAttribute> = Vec::new();
            for (name, values) in columns.attributes {
                if let Some(value) = &values[row] {
                    check_known(value).map_err(|m| format!("{name}: {m}"))?;
                    attributes.push(AuxAttribute {
                        name: name.clone(),
                        value: value.clone(),
                    });
                }
            }
            if item.is_empty() && columns.attributes.is_empty() {
                return Err("empty item".to_string());
            }
            let rating = columns.rating.map_or(Ok(NO_RATING), |c| c.at(row))?;
            let day = columns.date.map_or(Ok(NO_DAY), |c| c.at(row))?;
            let truth = match columns.true_user {
                Some(c) => {
                    c.text_at(row, &mut truth);
                    (!truth.is_empty()).then(|| String::from_utf8_lossy(&truth).into_owned())
                }
                None => None,
            };
            let count = match columns.count.map(|c| c[row]) {
                Some(c) if c.is_nan() => None,
                Some(c) if c >= 0.0 && c.fract() == 0.0 && c <= u32::MAX as f64 => Some(c as u32),
                Some(c) => return Err(format!("count '{c}' is not a whole number")),
                None => None,
            };
            if item.is_empty() && (rating != NO_RATING || day != NO_DAY) {
                return Err("a rating or date without an item".to_string());
            }
            let fact = (!item.is_empty()).then(|| AuxFact {
                item: String::from_utf8_lossy(&item).into_owned(),
                rating: (rating != NO_RATING).then_some(rating),
                day: (day != NO_DAY).then_some(day),
            });
            rows.push_with(
                &String::from_utf8_lossy(&id),
                fact,
                truth,
                count,
                attributes,
            )
        })();
        fact.map_err(|message| Error::Row {
            table: "aux",
            row: row as u64,
            message,
        })?;
    }
    let records = rows.finish();
    if records.is_empty() {
        return Err(Error::InvalidArgument(
            "the aux table holds no facts".into(),
        ));
    }
    Ok(records)
}

/// Reads an aux file. Records come in order of first appearance of their id.
pub fn read_aux(path: &Path) -> Result<Vec<AuxRecord>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|e| Error::input(path, e.to_string()))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::parse(path, 1, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(c_id), Some(c_item)) = (column("aux_id"), column("item")) else {
        return Err(Error::parse(
            path,
            1,
            format!(
                "an aux file has the header aux_id,item,rating,date[,true_user]; found '{}'",
                headers.join(",")
            ),
        ));
    };
    let (c_rating, c_date, c_truth) = (column("rating"), column("date"), column("true_user"));
    let c_count = column("count");
    let attribute_columns: Vec<(usize, &str)> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !is_aux_column(h))
        .map(|(c, h)| (c, h.as_str()))
        .collect();
    for (k, (c, h)) in attribute_columns.iter().enumerate() {
        if attribute_columns[..k].iter().any(|(_, g)| g == h) {
            return Err(Error::parse(
                path,
                1,
                format!("column {}: the attribute '{h}' is named twice", c + 1),
            ));
        }
        if h.is_empty() {
            return Err(Error::parse(
                path,
                1,
                format!(
                    "column {}: empty header (an attribute column needs a name)",
                    c + 1
                ),
            ));
        }
    }
    let mut rows = AuxRows::default();
    for (k, row) in reader.records().enumerate() {
        let line = k as u64 + 2;
        let row = row.map_err(|e| Error::parse(path, line, e.to_string()))?;
        let field = |c: Option<usize>| {
            c.and_then(|c| row.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let id = field(Some(c_id)).ok_or_else(|| Error::parse(path, line, "empty aux_id"))?;
        let mut attributes: Vec<AuxAttribute> = Vec::new();
        for &(c, name) in &attribute_columns {
            if let Some(value) = field(Some(c)) {
                check_known(value).map_err(|m| {
                    Error::parse(path, line, format!("column {} ({name}): {m}", c + 1))
                })?;
                attributes.push(AuxAttribute {
                    name: name.to_string(),
                    value: value.to_string(),
                });
            }
        }
        let item = field(Some(c_item));
        if item.is_none() && attribute_columns.is_empty() {
            return Err(Error::parse(path, line, "empty item"));
        }
        let rating = field(c_rating)
            .map(|r| parse_rating(r.as_bytes()))
            .transpose()
            .map_err(|m| Error::parse(path, line, m))?;
        let day = field(c_date)
            .map(|d| parse_date(d.as_bytes()))
            .transpose()
            .map_err(|m| Error::parse(path, line, m))?;
        let truth = field(c_truth).map(str::to_string);
        let count = field(c_count)
            .map(|c| {
                c.parse::<u32>()
                    .map_err(|_| format!("count '{c}' is not a whole number"))
            })
            .transpose()
            .map_err(|m| Error::parse(path, line, m))?;
        if item.is_none() && (rating.is_some() || day.is_some()) {
            return Err(Error::parse(path, line, "a rating or date without an item"));
        }
        let fact = item.map(|item| AuxFact {
            item: item.to_string(),
            rating,
            day,
        });
        rows.push_with(id, fact, truth, count, attributes)
            .map_err(|m| Error::parse(path, line, m))?;
    }
    let records = rows.finish();
    if records.is_empty() {
        return Err(Error::input(path, "the aux file holds no facts"));
    }
    Ok(records)
}
