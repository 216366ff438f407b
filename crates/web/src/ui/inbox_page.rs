//! The inbox: the viewer's notifications (newest first, a page at a time), marking them read,
//! how the viewer is told (e-mail address and mode), and, for the Secretariat, the e-mails that
//! could not be delivered.

use accord_app::AppError;
use accord_app::notifications::{MailMode, NotificationView, PreferencesInput};
use accord_app::paging::{Order, PageRequest};
use accord_domain::notice::{self, Topic};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::frame::{PageFrame, Pager, html, see_other};
use super::viewer::{CheckedForm, Viewer};
use crate::AppState;

/// Notifications on one page.
const INBOX_LIMIT: i64 = 50;

/// One notification as the page shows it.
pub struct InboxLine {
    id: String,
    what: String,
    case: String,
    when: String,
    your_turn: bool,
    read: bool,
    link: String,
    mail_failed: bool,
}

/// A failed e-mail as the Secretariat sees it.
pub struct FailureLine {
    when: String,
    user: String,
    case_id: String,
    case_reference: String,
    attempts: i64,
    error: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    page: PageFrame,
    items: Vec<InboxLine>,
    unread: i64,
    pager: Option<Pager>,
    mail_enabled: bool,
    email: String,
    email_error: Option<String>,
    modes: Vec<(&'static str, String, bool)>,
    failures: Option<Vec<FailureLine>>,
    calendar_feed: bool,
    feed_url: Option<String>,
}

/// Query of the inbox page.
#[derive(Debug, Deserialize, Default)]
pub struct InboxQuery {
    /// The cursor of the page to show.
    pub cursor: Option<String>,
    /// What was just done (`marked`, `saved`).
    pub done: Option<String>,
}

/// What a notice says, in the viewer's language: never content.
pub fn notice_text(viewer: &Viewer, topic: &Topic) -> String {
    match topic {
        Topic::Reminder {
            deadline, due_ms, ..
        } => viewer.ta(
            "notice-reminder",
            &[
                ("what", &viewer.t(&format!("deadline-{deadline}"))),
                ("due", &viewer.when_ms(*due_ms)),
            ],
        ),
        _ => viewer.t(&notice::message_id(topic)),
    }
}

fn line(viewer: &Viewer, n: NotificationView) -> InboxLine {
    InboxLine {
        what: notice_text(viewer, &n.topic),
        case: viewer.ta("inbox-case", &[("reference", &n.case_reference)]),
        when: viewer.when(&n.created_at),
        your_turn: n.your_turn,
        read: n.read,
        link: n.link,
        mail_failed: n.mail == "failed",
        id: n.id,
    }
}

/// `GET /inbox`.
pub async fn inbox_page(
    State(s): State<AppState>,
    viewer: Viewer,
    query: Result<Query<InboxQuery>, QueryRejection>,
) -> Response {
    let q = query.ok().map(|Query(q)| q).unwrap_or_default();
    let notice = match q.done.as_deref() {
        Some("marked") => Some(viewer.t("inbox-marked")),
        Some("saved") => Some(viewer.t("prefs-saved")),
        Some("feed-revoked") => Some(viewer.t("calendar-feed-revoked")),
        _ => None,
    };
    render(&s, &viewer, q.cursor, notice, None, None, StatusCode::OK).await
}

/// `POST /inbox/calendar`: makes (or replaces) the calendar address and shows it, once.
pub async fn make_feed(
    State(s): State<AppState>,
    CheckedForm(viewer, _): CheckedForm<MarkForm>,
) -> Response {
    match s.accord.create_calendar_feed(&viewer.principal.actor).await {
        Ok(feed) => render_with_feed(&s, &viewer, Some(feed.url)).await,
        Err(e) => super::respond::error_page(&viewer, e),
    }
}

/// `POST /inbox/calendar/revoke`.
pub async fn revoke_feed(
    State(s): State<AppState>,
    CheckedForm(viewer, _): CheckedForm<MarkForm>,
) -> Response {
    match s.accord.revoke_calendar_feed(&viewer.principal.actor).await {
        Ok(()) => see_other("/inbox?done=feed-revoked#calendar"),
        Err(e) => super::respond::error_page(&viewer, e),
    }
}

async fn render_with_feed(s: &AppState, viewer: &Viewer, feed_url: Option<String>) -> Response {
    render_full(s, viewer, None, None, None, None, StatusCode::OK, feed_url).await
}

async fn render(
    s: &AppState,
    viewer: &Viewer,
    cursor: Option<String>,
    notice: Option<String>,
    email_error: Option<String>,
    typed: Option<PreferencesForm>,
    status: StatusCode,
) -> Response {
    render_full(s, viewer, cursor, notice, email_error, typed, status, None).await
}

#[allow(clippy::too_many_arguments)]
async fn render_full(
    s: &AppState,
    viewer: &Viewer,
    cursor: Option<String>,
    notice: Option<String>,
    email_error: Option<String>,
    typed: Option<PreferencesForm>,
    status: StatusCode,
    feed_url: Option<String>,
) -> Response {
    let actor = &viewer.principal.actor;
    let later_page = cursor.is_some();
    let request = PageRequest {
        cursor,
        ..PageRequest::first(INBOX_LIMIT, Order::Newest)
    };
    let page = match s.accord.notifications(actor, &request).await {
        Ok(p) => p,
        Err(e) => return super::respond::error_page(viewer, e),
    };
    let (unread, prefs) = match (
        s.accord.unread_notifications(actor).await,
        s.accord.notification_preferences(actor).await,
    ) {
        (Ok(u), Ok(p)) => (u, p),
        (Err(e), _) | (_, Err(e)) => return super::respond::error_page(viewer, e),
    };
    let failures = if accord_domain::policy::can_administer_institution(actor) {
        match s.accord.mail_failures(actor).await {
            Ok(f) => Some(
                f.into_iter()
                    .map(|f| FailureLine {
                        when: viewer.when(&f.at),
                        user: f.user_id,
                        case_id: f.case_id,
                        case_reference: f.case_reference,
                        attempts: f.attempts,
                        error: f.error,
                    })
                    .collect(),
            ),
            Err(e) => return super::respond::error_page(viewer, e),
        }
    } else {
        None
    };
    let mode = typed
        .as_ref()
        .map_or(prefs.mode, |t| parse_mode(&t.mode).unwrap_or(prefs.mode));
    let modes = [MailMode::Immediate, MailMode::Digest, MailMode::Off]
        .into_iter()
        .map(|m| {
            (
                m.as_str(),
                viewer.t(&format!("prefs-mode-{}", m.as_str())),
                m == mode,
            )
        })
        .collect();
    let more = page.next.map(|c| format!("/inbox?cursor={c}"));
    let mut frame = viewer.frame("inbox-title", "/inbox");
    frame.notice = notice;
    html(
        status,
        &InboxPage {
            page: frame,
            items: page.items.into_iter().map(|n| line(viewer, n)).collect(),
            unread,
            pager: Pager::of(
                later_page.then(|| ("/inbox".to_owned(), viewer.t("inbox-latest"))),
                more.map(|h| (h, viewer.t("inbox-earlier"))),
            ),
            mail_enabled: prefs.mail_enabled,
            email: typed.map_or_else(|| prefs.email.unwrap_or_default(), |t| t.email),
            email_error,
            modes,
            failures,
            calendar_feed: prefs.calendar_feed,
            feed_url,
        },
    )
}

fn parse_mode(s: &str) -> Option<MailMode> {
    Some(match s {
        "immediate" => MailMode::Immediate,
        "digest" => MailMode::Digest,
        "off" => MailMode::Off,
        _ => return None,
    })
}

/// The mark-read form: one notification (`id`), or all when absent.
#[derive(Debug, Deserialize)]
pub struct MarkForm {
    /// The notification to mark.
    #[serde(default)]
    pub id: Option<String>,
}

/// `POST /inbox/read`.
pub async fn mark_read(
    State(s): State<AppState>,
    CheckedForm(viewer, f): CheckedForm<MarkForm>,
) -> Response {
    let ids = f.id.map(|id| vec![id]);
    match s
        .accord
        .mark_notifications_read(&viewer.principal.actor, ids.as_deref())
        .await
    {
        Ok(_) => see_other("/inbox?done=marked"),
        Err(e) => super::respond::error_page(&viewer, e),
    }
}

/// The preferences form.
#[derive(Debug, Deserialize)]
pub struct PreferencesForm {
    /// E-mail address (empty: the inbox only).
    #[serde(default)]
    pub email: String,
    /// `immediate`, `digest` or `off`.
    #[serde(default)]
    pub mode: String,
}

/// `POST /inbox/preferences`: a malformed address comes back beside its field, as typed.
pub async fn save_preferences(
    State(s): State<AppState>,
    CheckedForm(viewer, f): CheckedForm<PreferencesForm>,
) -> Response {
    // The form offers the three modes only: anything else was not sent by it.
    let Some(mode) = parse_mode(&f.mode) else {
        return super::respond::forged_form(viewer.lang);
    };
    let input = PreferencesInput {
        email: Some(f.email.clone()),
        mode,
    };
    match s
        .accord
        .set_notification_preferences(&viewer.principal.actor, &input)
        .await
    {
        Ok(_) => see_other("/inbox?done=saved#preferences"),
        Err(AppError::Invalid {
            code: "invalid-notification-email",
            ..
        }) => {
            let message = viewer.t("error-invalid-notification-email");
            render(
                &s,
                &viewer,
                None,
                None,
                Some(message),
                Some(f),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => super::respond::error_page(&viewer, e),
    }
}
