//! Telling people (docs/NOTIFICATIONS.md): the notifier, the inbox, the e-mail outbox and each
//! user's preferences.
//!
//! The notifier follows the transparency log with a durable cursor of its own. Each step reads
//! the events after the cursor, asks the domain ([`accord_domain::notice`], the one policy) who
//! is to be told of each, and stores those notices and the cursor's move in one transaction: a
//! step interrupted anywhere is done again from the same cursor, and a notice already stored is
//! kept as it is (its id is derived from its source and recipient). Messages, which are not case
//! events, carry a mark of their own, set in the transaction that stores their notices.
//!
//! E-mail is a second stage: notices whose e-mail is pending are handed to the [`Mailer`] port,
//! and only then marked sent. A crash between the two sends the e-mail again with the same
//! `Message-ID`, which mail clients treat as the same message.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use accord_domain::notice::{self, Notice, Topic};
use accord_domain::party::PartyContact;
use accord_domain::{Actor, Case, GlobalRole, Visibility};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::paging::{self, Page, PageRequest};
use crate::ports::{NotificationBatch, NotificationPreferences, NotificationRecord};
use crate::{Accord, AppError};

/// The notifier's cursor over the transparency log.
const EVENTS_CURSOR: &str = "events";
/// Events or messages read per notifier step.
const STEP: i64 = 200;
/// Steps per pass at most (the rest waits for the next pass).
const MAX_STEPS: usize = 50;
/// E-mails handed to the server per pass at most.
const MAIL_BATCH: i64 = 200;
/// E-mails handed to the server at once.
const MAIL_AT_ONCE: usize = 8;
/// Attempts before an e-mail counts as failed for good.
const MAIL_ATTEMPTS: i64 = 8;
/// The local hour digests and reminders are sent at.
pub const LOCAL_HOUR: i8 = 8;
/// From this local hour on, reminders wait for the next morning.
const LATE_HOUR: i8 = 20;
/// How far ahead the notifier looks for deadlines to remind of (the longest reminder period a
/// profile may set).
const REMINDER_HORIZON_DAYS: i64 = 30;

/// The first sensible moment to write to someone in `zone` at or after `now` (ms): now when it
/// is between 08:00 and 20:00 there, else the next 08:00.
pub fn sensible_local_time(now: jiff::Timestamp, zone: &str) -> i64 {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let local = now.to_zoned_datetime(tz.clone());
    let at = |date: jiff::civil::Date| {
        date.at(LOCAL_HOUR, 0, 0, 0)
            .to_zoned_datetime(tz.clone())
            .ok()
            .map(|z| z.timestamp().as_millisecond())
    };
    let now_ms = now.as_millisecond();
    match local.hour() {
        h if (LOCAL_HOUR..LATE_HOUR).contains(&h) => now_ms,
        h if h < LOCAL_HOUR => at(local.date()).unwrap_or(now_ms),
        _ => local.date().tomorrow().ok().and_then(at).unwrap_or(now_ms),
    }
}

/// How a user wants to be e-mailed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum MailMode {
    /// Each notice as it happens.
    #[default]
    Immediate,
    /// One e-mail a day (at 08:00 in the user's time zone) with the day's notices.
    Digest,
    /// No e-mail, except what the rules require to be notified.
    Off,
}

impl MailMode {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            MailMode::Immediate => "immediate",
            MailMode::Digest => "digest",
            MailMode::Off => "off",
        }
    }

    fn parse(s: &str) -> MailMode {
        match s {
            "digest" => MailMode::Digest,
            "off" => MailMode::Off,
            _ => MailMode::Immediate,
        }
    }
}

/// One notice as its recipient sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NotificationView {
    /// The notice's id.
    pub id: String,
    /// The case's id.
    pub case_id: String,
    /// The case's reference.
    pub case_reference: String,
    /// What it is about (never its content).
    pub topic: Topic,
    /// The case waited on the recipient's side when it was recorded.
    pub your_turn: bool,
    /// The rules require it to be notified.
    pub required: bool,
    /// When it was recorded (RFC 3339, UTC).
    pub created_at: String,
    /// Read by the user.
    pub read: bool,
    /// Where it leads, relative to the deployment's address (`/cases/…`).
    pub link: String,
    /// What became of its e-mail: `pending`, `digest`, `sent`, `digested`, `failed`, `off`,
    /// `no-address`.
    pub mail: String,
}

