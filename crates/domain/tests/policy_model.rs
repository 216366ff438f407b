//! Model check of the policy: random sequences of role grants, proposals, approvals, refusals,
//! revocations, undertakings and withdrawals agree with a small reference model written from the
//! channel matrix of docs/PROCEDURE.md (channels) and its transition 25 (who consents to which
//! role) — independently of `policy.rs` and `grant.rs` — on which grant steps are accepted, on every
//! user × channel, and on who sees the case record, after every step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeSet;

use accord_domain::case::CaseRole;
use accord_domain::channel::{ChannelId, ReadAccess};
use accord_domain::decide::{Context, decide};
use accord_domain::policy::{can_view_case, channel_access};
use accord_domain::testing::{CaseBuilder, Milestone};
use accord_domain::{Actor, Case, Command, GlobalRole};
use jiff::Timestamp;
use proptest::prelude::*;

const POOL: [&str; 5] = ["u0", "u1", "u2", "u3", "u4"];

fn user(id: &str) -> Actor {
    let role = match id {
        "sg" => GlobalRole::Secretariat,
        "m" => GlobalRole::Mediator,
        _ => GlobalRole::PartyUser,
    };
    Actor::User {
        id: id.into(),
        role,
    }
}

fn channels() -> Vec<ChannelId> {
    vec![
        ChannelId::Plenary,
        ChannelId::Caucus("H".into()),
        ChannelId::Caucus("I".into()),
        ChannelId::MediatorNotes,
        ChannelId::Internal("H".into()),
        ChannelId::Internal("I".into()),
        ChannelId::Administrative,
    ]
}

/// Who may take grant steps, besides the users of the pool.
const GRANTERS: [&str; 5] = ["sg", "m", "h", "hc", "i"];

/// The reference model's state. A user may hold roles of several concerns (the spaces whose
/// owners consent to them); a new role replaces only the user's role of the same concern.
#[derive(Debug, Default, Clone)]
struct Model {
    /// (user, role, undertaking accepted).
    roles: Vec<(String, CaseRole, bool)>,
    /// Proposed roles: (user, role, consents given so far).
    pending: Vec<(String, CaseRole, BTreeSet<String>)>,
    withdrawn: BTreeSet<String>,
}

impl Model {
    fn active(&self, p: &str) -> bool {
        !self.withdrawn.contains(p)
    }

    fn roles_of<'a>(&'a self, u: &'a str) -> impl Iterator<Item = &'a (String, CaseRole, bool)> {
        self.roles.iter().filter(move |r| r.0 == u)
    }

    /// The consents a user may give: `sec` (Secretariat), `med` (mediator), `party:X` (a
    /// representative of an active party).
    fn held(&self, u: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        if u == "sg" || self.roles_of(u).any(|r| r.1 == CaseRole::CaseOfficer) {
            out.insert("sec".to_owned());
        }
        if u == "m" {
            out.insert("med".to_owned());
        }
        if let Some(p) = Self::party_of(u).filter(|p| self.active(p)) {
            out.insert(format!("party:{p}"));
        }
        out
    }

