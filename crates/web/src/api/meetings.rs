//! Meetings of a case (joint sessions and caucuses): proposing candidate times, answering,
//! confirming, moving, cancelling; a meeting's calendar invitation; each user's private
//! calendar feed address.

use accord_app::meetings::{
    CalendarFeedView, CalendarLabel, MeetingAnswerInput, MeetingConfirmInput, MeetingInput,
    MeetingMoveInput, MeetingView,
};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::on;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// Meetings and the calendar feed.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get("/api/v1/cases/{case_id}/meetings", |m| on(m, list))
        .summary(
            "The case's meetings the signed-in user may see (a caucus only to its party and the \
             mediator), with the invitees' answers and local time zones",
        )
        .responds(200, schema::<Vec<MeetingView>>),
    RouteSpec::post("/api/v1/cases/{case_id}/meetings", |m| on(m, propose))
        .summary(
            "Propose a joint session (plenary) or a caucus with 1 to 10 candidate times \
             (mediator; case officer for a joint session); the invitees are told",
        )
        .json_body(schema::<MeetingInput>)
        .responds(201, schema::<MeetingView>),
    RouteSpec::post(
        "/api/v1/cases/{case_id}/meetings/{meeting_id}/answers",
        |m| on(m, answer),
    )
    .summary("Answer each candidate time: yes, if-need-be or no (an invitee, until confirmed)")
    .json_body(schema::<MeetingAnswerInput>)
    .responds(200, schema::<MeetingView>),
    RouteSpec::post(
        "/api/v1/cases/{case_id}/meetings/{meeting_id}/confirm",
        |m| on(m, confirm),
    )
    .summary("Confirm one candidate time; the invitees receive a calendar invitation")
    .json_body(schema::<MeetingConfirmInput>)
    .responds(200, schema::<MeetingView>),
    RouteSpec::post(
        "/api/v1/cases/{case_id}/meetings/{meeting_id}/reschedule",
        |m| on(m, reschedule),
    )
    .summary("Move a confirmed meeting; the invitations' SEQUENCE is raised and everyone told")
    .json_body(schema::<MeetingMoveInput>)
    .responds(200, schema::<MeetingView>),
    RouteSpec::post(
        "/api/v1/cases/{case_id}/meetings/{meeting_id}/cancel",
        |m| on(m, cancel),
    )
    .summary("Cancel a meeting; everyone invited is told (METHOD:CANCEL)")
    .responds(200, schema::<MeetingView>),
    RouteSpec::get(
        "/api/v1/cases/{case_id}/meetings/{meeting_id}/invitation",
        |m| on(m, invitation),
    )
    .summary("The confirmed meeting as an RFC 5545 invitation (text/calendar)"),
    RouteSpec::post("/api/v1/calendar-feed", |m| on(m, create_feed))
        .summary(
            "Make (or replace) the signed-in user's private calendar feed address; the old one \
             stops working. The address is shown once.",
        )
        .responds(201, schema::<CalendarFeedView>),
    RouteSpec::delete("/api/v1/calendar-feed", |m| on(m, revoke_feed))
        .summary("Revoke the signed-in user's calendar feed address")
        .status(204),
];

async fn list(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.meetings(&p.actor, &case_id).await?).into_response())
}

async fn propose(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
    ApiJson(body): ApiJson<MeetingInput>,
) -> Result<Response, ApiError> {
    let m = s.accord.propose_meeting(&p.actor, &case_id, &body).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

async fn answer(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, meeting_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<MeetingAnswerInput>,
) -> Result<Response, ApiError> {
    let m = s
        .accord
        .answer_meeting(&p.actor, &case_id, &meeting_id, &body)
        .await?;
    Ok(Json(m).into_response())
}

async fn confirm(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, meeting_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<MeetingConfirmInput>,
) -> Result<Response, ApiError> {
    let m = s
        .accord
        .confirm_meeting(&p.actor, &case_id, &meeting_id, &body)
        .await?;
    Ok(Json(m).into_response())
}

async fn reschedule(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, meeting_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<MeetingMoveInput>,
) -> Result<Response, ApiError> {
    let m = s
        .accord
        .reschedule_meeting(&p.actor, &case_id, &meeting_id, &body)
        .await?;
    Ok(Json(m).into_response())
}

async fn cancel(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, meeting_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let m = s
        .accord
        .cancel_meeting(&p.actor, &case_id, &meeting_id)
        .await?;
    Ok(Json(m).into_response())
}

/// What a calendar event is called in `language`.
pub(crate) fn calendar_summary(language: &str, label: &CalendarLabel) -> String {
    label.worded(language, accord_i18n::message)
}

/// A `text/calendar` response.
pub(crate) fn ics(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn invitation(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, meeting_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let language = p.user.language.clone().unwrap_or_else(|| "en".to_owned());
    let text = s
        .accord
        .meeting_invitation(&p.actor, &case_id, &meeting_id, &|label| {
            calendar_summary(&language, label)
        })
        .await?;
    Ok(ics(text))
}

async fn create_feed(State(s): State<AppState>, Authed(p): Authed) -> Result<Response, ApiError> {
    let feed = s.accord.create_calendar_feed(&p.actor).await?;
    Ok((StatusCode::CREATED, Json(feed)).into_response())
}

async fn revoke_feed(State(s): State<AppState>, Authed(p): Authed) -> Result<Response, ApiError> {
    s.accord.revoke_calendar_feed(&p.actor).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
