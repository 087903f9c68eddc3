//! What a summary may show of the data: the threshold rule of statistical disclosure control.
//!
//! A report, a JSON summary or a table printed for the terminal is an aggregate: it may be
//! shared beyond the people allowed to see the data. A value that only a few people hold
//! (an attribute's value, an item) would tell whoever reads the summary something about those
//! few people, so a summary never holds a value that fewer than [`MIN_SHARED`] people share; it
//! says the value was withheld instead. The per-person files (mode 0600) name people anyway and
//! are not summaries.
//!
//! The threshold of 5 is the minimum frequency rule used by national statistical offices for
//! frequency tables (Hundepool et al., *Statistical Disclosure Control*, 2012, ch. 5: cells
//! below a threshold, commonly 3 to 5, are suppressed), taken at its cautious end.

/// The fewest people who must share a value before a summary may show it.
pub const MIN_SHARED: usize = 5;

/// How a summary printed as text says that a value was withheld.
pub const WITHHELD: &str = "withheld: fewer than 5 people share it";

/// `value` if at least [`MIN_SHARED`] people share it (`shared`), else `None`.
pub fn shown<T>(value: T, shared: usize) -> Option<T> {
    (shared >= MIN_SHARED).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_fewer_than_five_people_share_is_withheld() {
        assert_eq!(shown("SSN-987658765", 1), None);
        assert_eq!(shown("F", 4), None);
        assert_eq!(shown("F", 5), Some("F"));
        assert!(WITHHELD.contains(&MIN_SHARED.to_string()));
    }
}
