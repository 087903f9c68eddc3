//! The cluster-mode flags shared by `attack`, `experiment` and `audit`.

use std::path::PathBuf;

use deanon::linkage::Executor;

/// Cluster mode (timely dataflow): timely's -w/-n/-p/-h, spelled long so that -h stays help.
#[derive(clap::Args, Clone)]
pub struct ClusterArgs {
    /// Cluster mode: timely worker threads in this process (one shard of the release each).
    #[arg(long, value_name = "THREADS")]
    workers: Option<usize>,
    /// Cluster mode: number of processes (start one per host or slot, each with its --process).
    #[arg(long, value_name = "N")]
    processes: Option<usize>,
    /// Cluster mode: this process's index, 0..N (process 0 writes the outputs).
    #[arg(long, value_name = "INDEX")]
    process: Option<usize>,
    /// Cluster mode: one host:port a line, in process order (default: 127.0.0.1, ports 2101..).
    #[arg(long, value_name = "FILE")]
    hostfile: Option<PathBuf>,
    /// Cluster mode: seconds to wait for every process to connect.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    connect_timeout: u64,
    /// Cluster mode: aux records per batch, one checkpoint record each (default: as many as fit
    /// 32 MiB of score accumulators per worker, at most 1024).
    #[arg(long, value_name = "N")]
    batch: Option<usize>,
}

impl ClusterArgs {
    /// The executor the flags describe: local without any cluster flag.
    pub fn executor(&self) -> Executor {
        Executor::new(self.spec())
    }

    /// The cluster spec, or `None` when no cluster flag is given.
    fn spec(&self) -> Option<deanon::cluster::ClusterSpec> {
        let any = self.workers.is_some()
            || self.processes.is_some()
            || self.process.is_some()
            || self.hostfile.is_some();
        any.then(|| deanon::cluster::ClusterSpec {
            workers: self.workers.unwrap_or(1),
            processes: self.processes.unwrap_or(1),
            process: self.process.unwrap_or(0),
            hostfile: self.hostfile.clone(),
            connect_timeout: std::time::Duration::from_secs(self.connect_timeout),
            batch: self.batch,
        })
    }
}
