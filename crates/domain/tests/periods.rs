//! Every period of every shipped profile is counted as the rules count them: from the day after
//! the triggering event, to 24:00 of the last day in the profile's zone, moved past weekend days
//! and holidays where the profile says so. The properties below state that definition directly
//! (they do not re-run the computation): across month ends, leap years, daylight-saving changes
//! in the profile's zone, and triggers on either side of the date line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use accord_domain::period::PeriodCalendar;
use accord_domain::profile::Profile;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

/// Every day field of a profile, with its value.
fn periods(p: &Profile) -> Vec<(&'static str, u32)> {
    vec![
        ("lodging_fee_days", p.lodging_fee_days),
        (
            "invitation_response_days_state",
            p.invitation_response_days_state,
        ),
        (
            "invitation_response_days_commercial",
            p.invitation_response_days_commercial,
        ),
        ("mediator_number_days", p.mediator_number_days),
        (
            "appointment_by_agreement_days",
            p.appointment_by_agreement_days,
        ),
        (
            "institution_appointment_days",
            p.institution_appointment_days,
        ),
        ("inactivity_days", p.inactivity_days),
        ("acceptance_days", p.acceptance_days),
        ("disclosure_objection_days", p.disclosure_objection_days),
        ("initial_statements_days", p.initial_statements_days),
        ("first_session_days", p.first_session_days),
        ("deposit_due_days", p.deposit_due_days),
        ("nonpayment_notice_days", p.nonpayment_notice_days),
        ("nonpayment_suspension_days", p.nonpayment_suspension_days),
        ("nonpayment_termination_days", p.nonpayment_termination_days),
    ]
}

fn days_between(a: Date, b: Date) -> i64 {
    let mut n = 0;
    let mut d = a;
    while d < b {
        d = d.tomorrow().unwrap();
        n += 1;
    }
    n
}

/// Checks the definition of a period end for a trigger at `at`.
fn check(cal: &PeriodCalendar, at: Timestamp, days: u32, what: &str) {
    let tz = jiff::tz::TimeZoneDatabase::bundled()
        .get(&cal.time_zone)
        .unwrap();
    let end = cal.period_end(at, days);
    let trigger_day = at.to_zoned_datetime(tz.clone()).date();
    // The period ends at local midnight, at the start of the day after its last day.
    let local_end = end.due_at.to_zoned_datetime(tz.clone());
    assert_eq!(local_end.date(), end.last_day.tomorrow().unwrap(), "{what}");
    assert_eq!(
        (local_end.hour(), local_end.minute(), local_end.second()),
        (0, 0, 0),
        "{what}: ends at local midnight"
    );
    // One nanosecond before the end is still the last day.
    let just_before = end.due_at - SignedDuration::from_nanos(1);
    assert_eq!(
        just_before.to_zoned_datetime(tz).date(),
        end.last_day,
        "{what}"
    );
    // The last day is N calendar days after the trigger day, or later only past non-business days.
    let span = days_between(trigger_day, end.last_day);
    assert!(span >= i64::from(days), "{what}: {span} < {days}");
    if span > i64::from(days) {
        assert!(
            cal.extend_to_business_day,
            "{what}: moved without extension"
        );
        let mut d = trigger_day
            .checked_add(jiff::Span::new().days(i64::from(days)))
            .unwrap();
        while d < end.last_day {
            assert!(!cal.is_business_day(d), "{what}: skipped business day {d}");
            d = d.tomorrow().unwrap();
        }
    }
    if cal.extend_to_business_day {
        assert!(
            cal.is_business_day(end.last_day),
            "{what}: ends on a holiday"
        );
    }
    assert_eq!(end.extended, span > i64::from(days), "{what}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Triggers anywhere in 2026–2029 (leap year 2028, every month end, both DST changes in
    /// New York), at any second of the day.
    #[test]
    fn every_period_of_every_profile_ends_as_the_rules_count(
        secs in 1_767_225_600i64..1_893_456_000i64,
    ) {
        let at = Timestamp::from_second(secs).unwrap();
        for p in Profile::presets() {
            for (field, days) in periods(&p) {
                check(&p.calendar, at, days, &format!("{} {field} at {at}", p.id));
            }
        }
    }

    /// The same definition holds in zones far east and far west of the date line, and in a
    /// zone whose daylight-saving change happens at midnight.
    #[test]
    fn periods_hold_across_the_date_line_and_midnight_dst(
        secs in 1_767_225_600i64..1_893_456_000i64,
        days in 1u32..=400,
        zone in prop::sample::select(vec![
            "Pacific/Kiritimati", "Pacific/Pago_Pago", "Pacific/Apia", "America/Santiago",
            "America/Havana", "Asia/Beirut", "Europe/Zurich", "Australia/Lord_Howe",
        ]),
    ) {
        let mut cal = Profile::iomed_default().calendar;
        cal.time_zone = zone.into();
        let at = Timestamp::from_second(secs).unwrap();
        check(&cal, at, days, &format!("{zone} {days}d at {at}"));
    }
}

#[test]
fn hong_kong_seat_calendar_is_the_default_and_lists_holidays() {
    let cal = Profile::iomed_default().calendar;
    assert_eq!(cal.time_zone, "Asia/Hong_Kong");
    assert!(cal.extend_to_business_day);
    assert!(cal.validate().is_ok());
    // Seventeen general holidays a year in Hong Kong.
    assert_eq!(cal.holidays.len(), 17);
    let christmas = Date::new(2026, 12, 25).unwrap();
    assert!(!cal.is_business_day(christmas));
    assert!(cal.holiday(christmas).is_some());
    for p in Profile::presets() {
        assert!(p.calendar.validate().is_ok(), "{}", p.id);
        assert!(!p.calendar.rule.is_empty(), "{} cites no rule", p.id);
    }
}

#[test]
fn an_invitation_sent_at_ten_hong_kong_time_can_be_answered_until_midnight_of_the_last_day() {
    let cal = Profile::iomed_default().calendar;
    // Monday 7 December 2026, 10:00 in Hong Kong; 14 days end on Monday 21 December.
    let sent: Timestamp = "2026-12-07T02:00:00Z".parse().unwrap();
    let end = cal.period_end(sent, 14);
    assert_eq!(end.last_day, Date::new(2026, 12, 21).unwrap());
    let reply_2330: Timestamp = "2026-12-21T15:30:00Z".parse().unwrap();
    assert!(
        reply_2330 < end.due_at,
        "a reply at 23:30 on the last day is in time"
    );
    let after_midnight: Timestamp = "2026-12-21T16:00:00Z".parse().unwrap();
    assert_eq!(end.due_at, after_midnight);
}
