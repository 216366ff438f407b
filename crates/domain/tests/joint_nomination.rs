//! The parties' own joint nomination (docs/PROCEDURE.md, transition 9): each party proposes a
//! mediator; when every party has proposed the same one, the nomination takes effect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use accord_domain::command::{AppointmentMethod, Command};
use accord_domain::state::CaseState;
use accord_domain::testing::{By, CaseBuilder, Milestone, Refused};
use accord_domain::{CaseEvent, ErrorCode};

fn propose(party: &str, mediator: &str) -> Command {
    Command::ProposeMediator {
        party: party.into(),
        mediator_user_id: mediator.into(),
        name: format!("Mediator {mediator}"),
        nationality: None,
    }
}

#[test]
fn the_same_mediator_proposed_by_every_party_is_their_joint_nomination() {
    let mut f = CaseBuilder::commercial()
        .build(Milestone::Constituting)
        .unwrap();
    let h = By::Party("H".into());
    let i = By::Party("I".into());
    let events = f.act(&h, &propose("H", "m1")).unwrap();
    assert_eq!(events.len(), 1, "one party's proposal nominates no one");
    assert_eq!(f.case.state, CaseState::Constituting);
    match f.decide(&h, &propose("H", "m1")) {
        Err(Refused::Domain(e)) => assert_eq!(e.code(), ErrorCode::GuardAlreadyRecorded),
        other => panic!("{other:?}"),
    }
    // I proposes someone else: still no nomination; then H changes its mind to I's candidate.
    f.act(&i, &propose("I", "m2")).unwrap();
    assert_eq!(f.case.state, CaseState::Constituting);
    assert_eq!(f.case.mediator_proposals.len(), 2);
    let events = f.act(&h, &propose("H", "m2")).unwrap();
    assert!(matches!(
        &events[1].event,
        CaseEvent::MediatorNominated {
            mediator_user_id,
            method: AppointmentMethod::JointNomination,
            ..
        } if mediator_user_id == "m2"
    ));
    assert_eq!(f.case.state, CaseState::AppointeePending);
    assert!(f.case.mediator_proposals.is_empty());
    // With a nomination pending, no party proposes; the other party cannot propose for H.
    assert!(f.decide(&i, &propose("I", "m3")).is_err());
}

#[test]
fn a_party_proposes_only_for_itself_and_a_conflicted_candidate_is_refused() {
    let f = CaseBuilder::commercial()
        .build(Milestone::Constituting)
        .unwrap();
    assert!(matches!(
        f.decide(&By::Party("I".into()), &propose("H", "m1")),
        Err(Refused::Policy(_))
    ));
    // A candidate of a party's nationality is refused as a Secretariat nomination would be.
    let hk = Command::ProposeMediator {
        party: "H".into(),
        mediator_user_id: "m1".into(),
        name: "Mediator m1".into(),
        nationality: Some(accord_domain::party::CountryCode::parse("HK").unwrap()),
    };
    assert!(matches!(
        f.decide(&By::Party("H".into()), &hk),
        Err(Refused::Domain(_))
    ));
}
