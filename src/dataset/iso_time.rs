//! ISO 8601 date-times as auditors' files write them, read to the day the store keeps.
//!
//! Accepted: `YYYY-MM-DD` followed by `T`, `t` or a space, then `HH:MM`, `HH:MM:SS` or
//! `HH:MM:SS.fff` (any number of fractional digits, `.` or `,`), then optionally `Z`, `z` or an
//! offset `+HH:MM`, `-HH:MM`, `+HHMM`, `+HH`. A date-time with an offset is an instant: it is
//! converted to UTC and the day is the UTC day (`2023-01-01T23:30:00-02:00` is
//! 2023-01-02T01:30Z, day 2023-01-02), as for Unix seconds and for Parquet timestamps, which
//! hold instants too. A date-time without an offset is read as UTC, i.e. its calendar day as
//! written. A leap second (`23:59:60`) stays on its day.

use super::values::{days_from_civil, days_in_month};

const SECONDS_PER_DAY: i64 = 86_400;

/// What is wrong with a date-time, for the message.
pub type Reason = &'static str;

/// The UTC day (days since 1970-01-01) of the ISO 8601 date or date-time `text`.
pub fn parse_day(text: &[u8]) -> Result<i64, Reason> {
    let mut cursor = Cursor { text, at: 0 };
    let days = cursor.date()?;
    if cursor.done() {
        return Ok(days);
    }
    if !matches!(cursor.next(), Some(b'T' | b't' | b' ')) {
        return Err("the date is not followed by 'T' or a space and a time");
    }
    let seconds = cursor.time()?;
    let offset = cursor.offset()?;
    if !cursor.done() {
        return Err("unexpected text after the time");
    }
    Ok(days + (seconds - offset).div_euclid(SECONDS_PER_DAY))
}

