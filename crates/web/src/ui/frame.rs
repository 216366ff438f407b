//! What every page shares: the frame (language, direction, header, navigation, language switch),
//! message lookup, rendering and the static assets.

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The stylesheet of every page.
pub const STYLESHEET: &str = include_str!("../../static/accord.css");

/// htmx 4.0.1 (BSD Zero Clause licence), vendored: no Node.js is needed to build or run Accord.
const HTMX: &str = include_str!("../../static/vendor/htmx-4.0.1.min.js");

/// Suggests the browser's zone on the first-sign-in time-zone page.
const TIME_ZONE_SCRIPT: &str = include_str!("../../static/time-zone.js");

/// The icon of the site.
const FAVICON: &str = include_str!("../../static/favicon.svg");

/// Each language's name in itself.
pub const LANGUAGE_NAMES: &[(&str, &str)] = &[
    ("en", "English"),
    ("zh-Hans", "简体中文"),
    ("zh-Hant", "繁體中文"),
    ("fr", "Français"),
    ("ar", "العربية"),
    ("ru", "Русский"),
    ("es", "Español"),
];

/// A language in the switch.
pub struct LanguageLink {
    /// Tag.
    pub code: &'static str,
    /// Its name in itself.
    pub name: &'static str,
    /// Link for visitors who are not signed in.
    pub href: String,
    /// The page's language.
    pub current: bool,
}

/// An entry of the main navigation.
pub struct NavLink {
    /// Where.
    pub href: String,
    /// Words.
    pub label: String,
    /// This page or below.
    pub current: bool,
}

/// What the base template needs.
pub struct PageFrame {
    /// Language tag of the page.
    pub lang: &'static str,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
    /// Page title.
    pub title: String,
    /// "Skip to the content".
    pub skip: String,
    /// The institution's line.
    pub institution: String,
    /// Label of the language switch ("Language"); also names the visitors' language links.
    pub language_label: String,
    /// "Change language" button.
    pub language_submit: String,
    /// Every language of Accord: a menu posting to `/account` when signed in, links otherwise.
    pub languages: Vec<LanguageLink>,
    /// Signed-in user's display name.
    pub user: Option<String>,
    /// The session's CSRF token (signed-in pages).
    pub csrf: String,
    /// This page's path (the language switch comes back here).
    pub here: String,
    /// Main navigation (signed-in pages).
    pub nav: Vec<NavLink>,
    /// "Main navigation".
    pub nav_label: String,
    /// "Menu": the summary that opens the navigation and session on small screens.
    pub menu_label: String,
    /// Text of the button that posts to `/logout` ("Sign out").
    pub sign_out: String,
    /// A confirmation shown at the top ("The message was posted.").
    pub notice: Option<String>,
    /// An error shown at the top, with its stable code.
    pub alert: Option<(String, String)>,
    /// Alert heading ("It could not be done").
    pub alert_heading: String,
    /// On a rehearsal server (`--test-clock`): the banner saying so, with the clock's time.
    pub rehearsal: Option<String>,
}

tokio::task_local! {
    /// The rehearsal clock's time while a request is served by a `--test-clock` server (set by
    /// [`announce_rehearsal`] around every request, read when a page's frame is built).
    static REHEARSAL_NOW: jiff::Timestamp;
}

/// Middleware of a rehearsal server: every page built while serving the request carries the
/// rehearsal banner with the clock's time. On other servers it does nothing.
pub async fn announce_rehearsal(
    axum::extract::State(s): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match s.accord.clock().rehearsal() {
        Some(_) => {
            let now = s.accord.clock().now();
            REHEARSAL_NOW.scope(now, next.run(req)).await
        }
        None => next.run(req).await,
    }
}

/// A message in a language; the locale test guarantees every message in every language, and the
/// id shows on the page if one slips through.
pub fn t(lang: &str, id: &str, args: &[(&str, &str)]) -> String {
    accord_i18n::message(lang, id, args).unwrap_or_else(|| id.to_owned())
}

