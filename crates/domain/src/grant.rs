//! Who must consent before a per-case role opens anything (docs/PROCEDURE.md, transition 25).
//!
//! A party's private space is the party's own: its internal workspace (an internal reviewer, a
//! guest on `internal:<party>`) is opened by that party's representatives alone, and a guest in
//! its caucus needs both that party and the mediator, since the caucus is where the two speak in
//! confidence. Case-wide roles and guests of the plenary and administrative channels stay with
//! the Secretariat. No one grants a role to themselves or approves their own grant.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::case::CaseRole;
use crate::channel::ChannelId;
use crate::event::Visibility;

/// One consent a grant may need, and the authority that gives it.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum Consent {
    /// The Secretariat or the case officer: case-wide roles, plenary and administrative guests.
    Secretariat,
    /// A serving mediator: every guest in a caucus.
    Mediator,
    /// A representative of the party with the `file` scope: its internal roles and caucus guests.
    Party {
        /// The party whose private space the grant opens.
        party: String,
    },
}

/// Every consent `role` needs before it takes effect. A guest on the mediator's notes maps to the
/// mediator here; the content check refuses such a role anyway.
pub fn consents_needed(role: &CaseRole) -> BTreeSet<Consent> {
    let mut needed = BTreeSet::new();
    match role {
        CaseRole::CaseOfficer | CaseRole::FinanceOfficer => {
            needed.insert(Consent::Secretariat);
        }
        CaseRole::InternalReviewer { party } => {
            needed.insert(Consent::Party {
                party: party.clone(),
            });
        }
        guest => {
            for channel in guest.guest_channels() {
                match channel {
                    ChannelId::Plenary | ChannelId::Administrative => {
                        needed.insert(Consent::Secretariat);
                    }
                    ChannelId::Caucus(p) => {
                        needed.insert(Consent::Party { party: p.clone() });
                        needed.insert(Consent::Mediator);
                    }
                    ChannelId::Internal(p) => {
                        needed.insert(Consent::Party { party: p.clone() });
                    }
                    ChannelId::MediatorNotes => {
                        needed.insert(Consent::Mediator);
                    }
                }
            }
            if needed.is_empty() {
                needed.insert(Consent::Secretariat);
            }
        }
    }
    needed
}

/// Do two roles concern the same space (need the same consents)? A user may hold roles of
/// several concerns at once — a guest in H's caucus and I's internal reviewer — each granted,
/// replaced and withdrawn by its own authorities only, so no party can end or learn of a role in
/// another party's space by granting that user one in its own.
pub fn same_concern(a: &CaseRole, b: &CaseRole) -> bool {
    consents_needed(a) == consents_needed(b)
}

/// The private channels (caucuses, internal workspaces) a role opens, in order, each once.
pub fn private_channels(role: &CaseRole) -> Vec<ChannelId> {
    let mut out: Vec<ChannelId> = match role {
        CaseRole::InternalReviewer { party } => vec![ChannelId::Internal(party.clone())],
        other => other
            .guest_channels()
            .iter()
            .filter(|c| matches!(c, ChannelId::Caucus(_) | ChannelId::Internal(_)))
            .cloned()
            .collect(),
    };
    out.sort();
    out.dedup();
    out
}

/// Who reads the events of a grant: each private channel it opens, once per channel, so that every
/// party whose caucus or workspace is opened (and the mediator, for a caucus) sees it in its own
/// timeline and no one else learns of it; the whole case when it opens no private channel.
pub fn visibilities(role: &CaseRole) -> Vec<Visibility> {
    let private = private_channels(role);
    if private.is_empty() {
        vec![Visibility::Case]
    } else {
        private
            .into_iter()
            .map(|channel| Visibility::Channel { channel })
            .collect()
    }
}

/// A grant proposed by one authority and waiting for the other consents it needs. It opens
/// nothing until complete; then the role is granted as by `add-participant`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PendingGrant {
    /// The user the role would go to.
    pub user_id: String,
    /// The role proposed.
    pub role: CaseRole,
    /// Who proposed it (a user id); the proposal counts as the consents that user holds.
    pub proposed_by: String,
    /// The consents given so far.
    pub consents: BTreeSet<Consent>,
}

impl PendingGrant {
    /// The consents still missing.
    pub fn missing(&self) -> BTreeSet<Consent> {
        consents_needed(&self.role)
            .difference(&self.consents)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(p: &str) -> Consent {
        Consent::Party { party: p.into() }
    }

    #[test]
    fn each_role_needs_the_authorities_of_the_space_it_opens() {
        let caucus = CaseRole::Expert {
            channels: vec![ChannelId::Caucus("A".into()), ChannelId::Caucus("B".into())],
        };
        assert_eq!(
            consents_needed(&caucus),
            BTreeSet::from([party("A"), party("B"), Consent::Mediator])
        );
        let reviewer = CaseRole::InternalReviewer { party: "A".into() };
        assert_eq!(consents_needed(&reviewer), BTreeSet::from([party("A")]));
        let observer = CaseRole::Observer {
            channels: vec![ChannelId::Plenary, ChannelId::Administrative],
        };
        assert_eq!(
            consents_needed(&observer),
            BTreeSet::from([Consent::Secretariat])
        );
        assert_eq!(
            consents_needed(&CaseRole::CaseOfficer),
            BTreeSet::from([Consent::Secretariat])
        );
    }

    #[test]
    fn a_grant_on_two_parties_channels_is_shown_in_each() {
        let role = CaseRole::Interpreter {
            channels: vec![
                ChannelId::Caucus("A".into()),
                ChannelId::Internal("B".into()),
                ChannelId::Plenary,
                ChannelId::Caucus("A".into()),
            ],
        };
        assert_eq!(
            visibilities(&role),
            vec![
                Visibility::Channel {
                    channel: ChannelId::Caucus("A".into())
                },
                Visibility::Channel {
                    channel: ChannelId::Internal("B".into())
                },
            ]
        );
        assert_eq!(
            visibilities(&CaseRole::FinanceOfficer),
            vec![Visibility::Case]
        );
    }
}
