//! The JSON API under `/api/v1`, one module per resource. Each module declares its routes in a
//! `ROUTES` table beside its handlers (see [`crate::route_table`]); the router, the OpenAPI paths
//! and the inventory [`ROUTES`] are all read from [`API`].

mod accounts;
mod admin;
mod attestations;
mod biddings;
mod case_actions;
mod cases;
mod channels;
mod documents;
mod export;
pub(crate) mod filings;
mod meetings;
pub(crate) use meetings::{calendar_summary, ics};
mod negotiations;
mod notifications;
mod registry;
mod service;
pub(crate) mod sessions;
mod settlement;
mod transparency;

use axum::{Router, middleware};

use crate::route_table::{self, RouteSpec};
use crate::{AppState, idempotency, session};

/// Every route of the JSON API, by resource.
pub(crate) const API: &[&[RouteSpec]] = &[
    service::ROUTES,
    sessions::ROUTES,
    accounts::ROUTES,
    admin::ROUTES,
    registry::ROUTES,
    cases::ROUTES,
    case_actions::ROUTES,
    channels::ROUTES,
    filings::ROUTES,
    export::ROUTES,
    settlement::ROUTES,
    attestations::ROUTES,
    documents::ROUTES,
    transparency::ROUTES,
    negotiations::ROUTES,
    biddings::ROUTES,
    notifications::ROUTES,
    meetings::ROUTES,
];

const INVENTORY: [(&str, &str, bool); route_table::count(API)] =
    route_table::inventory::<{ route_table::count(API) }>(API);

/// Every route of the JSON API: (method, path, needs a session). Read from [`API`]; the
/// authorization matrix and the end-to-end tests walk it.
pub const ROUTES: &[(&str, &str, bool)] = &INVENTORY;

/// Builds the API router, with the pages merged in: routes that need a session sit behind the
/// session and idempotency middleware; the others (and the pages, which check their own session)
/// do not.
pub fn router(state: AppState) -> Router {
    let mut open = Router::new();
    let mut protected = Router::new();
    for r in route_table::all(API) {
        if r.session {
            protected = protected.route(r.path, r.method_router());
        } else {
            open = open.route(r.path, r.method_router());
        }
    }
    let protected = protected
        .layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::idempotency,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::require_session,
        ));
    open.merge(crate::ui::pages())
        .merge(protected)
        .route_layer(middleware::from_fn(crate::observe::label_route))
        .fallback(service::not_found)
        .method_not_allowed_fallback(service::method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::ui::announce_rehearsal,
        ))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::route_table::{Doc, all};

    /// A method and path are declared once across the API and the pages (a second declaration
    /// would be merged silently by the router, or panic at start).
    #[test]
    fn every_route_is_declared_once() {
        let mut seen = BTreeSet::new();
        for (method, path, _) in super::ROUTES.iter().chain(crate::PAGES) {
            assert!(seen.insert((method, path)), "{method} {path} twice");
        }
        assert!(seen.len() > 20, "{seen:?}");
    }

    /// A path is either open or behind the session, never both (the two routers are merged).
    #[test]
    fn no_path_is_both_open_and_protected() {
        let open: BTreeSet<_> = super::ROUTES.iter().filter(|r| !r.2).map(|r| r.1).collect();
        for (method, path, _) in super::ROUTES.iter().filter(|r| r.2) {
            assert!(!open.contains(path), "{method} {path}");
        }
    }

    /// Every API route is documented; no page is.
    #[test]
    fn the_api_is_documented_and_the_pages_are_not() {
        for r in all(super::API) {
            assert!(
                !matches!(r.doc, Doc::Hidden),
                "{} {}",
                r.verb.name(),
                r.path
            );
        }
        for r in all(crate::ui::PAGE_TABLE) {
            assert!(matches!(r.doc, Doc::Hidden), "{} {}", r.verb.name(), r.path);
        }
    }

    /// The OpenAPI document has an operation for every route of the inventory (every action
    /// spelled out) and nothing else.
    #[test]
    fn the_document_has_exactly_the_routed_operations() {
        let doc = crate::openapi::document();
        let mut documented = BTreeSet::new();
        if let Some(paths) = doc["paths"].as_object() {
            for (path, ops) in paths {
                for method in ops.as_object().into_iter().flat_map(|o| o.keys()) {
                    documented.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        let mut routed = BTreeSet::new();
        for (method, path, _) in super::ROUTES {
            if path.ends_with("/actions/{action}") {
                for a in accord_domain::Command::ACTION_NAMES {
                    routed.insert(((*method).to_owned(), path.replace("{action}", a)));
                }
            } else {
                routed.insert(((*method).to_owned(), (*path).to_owned()));
            }
        }
        assert_eq!(documented, routed);
    }
}
