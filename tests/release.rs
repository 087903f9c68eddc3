//! `deanon release`: each step's invariant, determinism, the key, utility, and a release
//! attacked through its key.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use common::*;
use deanon::dataset::generate::{GenerateParams, Preset, generate};
use deanon::release::km;
use deanon::release::spec::Policy;
use deanon::release::working::Working;

/// released id -> original id (the key's first two columns; the fingerprints follow).
fn key_map(key: &Path) -> HashMap<String, String> {
    std::fs::read_to_string(key)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let mut f = l.split(',');
            (f.next().unwrap().to_string(), f.next().unwrap().to_string())
        })
        .collect()
}

/// user -> item -> (rating, date) from an export.
fn entries(dir: &Path, store: &Path) -> BTreeMap<String, BTreeMap<String, (String, String)>> {
    let csv = dir.join("export.csv");
    ok(&["export", s(store), "-o", s(&csv)]);
    let mut out: BTreeMap<String, BTreeMap<String, (String, String)>> = BTreeMap::new();
    for line in std::fs::read_to_string(&csv).unwrap().lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        out.entry(f[0].to_string())
            .or_default()
            .insert(f[1].to_string(), (f[2].to_string(), f[3].to_string()));
    }
    out
}

#[test]
fn sample_keeps_the_fraction_within_a_binomial_bound_and_the_key_is_private() {
    let dir = tempdir();
    let data = generated(dir.path(), "movielens-like", 4000, 5);
    let (rel, key) = release(dir.path(), &data, "sample:fraction=0.3", 1);
    let kept = info(&rel)["records"].as_f64().unwrap();
    let sd = (4000.0f64 * 0.3 * 0.7).sqrt();
    assert!((kept - 1200.0).abs() < 4.0 * sd, "kept {kept}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let map = key_map(&key);
    assert_eq!(map.len() as f64, kept);
    // Every released person's ratings are exactly the original person's.
    let original = entries(dir.path(), &data);
    let released = entries(dir.path(), &rel);
    for (rid, items) in &released {
        assert_eq!(Some(items), original.get(&map[rid]), "released {rid}");
    }
}

#[test]
fn no_original_id_appears_in_the_release() {
    let dir = tempdir();
    let mut csv = String::from("user,item,rating,date\n");
    for u in 0..300 {
        for i in 0..12 {
            csv.push_str(&format!(
                "subscriber-{u:05},m{},{},2005-0{}-1{}\n",
                (u * 7 + i * 13) % 97,
                1 + (u + i) % 5,
                1 + i % 9,
                i % 10
            ));
        }
    }
    let data = import_csv(&write(dir.path(), "named.csv", &csv), &[]);
    let (rel, key) = release(dir.path(), &data, "drop:fraction=0.1", 3);
    let bytes = std::fs::read(&rel).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !text.contains("subscriber-"),
        "an original id leaked into the released store"
    );
    let key_text = std::fs::read_to_string(&key).unwrap();
    assert_eq!(
        key_text.matches("subscriber-").count(),
        300,
        "the key holds every original id once"
    );
}

