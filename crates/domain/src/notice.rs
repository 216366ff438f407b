//! Who is told what: the notices a recorded event or a posted message gives rise to.
//!
//! A notice names a case, a topic and a link target, never content: a message in a caucus becomes
//! "a new message in your private session with the mediator", not its text. Each recipient is
//! decided by the one visibility policy ([`crate::policy`]) on the case as it stands: a user is
//! told of an event only if it may read that event, and of a message only if it may read its
//! channel in full. So nothing of a party's caucus, preferences or bidding figures reaches
//! another party by notice — not even that such a session or message exists.
//!
//! Who is asked to look (docs/NOTIFICATIONS.md):
//! * the people taking part in the case (parties' representatives, mediators, per-case roles,
//!   third States' representatives) are told of every event they may read, except their own acts
//!   and the drafting of a request;
//! * the institution's Secretariat (who may read everything) is told only when the case waits on
//!   it ([`crate::state::Turn::Secretariat`]) or of an emergency-access request; a case officer
//!   of the case is told as a participant;
//! * an operator is told of the approval or end of its own emergency access only.
//!
//! Pure: the application gives the candidates (every user named in the case, and the Secretariat)
//! with their institution roles.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::actor::{Actor, GlobalRole};
use crate::case::Case;
use crate::channel::{ChannelId, ReadAccess};
use crate::event::Visibility;
use crate::policy;
use crate::state::Turn;

/// What a notice is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "topic", rename_all = "kebab-case")]
pub enum Topic {
    /// An event of the case record, by its stable kind (`invitation-sent`, …).
    Event {
        /// The event's kind.
        kind: String,
        /// The channel, for an event of a channel (a document filed in it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
        /// The recipient reads the channel as the mediator.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        as_mediator: bool,
    },
    /// A message posted in a channel the recipient reads in full.
    Message {
        /// The channel, in its stable form (`plenary`, `caucus:A`, …).
        channel: String,
        /// The recipient reads it as the mediator (a caucus is then "a private session with a
        /// party", not "your private session with the mediator").
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        as_mediator: bool,
    },
    /// A meeting (a joint session or a caucus) the recipient is invited to was proposed,
    /// answered, confirmed, moved or cancelled.
    Meeting {
        /// The meeting's id.
        meeting_id: String,
        /// `proposed`, `answered`, `confirmed`, `rescheduled` or `cancelled`.
        change: String,
        /// Its channel (`plenary` or `caucus:<party>`).
        channel: String,
    },
    /// A deadline of the case falls due soon (a reminder).
    Reminder {
        /// The deadline's kind.
        deadline: String,
        /// Its due instant (ms since the epoch, UTC).
        due_ms: i64,
        /// Days before the due time at which the reminder is sent.
        days_before: u32,
    },
}

impl Topic {
    /// A stable, content-free key for the topic (used in stores and e-mail headers).
    pub fn kind(&self) -> String {
        match self {
            Topic::Event { kind, .. } => format!("event:{kind}"),
            Topic::Message { channel, .. } => format!("message:{}", channel_kind(channel)),
            Topic::Reminder { deadline, .. } => format!("reminder:{deadline}"),
            Topic::Meeting { change, .. } => format!("meeting:{change}"),
        }
    }
}

/// The message that words a topic (`event-<kind>`, `notice-message-<channel kind>`, …) and
/// its arguments: no content, only what kind of thing happened and where.
pub fn message_id(topic: &Topic) -> String {
    let side = |channel: &str, as_mediator: bool| {
        let kind = channel_kind(channel);
        if kind == "caucus" && as_mediator {
            "caucus-mediator".to_owned()
        } else {
            kind.to_owned()
        }
    };
    match topic {
        Topic::Event {
            kind,
            channel: Some(channel),
            as_mediator,
        } if kind == "document-filed" => {
            format!("notice-document-{}", side(channel, *as_mediator))
        }
        Topic::Event { kind, .. } => format!("event-{kind}"),
        Topic::Message {
            channel,
            as_mediator,
        } => format!("notice-message-{}", side(channel, *as_mediator)),
        Topic::Reminder { .. } => "notice-reminder".to_owned(),
        Topic::Meeting { change, .. } => format!("notice-meeting-{change}"),
    }
}

/// A channel's kind without its party (`caucus`, `internal`, `plenary`, …).
pub fn channel_kind(channel: &str) -> &str {
    channel.split(':').next().unwrap_or(channel)
}

/// One user to tell, and what of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The recipient's user id.
    pub user_id: String,
    /// What it is about.
    pub topic: Topic,
    /// The case now waits on the recipient's side (said beside the notice).
    pub your_turn: bool,
    /// The rules require this to be notified: a user's preference "off" does not silence it.
    pub required: bool,
}

