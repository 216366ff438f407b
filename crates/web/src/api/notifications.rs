//! Notifications: the signed-in user's inbox, marking notices read, how the user is told (e-mail
//! address and mode), and the e-mails that could not be delivered (Secretariat).

use accord_app::notifications::{
    MailFailureView, NotificationView, PreferencesInput, PreferencesView,
};
use accord_app::paging::PageRequest;
use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::paged::page_response;
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// The inbox and the preferences.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get("/api/v1/notifications", |m| on(m, inbox))
        .summary(
            "The signed-in user's notifications, newest first, a page at a time (never any content: \
             what happened, in which case, and a link)",
        )
        .query(schema::<InboxParams>)
        .paged()
        .responds(200, schema::<Vec<NotificationView>>),
    RouteSpec::get("/api/v1/notifications/unread", |m| on(m, unread))
        .summary("How many of the signed-in user's notifications are unread")
        .responds(200, schema::<UnreadCount>),
    RouteSpec::post("/api/v1/notifications/read", |m| on(m, mark_read))
        .summary(
            "Mark notifications read: the ids given (at most 500), or all of them when `ids` is \
             absent; another user's ids change nothing",
        )
        .json_body(schema::<MarkRead>)
        .responds(200, schema::<Marked>),
    RouteSpec::get("/api/v1/notification-preferences", |m| on(m, preferences))
        .summary("How the signed-in user is told: e-mail address and mode")
        .responds(200, schema::<PreferencesView>),
    RouteSpec::post("/api/v1/notification-preferences", |m| on(m, set_preferences))
        .summary(
            "Change the e-mail address (empty: the inbox only) and mode (immediate, digest, off: \
             formal notices the rules require are e-mailed even when off)",
        )
        .json_body(schema::<PreferencesInput>)
        .responds(200, schema::<PreferencesView>),
    RouteSpec::get("/api/v1/mail-failures", |m| on(m, mail_failures))
        .summary("E-mails the mail server refused or that could not be delivered (Secretariat)")
        .responds(200, schema::<Vec<MailFailureView>>),
];

/// Query of the inbox.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InboxParams {
    /// The previous page's next cursor (from `Accord-Next-Cursor`); absent for the first page.
    pub cursor: Option<String>,
    /// At most this many notifications (1–500, default 100).
    pub limit: Option<i64>,
}

/// Unread notifications.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct UnreadCount {
    /// How many.
    pub unread: i64,
}

/// Body of `POST /api/v1/notifications/read`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// The notifications to mark; absent: all.
    #[serde(default)]
    pub ids: Option<Vec<String>>,
}

/// What marking changed.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Marked {
    /// Notifications newly marked read.
    pub marked: u64,
}

async fn inbox(
    State(s): State<AppState>,
    Authed(p): Authed,
    uri: Uri,
    ApiQuery(q): ApiQuery<InboxParams>,
) -> Result<Response, ApiError> {
    let req = PageRequest {
        cursor: q.cursor,
        limit: q.limit,
        order: Default::default(),
    };
    Ok(page_response(
        &uri,
        s.accord.notifications(&p.actor, &req).await?,
    ))
}

async fn unread(State(s): State<AppState>, Authed(p): Authed) -> Result<Response, ApiError> {
    let unread = s.accord.unread_notifications(&p.actor).await?;
    Ok(Json(UnreadCount { unread }).into_response())
}

async fn mark_read(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiJson(body): ApiJson<MarkRead>,
) -> Result<Response, ApiError> {
    let marked = s
        .accord
        .mark_notifications_read(&p.actor, body.ids.as_deref())
        .await?;
    Ok(Json(Marked { marked }).into_response())
}

async fn preferences(State(s): State<AppState>, Authed(p): Authed) -> Result<Response, ApiError> {
    Ok(Json(s.accord.notification_preferences(&p.actor).await?).into_response())
}

async fn set_preferences(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiJson(body): ApiJson<PreferencesInput>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.accord
            .set_notification_preferences(&p.actor, &body)
            .await?,
    )
    .into_response())
}

async fn mail_failures(State(s): State<AppState>, Authed(p): Authed) -> Result<Response, ApiError> {
    Ok(Json(s.accord.mail_failures(&p.actor).await?).into_response())
}
