//! The institution's oversight: the access log of confidential reads and aggregate statistics.

use accord_app::cases::Statistics;
use accord_app::channels::AccessView;
use accord_app::paging::PageRequest;
use accord_app::rehearsal::{ClockMove, ClockReport};
use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::paged::page_response;
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// The access log and the statistics.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get("/api/v1/access-log", |m| on(m, access_log))
        .summary(
            "Reads of caucus and without-prejudice content, newest first, a page at a time (Secretary-General)",
        )
        .query(schema::<AccessLogParams>)
        .paged()
        .responds(200, schema::<Vec<AccessView>>),
    RouteSpec::get("/api/v1/statistics", |m| on(m, statistics))
        .summary("Aggregate statistics (Governing Council, Secretariat)")
        .responds(200, schema::<Statistics>),
    RouteSpec::get("/api/v1/test-clock", |m| on(m, read_test_clock))
        .summary(
            "The rehearsal clock (operator; only on a server started with --test-clock, \
             404 not-found on every other)",
        )
        .responds(200, schema::<ClockReport>),
    RouteSpec::post("/api/v1/test-clock", |m| on(m, move_test_clock))
        .summary(
            "Move the rehearsal clock forward (set_to or advance_minutes), then fire every lapse \
             due (operator; only with --test-clock)",
        )
        .json_body(schema::<ClockMove>)
        .responds(200, schema::<ClockReport>),
];

async fn read_test_clock(
    State(s): State<AppState>,
    Authed(p): Authed,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.rehearsal_clock(&p.actor)?).into_response())
}

async fn move_test_clock(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiJson(mv): ApiJson<ClockMove>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.move_rehearsal_clock(&p.actor, &mv).await?).into_response())
}

/// Query of the access log.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessLogParams {
    /// Only this case.
    pub case_id: Option<String>,
    /// The previous page's next cursor (from `Accord-Next-Cursor`); absent for the first page.
    pub cursor: Option<String>,
    /// At most this many records (1–500, default 100).
    pub limit: Option<i64>,
}

async fn access_log(
    State(s): State<AppState>,
    Authed(p): Authed,
    uri: Uri,
    ApiQuery(q): ApiQuery<AccessLogParams>,
) -> Result<Response, ApiError> {
    let req = PageRequest {
        cursor: q.cursor,
        limit: q.limit,
        order: Default::default(),
    };
    let page = s
        .accord
        .access_log(&p.actor, q.case_id.as_deref(), &req)
        .await?;
    Ok(page_response(&uri, page))
}

async fn statistics(State(s): State<AppState>, Authed(p): Authed) -> Result<Response, ApiError> {
    Ok(Json(s.accord.statistics(&p.actor).await?).into_response())
}
