//! The signed-in person behind a page request, and the checks on the forms they send.

use std::collections::BTreeMap;

use accord_app::accounts::Principal;
use axum::extract::{FromRequest, FromRequestParts, RawForm, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::frame::{NavLink, PageFrame, see_other, t};
use super::respond::forged_form;
use crate::AppState;

/// A signed-in viewer of pages: the principal, the page language and the time zone.
pub struct Viewer {
    /// The principal (actor, user, CSRF token).
    pub principal: Principal,
    /// The page language: the user's choice, else the browser's.
    pub lang: &'static str,
    /// The time zone for dates and times (IANA name; UTC when not chosen).
    pub time_zone: Option<String>,
    /// Notifications not yet read (shown in the navigation).
    pub unread: i64,
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
        // A count that cannot be read now is shown as none rather than failing the page.
        let unread = s
            .accord
            .unread_notifications(&principal.actor)
            .await
            .unwrap_or(0);
        Ok(Viewer {
            principal,
            lang,
            time_zone,
            unread,
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
        nav.push(("/inbox", "inbox-nav"));
        nav.push(("/rules", "web-nav-rules"));
        nav.push(("/account", "web-nav-account"));
        nav.push(("/verify", "web-nav-verify"));
        let unread = accord_i18n::format::integer(lang, self.unread);
        f.nav = nav
            .into_iter()
            .map(|(href, id)| NavLink {
                href: href.to_owned(),
                label: if id == "inbox-nav" && self.unread > 0 {
                    t(lang, "inbox-nav-unread", &[("count", &unread)])
                } else {
                    t(lang, id, &[])
                },
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

    /// Whether a form came from this site with this session's CSRF token (checked before
    /// anything else in the form is used).
    fn sent_this_sessions_token(&self, headers: &HeaderMap, sent_token: &str) -> bool {
        !crate::session::cross_site(headers)
            && !self.principal.csrf_token.is_empty()
            && crate::session::constant_time_eq(
                sent_token.as_bytes(),
                self.principal.csrf_token.as_bytes(),
            )
    }

    /// The people of a case by account id: representatives (with their party) and mediators,
    /// as this viewer's pages name them. Anyone else (the Secretariat) is named by the
    /// institution.
    pub fn participant_names(&self, case: &accord_domain::Case) -> BTreeMap<String, String> {
        let mut people = BTreeMap::new();
        for p in &case.parties {
            for r in &p.representatives {
                people.insert(r.user_id.clone(), format!("{} ({})", r.name, p.name));
            }
        }
        for m in &case.mediators {
            people.insert(
                m.user_id.clone(),
                format!("{} ({})", m.name, self.t("role-mediator")),
            );
        }
        people
    }
}

/// A form the signed-in viewer sent from this site with this session's CSRF token (a `csrf`
/// field), and its fields parsed as `T` (the name–value pairs as sent, or a struct). Every page
/// that changes something takes its form through this extractor, so the check is made once,
/// before any field is used: a form from elsewhere, without the token or that does not parse is
/// answered with [`forged_form`], and a request without a session as [`Viewer`] answers it.
/// Multipart uploads cannot use it: they check their first part, the token, before the file is
/// read (`channel_page::upload_document`).
pub struct CheckedForm<T>(pub Viewer, pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CheckedForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, s: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, s)
            .await
            .map_err(IntoResponse::into_response)?;
        let headers = parts.headers.clone();
        // As `axum::Form` reads it: a url-encoded body of a POST.
        let bytes = match RawForm::from_request(Request::from_parts(parts, body), s).await {
            Ok(RawForm(bytes)) => bytes,
            Err(_) => return Err(forged_form(viewer.lang)),
        };
        let sent: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        if !viewer.sent_this_sessions_token(&headers, field(&sent, "csrf")) {
            return Err(forged_form(viewer.lang));
        }
        match serde_urlencoded::from_bytes::<T>(&bytes) {
            Ok(fields) => Ok(CheckedForm(viewer, fields)),
            Err(_) => Err(forged_form(viewer.lang)),
        }
    }
}

/// A field of a submitted form (name–value pairs as sent), trimmed; empty when absent.
pub fn field<'a>(sent: &'a [(String, String)], name: &str) -> &'a str {
    sent.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}
