//! Published statements about small groups: "To the 53 people who've watched A Christmas
//! Prince every day for the past 18 days: who hurt you?" ([`analyse`]).
//!
//! A statement names a cohort (selected by `dataset::cohort`: a streak of days, a number of
//! events, or K items of a list, inside a window). What its publication reveals:
//! - the cohort's size, and whether it is below the minimum cell size (an empty cohort counts:
//!   "nobody did X" is a statement about each person);
//! - with epsilon, the count as the two-sided geometric mechanism would release it ([`dp`]);
//! - what an adversary who knows that their target is in the cohort, plus M more facts,
//!   achieves among the cohort's records against among everyone's ([`adversary`]).
//!
//! The report is deterministic: the same data, statement and seed give the same JSON.

pub mod adversary;
pub mod dp;
pub mod inference;

use std::fmt::Write as _;
use std::sync::Arc;

use serde::Serialize;

use crate::attack::AttackParams;
use crate::dataset::cohort::{self, Rule, Subject, Window};
use crate::dataset::values::{day_to_iso, parse_date};
use crate::dataset::{Dataset, DatasetKind, ItemIdx};
use crate::rng::Rng;
use crate::rng::streams;
use crate::{Error, Result};

pub use adversary::{Haystack, Haystacks, Knowledge};

/// The defaults of `deanon cohort`.
pub mod defaults {
    /// Minimum cell size: smaller published counts single people out.
    pub const MIN_CELL: u64 = 10;
    /// Facts the adversary knows besides the statement (M).
    pub const FACTS: usize = 2;
    /// Error of those facts' dates, days (D).
    pub const DATE_ERROR: u32 = 3;
    /// Cohort members attacked at most.
    pub const TARGETS: usize = 1000;
    /// Aux draws per member.
    pub const DRAWS: usize = 10;
    /// Seed.
    pub const SEED: u64 = 0;
}

/// The item that stands for every item in a streak or a count (`--item '*'`).
pub const ANY_ITEM: &str = "*";

/// A statement's rule, in the data's external item ids.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// On each of at least `days` consecutive days, an event of `item`.
    Streak {
        /// The item's id, or [`ANY_ITEM`].
        item: String,
        /// K.
        days: u32,
    },
    /// At least `count` events of `item`.
    Times {
        /// The item's id, or [`ANY_ITEM`].
        item: String,
        /// K.
        count: u32,
    },
    /// At least `at_least` distinct items of `items`.
    AnyOf {
        /// The items' ids.
        items: Vec<String>,
        /// K.
        at_least: u32,
    },
}

impl Statement {
    /// The statement the command line's (or the Python package's) options describe: `item`
    /// with `streak` or `times`, or `any_of` with `at_least`; any other mix is an error that
    /// says what to give.
    pub fn from_options(
        item: Option<String>,
        streak: Option<u32>,
        times: Option<u32>,
        any_of: Option<Vec<String>>,
        at_least: Option<u32>,
    ) -> Result<Statement> {
        match (item, streak, times, any_of, at_least) {
            (Some(item), Some(days), None, None, None) => Ok(Statement::Streak { item, days }),
            (Some(item), None, Some(count), None, None) => Ok(Statement::Times { item, count }),
            (None, None, None, Some(items), Some(at_least)) => {
                Ok(Statement::AnyOf { items, at_least })
            }
            (Some(_), None, None, None, None) => Err(Error::InvalidArgument(
                "--item needs --streak K or --times K (in Python: item= needs streak= or times=)"
                    .into(),
            )),
            _ => Err(Error::InvalidArgument(
                "give the statement: --item ITEM with --streak K or --times K, or --any-of ITEM,ITEM,... with --at-least K \
                 (in Python: item= with streak= or times=, or any_of= with at_least=)"
                    .into(),
            )),
        }
    }
}

/// What to analyse.
#[derive(Clone, Debug)]
pub struct CohortParams {
    /// The statement.
    pub statement: Statement,
    /// First day of the window (`YYYY-MM-DD` or Unix seconds); the data's first day when none.
    pub from: Option<String>,
    /// Last day of the window; the data's last day when none.
    pub to: Option<String>,
    /// Minimum cell size C.
    pub min_cell: u64,
    /// Epsilon of the differentially private count, if one is to be released.
    pub epsilon: Option<f64>,
    /// The adversary's knowledge besides the statement, and the draws that measure it.
    pub knowledge: Knowledge,
}

