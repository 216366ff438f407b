//! A case's actions: `POST /api/v1/cases/{case_id}/actions/{action}` with the action's fields
//! (the `Command` enum, `deny_unknown_fields`), optionally guarded by `If-Match`.
//!
//! Every action answers one shape (`ActionOutcome` in the OpenAPI document): `recorded`,
//! `case_id`, `action` and `view`; with `view: full` the same object carries the case as the
//! actor sees it after the step (and its ETag), with `view: minimal` — an actor who may take the
//! step but not read the case — nothing more.

use accord_app::cases::ActOutcome;
use accord_domain::Command;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use serde_json::{Value, json};

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
    let name = cmd.name();
    match s.accord.act(&p.actor, &case_id, &cmd, expected).await? {
        ActOutcome::Case(view) => {
            let etag = format!("\"v{}\"", view.case.version);
            let mut body = serde_json::to_value(&*view)
                .map_err(|e| ApiError::from(accord_app::AppError::Storage(e.to_string())))?;
            if let Value::Object(fields) = &mut body {
                fields.insert("recorded".into(), Value::Bool(true));
                fields.insert("case_id".into(), Value::String(case_id.clone()));
                fields.insert("action".into(), Value::String(name.to_owned()));
                fields.insert("view".into(), Value::String("full".into()));
            }
            let mut resp = Json(body).into_response();
            if let Ok(v) = HeaderValue::from_str(&etag) {
                resp.headers_mut().insert(header::ETAG, v);
            }
            Ok(resp)
        }
        ActOutcome::Recorded { case_id, action } => Ok(Json(json!({
            "recorded": true,
            "case_id": case_id,
            "action": action,
            "view": "minimal",
        }))
        .into_response()),
    }
}
