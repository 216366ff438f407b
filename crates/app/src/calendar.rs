//! iCalendar (RFC 5545) text: a meeting's invitation or cancellation (`METHOD:REQUEST`,
//! `METHOD:CANCEL`) and a user's subscription feed.
//!
//! Written here rather than with a crate: the subset used is a dozen properties, every time is
//! UTC (`…Z`, so no `VTIMEZONE` is needed and no reader's zone can shift it), and the rules that
//! matter — CRLF line ends, lines folded at 75 octets without splitting a character, TEXT
//! escaping — are a few lines each. The output is checked by an independent parser (Python's
//! `icalendar`, tests/e2e/meetings.rs).

/// One event of a calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable across changes (`meeting-<id>@<domain>`).
    pub uid: String,
    /// Raised at each move.
    pub sequence: i64,
    /// Start (ms, UTC).
    pub start_ms: i64,
    /// End (ms, UTC).
    pub end_ms: i64,
    /// One line naming it.
    pub summary: String,
    /// Longer text (never confidential content: a link back).
    pub description: String,
    /// Where (a place, or a video room's address).
    pub location: Option<String>,
    /// The page to open.
    pub url: String,
    /// Cancelled.
    pub cancelled: bool,
    /// The organiser (`Name`, `address`), for an invitation.
    pub organizer: Option<(String, String)>,
    /// The attendee the invitation is for (`Name`, `address`).
    pub attendee: Option<(String, String)>,
}

/// `YYYYMMDDTHHMMSSZ`.
fn utc(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_else(|_| "19700101T000000Z".into())
}

/// TEXT escaping (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value: quoted, without the characters a quoted value may not hold.
fn param(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control() && *c != '"').collect();
    format!("\"{clean}\"")
}

/// Appends one content line, folded at 75 octets (never inside a character), CRLF-ended.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn event(out: &mut String, e: &CalendarEvent, now_ms: i64) {
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:{}", text(&e.uid)));
    line(out, &format!("SEQUENCE:{}", e.sequence));
    line(out, &format!("DTSTAMP:{}", utc(now_ms)));
    line(out, &format!("DTSTART:{}", utc(e.start_ms)));
    line(out, &format!("DTEND:{}", utc(e.end_ms)));
    line(out, &format!("SUMMARY:{}", text(&e.summary)));
    line(out, &format!("DESCRIPTION:{}", text(&e.description)));
    if let Some(l) = &e.location {
        line(out, &format!("LOCATION:{}", text(l)));
    }
    line(out, &format!("URL:{}", e.url));
    if let Some((name, address)) = &e.organizer {
        line(
            out,
            &format!("ORGANIZER;CN={}:mailto:{address}", param(name)),
        );
    }
    if let Some((name, address)) = &e.attendee {
        line(
            out,
            &format!(
                "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{address}",
                param(name)
            ),
        );
    }
    line(
        out,
        if e.cancelled {
            "STATUS:CANCELLED"
        } else {
            "STATUS:CONFIRMED"
        },
    );
    line(out, "END:VEVENT");
}

/// A calendar object: `method` (`REQUEST`, `CANCEL`, or none for a feed) and its events.
pub fn calendar(method: Option<&str>, name: &str, events: &[CalendarEvent], now_ms: i64) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Accord//Accord mediation//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    if let Some(m) = method {
        line(&mut out, &format!("METHOD:{m}"));
    }
    line(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    for e in events {
        event(&mut out, e, now_ms);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(summary: &str) -> CalendarEvent {
        CalendarEvent {
            uid: "meeting-1@iomed.test".into(),
            sequence: 2,
            start_ms: 1_774_800_000_000,
            end_ms: 1_774_803_600_000,
            summary: summary.into(),
            description: "a; b, c\nd".into(),
            location: None,
            url: "https://accord.example/cases/1/meetings".into(),
            cancelled: false,
            organizer: None,
            attendee: None,
        }
    }

    #[test]
    fn lines_end_in_crlf_fold_at_75_octets_and_never_split_a_character() {
        let long = "وساطة ".repeat(40);
        let ics = calendar(Some("REQUEST"), "Accord", &[sample(&long)], 0);
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
            assert!(!l.contains('\n') && !l.contains('\r'));
        }
        // Unfolding gives the text back.
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{long}")));
        assert!(unfolded.contains("DESCRIPTION:a\\; b\\, c\\nd"));
        assert!(unfolded.contains("DTSTART:20260329T160000Z"));
        assert!(unfolded.contains("SEQUENCE:2"));
    }
}
