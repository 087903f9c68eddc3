//! Release policies as text: a pipeline of steps `step:arg=v,...|step:...`, for example
//! `sample:fraction=0.1|rating-noise:scale=1|date-coarsen:to=week`. Pseudonymization always
//! happens (last, whatever the spec says); `pseudonymize` may be written and is accepted.

use std::fmt;

use crate::{Error, Result};

/// How noise is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Noise {
    /// Laplace with the given scale.
    Laplace,
    /// Uniform in [-scale, scale].
    Uniform,
}

/// What dates are coarsened to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unit {
    /// The Monday of the week.
    Week,
    /// The first of the month.
    Month,
    /// January 1st.
    Year,
}

/// One step of a release policy.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Random new record ids (always applied; accepted for explicitness).
    Pseudonymize,
    /// Keep each person with probability `fraction`.
    Sample {
        /// Probability of keeping a person.
        fraction: f64,
    },
    /// Delete each entry with probability `fraction`.
    Drop {
        /// Probability of deleting an entry.
        fraction: f64,
    },
    /// Add `fraction` x (a person's entries) fake entries per person, items drawn by
    /// popularity, ratings and dates from their overall distributions.
    Insert {
        /// Fake entries per real entry.
        fraction: f64,
    },
    /// Add noise to every rating, round to the scale and clamp.
    RatingNoise {
        /// Noise scale, stars.
        scale: f64,
        /// Distribution.
        noise: Noise,
    },
    /// Remove every rating (release presence only).
    RatingDrop,
    /// Shift every date.
    DateNoise {
        /// Noise scale, days.
        days: f64,
        /// Distribution.
        noise: Noise,
    },
    /// Round every date down to a week, month or year.
    DateCoarsen {
        /// The unit.
        to: Unit,
    },
    /// Remove every date.
    DateDrop,
    /// Suppress items held by fewer than `min_support` people.
    RareItems {
        /// Smallest support kept.
        min_support: u32,
    },
    /// Keep at most `max_per_record` entries per person (a random subset).
    Truncate {
        /// Entries kept per person.
        max_per_record: usize,
    },
    /// A differentially private release of each person's truncated record (see
    /// [`super::dp`] for exactly what is guaranteed).
    Dp {
        /// Total privacy budget per person.
        epsilon: f64,
        /// Contribution bound: ratings kept per person.
        max_per_record: usize,
        /// Share of epsilon spent on presence (the rest on rating values).
        presence: f64,
    },
    /// Microaggregation: ratings replaced by averages over groups of at least `k` similar people.
    Microaggregate {
        /// Smallest group.
        k: usize,
    },
    /// Suppression-based k^m-anonymity: every set of up to `m` items that some person holds is
    /// held by at least `k` people (whole items are suppressed until this holds).
    KmAnonymity {
        /// Smallest group.
        k: u32,
        /// Largest itemset the adversary knows (1 or 2).
        m: u32,
    },
    /// Remove a people's attribute from the release.
    AttrDrop {
        /// The attribute.
        name: String,
    },
    /// Numeric values of an attribute into bands of `width` (`20-29`).
    AttrGeneralize {
        /// The attribute.
        name: String,
        /// Band width.
        width: i64,
    },
    /// Keep the first `keep` characters of an attribute's values (`857*`).
    AttrTruncate {
        /// The attribute.
        name: String,
        /// Characters kept.
        keep: usize,
    },
    /// k-anonymity on a set of attributes: full-domain generalization along each attribute's
    /// hierarchy, then suppression (see [`super::kanon`]).
    KAnonymity {
        /// Smallest group.
        k: u32,
        /// The quasi-identifiers.
        attributes: Vec<String>,
        /// Largest share of people whose values may be suppressed.
        max_suppressed: f64,
    },
}

impl fmt::Display for Noise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Noise::Laplace => "laplace",
            Noise::Uniform => "uniform",
        })
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Year => "year",
        })
    }
}

