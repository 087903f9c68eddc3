//! Helpers shared by the end-to-end tests: run the real binary, make files, read its outputs,
//! fetch MovieLens 100k. Each test binary compiles this module and uses part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `deanon` with `args`.
pub fn deanon(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deanon"))
        .args(args)
        .arg("--quiet")
        .output()
        .expect("the deanon binary runs")
}

/// Runs `deanon` and asserts success; returns stdout.
pub fn ok(args: &[&str]) -> String {
    let out = deanon(args);
    assert!(
        out.status.success(),
        "deanon {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Runs `deanon`, asserts failure with one line on stderr; returns stderr.
pub fn fails(args: &[&str]) -> String {
    let out = deanon(args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !out.status.success(),
        "deanon {args:?} should fail; stderr: {stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "exit code for {args:?}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one-line error expected, got: {stderr}"
    );
    stderr
}

/// The settings of a quick audit (40 people, one draw, the curve at one entry, 20 tuning
/// people, no measured epsilon), for tests about something other than its figures.
pub const QUICK_AUDIT: [&str; 14] = [
    "--sample",
    "40",
    "--draws",
    "1",
    "--curve",
    "1",
    "--assume-facts",
    "1",
    "--tuning",
    "20",
    "--curve-tuning",
    "20",
    "--epsilon-canaries",
    "0",
];

/// A fresh temporary folder.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

/// Writes `content` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, content).unwrap();
    path
}

/// A path as &str.
pub fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// `info --json` of a store.
pub fn info(store: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(&["info", s(store), "--json"])).expect("info --json is JSON")
}

/// A JSON file, parsed.
pub fn read_json(path: &Path) -> serde_json::Value {
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("JSON file exists"))
            .expect("valid JSON");
    let fixture = path.starts_with(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"));
    if let Some(schema) = schema_of(path)
        && !fixture
    {
        check_schema(&value, schema, path);
    }
    value
}

/// The JSON Schema in docs/ that a file the commands write must meet, by its name.
fn schema_of(path: &Path) -> Option<&'static str> {
    match path.file_name()?.to_str()? {
        "audit.json" => Some("audit.schema.json"),
        "results.json" => Some("results.schema.json"),
        _ => None,
    }
}

/// Panics, naming every violation, unless `value` (read from `path`) meets docs/`schema`.
pub fn check_schema(value: &serde_json::Value, schema: &str, path: &Path) {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(schema);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).expect("schema exists"))
            .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{} does not meet {}:\n{}",
        path.display(),
        schema_path.display(),
        errors.join("\n")
    );
}

/// A netflix-like twin of `users` people made with `seed` ([`generated`]).
pub fn twin(dir: &Path, users: usize, seed: u64) -> PathBuf {
    generated(dir, "netflix-like", users, seed)
}

/// A CSV row: column name -> field.
pub type Row = HashMap<String, String>;

/// The rows of a CSV file whose fields hold no comma or quote.
pub fn rows(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

/// Column `key` of `row` as a number.
pub fn num(row: &Row, key: &str) -> f64 {
    row[key]
        .parse()
        .unwrap_or_else(|_| panic!("{key} = '{}'", row[key]))
}

/// `a` equals `b` to 1e-5, relative (absolute below 1).
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-5 * b.abs().max(1.0)
}

/// Imports the CSV file `csv` (`--format csv` plus `extra`) into a store beside it,
/// `X.csv` -> `X.deanon`; returns the store.
pub fn import_csv(csv: &Path, extra: &[&str]) -> PathBuf {
    let store = csv.with_extension("deanon");
    let mut args = vec!["import", s(csv), "--format", "csv"];
    args.extend_from_slice(extra);
    args.extend(["-o", s(&store)]);
    ok(&args);
    store
}

/// `deanon import INPUT` plus `extra` (the format told by the name unless `extra` gives one)
/// into `dir/NAME.deanon`; returns the store.
pub fn import_into(dir: &Path, name: &str, input: &Path, extra: &[&str]) -> PathBuf {
    let store = dir.join(format!("{name}.deanon"));
    let mut args = vec!["import", s(input)];
    args.extend_from_slice(extra);
    args.extend(["-o", s(&store)]);
    ok(&args);
    store
}

/// The bytes of a file.
pub fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `deanon generate --preset PRESET --users USERS --seed SEED --no-attributes` as
/// `dir/PRESET-USERS-SEED.deanon`: the sparse facts alone, what most tests are about (and what
/// the fixtures of earlier versions were made from).
pub fn generated(dir: &Path, preset: &str, users: usize, seed: u64) -> PathBuf {
    generated_as(dir, preset, users, seed, false)
}

