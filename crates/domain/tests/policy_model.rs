//! Model check of the policy: random sequences of role grants, revocations, undertakings and
//! withdrawals agree with a small reference model written from the channel matrix of
//! docs/PROCEDURE.md (channels) — independently of `policy.rs` — on every user × channel, and on who
//! sees the case record, after every step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::{BTreeMap, BTreeSet};

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

/// The reference model's state.
#[derive(Debug, Default, Clone)]
struct Model {
    roles: BTreeMap<String, (CaseRole, bool)>,
    withdrawn: BTreeSet<String>,
}

impl Model {
    fn active(&self, p: &str) -> bool {
        !self.withdrawn.contains(p)
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
        match self.roles.get(u) {
            Some((CaseRole::CaseOfficer, _)) => true,
            Some((CaseRole::InternalReviewer { party }, _)) => self.active(party),
            _ => false,
        }
    }

    /// 0 none, 1 metadata, 2 content.
    fn reads(&self, u: &str, ch: &ChannelId) -> u8 {
        let rep = Self::party_of(u).filter(|p| self.active(p));
        let role = self.roles.get(u);
        let officer = matches!(role, Some((CaseRole::CaseOfficer, _)));
        let finance = matches!(role, Some((CaseRole::FinanceOfficer, _)));
        let staff = officer || u == "sg";
        let guest = match role {
            Some((r, true)) => {
                r.guest_channels().contains(ch) && ch.party().is_none_or(|p| self.active(p))
            }
            _ => false,
        };
        let base = match ch {
            ChannelId::Plenary => {
                if u == "m" || staff || rep.is_some() {
                    2
                } else {
                    match role {
                        Some((CaseRole::InternalReviewer { party }, _)) if self.active(party) => 2,
                        _ => 0,
                    }
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
                } else if rep == Some(p.as_str()) {
                    2
                } else {
                    match role {
                        Some((CaseRole::InternalReviewer { party }, _)) if party == p => 2,
                        _ => 0,
                    }
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
    Grant(usize, u8, u8),
    Revoke(usize),
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
        4 => (0usize..5, any::<u8>(), any::<u8>()).prop_map(|(u, k, c)| Op::Grant(u, k, c)),
        2 => (0usize..5).prop_map(Op::Revoke),
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
                Op::Grant(u, k, c) => (user("sg"), Command::AddParticipant { user_id: POOL[*u].into(), role: role(*k, *c) }),
                Op::Revoke(u) => (user("sg"), Command::RemoveParticipant { user_id: POOL[*u].into() }),
                Op::Accept(u) => (user(POOL[*u]), Command::AcceptUndertaking {}),
                Op::Withdraw(h) => (user(if *h { "h" } else { "i" }), Command::Withdraw { party: if *h { "H" } else { "I" }.into() }),
            };
            let ctx = Context { now, actor: &actor, declarations: &[] };
            let allowed = accord_domain::policy::authorize(&actor, &cmd.action(), &case).is_ok();
            if let (true, Ok(events)) = (allowed, decide(&case, &cmd, &ctx)) {
                for d in events {
                    case.apply(&d.event, now);
                }
                match o {
                    Op::Grant(u, k, c) => { model.roles.insert(POOL[u].into(), (role(k, c), false)); }
                    Op::Revoke(u) => { model.roles.remove(POOL[u]); }
                    Op::Accept(u) => { if let Some(r) = model.roles.get_mut(POOL[u]) { r.1 = true; } }
                    Op::Withdraw(h) => { model.withdrawn.insert(if h { "H" } else { "I" }.into()); }
                }
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