/// A step as the policy language writes it, arguments at their defaults left out:
/// `sample:fraction=0.1`, `rating-noise:scale=1`, `date-noise:days=7,dist=laplace`. Parsing
/// the text gives the step back.
impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Pseudonymize => write!(f, "pseudonymize"),
            Step::Sample { fraction } => write!(f, "sample:fraction={fraction}"),
            Step::Drop { fraction } => write!(f, "drop:fraction={fraction}"),
            Step::Insert { fraction } => write!(f, "insert:fraction={fraction}"),
            Step::RatingNoise { scale, noise } => {
                write!(f, "rating-noise:scale={scale}")?;
                if *noise != Noise::Laplace {
                    write!(f, ",dist={noise}")?;
                }
                Ok(())
            }
            Step::RatingDrop => write!(f, "rating-drop"),
            Step::DateNoise { days, noise } => {
                write!(f, "date-noise:days={days}")?;
                if *noise != Noise::Uniform {
                    write!(f, ",dist={noise}")?;
                }
                Ok(())
            }
            Step::DateCoarsen { to } => write!(f, "date-coarsen:to={to}"),
            Step::DateDrop => write!(f, "date-drop"),
            Step::RareItems { min_support } => write!(f, "rare-items:min_support={min_support}"),
            Step::Truncate { max_per_record } => {
                write!(f, "truncate:max_per_record={max_per_record}")
            }
            Step::Dp {
                epsilon,
                max_per_record,
                presence,
            } => {
                write!(f, "dp:epsilon={epsilon}")?;
                if *max_per_record != DP_MAX_PER_RECORD {
                    write!(f, ",max_per_record={max_per_record}")?;
                }
                if *presence != DP_PRESENCE {
                    write!(f, ",presence={presence}")?;
                }
                Ok(())
            }
            Step::Microaggregate { k } => write!(f, "microaggregate:k={k}"),
            Step::KmAnonymity { k, m } => write!(f, "km-anonymity:k={k},m={m}"),
            Step::AttrDrop { name } => write!(f, "attr-drop:name={name}"),
            Step::AttrGeneralize { name, width } => {
                write!(f, "attr-generalize:name={name},width={width}")
            }
            Step::AttrTruncate { name, keep } => write!(f, "attr-truncate:name={name},keep={keep}"),
            Step::KAnonymity {
                k,
                attributes,
                max_suppressed,
            } => {
                write!(f, "k-anonymity:k={k},attributes={}", attributes.join("+"))?;
                if *max_suppressed != K_ANONYMITY_MAX_SUPPRESSED {
                    write!(f, ",max_suppressed={max_suppressed}")?;
                }
                Ok(())
            }
        }
    }
}

/// The policy's canonical spec: its steps joined with `|`, or `pseudonymize` for a policy of
/// no steps. This is what a release records and `deanon info` shows.
impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.steps.is_empty() {
            return write!(f, "pseudonymize");
        }
        for (k, step) in self.steps.iter().enumerate() {
            if k > 0 {
                f.write_str("|")?;
            }
            write!(f, "{step}")?;
        }
        Ok(())
    }
}

/// `attr-generalize`'s width: a whole number from 1 to `i64::MAX` (written as digits, or as a
/// number with no fraction such as `1e3`).
fn band_width(text: Option<&str>) -> Result<i64> {
    let text = text.unwrap_or("").trim();
    let bad = |why: &str| {
        Error::InvalidArgument(format!(
            "step 'attr-generalize' needs a whole width from 1 to {}{why}, got '{text}'",
            i64::MAX
        ))
    };
    let width = match text.parse::<u128>() {
        Ok(w) => w,
        Err(_) => match text.parse::<f64>() {
            Ok(w) if w.is_finite() && w >= 0.0 && w.fract() == 0.0 => w as u128,
            _ => return Err(bad("")),
        },
    };
    match i64::try_from(width) {
        Ok(w) if w >= 1 => Ok(w),
        Ok(_) => Err(bad("")),
        Err(_) => Err(bad(" (the largest band an i64 holds)")),
    }
}

/// The attributes of `k-anonymity:attributes=A+B+...`: each named once, none empty.
fn attribute_list(text: &str) -> Result<Vec<String>> {
    let bad = |why: String| {
        Error::InvalidArgument(format!(
            "step 'k-anonymity' needs attributes=A+B+... {why}, got '{text}'"
        ))
    };
    let mut names: Vec<String> = Vec::new();
    for name in text.split('+').map(str::trim) {
        if name.is_empty() {
            return Err(bad("with no empty name".into()));
        }
        if names.iter().any(|n| n == name) {
            return Err(bad(format!("with each named once ('{name}' twice)")));
        }
        names.push(name.to_string());
    }
    Ok(names)
}

