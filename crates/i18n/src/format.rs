//! Dates, times and numbers as a reader of each language expects them (ICU4X with compiled CLDR
//! data). Times are shown in the viewer's time zone (jiff, from the system's tz database), with
//! the zone's abbreviation or offset so that nobody mistakes a Hong Kong deadline for a Geneva one.
//!
//! The calendar is the Gregorian one in every language: deadlines under the rules are counted in
//! Gregorian days, and a Hijri or lunar rendering could be read as a different day.

use icu_datetime::fieldsets::{YMD, YMDT};
use icu_datetime::input::{Date, DateTime, Time};
use icu_datetime::options::TimePrecision;
use icu_datetime::{DateTimeFormatter, FixedCalendarDateTimeFormatter};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::Locale;
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The ICU locale of a supported language, with the Gregorian calendar fixed.
fn locale(language: &str) -> Locale {
    let tag = match language {
        "zh-Hans" | "zh-Hant" | "fr" | "ar" | "ru" | "es" => language,
        _ => "en",
    };
    tag.parse().unwrap_or(Locale::UNKNOWN)
}

/// The viewer's zone, or UTC when none (or an unknown one) is set.
fn zone(name: Option<&str>) -> TimeZone {
    name.and_then(|z| TimeZone::get(z).ok())
        .unwrap_or(TimeZone::UTC)
}

/// The civil date and time of an instant in a zone, and the zone's label at that instant.
fn civil(ms: i64, zone_name: Option<&str>) -> Option<(jiff::civil::DateTime, String)> {
    let ts = Timestamp::from_millisecond(ms).ok()?;
    let zoned = ts.to_zoned_datetime(zone(zone_name));
    let label = match zoned.time_zone().iana_name() {
        Some("UTC") | None if zoned.offset().seconds() == 0 => "UTC".to_owned(),
        _ => {
            let abbreviation = zoned
                .time_zone()
                .to_offset_info(ts)
                .abbreviation()
                .to_owned();
            // Abbreviations such as "+08" carry no more than the offset; say "UTC+08:00".
            // A minus sign (U+2212), not a hyphen, so that a line never breaks inside "UTC−05".
            if abbreviation.starts_with(['+', '-']) {
                format!("UTC{}", zoned.offset()).replace('-', "\u{2212}")
            } else {
                abbreviation
            }
        }
    };
    Some((zoned.datetime(), label))
}

/// An instant (milliseconds since the epoch) as date and time in `language`, in the zone
/// (IANA name; UTC when absent or unknown), followed by the zone's label. Empty when out of range.
pub fn date_time(language: &str, ms: i64, zone_name: Option<&str>) -> String {
    let Some((dt, label)) = civil(ms, zone_name) else {
        return String::new();
    };
    let (Ok(date), Ok(time)) = (
        Date::try_new_gregorian(i32::from(dt.year()), dt.month() as u8, dt.day() as u8),
        Time::try_new(dt.hour() as u8, dt.minute() as u8, 0, 0),
    ) else {
        return String::new();
    };
    let fields = YMDT::medium().with_time_precision(TimePrecision::Minute);
    match FixedCalendarDateTimeFormatter::try_new(locale(language).into(), fields) {
        Ok(f) => format!("{} {label}", f.format(&DateTime { date, time })),
        Err(_) => format!("{} {label}", dt.strftime("%Y-%m-%d %H:%M")),
    }
}

/// The calendar date of an instant in the viewer's zone, in `language`.
pub fn date(language: &str, ms: i64, zone_name: Option<&str>) -> String {
    let Some((dt, _)) = civil(ms, zone_name) else {
        return String::new();
    };
    date_of(language, dt.year(), dt.month(), dt.day())
}

/// A calendar date (such as a deadline stated as a day) in `language`.
pub fn date_of(language: &str, year: i16, month: i8, day: i8) -> String {
    let Ok(date) = Date::try_new_gregorian(i32::from(year), month as u8, day as u8) else {
        return String::new();
    };
    match DateTimeFormatter::try_new(locale(language).into(), YMD::medium()) {
        Ok(f) => f.format(&date).to_string(),
        Err(_) => format!("{year:04}-{month:02}-{day:02}"),
    }
}

/// An integer with the language's digit grouping.
pub fn integer(language: &str, n: i64) -> String {
    match DecimalFormatter::try_new(locale(language).into(), Default::default()) {
        Ok(f) => f.format(&Decimal::from(n)).to_string(),
        Err(_) => n.to_string(),
    }
}

