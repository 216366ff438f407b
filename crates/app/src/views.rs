//! What the use cases return: views shaped for the API, built only from what the policy allows.

use accord_domain::Case;
use accord_domain::deadline::Deadline;
use accord_evidence::EventRecord;
use serde::{Deserialize, Serialize};

use crate::ports::CaseProjection;

/// A case as its viewer sees it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CaseView {
    /// The case as folded from its event log; its fields sit at the top level of the JSON.
    #[serde(flatten)]
    pub case: Case,
    /// The state's stable name (with substate), such as `SUSPENDED_VACANCY`.
    pub state_name: String,
    /// Hash of the last event this viewer may read (pin it to detect a rewritten history); with
    /// the case's `version` (the number of events the viewer may read) it moves only with events
    /// the viewer may read.
    pub head_hash: String,
    /// Pending deadlines, earliest first, each with its end in the zone it was counted in and,
    /// when the request named one (`?tz=`, or the account's zone), in the viewer's zone.
    pub next_deadlines: Vec<DeadlineView>,
    /// Options open to this viewer now because a period ran out (for example
    /// `treat-invitation-as-rejected`).
    pub options: Vec<CaseOption>,
    /// The profile's scope exclusions the request's subject categories fall under (commercial
    /// disputes; Singapore Convention Art. 1(2)), flagged from screening on: `refuse` ones block
    /// registration, `register-outside-convention` ones keep the settlement out of the Convention.
    pub scope_flags: Vec<accord_domain::profile::ScopeExclusion>,
}

/// A pending deadline with its end shown in the zone it was counted in and in the viewer's.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct DeadlineView {
    /// The deadline (its `due_at` is the UTC instant; `zone` and `last_day` say how it was
    /// counted).
    #[serde(flatten)]
    pub deadline: Deadline,
    /// `due_at` in the zone it was counted in, RFC 3339 with offset and zone, such as
    /// `2026-12-16T00:00:00+08:00[Asia/Hong_Kong]`.
    pub due_local: String,
    /// The viewer's zone, when the request named one.
    pub viewer_zone: Option<String>,
    /// `due_at` in the viewer's zone, RFC 3339 with offset and zone.
    pub due_in_viewer_zone: Option<String>,
}

impl DeadlineView {
    /// A deadline shown in the zone it was counted in (and in `viewer_zone` if given; the zone
    /// must already be known to be valid).
    pub fn new(deadline: Deadline, viewer_zone: Option<&str>) -> Self {
        let show = |zone: &str| {
            accord_domain::period::zone(zone)
                .ok()
                .map(|tz| display_zoned(deadline.due_at.to_zoned_datetime(tz)))
        };
        let counted_in = if deadline.zone.is_empty() {
            "UTC"
        } else {
            deadline.zone.as_str()
        };
        let due_local = show(counted_in).unwrap_or_else(|| deadline.due_at.to_string());
        let due_in_viewer_zone = viewer_zone.and_then(show);
        DeadlineView {
            due_local,
            viewer_zone: viewer_zone.map(str::to_owned),
            due_in_viewer_zone,
            deadline,
        }
    }
}

/// A zoned instant as RFC 3339 with offset and bracketed zone, whole seconds.
fn display_zoned(z: jiff::ZonedDateTime) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z[%Q]").to_string()
}

impl CaseView {
    /// Shows every pending deadline in the viewer's zone as well (`zone` already validated).
    pub fn in_viewer_zone(mut self, zone: Option<&str>) -> Self {
        self.next_deadlines = self
            .next_deadlines
            .into_iter()
            .map(|d| DeadlineView::new(d.deadline, zone))
            .collect();
        self
    }
}

/// An option open to the viewer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct CaseOption {
    /// The action name (POST `/api/v1/cases/{id}/actions/{action}`).
    pub action: String,
    /// The party the viewer would act for, if any.
    pub party: Option<String>,
}

