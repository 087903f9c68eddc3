//! People's attributes: one row per record, named columns of text values (age, gender, zip),
//! kept beside the sparse entries.
//!
//! Each attribute has a dictionary of its distinct values in id order (canonical numbers in
//! numeric order, then other text in byte order, as [`super::ids`] orders ids) and one code per
//! record into it; [`MISSING`] marks a record without a value (never given, or suppressed by a
//! release). An attribute whose values are all integers is numeric.
//!
//! A released value may be a generalization of the original: a band of integers written
//! `lo-hi` (`20-29`), or a prefix written with a trailing `*` (`857*`). [`compatible`] says
//! whether a value an adversary knows (with an error for numbers) agrees with a released one.

use rayon::prelude::*;

use super::column::Column;
use super::ids::{IdKey, IdTable};

/// The code of a record without a value.
pub const MISSING: u32 = u32::MAX;

/// The people table of a dataset: its attributes, each with one code per record.
#[derive(Debug, Default)]
pub struct People {
    names: Vec<String>,
    /// Every attribute's dictionary, concatenated in attribute order.
    values: IdTable,
    /// `value_starts[a]..value_starts[a + 1]`: attribute `a`'s slice of `values`.
    value_starts: Vec<usize>,
    /// Codes, attribute-major: `codes[a * records + r]`.
    codes: Column<u32>,
    records: usize,
}

/// One attribute of a [`People`] table.
#[derive(Clone, Copy, Debug)]
pub struct Attribute<'a> {
    /// Its name (the people file's column header).
    pub name: &'a str,
    values: &'a IdTable,
    first: usize,
    len: usize,
    /// One code per record.
    pub codes: &'a [u32],
}

impl<'a> Attribute<'a> {
    /// Number of distinct values.
    pub fn num_values(&self) -> usize {
        self.len
    }

    /// Value `code` of the dictionary.
    pub fn value(&self, code: u32) -> &'a str {
        self.values.get(self.first + code as usize)
    }

    /// Record `r`'s value, if it has one.
    pub fn value_of(&self, r: usize) -> Option<&'a str> {
        let c = self.codes[r];
        (c != MISSING).then(|| self.value(c))
    }

    /// Whether every value is an integer.
    pub fn is_numeric(&self) -> bool {
        self.len > 0 && (0..self.len as u32).all(|c| integer(self.value(c)).is_some())
    }

    /// How many records hold each value.
    pub fn counts(&self) -> Vec<u32> {
        let mut counts = vec![0u32; self.len];
        for &c in self.codes {
            if c != MISSING {
                counts[c as usize] += 1;
            }
        }
        counts
    }

    /// Number of records with a value.
    pub fn present(&self) -> usize {
        self.codes.iter().filter(|&&c| c != MISSING).count()
    }
}

impl People {
    /// A table from each attribute's value per record (`None`: missing). Dictionaries are put
    /// in id order, so the table depends only on the values.
    pub fn from_values(names: Vec<String>, columns: Vec<Vec<Option<String>>>) -> People {
        assert_eq!(names.len(), columns.len(), "one column per name");
        let records = columns.first().map_or(0, Vec::len);
        let mut keys: Vec<IdKey> = Vec::new();
        let mut value_starts = vec![0];
        let mut codes = Vec::with_capacity(records * names.len());
        for column in &columns {
            assert_eq!(column.len(), records, "one value per record");
            let mut dictionary: Vec<IdKey> = column
                .iter()
                .flatten()
                .map(|v| IdKey::from_bytes(v.as_bytes()).expect("values are text"))
                .collect();
            dictionary.par_sort_unstable();
            dictionary.dedup();
            let index: rustc_hash::FxHashMap<String, u32> = dictionary
                .iter()
                .enumerate()
                .map(|(k, v)| (v.to_text(), k as u32))
                .collect();
            codes.extend(
                column
                    .iter()
                    .map(|v| v.as_ref().map_or(MISSING, |v| index[v.as_str()])),
            );
            keys.extend(dictionary);
            value_starts.push(keys.len());
        }
        People {
            names,
            values: IdTable::from_keys(&keys),
            value_starts,
            codes: codes.into(),
            records,
        }
    }

