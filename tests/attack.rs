//! End-to-end tests of `aux`, `attack` and `sparsity`: hand-computed scores on a tiny data set,
//! thread-count invariance, the key and non-members, item maps, and the sparsity curve.

mod common;

use std::path::{Path, PathBuf};

use common::*;

const TINY: &str = "user,item,rating,date\n\
u1,A,5,2005-01-01\n\
u1,B,3,2005-01-10\n\
u2,A,4,2005-01-05\n\
u2,C,2,2005-02-01\n\
u3,B,3,2005-01-10\n";

fn tiny(dir: &Path) -> PathBuf {
    import_csv(&write(dir, "tiny.csv", TINY), &[])
}

/// `deanon attack STORE --aux AUX` plus `flags`, MATCHES.csv as `dir/m.csv`; returns its rows.
fn matches(dir: &Path, store: &Path, aux: &Path, flags: &[&str]) -> Vec<Row> {
    let out = dir.join("m.csv");
    let args = [
        &["attack", s(store), "--aux", s(aux)],
        flags,
        &["-o", s(&out)],
    ]
    .concat();
    ok(&args);
    rows(&out)
}

#[test]
fn scoreboard_rh_matches_hand_computation() {
    let dir = tempdir();
    let store = tiny(dir.path());
    let aux = write(
        dir.path(),
        "aux.csv",
        "aux_id,item,rating,date,true_user\n\
         x1,A,5,2005-01-01,u1\n\
         x1,B,3,,u1\n\
         x1,Z,4,2005-01-01,u1\n\
         x2,Z,1,,u2\n\
         x3,A,,2005-01-05,u2\n",
    );
    let m = matches(dir.path(), &store, &aux, &[]);
    assert_eq!(m.len(), 3);

    // x1: supp(A) = supp(B) = 2, so wt = 1/ln 2; Z is not in the release and adds nothing.
    let wt = 1.0 / 2f64.ln();
    let scores = [
        wt * (1.0 + 1.0) + wt * 1.0, // u1: A exact, B rating exact
        wt * ((-1.0f64 / 1.5).exp() + (-4.0f64 / 30.0).exp()), // u2: A off by 1 star, 4 days
        wt * 1.0,                    // u3: B rating exact
    ];
    let n = 3.0;
    let mean = scores.iter().sum::<f64>() / n;
    let sigma = (scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / n).sqrt();
    let ecc = (scores[0] - scores[1]) / sigma;
    let x1 = &m[0];
    assert_eq!(x1["candidate"], "u1");
    assert!(close(num(x1, "score"), scores[0]), "{}", x1["score"]);
    assert!(close(num(x1, "runner_up"), scores[1]));
    assert!(close(num(x1, "sigma"), sigma));
    assert!(
        close(num(x1, "eccentricity"), ecc),
        "{} vs {ecc}",
        x1["eccentricity"]
    );
    assert_eq!(x1["matched"], if ecc >= 1.5 { "true" } else { "false" });
    assert_eq!(x1["facts_used"], "2");
    assert_eq!(x1["correct"], "true");
    let z: f64 = scores.iter().map(|s| (s / sigma).exp()).sum();
    let probs: Vec<f64> = scores.iter().map(|s| (s / sigma).exp() / z).collect();
    assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    let entropy: f64 = probs.iter().map(|p| -p * p.log2()).sum();
    assert!(
        close(num(x1, "top_probability"), probs[0]),
        "{} vs {}",
        x1["top_probability"],
        probs[0]
    );
    assert!(
        close(num(x1, "entropy_bits"), entropy),
        "{} vs {entropy}",
        x1["entropy_bits"]
    );

    // x2: no fact in the release: all scores 0, the smallest index wins, eccentricity 0,
    // entropic output uniform.
    let x2 = &m[1];
    assert_eq!(x2["candidate"], "u1");
    assert_eq!(num(x2, "eccentricity"), 0.0);
    assert_eq!(x2["matched"], "false");
    assert_eq!(x2["correct"], "false");
    assert!(close(num(x2, "entropy_bits"), 3f64.log2()));
    assert!(close(num(x2, "top_probability"), 1.0 / 3.0));

    // x3: a date without a rating: only the date term, u2 exact (1.0), u1 4 days off.
    let x3 = &m[2];
    assert_eq!(x3["candidate"], "u2");
    assert!(close(num(x3, "score"), wt));
    assert!(close(num(x3, "runner_up"), wt * (-4.0f64 / 30.0).exp()));
}

