//! Synthetic people's attributes for the twin: `age`, `gender` and `region` (a US state), each
//! drawn independently with marginals close to the US adult population of the 2000 census, from
//! a generator of each person's own (derived from the seed and the person, apart from the one
//! their entries come from), so the entries are what they are without attributes.
//!
//! - age: a band with its census share, then a whole year uniformly inside it: 18-24 13.3%,
//!   25-34 18.7%, 35-44 21.4%, 45-54 18.4%, 55-64 12.2%, 65-74 9.0%, 75-84 7.0%;
//! - gender: F 51%, M 49%;
//! - region: the state's share of the 2000 population (California 12%, Texas 7.4%, ..., Wyoming
//!   0.2%; 50 states and DC).

use rayon::prelude::*;

use crate::dataset::People;
use crate::rng::streams;
use crate::rng::{AliasTable, Rng};

/// Age bands (first year, last year) and their shares, percent.
const AGE_BANDS: [(u32, u32, f64); 7] = [
    (18, 24, 13.3),
    (25, 34, 18.7),
    (35, 44, 21.4),
    (45, 54, 18.4),
    (55, 64, 12.2),
    (65, 74, 9.0),
    (75, 84, 7.0),
];

/// Share of women, percent.
const FEMALE: f64 = 51.0;

/// States and DC with their 2000 census populations, millions.
const STATES: [(&str, f64); 51] = [
    ("CA", 33.9),
    ("TX", 20.9),
    ("NY", 19.0),
    ("FL", 16.0),
    ("IL", 12.4),
    ("PA", 12.3),
    ("OH", 11.4),
    ("MI", 9.9),
    ("NJ", 8.4),
    ("GA", 8.2),
    ("NC", 8.0),
    ("VA", 7.1),
    ("MA", 6.3),
    ("IN", 6.1),
    ("WA", 5.9),
    ("TN", 5.7),
    ("MO", 5.6),
    ("WI", 5.4),
    ("MD", 5.3),
    ("AZ", 5.1),
    ("MN", 4.9),
    ("LA", 4.5),
    ("AL", 4.4),
    ("CO", 4.3),
    ("KY", 4.0),
    ("SC", 4.0),
    ("OK", 3.5),
    ("OR", 3.4),
    ("CT", 3.4),
    ("IA", 2.9),
    ("MS", 2.8),
    ("KS", 2.7),
    ("AR", 2.7),
    ("UT", 2.2),
    ("NV", 2.0),
    ("NM", 1.8),
    ("WV", 1.8),
    ("NE", 1.7),
    ("ID", 1.3),
    ("ME", 1.3),
    ("NH", 1.2),
    ("HI", 1.2),
    ("RI", 1.0),
    ("MT", 0.9),
    ("DE", 0.8),
    ("SD", 0.75),
    ("ND", 0.64),
    ("AK", 0.63),
    ("VT", 0.61),
    ("DC", 0.57),
    ("WY", 0.49),
];

/// The attributes of `users` people generated with `seed`.
pub fn people(users: usize, seed: u64) -> People {
    let ages = AliasTable::new(&AGE_BANDS.map(|b| b.2));
    let states = AliasTable::new(&STATES.map(|s| s.1));
    let rows: Vec<[String; 3]> = (0..users)
        .into_par_iter()
        .with_min_len(4096)
        .map(|u| {
            let mut rng = Rng::derive(seed, &[streams::GENERATE_ATTRIBUTES, u as u64]);
            let (lo, hi, _) = AGE_BANDS[ages.sample(&mut rng)];
            let age = lo + rng.below((hi - lo + 1) as u64) as u32;
            let gender = if rng.f64() * 100.0 < FEMALE { "F" } else { "M" };
            let region = STATES[states.sample(&mut rng)].0;
            [age.to_string(), gender.to_string(), region.to_string()]
        })
        .collect();
    let columns = (0..3)
        .map(|a| rows.iter().map(|r| Some(r[a].clone())).collect())
        .collect();
    People::from_values(
        vec!["age".into(), "gender".into(), "region".into()],
        columns,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marginals_are_the_census_shares() {
        let p = people(200_000, 7);
        let age = p.find("age").unwrap().1;
        let (mut young, mut old) = (0, 0);
        for r in 0..p.records() {
            let a: u32 = age.value_of(r).unwrap().parse().unwrap();
            assert!((18..=84).contains(&a));
            young += (a <= 24) as usize;
            old += (a >= 75) as usize;
        }
        let share = |n: usize| n as f64 / 200_000.0 * 100.0;
        assert!((share(young) - 13.3).abs() < 0.5, "{}", share(young));
        assert!((share(old) - 7.0).abs() < 0.5, "{}", share(old));
        let gender = p.find("gender").unwrap().1;
        let women = (0..p.records())
            .filter(|&r| gender.value_of(r) == Some("F"))
            .count();
        assert!((share(women) - 51.0).abs() < 0.5);
        let region = p.find("region").unwrap().1;
        assert_eq!(region.num_values(), 51);
        let california = (0..p.records())
            .filter(|&r| region.value_of(r) == Some("CA"))
            .count();
        let total: f64 = STATES.iter().map(|s| s.1).sum();
        assert!((share(california) - 33.9 / total * 100.0).abs() < 0.5);
    }

    #[test]
    fn the_same_seed_gives_the_same_people() {
        let (a, b) = (people(1000, 3), people(1000, 3));
        assert!((0..1000).all(|r| a.row(r) == b.row(r)));
        let c = people(1000, 4);
        assert!((0..1000).any(|r| a.row(r) != c.row(r)));
    }
}
