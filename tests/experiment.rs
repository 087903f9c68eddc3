//! `deanon experiment`: same bytes twice and across thread counts, a real kill -9 and resume,
//! refusal to mix configurations, and the smoke config shipped in experiments/.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

const GRID: &str = r#"
name = "test grid"
seed = 7
utility = true
[data]
generate = { preset = "netflix-like", users = 6000, seed = 2 }
[[policy]]
name = "none"
spec = "pseudonymize"
[[policy]]
name = "half"
spec = "sample:fraction=0.5|date-noise:days=7"
[aux]
items = [2, 4, 6, 8]
wrong = [0, 1]
date_error = [3, 14]
targets = 400
non_members = 50
repetitions = 2
[attack]
phi = [1.5]
bootstrap = 100
"#;

fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    ["results.csv", "results.json", "report.md"]
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read(dir.join(f)).unwrap_or_else(|_| panic!("{f} missing")),
            )
        })
        .collect()
}

fn cells_done(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("cells"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| {
                    e.file_name().to_string_lossy().ends_with(".json")
                        && e.file_name().to_string_lossy().starts_with('0')
                })
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn same_results_twice_and_across_thread_counts() {
    let dir = tempdir();
    let config = write(dir.path(), "grid.toml", GRID);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    ok(&["experiment", s(&config), "-o", s(&a), "--threads", "1"]);
    ok(&["experiment", s(&config), "-o", s(&b), "--threads", "2"]);
    assert_eq!(outputs(&a), outputs(&b));
    let csv = std::fs::read_to_string(a.join("results.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + 2 * 8 * 2 * 2,
        "policies x (items, wrong) x date errors x repetitions"
    );
    for plot in ["reidentification", "entropy", "frontier"] {
        for ext in ["svg", "png"] {
            assert!(
                a.join(format!("{plot}.{ext}")).metadata().unwrap().len() > 1000,
                "{plot}.{ext}"
            );
        }
    }
    let provenance: serde_json::Value = read_json(&a.join("provenance.json"));
    for key in [
        "version",
        "git_commit",
        "rustc",
        "config_hash",
        "data_fingerprint",
        "seed",
        "threads",
        "host",
        "cell_wall_seconds",
        "cell_peak_rss_kib",
    ] {
        assert!(provenance.get(key).is_some(), "provenance lacks {key}");
    }
    // The same folder again without --resume is refused; another config too.
    let err = fails(&["experiment", s(&config), "-o", s(&a)]);
    assert!(err.contains("--resume"), "{err}");
    let other = write(
        dir.path(),
        "other.toml",
        &GRID.replace("seed = 7", "seed = 8"),
    );
    let err = fails(&["experiment", s(&other), "-o", s(&a), "--resume"]);
    assert!(
        err.contains("another experiment (other data or settings)"),
        "{err}"
    );
    // The folder is the configuration's, as parsed: a comment added resumes it.
    let commented = write(
        dir.path(),
        "commented.toml",
        &format!("# the same grid, annotated\n{GRID}"),
    );
    ok(&["experiment", s(&commented), "-o", s(&a), "--resume"]);
}

#[test]
fn killed_run_resumes_to_identical_results() {
    let dir = tempdir();
    let config = write(dir.path(), "grid.toml", GRID);
    let whole = dir.path().join("whole");
    ok(&["experiment", s(&config), "-o", s(&whole)]);
    let total = cells_done(&whole);

    let killed: PathBuf = dir.path().join("killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_deanon"))
        .args(["experiment", s(&config), "-o", s(&killed), "--quiet"])
        .spawn()
        .unwrap();
    let start = Instant::now();
    while cells_done(&killed) < 3 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let done = cells_done(&killed);
    assert!(
        done >= 3 && done < total,
        "killed after {done} of {total} cells: the kill must land mid-run"
    );
    assert!(!killed.join("results.csv").exists());

    let out = deanon(&["experiment", s(&config), "-o", s(&killed), "--resume"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outputs(&killed), outputs(&whole));
    let provenance: serde_json::Value = read_json(&killed.join("provenance.json"));
    assert_eq!(
        provenance["cells_computed_this_run"].as_u64().unwrap() as usize,
        total - done
    );
}

#[test]
fn shipped_smoke_config_runs() {
    let dir = tempdir();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("experiments/smoke.toml");
    let out = dir.path().join("smoke");
    ok(&["experiment", s(&config), "-o", s(&out)]);
    assert!(out.join("sparsity.png").exists());
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("reidentification.png"));
}

#[test]
fn unicity_in_a_config_equals_the_unicity_command() {
    let dir = tempdir();
    let data = dir.path().join("d.deanon");
    ok(&[
        "generate",
        "--preset",
        "netflix-like",
        "--users",
        "2000",
        "--seed",
        "3",
        "-o",
        s(&data),
    ]);
    let config = write(
        dir.path(),
        "u.toml",
        &format!(
            "seed = 11\n[data]\npath = \"{}\"\n[aux]\nitems = [2]\ntargets = 50\n\
             [unicity]\npoints = [1, 3]\nknowledge = [\"items+days\"]\ndate_tol = 2\nsample = 400\n",
            s(&data)
        ),
    );
    let out = dir.path().join("out");
    ok(&["experiment", s(&config), "-o", s(&out)]);
    let direct = dir.path().join("u.csv");
    ok(&[
        "unicity",
        s(&data),
        "--points",
        "1,3",
        "--knowledge",
        "items+days",
        "--date-tol",
        "2",
        "--sample",
        "400",
        "--seed",
        "11",
        "-o",
        s(&direct),
    ]);
    assert_eq!(
        std::fs::read_to_string(out.join("unicity.csv")).unwrap(),
        std::fs::read_to_string(&direct).unwrap()
    );
    let results = read_json(&out.join("results.json"));
    assert_eq!(results["unicity"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_configs_are_clear_errors() {
    let dir = tempdir();
    let cases = [
        ("seed = 1\n", "data"),
        (
            "[data]\npath = \"x.deanon\"\ngenerate = { preset = \"netflix-like\" }\n",
            "exactly one",
        ),
        (
            "[data]\ngenerate = { preset = \"netflix-like\", users = 100 }\n[[policy]]\nname = \"x\"\nspec = \"blur\"\n",
            "unknown release step",
        ),
        (
            "[data]\ngenerate = { preset = \"netflix-like\" }\n[aux]\nitemz = [2]\n",
            "bad.toml:4:",
        ),
        // Parameters are checked when the file is read, and the error names the file, the
        // line, the table and the parameter.
        (
            "[data]\ngenerate = { preset = \"netflix-like\", users = 100 }\n[attack]\nphi = [1.5]\nrho0 = [1.5, -1]\n",
            "bad.toml:5: [attack] rho0 must be a positive number, got -1",
        ),
        (
            "[data]\ngenerate = { preset = \"netflix-like\", users = 100 }\n[attack]\nalgorithm = [\"scoreboard-rh-norm\"]\nlength_norm = [2]\n",
            "bad.toml:5: [attack] length_norm must be in [0, 1], got 2",
        ),
        (
            "[data]\ngenerate = { preset = \"netflix-like\", users = 100 }\n[attack]\nalgorithm = [\"likelihood\"]\nwrong_rate = [0.1, 1]\n",
            "bad.toml:5: [attack] wrong_rate must be in [0, 1), got 1",
        ),
        (
            "[data]\ngenerate = { preset = \"netflix-like\", users = 100 }\n[attack]\nalgorithm = [\"likelihood\"]\nthreshold = [0]\n",
            "bad.toml:5: [attack] threshold must be in (0, 1], got 0",
        ),
        (
            "[data]\ngenerate = { preset = \"netflix-like\", users = 100 }\n[attack]\nalgorithm = [\"blur\"]\n",
            "unknown algorithm 'blur'",
        ),
        // Every axis is checked, read by an algorithm of the grid or not.
        (
            "[data]\ngenerate = { preset = \"netflix-like\", users = 100 }\n[attack]\ndate_tol = [14, 2.5]\n",
            "bad.toml:4: [attack] date_tol must be a whole number from 0 to 4294967295, got 2.5",
        ),
        (
            "[data]\ngenerate = { preset = \"netflix-like\", users = 100 }\n[attack]\nphi = [1]\nrho = [1]\n",
            "bad.toml:5: [attack] unknown field `rho`, expected one of `algorithm`, `bootstrap`, `search`, `phi`, `rho0`",
        ),
        (
            "[data]\ngenerate = { preset = \"netflix-like\", users = 100 }\n[aux]\nsettings = [{ items = 2, wrong = 3 }]\n",
            "bad.toml:4: [aux] wrong must be at most items (2), got 3",
        ),
    ];
    for (text, words) in cases {
        let config = write(dir.path(), "bad.toml", text);
        let err = fails(&["experiment", s(&config), "-o", s(&dir.path().join("out"))]);
        assert!(err.contains(words), "{text:?}: {err}");
    }
}

/// `[attack] search = true`: each cell's adversary knows the cell's policy and picks its attack;
/// results.csv shows the attack chosen. The same bytes for any thread count.
#[test]
fn a_searching_experiment_reports_the_strongest_attack_per_cell() {
    let dir = tempdir();
    let config = write(
        dir.path(),
        "search.toml",
        r#"
seed = 3
[data]
generate = { preset = "netflix-like", users = 4000, seed = 4 }
[[policy]]
name = "none"
spec = "pseudonymize"
[[policy]]
name = "coarse+noise"
spec = "date-coarsen:to=year|rating-noise:scale=1"
[aux]
settings = [{ items = 8, wrong = 2 }]
date_error = [14]
targets = 200
[attack]
search = true
bootstrap = 50
"#,
    );
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    ok(&["experiment", s(&config), "-o", s(&one), "--threads", "1"]);
    ok(&["experiment", s(&config), "-o", s(&two), "--threads", "2"]);
    assert_eq!(outputs(&one), outputs(&two));
    let csv = std::fs::read_to_string(one.join("results.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&header[header.len() - 2..], ["informed", "searched"]);
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2);
    // Against the coarsened release the chosen attack maps its dates.
    let coarse = rows.iter().find(|r| r.contains(&"coarse+noise")).unwrap();
    assert_eq!(coarse[col("informed")], "true", "{coarse:?}");
    assert!(coarse[col("searched")].parse::<usize>().unwrap() >= 5);
    let recall: f64 = coarse[col("recall")].parse().unwrap();
    assert!(
        recall > 0.05,
        "the informed adversary names people: {recall}"
    );
    // The axes the search chooses cannot be given as well.
    let bad = write(
        dir.path(),
        "bad.toml",
        "[data]\ngenerate = { preset = \"netflix-like\", users = 500 }\n[attack]\nsearch = true\nrho0 = [2.0]\n",
    );
    let err = fails(&["experiment", s(&bad), "-o", s(&dir.path().join("x"))]);
    assert!(
        err.contains("bad.toml:5") && err.contains("leave rho0 out"),
        "{err}"
    );
}

/// Every parameter of every algorithm can be an axis, and an axis multiplies only the cells of
/// the algorithms that read it: Scoreboard's cells are not repeated for rho0 and phi, and its
/// tolerances are axes of its own.
#[test]
fn an_axis_multiplies_only_the_algorithms_that_read_it() {
    let dir = tempdir();
    let config = write(
        dir.path(),
        "axes.toml",
        r#"
seed = 3
[data]
generate = { preset = "netflix-like", users = 3000, seed = 2 }
[aux]
settings = [{ items = 4, wrong = 0 }]
date_error = [14]
targets = 150
[attack]
algorithm = ["scoreboard-rh", "scoreboard"]
phi = [1, 2]
rho0 = [1.5, 3]
rating_tol = [0, 1]
date_tol = [3, 30]
bootstrap = 20
"#,
    );
    let out = dir.path().join("out");
    ok(&["experiment", s(&config), "-o", s(&out)]);
    let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    assert_eq!(
        &header[col("algorithm")..col("repetition")],
        ["algorithm", "phi", "rho0", "d0", "rating_tol", "date_tol"]
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let of = |algorithm: &str| -> Vec<&Vec<&str>> {
        rows.iter()
            .filter(|r| r[col("algorithm")] == algorithm)
            .collect()
    };
    let (rh, sb) = (of("scoreboard-rh"), of("scoreboard"));
    assert_eq!(rh.len(), 4, "phi x rho0");
    assert!(
        rh.iter()
            .all(|r| r[col("rating_tol")].is_empty() && r[col("date_tol")].is_empty())
    );
    assert_eq!(sb.len(), 4, "rating_tol x date_tol, not phi or rho0");
    let tolerances: Vec<(&str, &str)> = sb
        .iter()
        .map(|r| (r[col("rating_tol")], r[col("date_tol")]))
        .collect();
    assert_eq!(
        tolerances,
        [("0", "3"), ("0", "30"), ("1", "3"), ("1", "30")]
    );
    // Scoreboard's cells show the first phi and rho0, which it does not read.
    assert!(
        sb.iter()
            .all(|r| r[col("phi")] == "1" && r[col("rho0")] == "1.5")
    );
    // The tolerances change what Scoreboard finds: dates off by up to 14 days rarely match
    // within 3.
    let matched = |r: &Vec<&str>| r[col("matched_rate")].parse::<f64>().unwrap();
    assert!(matched(sb[1]) > matched(sb[0]), "{sb:?}");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("scoreboard (rating tolerance = 1, date tolerance = 30)"),
        "{report}"
    );
}

/// An axis that no algorithm of the grid reads adds no cells, and the command says so.
#[test]
fn an_axis_no_algorithm_reads_is_a_warning() {
    let dir = tempdir();
    let config = write(
        dir.path(),
        "unread.toml",
        "seed = 1\n[data]\ngenerate = { preset = \"netflix-like\", users = 500 }\n[aux]\ntargets = 20\n[attack]\nalgorithm = [\"scoreboard-rh\"]\nlength_norm = [0.25, 0.5]\nbootstrap = 10\n",
    );
    let out = dir.path().join("out");
    let run = deanon(&["experiment", s(&config), "-o", s(&out)]);
    assert!(run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(
            "unread.toml:8: [attack] length_norm: no algorithm of the grid reads it (read by scoreboard-rh-norm); it adds no cells"
        ),
        "{stderr}"
    );
    let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
    assert_eq!(csv.lines().count(), 2, "one cell: {csv}");
}
