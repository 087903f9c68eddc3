//! Ratings and dates as the dataset stores them, and their conversions to and from text.
//!
//! A rating is kept in half-star units in one byte (`Rating(7)` is 3.5 stars), which covers
//! Netflix (1-5), MovieLens (0.5-5 in half stars) and any scale of halves up to 127; `255` marks
//! an entry without a rating. A date is a whole day since 1970-01-01 (UTC) in two bytes, which
//! covers 1970-01-01 to 2149-06-05; `u16::MAX` marks an entry without a date. Unix-second
//! timestamps are floored to days.

/// Byte value meaning "this entry has no rating".
pub const NO_RATING: u8 = u8::MAX;
/// Day value meaning "this entry has no date".
pub const NO_DAY: u16 = u16::MAX;
/// The last representable day (2149-06-05).
pub const MAX_DAY: u16 = u16::MAX - 1;

/// A rating in half-star units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rating(pub u8);

impl Rating {
    /// The rating as a number of stars.
    pub fn stars(self) -> f64 {
        self.0 as f64 / 2.0
    }
}

/// Parses a rating such as `4`, `3.5`, `4.0` or `2.50` into half-star units.
pub fn parse_rating(text: &[u8]) -> Result<u8, String> {
    let bad = || {
        format!(
            "rating '{}' is not a number of stars in half-star steps from 0 to 127",
            String::from_utf8_lossy(text)
        )
    };
    let (whole, frac) = match memchr::memchr(b'.', text) {
        Some(dot) => (&text[..dot], &text[dot + 1..]),
        None => (text, &b""[..]),
    };
    if (whole.is_empty() && frac.is_empty()) || text.last() == Some(&b'.') {
        return Err(bad());
    }
    let mut value: u32 = 0;
    for &b in whole {
        if !b.is_ascii_digit() || value > 1000 {
            return Err(bad());
        }
        value = value * 10 + (b - b'0') as u32;
    }
    let mut halves = value * 2;
    if let Some((&first, rest)) = frac.split_first() {
        if !first.is_ascii_digit() || !rest.iter().all(|&b| b == b'0') {
            return Err(bad());
        }
        match first {
            b'0' => {}
            b'5' => halves += 1,
            _ => return Err(bad()),
        }
    }
    if halves >= NO_RATING as u32 {
        return Err(bad());
    }
    Ok(halves as u8)
}

/// A rating given as a number of stars (as a DataFrame holds it), checked as [`parse_rating`]
/// checks its text: half-star steps from 0 to 127. NaN is a missing rating ([`NO_RATING`]).
pub fn rating_from_stars(stars: f64) -> Result<u8, String> {
    if stars.is_nan() {
        return Ok(NO_RATING);
    }
    let halves = stars * 2.0;
    if halves.fract() != 0.0 || !(0.0..(NO_RATING as f64)).contains(&halves) {
        return Err(format!(
            "rating '{stars}' is not a number of stars in half-star steps from 0 to 127"
        ));
    }
    Ok(halves as u8)
}

/// Writes a rating in its shortest text form (`4`, `3.5`).
pub fn format_rating(halves: u8, out: &mut Vec<u8>) {
    push_u64(out, (halves / 2) as u64);
    if halves % 2 == 1 {
        out.extend_from_slice(b".5");
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a count of days since 1970-01-01 (H. Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

/// Day number of the first of each month from 1970-01 to 2149-12.
fn month_starts() -> &'static [i64] {
    static TABLE: std::sync::OnceLock<Vec<i64>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (1970..=2149)
            .flat_map(|y| (1..=12).map(move |m| days_from_civil(y, m, 1)))
            .collect()
    })
}

/// Days in `month` (1-12) of `year`, proleptic Gregorian.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

fn parse_digits(text: &[u8]) -> Option<i64> {
    if text.is_empty() || text.len() > 18 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(text.iter().fold(0i64, |v, &b| v * 10 + (b - b'0') as i64))
}

fn checked_day(days: i64, text: &[u8]) -> Result<u16, String> {
    day_in_range(days, || String::from_utf8_lossy(text).into_owned())
}

