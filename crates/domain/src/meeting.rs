//! Meetings of a case — a joint session or a caucus with one party — and who takes part: pure
//! rules over the one policy ([`crate::policy`]).
//!
//! A session belongs to a channel: a joint session to the plenary, a caucus to that party's
//! caucus. Whoever reads the channel in full and takes part in the case is invited (the
//! parties' representatives concerned, the mediators, a case officer for a joint session,
//! guests of the channel); nobody else learns that the session exists. The mediator or the
//! case officer proposes candidate times, the invitees answer each (yes, if need be, no), and
//! the proposer confirms one.

use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::case::Case;
use crate::channel::{ChannelId, ReadAccess};
use crate::policy;

/// An invitee's answer for one candidate time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Availability {
    /// Available.
    Yes,
    /// Available if need be.
    IfNeedBe,
    /// Not available.
    No,
}

/// The channel a session of this kind belongs to: `plenary` for a joint session, `caucus:<party>`
/// for a caucus. Other channels hold no sessions.
pub fn is_session_channel(channel: &ChannelId) -> bool {
    matches!(channel, ChannelId::Plenary | ChannelId::Caucus(_))
}

/// May the actor see a session in this channel (and know it exists)?
pub fn may_see(actor: &Actor, case: &Case, channel: &ChannelId) -> bool {
    let r = policy::relation(actor, case);
    is_session_channel(channel)
        && policy::sees_case(&r, case)
        && policy::channel_access_for(&r, case, channel).0 == ReadAccess::Full
}

/// May the actor propose, confirm, move or cancel a session in this channel? The serving
/// mediator, or the case officer for a joint session, while the case runs.
pub fn may_schedule(actor: &Actor, case: &Case, channel: &ChannelId) -> bool {
    let r = policy::relation(actor, case);
    !case.state.is_terminal() && (r.mediator || r.case_officer) && may_see(actor, case, channel)
}

/// Is the actor invited to a session in this channel? It may see it and takes part in the case
/// (the institution's Secretariat, which reads the plenary, is not invited for that).
pub fn is_invited(actor: &Actor, case: &Case, channel: &ChannelId) -> bool {
    let r = policy::relation(actor, case);
    let takes_part = !r.represented.is_empty()
        || r.mediator
        || r.case_officer
        || r.guest_channels.iter().any(|(c, _)| c == channel);
    takes_part && may_see(actor, case, channel)
}

/// The user ids among `candidates` invited to a session in this channel.
pub fn invited(case: &Case, channel: &ChannelId, candidates: &[Actor]) -> Vec<String> {
    candidates
        .iter()
        .filter(|a| is_invited(a, case, channel))
        .filter_map(|a| a.user_id().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::GlobalRole;
    use crate::testing::{CaseBuilder, Milestone, SECRETARIAT};

    #[test]
    fn a_caucus_is_seen_by_its_party_and_the_mediator_and_by_nobody_else() {
        let f = CaseBuilder::commercial().build(Milestone::Active).unwrap();
        let case = &f.case;
        let (a, b) = (&case.parties[0], &case.parties[1]);
        let user = |id: &str, role| Actor::User {
            id: id.into(),
            role,
        };
        let mediator = user(&f.mediator, GlobalRole::Mediator);
        let a_rep = user(&a.representatives[0].user_id, GlobalRole::PartyUser);
        let b_rep = user(&b.representatives[0].user_id, GlobalRole::PartyUser);
        let sg = user(SECRETARIAT, GlobalRole::Secretariat);
        let caucus = ChannelId::Caucus(a.id.clone());
        assert!(may_schedule(&mediator, case, &caucus));
        assert!(is_invited(&a_rep, case, &caucus) && !may_schedule(&a_rep, case, &caucus));
        assert!(!may_see(&b_rep, case, &caucus));
        assert!(!may_see(&sg, case, &caucus));
        // A joint session: both parties and the mediator; the Secretariat sees it, uninvited.
        let all = [mediator, a_rep, b_rep, sg];
        let invited = invited(case, &ChannelId::Plenary, &all);
        assert_eq!(invited.len(), 3);
        assert!(may_see(&all[3], case, &ChannelId::Plenary));
        assert!(!is_session_channel(&ChannelId::MediatorNotes));
    }
}
