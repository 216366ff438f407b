//! The sessions of a case and their scheduling polls (`/cases/{id}/meetings`): every time in the
//! viewer's zone with the others' local times beside it, the viewer's answers, and for the
//! mediator the forms to propose, confirm, move and cancel. The private calendar address is
//! made and revoked from the inbox page; the feed itself is `/calendar/<secret>.ics`.

use accord_app::AppError;
use accord_app::meetings::{
    MeetingAnswerInput, MeetingConfirmInput, MeetingInput, MeetingMoveInput, MeetingView,
};
use accord_domain::meeting::Availability;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::frame::{PageFrame, html, see_other};
use super::viewer::{CheckedForm, Viewer};
use crate::AppState;

/// One candidate time as a row of the poll.
pub struct CandidateRow {
    index: usize,
    when: String,
    others: Vec<String>,
    answers: Vec<String>,
    yes: usize,
    if_need_be: usize,
    mine: Option<&'static str>,
}

/// One meeting as the page shows it.
pub struct MeetingBlock {
    id: String,
    kind: String,
    status: String,
    polling: bool,
    confirmed: Option<String>,
    agenda: String,
    place: Option<String>,
    video_link: Option<String>,
    interpreters: Option<String>,
    duration: String,
    invitees: Vec<String>,
    rows: Vec<CandidateRow>,
    may_answer: bool,
    may_schedule: bool,
    cancelled: bool,
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    page: PageFrame,
    case_id: String,
    reference: String,
    intro: String,
    meetings: Vec<MeetingBlock>,
    channels: Vec<(String, String)>,
    candidates_label: String,
    slots: Vec<String>,
    durations: Vec<(i64, String)>,
    video_rooms: bool,
}

/// What was just done.
#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    /// `meeting-proposed`, `meeting-answered`, …
    pub done: Option<String>,
}

const DONE: &[&str] = &[
    "meeting-proposed",
    "meeting-answered",
    "meeting-confirmed",
    "meeting-rescheduled",
    "meeting-cancelled",
];

fn zone_of(viewer: &Viewer) -> String {
    viewer.time_zone.clone().unwrap_or_else(|| "UTC".into())
}

/// An instant (RFC 3339) in another zone, as "Name: time".
fn local_for(viewer: &Viewer, name: &str, zone: &str, at: &str) -> String {
    let ms = at
        .parse::<jiff::Timestamp>()
        .map(|t| t.as_millisecond())
        .unwrap_or_default();
    format!(
        "{name}: {}",
        accord_i18n::format::date_time(viewer.lang, ms, Some(zone))
    )
}

fn availability_word(viewer: &Viewer, a: Availability) -> String {
    viewer.t(match a {
        Availability::Yes => "meeting-yes",
        Availability::IfNeedBe => "meeting-if-need-be",
        Availability::No => "meeting-no",
    })
}

fn block(viewer: &Viewer, case: &accord_domain::Case, m: MeetingView) -> MeetingBlock {
    let me = viewer
        .principal
        .actor
        .user_id()
        .unwrap_or_default()
        .to_owned();
    let kind = match m.channel.strip_prefix("caucus:") {
        None => viewer.t("meeting-joint"),
        Some(party) if m.may_schedule => {
            let name = case
                .party(party)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| party.to_owned());
            viewer.ta("meeting-caucus-with", &[("party", &name)])
        }
        Some(_) => viewer.t("meeting-caucus"),
    };
    let rows = m
        .candidates
        .iter()
        .enumerate()
        .map(|(i, at)| {
            let answers: Vec<Option<Availability>> = m
                .invitees
                .iter()
                .map(|p| p.answers.as_ref().and_then(|a| a.get(i).copied()))
                .collect();
            CandidateRow {
                index: i,
                when: viewer.when(at),
                others: m
                    .invitees
                    .iter()
                    .filter(|p| p.user_id != me && Some(&p.time_zone) != viewer.time_zone.as_ref())
                    .map(|p| local_for(viewer, &p.name, &p.time_zone, at))
                    .collect(),
                answers: answers
                    .iter()
                    .map(|a| {
                        a.map_or_else(
                            || viewer.t("meeting-no-answer"),
                            |a| availability_word(viewer, a),
                        )
                    })
                    .collect(),
                yes: answers
                    .iter()
                    .filter(|a| **a == Some(Availability::Yes))
                    .count(),
                if_need_be: answers
                    .iter()
                    .filter(|a| **a == Some(Availability::IfNeedBe))
                    .count(),
                mine: m
                    .invitees
                    .iter()
                    .find(|p| p.user_id == me)
                    .and_then(|p| p.answers.as_ref())
                    .and_then(|a| a.get(i))
                    .map(|a| match a {
                        Availability::Yes => "yes",
                        Availability::IfNeedBe => "if-need-be",
                        Availability::No => "no",
                    }),
            }
        })
        .collect();
    MeetingBlock {
        status: viewer.t(&format!("meeting-status-{}", m.status)),
        polling: m.status == "polling",
        cancelled: m.status == "cancelled",
        confirmed: m
            .start
            .as_deref()
            .filter(|_| m.status == "confirmed")
            .map(|s| viewer.ta("meeting-confirmed-for", &[("when", &viewer.when(s))])),
        duration: viewer.ta(
            "meeting-minutes",
            &[(
                "n",
                &accord_i18n::format::integer(viewer.lang, m.duration_minutes),
            )],
        ),
        invitees: m.invitees.iter().map(|p| p.name.clone()).collect(),
        id: m.id,
        kind,
        agenda: m.agenda,
        place: m.place,
        video_link: m.video_link,
        interpreters: m.interpreters,
        rows,
        may_answer: m.may_answer,
        may_schedule: m.may_schedule,
    }
}

