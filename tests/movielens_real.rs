//! Real data: MovieLens 100k, as shipped inside the PyPI wheel recbole==1.2.1
//! (recbole/dataset_example/ml-100k/ml-100k.inter), fetched at test time with
//! `pip download --no-deps` (`common::ml100k`) and never committed. A failed download fails the
//! test: it never skips. Set DEANON_ML100K to a local copy of ml-100k.inter to run without the
//! network.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// Imports ml-100k.inter into `dir/ml100k.deanon`.
fn import_ml100k(dir: &Path) -> PathBuf {
    let store = dir.join("ml100k.deanon");
    ok(&[
        "import",
        s(&ml100k()),
        "--format",
        "movielens",
        "-o",
        s(&store),
    ]);
    store
}

#[test]
fn movielens_100k_imports_with_known_counts() {
    let dir = tempdir();
    let store = import_ml100k(dir.path());
    let info = info(&store);
    assert_eq!(info["entries"], 100_000);
    assert_eq!(info["records"], 943);
    assert_eq!(info["items"], 1_682);
    assert_eq!(info["date_min"], "1997-09-20");
    assert_eq!(info["date_max"], "1998-04-22");
    let histogram: Vec<(String, u64)> =
        serde_json::from_value(info["rating_histogram"].clone()).unwrap();
    let expected: Vec<(String, u64)> = [
        ("1", 6_110),
        ("2", 11_370),
        ("3", 27_145),
        ("4", 34_174),
        ("5", 21_201),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), *v))
    .collect();
    assert_eq!(histogram, expected);
    // Every user of ML-100k rated at least 20 movies.
    assert_eq!(info["entries_per_record"]["min"], 20);

    // The people file beside the ratings comes along.
    let names: Vec<&str> = info["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["age", "gender", "occupation", "zip_code"]);
    let distinct: Vec<u64> = info["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["distinct"].as_u64().unwrap())
        .collect();
    assert_eq!(distinct, [61, 2, 21, 795]);

    // Export and re-import, people and all: the same store.
    assert_people_round_trip(&store, dir.path());
}

/// Regression: a bare file name (`deanon import ml-100k.inter` in its folder) has the empty path
/// as its parent, and the catalogue and people file beside it were not looked for.
#[test]
fn a_bare_file_name_finds_the_catalogue_and_people_beside_it() {
    let dir = tempdir();
    for file in [ml100k(), ml100k_items(), ml100k_people()] {
        std::fs::copy(&file, dir.path().join(file.file_name().unwrap())).unwrap();
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_deanon"))
        .args(["import", "ml-100k.inter", "-o", "ml.deanon", "--quiet"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info = info(&dir.path().join("ml.deanon"));
    assert_eq!(info["catalogue"], true, "ml-100k.item beside it");
    assert_eq!(info["rating_scale"], "1..5:1");
    assert_eq!(
        info["attributes"].as_array().map(Vec::len),
        Some(4),
        "ml-100k.user"
    );
}

#[test]
fn movielens_100k_eight_exact_facts_re_identify_over_90_percent() {
    let dir = tempdir();
    let store = import_ml100k(dir.path());
    let flags = [
        "--targets",
        "943",
        "--items",
        "8",
        "--date-error",
        "3",
        "--seed",
        "1",
    ];
    let aux = aux(dir.path(), &store, None, &flags);
    let (_, j) = attack(dir.path(), &store, &aux, None, &[]);
    let top1 = j["top1_rate"].as_f64().unwrap();
    assert_eq!(
        j["aux_records"], 943,
        "every ML-100k user rated at least 20 movies"
    );
    assert!(
        top1 > 0.9,
        "top-1 re-identification on MovieLens 100k: {top1}"
    );
}

#[test]
fn movielens_100k_audit_finds_rare_movies_identifying_whatever_the_dates() {
    let dir = tempdir();
    let store = import_ml100k(dir.path());
    let out = dir.path().join("audit");
    ok(&[
        "audit",
        s(&store),
        "--policy",
        "date-coarsen:to=year|rating-noise:scale=1",
        "--sample",
        "300",
        "--draws",
        "2",
        "-o",
        s(&out),
    ]);
    let audit = read_json(&out.join("audit.json"));
    let policies = audit["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 2);
    assert_eq!(policies[0]["policy"], "pseudonymize");
    assert_eq!(policies[0]["members"], 300);
    let baseline = policies[0]["worst_reidentified"].as_f64().unwrap();
    assert!(baseline > 0.9, "raw ML-100k is re-identifiable: {baseline}");
    // Year dates and rating noise stop the policy-blind adversary who relies on dates, not the
    // one who knows the policy and rounds its dates to years as the release did...
    let field = |p: usize, name: &str, field: &str| {
        policies[p]["adversaries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap()[field]
            .as_f64()
            .unwrap()
    };
    let rate = |p: usize, name: &str| field(p, name, "reidentified");
    let blind = |p: usize, name: &str| field(p, name, "blind_reidentified");
    let dated = "6 of 8 facts, dates +-14 d";
    assert!(
        blind(1, dated) < blind(0, dated) / 4.0,
        "blind: {} -> {}",
        blind(0, dated),
        blind(1, dated)
    );
    assert!(
        rate(1, dated) > 2.0 * blind(1, dated) && rate(1, dated) > 0.3,
        "informed {} against blind {}",
        rate(1, dated),
        blind(1, dated)
    );
    // ...but not six rare movies: in a catalogue of 1,682, which rare films a person rated
    // singles them out with or without exact ratings, so no candidate meets the target.
    let rare = "6 rare facts (outside the top 500), no dates";
    assert!(rate(1, rare) > 0.5, "{}", rate(1, rare));
    assert!(audit["recommended"].is_null());
    // The likelihood-ratio adversary, informed, names as many under the policy as without it.
    let worst = |p: usize| policies[p]["worst_reidentified"].as_f64().unwrap();
    assert!(
        worst(1) > 0.98 && worst(1) >= worst(0) - 0.02,
        "{} {}",
        worst(0),
        worst(1)
    );
    // Unicity of the raw release: 4 points with ratings and days single out nearly everyone.
    let u = policies[0]["unicity"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["knowledge"] == "items+ratings+days" && u["points"] == 4)
        .unwrap();
    assert!(u["unicity"].as_f64().unwrap() > 0.9, "{u}");
    assert!(
        audit["verdict"]
            .as_str()
            .unwrap()
            .starts_with("Released as it is")
    );
}

/// How many of ml-100k.user's people are alone on the attribute columns `columns` (counted
/// here from the file itself, independently of deanon).
fn alone_on(columns: &[usize]) -> usize {
    let text = std::fs::read_to_string(ml100k_people()).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    let key = |r: &[&str]| {
        columns
            .iter()
            .map(|&c| r[c].to_string())
            .collect::<Vec<_>>()
    };
    let mut counts = std::collections::HashMap::new();
    for r in &rows {
        *counts.entry(key(r)).or_insert(0) += 1;
    }
    rows.iter().filter(|r| counts[&key(r)] == 1).count()
}

#[test]
fn movielens_100k_unicity_of_demographics_alone_and_with_items() {
    let dir = tempdir();
    let store = import_ml100k(dir.path());
    let unicity = |attributes: &str| {
        let out = dir.path().join(format!("{attributes}.csv"));
        ok(&[
            "unicity",
            s(&store),
            "--attributes",
            attributes,
            "--points",
            "0,1,2,3",
            "--knowledge",
            "items",
            "-o",
            s(&out),
        ]);
        rows(&out)
    };
    // (age, gender, zip): 917 of 943 people are alone, as the file itself says.
    let demographics = unicity("age,gender,zip_code");
    assert_eq!(alone_on(&[1, 2, 4]), 917);
    assert_eq!(demographics[0]["attributes"], "age+gender+zip_code");
    assert_eq!(num(&demographics[0], "points"), 0.0);
    assert_eq!(num(&demographics[0], "unique"), 917.0);
    // (age, gender, occupation) alone: 326; each known item adds to it, never takes away.
    let occupation = unicity("age,gender,occupation");
    assert_eq!(alone_on(&[1, 2, 3]), 326);
    assert_eq!(num(&occupation[0], "unique"), 326.0);
    let unique: Vec<f64> = occupation.iter().map(|r| num(r, "unique")).collect();
    assert!(unique.windows(2).all(|w| w[0] <= w[1]), "{unique:?}");
    assert!(unique[3] > 800.0, "{unique:?}");
}

#[test]
fn movielens_100k_k_anonymity_on_age_gender_zip_leaves_nobody_in_a_crowd_under_k() {
    let dir = tempdir();
    let store = import_ml100k(dir.path());
    for k in [2u32, 5] {
        let released = dir.path().join(format!("k{k}.deanon"));
        ok(&[
            "release",
            s(&store),
            "--policy",
            &format!("k-anonymity:k={k},attributes=age+gender+zip_code"),
            "-o",
            s(&released),
            "--key",
            s(&dir.path().join("key.csv")),
        ]);
        let (csv, people) = (dir.path().join("x.csv"), dir.path().join("x-people.csv"));
        ok(&[
            "export",
            s(&released),
            "-o",
            s(&csv),
            "--people",
            s(&people),
        ]);
        let text = std::fs::read_to_string(&people).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let columns: Vec<usize> = ["age", "gender", "zip_code"]
            .iter()
            .map(|n| header.iter().position(|h| h == n).unwrap())
            .collect();
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), 943);
        // Brute force: who could each person be, by the released values (a blank is anyone)?
        let smallest = rows
            .iter()
            .map(|p| {
                rows.iter()
                    .filter(|q| {
                        columns
                            .iter()
                            .all(|&c| p[c].is_empty() || q[c].is_empty() || p[c] == q[c])
                    })
                    .count()
            })
            .min()
            .unwrap();
        assert!(smallest >= k as usize, "k = {k}: a crowd of {smallest}");
        // And unicity of those attributes in the release is zero.
        let out = dir.path().join("u.csv");
        ok(&[
            "unicity",
            s(&released),
            "--attributes",
            "age,gender,zip_code",
            "--points",
            "0",
            "--knowledge",
            "items",
            "-o",
            s(&out),
        ]);
        assert_eq!(num(&common::rows(&out)[0], "unique"), 0.0);
    }
}

#[test]
fn movielens_100k_attack_with_attributes_only_names_exactly_the_people_alone_on_them() {
    let dir = tempdir();
    let store = import_ml100k(dir.path());
    let (released, key) = release(dir.path(), &store, "pseudonymize", 1);
    let known = aux(
        dir.path(),
        &store,
        Some(&key),
        &[
            "--items",
            "0",
            "--attributes",
            "age,gender,zip_code",
            "--targets",
            "943",
        ],
    );
    // Scoreboard names a target when it is the only record agreeing with its attributes: the
    // people alone on (age, gender, zip), counted from the file itself.
    let (_, summary) = attack(
        dir.path(),
        &released,
        &known,
        Some(&key),
        &["--algorithm", "scoreboard"],
    );
    let alone = alone_on(&[1, 2, 4]) as f64;
    assert!(
        close(summary["matched_rate"].as_f64().unwrap(), alone / 943.0),
        "{summary}"
    );
    assert_eq!(summary["precision"], 1.0);
    for algorithm in ["scoreboard-rh", "scoreboard-rh-norm", "likelihood"] {
        let (_, summary) = attack(
            dir.path(),
            &released,
            &known,
            Some(&key),
            &["--algorithm", algorithm],
        );
        let rate = summary["matched_rate"].as_f64().unwrap();
        assert!(
            rate > 0.95 && rate <= alone / 943.0 + 1e-9,
            "{algorithm}: {summary}"
        );
    }
    // 5-anonymity on those attributes: the same adversary names nobody, but two ratings beside
    // the attributes name most people again.
    let (k_released, k_key) = release(
        dir.path(),
        &store,
        "k-anonymity:k=5,attributes=age+gender+zip_code",
        1,
    );
    let attributes_only = aux(
        dir.path(),
        &store,
        Some(&k_key),
        &[
            "--items",
            "0",
            "--attributes",
            "age,gender,zip_code",
            "--targets",
            "943",
        ],
    );
    let (_, summary) = attack(
        dir.path(),
        &k_released,
        &attributes_only,
        Some(&k_key),
        &["--algorithm", "scoreboard"],
    );
    assert_eq!(summary["matched_rate"], 0.0, "{summary}");
    let with_two = aux(
        dir.path(),
        &store,
        Some(&k_key),
        &[
            "--items",
            "2",
            "--attributes",
            "age,gender,zip_code",
            "--attribute-error",
            "age=2",
            "--targets",
            "943",
        ],
    );
    let (_, summary) = attack(
        dir.path(),
        &k_released,
        &with_two,
        Some(&k_key),
        &["--algorithm", "scoreboard"],
    );
    assert!(summary["matched_rate"].as_f64().unwrap() > 0.8, "{summary}");
}

#[test]
fn movielens_100k_audit_adds_the_adversaries_who_know_attributes() {
    let dir = tempdir();
    let store = import_ml100k(dir.path());
    let out = dir.path().join("audit");
    ok(&[
        "audit",
        s(&store),
        "--policy",
        "k-anonymity:k=5,attributes=age+gender+occupation+zip_code",
        "--sample",
        "200",
        "--draws",
        "1",
        "-o",
        s(&out),
    ]);
    let audit = read_json(&out.join("audit.json"));
    let rate = |policy: usize, adversary: &str| {
        audit["policies"][policy]["adversaries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"].as_str().unwrap().starts_with(adversary))
            .unwrap_or_else(|| panic!("no adversary '{adversary}'"))["reidentified"]
            .as_f64()
            .unwrap()
    };
    // Released as it is, the demographics alone name nearly everyone; 5-anonymity on all four
    // names nobody from them, and two ratings beside them name most people again.
    assert!(rate(0, "attributes only") > 0.9);
    assert_eq!(rate(1, "attributes only"), 0.0);
    assert!(rate(1, "attributes (") > 0.7);
    // The unicity of each combination, from the people file itself.
    let combination = |names: &[&str]| {
        audit["data"]["attribute_unicity"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| {
                c["attributes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .eq(names.iter().copied())
            })
            .unwrap()["unique"]
            .as_u64()
            .unwrap() as usize
    };
    assert_eq!(
        combination(&["age", "gender", "zip_code"]),
        alone_on(&[1, 2, 4])
    );
    assert_eq!(
        combination(&["age", "gender", "occupation"]),
        alone_on(&[1, 2, 3])
    );
    assert_eq!(audit["policies"][1]["attribute_unicity"], 0.0);
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains("id=\"attributes\"") && report.contains("Sweeney"),
        "no attributes section"
    );
}

/// The ids of ml-100k.item's titles whose genres name `genre`.
fn genre_ids(genre: &str) -> Vec<String> {
    let text = std::fs::read_to_string(ml100k_items()).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            fields[3]
                .split(' ')
                .any(|g| g == genre)
                .then(|| fields[0].to_string())
        })
        .collect()
}

/// What linking reveals on real data (docs/inference.md's first line): Horror titles, released
/// as they are with 300 people held out as the control, 4 rated films with dates +-14 days,
/// the likelihood-ratio attack informed of the policy.
#[test]
fn movielens_100k_horror_is_inferred_as_the_docs_say() {
    let dir = tempdir();
    let store = import_ml100k(dir.path());
    let horror = genre_ids("Horror");
    assert_eq!(horror.len(), 92, "ml-100k.item's Horror titles");
    let sensitive = write(dir.path(), "horror.txt", &(horror.join("\n") + "\n"));
    let (released, key) = release_as(
        dir.path(),
        "held",
        &store,
        "pseudonymize",
        1,
        &["--hold-out", "300"],
    );
    let aux = aux(
        dir.path(),
        &store,
        Some(&key),
        &[
            "--targets",
            "500",
            "--non-members",
            "300",
            "--items",
            "4",
            "--date-error",
            "14",
            "--seed",
            "7",
        ],
    );
    let out = dir.path().join("infer.json");
    ok(&[
        "infer",
        s(&released),
        "--aux",
        s(&aux),
        "--key",
        s(&key),
        "--original",
        s(&store),
        "--sensitive-items",
        s(&sensitive),
        "--algorithm",
        "likelihood",
        "--informed",
        "-o",
        s(&out),
    ]);
    let i = read_json(&out);
    let f = |v: &serde_json::Value| v.as_f64().unwrap();
    assert_eq!(
        (i["members"].as_u64(), i["non_members"].as_u64()),
        (Some(500), Some(300))
    );
    let near = |got: f64, want: f64| (got - want).abs() < 0.0005;
    assert!(near(f(&i["attack"]["recall"]), 0.976), "{i}");
    assert!(near(f(&i["members_with_secret"]), 0.828), "{i}");
    assert!(near(f(&i["main_accuracy"]), 0.996), "{i}");
    assert!(near(f(&i["control_accuracy"]), 0.770), "{i}");
    assert!(near(f(&i["risk"]), 0.983), "{i}");
    assert!(near(f(&i["learned"]["precision"]), 0.969), "{i}");
}
