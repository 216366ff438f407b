//! The authorization matrix (security-and-reliability T1): every route of the router × every
//! principal × objects that are the principal's own, another party's, another case's, hidden and
//! non-existent, sent as real HTTP requests and compared with an independent oracle written from
//! the channel matrix of docs/PROCEDURE.md (channels) — not from the policy code.
//!
//! Actions are sent with `If-Match: "v0"`, so an allowed action answers `version-conflict` and
//! changes nothing; other writes use bodies that the use case refuses after the policy check.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};

use accord_domain::testing::Milestone;

use crate::harness::{
    Backend, COMMERCIAL_CAST, TestServer, builder, declaration, drive, first_session,
};

/// What the oracle expects of one probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The policy lets it through (the answer is the use case's: 2xx, or its own 4xx).
    Allowed,
    /// Refused, visibly (403).
    Forbidden,
    /// Answered as for a non-existent object (404, byte-identical to the missing object's answer).
    Hidden,
    /// No valid session (401).
    Unauthenticated,
}

const PRINCIPALS: &[&str] = &[
    "anonymous",
    "harbour",
    "hcounsel",
    "indah",
    "mediator",
    "officer",
    "finance",
    "expert",
    "reviewer",
    "sgen",
    "operator",
    "council",
    "stranger",
    "removed",
    "disabled",
];

/// The cases of the fixture: X (active, every role), Y (the strangers' filed case), D (the
/// stranger's draft), and a case id that does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum C {
    X,
    Y,
    D,
    Missing,
}

/// Who sees a case's record (oracle, from the channel matrix): X — the parties' representatives, the mediator,
/// the case officer, the Secretariat, the party's internal reviewer; Y (filed, not yet disclosed
/// to the respondent) — its requesting party and the Secretariat; D (a draft) — its drafter.
fn sees(p: &str, c: C) -> bool {
    match c {
        C::X => matches!(
            p,
            "harbour" | "hcounsel" | "indah" | "mediator" | "officer" | "sgen" | "reviewer"
        ),
        C::Y => matches!(p, "stranger" | "sgen"),
        C::D => p == "stranger",
        C::Missing => false,
    }
}

fn authenticated(p: &str) -> bool {
    !matches!(p, "anonymous" | "disabled")
}

const STAFF_ACTIONS: &[&str] = &[
    "end-break-glass",
    "record-lodging-fee",
    "send-invitation",
    "record-consent",
    "refuse-request",
    "record-state-approval",
    "record-authority",
    "register",
    "nominate-mediator",
    "record-final-accounts",
    "close",
    // The generic body grants the case-officer role: the Secretariat's (transition 25).
    "add-participant",
];
const STAFF_OR_MEDIATOR: &[&str] = &[
    "agree-mediator-count",
    "suspend-by-agreement",
    "resume",
    "set-time-limit",
    "record-vacancy",
];
const MEDIATOR_ACTIONS: &[&str] = &[
    "file-disclosure",
    "record-first-session",
    "record-consultation",
    "indicate-terms-agreed",
    "declare-mediator-termination",
    "open-negotiation",
    "propose-package",
    "open-blind-bidding",
    "countersign-settlement",
];
const REQUESTING: &[&str] = &[
    "amend-draft",
    "submit-request",
    "withdraw-request",
    "treat-invitation-as-rejected",
];

/// Who may do an action (oracle). Party acts are sent for party H.
fn may_act(p: &str, c: C, action: &str) -> bool {
    let staff = match c {
        C::X => matches!(p, "sgen" | "officer"),
        C::Y => p == "sgen",
        _ => false,
    };
    let requesting = match c {
        C::X => matches!(p, "harbour" | "hcounsel"),
        C::Y | C::D => p == "stranger",
        C::Missing => false,
    };
    if STAFF_ACTIONS.contains(&action) {
        return staff;
    }
    if STAFF_OR_MEDIATOR.contains(&action) {
        return staff || (c == C::X && p == "mediator");
    }
    if MEDIATOR_ACTIONS.contains(&action) {
        return c == C::X && p == "mediator";
    }
    if REQUESTING.contains(&action) {
        return requesting;
    }
    match action {
        // An operator may ask for break-glass access to any existing case it cannot see.
        "request-break-glass" => p == "operator" && c != C::Missing,
        // Members of the Secretariat only, not case officers.
        "approve-break-glass" => staff && p == "sgen",
        // Any grant authority passes the policy; the domain then acts only on the roles the
        // actor holds a consent in (so no one learns of a grant in another party's space).
        "approve-participant" | "refuse-participant" => !held(p, c).is_empty(),
        "remove-participant" => !held(p, c).is_empty(),
        "record-deposit-paid" => staff || (c == C::X && p == "finance"),
        "accept-appointment" | "decline-appointment" | "accept-undertaking" => false,
        "sign-settlement" => c == C::X && p == "harbour",
        // The Secretariat, or the party's principal (not its counsel).
        "revoke-authority" => staff || (c == C::X && p == "harbour"),
        "record-third-state-consent" | "decline-third-state-consent" => staff && p == "sgen",
        _ => c == C::X && matches!(p, "harbour" | "hcounsel"),
    }
}

/// The grant consents a principal may give (oracle, docs/PROCEDURE.md transition 25): `sec` for
/// staff, `med` for the serving mediator, `party:X` for a representative of X with the `file`
/// scope.
fn held(p: &str, c: C) -> Vec<String> {
    let mut out = vec![];
    match c {
        C::X => {
            if matches!(p, "sgen" | "officer") {
                out.push("sec".to_owned());
            }
            if p == "mediator" {
                out.push("med".to_owned());
            }
            if matches!(p, "harbour" | "hcounsel") {
                out.push("party:H".to_owned());
            }
            if p == "indah" {
                out.push("party:I".to_owned());
            }
        }
        C::Y => {
            if p == "sgen" {
                out.push("sec".to_owned());
            }
            if p == "stranger" {
                out.push("party:P".to_owned());
            }
        }
        C::D => {
            if p == "stranger" {
                out.push("party:P".to_owned());
            }
        }
        C::Missing => {}
    }
    out
}

