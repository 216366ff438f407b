//! A case's actions: `POST /api/v1/cases/{case_id}/actions/{action}` with the action's fields
//! (the `Command` enum, `deny_unknown_fields`), optionally guarded by `If-Match`.

use accord_app::cases::ActOutcome;
use accord_domain::Command;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use serde_json::{Value, json};

use super::cases::case_response;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::route_table::RouteSpec;
use crate::session::Authed;

/// One route for every action; the document spells it out once per action.
pub(super) const ROUTES: &[RouteSpec] =
    &[RouteSpec::post("/api/v1/cases/{case_id}/actions/{action}", |m| on(m, act)).case_actions()];

/// Reads `If-Match: "v<version>"`.
fn expected_version(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .and_then(|s| s.trim().strip_prefix("\"v"))
        .and_then(|s| s.strip_suffix('"'))
        .and_then(|s| s.parse::<i64>().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid-if-match",
                "If-Match carries the case's ETag, such as \"v7\"",
            )
        })
}

async fn act(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, action)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, ApiError> {
    if !Command::ACTION_NAMES.contains(&action.as_str()) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown-action",
            format!("there is no action '{action}'; see /api/v1/openapi.json"),
        ));
    }
    let Value::Object(mut fields) = body else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-request-body",
            "the body of an action is a JSON object (use {} when it has no fields)",
        ));
    };
    match fields.get("action") {
        None => {}
        Some(Value::String(a)) if *a == action => {}
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "action-mismatch",
                "the body's 'action' differs from the action in the path",
            ));
        }
    }
    fields.insert("action".into(), Value::String(action));
    let cmd: Command = serde_json::from_value(Value::Object(fields)).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-request-body",
            e.to_string(),
        )
    })?;
    let expected = expected_version(&headers)?;
    if matches!(
        cmd,
        Command::SignSettlement { .. } | Command::CountersignSettlement { .. }
    ) {
        s.accord.require_fresh_authentication(&p)?;
    }
    match s.accord.act(&p.actor, &case_id, &cmd, expected).await? {
        ActOutcome::Case(view) => Ok(case_response(StatusCode::OK, *view)),
        ActOutcome::Recorded { case_id, action } => Ok(Json(
            json!({"recorded": true, "case_id": case_id, "action": action}),
        )
        .into_response()),
    }
}
