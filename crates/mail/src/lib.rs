//! E-mail over SMTP: the application's [`Mailer`] port on `lettre`.
//!
//! Each e-mail is worded here, from the facts the application gives ([`Letter`]): in the
//! recipient's language (right to left in Arabic), with times in its time zone, as plain text
//! and HTML alternatives. Nothing in it is loaded from elsewhere (no remote images, no styles
//! from a server), and it carries no content of a case: what kind of thing happened, in which
//! case, and a link to sign in and read it.
//!
//! The server is named by `smtp_url` (`smtp://host:port` in the clear on loopback,
//! `smtp://host:587?tls=required` for STARTTLS, `smtps://host:465` for TLS); the user name and
//! password come from the environment (`ACCORD_SMTP_USERNAME`, `ACCORD_SMTP_PASSWORD`), never
//! from the configuration file.

use accord_app::notifications::{Letter, LetterItem, MailFailure, Mailer};
use accord_domain::notice::{self, Topic};
use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Sends e-mail through one SMTP server.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Why the mailer could not be set up.
#[derive(Debug)]
pub struct MailSetupError(pub String);

impl std::fmt::Display for MailSetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MailSetupError {}

impl SmtpMailer {
    /// A mailer for `smtp_url`, sending from `from` (`Name <address>` or an address), with the
    /// credentials in the environment if any.
    pub fn new(
        smtp_url: &str,
        from: &str,
        credentials: Option<(String, String)>,
    ) -> Result<Self, MailSetupError> {
        let from: Mailbox = from.parse().map_err(|e| {
            MailSetupError(format!(
                "mail_from '{from}' is not an e-mail address ({e}); write it as \
                 \"Accord <accord@example.org>\""
            ))
        })?;
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url).map_err(|e| {
                MailSetupError(format!(
                    "smtp_url '{smtp_url}' cannot be used ({e}); write it as smtp://host:25, \
                 smtp://host:587?tls=required or smtps://host:465"
                ))
            })?;
        if let Some((user, password)) = credentials {
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(SmtpMailer {
            transport: builder.build(),
            from,
        })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, letter: &Letter) -> Result<(), MailFailure> {
        let to: Mailbox = letter
            .to
            .parse()
            .map_err(|e| MailFailure::Permanent(format!("address refused: {e}")))?;
        let email = compose(&self.from, to, letter)
            .map_err(|e| MailFailure::Permanent(format!("message not built: {e}")))?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(MailFailure::Permanent(e.to_string())),
            Err(e) => Err(MailFailure::Transient(e.to_string())),
        }
    }

    fn message_id_domain(&self) -> String {
        self.from.email.domain().to_owned()
    }
}

/// `id` in `language`, or English, or the id itself (a missing message must not stop a notice).
fn say(language: &str, id: &str, args: &[(&str, &str)]) -> String {
    accord_i18n::message(language, id, args)
        .or_else(|| accord_i18n::message("en", id, args))
        .unwrap_or_else(|| id.to_owned())
}

/// What a calendar event is called, in `language`.
pub fn calendar_summary(language: &str, label: &accord_app::meetings::CalendarLabel) -> String {
    label.worded(language, |l, id, args| Some(say(l, id, args)))
}