/// Every role the grant probes ask for, with the consents it needs (oracle): a party's internal
/// roles, that party's; a caucus guest, the party's and the mediator's; the rest, the Secretariat's.
fn grant_roles() -> Vec<(Value, Vec<&'static str>)> {
    let mut out = vec![
        (
            json!({"role": "internal-reviewer", "party": "H"}),
            vec!["party:H"],
        ),
        (
            json!({"role": "internal-reviewer", "party": "I"}),
            vec!["party:I"],
        ),
        (json!({"role": "case-officer"}), vec!["sec"]),
        (json!({"role": "finance-officer"}), vec!["sec"]),
    ];
    for kind in ["expert", "observer", "interpreter"] {
        for (ch, needs) in [
            ("caucus:H", vec!["party:H", "med"]),
            ("caucus:I", vec!["party:I", "med"]),
            ("internal:H", vec!["party:H"]),
            ("internal:I", vec!["party:I"]),
            ("plenary", vec!["sec"]),
            ("administrative", vec!["sec"]),
        ] {
            out.push((json!({"role": kind, "channels": [ch]}), needs));
        }
    }
    out
}

/// How a principal may read a channel (oracle, the channel matrix): 2 = content, 1 = metadata, 0 = none.
fn reads(p: &str, c: C, channel: &str) -> u8 {
    match c {
        C::X => match (channel, p) {
            (
                "plenary",
                "harbour" | "hcounsel" | "indah" | "mediator" | "officer" | "sgen" | "reviewer",
            ) => 2,
            ("caucus:H", "harbour" | "hcounsel" | "mediator" | "expert") => 2,
            ("caucus:H" | "caucus:I", "officer" | "sgen") => 1,
            ("caucus:I", "indah" | "mediator") => 2,
            ("notes", "mediator") => 2,
            ("internal:H", "harbour" | "hcounsel" | "reviewer") => 2,
            (
                "administrative",
                "harbour" | "hcounsel" | "indah" | "mediator" | "officer" | "sgen" | "finance",
            ) => 2,
            _ => 0,
        },
        C::Y => match (channel, p) {
            ("plenary" | "administrative", "stranger" | "sgen") => 2,
            _ => 0,
        },
        _ => 0,
    }
}

fn writes(p: &str, c: C, channel: &str) -> bool {
    match c {
        C::X => matches!(
            (channel, p),
            (
                "plenary",
                "harbour" | "hcounsel" | "indah" | "mediator" | "officer"
            ) | ("caucus:H", "harbour" | "hcounsel" | "mediator" | "expert")
                | ("caucus:I", "indah" | "mediator")
                | ("notes", "mediator")
                | ("internal:H", "harbour" | "hcounsel")
                | ("administrative", "officer" | "sgen" | "finance")
        ),
        C::Y => matches!(
            (channel, p),
            ("plenary", "stranger") | ("administrative", "sgen")
        ),
        _ => false,
    }
}

/// Who may use a case's channel list and relay list (anyone who sees the case, and the case's
/// channel-only roles).
fn channel_user(p: &str, c: C) -> bool {
    sees(p, c) || (c == C::X && matches!(p, "expert" | "finance"))
}

/// A body that parses for each action (party acts are for H).
fn action_body(action: &str, user: &str, pending: &str) -> Value {
    let hash = "d".repeat(64);
    match action {
        // No parties: an allowed probe is refused on content and amends nothing.
        "amend-draft" => json!({"request": {"dispute_type": "commercial", "title": "x",
            "summary": "x", "parties": [], "requesting_party": "H"}}),
        "record-consent" => {
            json!({"party": "H", "consent": {"basis": "prior-clause", "reference": "x"}})
        }
        "accept-invitation" => json!({"party": "H", "instrument": "x"}),
        "refuse-request" => json!({"reasons": "x"}),
        "record-third-state-consent" => json!({"country": "XC", "instrument": "x"}),
        "decline-third-state-consent" => json!({"country": "XC", "reasons": "x"}),
        "record-state-approval" => json!({"party": "H", "instrument": "x"}),
        "record-authority" => json!({"party": "H", "user_id": user, "document": "x"}),
        // Nobody by that id: an allowed probe is refused on content and revokes no one.
        "revoke-authority" => json!({"party": "H", "user_id": "nobody", "reason": "x"}),
        "agree-mediator-count" => json!({"count": 1}),
        "nominate-mediator" => {
            json!({"mediator_user_id": "m", "name": "m", "method": "list-procedure"})
        }
        "accept-appointment" => declaration(),
        "decline-appointment"
        | "record-vacancy"
        | "suspend-by-agreement"
        | "declare-mediator-termination" => json!({"reason": "x"}),
        "object-to-disclosure" => json!({"party": "H", "reason": "x"}),
        "file-disclosure" => json!({"text": "x"}),
        "record-deposit-paid" => json!({"party": "H", "paid_by": "H"}),
        "record-first-session" => first_session(&["H", "I"]),
        "set-time-limit" => json!({"days": 30}),
        "record-consultation" | "record-final-accounts" => json!({"summary": "x"}),
        "approve-final-text" | "sign-settlement" => json!({"party": "H", "text_hash": hash}),
        "countersign-settlement" => json!({"text_hash": hash}),
        "answer-continuation" => json!({"party": "H", "continue_mediation": true}),
        "propose-mediator" => json!({"party": "H", "mediator_user_id": "m", "name": "m"}),
        "answer-co-mediation-vacancy" => {
            json!({"party": "H", "continue_with_remaining": true})
        }
        "agree-profile-version" => json!({"party": "H", "version": 2}),
        "add-participant" => json!({"user_id": "u", "role": {"role": "case-officer"}}),
        "remove-participant" => json!({"user_id": "u"}),
        "approve-participant" | "refuse-participant" => json!({"user_id": pending}),
        "open-negotiation" => json!({"agenda": agenda()}),
        "open-blind-bidding" => json!({"rules": bidding_rules()}),
        "propose-package" => {
            json!({"negotiation": "N1", "package": {"price": "high", "term": "long"}})
        }
        "request-break-glass" => json!({"reason": "incident 42"}),
        "approve-break-glass" | "end-break-glass" => json!({"operator": "o"}),
        "reject-invitation"
        | "request-secretariat-appointment"
        | "acknowledge-disclosure"
        | "declare-joint-termination"
        | "withdraw" => json!({"party": "H"}),
        _ => json!({}),
    }
}