    /// A table over stored columns, checked: one dictionary per name (`sizes`), codes in range.
    pub(crate) fn from_stored(
        names: Vec<String>,
        sizes: &[usize],
        values: IdTable,
        codes: Column<u32>,
        records: usize,
    ) -> Result<People, String> {
        if sizes.len() != names.len() {
            return Err("the attribute list and its dictionary sizes differ".into());
        }
        let mut value_starts = vec![0];
        for &s in sizes {
            value_starts.push(value_starts.last().copied().unwrap_or(0) + s);
        }
        if *value_starts.last().unwrap_or(&0) != values.len() {
            return Err("the attribute dictionaries do not span the stored values".into());
        }
        if codes.len() != records * names.len() {
            return Err(format!(
                "{} attribute codes, expected {} records x {} attributes",
                codes.len(),
                records,
                names.len()
            ));
        }
        let bad = codes.par_chunks(records.max(1)).enumerate().any(|(a, c)| {
            let size = sizes[a] as u32;
            c.iter().any(|&v| v != MISSING && v >= size)
        });
        if bad {
            return Err("an attribute code is out of range".into());
        }
        Ok(People {
            names,
            values,
            value_starts,
            codes,
            records,
        })
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Number of records the table covers.
    pub fn records(&self) -> usize {
        self.records
    }

    /// How many records lack a value of at least one of the attributes `names` (names not in
    /// the table are ignored).
    pub fn records_missing_any(&self, names: &[String]) -> usize {
        let attributes: Vec<Attribute<'_>> = names
            .iter()
            .filter_map(|n| self.find(n).map(|(_, a)| a))
            .collect();
        if attributes.is_empty() {
            return 0;
        }
        (0..self.records())
            .filter(|&r| attributes.iter().any(|a| a.value_of(r).is_none()))
            .count()
    }

    /// How many records have no value of any attribute (none without a people table): a
    /// person without a row in the people file, or with a row of blanks.
    pub fn records_without_values(&self) -> usize {
        if self.is_empty() {
            return 0;
        }
        (0..self.records())
            .filter(|&r| self.attributes().all(|a| a.value_of(r).is_none()))
            .count()
    }

    /// The attributes' names, in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Attribute `a`.
    pub fn attribute(&self, a: usize) -> Attribute<'_> {
        Attribute {
            name: &self.names[a],
            values: &self.values,
            first: self.value_starts[a],
            len: self.value_starts[a + 1] - self.value_starts[a],
            codes: &self.codes[a * self.records..(a + 1) * self.records],
        }
    }

    /// The attribute named `name`.
    pub fn find(&self, name: &str) -> Option<(usize, Attribute<'_>)> {
        let a = self.names.iter().position(|n| n == name)?;
        Some((a, self.attribute(a)))
    }

    /// Every attribute, in order.
    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'_>> {
        (0..self.len()).map(|a| self.attribute(a))
    }

    /// Record `r`'s values, one per attribute.
    pub fn row(&self, r: usize) -> Vec<Option<&str>> {
        self.attributes().map(|a| a.value_of(r)).collect()
    }

    /// The stored parts: dictionary sizes, the concatenated dictionaries, the codes.
    pub(crate) fn stored(&self) -> (Vec<usize>, &IdTable, &Column<u32>) {
        let sizes = self.value_starts.windows(2).map(|w| w[1] - w[0]).collect();
        (sizes, &self.values, &self.codes)
    }
}

/// The value of an integer written in decimal (an optional minus sign, then digits).
pub fn integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A band `lo-hi` of integers (`20-29`, `-10--1`), if `text` is one.
pub fn band(text: &str) -> Option<(i64, i64)> {
    let cut = text
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == '-')
        .map(|(k, _)| k)?;
    let (lo, hi) = (integer(&text[..cut])?, integer(&text[cut + 1..])?);
    (lo <= hi).then_some((lo, hi))
}

/// The band of width `width` (at least 1) holding `value`: `lo-hi` with lo a multiple of the
/// width, cut to the integers an `i64` holds (so the band always holds the value).
pub fn band_of(value: i64, width: i64) -> String {
    let (lo, hi) = bands_over(value, value, width);
    format!("{lo}-{hi}")
}

/// The union of the bands of width `width` (at least 1) that `lo..=hi` overlaps, cut to the
/// integers an `i64` holds; it holds `lo..=hi`.
pub fn bands_over(lo: i64, hi: i64, width: i64) -> (i64, i64) {
    let w = width.max(1) as i128;
    let first = (lo as i128).div_euclid(w) * w;
    let last = (hi as i128).div_euclid(w) * w + w - 1;
    let clamp = |x: i128| x.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
    (clamp(first), clamp(last))
}

/// The first `keep` characters of `value`, marked as a prefix (`857*`); the value itself when
/// it is no longer than that.
pub fn prefix_of(value: &str, keep: usize) -> String {
    if value.chars().count() <= keep {
        return value.to_string();
    }
    let cut: String = value.chars().take(keep).collect();
    format!("{cut}*")
}

/// The integers a value stands for: itself, or its band.
pub fn range(value: &str) -> Option<(i64, i64)> {
    integer(value).map(|v| (v, v)).or_else(|| band(value))
}

