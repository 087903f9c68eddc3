//! The command line's parts: one argument struct per command (clap `Args`), each turning its
//! flags into the library's checked parameters, calling the library and printing.

mod attack;
mod audit;
mod aux;
mod cluster;
mod cohort;
mod data;
mod epsilon;
mod experiment;
mod infer;
mod release;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Measure how many people in an anonymized sparse data release can be re-identified.
#[derive(Parser)]
#[command(name = "deanon", version, about, long_about = None)]
pub struct Cli {
    /// No progress bars: print only results (verdicts, summaries, the files written), warnings
    /// and errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, global = true, value_name = "T")]
    pub threads: Option<usize>,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand)]
pub enum Command {
    /// Run the main job end to end on built-in synthetic data.
    Demo(data::DemoArgs),
    /// Import ratings or views into a .deanon store.
    Import(data::ImportArgs),
    /// Generate a synthetic data set.
    Generate(data::GenerateArgs),
    /// Describe a store: counts, density, ratings, dates, supp(i) and activity quantiles.
    Info(data::InfoArgs),
    /// Release a data set under a policy: a pipeline of anonymization steps, then new random
    /// record ids. The key (released id -> original id) is written with mode 0600.
    #[command(after_help = deanon::release::spec::steps_help())]
    Release(release::ReleaseArgs),
    /// Sample auxiliary information (what an adversary knows) from the original data.
    Aux(aux::AuxArgs),
    /// Link aux records to released records with a registered linkage algorithm (`--algorithm`).
    Attack(attack::AttackArgs),
    /// What linking reveals: the adversary links each aux record and reads a sensitive item
    /// list's presence, or an attribute, off the linked record; accuracy over members against
    /// a control of non-members, and the inference risk.
    Infer(infer::InferArgs),
    /// Run an experiment: a TOML grid of policies, aux settings and attack parameters.
    Experiment(experiment::ExperimentArgs),
    /// Nearest-neighbour similarity curve of a data set (paper Fig. 1).
    Sparsity(data::SparsityArgs),
    /// Audit a data set before release: per-person risk under a battery of adversaries, unicity,
    /// the cost of each candidate policy, a recommendation, and a report for the browser.
    Audit(audit::AuditArgs),
    /// Unicity (de Montjoye et al. 2013): how often p points of a person's data are theirs
    /// alone.
    Unicity(data::UnicityArgs),
    /// What a published statement about a group reveals ("the 53 people who watched A Christmas
    /// Prince every day for 18 days"): the cohort's size, whether it singles people out, a
    /// differentially private count, and how far it narrows the search for one of them.
    Cohort(cohort::CohortArgs),
    /// A lower bound on a policy's epsilon, at 95% confidence, measured by an attack: canary
    /// people each in the data with probability 1/2, one release, and how many of them the
    /// attack tells apart (Steinke, Nasr & Jagielski 2023). Works for any policy.
    Epsilon(epsilon::EpsilonArgs),
    /// Write a store as generic CSV (user,item,rating,date).
    Export(data::ExportArgs),
}

impl Command {
    /// Runs the command. Every command prints its results (a verdict, a summary, the files it
    /// wrote) whatever `quiet` says; `quiet` leaves out the rest (progress bars, and a cluster
    /// process's note that another writes the outputs).
    pub fn run(self, quiet: bool) -> anyhow::Result<()> {
        match self {
            Command::Demo(a) => a.run(),
            Command::Import(a) => a.run(),
            Command::Generate(a) => a.run(),
            Command::Info(a) => a.run(),
            Command::Release(a) => a.run(),
            Command::Aux(a) => a.run(),
            Command::Attack(a) => a.run(quiet),
            Command::Infer(a) => a.run(),
            Command::Experiment(a) => a.run(),
            Command::Sparsity(a) => a.run(),
            Command::Audit(a) => a.run(),
            Command::Unicity(a) => a.run(),
            Command::Cohort(a) => a.run(),
            Command::Epsilon(a) => a.run(),
            Command::Export(a) => a.run(),
        }
    }
}

/// Prints a command's result text on standard output, or on standard error when one of the
/// files it wrote, `written`, is standard output itself (`-o /dev/stdout`), so that the file
/// comes out whole.
fn print_result<'a>(text: &str, written: impl IntoIterator<Item = &'a std::path::Path>) {
    let stdout = std::path::Path::new("/dev/stdout");
    let is_stdout = |p: &std::path::Path| std::path::absolute(p).is_ok_and(|p| p == stdout);
    if written.into_iter().any(is_stdout) {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
}

/// Parses the command line. `--help` and `--version` print in full and exit 0; a usage error
/// (an unknown flag, a missing argument, a bad value) prints one line naming the command's
/// help and gives exit status 2, as clap, grep and ripgrep do; every other error exits 1.
pub fn parse() -> Result<Cli, ExitCode> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    Cli::try_parse_from(&args).map_err(|e| {
        use clap::error::ErrorKind;
        match e.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
            _ => {
                eprintln!("{}", usage_error(&e.render().to_string(), &args));
                ExitCode::from(2)
            }
        }
    })
}

/// clap's usage error (`error: ...`, perhaps a list of arguments, then tips and the usage) as
/// one line: its first paragraph, and where to read the usage.
fn usage_error(rendered: &str, args: &[std::ffi::OsString]) -> String {
    let first = rendered.split("\n\n").next().unwrap_or(rendered);
    let what = first
        .trim()
        .trim_start_matches("error:")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let command = Cli::command();
    let sub = args.iter().skip(1).find_map(|a| {
        let a = a.to_str()?;
        command
            .get_subcommands()
            .any(|c| c.get_name() == a)
            .then_some(a)
    });
    let help = match sub {
        Some(sub) => format!("deanon {sub} --help"),
        None => "deanon --help".to_string(),
    };
    format!("deanon: error: {what} (see '{help}')")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(args: &[&str]) -> String {
        let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
        let e = Cli::try_parse_from(&args).err().expect("a usage error");
        usage_error(&e.render().to_string(), &args)
    }

    #[test]
    fn usage_errors_are_one_line_naming_the_commands_help() {
        let e = error_of(&["deanon", "attack", "--foo"]);
        assert_eq!(
            e,
            "deanon: error: unexpected argument '--foo' found (see 'deanon attack --help')"
        );
        let e = error_of(&["deanon", "import", "x.csv"]);
        assert!(
            e.starts_with(
                "deanon: error: the following required arguments were not provided: --output <OUTPUT>"
            )
                && e.ends_with("(see 'deanon import --help')")
                && !e.contains('\n'),
            "{e}"
        );
        let e = error_of(&["deanon", "frobnicate"]);
        assert!(
            e.contains("unrecognized subcommand 'frobnicate'")
                && e.ends_with("(see 'deanon --help')"),
            "{e}"
        );
    }
}
