//! What one reader may know of the case record beyond the events it may read: who else holds a
//! role in the case, the platform operators' break-glass requests, and which chains of the log
//! make up its view. Pure functions of the one policy ([`crate::policy`]); the case view, every
//! export and every page apply them, so that nothing a party cannot read moves what it sees.
//!
//! The rule for participants (docs/SECURITY.md, "What each reader sees of the case"):
//! * the Secretariat and the case's case officer, who administer roles, know every participant
//!   except a party's internal ones (its internal reviewers, guests on its internal workspace
//!   alone): the channel matrix gives them nothing of a party's internal workspace;
//! * a case-wide role (case officer, finance officer) is known to everyone who sees the case;
//! * a party's internal reviewer is known to that party's representatives and reviewers;
//! * a guest (expert, interpreter, observer) is known to whoever may read in full at least one of
//!   its channels — a guest on `caucus:A` is A's and the mediator's business, never B's;
//! * everyone knows their own roles.
//!
//! Break-glass requests are a Secretariat-only fact: the Secretariat and case officers see them,
//! an operator sees its own, nobody else sees any (nor their expiry deadline).

use crate::actor::Actor;
use crate::case::{BreakGlass, Case, CaseRole, Participant};
use crate::channel::{ChannelId, ReadAccess};
use crate::deadline::{Deadline, DeadlineKind};
use crate::event::Visibility;
use crate::policy::{self, Relation};

/// Does the reader administer the case's roles (Secretariat, case officer)?
fn administers(r: &Relation) -> bool {
    r.secretariat || r.case_officer
}

/// May the reader know that this participant holds its role?
pub fn may_know_participant(actor: &Actor, r: &Relation, case: &Case, p: &Participant) -> bool {
    may_know_role(actor, r, case, &p.user_id, &p.role)
}

/// May the reader know that `user_id` holds (or is proposed for) `role`? The rule of
/// [`may_know_participant`], for any record of a role, granted or still awaiting consents.
pub fn may_know_role(
    actor: &Actor,
    r: &Relation,
    case: &Case,
    user_id: &str,
    role: &CaseRole,
) -> bool {
    if actor.user_id() == Some(user_id) {
        return true;
    }
    match role {
        CaseRole::CaseOfficer | CaseRole::FinanceOfficer => {
            administers(r) || policy::sees_case(r, case)
        }
        CaseRole::InternalReviewer { party } => {
            r.parties.contains(party) || r.reviewer_of.contains(party)
        }
        guest => guest.guest_channels().iter().any(|c| {
            policy::channel_access_for(r, case, c).0 == ReadAccess::Full
                || (administers(r) && !matches!(c, ChannelId::Internal(_)))
        }),
    }
}

/// May the reader know of this break-glass request?
pub fn may_know_break_glass(actor: &Actor, r: &Relation, b: &BreakGlass) -> bool {
    administers(r) || (r.operator && actor.user_id() == Some(b.operator.as_str()))
}

/// May the reader know of this deadline? Every procedural deadline is part of the case record;
/// a break-glass expiry follows its request.
pub fn may_know_deadline(actor: &Actor, r: &Relation, d: &Deadline) -> bool {
    d.kind != DeadlineKind::BreakGlassExpiry
        || administers(r)
        || (r.operator && actor.user_id().is_some() && d.party.as_deref() == actor.user_id())
}

/// The case record as this reader may know it: participants, break-glass requests and deadlines
/// it may not know of are left out. (Its version and time are the reader's own, computed by the
/// application from the chains it may read: [`may_read_chain`].)
pub fn case_for_reader(actor: &Actor, case: &Case) -> Case {
    let r = policy::relation(actor, case);
    let mut out = case.clone();
    out.participants
        .retain(|p| may_know_participant(actor, &r, case, p));
    out.break_glass
        .retain(|b| may_know_break_glass(actor, &r, b));
    out.deadlines.retain(|d| may_know_deadline(actor, &r, d));
    out
}

