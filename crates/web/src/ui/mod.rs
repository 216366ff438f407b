//! The browser interface: server-rendered pages (askama templates in `templates/`, words from
//! `accord-i18n`), every core flow working without JavaScript. htmx (vendored under `static/`)
//! only enhances: it refreshes a channel's messages without a reload.
//!
//! Rules every page follows:
//! - the same use cases and the same policy as the JSON API — a page never reads the store;
//! - a signed-in page carries the session cookie (`HttpOnly`, `SameSite=Strict`, `Secure` behind
//!   TLS); every form that changes something carries the session's CSRF token, checked before
//!   the body is used, and the request must come from this site;
//! - nothing confidential in URLs: forms that carry case content are POSTed; URLs hold only ids;
//! - words in the viewer's language (chosen on the account page, remembered per user; else the
//!   browser's), right to left in Arabic; dates and times in the viewer's time zone.

mod account;
mod action_forms;
mod bidding_page;
mod case_page;
mod channel_page;
mod consent_page;
mod dashboard;
mod filing_page;
mod frame;
#[cfg(test)]
mod message_ids;
mod negotiation_page;
mod settlement_page;
mod verify;
mod viewer;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// Every HTML page and asset: (method, path, needs a session). The JSON API's routes are in
/// [`crate::ROUTES`].
pub const PAGES: &[(&str, &str, bool)] = &[
    ("GET", "/verify", false),
    ("POST", "/verify", false),
    ("GET", "/static/accord.css", false),
    ("GET", "/static/htmx.min.js", false),
    ("GET", "/static/favicon.svg", false),
    ("GET", "/login", false),
    ("POST", "/login", false),
    ("POST", "/logout", true),
    ("GET", "/account", true),
    ("POST", "/account", true),
    ("GET", "/account/second-factor", true),
    ("POST", "/account/second-factor", true),
    ("GET", "/", true),
    ("GET", "/cases/new", true),
    ("POST", "/cases/new", true),
    ("GET", "/cases/{case_id}", true),
    ("POST", "/cases/{case_id}/actions/{action}", true),
    ("POST", "/cases/{case_id}/attestation", true),
    ("GET", "/consent-requests/{case_id}/{country}", true),
    ("POST", "/consent-requests/{case_id}/{country}", true),
    ("GET", "/cases/{case_id}/channels/{channel}", true),
    ("POST", "/cases/{case_id}/channels/{channel}/messages", true),
    (
        "POST",
        "/cases/{case_id}/channels/{channel}/documents",
        true,
    ),
    ("POST", "/cases/{case_id}/relays", true),
    ("POST", "/cases/{case_id}/relays/{relay_id}/decision", true),
    ("GET", "/cases/{case_id}/negotiations", true),
    ("POST", "/cases/{case_id}/negotiations", true),
    (
        "GET",
        "/cases/{case_id}/negotiations/{negotiation_id}",
        true,
    ),
    (
        "POST",
        "/cases/{case_id}/negotiations/{negotiation_id}/preferences/{party}",
        true,
    ),
    (
        "POST",
        "/cases/{case_id}/negotiations/{negotiation_id}/proposals",
        true,
    ),
    (
        "POST",
        "/cases/{case_id}/negotiations/{negotiation_id}/proposals/{proposal_id}/answers/{party}",
        true,
    ),
    ("GET", "/cases/{case_id}/blind-biddings", true),
    ("POST", "/cases/{case_id}/blind-biddings", true),
    (
        "POST",
        "/cases/{case_id}/blind-biddings/{bidding_id}/figures/{party}",
        true,
    ),
    ("GET", "/cases/{case_id}/settlement", true),
    ("POST", "/cases/{case_id}/settlement", true),
    ("POST", "/cases/{case_id}/settlement/sign", true),
];

/// The pages' router (sessions are checked by each page's [`viewer::Viewer`]).
pub fn pages() -> Router<AppState> {
    Router::new()
        .route(
            "/verify",
            get(verify::verify_page).post(verify::verify_submit),
        )
        .route("/static/accord.css", get(frame::stylesheet))
        .route("/static/htmx.min.js", get(frame::htmx))
        .route("/static/favicon.svg", get(frame::favicon))
        .route(
            "/login",
            get(account::login_page).post(account::login_submit),
        )
        .route("/logout", post(account::logout))
        .route(
            "/account",
            get(account::account_page).post(account::account_submit),
        )
        .route(
            "/account/second-factor",
            get(account::second_factor_page).post(account::second_factor_submit),
        )
        .route("/", get(dashboard::dashboard))
        .route(
            "/cases/new",
            get(filing_page::filing_form).post(filing_page::filing_submit),
        )
        .route("/cases/{case_id}", get(case_page::case_page))
        .route(
            "/cases/{case_id}/actions/{action}",
            post(case_page::act_submit),
        )
        .route(
            "/cases/{case_id}/attestation",
            post(case_page::issue_attestation),
        )
        .route(
            "/consent-requests/{case_id}/{country}",
            get(consent_page::consent_page).post(consent_page::give_consent),
        )
        .route(
            "/cases/{case_id}/channels/{channel}",
            get(channel_page::channel_page),
        )
        .route(
            "/cases/{case_id}/channels/{channel}/messages",
            post(channel_page::post_message),
        )
        .route(
            "/cases/{case_id}/channels/{channel}/documents",
            post(channel_page::upload_document).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/cases/{case_id}/relays", post(channel_page::propose_relay))
        .route(
            "/cases/{case_id}/relays/{relay_id}/decision",
            post(channel_page::decide_relay),
        )
        .route(
            "/cases/{case_id}/negotiations",
            get(negotiation_page::negotiations_page).post(negotiation_page::open_negotiation),
        )
        .route(
            "/cases/{case_id}/blind-biddings",
            get(bidding_page::biddings_page).post(bidding_page::open_bidding),
        )
        .route(
            "/cases/{case_id}/blind-biddings/{bidding_id}/figures/{party}",
            post(bidding_page::name_figure),
        )
        .route(
            "/cases/{case_id}/negotiations/{negotiation_id}",
            get(negotiation_page::negotiation_page),
        )
        .route(
            "/cases/{case_id}/negotiations/{negotiation_id}/preferences/{party}",
            post(negotiation_page::enter_preferences),
        )
        .route(
            "/cases/{case_id}/negotiations/{negotiation_id}/proposals",
            post(negotiation_page::propose_package),
        )
        .route(
            "/cases/{case_id}/negotiations/{negotiation_id}/proposals/{proposal_id}/answers/{party}",
            post(negotiation_page::answer),
        )
        .route(
            "/cases/{case_id}/settlement",
            get(settlement_page::settlement_page).post(settlement_page::put_draft),
        )
        .route(
            "/cases/{case_id}/settlement/sign",
            post(settlement_page::sign),
        )
}