/// Events that mark the rules' formal notifications (an invitation, a registration, a suspension,
/// the end of the mediation, a signature awaited): e-mailed even to a user who turned e-mail off.
pub const REQUIRED_KINDS: &[&str] = &[
    "invitation-sent",
    "case-registered",
    "request-refused",
    "mediator-nominated",
    "appointment-confirmed",
    "default-notice-issued",
    "suspended-for-nonpayment",
    "suspended-by-agreement",
    "resumed",
    "text-frozen",
    "mediation-terminated",
    "time-limit-set",
];

/// Events nobody is told of: a request being drafted is its author's own business.
const QUIET_KINDS: &[&str] = &["draft-created", "draft-amended"];

/// Every user the case names (representatives, mediators, per-case roles, third States'
/// representatives, the request's author): the candidates beside the Secretariat.
pub fn named_users(case: &Case) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    out.insert(case.created_by.clone());
    for p in &case.parties {
        for r in &p.representatives {
            out.insert(r.user_id.clone());
        }
    }
    for m in &case.mediators {
        out.insert(m.user_id.clone());
    }
    for p in &case.participants {
        out.insert(p.user_id.clone());
    }
    for t in &case.third_states {
        out.extend(t.representatives.iter().cloned());
    }
    for b in &case.break_glass {
        out.insert(b.operator.clone());
    }
    out
}

/// Does the case, after this event, wait on this reader's side?
fn turn_is(r: &policy::Relation, case: &Case) -> bool {
    match Turn::of_stage(case.state.name()) {
        Turn::Secretariat => r.secretariat || r.case_officer,
        Turn::Parties => !r.parties.is_empty(),
        Turn::Mediator => r.mediator || r.appointee,
        Turn::Nobody => false,
    }
}

/// The notices an event of `kind` with `visibility`, recorded by `actor` (its log name,
/// `user:<id>` or `system`), gives rise to among `candidates`, on the case as it stands after it.
pub fn for_event(
    case: &Case,
    kind: &str,
    visibility: &Visibility,
    actor: &str,
    candidates: &[Actor],
) -> Vec<Notice> {
    if QUIET_KINDS.contains(&kind) {
        return Vec::new();
    }
    let channel = match visibility {
        Visibility::Channel { channel } => Some(channel),
        _ => None,
    };
    let mut out = Vec::new();
    for candidate in candidates {
        let Actor::User { id, role } = candidate else {
            continue;
        };
        if actor.strip_prefix("user:") == Some(id.as_str()) {
            continue;
        }
        let r = policy::relation(candidate, case);
        if !policy::may_read_event(&r, case, visibility) {
            continue;
        }
        // What happens in a channel is told to its full readers only (the Secretariat sees a
        // caucus's metadata, which is no reason to write to it).
        if let Some(c) = channel
            && policy::channel_access_for(&r, case, c).0 != ReadAccess::Full
        {
            continue;
        }
        let takes_part = !r.represented.is_empty()
            || !r.authority_awaited.is_empty()
            || r.requesting
            || r.mediator
            || r.appointee
            || r.case_officer
            || r.finance
            || !r.reviewer_of.is_empty()
            || !r.guest_channels.is_empty()
            || r.guest_pending
            || !r.third_states.is_empty();
        let your_turn = turn_is(&r, case);
        let tell = match role {
            GlobalRole::Operator => {
                kind.starts_with("break-glass-")
                    && kind != "break-glass-requested"
                    && case.break_glass.iter().any(|b| &b.operator == id)
            }
            GlobalRole::GoverningCouncil => false,
            _ if takes_part => true,
            GlobalRole::Secretariat => your_turn || kind == "break-glass-requested",
            _ => false,
        };
        if tell {
            out.push(Notice {
                user_id: id.clone(),
                topic: Topic::Event {
                    kind: kind.to_owned(),
                    channel: channel.map(ChannelId::encode),
                    as_mediator: r.mediator,
                },
                your_turn,
                required: REQUIRED_KINDS.contains(&kind),
            });
        }
    }
    out
}

