//! Signing in (password and second factor), signing out, enrolling the second factor, and the
//! account's preferences (language and time zone, remembered per user).

use std::net::SocketAddr;

use accord_app::AppError;
use accord_app::accounts::Credentials;
use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;

use super::frame::{LANGUAGE_NAMES, PageFrame, html, local_path, see_other, t, visitor_language};
use super::respond::forged_form;
use super::viewer::{CheckedForm, Viewer};
use crate::AppState;

/// The language asked for in the query (`?lang=`).
#[derive(Debug, Deserialize, Default)]
pub struct LangQuery {
    /// A language tag.
    pub lang: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: PageFrame,
    username: String,
    error: Option<String>,
    code_error: Option<String>,
}

/// `GET /login`: the empty sign-in form, in the language of `?lang=` or else the browser's.
pub async fn login_page(
    headers: HeaderMap,
    query: Result<Query<LangQuery>, QueryRejection>,
) -> Response {
    let given = query.as_ref().ok().and_then(|q| q.lang.as_deref());
    let lang = visitor_language(given, &headers);
    html(
        StatusCode::OK,
        &LoginPage {
            page: PageFrame::public(lang, "login-title", "/login"),
            username: String::new(),
            error: None,
            code_error: None,
        },
    )
}

/// The sign-in form.
#[derive(Debug, Deserialize, Default)]
pub struct LoginForm {
    /// Page language.
    #[serde(default)]
    pub lang: Option<String>,
    /// User name.
    #[serde(default)]
    pub username: String,
    /// The password as typed; never put back into the page when sign-in fails.
    #[serde(default)]
    pub password: String,
    /// The authenticator's code, when enrolled.
    #[serde(default)]
    pub code: String,
}

/// `POST /login`: signs in and sets the session cookie, or shows why not.
pub async fn login_submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let f = form.map(|Form(f)| f).unwrap_or_default();
    let lang = visitor_language(f.lang.as_deref(), &headers);
    // A sign-in form posted from another site is refused (login CSRF).
    if crate::session::cross_site(&headers) {
        return forged_form(lang);
    }
    let code = f.code.trim();
    let outcome = s
        .accord
        .login(&Credentials {
            username: f.username.trim().to_owned(),
            password: f.password,
            totp: (!code.is_empty()).then(|| code.to_owned()),
            source: connect.map(|Extension(ConnectInfo(a))| a.ip().to_string()),
        })
        .await;
    let mut page = LoginPage {
        page: PageFrame::public(lang, "login-title", "/login"),
        username: f.username.trim().chars().take(100).collect(),
        error: None,
        code_error: None,
    };
    match outcome {
        Ok(session) => {
            if let Some((old, _)) = crate::session::token(&headers) {
                let _ = s.accord.logout(&old).await;
            }
            // A first sign-in is asked its time zone before anything else is shown in one.
            let mut r = see_other(if session.second_factor_enrolment_required {
                "/account/second-factor"
            } else if session.user.time_zone.is_none() {
                "/account/time-zone"
            } else {
                "/"
            });
            r.headers_mut().insert(
                header::SET_COOKIE,
                crate::api::sessions::session_cookie(&s, &session.token, 8 * 3600),
            );
            r
        }
        Err(AppError::SecondFactorRequired) => {
            page.code_error = Some(t(lang, "login-error-code", &[]));
            html(StatusCode::UNAUTHORIZED, &page)
        }
        Err(AppError::TooManyAttempts {
            retry_after_seconds,
        }) => {
            let minutes = (retry_after_seconds.max(60) / 60).to_string();
            page.error = Some(t(lang, "login-error-throttled", &[("minutes", &minutes)]));
            html(StatusCode::TOO_MANY_REQUESTS, &page)
        }
        Err(AppError::Storage(_)) => {
            page.error = Some(t(lang, "web-error-unavailable", &[]));
            html(StatusCode::SERVICE_UNAVAILABLE, &page)
        }
        Err(_) => {
            page.error = Some(t(lang, "login-error-credentials", &[]));
            html(StatusCode::UNAUTHORIZED, &page)
        }
    }
}

/// `POST /logout`: ends the session and clears the cookie.
pub async fn logout(
    State(s): State<AppState>,
    headers: HeaderMap,
    CheckedForm(_, _): CheckedForm<Vec<(String, String)>>,
) -> Response {
    if let Some((token, _)) = crate::session::token(&headers) {
        let _ = s.accord.logout(&token).await;
    }
    let mut r = see_other("/login");
    r.headers_mut().insert(
        header::SET_COOKIE,
        crate::api::sessions::session_cookie(&s, "", 0),
    );
    r
}

/// One of the user's sessions on the account page.
struct SessionRow {
    id: String,
    started: String,
    ends: String,
    current: bool,
}