/// `GET /cases/{case_id}/meetings`.
pub async fn meetings_page(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(case_id): Path<String>,
    query: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let done = query.ok().and_then(|Query(q)| q.done);
    let notice = done
        .as_deref()
        .filter(|d| DONE.contains(d))
        .map(|d| viewer.t(&format!("done-{d}")));
    render(&s, &viewer, &case_id, notice, None, StatusCode::OK).await
}

async fn render(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
    notice: Option<String>,
    alert: Option<(String, String)>,
    status: StatusCode,
) -> Response {
    let actor = &viewer.principal.actor;
    let view = match s.accord.case_view(actor, case_id).await {
        Ok(v) => v,
        Err(e) => return super::respond::error_page(viewer, e),
    };
    let meetings = match s.accord.meetings(actor, case_id).await {
        Ok(m) => m,
        Err(e) => return super::respond::error_page(viewer, e),
    };
    let case = &view.case;
    let channels: Vec<(String, String)> =
        std::iter::once(("plenary".to_owned(), viewer.t("meeting-joint")))
            .chain(case.active_parties().map(|p| {
                (
                    format!("caucus:{}", p.id),
                    viewer.ta("meeting-caucus-with", &[("party", &p.name)]),
                )
            }))
            .filter(|(c, _)| {
                accord_domain::channel::ChannelId::parse(c)
                    .is_some_and(|c| accord_domain::meeting::may_schedule(actor, case, &c))
            })
            .collect();
    let zone = zone_of(viewer);
    let mut frame = viewer.frame("meetings-title", "/");
    frame.notice = notice;
    frame.alert = alert;
    html(
        status,
        &MeetingsPage {
            page: frame,
            case_id: case_id.to_owned(),
            reference: case.reference.clone(),
            intro: viewer.ta("meetings-intro", &[("zone", &zone)]),
            meetings: meetings
                .into_iter()
                .map(|m| block(viewer, case, m))
                .collect(),
            candidates_label: viewer.ta("meeting-candidates", &[("zone", &zone)]),
            slots: (1..=5)
                .map(|n| {
                    viewer.ta(
                        "meeting-candidate",
                        &[("n", &accord_i18n::format::integer(viewer.lang, n))],
                    )
                })
                .collect(),
            channels,
            durations: [30, 60, 90, 120, 180, 240]
                .into_iter()
                .map(|n| {
                    (
                        n,
                        viewer.ta(
                            "meeting-minutes",
                            &[("n", &accord_i18n::format::integer(viewer.lang, n))],
                        ),
                    )
                })
                .collect(),
            video_rooms: s.accord.video_rooms(),
        },
    )
}

/// A local date and time from a `datetime-local` field, in the viewer's zone, as an RFC 3339
/// instant (a time skipped by a clock change is read as the one after it).
fn instant_of(viewer: &Viewer, local: &str) -> Option<String> {
    let dt: jiff::civil::DateTime = local.trim().parse().ok()?;
    let tz = jiff::tz::TimeZone::get(&zone_of(viewer)).ok()?;
    dt.to_zoned_datetime(tz)
        .ok()
        .map(|z| z.timestamp().to_string())
}

/// The proposal form.
#[derive(Debug, Deserialize, Default)]
pub struct ProposeForm {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    agenda: String,
    #[serde(default)]
    duration: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    video: Option<String>,
    #[serde(default)]
    interpreters: String,
    #[serde(default)]
    t1: String,
    #[serde(default)]
    t2: String,
    #[serde(default)]
    t3: String,
    #[serde(default)]
    t4: String,
    #[serde(default)]
    t5: String,
}