/// A user's notification preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PreferencesView {
    /// Where e-mail goes; none: the inbox only.
    pub email: Option<String>,
    /// How often.
    pub mode: MailMode,
    /// A calendar feed address exists (its secret is shown once, when made).
    pub calendar_feed: bool,
    /// This deployment sends e-mail at all.
    pub mail_enabled: bool,
}

/// A change of preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesInput {
    /// Where e-mail goes; empty or absent: the inbox only.
    #[serde(default)]
    pub email: Option<String>,
    /// How often.
    pub mode: MailMode,
}

/// A notice whose e-mail could not be delivered, for the Secretariat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MailFailureView {
    /// The notice's id.
    pub id: String,
    /// The recipient's user id.
    pub user_id: String,
    /// The case's reference.
    pub case_reference: String,
    /// The case's id.
    pub case_id: String,
    /// Attempts made.
    pub attempts: i64,
    /// The mail server's refusal or the failure, as reported.
    pub error: String,
    /// When it was given up (RFC 3339).
    pub at: String,
}

/// What one notifier pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NotifyReport {
    /// Events read.
    pub events: usize,
    /// Messages read.
    pub messages: usize,
    /// Notices stored.
    pub notices: usize,
}

/// What one mail pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MailReport {
    /// E-mails accepted by the server.
    pub sent: usize,
    /// Attempts that will be made again.
    pub retried: usize,
    /// E-mails given up (refused for good, or too many attempts).
    pub failed: usize,
}

/// One item of an e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterItem {
    /// The case's reference.
    pub case_reference: String,
    /// What it is about.
    pub topic: Topic,
    /// The case waits on the recipient.
    pub your_turn: bool,
    /// When it was recorded (ms).
    pub at_ms: i64,
    /// The full address to open it at.
    pub url: String,
}

/// An e-mail to send: facts only; the mailer words them in the recipient's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// `<…@…>`: the same on every attempt.
    pub message_id: String,
    /// The recipient's address.
    pub to: String,
    /// The recipient's language (a locale id such as `ar`).
    pub language: String,
    /// The recipient's IANA time zone.
    pub time_zone: String,
    /// The items (one unless a digest).
    pub items: Vec<LetterItem>,
    /// A daily digest.
    pub digest: bool,
    /// The recipient's inbox and preferences page.
    pub inbox_url: String,
    /// The envelope sender (`bounces+<notice id>@<domain>`): a bounce that comes back later
    /// names the notice it is about (`accord mail-bounce`).
    pub return_path: String,
    /// A meeting's calendar invitation to attach (a confirmed, moved or cancelled meeting),
    /// with what it is; the mailer words its summary.
    pub meeting: Option<(
        crate::calendar::CalendarEvent,
        crate::meetings::CalendarLabel,
    )>,
}

/// Why an e-mail was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailFailure {
    /// Worth trying again later (connection, 4xx).
    Transient(String),
    /// Refused for good (5xx: no such mailbox, relay denied, …).
    Permanent(String),
}

/// Sends e-mail (implemented over SMTP by `accord-mail`).
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Hands one e-mail to the server.
    async fn send(&self, letter: &Letter) -> Result<(), MailFailure>;
    /// The domain of the `Message-ID`s (the sender's).
    fn message_id_domain(&self) -> String;
}