/// Scoreboard-RH-norm by hand (docs/method.md section 4): Score_B = Score_RH / ((1 - B) + B |r| /
/// mean|r|), |r| the distinct items of record r; then sigma, eccentricity and the entropic
/// output of Score_B exactly as Scoreboard-RH's.
#[test]
fn scoreboard_rh_norm_matches_hand_computation() {
    let dir = tempdir();
    // A view log: v1 watched A twice and B once (|r| = 2 distinct items), v2 watched A, C and
    // D (3), v3 watched B (1). mean|r| = 2.
    let input = write(
        dir.path(),
        "views.csv",
        "user,item,date
         v1,A,2005-01-01
         v1,A,2005-01-20
         v1,B,2005-01-10
         v2,A,2005-01-05
         v2,C,2005-02-01
         v2,D,2005-02-03
         v3,B,2005-01-12
",
    );
    let store = import_csv(&input, &["--kind", "views"]);
    let aux = write(
        dir.path(),
        "aux.csv",
        "aux_id,item,rating,date,true_user
         x1,A,,2005-01-02,v1
         x1,B,,2005-01-10,v1
",
    );
    // supp(A) = supp(B) = 2: wt = 1 / ln 2. Dates only; v1's best event of A is 1 day off.
    let wt = 1.0 / 2f64.ln();
    let rh = [
        wt * ((-1.0f64 / 30.0).exp() + 1.0), // v1: A 1 day off, B exact
        wt * (-3.0f64 / 30.0).exp(),         // v2: A 3 days off
        wt * (-2.0f64 / 30.0).exp(),         // v3: B 2 days off
    ];
    let lengths = [2.0, 3.0, 1.0];
    let mean = 2.0;
    for b in [0.0, 0.5, 1.0] {
        let m = &matches(
            dir.path(),
            &store,
            &aux,
            &[
                "--algorithm",
                "scoreboard-rh-norm",
                "--length-norm",
                &b.to_string(),
            ],
        )[0];
        let scores: Vec<f64> = (0..3)
            .map(|r| rh[r] / ((1.0 - b) + b * lengths[r] / mean))
            .collect();
        let mut order: Vec<usize> = (0..3).collect();
        order.sort_by(|&x, &y| scores[y].total_cmp(&scores[x]));
        let n = 3.0;
        let mu = scores.iter().sum::<f64>() / n;
        let sigma = (scores.iter().map(|s| (s - mu).powi(2)).sum::<f64>() / n).sqrt();
        let ecc = (scores[order[0]] - scores[order[1]]) / sigma;
        let z: f64 = scores.iter().map(|s| (s / sigma).exp()).sum();
        let probs: Vec<f64> = scores.iter().map(|s| (s / sigma).exp() / z).collect();
        let entropy: f64 = probs.iter().map(|p| -p * p.log2()).sum();
        assert_eq!(m["candidate"], ["v1", "v2", "v3"][order[0]], "B = {b}");
        assert!(
            close(num(m, "score"), scores[order[0]]),
            "B = {b}: {}",
            m["score"]
        );
        assert!(close(num(m, "runner_up"), scores[order[1]]), "B = {b}");
        assert!(close(num(m, "sigma"), sigma), "B = {b}");
        assert!(
            close(num(m, "eccentricity"), ecc),
            "B = {b}: {} vs {ecc}",
            m["eccentricity"]
        );
        assert!(close(num(m, "top_probability"), probs[order[0]]), "B = {b}");
        assert!(close(num(m, "entropy_bits"), entropy), "B = {b}");
        if b == 1.0 {
            // B = 1 divides v3's score by 1/2 (|r| = 1 is half the mean): the runner-up's score
            // doubles.
            assert!(close(num(m, "runner_up"), rh[2] * 2.0));
        }
    }
}