/// May the reader read the events of this chain (named by the visibility it encodes)? An
/// unreadable name counts as Secretariat-only (fail closed).
pub fn may_read_chain(r: &Relation, case: &Case, chain: &str) -> bool {
    let v = Visibility::decode(chain).unwrap_or(Visibility::Secretariat);
    policy::may_read_event(r, case, &v)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::GlobalRole;
    use crate::channel::ChannelId;
    use crate::testing::{CaseBuilder, Milestone, party_user};

    fn user(id: &str, role: GlobalRole) -> Actor {
        Actor::User {
            id: id.into(),
            role,
        }
    }

    fn guest(id: &str, channels: Vec<ChannelId>) -> Participant {
        Participant {
            user_id: id.into(),
            role: CaseRole::Expert { channels },
            undertaking_at: None,
        }
    }

    fn ids(c: &Case) -> Vec<&str> {
        c.participants.iter().map(|p| p.user_id.as_str()).collect()
    }

    #[test]
    fn each_reader_knows_only_the_participants_that_concern_it() {
        let mut case = CaseBuilder::commercial()
            .build(Milestone::Active)
            .unwrap()
            .case;
        case.participants = vec![
            Participant {
                user_id: "co".into(),
                role: CaseRole::CaseOfficer,
                undertaking_at: None,
            },
            Participant {
                user_id: "rev-h".into(),
                role: CaseRole::InternalReviewer { party: "H".into() },
                undertaking_at: None,
            },
            guest("exp-h", vec![ChannelId::Caucus("H".into())]),
            guest("exp-hi", vec![ChannelId::Internal("H".into())]),
            guest("exp-p", vec![ChannelId::Plenary]),
            guest("exp-i", vec![ChannelId::Caucus("I".into())]),
        ];
        case.break_glass = vec![BreakGlass {
            operator: "op".into(),
            reason: "index rebuild".into(),
            approvals: vec![],
            ended: false,
        }];
        let h = case_for_reader(&party_user("h"), &case);
        assert_eq!(ids(&h), ["co", "rev-h", "exp-h", "exp-hi", "exp-p"]);
        assert!(h.break_glass.is_empty());
        let i = case_for_reader(&party_user("i"), &case);
        assert_eq!(ids(&i), ["co", "exp-p", "exp-i"]);
        assert!(i.break_glass.is_empty());
        let m = case_for_reader(&user("m", GlobalRole::Mediator), &case);
        assert_eq!(ids(&m), ["co", "exp-h", "exp-p", "exp-i"]);
        assert!(m.break_glass.is_empty());
        // The Secretariat knows every role but H's internal ones (its reviewer, the guest on its
        // workspace alone).
        let sg = case_for_reader(&user("sg", GlobalRole::Secretariat), &case);
        assert_eq!(ids(&sg), ["co", "exp-h", "exp-p", "exp-i"]);
        assert_eq!(sg.break_glass.len(), 1);
        let op = case_for_reader(&user("op", GlobalRole::Operator), &case);
        assert_eq!(op.break_glass.len(), 1);
        let other_op = case_for_reader(&user("op2", GlobalRole::Operator), &case);
        assert!(other_op.break_glass.is_empty());
        // A guest knows its own role even before its undertaking opens anything.
        let e = case_for_reader(&party_user("exp-i"), &case);
        assert!(ids(&e).contains(&"exp-i"));
    }

    #[test]
    fn a_third_state_reads_its_consent_request_only_once_the_request_is_submitted() {
        use crate::party::CountryCode;
        use crate::policy::{Action, authorize};
        let xc = user("xc", GlobalRole::PartyUser);
        let country = CountryCode::parse("XC").unwrap();
        let view = Action::ViewConsentRequest {
            country: country.clone(),
        };
        let consent = Action::ConsentAsThirdState { country };
        let draft = CaseBuilder::state_state()
            .build(Milestone::Draft)
            .unwrap()
            .case;
        assert!(authorize(&xc, &view, &draft).is_err());
        assert!(authorize(&xc, &consent, &draft).is_err());
        let filed = CaseBuilder::state_state()
            .build(Milestone::Filed)
            .unwrap()
            .case;
        assert!(authorize(&xc, &view, &filed).is_ok());
    }

    #[test]
    fn unreadable_chain_names_count_as_secretariat_only() {
        let case = CaseBuilder::commercial()
            .build(Milestone::Active)
            .unwrap()
            .case;
        let r = policy::relation(&party_user("h"), &case);
        assert!(may_read_chain(&r, &case, "case"));
        assert!(may_read_chain(&r, &case, "channel:caucus:H"));
        assert!(!may_read_chain(&r, &case, "channel:caucus:I"));
        assert!(!may_read_chain(&r, &case, "secretariat"));
        assert!(!may_read_chain(&r, &case, "no such chain"));
    }
}