/// A cohort analysis as its user states it, each option left out at its default: the statement
/// (`item` with `streak` or `times`, or `any_of` with `at_least`), the window, the disclosure
/// control and the adversary's knowledge. `deanon cohort` fills it from its flags and Python's
/// `cohort` reads its keywords into it (serde, by these names), so both build the same
/// [`CohortParams`] the same way.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CohortOptions {
    /// The statement's item (its id; [`ANY_ITEM`] for any), with `streak` or `times`.
    pub item: Option<String>,
    /// K consecutive days with an event of `item`.
    pub streak: Option<u32>,
    /// K events of `item`.
    pub times: Option<u32>,
    /// Items of which a member holds at least `at_least`.
    pub any_of: Option<Vec<String>>,
    /// K for `any_of`.
    pub at_least: Option<u32>,
    /// First day of the window.
    pub from_date: Option<String>,
    /// Last day of the window.
    pub to_date: Option<String>,
    /// Minimum cell size C.
    pub min_cell: Option<u64>,
    /// Epsilon of a differentially private count.
    pub epsilon: Option<f64>,
    /// Facts the adversary knows besides the statement.
    pub facts: Option<usize>,
    /// Error of those facts' dates, days.
    pub date_error: Option<u32>,
    /// Members attacked at most.
    pub targets: Option<usize>,
    /// Draws per member attacked.
    pub draws: Option<usize>,
    /// Seed.
    pub seed: Option<u64>,
}

impl CohortOptions {
    /// The analysis these options state ([`Statement::from_options`]), every option left out
    /// at [`CohortParams::new`]'s value.
    pub fn params(self) -> Result<CohortParams> {
        let statement = Statement::from_options(
            self.item,
            self.streak,
            self.times,
            self.any_of,
            self.at_least,
        )?;
        let mut params = CohortParams::new(statement);
        params.from = self.from_date;
        params.to = self.to_date;
        params.epsilon = self.epsilon;
        params.min_cell = self.min_cell.unwrap_or(params.min_cell);
        let k = &mut params.knowledge;
        k.facts = self.facts.unwrap_or(k.facts);
        k.date_error = self.date_error.unwrap_or(k.date_error);
        k.targets = self.targets.unwrap_or(k.targets);
        k.draws = self.draws.unwrap_or(k.draws);
        k.seed = self.seed.unwrap_or(k.seed);
        Ok(params)
    }
}

impl CohortParams {
    /// A statement with every default.
    pub fn new(statement: Statement) -> CohortParams {
        CohortParams {
            statement,
            from: None,
            to: None,
            min_cell: defaults::MIN_CELL,
            epsilon: None,
            knowledge: Knowledge {
                facts: defaults::FACTS,
                date_error: defaults::DATE_ERROR,
                targets: defaults::TARGETS,
                draws: defaults::DRAWS,
                resamples: 1000,
                seed: defaults::SEED,
            },
        }
    }
}

/// The adversary's settings, as reported.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdversaryModel {
    /// The linkage algorithm (its default parameters).
    pub algorithm: &'static str,
    /// Its rating scale, stars.
    pub rho0: f64,
    /// Its date scale, days.
    pub d0: f64,
    /// The eccentricity it needs to name a record (`named_*`).
    pub phi: f64,
    /// Facts known besides the statement (M), of other items.
    pub facts: usize,
    /// Their date error, days (D).
    pub date_error: u32,
    /// Draws per target.
    pub draws: usize,
    /// Cohort members sampled at most.
    pub max_targets: usize,
    /// The seed.
    pub seed: u64,
    /// What "in cohort" searches.
    pub in_cohort_candidates: &'static str,
}

