//! `date-coarsen:to=week|month|year`: round every date down to its Monday, the 1st of its month
//! or January 1st.

use std::fmt;

use rayon::prelude::*;

use super::{Args, ReleaseStep, Step, StepInfo};
use crate::dataset::NO_DAY;
use crate::dataset::values::{civil_from_days, days_from_civil};
use crate::release::knowledge::PolicyKnowledge;
use crate::release::working::Working;
use crate::{Error, Result};

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

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Year => "year",
        })
    }
}

/// Round every date down to a week, month or year.
#[derive(Clone, Debug, PartialEq)]
pub struct DateCoarsen {
    /// The unit.
    pub to: Unit,
}

/// The step in the policy language.
pub const INFO: StepInfo = StepInfo {
    name: "date-coarsen",
    usage: "date-coarsen:to=week|month|year",
    help: "round dates down to Monday / the 1st / January 1st",
    example: "date-coarsen:to=month",
    keys: &["to"],
    parse,
};

fn parse(a: &Args) -> Result<Step> {
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
    Ok(Step::DateCoarsen(DateCoarsen { to }))
}

impl fmt::Display for DateCoarsen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "date-coarsen:to={}", self.to)
    }
}

impl ReleaseStep for DateCoarsen {
    fn apply(&self, w: &mut Working, _: usize, _: u64) -> Result<()> {
        let to = self.to;
        w.people.par_iter_mut().for_each(|p| {
            for e in p.entries.iter_mut().filter(|e| e.day != NO_DAY) {
                e.day = coarsen(e.day, to);
            }
        });
        Ok(())
    }

    /// An adversary rounds its facts' dates as the release did.
    fn inform(&self, k: &mut PolicyKnowledge, _: f64) {
        k.coarsen_dates(self.to);
    }
}

/// The first day of the week (Monday), month or year holding `day`.
pub fn coarsen(day: u16, to: Unit) -> u16 {
    let d = day as i64;
    let start = match to {
        // 1970-01-01 was a Thursday: Mondays are the days with (d + 3) % 7 == 0.
        Unit::Week => d - (d + 3).rem_euclid(7),
        Unit::Month => {
            let (y, m, _) = civil_from_days(d);
            days_from_civil(y, m, 1)
        }
        Unit::Year => {
            let (y, _, _) = civil_from_days(d);
            days_from_civil(y, 1, 1)
        }
    };
    start.max(0) as u16
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::values::{day_to_iso, parse_iso_date};

    #[test]
    fn coarsened_dates_fall_on_boundaries() {
        let d = parse_iso_date(b"2005-06-15").unwrap();
        assert_eq!(day_to_iso(coarsen(d, Unit::Week)), "2005-06-13");
        assert_eq!(day_to_iso(coarsen(d, Unit::Month)), "2005-06-01");
        assert_eq!(day_to_iso(coarsen(d, Unit::Year)), "2005-01-01");
        for day in 10_000..11_000u16 {
            let w = coarsen(day, Unit::Week);
            assert!(w <= day && day - w < 7 && (w as i64 + 3) % 7 == 0);
            assert!(day_to_iso(coarsen(day, Unit::Month)).ends_with("-01"));
        }
    }
}
