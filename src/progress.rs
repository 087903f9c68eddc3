//! Progress bars for long work, shown on a terminal only.
//!
//! The binary switches them off with `--quiet`; they are never drawn when standard error is not
//! a terminal (CI logs, pipes), so output files and test logs stay clean.
//!
//! A command made of many steps (an audit: policies x adversaries; an experiment: cells) shows
//! one bar for the whole of it, [`stages`], whose text says which step runs ("policy 2/5
//! date-drop: adversary 3/8 6 of 8 facts, dates +-14 days"); the bars of the work inside a step
//! (an attack's "attacking") come and go on the line below it, so a restart is always under a
//! line that says what it belongs to.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

static ENABLED: AtomicBool = AtomicBool::new(true);

/// The bar of the steps under way, when a command has one ([`stages`]).
static STAGES: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Turns progress bars on or off for the whole process.
pub fn set_enabled(enabled: bool) {
    ENABLED.store(enabled, Ordering::Relaxed);
}

/// Every bar of the process, stacked on standard error, so that a step's bar and the bars of
/// the work inside it each keep their line.
fn lines() -> &'static MultiProgress {
    static LINES: OnceLock<MultiProgress> = OnceLock::new();
    LINES.get_or_init(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()))
}

/// A progress bar; it leaves the screen when dropped.
pub struct Bar(ProgressBar);

impl std::ops::Deref for Bar {
    type Target = ProgressBar;
    fn deref(&self) -> &ProgressBar {
        &self.0
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if !self.0.is_finished() {
            self.0.finish_and_clear();
        }
        lines().remove(&self.0);
    }
}

/// A new bar of `len` units (a spinner for `None`) drawn with `template`, showing `what` (and
/// `prefix`), drawn from its first frame on as it is set up here.
fn new_bar(len: Option<u64>, template: &str, what: &str, prefix: &str) -> Bar {
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template(template)
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar.set_prefix(prefix.to_string());
    if ENABLED.load(Ordering::Relaxed) {
        Bar(lines().add(bar))
    } else {
        Bar(bar)
    }
}

/// A bar counting `len` units of work named `what`.
pub fn bar(len: u64, what: &str) -> Bar {
    new_bar(
        Some(len),
        "{msg:>12} [{bar:30}] {human_pos}/{human_len} ({eta})",
        what,
        "",
    )
}

/// A bar counting bytes of input.
pub fn bytes_bar(len: u64, what: &str) -> Bar {
    new_bar(
        Some(len),
        "{msg:>12} [{bar:30}] {bytes}/{total_bytes} ({eta})",
        what,
        "",
    )
}

/// A spinner for work of unknown length.
pub fn spinner(what: &str) -> Bar {
    let bar = new_bar(None, "{spinner} {msg} {elapsed}", what, "");
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// The bar of a command's `len` steps, named `what` ("auditing"): [`stage_group`] and
/// [`stage`] say which step runs, [`stage_done`] counts one. The steps' bar of the process
/// until the returned bar is dropped.
pub fn stages(len: u64, what: &str) -> Bar {
    let bar = new_bar(
        Some(len),
        "{prefix} [{bar:30}] {pos}/{len} ({eta}) {msg}",
        "",
        what,
    );
    *STAGES.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar.0.clone());
    bar
}

/// Runs `f` on the steps' bar, if a command has one.
fn on_stages(f: impl FnOnce(&ProgressBar)) {
    if let Some(bar) = STAGES.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
        && !bar.is_finished()
    {
        f(bar);
    }
}

/// Names the group of steps under way ("policy 2/5 date-drop").
pub fn stage_group(group: impl Into<Cow<'static, str>>) {
    on_stages(|bar| bar.set_prefix(group));
}

/// Names the step under way within its group ("adversary 3/8 6 of 8 facts"); `describe` runs
/// only when the steps have a bar.
pub fn stage(describe: impl FnOnce() -> String) {
    on_stages(|bar| bar.set_message(describe()));
}

/// Counts one step done.
pub fn stage_done() {
    on_stages(|bar| bar.inc(1));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_bar_says_which_step_runs_and_counts_the_steps() {
        set_enabled(false);
        let bar = stages(4, "auditing");
        stage_group("policy 1/2 sample:fraction=0.5");
        stage(|| "adversary 1/2 2 facts".to_string());
        stage_done();
        assert_eq!(bar.prefix(), "policy 1/2 sample:fraction=0.5");
        assert_eq!(bar.message(), "adversary 1/2 2 facts");
        assert_eq!(bar.position(), 1);
        drop(bar);
        // Without a steps' bar, a step is named to no one (and not described at all).
        stage(|| unreachable!("described without a bar"));
        stage_done();
    }
}