/// `days` as a day of the store, or the error showing the value as `shown` writes it (called
/// only on an error: this runs once per imported value).
fn day_in_range(days: i64, shown: impl FnOnce() -> String) -> Result<u16, String> {
    if days < 0 {
        Err(format!(
            "date '{}' is before 1970-01-01, which the store cannot hold",
            shown()
        ))
    } else if days > MAX_DAY as i64 {
        Err(format!(
            "date '{}' is after 2149-06-05, which the store cannot hold",
            shown()
        ))
    } else {
        Ok(days as u16)
    }
}

/// Parses an ISO date `YYYY-MM-DD` into days since 1970-01-01.
pub fn parse_iso_date(text: &[u8]) -> Result<u16, String> {
    let bad = || {
        format!(
            "date '{}' is not a valid YYYY-MM-DD date",
            String::from_utf8_lossy(text)
        )
    };
    if text.len() != 10 || text[4] != b'-' || text[7] != b'-' {
        return Err(bad());
    }
    let year = parse_digits(&text[..4]).ok_or_else(bad)?;
    let month = parse_digits(&text[5..7]).ok_or_else(bad)? as u32;
    let day = parse_digits(&text[8..]).ok_or_else(bad)? as u32;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(bad());
    }
    if (1970..=2149).contains(&year) {
        // Table lookup: this runs once per imported line.
        let start = month_starts()[((year - 1970) * 12) as usize + month as usize - 1];
        return checked_day(start + day as i64 - 1, text);
    }
    checked_day(days_from_civil(year, month, day), text)
}

/// Parses Unix seconds (an integer, or a number with a fractional part such as `881250949.0`)
/// and floors it to a day.
pub fn parse_unix_seconds(text: &[u8]) -> Result<u16, String> {
    let days = unix_seconds_days(text).ok_or_else(|| {
        format!(
            "timestamp '{}' is not a number of Unix seconds",
            String::from_utf8_lossy(text)
        )
    })?;
    checked_day(days, text)
}

/// The day of Unix seconds written as text, if it is a number.
fn unix_seconds_days(text: &[u8]) -> Option<i64> {
    let (whole, frac) = match memchr::memchr(b'.', text) {
        Some(dot) => (&text[..dot], &text[dot + 1..]),
        None => (text, &b""[..]),
    };
    if !frac.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (negative, digits) = match whole.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, whole),
    };
    let seconds = parse_digits(digits)?;
    let seconds = if negative { -seconds } else { seconds };
    // A negative timestamp with a fraction lies a little earlier than its whole part.
    let seconds_floor = if negative && frac.iter().any(|&b| b != b'0') {
        seconds - 1
    } else {
        seconds
    };
    Some(seconds_floor.div_euclid(86_400))
}

/// A day given as days since 1970-01-01 (a datetime64 column cast to days), checked to lie
/// in the store's range; the message shows the date.
pub fn day_from_days(days: i64) -> Result<u16, String> {
    day_in_range(days, || {
        let (y, m, d) = civil_from_days(days.clamp(-1_000_000_000, 1_000_000_000));
        format!("{y:04}-{m:02}-{d:02}")
    })
}

/// A day given as Unix seconds (an integer or float column), floored to the day as
/// [`parse_unix_seconds`] floors its text.
pub fn day_from_unix_seconds(seconds: f64) -> Result<u16, String> {
    if !seconds.is_finite() {
        return Err(format!(
            "timestamp '{seconds}' is not a number of Unix seconds"
        ));
    }
    day_in_range((seconds / 86_400.0).floor() as i64, || format!("{seconds}"))
}

/// Parses a date in any accepted form: `YYYY-MM-DD`, an ISO 8601 date-time (its UTC day, see
/// [`super::iso_time`]) or Unix seconds.
pub fn parse_date(text: &[u8]) -> Result<u16, String> {
    if text.len() == 10 && text[4] == b'-' {
        return parse_iso_date(text);
    }
    let shown = || String::from_utf8_lossy(text);
    if text.len() > 4 && text[4] == b'-' && text[..4].iter().all(u8::is_ascii_digit) {
        let days = super::iso_time::parse_day(text).map_err(|reason| {
            format!(
                "date '{}' is not an ISO 8601 date or date-time: {reason} (expected {ACCEPTED_DATES})",
                shown()
            )
        })?;
        return checked_day(days, text);
    }
    let days = unix_seconds_days(text).ok_or_else(|| {
        format!(
            "date '{}' is not a date, a date-time or Unix seconds (expected {ACCEPTED_DATES})",
            shown()
        )
    })?;
    checked_day(days, text)
}