#[test]
fn same_seed_same_release_whatever_the_thread_count() {
    let dir = tempdir();
    let data = generated(dir.path(), "netflix-like", 3000, 5);
    let policy = "sample:fraction=0.8|drop:fraction=0.1|insert:fraction=0.1|rating-noise:scale=0.5|date-noise:days=7|truncate:max_per_record=100";
    let mut outputs = Vec::new();
    for threads in ["1", "2", "3"] {
        let name = format!("r{threads}");
        let (out, key) = release_as(dir.path(), &name, &data, policy, 9, &["--threads", threads]);
        outputs.push((std::fs::read(out).unwrap(), std::fs::read(key).unwrap()));
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    let (other, _) = release_as(dir.path(), "other", &data, policy, 10, &[]);
    assert_ne!(
        std::fs::read(other).unwrap(),
        outputs[0].0,
        "another seed, another release"
    );
}

#[test]
fn date_steps_coarsen_shift_and_drop() {
    let dir = tempdir();
    let data = generated(dir.path(), "movielens-like", 300, 5);
    for (policy, check) in [
        ("date-coarsen:to=month", "-01"),
        ("date-coarsen:to=year", "-01-01"),
    ] {
        let (rel, _) = release(dir.path(), &data, policy, 1);
        let released = entries(dir.path(), &rel);
        assert!(
            released
                .values()
                .flatten()
                .all(|(_, (_, d))| d.ends_with(check)),
            "{policy}"
        );
    }
    let (rel, _) = release(dir.path(), &data, "date-drop|rating-drop", 1);
    let i = info(&rel);
    assert_eq!(
        (i["has_dates"].as_bool(), i["has_ratings"].as_bool()),
        (Some(false), Some(false))
    );
}

/// Date noise, checked through the library: the shift has mean ~0 and mean |shift| ~ D/2.
#[test]
fn date_noise_has_the_right_mean_and_spread() {
    let data = generate(&GenerateParams::new(Preset::NetflixLike).users(3000).seed(2)).unwrap();
    let mut w = Working::from_dataset(&data);
    let before = w.clone();
    let policy = Policy::parse("date-noise:days=10").unwrap();
    policy.steps[0].apply(&mut w, 0, 4).unwrap();
    let (mut sum, mut abs, mut n) = (0f64, 0f64, 0f64);
    for (a, b) in before.people.iter().zip(&w.people) {
        for (x, y) in a.entries.iter().zip(&b.entries) {
            let d = y.day as f64 - x.day as f64;
            if d.abs() <= 10.0 {
                sum += d;
                abs += d.abs();
                n += 1.0;
            }
        }
    }
    // Uniform on [-10, 10], rounded: mean 0; mean |d| = (2 * (1 + ... + 9) + 2 * 10 / 2) / 20
    // = 5.0 (shifts clamped at the data's edges are excluded above).
    assert!(n > 100_000.0);
    assert!((sum / n).abs() < 0.05, "mean shift {}", sum / n);
    assert!((abs / n - 5.0).abs() < 0.05, "mean |shift| {}", abs / n);

    // Laplace rating noise: mean 0 before rounding; after rounding and clamping the mean change
    // stays small and ratings move.
    let mut w = Working::from_dataset(&data);
    let policy = Policy::parse("rating-noise:scale=1,dist=laplace").unwrap();
    policy.steps[0].apply(&mut w, 0, 4).unwrap();
    let moved = before
        .people
        .iter()
        .zip(&w.people)
        .flat_map(|(a, b)| a.entries.iter().zip(&b.entries))
        .filter(|(x, y)| x.rating != y.rating)
        .count();
    assert!(moved > 100_000, "{moved}");
}

#[test]
fn km_anonymity_holds_on_the_output_by_brute_force() {
    // 200 people with 10 items each out of 120, drawn by a fixed-seed generator: sparse enough
    // that rare items and rare pairs exist.
    let mut chunk = deanon::dataset::builder::EntryChunk::default();
    let mut rng = deanon::rng::Rng::seed_from(8);
    for person in 0..200u32 {
        let mut items: Vec<u32> = Vec::new();
        while items.len() < 10 {
            let item = (rng.below(120) as f64 * rng.f64()) as u32;
            if !items.contains(&item) {
                items.push(item);
            }
        }
        for item in items {
            chunk.push(person, item, 8, 12_000);
        }
    }
    let ids = |n: u64| {
        deanon::dataset::IdTable::from_keys(
            &(0..n).map(deanon::dataset::IdKey::Num).collect::<Vec<_>>(),
        )
    };
    let data = deanon::dataset::builder::build(
        deanon::dataset::DatasetKind::Ratings,
        ids(200),
        ids(120),
        vec![chunk],
    )
    .unwrap();
    let w = Working::from_dataset(&data);
    for (k, m) in [(5, 1), (4, 2), (10, 2)] {
        assert!(
            km::violations(&w, k, m) > 0,
            "the input already satisfies k={k} m={m}: the test would prove nothing"
        );
        let mut out = w.clone();
        km::anonymize(&mut out, k, m).unwrap();
        assert_eq!(km::violations(&out, k, m), 0, "k={k} m={m}");
        assert!(out.entries() > 0, "k={k} m={m} suppressed everything");
    }
}

#[test]
fn rare_items_and_truncate() {
    let dir = tempdir();
    let data = generated(dir.path(), "movielens-like", 500, 5);
    let (rel, _) = release(dir.path(), &data, "rare-items:min_support=40", 1);
    assert!(info(&rel)["support"]["min"].as_u64().unwrap() >= 40);
    let (rel, _) = release(dir.path(), &data, "truncate:max_per_record=25", 1);
    assert_eq!(info(&rel)["entries_per_record"]["max"].as_u64(), Some(25));
}

#[test]
fn utility_reports_costs() {
    let dir = tempdir();
    let data = generated(dir.path(), "netflix-like", 3000, 5);
    let u = |policy: &str| -> serde_json::Value {
        let path = dir.path().join("u.json");
        release_as(dir.path(), "r", &data, policy, 1, &["--utility", s(&path)]);
        read_json(&path)
    };
    let plain = u("pseudonymize");
    assert_eq!(plain["kept_fraction"], 1.0);
    assert_eq!(plain["rmse_released"], plain["rmse_original"]);
    let rmse = plain["rmse_original"].as_f64().unwrap();
    assert!((0.5..1.2).contains(&rmse), "baseline RMSE {rmse}");
    let dropped = u("drop:fraction=0.3");
    assert!((dropped["kept_fraction"].as_f64().unwrap() - 0.7).abs() < 0.01);
    let noisy = u("rating-noise:scale=1.5");
    assert!(
        noisy["rmse_released"].as_f64().unwrap() > rmse,
        "noise costs accuracy"
    );
    assert!(noisy["mean_abs_rating_distortion"].as_f64().unwrap() > 0.5);
    let none = u("rating-drop");
    assert!(none["rmse_released"].as_f64().unwrap() > noisy["rmse_released"].as_f64().unwrap());
}

#[test]
fn released_data_attacked_through_the_key() {
    let dir = tempdir();
    let data = generated(dir.path(), "netflix-like", 4000, 5);
    let (rel, key) = release(dir.path(), &data, "sample:fraction=0.5", 2);
    let aux = aux(
        dir.path(),
        &data,
        Some(&key),
        &[
            "--targets",
            "200",
            "--non-members",
            "100",
            "--items",
            "8",
            "--date-error",
            "3",
        ],
    );
    let (_, j) = attack(dir.path(), &rel, &aux, Some(&key), &[]);
    assert!(j["top1_rate"].as_f64().unwrap() > 0.9, "{j}");
    assert!(j["false_match_rate"].as_f64().unwrap() < 0.2, "{j}");
}

#[test]
fn bad_policies_are_clear_errors() {
    let dir = tempdir();
    let data = generated(dir.path(), "movielens-like", 100, 5);
    for (policy, words) in [
        ("blur:radius=2", "unknown release step"),
        ("sample:fraction=1.5", "fraction"),
        ("sample:fraction=0", "nobody"),
        // The value as written, not Rust's `Some("decade")`.
        (
            "date-coarsen:to=decade",
            "needs to=week, to=month or to=year, got to=decade",
        ),
    ] {
        let out = dir.path().join("x.deanon");
        let err = fails(&[
            "release",
            s(&data),
            "--policy",
            policy,
            "-o",
            s(&out),
            "--key",
            s(&dir.path().join("x.csv")),
        ]);
        assert!(err.contains(words), "{policy}: {err}");
        assert!(
            !err.contains("Some(") && !err.contains("None"),
            "{policy}: {err}"
        );
        assert!(!out.exists());
    }
}

#[test]
fn microaggregation_groups_have_at_least_k_members_sharing_each_rating() {
    let data = generate(
        &GenerateParams::new(Preset::MovielensLike)
            .users(400)
            .seed(6),
    )
    .unwrap();
    let w = Working::from_dataset(&data);
    let k = 7;
    let groups = deanon::release::microaggregate::groups(&w, k, 0, 1).unwrap();
    let mut size: HashMap<usize, usize> = HashMap::new();
    groups
        .iter()
        .for_each(|&g| *size.entry(g).or_default() += 1);
    assert!(size.values().all(|&s| s >= k), "{size:?}");
    assert!(
        size.len() > 5,
        "the grouping is not trivial: {} groups",
        size.len()
    );
    let mut out = w.clone();
    deanon::release::microaggregate::microaggregate(&mut out, k, 0, 1).unwrap();
    // Within a group, everyone who rated an item shows the same rating for it.
    let mut seen: HashMap<(usize, u32), u8> = HashMap::new();
    for (p, &g) in out.people.iter().zip(&groups) {
        for e in &p.entries {
            assert_eq!(*seen.entry((g, e.item)).or_insert(e.rating), e.rating);
        }
    }
    assert_eq!(out.entries(), w.entries(), "items are kept");
}

#[test]
fn dp_randomized_response_has_the_stated_rates() {
    let data = generate(
        &GenerateParams::new(Preset::MovielensLike)
            .users(300)
            .seed(7)
            .attributes(false),
    )
    .unwrap();
    let before = Working::from_dataset(&data);
    // T above every record's size (no truncation); eps_p = P * E / (2T) = 1.
    let t = 5000;
    let mut w = before.clone();
    let policy =
        Policy::parse(&format!("dp:epsilon=20000,max_per_record={t},presence=0.5")).unwrap();
    policy.steps[0].apply(&mut w, 0, 3).unwrap();
    let (mut held, mut kept, mut not_held, mut added) = (0f64, 0f64, 0f64, 0f64);
    for (a, b) in before.people.iter().zip(&w.people) {
        let original: std::collections::HashSet<u32> = a.entries.iter().map(|e| e.item).collect();
        let released: std::collections::HashSet<u32> = b.entries.iter().map(|e| e.item).collect();
        held += original.len() as f64;
        not_held += (w.items - original.len()) as f64;
        kept += original.intersection(&released).count() as f64;
        added += released.difference(&original).count() as f64;
        assert!(
            b.entries.iter().all(|e| e.day == deanon::dataset::NO_DAY),
            "dates are dropped"
        );
    }
    let keep = 1f64.exp() / (1.0 + 1f64.exp());
    assert!(
        (kept / held - keep).abs() < 0.01,
        "kept {} vs {keep}",
        kept / held
    );
    assert!(
        (added / not_held - (1.0 - keep)).abs() < 0.01,
        "added {} vs {}",
        added / not_held,
        1.0 - keep
    );
}

#[test]
fn microaggregate_and_dp_releases_do_not_depend_on_the_thread_count() {
    let dir = tempdir();
    let data = generated(dir.path(), "movielens-like", 600, 5);
    for policy in ["microaggregate:k=5", "dp:epsilon=50,max_per_record=10"] {
        let mut outputs = Vec::new();
        for threads in ["1", "2"] {
            let name = format!("r{threads}");
            let flags = ["--threads", threads];
            let (out, key) = release_as(dir.path(), &name, &data, policy, 4, &flags);
            outputs.push((std::fs::read(out).unwrap(), std::fs::read(key).unwrap()));
        }
        assert!(outputs[0] == outputs[1], "{policy}");
    }
}

#[test]
fn drop_and_insert_change_the_entry_count_as_stated() {
    let dir = tempdir();
    // Sparse: 400 people with 10 of 500 items each, so there is room to insert.
    let mut csv = String::from("user,item,rating,date\n");
    for u in 0..400 {
        for i in 0..10 {
            csv.push_str(&format!(
                "{u},{},{},2005-01-{:02}\n",
                (u * 37 + i * 41) % 500,
                1 + (u + i) % 5,
                1 + i
            ));
        }
    }
    let data = import_csv(&write(dir.path(), "sparse.csv", &csv), &[]);
    let before = info(&data)["entries"].as_f64().unwrap();
    assert_eq!(before, 4000.0);
    let (rel, _) = release(dir.path(), &data, "drop:fraction=0.2", 1);
    let after = info(&rel)["entries"].as_f64().unwrap();
    let sd = (before * 0.2 * 0.8).sqrt();
    assert!(
        (after - 0.8 * before).abs() < 4.0 * sd,
        "{after} vs {}",
        0.8 * before
    );
    // 5 fake ratings for each person's 10 real ones.
    let (rel, _) = release(dir.path(), &data, "insert:fraction=0.5", 1);
    assert_eq!(info(&rel)["entries"].as_f64().unwrap(), 6000.0);
}

#[test]
fn attacking_a_release_without_its_key_warns() {
    let dir = tempdir();
    let data = generated(dir.path(), "movielens-like", 300, 5);
    let (rel, _) = release(dir.path(), &data, "sample:fraction=0.5", 1);
    let aux = aux(dir.path(), &data, None, &["--targets", "20"]);
    let out = deanon(&[
        "attack",
        s(&rel),
        "--aux",
        s(&aux),
        "-o",
        s(&dir.path().join("m.csv")),
    ]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning") && stderr.contains("--key"),
        "{stderr}"
    );
}

/// A release records its policy (the public part), `deanon info` shows it, and an adversary who
/// knows it (`attack --informed`) maps its facts and names more people.
#[test]
fn a_release_records_its_policy_and_the_informed_attack_uses_it() {
    let dir = tempdir();
    let data = twin(dir.path(), 5000, 4);
    assert!(
        info(&data)["policy"].is_null(),
        "original data has no policy"
    );
    let policy = "date-coarsen:to=year | rating-noise:scale=1.0,dist=laplace";
    let (released, key) = release(dir.path(), &data, policy, 7);
    assert_eq!(
        info(&released)["policy"],
        "date-coarsen:to=year|rating-noise:scale=1",
        "the canonical spec; no seed"
    );
    assert!(
        ok(&["info", s(&released)])
            .contains("release policy    date-coarsen:to=year|rating-noise:scale=1")
    );
    let aux = aux(
        dir.path(),
        &data,
        Some(&key),
        &[
            "--targets",
            "300",
            "--items",
            "8",
            "--wrong",
            "2",
            "--date-error",
            "14",
            "--seed",
            "2",
        ],
    );
    let norm = ["--algorithm", "scoreboard-rh-norm", "--length-norm", "0.5"];
    let (_, blind) = attack(dir.path(), &released, &aux, Some(&key), &norm);
    let informed_flags = [&norm[..], &["--informed"]].concat();
    let (_, informed) = attack(dir.path(), &released, &aux, Some(&key), &informed_flags);
    assert_eq!(informed["informed"], true);
    assert!(blind.get("informed").is_none());
    let recall = |s: &serde_json::Value| s["recall"].as_f64().unwrap();
    assert!(
        recall(&informed) > recall(&blind) + 0.1,
        "informed {} vs blind {}",
        recall(&informed),
        recall(&blind)
    );
    // Data that is not a release has no policy to know.
    let err = fails(&[
        "attack",
        s(&data),
        "--aux",
        s(&aux),
        "--informed",
        "-o",
        s(&dir.path().join("m.csv")),
    ]);
    assert!(
        err.contains("records no release policy") && err.contains("--informed"),
        "{err}"
    );
}

#[test]
fn release_errors_name_the_step_as_written_and_os_errors_once() {
    let dir = tempdir();
    let data = dir.path().join("t.deanon");
    ok(&[
        "generate",
        "--preset",
        "netflix-like",
        "--users",
        "200",
        "-o",
        s(&data),
    ]);
    let err = fails(&[
        "release",
        s(&data),
        "--policy",
        "sample:fraction=0",
        "-o",
        s(&dir.path().join("r.deanon")),
        "--key",
        s(&dir.path().join("k.csv")),
    ]);
    assert!(err.contains("release step 1 (sample:fraction=0)"), "{err}");
    assert!(!err.contains("Sample {"), "{err}");
    let err = fails(&["info", s(&dir.path().join("missing.deanon"))]);
    assert_eq!(err.matches("os error 2").count(), 1, "{err}");
}
