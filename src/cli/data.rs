//! The commands that make, describe and measure a data set: `demo`, `import`, `generate`,
//! `info`, `export`, `sparsity`, `unicity`.

use std::path::PathBuf;

use deanon::dataset::DatasetKind;
use deanon::dataset::generate::{GenerateParams, Preset};
use deanon::dataset::import::Format;
use deanon::dataset::sparsity::defaults as sparsity_defaults;
use deanon::dataset::unicity::{Knowledge, UnicityParams, defaults as unicity_defaults};
use deanon::demo::DemoParams;

/// `deanon demo`.
#[derive(clap::Args)]
pub struct DemoArgs {
    /// Output folder.
    #[arg(short, long, default_value = "deanon-demo")]
    output: PathBuf,
    /// Number of synthetic people.
    #[arg(long, default_value_t = DemoParams::default().users)]
    users: usize,
    /// Seed.
    #[arg(long, default_value_t = DemoParams::default().seed)]
    seed: u64,
}

impl DemoArgs {
    pub fn run(self) -> anyhow::Result<()> {
        let params = DemoParams {
            out_dir: self.output,
            users: self.users,
            seed: self.seed,
            ..Default::default()
        };
        print!("{}", deanon::demo::run(&params)?);
        Ok(())
    }
}

/// `deanon import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// Input file or folder.
    path: PathBuf,
    /// Input format: csv (header user,item[,rating][,date]), netflix (training_set folder or
    /// combined_data_*.txt), movielens (u.data, ratings.dat, ratings.csv, RecBole .inter).
    #[arg(long)]
    format: Format,
    /// ratings: one entry per user and item (duplicates are errors); views: every event kept.
    #[arg(long, default_value = "ratings")]
    kind: DatasetKind,
    /// People's attributes: CSV with a header user,<attribute>,... (MovieLens imports read
    /// u.user, users.dat or RecBole's .user beside the ratings without it).
    #[arg(long, value_name = "PEOPLE.csv")]
    people: Option<PathBuf>,
    /// The public item catalogue: every item that exists, held or not (CSV with `item` first
    /// in its header; MovieLens and Netflix Prize imports read u.item, movies.dat, a RecBole
    /// .item or movie_titles.txt beside the ratings without it). `dp` needs it.
    #[arg(long, value_name = "CATALOGUE.csv")]
    items: Option<PathBuf>,
    /// The public rating scale in stars, MIN..MAX:STEP (e.g. 1..5:1, 0.5..5:0.5; the Netflix
    /// Prize and MovieLens 100k define 1..5:1). `dp` needs it for rated data.
    #[arg(long, value_name = "MIN..MAX:STEP", value_parser = parse_scale)]
    rating_scale: Option<deanon::dataset::RatingScale>,
    /// Output store.
    #[arg(short, long)]
    output: PathBuf,
}

fn parse_scale(text: &str) -> Result<deanon::dataset::RatingScale, String> {
    deanon::dataset::import::declared::parse_scale(text)
}

impl ImportArgs {
    pub fn run(self) -> anyhow::Result<()> {
        let written = deanon::jobs::import(
            &self.path,
            self.format,
            self.kind,
            deanon::dataset::import::Sources {
                people: self.people.as_deref(),
                items: self.items.as_deref(),
                rating_scale: self.rating_scale,
            },
            &self.output,
        )?;
        for w in &written.warnings {
            eprintln!("deanon: warning: {w}");
        }
        eprintln!(
            "imported {} entries of {} records and {} items into {}",
            written.entries,
            written.records,
            written.items,
            self.output.display()
        );
        if !written.attributes.is_empty() {
            eprintln!("with the attributes {}", written.attributes.join(", "));
        }
        Ok(())
    }
}

/// `deanon generate`.
#[derive(clap::Args)]
pub struct GenerateArgs {
    /// The shape to imitate: netflix-like, movielens-like or views-like.
    #[arg(long)]
    preset: Preset,
    /// Number of people (default: 480189 netflix-like, 6040 movielens-like, 100000 views-like).
    #[arg(long)]
    users: Option<usize>,
    /// Seed.
    #[arg(long, default_value_t = deanon::dataset::generate::DEFAULT_SEED)]
    seed: u64,
    /// Leave out the people's synthetic attributes (age, gender, region).
    #[arg(long)]
    no_attributes: bool,
    /// Output store.
    #[arg(short, long)]
    output: PathBuf,
}

