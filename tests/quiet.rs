//! `--quiet` hides progress, never results: every command run with it (as [`common::deanon`]
//! runs them) still prints its verdict, its summary and the files it wrote. A result whose file
//! is standard output goes to standard error, so that the file comes out whole.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;

/// Runs `deanon ARGS --quiet`, asserts success; returns (stdout, stderr).
fn quiet(args: &[&str]) -> (String, String) {
    let out: Output = deanon(args);
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    assert!(
        out.status.success(),
        "deanon {args:?}: {}",
        text(&out.stderr)
    );
    (text(&out.stdout), text(&out.stderr))
}

#[test]
fn quiet_commands_still_print_their_results_and_the_files_they_wrote() {
    let dir = tempdir();
    let d = dir.path();
    let path = |name: &str| d.join(name).to_str().unwrap().to_string();
    let data = path("m.deanon");
    let (_, err) = quiet(&[
        "generate",
        "--preset",
        "movielens-like",
        "--users",
        "400",
        "-o",
        &data,
    ]);
    assert!(err.contains("records and") && err.contains(&data), "{err}");
    let csv = write(d, "r.csv", "user,item,rating\n1,a,4\n1,b,3\n2,a,5\n");
    let imported = path("i.deanon");
    let (_, err) = quiet(&["import", s(&csv), "--format", "csv", "-o", &imported]);
    assert!(
        err.contains(&format!(
            "imported 3 entries of 2 records and 2 items into {imported}"
        )),
        "{err}"
    );
    let (released, key) = (path("r.deanon"), path("k.csv"));
    let (out, err) = quiet(&[
        "release",
        &data,
        "--policy",
        "sample:fraction=0.5",
        "--utility",
        &path("u.json"),
        "-o",
        &released,
        "--key",
        &key,
    ]);
    assert!(
        err.contains(&format!("into {released} (key: {key})")),
        "{err}"
    );
    assert!(out.starts_with("utility ("), "{out}");
    let aux = path("a.csv");
    let (_, err) = quiet(&["aux", &data, "--key", &key, "--targets", "40", "-o", &aux]);
    assert!(err.contains(&format!("aux records to {aux}")), "{err}");
    let (out, _) = quiet(&[
        "attack",
        &released,
        "--aux",
        &aux,
        "--key",
        &key,
        "-o",
        &path("M.csv"),
    ]);
    assert!(out.contains("re-identified (top-1)"), "{out}");
    let (out, _) = quiet(&[
        "unicity",
        &data,
        "--points",
        "1",
        "--sample",
        "50",
        "-o",
        &path("u.csv"),
    ]);
    assert!(out.starts_with("knowledge "), "{out}");
    let (out, _) = quiet(&[
        "epsilon",
        &data,
        "--policy",
        "sample:fraction=0.5",
        "--canaries",
        "40",
    ]);
    assert!(out.starts_with("measured epsilon >= "), "{out}");
    let audit_folder = path("audit");
    let mut args = vec!["audit", &data, "--policy", "sample:fraction=0.5"];
    args.extend(QUICK_AUDIT);
    args.extend(["-o", &audit_folder]);
    let (out, _) = quiet(&args);
    let verdict = read_json(&d.join("audit").join("audit.json"))["verdict"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(out.starts_with(&verdict), "the verdict first: {out}");
    assert!(
        out.contains(&format!("report: {}", path("audit/report.html"))),
        "{out}"
    );
    let config = write(
        d,
        "tiny.toml",
        "name = \"tiny\"\nseed = 1\n[data]\npath = \"m.deanon\"\n[aux]\nsettings = [{ items = 2, wrong = 0 }]\ntargets = 40\n[attack]\nalgorithm = [\"scoreboard-rh\"]\n",
    );
    let (out, _) = quiet(&["experiment", s(&config), "-o", &path("x")]);
    assert!(out.contains(&format!("results in {}", path("x"))), "{out}");
}

#[test]
fn cohort_prints_its_table_with_quiet_and_to_stderr_when_the_report_is_stdout() {
    let dir = tempdir();
    let data = generated(dir.path(), "views-like", 2000, 1);
    let args = |out: &Path| {
        vec![
            "cohort".to_string(),
            s(&data).to_string(),
            "--item".into(),
            "*".into(),
            "--times".into(),
            "2".into(),
            "-o".into(),
            s(out).to_string(),
        ]
    };
    let file = dir.path().join("c.json");
    let a = args(&file);
    let (out, _) = quiet(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.starts_with("statement: ") && out.contains("\ncohort: "),
        "{out}"
    );
    // With the report on standard output, standard output is the report alone.
    let a = args(Path::new("/dev/stdout"));
    let (out, err) = quiet(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let report: serde_json::Value = serde_json::from_str(&out).expect("stdout is the JSON");
    assert_eq!(report, read_json(&file));
    assert!(err.starts_with("statement: "), "{err}");
}

/// On a terminal (a pseudo-terminal made by `script`), the audit shows one bar for its whole
/// work that says which policy and which adversary it is on, with the attack's own bar under
/// it; `--quiet` shows neither, and the verdict all the same.
#[test]
fn the_audit_bar_says_which_policy_and_adversary_it_is_on_and_quiet_hides_it() {
    let dir = tempdir();
    let data = generated(dir.path(), "netflix-like", 3000, 1);
    let audit = |quiet: &str, out: &str| {
        let command = format!(
            "'{}' audit '{}' --policy sample:fraction=0.5 --sample 300 --draws 1 --curve 1,2 \
             --assume-facts 2 --tuning 50 --curve-tuning 50 --epsilon-canaries 0 -o '{}' {quiet}",
            env!("CARGO_BIN_EXE_deanon"),
            s(&data),
            s(&dir.path().join(out)),
        );
        let run = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .output()
            .expect("script (util-linux) runs");
        assert!(run.status.success(), "{run:?}");
        String::from_utf8_lossy(&run.stdout).to_string()
    };
    let shown = audit("", "a");
    assert!(shown.contains("policy 1/2 pseudonymize:"), "{shown:.2000}");
    assert!(
        shown.contains("adversary 1/5: 2 facts, dates +-3 d"),
        "{shown:.2000}"
    );
    assert!(shown.contains("attacking ["), "{shown:.2000}");
    assert!(shown.contains("report: "), "{shown:.2000}");
    let quiet = audit("--quiet", "b");
    assert!(
        !quiet.contains("policy 1/2") && !quiet.contains("attacking"),
        "{quiet}"
    );
    assert!(quiet.contains("report: "), "{quiet}");
}