/// What a statement reveals (`deanon cohort`'s JSON).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CohortReport {
    /// The statement in words, with the true count.
    pub statement: String,
    /// `streak`, `times` or `any-of`.
    pub rule: &'static str,
    /// The items (external ids; `*` for any item).
    pub items: Vec<String>,
    /// K.
    pub k: u32,
    /// The window's first day (ISO), `null` without dates.
    pub from: Option<String>,
    /// The window's last day (ISO).
    pub to: Option<String>,
    /// People in the data.
    pub population: usize,
    /// People in the cohort.
    pub cohort_size: usize,
    /// The minimum cell size C.
    pub min_cell: u64,
    /// Whether the cohort is smaller than C (an empty one included).
    pub singles_out: bool,
    /// Epsilon of the released count.
    pub epsilon: Option<f64>,
    /// The count released by the two-sided geometric mechanism.
    pub dp_count: Option<i64>,
    /// Its 95% error bound: |dp_count - cohort_size| <= this with probability >= 0.95.
    pub dp_error_95: Option<u64>,
    /// The adversary.
    pub adversary: AdversaryModel,
    /// Cohort members attacked.
    pub targets: usize,
    /// Cohort members sampled but without M facts of other items.
    pub targets_skipped: usize,
    /// Top-1 rate with only the cohort's records as candidates.
    pub reidentified_in_cohort: Option<f64>,
    /// Its 95% Wilson score interval over targets.
    pub reidentified_in_cohort_ci: Option<[f64; 2]>,
    /// Top-1 rate with everyone as a candidate.
    pub reidentified_in_population: Option<f64>,
    /// Its 95% Wilson score interval over targets.
    pub reidentified_in_population_ci: Option<[f64; 2]>,
    /// Named (eccentricity >= phi) and right, among the cohort.
    pub named_in_cohort: Option<f64>,
    /// Its 95% Wilson score interval over targets.
    pub named_in_cohort_ci: Option<[f64; 2]>,
    /// Named and right, among everyone.
    pub named_in_population: Option<f64>,
    /// Its 95% Wilson score interval over targets.
    pub named_in_population_ci: Option<[f64; 2]>,
    /// Mean 2^entropy of the entropic output, among the cohort.
    pub anonymity_set_in_cohort: Option<f64>,
    /// Its 95% bootstrap interval over targets.
    pub anonymity_set_in_cohort_ci: Option<[f64; 2]>,
    /// Mean 2^entropy of the entropic output, among everyone.
    pub anonymity_set_in_population: Option<f64>,
    /// Its 95% bootstrap interval over targets.
    pub anonymity_set_in_population_ci: Option<[f64; 2]>,
    /// What membership of the cohort reveals: whether a person meets the statement, guessed
    /// from whether their linked record is in the cohort, over people in the data against
    /// people held out of it (null when the cohort has fewer than two members).
    pub inference: Option<inference::CohortInference>,
}

fn day(data: &Dataset, text: &Option<String>, name: &'static str) -> Result<Option<u16>> {
    let Some(text) = text else { return Ok(None) };
    if !data.has_dates() {
        return Err(Error::Parameter {
            name,
            message: "the data has no dates".into(),
        });
    }
    parse_date(text.trim().as_bytes())
        .map(Some)
        .map_err(|message| Error::Parameter { name, message })
}

fn subject(data: &Dataset, item: &str) -> Result<Subject> {
    if item == ANY_ITEM {
        Ok(Subject::AnyItem)
    } else {
        cohort::item_index(data, item, "item").map(Subject::Item)
    }
}

/// The statement as a rule on `data`'s indices, with the items it is about.
fn rule(data: &Dataset, statement: &Statement) -> Result<(Rule, Vec<ItemIdx>)> {
    let named = |s: &Subject| match s {
        Subject::Item(i) => vec![*i],
        Subject::AnyItem => Vec::new(),
    };
    Ok(match statement {
        Statement::Streak { item, days } => {
            let subject = subject(data, item)?;
            let items = named(&subject);
            (
                Rule::Streak {
                    subject,
                    days: *days,
                },
                items,
            )
        }
        Statement::Times { item, count } => {
            let subject = subject(data, item)?;
            let items = named(&subject);
            (
                Rule::Times {
                    subject,
                    count: *count,
                },
                items,
            )
        }
        Statement::AnyOf { items, at_least } => {
            let mut indices = items
                .iter()
                .filter(|i| !i.trim().is_empty())
                .map(|i| cohort::item_index(data, i.trim(), "any_of"))
                .collect::<Result<Vec<_>>>()?;
            indices.sort_unstable();
            indices.dedup();
            (
                Rule::AnyOf {
                    items: indices.clone(),
                    at_least: *at_least,
                },
                indices,
            )
        }
    })
}

fn check_params(params: &CohortParams) -> Result<()> {
    if let Some(e) = params.epsilon {
        dp::check_epsilon(e)?;
    }
    if let Statement::AnyOf { items, .. } = &params.statement {
        let mut seen = std::collections::HashSet::new();
        for item in items {
            let item = item.trim();
            if item.is_empty() {
                return Err(Error::Parameter {
                    name: "any_of",
                    message: "any_of holds an empty item name (a stray comma?)".into(),
                });
            }
            if !seen.insert(item) {
                return Err(Error::Parameter {
                    name: "any_of",
                    message: format!("any_of lists item '{item}' twice"),
                });
            }
        }
    }
    let k = &params.knowledge;
    for (name, value) in [
        ("min_cell", params.min_cell as usize),
        ("facts", k.facts),
        ("targets", k.targets),
        ("draws", k.draws),
    ] {
        if value == 0 {
            return Err(Error::Parameter {
                name,
                message: format!("{name} must be at least 1, got 0"),
            });
        }
    }
    Ok(())
}

