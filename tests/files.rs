//! The rules every command holds its files to (docs/formats.md, "Files"): an output never
//! replaces an input, files that name people are 0600 whatever the umask and others honour it,
//! special outputs are written through or in place, run folders are read only when their
//! state says so, and inputs that must belong together are checked by their fingerprints.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fails, ok, s, tempdir, write};

/// What a file holds, to see that a refused command left it alone.
fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A twin with attributes, its release (with 40 people held out) and key, and aux of members
/// and non-members: the inputs of every command.
struct Inputs {
    dir: tempfile::TempDir,
    data: PathBuf,
    release: PathBuf,
    key: PathBuf,
    aux: PathBuf,
}

fn inputs() -> Inputs {
    let dir = tempdir();
    let data = common::generated_as(dir.path(), "netflix-like", 300, 1, true);
    let (release, key) = common::release_as(
        dir.path(),
        "rel",
        &data,
        "date-drop",
        1,
        &["--hold-out", "40"],
    );
    let aux = dir.path().join("aux.csv");
    ok(&[
        "aux",
        s(&data),
        "--key",
        s(&key),
        "--non-members",
        "40",
        "--items",
        "4",
        "-o",
        s(&aux),
    ]);
    Inputs {
        dir,
        data,
        release,
        key,
        aux,
    }
}

/// Regression: each of these overwrote one of its own inputs and exited 0.
#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let t = inputs();
    let d = t.dir.path();
    let (data, release, key, aux) = (s(&t.data), s(&t.release), s(&t.key), s(&t.aux));
    let csv = write(
        d,
        "r.csv",
        "user,item,rating,date\n1,1,5,\n1,2,4,\n2,1,3,\n",
    );
    let people = write(d, "p.csv", "user,age\n1,30\n2,40\n");
    let out = d.join("x.json");
    let cases: Vec<(Vec<&str>, &Path)> = vec![
        (
            vec![
                "release",
                data,
                "--policy",
                "date-drop",
                "-o",
                data,
                "--key",
                "k2.csv",
            ],
            &t.data,
        ),
        (
            vec![
                "release",
                data,
                "--policy",
                "date-drop",
                "-o",
                "r2.deanon",
                "--key",
                data,
            ],
            &t.data,
        ),
        (vec!["aux", data, "--key", key, "-o", key], &t.key),
        (
            vec!["attack", release, "--aux", aux, "--key", key, "-o", key],
            &t.key,
        ),
        (
            vec![
                "infer",
                release,
                "--aux",
                aux,
                "--key",
                key,
                "--original",
                data,
                "--sensitive-attribute",
                "gender",
                "-o",
                key,
            ],
            &t.key,
        ),
        (
            vec!["import", s(&csv), "--format", "csv", "-o", s(&csv)],
            &csv,
        ),
        (
            vec![
                "import",
                s(&csv),
                "--format",
                "csv",
                "--people",
                s(&people),
                "-o",
                s(&people),
            ],
            &people,
        ),
        (vec!["export", data, "-o", data], &t.data),
        (vec!["unicity", data, "-o", data], &t.data),
        (
            vec!["cohort", data, "--item", "1", "--times", "1", "-o", data],
            &t.data,
        ),
    ];
    for (args, input) in cases {
        let before = bytes(input);
        let mut args = args;
        // Relative names land in the test's folder.
        let owned: Vec<String> = args
            .iter()
            .map(|a| {
                if (a.ends_with(".csv") || a.ends_with(".deanon")) && !a.contains('/') {
                    s(&d.join(a)).to_string()
                } else {
                    a.to_string()
                }
            })
            .collect();
        args = owned.iter().map(String::as_str).collect();
        let err = fails(&args);
        assert!(err.contains("never replaces an input"), "{args:?}: {err}");
        assert_eq!(bytes(input), before, "{args:?} changed its input");
    }
    // Two outputs that are one file.
    let err = fails(&[
        "infer",
        release,
        "--aux",
        aux,
        "--key",
        key,
        "--original",
        data,
        "--sensitive-attribute",
        "gender",
        "-o",
        s(&out),
        "--per-person",
        s(&out),
    ]);
    assert!(err.contains("the output -o"), "{err}");
    assert!(!out.exists());
}

