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
mod countries;
mod dashboard;
mod filing_page;
mod frame;
mod inbox_page;
mod meetings_page;
pub(crate) use frame::announce_rehearsal;
#[cfg(test)]
mod message_ids;
mod negotiation_page;
mod respond;
mod rules_page;
mod settlement_page;
mod verify;
mod viewer;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::on;

use crate::AppState;
use crate::route_table::{self, RouteSpec};

/// Every HTML page and asset. Pages that need a session check it themselves through their
/// [`viewer::Viewer`] (a redirect to the sign-in page, not the API's 401).
pub(crate) const PAGE_TABLE: &[&[RouteSpec]] = &[&[
    RouteSpec::get("/verify", |m| on(m, verify::verify_page)).public(),
    RouteSpec::post("/verify", |m| on(m, verify::verify_submit)).public(),
    RouteSpec::get("/static/accord.css", |m| on(m, frame::stylesheet)).public(),
    RouteSpec::get("/static/htmx.min.js", |m| on(m, frame::htmx)).public(),
    RouteSpec::get("/static/time-zone.js", |m| on(m, frame::time_zone_script)).public(),
    RouteSpec::get("/static/favicon.svg", |m| on(m, frame::favicon)).public(),
    RouteSpec::get("/login", |m| on(m, account::login_page)).public(),
    RouteSpec::post("/login", |m| on(m, account::login_submit)).public(),
    RouteSpec::post("/logout", |m| on(m, account::logout)),
    RouteSpec::get("/account", |m| on(m, account::account_page)),
    RouteSpec::post("/account", |m| on(m, account::account_submit)),
    RouteSpec::get("/account/time-zone", |m| on(m, account::time_zone_page)),
    RouteSpec::post("/account/password", |m| on(m, account::password_submit)),
    RouteSpec::post("/account/sessions/{session_id}/end", |m| {
        on(m, account::end_session_submit)
    }),
    RouteSpec::get("/reset-password", |m| on(m, account::reset_page)).public(),
    RouteSpec::post("/reset-password", |m| on(m, account::reset_submit)).public(),
    RouteSpec::get("/account/second-factor", |m| {
        on(m, account::second_factor_page)
    }),
    RouteSpec::post("/account/second-factor", |m| {
        on(m, account::second_factor_submit)
    }),
    RouteSpec::get("/", |m| on(m, dashboard::dashboard)),
    RouteSpec::get("/inbox", |m| on(m, inbox_page::inbox_page)),
    RouteSpec::post("/inbox/read", |m| on(m, inbox_page::mark_read)),
    RouteSpec::post("/inbox/preferences", |m| {
        on(m, inbox_page::save_preferences)
    }),
    RouteSpec::post("/inbox/calendar", |m| on(m, inbox_page::make_feed)),
    RouteSpec::post("/inbox/calendar/revoke", |m| on(m, inbox_page::revoke_feed)),
    RouteSpec::get("/rules", |m| on(m, rules_page::rules_page)),
    RouteSpec::post("/rules/{profile_id}/decisions", |m| {
        on(m, rules_page::record_decision)
    }),
    RouteSpec::get("/cases/new", |m| on(m, filing_page::filing_form)),
    RouteSpec::post("/cases/new", |m| on(m, filing_page::filing_submit)),
    RouteSpec::get("/cases/{case_id}/draft", |m| on(m, filing_page::draft_form)),
    RouteSpec::post("/cases/{case_id}/draft", |m| {
        on(m, filing_page::draft_submit)
    }),
    RouteSpec::get("/cases/{case_id}", |m| on(m, case_page::case_page)),
    RouteSpec::get("/cases/{case_id}/meetings", |m| {
        on(m, meetings_page::meetings_page)
    }),
    RouteSpec::post("/cases/{case_id}/meetings", |m| {
        on(m, meetings_page::propose)
    }),
    RouteSpec::post("/cases/{case_id}/meetings/{meeting_id}/answer", |m| {
        on(m, meetings_page::answer)
    }),
    RouteSpec::post("/cases/{case_id}/meetings/{meeting_id}/{step}", |m| {
        on(m, meetings_page::schedule)
    }),
    RouteSpec::get("/calendar/{file}", |m| on(m, meetings_page::calendar_feed)).public(),
    RouteSpec::post("/cases/{case_id}/actions/{action}", |m| {
        on(m, case_page::act_submit)
    }),
    RouteSpec::post("/cases/{case_id}/attestation", |m| {
        on(m, case_page::issue_attestation)
    }),
    RouteSpec::get("/consent-requests/{case_id}/{country}", |m| {
        on(m, consent_page::consent_page)
    }),
    RouteSpec::post("/consent-requests/{case_id}/{country}", |m| {
        on(m, consent_page::give_consent)
    }),
    RouteSpec::get("/cases/{case_id}/channels/{channel}", |m| {
        on(m, channel_page::channel_page)
    }),
    RouteSpec::post("/cases/{case_id}/channels/{channel}/messages", |m| {
        on(m, channel_page::post_message)
    }),
    // The vault enforces its own size limit while the file streams.
    RouteSpec::post("/cases/{case_id}/channels/{channel}/documents", |m| {
        on(m, channel_page::upload_document).layer(DefaultBodyLimit::disable())
    }),
    RouteSpec::post("/cases/{case_id}/relays", |m| {
        on(m, channel_page::propose_relay)
    }),
    RouteSpec::post("/cases/{case_id}/relays/{relay_id}/decision", |m| {
        on(m, channel_page::decide_relay)
    }),
    RouteSpec::get("/cases/{case_id}/negotiations", |m| {
        on(m, negotiation_page::negotiations_page)
    }),
    RouteSpec::post("/cases/{case_id}/negotiations", |m| {
        on(m, negotiation_page::open_negotiation)
    }),
    RouteSpec::get("/cases/{case_id}/negotiations/{negotiation_id}", |m| {
        on(m, negotiation_page::negotiation_page)
    }),
    RouteSpec::post(
        "/cases/{case_id}/negotiations/{negotiation_id}/preferences/{party}",
        |m| on(m, negotiation_page::enter_preferences),
    ),
    RouteSpec::post(
        "/cases/{case_id}/negotiations/{negotiation_id}/proposals",
        |m| on(m, negotiation_page::propose_package),
    ),
    RouteSpec::post(
        "/cases/{case_id}/negotiations/{negotiation_id}/proposals/{proposal_id}/answers/{party}",
        |m| on(m, negotiation_page::answer),
    ),
    RouteSpec::get("/cases/{case_id}/blind-biddings", |m| {
        on(m, bidding_page::biddings_page)
    }),
    RouteSpec::post("/cases/{case_id}/blind-biddings", |m| {
        on(m, bidding_page::open_bidding)
    }),
    RouteSpec::post(
        "/cases/{case_id}/blind-biddings/{bidding_id}/figures/{party}",
        |m| on(m, bidding_page::name_figure),
    ),
    RouteSpec::get("/cases/{case_id}/settlement", |m| {
        on(m, settlement_page::settlement_page)
    }),
    RouteSpec::post("/cases/{case_id}/settlement", |m| {
        on(m, settlement_page::put_draft)
    }),
    RouteSpec::post("/cases/{case_id}/settlement/sign", |m| {
        on(m, settlement_page::sign)
    }),
]];

const INVENTORY: [(&str, &str, bool); route_table::count(PAGE_TABLE)] =
    route_table::inventory::<{ route_table::count(PAGE_TABLE) }>(PAGE_TABLE);

/// Every HTML page and asset: (method, path, needs a session), read from [`PAGE_TABLE`]. The
/// JSON API's routes are in [`crate::ROUTES`].
pub const PAGES: &[(&str, &str, bool)] = &INVENTORY;

/// The pages' router.
pub fn pages() -> Router<AppState> {
    route_table::all(PAGE_TABLE).fold(Router::new(), |router, r| {
        router.route(r.path, r.method_router())
    })
}
