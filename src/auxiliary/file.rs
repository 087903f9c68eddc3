//! The aux CSV format: `aux_id,item,rating,date[,true_user][,count]`, one fact per line.
//! `rating` (stars) and `date` (`YYYY-MM-DD` or Unix seconds) may be blank; `count` is the
//! adversary's estimate of how many ratings the target has (blank: unknown); `true_user` and
//! `count`, when present, must be
//! the same on every line of an aux record.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use super::{AuxFact, AuxRecord};
use crate::atomic_file::write_atomically;
use crate::dataset::values::{format_day, format_rating, parse_date, parse_rating};
use crate::{Error, Result};

/// Writes aux records, facts in order.
pub fn write_aux(records: &[AuxRecord], path: &Path) -> Result<()> {
    let with_truth = records.iter().any(|r| r.true_user.is_some());
    let with_count = records.iter().any(|r| r.count.is_some());
    write_atomically(path, |w| {
        w.write_all(b"aux_id,item,rating,date")?;
        if with_truth {
            w.write_all(b",true_user")?;
        }
        if with_count {
            w.write_all(b",count")?;
        }
        w.write_all(b"\n")?;
        let mut line = Vec::new();
        for r in records {
            for f in &r.facts {
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
                line.push(b'\n');
                w.write_all(&line)?;
            }
        }
        Ok(())
    })
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
    let mut records: Vec<AuxRecord> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (k, row) in reader.records().enumerate() {
        let line = k as u64 + 2;
        let row = row.map_err(|e| Error::parse(path, line, e.to_string()))?;
        let field = |c: Option<usize>| {
            c.and_then(|c| row.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let id = field(Some(c_id)).ok_or_else(|| Error::parse(path, line, "empty aux_id"))?;
        let item = field(Some(c_item)).ok_or_else(|| Error::parse(path, line, "empty item"))?;
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
        let slot = *index.entry(id.to_string()).or_insert_with(|| {
            records.push(AuxRecord {
                id: id.to_string(),
                facts: Vec::new(),
                true_user: truth.clone(),
                count,
            });
            records.len() - 1
        });
        if records[slot].count != count {
            return Err(Error::parse(
                path,
                line,
                format!("aux record {id} gives two different counts"),
            ));
        }
        if records[slot].true_user != truth {
            return Err(Error::parse(
                path,
                line,
                format!("aux record {id} names two different true_user values"),
            ));
        }
        records[slot].facts.push(AuxFact {
            item: item.to_string(),
            rating,
            day,
        });
    }
    if records.is_empty() {
        return Err(Error::input(path, "the aux file holds no facts"));
    }
    Ok(records)
}
