//! `deanon audit`.

use std::path::PathBuf;

use deanon::audit::{AuditParams, defaults as audit_defaults};

use super::cluster::ClusterArgs;

/// `deanon audit`.
#[derive(clap::Args)]
pub struct AuditArgs {
    /// The original data (not a release).
    data: PathBuf,
    /// A candidate release policy (repeat for several): steps joined with '|' (see `deanon
    /// release --help`), or a .toml file of [[step]] tables; the baseline, pseudonymization
    /// only, is always audited.
    #[arg(long = "policy", value_name = "SPEC")]
    policies: Vec<String>,
    /// A TOML file of [[adversary]] tables replacing the standard battery.
    #[arg(long, value_name = "FILE.toml")]
    adversaries: Option<PathBuf>,
    /// The highest acceptable re-identification rate (upper end of its 95% interval).
    #[arg(long, default_value_t = audit_defaults::TARGET_RISK, value_name = "T")]
    target_risk: f64,
    /// People sampled.
    #[arg(long, default_value_t = audit_defaults::SAMPLE, value_name = "N")]
    sample: usize,
    /// Aux draws per person and adversary.
    #[arg(long, default_value_t = audit_defaults::DRAWS, value_name = "R")]
    draws: usize,
    /// Every person instead of a sample.
    #[arg(long)]
    everyone: bool,
    /// Seed.
    #[arg(long, default_value_t = audit_defaults::SEED)]
    seed: u64,
    /// The policy-blind battery with the default attack only: no adversary knows the published
    /// policy, none searches its attack (its figures understate the risk).
    #[arg(long)]
    naive: bool,
    /// Tuning people per policy (one draw each, never among the people reported), on whom
    /// each adversary chooses its attack.
    #[arg(long, default_value_t = audit_defaults::TUNING, value_name = "N")]
    tuning: usize,
    /// The inference test: a file of sensitive item ids, one a line (the secret: whether a
    /// person holds any of them beyond what the adversary knew).
    #[arg(long, value_name = "FILE", conflicts_with = "sensitive_attribute")]
    sensitive_items: Option<PathBuf>,
    /// The inference test on an attribute of the people table (the secret: its value).
    #[arg(long, value_name = "NAME")]
    sensitive_attribute: Option<String>,
    /// Recommend only a policy whose inference risk (upper end of its 95% interval) is at
    /// most this (off by default; needs the inference test).
    #[arg(long, value_name = "T")]
    target_inference_risk: Option<f64>,
    /// The knowledge curve: for each policy, the strongest adversary who knows k of a person's
    /// entries (true, dates +-3 days; a person with fewer gives all of theirs), for each k
    /// listed (`all`: every entry), alone and with the people's attributes where the data has
    /// them. Not measured with --naive.
    #[arg(long, default_value = "1,2,4,8,16,32,all", value_name = "K,K,...")]
    curve: String,
    /// The entries of a person the verdict assumes an adversary knows (a point of --curve): a
    /// policy is recommended only if the curve there, and every battery adversary knowing at
    /// most as many facts, stay under the target.
    #[arg(long, default_value_t = audit_defaults::ASSUME_FACTS.to_string(), value_name = "K")]
    assume_facts: String,
    /// Tuning people per policy for each point of the curve (at most --tuning).
    #[arg(long, default_value_t = audit_defaults::CURVE_TUNING, value_name = "N")]
    curve_tuning: usize,
    /// Canaries of each policy's measured epsilon (a lower bound on its epsilon, measured by an
    /// attack; `deanon epsilon`), among 5000 people of the data; 0 turns it off.
    #[arg(long, default_value_t = audit_defaults::EPSILON_CANARIES, value_name = "N")]
    epsilon_canaries: usize,
    /// Audit this release, made elsewhere, instead of candidate policies: the three tests on it,
    /// and whether it meets the targets (needs --key).
    #[arg(long, value_name = "REL.deanon", requires = "key", conflicts_with_all = ["policies", "epsilon_canaries"])]
    released: Option<PathBuf>,
    /// The key of --released: released_id,original_id per released record (as `deanon release
    /// --key` writes it, or a plain two-column CSV).
    #[arg(long, value_name = "KEY.csv", requires = "released")]
    key: Option<PathBuf>,
    /// The policy --released was made with, as its maker states it (a spec or a .toml file):
    /// the adversaries model it. Without it they are blind.
    #[arg(
        long,
        value_name = "SPEC",
        requires = "released",
        conflicts_with = "naive"
    )]
    policy_known: Option<String>,
    /// Finish an interrupted audit: compute only the missing policies.
    #[arg(long)]
    resume: bool,
    /// Output folder (report.html, audit.json, risk.csv, plots).
    #[arg(short, long)]
    output: PathBuf,
    #[command(flatten)]
    cluster: ClusterArgs,
}

impl AuditArgs {
    pub fn run(self) -> anyhow::Result<()> {
        let inference = deanon::inference::Sensitive::from_flags(
            self.sensitive_items.as_deref(),
            self.sensitive_attribute.as_deref(),
        )?;
        let curve = deanon::audit::curve::parse_points(&self.curve)?;
        let assume_facts = deanon::audit::curve::KnownFacts::parse(&self.assume_facts)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "--assume-facts takes a whole number of entries of at least 1 or 'all', got '{}'",
                    self.assume_facts
                )
            })?;
        let params = AuditParams {
            curve,
            assume_facts,
            curve_tuning: self.curve_tuning,
            inference,
            target_inference_risk: self.target_inference_risk,
            policies: self.policies,
            target_risk: self.target_risk,
            sample: self.sample,
            draws: self.draws,
            everyone: self.everyone,
            seed: self.seed,
            naive: self.naive,
            tuning: self.tuning,
            epsilon_canaries: self.epsilon_canaries,
            invocation: Some(deanon::provenance::command_line()),
            released: self.released.map(|release| deanon::audit::ReleasedInput {
                release,
                key: self.key.expect("clap requires --key with --released"),
                policy_known: self.policy_known,
            }),
            ..AuditParams::default()
        };
        let audit = deanon::jobs::audit(
            &self.data,
            &params,
            self.adversaries.as_deref(),
            &self.output,
            self.resume,
            &self.cluster.executor(),
        )?;
        if let Some(audit) = audit {
            println!("{}", audit.verdict);
            println!(
                "report: {}\nresults: audit.json, risk.csv (names people: mode 0600), plots (SVG and PNG) in {}",
                self.output.join("report.html").display(),
                self.output.display()
            );
        }
        Ok(())
    }
}