impl PageFrame {
    /// The frame of a page anyone may open.
    pub fn public(lang: &'static str, title_id: &str, path: &str) -> Self {
        PageFrame {
            lang,
            dir: if accord_i18n::is_rtl(lang) {
                "rtl"
            } else {
                "ltr"
            },
            title: t(lang, title_id, &[]),
            skip: t(lang, "web-skip", &[]),
            institution: t(lang, "web-institution", &[]),
            language_label: t(lang, "web-language", &[]),
            language_submit: t(lang, "web-language-submit", &[]),
            languages: LANGUAGE_NAMES
                .iter()
                .map(|(code, name)| LanguageLink {
                    code,
                    name,
                    href: format!("{path}?lang={code}"),
                    current: *code == lang,
                })
                .collect(),
            user: None,
            csrf: String::new(),
            here: path.to_owned(),
            nav: vec![],
            nav_label: t(lang, "web-nav", &[]),
            menu_label: t(lang, "web-menu", &[]),
            sign_out: t(lang, "web-sign-out", &[]),
            notice: None,
            alert: None,
            alert_heading: t(lang, "web-alert-heading", &[]),
            rehearsal: REHEARSAL_NOW
                .try_with(|now| {
                    t(
                        lang,
                        "web-rehearsal-clock",
                        &[("now", &format!("{} UTC", now.strftime("%Y-%m-%d %H:%M")))],
                    )
                })
                .ok(),
        }
    }

    /// A message in the page's language (templates call `page.t` with a message id; a test checks that
    /// every id used in a template exists).
    pub fn t(&self, id: &str) -> String {
        t(self.lang, id, &[])
    }

    /// A message with one argument.
    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        t(self.lang, id, &[(name, value)])
    }

    /// The same frame for a page at `path` (the language switch returns there).
    pub fn at(mut self, path: &str) -> Self {
        self.here = path.to_owned();
        self
    }

    /// The page's title with a value (such as a case reference) in it.
    pub fn titled(mut self, title: String) -> Self {
        self.title = title;
        self
    }
}

/// The language of a page for a visitor: `lang` given (query or form), else the browser's.
pub fn visitor_language(given: Option<&str>, headers: &HeaderMap) -> &'static str {
    given
        .and_then(accord_i18n::supported_for_tag)
        .unwrap_or_else(|| {
            accord_i18n::negotiate(
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or(""),
            )
        })
}

/// Renders a page with a status.
pub fn html(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "page template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response()
        }
    }
}

/// `to` if it is a path on this site a redirect may safely go to: it starts with one `/`, and
/// holds no backslash and no control character (C0, DEL, C1). Browsers drop tabs and newlines
/// from URLs and read `\` as `/`, so `/\t/evil.example/` or `/\evil.example` would leave
/// the site.
pub fn local_path(to: &str) -> Option<&str> {
    let safe = to.starts_with('/')
        && !to.starts_with("//")
        && !to.contains('\\')
        && !to.chars().any(char::is_control);
    safe.then_some(to)
}

/// A redirect after a form (303: the browser follows with GET, so reloading does not resend).
pub fn see_other(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

/// `GET /static/accord.css`.
pub async fn stylesheet() -> Response {
    asset(STYLESHEET, "text/css; charset=utf-8")
}

/// `GET /static/htmx.min.js`.
pub async fn htmx() -> Response {
    asset(HTMX, "text/javascript; charset=utf-8")
}

/// `GET /static/time-zone.js`.
pub async fn time_zone_script() -> Response {
    asset(TIME_ZONE_SCRIPT, "text/javascript; charset=utf-8")
}

/// `GET /static/favicon.svg`.
pub async fn favicon() -> Response {
    asset(FAVICON, "image/svg+xml")
}

/// The links between the pages of a list (`pager.html`): back to its first page, and on to the
/// next one, each with its text in the viewer's language.
pub struct Pager {
    /// Back to the list's first page (when not on it): (href, text).
    pub back: Option<(String, String)>,
    /// The next page, if there is one: (href, text).
    pub next: Option<(String, String)>,
}

impl Pager {
    /// The pager of a list, or `None` when the list has one page only.
    pub fn of(back: Option<(String, String)>, next: Option<(String, String)>) -> Option<Pager> {
        (back.is_some() || next.is_some()).then_some(Pager { back, next })
    }
}

#[cfg(test)]
mod redirect_tests {
    use super::local_path;

    #[test]
    fn only_plain_paths_on_this_site_are_redirect_targets() {
        for ok in ["/", "/account", "/cases/1?done=filed", "/a%09b"] {
            assert_eq!(local_path(ok), Some(ok), "{ok:?}");
        }
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example/",
            "/\t/evil.example/",
            "/\n/evil.example/",
            "/\r/evil.example/",
            "/\u{0}/x",
            "/\u{7f}/x",
            "/\u{85}/evil.example/",
            "/\u{9b}x",
            "evil.example",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }
}
