//! Progress bars for long work, shown on a terminal only.
//!
//! The binary switches them off with `--quiet`; they are never drawn when standard error is not
//! a terminal (CI logs, pipes), so output files and test logs stay clean.

use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static ENABLED: AtomicBool = AtomicBool::new(true);

/// Turns progress bars on or off for the whole process.
pub fn set_enabled(enabled: bool) {
    ENABLED.store(enabled, Ordering::Relaxed);
}

fn target() -> ProgressDrawTarget {
    if ENABLED.load(Ordering::Relaxed) {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

/// A bar counting `len` units of work named `what`.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), target());
    bar.set_style(
        ProgressStyle::with_template("{msg:>12} [{bar:30}] {human_pos}/{human_len} ({eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// A bar counting bytes of input.
pub fn bytes_bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), target());
    bar.set_style(
        ProgressStyle::with_template("{msg:>12} [{bar:30}] {bytes}/{total_bytes} ({eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// A spinner for work of unknown length.
pub fn spinner(what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, target());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"),
    );
    bar.set_message(what.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// Runs `f`; with the environment variable `DEANON_TIMING` set, prints how long it took to
/// standard error (for profiling whole commands phase by phase).
pub fn timed<T>(phase: &str, f: impl FnOnce() -> T) -> T {
    if std::env::var_os("DEANON_TIMING").is_none() {
        return f();
    }
    let start = std::time::Instant::now();
    let out = f();
    eprintln!("[timing] {phase}: {:.3} s", start.elapsed().as_secs_f64());
    out
}
