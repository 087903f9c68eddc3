//! Release steps on the people's attributes, and the generalization hierarchy each attribute
//! climbs under k-anonymity.
//!
//! - `attr-drop` removes an attribute from the release.
//! - `attr-generalize` puts a numeric attribute's values into bands of a width (`24` ->
//!   `20-29`; a band already released is widened to the bands of the new width it overlaps).
//! - `attr-truncate` keeps the first characters of each value, marked as a prefix (`85711` ->
//!   `857*`); keeping 0 characters suppresses the value.
//!
//! A [`Hierarchy`] is the ladder of such generalizations one attribute climbs: bands of width 5,
//! 10, 20, ... for a numeric attribute written with varying numbers of digits (an age), shorter
//! and shorter prefixes for text or for numbers all written with the same number of digits (a
//! zip code, a year), and at the top the value suppressed.

use super::working::Working;
use crate::Result;
use crate::dataset::people::{bands_over, integer, prefix_of, range};

/// `attr-drop:name=A`.
pub fn drop(w: &mut Working, name: &str) -> Result<()> {
    let a = w.attribute(name, "attr-drop")?;
    w.attributes.remove(a);
    for p in &mut w.people {
        p.attributes.remove(a);
    }
    Ok(())
}

/// `attr-generalize:name=A,width=W`.
pub fn generalize(w: &mut Working, name: &str, width: i64) -> Result<()> {
    let a = w.attribute(name, "attr-generalize")?;
    for p in &w.people {
        if let Some(v) = &p.attributes[a]
            && range(v).is_none()
        {
            return Err(crate::Error::InvalidArgument(format!(
                "step 'attr-generalize': attribute '{name}' is not numeric (value '{v}')"
            )));
        }
    }
    for p in &mut w.people {
        if let Some(v) = &p.attributes[a] {
            p.attributes[a] = Some(widen(v, width));
        }
    }
    Ok(())
}

/// `attr-truncate:name=A,keep=K`.
pub fn truncate(w: &mut Working, name: &str, keep: usize) -> Result<()> {
    let a = w.attribute(name, "attr-truncate")?;
    for p in &mut w.people {
        p.attributes[a] = p.attributes[a].take().and_then(|v| shorten(&v, keep));
    }
    Ok(())
}

/// The band of `width` holding a number, or the union of those a band overlaps.
fn widen(value: &str, width: i64) -> String {
    let (lo, hi) = range(value).expect("checked numeric");
    let (a, b) = bands_over(lo, hi, width);
    format!("{a}-{b}")
}

/// A value cut to `keep` characters (`None` for 0: suppressed).
fn shorten(value: &str, keep: usize) -> Option<String> {
    (keep > 0).then(|| prefix_of(value, keep))
}

/// The generalizations one attribute climbs, level 0 being the value itself and the last level
/// suppression.
#[derive(Clone, Debug, PartialEq)]
pub enum Hierarchy {
    /// Bands of each width, narrowest first.
    Bands(Vec<i64>),
    /// Prefixes of each length, longest first.
    Prefixes(Vec<usize>),
}

/// Band widths tried: 5, 10, 20, 40, ... until one band holds every value.
const FIRST_BAND: i64 = 5;