/// The viewer's live sessions, as the account page lists them.
async fn session_rows(s: &AppState, viewer: &Viewer) -> Result<Vec<SessionRow>, AppError> {
    Ok(s.accord
        .my_sessions(&viewer.principal)
        .await?
        .into_iter()
        .map(|v| SessionRow {
            started: viewer.when_ms(v.created_at_ms),
            ends: viewer.when_ms(v.absolute_expires_at_ms),
            id: v.id,
            current: v.current,
        })
        .collect())
}

/// A language offered on the account page.
struct LanguageChoice {
    code: &'static str,
    name: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: PageFrame,
    username: String,
    password_error: Option<String>,
    sessions: Vec<SessionRow>,
    role: String,
    languages: Vec<LanguageChoice>,
    time_zone: String,
    zone_error: Option<String>,
    second_factor_on: bool,
    example_time: String,
    zones: &'static [String],
}

/// The time zones the system knows (IANA names, sorted), offered as suggestions; read from the
/// tz database once per process.
#[derive(Template)]
#[template(path = "time_zone.html")]
struct TimeZonePage {
    page: PageFrame,
    /// Every zone: (IANA name, the name as people read it with its offset now).
    zones: Vec<(String, String)>,
}

/// `GET /account/time-zone`: asked at first sign-in — the zone every time is shown in, the
/// browser's own suggested where scripts run; UTC until one is chosen.
pub async fn time_zone_page(viewer: Viewer) -> Response {
    let now = jiff::Timestamp::now();
    let zones = std::iter::once("UTC".to_owned())
        .chain(known_zones().iter().cloned())
        .map(|z| {
            let offset = jiff::tz::TimeZone::get(&z)
                .map(|tz| tz.to_offset(now).to_string())
                .unwrap_or_default();
            let label = format!("{} (UTC{offset})", z.replace('_', " "));
            (z, label)
        })
        .collect();
    html(
        StatusCode::OK,
        &TimeZonePage {
            page: viewer
                .frame("time-zone-title", "/account")
                .at("/account/time-zone"),
            zones,
        },
    )
}

fn known_zones() -> &'static [String] {
    static ZONES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    ZONES.get_or_init(read_zones)
}

fn read_zones() -> Vec<String> {
    let mut z: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .filter(|n| {
            n.contains('/')
                && !n.starts_with("Etc/")
                && !n.starts_with("posix/")
                && !n.starts_with("right/")
        })
        .collect();
    z.sort();
    z.dedup();
    z
}

fn account_page_for(viewer: &Viewer, zone: &str) -> AccountPage {
    let u = &viewer.principal.user;
    let chosen = u.language.as_deref().unwrap_or(viewer.lang);
    AccountPage {
        page: viewer.frame("account-title", "/account"),
        username: u.username.clone(),
        password_error: None,
        sessions: vec![],
        role: viewer.t(&format!("role-{}", u.role)),
        languages: LANGUAGE_NAMES
            .iter()
            .map(|(code, name)| LanguageChoice {
                code,
                name,
                selected: *code == chosen,
            })
            .collect(),
        time_zone: zone.to_owned(),
        zone_error: None,
        second_factor_on: viewer.principal.user.second_factor,
        example_time: String::new(),
        zones: known_zones(),
    }
}

/// What `?done=` may name after a step on the account page.
#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    /// `password` or `session-ended`.
    pub done: Option<String>,
}

/// The account page with its sessions listed, answered with `status`.
async fn full_account_page(
    s: &AppState,
    viewer: &Viewer,
    zone: &str,
    shape: impl FnOnce(&mut AccountPage),
    status: StatusCode,
) -> Response {
    let mut page = account_page_for(viewer, zone);
    page.example_time = viewer.when_ms(s.accord.now_ms());
    page.sessions = match session_rows(s, viewer).await {
        Ok(rows) => rows,
        Err(e) => return super::respond::error_page(viewer, e),
    };
    shape(&mut page);
    html(status, &page)
}

/// `GET /account`: language, time zone, second factor, password, sessions.
pub async fn account_page(
    State(s): State<AppState>,
    viewer: Viewer,
    query: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let zone = viewer.time_zone.clone().unwrap_or_else(|| "UTC".to_owned());
    let done = query.ok().and_then(|Query(q)| q.done);
    let notice = match done.as_deref() {
        Some("password") => Some(viewer.t("account-password-changed")),
        Some("session-ended") => Some(viewer.t("account-session-ended")),
        _ => None,
    };
    full_account_page(
        &s,
        &viewer,
        &zone,
        |p| p.page.notice = notice,
        StatusCode::OK,
    )
    .await
}

/// The password-change form.
#[derive(Debug, Deserialize, Default)]
pub struct PasswordForm {
    /// The present password.
    #[serde(default)]
    pub current_password: String,
    /// The new one.
    #[serde(default)]
    pub new_password: String,
    /// The authenticator's code, when enrolled.
    #[serde(default)]
    pub code: String,
}

