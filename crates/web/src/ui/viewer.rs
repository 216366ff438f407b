//! The signed-in person behind a page request, and the checks on the forms they send.

use accord_app::accounts::Principal;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::frame::{NavLink, PageFrame, see_other, t};
use crate::AppState;

/// A signed-in viewer of pages: the principal, the page language and the time zone.
pub struct Viewer {
    /// The principal (actor, user, CSRF token).
    pub principal: Principal,
    /// The page language: the user's choice, else the browser's.
    pub lang: &'static str,
    /// The time zone for dates and times (IANA name; UTC when not chosen).
    pub time_zone: Option<String>,
}

/// Why a page cannot be shown to the requester.
pub enum NoViewer {
    /// Not signed in (or the session ended): to the sign-in page.
    SignIn,
    /// The second factor must be enrolled first.
    Enrol,
    /// The service cannot check the session now.
    Unavailable,
}

impl IntoResponse for NoViewer {
    fn into_response(self) -> Response {
        match self {
            NoViewer::SignIn => see_other("/login"),
            NoViewer::Enrol => see_other("/account/second-factor"),
            NoViewer::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the service cannot check your session now; try again shortly",
            )
                .into_response(),
        }
    }
}

/// Pages a session owing a second factor may still open.
const ENROLMENT_PAGES: &[&str] = &["/account/second-factor", "/logout"];

impl FromRequestParts<AppState> for Viewer {
    type Rejection = NoViewer;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, NoViewer> {
        // Pages read the cookie only: a bearer token belongs to API clients.
        let token = crate::session::token(&parts.headers)
            .filter(|(_, source)| *source == crate::session::TokenSource::Cookie)
            .map(|(t, _)| t)
            .ok_or(NoViewer::SignIn)?;
        let principal = match s.accord.authenticate(&token).await {
            Ok(p) => p,
            Err(accord_app::AppError::Storage(_)) => return Err(NoViewer::Unavailable),
            Err(_) => return Err(NoViewer::SignIn),
        };
        if principal.second_factor_pending && !ENROLMENT_PAGES.contains(&parts.uri.path()) {
            return Err(NoViewer::Enrol);
        }
        let lang = principal
            .user
            .language
            .as_deref()
            .and_then(accord_i18n::supported_for_tag)
            .unwrap_or_else(|| super::frame::visitor_language(None, &parts.headers));
        let time_zone = principal.user.time_zone.clone();
        Ok(Viewer {
            principal,
            lang,
            time_zone,
        })
    }
}

impl Viewer {
    /// The frame of a signed-in page, its navigation marked at `section`.
    pub fn frame(&self, title_id: &str, section: &str) -> PageFrame {
        let lang = self.lang;
        let mut f = PageFrame::public(lang, title_id, section);
        f.user = Some(self.principal.user.display_name.clone());
        f.csrf = self.principal.csrf_token.clone();
        let mut nav = vec![("/", "web-nav-cases")];
        if accord_domain::policy::can_file_request(&self.principal.actor) {
            nav.push(("/cases/new", "web-nav-file"));
        }
        nav.push(("/account", "web-nav-account"));
        nav.push(("/verify", "web-nav-verify"));
        f.nav = nav
            .into_iter()
            .map(|(href, id)| NavLink {
                href: href.to_owned(),
                label: t(lang, id, &[]),
                current: href == section,
            })
            .collect();
        f
    }

    /// A message in the viewer's language.
    pub fn t(&self, id: &str) -> String {
        t(self.lang, id, &[])
    }

    /// A message with arguments in the viewer's language.
    pub fn ta(&self, id: &str, args: &[(&str, &str)]) -> String {
        t(self.lang, id, args)
    }

    /// An instant as date and time in the viewer's language and zone.
    pub fn when_ms(&self, ms: i64) -> String {
        accord_i18n::format::date_time(self.lang, ms, self.time_zone.as_deref())
    }

    /// An RFC 3339 instant as date and time in the viewer's language and zone (as given when it
    /// does not parse).
    pub fn when(&self, rfc3339: &str) -> String {
        match rfc3339.parse::<jiff::Timestamp>() {
            Ok(ts) => self.when_ms(ts.as_millisecond()),
            Err(_) => rfc3339.to_owned(),
        }
    }

    /// The fields of a submitted form, once it is shown to come from this site with this
    /// session's CSRF token; otherwise the refusal to answer with (nothing in the form is used).
    pub fn genuine_form(
        &self,
        headers: &HeaderMap,
        form: Result<axum::Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
    ) -> Result<Vec<(String, String)>, Box<Response>> {
        let sent = form.map(|axum::Form(v)| v).unwrap_or_default();
        if self.form_is_genuine(headers, field(&sent, "csrf")) {
            Ok(sent)
        } else {
            Err(Box::new(forged_form(self.lang)))
        }
    }

    /// A form from this site with this session's CSRF token? Checked before anything in the form
    /// is used.
    pub fn form_is_genuine(&self, headers: &HeaderMap, sent_token: &str) -> bool {
        !crate::session::cross_site(headers)
            && !self.principal.csrf_token.is_empty()
            && crate::session::constant_time_eq(
                sent_token.as_bytes(),
                self.principal.csrf_token.as_bytes(),
            )
    }
}

/// A field of a submitted form (name–value pairs as sent), trimmed; empty when absent.
pub fn field<'a>(sent: &'a [(String, String)], name: &str) -> &'a str {
    sent.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// The answer to a form that fails the CSRF or origin check: nothing was done.
pub fn forged_form(lang: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        t(lang, "web-error-forged-form", &[]),
    )
        .into_response()
}
