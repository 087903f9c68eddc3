//! `deanon attack`, and the flags of every registered algorithm's parameters, made from the
//! registry ([`deanon::attack::parameters`]): one `--name` per parameter, its default, help and
//! the algorithms that read it.

use std::path::PathBuf;

use clap::{Arg, ArgMatches, Command};
use deanon::attack::parameter::Domain;
use deanon::attack::{Algorithm, AttackParams, AttackParamsBuilder, Parameter, Value};
use deanon::attack::{defaults as attack_defaults, parameters};

use super::cluster::ClusterArgs;

/// `deanon attack`.
#[derive(clap::Args)]
pub struct AttackArgs {
    /// The released data.
    release: PathBuf,
    /// Aux CSV (aux_id,item,rating,date[,true_user]).
    #[arg(long)]
    aux: PathBuf,
    /// Release key: report candidates and compare the truth in original ids.
    #[arg(long)]
    key: Option<PathBuf>,
    #[command(flatten)]
    attacker: AttackerFlags,
    /// aux_item,release_item CSV linking another catalogue to the release's items.
    #[arg(long)]
    item_map: Option<PathBuf>,
    /// MATCHES.csv.
    #[arg(short, long)]
    output: PathBuf,
    /// Summary JSON.
    #[arg(long)]
    summary: Option<PathBuf>,
    #[command(flatten)]
    cluster: ClusterArgs,
    /// Cluster mode: continue an interrupted run from its checkpoint (OUTPUT.checkpoint).
    #[arg(long)]
    resume: bool,
}

impl AttackArgs {
    pub fn run(self, quiet: bool) -> anyhow::Result<()> {
        let params = self.attacker.params()?;
        let job = deanon::jobs::AttackJob {
            release: self.release,
            aux: self.aux,
            key: self.key,
            item_map: self.item_map,
            params,
            informed: self.attacker.informed,
            output: self.output,
            summary: self.summary,
            executor: self.cluster.executor(),
            resume: self.resume,
        };
        match deanon::jobs::attack(&job)? {
            Some(report) => {
                for w in &report.warnings {
                    eprintln!("deanon: warning: {w}");
                }
                let written = [Some(job.output.as_path()), job.summary.as_deref()];
                super::print_result(&report.summary.to_text(), written.into_iter().flatten());
            }
            None if !quiet => eprintln!("done; process 0 writes the outputs"),
            None => {}
        }
        Ok(())
    }
}

/// How the adversary links, as `deanon attack` and `deanon infer` take it: the algorithm, its
/// parameters, whether it knows the published policy, and the bootstrap of the inference risk's
/// interval.
#[derive(clap::Args)]
pub struct AttackerFlags {
    /// The linkage algorithm.
    #[arg(long, default_value = attack_defaults::ALGORITHM, long_help = Algorithm::help())]
    algorithm: Algorithm,
    #[command(flatten)]
    parameters: ParameterFlags,
    /// Know the release's published policy (recorded in the release by `deanon release`):
    /// map the aux facts into the release's representation (dates rounded to its unit,
    /// kinds it dropped left out) and widen rho0, d0 and the tolerances by its noise.
    #[arg(long)]
    pub informed: bool,
    /// Bootstrap resamples for the 95% interval of the inference risk (`deanon infer`). The
    /// rates' intervals are Wilson score intervals and take none: `deanon attack` accepts the
    /// flag and reads nothing of it.
    #[arg(long, default_value_t = deanon::inference::RESAMPLES)]
    pub bootstrap: usize,
}

impl AttackerFlags {
    /// The checked attack parameters.
    pub fn params(&self) -> deanon::Result<AttackParams> {
        self.parameters.0.clone().algorithm(self.algorithm).check()
    }
}

/// The values of every algorithm parameter's flag (the defaults where none is given); the
/// algorithm is set by `--algorithm`.
#[derive(Clone)]
pub struct ParameterFlags(AttackParamsBuilder);

/// The flag's help: the parameter's, and which algorithms read it.
fn help(p: &Parameter) -> String {
    format!("{} ({})", p.help, Algorithm::readers(p.name).join(", "))
}

fn flag(p: &'static Parameter) -> Arg {
    let parser: clap::builder::ValueParser = match p.domain {
        Domain::Days | Domain::Count => clap::value_parser!(u32).into(),
        Domain::Seed => clap::value_parser!(u64).into(),
        _ => clap::value_parser!(f64).into(),
    };
    Arg::new(p.name)
        .long(p.flag())
        .value_name(
            p.value_name
                .map_or_else(|| p.name.to_uppercase(), str::to_string),
        )
        .help(help(p))
        .default_value(p.default.to_string())
        .value_parser(parser)
        .allow_negative_numbers(!p.domain.is_whole())
}

impl clap::FromArgMatches for ParameterFlags {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut params = AttackParams::builder();
        for &p in parameters() {
            let value = match p.domain {
                Domain::Days | Domain::Count => {
                    matches.get_one::<u32>(p.name).map(|&n| Value::from(n))
                }
                Domain::Seed => matches.get_one::<u64>(p.name).map(|&n| Value::from(n)),
                _ => matches.get_one::<f64>(p.name).map(|&x| Value::from(x)),
            };
            params = params.with(p, value.unwrap_or(p.default));
        }
        Ok(ParameterFlags(params))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl clap::Args for ParameterFlags {
    fn augment_args(command: Command) -> Command {
        parameters().iter().fold(command, |c, &p| c.arg(flag(p)))
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}
