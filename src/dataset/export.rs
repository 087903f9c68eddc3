//! Writes a dataset as generic CSV (`user,item,rating,date`, ISO dates, blank for missing
//! values), the format `deanon import --format csv` reads, so import -> export -> import gives
//! the same dataset. Rows come in record order, then item, then day. The people table is
//! written beside it as `user,<attribute>,...`, one row per record, a missing (or suppressed)
//! value blank: the form `deanon import --people` reads.

use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use super::Dataset;
use super::values::{format_day, format_rating};
use crate::Result;
use crate::atomic_file::{write_naming_people, write_with_privacy};

const RECORDS_PER_CHUNK: usize = 4096;

fn push_field(out: &mut Vec<u8>, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(text.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

fn format_records(data: &Dataset, lo: usize, hi: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity((hi - lo) * 64);
    for r in lo..hi {
        let entries = data.record(r as u32);
        let user = data.record_ids().get(r);
        for k in 0..entries.len() {
            push_field(&mut out, user);
            out.push(b',');
            push_field(&mut out, data.item_ids().get(entries.keys[k] as usize));
            out.push(b',');
            if let Some(rating) = entries.rating(k) {
                format_rating(rating.0, &mut out);
            }
            out.push(b',');
            if let Some(day) = entries.day(k) {
                format_day(day, &mut out);
            }
            out.push(b'\n');
        }
    }
    out
}

/// Writes `data` to `path` as CSV, atomically.
pub fn export_csv(data: &Dataset, path: &Path) -> Result<()> {
    let n = data.num_records();
    let bar = crate::progress::bar(n as u64, "exporting");
    let batch = RECORDS_PER_CHUNK * 4 * rayon::current_num_threads();
    write_with_privacy(path, data.privacy(), |w| {
        w.write_all(b"user,item,rating,date\n")?;
        for start in (0..n).step_by(batch) {
            let end = (start + batch).min(n);
            let parts: Vec<Vec<u8>> = (start..end)
                .into_par_iter()
                .step_by(RECORDS_PER_CHUNK)
                .map(|lo| format_records(data, lo, (lo + RECORDS_PER_CHUNK).min(end)))
                .collect();
            for p in parts {
                w.write_all(&p)?;
            }
            bar.inc((end - start) as u64);
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    Ok(())
}

/// Writes the item table of `data` (its declared catalogue) to `path` as CSV with the header
/// `item`, atomically. The catalogue is public: the file honours the umask.
pub fn export_catalogue(data: &Dataset, path: &Path) -> Result<()> {
    let ids = data.item_ids();
    crate::atomic_file::write_atomically(path, |w| {
        let mut out = Vec::new();
        push_field(&mut out, "item");
        out.push(b'\n');
        for i in 0..data.num_items() {
            push_field(&mut out, ids.get(i));
            out.push(b'\n');
        }
        w.write_all(&out)
    })
}

/// Writes the people table of `data` to `path` as CSV, atomically.
pub fn export_people_csv(data: &Dataset, path: &Path) -> Result<()> {
    let people = data.people();
    if people.is_empty() {
        return Err(crate::Error::InvalidArgument(
            "--people: this data set has no people table (import one with --people)".into(),
        ));
    }
    let attributes: Vec<_> = people.attributes().collect();
    write_naming_people(path, |w| {
        let mut out = Vec::new();
        push_field(&mut out, "user");
        for name in people.names() {
            out.push(b',');
            push_field(&mut out, name);
        }
        out.push(b'\n');
        for r in 0..data.num_records() {
            push_field(&mut out, data.record_ids().get(r));
            for a in &attributes {
                out.push(b',');
                if let Some(v) = a.value_of(r) {
                    push_field(&mut out, v);
                }
            }
            out.push(b'\n');
            if out.len() > 1 << 20 {
                w.write_all(&out)?;
                out.clear();
            }
        }
        w.write_all(&out)?;
        Ok(())
    })
}
