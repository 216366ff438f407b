//! Blind bidding on a money claim: the rules and round outcomes, and each side's private figure.

use accord_app::bidding::{BidInput, BiddingView};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::on;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// Biddings and figures.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get("/api/v1/cases/{case_id}/blind-biddings", |m| {
        on(m, blind_biddings)
    })
    .summary("The case's blind biddings: rules and round outcomes, plus the viewer's own figures")
    .responds(200, schema::<Vec<BiddingView>>),
    RouteSpec::get("/api/v1/cases/{case_id}/blind-biddings/{bidding_id}", |m| {
        on(m, blind_bidding)
    })
    .summary("One blind bidding as the viewer may see it")
    .responds(200, schema::<BiddingView>),
    RouteSpec::post(
        "/api/v1/cases/{case_id}/blind-biddings/{bidding_id}/figures/{party}",
        |m| on(m, place_bid),
    )
    .summary(
        "A side names its figure for the open round, privately; when both are in, the round closes",
    )
    .json_body(schema::<BidInput>)
    .responds(200, schema::<BiddingView>),
];

async fn blind_biddings(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.blind_biddings(&p.actor, &case_id).await?).into_response())
}

async fn blind_bidding(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, b)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.blind_bidding(&p.actor, &case_id, &b).await?).into_response())
}

async fn place_bid(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, b, party)): Path<(String, String, String)>,
    ApiJson(input): ApiJson<BidInput>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.accord
            .place_bid(&p.actor, &case_id, &b, &party, input)
            .await?,
    )
    .into_response())
}