/// `k-anonymity`'s default largest share of people suppressed.
pub const K_ANONYMITY_MAX_SUPPRESSED: f64 = 0.05;

/// `dp`'s default contribution bound.
const DP_MAX_PER_RECORD: usize = 20;
/// `dp`'s default share of epsilon spent on presence.
const DP_PRESENCE: f64 = 0.5;

/// A release policy: its steps in order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Policy {
    /// The steps (without the implicit pseudonymization).
    pub steps: Vec<Step>,
}

/// One release step as the policy language knows it: the table the parser checks names
/// against and `deanon release --help` prints.
pub struct StepInfo {
    /// The step's name.
    pub name: &'static str,
    /// Its arguments, as written in a spec.
    pub usage: &'static str,
    /// What it does.
    pub help: &'static str,
    /// A spec of this step that parses.
    pub example: &'static str,
}

/// Every release step, in the order `--help` lists them.
pub const STEPS: &[StepInfo] = &[
    StepInfo {
        name: "pseudonymize",
        usage: "pseudonymize",
        help: "new random record ids (implicit; always last)",
        example: "pseudonymize",
    },
    StepInfo {
        name: "sample",
        usage: "sample:fraction=F",
        help: "keep each person with probability F",
        example: "sample:fraction=0.1",
    },
    StepInfo {
        name: "drop",
        usage: "drop:fraction=F",
        help: "delete each rating with probability F",
        example: "drop:fraction=0.2",
    },
    StepInfo {
        name: "insert",
        usage: "insert:fraction=F",
        help: "add F fake ratings per real one (item by popularity, rating and date by their distributions)",
        example: "insert:fraction=0.1",
    },
    StepInfo {
        name: "rating-noise",
        usage: "rating-noise:scale=B[,dist=laplace|uniform]",
        help: "noise in stars, rounded to the scale and clamped",
        example: "rating-noise:scale=1,dist=uniform",
    },
    StepInfo {
        name: "rating-drop",
        usage: "rating-drop",
        help: "release presence only",
        example: "rating-drop",
    },
    StepInfo {
        name: "date-noise",
        usage: "date-noise:days=D[,dist=uniform|laplace]",
        help: "shift dates",
        example: "date-noise:days=7",
    },
    StepInfo {
        name: "date-coarsen",
        usage: "date-coarsen:to=week|month|year",
        help: "round dates down to Monday / the 1st / January 1st",
        example: "date-coarsen:to=month",
    },
    StepInfo {
        name: "date-drop",
        usage: "date-drop",
        help: "remove dates",
        example: "date-drop",
    },
    StepInfo {
        name: "rare-items",
        usage: "rare-items:min_support=K",
        help: "suppress items held by fewer than K people",
        example: "rare-items:min_support=5",
    },
    StepInfo {
        name: "truncate",
        usage: "truncate:max_per_record=T",
        help: "keep at most T ratings per person (random subset)",
        example: "truncate:max_per_record=50",
    },
    StepInfo {
        name: "km-anonymity",
        usage: "km-anonymity:k=K,m=M",
        help: "suppress items until every set of up to M (1 or 2) items held by someone is held by >= K people",
        example: "km-anonymity:k=5,m=2",
    },
    StepInfo {
        name: "attr-drop",
        usage: "attr-drop:name=A",
        help: "remove the people's attribute A",
        example: "attr-drop:name=occupation",
    },
    StepInfo {
        name: "attr-generalize",
        usage: "attr-generalize:name=A,width=W",
        help: "numeric attribute A into bands of width W (20-29)",
        example: "attr-generalize:name=age,width=10",
    },
    StepInfo {
        name: "attr-truncate",
        usage: "attr-truncate:name=A,keep=K",
        help: "keep the first K characters of attribute A (zip prefixes: 857*)",
        example: "attr-truncate:name=zip_code,keep=3",
    },
    StepInfo {
        name: "k-anonymity",
        usage: "k-anonymity:k=K,attributes=A+B+C[,max_suppressed=F]",
        help: "generalize those attributes (bands, prefixes; least in total), then suppress the rest, until every combination is shared by >= K people (at most F of them suppressed, default 0.05)",
        example: "k-anonymity:k=5,attributes=age+gender+zip_code",
    },
    StepInfo {
        name: "microaggregate",
        usage: "microaggregate:k=K",
        help: "ratings replaced by averages over k-means groups of >= K similar people",
        example: "microaggregate:k=5",
    },
    StepInfo {
        name: "dp",
        usage: "dp:epsilon=E[,max_per_record=T][,presence=P]",
        help: "E-DP per person: randomized response on presence, Laplace on ratings, dates dropped",
        example: "dp:epsilon=1",
    },
];

