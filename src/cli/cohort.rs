//! `deanon cohort`.

use std::path::PathBuf;

use deanon::cohort::{CohortOptions, defaults as cohort_defaults};

/// `deanon cohort`.
#[derive(clap::Args)]
pub struct CohortArgs {
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
}

impl CohortArgs {
    pub fn run(self) -> anyhow::Result<()> {
        let params = CohortOptions {
            item: self.item,
            streak: self.streak,
            times: self.times,
            any_of: self.any_of,
            at_least: self.at_least,
            from_date: self.from,
            to_date: self.to,
            min_cell: Some(self.min_cell),
            epsilon: self.epsilon,
            facts: Some(self.facts),
            date_error: Some(self.date_error),
            targets: Some(self.targets),
            draws: Some(self.draws),
            seed: Some(self.seed),
        }
        .params()?;
        let (_, text) = deanon::jobs::cohort(&self.data, &params, &self.output, self.json)?;
        super::print_result(&text, [self.output.as_path()]);
        Ok(())
    }
}