/// Reads `text` left to right.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.at == self.text.len()
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn accept(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    /// Exactly `count` digits, as a number.
    fn digits(&mut self, count: usize) -> Option<i64> {
        let digits = self.text.get(self.at..self.at + count)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.at += count;
        Some(digits.iter().fold(0, |v, &b| v * 10 + i64::from(b - b'0')))
    }

    /// `separator` and 2 digits, as a number; else `reason`.
    fn two_digits_after(&mut self, separator: u8, reason: Reason) -> Result<i64, Reason> {
        if !self.accept(separator) {
            return Err(reason);
        }
        self.digits(2).ok_or(reason)
    }

    /// `YYYY-MM-DD` as days since 1970-01-01.
    fn date(&mut self) -> Result<i64, Reason> {
        let year = self.digits(4).ok_or("the year is not 4 digits")?;
        let month = self.two_digits_after(b'-', "the month is not '-' and 2 digits")?;
        let day = self.two_digits_after(b'-', "the day is not '-' and 2 digits")?;
        if !(1..=12).contains(&month) {
            return Err("no such month");
        }
        if day < 1 || day > i64::from(days_in_month(year, month as u32)) {
            return Err("no such day in that month");
        }
        Ok(days_from_civil(year, month as u32, day as u32))
    }

    /// `HH:MM[:SS[.fff]]` as seconds into the day; a leap second counts as the one before it.
    fn time(&mut self) -> Result<i64, Reason> {
        let hour = self.digits(2).ok_or("the hour is not 2 digits")?;
        let minute = self.two_digits_after(b':', "the minutes are not ':' and 2 digits")?;
        let second = if self.accept(b':') {
            self.digits(2).ok_or("the seconds are not 2 digits")?
        } else {
            0
        };
        if self.accept(b'.') || self.accept(b',') {
            // A fraction of a second never moves an instant to another day.
            let start = self.at;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.at += 1;
            }
            if self.at == start {
                return Err("the fraction of a second has no digits");
            }
        }
        if hour > 23 || minute > 59 || second > 60 {
            return Err("the time is not between 00:00:00 and 23:59:60");
        }
        Ok(hour * 3600 + minute * 60 + second.min(59))
    }

    /// `Z`, `+HH:MM`, `-HH:MM`, `+HHMM`, `+HH` or nothing, as seconds east of UTC.
    fn offset(&mut self) -> Result<i64, Reason> {
        let sign = match self.next() {
            None => return Ok(0),
            Some(b'Z' | b'z') => return Ok(0),
            Some(b'+') => 1,
            Some(b'-') => -1,
            Some(_) => return Err("the time is followed by neither 'Z' nor an offset like +02:00"),
        };
        let bad = "the offset is not +HH:MM, +HHMM or +HH";
        let hours = self.digits(2).ok_or(bad)?;
        let minutes = if self.done() {
            0
        } else {
            self.accept(b':');
            self.digits(2).ok_or(bad)?
        };
        if hours > 23 || minutes > 59 {
            return Err("the offset is not between -23:59 and +23:59");
        }
        Ok(sign * (hours * 3600 + minutes * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> i64 {
        parse_day(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn every_written_form_of_one_day_agrees() {
        let jan2 = days_from_civil(2023, 1, 2);
        for text in [
            "2023-01-02",
            "2023-01-02T10:11:12",
            "2023-01-02 10:11:12",
            "2023-01-02t10:11",
            "2023-01-02T10:11:12.123456789",
            "2023-01-02T10:11:12,5",
            "2023-01-02T10:11:12Z",
            "2023-01-02T10:11:12.5z",
            "2023-01-02T10:11:12+02:00",
            "2023-01-02T10:11:12-0530",
            "2023-01-02 10:11:12+02",
            "2023-01-02T23:59:60",
            "2023-01-02T00:00:00-00:00",
        ] {
            assert_eq!(day(text), jan2, "{text}");
        }
    }

    #[test]
    fn an_offset_moves_the_instant_to_its_utc_day() {
        let jan1 = days_from_civil(2023, 1, 1);
        // 23:30 at UTC-2 is 01:30 UTC the next day.
        assert_eq!(day("2023-01-01T23:30:00-02:00"), jan1 + 1);
        assert_eq!(day("2023-01-01T21:59:59-02:00"), jan1);
        assert_eq!(day("2023-01-01T22:00:00-02:00"), jan1 + 1);
        // 00:30 at UTC+2 is 22:30 UTC the day before.
        assert_eq!(day("2023-01-01T00:30:00+02:00"), jan1 - 1);
        assert_eq!(day("2023-01-01T02:00:00+02:00"), jan1);
        assert_eq!(day("2023-01-01T23:30:00"), jan1);
        // The year and the leap day roll over too.
        assert_eq!(
            day("2024-02-28T23:00:00-05:00"),
            days_from_civil(2024, 2, 29)
        );
        assert_eq!(
            day("2024-12-31T23:00:00-05:00"),
            days_from_civil(2025, 1, 1)
        );
    }

    #[test]
    fn malformed_values_say_what_is_wrong() {
        for (text, reason) in [
            ("2023-02-29", "no such day"),
            ("2023-13-01", "no such month"),
            ("2023-1-02", "month"),
            ("23-01-02", "year"),
            ("2023-01-02X10:11", "'T' or a space"),
            ("2023-01-02T", "hour"),
            ("2023-01-02T24:00:00", "between 00:00:00"),
            ("2023-01-02T10:60", "between 00:00:00"),
            ("2023-01-02T10:11:1", "seconds"),
            ("2023-01-02T10:11:12.", "fraction"),
            ("2023-01-02T10:11:12+2", "offset"),
            ("2023-01-02T10:11:12+02:0", "offset"),
            ("2023-01-02T10:11:12+24:00", "offset"),
            ("2023-01-02T10:11:12 UTC", "neither 'Z'"),
            ("2023-01-02T10:11:12Z+01", "after the time"),
        ] {
            let e = parse_day(text.as_bytes()).unwrap_err();
            assert!(e.contains(reason), "{text}: {e}");
        }
    }
}