impl Hierarchy {
    /// The hierarchy of an attribute with these values (see the module docs).
    pub fn of<'a>(values: impl Iterator<Item = &'a str> + Clone) -> Hierarchy {
        let numeric = values.clone().all(|v| range(v).is_some());
        let lengths: Vec<usize> = values.clone().map(|v| v.chars().count()).collect();
        let longest = lengths.iter().copied().max().unwrap_or(0);
        let same_length = lengths.iter().all(|&l| l == longest);
        let all_integers = values.clone().all(|v| integer(v).is_some());
        if numeric && !(all_integers && same_length && longest > 2) {
            let (lo, hi) = values
                .filter_map(range)
                .fold((i64::MAX, i64::MIN), |(a, b), (l, h)| (a.min(l), b.max(h)));
            let mut widths = Vec::new();
            let mut width = FIRST_BAND;
            while lo <= hi && widths.len() < 64 {
                widths.push(width);
                if lo.div_euclid(width) == hi.div_euclid(width) || width > i64::MAX / 4 {
                    break;
                }
                width *= 2;
            }
            Hierarchy::Bands(widths)
        } else {
            Hierarchy::Prefixes((1..longest).rev().collect())
        }
    }

    /// Number of levels, the value itself (0) and suppression (the last) included.
    pub fn levels(&self) -> usize {
        2 + match self {
            Hierarchy::Bands(w) => w.len(),
            Hierarchy::Prefixes(k) => k.len(),
        }
    }

    /// `value` at `level` (`None`: suppressed).
    pub fn generalize(&self, value: &str, level: usize) -> Option<String> {
        if level == 0 {
            return Some(value.to_string());
        }
        match self {
            Hierarchy::Bands(w) => w.get(level - 1).map(|&w| widen(value, w)),
            Hierarchy::Prefixes(k) => k.get(level - 1).and_then(|&k| shorten(value, k)),
        }
    }

    /// How the level reads in a report: `exact`, `bands of 10`, `3 characters`, `suppressed`.
    pub fn describe(&self, level: usize) -> String {
        if level == 0 {
            return "exact".into();
        }
        match self {
            Hierarchy::Bands(w) => w.get(level - 1).map(|w| format!("bands of {w}")),
            Hierarchy::Prefixes(k) => k.get(level - 1).map(|k| format!("{k} characters")),
        }
        .unwrap_or_else(|| "suppressed".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_widen_and_prefixes_shorten() {
        assert_eq!(widen("24", 10), "20-29");
        assert_eq!(widen("20-24", 10), "20-29");
        assert_eq!(widen("25-34", 10), "20-39");
        assert_eq!(widen("-3", 5), "-5--1");
        assert_eq!(shorten("85711", 3).as_deref(), Some("857*"));
        assert_eq!(shorten("857*", 2).as_deref(), Some("85*"));
        assert_eq!(shorten("M", 3).as_deref(), Some("M"));
        assert_eq!(shorten("85711", 0), None);
    }

    #[test]
    fn attr_generalize_on_the_extreme_integers_gives_a_band_that_holds_them() {
        for (value, width) in [
            (i64::MIN, 10),
            (i64::MAX, 10),
            (i64::MIN, i64::MAX),
            (-1, i64::MAX),
        ] {
            let band = widen(&value.to_string(), width);
            let (lo, hi) = range(&band).unwrap_or_else(|| panic!("{band} is a band"));
            assert!(lo <= value && value <= hi, "{value} / {width}: {band}");
        }
    }

    proptest::proptest! {
        #[test]
        fn every_band_holds_its_value(value: i64, width in 1i64..=i64::MAX, other: i64) {
            let band = widen(&value.to_string(), width);
            let (lo, hi) = range(&band).unwrap();
            proptest::prop_assert!(lo <= value && value <= hi);
            let (a, b) = (value.min(other), value.max(other));
            let (lo, hi) = range(&widen(&format!("{a}-{b}"), width)).unwrap();
            proptest::prop_assert!(lo <= a && b <= hi);
        }
    }

    #[test]
    fn each_kind_of_attribute_gets_its_ladder() {
        let ages = ["7", "24", "73"];
        let h = Hierarchy::of(ages.iter().copied());
        assert_eq!(h, Hierarchy::Bands(vec![5, 10, 20, 40, 80]));
        assert_eq!(h.levels(), 7);
        assert_eq!(h.generalize("24", 2).as_deref(), Some("20-29"));
        assert_eq!(h.generalize("24", 6), None);
        let zips = ["85711", "94043", "T8H1N"];
        let h = Hierarchy::of(zips.iter().copied());
        assert_eq!(h, Hierarchy::Prefixes(vec![4, 3, 2, 1]));
        assert_eq!(h.generalize("85711", 2).as_deref(), Some("857*"));
        assert_eq!(h.describe(2), "3 characters");
        // Numbers all written with five digits are codes: prefixes, not bands.
        let h = Hierarchy::of(["85711", "94043"].iter().copied());
        assert_eq!(h, Hierarchy::Prefixes(vec![4, 3, 2, 1]));
        let h = Hierarchy::of(["M", "F"].iter().copied());
        assert_eq!((h.levels(), h.describe(1)), (2, "suppressed".to_string()));
    }
}