/// Runs `deanon args` under `umask`, asserting success.
fn ok_under_umask(umask: &str, args: &[&str]) {
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" --quiet \"$@\""))
        .arg(env!("CARGO_BIN_EXE_deanon"))
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "{args:?} under umask {umask}");
}

/// Regression: every output was 0644 under umask 077, and aux files, MATCHES.csv, `export
/// --people` and stores with a people table (all of which name people) were 0644.
#[test]
fn files_that_name_people_are_0600_and_the_rest_honour_the_umask() {
    let t = inputs();
    let d = t.dir.path();
    for (umask, open) in [("022", 0o644), ("077", 0o600), ("002", 0o664)] {
        let p = |name: &str| d.join(format!("{umask}-{name}"));
        let (aux, matches, summary) = (p("aux.csv"), p("m.csv"), p("s.json"));
        let (export, people, store) = (p("e.csv"), p("people.csv"), p("store.deanon"));
        let (bare, bare_key, utility) = (p("bare.deanon"), p("bare.key.csv"), p("u.json"));
        ok_under_umask(
            umask,
            &["aux", s(&t.data), "--key", s(&t.key), "-o", s(&aux)],
        );
        ok_under_umask(
            umask,
            &[
                "attack",
                s(&t.release),
                "--aux",
                s(&aux),
                "--key",
                s(&t.key),
                "-o",
                s(&matches),
                "--summary",
                s(&summary),
            ],
        );
        ok_under_umask(
            umask,
            &[
                "export",
                s(&t.release),
                "-o",
                s(&export),
                "--people",
                s(&people),
            ],
        );
        ok_under_umask(
            umask,
            &[
                "generate",
                "--preset",
                "netflix-like",
                "--users",
                "50",
                "-o",
                s(&store),
            ],
        );
        ok_under_umask(
            umask,
            &[
                "release",
                s(&t.data),
                "--policy",
                "attr-drop:name=age|attr-drop:name=gender|attr-drop:name=region",
                "-o",
                s(&bare),
                "--key",
                s(&bare_key),
                "--utility",
                s(&utility),
            ],
        );
        for naming in [&aux, &matches, &people, &store, &export, &bare_key] {
            assert_eq!(mode(naming), 0o600, "{naming:?} under umask {umask}");
        }
        for aggregate in [&summary, &bare, &utility] {
            assert_eq!(mode(aggregate), open, "{aggregate:?} under umask {umask}");
        }
    }
}

/// Regression: `-o /dev/stdout` with stdout redirected to a file renamed a temporary file over
/// /dev/stdout, and a symbolic link given as `-o` was replaced by a regular file.
#[test]
fn special_outputs_are_written_through_not_replaced() {
    let t = inputs();
    let d = t.dir.path();
    let redirected = d.join("stdout.csv");
    let status = Command::new(env!("CARGO_BIN_EXE_deanon"))
        .args(["--quiet", "export", s(&t.release), "-o", "/dev/stdout"])
        .stdout(std::fs::File::create(&redirected).unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&redirected).unwrap();
    assert!(text.starts_with("user,item,rating,date\n"), "{text:.60}");
    assert!(
        std::fs::symlink_metadata("/dev/stdout")
            .unwrap()
            .file_type()
            .is_symlink()
    );

    let link = d.join("link.csv");
    std::os::unix::fs::symlink("target.csv", &link).unwrap();
    ok(&["export", s(&t.release), "-o", s(&link)]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(d.join("target.csv")).unwrap(), text);

    let dangling = d.join("dangling.csv");
    std::os::unix::fs::symlink("/nonexistent-folder/x.csv", &dangling).unwrap();
    let err = fails(&["export", s(&t.release), "-o", s(&dangling)]);
    assert!(err.contains("missing folder"), "{err}");
}

/// Regression: a FIFO given as a store hung; a folder said "No such device".
#[test]
fn a_fifo_or_a_folder_given_as_a_store_is_a_clear_error() {
    let dir = tempdir();
    let fifo = dir.path().join("fifo.deanon");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let err = fails(&["info", s(&fifo)]);
    assert!(err.contains("not a regular file"), "{err}");
    let err = fails(&["info", s(dir.path())]);
    assert!(err.contains("is a folder"), "{err}");
}

