//! What a page may offer: a step that does not concern the party acted for, or that is already
//! done, is closed (not offered at all), while a step waiting on something that can still be
//! filed is blocked, with the guard that says what (issue 21 item 3).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use accord_domain::command::{Command, CommandKind};
use accord_domain::error::ErrorCode;
use accord_domain::step::{Openness, Step};
use accord_domain::testing::{By, CaseBuilder, Milestone};

#[test]
fn only_the_invited_party_is_offered_the_answer_to_an_invitation() {
    let builder = CaseBuilder::commercial().with(|r| {
        r.parties[1].consent = None;
    });
    let mut f = builder.build(Milestone::Screening).unwrap();
    f.act(
        &By::Secretariat,
        &Command::SendInvitation {
            response_days: None,
        },
    )
    .unwrap();
    let accept = |p: &str| Step::for_party(CommandKind::AcceptInvitation, p);
    let reject = |p: &str| Step::for_party(CommandKind::RejectInvitation, p);
    assert_eq!(
        f.openness(&By::Party("I".into()), &accept("I")),
        Openness::Open
    );
    assert_eq!(
        f.openness(&By::Party("I".into()), &reject("I")),
        Openness::Open
    );
    // The filing party has no invitation to answer: neither open nor waiting.
    assert_eq!(
        f.openness(&By::RequestingParty, &accept("H")),
        Openness::Closed
    );
    assert_eq!(
        f.openness(&By::RequestingParty, &reject("H")),
        Openness::Closed
    );
    // Once I has accepted, the answer is done: not offered again.
    f.act(
        &By::Party("I".into()),
        &Command::AcceptInvitation {
            party: "I".into(),
            instrument: "Letter of acceptance".into(),
            authority: vec![],
        },
    )
    .unwrap();
    assert_eq!(
        f.openness(&By::Party("I".into()), &accept("I")),
        Openness::Closed
    );
}

#[test]
fn a_step_waiting_on_a_filing_is_blocked_with_what_is_missing() {
    // I's representative has no proof of authority on file: registration waits for it.
    let builder = CaseBuilder::commercial().with(|r| {
        r.parties[1].representatives[0].authority_document = None;
    });
    let f = builder.build(Milestone::Screening).unwrap();
    match f.openness(&By::Secretariat, &Step::new(CommandKind::Register)) {
        Openness::Blocked { code, .. } => {
            assert_eq!(code, ErrorCode::GuardAuthorityMissing);
            assert!(!code.settles_the_step());
        }
        other => panic!("registration should wait for the proof: {other:?}"),
    }
}
