//! Routes and handlers of the JSON API.

use std::net::SocketAddr;

use accord_app::accounts::{Credentials, NewUser, UserView};
use accord_app::bidding::BidInput;
use accord_app::cases::{ActOutcome, NewDeclaration};
use accord_app::channels::{NewMessage, ProposeRelay, RelayDecision};
use accord_app::negotiations::AnswerInput;
use accord_domain::Command;
use accord_domain::command::FileRequest;
use accord_domain::negotiation::Preferences;
use accord_domain::profile::Profile;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router, middleware};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::session::{Authed, COOKIE, require_session};
use crate::{AppState, idempotency};

/// Every route: (method, path, needs a session). The router below and the OpenAPI document are
/// checked against this list by tests.
pub const ROUTES: &[(&str, &str, bool)] = &[
    ("GET", "/healthz", false),
    ("GET", "/api/v1/openapi.json", false),
    ("POST", "/api/v1/sessions", false),
    ("DELETE", "/api/v1/sessions/current", true),
    ("GET", "/api/v1/me", true),
    ("GET", "/api/v1/users", true),
    ("POST", "/api/v1/users", true),
    ("GET", "/api/v1/profiles", true),
    ("GET", "/api/v1/declarations", true),
    ("POST", "/api/v1/declarations", true),
    ("GET", "/api/v1/cases", true),
    ("POST", "/api/v1/cases", true),
    ("GET", "/api/v1/cases/{case_id}", true),
    ("GET", "/api/v1/cases/{case_id}/events", true),
    ("POST", "/api/v1/cases/{case_id}/actions/{action}", true),
    ("POST", "/api/v1/cases/{case_id}/reopen", true),
    (
        "GET",
        "/api/v1/cases/{case_id}/consent-requests/{country}",
        true,
    ),
    ("POST", "/api/v1/sessions/reauth", true),
    ("POST", "/api/v1/me/totp", true),
    ("POST", "/api/v1/me/totp/confirm", true),
    ("POST", "/api/v1/users/{user_id}/disable", true),
    ("POST", "/api/v1/users/{user_id}/enable", true),
    ("POST", "/api/v1/users/{user_id}/role", true),
    ("GET", "/api/v1/access-log", true),
    ("GET", "/api/v1/statistics", true),
    ("GET", "/api/v1/cases/{case_id}/channels", true),
    (
        "GET",
        "/api/v1/cases/{case_id}/channels/{channel}/messages",
        true,
    ),
    (
        "POST",
        "/api/v1/cases/{case_id}/channels/{channel}/messages",
        true,
    ),
    (
        "GET",
        "/api/v1/cases/{case_id}/channels/{channel}/documents",
        true,
    ),
    (
        "POST",
        "/api/v1/cases/{case_id}/channels/{channel}/documents",
        true,
    ),
    (
        "GET",
        "/api/v1/cases/{case_id}/channels/{channel}/documents/{document_id}",
        true,
    ),
    (
        "POST",
        "/api/v1/cases/{case_id}/channels/{channel}/documents/{document_id}/expand",
        true,
    ),
    ("GET", "/api/v1/cases/{case_id}/relays", true),
    ("POST", "/api/v1/cases/{case_id}/relays", true),
    (
        "POST",
        "/api/v1/cases/{case_id}/relays/{relay_id}/decision",
        true,
    ),
    ("GET", "/api/v1/transparency/key", false),
    ("GET", "/api/v1/verify/{verification_id}", false),
    ("GET", "/api/v1/cases/{case_id}/attestation", true),
    ("GET", "/api/v1/cases/{case_id}/settlement/drafts", true),
    ("POST", "/api/v1/cases/{case_id}/settlement/drafts", true),
    (
        "GET",
        "/api/v1/cases/{case_id}/settlement/drafts/{version}",
        true,
    ),
    ("GET", "/api/v1/cases/{case_id}/settlement/diff", true),
    ("POST", "/api/v1/cases/{case_id}/attestation", true),
    ("GET", "/api/v1/cases/{case_id}/enforcement-package", true),
    ("GET", "/api/v1/cases/{case_id}/export", true),
    (
        "GET",
        "/api/v1/cases/{case_id}/documents/settlement-agreement",
        true,
    ),
    ("GET", "/api/v1/cases/{case_id}/documents/{kind}", true),
    ("GET", "/api/v1/transparency/checkpoint", true),
    ("GET", "/api/v1/transparency/consistency", true),
    (
        "GET",
        "/api/v1/cases/{case_id}/events/{seq}/inclusion",
        true,
    ),
    ("GET", "/api/v1/cases/{case_id}/negotiations", true),
    (
        "GET",
        "/api/v1/cases/{case_id}/negotiations/{negotiation_id}",
        true,
    ),
    (
        "GET",
        "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/analysis",
        true,
    ),
    (
        "GET",
        "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/preferences/{party}",
        true,
    ),
    (
        "POST",
        "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/preferences/{party}",
        true,
    ),
    (
        "POST",
        "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/proposals/{proposal_id}/answers/{party}",
        true,
    ),
    ("GET", "/api/v1/cases/{case_id}/blind-biddings", true),
    (
        "GET",
        "/api/v1/cases/{case_id}/blind-biddings/{bidding_id}",
        true,
    ),
    (
        "POST",
        "/api/v1/cases/{case_id}/blind-biddings/{bidding_id}/figures/{party}",
        true,
    ),
];