/// The statement in words: "18 people watched 4071 every day for 18 days".
fn describe(kind: DatasetKind, statement: &Statement, size: usize) -> String {
    let verb = match kind {
        DatasetKind::Views => "watched",
        DatasetKind::Ratings => "rated",
    };
    let what = |item: &str| {
        if item == ANY_ITEM {
            "something".to_string()
        } else {
            format!("item {item}")
        }
    };
    let people = if size == 1 { "person" } else { "people" };
    match statement {
        Statement::Streak { item, days } => {
            format!(
                "{size} {people} {verb} {} every day for {days} days",
                what(item)
            )
        }
        Statement::Times { item, count: 1 } => format!("{size} {people} {verb} {}", what(item)),
        Statement::Times { item, count } => {
            format!(
                "{size} {people} {verb} {} at least {count} times",
                what(item)
            )
        }
        Statement::AnyOf { items, at_least } => format!(
            "{size} {people} {verb} at least {at_least} of {} items ({})",
            items.len(),
            items.join(", ")
        ),
    }
}

/// Selects the statement's cohort in `data` and measures what publishing it reveals (see the
/// module docs). Errors (an unknown item, K = 0, a window that ends before it starts, an empty
/// list, epsilon <= 0) name the parameter.
pub fn analyse(data: &Arc<Dataset>, params: &CohortParams) -> Result<CohortReport> {
    check_params(params)?;
    let mut params = params.clone();
    if let Statement::AnyOf { items, .. } = &mut params.statement {
        // `--any-of 'a, b'`: the ids without the blanks around them.
        *items = items.iter().map(|i| i.trim().to_string()).collect();
    }
    let params = &params;
    let (rule, items) = rule(data, &params.statement)?;
    let window = Window {
        from: day(data, &params.from, "from")?,
        to: day(data, &params.to, "to")?,
    };
    cohort::check(data, &rule, &window)?;
    let members = crate::progress::timed("cohort", || cohort::select(data, &rule, &window));
    let size = members.len();
    let dp_count = params.epsilon.map(|e| {
        let mut rng = Rng::derive(params.knowledge.seed, &[streams::COHORT_DP]);
        dp::noisy_count(size as u64, e, &mut rng)
    });
    let found = crate::progress::timed("cohort adversary", || {
        adversary::measure(data, &members, &items, &params.knowledge)
    })?;
    let inferred = crate::progress::timed("cohort inference", || {
        inference::measure(data, (&rule, &window, &items), &members, &params.knowledge)
    })?;
    let defaults = AttackParams::defaults();
    let k = &params.knowledge;
    let range = data.day_range();
    let end = |given: Option<u16>, data_end: Option<u16>| given.or(data_end).map(day_to_iso);
    let (rule_name, k_value, item_ids) = match &params.statement {
        Statement::Streak { item, days } => ("streak", *days, vec![item.clone()]),
        Statement::Times { item, count } => ("times", *count, vec![item.clone()]),
        Statement::AnyOf { items, at_least } => ("any-of", *at_least, items.clone()),
    };
    let side = |f: fn(&Haystacks) -> &Haystack| found.as_ref().map(f);
    Ok(CohortReport {
        statement: describe(data.kind(), &params.statement, size),
        rule: rule_name,
        items: item_ids,
        k: k_value,
        from: end(window.from, range.map(|r| r.0)),
        to: end(window.to, range.map(|r| r.1)),
        population: data.num_records(),
        cohort_size: size,
        min_cell: params.min_cell,
        singles_out: (size as u64) < params.min_cell,
        epsilon: params.epsilon,
        dp_count,
        dp_error_95: params.epsilon.map(dp::error_95),
        adversary: AdversaryModel {
            algorithm: defaults.algorithm().name(),
            rho0: defaults.real(&crate::attack::algorithm::scoreboard_rh::RHO0),
            d0: defaults.real(&crate::attack::algorithm::scoreboard_rh::D0),
            phi: defaults.phi(),
            facts: k.facts,
            date_error: k.date_error,
            draws: k.draws,
            max_targets: k.targets,
            seed: k.seed,
            in_cohort_candidates: "the cohort's records, scored against the whole data: the entropic output conditioned on the cohort (renormalized over its members), eccentricity with the population's sigma",
        },
        targets: found.as_ref().map_or(0, |f| f.targets),
        targets_skipped: found
            .as_ref()
            .map_or(members.len().min(k.targets), |f| f.targets_skipped),
        reidentified_in_cohort: side(|f| &f.in_cohort).map(|h| h.reidentified),
        reidentified_in_cohort_ci: side(|f| &f.in_cohort).and_then(|h| h.reidentified_ci),
        reidentified_in_population: side(|f| &f.in_population).map(|h| h.reidentified),
        reidentified_in_population_ci: side(|f| &f.in_population).and_then(|h| h.reidentified_ci),
        named_in_cohort: side(|f| &f.in_cohort).map(|h| h.named),
        named_in_cohort_ci: side(|f| &f.in_cohort).and_then(|h| h.named_ci),
        named_in_population: side(|f| &f.in_population).map(|h| h.named),
        named_in_population_ci: side(|f| &f.in_population).and_then(|h| h.named_ci),
        anonymity_set_in_cohort: side(|f| &f.in_cohort).map(|h| h.anonymity_set),
        anonymity_set_in_cohort_ci: side(|f| &f.in_cohort).and_then(|h| h.anonymity_set_ci),
        anonymity_set_in_population: side(|f| &f.in_population).map(|h| h.anonymity_set),
        anonymity_set_in_population_ci: side(|f| &f.in_population).and_then(|h| h.anonymity_set_ci),
        inference: inferred,
    })
}