/// What an item says, in `language`.
pub fn what(language: &str, topic: &Topic, time_zone: &str) -> String {
    match topic {
        Topic::Reminder {
            deadline, due_ms, ..
        } => {
            let when = accord_i18n::format::date_time(language, *due_ms, Some(time_zone));
            let kind = say(language, &format!("deadline-{deadline}"), &[]);
            say(
                language,
                "notice-reminder",
                &[("what", &kind), ("due", &when)],
            )
        }
        _ => say(language, &notice::message_id(topic), &[]),
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The subject, plain text and HTML of a letter.
pub fn words(letter: &Letter) -> (String, String, String) {
    let l = letter.language.as_str();
    let zone = letter.time_zone.as_str();
    let subject = match (letter.digest, letter.items.first()) {
        (false, Some(item)) => say(
            l,
            "mail-subject",
            &[
                ("reference", &item.case_reference),
                ("what", &what(l, &item.topic, zone)),
            ],
        ),
        _ => say(
            l,
            "mail-digest-subject",
            &[(
                "count",
                &accord_i18n::format::integer(l, letter.items.len() as i64),
            )],
        ),
    };
    let dir = if accord_i18n::is_rtl(l) { "rtl" } else { "ltr" };
    let mut text = String::new();
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{l}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
         <title>{}</title></head><body style=\"font-family:sans-serif;line-height:1.5\">",
        escape(&subject)
    );
    if letter.digest {
        let intro = say(l, "mail-digest-intro", &[]);
        text.push_str(&intro);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", escape(&intro)));
    }
    for item in &letter.items {
        item_words(l, zone, item, &mut text, &mut html);
    }
    let no_content = say(l, "mail-no-content", &[]);
    let why = say(l, "mail-why", &[]);
    let prefs = say(l, "mail-preferences", &[]);
    text.push_str(&format!(
        "--\n{no_content}\n{why}\n{prefs}: {}\n",
        letter.inbox_url
    ));
    html.push_str(&format!(
        "<hr><p style=\"font-size:small\">{}<br>{}<br><a href=\"{}\">{}</a></p></body></html>",
        escape(&no_content),
        escape(&why),
        escape(&letter.inbox_url),
        escape(&prefs)
    ));
    (subject, text, html)
}

fn item_words(l: &str, zone: &str, item: &LetterItem, text: &mut String, html: &mut String) {
    let what = what(l, &item.topic, zone);
    let case = say(l, "mail-case", &[("reference", &item.case_reference)]);
    let when = accord_i18n::format::date_time(l, item.at_ms, Some(zone));
    let open = say(l, "mail-open", &[]);
    text.push_str(&format!("{what}\n{case}\n{when}\n"));
    html.push_str(&format!(
        "<p><strong>{}</strong><br>{}<br>{}",
        escape(&what),
        escape(&case),
        escape(&when)
    ));
    if item.your_turn {
        let turn = say(l, "mail-your-turn", &[]);
        text.push_str(&format!("{turn}\n"));
        html.push_str(&format!("<br><em>{}</em>", escape(&turn)));
    }
    text.push_str(&format!("{open}: {}\n\n", item.url));
    html.push_str(&format!(
        "<br><a href=\"{}\">{}</a></p>",
        escape(&item.url),
        escape(&open)
    ));
}

/// The invitation attached to a letter about a meeting: `METHOD:REQUEST` (or `CANCEL`), the
/// organiser the sender, the attendee the recipient.
pub fn invitation(from: &Mailbox, to: &Mailbox, letter: &Letter) -> Option<(&'static str, String)> {
    let (event, label) = letter.meeting.as_ref()?;
    let mut event = event.clone();
    event.summary = calendar_summary(&letter.language, label);
    event.organizer = Some((
        from.name.clone().unwrap_or_else(|| "Accord".into()),
        from.email.to_string(),
    ));
    event.attendee = Some((to.name.clone().unwrap_or_default(), to.email.to_string()));
    let method = if event.cancelled { "CANCEL" } else { "REQUEST" };
    let now = letter.items.first().map_or(0, |i| i.at_ms);
    Some((
        method,
        accord_app::calendar::calendar(Some(method), &event.summary.clone(), &[event], now),
    ))
}

fn compose(from: &Mailbox, to: Mailbox, letter: &Letter) -> Result<Message, lettre::error::Error> {
    let (subject, text, html) = words(letter);
    let body = MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(text),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(html),
        );
    let invite = invitation(from, &to, letter);
    // The envelope sender carries the notice's id, so that a later bounce names it.
    let envelope = lettre::address::Envelope::new(
        letter
            .return_path
            .parse()
            .ok()
            .or_else(|| Some(from.email.clone())),
        vec![to.email.clone()],
    )?;
    let builder = Message::builder()
        .envelope(envelope)
        .from(from.clone())
        .to(to)
        .subject(subject)
        .message_id(Some(letter.message_id.clone()));
    match invite {
        None => builder.multipart(body),
        Some((method, ics)) => {
            let content_type =
                ContentType::parse(&format!("text/calendar; method={method}; charset=utf-8"))
                    .unwrap_or(ContentType::TEXT_PLAIN);
            builder.multipart(MultiPart::mixed().multipart(body).singlepart(
                lettre::message::Attachment::new("invitation.ics".into()).body(ics, content_type),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(language: &str, topic: Topic) -> Letter {
        Letter {
            message_id: "<abc@example.org>".into(),
            to: "a@example.org".into(),
            language: language.into(),
            time_zone: "Asia/Hong_Kong".into(),
            items: vec![LetterItem {
                case_reference: "IOMED-2026-0001".into(),
                topic,
                your_turn: true,
                at_ms: 1_780_000_000_000,
                url: "https://accord.example/cases/1/channels/caucus:A".into(),
            }],
            digest: false,
            inbox_url: "https://accord.example/inbox".into(),
            return_path: "bounces+abc@example.org".into(),
            meeting: None,
        }
    }

    #[test]
    fn a_caucus_message_is_worded_without_content_in_the_readers_language() {
        let topic = Topic::Message {
            channel: "caucus:A".into(),
            as_mediator: false,
        };
        let (subject, text, html) = words(&letter("en", topic.clone()));
        let said = accord_i18n::message("en", "notice-message-caucus", &[]).unwrap_or_default();
        assert!(!said.is_empty());
        assert!(subject.contains(&said) && subject.contains("IOMED-2026-0001"));
        assert!(text.contains("https://accord.example/cases/1/channels/caucus:A"));
        assert!(html.contains("dir=\"ltr\""));
        // No remote content: the only URLs are the links back.
        assert!(!html.contains("<img") && !html.contains("src="));
        let (_, _, html) = words(&letter("ar", topic));
        assert!(html.contains("dir=\"rtl\"") && html.contains("lang=\"ar\""));
    }

    #[test]
    fn markup_in_what_is_shown_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
