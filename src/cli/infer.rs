//! `deanon infer`: what linking reveals about the people it finds, against a control.

use std::path::PathBuf;

use deanon::inference::Sensitive;

use super::attack::AttackerFlags;

/// `deanon infer`.
#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("sensitive").required(true).args(["sensitive_items", "sensitive_attribute"])))]
pub struct InferArgs {
    /// The released data.
    release: PathBuf,
    /// Aux CSV with members and non-members of the release (`deanon aux --key KEY
    /// --non-members N`), each with its true_user.
    #[arg(long)]
    aux: PathBuf,
    /// The release key: who is a member, and the linked records' original ids.
    #[arg(long)]
    key: PathBuf,
    /// The original data: the targets' true secrets.
    #[arg(long)]
    original: PathBuf,
    /// File of sensitive item ids, one a line: the secret is whether the target holds any of
    /// them beyond the items the adversary knew.
    #[arg(long, value_name = "FILE")]
    sensitive_items: Option<PathBuf>,
    /// An attribute of the people table: the secret is the target's value.
    #[arg(long, value_name = "NAME")]
    sensitive_attribute: Option<String>,
    #[command(flatten)]
    attacker: AttackerFlags,
    /// INFER.json.
    #[arg(short, long)]
    output: PathBuf,
    /// Per-person CSV (names people: written with mode 0600).
    #[arg(long, value_name = "P.csv")]
    per_person: Option<PathBuf>,
}

impl InferArgs {
    pub fn run(self) -> anyhow::Result<()> {
        let params = self.attacker.params()?;
        let sensitive = Sensitive::from_flags(
            self.sensitive_items.as_deref(),
            self.sensitive_attribute.as_deref(),
        )?
        .expect("clap requires one");
        let job = deanon::jobs::InferJob {
            release: self.release,
            aux: self.aux,
            key: self.key,
            original: self.original,
            sensitive,
            params,
            informed: self.attacker.informed,
            resamples: self.attacker.bootstrap,
            output: self.output,
            per_person: self.per_person,
        };
        let (report, warnings) = deanon::jobs::infer(&job)?;
        for w in &warnings {
            eprintln!("deanon: warning: {w}");
        }
        let written = [Some(job.output.as_path()), job.per_person.as_deref()];
        super::print_result(&report.to_text(), written.into_iter().flatten());
        Ok(())
    }
}