fn agenda() -> Value {
    json!({"issues": [
        {"id": "price", "label": "Price", "options": ["low", "high"]},
        {"id": "term", "label": "Term", "options": ["short", "long"]}
    ]})
}

fn bidding_rules() -> Value {
    json!({"label": "Damages", "currency": "USD", "minor_digits": 2, "claimant": "H",
           "respondent": "I", "rounds": 3, "closing_gap": 0})
}

/// Blind-bidding routes (oracle, from the bidding design): the public record for everyone who
/// sees the case; a figure only from the representatives of the side it is for.
fn bidding_access(p: &str, method: &str, party: &str) -> (bool, bool) {
    let reps: &[&str] = if party == "H" {
        &["harbour", "hcounsel"]
    } else {
        &["indah"]
    };
    let visible = sees(p, C::X);
    let allowed = match method {
        "GET" => visible,
        _ => reps.contains(&p),
    };
    (allowed, visible)
}

/// Negotiation routes (oracle, from the negotiation design): the public record for everyone who
/// sees the case; a party's preferences for its representatives and internal reviewer (the
/// mediator only under `full` disclosure, not the iomed-default); input for its representatives;
/// the analysis for the mediator.
fn negotiation_access(p: &str, route_tail: &str, method: &str, party: &str) -> (bool, bool) {
    let reps: &[&str] = if party == "H" {
        &["harbour", "hcounsel"]
    } else {
        &["indah"]
    };
    let visible = sees(p, C::X);
    let allowed = match (method, route_tail) {
        ("GET", "negotiations") | ("GET", "{negotiation_id}") => visible,
        ("GET", "analysis") => p == "mediator",
        ("GET", "{party}") if route_tail == "{party}" && method == "GET" => {
            reps.contains(&p) || (party == "H" && p == "reviewer")
        }
        ("POST", _) => reps.contains(&p),
        _ => false,
    };
    (allowed, visible)
}

