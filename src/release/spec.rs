//! Release policies as text: a pipeline of steps `step:arg=v,...|step:...`, for example
//! `sample:fraction=0.1|rating-noise:scale=1|date-coarsen:to=week`. Pseudonymization always
//! happens (last, whatever the spec says); `pseudonymize` may be written and is accepted.
//! The steps themselves, and the registry the parser and the help read, are in [`super::step`].

use std::fmt;

use super::step::{STEPS, Step};
use crate::{Error, Result};

/// A release policy: its steps in order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Policy {
    /// The steps (without the implicit pseudonymization).
    pub steps: Vec<Step>,
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
            let Some(info) = STEPS.iter().find(|s| s.name == name) else {
                return Err(Error::InvalidArgument(format!(
                    "unknown release step '{name}'; steps are: {}",
                    steps_usage()
                )));
            };
            let step = info.read(rest)?;
            // Pseudonymization always happens, last: naming it adds nothing.
            if !matches!(step, Step::Pseudonymize(_)) {
                steps.push(step);
            }
        }
        super::guarantee::check_order(&steps)?;
        Ok(Policy { steps })
    }
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