/// [`generated`] with the people's synthetic attributes (age, gender, region) when `attributes`.
pub fn generated_as(
    dir: &Path,
    preset: &str,
    users: usize,
    seed: u64,
    attributes: bool,
) -> PathBuf {
    let name = if attributes { "-people" } else { "" };
    let path = dir.join(format!("{preset}-{users}-{seed}{name}.deanon"));
    let (users, seed) = (users.to_string(), seed.to_string());
    let mut args = vec![
        "generate",
        "--preset",
        preset,
        "--users",
        &users,
        "--seed",
        &seed,
        "-o",
        s(&path),
    ];
    if !attributes {
        args.push("--no-attributes");
    }
    ok(&args);
    path
}

/// `deanon release DATA --policy POLICY --seed SEED` plus `extra`, as `dir/NAME.deanon` with its
/// key `dir/NAME.key.csv`; returns both.
pub fn release_as(
    dir: &Path,
    name: &str,
    data: &Path,
    policy: &str,
    seed: u64,
    extra: &[&str],
) -> (PathBuf, PathBuf) {
    let released = dir.join(format!("{name}.deanon"));
    let key = dir.join(format!("{name}.key.csv"));
    let seed = seed.to_string();
    let mut args = vec!["release", s(data), "--policy", policy, "--seed", &seed];
    args.extend_from_slice(extra);
    args.extend(["-o", s(&released), "--key", s(&key)]);
    ok(&args);
    (released, key)
}

/// [`release_as`] `dir/rel.deanon` and `dir/rel.key.csv`, nothing else on the command line.
pub fn release(dir: &Path, data: &Path, policy: &str, seed: u64) -> (PathBuf, PathBuf) {
    release_as(dir, "rel", data, policy, seed, &[])
}

/// `deanon aux DATA` plus `--key KEY` when given and `flags`, as `dir/aux.csv` (which it
/// replaces); returns the aux file.
pub fn aux(dir: &Path, data: &Path, key: Option<&Path>, flags: &[&str]) -> PathBuf {
    let path = dir.join("aux.csv");
    let mut args = vec!["aux", s(data)];
    if let Some(key) = key {
        args.extend(["--key", s(key)]);
    }
    args.extend_from_slice(flags);
    args.extend(["-o", s(&path)]);
    ok(&args);
    path
}

/// `deanon attack RELEASED --aux AUX` plus `--key KEY` when given and `flags`, MATCHES.csv as
/// `dir/m.csv` and the summary as `dir/s.json` (which it replaces); returns their paths.
pub fn attack_files(
    dir: &Path,
    released: &Path,
    aux: &Path,
    key: Option<&Path>,
    flags: &[&str],
) -> (PathBuf, PathBuf) {
    let matches = dir.join("m.csv");
    let summary = dir.join("s.json");
    let mut args = vec!["attack", s(released), "--aux", s(aux)];
    if let Some(key) = key {
        args.extend(["--key", s(key)]);
    }
    args.extend_from_slice(flags);
    args.extend(["-o", s(&matches), "--summary", s(&summary)]);
    ok(&args);
    (matches, summary)
}

/// [`attack_files`], read: the rows of MATCHES.csv and the summary.
pub fn attack(
    dir: &Path,
    released: &Path,
    aux: &Path,
    key: Option<&Path>,
    flags: &[&str],
) -> (Vec<Row>, serde_json::Value) {
    let (matches, summary) = attack_files(dir, released, aux, key, flags);
    (rows(&matches), read_json(&summary))
}

/// Real data: MovieLens 100k's ml-100k.inter, as shipped inside the PyPI wheel recbole==1.2.1
/// (recbole/dataset_example/ml-100k/ml-100k.inter, with its people file ml-100k.user beside
/// it, which a MovieLens import reads), fetched at test time with
/// `pip download --no-deps` into target/tmp/ml-100k once per target folder (and once per test
/// process: the tests of a binary run in parallel and must not download over each other), never
/// committed. A failed download fails the test: it never skips. DEANON_ML100K names a local copy
/// of ml-100k.inter instead, to run without the network.
pub fn ml100k() -> PathBuf {
    static FILE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    FILE.get_or_init(fetch_ml100k).clone()
}

const ML100K_INTER: &str = "recbole/dataset_example/ml-100k/ml-100k.inter";
const ML100K_USER: &str = "recbole/dataset_example/ml-100k/ml-100k.user";
const ML100K_ITEM: &str = "recbole/dataset_example/ml-100k/ml-100k.item";