/// `POST /account/password`: changes the password; the other sessions end.
pub async fn password_submit(
    State(s): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    CheckedForm(viewer, f): CheckedForm<PasswordForm>,
) -> Response {
    let source = connect.map(|Extension(ConnectInfo(a))| a.ip().to_string());
    let code = f.code.trim();
    let outcome = s
        .accord
        .change_password(
            &viewer.principal,
            &f.current_password,
            &f.new_password,
            (!code.is_empty()).then(|| code.to_owned()),
            source.as_deref(),
        )
        .await;
    let (status, message) = match outcome {
        Ok(()) => return see_other("/account?done=password"),
        Err(AppError::Storage(m)) => {
            return super::respond::error_page(&viewer, AppError::Storage(m));
        }
        Err(AppError::TooManyAttempts {
            retry_after_seconds,
        }) => {
            let minutes = (retry_after_seconds.max(60) / 60).to_string();
            (
                StatusCode::TOO_MANY_REQUESTS,
                viewer.ta("login-error-throttled", &[("minutes", &minutes)]),
            )
        }
        Err(AppError::Invalid {
            code: "weak-password",
            ..
        }) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            viewer.t("account-password-error-weak"),
        ),
        Err(_) => (StatusCode::UNAUTHORIZED, viewer.t("account-password-error")),
    };
    let zone = viewer.time_zone.clone().unwrap_or_else(|| "UTC".to_owned());
    full_account_page(
        &s,
        &viewer,
        &zone,
        |p| p.password_error = Some(message),
        status,
    )
    .await
}

/// `POST /account/sessions/{session_id}/end`: ends one of the user's sessions (ending this one
/// signs out).
pub async fn end_session_submit(
    State(s): State<AppState>,
    Path(session_id): Path<String>,
    CheckedForm(viewer, _): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let this = accord_app::sessions::session_id(&viewer.principal.token_hash) == session_id;
    match s
        .accord
        .end_my_session(&viewer.principal, &session_id)
        .await
    {
        Ok(()) if this => {
            let mut r = see_other("/login");
            r.headers_mut().insert(
                header::SET_COOKIE,
                crate::api::sessions::session_cookie(&s, "", 0),
            );
            r
        }
        Ok(()) => see_other("/account?done=session-ended"),
        Err(e) => super::respond::error_page(&viewer, e),
    }
}

#[derive(Template)]
#[template(path = "reset_password.html")]
struct ResetPage {
    page: PageFrame,
    token: String,
    error: Option<String>,
}

/// The reset link's query.
#[derive(Debug, Deserialize, Default)]
pub struct ResetQuery {
    /// A language tag.
    pub lang: Option<String>,
    /// The link's token.
    pub token: Option<String>,
}

/// Keeps only what a token can be (hex digits), so nothing else is put back into the page.
fn clean_token(token: &str) -> String {
    token
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(64)
        .collect()
}

/// `GET /reset-password?token=…`: the form to choose a new password with a reset link.
pub async fn reset_page(
    headers: HeaderMap,
    query: Result<Query<ResetQuery>, QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let lang = visitor_language(q.lang.as_deref(), &headers);
    html(
        StatusCode::OK,
        &ResetPage {
            page: PageFrame::public(lang, "reset-title", "/reset-password"),
            token: clean_token(q.token.as_deref().unwrap_or_default()),
            error: None,
        },
    )
}

/// The reset form.
#[derive(Debug, Deserialize, Default)]
pub struct ResetForm {
    /// Page language.
    #[serde(default)]
    pub lang: Option<String>,
    /// The link's token.
    #[serde(default)]
    pub token: String,
    /// The new password.
    #[serde(default)]
    pub new_password: String,
}

/// `POST /reset-password`: sets the new password (every session of the account ends), then
/// the sign-in page.
pub async fn reset_submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<ResetForm>, FormRejection>,
) -> Response {
    let f = form.map(|Form(f)| f).unwrap_or_default();
    let lang = visitor_language(f.lang.as_deref(), &headers);
    if crate::session::cross_site(&headers) {
        return forged_form(lang);
    }
    let (status, id) = match s.accord.reset_password(&f.token, &f.new_password).await {
        Ok(()) => return see_other("/login"),
        Err(AppError::Storage(_)) => (StatusCode::SERVICE_UNAVAILABLE, "web-error-unavailable"),
        Err(AppError::Invalid {
            code: "weak-password",
            ..
        }) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "account-password-error-weak",
        ),
        Err(_) => (StatusCode::UNPROCESSABLE_ENTITY, "reset-error"),
    };
    html(
        status,
        &ResetPage {
            page: PageFrame::public(lang, "reset-title", "/reset-password"),
            token: clean_token(&f.token),
            error: Some(t(lang, id, &[])),
        },
    )
}

