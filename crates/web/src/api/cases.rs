//! Cases: filing a request, the list by next deadline, one case with its ETag, its timeline,
//! re-opening a closed case, and the consent request a third State sees.

use accord_app::paging::PageRequest;
use accord_app::views::{CaseSummary, CaseView, ConsentRequestView, EventView};
use accord_domain::command::FileRequest;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::paged::{PageParams, page_response};
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// Cases as a whole (their actions are in `case_actions`).
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get("/api/v1/cases", |m| on(m, list_cases))
        .summary("Cases the user may see, by next deadline, a page at a time")
        .query(schema::<ListParams>)
        .paged()
        .responds(200, schema::<Vec<CaseSummary>>),
    RouteSpec::post("/api/v1/cases", |m| on(m, file_case))
        .summary("File a request (creates a DRAFT)")
        .json_body(schema::<FileRequest>)
        .responds(201, schema::<CaseView>),
    RouteSpec::get("/api/v1/cases/{case_id}", |m| on(m, get_case))
        .summary("A case (ETag: its version)")
        .responds(200, schema::<CaseView>),
    RouteSpec::get("/api/v1/cases/{case_id}/events", |m| on(m, case_events))
        .summary("The case's events the user may read, hash-chained, a page at a time")
        .query(schema::<PageParams>)
        .paged()
        .responds(200, schema::<Vec<EventView>>),
    RouteSpec::post("/api/v1/cases/{case_id}/reopen", |m| on(m, reopen))
        .summary("Re-open a closed case as a new linked case")
        .responds(201, schema::<CaseView>),
    RouteSpec::get("/api/v1/cases/{case_id}/consent-requests/{country}", |m| {
        on(m, consent_request)
    })
    .summary("The consent request to a third State (all it may see)")
    .responds(200, schema::<ConsentRequestView>),
];

/// Query of the case list.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only cases in this state (such as `ACTIVE`).
    pub state: Option<String>,
    /// At most this many (1–500, default 100).
    pub limit: Option<i64>,
    /// The previous page's next cursor (from `Accord-Next-Cursor`); absent for the first page.
    pub cursor: Option<String>,
    /// Skip this many (deprecated: use the cursor, which reads any page at the same cost).
    pub offset: Option<i64>,
}

async fn list_cases(
    State(s): State<AppState>,
    Authed(p): Authed,
    uri: Uri,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Response, ApiError> {
    let req = PageRequest {
        cursor: q.cursor,
        limit: q.limit,
        order: Default::default(),
    };
    let offset = q.offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-offset",
            "the offset counts cases to skip: 0 or more",
        ));
    }
    let page = s.accord.list_cases(&p.actor, q.state, &req, offset).await?;
    Ok(page_response(&uri, page))
}

/// A case as the actor sees it, with its version as ETag (and its address when created).
pub(super) fn case_response(status: StatusCode, view: CaseView) -> Response {
    let etag = format!("\"v{}\"", view.case.version);
    let mut resp = (status, Json(&view)).into_response();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    if status == StatusCode::CREATED
        && let Ok(v) = HeaderValue::from_str(&format!("/api/v1/cases/{}", view.case.id))
    {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

async fn file_case(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiJson(req): ApiJson<FileRequest>,
) -> Result<Response, ApiError> {
    let view = s.accord.file_request(&p.actor, &req).await?;
    Ok(case_response(StatusCode::CREATED, view))
}

/// Query of one case.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseParams {
    /// An IANA time zone (such as `Europe/Zurich`) to show each deadline's end in, besides the
    /// zone it was counted in; the account's own zone when absent.
    pub tz: Option<String>,
}

async fn get_case(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
    ApiQuery(q): ApiQuery<CaseParams>,
) -> Result<Response, ApiError> {
    let zone = match q.tz.as_deref().map(str::trim) {
        Some(z) => {
            accord_domain::period::zone(z).map_err(accord_app::AppError::from)?;
            Some(z.to_owned())
        }
        None => p
            .user
            .time_zone
            .clone()
            .filter(|z| accord_domain::period::zone(z).is_ok()),
    };
    let view = s.accord.case_view(&p.actor, &case_id).await?;
    Ok(case_response(
        StatusCode::OK,
        view.in_viewer_zone(zone.as_deref()),
    ))
}

async fn case_events(
    State(s): State<AppState>,
    Authed(p): Authed,
    uri: Uri,
    Path(case_id): Path<String>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Response, ApiError> {
    let page = s.accord.timeline(&p.actor, &case_id, &q.request()).await?;
    Ok(page_response(&uri, page))
}

async fn reopen(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    let view = s.accord.reopen(&p.actor, &case_id).await?;
    Ok(case_response(StatusCode::CREATED, view))
}

async fn consent_request(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, country)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.accord
            .consent_request(&p.actor, &case_id, &country)
            .await?,
    )
    .into_response())
}