    /// The consents a role needs (transition 25): a party's internal roles, that party; a caucus
    /// guest, the party and the mediator; everything else, the Secretariat.
    fn needed(role: &CaseRole) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        match role {
            CaseRole::InternalReviewer { party } => {
                out.insert(format!("party:{party}"));
            }
            CaseRole::CaseOfficer | CaseRole::FinanceOfficer => {
                out.insert("sec".to_owned());
            }
            guest => {
                for ch in guest.guest_channels() {
                    match ch {
                        ChannelId::Caucus(p) => {
                            out.insert(format!("party:{p}"));
                            out.insert("med".to_owned());
                        }
                        ChannelId::Internal(p) => {
                            out.insert(format!("party:{p}"));
                        }
                        _ => {
                            out.insert("sec".to_owned());
                        }
                    }
                }
            }
        }
        out
    }

    /// Every party a role names is still in the case.
    fn names_active_parties(&self, role: &CaseRole) -> bool {
        let named: Vec<&str> = match role {
            CaseRole::InternalReviewer { party } => vec![party.as_str()],
            guest => guest
                .guest_channels()
                .iter()
                .filter_map(|c| c.party())
                .collect(),
        };
        named.iter().all(|p| self.active(p))
    }

    /// A role takes effect: it replaces the user's role of the same concern.
    fn take_effect(&mut self, u: &str, role: &CaseRole) {
        let concern = Self::needed(role);
        self.pending
            .retain(|g| g.0 != u || Self::needed(&g.1) != concern);
        if self.roles.iter().any(|r| r.0 == u && &r.1 == role && !r.2) {
            return;
        }
        self.roles
            .retain(|r| r.0 != u || Self::needed(&r.1) != concern);
        self.roles.push((u.to_owned(), role.clone(), false));
    }

    /// A grant by `g` of `role` to `u`; true if accepted (granted or proposed).
    fn grant(&mut self, g: &str, u: &str, role: &CaseRole) -> bool {
        let needed = Self::needed(role);
        let given: BTreeSet<String> = self.held(g).intersection(&needed).cloned().collect();
        let same_pending = self
            .pending
            .iter()
            .any(|p| p.0 == u && Self::needed(&p.1) == needed);
        if g == u || given.is_empty() || same_pending || !self.names_active_parties(role) {
            return false;
        }
        if given == needed {
            self.take_effect(u, role);
        } else {
            self.pending.push((u.to_owned(), role.clone(), given));
        }
        true
    }

    /// An approval by `a` of the roles proposed for `u` that await `a`'s consent.
    fn approve(&mut self, a: &str, u: &str) -> bool {
        let held = self.held(a);
        let awaiting: Vec<usize> = (0..self.pending.len())
            .filter(|&k| {
                let (who, role, given) = &self.pending[k];
                who == u
                    && Self::needed(role)
                        .iter()
                        .any(|c| held.contains(c) && !given.contains(c))
            })
            .collect();
        if awaiting.is_empty() || a == u {
            return false;
        }
        let mut done = vec![];
        for k in awaiting {
            let (_, role, given) = &mut self.pending[k];
            let needed = Self::needed(role);
            given.extend(held.intersection(&needed).cloned());
            if *given == needed {
                done.push(role.clone());
            }
        }
        for role in done {
            self.take_effect(u, &role);
        }
        true
    }

    /// A refusal by `a` of the roles proposed for `u` that need a consent `a` holds.
    fn refuse(&mut self, a: &str, u: &str) -> bool {
        let held = self.held(a);
        let before = self.pending.len();
        self.pending
            .retain(|g| g.0 != u || Self::needed(&g.1).is_disjoint(&held));
        self.pending.len() != before
    }

    /// A removal by `a` of the roles `u` holds that need a consent `a` holds.
    fn revoke(&mut self, a: &str, u: &str) -> bool {
        let held = self.held(a);
        let before = self.roles.len();
        self.roles
            .retain(|r| r.0 != u || Self::needed(&r.1).is_disjoint(&held));
        self.roles.len() != before
    }

    /// Which party a user represents (fixed fixture): h and hc for H, i for I.
    fn party_of(u: &str) -> Option<&'static str> {
        match u {
            "h" | "hc" => Some("H"),
            "i" => Some("I"),
            _ => None,
        }
    }

    fn sees_case(&self, u: &str) -> bool {
        if u == "sg" || u == "m" {
            return true;
        }
        if let Some(p) = Self::party_of(u) {
            return self.active(p);
        }
        self.roles_of(u).any(|r| match &r.1 {
            CaseRole::CaseOfficer => true,
            CaseRole::InternalReviewer { party } => self.active(party),
            _ => false,
        })
    }

    /// 0 none, 1 metadata, 2 content.
    fn reads(&self, u: &str, ch: &ChannelId) -> u8 {
        let rep = Self::party_of(u).filter(|p| self.active(p));
        let officer = self.roles_of(u).any(|r| r.1 == CaseRole::CaseOfficer);
        let finance = self.roles_of(u).any(|r| r.1 == CaseRole::FinanceOfficer);
        let reviews = |p: &str| {
            self.roles_of(u)
                .any(|r| matches!(&r.1, CaseRole::InternalReviewer { party } if party == p))
                && self.active(p)
        };
        let staff = officer || u == "sg";
        let guest = self.roles_of(u).any(|r| {
            r.2 && r.1.guest_channels().contains(ch) && ch.party().is_none_or(|p| self.active(p))
        });
        let base = match ch {
            ChannelId::Plenary => {
                if u == "m" || staff || rep.is_some() || reviews("H") || reviews("I") {
                    2
                } else {
                    0
                }
            }
            ChannelId::Caucus(p) => {
                if u == "m" {
                    2
                } else if !self.active(p) {
                    0
                } else if rep == Some(p.as_str()) {
                    2
                } else if staff {
                    1
                } else {
                    0
                }
            }
            ChannelId::MediatorNotes => {
                if u == "m" {
                    2
                } else {
                    0
                }
            }
            ChannelId::Internal(p) => {
                if !self.active(p) {
                    0
                } else if rep == Some(p.as_str()) || reviews(p) {
                    2
                } else {
                    0
                }
            }
            ChannelId::Administrative => {
                if staff || finance || u == "m" || rep.is_some() {
                    2
                } else {
                    0
                }
            }
        };
        if guest { base.max(2) } else { base }
    }
}

/// An ACTIVE commercial case between H (principal `h`, counsel `hc`) and I (`i`), mediator `m`.
fn active_case() -> Case {
    let counsel = serde_json::json!({"user_id": "hc", "name": "hc", "capacity": "counsel", "authority_document": "a"});
    CaseBuilder::commercial()
        .mediator("m", "M", None)
        .with(|r| {
            r.parties[0]
                .representatives
                .push(serde_json::from_value(counsel).unwrap())
        })
        .build(Milestone::Active)
        .unwrap()
        .case
}