/// A line in a case list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct CaseSummary {
    /// Its id (UUIDv7), stable for the record's life.
    pub id: String,
    /// The case's reference, quoted in correspondence and on every document.
    pub reference: String,
    /// The case's short title, as the request gave it.
    pub title: String,
    /// `state-state`, `state-investor` or `commercial`: decides the scope guards.
    pub dispute_type: String,
    /// State name.
    pub state: String,
    /// Events so far that the viewer may read (its version of the case, as the case's ETag).
    pub version: i64,
    /// Earliest pending deadline (RFC 3339).
    pub next_deadline: Option<String>,
    /// Time of the last event the viewer may read (RFC 3339).
    pub updated_at: String,
    /// Why the mediation ended (`settled`, `party-withdrawal`, …), once it has.
    #[serde(default)]
    pub termination_ground: Option<accord_domain::state::TerminationGround>,
}

/// What a case list reads of the folded case besides the projection's columns; the rest of the
/// case's JSON is skipped unread.
#[derive(Deserialize, Default)]
struct ListedCase {
    #[serde(default)]
    termination_ground: Option<accord_domain::state::TerminationGround>,
}

/// Milliseconds since the epoch as RFC 3339 (empty if out of range).
pub(crate) fn ms_to_rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

impl From<&CaseProjection> for CaseSummary {
    fn from(p: &CaseProjection) -> Self {
        CaseSummary {
            id: p.case_id.clone(),
            reference: p.reference.clone(),
            title: p.title.clone(),
            dispute_type: p.dispute_type.clone(),
            state: p.state.clone(),
            version: p.version,
            next_deadline: p.next_deadline_ms.map(ms_to_rfc3339),
            updated_at: ms_to_rfc3339(p.updated_at_ms),
            termination_ground: serde_json::from_str::<ListedCase>(&p.case_json)
                .unwrap_or_default()
                .termination_ground,
        }
    }
}

/// An event in a case's timeline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct EventView {
    /// Position in its chain, from 1: the chain is named by `visibility`, so the events a
    /// reader receives of a chain are numbered without gaps (hash format 1: the position in the
    /// case's single chain).
    pub seq: i64,
    /// The hash format: 2 (`accord-event-v2`, one chain per visibility) or 1 (`accord-event-v1`,
    /// events stored before the per-audience chains: one chain per case).
    pub format: i64,
    /// The event's id (UUIDv7), unique across cases.
    pub event_id: String,
    /// Recorded time (RFC 3339).
    pub recorded_at: String,
    /// `user:<id>` or `system`.
    pub actor: String,
    /// Event type.
    pub kind: String,
    /// The rule it rests on, shown beside it in the timeline.
    pub rule_basis: String,
    /// Who may read it (`case`, `secretariat`, `party:X`, `third-state:XX`, `channel:…`), as the
    /// policy reads it; it also names the event's chain.
    pub visibility: String,
    /// The fact.
    pub payload: serde_json::Value,
    /// The hash of the previous event of the same chain.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

impl From<&EventRecord> for EventView {
    fn from(r: &EventRecord) -> Self {
        EventView {
            seq: r.seq,
            format: r.format.number(),
            event_id: r.event_id.clone(),
            recorded_at: ms_to_rfc3339(r.recorded_at_ms),
            actor: r.actor.clone(),
            kind: r.kind.clone(),
            rule_basis: r.rule_basis.clone(),
            visibility: r.visibility.clone(),
            payload: serde_json::from_str(&r.payload).unwrap_or(serde_json::Value::Null),
            prev_hash: r.prev_hash.clone(),
            hash: r.hash.clone(),
        }
    }
}

/// What a third State sees: the consent request and the scope summary, nothing else.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct ConsentRequestView {
    /// The case's id (UUIDv7, as in its URL).
    pub case_id: String,
    /// The case's reference, quoted in correspondence and on every document.
    pub reference: String,
    /// The case's short title, as the request gave it.
    pub title: String,
    /// Scope summary.
    pub summary: String,
    /// The third State asked.
    pub country: String,
    /// Its consent is on file.
    pub consent_given: bool,
    /// `pending`, `given` or `declined`.
    pub status: String,
}
