//! The fuzzing pass over every command's inputs (run by CI with the other tests): each input
//! file a command reads, and its numeric flags, are mutated by a seeded generator (cut short,
//! lines dropped or repeated, fields replaced by hostile values, bytes flipped, a byte-order
//! mark, CRLF line ends), and the command is run on the result. Whatever the input:
//! - no panic (exit 101), no signal, no hang (each run is killed after 60 s, a failure);
//! - an error is exit 1 with one line `deanon: error: ...` (2 for a command line clap refuses);
//! - exit 0 only with a right result where the right result is known: a damaged store that
//!   opens holds exactly the original's data (the damage hit padding), a damaged key that is
//!   accepted still maps every released record to the right person.
//!
//! The seed is fixed, so a failure reproduces; DEANON_FUZZ_ROUNDS raises the rounds per input
//! (default 24) for a longer local run.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{ok, s, tempdir};

/// A small seeded generator (SplitMix64): the pass must reproduce exactly.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Values that have broken parsers before, or could.
const HOSTILE: [&str; 22] = [
    "",
    "NaN",
    "nan",
    "inf",
    "-1",
    "0",
    "1e309",
    "-0",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "\u{feff}7",
    "😀",
    "\"",
    "\"a,b\"",
    "1.5.5",
    "2023-13-45",
    "2023-01-02T10:11:12",
    "30-20",
    " ",
    "x\ty",
];

/// One mutation of a text file.
fn mutate_text(text: &str, g: &mut Gen) -> String {
    let lines: Vec<&str> = text.lines().collect();
    match g.below(8) {
        0 => {
            // Cut at a byte (on a character boundary).
            let mut cut = g.below(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        }
        1 => {
            let k = g.below(lines.len());
            join(
                lines
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != k)
                    .map(|p| *p.1),
            )
        }
        2 => {
            let k = g.below(lines.len());
            let mut out: Vec<&str> = lines.clone();
            out.insert(k, lines[k]);
            join(out.into_iter())
        }
        3 | 4 => {
            // One field of one line replaced by a hostile value.
            let k = g.below(lines.len());
            let mut fields: Vec<String> = lines[k].split(',').map(str::to_string).collect();
            let f = g.below(fields.len());
            fields[f] = HOSTILE[g.below(HOSTILE.len())].to_string();
            let line = fields.join(",");
            join(
                lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| if i == k { line.as_str() } else { l }),
            )
        }
        5 => format!("\u{feff}{text}"),
        6 => text.replace('\n', "\r\n"),
        _ => {
            // A line of its own made of hostile values.
            let k = g.below(lines.len() + 1);
            let width = lines.first().map_or(1, |l| l.split(',').count());
            let junk: Vec<&str> = (0..width)
                .map(|_| HOSTILE[g.below(HOSTILE.len())])
                .collect();
            let junk = junk.join(",");
            let mut out: Vec<&str> = lines.clone();
            out.insert(k, &junk);
            join(out.into_iter())
        }
    }
}

fn join<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// One mutation of a binary file.
fn mutate_bytes(bytes: &[u8], g: &mut Gen) -> Vec<u8> {
    let mut out = bytes.to_vec();
    match g.below(4) {
        0 => out.truncate(g.below(bytes.len())),
        1 => {
            let at = g.below(out.len());
            out[at] ^= 1 << g.below(8);
        }
        2 => {
            let at = g.below(out.len());
            let end = (at + 1 + g.below(64)).min(out.len());
            out[at..end].fill(0);
        }
        _ => out.extend((0..1 + g.below(100)).map(|_| g.next() as u8)),
    }
    out
}

/// How one run ended.
struct Ran {
    code: Option<i32>,
    stderr: String,
}