/// The forms of a date [`parse_date`] reads, for messages.
pub const ACCEPTED_DATES: &str =
    "YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM] or Unix seconds";

/// Writes a day as `YYYY-MM-DD`.
pub fn format_day(day: u16, out: &mut Vec<u8>) {
    let (y, m, d) = civil_from_days(day as i64);
    let digits = [
        b'0' + (y / 1000 % 10) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (d / 10) as u8,
        b'0' + (d % 10) as u8,
    ];
    out.extend_from_slice(&digits);
}

/// A day as an ISO `YYYY-MM-DD` string.
pub fn day_to_iso(day: u16) -> String {
    let mut out = Vec::with_capacity(10);
    format_day(day, &mut out);
    String::from_utf8(out).expect("ASCII digits")
}

/// Appends the decimal digits of `value`.
pub fn push_u64(out: &mut Vec<u8>, mut value: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends the decimal text of `value`, `-` first when negative.
pub fn push_i64(out: &mut Vec<u8>, value: i64) {
    if value < 0 {
        out.push(b'-');
    }
    push_u64(out, value.unsigned_abs());
}

/// Appends the text of an id held as a float (a column of integers with gaps, as pandas
/// holds it): a whole number as an integer (`7.0` is `7`), NaN as nothing (a missing id).
pub fn push_float_id(out: &mut Vec<u8>, value: f64) {
    if value.is_nan() {
    } else if value.fract() == 0.0 && value.abs() < 9.0e15 {
        push_i64(out, value as i64);
    } else {
        out.extend_from_slice(format!("{value}").as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_parse_in_half_steps() {
        assert_eq!(parse_rating(b"4"), Ok(8));
        assert_eq!(parse_rating(b"3.5"), Ok(7));
        assert_eq!(parse_rating(b"4.0"), Ok(8));
        assert_eq!(parse_rating(b"0.5"), Ok(1));
        assert_eq!(parse_rating(b"2.50"), Ok(5));
        for bad in [
            &b"3.7"[..],
            b"",
            b"x",
            b"-1",
            b"4.",
            b"128",
            b"3.55",
            b"1e3",
        ] {
            assert!(parse_rating(bad).is_err(), "{:?}", bad);
        }
        let mut out = Vec::new();
        format_rating(7, &mut out);
        out.push(b' ');
        format_rating(10, &mut out);
        assert_eq!(out, b"3.5 5");
    }

    #[test]
    fn dates_round_trip_and_known_values() {
        assert_eq!(parse_iso_date(b"1970-01-01"), Ok(0));
        assert_eq!(parse_iso_date(b"2005-12-31"), Ok(13_148));
        assert_eq!(parse_iso_date(b"1999-11-11"), Ok(10_906));
        assert!(parse_iso_date(b"2005-02-29").is_err());
        assert!(parse_iso_date(b"2004-02-29").is_ok());
        assert!(parse_iso_date(b"1969-12-31").is_err());
        assert!(parse_iso_date(b"2005-13-01").is_err());
        for day in (0..MAX_DAY).step_by(97) {
            assert_eq!(parse_iso_date(day_to_iso(day).as_bytes()), Ok(day));
        }
    }

    #[test]
    fn unix_seconds_floor_to_days() {
        assert_eq!(parse_unix_seconds(b"881250949"), Ok(10_199));
        assert_eq!(parse_unix_seconds(b"881250949.0"), Ok(10_199));
        assert_eq!(parse_unix_seconds(b"86399"), Ok(0));
        assert_eq!(parse_unix_seconds(b"86400"), Ok(1));
        assert!(parse_unix_seconds(b"-1").is_err());
        assert!(parse_unix_seconds(b"12a").is_err());
        assert_eq!(parse_date(b"1970-01-02"), Ok(1));
        assert_eq!(parse_date(b"86400"), Ok(1));
    }
}