/// Builds the API router.
pub fn api(state: AppState) -> Router {
    let protected = Router::new()
        .route("/api/v1/sessions/current", axum::routing::delete(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/users", get(list_users).post(create_user))
        .route("/api/v1/profiles", get(profiles))
        .route(
            "/api/v1/declarations",
            get(list_declarations).post(add_declaration),
        )
        .route("/api/v1/cases", get(list_cases).post(file_case))
        .route("/api/v1/cases/{case_id}", get(get_case))
        .route("/api/v1/cases/{case_id}/events", get(case_events))
        .route("/api/v1/cases/{case_id}/actions/{action}", post(act))
        .route("/api/v1/cases/{case_id}/reopen", post(reopen))
        .route(
            "/api/v1/cases/{case_id}/consent-requests/{country}",
            get(consent_request),
        )
        .route("/api/v1/sessions/reauth", post(reauth))
        .route("/api/v1/me/totp", post(enrol_totp))
        .route("/api/v1/me/totp/confirm", post(confirm_totp))
        .route("/api/v1/users/{user_id}/disable", post(disable_user))
        .route("/api/v1/users/{user_id}/enable", post(enable_user))
        .route("/api/v1/users/{user_id}/role", post(set_role))
        .route("/api/v1/access-log", get(access_log))
        .route("/api/v1/statistics", get(statistics))
        .route("/api/v1/cases/{case_id}/channels", get(channels))
        .route(
            "/api/v1/cases/{case_id}/channels/{channel}/messages",
            get(messages).post(post_message),
        )
        .route(
            "/api/v1/cases/{case_id}/channels/{channel}/documents",
            get(crate::filing_routes::list)
                .post(crate::filing_routes::upload)
                // The vault enforces its own size limit while the file streams.
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/api/v1/cases/{case_id}/channels/{channel}/documents/{document_id}",
            get(crate::filing_routes::download),
        )
        .route(
            "/api/v1/cases/{case_id}/channels/{channel}/documents/{document_id}/expand",
            post(crate::filing_routes::expand),
        )
        .route(
            "/api/v1/cases/{case_id}/relays",
            get(relays).post(propose_relay),
        )
        .route(
            "/api/v1/cases/{case_id}/relays/{relay_id}/decision",
            post(decide_relay),
        )
        .route(
            "/api/v1/cases/{case_id}/attestation",
            get(attestation).post(issue_attestation),
        )
        .route(
            "/api/v1/cases/{case_id}/settlement/drafts",
            get(drafts).post(put_draft),
        )
        .route(
            "/api/v1/cases/{case_id}/settlement/drafts/{version}",
            get(draft),
        )
        .route("/api/v1/cases/{case_id}/settlement/diff", get(draft_diff))
        .route(
            "/api/v1/cases/{case_id}/enforcement-package",
            get(enforcement_package),
        )
        .route(
            "/api/v1/cases/{case_id}/export",
            get(crate::export_routes::export),
        )
        .route(
            "/api/v1/cases/{case_id}/documents/settlement-agreement",
            get(agreement_pdf),
        )
        .route(
            "/api/v1/cases/{case_id}/documents/{kind}",
            get(case_document_pdf),
        )
        .route("/api/v1/transparency/checkpoint", get(checkpoint))
        .route("/api/v1/transparency/consistency", get(consistency))
        .route(
            "/api/v1/cases/{case_id}/events/{seq}/inclusion",
            get(inclusion),
        )
        .route("/api/v1/cases/{case_id}/negotiations", get(negotiations))
        .route(
            "/api/v1/cases/{case_id}/negotiations/{negotiation_id}",
            get(negotiation),
        )
        .route(
            "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/analysis",
            get(negotiation_analysis),
        )
        .route(
            "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/preferences/{party}",
            get(preferences).post(enter_preferences),
        )
        .route(
            "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/proposals/{proposal_id}/answers/{party}",
            post(answer_proposal),
        )
        .route("/api/v1/cases/{case_id}/blind-biddings", get(blind_biddings))
        .route(
            "/api/v1/cases/{case_id}/blind-biddings/{bidding_id}",
            get(blind_bidding),
        )
        .route(
            "/api/v1/cases/{case_id}/blind-biddings/{bidding_id}/figures/{party}",
            post(place_bid),
        )
        .layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::idempotency,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            require_session,
        ));
    Router::new()
        .route("/healthz", get(health))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/sessions", post(login))
        .route("/api/v1/transparency/key", get(log_key))
        .route("/api/v1/verify/{verification_id}", get(verify_publicly))
        .merge(crate::ui::pages())
        .merge(protected)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "route-not-found",
        "no such endpoint; see /api/v1/openapi.json",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "this endpoint does not accept this method; see /api/v1/openapi.json",
    )
}