/// Runs `deanon args` (quiet), killing it after 60 s (a hang is a failure).
fn run(dir: &Path, args: &[&str]) -> Ran {
    let err_path = dir.join("stderr.txt");
    let mut child = Command::new(env!("CARGO_BIN_EXE_deanon"))
        .args(args)
        .arg("--quiet")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("deanon {args:?} hangs (killed after 60 s)");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ran {
        code: status.code(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    }
}

/// The rules every run keeps, whatever its input; true when it succeeded.
fn check(ran: &Ran, args: &[&str], what: &str) -> bool {
    let context = format!("deanon {args:?} on {what}");
    assert!(
        !ran.stderr.contains("panicked"),
        "{context} panicked: {}",
        ran.stderr
    );
    match ran.code {
        Some(0) => true,
        Some(1) => {
            let lines: Vec<&str> = ran.stderr.trim_end().lines().collect();
            assert_eq!(
                lines.len(),
                1,
                "{context}: one-line error expected: {}",
                ran.stderr
            );
            assert!(
                lines[0].starts_with("deanon: error: "),
                "{context}: {}",
                ran.stderr
            );
            false
        }
        Some(2) => false,
        other => panic!("{context} ended with {other:?}: {}", ran.stderr),
    }
}

fn rounds() -> usize {
    std::env::var("DEANON_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24)
}

/// The inputs of every command, made from a small twin with attributes.
struct Base {
    dir: tempfile::TempDir,
    data: PathBuf,
    release: PathBuf,
    key: PathBuf,
    aux: PathBuf,
    ratings: PathBuf,
    people: PathBuf,
    export: String,
}

fn base() -> Base {
    let dir = tempdir();
    let d = dir.path();
    let data = common::generated_as(d, "netflix-like", 120, 3, true);
    let (release, key) = common::release_as(d, "rel", &data, "date-drop", 3, &["--hold-out", "20"]);
    let aux = d.join("aux.csv");
    ok(&[
        "aux",
        s(&data),
        "--key",
        s(&key),
        "--non-members",
        "20",
        "--items",
        "4",
        "--targets",
        "30",
        "-o",
        s(&aux),
    ]);
    let (ratings, people) = (d.join("ratings.csv"), d.join("people.csv"));
    ok(&[
        "export",
        s(&data),
        "-o",
        s(&ratings),
        "--people",
        s(&people),
    ]);
    let export = std::fs::read_to_string(&ratings).unwrap();
    Base {
        dir,
        data,
        release,
        key,
        aux,
        ratings,
        people,
        export,
    }
}

/// Runs `command` (with `{}` where the mutated file goes) on `rounds` mutations of `input`.
fn fuzz_text(
    base: &Base,
    input: &Path,
    command: &[&str],
    seed: u64,
    mut accepted: impl FnMut(&Path),
) {
    let mut g = Gen(seed);
    let text = std::fs::read_to_string(input).unwrap();
    let name = input.file_name().unwrap().to_str().unwrap();
    let mutated = base.dir.path().join(format!("fuzz-{name}"));
    let mut refused = 0;
    for round in 0..rounds() {
        std::fs::write(&mutated, mutate_text(&text, &mut g)).unwrap();
        let args: Vec<&str> = command
            .iter()
            .map(|a| if *a == "{}" { s(&mutated) } else { a })
            .collect();
        if check(
            &run(base.dir.path(), &args),
            &args,
            &format!("{name} round {round}"),
        ) {
            accepted(&mutated);
        } else {
            refused += 1;
        }
    }
    eprintln!(
        "{} on mutated {name}: {refused} of {} refused",
        command[0],
        rounds()
    );
    // The pass is not vacuous: some mutations break the input.
    assert!(
        refused > 0,
        "no mutation of {name} was refused by {}",
        command[0]
    );
}

#[test]
fn damaged_stores_are_refused_or_hold_the_original_data() {
    let b = base();
    let d = b.dir.path();
    let bytes = std::fs::read(&b.data).unwrap();
    let mut g = Gen(11);
    let damaged = d.join("damaged.deanon");
    let out = d.join("damaged.csv");
    for round in 0..4 * rounds() {
        std::fs::write(&damaged, mutate_bytes(&bytes, &mut g)).unwrap();
        let args = ["export", s(&damaged), "-o", s(&out)];
        if check(
            &run(d, &args),
            &args,
            &format!("a damaged store, round {round}"),
        ) {
            assert_eq!(
                std::fs::read_to_string(&out).unwrap(),
                b.export,
                "round {round}: a damaged store opened with other data"
            );
        }
        let args = ["info", s(&damaged)];
        check(
            &run(d, &args),
            &args,
            &format!("a damaged store, round {round}"),
        );
    }
}

#[test]
fn mutated_ratings_and_people_files_import_or_fail_cleanly() {
    let b = base();
    let out = b.dir.path().join("imported.deanon");
    let (ratings, people, o) = (s(&b.ratings), s(&b.people), s(&out));
    fuzz_text(
        &b,
        &b.ratings,
        &["import", "{}", "--format", "csv", "-o", o],
        21,
        |_| {
            ok(&["info", o]);
        },
    );
    fuzz_text(
        &b,
        &b.people,
        &[
            "import", ratings, "--format", "csv", "--people", "{}", "-o", o,
        ],
        22,
        |_| {
            ok(&["info", o]);
        },
    );
    let _ = people;
}

#[test]
fn mutated_keys_are_refused_or_still_right() {
    let b = base();
    let d = b.dir.path();
    let truth: std::collections::BTreeSet<String> = std::fs::read_to_string(&b.key)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(","))
        .collect();
    let out = d.join("fuzz.json");
    let (release, aux, data, o) = (s(&b.release), s(&b.aux), s(&b.data), s(&out));
    let infer = [
        "infer",
        release,
        "--aux",
        aux,
        "--key",
        "{}",
        "--original",
        data,
        "--sensitive-attribute",
        "gender",
        "-o",
        o,
    ];
    fuzz_text(&b, &b.key, &infer, 31, |key| {
        let pairs: std::collections::BTreeSet<String> = std::fs::read_to_string(key)
            .unwrap()
            .trim_start_matches('\u{feff}')
            .lines()
            .skip(1)
            .map(|l| {
                l.split(',')
                    .take(2)
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        assert_eq!(pairs, truth, "a key that maps someone wrongly was accepted");
    });
    let attack = ["attack", release, "--aux", aux, "--key", "{}", "-o", o];
    fuzz_text(&b, &b.key, &attack, 32, |_| {});
    let sample = ["aux", data, "--key", "{}", "-o", o];
    fuzz_text(&b, &b.key, &sample, 33, |_| {});
}

#[test]
fn mutated_aux_and_item_files_attack_or_fail_cleanly() {
    let b = base();
    let d = b.dir.path();
    let out = d.join("fuzz-out.csv");
    let (release, key, data, o) = (s(&b.release), s(&b.key), s(&b.data), s(&out));
    fuzz_text(
        &b,
        &b.aux,
        &["attack", release, "--aux", "{}", "--key", key, "-o", o],
        41,
        |_| {},
    );
    let json = d.join("fuzz-i.json");
    fuzz_text(
        &b,
        &b.aux,
        &[
            "infer",
            release,
            "--aux",
            "{}",
            "--key",
            key,
            "--original",
            data,
            "--sensitive-attribute",
            "gender",
            "-o",
            s(&json),
        ],
        42,
        |_| {},
    );
    let items = common::write(d, "items.txt", "# sensitive\n1\n2\n3\n");
    fuzz_text(
        &b,
        &items,
        &[
            "infer",
            release,
            "--aux",
            s(&b.aux),
            "--key",
            key,
            "--original",
            data,
            "--sensitive-items",
            "{}",
            "-o",
            s(&json),
        ],
        43,
        |_| {},
    );
    let map = common::write(d, "map.csv", "aux_item,release_item\n1,1\n2,2\n3,3\n");
    fuzz_text(
        &b,
        &map,
        &[
            "attack",
            release,
            "--aux",
            s(&b.aux),
            "--key",
            key,
            "--item-map",
            "{}",
            "-o",
            o,
        ],
        44,
        |_| {},
    );
}

#[test]
fn mutated_policies_and_configurations_run_or_fail_cleanly() {
    let b = base();
    let d = b.dir.path();
    let data = s(&b.data);
    let (out, key) = (d.join("fuzz-r.deanon"), d.join("fuzz-r.key.csv"));
    let policy = common::write(
        d,
        "policy.toml",
        "[[step]]\nname = \"k-anonymity\"\nk = 3\nattributes = \"age+gender\"\n\n[[step]]\nname = \"rating-noise\"\nscale = 1\n",
    );
    fuzz_text(
        &b,
        &policy,
        &[
            "release",
            data,
            "--policy",
            "{}",
            "-o",
            s(&out),
            "--key",
            s(&key),
        ],
        51,
        |_| {},
    );
    // Policies given on the command line: a spec with one argument replaced.
    let mut g = Gen(52);
    let specs = [
        "date-coarsen:to=month|rating-noise:scale=1",
        "k-anonymity:k=3,attributes=age+gender",
        "attr-generalize:name=age,width=10",
        "truncate:max_per_record=5|sample:fraction=0.5",
        "dp:epsilon=1,max_per_record=5",
    ];
    for round in 0..2 * rounds() {
        let spec = specs[g.below(specs.len())];
        let value = HOSTILE[g.below(HOSTILE.len())];
        let spec = match spec.rfind('=') {
            Some(at) => format!("{}{value}", &spec[..=at]),
            None => spec.to_string(),
        };
        let args = [
            "release",
            data,
            "--policy",
            &spec,
            "-o",
            s(&out),
            "--key",
            s(&key),
        ];
        check(&run(d, &args), &args, &format!("policy round {round}"));
    }
    let adversaries = common::write(
        d,
        "adversaries.toml",
        "[[adversary]]\nname = \"two\"\nfacts = 2\nwrong = 0\ndate_error = 3\n",
    );
    let audit_dir = d.join("fuzz-audit");
    fuzz_text(
        &b,
        &adversaries,
        &[
            "audit",
            data,
            "--adversaries",
            "{}",
            "--policy",
            "date-drop",
            "--sample",
            "20",
            "--draws",
            "1",
            "--curve",
            "2",
            "--assume-facts",
            "2",
            "--tuning",
            "20",
            "-o",
            s(&audit_dir),
        ],
        53,
        |_| {
            let _ = std::fs::remove_dir_all(&audit_dir);
        },
    );
    let _ = std::fs::remove_dir_all(&audit_dir);
    let config = common::write(
        d,
        "experiment.toml",
        &format!(
            "name = \"fuzz\"\nseed = 1\n\n[data]\npath = \"{}\"\n\n[[policy]]\nname = \"p\"\nspec = \"date-drop\"\n\n[aux]\nsettings = [{{ items = 2, wrong = 0 }}]\ndate_error = [3]\ntargets = 20\n\n[attack]\nalgorithm = [\"scoreboard-rh\"]\n",
            data
        ),
    );
    let experiment_dir = d.join("fuzz-experiment");
    fuzz_text(
        &b,
        &config,
        &["experiment", "{}", "-o", s(&experiment_dir)],
        54,
        |_| {
            let _ = std::fs::remove_dir_all(&experiment_dir);
        },
    );
}

#[test]
fn hostile_numeric_flags_are_refused_or_used_cleanly() {
    let b = base();
    let d = b.dir.path();
    let (data, release, key, aux) = (s(&b.data), s(&b.release), s(&b.key), s(&b.aux));
    let out = d.join("fuzz-flag.out");
    let o = s(&out);
    let audit_dir = d.join("fuzz-flag-audit");
    let flag_key = d.join("f.key");
    let commands: Vec<(Vec<&str>, &str)> = vec![
        (vec!["aux", data, "--key", key, "-o", o], "--items"),
        (vec!["aux", data, "--key", key, "-o", o], "--date-error"),
        (vec!["aux", data, "--key", key, "-o", o], "--targets"),
        (
            vec!["aux", data, "--key", key, "-o", o],
            "--attribute-error",
        ),
        (
            vec!["attack", release, "--aux", aux, "--key", key, "-o", o],
            "--phi",
        ),
        (
            vec!["attack", release, "--aux", aux, "--key", key, "-o", o],
            "--rho0",
        ),
        (
            vec!["attack", release, "--aux", aux, "--key", key, "-o", o],
            "--d0",
        ),
        (
            vec!["generate", "--preset", "netflix-like", "-o", o],
            "--users",
        ),
        (vec!["sparsity", data, "-o", o], "--sample"),
        (vec!["unicity", data, "-o", o], "--points"),
        (
            vec![
                "release",
                data,
                "--policy",
                "date-drop",
                "--key",
                s(&flag_key),
                "-o",
                o,
            ],
            "--hold-out",
        ),
        (
            vec!["cohort", data, "--item", "1", "--times", "1", "-o", o],
            "--min-cell",
        ),
        (
            vec![
                "audit",
                data,
                "--policy",
                "date-drop",
                "--draws",
                "1",
                "--curve",
                "2",
                "--assume-facts",
                "2",
                "-o",
                s(&audit_dir),
            ],
            "--sample",
        ),
        (
            vec![
                "audit",
                data,
                "--policy",
                "date-drop",
                "--sample",
                "20",
                "--draws",
                "1",
                "-o",
                s(&audit_dir),
            ],
            "--curve",
        ),
    ];
    let values = [
        "-1",
        "0",
        "NaN",
        "inf",
        "1e309",
        "18446744073709551616",
        "",
        "age=4294967296",
        "age=-1",
        "1,1",
    ];
    for (command, flag) in &commands {
        // Without the flag the command runs: the values below are what it is refused for.
        let ran = run(d, command);
        assert!(check(&ran, command, "no hostile flag"), "{command:?}");
        let _ = std::fs::remove_dir_all(&audit_dir);
        for value in values {
            let mut args = command.clone();
            args.extend([*flag, value]);
            check(&run(d, &args), &args, &format!("{flag} {value}"));
            let _ = std::fs::remove_dir_all(&audit_dir);
        }
    }
}