/// A decimal amount written as the API keeps it (`1250000.00`: digits, an optional point and
/// fraction) with the language's grouping and decimal sign, keeping its fraction digits
/// (`1,250,000.00` in English, `1 250 000,00` in French). Anything else comes back unchanged, so
/// a page never hides what was recorded.
pub fn decimal(language: &str, text: &str) -> String {
    let well_formed = !text.is_empty()
        && text.split('.').count() <= 2
        && text
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return text.to_owned();
    }
    match (
        text.parse::<Decimal>(),
        DecimalFormatter::try_new(locale(language).into(), Default::default()),
    ) {
        (Ok(d), Ok(f)) => f.format(&d).to_string(),
        _ => text.to_owned(),
    }
}

/// An amount of money: the amount as [`decimal`] and its ISO 4217 currency code after it, joined
/// by a no-break space (`1,250,000.00 USD`; the code rather than a symbol, which several
/// currencies share).
pub fn money(language: &str, amount: &str, currency: &str) -> String {
    format!("{}\u{a0}{currency}", decimal(language, amount))
}

/// An amount held in minor units (cents) as a decimal with `minor_digits` fraction digits, in
/// `language` (`898500`, 2 → `8,985.00`).
pub fn minor_units(language: &str, minor: u64, minor_digits: u32) -> String {
    let text = if minor_digits == 0 {
        minor.to_string()
    } else {
        let digits = format!("{minor:0>width$}", width = minor_digits as usize + 1);
        let (major, fraction) = digits.split_at(digits.len() - minor_digits as usize);
        format!("{major}.{fraction}")
    };
    decimal(language, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2027-03-31 09:30 UTC.
    const MS: i64 = 1_806_485_400_000;

    #[test]
    fn the_same_instant_reads_differently_per_language_and_zone() {
        let en = date_time("en", MS, Some("UTC"));
        assert!(
            en.contains("2027") && en.contains("9:30") && en.ends_with("UTC"),
            "{en}"
        );
        let hk = date_time("en", MS, Some("Asia/Hong_Kong"));
        assert!(hk.contains("5:30"), "Hong Kong is eight hours ahead: {hk}");
        let fr = date_time("fr", MS, Some("Europe/Paris"));
        assert!(fr.contains("mars") && fr.contains("11:30"), "{fr}");
        let zh = date_time("zh-Hans", MS, None);
        assert!(zh.contains("2027年3月31日"), "{zh}");
        let ru = date("ru", MS, None);
        assert!(ru.contains("2027") && ru.contains("мар"), "{ru}");
    }

    #[test]
    fn dates_and_numbers_follow_the_language() {
        assert_eq!(date_of("en", 2027, 3, 31), "Mar 31, 2027");
        assert!(date_of("es", 2027, 3, 31).contains("mar"));
        assert_eq!(integer("en", 1_250_000), "1,250,000");
        assert_ne!(integer("fr", 1_250_000), "1,250,000");
        assert_eq!(date_of("en", 2027, 2, 30), "", "no such day");
        assert_eq!(date_time("en", i64::MAX, None), "");
    }

    #[test]
    fn amounts_keep_their_fraction_and_follow_the_language() {
        assert_eq!(decimal("en", "900000.00"), "900,000.00");
        assert_eq!(decimal("en", "7"), "7");
        let fr = decimal("fr", "1250000.50");
        assert!(fr.ends_with(",50") && !fr.contains('.'), "{fr}");
        let ru = decimal("ru", "1250000.50");
        assert!(ru.ends_with(",50") && ru.starts_with('1'), "{ru}");
        assert_eq!(
            decimal("es", "1250000.50")
                .chars()
                .filter(|c| *c == ',')
                .count(),
            1
        );
        assert_eq!(money("zh-Hans", "900000.00", "USD"), "900,000.00\u{a0}USD");
        // What is not a plain decimal is shown as recorded.
        assert_eq!(decimal("en", "12."), "12.");
        assert_eq!(decimal("en", "1,000"), "1,000");
        assert_eq!(decimal("en", "-5"), "-5");
        assert_eq!(minor_units("en", 898_500, 2), "8,985.00");
        assert_eq!(minor_units("en", 5, 3), "0.005");
        assert_eq!(minor_units("en", 12_500, 0), "12,500");
    }

    #[test]
    fn an_unknown_zone_falls_back_to_utc() {
        assert_eq!(
            date_time("en", MS, Some("Mars/Olympus")),
            date_time("en", MS, None)
        );
    }
}
