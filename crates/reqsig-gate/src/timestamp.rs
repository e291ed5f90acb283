//! Timestamps in the registry file: TOML offset date-times or Unix seconds.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

/// A point in time as written in the registry: an RFC 3339 date-time with an
/// offset (`2026-01-31T00:00:00Z`) or whole seconds since the Unix epoch.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Timestamp {
    /// Seconds since the Unix epoch.
    Unix(u64),
    /// A TOML date-time.
    Date(toml::value::Datetime),
}

/// Reads either form, with an error that names the forms instead of serde's
/// "data did not match any variant".
impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const FORMS: &str = "whole seconds since the Unix epoch or a date-time such as 2026-01-31T00:00:00Z";
        match toml::Value::deserialize(deserializer)? {
            toml::Value::Integer(seconds) => u64::try_from(seconds)
                .map(Timestamp::Unix)
                .map_err(|_| D::Error::custom(format!("timestamp {seconds} is negative; write {FORMS}"))),
            toml::Value::Datetime(datetime) => Ok(Timestamp::Date(datetime)),
            other => Err(D::Error::custom(format!(
                "a timestamp is {FORMS}, not a {}",
                other.type_str()
            ))),
        }
    }
}

impl Timestamp {
    /// Creates the date-time form of `seconds` since the Unix epoch, in UTC.
    pub fn from_unix(seconds: u64) -> Timestamp {
        let days = (seconds / 86_400) as i64;
        let rest = seconds % 86_400;
        let (year, month, day) = civil_from_days(days);
        let text = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            rest / 3600,
            rest / 60 % 60,
            rest % 60
        );
        text.parse()
            .map(Timestamp::Date)
            .unwrap_or(Timestamp::Unix(seconds))
    }
}

/// Converts a timestamp to seconds since the Unix epoch.
///
/// # Errors
/// A message when the date-time has no offset or no time, or lies before 1970.
pub fn parse_timestamp(timestamp: &Timestamp) -> Result<u64, String> {
    let datetime = match timestamp {
        Timestamp::Unix(seconds) => return Ok(*seconds),
        Timestamp::Date(datetime) => datetime,
    };
    let (Some(date), Some(time), Some(offset)) = (datetime.date, datetime.time, datetime.offset) else {
        return Err(format!(
            "timestamp {datetime} needs a date, a time and an offset, such as 2026-01-31T00:00:00Z"
        ));
    };
    let days = days_from_civil(i64::from(date.year), i64::from(date.month), i64::from(date.day));
    let seconds = days * 86_400
        + i64::from(time.hour) * 3600
        + i64::from(time.minute) * 60
        + i64::from(time.second.unwrap_or(0));
    let offset_minutes = match offset {
        toml::value::Offset::Z => 0,
        toml::value::Offset::Custom { minutes } => i64::from(minutes),
    };
    u64::try_from(seconds - offset_minutes * 60).map_err(|_| format!("timestamp {datetime} lies before 1970"))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Converts days since 1970-01-01 back to a date; the inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_round_trip() {
        for seconds in [0, 1_618_884_473, 1_767_225_600, 4_102_444_800] {
            assert_eq!(parse_timestamp(&Timestamp::from_unix(seconds)), Ok(seconds));
        }
    }

    #[test]
    fn timestamp_with_offset() {
        let date: toml::value::Datetime = "2021-04-20T04:07:53+02:00".parse().unwrap();
        assert_eq!(parse_timestamp(&Timestamp::Date(date)), Ok(1_618_884_473));
    }

    #[test]
    fn timestamp_without_offset_rejected() {
        let date: toml::value::Datetime = "2021-04-20T04:07:53".parse().unwrap();
        assert!(parse_timestamp(&Timestamp::Date(date)).is_err());
    }
}
