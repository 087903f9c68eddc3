//! `deanon release`.

use std::path::PathBuf;

/// `deanon release`.
#[derive(clap::Args)]
pub struct ReleaseArgs {
    /// The original data.
    data: PathBuf,
    /// The policy: steps joined with '|' (see below), or a .toml file of [[step]] tables.
    #[arg(long)]
    policy: String,
    /// Seed of every random step.
    #[arg(long, default_value_t = deanon::release::defaults::SEED)]
    seed: u64,
    /// The released store.
    #[arg(short, long)]
    output: PathBuf,
    /// The key file (released_id,original_id; mode 0600).
    #[arg(long)]
    key: PathBuf,
    /// Leave N people, drawn with the seed, out of the release before the policy runs: a
    /// control group the release never saw (non-members for `deanon aux --non-members` and
    /// `deanon infer`). The recorded policy does not mention them.
    #[arg(long, value_name = "N", default_value_t = 0)]
    hold_out: usize,
    /// Also measure the policy's cost and write it as JSON.
    #[arg(long, value_name = "U.json")]
    utility: Option<PathBuf>,
}

impl ReleaseArgs {
    pub fn run(self) -> anyhow::Result<()> {
        let job = deanon::jobs::ReleaseJob {
            data: self.data,
            policy: self.policy,
            seed: self.seed,
            output: self.output,
            key: self.key,
            utility: self.utility,
            hold_out: self.hold_out,
        };
        let report = deanon::jobs::release(&job)?;
        eprintln!(
            "released {} people, {} entries, {} items into {} (key: {})",
            report.people,
            report.entries,
            report.items,
            job.output.display(),
            job.key.display()
        );
        if let Some(u) = &report.utility {
            print!("{}", u.to_text());
        }
        Ok(())
    }
}