struct Probe {
    method: reqwest::Method,
    path: String,
    body: Option<Value>,
    if_match: bool,
    expect: Expect,
    /// For a hidden expectation: the same request on a non-existent object, whose answer must
    /// be identical.
    twin: Option<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorization_matrix() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let mut ids = BTreeMap::new();
    for (name, role) in [
        ("sgen", "secretariat"),
        ("mediator", "mediator"),
        ("harbour", "party-user"),
        ("hcounsel", "party-user"),
        ("indah", "party-user"),
        ("officer", "staff"),
        ("finance", "staff"),
        ("expert", "party-user"),
        ("reviewer", "party-user"),
        ("pending", "party-user"),
        ("operator", "operator"),
        ("council", "governing-council"),
        ("stranger", "party-user"),
        ("stranger2", "party-user"),
        ("removed", "party-user"),
        ("disabled", "party-user"),
    ] {
        ids.insert(name, t.user(name, role).await);
    }
    let rep = |u: &str, cap: &str| json!({"user_id": u, "name": u, "capacity": cap, "authority_document": "authority"});
    let clause = json!({"basis": "prior-clause", "reference": "cl. 19"});
    // Case X: H (principal + counsel) v. I, ACTIVE, with every case role.
    let filing = json!({
        "dispute_type": "commercial", "title": "X", "summary": "S",
        "parties": [
            {"id": "H", "name": "H Ltd", "kind": {"type": "company", "nationality": "HK", "place_of_business": "HK"},
             "representatives": [rep(&ids["harbour"], "principal"), rep(&ids["hcounsel"], "counsel")], "consent": clause},
            {"id": "I", "name": "I PT", "kind": {"type": "company", "nationality": "ID", "place_of_business": "ID"},
             "representatives": [rep(&ids["indah"], "principal"), rep(&ids["disabled"], "counsel")], "consent": clause}
        ],
        "requesting_party": "H", "profile": "iomed-default"
    });
    let x = t.file("harbour", filing.clone()).await;
    let builder = builder(&filing, &t, "mediator", "M");
    drive(&t, &x, &builder, Milestone::Active, &COMMERCIAL_CAST).await;
    // Each role from the authorities whose consent it needs (transition 25): the expert in H's
    // caucus proposed by H and approved by the mediator; H's reviewer from H; and one observer in
    // H's caucus still awaiting the mediator.
    for (granter, who, role) in [
        ("sgen", "officer", json!({"role": "case-officer"})),
        ("sgen", "finance", json!({"role": "finance-officer"})),
        (
            "harbour",
            "expert",
            json!({"role": "expert", "channels": ["caucus:H"]}),
        ),
        (
            "harbour",
            "reviewer",
            json!({"role": "internal-reviewer", "party": "H"}),
        ),
        (
            "sgen",
            "removed",
            json!({"role": "observer", "channels": ["plenary"]}),
        ),
        (
            "harbour",
            "pending",
            json!({"role": "observer", "channels": ["caucus:H"]}),
        ),
    ] {
        t.ok(
            granter,
            &x,
            "add-participant",
            json!({"user_id": ids[who], "role": role}),
        )
        .await;
    }
    t.ok(
        "mediator",
        &x,
        "approve-participant",
        json!({"user_id": ids["expert"]}),
    )
    .await;
    t.ok("expert", &x, "accept-undertaking", json!({})).await;
    t.ok("removed", &x, "accept-undertaking", json!({})).await;
    t.ok(
        "sgen",
        &x,
        "remove-participant",
        json!({"user_id": ids["removed"]}),
    )
    .await;
    let msg = |who: &str, ch: &str| {
        let (t, x) = (&t, x.clone());
        let ch = ch.to_owned();
        let who = who.to_owned();
        async move {
            let (s, v) = t
                .post(
                    &who,
                    &format!("/api/v1/cases/{x}/channels/{ch}/messages"),
                    json!({"body": format!("canary-{ch}")}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            v["id"].as_str().unwrap().to_owned()
        }
    };
    let caucus_msg = msg("harbour", "caucus:H").await;
    msg("indah", "caucus:I").await;
    msg("harbour", "plenary").await;
    msg("mediator", "notes").await;
    msg("harbour", "internal:H").await;
    msg("sgen", "administrative").await;
    let (_, relay) = t
        .post(
            "mediator",
            &format!("/api/v1/cases/{x}/relays"),
            json!({"source_message_id": caucus_msg, "excerpt": "canary", "target": "plenary"}),
        )
        .await;
    let relay_id = relay["id"].as_str().unwrap().to_owned();
    t.ok(
        "mediator",
        &x,
        "open-negotiation",
        json!({"agenda": agenda()}),
    )
    .await;
    t.ok(
        "mediator",
        &x,
        "propose-package",
        json!({"negotiation": "N1", "package": {"price": "low", "term": "long"}}),
    )
    .await;
    t.ok(
        "mediator",
        &x,
        "open-blind-bidding",
        json!({"rules": bidding_rules()}),
    )
    .await;
    // Case Y: the strangers' case. Draft D: the stranger's, hidden from everyone else.
    let y = t.file("stranger", json!({
        "dispute_type": "commercial", "title": "Y", "summary": "S",
        "parties": [
            {"id": "P", "name": "P", "kind": {"type": "company", "nationality": "FR", "place_of_business": "FR"}, "representatives": [rep(&ids["stranger"], "principal")], "consent": clause},
            {"id": "Q", "name": "Q", "kind": {"type": "company", "nationality": "BR", "place_of_business": "BR"}, "representatives": [rep(&ids["stranger2"], "principal")], "consent": clause}
        ],
        "requesting_party": "P"
    })).await;
    t.ok("stranger", &y, "submit-request", json!({})).await;
    let d = t.file("stranger", json!({
        "dispute_type": "commercial", "title": "D", "summary": "S",
        "parties": [
            {"id": "P", "name": "P", "kind": {"type": "company", "nationality": "FR", "place_of_business": "FR"}, "representatives": [rep(&ids["stranger"], "principal")], "consent": clause},
            {"id": "Q", "name": "Q", "kind": {"type": "company", "nationality": "BR", "place_of_business": "BR"}, "representatives": [rep(&ids["stranger2"], "principal")], "consent": clause}
        ],
        "requesting_party": "P"
    })).await;
    let (s, _) = t
        .post(
            "sgen",
            &format!("/api/v1/users/{}/disable", ids["disabled"]),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let missing = "00000000-0000-7000-8000-00000000dead".to_owned();
    // Events are named by id in inclusion proofs: each case's first event (the draft, its
    // requesting party's) and X's last event (everyone's in the case).
    let tr = &t;
    let event_ids = |who: &'static str, case: String| async move {
        let (_, v) = tr.get(who, &format!("/api/v1/cases/{case}/events")).await;
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e["event_id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let first_event: BTreeMap<String, String> = [
        (x.clone(), event_ids("sgen", x.clone()).await[0].clone()),
        (y.clone(), event_ids("sgen", y.clone()).await[0].clone()),
        (d.clone(), event_ids("stranger", d.clone()).await[0].clone()),
        (missing.clone(), missing.clone()),
    ]
    .into();
    let x_last = event_ids("sgen", x.clone()).await.last().unwrap().clone();

    // Build the probes from the route inventory.
    let mut probes: Vec<(String, Probe)> = vec![];
    let mut covered = std::collections::BTreeSet::new();
    let gate = |p: &str, allowed: bool, visible: bool| {
        if !authenticated(p) {
            Expect::Unauthenticated
        } else if allowed {
            Expect::Allowed
        } else if visible {
            Expect::Forbidden
        } else {
            Expect::Hidden
        }
    };
    for p in PRINCIPALS.iter().copied() {
        let add = |probes: &mut Vec<(String, Probe)>,
                   method: &str,
                   path: String,
                   body: Option<Value>,
                   if_match: bool,
                   expect: Expect,
                   twin: Option<String>| {
            probes.push((
                p.to_owned(),
                Probe {
                    method: reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                    path,
                    body,
                    if_match,
                    expect,
                    twin,
                },
            ));
        };
        for (method, route, _) in accord_web::ROUTES {
            covered.insert(format!("{method} {route}"));
            let user_id = ids.get(p).cloned().unwrap_or_default();
            let cases = [
                (x.clone(), C::X),
                (y.clone(), C::Y),
                (d.clone(), C::D),
                (missing.clone(), C::Missing),
            ];
            let sub = |c: &str| route.replace("{case_id}", c);
            match (*method, *route) {
                ("GET", "/api/v1/transparency/checkpoint")
                | ("GET", "/api/v1/transparency/consistency") => add(
                    &mut probes,
                    method,
                    format!("{route}?from=0"),
                    None,
                    false,
                    gate(p, true, true),
                    None,
                ),
                (_, "/api/v1/cases/{case_id}/events/{event_id}/inclusion") => {
                    // The first event (the draft) is H's; the last event is everyone's in the case.
                    for (c, k) in &cases {
                        for (event, h_only) in
                            [(first_event[c].clone(), true), (x_last.clone(), false)]
                        {
                            if *k != C::X && !h_only {
                                continue;
                            }
                            let fill = |case: &str, e: &str| {
                                route.replace("{case_id}", case).replace("{event_id}", e)
                            };
                            let sees_case = sees(p, *k);
                            let allowed = sees_case
                                && (*k != C::X
                                    || !h_only
                                    || matches!(
                                        p,
                                        "harbour" | "hcounsel" | "officer" | "sgen" | "reviewer"
                                    ));
                            let twin = if sees_case {
                                fill(c, "00000000-0000-7000-8000-0000000e0e0e")
                            } else {
                                fill(&missing, &event)
                            };
                            add(
                                &mut probes,
                                method,
                                fill(c, &event),
                                None,
                                false,
                                gate(p, allowed, false),
                                Some(twin),
                            );
                        }
                    }
                }
                // Without a metrics token configured (this server) the route is absent for
                // everyone, signed in or not.
                ("GET", "/metrics") => add(
                    &mut probes,
                    method,
                    route.to_string(),
                    None,
                    false,
                    Expect::Hidden,
                    None,
                ),
                ("GET", "/healthz")
                | ("GET", "/readyz")
                | ("GET", "/api/v1/openapi.json")
                | ("GET", "/api/v1/transparency/key")
                | ("GET", "/api/v1/verify/{verification_id}") => add(
                    &mut probes,
                    method,
                    route.replace("{verification_id}", "ABCD")
                        + if route.contains("verify") {
                            "?sha256=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                        } else {
                            ""
                        },
                    None,
                    false,
                    Expect::Allowed,
                    None,
                ),
                // A wrong password is refused with 401 for everyone.
                ("POST", "/api/v1/sessions") => add(
                    &mut probes,
                    method,
                    route.to_string(),
                    Some(json!({"username": p, "password": "not-the-password"})),
                    false,
                    Expect::Unauthenticated,
                    None,
                ),
                ("POST", "/api/v1/sessions/reauth") => add(
                    &mut probes,
                    method,
                    route.to_string(),
                    Some(json!({"password": "not-the-password"})),
                    false,
                    Expect::Unauthenticated,
                    None,
                ),
                // Each user's own account: everyone signed in, on their own sessions only (a
                // session id that is not theirs answers 404 like one that does not exist); the
                // password change is sent with a too-short new password, refused before any
                // password is checked (so no probe counts against the sign-in throttle).
                ("GET", "/api/v1/me/sessions")
                | ("DELETE", "/api/v1/me/sessions/{session_id}")
                | ("POST", "/api/v1/me/password") => {
                    let body = (*method == "POST").then(
                        || json!({"current_password": "not-the-password", "new_password": "short"}),
                    );
                    add(
                        &mut probes,
                        method,
                        route.replace("{session_id}", "00000000000000000000000000000000"),
                        body,
                        false,
                        gate(p, true, true),
                        None,
                    );
                }
                // A reset link's token is the only credential: anyone may try one, and an
                // unknown token is refused alike for all.
                ("POST", "/api/v1/password-resets") => add(
                    &mut probes,
                    method,
                    route.to_string(),
                    Some(
                        json!({"token": "0".repeat(64), "new_password": "a-long-enough-password"}),
                    ),
                    false,
                    Expect::Allowed,
                    None,
                ),
                ("DELETE", _) => {} // signing out is probed last, below
                ("GET", "/api/v1/me")
                | ("GET", "/api/v1/profiles")
                | ("GET", "/api/v1/mediators")
                | ("GET", "/api/v1/declarations")
                | ("GET", "/api/v1/cases")
                | ("POST", "/api/v1/me/totp/confirm") => {
                    let body = (*method == "POST").then(|| json!({"code": "000000"}));
                    add(
                        &mut probes,
                        method,
                        route.to_string(),
                        body,
                        false,
                        gate(p, true, true),
                        None,
                    );
                }
                // Each user's own notifications and preferences: everyone signed in, on their
                // own only (marking another user's ids changes nothing: tests/e2e/notifications).
                ("GET", "/api/v1/notifications")
                | ("GET", "/api/v1/notifications/unread")
                | ("GET", "/api/v1/notification-preferences")
                | ("POST", "/api/v1/notifications/read")
                | ("POST", "/api/v1/notification-preferences") => {
                    let body = (*method == "POST").then(|| {
                        if route.ends_with("/read") {
                            json!({"ids": []})
                        } else {
                            json!({"email": "", "mode": "immediate"})
                        }
                    });
                    add(
                        &mut probes,
                        method,
                        route.to_string(),
                        body,
                        false,
                        gate(p, true, true),
                        None,
                    );
                }
                ("POST", "/api/v1/calendar-feed") => add(
                    &mut probes,
                    method,
                    route.to_string(),
                    None,
                    false,
                    gate(p, true, true),
                    None,
                ),
                ("GET", "/api/v1/mail-failures") => add(
                    &mut probes,
                    method,
                    route.to_string(),
                    None,
                    false,
                    gate(p, p == "sgen", true),
                    None,
                ),
                ("POST", "/api/v1/me/totp") => add(
                    &mut probes,
                    method,
                    route.to_string(),
                    None,
                    false,
                    gate(p, true, true),
                    None,
                ),
                ("GET", "/api/v1/users")
                | ("POST", "/api/v1/users")
                | ("GET", "/api/v1/access-log")
                | ("POST", "/api/v1/declarations") => {
                    let body = (*method == "POST").then(|| {
                        if route.ends_with("declarations") {
                            json!({"state": "XB", "categories": [], "text": "t"})
                        } else {
                            json!({"username": "x", "display_name": "x", "role": "mediator", "password": "short"})
                        }
                    });
                    add(
                        &mut probes,
                        method,
                        route.to_string(),
                        body,
                        false,
                        gate(p, p == "sgen", true),
                        None,
                    );
                }
                // The matrix server is an ordinary one: no rehearsal clock, the same 404 for
                // everyone signed in (the operator included); tests/e2e/rules.rs probes the
                // rehearsal server's own gate.
                ("GET" | "POST", "/api/v1/test-clock") => add(
                    &mut probes,
                    method,
                    route.to_string(),
                    (*method == "POST").then(|| json!({"advance_minutes": 1})),
                    false,
                    gate(p, false, false),
                    None,
                ),
                // The rules are public to everyone signed in; a decision is recorded by the
                // Secretariat or the Governing Council (the probe's decision sets no rule, so
                // it is refused as `invalid-rule-decision` and records nothing).
                ("GET", "/api/v1/profiles/{profile_id}") => add(
                    &mut probes,
                    method,
                    route.replace("{profile_id}", "iomed-default"),
                    None,
                    false,
                    gate(p, true, true),
                    None,
                ),
                ("POST", "/api/v1/profiles/{profile_id}/versions") => add(
                    &mut probes,
                    method,
                    route.replace("{profile_id}", "iomed-default"),
                    Some(json!({"text": "t", "decided_on": "2026-01-01", "changes": {}})),
                    false,
                    gate(p, matches!(p, "sgen" | "council"), true),
                    None,
                ),
                ("GET", "/api/v1/statistics") => add(
                    &mut probes,
                    method,
                    route.to_string(),
                    None,
                    false,
                    gate(p, matches!(p, "sgen" | "council"), true),
                    None,
                ),
                ("POST", "/api/v1/cases") => add(
                    &mut probes,
                    method,
                    route.to_string(),
                    Some(
                        json!({"dispute_type": "commercial", "title": "t", "summary": "s", "parties": [], "requesting_party": "A"}),
                    ),
                    false,
                    gate(
                        p,
                        matches!(
                            p,
                            "sgen"
                                | "harbour"
                                | "hcounsel"
                                | "indah"
                                | "expert"
                                | "reviewer"
                                | "stranger"
                                | "removed"
                        ),
                        true,
                    ),
                    None,
                ),
                (_, r) if r.starts_with("/api/v1/users/{user_id}") => {
                    let path = r.replace("{user_id}", &missing);
                    let body = if r.ends_with("/role") {
                        Some(json!({"role": "mediator"}))
                    } else if r.ends_with("/panel-profile") {
                        Some(json!({"nationality": "SN", "languages": ["fr", "en"]}))
                    } else {
                        None
                    };
                    add(
                        &mut probes,
                        method,
                        path,
                        body,
                        false,
                        gate(p, p == "sgen", true),
                        None,
                    );
                }
                (_, "/api/v1/cases/{case_id}/actions/{action}") => {
                    for action in accord_domain::Command::ACTION_NAMES {
                        for (c, k) in &cases {
                            let visible = sees(p, *k);
                            let allowed = may_act(p, *k, action);
                            let path = sub(c).replace("{action}", action);
                            let twin = Some(sub(&missing).replace("{action}", action));
                            add(
                                &mut probes,
                                method,
                                path,
                                Some(action_body(action, &user_id, &ids["pending"])),
                                true,
                                gate(p, allowed, visible),
                                twin,
                            );
                        }
                    }
                    // The grant routes: every principal grants every role, to themselves and to
                    // someone else, in X. Allowed to whoever holds a consent the role needs, never
                    // to oneself.
                    for (role, needs) in grant_roles() {
                        for (target, own) in [(user_id.as_str(), true), ("someone-else", false)] {
                            let allowed =
                                !own && held(p, C::X).iter().any(|h| needs.contains(&h.as_str()));
                            add(
                                &mut probes,
                                method,
                                sub(&x).replace("{action}", "add-participant"),
                                Some(json!({"user_id": target, "role": role})),
                                true,
                                gate(p, allowed, sees(p, C::X)),
                                Some(sub(&missing).replace("{action}", "add-participant")),
                            );
                        }
                    }
                }
                (_, "/api/v1/cases/{case_id}/channels/{channel}/messages")
                | (_, "/api/v1/cases/{case_id}/channels/{channel}/documents")
                | ("GET", "/api/v1/cases/{case_id}/channels/{channel}/documents/{document_id}")
                | (
                    "POST",
                    "/api/v1/cases/{case_id}/channels/{channel}/documents/{document_id}/expand",
                ) => {
                    for ch in [
                        "plenary",
                        "caucus:H",
                        "caucus:I",
                        "notes",
                        "internal:H",
                        "administrative",
                        "caucus:Z",
                    ] {
                        for (c, k) in &cases {
                            let allowed = if *method == "GET" {
                                reads(p, *k, ch) > 0
                            } else {
                                writes(p, *k, ch)
                            };
                            let visible_channel = reads(p, *k, ch) > 0;
                            // A hidden channel answers as a missing channel of the same case if the
                            // case is visible, else as the same channel of a missing case.
                            let twin = if channel_user(p, *k) {
                                sub(c)
                                    .replace("{channel}", "caucus:Z")
                                    .replace("{document_id}", "D1")
                            } else {
                                sub(&missing)
                                    .replace("{channel}", ch)
                                    .replace("{document_id}", "D1")
                            };
                            let body = (*method == "POST").then(|| json!({"body": ""}));
                            add(
                                &mut probes,
                                method,
                                sub(c)
                                    .replace("{channel}", ch)
                                    .replace("{document_id}", "D1"),
                                body,
                                false,
                                gate(p, allowed, visible_channel),
                                Some(twin),
                            );
                        }
                    }
                }
                (_, "/api/v1/cases/{case_id}/relays/{relay_id}/decision") => {
                    let allowed = matches!(p, "harbour" | "hcounsel");
                    let visible = matches!(p, "mediator" | "expert");
                    let body = Some(json!({"approve": true, "excerpt": "not the excerpt"}));
                    let twin = Some(sub(&x).replace("{relay_id}", &missing));
                    add(
                        &mut probes,
                        method,
                        sub(&x).replace("{relay_id}", &relay_id),
                        body.clone(),
                        false,
                        gate(p, allowed, visible),
                        twin.clone(),
                    );
                    // X's relay asked for through case Y: not there.
                    let twin = if channel_user(p, C::Y) {
                        sub(&y).replace("{relay_id}", &missing)
                    } else {
                        sub(&missing).replace("{relay_id}", &relay_id)
                    };
                    add(
                        &mut probes,
                        method,
                        sub(&y).replace("{relay_id}", &relay_id),
                        body,
                        false,
                        gate(p, false, false),
                        Some(twin),
                    );
                }
                (_, r) if r.starts_with("/api/v1/cases/{case_id}/blind-biddings") => {
                    for party in ["H", "I"] {
                        if party == "I" && !r.ends_with("{party}") {
                            continue;
                        }
                        for (c, k) in &cases {
                            let fill = |case: &str, b: &str| {
                                r.replace("{case_id}", case)
                                    .replace("{bidding_id}", b)
                                    .replace("{party}", party)
                            };
                            // A figure far beyond the limit: refused with a code by whoever may
                            // name one, so the probe changes nothing.
                            let body = (*method == "POST").then(|| json!({"amount": u64::MAX}));
                            let listing = r.ends_with("blind-biddings");
                            let (expect, twin) = if !sees(p, *k) {
                                (gate(p, false, false), Some(fill(&missing, "B1")))
                            } else if *k != C::X {
                                let twin = (!listing).then(|| fill(c, "B99"));
                                (gate(p, listing, false), twin)
                            } else {
                                let (allowed, visible) = bidding_access(p, method, party);
                                (gate(p, allowed, visible), None)
                            };
                            add(
                                &mut probes,
                                method,
                                fill(c, "B1"),
                                body,
                                false,
                                expect,
                                twin,
                            );
                        }
                    }
                }
                // Meetings: the list for whoever uses the case's channels (each meeting filtered
                // inside by its channel: tests/e2e/meetings.rs); a joint session proposed by the
                // mediator or the case officer, refused to the plenary's other readers (403) and
                // hidden from everyone else (404); a meeting that does not exist is not found
                // alike for all.
                (_, r) if r.starts_with("/api/v1/cases/{case_id}/meetings") => {
                    for (c, k) in &cases {
                        let k = *k;
                        let path = r
                            .replace("{case_id}", c)
                            .replace("{meeting_id}", "00000000-0000-7000-8000-00000000beef");
                        let (expect, body) = match (*method, r.ends_with("/meetings")) {
                            ("GET", true) => (gate(p, channel_user(p, k), false), None),
                            ("POST", true) => (
                                gate(
                                    p,
                                    k == C::X && matches!(p, "mediator" | "officer"),
                                    reads(p, k, "plenary") == 2,
                                ),
                                Some(json!({"channel": "plenary", "agenda": "a",
                                    "candidates": ["2030-01-01T00:00:00Z"], "duration_minutes": 60})),
                            ),
                            _ => (
                                gate(p, false, false),
                                (*method == "POST").then(|| {
                                    if r.ends_with("/answers") {
                                        json!({"answers": ["yes"]})
                                    } else if r.ends_with("/confirm") {
                                        json!({"candidate": 0})
                                    } else if r.ends_with("/reschedule") {
                                        json!({"start": "2030-01-01T00:00:00Z"})
                                    } else {
                                        json!({})
                                    }
                                }),
                            ),
                        };
                        add(&mut probes, method, path, body, false, expect, None);
                    }
                }
                (_, r) if r.starts_with("/api/v1/cases/{case_id}/negotiations") => {
                    let tail = r.rsplit('/').next().unwrap_or("");
                    for party in ["H", "I"] {
                        if party == "I" && !r.ends_with("{party}") {
                            continue;
                        }
                        for (c, k) in &cases {
                            let fill = |case: &str, n: &str| {
                                r.replace("{case_id}", case)
                                    .replace("{negotiation_id}", n)
                                    .replace("{proposal_id}", "P1")
                                    .replace("{party}", party)
                            };
                            let body = (*method == "POST").then(|| {
                                if r.contains("/answers/") {
                                    json!({"answer": "decline"})
                                } else {
                                    json!({"weights": {}, "scores": {}, "reservation": {"kind": "none"}})
                                }
                            });
                            // A case the principal cannot see answers as a missing case; a case it
                            // sees without this negotiation, as a missing negotiation.
                            let (expect, twin) = if !sees(p, *k) {
                                (gate(p, false, false), Some(fill(&missing, "N1")))
                            } else if *k != C::X {
                                let twin = (tail != "negotiations").then(|| fill(c, "N99"));
                                let allowed = tail == "negotiations";
                                (gate(p, allowed, false), twin)
                            } else {
                                let (allowed, visible) = negotiation_access(p, tail, method, party);
                                (gate(p, allowed, visible), None)
                            };
                            add(
                                &mut probes,
                                method,
                                fill(c, "N1"),
                                body,
                                false,
                                expect,
                                twin,
                            );
                        }
                    }
                }
                (_, r) if r.starts_with("/api/v1/cases/{case_id}") => {
                    for (c, k) in &cases {
                        let k = *k;
                        let is_x = k == C::X;
                        let (allowed, visible) = match (*method, r.rsplit('/').next().unwrap_or(""))
                        {
                            ("GET", "{case_id}") | ("GET", "events") => (sees(p, k), false),
                            ("GET", "channels") | ("GET", "relays") => (channel_user(p, k), false),
                            ("GET", "attestation") => (sees(p, k), false),
                            // The case-file export: whoever sees the case (filtered inside).
                            ("GET", "export") => (sees(p, k), false),
                            // Procedural documents: whoever sees the case.
                            ("GET", "{kind}") => (sees(p, k), false),
                            // Parties' representatives, the mediator and the Secretariat.
                            ("GET", "enforcement-package") | ("GET", "settlement-agreement") => {
                                (sees(p, k) && p != "reviewer", sees(p, k))
                            }
                            ("GET", "drafts") | ("GET", "{version}") | ("GET", "diff") => {
                                (sees(p, k), false)
                            }
                            // The mediator, or a party's representative with the file scope.
                            ("POST", "drafts") => (
                                sees(p, k)
                                    && match k {
                                        C::X => matches!(
                                            p,
                                            "mediator" | "harbour" | "hcounsel" | "indah"
                                        ),
                                        _ => p == "stranger",
                                    },
                                sees(p, k),
                            ),
                            ("POST", "attestation") => (
                                sees(p, k) && (p == "sgen" || (is_x && p == "officer")),
                                sees(p, k),
                            ),
                            // The source message is X's: through another case it is not there.
                            ("POST", "relays") => (
                                is_x && p == "mediator",
                                is_x && matches!(p, "harbour" | "hcounsel" | "expert"),
                            ),
                            ("POST", "reopen") => (
                                sees(p, k)
                                    && (p == "sgen"
                                        || (is_x && matches!(p, "harbour" | "hcounsel" | "indah"))
                                        || (!is_x && p == "stranger")),
                                sees(p, k),
                            ),
                            (_, "{country}") => (false, sees(p, k) && p != "sgen"),
                            _ => panic!("route {method} {r} has no oracle entry"),
                        };
                        let body = (*method == "POST").then(|| json!({"source_message_id": caucus_msg, "excerpt": "not in the message", "target": "plenary"}));
                        let query = if r.ends_with("/diff") {
                            "?from=1&to=2"
                        } else if r.ends_with("/settlement-agreement") || r.ends_with("/{kind}") {
                            "?language=en"
                        } else {
                            ""
                        };
                        let fill = |case: &str| {
                            sub(case)
                                .replace("{case_id}", case)
                                .replace("{country}", "XC")
                                .replace("{version}", "1")
                                .replace("{kind}", "acknowledgement")
                                + query
                        };
                        let path = fill(c);
                        let twin = Some(
                            if r.ends_with("/relays") && *method == "POST" && channel_user(p, k) {
                                sub(c)
                            } else {
                                fill(&missing)
                            },
                        );
                        add(
                            &mut probes,
                            method,
                            path,
                            if r.ends_with("reopen") {
                                Some(json!({}))
                            } else if r.ends_with("/settlement/drafts") && *method == "POST" {
                                Some(crate::harness::settlement_draft("terms"))
                            } else {
                                body
                            },
                            false,
                            gate(p, allowed, visible),
                            twin,
                        );
                    }
                }
                _ => panic!("route {method} {route} has no oracle entry: add it to the matrix"),
            }
        }
    }
    assert_eq!(covered.len(), accord_web::ROUTES.len());

    // Send everything.
    let http = reqwest::Client::new();
    let mut leaks = vec![];
    let mut wrong = vec![];
    let send = |who: &str, probe: &Probe, path: &str| {
        let mut req = http.request(probe.method.clone(), format!("{}{path}", t.base));
        if who != "anonymous" {
            req = req.bearer_auth(t.token(who));
        }
        if probe.if_match {
            req = req.header("if-match", "\"v0\"");
        }
        if let Some(b) = &probe.body {
            req = req.json(b);
        }
        async move {
            let r = req.send().await.unwrap();
            let s = r.status();
            (s, r.text().await.unwrap_or_default())
        }
    };
    for (who, probe) in &probes {
        let (status, body) = send(who, probe, &probe.path).await;
        let granted = !matches!(
            status,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        ) || (status == StatusCode::NOT_FOUND && probe.expect == Expect::Allowed);
        let ok = match probe.expect {
            Expect::Allowed => {
                status != StatusCode::UNAUTHORIZED
                    && status != StatusCode::FORBIDDEN
                    && !(status == StatusCode::NOT_FOUND
                        && body.contains("case-not-found")
                        && probe.path.contains(&x)
                        && !probe.path.contains("consent-requests"))
            }
            Expect::Forbidden => status == StatusCode::FORBIDDEN,
            Expect::Unauthenticated => status == StatusCode::UNAUTHORIZED,
            Expect::Hidden => {
                let twin_ok = match &probe.twin {
                    Some(tw) => send(who, probe, tw).await == (status, body.clone()),
                    None => true,
                };
                status == StatusCode::NOT_FOUND && twin_ok
            }
        };
        if !ok {
            let line = format!(
                "{who} {} {} expected {:?} got {status} {}",
                probe.method,
                probe.path,
                probe.expect,
                body.chars().take(160).collect::<String>()
            );
            if probe.expect != Expect::Allowed && granted {
                leaks.push(line);
            } else {
                wrong.push(line);
            }
        }
        assert!(
            !body.contains("canary") || probe.expect == Expect::Allowed,
            "canary reached {who}: {} {}",
            probe.method,
            probe.path
        );
    }
    // Signing out, last: each session ends and cannot be used again.
    for who in PRINCIPALS.iter().filter(|p| authenticated(p)) {
        let r = http
            .delete(format!("{}/api/v1/sessions/current", t.base))
            .bearer_auth(t.token(who))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{who}");
        let r = http
            .get(format!("{}/api/v1/me", t.base))
            .bearer_auth(t.token(who))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{who}");
    }
    let n = probes.len() + 2 * PRINCIPALS.iter().filter(|p| authenticated(p)).count();
    println!("FIGURE authz-matrix probes={n} leaks={}", leaks.len());
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
    assert!(
        wrong.is_empty(),
        "{} disagreements with the oracle:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(n >= 3000, "only {n} probes");
}
