//! `deanon epsilon`: the measured lower bound on a policy's epsilon, through the binary, on a
//! small twin without attributes: high for releases that are not DP at all, never above the
//! claim for `dp:epsilon=1`, not vacuous for `dp:epsilon=1000`; E.json's fields; errors.

mod common;

use common::*;

/// `deanon epsilon` of `policy` on `data` with `seed`: E.json.
fn measure(
    dir: &std::path::Path,
    data: &std::path::Path,
    policy: &str,
    seed: u64,
) -> serde_json::Value {
    let out = dir.join(format!(
        "E-{}-{seed}.json",
        policy.replace([':', '|', '=', ','], "_")
    ));
    let text = ok(&[
        "epsilon",
        s(data),
        "--policy",
        policy,
        "--seed",
        &seed.to_string(),
        "-o",
        s(&out),
    ]);
    assert!(text.contains("lower bound"), "{text}");
    read_json(&out)
}

fn bound(e: &serde_json::Value) -> f64 {
    e["epsilon_lower_bound"].as_f64().unwrap()
}

#[test]
fn pseudonymization_shows_a_high_epsilon_and_e_json_says_how() {
    let dir = tempdir();
    let data = twin(dir.path(), 600, 3);
    let e = measure(dir.path(), &data, "pseudonymize", 1);
    assert!(bound(&e) >= 3.0, "{e}");
    assert_eq!(e["confidence"], 0.95);
    assert_eq!(e["canaries"], 600);
    assert_eq!(e["runs"], 1);
    assert_eq!(e["attack"], "records");
    let (guesses, right) = (e["guesses"].as_u64().unwrap(), e["right"].as_u64().unwrap());
    assert!(right <= guesses && guesses >= 256, "{e}");
    assert!(e["method"].as_str().unwrap().contains("Steinke"));
    assert_eq!(e["attacks"].as_array().unwrap().len(), 4);
    assert_eq!(e["policy"], "pseudonymize");
    assert!(e["claimed_epsilon"].is_null());
    // The seed decides everything.
    assert_eq!(measure(dir.path(), &data, "pseudonymize", 1), e);
}

#[test]
fn dp_at_epsilon_1_is_never_measured_above_1_and_at_1000_is_caught() {
    let dir = tempdir();
    let data = twin(dir.path(), 600, 3);
    for seed in [1, 2, 3, 4] {
        let e = measure(dir.path(), &data, "dp:epsilon=1", seed);
        assert!(bound(&e) <= 1.0, "seed {seed}: {e}");
        assert_eq!(e["claimed_epsilon"], 1.0);
    }
    let e = measure(dir.path(), &data, "dp:epsilon=1000", 1);
    assert!(bound(&e) >= 1.0, "{e}");
}

#[test]
fn sampling_and_truncation_get_finite_bounds_well_above_zero() {
    let dir = tempdir();
    let data = twin(dir.path(), 600, 3);
    for policy in ["sample:fraction=0.5", "truncate:max_per_record=5"] {
        let e = measure(dir.path(), &data, policy, 1);
        assert!(bound(&e).is_finite() && bound(&e) >= 1.0, "{policy}: {e}");
        assert!(bound(&e) <= e["most_measurable"].as_f64().unwrap() + 1e-9);
    }
}

#[test]
fn errors_name_the_flag_and_the_file() {
    let dir = tempdir();
    let data = twin(dir.path(), 60, 3);
    let err = fails(&[
        "epsilon",
        s(&data),
        "--policy",
        "pseudonymize",
        "--canaries",
        "61",
    ]);
    assert!(err.contains("--canaries") && err.contains("61"), "{err}");
    let err = fails(&[
        "epsilon",
        s(&data),
        "--policy",
        "pseudonymize",
        "--runs",
        "0",
    ]);
    assert!(err.contains("--runs"), "{err}");
    let (release, _) = release(dir.path(), &data, "pseudonymize", 1);
    let err = fails(&["epsilon", s(&release), "--policy", "pseudonymize"]);
    assert!(
        err.contains(s(&release)) && err.contains("original"),
        "{err}"
    );
    let small = twin(dir.path(), 10, 3);
    let err = fails(&["epsilon", s(&small), "--policy", "pseudonymize"]);
    assert!(err.contains("too small"), "{err}");
}