/// What the account page and the header's language switch post to `POST /account`.
#[derive(Debug, Deserialize, Default)]
pub struct PreferencesForm {
    /// Language tag.
    #[serde(default)]
    pub language: String,
    /// IANA time zone (empty: keep the current one).
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Where to go back to (a path on this site).
    #[serde(default)]
    pub back: Option<String>,
}

/// `POST /account`: stores the language (and time zone); the header's language switch posts
/// here too, with `back` set to the page it came from.
pub async fn account_submit(
    State(s): State<AppState>,
    CheckedForm(viewer, f): CheckedForm<PreferencesForm>,
) -> Response {
    let language = accord_i18n::supported_for_tag(&f.language).unwrap_or(viewer.lang);
    let zone = match f.time_zone.as_deref().map(str::trim) {
        None | Some("") => viewer.time_zone.clone(),
        Some(z) => Some(z.to_owned()),
    };
    match s
        .accord
        .set_preferences(&viewer.principal, Some(language), zone.as_deref())
        .await
    {
        Ok(()) => {
            // Back only to a path on this site (never an absolute URL: no open redirect).
            let back = f.back.as_deref().and_then(local_path).unwrap_or("/account");
            see_other(back)
        }
        Err(AppError::Invalid {
            code: "unknown-time-zone",
            ..
        }) => {
            let message = viewer.t("account-error-zone");
            full_account_page(
                &s,
                &viewer,
                zone.as_deref().unwrap_or_default(),
                |p| p.zone_error = Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => super::respond::error_page(&viewer, e),
    }
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct SecondFactorPage {
    page: PageFrame,
    secret: String,
    otpauth_url: String,
    qr_svg: String,
    error: Option<String>,
}

/// The enrolment URL as an SVG QR code for an authenticator app to scan (empty if it cannot be
/// encoded). Drawn with presentation attributes only, so the page's CSP holds.
fn qr_svg(otpauth_url: &str) -> String {
    match qrcode::QrCode::new(otpauth_url.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build()
            .split_once("<svg")
            .map(|(_, rest)| format!("<svg aria-hidden=\"true\"{rest}"))
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_enrolment_qr_code_is_plain_svg_the_policy_allows() {
        let svg =
            super::qr_svg("otpauth://totp/Accord:amina?secret=JBSWY3DPEHPK3PXP&issuer=Accord");
        assert!(svg.starts_with("<svg aria-hidden=\"true\""), "{svg:.80}");
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("style") && !svg.contains("<script") && !svg.contains("<?xml"));
        assert!(
            svg.contains("<path") || svg.contains("<rect"),
            "it draws the modules"
        );
    }
}

/// `GET /account/second-factor`: a new secret to enter in an authenticator app.
pub async fn second_factor_page(State(s): State<AppState>, viewer: Viewer) -> Response {
    // Set up once: an account whose second factor is confirmed goes back to its page. Anyone
    // else may set one up, whether or not the role requires it.
    if viewer.principal.user.second_factor {
        return see_other("/account");
    }
    match s.accord.enrol_totp(&viewer.principal).await {
        Ok(e) => html(
            StatusCode::OK,
            &SecondFactorPage {
                page: viewer.frame("second-factor-title", "/account"),
                secret: e.secret,
                qr_svg: qr_svg(&e.otpauth_url),
                otpauth_url: e.otpauth_url,
                error: None,
            },
        ),
        Err(e) => super::respond::error_page(&viewer, e),
    }
}

/// The enrolment confirmation form.
#[derive(Debug, Deserialize, Default)]
pub struct ConfirmForm {
    /// The code the app shows.
    #[serde(default)]
    pub code: String,
    /// The secret shown (re-displayed if the code is wrong).
    #[serde(default)]
    pub secret: String,
}

/// `POST /account/second-factor`: confirms the enrolment with a current code.
pub async fn second_factor_submit(
    State(s): State<AppState>,
    CheckedForm(viewer, f): CheckedForm<ConfirmForm>,
) -> Response {
    match s
        .accord
        .confirm_totp(&viewer.principal, f.code.trim())
        .await
    {
        // A first sign-in goes on to choose its time zone.
        Ok(()) if viewer.time_zone.is_none() => see_other("/account/time-zone"),
        Ok(()) => see_other("/"),
        Err(AppError::Storage(_)) => {
            super::respond::error_page(&viewer, AppError::Storage(String::new()))
        }
        Err(_) => html(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SecondFactorPage {
                page: viewer.frame("second-factor-title", "/account"),
                secret: f.secret.chars().take(64).collect(),
                otpauth_url: String::new(),
                qr_svg: String::new(),
                error: Some(viewer.t("second-factor-error")),
            },
        ),
    }
}
