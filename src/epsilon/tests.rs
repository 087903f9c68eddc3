//! The measure against mechanisms made by hand: an honest randomized response (the shape of
//! `dp`, with everything it reads declared in advance), and the same with each of the three
//! leaks put back (attributes passed through, the catalogue read from the data, the rating scale
//! read from the data). Each leak must show as a bound well above the nominal epsilon; the
//! honest mechanism must never show more than its epsilon.

use super::*;
use crate::dataset::builder::{self, EntryChunk};
use crate::dataset::generate::{GenerateParams, Preset, generate};
use crate::dataset::{IdKey, IdTable, NO_DAY, NO_RATING, People, RatingScale};

/// A `dp`-like mechanism: each person truncated to `t` entries, presence by randomized
/// response over a catalogue with eps_p = E / 4t, ratings (true, or the scale's middle for
/// added items) plus Laplace noise of scale 4t * range / E, dates dropped, new ids in a random
/// order. E-DP per person when the catalogue and the scale are declared and attributes dropped.
struct Rr {
    epsilon: f64,
    t: usize,
    /// Declared catalogue (item ids), or `None`: the data's own (leak b).
    catalogue: Option<Vec<String>>,
    /// Declared scale, or `None`: the data's own (leak c).
    scale: Option<RatingScale>,
    /// Whether attributes pass through (leak a).
    attributes: bool,
}

impl Rr {
    fn honest(data: &Dataset) -> Rr {
        Rr {
            epsilon: 1.0,
            t: 10,
            catalogue: Some(
                (0..data.num_items())
                    .map(|i| data.item_ids().get(i).to_string())
                    .collect(),
            ),
            scale: Some(RatingScale {
                min: 2,
                max: 10,
                step: 2,
            }),
            attributes: false,
        }
    }

    fn release(&self, data: &Dataset, seed: u64) -> Result<Dataset> {
        let catalogue: Vec<String> = match &self.catalogue {
            Some(c) => c.clone(),
            None => (0..data.num_items())
                .map(|i| data.item_ids().get(i).to_string())
                .collect(),
        };
        let scale = self.scale.or(data.rating_scale()).expect("ratings");
        let index = data.item_ids().index_map();
        let eps_p = self.epsilon / (4.0 * self.t as f64);
        let keep = 1.0 / (1.0 + (-eps_p).exp());
        let noise = 4.0 * self.t as f64 * (scale.max - scale.min) as f64 / self.epsilon;
        let middle = (scale.min as f64 + scale.max as f64) / 2.0;
        let n = data.num_records();
        let mut order: Vec<u32> = (0..n as u32).collect();
        let mut rng = Rng::derive(seed, &[1]);
        rng.shuffle(&mut order);
        let mut chunk = EntryChunk::default();
        for (new, &r) in order.iter().enumerate() {
            let mut rng = Rng::derive(seed, &[2, r as u64]);
            let e = data.record(r);
            let kept = rng.sample_sorted(&(0..e.len() as u32).collect::<Vec<_>>(), self.t);
            let held: rustc_hash::FxHashMap<u32, u8> = kept
                .iter()
                .map(|&k| {
                    (
                        e.keys[k as usize],
                        e.rating(k as usize).map_or(NO_RATING, |x| x.0),
                    )
                })
                .collect();
            for (j, id) in catalogue.iter().enumerate() {
                let rating = index.get(id.as_str()).and_then(|i| held.get(i));
                let p = if rating.is_some() { keep } else { 1.0 - keep };
                if rng.f64() < p {
                    let base = rating.map_or(middle, |&x| x as f64);
                    chunk.push(
                        new as u32,
                        j as u32,
                        scale.round(base + rng.laplace(noise)),
                        NO_DAY,
                    );
                }
            }
        }
        let ids: Vec<IdKey> = (1..=n as u64).map(IdKey::Num).collect();
        let items: Vec<IdKey> = catalogue
            .iter()
            .map(|c| IdKey::from_bytes(c.as_bytes()).unwrap())
            .collect();
        let mut out = builder::build(
            data.kind(),
            IdTable::from_keys(&ids),
            IdTable::from_keys(&items),
            vec![chunk],
        )
        .expect("no duplicates");
        if self.attributes && data.has_attributes() {
            let people = data.people();
            let columns = people
                .attributes()
                .map(|a| {
                    order
                        .iter()
                        .map(|&r| a.value_of(r as usize).map(str::to_string))
                        .collect()
                })
                .collect();
            out.set_people(People::from_values(people.names().to_vec(), columns));
        }
        Ok(out)
    }
}

fn twin(users: usize, attributes: bool) -> Dataset {
    generate(
        &GenerateParams::new(Preset::NetflixLike)
            .users(users)
            .seed(5)
            .attributes(attributes),
    )
    .unwrap()
}

fn run(
    data: &Dataset,
    mechanism: &Mechanism<'_>,
    canaries: usize,
    runs: usize,
    seed: u64,
) -> Measurement {
    let params = EpsilonParams {
        canaries: Some(canaries),
        runs,
        seed,
        ..EpsilonParams::default()
    };
    measure(data, mechanism, &params).unwrap()
}

