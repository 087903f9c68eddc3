//! Cluster mode end to end with real processes on 127.0.0.1: the same MATCHES.csv as a single
//! process for every shape of cluster, a killed process that stops the others with an error,
//! and a resumed run that finishes with identical results.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{aux, deanon, generated, ok, s, tempdir};

/// A hostfile naming `n` free ports of 127.0.0.1.
fn hostfile(dir: &Path, n: usize) -> PathBuf {
    let listeners: Vec<std::net::TcpListener> = (0..n)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free port"))
        .collect();
    let text: String = listeners
        .iter()
        .map(|l| format!("127.0.0.1:{}\n", l.local_addr().unwrap().port()))
        .collect();
    let path = dir.join("hosts.txt");
    std::fs::write(&path, text).unwrap();
    path
}

/// Starts process `p` of `n` with `args` plus the cluster flags.
fn start(args: &[&str], workers: usize, n: usize, p: usize, hosts: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_deanon"))
        .args(args)
        .args(["--quiet", "--workers", &workers.to_string()])
        .args(["--processes", &n.to_string(), "--process", &p.to_string()])
        .args(["--hostfile", s(hosts), "--connect-timeout", "60"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("deanon starts")
}

/// Waits for a child, at most `limit`; kills it and fails the test if it takes longer.
fn finish(mut child: Child, limit: Duration) -> (bool, String) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
            return (status.success(), stderr);
        }
        if start.elapsed() > limit {
            child.kill().ok();
            panic!("a cluster process still runs after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `args` on `n` processes of `workers` threads each; asserts they all succeed.
fn run_cluster(dir: &Path, args: &[&str], workers: usize, n: usize) {
    let hosts = hostfile(dir, n);
    let children: Vec<Child> = (0..n).map(|p| start(args, workers, n, p, &hosts)).collect();
    for (p, child) in children.into_iter().enumerate() {
        let (success, stderr) = finish(child, Duration::from_secs(120));
        assert!(success, "process {p} failed: {stderr}");
    }
}

/// A release and an aux file: 5,000 people, 400 aux records with dates and counts.
fn inputs(dir: &Path, targets: &str) -> (PathBuf, PathBuf) {
    let store = generated(dir, "netflix-like", 5000, 4);
    let aux = aux(
        dir,
        &store,
        None,
        &[
            "--targets",
            targets,
            "--items",
            "3",
            "--date-error",
            "7",
            "--count-error",
            "0.3",
            "--seed",
            "6",
        ],
    );
    (store, aux)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_cluster_shape_writes_the_single_process_matches() {
    let dir = tempdir();
    let (store, aux) = inputs(dir.path(), "400");
    for algorithm in [
        "scoreboard-rh",
        "scoreboard-rh-norm",
        "scoreboard",
        "likelihood",
    ] {
        let single = dir.path().join(format!("{algorithm}-single.csv"));
        let base = [
            "attack",
            s(&store),
            "--aux",
            s(&aux),
            "--algorithm",
            algorithm,
        ];
        ok(&[&base[..], &["-o", s(&single)]].concat());
        let expected = read(&single);
        assert_eq!(expected.lines().count(), 401);

        let threads = dir.path().join(format!("{algorithm}-1x4.csv"));
        ok(&[&base[..], &["-o", s(&threads), "--workers", "4"]].concat());
        assert_eq!(
            read(&threads),
            expected,
            "{algorithm}: 1 process x 4 threads"
        );

        let three = dir.path().join(format!("{algorithm}-3x2.csv"));
        let args = [&base[..], &["-o", s(&three)]].concat();
        run_cluster(dir.path(), &args, 2, 3);
        assert_eq!(
            read(&three),
            expected,
            "{algorithm}: 3 processes x 2 threads"
        );
        assert!(
            !dir.path()
                .join(format!("{algorithm}-3x2.csv.checkpoint"))
                .exists(),
            "the checkpoint is removed after a finished run"
        );
    }
}

#[test]
fn a_killed_process_stops_the_others_and_resume_finishes_identically() {
    let dir = tempdir();
    let (store, aux) = inputs(dir.path(), "3000");
    let single = dir.path().join("single.csv");
    ok(&["attack", s(&store), "--aux", s(&aux), "-o", s(&single)]);

    let out = dir.path().join("m.csv");
    let checkpoint = dir.path().join("m.csv.checkpoint");
    let args = [
        "attack",
        s(&store),
        "--aux",
        s(&aux),
        "-o",
        s(&out),
        "--batch",
        "4",
    ];
    let hosts = hostfile(dir.path(), 3);
    let mut children: Vec<Child> = (0..3).map(|p| start(&args, 1, 3, p, &hosts)).collect();
    // Kill process 1 once some batches are in the checkpoint, well before the end.
    let header = 80;
    let start_wait = Instant::now();
    while std::fs::metadata(&checkpoint).map_or(0, |m| m.len()) < header + 2_000 {
        assert!(
            start_wait.elapsed() < Duration::from_secs(60),
            "no checkpoint progress"
        );
        assert!(
            children[0].try_wait().unwrap().is_none(),
            "process 0 ended before it could be interrupted"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    children[1].kill().unwrap();
    children[1].wait().unwrap();
    let survivors = [children.remove(2), children.remove(0)];
    for child in survivors {
        let (success, stderr) = finish(child, Duration::from_secs(60));
        assert!(!success, "a survivor claims success");
        assert!(
            stderr.contains("error: cluster process") && stderr.contains("--resume"),
            "unclear error: {stderr}"
        );
    }
    assert!(!out.exists(), "no output from an interrupted run");
    let journal = std::fs::metadata(&checkpoint).unwrap().len();
    assert!(journal > header + 2_000, "checkpoint kept: {journal} bytes");

    // The rerun with --resume finishes with what a single process writes.
    let resume = [&args[..], &["--resume"]].concat();
    run_cluster(dir.path(), &resume, 1, 3);
    assert_eq!(read(&out), read(&single));
    assert!(!checkpoint.exists());
}

#[test]
fn cluster_mistakes_get_clear_errors() {
    let dir = tempdir();
    let (store, aux) = inputs(dir.path(), "20");
    let out = dir.path().join("m.csv");
    let base = ["attack", s(&store), "--aux", s(&aux), "-o", s(&out)];
    let bad_hosts = common::write(dir.path(), "bad.txt", "127.0.0.1:2101\nnode7\n");
    let err = common::fails(
        &[
            &base[..],
            &["--processes", "2", "--hostfile", s(&bad_hosts)],
        ]
        .concat(),
    );
    assert!(
        err.contains("bad.txt:2") && err.contains("host:port"),
        "{err}"
    );
    let err = common::fails(&[&base[..], &["--processes", "2", "--process", "2"]].concat());
    assert!(err.contains("--process"), "{err}");
    let err = common::fails(&[&base[..], &["--resume"]].concat());
    assert!(err.contains("cluster"), "{err}");
    // A peer that never comes: an error after the timeout, not a hang.
    let hosts = hostfile(dir.path(), 2);
    let started = Instant::now();
    let result = deanon(
        &[
            &base[..],
            &[
                "--processes",
                "2",
                "--process",
                "0",
                "--hostfile",
                s(&hosts),
            ],
            &["--connect-timeout", "2"],
        ]
        .concat(),
    );
    assert!(!result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("not every one of the 2 processes connected"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(!out.exists());
}

#[test]
fn experiment_cells_run_through_the_cluster_with_the_same_results() {
    let dir = tempdir();
    let config = common::write(
        dir.path(),
        "e.toml",
        "name = \"cluster\"\nseed = 3\n[data]\ngenerate = { preset = \"netflix-like\", users = 3000, seed = 2 }\n\
         [[policy]]\nname = \"none\"\nspec = \"pseudonymize\"\n\
         [[policy]]\nname = \"noisy\"\nspec = \"pseudonymize|date-noise:days=7\"\n\
         [aux]\nsettings = [{ items = 2, wrong = 0 }, { items = 4, wrong = 1 }]\ntargets = 150\n\
         [attack]\nalgorithm = [\"scoreboard-rh\", \"scoreboard-rh-norm\", \"scoreboard\"]\nlength_norm = [0.5, 1]\nbootstrap = 50\n",
    );
    let single = dir.path().join("single");
    ok(&["experiment", s(&config), "-o", s(&single)]);
    let clustered = dir.path().join("clustered");
    run_cluster(
        dir.path(),
        &["experiment", s(&config), "-o", s(&clustered)],
        1,
        2,
    );
    assert_eq!(
        read(&clustered.join("results.csv")),
        read(&single.join("results.csv"))
    );
}

#[test]
fn a_corrupt_posting_is_an_error_in_cluster_mode_too() {
    // A cluster process verifies only the small sections and then the postings of its own
    // shards; an out-of-range record index must be an error, never a write out of bounds.
    let dir = tempdir();
    let (store, aux) = inputs(dir.path(), "20");
    let offset = deanon::dataset::store::section_offset(&store, "item_records").unwrap();
    let mut bytes = std::fs::read(&store).unwrap();
    let at = offset as usize + 4 * 50;
    bytes[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    std::fs::write(&store, bytes).unwrap();
    let out = dir.path().join("m.csv");
    for workers in ["1", "3"] {
        let err = common::fails(&[
            "attack",
            s(&store),
            "--aux",
            s(&aux),
            "-o",
            s(&out),
            "--workers",
            workers,
        ]);
        assert!(err.contains("out of order or out of range"), "{err}");
    }
    assert!(!out.exists());
}

/// Regression: an audit on two processes ran until process 1, which holds no results, fell out
/// of step with process 0 ("worker 1 was given other inputs"), minutes in. It is refused at once.
#[test]
fn an_audit_on_several_processes_is_refused_at_once() {
    let dir = tempdir();
    let store = generated(dir.path(), "netflix-like", 50, 1);
    let out = dir.path().join("audit");
    let output = deanon(&[
        "audit",
        s(&store),
        "-o",
        s(&out),
        "--workers",
        "1",
        "--processes",
        "2",
        "--process",
        "1",
    ]);
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("--processes 2: an audit runs in one process"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}
