//! Test: every message a page can ask for exists in English (and so, by the locale test of
//! `accord-i18n`, in every language). Static ids are read from the templates and the page code;
//! ids built at run time are enumerated from the domain.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::action_forms::{ACTION_FORMS, Kind, label_id};

/// Arguments any message may take (extra ones are ignored by Fluent).
const ARGS: &[(&str, &str)] = &[
    ("reference", "r"),
    ("zone", "UTC"),
    ("when", "w"),
    ("what", "w"),
    ("due", "d"),
    ("action", "a"),
    ("party", "p"),
    ("code", "c"),
    ("n", "2"),
    ("name", "n"),
    ("detail", "d"),
    ("version", "1"),
    ("date", "2027-01-01"),
    ("size", "1"),
    ("minutes", "5"),
    ("example", "e"),
    ("document", "attestation"),
    ("line", "1"),
    ("best", "100"),
    ("reservation", "40"),
    ("count", "2"),
    ("round", "1"),
    ("price", "USD 1.00"),
    ("amount", "USD 1.00"),
    ("side", "s"),
    ("currency", "USD"),
    ("number", "1"),
    ("since", "1 January 2027"),
    ("text", "t"),
    ("user", "u"),
    ("when", "1 January 2027"),
    ("days", "30"),
    ("changes", "c"),
    ("stage", "s"),
    ("who", "w"),
    ("language", "English"),
];

fn exists(id: &str) -> bool {
    accord_i18n::message("en", id, ARGS).is_some()
}