/// The notices a message posted in `channel` by `author` (a user id) gives rise to: every
/// candidate who reads the channel in full, except its author.
pub fn for_message(
    case: &Case,
    channel: &ChannelId,
    author: &str,
    candidates: &[Actor],
) -> Vec<Notice> {
    let mut out = Vec::new();
    for candidate in candidates {
        let Actor::User { id, .. } = candidate else {
            continue;
        };
        if id == author {
            continue;
        }
        let r = policy::relation(candidate, case);
        if policy::channel_access_for(&r, case, channel).0 != ReadAccess::Full {
            continue;
        }
        // The institution's Secretariat reads the plenary and the administrative channel in
        // full but is not written to for every message there; a case officer is.
        let staff_only = r.secretariat
            && !r.case_officer
            && r.represented.is_empty()
            && !r.mediator
            && r.guest_channels.is_empty();
        if staff_only {
            continue;
        }
        out.push(Notice {
            user_id: id.clone(),
            topic: Topic::Message {
                channel: channel.encode(),
                as_mediator: r.mediator,
            },
            your_turn: false,
            required: false,
        });
    }
    out
}

/// A reminder due now: its stable source and the notices it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// `reminder:<case>:<deadline kind>:<party or ->:<due ms>:<days before>`: the same on every
    /// pass, so a reminder is stored once.
    pub source: String,
    /// When it became due (ms): the deadline's due time less the days before.
    pub at_ms: i64,
    /// Who is reminded.
    pub notices: Vec<Notice>,
}

