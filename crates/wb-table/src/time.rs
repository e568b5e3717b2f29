//! [`Timestamp`]: a `datetime.datetime` (naive or UTC) or `datetime.date` cell.

use wb_core::{Error, Result};

/// What kind of Python value a timestamp stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeKind {
    /// A naive `datetime` (the SDK treats it as UTC).
    Naive,
    /// A timezone-aware `datetime` in UTC (what `from_json` returns).
    Utc,
    /// A `datetime.date` (midnight UTC).
    Date,
}

/// A point in time with microsecond precision, as Python's `datetime` holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    micros: i64,
    kind: TimeKind,
}

const US_PER_DAY: i64 = 86_400_000_000;

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// The civil fields of a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    /// Year.
    pub year: i64,
    /// Month 1-12.
    pub month: u32,
    /// Day 1-31.
    pub day: u32,
    /// Hour.
    pub hour: u32,
    /// Minute.
    pub minute: u32,
    /// Second.
    pub second: u32,
    /// Microsecond.
    pub micro: u32,
}

impl Timestamp {
    /// A naive `datetime(year, month, day, hour, minute, second, microsecond)`.
    pub fn from_naive(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, us: u32) -> Result<Self> {
        Self::checked(y, mo, d, h, mi, s, us, TimeKind::Naive)
    }

    /// A UTC-aware `datetime`.
    pub fn from_utc(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, us: u32) -> Result<Self> {
        Self::checked(y, mo, d, h, mi, s, us, TimeKind::Utc)
    }

    /// A `datetime.date`.
    pub fn from_date(y: i64, mo: u32, d: u32) -> Result<Self> {
        Self::checked(y, mo, d, 0, 0, 0, 0, TimeKind::Date)
    }