/// The steps' usages on one line, for error messages.
pub fn steps_usage() -> String {
    STEPS
        .iter()
        .map(|s| s.usage)
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The steps, one a line with what each does, for `--help`.
pub fn steps_help() -> String {
    let mut text = String::from(
        "Steps (joined with '|', applied in order; pseudonymization always comes last):\n",
    );
    for s in STEPS {
        text.push_str(&format!("  {}\n      {}\n", s.usage, s.help));
    }
    text.push_str(
        "Example: deanon release data.deanon --policy 'sample:fraction=0.1|date-coarsen:to=week' \
         --seed 1 -o rel.deanon --key rel.key.csv",
    );
    text
}

struct Args<'a> {
    step: &'a str,
    pairs: Vec<(&'a str, &'a str)>,
}

impl<'a> Args<'a> {
    fn parse(step: &'a str, text: &'a str) -> Result<Self> {
        let mut pairs = Vec::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| {
                Error::InvalidArgument(format!("step '{step}': argument '{part}' is not key=value"))
            })?;
            pairs.push((k.trim(), v.trim()));
        }
        Ok(Args { step, pairs })
    }

    fn only(&self, allowed: &[&str]) -> Result<()> {
        for (k, _) in &self.pairs {
            if !allowed.contains(k) {
                return Err(Error::InvalidArgument(format!(
                    "step '{}' takes {}; got '{k}'",
                    self.step,
                    if allowed.is_empty() {
                        "no arguments".to_string()
                    } else {
                        allowed.join(", ")
                    }
                )));
            }
        }
        Ok(())
    }

    fn get(&self, key: &str) -> Option<&'a str> {
        self.pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn number(&self, key: &str) -> Result<f64> {
        let v = self.get(key).ok_or_else(|| {
            Error::InvalidArgument(format!("step '{}' needs {key}=...", self.step))
        })?;
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "step '{}': {key}='{v}' is not a number >= 0",
                    self.step
                ))
            })
    }

    fn name(&self) -> Result<String> {
        match self.get("name") {
            Some(n) if !n.is_empty() => Ok(n.to_string()),
            _ => Err(Error::InvalidArgument(format!(
                "step '{}' needs name=<attribute>",
                self.step
            ))),
        }
    }

    fn fraction(&self) -> Result<f64> {
        let f = self.number("fraction")?;
        if f > 1.0 && self.step != "insert" {
            return Err(Error::InvalidArgument(format!(
                "step '{}': fraction must be in [0, 1]",
                self.step
            )));
        }
        Ok(f)
    }

    fn noise(&self, default: Noise) -> Result<Noise> {
        match self.get("dist") {
            None => Ok(default),
            Some("laplace") => Ok(Noise::Laplace),
            Some("uniform") => Ok(Noise::Uniform),
            Some(other) => Err(Error::InvalidArgument(format!(
                "step '{}': dist must be laplace or uniform, got '{other}'",
                self.step
            ))),
        }
    }
}

impl Policy {
    /// The file a `--policy` argument names, when it is one (a `.toml` file of steps) rather
    /// than a spec: [`Policy::from_arg`] reads it, and commands list it among their inputs.
    pub fn file_of(arg: &str) -> Option<&std::path::Path> {
        arg.ends_with(".toml").then(|| std::path::Path::new(arg))
    }

    /// Reads a policy given on the command line: a spec string, or the path of a `.toml` file
    /// holding `[[step]]` tables (`name = "sample"`, `fraction = 0.1`, ...).
    pub fn from_arg(arg: &str) -> Result<Policy> {
        if let Some(path) = Policy::file_of(arg) {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            return Policy::from_toml(text.trim_start_matches('\u{feff}'))
                .map_err(|m| Error::input(path, m));
        }
        Policy::parse(arg)
    }