/// B = 0 is Scoreboard-RH bit for bit (every divisor is exactly 1), with a key and
/// non-members, and the length-normalized summary says which B it used.
#[test]
fn length_norm_zero_is_scoreboard_rh_byte_for_byte() {
    let dir = tempdir();
    let store = generated(dir.path(), "netflix-like", 4000, 3);
    let (released, key) = release(dir.path(), &store, "sample:fraction=0.5", 2);
    let aux = aux(
        dir.path(),
        &store,
        Some(&key),
        &[
            "--targets",
            "200",
            "--items",
            "4",
            "--wrong",
            "1",
            "--non-members",
            "100",
            "--seed",
            "3",
        ],
    );
    let run = |extra: &[&str]| {
        let (out, summary) = attack_files(dir.path(), &released, &aux, Some(&key), extra);
        (std::fs::read(&out).unwrap(), read_json(&summary))
    };
    let (rh, rh_summary) = run(&[]);
    let (norm0, norm0_summary) = run(&["--algorithm", "scoreboard-rh-norm", "--length-norm", "0"]);
    assert_eq!(rh, norm0, "MATCHES.csv of B = 0 and of Scoreboard-RH");
    assert_eq!(norm0_summary["algorithm"], "scoreboard-rh-norm");
    assert_eq!(norm0_summary["length_norm"], 0.0);
    assert!(rh_summary.get("length_norm").is_none());
    assert_eq!(rh_summary["top1_rate"], norm0_summary["top1_rate"]);
    assert_eq!(
        rh_summary["false_match_rate"],
        norm0_summary["false_match_rate"]
    );
    let (norm1, _) = run(&["--algorithm", "scoreboard-rh-norm", "--length-norm", "1"]);
    assert_ne!(rh, norm1, "B = 1 changes the scores");
}

#[test]
fn tie_between_records_goes_to_the_smaller_index_with_zero_eccentricity() {
    let dir = tempdir();
    let store = tiny(dir.path());
    // u1 and u3 both hold B rated 3 on the same day.
    let aux = write(
        dir.path(),
        "aux.csv",
        "aux_id,item,rating,date\nt,B,3,2005-01-10\n",
    );
    let m = matches(dir.path(), &store, &aux, &[]);
    assert_eq!(m[0]["candidate"], "u1");
    assert_eq!(num(&m[0], "eccentricity"), 0.0);
    assert_eq!(m[0]["candidates"], "2");
    assert!(
        !m[0].contains_key("true_user"),
        "no truth columns without true_user"
    );
}

#[test]
fn scoreboard_finds_the_candidate_set() {
    let dir = tempdir();
    let store = tiny(dir.path());
    let aux = write(
        dir.path(),
        "aux.csv",
        "aux_id,item,rating,date\none,A,5,2005-01-10\ntwo,B,3,2005-01-01\nnone,C,5,2005-02-01\n",
    );
    let m = matches(dir.path(), &store, &aux, &["--algorithm", "scoreboard"]);
    // A rated 5 within 14 days: u1 alone.
    assert_eq!(
        (
            m[0]["candidate"].as_str(),
            m[0]["candidates"].as_str(),
            m[0]["matched"].as_str()
        ),
        ("u1", "1", "true")
    );
    // B rated 3 within 14 days: u1 and u3.
    assert_eq!(m[1]["candidates"], "2");
    assert_eq!(m[1]["matched"], "false");
    assert!(close(num(&m[1], "entropy_bits"), 1.0));
    // C rated 5: nobody (u2 rated it 2).
    assert_eq!(
        (m[2]["candidate"].as_str(), m[2]["candidates"].as_str()),
        ("", "0")
    );
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let dir = tempdir();
    let store = generated(dir.path(), "netflix-like", 6000, 3);
    // The same aux sample with 1 and with 3 threads (each call rewrites aux.csv).
    let sample = |threads: &str| {
        let flags = [
            "--targets",
            "300",
            "--items",
            "6",
            "--wrong",
            "1",
            "--seed",
            "9",
            "--threads",
            threads,
        ];
        aux(dir.path(), &store, None, &flags)
    };
    let one_thread = std::fs::read(sample("1")).unwrap();
    let aux = sample("3");
    assert_eq!(one_thread, std::fs::read(&aux).unwrap(), "aux sampling");
    for algorithm in [
        "scoreboard-rh",
        "scoreboard-rh-norm",
        "scoreboard",
        "likelihood",
    ] {
        let mut outputs = Vec::new();
        for threads in ["1", "2", "4"] {
            let flags = ["--algorithm", algorithm, "--threads", threads];
            let (out, summary) = attack_files(dir.path(), &store, &aux, None, &flags);
            outputs.push((
                std::fs::read(&out).unwrap(),
                std::fs::read(&summary).unwrap(),
            ));
        }
        assert!(
            outputs.windows(2).all(|w| w[0] == w[1]),
            "{algorithm}: outputs differ across thread counts"
        );
    }
}

