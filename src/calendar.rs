//! Dates: the civil date of a Unix time (the manifest's `start_time`) and the `YYYY-MM` label of
//! a reported month (timeseries.csv's `date`). Pure arithmetic on integers, no time zone but UTC.

/// Seconds since the Unix epoch as an RFC 3339 UTC timestamp, `YYYY-MM-DDThh:mm:ssZ`.
pub fn timestamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Seconds since the Unix epoch now (0 if the clock is before it).
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `YYYY-MM` of month `m` (0-based) after `start` (year, month 1..=12).
pub fn month_label(start: (i32, u32), m: usize) -> String {
    let idx = start.0 as i64 * 12 + (start.1 as i64 - 1) + m as i64;
    format!("{:04}-{:02}", idx.div_euclid(12), idx.rem_euclid(12) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        // 2000-02-29 (a leap day of a century leap year) 12:34:56.
        assert_eq!(timestamp(951_827_696), "2000-02-29T12:34:56Z");
        assert_eq!(timestamp(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn month_labels() {
        assert_eq!(month_label((2022, 1), 0), "2022-01");
        assert_eq!(month_label((2022, 1), 13), "2023-02");
        assert_eq!(month_label((2022, 11), 2), "2023-01");
    }
}
