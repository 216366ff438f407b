//! How a procedural period is counted: in calendar days, as the rules count them.
//!
//! A period of N days runs from the day after the triggering event and ends at the end of its
//! last day (24:00) in the time zone the profile names — the institution's seat by default. Where
//! the profile says so, a last day that falls on a weekend day or a listed holiday moves to the
//! next business day (the model is UNCITRAL Arbitration Rules 2021 Art. 2(6): a period "shall
//! begin to run on the day following the day when a notice … is received" and, where its last day
//! is "an official holiday or a non-business day", is "extended until the first business day which
//! follows"). The end is stored as a UTC instant together with the zone and the last day it was
//! computed from, so that any viewer can be shown it in their own zone.
//!
//! Zones come from the IANA time-zone database bundled into the build (not the host's), so every
//! instance and every replay of a case computes the same instants.

use jiff::civil::{Date, Weekday};
use jiff::tz::{TimeZone, TimeZoneDatabase};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode};

/// Most holidays a calendar may list (about a decade of one seat's public holidays).
pub const MAX_HOLIDAYS: usize = 400;
/// Longest holiday name, in characters.
pub const MAX_HOLIDAY_NAME_CHARS: usize = 120;

/// A day of the week, as profiles name them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum WeekDay {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl WeekDay {
    fn of(d: Date) -> WeekDay {
        match d.weekday() {
            Weekday::Monday => WeekDay::Monday,
            Weekday::Tuesday => WeekDay::Tuesday,
            Weekday::Wednesday => WeekDay::Wednesday,
            Weekday::Thursday => WeekDay::Thursday,
            Weekday::Friday => WeekDay::Friday,
            Weekday::Saturday => WeekDay::Saturday,
            Weekday::Sunday => WeekDay::Sunday,
        }
    }
}

/// A public holiday at the seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// The day, `YYYY-MM-DD`.
    #[schemars(with = "String")]
    pub date: Date,
    /// Its name, as gazetted.
    pub name: String,
}

/// How a profile counts its periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodCalendar {
    /// IANA time zone in which a period's last day ends, such as `Asia/Hong_Kong`.
    pub time_zone: String,
    /// A last day on a weekend day or holiday moves to the next business day.
    pub extend_to_business_day: bool,
    /// The days that are not business days every week.
    pub weekend: Vec<WeekDay>,
    /// Public holidays at the seat (only consulted when `extend_to_business_day` is set).
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// Where the holiday list comes from, and the last year it covers.
    #[serde(default)]
    pub holidays_source: String,
    /// The rule this way of counting comes from, as cited in documents.
    pub rule: String,
}

impl Default for PeriodCalendar {
    /// Profiles recorded before calendars existed: calendar days ending at 24:00 UTC, no
    /// business-day extension.
    fn default() -> Self {
        PeriodCalendar {
            time_zone: "UTC".into(),
            extend_to_business_day: false,
            weekend: Vec::new(),
            holidays: Vec::new(),
            holidays_source: String::new(),
            rule: "calendar days ending at 24:00 UTC (profile recorded before seat calendars)"
                .into(),
        }
    }
}

/// Where a period ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodEnd {
    /// The first instant after the period (24:00 of its last day in `zone`), in UTC.
    pub due_at: Timestamp,
    /// The period's last day in `zone`, after any business-day extension.
    pub last_day: Date,
    /// The zone it was computed in.
    pub zone: String,
    /// True if the last day was moved past weekend days or holidays.
    pub extended: bool,
}

/// Looks up a zone in the bundled IANA database.
pub fn zone(name: &str) -> Result<TimeZone, DomainError> {
    TimeZoneDatabase::bundled().get(name).map_err(|_| {
        DomainError::invalid(
            ErrorCode::InvalidTimeZone,
            format!(
                "'{name}' is not a time zone of the IANA database; write it as Region/City, such as Asia/Hong_Kong or Europe/Zurich"
            ),
        )
    })
}

impl PeriodCalendar {
    /// Checks that the calendar can be used: a known zone, at least one business day a week,
    /// a bounded holiday list with names.
    pub fn validate(&self) -> Result<(), DomainError> {
        let bad = |m: String| DomainError::invalid(ErrorCode::InvalidProfileOverride, m);
        zone(&self.time_zone)?;
        let mut days = self.weekend.clone();
        days.sort();
        days.dedup();
        if days.len() >= 7 {
            return Err(bad(
                "a calendar needs at least one business day a week".into()
            ));
        }
        if self.holidays.len() > MAX_HOLIDAYS {
            return Err(bad(format!(
                "a calendar lists at most {MAX_HOLIDAYS} holidays, not {}",
                self.holidays.len()
            )));
        }
        if let Some(h) = self
            .holidays
            .iter()
            .find(|h| h.name.trim().is_empty() || h.name.chars().count() > MAX_HOLIDAY_NAME_CHARS)
        {
            return Err(bad(format!(
                "the holiday on {} needs a name of 1 to {MAX_HOLIDAY_NAME_CHARS} characters",
                h.date
            )));
        }
        Ok(())
    }

