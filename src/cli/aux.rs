//! `deanon aux`.

use std::path::PathBuf;

use deanon::auxiliary::sampler::{AuxParams, Selection, defaults as aux_defaults};

/// `deanon aux`.
#[derive(clap::Args)]
pub struct AuxArgs {
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
    #[arg(long, default_value_t = AuxParams::default().non_members)]
    non_members: usize,
    /// Also know each target's number of ratings within this relative error (e.g. 0.5).
    #[arg(long, default_value_t = aux_defaults::COUNT_ERROR, value_name = "E")]
    count_error: f64,
    /// Attributes of the people table the adversary also knows, comma-separated (e.g.
    /// age,gender,zip_code); with them --items 0 means attributes only.
    #[arg(long, value_delimiter = ',')]
    attributes: Vec<String>,
    /// A numeric attribute known only within +-E, comma-separated NAME=E (e.g. age=2): the aux
    /// holds a range of width 2E that holds the truth, its centre off by up to E.
    #[arg(long, value_delimiter = ',', value_name = "NAME=E", value_parser = deanon::auxiliary::sampler::parse_attribute_error)]
    attribute_error: Vec<(String, u32)>,
    /// Seed.
    #[arg(long, default_value_t = aux_defaults::SEED)]
    seed: u64,
    /// Output aux CSV.
    #[arg(short, long)]
    output: PathBuf,
}

impl AuxArgs {
    pub fn run(self) -> anyhow::Result<()> {
        let items = self.items;
        let params = AuxParams {
            targets: self.targets,
            items,
            wrong: self.wrong,
            rating_error: self.rating_error,
            date_error: self.date_error,
            dates: !self.no_dates,
            ratings: !self.no_ratings,
            select: self.select,
            non_members: self.non_members,
            count_error: self.count_error,
            seed: self.seed,
            attributes: self.attributes,
            attribute_errors: self.attribute_error,
            up_to: false,
        };
        let job = deanon::jobs::AuxJob {
            data: self.data,
            params,
            key: self.key,
            output: self.output,
        };
        let (written, skipped) = deanon::jobs::sample_aux(&job)?;
        if skipped > 0 {
            eprintln!(
                "deanon: warning: skipped {skipped} targets with fewer than {items} usable facts"
            );
        }
        eprintln!("wrote {written} aux records to {}", job.output.display());
        Ok(())
    }
}
