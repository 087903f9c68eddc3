//! Stopping long work from outside: a process-wide request flag that long loops check between
//! batches (an attack between aux records, unicity between people, an experiment between
//! cells). Its test is in the Python package's suite (a
//! unit test here would stop the attacks of tests running beside it). The Python package sets it when Ctrl-C arrives while the engine runs with the GIL
//! released; the command line never sets it (SIGINT ends the process). Uses `error`.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Asks every running library call to stop at its next check.
pub fn request() {
    REQUESTED.store(true, Ordering::Relaxed);
}

/// Withdraws a request (before a new call starts).
pub fn clear() {
    REQUESTED.store(false, Ordering::Relaxed);
}

/// Whether a stop was requested.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// `Err(Error::Interrupted)` once a stop was requested.
pub fn check() -> crate::Result<()> {
    if requested() {
        Err(crate::Error::Interrupted)
    } else {
        Ok(())
    }
}
