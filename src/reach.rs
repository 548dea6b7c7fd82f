//! When someone can be reached: weekly hours in their office's time zone,
//! exceptions (holidays, leave), and from those, whether they are available
//! now and when they next are. Pure computation over `chrono-tz`, so that
//! daylight-saving changes are the time zone database's, not ours.
//! Used by the people (and, later, offices); uses nothing of theirs.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::ValidationError;

/// One range of a day, local time: `09:00` to `17:30`; `24:00` ends a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    #[schema(
        max_length = 5,
        pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        example = "09:00"
    )]
    pub from: String,
    #[schema(
        max_length = 5,
        pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$",
        example = "17:00"
    )]
    pub to: String,
}

/// Ranges per weekday; a day left out has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Weekly {
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::validate::objects"
    )]
    #[schema(max_items = 6)]
    pub mon: Vec<TimeRange>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::validate::objects"
    )]
    #[schema(max_items = 6)]
    pub tue: Vec<TimeRange>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::validate::objects"
    )]
    #[schema(max_items = 6)]
    pub wed: Vec<TimeRange>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::validate::objects"
    )]
    #[schema(max_items = 6)]
    pub thu: Vec<TimeRange>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::validate::objects"
    )]
    #[schema(max_items = 6)]
    pub fri: Vec<TimeRange>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::validate::objects"
    )]
    #[schema(max_items = 6)]
    pub sat: Vec<TimeRange>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::validate::objects"
    )]
    #[schema(max_items = 6)]
    pub sun: Vec<TimeRange>,
}

impl Weekly {
    /// The days in order, with their schema.org names.
    pub fn days(&self) -> [(Weekday, &'static str, &[TimeRange]); 7] {
        [
            (Weekday::Mon, "Monday", &self.mon),
            (Weekday::Tue, "Tuesday", &self.tue),
            (Weekday::Wed, "Wednesday", &self.wed),
            (Weekday::Thu, "Thursday", &self.thu),
            (Weekday::Fri, "Friday", &self.fri),
            (Weekday::Sat, "Saturday", &self.sat),
            (Weekday::Sun, "Sunday", &self.sun),
        ]
    }

    fn on(&self, day: Weekday) -> &[TimeRange] {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }
}

/// Days off: from and to inclusive, local dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `Public holiday`, `On leave`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub note: Option<String>,
}

/// When a person can be reached, in their office's time zone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    #[serde(default, deserialize_with = "crate::validate::object")]
    pub weekly: Weekly,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::validate::objects"
    )]
    #[schema(max_items = 100)]
    pub exceptions: Vec<Exception>,
}

/// The most ranges in a day, and the most exceptions.
pub const MAX_RANGES_PER_DAY: usize = 6;
pub const MAX_EXCEPTIONS: usize = 100;

/// `HH:MM` as minutes since midnight; `24:00` is 1440.
fn minutes(text: &str) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Ranges inside 00:00–24:00, each ending after it starts, none
/// overlapping another on the same day; exceptions in order, with short notes.
pub fn validate_hours(hours: &Hours) -> Result<(), ValidationError> {
    for (_, day, ranges) in hours.weekly.days() {
        if ranges.len() > MAX_RANGES_PER_DAY {
            return Err(crate::validate::error(
                "length",
                format!("{day}: at most {MAX_RANGES_PER_DAY} ranges"),
            ));
        }
        let mut spans = vec![];
        for r in ranges {
            let (Some(from), Some(to)) = (minutes(&r.from), minutes(&r.to)) else {
                return Err(crate::validate::error(
                    "time",
                    format!("{day}: times are HH:MM between 00:00 and 24:00"),
                ));
            };
            if from >= to || from == 1440 {
                return Err(crate::validate::error(
                    "range",
                    format!("{day}: {} to {} does not end after it starts", r.from, r.to),
                ));
            }
            spans.push((from, to));
        }
        spans.sort_unstable();
        if spans.windows(2).any(|w| w[1].0 < w[0].1) {
            return Err(crate::validate::error(
                "overlap",
                format!("{day}: ranges overlap"),
            ));
        }
    }
    if hours.exceptions.len() > MAX_EXCEPTIONS {
        return Err(crate::validate::error(
            "length",
            format!("at most {MAX_EXCEPTIONS} exceptions"),
        ));
    }
    for e in &hours.exceptions {
        if e.to < e.from {
            return Err(crate::validate::error(
                "range",
                format!("exception {} to {} ends before it starts", e.from, e.to),
            ));
        }
        if let Some(note) = &e.note
            && (note.chars().count() > 200 || crate::validate::single_line(note).is_err())
        {
            return Err(crate::validate::error(
                "note",
                "an exception's note is one line of at most 200 characters",
            ));
        }
    }
    Ok(())
}

/// Whether someone is available now, and when they next are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    /// None: unknown (no hours, or no time zone to read them in).
    pub available_now: Option<bool>,
    /// The next start of a range, when not available now; None when
    /// available now, unknown, or nothing in the next year.
    pub next_available_at: Option<DateTime<Utc>>,
}

impl Reach {
    pub const UNKNOWN: Reach = Reach {
        available_now: None,
        next_available_at: None,
    };
}