/// Checks a value an adversary knows (an aux file's attribute field): `NaN` and infinities are
/// not values, and a field of digits and dashes (`30-20`, `4-5-6`) must be a range `lo-hi` with
/// lo <= hi, or a date `YYYY-MM-DD`. The error says what is wrong with the value.
pub fn check_known(value: &str) -> std::result::Result<(), String> {
    let unsigned = value.trim_start_matches(['-', '+']).to_ascii_lowercase();
    if matches!(unsigned.as_str(), "nan" | "inf" | "infinity") {
        return Err(format!(
            "'{value}' is not a value (leave the field blank when the value is not known)"
        ));
    }
    let dashed = value.bytes().skip(1).any(|b| b == b'-')
        && value.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && value.bytes().any(|b| b.is_ascii_digit());
    if !dashed || band(value).is_some() {
        return Ok(());
    }
    let date = value.len() == 10
        && value.bytes().enumerate().all(|(k, b)| {
            if k == 4 || k == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if date {
        return Ok(());
    }
    let cut = value[1..].find('-').map(|k| k + 1).expect("dashed");
    match (integer(&value[..cut]), integer(&value[cut + 1..])) {
        (Some(lo), Some(hi)) if lo > hi => Err(format!(
            "the range '{value}' is reversed (write lo-hi with lo <= hi: '{hi}-{lo}')"
        )),
        _ => Err(format!("'{value}' is not a number or a range lo-hi")),
    }
}

/// Whether an adversary's value `known` (exact, a range of numbers such as `22-26`, or a
/// prefix) agrees with a released value: equal; integer ranges that overlap (a number is the
/// range of itself, a band its integers); a released prefix (`857*`) that the known value
/// starts with (or, for a known prefix, one that extends it or is extended by it).
pub fn compatible(known: &str, released: &str) -> bool {
    if known == released {
        return true;
    }
    if let (Some((lo, hi)), Some((a, b))) = (range(known), range(released)) {
        return b >= lo && a <= hi;
    }
    let stem = |t: &'_ str| t.strip_suffix('*').map(str::to_string);
    match (stem(known), stem(released)) {
        (None, Some(r)) => known.starts_with(&r),
        (Some(k), None) => released.starts_with(&k),
        (Some(k), Some(r)) => k.starts_with(&r) || r.starts_with(&k),
        (None, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> People {
        let s = |v: &str| Some(v.to_string());
        People::from_values(
            vec!["age".into(), "zip".into()],
            vec![
                vec![s("24"), s("53"), None, s("24")],
                vec![s("85711"), s("94043"), s("85711"), s("T8H1N")],
            ],
        )
    }

    #[test]
    fn dictionaries_are_in_id_order_with_codes_per_record() {
        let p = people();
        let age = p.attribute(0);
        assert_eq!(
            (age.num_values(), age.value(0), age.value(1)),
            (2, "24", "53")
        );
        assert_eq!(age.codes, &[0, 1, MISSING, 0]);
        assert!(age.is_numeric());
        let zip = p.find("zip").unwrap().1;
        assert!(!zip.is_numeric(), "T8H1N is not a number");
        assert_eq!(zip.counts(), vec![2, 1, 1]);
        assert_eq!(p.row(2), vec![None, Some("85711")]);
    }

    #[test]
    fn known_values_that_are_reversed_malformed_or_nan_are_refused() {
        for good in [
            "24",
            "-3",
            "20-29",
            "-10--1",
            "857*",
            "M",
            "2005-01-03",
            "a-b",
            "-",
        ] {
            assert_eq!(check_known(good), Ok(()), "{good}");
        }
        for (bad, why) in [
            ("30-20", "reversed"),
            ("4--5", "reversed"),
            ("4-5-6", "not a number or a range"),
            ("4-", "not a number or a range"),
            ("NaN", "not a value"),
            ("-inf", "not a value"),
        ] {
            let e = check_known(bad).unwrap_err();
            assert!(e.contains(why) && e.contains(bad), "{bad}: {e}");
        }
    }

    #[test]
    fn generalized_values_are_compatible_with_what_they_hide() {
        assert!(compatible("24", "24"));
        assert!(!compatible("24", "25"));
        assert!(compatible("22-26", "26") && !compatible("22-26", "27"));
        assert!(compatible("24", "20-29") && !compatible("31", "20-29"));
        assert!(
            compatible("29-33", "20-29"),
            "a known range reaching into the band"
        );
        assert!(compatible("20-29", "25"));
        assert!(compatible("85711", "857*") && !compatible("94043", "857*"));
        assert!(compatible("857*", "85*") && compatible("85*", "85711"));
        assert!(!compatible("M", "F"));
        assert_eq!(band("-10--1"), Some((-10, -1)));
        assert_eq!(band("20-29"), Some((20, 29)));
        assert_eq!(band("M"), None);
        assert_eq!(band_of(24, 10), "20-29");
        assert_eq!(band_of(-3, 5), "-5--1");
        assert_eq!(prefix_of("85711", 3), "857*");
        assert_eq!(prefix_of("M", 3), "M");
    }
}