#[test]
fn summary_has_the_contract_fields_and_sane_rates() {
    let dir = tempdir();
    let store = generated(dir.path(), "netflix-like", 4000, 3);
    let flags = ["--targets", "200", "--items", "8", "--date-error", "3"];
    let aux = aux(dir.path(), &store, None, &flags);
    let (_, j) = attack(dir.path(), &store, &aux, None, &[]);
    for key in [
        "aux_records",
        "top1_rate",
        "matched_rate",
        "precision",
        "recall",
        "false_match_rate",
        "eer_phi",
    ] {
        assert!(j.get(key).is_some(), "summary lacks {key}");
    }
    for key in [
        "top1_rate_ci",
        "matched_rate_ci",
        "precision_ci",
        "recall_ci",
    ] {
        let ci = j[key].as_array().unwrap_or_else(|| panic!("{key}"));
        // Wilson's score interval: never zero-width, even at a rate of 0 or 1.
        assert!(ci[0].as_f64().unwrap() < ci[1].as_f64().unwrap(), "{key}");
    }
    assert!(j["false_match_rate"].is_null(), "no non-members: null");
    let top1 = j["top1_rate"].as_f64().unwrap();
    assert!(
        top1 > 0.9,
        "8 exact facts with dates +-3 days re-identify nearly everyone: {top1}"
    );
    let ci = j["top1_rate_ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() <= top1 && top1 <= ci[1].as_f64().unwrap());
    let entropy = j["entropy_bits"]["mean"].as_f64().unwrap();
    assert!(entropy >= 0.0 && entropy <= 4000f64.log2());
}

#[test]
fn key_gives_original_ids_and_non_members_measure_false_matches() {
    let dir = tempdir();
    let store = generated(dir.path(), "netflix-like", 3000, 3);
    // A release by hand: the even-numbered people, renamed.
    let csv = dir.path().join("all.csv");
    ok(&["export", s(&store), "-o", s(&csv)]);
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut released = String::from("user,item,rating,date\n");
    let mut key = String::from("released_id,original_id\n");
    let mut seen = std::collections::BTreeSet::new();
    for line in text.lines().skip(1) {
        let (user, rest) = line.split_once(',').unwrap();
        let id: u64 = user.parse().unwrap();
        if id.is_multiple_of(2) {
            released.push_str(&format!("p{}", id * 7 + 1));
            released.push(',');
            released.push_str(rest);
            released.push('\n');
            if seen.insert(id) {
                key.push_str(&format!("p{},{id}\n", id * 7 + 1));
            }
        }
    }
    let released_csv = write(dir.path(), "released.csv", &released);
    let key_path = write(dir.path(), "key.csv", &key);
    let release = import_csv(&released_csv, &[]);
    let aux = aux(
        dir.path(),
        &store,
        Some(&key_path),
        &[
            "--targets",
            "100",
            "--non-members",
            "50",
            "--items",
            "8",
            "--date-error",
            "3",
        ],
    );
    let aux_text = std::fs::read_to_string(&aux).unwrap();
    let truths: std::collections::BTreeSet<u64> = aux_text
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(truths.iter().any(|t| t % 2 == 0) && truths.iter().any(|t| t % 2 == 1));
    let (m, j) = attack(dir.path(), &release, &aux, Some(&key_path), &[]);
    assert!(
        m.iter().all(|r| !r["candidate"].starts_with('p')),
        "candidates in original ids"
    );
    let correct = m.iter().filter(|r| r["correct"] == "true").count();
    assert!(
        correct > 90,
        "members re-identified through the key: {correct}"
    );
    assert!(
        m.iter()
            .filter(|r| r["aux_id"].starts_with('n'))
            .all(|r| r["correct"] == "false")
    );
    assert_eq!(
        j["members"].as_u64().unwrap() + j["non_members"].as_u64().unwrap(),
        j["aux_records"].as_u64().unwrap()
    );
    assert!(j["non_members"].as_u64().unwrap() > 40);
    assert!(
        j["false_match_rate"].as_f64().is_some(),
        "non-members give a false-match rate"
    );
    assert!(j["eer_phi"].as_f64().is_some());
    // --non-members without --key is refused.
    let err = fails(&[
        "aux",
        s(&store),
        "--non-members",
        "5",
        "-o",
        s(&dir.path().join("x.csv")),
    ]);
    assert!(err.contains("--key"), "{err}");
}

#[test]
fn item_map_links_another_catalogue() {
    let dir = tempdir();
    let store = tiny(dir.path());
    let aux = write(
        dir.path(),
        "aux.csv",
        "aux_id,item,rating,date\nimdb1,tt001,5,2005-01-01\nimdb1,tt002,2,2005-02-01\n",
    );
    let map = write(
        dir.path(),
        "map.csv",
        "aux_item,release_item\ntt001,A\ntt002,C\n",
    );
    let m = matches(dir.path(), &store, &aux, &["--item-map", s(&map)]);
    assert_eq!(m[0]["candidate"], "u2");
    assert_eq!(m[0]["facts_used"], "2");
    // Without the map nothing links: a clear error.
    let out = dir.path().join("m.csv");
    let err = fails(&["attack", s(&store), "--aux", s(&aux), "-o", s(&out)]);
    assert!(err.contains("--item-map"), "{err}");
}

/// Every parameter of every registered algorithm is a flag of `deanon attack`, with its default
/// and the algorithms that read it in its help.
#[test]
fn every_algorithm_parameter_is_a_flag() {
    let help = ok(&["attack", "--help"]);
    for (flag, default, readers) in [
        ("--phi <PHI>", "1.5", "(scoreboard-rh, scoreboard-rh-norm)"),
        (
            "--rho0 <RHO0>",
            "1.5",
            "(scoreboard-rh, scoreboard-rh-norm)",
        ),
        ("--d0 <D0>", "30", "(scoreboard-rh, scoreboard-rh-norm)"),
        (
            "--count-tolerance <E>",
            "0.5",
            "(scoreboard-rh, scoreboard-rh-norm)",
        ),
        ("--length-norm <B>", "0.75", "(scoreboard-rh-norm)"),
        ("--rating-tol <RATING_TOL>", "0", "(scoreboard)"),
        ("--date-tol <DATE_TOL>", "14", "(scoreboard)"),
        ("--seed <SEED>", "0", "(scoreboard)"),
        ("--wrong-rate <W>", "0.1", "(likelihood)"),
        ("--rating-scale <STARS>", "0.5", "(likelihood)"),
        ("--date-scale <DAYS>", "14", "(likelihood)"),
        ("--membership <P>", "1", "(likelihood)"),
        ("--threshold <P>", "0.5", "(likelihood)"),
        ("--cap <T>", "0", "(likelihood)"),
        ("--capped-length <N>", "0", "(likelihood)"),
    ] {
        let at = help
            .find(flag)
            .unwrap_or_else(|| panic!("{flag} in\n{help}"));
        let entry = &help[at..];
        let entry = &entry[..entry[2..].find("\n      --").map_or(entry.len(), |e| e + 2)];
        assert!(
            entry.contains(readers) && entry.contains(&format!("[default: {default}]")),
            "{entry}"
        );
    }
}

#[test]
fn bad_parameters_name_their_flag() {
    let dir = tempdir();
    let store = tiny(dir.path());
    let aux = write(dir.path(), "aux.csv", "aux_id,item,rating,date\nx,A,5,\n");
    let out = dir.path().join("m.csv");
    let base = ["attack", s(&store), "--aux", s(&aux), "-o", s(&out)];
    for (flag, message) in [
        (
            "--rho0=-1",
            "--rho0: rho0 must be a positive number, got -1",
        ),
        (
            "--length-norm=1.5",
            "--length-norm: length_norm must be in [0, 1], got 1.5",
        ),
        (
            "--count-tolerance=1",
            "--count-tolerance: count_tolerance must be in [0, 1), got 1",
        ),
        (
            "--wrong-rate=1",
            "--wrong-rate: wrong_rate must be in [0, 1), got 1",
        ),
        (
            "--date-scale=0",
            "--date-scale: date_scale must be a positive number, got 0",
        ),
        (
            "--rating-scale=-0.5",
            "--rating-scale: rating_scale must be a positive number, got -0.5",
        ),
        (
            "--threshold=0",
            "--threshold: threshold must be in (0, 1], got 0",
        ),
        (
            "--membership=1.5",
            "--membership: membership must be in (0, 1], got 1.5",
        ),
        // A negative number is a value of a real parameter, not a flag.
        ("--phi", "--phi: phi must be >= 0, got -2"),
    ] {
        let args: &[&str] = if flag == "--phi" {
            &[flag, "-2"]
        } else {
            &[flag]
        };
        let err = fails(&[&base[..], args].concat());
        assert!(err.contains(message), "{flag}: {err}");
    }
    for (args, message) in [
        (
            &["--date-tol", "2.5"][..],
            "invalid value '2.5' for '--date-tol <DATE_TOL>'",
        ),
        (&["--seed", "-1"][..], "unexpected argument '-1'"),
    ] {
        let run = deanon(&[&base[..], args].concat());
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(
            !run.status.success() && err.contains(message),
            "{args:?}: {err}"
        );
    }
    assert!(!out.exists());
    // An unknown algorithm is refused by the argument parser, which lists the registry.
    let wrong = deanon(&[&base[..], &["--algorithm", "blur"]].concat());
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(!wrong.status.success());
    assert!(
        stderr.contains("unknown algorithm 'blur'") && stderr.contains("scoreboard-rh-norm"),
        "{stderr}"
    );
}

#[test]
fn bad_aux_files_are_clear_errors() {
    let dir = tempdir();
    let store = tiny(dir.path());
    let cases = [
        ("aux_id,thing\n1,2\n", "aux.csv:1:"),
        ("aux_id,item,rating,date\n1,A,six,\n", "aux.csv:2:"),
        (
            "aux_id,item,rating,date,true_user\n1,A,5,,u1\n1,B,3,,u2\n",
            "aux.csv:3:",
        ),
    ];
    for (content, location) in cases {
        let aux = write(dir.path(), "aux.csv", content);
        let out = dir.path().join("m.csv");
        let err = fails(&["attack", s(&store), "--aux", s(&aux), "-o", s(&out)]);
        assert!(err.contains(location), "{content:?}: {err}");
        assert!(!out.exists());
    }
    let err = fails(&[
        "attack",
        s(&store),
        "--aux",
        s(&dir.path().join("aux.csv")),
        "--phi=-1",
        "-o",
        s(&dir.path().join("m.csv")),
    ]);
    assert!(err.contains("--phi"), "{err}");
}

#[test]
fn sparsity_curve_is_a_survival_function() {
    let dir = tempdir();
    let store = generated(dir.path(), "netflix-like", 2000, 3);
    let out = dir.path().join("sp.csv");
    ok(&["sparsity", s(&store), "--sample", "200", "-o", s(&out)]);
    let m = rows(&out);
    assert_eq!(m.len(), 101);
    assert_eq!(m[0]["x"], "0.00");
    assert_eq!(num(&m[0], "items_only"), 1.0);
    for w in m.windows(2) {
        assert!(num(&w[1], "items_only") <= num(&w[0], "items_only"));
        assert!(num(&w[1], "exact_ratings") <= num(&w[0], "exact_ratings"));
    }
    for r in &m {
        assert!(num(r, "exact_ratings") <= num(r, "items_only"));
    }
    // Identical records are each other's nearest neighbour at similarity 1.
    let twins = write(
        dir.path(),
        "t.csv",
        "user,item,rating\na,1,5\na,2,3\nb,1,5\nb,2,3\nc,3,1\n",
    );
    let t = import_csv(&twins, &[]);
    let text = ok(&["sparsity", s(&t), "--sample", "10"]);
    assert!(
        text.lines()
            .any(|l| l == "1.00,0.6666666666666666,0.6666666666666666"),
        "{text}"
    );
}

#[test]
fn known_rating_count_rules_out_records() {
    let dir = tempdir();
    let store = tiny(dir.path());
    // u1 and u3 both rated B 3 on 2005-01-10; u1 has 2 ratings, u3 has 1.
    let aux = write(
        dir.path(),
        "aux.csv",
        "aux_id,item,rating,date,count\nt,B,3,2005-01-10,1\n",
    );
    let m = matches(dir.path(), &store, &aux, &["--count-tolerance", "0.1"]);
    assert_eq!(m[0]["candidate"], "u3", "only u3 has about 1 rating");
    assert!(num(&m[0], "eccentricity") > 0.0);
    // A tolerance that admits 2 ratings brings the tie back.
    let m = matches(dir.path(), &store, &aux, &["--count-tolerance", "0.9"]);
    assert_eq!(m[0]["candidate"], "u1");
    // Sampled counts are within the stated error of the truth, and the attack uses them.
    let g = generated(dir.path(), "netflix-like", 3000, 3);
    let flags = ["--targets", "100", "--items", "2", "--count-error", "0.5"];
    let aux = common::aux(dir.path(), &g, None, &flags);
    let text = std::fs::read_to_string(&aux).unwrap();
    assert!(text.lines().next().unwrap().ends_with(",count"));
    let (_, j) = attack(dir.path(), &g, &aux, None, &[]);
    assert!(j["top1_rate"].as_f64().unwrap() > 0.5, "{j}");
}

#[test]
fn view_logs_are_attacked_on_each_persons_best_event() {
    let dir = tempdir();
    // u1 watched X on days 1, 2, 3; u2 watched X on day 30; the aux says X around day 3.
    let views = write(
        dir.path(),
        "v.csv",
        "user,item,date\nu1,X,2020-01-01\nu1,X,2020-01-02\nu1,X,2020-01-03\nu2,X,2020-01-30\nu2,Y,2020-01-30\n",
    );
    let store = import_csv(&views, &["--kind", "views"]);
    let aux = write(
        dir.path(),
        "aux.csv",
        "aux_id,item,rating,date\na,X,,2020-01-03\n",
    );
    let m = matches(dir.path(), &store, &aux, &[]);
    // supp(X) = 2 distinct people: wt = 1/ln 2; u1's best event is exact (sim 1), not a sum of 3.
    let wt = 1.0 / 2f64.ln();
    assert_eq!(m[0]["candidate"], "u1");
    assert!(close(num(&m[0], "score"), wt), "{}", m[0]["score"]);
    assert!(close(num(&m[0], "runner_up"), wt * (-27.0f64 / 30.0).exp()));

    // A generated viewing log: sampled aux re-identifies people, the same for any thread count.
    let g = generated(dir.path(), "views-like", 3000, 4);
    let flags = ["--targets", "200", "--items", "4", "--date-error", "2"];
    let aux = common::aux(dir.path(), &g, None, &flags);
    let mut outputs = Vec::new();
    for (threads, algorithm) in [
        ("1", "scoreboard-rh"),
        ("3", "scoreboard-rh"),
        ("1", "scoreboard"),
        ("3", "scoreboard"),
    ] {
        let flags = ["--algorithm", algorithm, "--threads", threads];
        let (out, summary) = attack_files(dir.path(), &g, &aux, None, &flags);
        outputs.push(std::fs::read(&out).unwrap());
        if algorithm == "scoreboard-rh" {
            let j: serde_json::Value = read_json(&summary);
            assert!(j["top1_rate"].as_f64().unwrap() > 0.8, "{j}");
        }
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[2], outputs[3]);
}

/// A usage error is one line with exit status 2; `--help` and `--version` print in full and
/// exit 0.
#[test]
fn a_usage_error_is_one_line_with_status_2_and_help_exits_0() {
    let out = deanon(&["attack", "--foo"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(
        err.trim_end(),
        "deanon: error: unexpected argument '--foo' found (see 'deanon attack --help')"
    );
    for args in [&["attack", "--help"][..], &["--version"][..]] {
        let out = deanon(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
    let help = deanon(&["attack", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).lines().count() > 10);
}
