//! Tests of unicity: unique draws and nested draws against a brute-force count, attributes.

use super::*;
use crate::dataset::builder::{EntryChunk, build};
use crate::dataset::{IdKey, IdTable};

/// Counts unique draws by brute force: every other record checked against every point.
fn brute_force(data: &Dataset, owner: u32, points: &[Point], kind: Knowledge, tol: u32) -> bool {
    (0..data.num_records() as u32)
        .filter(|&r| r != owner)
        .all(|r| {
            !points
                .iter()
                .all(|p| record_holds_slowly(data, r, p, kind, tol))
        })
}

fn record_holds_slowly(data: &Dataset, r: u32, p: &Point, kind: Knowledge, tol: u32) -> bool {
    let e = data.record(r);
    (0..e.len()).any(|k| {
        e.keys[k] == p.item
            && entry_matches(
                p,
                e.ratings.map_or(NO_RATING, |x| x[k]),
                e.days.map_or(NO_DAY, |x| x[k]),
                kind,
                tol,
            )
    })
}

#[test]
fn unique_draws_agree_with_a_brute_force_count() {
    for views in [false, true] {
        // Dense, so that both unique and shared draws are common, and each item has more
        // holders than QUICK_CHECKS (the intersection path runs).
        let mut rng = Rng::derive(7, &[views as u64]);
        let mut chunk = EntryChunk::default();
        for r in 0..220u32 {
            for i in 0..12u32 {
                if rng.f64() < 0.45 {
                    let events = if views { 1 + rng.below(3) } else { 1 };
                    for _ in 0..events {
                        let rating = 2 + 2 * rng.below(5) as u8;
                        chunk.push(r, i, rating, 13_000 + rng.below(6) as u16);
                    }
                }
            }
        }
        let kind = if views {
            crate::dataset::DatasetKind::Views
        } else {
            crate::dataset::DatasetKind::Ratings
        };
        let ids = |n: u64| IdTable::from_keys(&(0..n).map(IdKey::Num).collect::<Vec<_>>());
        let data = build(kind, ids(220), ids(12), vec![chunk]).unwrap();
        assert!(
            data.supports()
                .iter()
                .all(|&s| s as usize > 2 * QUICK_CHECKS)
        );
        let mut checked = [0usize; 2];
        for r in 0..data.num_records() as u32 {
            let starts = distinct_starts(data.record(r).keys);
            for p in 1..=4 {
                if starts.len() < p {
                    continue;
                }
                let mut rng = Rng::derive(1, &[r as u64, p as u64]);
                let mut points = draw_points(&data, r, &starts, p, &mut rng);
                points.sort_by_key(|pt| (data.support(pt.item), pt.item));
                for kind in Knowledge::ALL {
                    for tol in [0, 1] {
                        let none = KnownAttributes::new(&data, &[]);
                        let fast = is_unique(&data, r, &points, kind, tol, &none);
                        assert_eq!(
                            fast,
                            brute_force(&data, r, &points, kind, tol),
                            "{r} {p} {kind} {tol}"
                        );
                        checked[fast as usize] += 1;
                    }
                }
            }
        }
        assert!(
            checked[0] > 50 && checked[1] > 50,
            "both outcomes exercised: {checked:?}"
        );
    }
}

proptest::proptest! {
    #[test]
    fn galloping_finds_the_lower_bound(
        mut keys in proptest::collection::vec(0u32..500, 0..200),
        start in 0usize..200,
        target in 0u32..520,
    ) {
        keys.sort_unstable();
        let start = start.min(keys.len());
        let want = start + keys[start..].partition_point(|&x| x < target);
        proptest::prop_assert_eq!(lower_bound_from(&keys, start, target), want);
    }
}

#[test]
fn measure_counts_what_brute_force_counts_on_each_nested_draw() {
    let mut rng = Rng::derive(3, &[]);
    let mut chunk = EntryChunk::default();
    for r in 0..150u32 {
        for i in 0..14u32 {
            if rng.f64() < 0.4 {
                chunk.push(
                    r,
                    i,
                    2 + 2 * rng.below(5) as u8,
                    13_000 + rng.below(5) as u16,
                );
            }
        }
    }
    let ids = |n: u64| IdTable::from_keys(&(0..n).map(IdKey::Num).collect::<Vec<_>>());
    let data = build(
        crate::dataset::DatasetKind::Ratings,
        ids(150),
        ids(14),
        vec![chunk],
    )
    .unwrap();
    let params = UnicityParams {
        points: vec![3, 1, 5],
        draws: 2,
        date_tol: 1,
        seed: 9,
        ..UnicityParams::default()
    };
    let rows = measure(&data, &params).unwrap();
    for row in &rows {
        let (mut people, mut unique) = (0, 0);
        for r in 0..150u32 {
            let starts = distinct_starts(data.record(r).keys);
            if starts.len() < row.points {
                continue;
            }
            people += 1;
            let largest = params
                .points
                .iter()
                .copied()
                .filter(|&p| p <= starts.len())
                .max()
                .unwrap();
            for draw in 0..params.draws {
                let mut rng = Rng::derive(
                    params.seed,
                    &[crate::rng::streams::UNICITY_DRAW, r as u64, draw as u64],
                );
                let drawn = draw_points(&data, r, &starts, largest, &mut rng);
                unique += brute_force(&data, r, &drawn[..row.points], row.knowledge, 1) as usize;
            }
        }
        assert_eq!((row.people, row.unique), (people, unique), "{row:?}");
    }
    assert!(rows.iter().any(|r| r.unique > 0 && r.unique < r.draws));
}