async fn health(State(s): State<AppState>) -> Response {
    match s.accord.store().ping().await {
        Ok(()) => {
            Json(json!({"status": "ok", "storage": s.accord.store().backend()})).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage-unavailable",
                "the service cannot reach its storage",
            )
            .into_response()
        }
    }
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}

/// Sign-in request.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
    /// The current TOTP code, for accounts with a second factor.
    #[serde(default)]
    pub totp: Option<String>,
}

/// Re-authentication request.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReauthRequest {
    /// Password.
    pub password: String,
    /// The current TOTP code, for accounts with a second factor.
    #[serde(default)]
    pub totp: Option<String>,
}

/// A TOTP code.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    /// The 6-digit code.
    pub code: String,
}

/// A role change.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// The new institution-wide role.
    pub role: String,
}

/// Query of the access log.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessLogParams {
    /// Only this case.
    pub case_id: Option<String>,
}

pub(crate) fn session_cookie(s: &AppState, token: &str, max_age: i64) -> HeaderValue {
    let secure = if s.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("accord_session=; Path=/; Max-Age=0"))
}

async fn login(
    State(s): State<AppState>,
    headers: HeaderMap,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let session = s
        .accord
        .login(&Credentials {
            username: req.username,
            password: req.password,
            totp: req.totp,
            source: connect.map(|Extension(ConnectInfo(a))| a.ip().to_string()),
        })
        .await?;
    // Rotate: a session presented with the sign-in ends; the new one replaces it.
    if let Some((old, _)) = crate::session::token(&headers) {
        let _ = s.accord.logout(&old).await;
    }
    let cookie = session_cookie(&s, &session.token, 8 * 3600);
    let mut resp = (StatusCode::CREATED, Json(session)).into_response();
    resp.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(resp)
}

async fn logout(
    State(s): State<AppState>,
    headers: HeaderMap,
    Authed(_): Authed,
) -> Result<Response, ApiError> {
    if let Some((token, _)) = crate::session::token(&headers) {
        s.accord.logout(&token).await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&s, "", 0));
    Ok(resp)
}

async fn me(Authed(p): Authed) -> Json<UserView> {
    Json(p.user)
}

async fn list_users(
    State(s): State<AppState>,
    Authed(p): Authed,
) -> Result<Json<Vec<UserView>>, ApiError> {
    Ok(Json(s.accord.list_users(&p.actor).await?))
}

async fn create_user(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiJson(u): ApiJson<NewUser>,
) -> Result<Response, ApiError> {
    let user = s.accord.create_user(&p.actor, u).await?;
    Ok((StatusCode::CREATED, Json(user)).into_response())
}

async fn profiles(Authed(_): Authed) -> Json<Vec<Profile>> {
    Json(Profile::presets())
}

async fn list_declarations(
    State(s): State<AppState>,
    Authed(_): Authed,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.declarations().await?).into_response())
}

async fn add_declaration(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiJson(d): ApiJson<NewDeclaration>,
) -> Result<Response, ApiError> {
    let decl = s.accord.add_declaration(&p.actor, d).await?;
    Ok((StatusCode::CREATED, Json(decl)).into_response())
}