/// How far ahead the next range is looked for.
const HORIZON_DAYS: u64 = 370;

/// The instant a local wall-clock time means. In a spring-forward gap
/// (02:30 that never happens) it is the first instant after the gap; in a
/// fall-back repeat, the earlier of the two.
fn instant(tz: Tz, date: NaiveDate, minute: u32) -> Option<DateTime<Utc>> {
    let base = date.and_time(NaiveTime::MIN) + chrono::Duration::minutes(minute as i64);
    let mut local = base;
    // A gap is at most a few hours; step until the wall clock exists.
    for _ in 0..(24 * 4) {
        if let Some(at) = tz.from_local_datetime(&local).earliest() {
            return Some(at.with_timezone(&Utc));
        }
        local += chrono::Duration::minutes(15);
    }
    None
}

fn day_off(hours: &Hours, date: NaiveDate) -> bool {
    hours
        .exceptions
        .iter()
        .any(|e| e.from <= date && date <= e.to)
}

/// Reads the hours at `now` in `tz`.
pub fn reach(hours: &Hours, tz: Tz, now: DateTime<Utc>) -> Reach {
    let today = now.with_timezone(&tz).date_naive();
    // Yesterday too: a range can be read from the day it starts.
    let start = today.checked_sub_days(Days::new(1)).unwrap_or(today);
    let mut next: Option<DateTime<Utc>> = None;
    for offset in 0..=HORIZON_DAYS + 1 {
        let Some(date) = start.checked_add_days(Days::new(offset)) else {
            break;
        };
        if day_off(hours, date) {
            continue;
        }
        for range in hours.weekly.on(date.weekday()) {
            let (Some(from), Some(to)) = (minutes(&range.from), minutes(&range.to)) else {
                continue;
            };
            let (Some(opens), Some(closes)) = (instant(tz, date, from), instant(tz, date, to))
            else {
                continue;
            };
            if opens <= now && now < closes {
                return Reach {
                    available_now: Some(true),
                    next_available_at: None,
                };
            }
            if opens > now && next.is_none_or(|n| opens < n) {
                next = Some(opens);
            }
        }
        if next.is_some() && date > today {
            break;
        }
    }
    Reach {
        available_now: Some(false),
        next_available_at: next,
    }
}

/// Reads the hours, if there are hours and a zone to read them in.
pub fn reach_in(hours: Option<&Hours>, timezone: Option<&str>, now: DateTime<Utc>) -> Reach {
    match (hours, timezone.and_then(|tz| tz.parse::<Tz>().ok())) {
        (Some(hours), Some(tz)) => reach(hours, tz, now),
        _ => Reach::UNKNOWN,
    }
}

impl Hours {
    /// The weekly hours in a line a person reads, days with the same hours
    /// run together: `Mon-Fri 09:00-17:00; Sat 10:00-12:00`. Days without
    /// hours are left out; exceptions are not summarised.
    pub fn weekly_summary(&self) -> String {
        let days = self.weekly.days();
        let mut parts: Vec<String> = vec![];
        let mut i = 0;
        while i < days.len() {
            let ranges = days[i].2;
            let mut j = i;
            while j + 1 < days.len() && days[j + 1].2 == ranges {
                j += 1;
            }
            if !ranges.is_empty() {
                let name = |k: usize| &days[k].1[..3];
                let span = if i == j {
                    name(i).to_string()
                } else {
                    format!("{}-{}", name(i), name(j))
                };
                let times: Vec<String> = ranges
                    .iter()
                    .map(|r| format!("{}-{}", r.from, r.to))
                    .collect();
                parts.push(format!("{span} {}", times.join(", ")));
            }
            i = j + 1;
        }
        parts.join("; ")
    }
}

/// Hours kept in a text column as JSON, exported and imported as the
/// object (people's and offices' `hours`).
pub mod json_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Hours;

    pub fn serialize<S: Serializer>(
        text: &Option<String>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let hours: Option<Hours> = text.as_deref().and_then(|t| serde_json::from_str(t).ok());
        serializer.serialize_some(&hours)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        use serde::de::Error;
        Option::<Hours>::deserialize(deserializer)?
            .map(|h| serde_json::to_string(&h).map_err(D::Error::custom))
            .transpose()
    }
}

/// Hours as their column holds them.
pub fn to_text(hours: Option<&Hours>) -> Option<String> {
    hours.map(|h| serde_json::to_string(h).unwrap_or_default())
}