async fn refused(s: &AppState, viewer: &Viewer, case_id: &str, e: AppError) -> Response {
    match e {
        AppError::Invalid { code, .. } => {
            let said = viewer.t(&format!("error-{code}"));
            render(
                s,
                viewer,
                case_id,
                None,
                Some((said, code.to_owned())),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        e => super::respond::error_page(viewer, e),
    }
}

/// `POST /cases/{case_id}/meetings`.
pub async fn propose(
    State(s): State<AppState>,
    Path(case_id): Path<String>,
    CheckedForm(viewer, f): CheckedForm<ProposeForm>,
) -> Response {
    let mut candidates = vec![];
    for t in [&f.t1, &f.t2, &f.t3, &f.t4, &f.t5] {
        if t.trim().is_empty() {
            continue;
        }
        match instant_of(&viewer, t) {
            Some(i) => candidates.push(i),
            None => {
                return refused(
                    &s,
                    &viewer,
                    &case_id,
                    AppError::invalid("invalid-meeting", ""),
                )
                .await;
            }
        }
    }
    let input = MeetingInput {
        channel: f.channel,
        agenda: f.agenda,
        candidates,
        duration_minutes: f.duration.parse().unwrap_or(0),
        place: Some(f.place).filter(|p| !p.trim().is_empty()),
        video: f.video.is_some(),
        interpreters: Some(f.interpreters).filter(|p| !p.trim().is_empty()),
    };
    match s
        .accord
        .propose_meeting(&viewer.principal.actor, &case_id, &input)
        .await
    {
        Ok(m) => see_other(&format!(
            "/cases/{case_id}/meetings?done=meeting-proposed#meeting-{}",
            m.id
        )),
        Err(e) => refused(&s, &viewer, &case_id, e).await,
    }
}

/// The answer form: one field per candidate (`a0`, `a1`, …).
pub type AnswerForm = std::collections::BTreeMap<String, String>;

/// `POST /cases/{case_id}/meetings/{meeting_id}/answer`.
pub async fn answer(
    State(s): State<AppState>,
    Path((case_id, meeting_id)): Path<(String, String)>,
    CheckedForm(viewer, f): CheckedForm<AnswerForm>,
) -> Response {
    let mut answers = vec![];
    for i in 0..accord_app::meetings::MAX_CANDIDATES {
        let Some(v) = f.get(&format!("a{i}")) else {
            break;
        };
        answers.push(match v.as_str() {
            "yes" => Availability::Yes,
            "if-need-be" => Availability::IfNeedBe,
            _ => Availability::No,
        });
    }
    let input = MeetingAnswerInput { answers };
    match s
        .accord
        .answer_meeting(&viewer.principal.actor, &case_id, &meeting_id, &input)
        .await
    {
        Ok(_) => see_other(&format!(
            "/cases/{case_id}/meetings?done=meeting-answered#meeting-{meeting_id}"
        )),
        Err(e) => refused(&s, &viewer, &case_id, e).await,
    }
}

/// The scheduling forms: confirm (`candidate`), move (`start`), cancel (`sure`).
#[derive(Debug, Deserialize, Default)]
pub struct ScheduleForm {
    #[serde(default)]
    candidate: Option<usize>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    sure: Option<String>,
}

/// `POST /cases/{case_id}/meetings/{meeting_id}/{step}`: `confirm`, `reschedule`, `cancel`.
pub async fn schedule(
    State(s): State<AppState>,
    Path((case_id, meeting_id, step)): Path<(String, String, String)>,
    CheckedForm(viewer, f): CheckedForm<ScheduleForm>,
) -> Response {
    let actor = &viewer.principal.actor;
    let done = match step.as_str() {
        "confirm" => {
            let input = MeetingConfirmInput {
                candidate: f.candidate.unwrap_or(usize::MAX),
            };
            s.accord
                .confirm_meeting(actor, &case_id, &meeting_id, &input)
                .await
                .map(|_| "meeting-confirmed")
        }
        "reschedule" => {
            let Some(start) = f.start.as_deref().and_then(|t| instant_of(&viewer, t)) else {
                return refused(
                    &s,
                    &viewer,
                    &case_id,
                    AppError::invalid("invalid-meeting", ""),
                )
                .await;
            };
            s.accord
                .reschedule_meeting(actor, &case_id, &meeting_id, &MeetingMoveInput { start })
                .await
                .map(|_| "meeting-rescheduled")
        }
        "cancel" if f.sure.is_some() => s
            .accord
            .cancel_meeting(actor, &case_id, &meeting_id)
            .await
            .map(|_| "meeting-cancelled"),
        "cancel" => return see_other(&format!("/cases/{case_id}/meetings#meeting-{meeting_id}")),
        _ => return super::respond::error_page(&viewer, AppError::NotFound { what: "meeting" }),
    };
    match done {
        Ok(d) => see_other(&format!(
            "/cases/{case_id}/meetings?done={d}#meeting-{meeting_id}"
        )),
        Err(e) => refused(&s, &viewer, &case_id, e).await,
    }
}

/// `GET /calendar/{file}`: a user's feed behind its secret address (`<secret>.ics`); an
/// unknown or revoked address is not found.
pub async fn calendar_feed(State(s): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(secret) = file.strip_suffix(".ics").filter(|x| x.len() == 64) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match s.accord.calendar_feed(secret).await {
        Ok(feed) => {
            let events: Vec<_> = feed
                .events
                .into_iter()
                .map(|(mut e, label)| {
                    e.summary = crate::api::calendar_summary(&feed.language, &label);
                    e
                })
                .collect();
            crate::api::ics(accord_app::calendar::calendar(
                None,
                "Accord",
                &events,
                s.accord.now_ms(),
            ))
        }
        Err(AppError::NotFound { .. }) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "calendar feed failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