/// Query of the case list.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only cases in this state (such as `ACTIVE`).
    pub state: Option<String>,
    /// At most this many (1–500, default 100).
    pub limit: Option<i64>,
    /// Skip this many.
    pub offset: Option<i64>,
}

async fn list_cases(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Response, ApiError> {
    let list = s
        .accord
        .list_cases(
            &p.actor,
            q.state,
            q.limit.unwrap_or(100),
            q.offset.unwrap_or(0),
        )
        .await?;
    Ok(Json(list).into_response())
}

fn case_response(status: StatusCode, view: accord_app::views::CaseView) -> Response {
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

async fn get_case(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    let view = s.accord.case_view(&p.actor, &case_id).await?;
    Ok(case_response(StatusCode::OK, view))
}

async fn case_events(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.timeline(&p.actor, &case_id).await?).into_response())
}

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

async fn reauth(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiJson(r): ApiJson<ReauthRequest>,
) -> Result<Response, ApiError> {
    s.accord.reauthenticate(&p, &r.password, r.totp).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn enrol_totp(State(s): State<AppState>, Authed(p): Authed) -> Result<Response, ApiError> {
    Ok((StatusCode::CREATED, Json(s.accord.enrol_totp(&p).await?)).into_response())
}

async fn confirm_totp(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiJson(c): ApiJson<TotpCode>,
) -> Result<Response, ApiError> {
    s.accord.confirm_totp(&p, &c.code).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn disable_user(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    s.accord.set_user_disabled(&p.actor, &user_id, true).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn enable_user(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    s.accord
        .set_user_disabled(&p.actor, &user_id, false)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn set_role(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(user_id): Path<String>,
    ApiJson(r): ApiJson<RoleChange>,
) -> Result<Response, ApiError> {
    s.accord.set_user_role(&p.actor, &user_id, &r.role).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn access_log(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiQuery(q): ApiQuery<AccessLogParams>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.access_log(&p.actor, q.case_id.as_deref()).await?).into_response())
}

async fn statistics(State(s): State<AppState>, Authed(p): Authed) -> Result<Response, ApiError> {
    Ok(Json(s.accord.statistics(&p.actor).await?).into_response())
}

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
    Path((case_id, channel)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.messages(&p.actor, &case_id, &channel).await?).into_response())
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

/// Query of a consistency proof.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyParams {
    /// The older tree size (from a checkpoint you hold).
    pub from: u64,
    /// The newer size (default: the log's current size).
    pub to: Option<u64>,
}

/// Query of an inclusion proof.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InclusionParams {
    /// The tree size to prove against (default: the log's current size).
    pub size: Option<u64>,
}

/// Query of the public verification.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyParams {
    /// SHA-256 of the document to check (64 hex digits).
    pub sha256: String,
}

async fn verify_publicly(
    State(s): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<VerifyParams>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.verify_publicly(&id, &q.sha256).await?).into_response())
}

/// Query of a rendered document.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentParams {
    /// The language version (`en`, `zh-Hans`, `zh-Hant`, `fr`, `ar`, `ru`, `es`).
    pub language: String,
}

/// The PDF renderer, with the system's fonts found once.
pub(crate) fn renderer() -> &'static accord_documents::Renderer {
    static R: std::sync::OnceLock<accord_documents::Renderer> = std::sync::OnceLock::new();
    R.get_or_init(|| accord_documents::Renderer::new(&[]))
}

/// Renders the frozen agreement in one language.
async fn render_agreement(
    s: &AppState,
    actor: &accord_domain::Actor,
    case_id: &str,
    language: &str,
) -> Result<(String, Vec<u8>), ApiError> {
    let a = s
        .accord
        .agreement_document(actor, case_id, language)
        .await?;
    let data = accord_documents::DocumentData {
        kind: "settlement-agreement".into(),
        language: language.to_owned(),
        reference: a.reference.clone(),
        date: a.date,
        parties: a.parties,
        paragraphs: a.paragraphs,
        signatures: a
            .signatures
            .into_iter()
            .map(|(name, capacity, at)| accord_documents::SignatureLine {
                name,
                capacity,
                signed_at: Some(at),
            })
            .collect(),
        content_hash: a.text_hash,
        facts: a.facts,
        sections: a
            .obligations
            .into_iter()
            .map(|facts| accord_documents::Section {
                facts,
                notes: vec![],
            })
            .collect(),
        clauses: a.clauses,
        steps: vec![],
    };
    Ok((a.reference, render_pdf(data).await?))
}

