//! The dashboard: the Secretariat's queue, a mediator's cases, a party's cases — each the case
//! list the policy gives that viewer. On each page of the list, the cases whose stage waits on
//! the viewer come first (marked "Your turn"), then the others; each group earliest deadline
//! first. Each row says whose step the stage waits for ([`accord_domain::state::Turn`]).

use accord_app::paging::{Order, PageRequest};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use accord_domain::state::Turn;

use super::frame::{PageFrame, html};
use super::viewer::Viewer;
use crate::AppState;

/// A row of the case table, translated, with times in the viewer's zone (deadline empty if none).
struct CaseLine {
    href: String,
    reference: String,
    title: String,
    dispute_type: String,
    stage: String,
    /// Whose step the stage waits for, in words.
    turn: String,
    /// The stage waits on the viewer.
    yours: bool,
    deadline: String,
    /// The deadline as recorded (RFC 3339), for the order.
    due: Option<String>,
    updated: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    page: PageFrame,
    intro: String,
    cases: Vec<CaseLine>,
    /// Back to the first page of the case list, and on to the next.
    pager: Option<super::frame::Pager>,
    may_file: bool,
    consent_requests: Vec<ConsentLine>,
    /// The viewer has not chosen a time zone yet (times are in UTC until then).
    no_time_zone: bool,
}

/// A consent request addressed to the viewer's State.
struct ConsentLine {
    href: String,
    reference: String,
    title: String,
    status: String,
}

/// How many cases one page of the dashboard lists ("More cases" reads the next).
const DASHBOARD_LIMIT: i64 = 100;

/// Query of the dashboard: a later page of the case list.
#[derive(Debug, Deserialize, Default)]
pub struct DashboardQuery {
    /// The cursor of the page to show.
    pub cases: Option<String>,
    /// What was just done (`left-case`: the viewer's own act ended its access to a case).
    pub done: Option<String>,
}

/// `GET /`.
pub async fn dashboard(
    State(s): State<AppState>,
    viewer: Viewer,
    query: Result<Query<DashboardQuery>, QueryRejection>,
) -> Response {
    let (cursor, done) = query
        .ok()
        .map(|Query(q)| (q.cases, q.done))
        .unwrap_or_default();
    let later_page = cursor.is_some();
    let role = viewer.principal.user.role.as_str();
    let (mut title, mut intro) = match role {
        "secretariat" | "staff" => ("dashboard-title-queue", "dashboard-intro-queue"),
        "mediator" => ("dashboard-title-mediator", "dashboard-intro-mediator"),
        _ => ("dashboard-title-party", "dashboard-intro-party"),
    };
    let request = PageRequest {
        cursor,
        ..PageRequest::first(DASHBOARD_LIMIT, Order::Oldest)
    };
    let cases = match s
        .accord
        .list_cases(&viewer.principal.actor, None, &request, 0)
        .await
    {
        Ok(c) => c,
        Err(e) => return super::respond::error_page(&viewer, e),
    };
    let more_href = cases.next.map(|c| format!("/?cases={c}"));
    let own_turn = match role {
        "secretariat" | "staff" => Some(Turn::Secretariat),
        "mediator" => Some(Turn::Mediator),
        "party-user" => Some(Turn::Parties),
        _ => None,
    };
    let mut cases: Vec<CaseLine> = cases
        .items
        .into_iter()
        .map(|c| {
            let turn = Turn::of_stage(&c.state);
            CaseLine {
                href: format!("/cases/{}", c.id),
                reference: c.reference,
                title: c.title,
                dispute_type: viewer.t(&format!("dispute-{}", c.dispute_type)),
                stage: super::case_page::stage_of(&viewer, &c.state, c.termination_ground),
                turn: viewer.t(&format!("turn-{}", turn.as_str())),
                yours: Some(turn) == own_turn,
                deadline: c
                    .next_deadline
                    .as_deref()
                    .map(|d| viewer.when(d))
                    .unwrap_or_default(),
                due: c.next_deadline,
                updated: viewer.when(&c.updated_at),
            }
        })
        .collect();
    // The viewer's turn first; then by deadline, the cases without one last.
    cases.sort_by(|a, b| {
        b.yours
            .cmp(&a.yours)
            .then_with(|| a.due.is_none().cmp(&b.due.is_none()))
            .then_with(|| a.due.cmp(&b.due))
    });
    let consent_requests: Vec<ConsentLine> =
        match s.accord.consent_requests(&viewer.principal.actor).await {
            Ok(r) => r
                .into_iter()
                .map(|r| ConsentLine {
                    href: format!("/consent-requests/{}/{}", r.case_id, r.country),
                    reference: r.reference,
                    title: r.title,
                    status: viewer.t(match r.status.as_str() {
                        "given" => "dashboard-consent-given",
                        "declined" => "third-state-consent-declined",
                        _ => "dashboard-consent-pending",
                    }),
                })
                .collect(),
            Err(e) => return super::respond::error_page(&viewer, e),
        };
    // A State's representative asked for its consent as a third State, with no case of its own,
    // is not told that it represents a party.
    if role == "party-user" && cases.is_empty() && !consent_requests.is_empty() && !later_page {
        (title, intro) = ("dashboard-title-third-state", "dashboard-intro-third-state");
    }
    html(
        StatusCode::OK,
        &DashboardPage {
            consent_requests,
            page: {
                let mut page = viewer.frame(title, "/");
                if done.as_deref() == Some("left-case") {
                    page.notice = Some(viewer.t("dashboard-left-case"));
                }
                page
            },
            intro: viewer.t(intro),
            cases,
            pager: super::frame::Pager::of(
                later_page.then(|| ("/".to_owned(), viewer.t("pager-first-cases"))),
                more_href.map(|h| (h, viewer.t("pager-more-cases"))),
            ),
            may_file: accord_domain::policy::can_file_request(&viewer.principal.actor),
            no_time_zone: viewer.time_zone.is_none(),
        },
    )
}
