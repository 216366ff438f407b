//! The authority rule (docs/PROCEDURE.md, transition 4): counsel acts for a party only under an
//! accepted proof of authority, within the scopes it grants; a revocation ends it at once; an
//! invited party supplies its representatives' proofs with its answer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use accord_domain::channel::ChannelId;
use accord_domain::command::Command;
use accord_domain::party::{AuthorityStatus, Scope};
use accord_domain::policy::{self, Action, Denial};
use accord_domain::testing::{By, CaseBuilder, Fixture, Milestone, Refused, party_user};
use accord_domain::{Case, ErrorCode};

/// H's counsel `hc`, named in the filing with or without a proof, and with these scopes.
fn with_counsel(document: Option<&str>, scopes: Option<&[&str]>) -> CaseBuilder {
    let counsel = serde_json::json!({
        "user_id": "hc", "name": "Counsel HC", "capacity": "counsel",
        "authority_document": document, "scopes": scopes,
    });
    CaseBuilder::commercial()
        .mediator("m", "M", None)
        .with(|r| {
            r.parties[0]
                .representatives
                .push(serde_json::from_value(counsel).unwrap())
        })
}

fn counsel_may(case: &Case, action: &Action) -> Result<(), Denial> {
    policy::authorize(&party_user("hc"), action, case)
}

fn act_for_h() -> Action {
    Action::ActForParty { party: "H".into() }
}

fn status(f: &Fixture) -> AuthorityStatus {
    let h = f.case.party("H").unwrap();
    let r = h
        .representatives
        .iter()
        .find(|r| r.user_id == "hc")
        .unwrap();
    r.authority(f.case.is_registered())
}

#[test]
fn counsel_with_a_proof_not_yet_accepted_is_told_so_and_acts_for_no_one() {
    let f = with_counsel(Some("Power of attorney"), None)
        .build(Milestone::Screening)
        .unwrap();
    assert_eq!(status(&f), AuthorityStatus::Submitted);
    for action in [
        act_for_h(),
        Action::ViewCase,
        Action::SignForParty { party: "H".into() },
        Action::PostMessage {
            channel: ChannelId::Caucus("H".into()),
        },
    ] {
        let got = counsel_may(&f.case, &action);
        assert!(
            matches!(
                got,
                Err(Denial::AuthorityNotAccepted) | Err(Denial::NotFound)
            ),
            "{action:?}: {got:?}"
        );
    }
    assert_eq!(
        counsel_may(&f.case, &act_for_h()),
        Err(Denial::AuthorityNotAccepted)
    );
    // The principal beside them files without an accepted proof (it brought the request).
    assert!(policy::authorize(&party_user("h"), &act_for_h(), &f.case).is_ok());
    assert_eq!(
        policy::authorize(&party_user("stranger"), &act_for_h(), &f.case),
        Err(Denial::NotFound)
    );
}

#[test]
fn the_secretariat_accepts_a_proof_with_its_scopes_and_counsel_acts_within_them() {
    let mut f = with_counsel(None, None)
        .build(Milestone::Screening)
        .unwrap();
    assert_eq!(status(&f), AuthorityStatus::Missing);
    f.act(
        &By::Secretariat,
        &Command::RecordAuthority {
            party: "H".into(),
            user_id: "hc".into(),
            document: "Power of attorney 4/2026".into(),
            scopes: Some(vec![Scope::View]),
        },
    )
    .unwrap();
    assert_eq!(status(&f), AuthorityStatus::Accepted);
    assert_eq!(counsel_may(&f.case, &Action::ViewCase), Ok(()));
    assert_eq!(counsel_may(&f.case, &act_for_h()), Err(Denial::Forbidden));
    // A new proof with the file and sign scopes widens what counsel does.
    f.act(
        &By::Secretariat,
        &Command::RecordAuthority {
            party: "H".into(),
            user_id: "hc".into(),
            document: "Power of attorney 5/2026".into(),
            scopes: Some(vec![Scope::File, Scope::Sign]),
        },
    )
    .unwrap();
    assert_eq!(counsel_may(&f.case, &act_for_h()), Ok(()));
    assert_eq!(
        counsel_may(&f.case, &Action::SignForParty { party: "H".into() }),
        Ok(())
    );
    // Not for the other party.
    assert_eq!(
        counsel_may(&f.case, &Action::ActForParty { party: "I".into() }),
        Err(Denial::Forbidden)
    );
    // An empty list of scopes is refused: revoking is the way to end authority.
    let refused = f
        .decide(
            &By::Secretariat,
            &Command::RecordAuthority {
                party: "H".into(),
                user_id: "hc".into(),
                document: "Letter".into(),
                scopes: Some(vec![]),
            },
        )
        .unwrap_err();
    assert!(refused.to_string().contains("scope"), "{refused}");
}

