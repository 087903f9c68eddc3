//! `deanon experiment`.

use std::path::PathBuf;

use super::cluster::ClusterArgs;

/// `deanon experiment`.
#[derive(clap::Args)]
pub struct ExperimentArgs {
    /// The experiment file.
    config: PathBuf,
    /// Output folder (results.csv, results.json, provenance.json, report.md, plots).
    #[arg(short, long)]
    output: PathBuf,
    /// Finish an interrupted run: compute only the missing cells.
    #[arg(long)]
    resume: bool,
    /// Run on this .deanon store instead of the config's [data] (e.g. the real Netflix data).
    #[arg(long, value_name = "DATA.deanon")]
    data: Option<PathBuf>,
    #[command(flatten)]
    cluster: ClusterArgs,
}

impl ExperimentArgs {
    pub fn run(self) -> anyhow::Result<()> {
        for warning in deanon::jobs::experiment_warnings(&self.config)? {
            eprintln!("deanon: warning: {warning}");
        }
        let summary = deanon::jobs::experiment(
            &self.config,
            &self.output,
            self.resume,
            self.data.as_deref(),
            &self.cluster.executor(),
        )?;
        print!("{summary}");
        Ok(())
    }
}
