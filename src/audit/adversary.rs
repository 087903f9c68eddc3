//! The adversaries an audit measures: what each knows about a target (the aux settings of
//! `deanon aux`), the standard battery, and the TOML file that replaces it.
//!
//! ```toml
//! [[adversary]]
//! name = "8 ratings, dates +-14 days"
//! facts = 8
//! wrong = 0            # optional, default 0
//! date_error = 14      # optional, default 14
//! rating_error = 0     # optional, default 0
//! dates = true         # optional, default true
//! ratings = true       # optional, default true
//! select = "uniform"   # optional: uniform or rare:TOP
//! attributes = ["age", "gender"]   # optional: people's attributes also known (facts may be 0)
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::auxiliary::sampler::{AuxParams, Selection};
use crate::dataset::Dataset;
use crate::{Error, Result};

/// What one adversary knows about a target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adversary {
    /// A short name for tables.
    pub name: String,
    /// Facts known (M).
    pub facts: usize,
    /// Completely wrong facts among them (K).
    #[serde(default)]
    pub wrong: usize,
    /// Date error, days.
    #[serde(default = "fourteen")]
    pub date_error: u32,
    /// Rating error, stars.
    #[serde(default)]
    pub rating_error: f64,
    /// Whether facts carry dates.
    #[serde(default = "yes")]
    pub dates: bool,
    /// Whether facts carry ratings.
    #[serde(default = "yes")]
    pub ratings: bool,
    /// Which items facts come from.
    #[serde(default = "uniform")]
    pub select: Selection,
    /// People's attributes the adversary also knows, exactly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
    /// A person with fewer usable entries than `facts` gives all of theirs (with proportionally
    /// fewer wrong facts), so that everyone sampled is attacked and counted. Set by the audit
    /// for every adversary unless it is `--naive`; not read from an adversaries file.
    #[serde(skip)]
    pub up_to: bool,
}

fn fourteen() -> u32 {
    14
}
fn yes() -> bool {
    true
}
fn uniform() -> Selection {
    Selection::Uniform
}

impl Adversary {
    fn new(name: &str, facts: usize, wrong: usize, date_error: u32) -> Adversary {
        Adversary {
            name: name.to_string(),
            facts,
            wrong,
            date_error,
            rating_error: 0.0,
            dates: true,
            ratings: true,
            select: Selection::Uniform,
            attributes: Vec::new(),
            up_to: false,
        }
    }

    /// The adversaries added to the battery for data with a people table: one who knows the
    /// people's attributes (`names`, all of the table's) and nothing else, and one who also
    /// knows 2 facts with dates +-3 days (the battery's first adversary, with the attributes
    /// beside its facts).
    pub fn with_attributes(names: &[String]) -> Vec<Adversary> {
        let all = names.join(", ");
        vec![
            Adversary {
                attributes: names.to_vec(),
                ..Adversary::new(&format!("attributes only ({all})"), 0, 0, 14)
            },
            Adversary {
                attributes: names.to_vec(),
                ..Adversary::new(
                    &format!("attributes ({all}) + 2 facts, dates +-3 d"),
                    2,
                    0,
                    3,
                )
            },
        ]
    }

    /// The standard battery: 2 facts, dates +-3 days; 3 of 4, +-14; 6 of 8, +-14; 6 facts
    /// outside the top 500, no dates; 4 facts with ratings +-1 and no dates.
    pub fn battery() -> Vec<Adversary> {
        vec![
            Adversary::new("2 facts, dates +-3 d", 2, 0, 3),
            Adversary::new("3 of 4 facts, dates +-14 d", 4, 1, 14),
            Adversary::new("6 of 8 facts, dates +-14 d", 8, 2, 14),
            Adversary {
                dates: false,
                select: Selection::Rare(500),
                ..Adversary::new("6 rare facts (outside the top 500), no dates", 6, 0, 0)
            },
            Adversary {
                dates: false,
                rating_error: 1.0,
                ..Adversary::new("4 facts, ratings +-1, no dates", 4, 0, 0)
            },
        ]
    }

    /// Reads a `[[adversary]]` file.
    pub fn read(path: &Path) -> Result<Vec<Adversary>> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            adversary: Vec<Adversary>,
        }
        let (file, _): (File, String) = crate::atomic_file::read_toml(path)?;
        if file.adversary.is_empty() {
            return Err(Error::input(path, "lists no [[adversary]]"));
        }
        for (k, a) in file.adversary.iter().enumerate() {
            a.aux_params(0).check().map_err(|e| {
                // The sampler names its own parameters; the file calls M `facts`.
                let message = match e {
                    Error::Parameter {
                        name: "items",
                        message,
                    } => message.replacen("items", "facts", 1),
                    e => e.to_string(),
                };
                Error::input(path, format!("adversary '{}': {message}", a.name))
            })?;
            if file.adversary[..k].iter().any(|b| b.name == a.name) {
                return Err(Error::input(
                    path,
                    format!(
                        "two adversaries are named '{}' (name must be unique: risk.csv rows are told apart by it)",
                        a.name
                    ),
                ));
            }
        }
        Ok(file.adversary)
    }

    /// The adversary against `release`: a kind of fact the release has dropped (dates,
    /// ratings), and an attribute it does not carry (unless its recorded policy dropped it,
    /// which the attack allows for), are of no use and are left out. Returns the adjusted
    /// adversary and what was left out, if anything.
    pub fn against(&self, release: &Dataset) -> (Adversary, Option<String>) {
        let mut a = self.clone();
        let mut dropped = Vec::new();
        if a.dates && !release.has_dates() {
            a.dates = false;
            dropped.push("dates".to_string());
        }
        if a.ratings && !release.has_ratings() {
            a.ratings = false;
            dropped.push("ratings".to_string());
        }
        let (kept, unknown): (Vec<String>, Vec<String>) = std::mem::take(&mut a.attributes)
            .into_iter()
            .partition(|name| crate::attack::query::knows_attribute(release, name));
        a.attributes = kept;
        dropped.extend(unknown);
        let note = (!dropped.is_empty()).then(|| {
            let what = match dropped.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => dropped.join(""),
            };
            // "dates are", "age is".
            let one_attribute = dropped.len() == 1 && !matches!(&*dropped[0], "dates" | "ratings");
            let verb = if one_attribute { "is" } else { "are" };
            format!("the release has no {what}: this adversary's {what} {verb} left out")
        });
        (a, note)
    }

    /// Whether the adversary knows nothing at all: no fact, no attribute (what is left of one
    /// who knows only attributes that a release does not carry). It names nobody.
    pub fn knows_nothing(&self) -> bool {
        self.facts == 0 && self.attributes.is_empty()
    }

    /// The sampling parameters of this adversary's aux records, with `seed`.
    pub fn aux_params(&self, seed: u64) -> AuxParams {
        AuxParams {
            items: self.facts,
            wrong: self.wrong,
            rating_error: self.rating_error,
            date_error: self.date_error,
            dates: self.dates,
            ratings: self.ratings,
            select: self.select,
            seed,
            attributes: self.attributes.clone(),
            up_to: self.up_to,
            ..AuxParams::default()
        }
    }
}