#[test]
fn registration_accepts_every_proof_on_file() {
    let f = with_counsel(Some("Power of attorney"), None)
        .build(Milestone::Constituting)
        .unwrap();
    assert_eq!(status(&f), AuthorityStatus::Accepted);
    let rep = &f.case.party("H").unwrap().representatives[1];
    assert!(rep.authority_accepted, "recorded, not only inferred");
    assert_eq!(counsel_may(&f.case, &act_for_h()), Ok(()));
    // Counsel's default scopes do not include signing.
    assert_eq!(
        counsel_may(&f.case, &Action::SignForParty { party: "H".into() }),
        Err(Denial::Forbidden)
    );
}

#[test]
fn a_principal_revokes_counsel_and_the_next_decision_refuses_it() {
    let mut f = with_counsel(Some("Power of attorney"), None)
        .build(Milestone::Active)
        .unwrap();
    assert_eq!(counsel_may(&f.case, &act_for_h()), Ok(()));
    // Counsel cannot revoke the party's principal; the other party cannot revoke H's counsel.
    let revoke = |user: &str| Command::RevokeAuthority {
        party: "H".into(),
        user_id: user.into(),
        reason: "Mandate ended".into(),
    };
    assert_eq!(
        counsel_may(&f.case, &revoke("h").action()),
        Err(Denial::Forbidden)
    );
    assert!(f.decide(&By::Party("I".into()), &revoke("hc")).is_err());
    f.act(&By::Party("H".into()), &revoke("hc")).unwrap();
    assert_eq!(status(&f), AuthorityStatus::Revoked);
    let rep = &f.case.party("H").unwrap().representatives[1];
    assert_eq!(rep.authority_revoked.as_ref().unwrap().by, "H");
    assert_eq!(
        counsel_may(&f.case, &act_for_h()),
        Err(Denial::AuthorityNotAccepted)
    );
    assert_eq!(
        counsel_may(&f.case, &Action::ViewCase),
        Err(Denial::AuthorityNotAccepted)
    );
    assert_eq!(
        policy::channel_access(&party_user("hc"), &f.case, &ChannelId::Caucus("H".into())).0,
        accord_domain::channel::ReadAccess::None
    );
    // Revoking twice is refused; a new proof recorded by the Secretariat restores it.
    let twice = f.decide(&By::Secretariat, &revoke("hc")).unwrap_err();
    assert!(twice.to_string().contains("already revoked"), "{twice}");
    f.act(
        &By::Secretariat,
        &Command::RecordAuthority {
            party: "H".into(),
            user_id: "hc".into(),
            document: "New power of attorney".into(),
            scopes: None,
        },
    )
    .unwrap();
    assert_eq!(counsel_may(&f.case, &act_for_h()), Ok(()));
    // The Secretariat's revocation is recorded as its own.
    f.act(&By::Secretariat, &revoke("hc")).unwrap();
    let rep = &f.case.party("H").unwrap().representatives[1];
    assert_eq!(rep.authority_revoked.as_ref().unwrap().by, "secretariat");
}

#[test]
fn an_invited_party_supplies_its_representatives_proofs_with_its_answer() {
    // I has no consent: it is invited; its principal `i` is named without a proof.
    let builder = CaseBuilder::commercial().with(|r| {
        r.parties[1].consent = None;
        r.parties[1].representatives[0].authority_document = None;
    });
    let mut f = builder.build(Milestone::Screening).unwrap();
    f.act(
        &By::Secretariat,
        &Command::SendInvitation {
            response_days: None,
        },
    )
    .unwrap();
    let accept = |user: &str| Command::AcceptInvitation {
        party: "I".into(),
        instrument: "Letter of acceptance".into(),
        authority: vec![accord_domain::party::AuthorityProof {
            user_id: user.into(),
            document: "Board resolution 7".into(),
        }],
    };
    match f.decide(&By::Party("I".into()), &accept("h")) {
        Err(Refused::Domain(e)) => assert_eq!(e.code(), ErrorCode::UnknownRepresentative),
        other => panic!("{other:?}"),
    }
    f.act(&By::Party("I".into()), &accept("i")).unwrap();
    let rep = &f.case.party("I").unwrap().representatives[0];
    assert_eq!(
        rep.authority_document.as_deref(),
        Some("Board resolution 7")
    );
    // With every proof on file, registration is open, and it accepts them.
    f.act(&By::Secretariat, &Command::Register {}).unwrap();
    let rep = &f.case.party("I").unwrap().representatives[0];
    assert!(rep.authority_accepted);
}