    /// [`Policy::from_arg`], with the spec that results record the policy under: the argument
    /// itself for a spec, and for a file its canonical spec (the steps it holds, as `deanon info`
    /// shows a release's policy), so that a report names the steps, not a file that may change.
    pub fn from_arg_with_spec(arg: &str) -> Result<(String, Policy)> {
        let policy = Policy::from_arg(arg)?;
        let spec = match Policy::file_of(arg) {
            Some(_) => policy.to_string(),
            None => arg.to_string(),
        };
        Ok((spec, policy))
    }

    /// Parses the TOML form: an array of tables `step`, each with a `name` and its arguments.
    pub fn from_toml(text: &str) -> std::result::Result<Policy, String> {
        let doc: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| e.message().to_string())?;
        let steps = match doc.get("step") {
            Some(toml::Value::Array(steps)) => steps,
            None => return Policy::parse("").map_err(|e| e.to_string()),
            Some(_) => return Err("'step' must be an array of tables ([[step]])".into()),
        };
        let mut spec = Vec::new();
        for (k, step) in steps.iter().enumerate() {
            let table = step
                .as_table()
                .ok_or_else(|| format!("step {} is not a table", k + 1))?;
            let name = table
                .get("name")
                .and_then(toml::Value::as_str)
                .ok_or_else(|| format!("step {} has no name = \"...\"", k + 1))?;
            let args: Vec<String> = table
                .iter()
                .filter(|(key, _)| key.as_str() != "name")
                .map(|(key, value)| match value {
                    toml::Value::String(v) => Ok(format!("{key}={v}")),
                    toml::Value::Integer(v) => Ok(format!("{key}={v}")),
                    toml::Value::Float(v) => Ok(format!("{key}={v}")),
                    _ => Err(format!(
                        "step {}: {key} must be a number or a string",
                        k + 1
                    )),
                })
                .collect::<std::result::Result<_, _>>()?;
            spec.push(if args.is_empty() {
                name.to_string()
            } else {
                format!("{name}:{}", args.join(","))
            });
        }
        Policy::parse(&spec.join("|")).map_err(|e| e.to_string())
    }

    /// Parses a spec such as `sample:fraction=0.1|date-coarsen:to=month`.
    pub fn parse(spec: &str) -> Result<Policy> {
        let mut steps = Vec::new();
        for raw in spec.split('|').map(str::trim).filter(|s| !s.is_empty()) {
            let (name, rest) = raw.split_once(':').unwrap_or((raw, ""));
            let name = name.trim();
            if !STEPS.iter().any(|s| s.name == name) {
                return Err(Error::InvalidArgument(format!(
                    "unknown release step '{name}'; steps are: {}",
                    steps_usage()
                )));
            }
            let a = Args::parse(name, rest)?;
            let step = match name {
                "pseudonymize" => {
                    a.only(&[])?;
                    continue;
                }
                "sample" => {
                    a.only(&["fraction"])?;
                    Step::Sample {
                        fraction: a.fraction()?,
                    }
                }
                "drop" => {
                    a.only(&["fraction"])?;
                    Step::Drop {
                        fraction: a.fraction()?,
                    }
                }
                "insert" => {
                    a.only(&["fraction"])?;
                    Step::Insert {
                        fraction: a.fraction()?,
                    }
                }
                "rating-noise" => {
                    a.only(&["scale", "dist"])?;
                    Step::RatingNoise {
                        scale: a.number("scale")?,
                        noise: a.noise(Noise::Laplace)?,
                    }
                }
                "rating-drop" => {
                    a.only(&[])?;
                    Step::RatingDrop
                }
                "date-noise" => {
                    a.only(&["days", "dist"])?;
                    Step::DateNoise {
                        days: a.number("days")?,
                        noise: a.noise(Noise::Uniform)?,
                    }
                }
                "date-coarsen" => {
                    a.only(&["to"])?;
                    let to = match a.get("to") {
                        Some("week") => Unit::Week,
                        Some("month") => Unit::Month,
                        Some("year") => Unit::Year,
                        Some(other) => {
                            return Err(Error::InvalidArgument(format!(
                                "step 'date-coarsen' needs to=week, to=month or to=year, got to={other}"
                            )));
                        }
                        None => {
                            return Err(Error::InvalidArgument(
                                "step 'date-coarsen' needs to=week, to=month or to=year".into(),
                            ));
                        }
                    };
                    Step::DateCoarsen { to }
                }
                "date-drop" => {
                    a.only(&[])?;
                    Step::DateDrop
                }
                "rare-items" => {
                    a.only(&["min_support"])?;
                    Step::RareItems {
                        min_support: a.number("min_support")? as u32,
                    }
                }
                "truncate" => {
                    a.only(&["max_per_record"])?;
                    Step::Truncate {
                        max_per_record: a.number("max_per_record")? as usize,
                    }
                }
                "microaggregate" => {
                    a.only(&["k"])?;
                    let k = a.number("k")? as usize;
                    if k < 2 {
                        return Err(Error::InvalidArgument(
                            "step 'microaggregate' needs k >= 2".into(),
                        ));
                    }
                    Step::Microaggregate { k }
                }
                "dp" => {
                    a.only(&["epsilon", "max_per_record", "presence"])?;
                    let epsilon = a.number("epsilon")?;
                    let max_per_record = if a.get("max_per_record").is_some() {
                        a.number("max_per_record")? as usize
                    } else {
                        DP_MAX_PER_RECORD
                    };
                    let presence = if a.get("presence").is_some() {
                        a.number("presence")?
                    } else {
                        DP_PRESENCE
                    };
                    if epsilon <= 0.0
                        || max_per_record == 0
                        || !(0.0..1.0).contains(&presence)
                        || presence == 0.0
                    {
                        return Err(Error::InvalidArgument(
                            "step 'dp' needs epsilon > 0, max_per_record >= 1 and 0 < presence < 1"
                                .into(),
                        ));
                    }
                    Step::Dp {
                        epsilon,
                        max_per_record,
                        presence,
                    }
                }
                "km-anonymity" => {
                    a.only(&["k", "m"])?;
                    let (k, m) = (a.number("k")? as u32, a.number("m")? as u32);
                    if k < 1 || !(1..=2).contains(&m) {
                        return Err(Error::InvalidArgument(
                            "step 'km-anonymity' needs k >= 1 and m = 1 or 2".into(),
                        ));
                    }
                    Step::KmAnonymity { k, m }
                }
                "attr-drop" => {
                    a.only(&["name"])?;
                    Step::AttrDrop { name: a.name()? }
                }
                "attr-generalize" => {
                    a.only(&["name", "width"])?;
                    Step::AttrGeneralize {
                        name: a.name()?,
                        width: band_width(a.get("width"))?,
                    }
                }
                "attr-truncate" => {
                    a.only(&["name", "keep"])?;
                    let keep = a.number("keep")?;
                    if keep.fract() != 0.0 {
                        return Err(Error::InvalidArgument(
                            "step 'attr-truncate' needs a whole number keep >= 0".into(),
                        ));
                    }
                    Step::AttrTruncate {
                        name: a.name()?,
                        keep: keep as usize,
                    }
                }
                "k-anonymity" => {
                    a.only(&["k", "attributes", "max_suppressed"])?;
                    let k = a.number("k")?;
                    if k < 1.0 || k.fract() != 0.0 {
                        return Err(Error::InvalidArgument(
                            "step 'k-anonymity' needs a whole k >= 1".into(),
                        ));
                    }
                    let attributes = attribute_list(a.get("attributes").unwrap_or(""))?;
                    let max_suppressed = if a.get("max_suppressed").is_some() {
                        a.number("max_suppressed")?
                    } else {
                        K_ANONYMITY_MAX_SUPPRESSED
                    };
                    if max_suppressed > 1.0 {
                        return Err(Error::InvalidArgument(
                            "step 'k-anonymity': max_suppressed must be in [0, 1]".into(),
                        ));
                    }
                    Step::KAnonymity {
                        k: k as u32,
                        attributes,
                        max_suppressed,
                    }
                }
                other => unreachable!("step '{other}' is in STEPS but not parsed"),
            };
            steps.push(step);
        }
        super::guarantee::check_order(&steps)?;
        Ok(Policy { steps })
    }
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