/// What a bounce (a delivery status notification, RFC 3464, or any returned message) says: the
/// notice it is about, from the envelope sender it was returned to (`bounces+<id>@…`), and the
/// reason (`Status:` and `Diagnostic-Code:` lines, else the first line that says it failed).
pub fn read_bounce(text: &str) -> Option<(String, String)> {
    let at = text.find("bounces+")?;
    let id: String = text[at + "bounces+".len()..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    if id.len() != 32 {
        return None;
    }
    let field = |name: &str| {
        text.lines()
            .find(|l| l.len() > name.len() && l[..name.len()].eq_ignore_ascii_case(name))
            .map(|l| l[name.len()..].trim().to_owned())
    };
    let reason = match (field("Status:"), field("Diagnostic-Code:")) {
        (Some(s), Some(d)) => format!("{s} {d}"),
        (Some(s), None) => s,
        (None, Some(d)) => d,
        (None, None) => "returned undelivered".to_owned(),
    };
    Some((id, reason.chars().take(500).collect()))
}

/// The id of the notice of `source` for `user`: the same on every run.
pub fn notice_id(source: &str, user: &str) -> String {
    let d = Sha256::digest(format!("accord-notice\n{source}\n{user}").as_bytes());
    hex::encode(&d[..16])
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Where a notice leads.
fn link(case_id: &str, topic: &Topic) -> String {
    match topic {
        Topic::Meeting { meeting_id, .. } => {
            format!("/cases/{case_id}/meetings#meeting-{meeting_id}")
        }
        Topic::Message { channel, .. }
        | Topic::Event {
            channel: Some(channel),
            ..
        } => format!("/cases/{case_id}/channels/{channel}"),
        _ => format!("/cases/{case_id}"),
    }
}

fn view(r: NotificationRecord) -> NotificationView {
    let topic: Topic = serde_json::from_str(&r.topic_json).unwrap_or(Topic::Event {
        kind: "other".into(),
        channel: None,
        as_mediator: false,
    });
    NotificationView {
        link: link(&r.case_id, &topic),
        id: r.id,
        case_id: r.case_id,
        case_reference: r.case_reference,
        topic,
        your_turn: r.your_turn,
        required: r.required,
        created_at: rfc3339(r.created_ms),
        read: r.read_ms.is_some(),
        mail: r.mail_state,
    }
}

/// Backoff before attempt `n` (1-based), in ms: 1, 5, 15, 30 minutes, then hourly.
fn backoff_ms(n: i64) -> i64 {
    let minutes = match n {
        1 => 1,
        2 => 5,
        3 => 15,
        4 => 30,
        _ => 60,
    };
    minutes * 60_000
}

/// The candidates to tell in a case: every user it names, and the institution's Secretariat,
/// with their roles; disabled users are left out.
pub(crate) struct Directory {
    roles: BTreeMap<String, GlobalRole>,
    secretariat: Vec<String>,
    /// Each enabled user's name and time zone (a poll shows them beside the times).
    pub(crate) people: BTreeMap<String, (String, Option<String>)>,
}

impl Directory {
    pub(crate) fn candidates(&self, case: &Case) -> Vec<Actor> {
        let mut ids: BTreeSet<String> = notice::named_users(case);
        ids.extend(self.secretariat.iter().cloned());
        ids.into_iter()
            .filter_map(|id| {
                self.roles
                    .get(&id)
                    .map(|role| Actor::User { id, role: *role })
            })
            .collect()
    }
}

impl Accord {
    /// The same application with an e-mail sender (without one, notices stay in the inbox).
    pub fn with_mailer(mut self, mailer: Arc<dyn Mailer>) -> Self {
        self.mailer = Some(mailer);
        self
    }

    /// This deployment sends e-mail.
    pub fn mail_enabled(&self) -> bool {
        self.mailer.is_some()
    }

    pub(crate) async fn directory(&self) -> Result<Directory, AppError> {
        let users = self.store.list_users().await?;
        let mut roles = BTreeMap::new();
        let mut secretariat = Vec::new();
        let mut people = BTreeMap::new();
        for u in users.into_iter().filter(|u| !u.disabled) {
            if let Some(role) = GlobalRole::parse(&u.role) {
                if role == GlobalRole::Secretariat {
                    secretariat.push(u.id.clone());
                }
                people.insert(u.id.clone(), (u.display_name, u.time_zone));
                roles.insert(u.id, role);
            }
        }
        Ok(Directory {
            roles,
            secretariat,
            people,
        })
    }

    /// The e-mail state a new notice starts in, from its recipient's preferences.
    pub(crate) async fn mail_state_for(
        &self,
        cache: &mut BTreeMap<String, Option<NotificationPreferences>>,
        n: &Notice,
    ) -> Result<(String, Option<i64>), AppError> {
        if !self.mail_enabled() {
            return Ok(("off".into(), None));
        }
        if !cache.contains_key(&n.user_id) {
            let p = self.store.notification_preferences(&n.user_id).await?;
            cache.insert(n.user_id.clone(), p);
        }
        let prefs = cache.get(&n.user_id).cloned().flatten();
        let Some(prefs) = prefs.filter(|p| p.email.is_some()) else {
            return Ok(("no-address".into(), None));
        };
        Ok(match MailMode::parse(&prefs.mode) {
            MailMode::Off if !n.required => ("off".into(), None),
            MailMode::Digest => ("digest".into(), None),
            _ => ("pending".into(), Some(self.now_ms())),
        })
    }

    async fn records_for(
        &self,
        cache: &mut BTreeMap<String, Option<NotificationPreferences>>,
        case: &Case,
        source: &str,
        at_ms: i64,
        notices: Vec<Notice>,
    ) -> Result<Vec<NotificationRecord>, AppError> {
        let mut out = Vec::with_capacity(notices.len());
        for n in notices {
            let (mail_state, mail_next_ms) = self.mail_state_for(cache, &n).await?;
            out.push(NotificationRecord {
                id: notice_id(source, &n.user_id),
                user_id: n.user_id.clone(),
                case_id: case.id.clone(),
                case_reference: case.reference.clone(),
                source: source.to_owned(),
                topic_json: serde_json::to_string(&n.topic)
                    .map_err(|e| AppError::integrity("notice", e.to_string()))?,
                your_turn: n.your_turn,
                required: n.required,
                created_ms: at_ms,
                read_ms: None,
                mail_state,
                mail_attempts: 0,
                mail_next_ms,
                mail_error: None,
                mail_done_ms: None,
            });
        }
        Ok(out)
    }

    /// One notifier pass: the events admitted to the log since the cursor, then the messages not
    /// yet notified. Safe on several instances at once (a lost race on the cursor is a conflict,
    /// and the step is left to the winner).
    pub async fn run_notifier(&self) -> Result<NotifyReport, AppError> {
        self.sequence_log().await?;
        let directory = self.directory().await?;
        let mut report = NotifyReport::default();
        let mut prefs = BTreeMap::new();
        for _ in 0..MAX_STEPS {
            let from = self.store.notifier_cursor(EVENTS_CURSOR).await?;
            let events = self.store.logged_events_after(from, STEP).await?;
            let Some(to) = events.last().map(|(idx, _)| *idx) else {
                break;
            };
            let mut cases: BTreeMap<String, Option<Case>> = BTreeMap::new();
            let mut batch = NotificationBatch {
                cursor: Some((EVENTS_CURSOR.into(), from, to)),
                ..NotificationBatch::default()
            };
            for (_, e) in &events {
                if !cases.contains_key(&e.case_id) {
                    let loaded = self.load_case(&e.case_id).await?.map(|l| l.case);
                    cases.insert(e.case_id.clone(), loaded);
                }
                let Some(Some(case)) = cases.get(&e.case_id) else {
                    continue;
                };
                // An unreadable visibility is the Secretariat's alone (fail closed).
                let visibility =
                    Visibility::decode(&e.visibility).unwrap_or(Visibility::Secretariat);
                let notices = notice::for_event(
                    case,
                    &e.kind,
                    &visibility,
                    &e.actor,
                    &directory.candidates(case),
                );
                let source = format!("event:{}", e.event_id);
                batch.notifications.extend(
                    self.records_for(&mut prefs, case, &source, e.recorded_at_ms, notices)
                        .await?,
                );
            }
            report.events += events.len();
            report.notices += batch.notifications.len();
            match self.store.record_notifications(&batch).await {
                Ok(()) => {}
                Err(crate::ports::StoreError::Conflict { .. }) => break,
                Err(e) => return Err(e.into()),
            }
        }
        for _ in 0..MAX_STEPS {
            let messages = self.store.messages_to_notify(STEP).await?;
            if messages.is_empty() {
                break;
            }
            let mut cases: BTreeMap<String, Option<Case>> = BTreeMap::new();
            let mut batch = NotificationBatch::default();
            for m in &messages {
                batch.messages.push(m.id.clone());
                if !cases.contains_key(&m.case_id) {
                    let loaded = self.load_case(&m.case_id).await?.map(|l| l.case);
                    cases.insert(m.case_id.clone(), loaded);
                }
                let (Some(Some(case)), Some(channel)) = (
                    cases.get(&m.case_id),
                    accord_domain::channel::ChannelId::parse(&m.channel),
                ) else {
                    continue;
                };
                let notices =
                    notice::for_message(case, &channel, &m.author, &directory.candidates(case));
                let source = format!("message:{}", m.id);
                batch.notifications.extend(
                    self.records_for(&mut prefs, case, &source, m.posted_at_ms, notices)
                        .await?,
                );
            }
            report.messages += messages.len();
            report.notices += batch.notifications.len();
            self.store.record_notifications(&batch).await?;
        }
        report.notices += self.remind(&directory, &mut prefs).await?;
        Ok(report)
    }

    /// Stores the reminders due by now (each once: its id comes from the deadline and the
    /// period), their e-mail at the next 08:00 in each recipient's zone (or at once when the
    /// deadline runs out before it).
    async fn remind(
        &self,
        directory: &Directory,
        prefs: &mut BTreeMap<String, Option<NotificationPreferences>>,
    ) -> Result<usize, AppError> {
        let now = self.clock.now();
        let horizon = now.as_millisecond() + REMINDER_HORIZON_DAYS * 24 * 3600 * 1000;
        let mut stored = 0;
        for id in self.store.due_cases(horizon, 1000).await? {
            let Some(loaded) = self.load_case(&id).await? else {
                continue;
            };
            let case = &loaded.case;
            let mut batch = NotificationBatch::default();
            for reminder in
                notice::reminders(case, now.as_millisecond(), &directory.candidates(case))
            {
                let due_ms = match reminder.notices.first().map(|n| &n.topic) {
                    Some(Topic::Reminder { due_ms, .. }) => *due_ms,
                    _ => continue,
                };
                let mut records = self
                    .records_for(
                        prefs,
                        case,
                        &reminder.source,
                        reminder.at_ms,
                        reminder.notices,
                    )
                    .await?;
                for r in records.iter_mut().filter(|r| r.mail_state == "pending") {
                    let (_, zone) = self.reader_settings(&r.user_id).await?;
                    let at = sensible_local_time(now, &zone);
                    r.mail_next_ms = Some(if at < due_ms {
                        at
                    } else {
                        now.as_millisecond()
                    });
                }
                batch.notifications.extend(records);
            }
            if !batch.notifications.is_empty() {
                stored += batch.notifications.len();
                self.store.record_notifications(&batch).await?;
            }
        }
        Ok(stored)
    }

    fn user_of(actor: &Actor) -> Result<&str, AppError> {
        actor.user_id().ok_or(AppError::Forbidden)
    }

    /// The actor's notices, newest first, a page at a time.
    pub async fn notifications(
        &self,
        actor: &Actor,
        page: &PageRequest,
    ) -> Result<Page<NotificationView>, AppError> {
        let user = Self::user_of(actor)?;
        let list = "notifications";
        let page = PageRequest {
            order: paging::Order::Newest,
            ..page.clone()
        };
        let pos = paging::position(list, &page)?;
        let after = paging::key::<(i64, String)>(&pos.after)?;
        let records = self
            .store
            .notifications_page(user, after, pos.limit + 1)
            .await?;
        Ok(paging::cut(list, &pos, records, |r| (r.created_ms, r.id.clone())).map(view))
    }

    /// How many of the actor's notices are unread.
    pub async fn unread_notifications(&self, actor: &Actor) -> Result<i64, AppError> {
        Ok(self
            .store
            .unread_notifications(Self::user_of(actor)?)
            .await?)
    }

    /// Marks the actor's notices read (`ids` none: all); another user's ids change nothing.
    pub async fn mark_notifications_read(
        &self,
        actor: &Actor,
        ids: Option<&[String]>,
    ) -> Result<u64, AppError> {
        if let Some(ids) = ids
            && ids.len() > paging::MAX_PAGE_SIZE as usize
        {
            return Err(AppError::invalid(
                "invalid-notification-ids",
                format!(
                    "at most {} notices can be marked at once",
                    paging::MAX_PAGE_SIZE
                ),
            ));
        }
        Ok(self
            .store
            .mark_notifications_read(Self::user_of(actor)?, ids, self.now_ms())
            .await?)
    }

    /// A user's stored preferences, or the defaults (no address, immediate).
    pub(crate) async fn preferences_or_default(
        &self,
        user: &str,
    ) -> Result<NotificationPreferences, AppError> {
        Ok(self
            .store
            .notification_preferences(user)
            .await?
            .unwrap_or_else(|| NotificationPreferences {
                user_id: user.to_owned(),
                email: None,
                mode: MailMode::Immediate.as_str().to_owned(),
                calendar_secret_hash: None,
                last_digest_day: None,
                updated_ms: 0,
            }))
    }

    /// The actor's preferences (defaults when never set).
    pub async fn notification_preferences(
        &self,
        actor: &Actor,
    ) -> Result<PreferencesView, AppError> {
        let user = Self::user_of(actor)?;
        let p = self.store.notification_preferences(user).await?;
        Ok(PreferencesView {
            email: p.as_ref().and_then(|p| p.email.clone()),
            mode: p
                .as_ref()
                .map_or(MailMode::Immediate, |p| MailMode::parse(&p.mode)),
            calendar_feed: p.is_some_and(|p| p.calendar_secret_hash.is_some()),
            mail_enabled: self.mail_enabled(),
        })
    }

    /// Changes the actor's address and mode; a malformed address changes nothing.
    pub async fn set_notification_preferences(
        &self,
        actor: &Actor,
        input: &PreferencesInput,
    ) -> Result<PreferencesView, AppError> {
        let user = Self::user_of(actor)?;
        let email = input
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        if let Some(e) = email
            && !PartyContact::email_is_plausible(e)
        {
            return Err(AppError::invalid(
                "invalid-notification-email",
                "the e-mail address is not of the form name@example.org; correct it, or leave \
                 it empty to be told in the inbox only",
            ));
        }
        let old = self.store.notification_preferences(user).await?;
        let p = NotificationPreferences {
            user_id: user.to_owned(),
            email: email.map(str::to_owned),
            mode: input.mode.as_str().to_owned(),
            calendar_secret_hash: old.as_ref().and_then(|o| o.calendar_secret_hash.clone()),
            last_digest_day: old.and_then(|o| o.last_digest_day),
            updated_ms: self.now_ms(),
        };
        self.store.put_notification_preferences(&p).await?;
        self.notification_preferences(actor).await
    }

    /// Records a bounce that came back after the server had accepted the e-mail (the mail
    /// system pipes it to `accord mail-bounce`): the notice it names is marked failed with the
    /// reason, and shown to the Secretariat. Returns the notice's id, or none when the message
    /// names no notice of this deployment.
    pub async fn record_bounce(&self, message: &str) -> Result<Option<String>, AppError> {
        let Some((id, reason)) = read_bounce(message) else {
            return Ok(None);
        };
        if !self.store.notification_exists(&id).await? {
            return Ok(None);
        }
        self.store
            .set_mail_outcome(
                std::slice::from_ref(&id),
                "failed",
                1,
                None,
                Some(&format!("bounced: {reason}")),
                Some(self.now_ms()),
            )
            .await?;
        metrics::counter!("accord_mail_failures_total").increment(1);
        Ok(Some(id))
    }

    /// E-mails that could not be delivered (the Secretariat's to follow up).
    pub async fn mail_failures(&self, actor: &Actor) -> Result<Vec<MailFailureView>, AppError> {
        if !accord_domain::policy::can_administer_institution(actor) {
            return Err(AppError::Forbidden);
        }
        Ok(self
            .store
            .mail_failures(500)
            .await?
            .into_iter()
            .map(|r| MailFailureView {
                id: r.id,
                user_id: r.user_id,
                case_reference: r.case_reference,
                case_id: r.case_id,
                attempts: r.mail_attempts,
                error: r.mail_error.unwrap_or_default(),
                at: rfc3339(r.mail_done_ms.unwrap_or(r.created_ms)),
            })
            .collect())
    }

    fn letter_item(&self, r: &NotificationRecord) -> LetterItem {
        let v = view(r.clone());
        LetterItem {
            case_reference: v.case_reference,
            topic: v.topic,
            your_turn: v.your_turn,
            at_ms: r.created_ms,
            url: format!("{}{}", self.settings.public_url, v.link),
        }
    }

    async fn reader_settings(&self, user_id: &str) -> Result<(String, String), AppError> {
        let u = self.store.user_by_id(user_id).await?;
        let language = u
            .as_ref()
            .and_then(|u| u.language.clone())
            .unwrap_or_else(|| "en".into());
        let zone = u.and_then(|u| u.time_zone).unwrap_or_else(|| "UTC".into());
        Ok((language, zone))
    }

    /// One mail pass: every pending e-mail due, then the digests whose local hour has come.
    pub async fn deliver_mail(&self) -> Result<MailReport, AppError> {
        let Some(mailer) = self.mailer.clone() else {
            return Ok(MailReport::default());
        };
        let mut report = MailReport::default();
        let now = self.now_ms();
        let domain = mailer.message_id_domain();
        let mut letters = Vec::new();
        for r in self.store.mail_due(now, MAIL_BATCH).await? {
            let prefs = self.store.notification_preferences(&r.user_id).await?;
            let Some(to) = prefs.and_then(|p| p.email) else {
                self.store
                    .set_mail_outcome(
                        std::slice::from_ref(&r.id),
                        "no-address",
                        r.mail_attempts,
                        None,
                        None,
                        None,
                    )
                    .await?;
                continue;
            };
            let (language, time_zone) = self.reader_settings(&r.user_id).await?;
            let letter = Letter {
                return_path: format!("bounces+{}@{domain}", r.id),
                message_id: format!("<{}@{domain}>", r.id),
                to,
                language,
                time_zone,
                items: vec![self.letter_item(&r)],
                digest: false,
                inbox_url: format!("{}/inbox", self.settings.public_url),
                meeting: None,
            };
            let mut letter = letter;
            if let Some(Topic::Meeting {
                meeting_id, change, ..
            }) = letter.items.first().map(|i| &i.topic)
                && matches!(change.as_str(), "confirmed" | "rescheduled" | "cancelled")
            {
                letter.meeting = self
                    .meeting_for_letter(&r.user_id, &r.case_id, meeting_id)
                    .await?;
            }
            letters.push((r, letter));
        }
        // A few at once: each e-mail is a handful of round trips to the server, and the
        // transport keeps a pool of connections.
        for chunk in letters.chunks(MAIL_AT_ONCE) {
            let outcomes =
                futures::future::join_all(chunk.iter().map(|(_, l)| mailer.send(l))).await;
            for ((r, _), outcome) in chunk.iter().zip(outcomes) {
                self.settle(
                    &mut report,
                    std::slice::from_ref(&r.id),
                    r.mail_attempts,
                    outcome,
                )
                .await?;
            }
        }
        self.deliver_digests(&mailer, &domain, &mut report).await?;
        Ok(report)
    }

    async fn settle(
        &self,
        report: &mut MailReport,
        ids: &[String],
        attempts: i64,
        outcome: Result<(), MailFailure>,
    ) -> Result<(), AppError> {
        let now = self.now_ms();
        let attempts = attempts + 1;
        match outcome {
            Ok(()) => {
                report.sent += 1;
                self.store
                    .set_mail_outcome(ids, "sent", attempts, None, None, Some(now))
                    .await?;
            }
            Err(MailFailure::Transient(e)) if attempts < MAIL_ATTEMPTS => {
                report.retried += 1;
                tracing::warn!(error = %e, "an e-mail will be tried again");
                self.store
                    .set_mail_outcome(
                        ids,
                        "pending",
                        attempts,
                        Some(now + backoff_ms(attempts)),
                        Some(&e),
                        None,
                    )
                    .await?;
            }
            Err(MailFailure::Transient(e) | MailFailure::Permanent(e)) => {
                report.failed += 1;
                tracing::warn!(error = %e, "an e-mail could not be delivered");
                metrics::counter!("accord_mail_failures_total").increment(1);
                self.store
                    .set_mail_outcome(ids, "failed", attempts, None, Some(&e), Some(now))
                    .await?;
            }
        }
        Ok(())
    }

    async fn deliver_digests(
        &self,
        mailer: &Arc<dyn Mailer>,
        domain: &str,
        report: &mut MailReport,
    ) -> Result<(), AppError> {
        let now = self.clock.now();
        for user in self.store.digest_users().await? {
            let Some(mut prefs) = self.store.notification_preferences(&user).await? else {
                continue;
            };
            let (language, time_zone) = self.reader_settings(&user).await?;
            let zone = jiff::tz::TimeZone::get(&time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
            let local = now.to_zoned_datetime(zone);
            let today = local.date().to_string();
            if local.hour() < LOCAL_HOUR || prefs.last_digest_day.as_deref() == Some(&today) {
                continue;
            }
            let waiting = self.store.digest_waiting(&user).await?;
            let ids: Vec<String> = waiting.iter().map(|r| r.id.clone()).collect();
            let Some(to) = prefs.email.clone() else {
                self.store
                    .set_mail_outcome(&ids, "no-address", 0, None, None, None)
                    .await?;
                continue;
            };
            if waiting.is_empty() {
                continue;
            }
            let digest_id = notice_id(&format!("digest:{today}"), &user);
            let letter = Letter {
                return_path: format!("bounces+{digest_id}@{domain}"),
                message_id: format!("<{digest_id}@{domain}>"),
                to,
                language,
                time_zone,
                items: waiting.iter().map(|r| self.letter_item(r)).collect(),
                digest: true,
                inbox_url: format!("{}/inbox", self.settings.public_url),
                meeting: None,
            };
            match mailer.send(&letter).await {
                Ok(()) => {
                    report.sent += 1;
                    self.store
                        .set_mail_outcome(
                            &ids,
                            "digested",
                            1,
                            None,
                            None,
                            Some(now.as_millisecond()),
                        )
                        .await?;
                    prefs.last_digest_day = Some(today);
                    self.store.put_notification_preferences(&prefs).await?;
                }
                // A digest is tried again at the next pass, as a whole, with the same id.
                Err(MailFailure::Transient(e)) => {
                    report.retried += 1;
                    tracing::warn!(error = %e, "a digest will be tried again");
                }
                Err(MailFailure::Permanent(e)) => {
                    report.failed += 1;
                    self.store
                        .set_mail_outcome(
                            &ids,
                            "failed",
                            1,
                            None,
                            Some(&e),
                            Some(now.as_millisecond()),
                        )
                        .await?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_keeps_its_id_and_differs_per_recipient_and_source() {
        assert_eq!(notice_id("event:1", "u"), notice_id("event:1", "u"));
        assert_ne!(notice_id("event:1", "u"), notice_id("event:1", "v"));
        assert_ne!(notice_id("event:1", "u"), notice_id("event:2", "u"));
        assert_eq!(notice_id("event:1", "u").len(), 32);
    }

    #[test]
    fn reminders_are_written_between_eight_and_eight_where_the_reader_is() {
        let ms = |t: &str| t.parse::<jiff::Timestamp>().unwrap().as_millisecond();
        let now: jiff::Timestamp = "2026-03-28T12:00:00Z".parse().unwrap();
        // Hong Kong, 20:00: tomorrow 08:00.
        assert_eq!(
            sensible_local_time(now, "Asia/Hong_Kong"),
            ms("2026-03-29T00:00:00Z")
        );
        // Geneva, 13:00: now.
        assert_eq!(
            sensible_local_time(now, "Europe/Zurich"),
            now.as_millisecond()
        );
        // Lima, 07:00: at 08:00, 13:00 UTC.
        assert_eq!(
            sensible_local_time(now, "America/Lima"),
            ms("2026-03-28T13:00:00Z")
        );
        // Kiribati (UTC+14), across the date line: 02:00 on the 29th there, so 08:00 on the
        // 29th, which is still the 28th in UTC.
        assert_eq!(
            sensible_local_time(now, "Pacific/Kiritimati"),
            ms("2026-03-28T18:00:00Z")
        );
        // Geneva on the night clocks go forward (29 March 2026): 00:30 CET, and 08:00 that
        // morning is CEST, 06:00 UTC (not 07:00).
        let night: jiff::Timestamp = "2026-03-28T23:30:00Z".parse().unwrap();
        assert_eq!(
            sensible_local_time(night, "Europe/Zurich"),
            ms("2026-03-29T06:00:00Z")
        );
    }

    #[test]
    fn a_bounce_names_its_notice_and_why() {
        let dsn = "To: bounces+0123456789abcdef0123456789abcdef@iomed.test\r\n\
                   Subject: Undelivered Mail Returned to Sender\r\n\r\n\
                   Final-Recipient: rfc822; counsel@example.org\r\n\
                   Action: failed\r\nStatus: 5.1.1\r\n\
                   Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n";
        let (id, reason) = read_bounce(dsn).unwrap();
        assert_eq!(id, "0123456789abcdef0123456789abcdef");
        assert_eq!(reason, "5.1.1 smtp; 550 5.1.1 User unknown");
        assert_eq!(read_bounce("To: bounces+123@iomed.test\r\n"), None);
        assert_eq!(read_bounce("an ordinary message"), None);
    }

    #[test]
    fn retries_back_off_and_stop() {
        assert!(backoff_ms(1) < backoff_ms(2));
        assert!(backoff_ms(4) < backoff_ms(5));
        assert_eq!(backoff_ms(5), backoff_ms(9));
    }
}
