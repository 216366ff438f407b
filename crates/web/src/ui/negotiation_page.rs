//! The negotiation space: the mediator opens a negotiation on an agenda (issues and their
//! options); each party enters its priorities privately (points per issue, a score per option, a
//! reservation value) and sees the packages proposed, valued by its own priorities only, with a
//! chart; the mediator sees the analysis the procedural profile allows (the efficient packages,
//! fair points, whether proposals clear every reservation) and proposes packages.
//!
//! Charts are SVG drawn on the server, with a title, a description and the same figures in a
//! table, so that they need no script and are readable without sight. A party's chart shows its
//! own values and nothing of the other side's.

use std::collections::BTreeMap;

use accord_app::AppError;
use accord_app::negotiations::{AnalysisView, AnswerInput, NegotiationView};
use accord_domain::Command;
use accord_domain::negotiation::{Agenda, Answer, Package, Preferences, Reservation};
use accord_domain::step::Step;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::frame::{PageFrame, html, see_other};
use super::respond::error_page;
use super::viewer::{CheckedForm, Viewer, field as get};
use crate::AppState;

/// Width and height of a chart's drawing area, in SVG units.
const CHART_W: u32 = 600;
const BAR_H: u32 = 28;

fn package_text(agenda: &Agenda, package: &Package) -> String {
    agenda
        .issues
        .iter()
        .filter_map(|i| package.get(&i.id).map(|o| format!("{}: {o}", i.label)))
        .collect::<Vec<_>>()
        .join("; ")
}

// ---- the list of negotiations, and opening one -------------------------------------------------

struct NegotiationLink {
    href: String,
    id: String,
    issues: String,
    agreed: bool,
}

#[derive(Template)]
#[template(path = "negotiations.html")]
struct NegotiationsPage {
    page: PageFrame,
    case_href: String,
    negotiations: Vec<NegotiationLink>,
    may_open: bool,
    post_to: String,
    agenda: String,
}

async fn render_list(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
    status: StatusCode,
    alert: Option<(String, String)>,
    agenda: String,
) -> Response {
    let actor = &viewer.principal.actor;
    let (view, list) = match (
        s.accord.case_view(actor, case_id).await,
        s.accord.negotiations(actor, case_id).await,
    ) {
        (Ok(v), Ok(l)) => (v, l),
        (Err(e), _) | (_, Err(e)) => return error_page(viewer, e),
    };
    let may_open = matches!(
        s.accord
            .open_actions(
                actor,
                case_id,
                &[Step::new(accord_domain::CommandKind::OpenNegotiation)]
            )
            .await
            .as_deref(),
        Ok([accord_app::cases::Openness::Open])
    );
    let path = format!("/cases/{case_id}/negotiations");
    let mut page = viewer
        .frame("negotiation-title", "/")
        .at(&path)
        .titled(format!(
            "{} — {}",
            view.case.reference,
            viewer.t("negotiation-title")
        ));
    page.alert = alert;
    html(
        status,
        &NegotiationsPage {
            page,
            case_href: format!("/cases/{case_id}"),
            negotiations: list
                .iter()
                .map(|n| NegotiationLink {
                    href: format!("{path}/{}", n.negotiation.id),
                    id: n.negotiation.id.clone(),
                    issues: n
                        .negotiation
                        .agenda
                        .issues
                        .iter()
                        .map(|i| i.label.clone())
                        .collect::<Vec<_>>()
                        .join(", "),
                    agreed: n.agreed_package.is_some(),
                })
                .collect(),
            may_open,
            post_to: path,
            agenda,
        },
    )
}

/// `GET /cases/{case_id}/negotiations`.
pub async fn negotiations_page(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(case_id): Path<String>,
) -> Response {
    render_list(&s, &viewer, &case_id, StatusCode::OK, None, String::new()).await
}