    #[allow(clippy::too_many_arguments)]
    fn checked(
        y: i64,
        mo: u32,
        d: u32,
        h: u32,
        mi: u32,
        s: u32,
        us: u32,
        kind: TimeKind,
    ) -> Result<Self> {
        if !(1..=9999).contains(&y) {
            return Err(Error::value(format!("year {y} is out of range")));
        }
        if !(1..=12).contains(&mo) {
            return Err(Error::value("month must be in 1..12"));
        }
        if d < 1 || d > days_in_month(y, mo) {
            return Err(Error::value("day is out of range for month"));
        }
        if h > 23 || mi > 59 || s > 59 || us > 999_999 {
            return Err(Error::value(
                "hour must be in 0..23, minute and second in 0..59, microsecond in 0..999999",
            ));
        }
        let micros = days_from_civil(y, mo, d) * US_PER_DAY
            + (i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)) * 1_000_000
            + i64::from(us);
        Ok(Timestamp { micros, kind })
    }

    /// A UTC datetime `micros` microseconds after the Unix epoch.
    pub fn from_unix_micros(micros: i64, kind: TimeKind) -> Self {
        Timestamp { micros, kind }
    }

    /// What `from_json` makes of epoch milliseconds: `datetime.fromtimestamp(ms / 1000, tz=utc)`.
    pub fn from_epoch_ms(ms: f64) -> Self {
        let micros = ((ms / 1000.0) * 1e6).round_ties_even() as i64;
        Timestamp {
            micros,
            kind: TimeKind::Utc,
        }
    }

    /// Parses ISO 8601 text as `datetime.fromisoformat` does (`2020-01-01`, `2020-01-01T12:00`,
    /// `2020-01-01 12:00:00.5`, an optional `Z` or `+00:00`); without a zone it is naive.
    #[doc(alias = "fromisoformat")]
    pub fn from_iso(text: &str) -> Result<Self> {
        let bad = || Error::value(format!("Invalid isoformat string: {text:?}"));
        let (date, rest) = if text.len() > 10 {
            text.split_at(10)
        } else {
            (text, "")
        };
        let dp: Vec<&str> = date.split('-').collect();
        if dp.len() != 3 {
            return Err(bad());
        }
        let y: i64 = dp[0].parse().map_err(|_| bad())?;
        let mo: u32 = dp[1].parse().map_err(|_| bad())?;
        let d: u32 = dp[2].parse().map_err(|_| bad())?;
        if rest.is_empty() {
            return Self::from_naive(y, mo, d, 0, 0, 0, 0);
        }
        let rest = rest.strip_prefix(['T', ' ']).ok_or_else(bad)?;
        let (time, kind) = if let Some(t) = rest.strip_suffix('Z') {
            (t, TimeKind::Utc)
        } else if let Some(t) = rest.strip_suffix("+00:00") {
            (t, TimeKind::Utc)
        } else {
            (rest, TimeKind::Naive)
        };
        let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
        let tp: Vec<&str> = hms.split(':').collect();
        let num = |s: &str| s.parse::<u32>().map_err(|_| bad());
        let h = num(tp.first().ok_or_else(bad)?)?;
        let mi = tp.get(1).map_or(Ok(0), |s| num(s))?;
        let s = tp.get(2).map_or(Ok(0), |s| num(s))?;
        let us = if frac.is_empty() {
            0
        } else {
            let mut f = frac.to_owned();
            if f.len() > 6 || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            while f.len() < 6 {
                f.push('0');
            }
            num(&f)?
        };
        Self::checked(y, mo, d, h, mi, s, us, kind)
    }

    /// Microseconds since the Unix epoch (UTC).
    pub fn unix_micros(&self) -> i64 {
        self.micros
    }

    /// The kind of Python value.
    pub fn kind(&self) -> TimeKind {
        self.kind
    }

    /// The civil (UTC) fields.
    pub fn civil(&self) -> Civil {
        let days = self.micros.div_euclid(US_PER_DAY);
        let rem = self.micros.rem_euclid(US_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let secs = rem / 1_000_000;
        Civil {
            year,
            month,
            day,
            hour: (secs / 3600) as u32,
            minute: (secs / 60 % 60) as u32,
            second: (secs % 60) as u32,
            micro: (rem % 1_000_000) as u32,
        }
    }

    /// Epoch milliseconds as the SDK writes a timestamp into an artifact table:
    /// `int(dt.timestamp() * 1000)` (a naive datetime taken as UTC; a date at midnight).
    pub fn artifact_millis(&self) -> i64 {
        ((self.micros as f64 / 1e6) * 1000.0).trunc() as i64
    }

    /// `true` when both are the same instant (Python compares a naive and an aware datetime as
    /// unequal; the SDK's round trip makes naive values aware, so we compare instants).
    pub fn same_instant(&self, other: &Timestamp) -> bool {
        self.micros == other.micros
    }

    /// ISO text as pydantic writes it in the run copy of a table (`2020-01-01T12:00:00`,
    /// `...Z` when aware, `2020-01-02` for a date).
    pub fn iso(&self) -> String {
        let c = self.civil();
        if self.kind == TimeKind::Date {
            return format!("{:04}-{:02}-{:02}", c.year, c.month, c.day);
        }
        let mut s = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        );
        if c.micro != 0 {
            s.push_str(&format!(".{:06}", c.micro));
        }
        if self.kind == TimeKind::Utc {
            s.push('Z');
        }
        s
    }

    /// Python `str()`.
    pub fn py_str(&self) -> String {
        let c = self.civil();
        if self.kind == TimeKind::Date {
            return format!("{:04}-{:02}-{:02}", c.year, c.month, c.day);
        }
        let mut s = format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        );
        if c.micro != 0 {
            s.push_str(&format!(".{:06}", c.micro));
        }
        if self.kind == TimeKind::Utc {
            s.push_str("+00:00");
        }
        s
    }

    /// Python `repr()` (`datetime.datetime(2020, 1, 1, 12, 0)`).
    pub fn py_repr(&self) -> String {
        let c = self.civil();
        if self.kind == TimeKind::Date {
            return format!("datetime.date({}, {}, {})", c.year, c.month, c.day);
        }
        let mut s = format!(
            "datetime.datetime({}, {}, {}, {}, {}",
            c.year, c.month, c.day, c.hour, c.minute
        );
        if c.second != 0 || c.micro != 0 {
            s.push_str(&format!(", {}", c.second));
        }
        if c.micro != 0 {
            s.push_str(&format!(", {}", c.micro));
        }
        if self.kind == TimeKind::Utc {
            s.push_str(", tzinfo=datetime.timezone.utc");
        }
        s.push(')');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_millis_match_the_sdk() -> Result<()> {
        // `_json_helper(datetime(2020,1,1,12))` and the SDK test's 2000-12-01 date.
        assert_eq!(
            Timestamp::from_naive(2020, 1, 1, 12, 0, 0, 0)?.artifact_millis(),
            1_577_880_000_000
        );
        assert_eq!(
            Timestamp::from_date(2000, 12, 1)?.artifact_millis(),
            975_628_800_000
        );
        let t = Timestamp::from_iso("2020-01-01T12:00:00.5")?;
        assert_eq!(t.artifact_millis(), 1_577_880_000_500);
        assert_eq!(
            t.py_repr(),
            "datetime.datetime(2020, 1, 1, 12, 0, 0, 500000)"
        );
        assert_eq!(
            Timestamp::from_epoch_ms(1_577_880_000_500.0).civil(),
            t.civil()
        );
        Ok(())
    }
}
