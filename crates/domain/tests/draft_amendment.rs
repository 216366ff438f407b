//! A draft can be amended by its requesting party until it is submitted: the case keeps its id
//! and reference and reads as amended; a wrong amendment changes nothing; after submission the
//! draft is the Secretariat's record and is no longer amended (issue 21 item 4).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use accord_domain::command::Command;
use accord_domain::error::ErrorCode;
use accord_domain::testing::{By, CaseBuilder, Milestone, Refused};

fn amend(request: accord_domain::command::FileRequest) -> Command {
    Command::AmendDraft {
        request: Box::new(request),
    }
}

#[test]
fn the_requesting_party_amends_its_draft_and_the_case_reads_as_amended() {
    let builder = CaseBuilder::commercial();
    let mut f = builder.build(Milestone::Draft).unwrap();
    let reference = f.case.reference.clone();
    let mut amended = builder.request().clone();
    amended.title = "Delivery of turbines (amended)".into();
    amended.parties[1].name = "Other side, correctly named".into();
    amended.subject_categories = vec!["sale-of-goods".into()];
    f.act(&By::RequestingParty, &amend(amended.clone()))
        .unwrap();
    assert_eq!(f.case.title, "Delivery of turbines (amended)");
    assert_eq!(f.case.parties[1].name, "Other side, correctly named");
    assert_eq!(f.case.subject_categories, vec!["sale-of-goods".to_owned()]);
    assert_eq!(f.case.reference, reference, "the reference stays");
    assert_eq!(f.case.state.name(), "DRAFT");
    // The amended draft is submitted as amended.
    f.act(&By::RequestingParty, &Command::SubmitRequest {})
        .unwrap();
    assert_eq!(f.case.state.name(), "FILED");
    assert_eq!(f.case.title, "Delivery of turbines (amended)");
}

#[test]
fn a_wrong_amendment_is_refused_and_changes_nothing() {
    let builder = CaseBuilder::commercial();
    let f = builder.build(Milestone::Draft).unwrap();
    let before = f.case.clone();
    let mut one_party = builder.request().clone();
    one_party.parties.truncate(1);
    match f.decide(&By::RequestingParty, &amend(one_party)) {
        Err(Refused::Domain(e)) => assert_eq!(e.code(), ErrorCode::InvalidPartyCount),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let mut unknown_requester = builder.request().clone();
    unknown_requester.requesting_party = "nobody".into();
    match f.decide(&By::RequestingParty, &amend(unknown_requester)) {
        Err(Refused::Domain(e)) => assert_eq!(e.code(), ErrorCode::UnknownParty),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(f.case, before);
}

#[test]
fn only_a_draft_is_amended_and_only_by_its_requesting_party() {
    let builder = CaseBuilder::commercial();
    let draft = builder.build(Milestone::Draft).unwrap();
    // The other party, the Secretariat and the mediator may not amend someone's draft.
    for by in [By::Party("I".into()), By::Secretariat] {
        assert!(
            matches!(
                draft.decide(&by, &amend(builder.request().clone())),
                Err(Refused::Policy(_))
            ),
            "{by:?}"
        );
    }
    let filed = builder.build(Milestone::Filed).unwrap();
    match filed.decide(&By::RequestingParty, &amend(builder.request().clone())) {
        Err(Refused::Domain(e)) => assert_eq!(e.code(), ErrorCode::TransitionNotAllowed),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_contact_for_the_other_side_is_kept_and_its_address_checked() {
    use accord_domain::party::PartyContact;
    let builder = CaseBuilder::commercial();
    let mut f = builder.build(Milestone::Draft).unwrap();
    let mut amended = builder.request().clone();
    amended.parties[1].contact = Some(PartyContact {
        name: "Budi Santoso".into(),
        email: "budi.santoso@indah.example".into(),
    });
    f.act(&By::RequestingParty, &amend(amended.clone()))
        .unwrap();
    assert_eq!(
        f.case.parties[1].contact.as_ref().map(|c| c.email.as_str()),
        Some("budi.santoso@indah.example")
    );
    for wrong in [
        "budi",
        "budi@",
        "@indah.example",
        "budi@indah",
        "budi @indah.example",
        "budi@@indah.example",
        " budi@indah.example",
        "a,b@indah.example",
        "budi@indah..example",
        "\"budi\"@indah.example",
    ] {
        amended.parties[1].contact = Some(PartyContact {
            name: "Budi Santoso".into(),
            email: wrong.into(),
        });
        match f.decide(&By::RequestingParty, &amend(amended.clone())) {
            Err(Refused::Domain(e)) => {
                assert_eq!(e.code(), ErrorCode::InvalidContactEmail, "{wrong}")
            }
            other => panic!("{wrong}: expected a refusal, got {other:?}"),
        }
    }
    assert!(!PartyContact::email_is_plausible(&format!(
        "{}@indah.example",
        "b".repeat(250)
    )));
}