#[derive(Debug, Clone)]
enum Op {
    /// Granter, grantee, role kind, channels.
    Grant(usize, usize, u8, u8),
    Approve(usize, usize),
    Refuse(usize, usize),
    Revoke(usize, usize),
    Accept(usize),
    Withdraw(bool),
}

fn role(kind: u8, ch: u8) -> CaseRole {
    let chans = channels();
    let pick = |k: u8| {
        let c = chans[usize::from(k) % chans.len()].clone();
        if c == ChannelId::MediatorNotes {
            ChannelId::Plenary
        } else {
            c
        }
    };
    match kind % 6 {
        0 => CaseRole::CaseOfficer,
        1 => CaseRole::FinanceOfficer,
        2 => CaseRole::InternalReviewer {
            party: if ch.is_multiple_of(2) { "H" } else { "I" }.into(),
        },
        3 => CaseRole::Expert {
            channels: vec![pick(ch)],
        },
        4 => CaseRole::Interpreter {
            channels: vec![pick(ch), pick(ch / 7)],
        },
        _ => CaseRole::Observer {
            channels: vec![pick(ch)],
        },
    }
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0usize..5, 0usize..5, any::<u8>(), any::<u8>()).prop_map(|(g, u, k, c)| Op::Grant(g, u, k, c)),
        3 => (0usize..5, 0usize..5).prop_map(|(a, u)| Op::Approve(a, u)),
        1 => (0usize..5, 0usize..5).prop_map(|(a, u)| Op::Refuse(a, u)),
        2 => (0usize..5, 0usize..5).prop_map(|(a, u)| Op::Revoke(a, u)),
        3 => (0usize..5).prop_map(Op::Accept),
        1 => any::<bool>().prop_map(Op::Withdraw),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn policy_agrees_with_the_reference_model(ops in prop::collection::vec(op(), 1..25)) {
        let now: Timestamp = "2026-02-02T00:00:00Z".parse().unwrap();
        let mut case = active_case();
        let mut model = Model::default();
        for o in ops {
            let (actor, cmd) = match &o {
                Op::Grant(g, u, k, c) => (user(GRANTERS[*g]), Command::AddParticipant { user_id: POOL[*u].into(), role: role(*k, *c) }),
                Op::Approve(a, u) => (user(GRANTERS[*a]), Command::ApproveParticipant { user_id: POOL[*u].into() }),
                Op::Refuse(a, u) => (user(GRANTERS[*a]), Command::RefuseParticipant { user_id: POOL[*u].into() }),
                Op::Revoke(a, u) => (user(GRANTERS[*a]), Command::RemoveParticipant { user_id: POOL[*u].into() }),
                Op::Accept(u) => (user(POOL[*u]), Command::AcceptUndertaking {}),
                Op::Withdraw(h) => (user(if *h { "h" } else { "i" }), Command::Withdraw { party: if *h { "H" } else { "I" }.into() }),
            };
            let ctx = Context { now, actor: &actor, declarations: &[], profile_versions: &[] };
            let allowed = accord_domain::policy::authorize(&actor, &cmd.action(), &case).is_ok();
            let outcome = if allowed { decide(&case, &cmd, &ctx) } else { Err(accord_domain::DomainError::guard(accord_domain::ErrorCode::Forbidden, "policy")) };
            let accepted = outcome.is_ok();
            if let Ok(events) = outcome {
                for d in events {
                    case.apply(&d.event, now);
                }
            }
            let expected = match &o {
                Op::Grant(g, u, k, c) => Some(model.grant(GRANTERS[*g], POOL[*u], &role(*k, *c))),
                Op::Approve(a, u) => Some(model.approve(GRANTERS[*a], POOL[*u])),
                Op::Refuse(a, u) => Some(model.refuse(GRANTERS[*a], POOL[*u])),
                Op::Revoke(a, u) => Some(model.revoke(GRANTERS[*a], POOL[*u])),
                Op::Accept(u) => {
                    if accepted {
                        for r in model.roles.iter_mut().filter(|r| r.0 == POOL[*u] && !r.2) {
                            r.2 = r.1.needs_undertaking();
                        }
                    }
                    None
                }
                Op::Withdraw(h) => {
                    if accepted { model.withdrawn.insert(if *h { "H" } else { "I" }.into()); }
                    None
                }
            };
            if let Some(expected) = expected {
                prop_assert_eq!(accepted, expected, "accepted {:?}", o);
            }
            if case.state.is_terminal() {
                break;
            }
            let mut users: Vec<&str> = vec!["sg", "m", "h", "hc", "i"];
            users.extend(POOL);
            for u in users {
                let a = user(u);
                prop_assert_eq!(can_view_case(&a, &case), model.sees_case(u), "case record, user {} after {:?}", u, o);
                for ch in channels() {
                    let got = match channel_access(&a, &case, &ch).0 {
                        ReadAccess::None => 0,
                        ReadAccess::Metadata => 1,
                        ReadAccess::Full => 2,
                    };
                    prop_assert_eq!(got, model.reads(u, &ch), "user {} channel {} after {:?}", u, ch, o);
                }
            }
        }
    }
}