/// The reminders of the case's running deadlines whose time (the profile's days before each
/// deadline) has come by `now_ms` and whose deadline has not run out: each to whoever must act
/// and may know of the deadline — the party a per-party deadline concerns, else the side the
/// stage waits on.
pub fn reminders(case: &Case, now_ms: i64, candidates: &[Actor]) -> Vec<Reminder> {
    use crate::deadline::DeadlineStatus;
    const DAY_MS: i64 = 24 * 3600 * 1000;
    let mut out = Vec::new();
    for d in case
        .deadlines
        .iter()
        .filter(|d| d.status == DeadlineStatus::Pending)
    {
        let due_ms = d.due_at.as_millisecond();
        if now_ms >= due_ms {
            continue;
        }
        let kind = serde_json::to_value(d.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        // The nearest period only: a deadline 3 days away is reminded "1 day before" later,
        // not "7 days before" now.
        let Some(days) = case
            .profile
            .reminder_days
            .iter()
            .copied()
            .filter(|days| due_ms - i64::from(*days) * DAY_MS <= now_ms)
            .min()
        else {
            continue;
        };
        let mut notices = Vec::new();
        for candidate in candidates {
            let Actor::User { id, .. } = candidate else {
                continue;
            };
            let r = policy::relation(candidate, case);
            if !policy::sees_case(&r, case) || !crate::reader::may_know_deadline(candidate, &r, d) {
                continue;
            }
            let acts = match &d.party {
                Some(p) if case.party(p).is_some() => r.parties.contains(p),
                _ => turn_is(&r, case),
            };
            // The institution's Secretariat is reminded through its case officer when there is
            // one; without one, the Secretariat itself.
            let staff_only = r.secretariat && !r.case_officer;
            let has_officer = case
                .participants
                .iter()
                .any(|p| p.role == crate::case::CaseRole::CaseOfficer);
            if acts && !(staff_only && has_officer) {
                notices.push(Notice {
                    user_id: id.clone(),
                    topic: Topic::Reminder {
                        deadline: kind.clone(),
                        due_ms,
                        days_before: days,
                    },
                    your_turn: true,
                    required: false,
                });
            }
        }
        if !notices.is_empty() {
            out.push(Reminder {
                source: format!(
                    "reminder:{}:{kind}:{}:{due_ms}:{days}",
                    case.id,
                    d.party.as_deref().unwrap_or("-")
                ),
                at_ms: due_ms - i64::from(days) * DAY_MS,
                notices,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::testing::{CaseBuilder, Milestone, SECRETARIAT};

    fn user(id: &str, role: GlobalRole) -> Actor {
        Actor::User {
            id: id.into(),
            role,
        }
    }

    fn everyone(case: &Case) -> Vec<Actor> {
        let mut out: Vec<Actor> = named_users(case)
            .into_iter()
            .map(|u| {
                let role = if case.mediators.iter().any(|m| m.user_id == u) {
                    GlobalRole::Mediator
                } else {
                    GlobalRole::PartyUser
                };
                user(&u, role)
            })
            .collect();
        out.push(user(SECRETARIAT, GlobalRole::Secretariat));
        out
    }

    fn told(notices: Vec<Notice>) -> BTreeSet<String> {
        notices.into_iter().map(|n| n.user_id).collect()
    }

    #[test]
    fn a_caucus_message_reaches_its_party_and_the_mediator_only() {
        let f = CaseBuilder::commercial().build(Milestone::Active).unwrap();
        let case = &f.case;
        let (a, b) = (&case.parties[0], &case.parties[1]);
        let author = a.representatives[0].user_id.clone();
        let told = told(for_message(
            case,
            &ChannelId::Caucus(a.id.clone()),
            &author,
            &everyone(case),
        ));
        assert!(told.contains(&f.mediator), "{told:?}");
        assert!(!told.contains(&author));
        assert!(!told.contains(SECRETARIAT));
        for rep in &b.representatives {
            assert!(!told.contains(&rep.user_id), "B told of A's caucus");
        }
    }

    #[test]
    fn a_document_in_a_caucus_is_told_to_its_full_readers_only() {
        let f = CaseBuilder::commercial().build(Milestone::Active).unwrap();
        let case = &f.case;
        let (a, b) = (&case.parties[0], &case.parties[1]);
        let v = Visibility::Channel {
            channel: ChannelId::Caucus(a.id.clone()),
        };
        let told = told(for_event(
            case,
            "document-filed",
            &v,
            "system",
            &everyone(case),
        ));
        assert!(told.contains(&f.mediator));
        assert!(told.contains(&a.representatives[0].user_id));
        // The Secretariat reads a caucus's metadata only; B nothing at all.
        assert!(!told.contains(SECRETARIAT));
        assert!(!told.contains(&b.representatives[0].user_id));
    }

    #[test]
    fn nobody_is_told_of_their_own_act_and_the_secretariat_only_when_it_must_act() {
        let f = CaseBuilder::commercial().build(Milestone::Active).unwrap();
        let case = &f.case;
        let a = &case.parties[0];
        let actor = format!("user:{}", a.representatives[0].user_id);
        let notices = for_event(
            case,
            "terms-agreed",
            &Visibility::Case,
            &actor,
            &everyone(case),
        );
        let told = told(notices.clone());
        assert!(!told.contains(&a.representatives[0].user_id));
        assert!(told.contains(&case.parties[1].representatives[0].user_id));
        assert!(told.contains(&f.mediator));
        // ACTIVE waits on the mediator, not on the Secretariat.
        assert!(!told.contains(SECRETARIAT));
        assert!(
            notices
                .iter()
                .any(|n| n.user_id == f.mediator && n.your_turn)
        );
        // A party-only event reaches that party's side alone.
        let v = Visibility::Party {
            party: a.id.clone(),
        };
        let told = told_party(case, &v);
        assert!(told.contains(&a.representatives[0].user_id));
        assert!(!told.contains(&case.parties[1].representatives[0].user_id));
    }

    fn told_party(case: &Case, v: &Visibility) -> BTreeSet<String> {
        told(for_event(
            case,
            "deposit-paid",
            v,
            "system",
            &everyone(case),
        ))
    }

    #[test]
    fn a_deadline_is_reminded_at_its_nearest_period_to_whoever_must_act() {
        let f = CaseBuilder::commercial()
            .build(Milestone::Preparatory)
            .unwrap();
        let case = &f.case;
        let d = case
            .deadlines
            .iter()
            .find(|d| d.status == crate::deadline::DeadlineStatus::Pending)
            .expect("a running deadline")
            .clone();
        let due = d.due_at.as_millisecond();
        let day = 24 * 3600 * 1000;
        // More than 7 days before: nothing yet.
        assert!(reminders(case, due - 8 * day, &everyone(case)).is_empty());
        let week = reminders(case, due - 6 * day, &everyone(case));
        assert_eq!(week.len(), 1);
        assert!(week[0].source.ends_with(":7"), "{}", week[0].source);
        assert_eq!(week[0].at_ms, due - 7 * day);
        let eve = reminders(case, due - day / 2, &everyone(case));
        assert!(eve[0].source.ends_with(":1"));
        assert_ne!(week[0].source, eve[0].source);
        // Run out: no reminder.
        assert!(reminders(case, due, &everyone(case)).is_empty());
        // Only those whose side acts are reminded.
        for n in &week[0].notices {
            let actor = everyone(case)
                .into_iter()
                .find(|a| a.user_id() == Some(&n.user_id))
                .unwrap();
            let r = policy::relation(&actor, case);
            assert!(turn_is(&r, case) || d.party.as_ref().is_some_and(|p| r.parties.contains(p)));
        }
    }

    #[test]
    fn drafting_is_nobody_elses_business() {
        let f = CaseBuilder::commercial().build(Milestone::Draft).unwrap();
        let n = for_event(
            &f.case,
            "draft-amended",
            &Visibility::Case,
            "system",
            &everyone(&f.case),
        );
        assert!(n.is_empty());
    }
}
