//! The `deanon` command line: parses arguments, calls the library, prints.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use deanon::dataset::generate::{GenerateParams, Preset};
use deanon::dataset::import::Format;
use deanon::dataset::{DatasetKind, export, import, store, summary};

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

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Netflix,
    Movielens,
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Ratings,
    Views,
}

#[derive(Clone, Copy, ValueEnum)]
#[allow(clippy::enum_variant_names)] // the names are the preset names users type
enum PresetArg {
    NetflixLike,
    MovielensLike,
    ViewsLike,
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
        #[arg(long, value_enum)]
        format: FormatArg,
        /// ratings: one entry per user and item (duplicates are errors); views: every event kept.
        #[arg(long, value_enum, default_value = "ratings")]
        kind: KindArg,
        /// Output store.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Generate a synthetic data set.
    Generate {
        /// The shape to imitate.
        #[arg(long, value_enum)]
        preset: PresetArg,
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
            eprintln!("deanon: error: {e:#}");
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
            };
            print!("{}", deanon::demo::run(&params)?);
        }
        Command::Import {
            path,
            format,
            kind,
            output,
        } => {
            let format = match format {
                FormatArg::Csv => Format::Csv,
                FormatArg::Netflix => Format::Netflix,
                FormatArg::Movielens => Format::Movielens,
            };
            let kind = match kind {
                KindArg::Ratings => DatasetKind::Ratings,
                KindArg::Views => DatasetKind::Views,
            };
            let data = import::import(&path, format, kind)?;
            deanon::progress::timed("save", || store::save(&data, &output))?;
            if !cli.quiet {
                eprintln!(
                    "imported {} entries of {} records and {} items into {}",
                    data.num_entries(),
                    data.num_records(),
                    data.num_items(),
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
            let preset = match preset {
                PresetArg::NetflixLike => Preset::NetflixLike,
                PresetArg::MovielensLike => Preset::MovielensLike,
                PresetArg::ViewsLike => Preset::ViewsLike,
            };
            let mut params = GenerateParams::new(preset).seed(seed);
            params.users = users;
            let data = deanon::dataset::generate::generate(&params)?;
            store::save(&data, &output)?;
            if !cli.quiet {
                eprintln!(
                    "generated {} entries of {} records and {} items into {}",
                    data.num_entries(),
                    data.num_records(),
                    data.num_items(),
                    output.display()
                );
            }
        }
        Command::Info { data, json } => {
            let dataset = store::open(&data)?;
            let s = summary::summarize(&dataset);
            if json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                print!("{}", s.to_text());
            }
        }
        Command::Export { data, output } => {
            let dataset = store::open(&data)?;
            export::export_csv(&dataset, &output)?;
        }
    }
    Ok(())
}