/// Ids in `t("…")`, `t1("…"`, `ta("…"` and `t(lang, "…"` calls.
fn static_ids(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for marker in ["t(\"", "t1(\"", "ta(\"", "t(lang, \"", "frame(\""] {
        let mut rest = text;
        while let Some(i) = rest.find(marker) {
            // `get("…")` is not `t("…")`: the call's name must start at `i`.
            let starts_name = !rest[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            rest = &rest[i + marker.len()..];
            if !starts_name {
                continue;
            }
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if !id.is_empty() && rest[id.len()..].starts_with('"') {
                out.insert(id);
            }
        }
    }
    out
}

#[test]
fn every_message_id_used_by_a_page_exists() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut ids = BTreeSet::new();
    for dir in ["templates", "src/ui"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            if entry.path().ends_with("message_ids.rs") {
                continue;
            }
            ids.extend(static_ids(&text));
        }
    }
    assert!(ids.len() > 100, "the scan found only {} ids", ids.len());
    // Ids built at run time.
    let state_rs = std::fs::read_to_string(root.join("../domain/src/state.rs")).unwrap();
    for piece in state_rs.split("=> \"").skip(1) {
        let name: String = piece
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || *c == '_')
            .collect();
        if !name.is_empty() {
            ids.insert(format!("state-{name}"));
        }
    }
    for d in ["commercial", "state-investor", "state-state"] {
        ids.insert(format!("dispute-{d}"));
        ids.insert(format!("filing-type-{d}-hint"));
    }
    for r in [
        "secretariat",
        "staff",
        "mediator",
        "party-user",
        "operator",
        "governing-council",
    ] {
        assert!(accord_domain::GlobalRole::parse(r).is_some(), "{r}");
        ids.insert(format!("role-{r}"));
    }
    for form in ACTION_FORMS {
        ids.insert(format!("action-{}", form.action));
        ids.insert(format!("done-{}", form.action));
        for field in form.fields {
            ids.insert(label_id(field.name));
            if let Kind::Choice(options) = field.kind {
                for o in options {
                    ids.insert(format!("choice-{o}"));
                }
            }
        }
    }
    for r in super::action_forms::GRANT_ROLES {
        ids.insert(format!("choice-{r}"));
    }
    for a in [
        "approve-final-text",
        "sign-settlement",
        "countersign-settlement",
        "filed",
    ] {
        ids.insert(format!("action-{a}"));
    }
    for c in ["plenary", "administrative", "notes"] {
        ids.insert(format!("channel-{c}"));
    }
    for d in ["posted", "filed", "relay-proposed", "relay-decided"] {
        ids.insert(format!("channel-done-{d}"));
    }
    for r in ["pending", "approved", "refused"] {
        ids.insert(format!("relay-{r}"));
    }
    for k in [
        "state",
        "state-entity",
        "investor",
        "company",
        "international-organisation",
        "party",
    ] {
        ids.insert(format!("party-kind-{k}"));
    }
    for (kind, json) in [
        (
            "seat",
            serde_json::to_value(accord_domain::case::SeatStatus::Serving),
        ),
        (
            "seat",
            serde_json::to_value(accord_domain::case::SeatStatus::Nominated),
        ),
    ] {
        ids.insert(format!("{kind}-{}", json.unwrap().as_str().unwrap()));
    }
    {
        use accord_domain::state::TerminationGround as G;
        for g in [
            G::Settled,
            G::PartiallySettled,
            G::MediatorDeclaration,
            G::JointDeclaration,
            G::PartyWithdrawal,
            G::Nonpayment,
            G::NoAppointment,
            G::TimeLimitExpired,
        ] {
            // A new ground does not compile here until it is listed above.
            match g {
                G::Settled
                | G::PartiallySettled
                | G::MediatorDeclaration
                | G::JointDeclaration
                | G::PartyWithdrawal
                | G::Nonpayment
                | G::NoAppointment
                | G::TimeLimitExpired => {}
            }
            let name = serde_json::to_value(g).unwrap();
            ids.insert(format!("stage-{}", name.as_str().unwrap()));
        }
    }
    ids.insert("stage-file-closed".into());
    for c in super::filing_page::CATEGORIES {
        ids.insert(format!("category-{c}"));
    }
    for done in ["filed", "amend-draft", "attestation"] {
        ids.insert(format!("done-{done}"));
    }
    {
        use accord_domain::deadline::DeadlineKind as D;
        for d in [
            D::LodgingFee,
            D::InvitationResponse,
            D::MediatorNumber,
            D::AppointmentByAgreement,
            D::InstitutionAppointment,
            D::Inactivity,
            D::Acceptance,
            D::DisclosureObjection,
            D::InitialStatements,
            D::FirstSession,
            D::Deposit,
            D::NonpaymentNotice,
            D::NonpaymentSuspension,
            D::NonpaymentTermination,
            D::TimeLimit,
            D::BreakGlassExpiry,
            D::CoMediationVacancy,
        ] {
            // A new kind does not compile here until it is listed above.
            match d {
                D::LodgingFee
                | D::InvitationResponse
                | D::MediatorNumber
                | D::AppointmentByAgreement
                | D::InstitutionAppointment
                | D::Inactivity
                | D::Acceptance
                | D::DisclosureObjection
                | D::InitialStatements
                | D::FirstSession
                | D::Deposit
                | D::NonpaymentNotice
                | D::NonpaymentSuspension
                | D::NonpaymentTermination
                | D::TimeLimit
                | D::BreakGlassExpiry
                | D::CoMediationVacancy => {}
            }
            let name = serde_json::to_value(d).unwrap();
            let name = name.as_str().unwrap();
            ids.insert(format!("deadline-{name}"));
            ids.insert(format!("deadline-{name}-how"));
        }
    }
    {
        use accord_domain::state::Turn;
        for t in [
            Turn::Secretariat,
            Turn::Parties,
            Turn::Mediator,
            Turn::Nobody,
        ] {
            ids.insert(format!("turn-{}", t.as_str()));
        }
    }
    // Notices: every channel a message or document can be told of, on either side of a caucus.
    for channel in [
        "plenary",
        "caucus:A",
        "notes",
        "internal:A",
        "administrative",
    ] {
        for as_mediator in [false, true] {
            use accord_domain::notice::{Topic, message_id};
            ids.insert(message_id(&Topic::Message {
                channel: channel.into(),
                as_mediator,
            }));
            ids.insert(message_id(&Topic::Event {
                kind: "document-filed".into(),
                channel: Some(channel.into()),
                as_mediator,
            }));
        }
    }
    for status in ["polling", "confirmed", "cancelled"] {
        ids.insert(format!("meeting-status-{status}"));
    }
    for change in [
        "proposed",
        "answered",
        "confirmed",
        "rescheduled",
        "cancelled",
    ] {
        ids.insert(format!("done-meeting-{change}"));
        ids.insert(accord_domain::notice::message_id(
            &accord_domain::notice::Topic::Meeting {
                meeting_id: "m".into(),
                change: change.into(),
                channel: "plenary".into(),
            },
        ));
    }
    {
        use accord_app::meetings::CalendarLabel;
        for label in [
            CalendarLabel::Meeting {
                reference: "r".into(),
                channel: "plenary".into(),
                as_mediator: false,
            },
            CalendarLabel::Meeting {
                reference: "r".into(),
                channel: "caucus:A".into(),
                as_mediator: false,
            },
            CalendarLabel::Meeting {
                reference: "r".into(),
                channel: "caucus:A".into(),
                as_mediator: true,
            },
            CalendarLabel::Deadline {
                reference: "r".into(),
                kind: "deposit".into(),
            },
        ] {
            ids.insert(label.message().0.to_owned());
        }
    }
    for mode in ["immediate", "digest", "off"] {
        ids.insert(format!("prefs-mode-{mode}"));
    }
    let missing: Vec<&String> = ids.iter().filter(|id| !exists(id)).collect();
    assert!(missing.is_empty(), "no English message for: {missing:?}");
}

#[test]
fn the_scan_finds_ids_in_each_form_of_call() {
    let ids = static_ids(
        r#"page.t("a-b") viewer.ta("c", &[]) page.t1("d", "x", y) t(lang, "e") x.t(&format!("f-{x}")) get("g")"#,
    );
    assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["a-b", "c", "d", "e"]);
}