/// Lays a document out in a worker thread (Typst is CPU-bound).
async fn render_pdf(data: accord_documents::DocumentData) -> Result<Vec<u8>, ApiError> {
    tokio::task::spawn_blocking(move || renderer().render(&data))
        .await
        .map_err(|e| ApiError::from(accord_app::AppError::Storage(e.to_string())))?
        .map_err(|e| match e {
            accord_documents::DocumentError::Unsupported(m) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unsupported-document", m)
            }
            other => ApiError::from(accord_app::AppError::Storage(other.to_string())),
        })
}

/// Renders a case document (its facts from the application) in one language.
async fn render_case_document(
    s: &AppState,
    actor: &accord_domain::Actor,
    case_id: &str,
    kind: &str,
    language: &str,
) -> Result<(String, Vec<u8>), ApiError> {
    let d = s.accord.case_document(actor, case_id, kind).await?;
    let content_hash = d.content_hash()?;
    let data = accord_documents::DocumentData {
        kind: d.kind,
        language: language.to_owned(),
        reference: d.reference.clone(),
        date: d.date,
        parties: d.parties,
        paragraphs: vec![],
        facts: d.facts,
        sections: d
            .sections
            .into_iter()
            .map(|s| accord_documents::Section {
                facts: s.facts,
                notes: s.notes,
            })
            .collect(),
        steps: d.steps,
        clauses: vec![],
        signatures: d
            .signatures
            .into_iter()
            .map(|s| accord_documents::SignatureLine {
                name: s.name,
                capacity: s.capacity,
                signed_at: Some(s.signed_at),
            })
            .collect(),
        content_hash,
    };
    Ok((d.reference, render_pdf(data).await?))
}

fn pdf_response(pdf: Vec<u8>, file_name: &str) -> Response {
    let mut resp = pdf.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

async fn case_document_pdf(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, kind)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<DocumentParams>,
) -> Result<Response, ApiError> {
    let (reference, pdf) = render_case_document(&s, &p.actor, &case_id, &kind, &q.language).await?;
    Ok(pdf_response(
        pdf,
        &format!("{kind}-{reference}-{}.pdf", q.language),
    ))
}

async fn agreement_pdf(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
    ApiQuery(q): ApiQuery<DocumentParams>,
) -> Result<Response, ApiError> {
    let (reference, pdf) = render_agreement(&s, &p.actor, &case_id, &q.language).await?;
    Ok(pdf_response(
        pdf,
        &format!("settlement-agreement-{reference}-{}.pdf", q.language),
    ))
}

async fn enforcement_package(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    let (files, meta) = s
        .accord
        .enforcement_package_files(&p.actor, &case_id)
        .await?;
    // The agreement as PDF/A in every language version, beside its canonical text.
    let mut files = files;
    let languages: Vec<String> = files
        .iter()
        .filter_map(|(n, _)| {
            n.strip_prefix("agreement/text-")
                .and_then(|l| l.strip_suffix(".txt"))
                .map(str::to_owned)
        })
        .collect();
    // The mediator's certificate (D21) as its record and in each language of the agreement, the
    // attestation (D22) likewise, and the record of termination (D23).
    let certificate = s
        .accord
        .case_document(&p.actor, &case_id, "certificate-of-mediation")
        .await?;
    files.push((
        "certificate/certificate-of-mediation.json".into(),
        certificate.record()?.into_bytes(),
    ));
    for lang in languages {
        let (_, pdf) = render_agreement(&s, &p.actor, &case_id, &lang).await?;
        files.push((format!("agreement/agreement-{lang}.pdf"), pdf));
        for (kind, folder) in [
            ("certificate-of-mediation", "certificate"),
            ("attestation", "attestation"),
            ("termination-record", "termination"),
        ] {
            let (_, pdf) = render_case_document(&s, &p.actor, &case_id, kind, &lang).await?;
            files.push((format!("{folder}/{kind}-{lang}.pdf"), pdf));
        }
    }
    let key = s.accord.institution_key().await?;
    let files = files
        .into_iter()
        .map(|(name, bytes)| accord_package::PackageFile { name, bytes })
        .collect();
    let zip = accord_package::build(files, &meta, &key)
        .map_err(|e| ApiError::from(accord_app::AppError::Storage(format!("package: {e}"))))?;
    let name = format!(
        "attachment; filename=\"enforcement-package-{}.zip\"",
        meta["case_reference"].as_str().unwrap_or("case")
    );
    let mut resp = zip.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(v) = HeaderValue::from_str(&name) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

async fn attestation(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.attestation(&p.actor, &case_id).await?).into_response())
}