/// Reads an agenda written one issue per line: `Issue: option | option | …`.
/// A line without a colon is refused with its number (counted from 1, blank lines included).
pub fn agenda_from_text(text: &str) -> Result<Agenda, usize> {
    let mut issues = vec![];
    for (number, line) in text
        .lines()
        .enumerate()
        .map(|(k, l)| (k + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
    {
        let Some((label, options)) = line.split_once([':', '：']) else {
            return Err(number);
        };
        issues.push(accord_domain::negotiation::AgendaIssue {
            id: format!("issue-{}", issues.len() + 1),
            label: label.trim().to_owned(),
            options: options
                .split(['|', '｜'])
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
        });
    }
    Ok(Agenda { issues })
}

/// `POST /cases/{case_id}/negotiations`: the mediator opens a negotiation.
pub async fn open_negotiation(
    State(s): State<AppState>,
    Path(case_id): Path<String>,
    CheckedForm(viewer, sent): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let text = get(&sent, "agenda").to_owned();
    let outcome = match agenda_from_text(&text) {
        Ok(agenda) => s
            .accord
            .act(
                &viewer.principal.actor,
                &case_id,
                &Command::OpenNegotiation { agenda },
                None,
            )
            .await
            .map(|_| ()),
        Err(line) => Err(AppError::invalid(
            "invalid-agenda",
            viewer.ta(
                "negotiation-error-agenda-line",
                &[(
                    "line",
                    &accord_i18n::format::integer(viewer.lang, line as i64),
                )],
            ),
        )),
    };
    match outcome {
        Ok(()) => {
            let list = s
                .accord
                .negotiations(&viewer.principal.actor, &case_id)
                .await
                .unwrap_or_default();
            match list.last() {
                Some(n) => see_other(&format!(
                    "/cases/{case_id}/negotiations/{}",
                    n.negotiation.id
                )),
                None => see_other(&format!("/cases/{case_id}/negotiations")),
            }
        }
        Err(e) => match super::respond::refusal(&viewer, e) {
            Ok((status, alert)) => {
                render_list(&s, &viewer, &case_id, status, Some(alert), text).await
            }
            Err(page) => *page,
        },
    }
}

// ---- one negotiation -----------------------------------------------------------------------------

struct ScoreField {
    name: String,
    id: String,
    option: String,
    value: u32,
}

struct IssueInput {
    label: String,
    weight_name: String,
    weight_id: String,
    weight: u32,
    scores: Vec<ScoreField>,
}

struct ProposalLine {
    id: String,
    text: String,
    value: String,
    clears: Option<bool>,
    answer: Option<String>,
    answer_to: String,
}

/// A horizontal bar of a chart.
struct Bar {
    y: u32,
    text_y: u32,
    width: u32,
    /// Where the bar starts; a right-to-left page draws the chart mirrored, bars growing
    /// leftwards from the right edge.
    x: u32,
    label_x: u32,
    value_x: u32,
    label: String,
    value: String,
    above_reservation: bool,
}

/// What one party the viewer represents sees.
struct PartyPanel {
    party: String,
    party_name: String,
    post_to: String,
    entered: bool,
    issues: Vec<IssueInput>,
    reservation: String,
    best: String,
    reservation_value: String,
    proposals: Vec<ProposalLine>,
    chart_height: u32,
    bars: Vec<Bar>,
    reservation_x: Option<u32>,
}

/// A point of the mediator's frontier chart.
struct Point {
    x: u32,
    y: u32,
    label: String,
    fair: bool,
}

struct MediatorPanel {
    outcomes: String,
    frontier_size: String,
    disagreement: String,
    full: bool,
    nash: Option<String>,
    kalai: Option<String>,
    no_zone: bool,
    checks: Vec<(String, bool, bool, usize)>,
    entered: Vec<(String, bool)>,
    points: Vec<Point>,
    axis_x: String,
    axis_y: String,
    propose_to: String,
    issues: Vec<(String, String, Vec<String>)>,
    nash_fields: Vec<(String, String)>,
    frontier_rows: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "negotiation.html")]
struct NegotiationPage {
    page: PageFrame,
    list_href: String,
    agenda: Vec<(String, String)>,
    agreed: Option<String>,
    parties: Vec<PartyPanel>,
    mediator: Option<MediatorPanel>,
    chart_w: u32,
}

fn party_panel(
    viewer: &Viewer,
    case_id: &str,
    view: &NegotiationView,
    standing: &accord_app::negotiations::PartyStanding,
    prefs: Option<&Preferences>,
    party_name: String,
) -> PartyPanel {
    let n = &view.negotiation;
    let nid = &n.id;
    let party = &standing.party;
    let issues = n
        .agenda
        .issues
        .iter()
        .map(|i| IssueInput {
            label: i.label.clone(),
            weight_name: format!("weight.{}", i.id),
            weight_id: format!("w-{party}-{}", i.id),
            weight: prefs
                .and_then(|p| p.weights.get(&i.id).copied())
                .unwrap_or(0),
            scores: i
                .options
                .iter()
                .enumerate()
                .map(|(k, o)| ScoreField {
                    name: format!("score.{}.{k}", i.id),
                    id: format!("s-{party}-{}-{k}", i.id),
                    option: o.clone(),
                    value: prefs
                        .and_then(|p| p.scores.get(&i.id))
                        .and_then(|m| m.get(o))
                        .copied()
                        .unwrap_or(0),
                })
                .collect(),
        })
        .collect();
    let best = standing.best.unwrap_or(0).max(1);
    let scale = |v: u64| ((v.min(best) as u128 * u128::from(CHART_W)) / u128::from(best)) as u32;
    let proposals: Vec<ProposalLine> = n
        .proposals
        .iter()
        .map(|p| {
            let mine = standing.proposals.iter().find(|x| x.proposal == p.id);
            ProposalLine {
                id: p.id.clone(),
                text: package_text(&n.agenda, &p.package),
                value: mine
                    .and_then(|m| m.utility)
                    .map(|u| accord_i18n::format::integer(viewer.lang, u as i64))
                    .unwrap_or_default(),
                clears: mine.and_then(|m| m.clears_reservation),
                answer: mine.and_then(|m| m.answer).map(|a| {
                    viewer.t(match a {
                        Answer::Accept => "negotiation-accepted",
                        Answer::Decline => "negotiation-declined",
                    })
                }),
                answer_to: format!(
                    "/cases/{case_id}/negotiations/{nid}/proposals/{}/answers/{party}",
                    p.id
                ),
            }
        })
        .collect();
    // A right-to-left page mirrors the chart: an x measured from the left edge is measured from
    // the right one instead (`None`: keep it). Texts need no other anchor: they start at their x
    // in the page's direction, so they run leftwards on a right-to-left page.
    let rtl = accord_i18n::is_rtl(viewer.lang);
    let mirror = |x: u32| rtl.then(|| (CHART_W + 80).saturating_sub(x));
    let bars = standing
        .proposals
        .iter()
        .enumerate()
        .filter_map(|(k, p)| {
            let u = p.utility?;
            let y = 8 + k as u32 * (BAR_H + 10);
            let width = scale(u).max(2);
            Some(Bar {
                y,
                text_y: y + BAR_H / 2 + 5,
                width,
                x: mirror(40 + width).unwrap_or(40),
                label_x: mirror(2).unwrap_or(2),
                value_x: mirror(width + 46).unwrap_or(width + 46),
                label: p.proposal.clone(),
                value: accord_i18n::format::integer(viewer.lang, u as i64),
                above_reservation: p.clears_reservation.unwrap_or(false),
            })
        })
        .collect::<Vec<_>>();
    let reservation = prefs
        .map(|p| match &p.reservation {
            Reservation::Value { value } => value.to_string(),
            _ => String::new(),
        })
        .unwrap_or_default();
    PartyPanel {
        post_to: format!("/cases/{case_id}/negotiations/{nid}/preferences/{party}"),
        party: party.clone(),
        party_name,
        entered: standing.preferences_entered,
        issues,
        reservation,
        best: standing
            .best
            .map(|b| accord_i18n::format::integer(viewer.lang, b as i64))
            .unwrap_or_default(),
        reservation_value: standing
            .reservation_value
            .map(|b| accord_i18n::format::integer(viewer.lang, b as i64))
            .unwrap_or_default(),
        chart_height: 16 + bars.len() as u32 * (BAR_H + 10),
        reservation_x: standing
            .reservation_value
            .map(|r| mirror(scale(r) + 40).unwrap_or(scale(r) + 40)),
        bars,
        proposals,
    }
}

fn mediator_panel(
    viewer: &Viewer,
    case_id: &str,
    view: &NegotiationView,
    a: &AnalysisView,
    names: &BTreeMap<String, String>,
) -> MediatorPanel {
    let n = &view.negotiation;
    let name = |p: &str| names.get(p).cloned().unwrap_or_else(|| p.to_owned());
    let int = |v: u64| accord_i18n::format::integer(viewer.lang, v as i64);
    // The chart: the first two parties' values of each frontier package (full disclosure only).
    let (px, py) = (
        a.parties.first().cloned().unwrap_or_default(),
        a.parties.get(1).cloned().unwrap_or_default(),
    );
    let pairs: Vec<(u64, u64, &Package)> = a
        .frontier
        .iter()
        .filter_map(|f| {
            let u = f.utilities.as_ref()?;
            Some((*u.get(&px)?, *u.get(&py)?, &f.package))
        })
        .collect();
    let max_x = pairs.iter().map(|p| p.0).max().unwrap_or(1).max(1);
    let max_y = pairs.iter().map(|p| p.1).max().unwrap_or(1).max(1);
    let fair = |p: &Package| a.nash.as_ref() == Some(p) || a.kalai_smorodinsky.as_ref() == Some(p);
    let points = pairs
        .iter()
        .map(|(x, y, p)| Point {
            x: 40 + ((*x as u128 * 540) / max_x as u128) as u32,
            y: 300 - ((*y as u128 * 280) / max_y as u128) as u32,
            label: format!(
                "{} — {}: {}, {}: {}",
                package_text(&n.agenda, p),
                name(&px),
                int(*x),
                name(&py),
                int(*y)
            ),
            fair: fair(p),
        })
        .collect();
    let frontier_rows = a
        .frontier
        .iter()
        .take(50)
        .map(|f| {
            let values = f
                .utilities
                .as_ref()
                .map(|u| {
                    a.parties
                        .iter()
                        .map(|p| {
                            format!(
                                "{}: {}",
                                name(p),
                                u.get(p).map(|v| int(*v)).unwrap_or_default()
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_else(|| {
                    viewer.t(if f.clears_all_reservations {
                        "negotiation-clears-all"
                    } else {
                        "negotiation-below-some"
                    })
                });
            (package_text(&n.agenda, &f.package), values)
        })
        .collect();
    MediatorPanel {
        outcomes: int(a.outcomes),
        frontier_size: int(a.frontier_size as u64),
        // The API's sentence is English; the page says it in the viewer's language.
        disagreement: viewer.t("negotiation-disagreement-value"),
        full: a.frontier.iter().any(|f| f.utilities.is_some()),
        nash: a.nash.as_ref().map(|p| package_text(&n.agenda, p)),
        kalai: a
            .kalai_smorodinsky
            .as_ref()
            .map(|p| package_text(&n.agenda, p)),
        no_zone: a.no_zone_of_agreement,
        checks: a
            .proposals
            .iter()
            .map(|c| {
                (
                    c.proposal.clone(),
                    c.efficient,
                    c.clears_all_reservations,
                    c.improvements.len(),
                )
            })
            .collect(),
        entered: view
            .as_mediator
            .as_ref()
            .map(|m| {
                m.preferences_entered
                    .iter()
                    .map(|(p, e)| (name(p), *e))
                    .collect()
            })
            .unwrap_or_default(),
        points,
        axis_x: name(&px),
        axis_y: name(&py),
        propose_to: format!("/cases/{case_id}/negotiations/{}/proposals", n.id),
        issues: n
            .agenda
            .issues
            .iter()
            .map(|i| (i.id.clone(), i.label.clone(), i.options.clone()))
            .collect(),
        nash_fields: a
            .nash
            .as_ref()
            .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        frontier_rows,
    }
}

async fn render(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
    nid: &str,
    status: StatusCode,
    alert: Option<(String, String)>,
    notice: Option<String>,
) -> Response {
    let actor = &viewer.principal.actor;
    let (case, view) = match (
        s.accord.case_view(actor, case_id).await,
        s.accord.negotiation(actor, case_id, nid).await,
    ) {
        (Ok(c), Ok(v)) => (c, v),
        (Err(e), _) | (_, Err(e)) => return error_page(viewer, e),
    };
    let names: BTreeMap<String, String> = case
        .case
        .parties
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    let mut parties = vec![];
    for standing in &view.as_party {
        let prefs = s
            .accord
            .preferences(actor, case_id, nid, &standing.party)
            .await
            .ok();
        parties.push(party_panel(
            viewer,
            case_id,
            &view,
            standing,
            prefs.as_ref(),
            names
                .get(&standing.party)
                .cloned()
                .unwrap_or_else(|| standing.party.clone()),
        ));
    }
    let mediator = match &view.as_mediator {
        Some(_) => match s.accord.analysis(actor, case_id, nid).await {
            Ok(a) => Some(mediator_panel(viewer, case_id, &view, &a, &names)),
            Err(AppError::Storage(m)) => return error_page(viewer, AppError::Storage(m)),
            Err(_) => None,
        },
        None => None,
    };
    let path = format!("/cases/{case_id}/negotiations/{nid}");
    let mut page = viewer
        .frame("negotiation-title", "/")
        .at(&path)
        .titled(format!(
            "{} — {} {nid}",
            case.case.reference,
            viewer.t("negotiation-title")
        ));
    page.alert = alert;
    page.notice = notice;
    html(
        status,
        &NegotiationPage {
            page,
            list_href: format!("/cases/{case_id}/negotiations"),
            agenda: view
                .negotiation
                .agenda
                .issues
                .iter()
                .map(|i| (i.label.clone(), i.options.join(" · ")))
                .collect(),
            agreed: view
                .agreed_package
                .as_ref()
                .map(|p| package_text(&view.negotiation.agenda, p)),
            parties,
            mediator,
            chart_w: CHART_W,
        },
    )
}

/// The query of a negotiation's page: what was just done there (`priorities`, `proposal`,
/// `answer`), for its confirmation.
#[derive(Debug, serde::Deserialize, Default)]
pub struct NegotiationQuery {
    /// What was just saved.
    pub done: Option<String>,
}

/// `GET /cases/{case_id}/negotiations/{negotiation_id}`, with the confirmation of what was just
/// saved there.
pub async fn negotiation_page(
    State(s): State<AppState>,
    viewer: Viewer,
    Path((case_id, nid)): Path<(String, String)>,
    query: Result<axum::extract::Query<NegotiationQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let notice = query
        .ok()
        .and_then(|axum::extract::Query(q)| q.done)
        .and_then(|d| match d.as_str() {
            "priorities" => Some(viewer.t("negotiation-done-priorities")),
            "proposal" => Some(viewer.t("negotiation-done-proposal")),
            "answer" => Some(viewer.t("negotiation-done-answer")),
            _ => None,
        });
    render(&s, &viewer, &case_id, &nid, StatusCode::OK, None, notice).await
}

async fn answer_error(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
    nid: &str,
    e: AppError,
) -> Response {
    match super::respond::refusal(viewer, e) {
        Ok((status, alert)) => render(s, viewer, case_id, nid, status, Some(alert), None).await,
        Err(page) => *page,
    }
}

/// Builds a party's preferences from the form (`weight.<issue>`, `score.<issue>.<k>`,
/// `reservation`).
fn preferences_from_form(
    agenda: &Agenda,
    sent: &[(String, String)],
) -> Result<Preferences, AppError> {
    let number = |k: &str| -> Result<u32, AppError> {
        let v = get(sent, k);
        if v.is_empty() {
            return Ok(0);
        }
        v.parse::<u32>().map_err(|_| {
            AppError::invalid(
                "invalid-preferences",
                format!("'{v}' is not a whole number"),
            )
        })
    };
    let mut weights = BTreeMap::new();
    let mut scores = BTreeMap::new();
    for issue in &agenda.issues {
        weights.insert(issue.id.clone(), number(&format!("weight.{}", issue.id))?);
        let mut m = BTreeMap::new();
        for (k, o) in issue.options.iter().enumerate() {
            m.insert(o.clone(), number(&format!("score.{}.{k}", issue.id))?);
        }
        scores.insert(issue.id.clone(), m);
    }
    let reservation = match get(sent, "reservation") {
        "" => Reservation::None,
        v => Reservation::Value {
            value: v.parse::<u64>().map_err(|_| {
                AppError::invalid(
                    "invalid-preferences",
                    format!("'{v}' is not a whole number"),
                )
            })?,
        },
    };
    Ok(Preferences {
        weights,
        scores,
        reservation,
    })
}

/// `POST /cases/{case_id}/negotiations/{negotiation_id}/preferences/{party}`.
pub async fn enter_preferences(
    State(s): State<AppState>,
    Path((case_id, nid, party)): Path<(String, String, String)>,
    CheckedForm(viewer, sent): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let actor = &viewer.principal.actor;
    let view = match s.accord.negotiation(actor, &case_id, &nid).await {
        Ok(v) => v,
        Err(e) => return error_page(&viewer, e),
    };
    let outcome = match preferences_from_form(&view.negotiation.agenda, &sent) {
        Ok(prefs) => s
            .accord
            .enter_preferences(actor, &case_id, &nid, &party, prefs)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => see_other(&format!(
            "/cases/{case_id}/negotiations/{nid}?done=priorities"
        )),
        Err(e) => answer_error(&s, &viewer, &case_id, &nid, e).await,
    }
}

/// `POST /cases/{case_id}/negotiations/{negotiation_id}/proposals`: the mediator proposes a
/// package (one option per issue).
pub async fn propose_package(
    State(s): State<AppState>,
    Path((case_id, nid)): Path<(String, String)>,
    CheckedForm(viewer, sent): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let package: Package = sent
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("option.")
                .map(|issue| (issue.to_owned(), v.trim().to_owned()))
        })
        .collect();
    let cmd = serde_json::from_value::<Command>(json!({
        "action": "propose-package", "negotiation": nid, "package": package
    }));
    let outcome = match cmd {
        Ok(cmd) => s
            .accord
            .act(&viewer.principal.actor, &case_id, &cmd, None)
            .await
            .map(|_| ()),
        Err(e) => Err(AppError::invalid("invalid-form", e.to_string())),
    };
    match outcome {
        Ok(()) => see_other(&format!(
            "/cases/{case_id}/negotiations/{nid}?done=proposal"
        )),
        Err(e) => answer_error(&s, &viewer, &case_id, &nid, e).await,
    }
}

/// `POST /cases/{case_id}/negotiations/{negotiation_id}/proposals/{proposal_id}/answers/{party}`.
pub async fn answer(
    State(s): State<AppState>,
    Path((case_id, nid, proposal, party)): Path<(String, String, String, String)>,
    CheckedForm(viewer, sent): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let answer = match get(&sent, "answer") {
        "accept" => Answer::Accept,
        _ => Answer::Decline,
    };
    match s
        .accord
        .answer_proposal(
            &viewer.principal.actor,
            &case_id,
            &nid,
            &proposal,
            &party,
            AnswerInput { answer },
        )
        .await
    {
        Ok(_) => see_other(&format!("/cases/{case_id}/negotiations/{nid}?done=answer")),
        Err(e) => answer_error(&s, &viewer, &case_id, &nid, e).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agenda_is_read_one_issue_per_line_in_any_script() {
        let a = agenda_from_text("Price: 1.0m | 1.2m | 1.4m\n\n交货期：五月｜六月\n").unwrap();
        assert_eq!(a.issues.len(), 2);
        assert_eq!(a.issues[0].id, "issue-1");
        assert_eq!(a.issues[0].options, ["1.0m", "1.2m", "1.4m"]);
        assert_eq!(a.issues[1].label, "交货期");
        assert_eq!(a.issues[1].options, ["五月", "六月"]);
        assert!(a.validate().is_ok());
        assert_eq!(
            agenda_from_text("A: x | y\n\nno colon here").unwrap_err(),
            3
        );
    }
}
