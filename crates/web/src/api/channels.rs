//! Channels of a case and their messages, and the relays of caucus excerpts the source party
//! approves word for word. Documents filed in a channel are in `filings`.

use accord_app::channels::{
    ChannelView, MessageView, NewMessage, ProposeRelay, RelayDecision, RelayView,
};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::on;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::paged::{PageParams, page_response};
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// Channels, messages and relays.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get("/api/v1/cases/{case_id}/channels", |m| on(m, channels))
        .summary("The channels you may use in a case")
        .responds(200, schema::<Vec<ChannelView>>),
    RouteSpec::get("/api/v1/cases/{case_id}/channels/{channel}/messages", |m| {
        on(m, messages)
    })
    .summary("A channel's messages (content or metadata, per the policy), a page at a time")
    .query(schema::<PageParams>)
    .paged()
    .responds(200, schema::<Vec<MessageView>>),
    RouteSpec::post("/api/v1/cases/{case_id}/channels/{channel}/messages", |m| {
        on(m, post_message)
    })
    .summary("Post a message")
    .json_body(schema::<NewMessage>)
    .responds(201, schema::<MessageView>),
    RouteSpec::get("/api/v1/cases/{case_id}/relays", |m| on(m, relays))
        .summary("Relays of caucus excerpts (mediator, source party)")
        .responds(200, schema::<Vec<RelayView>>),
    RouteSpec::post("/api/v1/cases/{case_id}/relays", |m| on(m, propose_relay))
        .summary("The mediator proposes to relay an exact excerpt of a caucus message")
        .json_body(schema::<ProposeRelay>)
        .responds(201, schema::<RelayView>),
    RouteSpec::post("/api/v1/cases/{case_id}/relays/{relay_id}/decision", |m| {
        on(m, decide_relay)
    })
    .summary("The source party approves that exact text, or refuses")
    .json_body(schema::<RelayDecision>)
    .responds(200, schema::<RelayView>),
];

async fn channels(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.channels(&p.actor, &case_id).await?).into_response())
}

async fn messages(
    State(s): State<AppState>,
    Authed(p): Authed,
    uri: Uri,
    Path((case_id, channel)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Response, ApiError> {
    let page = s
        .accord
        .messages(&p.actor, &case_id, &channel, &q.request())
        .await?;
    Ok(page_response(&uri, page))
}

async fn post_message(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, channel)): Path<(String, String)>,
    ApiJson(m): ApiJson<NewMessage>,
) -> Result<Response, ApiError> {
    let v = s
        .accord
        .post_message(&p.actor, &case_id, &channel, m)
        .await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn relays(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.relays(&p.actor, &case_id).await?).into_response())
}

async fn propose_relay(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
    ApiJson(r): ApiJson<ProposeRelay>,
) -> Result<Response, ApiError> {
    let v = s.accord.propose_relay(&p.actor, &case_id, r).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn decide_relay(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, relay_id)): Path<(String, String)>,
    ApiJson(d): ApiJson<RelayDecision>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.accord
            .decide_relay(&p.actor, &case_id, &relay_id, d)
            .await?,
    )
    .into_response())
}
