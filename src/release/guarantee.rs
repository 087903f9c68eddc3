//! The guarantees of the anonymity steps, and what keeps them.
//!
//! `k-anonymity` makes every combination of the released values of its attributes shared by at
//! least k people; `km-anonymity` makes every set of up to m items that somebody holds held by
//! at least k people. A later step can break either, silently, so a policy is checked twice:
//!
//! - when it is parsed ([`check_order`]), a step that can break an earlier guarantee is refused:
//!   after `k-anonymity`, a step that removes people (`sample`: a group of k shrinks); after
//!   `km-anonymity`, one that removes people or items from records (`sample`, `drop`,
//!   `truncate`) or adds items (`insert`, `dp`). Steps that apply one function to every value
//!   (`attr-generalize`, `attr-truncate`, `attr-drop`, a further `k-anonymity`, which bands and
//!   suppresses) only merge groups, and a suppressed value agrees with anyone; steps on ratings
//!   and dates leave itemsets alone, and `rare-items` removes an item from everybody;
//! - after the release is made ([`verify`]), the released data is checked against each
//!   anonymity step's k (a missing value agreeing with anything, as an adversary reads it).

use rustc_hash::FxHashMap;

use super::step::Step;
use super::working::Working;
use crate::{Error, Result};

/// Why a step that removes people can break an anonymity step's guarantee.
pub const SHRINKS_GROUPS: &str = "it removes people, so a group of k people can shrink below k";
/// Why a step that removes entries person by person can break k^m-anonymity.
pub const REMOVES_ITEMS: &str =
    "it removes items from records, so a set of items can be held by fewer than k";
/// Why a step that adds entries can break k^m-anonymity.
pub const ADDS_ITEMS: &str =
    "it adds items to records, so a set of items can be held by fewer than k";

/// Refuses a policy in which a step can break the guarantee of an earlier anonymity step (see
/// the module docs; each anonymity step says what breaks it, [`Step::broken_by`]); the error
/// names both steps and says to put the anonymity step last.
pub fn check_order(steps: &[Step]) -> Result<()> {
    for (a, anonymity) in steps.iter().enumerate() {
        for (l, later) in steps.iter().enumerate().skip(a + 1) {
            if let Some(why) = anonymity.broken_by(later) {
                return Err(Error::InvalidArgument(format!(
                    "step {} '{later}' after step {} '{anonymity}' breaks its guarantee: {why}; put the anonymity step after it",
                    l + 1,
                    a + 1
                )));
            }
        }
    }
    Ok(())
}

/// Checks that `w`, the policy's steps applied, still has the guarantee of each anonymity step
/// of `steps` ([`Step::shortfall`]); the error names the step and how many people or itemsets
/// fall short.
pub fn verify(w: &Working, steps: &[Step]) -> Result<()> {
    for (index, step) in steps.iter().enumerate() {
        if let Some(short) = step.shortfall(w)? {
            return Err(Error::InvalidArgument(format!(
                "the release does not keep the guarantee of step {} '{step}': {short}",
                index + 1
            )));
        }
    }
    Ok(())
}

/// How many people of `w` agree on the attributes `columns` with fewer than `k` people
/// (themselves included; a missing value agrees with anything).
pub fn people_in_small_groups(w: &Working, columns: &[usize], k: usize) -> usize {
    if columns.is_empty() {
        return 0;
    }
    let values = |p: usize| -> Vec<Option<&str>> {
        columns
            .iter()
            .map(|&a| w.people[p].attributes[a].as_deref())
            .collect()
    };
    let mut groups: FxHashMap<Vec<Option<&str>>, usize> = FxHashMap::default();
    for p in 0..w.people.len() {
        *groups.entry(values(p)).or_default() += 1;
    }
    // The same values make a group of at least that many; only the rest are counted one by one.
    let agree = |x: &[Option<&str>], y: &[Option<&str>]| {
        x.iter()
            .zip(y)
            .all(|(a, b)| a.is_none() || b.is_none() || a == b)
    };
    groups
        .iter()
        .filter(|&(_, &n)| n < k)
        .filter(|&(x, _)| {
            let mut crowd = 0;
            for (y, &n) in &groups {
                if agree(x, y) {
                    crowd += n;
                    if crowd >= k {
                        return false;
                    }
                }
            }
            true
        })
        .map(|(_, &n)| n)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{DatasetKind, RatingScale};
    use crate::release::step::k_anonymity::KAnonymity;
    use crate::release::step::km_anonymity::KmAnonymity;
    use crate::release::working::{Entry, Person};

    fn working(ages: &[Option<&str>], items: &[&[u32]]) -> Working {
        let people = ages
            .iter()
            .zip(items)
            .enumerate()
            .map(|(k, (age, items))| Person {
                original: k as u32,
                entries: items
                    .iter()
                    .map(|&item| Entry {
                        item,
                        rating: 8,
                        day: 0,
                    })
                    .collect(),
                attributes: vec![age.map(str::to_string)],
            })
            .collect();
        Working {
            kind: DatasetKind::Ratings,
            items: 4,
            people,
            scale: RatingScale {
                min: 2,
                max: 10,
                step: 2,
            },
            declared: Default::default(),
            across_people: Vec::new(),
            attributes: vec!["age".into()],
        }
    }

    fn k_anonymity(k: u32) -> Step {
        Step::KAnonymity(KAnonymity {
            k,
            attributes: vec!["age".into()],
            max_suppressed: 0.0,
        })
    }

    fn km_anonymity(k: u32, m: u32) -> Step {
        Step::KmAnonymity(KmAnonymity { k, m })
    }

    #[test]
    fn a_release_that_breaks_k_anonymity_is_an_error_and_a_missing_value_agrees_with_anyone() {
        let none: &[u32] = &[];
        let w = working(
            &[Some("20-29"), Some("20-29"), Some("30-39"), None],
            &[none; 4],
        );
        // The 30-39 person agrees with 2 (themselves and the suppressed one); 20-29 with 3.
        assert_eq!(people_in_small_groups(&w, &[0], 3), 1);
        assert_eq!(people_in_small_groups(&w, &[0], 2), 0);
        verify(&w, &[k_anonymity(2)]).unwrap();
        let e = verify(&w, &[k_anonymity(3)]).unwrap_err().to_string();
        assert!(
            e.contains("step 1 'k-anonymity:k=3,attributes=age") && e.contains("1 people"),
            "{e}"
        );
        // An attribute dropped after k-anonymity tells nothing, so nothing is short.
        let mut dropped = w.clone();
        crate::release::attributes::drop(&mut dropped, "age").unwrap();
        verify(&dropped, &[k_anonymity(3)]).unwrap();
    }

    #[test]
    fn a_release_that_breaks_km_anonymity_is_an_error() {
        let w = working(&[None; 3], &[&[0, 1], &[0, 1], &[0, 2]]);
        verify(&w, &[km_anonymity(1, 2)]).unwrap();
        let e = verify(&w, &[km_anonymity(2, 1)]).unwrap_err().to_string();
        assert!(e.contains("km-anonymity:k=2,m=1"), "{e}");
        let w = working(&[None; 3], &[&[0, 1], &[0, 1], &[0, 1]]);
        verify(&w, &[km_anonymity(3, 1)]).unwrap();
        let w = working(&[None; 4], &[&[0, 1], &[0, 1], &[0, 2], &[1, 2]]);
        verify(&w, &[km_anonymity(2, 1)]).unwrap();
        assert!(verify(&w, &[km_anonymity(2, 2)]).is_err());
    }
}