    /// The time zone, or UTC if the name is not in the database (profiles are validated when
    /// they are made, so this only guards data written by hand).
    pub fn tz(&self) -> TimeZone {
        zone(&self.time_zone).unwrap_or(TimeZone::UTC)
    }

    /// True if `d` is a business day under this calendar.
    pub fn is_business_day(&self, d: Date) -> bool {
        !self.weekend.contains(&WeekDay::of(d)) && !self.holidays.iter().any(|h| h.date == d)
    }

    /// The holiday on `d`, if one is listed.
    pub fn holiday(&self, d: Date) -> Option<&Holiday> {
        self.holidays.iter().find(|h| h.date == d)
    }

    /// The day, in this calendar's zone, on which an event at `at` happened.
    pub fn day_of(&self, at: Timestamp) -> Date {
        at.to_zoned_datetime(self.tz()).date()
    }

    /// The end of a period of `days` calendar days triggered by an event at `at`: it runs from
    /// the next day and ends at 24:00 of its last day, moved to the next business day if the
    /// calendar says so. Saturates at the end of representable time.
    pub fn period_end(&self, at: Timestamp, days: u32) -> PeriodEnd {
        self.period_end_after_day(self.day_of(at), days)
    }

    /// The end of a period of `days` calendar days that begins on the day after `day` (used when
    /// a period follows another's lapse: it begins the day after the earlier period's last day).
    pub fn period_end_after_day(&self, day: Date, days: u32) -> PeriodEnd {
        let tz = self.tz();
        let mut last = day
            .checked_add(jiff::Span::new().days(i64::from(days)))
            .unwrap_or(Date::MAX);
        let mut extended = false;
        if self.extend_to_business_day {
            // At most a year of non-business days in a row (validation guarantees a business day
            // every week, so this bound is never reached on valid data).
            for _ in 0..366 {
                if self.is_business_day(last) {
                    break;
                }
                match last.tomorrow() {
                    Ok(next) => {
                        last = next;
                        extended = true;
                    }
                    Err(_) => break,
                }
            }
        }
        let due_at = last
            .tomorrow()
            .ok()
            .and_then(|next| next.to_zoned_datetime(tz).ok())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX);
        PeriodEnd {
            due_at,
            last_day: last,
            zone: self.time_zone.clone(),
            extended,
        }
    }

    /// The last day (in this zone) of a period that ended at `due_at`: the day before 24:00.
    pub fn last_day_of(&self, due_at: Timestamp) -> Date {
        self.day_of(
            due_at
                .checked_sub(SignedDuration::from_nanos(1))
                .unwrap_or(Timestamp::MIN),
        )
    }

    /// One line saying how periods are counted, for a deadline's rule reference.
    pub fn describe(&self) -> String {
        if self.extend_to_business_day {
            format!(
                "calendar days from the day after, ending 24:00 {}, last day moved to the next business day",
                self.time_zone
            )
        } else {
            format!(
                "calendar days from the day after, ending 24:00 {}",
                self.time_zone
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn cal(zone: &str, extend: bool, holidays: &[(Date, &str)]) -> PeriodCalendar {
        PeriodCalendar {
            time_zone: zone.into(),
            extend_to_business_day: extend,
            weekend: vec![WeekDay::Saturday, WeekDay::Sunday],
            holidays: holidays
                .iter()
                .map(|(d, n)| Holiday {
                    date: *d,
                    name: (*n).into(),
                })
                .collect(),
            holidays_source: String::new(),
            rule: "test".into(),
        }
    }

    #[test]
    fn fourteen_days_from_ten_in_the_morning_end_at_midnight_of_the_last_day() {
        // Issued 10:00 Hong Kong time on Tuesday 1 December 2026 (02:00 UTC).
        let c = cal("Asia/Hong_Kong", false, &[]);
        let end = c.period_end(ts("2026-12-01T02:00:00Z"), 14);
        assert_eq!(end.last_day, date(2026, 12, 15));
        // 24:00 on 15 December in Hong Kong (UTC+8) is 16:00 UTC that day.
        assert_eq!(end.due_at, ts("2026-12-15T16:00:00Z"));
        // A reply at 23:30 Hong Kong time on the last day is in time.
        assert!(ts("2026-12-15T15:30:00Z") < end.due_at);
    }

    #[test]
    fn the_trigger_day_is_the_day_in_the_seat_zone_not_in_utc() {
        // 23:30 UTC on 1 December is already 2 December in Hong Kong.
        let c = cal("Asia/Hong_Kong", false, &[]);
        let end = c.period_end(ts("2026-12-01T23:30:00Z"), 1);
        assert_eq!(end.last_day, date(2026, 12, 3));
    }

    #[test]
    fn month_ends_and_leap_days_count_as_calendar_days() {
        let c = cal("UTC", false, &[]);
        assert_eq!(
            c.period_end(ts("2028-02-15T12:00:00Z"), 14).last_day,
            date(2028, 2, 29)
        );
        assert_eq!(
            c.period_end(ts("2027-02-15T12:00:00Z"), 14).last_day,
            date(2027, 3, 1)
        );
        assert_eq!(
            c.period_end(ts("2026-12-31T12:00:00Z"), 1).last_day,
            date(2027, 1, 1)
        );
    }

    #[test]
    fn a_period_ending_across_a_dst_change_ends_at_local_midnight() {
        // Europe/Zurich leaves summer time on 25 October 2026 (03:00 → 02:00).
        let c = cal("Europe/Zurich", false, &[]);
        let end = c.period_end(ts("2026-10-20T08:00:00Z"), 10);
        assert_eq!(end.last_day, date(2026, 10, 30));
        // 24:00 on 30 October in Geneva is winter time (UTC+1): 23:00 UTC.
        assert_eq!(end.due_at, ts("2026-10-30T23:00:00Z"));
        let summer = c.period_end(ts("2026-10-01T08:00:00Z"), 10);
        // 24:00 on 11 October is summer time (UTC+2): 22:00 UTC.
        assert_eq!(summer.due_at, ts("2026-10-11T22:00:00Z"));
    }

    #[test]
    fn across_the_date_line_the_day_is_the_seat_zone_day() {
        // 11:00 UTC on 1 December is 01:00 on 2 December in Kiritimati (UTC+14) and 00:00 on
        // 1 December in Pago Pago (UTC−11).
        let at = ts("2026-12-01T11:00:00Z");
        let east = cal("Pacific/Kiritimati", false, &[]).period_end(at, 7);
        let west = cal("Pacific/Pago_Pago", false, &[]).period_end(at, 7);
        assert_eq!(east.last_day, date(2026, 12, 9));
        assert_eq!(west.last_day, date(2026, 12, 8));
        assert_eq!(east.due_at, ts("2026-12-09T10:00:00Z"));
        assert_eq!(west.due_at, ts("2026-12-09T11:00:00Z"));
    }

    #[test]
    fn weekends_and_holidays_extend_only_where_the_calendar_says_so() {
        // 14 days from Friday 11 December 2026 end on Friday 25 December (Christmas), then
        // Saturday 26 (holiday and weekend) and Sunday 27: the last day becomes Monday 28.
        let holidays = [
            (date(2026, 12, 25), "Christmas Day"),
            (date(2026, 12, 26), "The first weekday after Christmas Day"),
        ];
        let at = ts("2026-12-11T04:00:00Z");
        let extended = cal("Asia/Hong_Kong", true, &holidays).period_end(at, 14);
        assert_eq!(extended.last_day, date(2026, 12, 28));
        assert!(extended.extended);
        let plain = cal("Asia/Hong_Kong", false, &holidays).period_end(at, 14);
        assert_eq!(plain.last_day, date(2026, 12, 25));
        assert!(!plain.extended);
        // A last day on a business day is not moved.
        let weekday = cal("Asia/Hong_Kong", true, &holidays).period_end(at, 12);
        assert_eq!(weekday.last_day, date(2026, 12, 23));
        assert!(!weekday.extended);
    }

    #[test]
    fn a_period_after_a_lapse_begins_the_day_after_the_earlier_last_day() {
        let c = cal("Asia/Hong_Kong", false, &[]);
        let first = c.period_end(ts("2026-12-01T02:00:00Z"), 30);
        assert_eq!(c.last_day_of(first.due_at), first.last_day);
        let next = c.period_end_after_day(c.last_day_of(first.due_at), 15);
        assert_eq!(next.last_day, date(2027, 1, 15));
    }

    #[test]
    fn calendars_without_a_business_day_or_with_unknown_zones_are_refused() {
        let mut c = cal("Asia/Hong_Kong", true, &[]);
        assert!(c.validate().is_ok());
        c.time_zone = "Mars/Olympus_Mons".into();
        assert_eq!(c.validate().unwrap_err().code(), ErrorCode::InvalidTimeZone);
        let mut all = cal("UTC", true, &[]);
        all.weekend = vec![
            WeekDay::Monday,
            WeekDay::Tuesday,
            WeekDay::Wednesday,
            WeekDay::Thursday,
            WeekDay::Friday,
            WeekDay::Saturday,
            WeekDay::Sunday,
        ];
        assert_eq!(
            all.validate().unwrap_err().code(),
            ErrorCode::InvalidProfileOverride
        );
    }
}
