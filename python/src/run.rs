//! Running library work from Python: on a worker thread with the GIL released, in a rayon pool
//! of `threads` threads when asked, while the calling thread wakes every 50 ms to let Python see
//! signals. On Ctrl-C it asks the library to stop ([`deanon::cancel::request`]), waits for the
//! worker to return at its next check, and raises the `KeyboardInterrupt`.

use std::sync::mpsc;
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::errors::{invalid, to_py};

const POLL: Duration = Duration::from_millis(50);

/// Runs `work` detached from the interpreter (see the module docs).
pub fn detached<T, F>(py: Python<'_>, threads: Option<usize>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> deanon::Result<T> + Send,
{
    let pool = match threads {
        Some(0) => return Err(invalid("threads must be at least 1, got 0")),
        Some(n) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| PyRuntimeError::new_err(format!("thread pool: {e}")))?,
        ),
        None => None,
    };
    deanon::cancel::clear();
    std::thread::scope(|scope| {
        let (done, mut finished) = mpsc::channel();
        let worker = scope.spawn(move || {
            let result = match &pool {
                Some(pool) => pool.install(work),
                None => work(),
            };
            let _ = done.send(());
            result
        });
        loop {
            let ready;
            (ready, finished) = py.detach(move || (finished.recv_timeout(POLL).is_ok(), finished));
            if ready || worker.is_finished() {
                break;
            }
            if let Err(interrupt) = py.check_signals() {
                deanon::cancel::request();
                let _ = py.detach(|| worker.join());
                deanon::cancel::clear();
                return Err(interrupt);
            }
        }
        match py.detach(|| worker.join()) {
            Ok(result) => result.map_err(to_py),
            Err(_) => Err(PyRuntimeError::new_err(
                "the deanon engine panicked (a bug: please report it with the inputs)",
            )),
        }
    })
}
