//! The `deanon` command line: parses arguments, calls the library, prints.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use deanon::attack::{Algorithm, AttackParams, defaults as attack_defaults};
use deanon::audit::{AuditParams, defaults as audit_defaults};
use deanon::auxiliary::sampler::{AuxParams, Selection, defaults as aux_defaults};
use deanon::cohort::{CohortParams, Statement, defaults as cohort_defaults};
use deanon::dataset::DatasetKind;
use deanon::dataset::generate::{GenerateParams, Preset};
use deanon::dataset::import::Format;
use deanon::dataset::unicity::{Knowledge, UnicityParams, defaults as unicity_defaults};
use deanon::linkage::Executor;

/// Measure how many people in an anonymized sparse data release can be re-identified.
#[derive(Parser)]
#[command(name = "deanon", version, about, long_about = None)]
struct Cli {
    /// Print nothing but results and errors (no progress bars).
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, global = true, value_name = "T")]
    threads: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

/// Cluster mode (timely dataflow): timely's -w/-n/-p/-h, spelled long so that -h stays help.
#[derive(clap::Args, Clone)]
struct ClusterArgs {
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
    fn executor(&self) -> Executor {
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

#[derive(Subcommand)]
enum Command {
    /// Run the main job end to end on built-in synthetic data.
    Demo {
        /// Output folder.
        #[arg(short, long, default_value = "deanon-demo")]
        output: PathBuf,
        /// Number of synthetic people.
        #[arg(long, default_value_t = 50_000)]
        users: usize,
        /// Seed.
        #[arg(long, default_value_t = 2008)]
        seed: u64,
    },
    /// Import ratings or views into a .deanon store.
    Import {
        /// Input file or folder.
        path: PathBuf,
        /// Input format: csv (header user,item[,rating][,date]), netflix (training_set folder or
        /// combined_data_*.txt), movielens (u.data, ratings.dat, ratings.csv, RecBole .inter).
        #[arg(long)]
        format: Format,
        /// ratings: one entry per user and item (duplicates are errors); views: every event kept.
        #[arg(long, default_value = "ratings")]
        kind: DatasetKind,
        /// Output store.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Generate a synthetic data set.
    Generate {
        /// The shape to imitate: netflix-like, movielens-like or views-like.
        #[arg(long)]
        preset: Preset,
        /// Number of people (default: 480189 netflix-like, 6040 movielens-like, 100000 views-like).
        #[arg(long)]
        users: Option<usize>,
        /// Seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Output store.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Describe a store: counts, density, ratings, dates, supp(i) and activity quantiles.
    Info {
        /// The store.
        data: PathBuf,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Release a data set under a policy: a pipeline of anonymization steps, then new random
    /// record ids. The key (released id -> original id) is written with mode 0600.
    #[command(after_help = deanon::release::spec::steps_help())]
    Release {
        /// The original data.
        data: PathBuf,
        /// The policy: steps joined with '|' (see below), or a .toml file of [[step]] tables.
        #[arg(long)]
        policy: String,
        /// Seed of every random step.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// The released store.
        #[arg(short, long)]
        output: PathBuf,
        /// The key file (released_id,original_id; mode 0600).
        #[arg(long)]
        key: PathBuf,
        /// Also measure the policy's cost and write it as JSON.
        #[arg(long, value_name = "U.json")]
        utility: Option<PathBuf>,
    },
    /// Sample auxiliary information (what an adversary knows) from the original data.
    Aux {
        /// The original data (not the release).
        data: PathBuf,
        /// Number of targets.
        #[arg(long, default_value_t = aux_defaults::TARGETS)]
        targets: usize,
        /// Facts per target (M).
        #[arg(long, default_value_t = aux_defaults::ITEMS)]
        items: usize,
        /// Completely wrong facts among them (K): "M-K of M".
        #[arg(long, default_value_t = aux_defaults::WRONG)]
        wrong: usize,
        /// Each kept rating moves by a uniform amount in [-R, R] stars.
        #[arg(long, default_value_t = aux_defaults::RATING_ERROR, value_name = "R")]
        rating_error: f64,
        /// Each kept date shifts uniformly in [-D, D] days.
        #[arg(long, default_value_t = aux_defaults::DATE_ERROR, value_name = "D")]
        date_error: u32,
        /// Facts carry no dates.
        #[arg(long)]
        no_dates: bool,
        /// Facts carry no ratings.
        #[arg(long)]
        no_ratings: bool,
        /// uniform, or rare:TOP (only items outside the TOP most-rated).
        #[arg(long, default_value = aux_defaults::SELECT)]
        select: Selection,
        /// Release key: targets are drawn from people in the release.
        #[arg(long)]
        key: Option<PathBuf>,
        /// With --key: this many extra aux records of people NOT in the release.
        #[arg(long, default_value_t = 0)]
        non_members: usize,
        /// Also know each target's number of ratings within this relative error (e.g. 0.5).
        #[arg(long, default_value_t = aux_defaults::COUNT_ERROR, value_name = "E")]
        count_error: f64,
        /// Seed.
        #[arg(long, default_value_t = aux_defaults::SEED)]
        seed: u64,
        /// Output aux CSV.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Link aux records to released records (Scoreboard-RH, Scoreboard-RH-norm or Scoreboard).
    Attack {
        /// The released data.
        release: PathBuf,
        /// Aux CSV (aux_id,item,rating,date[,true_user]).
        #[arg(long)]
        aux: PathBuf,
        /// Release key: report candidates and compare the truth in original ids.
        #[arg(long)]
        key: Option<PathBuf>,
        /// The linkage algorithm.
        #[arg(long, default_value = attack_defaults::ALGORITHM, long_help = Algorithm::help())]
        algorithm: Algorithm,
        /// Rating scale of the similarity, stars (scoreboard-rh, scoreboard-rh-norm).
        #[arg(long, default_value_t = attack_defaults::RHO0)]
        rho0: f64,
        /// Date scale of the similarity, days (scoreboard-rh, scoreboard-rh-norm).
        #[arg(long, default_value_t = attack_defaults::D0)]
        d0: f64,
        /// Eccentricity needed to name a match (scoreboard-rh, scoreboard-rh-norm).
        #[arg(long, default_value_t = attack_defaults::PHI)]
        phi: f64,
        /// B in [0, 1]: scores are divided by (1 - B) + B |r| / mean|r| (scoreboard-rh-norm).
        #[arg(long, default_value_t = attack_defaults::LENGTH_NORM, value_name = "B")]
        length_norm: f64,
        /// Rating tolerance, stars (scoreboard).
        #[arg(long, default_value_t = attack_defaults::RATING_TOL)]
        rating_tol: f64,
        /// Date tolerance, days (scoreboard).
        #[arg(long, default_value_t = attack_defaults::DATE_TOL)]
        date_tol: u32,
        /// Relative error of the aux `count` column: records with fewer than count/(1+E) or more
        /// than count/(1-E) entries are ruled out.
        #[arg(long, default_value_t = attack_defaults::COUNT_TOLERANCE, value_name = "E")]
        count_tolerance: f64,
        /// aux_item,release_item CSV linking another catalogue to the release's items.
        #[arg(long)]
        item_map: Option<PathBuf>,
        /// Know the release's published policy (recorded in the release by `deanon release`):
        /// map the aux facts into the release's representation (dates rounded to its unit,
        /// kinds it dropped left out) and widen rho0, d0 and the tolerances by its noise.
        #[arg(long)]
        informed: bool,
        /// Seed (scoreboard's pick among candidates; bootstrap intervals).
        #[arg(long, default_value_t = attack_defaults::SEED)]
        seed: u64,
        /// Bootstrap resamples for the 95% intervals.
        #[arg(long, default_value_t = 1000)]
        bootstrap: usize,
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
    },
    /// Run an experiment: a TOML grid of policies, aux settings and attack parameters.
    Experiment {
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
    },
    /// Nearest-neighbour similarity curve of a data set (paper Fig. 1).
    Sparsity {
        /// The data.
        data: PathBuf,
        /// Records to sample.
        #[arg(long, default_value_t = 1000)]
        sample: usize,
        /// Seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Output CSV (x,items_only,exact_ratings); standard output when absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Audit a data set before release: per-person risk under a battery of adversaries, unicity,
    /// the cost of each candidate policy, a recommendation, and a report for the browser.
    Audit {
        /// The original data (not a release).
        data: PathBuf,
        /// A candidate release policy (repeat for several); the baseline, pseudonymization
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
        /// The policy-blind battery with the default attack only, as audits of earlier versions
        /// ran it: no adversary knows the published policy, none searches its attack.
        #[arg(long)]
        naive: bool,
        /// Tuning people per policy (one draw each, never among the people reported), on whom
        /// each adversary chooses its attack.
        #[arg(long, default_value_t = audit_defaults::TUNING, value_name = "N")]
        tuning: usize,
        /// Finish an interrupted audit: compute only the missing policies.
        #[arg(long)]
        resume: bool,
        /// Output folder (report.html, audit.json, risk.csv, plots).
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Unicity (de Montjoye et al. 2013): how often p points of a person's data are theirs
    /// alone.
    Unicity {
        /// The data.
        data: PathBuf,
        /// Points per draw, comma-separated.
        #[arg(long, value_delimiter = ',', default_values_t = unicity_defaults::POINTS)]
        points: Vec<usize>,
        /// What a point holds besides the item, comma-separated: items, items+ratings,
        /// items+days, items+ratings+days (default: every kind the data supports).
        #[arg(long, value_delimiter = ',')]
        knowledge: Vec<Knowledge>,
        /// Days within which a point's day matches (items+days, items+ratings+days).
        #[arg(long, default_value_t = unicity_defaults::DATE_TOL, value_name = "D")]
        date_tol: u32,
        /// People sampled (default: everyone).
        #[arg(long, value_name = "N")]
        sample: Option<usize>,
        /// Draws per person (R).
        #[arg(long, default_value_t = unicity_defaults::DRAWS, value_name = "R")]
        draws: usize,
        /// Seed.
        #[arg(long, default_value_t = unicity_defaults::SEED)]
        seed: u64,
        /// Output CSV (knowledge,points,date_tol,people,draws,unique,unicity,unicity_lo,unicity_hi).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// What a published statement about a group reveals ("the 53 people who watched A Christmas
    /// Prince every day for 18 days"): the cohort's size, whether it singles people out, a
    /// differentially private count, and how far it narrows the search for one of them.
    Cohort {
        /// The data (a store).
        data: PathBuf,
        /// The statement's item (its id in the data; '*' for any item), with --streak or --times.
        #[arg(long, value_name = "ITEM", conflicts_with = "any_of")]
        item: Option<String>,
        /// People with an event of ITEM on each of at least K consecutive days in the window.
        #[arg(long, value_name = "K", requires = "item", conflicts_with = "times")]
        streak: Option<u32>,
        /// People with at least K events of ITEM in the window.
        #[arg(long, value_name = "K", requires = "item")]
        times: Option<u32>,
        /// People holding at least --at-least K distinct items of this list (in the window).
        #[arg(
            long,
            value_name = "ITEM,ITEM,...",
            value_delimiter = ',',
            requires = "at_least"
        )]
        any_of: Option<Vec<String>>,
        /// K for --any-of.
        #[arg(long, value_name = "K", requires = "any_of")]
        at_least: Option<u32>,
        /// First day of the window (YYYY-MM-DD; default: the data's first day).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day of the window (YYYY-MM-DD; default: the data's last day).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Minimum cell size: a smaller cohort singles its members out.
        #[arg(long, default_value_t = cohort_defaults::MIN_CELL, value_name = "C")]
        min_cell: u64,
        /// Also release the count with the two-sided geometric mechanism at this epsilon.
        #[arg(long, value_name = "E")]
        epsilon: Option<f64>,
        /// Facts of the target the adversary knows besides the statement (other items).
        #[arg(long, default_value_t = cohort_defaults::FACTS, value_name = "M")]
        facts: usize,
        /// Error of those facts' dates, days.
        #[arg(long, default_value_t = cohort_defaults::DATE_ERROR, value_name = "D")]
        date_error: u32,
        /// Cohort members attacked at most (a seeded sample of larger cohorts).
        #[arg(long, default_value_t = cohort_defaults::TARGETS, value_name = "N")]
        targets: usize,
        /// Aux draws per member attacked.
        #[arg(long, default_value_t = cohort_defaults::DRAWS, value_name = "R")]
        draws: usize,
        /// Seed.
        #[arg(long, default_value_t = cohort_defaults::SEED)]
        seed: u64,
        /// Print the JSON report instead of the table.
        #[arg(long)]
        json: bool,
        /// Output JSON report.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Write a store as generic CSV (user,item,rating,date).
    Export {
        /// The store.
        data: PathBuf,
        /// Output CSV.
        #[arg(short, long)]
        output: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A parameter's error names the parameter; here it came from its flag.
            match e.downcast_ref::<deanon::Error>() {
                Some(deanon::Error::Parameter { name, .. }) => {
                    eprintln!("deanon: error: --{}: {e:#}", name.replace('_', "-"))
                }
                _ => eprintln!("deanon: error: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    deanon::progress::set_enabled(!cli.quiet);
    if let Some(t) = cli.threads {
        anyhow::ensure!(t > 0, "--threads must be at least 1");
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()
            .context("could not start the thread pool")?;
    }
    match cli.command {
        Command::Demo {
            output,
            users,
            seed,
        } => {
            let params = deanon::demo::DemoParams {
                out_dir: output,
                users,
                seed,
                ..Default::default()
            };
            print!("{}", deanon::demo::run(&params)?);
        }
        Command::Import {
            path,
            format,
            kind,
            output,
        } => {
            let written = deanon::jobs::import(&path, format, kind, &output)?;
            if !cli.quiet {
                eprintln!(
                    "imported {} entries of {} records and {} items into {}",
                    written.entries,
                    written.records,
                    written.items,
                    output.display()
                );
            }
        }
        Command::Generate {
            preset,
            users,
            seed,
            output,
        } => {
            let mut params = GenerateParams::new(preset).seed(seed);
            params.users = users;
            let written = deanon::jobs::generate(&params, &output)?;
            if !cli.quiet {
                eprintln!(
                    "generated {} entries of {} records and {} items into {}",
                    written.entries,
                    written.records,
                    written.items,
                    output.display()
                );
                if let Some(title) = deanon::dataset::generate::seasonal_title(&params) {
                    eprintln!(
                        "seasonal title (binged every day for weeks in December by a few): {title}"
                    );
                }
            }
        }
        Command::Info { data, json } => print!("{}", deanon::jobs::info(&data, json)?),
        Command::Aux {
            data,
            targets,
            items,
            wrong,
            rating_error,
            date_error,
            no_dates,
            no_ratings,
            select,
            key,
            non_members,
            count_error,
            seed,
            output,
        } => {
            let params = AuxParams {
                targets,
                items,
                wrong,
                rating_error,
                date_error,
                dates: !no_dates,
                ratings: !no_ratings,
                select,
                non_members,
                count_error,
                seed,
            };
            let job = deanon::jobs::AuxJob {
                data,
                params,
                key,
                output,
            };
            let (written, skipped) = deanon::jobs::sample_aux(&job)?;
            if skipped > 0 {
                eprintln!(
                    "deanon: warning: skipped {skipped} targets with fewer than {items} usable facts"
                );
            }
            if !cli.quiet {
                eprintln!("wrote {written} aux records to {}", job.output.display());
            }
        }
        Command::Attack {
            release,
            aux,
            key,
            algorithm,
            rho0,
            d0,
            phi,
            length_norm,
            rating_tol,
            date_tol,
            count_tolerance,
            item_map,
            informed,
            seed,
            bootstrap,
            output,
            summary,
            cluster,
            resume,
        } => {
            let params = AttackParams::builder()
                .algorithm(algorithm)
                .rho0(rho0)
                .d0(d0)
                .phi(phi)
                .length_norm(length_norm)
                .rating_tol(rating_tol)
                .date_tol(date_tol)
                .seed(seed)
                .count_tolerance(count_tolerance)
                .check()?;
            let job = deanon::jobs::AttackJob {
                release,
                aux,
                key,
                item_map,
                params,
                informed,
                output,
                summary,
                resamples: bootstrap,
                executor: cluster.executor(),
                resume,
            };
            match deanon::jobs::attack(&job)? {
                Some(report) => {
                    for w in &report.warnings {
                        eprintln!("deanon: warning: {w}");
                    }
                    if !cli.quiet {
                        print!("{}", report.summary.to_text());
                    }
                }
                None => {
                    if !cli.quiet {
                        eprintln!("done; process 0 writes the outputs");
                    }
                }
            }
        }
        Command::Release {
            data,
            policy,
            seed,
            output,
            key,
            utility,
        } => {
            let job = deanon::jobs::ReleaseJob {
                data,
                policy,
                seed,
                output,
                key,
                utility,
            };
            let report = deanon::jobs::release(&job)?;
            if !cli.quiet {
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
            }
        }
        Command::Experiment {
            config,
            output,
            resume,
            data,
            cluster,
        } => {
            let summary = deanon::jobs::experiment(
                &config,
                &output,
                resume,
                data.as_deref(),
                &cluster.executor(),
            )?;
            if !cli.quiet {
                print!("{summary}");
            }
        }
        Command::Sparsity {
            data,
            sample,
            seed,
            output,
        } => {
            print!(
                "{}",
                deanon::jobs::sparsity(&data, sample, seed, output.as_deref())?
            );
        }
        Command::Audit {
            data,
            policies,
            adversaries,
            target_risk,
            sample,
            draws,
            everyone,
            seed,
            naive,
            tuning,
            resume,
            output,
            cluster,
        } => {
            let params = AuditParams {
                policies,
                target_risk,
                sample,
                draws,
                everyone,
                seed,
                naive,
                tuning,
                ..AuditParams::default()
            };
            let audit = deanon::jobs::audit(
                &data,
                &params,
                adversaries.as_deref(),
                &output,
                resume,
                &cluster.executor(),
            )?;
            if let Some(audit) = audit
                && !cli.quiet
            {
                println!("{}", audit.verdict);
                println!(
                    "report: {}\nresults: audit.json, risk.csv (names people: mode 0600), plots (SVG and PNG) in {}",
                    output.join("report.html").display(),
                    output.display()
                );
            }
        }
        Command::Unicity {
            data,
            points,
            knowledge,
            date_tol,
            sample,
            draws,
            seed,
            output,
        } => {
            let params = UnicityParams {
                points,
                knowledge,
                date_tol,
                sample,
                draws,
                seed,
                ..UnicityParams::default()
            };
            let rows = deanon::jobs::unicity(&data, &params, &output)?;
            if !cli.quiet {
                print!("{}", deanon::dataset::unicity::to_text(&rows));
            }
        }
        Command::Cohort {
            data,
            item,
            streak,
            times,
            any_of,
            at_least,
            from,
            to,
            min_cell,
            epsilon,
            facts,
            date_error,
            targets,
            draws,
            seed,
            json,
            output,
        } => {
            let statement = Statement::from_options(item, streak, times, any_of, at_least)?;
            let mut params = CohortParams::new(statement);
            params.from = from;
            params.to = to;
            params.min_cell = min_cell;
            params.epsilon = epsilon;
            params.knowledge.facts = facts;
            params.knowledge.date_error = date_error;
            params.knowledge.targets = targets;
            params.knowledge.draws = draws;
            params.knowledge.seed = seed;
            let (_, text) = deanon::jobs::cohort(&data, &params, &output, json)?;
            if json || !cli.quiet {
                print!("{text}");
            }
        }
        Command::Export { data, output } => deanon::jobs::export(&data, &output)?,
    }
    Ok(())
}
