//! A policy in a `.toml` file of `[[step]]` tables, taken wherever a policy is: `release`,
//! `audit`, `epsilon` and an experiment's `[[policy]] spec`; the example of docs/release.md is
//! the checked-in experiments/policy-example.toml, and it parses to the spec the doc states.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use deanon::release::spec::Policy;

/// The spec docs/release.md says the example file is.
const EXAMPLE_SPEC: &str = "sample:fraction=0.5|date-coarsen:to=month|rating-noise:scale=1,dist=uniform|rare-items:min_support=5";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example() -> PathBuf {
    root().join("experiments/policy-example.toml")
}

#[test]
fn the_documented_example_is_the_checked_in_file_and_parses_to_the_stated_spec() {
    let doc = std::fs::read_to_string(root().join("docs/release.md")).unwrap();
    let section = &doc[doc.find("## A policy in a file").expect("the section")..];
    let block = section
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a toml block in the section");
    let file = std::fs::read_to_string(example()).unwrap();
    assert_eq!(
        block, file,
        "docs/release.md shows experiments/policy-example.toml"
    );
    assert!(section.contains(&format!("`{EXAMPLE_SPEC}`")));
    let from_file = Policy::from_arg(s(&example())).unwrap();
    assert_eq!(from_file, Policy::parse(EXAMPLE_SPEC).unwrap());
    assert_eq!(from_file.to_string(), EXAMPLE_SPEC);
}

#[test]
fn audit_epsilon_and_release_take_a_policy_file_and_record_its_steps() {
    let dir = tempdir();
    let d = dir.path();
    let data = generated(d, "movielens-like", 300, 3);
    let example = example();
    let file = s(&example);
    let out = d.join("audit");
    let mut args = vec![
        "audit",
        s(&data),
        "--policy",
        file,
        "--policy",
        EXAMPLE_SPEC,
    ];
    args.extend(QUICK_AUDIT);
    args.extend(["-o", s(&out)]);
    ok(&args);
    let audit = read_json(&out.join("audit.json"));
    let policies: Vec<&str> = audit["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["policy"].as_str().unwrap())
        .collect();
    // The file is recorded by its steps, and the same policy given as a spec is not audited twice.
    assert_eq!(policies, ["pseudonymize", EXAMPLE_SPEC]);
    let printed = ok(&["epsilon", s(&data), "--policy", file, "--canaries", "40"]);
    assert!(printed.contains(EXAMPLE_SPEC), "{printed}");
    let (released, _) = release(d, &data, file, 1);
    assert_eq!(info(&released)["policy"], EXAMPLE_SPEC);
}

#[test]
fn an_experiment_reads_a_policy_file_beside_it() {
    let dir = tempdir();
    let d = dir.path();
    generated(d, "movielens-like", 300, 3);
    std::fs::copy(example(), d.join("strict.toml")).unwrap();
    let config = write(
        d,
        "x.toml",
        "name = \"files\"\nseed = 1\n[data]\npath = \"movielens-like-300-3.deanon\"\n\
         [[policy]]\nname = \"strict\"\nspec = \"strict.toml\"\n\
         [aux]\nsettings = [{ items = 2, wrong = 0 }]\ntargets = 30\n\
         [attack]\nalgorithm = [\"scoreboard-rh\"]\n",
    );
    ok(&["experiment", s(&config), "-o", s(&d.join("out"))]);
    let mut results = csv::Reader::from_path(d.join("out/results.csv")).unwrap();
    let header = results.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = results.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let field = |name: &str| &rows[0][header.iter().position(|h| h == name).unwrap()];
    assert_eq!(field("policy"), "strict");
    assert_eq!(field("policy_spec"), EXAMPLE_SPEC);
}

#[test]
fn a_bad_policy_file_is_an_error_naming_it_and_an_audit_never_writes_over_it() {
    let dir = tempdir();
    let d = dir.path();
    let data = generated(d, "movielens-like", 200, 3);
    let bad = write(
        d,
        "bad.toml",
        "[[step]]\nname = \"date-coarsen\"\nto = \"decade\"\n",
    );
    let err = fails(&[
        "audit",
        s(&data),
        "--policy",
        s(&bad),
        "-o",
        s(&d.join("a")),
    ]);
    assert!(
        err.contains(&format!("{}: ", bad.display())) && err.contains("got to=decade"),
        "{err}"
    );
    let err = fails(&[
        "audit",
        s(&data),
        "--policy",
        s(&d.join("missing.toml")),
        "-o",
        s(&d.join("a")),
    ]);
    assert!(err.contains("missing.toml"), "{err}");
    // A policy file in the part folder the audit owns would be written over: refused.
    let owned = d.join("a2/parts");
    std::fs::create_dir_all(&owned).unwrap();
    let inside = owned.join("p.toml");
    std::fs::copy(example(), &inside).unwrap();
    let err = fails(&[
        "audit",
        s(&data),
        "--policy",
        s(&inside),
        "-o",
        s(&d.join("a2")),
    ]);
    assert!(err.contains("--policy"), "{err}");
    assert_eq!(
        std::fs::read(&inside).unwrap(),
        std::fs::read(example()).unwrap()
    );
}