/// A column's hours, read back.
pub fn from_text(text: Option<&str>) -> Option<Hours> {
    text.and_then(|t| serde_json::from_str(t).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weekly_summary_runs_days_with_the_same_hours_together() {
        let office = vec![range("09:00", "13:00"), range("14:00", "17:30")];
        let hours = Hours {
            weekly: Weekly {
                mon: office.clone(),
                tue: office.clone(),
                wed: office.clone(),
                thu: office,
                fri: vec![range("09:00", "13:00")],
                sat: vec![],
                sun: vec![range("10:00", "12:00")],
            },
            exceptions: vec![],
        };
        assert_eq!(
            hours.weekly_summary(),
            "Mon-Thu 09:00-13:00, 14:00-17:30; Fri 09:00-13:00; Sun 10:00-12:00"
        );
        assert_eq!(Hours::default().weekly_summary(), "");
    }

    fn range(from: &str, to: &str) -> TimeRange {
        TimeRange {
            from: from.into(),
            to: to.into(),
        }
    }

    fn weekdays(from: &str, to: &str) -> Hours {
        let r = vec![range(from, to)];
        Hours {
            weekly: Weekly {
                mon: r.clone(),
                tue: r.clone(),
                wed: r.clone(),
                thu: r.clone(),
                fri: r,
                ..Weekly::default()
            },
            exceptions: vec![],
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn open_closed_and_the_next_opening_in_the_office_zone() {
        let hours = weekdays("08:00", "17:00");
        let tz: Tz = "America/Costa_Rica".parse().unwrap();
        // Tuesday 01:42 in San José (UTC-6): closed, opens at 08:00 local.
        let r = reach(&hours, tz, at("2026-12-01T07:42:00Z"));
        assert_eq!(r.available_now, Some(false));
        assert_eq!(r.next_available_at, Some(at("2026-12-01T14:00:00Z")));
        // Tuesday 10:00 local: open.
        let r = reach(&hours, tz, at("2026-12-01T16:00:00Z"));
        assert_eq!(r.available_now, Some(true));
        assert_eq!(r.next_available_at, None);
        // Friday 18:00 local: next is Monday 08:00.
        let r = reach(&hours, tz, at("2026-12-05T00:00:00Z"));
        assert_eq!(r.available_now, Some(false));
        assert_eq!(r.next_available_at, Some(at("2026-12-07T14:00:00Z")));
    }

    #[test]
    fn daylight_saving_changes_move_the_utc_instant_not_the_local_hour() {
        let hours = weekdays("09:00", "17:00");
        let tz: Tz = "Europe/Zurich".parse().unwrap();
        // Friday 27 March 2026 18:00 local (UTC+1); the clocks go forward on
        // Sunday 29 March. Monday 09:00 is then UTC+2: 07:00Z, not 08:00Z.
        let r = reach(&hours, tz, at("2026-03-27T17:00:00Z"));
        assert_eq!(r.next_available_at, Some(at("2026-03-30T07:00:00Z")));
        // And back in October: Monday 26 October 09:00 is UTC+1 again.
        let r = reach(&hours, tz, at("2026-10-23T16:00:00Z"));
        assert_eq!(r.next_available_at, Some(at("2026-10-26T08:00:00Z")));
        // A range starting in the spring-forward gap (02:30 on 29 March
        // never happens) opens at the first instant after it (03:00 local).
        let night = Hours {
            weekly: Weekly {
                sun: vec![range("02:30", "06:00")],
                ..Weekly::default()
            },
            exceptions: vec![],
        };
        let r = reach(&night, tz, at("2026-03-28T12:00:00Z"));
        assert_eq!(r.next_available_at, Some(at("2026-03-29T01:00:00Z")));
    }

    #[test]
    fn exceptions_close_whole_days_and_no_hours_is_never() {
        let mut hours = weekdays("08:00", "17:00");
        hours.exceptions.push(Exception {
            from: NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 28).unwrap(),
            note: Some("Holidays".into()),
        });
        let tz: Tz = "America/Costa_Rica".parse().unwrap();
        // Thursday 24 December 10:00 local: a holiday; next is Tuesday 29.
        let r = reach(&hours, tz, at("2026-12-24T16:00:00Z"));
        assert_eq!(r.available_now, Some(false));
        assert_eq!(r.next_available_at, Some(at("2026-12-29T14:00:00Z")));
        let never = reach(&Hours::default(), tz, at("2026-12-24T16:00:00Z"));
        assert_eq!(never.available_now, Some(false));
        assert_eq!(never.next_available_at, None);
        assert_eq!(
            reach_in(Some(&hours), None, at("2026-12-24T16:00:00Z")),
            Reach::UNKNOWN
        );
    }

    #[test]
    fn a_range_to_midnight_and_bad_hours() {
        let tz: Tz = "UTC".parse().unwrap();
        let late = Hours {
            weekly: Weekly {
                mon: vec![range("20:00", "24:00")],
                ..Weekly::default()
            },
            exceptions: vec![],
        };
        assert_eq!(
            reach(&late, tz, at("2026-11-30T23:59:00Z")).available_now,
            Some(true)
        );
        assert!(validate_hours(&late).is_ok());
        for bad in [
            weekdays("17:00", "08:00"),
            weekdays("24:00", "24:00"),
            weekdays("8:00", "17:00"),
            weekdays("08:00", "24:01"),
            weekdays("08:60", "17:00"),
        ] {
            assert!(validate_hours(&bad).is_err(), "{bad:?}");
        }
        let overlap = Hours {
            weekly: Weekly {
                mon: vec![range("08:00", "12:00"), range("11:00", "14:00")],
                ..Weekly::default()
            },
            exceptions: vec![],
        };
        assert_eq!(validate_hours(&overlap).unwrap_err().code, "overlap");
    }
}