#[test]
fn with_attributes_a_draw_is_unique_when_nobody_else_agrees_on_points_and_attributes() {
    let mut rng = Rng::derive(5, &[]);
    let mut chunk = EntryChunk::default();
    let n = 400u32;
    for r in 0..n {
        for i in 0..10u32 {
            if rng.f64() < 0.35 {
                chunk.push(r, i, 2 + 2 * rng.below(5) as u8, 13_000);
            }
        }
    }
    let ids = |n: u64| IdTable::from_keys(&(0..n).map(IdKey::Num).collect::<Vec<_>>());
    let mut data = build(
        crate::dataset::DatasetKind::Ratings,
        ids(n as u64),
        ids(10),
        vec![chunk],
    )
    .unwrap();
    // Few values and some missing: shared, unique and wildcard cases all occur.
    let column = |values: u64, rng: &mut Rng| -> Vec<Option<String>> {
        (0..n)
            .map(|_| (rng.f64() > 0.03).then(|| format!("v{}", rng.below(values))))
            .collect()
    };
    let columns = vec![
        column(100, &mut rng),
        column(6, &mut rng),
        column(3, &mut rng),
    ];
    data.set_people(crate::dataset::People::from_values(
        vec!["a".into(), "b".into(), "c".into()],
        columns,
    ));
    let params = UnicityParams {
        points: vec![0, 1, 2],
        knowledge: vec![Knowledge::ItemsRatings],
        attributes: vec!["a".into(), "c".into(), "b".into()],
        seed: 2,
        ..UnicityParams::default()
    };
    let rows = measure(&data, &params).unwrap();
    let (a, b, c) = (
        data.people().find("a").unwrap().1.codes,
        data.people().find("b").unwrap().1.codes,
        data.people().find("c").unwrap().1.codes,
    );
    let agree = |o: usize, x: usize| {
        [a, b, c]
            .iter()
            .all(|col| col[o] == MISSING || col[x] == MISSING || col[o] == col[x])
    };
    for row in &rows {
        assert_eq!(row.attributes, "a+c+b");
        let mut unique = 0;
        let mut people = 0;
        for r in 0..n {
            let starts = distinct_starts(data.record(r).keys);
            if starts.len() < row.points {
                continue;
            }
            people += 1;
            let largest = [0, 1, 2]
                .into_iter()
                .filter(|&p| p <= starts.len())
                .max()
                .unwrap();
            let mut rng = Rng::derive(
                params.seed,
                &[crate::rng::streams::UNICITY_DRAW, r as u64, 0],
            );
            let drawn = draw_points(&data, r, &starts, largest, &mut rng);
            let alone = (0..n).filter(|&x| x != r).all(|x| {
                !agree(r as usize, x as usize)
                    || !drawn[..row.points]
                        .iter()
                        .all(|p| record_holds_slowly(&data, x, p, Knowledge::ItemsRatings, 0))
            });
            unique += alone as usize;
        }
        assert_eq!((row.people, row.unique), (people, unique), "{row:?}");
        assert!(row.unique > 0 && row.unique < row.draws, "{row:?}");
    }
    assert!(rows[0].unique < rows[1].unique && rows[1].unique <= rows[2].unique);
}

#[test]
fn attributes_are_checked_against_the_people_table() {
    let ids = |n: u64| IdTable::from_keys(&(0..n).map(IdKey::Num).collect::<Vec<_>>());
    let mut chunk = EntryChunk::default();
    chunk.push(0, 0, 2, 13_000);
    let data = build(
        crate::dataset::DatasetKind::Ratings,
        ids(1),
        ids(1),
        vec![chunk],
    )
    .unwrap();
    let measure_with = |points: Vec<usize>, attributes: &[&str]| {
        let params = UnicityParams {
            points,
            attributes: attributes.iter().map(|a| a.to_string()).collect(),
            ..UnicityParams::default()
        };
        measure(&data, &params).unwrap_err().to_string()
    };
    assert!(measure_with(vec![0], &[]).contains("points 0 means the attributes alone"));
    assert!(measure_with(vec![1], &["age"]).contains("no people table"));
}
