//! `deanon epsilon`.

use std::path::PathBuf;

use deanon::epsilon::{EpsilonParams, defaults};

/// `deanon epsilon`.
#[derive(clap::Args)]
pub struct EpsilonArgs {
    /// The original data.
    data: PathBuf,
    /// The policy: steps joined with '|' (see `deanon release --help`), or a .toml file.
    #[arg(long)]
    policy: String,
    /// Canaries: people of the data, each in the data with probability 1/2 (default 1000, or
    /// everyone when fewer; at least 20).
    #[arg(long, value_name = "N")]
    canaries: Option<usize>,
    /// Releases, each with fresh coins for the same canaries: one is enough for leaks about
    /// each person; a leak through one value of the whole release (its rating scale) needs
    /// more.
    #[arg(long, value_name = "R", default_value_t = defaults::RUNS)]
    runs: usize,
    /// Seed of the canaries, their coins, the releases and the attack.
    #[arg(long, default_value_t = defaults::SEED)]
    seed: u64,
    /// Where to write the measurement (E.json).
    #[arg(short, long, value_name = "E.json")]
    output: Option<PathBuf>,
}

impl EpsilonArgs {
    pub fn run(self) -> anyhow::Result<()> {
        let job = deanon::epsilon::job::EpsilonJob {
            data: self.data,
            policy: self.policy,
            params: EpsilonParams {
                canaries: self.canaries,
                runs: self.runs,
                seed: self.seed,
                ..EpsilonParams::default()
            },
            output: self.output,
        };
        let report = deanon::epsilon::job::run(&job)?;
        // The summary is the result: printed even with --quiet.
        print!("{}", report.to_text());
        Ok(())
    }
}