impl GenerateArgs {
    pub fn run(self) -> anyhow::Result<()> {
        let mut params = GenerateParams::new(self.preset)
            .seed(self.seed)
            .attributes(!self.no_attributes);
        params.users = self.users;
        let written = deanon::jobs::generate(&params, &self.output)?;
        eprintln!(
            "generated {} entries of {} records and {} items into {}",
            written.entries,
            written.records,
            written.items,
            self.output.display()
        );
        if let Some(title) = deanon::dataset::generate::seasonal_title(&params) {
            eprintln!("seasonal title (binged every day for weeks in December by a few): {title}");
        }
        Ok(())
    }
}

/// `deanon info`.
#[derive(clap::Args)]
pub struct InfoArgs {
    /// The store.
    data: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

impl InfoArgs {
    pub fn run(self) -> anyhow::Result<()> {
        print!("{}", deanon::jobs::info(&self.data, self.json)?);
        Ok(())
    }
}

/// `deanon export`.
#[derive(clap::Args)]
pub struct ExportArgs {
    /// The store.
    data: PathBuf,
    /// Output CSV.
    #[arg(short, long)]
    output: PathBuf,
    /// Also write the people table here (user,<attribute>,...; a suppressed value is blank).
    #[arg(long, value_name = "PEOPLE-OUT.csv")]
    people: Option<PathBuf>,
    /// Also write the declared item catalogue here (header `item`), which `deanon import
    /// --items` reads back.
    #[arg(long, value_name = "CATALOGUE-OUT.csv")]
    items: Option<PathBuf>,
}

impl ExportArgs {
    pub fn run(self) -> anyhow::Result<()> {
        Ok(deanon::jobs::export(
            &self.data,
            &self.output,
            self.people.as_deref(),
            self.items.as_deref(),
        )?)
    }
}

/// `deanon sparsity`.
#[derive(clap::Args)]
pub struct SparsityArgs {
    /// The data.
    data: PathBuf,
    /// Records to sample.
    #[arg(long, default_value_t = sparsity_defaults::SAMPLE)]
    sample: usize,
    /// Seed.
    #[arg(long, default_value_t = sparsity_defaults::SEED)]
    seed: u64,
    /// Output CSV (x,items_only,exact_ratings); standard output when absent.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

impl SparsityArgs {
    pub fn run(self) -> anyhow::Result<()> {
        let table =
            deanon::jobs::sparsity(&self.data, self.sample, self.seed, self.output.as_deref())?;
        print!("{table}");
        Ok(())
    }
}

/// `deanon unicity`.
#[derive(clap::Args)]
pub struct UnicityArgs {
    /// The data.
    data: PathBuf,
    /// Points per draw, comma-separated (with --attributes, 0 means the attributes alone).
    #[arg(long, value_delimiter = ',', default_values_t = unicity_defaults::POINTS)]
    points: Vec<usize>,
    /// Attributes of the people table the adversary knows besides the points, comma-separated
    /// (e.g. age,gender,zip_code).
    #[arg(long, value_delimiter = ',')]
    attributes: Vec<String>,
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
    /// Output CSV (knowledge,points,date_tol,people,draws,unique,unicity,unicity_lo,unicity_hi,
    /// attributes).
    #[arg(short, long)]
    output: PathBuf,
}

impl UnicityArgs {
    pub fn run(self) -> anyhow::Result<()> {
        let params = UnicityParams {
            points: self.points,
            knowledge: self.knowledge,
            attributes: self.attributes,
            date_tol: self.date_tol,
            sample: self.sample,
            draws: self.draws,
            seed: self.seed,
        };
        let (rows, warnings) = deanon::jobs::unicity(&self.data, &params, &self.output)?;
        for w in &warnings {
            eprintln!("deanon: warning: {w}");
        }
        super::print_result(
            &deanon::dataset::unicity::to_text(&rows),
            [self.output.as_path()],
        );
        Ok(())
    }
}