impl CohortReport {
    /// The short table `deanon cohort` prints.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let window = match (&self.from, &self.to) {
            (Some(f), Some(t)) => format!(", {f} to {t}"),
            _ => String::new(),
        };
        let _ = writeln!(out, "statement: {}{window}", self.statement);
        let _ = writeln!(out, "{}", self.cell_line());
        if let (Some(e), Some(c), Some(t)) = (self.epsilon, self.dp_count, self.dp_error_95) {
            let _ = writeln!(
                out,
                "released with epsilon {e}: {c} (two-sided geometric; within +-{t} of the truth with probability 95%)"
            );
        }
        let a = &self.adversary;
        let _ = writeln!(
            out,
            "adversary: knows the target is in the cohort, plus {} facts of other items (dates +-{} days); {} (phi {}); {} targets x {} draws{}",
            a.facts,
            a.date_error,
            a.algorithm,
            a.phi,
            self.targets,
            a.draws,
            if self.targets_skipped > 0 {
                format!(
                    " ({} without {} other facts left out)",
                    self.targets_skipped, a.facts
                )
            } else {
                String::new()
            }
        );
        let rate = |v: Option<f64>, ci: Option<[f64; 2]>| match (v, ci) {
            (Some(v), Some([lo, hi])) => format!("{v:.3} [{lo:.3}, {hi:.3}]"),
            (Some(v), None) => format!("{v:.3}"),
            _ => "-".into(),
        };
        let size = |v: Option<f64>, ci: Option<[f64; 2]>| match (v, ci) {
            (Some(v), Some([lo, hi])) => format!("{v:.1} [{lo:.1}, {hi:.1}]"),
            (Some(v), None) => format!("{v:.1}"),
            _ => "-".into(),
        };
        let _ = writeln!(
            out,
            "{:<26} {:>26} {:>26}",
            "", "in cohort", "in population"
        );
        let _ = writeln!(
            out,
            "{:<26} {:>26} {:>26}",
            "re-identified (top-1)",
            rate(self.reidentified_in_cohort, self.reidentified_in_cohort_ci),
            rate(
                self.reidentified_in_population,
                self.reidentified_in_population_ci
            )
        );
        let _ = writeln!(
            out,
            "{:<26} {:>26} {:>26}",
            "named (eccentricity>=phi)",
            rate(self.named_in_cohort, self.named_in_cohort_ci),
            rate(self.named_in_population, self.named_in_population_ci)
        );
        let _ = writeln!(
            out,
            "{:<26} {:>26} {:>26}",
            "anonymity set (2^entropy)",
            size(
                self.anonymity_set_in_cohort,
                self.anonymity_set_in_cohort_ci
            ),
            size(
                self.anonymity_set_in_population,
                self.anonymity_set_in_population_ci
            )
        );
        if let Some(i) = &self.inference {
            let _ = writeln!(out, "{}", i.to_text());
        }
        out
    }

    /// The table's line on the cohort's size against the minimum cell: the count alone singles
    /// its members out below it; at or above it the cell-size rule lets it be published, which
    /// says nothing of the linking the table then measures.
    fn cell_line(&self) -> String {
        let (size, cell) = (self.cohort_size, self.min_cell);
        let judged = if self.singles_out {
            format!(
                "below the minimum cell {cell}: the count alone singles its members out (a cell-size rule would suppress it)"
            )
        } else {
            format!(
                "at or above the minimum cell {cell}: a cell-size rule lets it be published, which does not stop the linking measured below"
            )
        };
        format!("cohort: {size} of {} people; {judged}", self.population)
    }
}