/// [`ml100k`]'s ratings as numbers: user, item, stars, Unix seconds.
pub fn ml100k_rows() -> Vec<[i64; 4]> {
    let text = std::fs::read_to_string(ml100k()).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<i64> = l.split('\t').map(|x| x.trim().parse().unwrap()).collect();
            [f[0], f[1], f[2], f[3]]
        })
        .collect()
}

/// MovieLens 100k's titles (ml-100k.item: `item_id`, `movie_title`, `release_year`, `class`, the
/// genres separated by spaces), beside [`ml100k`]'s ratings.
pub fn ml100k_items() -> PathBuf {
    ml100k().with_extension("item")
}

/// MovieLens 100k's people file (ml-100k.user: age, gender, occupation, zip_code), beside
/// [`ml100k`]'s ratings.
pub fn ml100k_people() -> PathBuf {
    ml100k().with_extension("user")
}

fn succeeds(cmd: &mut Command) -> bool {
    cmd.status().map(|s| s.success()).unwrap_or(false)
}

fn fetch_ml100k() -> PathBuf {
    if let Ok(p) = std::env::var("DEANON_ML100K") {
        return PathBuf::from(p);
    }
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ml-100k");
    let file = cache.join("ml-100k.inter");
    if file.is_file()
        && cache.join("ml-100k.user").is_file()
        && cache.join("ml-100k.item").is_file()
    {
        return file;
    }
    std::fs::create_dir_all(&cache).unwrap();
    let wheels = cache.join(format!("wheel-{}", std::process::id()));
    let python = if succeeds(Command::new("python3").arg("--version")) {
        "python3"
    } else {
        "python"
    };
    assert!(
        succeeds(
            Command::new(python)
                .args([
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--quiet",
                    "recbole==1.2.1",
                    "-d"
                ])
                .arg(&wheels)
        ),
        "could not download the recbole==1.2.1 wheel with pip (needed for MovieLens 100k)"
    );
    // Extract to names of this process's own, then rename, the people and titles files first:
    // another test binary may be doing the same at the same time, a rename is atomic, and the
    // ratings file appearing means all three are there.
    let pid = std::process::id();
    for (member, target) in [
        (ML100K_USER, cache.join("ml-100k.user")),
        (ML100K_ITEM, cache.join("ml-100k.item")),
        (ML100K_INTER, file.clone()),
    ] {
        let part = cache.join(format!(
            "{}.{pid}.part",
            target.file_name().unwrap().to_str().unwrap()
        ));
        let script = format!(
            "import glob,sys,zipfile\nw=glob.glob(sys.argv[1]+'/recbole-1.2.1*.whl')[0]\nopen(sys.argv[2],'wb').write(zipfile.ZipFile(w).read('{member}'))"
        );
        assert!(
            succeeds(
                Command::new(python)
                    .args(["-c", &script])
                    .arg(&wheels)
                    .arg(&part)
            ),
            "could not extract {member} from the recbole wheel"
        );
        std::fs::rename(&part, &target).unwrap();
    }
    let _ = std::fs::remove_dir_all(&wheels);
    file
}

/// The import flags that declare again what `store` declares (its catalogue, exported into
/// `dir`, and its rating scale), for a round trip through CSV.
pub fn declared_flags(store: &Path, dir: &Path) -> Vec<String> {
    let described = info(store);
    let mut flags = Vec::new();
    if described["catalogue"].as_bool() == Some(true) {
        let catalogue = dir.join("round-trip-items.csv");
        let csv = dir.join("round-trip-for-items.csv");
        ok(&["export", s(store), "-o", s(&csv), "--items", s(&catalogue)]);
        flags.extend(["--items".to_string(), s(&catalogue).to_string()]);
    }
    if let Some(scale) = described["rating_scale"].as_str() {
        flags.extend(["--rating-scale".to_string(), scale.to_string()]);
    }
    flags
}

/// Exports `store` with its people table into `dir`, imports both files again and checks that
/// the store comes back byte for byte; returns the people file written.
pub fn assert_people_round_trip(store: &Path, dir: &Path) -> PathBuf {
    let (csv, people, again) = (
        dir.join("round-trip.csv"),
        dir.join("round-trip-people.csv"),
        dir.join("round-trip.deanon"),
    );
    ok(&["export", s(store), "-o", s(&csv), "--people", s(&people)]);
    let declared = declared_flags(store, dir);
    let mut args = vec!["import", s(&csv), "--format", "csv", "--people", s(&people)];
    args.extend(declared.iter().map(String::as_str));
    args.extend(["-o", s(&again)]);
    ok(&args);
    assert!(
        std::fs::read(store).unwrap() == std::fs::read(&again).unwrap(),
        "{} differs after export and import with its people",
        store.display()
    );
    people
}