/// `data` with one more item per person for the first `people` people: an item nobody else
/// holds, rated 3 stars.
fn with_own_items(data: &Dataset, people: usize) -> Dataset {
    let n = data.num_records();
    let mut chunk = EntryChunk::default();
    for r in 0..n as u32 {
        let e = data.record(r);
        for k in 0..e.len() {
            chunk.push(
                r,
                e.keys[k],
                e.rating(k).map_or(NO_RATING, |x| x.0),
                e.day(k).unwrap_or(NO_DAY),
            );
        }
        if (r as usize) < people {
            chunk.push(r, (data.num_items() + r as usize) as u32, 6, NO_DAY);
        }
    }
    let key = |t: &str| IdKey::from_bytes(t.as_bytes()).unwrap();
    let records: Vec<IdKey> = (0..n).map(|r| key(data.record_ids().get(r))).collect();
    let mut items: Vec<IdKey> = (0..data.num_items())
        .map(|i| key(data.item_ids().get(i)))
        .collect();
    items.extend((0..people).map(|r| key(&format!("own-{r}"))));
    builder::build(
        data.kind(),
        IdTable::from_keys(&records),
        IdTable::from_keys(&items),
        vec![chunk],
    )
    .unwrap()
}

#[test]
fn the_honest_mechanism_never_shows_more_than_its_epsilon() {
    let data = with_own_items(&twin(300, false), 300);
    let honest = Rr::honest(&data);
    for seed in [1, 2, 3] {
        let m = run(&data, &|d, s| honest.release(d, s), 300, 1, seed);
        assert!(m.epsilon_lower_bound <= 1.0, "seed {seed}: {m:?}");
    }
}

#[test]
fn the_attribute_leak_is_caught() {
    let data = twin(400, true);
    let leaky = Rr {
        attributes: true,
        ..Rr::honest(&data)
    };
    let m = run(&data, &|d, s| leaky.release(d, s), 400, 1, 1);
    assert!(m.epsilon_lower_bound >= 2.0, "{m:?}");
    assert_eq!(m.attack, "attributes");
    // The same mechanism without the leak shows nothing of the kind.
    let honest = Rr::honest(&data);
    let m = run(&data, &|d, s| honest.release(d, s), 400, 1, 1);
    assert!(m.epsilon_lower_bound <= 1.0, "{m:?}");
}

#[test]
fn the_catalogue_leak_is_caught() {
    let data = with_own_items(&twin(300, false), 300);
    let leaky = Rr {
        catalogue: None,
        ..Rr::honest(&data)
    };
    let m = run(&data, &|d, s| leaky.release(d, s), 300, 1, 1);
    assert!(m.epsilon_lower_bound >= 2.0, "{m:?}");
    assert_eq!(m.attack, "catalogue");
}

/// 40 people rating 30 items in whole stars, but person 0 rated item 0 half a star: the only
/// rating off the others' scale.
fn one_off_the_scale() -> Dataset {
    let mut rng = Rng::derive(11, &[]);
    let mut chunk = EntryChunk::default();
    for r in 0..40u32 {
        for i in 0..30u32 {
            if rng.bernoulli(0.5) || i == 0 {
                let rating = if r == 0 && i == 0 {
                    1
                } else {
                    2 * (1 + rng.below(5) as u8)
                };
                chunk.push(r, i, rating, NO_DAY);
            }
        }
    }
    let ids = |n: u64| IdTable::from_keys(&(1..=n).map(IdKey::Num).collect::<Vec<_>>());
    builder::build(
        crate::dataset::DatasetKind::Ratings,
        ids(40),
        ids(30),
        vec![chunk],
    )
    .unwrap()
}

#[test]
fn the_scale_leak_is_caught_over_runs() {
    let data = one_off_the_scale();
    assert_eq!(data.rating_scale().unwrap().step, 1);
    let leaky = Rr {
        scale: None,
        ..Rr::honest(&data)
    };
    let m = run(&data, &|d, s| leaky.release(d, s), 40, 128, 1);
    assert!(m.epsilon_lower_bound >= 2.0, "{m:?}");
    assert_eq!(m.attack, "scale");
    let honest = Rr::honest(&data);
    let m = run(&data, &|d, s| honest.release(d, s), 40, 128, 1);
    assert!(m.epsilon_lower_bound <= 1.0, "{m:?}");
}

#[test]
fn publishing_the_data_as_it_is_shows_the_most_measurable() {
    let data = twin(300, false);
    let identity =
        |d: &Dataset, _: u64| -> Result<Dataset> { canaries::with_canaries(d, &[], &[]) };
    let m = run(&data, &identity, 300, 1, 4);
    assert_eq!(m.attack, "records");
    assert_eq!(m.right, m.guesses, "{m:?}");
    assert!(
        (m.epsilon_lower_bound - m.most_measurable).abs() < 1e-9,
        "{m:?}"
    );
    assert!(m.epsilon_lower_bound >= 3.0);
    // The seed decides everything.
    assert_eq!(run(&data, &identity, 300, 1, 4), m);
}

#[test]
fn parameters_are_checked_and_name_themselves() {
    let data = twin(30, false);
    let bad = |p: EpsilonParams| match p.check(data.num_records()) {
        Err(Error::Parameter { name, .. }) => name,
        other => panic!("{other:?}"),
    };
    let ok = EpsilonParams::default();
    assert_eq!(ok.check(30).unwrap(), 30);
    assert_eq!(ok.check(5000).unwrap(), 1000);
    assert_eq!(
        bad(EpsilonParams {
            canaries: Some(31),
            ..ok.clone()
        }),
        "canaries"
    );
    assert_eq!(
        bad(EpsilonParams {
            canaries: Some(5),
            ..ok.clone()
        }),
        "canaries"
    );
    assert_eq!(
        bad(EpsilonParams {
            runs: 0,
            ..ok.clone()
        }),
        "runs"
    );
    assert_eq!(
        bad(EpsilonParams {
            confidence: 1.0,
            ..ok.clone()
        }),
        "confidence"
    );
    assert!(matches!(
        ok.check(10),
        Err(Error::Parameter {
            name: "canaries",
            ..
        })
    ));
}