async fn issue_attestation(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.issue_attestation(&p.actor, &case_id).await?).into_response())
}

/// Query of a draft comparison.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffParams {
    /// The older version.
    pub from: i64,
    /// The newer version.
    pub to: i64,
}

async fn drafts(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.drafts(&p.actor, &case_id).await?).into_response())
}

async fn put_draft(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
    ApiJson(d): ApiJson<accord_domain::settlement::SettlementDraft>,
) -> Result<Response, ApiError> {
    let v = s.accord.put_draft(&p.actor, &case_id, d).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn draft(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let version: i64 = version
        .parse()
        .map_err(|_| accord_app::AppError::NotFound { what: "draft" })?;
    Ok(Json(s.accord.draft(&p.actor, &case_id, version).await?).into_response())
}

async fn draft_diff(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
    ApiQuery(q): ApiQuery<DiffParams>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.accord
            .draft_diff(&p.actor, &case_id, q.from, q.to)
            .await?,
    )
    .into_response())
}

async fn log_key(State(s): State<AppState>) -> Result<Response, ApiError> {
    Ok(Json(s.accord.log_key().await?).into_response())
}

async fn checkpoint(State(s): State<AppState>, Authed(p): Authed) -> Result<Response, ApiError> {
    Ok(Json(s.accord.checkpoint(&p.actor).await?).into_response())
}

async fn consistency(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiQuery(q): ApiQuery<ConsistencyParams>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.consistency_proof(&p.actor, q.from, q.to).await?).into_response())
}

async fn inclusion(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, seq)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<InclusionParams>,
) -> Result<Response, ApiError> {
    // A malformed position answers like a missing event.
    let seq: i64 = seq
        .parse()
        .map_err(|_| accord_app::AppError::NotFound { what: "event" })?;
    Ok(Json(
        s.accord
            .inclusion_proof(&p.actor, &case_id, seq, q.size)
            .await?,
    )
    .into_response())
}

async fn negotiations(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.negotiations(&p.actor, &case_id).await?).into_response())
}

async fn negotiation(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, n)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.negotiation(&p.actor, &case_id, &n).await?).into_response())
}

async fn negotiation_analysis(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, n)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.analysis(&p.actor, &case_id, &n).await?).into_response())
}

async fn preferences(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, n, party)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.preferences(&p.actor, &case_id, &n, &party).await?).into_response())
}

async fn enter_preferences(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, n, party)): Path<(String, String, String)>,
    ApiJson(prefs): ApiJson<Preferences>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.accord
            .enter_preferences(&p.actor, &case_id, &n, &party, prefs)
            .await?,
    )
    .into_response())
}

async fn answer_proposal(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, n, proposal, party)): Path<(String, String, String, String)>,
    ApiJson(a): ApiJson<AnswerInput>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.accord
            .answer_proposal(&p.actor, &case_id, &n, &proposal, &party, a)
            .await?,
    )
    .into_response())
}

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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// Every path given to the router (read from this file's source) is in [`super::ROUTES`] or
    /// [`crate::PAGES`], and
    /// every listed path is routed: a route added without an inventory entry — and so without an
    /// entry in the authorization matrix — fails here.
    #[test]
    fn the_route_inventory_matches_the_router() {
        let src = include_str!("routes.rs");
        let body = src.split("pub fn api(").nth(1).unwrap_or_default();
        let body = body.split("\nasync fn ").next().unwrap_or_default();
        let mut routed = BTreeSet::new();
        let pages = include_str!("ui/mod.rs");
        let pages = pages.split("pub fn pages(").nth(1).unwrap_or_default();
        for piece in body
            .split(".route(")
            .skip(1)
            .chain(pages.split(".route(").skip(1))
        {
            let path = piece.trim_start().trim_start_matches('"');
            let path = path.split('"').next().unwrap_or_default();
            routed.insert(path.to_owned());
        }
        let listed: BTreeSet<String> = super::ROUTES
            .iter()
            .chain(crate::PAGES)
            .map(|(_, p, _)| (*p).to_owned())
            .collect();
        assert!(routed.len() > 20, "{routed:?}");
        assert_eq!(routed, listed);
    }
}