/// Regression: `infer` reported figures for a key of another release, an original of other
/// data (risk -0.54), and the original given as the release; a key longer than the release was
/// blamed on the aux.
#[test]
fn inputs_that_do_not_belong_together_are_refused_naming_both() {
    let t = inputs();
    let d = t.dir.path();
    let (other_release, other_key) =
        common::release_as(d, "other", &t.data, "date-drop", 2, &["--hold-out", "40"]);
    let other_data = common::generated_as(d, "netflix-like", 300, 2, true);
    let infer = |release: &Path, key: &Path, original: &Path| {
        fails(&[
            "infer",
            s(release),
            "--aux",
            s(&t.aux),
            "--key",
            s(key),
            "--original",
            s(original),
            "--sensitive-attribute",
            "gender",
            "-o",
            s(&d.join("i.json")),
        ])
    };
    let err = infer(&t.release, &other_key, &t.data);
    assert!(
        err.contains("other.key.csv")
            && err.contains("rel.deanon")
            && err.contains("another release"),
        "{err}"
    );
    let err = infer(&t.release, &t.key, &other_data);
    assert!(
        err.contains("other data") && err.contains("rel.deanon"),
        "{err}"
    );
    let err = infer(&t.data, &t.key, &t.data);
    assert!(err.contains("is not a release"), "{err}");
    let err = infer(&other_release, &t.key, &t.data);
    assert!(err.contains("not the key of"), "{err}");
    assert!(!d.join("i.json").exists());

    // A key written before keys recorded fingerprints, one line longer than its release.
    let text = std::fs::read_to_string(&t.key).unwrap();
    let mut old: String = text
        .lines()
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(",") + "\n")
        .collect();
    old.push_str("zz-not-released,99999\n");
    let old_key = write(d, "old.key.csv", &old);
    let err = infer(&t.release, &old_key, &t.data);
    assert!(err.contains("lists 261 released records"), "{err}");
    // The same key without the extra line still works.
    let fitting = write(
        d,
        "fit.key.csv",
        old.trim_end().rsplit_once('\n').unwrap().0,
    );
    ok(&[
        "infer",
        s(&t.release),
        "--aux",
        s(&t.aux),
        "--key",
        s(&fitting),
        "--original",
        s(&t.data),
        "--sensitive-attribute",
        "gender",
        "-o",
        s(&d.join("i.json")),
    ]);

    // aux: a key of a release of other data.
    let (_, foreign_key) = common::release_as(d, "foreign", &other_data, "date-drop", 1, &[]);
    let err = fails(&[
        "aux",
        s(&t.data),
        "--key",
        s(&foreign_key),
        "-o",
        s(&d.join("a.csv")),
    ]);
    assert!(err.contains("other data"), "{err}");
}

/// Regression: a `parts/` folder copied from another audit was read without `--resume` when
/// state.json was missing: a panic (exit 101) or policies nobody asked for.
#[test]
fn a_stale_parts_folder_is_refused_and_a_failed_audit_leaves_no_state() {
    let dir = tempdir();
    let d = dir.path();
    let data = common::generated(d, "netflix-like", 150, 1);
    let first = d.join("first");
    ok(&[
        "audit",
        s(&data),
        "--policy",
        "date-drop",
        "--sample",
        "40",
        "--draws",
        "1",
        "--curve",
        "8",
        "--tuning",
        "30",
        "-o",
        s(&first),
    ]);
    let stale = d.join("stale");
    std::fs::create_dir_all(stale.join("parts")).unwrap();
    std::fs::copy(
        first.join("parts/policy-001.json"),
        stale.join("parts/policy-001.json"),
    )
    .unwrap();
    for resume in [false, true] {
        let mut args = vec![
            "audit",
            s(&data),
            "--policy",
            "rating-drop",
            "--sample",
            "40",
            "-o",
            s(&stale),
        ];
        if resume {
            args.push("--resume");
        }
        let err = fails(&args);
        assert!(err.contains("no state.json"), "{err}");
        assert!(!stale.join("audit.json").exists());
    }

    // An audit that fails before it finishes a policy leaves its folder as it found it, so that
    // the same command, corrected, runs without --resume.
    let failing = d.join("failing");
    let err = fails(&[
        "audit",
        s(&data),
        "--policy",
        "sample:fraction=0.001",
        "--sample",
        "40",
        "-o",
        s(&failing),
    ]);
    assert!(!failing.join("state.json").exists(), "{err}");
}
