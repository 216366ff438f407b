//! The ten acceptance scenarios of docs/PROCEDURE.md, through HTTP, on both backends.
//! Scenario 6 runs in full in `confidentiality.rs`, and the documents D22 and D25 of scenario 7
//! are checked in `attestation.rs`.

use accord_app::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use accord_domain::testing::Milestone;

use crate::harness::{
    Cast, TestServer, active_commercial, builder, commercial, declaration, drive, first_session,
    rep,
};
use crate::on_every_backend;

// The reference scenarios run on SQLite, on PostgreSQL, and on a PostgreSQL database that
// `accord migrate-db` moved from SQLite.
on_every_backend!(
    s01_excluded_subject_matter_is_refused_citing_the_declaration,
    s02_third_state_consent_gates_registration_and_shows_only_the_request,
    s03_investor_state_agency_approval_and_default_appointment,
    s04_silent_respondent_treat_as_rejected_or_auto_lapse,
    s05_disclosure_objection_vacancy_and_replacement_resume_the_stage,
    s06_party_scoped_events_never_reach_the_other_side,
    s07_settlement_signed_by_all_terminates_as_settled_on_the_last_signature,
    s08_unpaid_deposit_default_notice_suspension_termination,
    s09_withdrawal_in_a_multi_party_case,
    s10_inactivity_termination_then_linked_reopening,
);

pub(crate) fn states_body(a: &str, b: &str, categories: Value, joint: bool, third: Value) -> Value {
    let consent = json!({"basis": "treaty-or-agreement", "instrument": "Special agreement"});
    json!({
        "dispute_type": "state-state",
        "title": "Arcadia and Borealia",
        "summary": "Scope: the dispute between the two States as described in the joint letter.",
        "subject_categories": categories,
        "parties": [
            {"id": "A", "name": "Republic of Arcadia", "kind": {"type": "state", "country": "XA", "status": "contracting"},
             "representatives": [rep(a, "Ambassador Varga")], "consent": consent},
            {"id": "B", "name": "Kingdom of Borealia", "kind": {"type": "state", "country": "XB", "status": "contracting"},
             "representatives": [rep(b, "Counsellor Nour")], "consent": consent}
        ],
        "requesting_party": "A",
        "joint_request": joint,
        "third_states": third
    })
}

async fn s01_excluded_subject_matter_is_refused_citing_the_declaration(t: &mut TestServer) {
    t.user("sgen", "secretariat").await;
    let a = t.user("arcadia", "party-user").await;
    let b = t.user("borealia", "party-user").await;
    let (s, decl) = t
        .post("sgen", "/api/v1/declarations", json!({"state": "XB", "categories": ["maritime-delimitation"], "text": "Borealia excludes maritime delimitation."}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{decl}");
    let decl_id = decl["id"].as_str().unwrap().to_owned();
    let case = t
        .file(
            "arcadia",
            states_body(&a, &b, json!(["maritime-delimitation"]), false, json!([])),
        )
        .await;
    t.ok("arcadia", &case, "submit-request", json!({})).await;
    t.ok("sgen", &case, "record-lodging-fee", json!({})).await;
    // Before anything reaches B, B cannot tell the case exists.
    let (s, v) = t.get("borealia", &format!("/api/v1/cases/{case}")).await;
    assert_eq!(
        (s, &v["error"]["code"]),
        (StatusCode::NOT_FOUND, &json!("case-not-found"))
    );
    let v = t
        .refused(
            "sgen",
            &case,
            "register",
            json!({}),
            StatusCode::CONFLICT,
            "guard-state-exclusion",
        )
        .await;
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains(&decl_id) && msg.contains("XB"), "{msg}");
    t.ok(
        "sgen",
        &case,
        "refuse-request",
        json!({"reasons": "Excluded by Borealia's declaration"}),
    )
    .await;
    let view = t.case("arcadia", &case).await;
    assert_eq!(view["state_name"], "NOT_COMMENCED");
    assert_eq!(view["state"]["reason"], "refused");
    // The notice of refusal went to A alone, citing the declaration.
    let (_, events) = t
        .get("arcadia", &format!("/api/v1/cases/{case}/events"))
        .await;
    let refusal = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "request-refused")
        .unwrap();
    assert_eq!(refusal["visibility"], "party:A");
    assert_eq!(refusal["payload"]["cited_declarations"], json!([decl_id]));
    let (s, _) = t.get("borealia", &format!("/api/v1/cases/{case}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t
        .get("borealia", &format!("/api/v1/cases/{case}/events"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = t.get("borealia", "/api/v1/cases").await;
    assert_eq!(list, json!([]));
}

async fn s02_third_state_consent_gates_registration_and_shows_only_the_request(t: &mut TestServer) {
    t.user("sgen", "secretariat").await;
    let a = t.user("arcadia", "party-user").await;
    let b = t.user("borealia", "party-user").await;
    let c = t.user("caledonia", "party-user").await;
    let third = json!([{"country": "XC", "name": "Republic of Caledonia", "representatives": [c]}]);
    let case = t
        .file(
            "arcadia",
            states_body(&a, &b, json!(["shared-watercourse"]), true, third),
        )
        .await;
    t.ok("arcadia", &case, "submit-request", json!({})).await;
    t.ok("sgen", &case, "record-lodging-fee", json!({"waived": true}))
        .await;
    t.refused(
        "sgen",
        &case,
        "register",
        json!({}),
        StatusCode::CONFLICT,
        "guard-third-state-consent-missing",
    )
    .await;
    assert_eq!(t.state("sgen", &case).await, "SCREENING");
    // C sees the consent request with the scope summary, and nothing of the case record.
    let (s, req) = t
        .get(
            "caledonia",
            &format!("/api/v1/cases/{case}/consent-requests/XC"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{req}");
    assert!(req["summary"].as_str().unwrap().starts_with("Scope:"));
    assert_eq!(req["consent_given"], false);
    assert!(req.get("parties").is_none() && req.get("profile").is_none());
    for path in [
        format!("/api/v1/cases/{case}"),
        format!("/api/v1/cases/{case}/events"),
    ] {
        let (s, _) = t.get("caledonia", &path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    // Another State's consent request is not C's to see.
    let (s, _) = t
        .get(
            "caledonia",
            &format!("/api/v1/cases/{case}/consent-requests/XB"),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // C gives consent; the answer does not reveal the case.
    let (s, v) = t
        .act(
            "caledonia",
            &case,
            "record-third-state-consent",
            json!({"country": "XC", "instrument": "Note verbale 12/2026"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v,
        json!({"recorded": true, "case_id": case, "action": "record-third-state-consent", "view": "minimal"})
    );
    t.clock.advance_days(3);
    let view = t.ok("sgen", &case, "register", json!({})).await;
    assert_eq!(view["state_name"], "CONSTITUTING");
    assert_eq!(view["commencement_date"], "2026-01-08");
    let (s, _) = t.get("caledonia", &format!("/api/v1/cases/{case}")).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "C has no access to the record afterwards"
    );
    let (_, list) = t.get("caledonia", "/api/v1/cases").await;
    assert_eq!(list, json!([]));
}

async fn s03_investor_state_agency_approval_and_default_appointment(t: &mut TestServer) {
    t.user("sgen", "secretariat").await;
    t.user("med", "mediator").await;
    let x = t.user("xylo", "party-user").await;
    let q = t.user("quorra", "party-user").await;
    let bit = json!({"basis": "treaty-or-agreement", "instrument": "XP–XQ BIT, Art. 9"});
    let case = t
        .file("xylo", json!({
            "dispute_type": "state-investor",
            "title": "Xylo Energy v. Quorra Energy Agency",
            "summary": "Tariff changes under a solar concession.",
            "investment_description": "200 MW solar park",
            "parties": [
                {"id": "X", "name": "Xylo Energy SA", "kind": {"type": "investor", "nationality": "XP", "place_of_business": "XP"},
                 "representatives": [rep(&x, "Anne Roux")], "consent": bit},
                {"id": "Q", "name": "Quorra Energy Agency", "kind": {"type": "state-entity", "approving_state": "XQ"},
                 "representatives": [rep(&q, "Legal Director")], "consent": bit}
            ],
            "requesting_party": "X",
            "profile": "icsid-2022"
        }))
        .await;
    t.ok("xylo", &case, "submit-request", json!({})).await;
    t.ok("sgen", &case, "record-lodging-fee", json!({})).await;
    t.refused(
        "sgen",
        &case,
        "register",
        json!({}),
        StatusCode::CONFLICT,
        "guard-state-approval-missing",
    )
    .await;
    t.ok(
        "sgen",
        &case,
        "record-state-approval",
        json!({"party": "Q", "instrument": "Ministry approval"}),
    )
    .await;
    let view = t.ok("sgen", &case, "register", json!({})).await;
    assert_eq!(view["state_name"], "CONSTITUTING");
    let kinds: Vec<&str> = view["next_deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["mediator-number", "appointment-by-agreement", "inactivity"]
    );
    // ICSID counts to midnight in Washington: registered on Monday 5 January (04:00 there), the
    // 30th day is Wednesday 4 February and ends at 05:00 UTC on the 5th. The morning after: no
    // agreement on the number, so one mediator by default.
    t.advance_days(31).await;
    let view = t.case("sgen", &case).await;
    assert_eq!(view["mediator_count"], 1);
    assert!(
        t.event_kinds("xylo", &case)
            .await
            .contains(&"mediator-count-agreed".to_owned())
    );
    // Day 59: the parties may still appoint by agreement.
    t.advance_days(28).await;
    assert_eq!(t.case("xylo", &case).await["options"], json!([]));
    t.refused(
        "xylo",
        &case,
        "request-secretariat-appointment",
        json!({"party": "X"}),
        StatusCode::CONFLICT,
        "guard-appointment-period-running",
    )
    .await;
    // Day 60 (Friday 6 March) is still theirs, to its end in Washington.
    t.advance_days(1).await;
    assert_eq!(t.case("xylo", &case).await["options"], json!([]));
    // Day 61: X may ask the Secretariat to appoint.
    t.advance_days(1).await;
    assert_eq!(
        t.case("xylo", &case).await["options"],
        json!([{"action": "request-secretariat-appointment", "party": "X"}])
    );
    t.ok(
        "xylo",
        &case,
        "request-secretariat-appointment",
        json!({"party": "X"}),
    )
    .await;
    // Conflict check: a candidate of a party's nationality is refused.
    let med = t.id("med");
    t.refused("sgen", &case, "nominate-mediator", json!({"mediator_user_id": med, "name": "C. Candidate", "nationality": "XP", "method": "secretariat-appointment"}), StatusCode::CONFLICT, "guard-mediator-nationality").await;
    t.advance_days(24).await;
    let view = t.ok("sgen", &case, "nominate-mediator", json!({"mediator_user_id": med, "name": "C. Candidate", "nationality": "SN", "method": "secretariat-appointment"})).await;
    assert_eq!(view["state_name"], "APPOINTEE_PENDING");
    let acceptance = view["next_deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "acceptance")
        .unwrap()
        .clone();
    // Nominated on day 85 (Tuesday 31 March, 05:00 in Washington): 20 days end with Monday
    // 20 April, at midnight in Washington (EDT since 8 March), 04:00 UTC on the 21st.
    assert_eq!(acceptance["last_day"], "2026-04-20");
    assert_eq!(acceptance["zone"], "America/New_York");
    assert_eq!(acceptance["due_at"], "2026-04-21T04:00:00Z");
    assert!(
        acceptance["rule"]
            .as_str()
            .unwrap()
            .contains("acceptance_days = 20")
    );
    t.advance_days(10).await;
    let view = t
        .ok("med", &case, "accept-appointment", declaration())
        .await;
    assert_eq!(view["state_name"], "PREPARATORY");
    let due = |kind: &str| {
        view["next_deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == kind)
            .unwrap()["due_at"]
            .clone()
    };
    // Transmitted on day 95 (Friday 10 April): 15 days end on Saturday 25 April, moved to
    // Monday 27; 30 days end on Sunday 10 May, moved to Monday 11.
    assert_eq!(
        due("initial-statements"),
        "2026-04-28T04:00:00Z",
        "day 95 + 15, past the weekend"
    );
    assert_eq!(
        due("first-session"),
        "2026-05-12T04:00:00Z",
        "day 95 + 30, past the weekend"
    );
    let mut session = first_session(&["X", "Q"]);
    session["record"]["internal_approval_routes"] =
        json!({"Q": "Board of the Agency, then the Minister of Energy"});
    let view = t.ok("med", &case, "record-first-session", session).await;
    assert_eq!(view["state_name"], "ACTIVE");
    assert_eq!(
        view["first_session"]["internal_approval_routes"]["Q"],
        "Board of the Agency, then the Minister of Energy"
    );
}

async fn s04_silent_respondent_treat_as_rejected_or_auto_lapse(t: &mut TestServer) {
    t.user("sgen", "secretariat").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    // Model-Law profile: H may treat the silence as rejection after the period.
    let case = t
        .file("harbour", commercial(&h, &i, false, "uncitral-2021"))
        .await;
    t.ok("harbour", &case, "submit-request", json!({})).await;
    t.ok("sgen", &case, "record-lodging-fee", json!({})).await;
    let (s, _) = t.get("indah", &format!("/api/v1/cases/{case}")).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "I is not told before the invitation"
    );
    t.refused(
        "sgen",
        &case,
        "register",
        json!({}),
        StatusCode::CONFLICT,
        "guard-consent-missing",
    )
    .await;
    let view = t
        .ok(
            "sgen",
            &case,
            "send-invitation",
            json!({"response_days": 14}),
        )
        .await;
    assert_eq!(view["state_name"], "AWAITING_CONSENT");
    t.advance_days(13).await;
    t.refused(
        "harbour",
        &case,
        "treat-invitation-as-rejected",
        json!({}),
        StatusCode::CONFLICT,
        "guard-invitation-period-running",
    )
    .await;
    t.advance_days(2).await; // day 15
    let view = t.case("harbour", &case).await;
    assert_eq!(
        view["options"],
        json!([{"action": "treat-invitation-as-rejected", "party": null}])
    );
    assert_eq!(
        view["state_name"], "AWAITING_CONSENT",
        "no automatic lapse under this profile"
    );
    let view = t
        .ok("harbour", &case, "treat-invitation-as-rejected", json!({}))
        .await;
    assert_eq!(
        view["state"],
        json!({"state": "not-commenced", "reason": "deemed-rejected", "effective": "2026-01-20T09:00:00Z"})
    );
    // I saw the invitation, never H's filing record.
    let kinds = t.event_kinds("indah", &case).await;
    assert!(kinds.contains(&"invitation-sent".to_owned()));
    assert!(
        !kinds.contains(&"request-filed".to_owned())
            && !kinds.contains(&"draft-created".to_owned()),
        "{kinds:?}"
    );

    // ICC/HKIAC-like override: the invitation lapses by itself.
    let mut body = commercial(&h, &i, false, "iomed-default");
    body["profile_overrides"] = json!({"invitation_lapse": "auto-lapse"});
    let case2 = t.file("harbour", body).await;
    t.ok("harbour", &case2, "submit-request", json!({})).await;
    t.ok("sgen", &case2, "record-lodging-fee", json!({})).await;
    t.ok("sgen", &case2, "send-invitation", json!({})).await; // commercial default: 14 days
    t.refused(
        "harbour",
        &case2,
        "treat-invitation-as-rejected",
        json!({}),
        StatusCode::CONFLICT,
        "guard-profile-auto-lapse",
    )
    .await;
    t.advance_days(13).await;
    assert_eq!(t.state("sgen", &case2).await, "AWAITING_CONSENT");
    // Sent on Tuesday 20 January at 17:00 in Hong Kong: the 14th day, Tuesday 3 February, is the
    // invited party's to its end (24:00 Hong Kong time).
    t.advance_days(1).await;
    assert_eq!(t.state("sgen", &case2).await, "AWAITING_CONSENT");
    t.advance_days(1).await;
    let view = t.case("sgen", &case2).await;
    assert_eq!(view["state"]["reason"], "lapsed");
}

async fn s05_disclosure_objection_vacancy_and_replacement_resume_the_stage(t: &mut TestServer) {
    let case = active_commercial(t).await;
    t.user("replacement", "mediator").await;
    t.ok(
        "mediator",
        &case,
        "file-disclosure",
        json!({"text": "A partner of my former firm advised Indah in 2024."}),
    )
    .await;
    let view = t
        .ok(
            "indah",
            &case,
            "object-to-disclosure",
            json!({"party": "I", "reason": "Conflict"}),
        )
        .await;
    assert_eq!(view["state_name"], "VACANCY");
    assert_eq!(view["state"]["resume"], "active");
    let (s, _) = t.get("mediator", &format!("/api/v1/cases/{case}")).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "the departed mediator's access ends"
    );
    // The departed mediator cannot be nominated again.
    let old = t.id("mediator");
    t.refused(
        "sgen",
        &case,
        "nominate-mediator",
        json!({"mediator_user_id": old, "name": "Amina Diallo", "method": "list-procedure"}),
        StatusCode::CONFLICT,
        "guard-mediator-conflict",
    )
    .await;
    let new = t.id("replacement");
    let view = t.ok("sgen", &case, "nominate-mediator", json!({"mediator_user_id": new, "name": "Lucía Ortega", "nationality": "ES", "method": "list-procedure"})).await;
    assert_eq!(view["state_name"], "VACANCY");
    let view = t
        .ok("replacement", &case, "accept-appointment", declaration())
        .await;
    assert_eq!(view["state_name"], "ACTIVE", "resumes at the same stage");
    let seats: Vec<(String, String)> = view["mediators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_owned(),
                m["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        seats,
        [
            ("Amina Diallo".to_owned(), "vacated".to_owned()),
            ("Lucía Ortega".to_owned(), "serving".to_owned())
        ]
    );
    assert_eq!(
        view["mediators"][0]["later_disclosures"][0],
        "A partner of my former firm advised Indah in 2024."
    );
    let kinds = t.event_kinds("sgen", &case).await;
    for k in [
        "disclosure-filed",
        "disclosure-objected",
        "mediator-nominated",
        "appointment-accepted",
        "file-transmitted",
    ] {
        assert!(kinds.contains(&k.to_owned()), "{k} missing from {kinds:?}");
    }
}

async fn s06_party_scoped_events_never_reach_the_other_side(t: &mut TestServer) {
    // Basic form: the event log's visibility scopes are enforced on every read. The caucus and
    // the relay authorisation arrive with the access-control work.
    t.user("sgen", "secretariat").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    t.user("stranger", "party-user").await;
    t.user("operator", "operator").await;
    let case = t
        .file("harbour", commercial(&h, &i, true, "uncitral-2021"))
        .await;
    // A draft is H's alone — not even the Secretariat sees it.
    for who in ["sgen", "indah", "stranger", "operator"] {
        let (s, v) = t.get(who, &format!("/api/v1/cases/{case}")).await;
        assert_eq!(
            (s, &v["error"]["code"]),
            (StatusCode::NOT_FOUND, &json!("case-not-found")),
            "{who}"
        );
    }
    t.ok("harbour", &case, "submit-request", json!({})).await;
    t.ok("sgen", &case, "record-lodging-fee", json!({})).await;
    t.ok("sgen", &case, "register", json!({})).await;
    let h_kinds = t.event_kinds("harbour", &case).await;
    let i_kinds = t.event_kinds("indah", &case).await;
    assert!(h_kinds.contains(&"request-filed".to_owned()));
    assert!(
        !i_kinds.contains(&"request-filed".to_owned())
            && !i_kinds.contains(&"draft-created".to_owned())
    );
    assert!(i_kinds.contains(&"case-registered".to_owned()));
    // Not-found answers are identical for a hidden case and a missing one.
    let (s1, v1) = t.get("stranger", &format!("/api/v1/cases/{case}")).await;
    let (s2, v2) = t
        .get(
            "stranger",
            "/api/v1/cases/00000000-0000-7000-8000-000000000000",
        )
        .await;
    assert_eq!((s1, v1), (s2, v2));
    // The operator runs the platform but sees no case content.
    let (_, list) = t.get("operator", "/api/v1/cases").await;
    assert_eq!(list, json!([]));
    // A party cannot act for the other party.
    t.refused(
        "indah",
        &case,
        "withdraw",
        json!({"party": "H"}),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

async fn s07_settlement_signed_by_all_terminates_as_settled_on_the_last_signature(
    t: &mut TestServer,
) {
    let case = active_commercial(t).await;
    t.ok("mediator", &case, "indicate-terms-agreed", json!({}))
        .await;
    // Two versions of the draft; the parties approve the second.
    let first = t.put_draft(&case, "Indah pays USD 1,000,000.").await;
    let hash = t
        .put_draft(&case, "Indah pays USD 1,250,000 by 31 March 2027.")
        .await;
    assert_ne!(first, hash);
    for (field, value) in [
        ("/terms/obligations/0/currency", json!("usd")),
        ("/terms/obligations/0/due_date", json!("2027-02-30")),
        ("/terms/authoritative_language", json!("fr")),
        ("/terms/parties/1/party", json!("H")),
    ] {
        let mut bad = crate::harness::settlement_draft("x");
        *bad.pointer_mut(field).unwrap() = value;
        let (s, v) = t
            .post(
                "mediator",
                &format!("/api/v1/cases/{case}/settlement/drafts"),
                bad,
            )
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("invalid-settlement-draft")
            ),
            "{field}: {v}"
        );
    }
    let (_, diff) = t
        .get(
            "harbour",
            &format!("/api/v1/cases/{case}/settlement/diff?from=1&to=2"),
        )
        .await;
    let diff = diff["diff"].as_str().unwrap();
    assert!(
        diff.contains("-Indah pays USD 1,000,000.")
            && diff.contains("+Indah pays USD 1,250,000 by 31 March 2027."),
        "{diff}"
    );
    t.refused(
        "harbour",
        &case,
        "approve-final-text",
        json!({"party": "H", "text_hash": "a".repeat(64)}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown-text-hash",
    )
    .await;
    t.refused(
        "harbour",
        &case,
        "approve-final-text",
        json!({"party": "H", "text_hash": "not-a-hash"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-text-hash",
    )
    .await;
    let v = t
        .ok(
            "harbour",
            &case,
            "approve-final-text",
            json!({"party": "H", "text_hash": hash}),
        )
        .await;
    assert_eq!(v["state_name"], "SETTLEMENT_DRAFTING");
    let v = t
        .ok(
            "indah",
            &case,
            "approve-final-text",
            json!({"party": "I", "text_hash": hash}),
        )
        .await;
    assert_eq!(v["state_name"], "SIGNING");
    assert_eq!(v["settlement"]["frozen_hash"], hash);
    let (_, versions) = t
        .get("indah", &format!("/api/v1/cases/{case}/settlement/drafts"))
        .await;
    assert_eq!(versions[0]["without_prejudice"], true);
    assert_eq!(
        versions[1]["without_prejudice"], false,
        "the approved version"
    );
    t.refused(
        "harbour",
        &case,
        "sign-settlement",
        json!({"party": "H", "text_hash": "b".repeat(64)}),
        StatusCode::CONFLICT,
        "guard-text-hash-mismatch",
    )
    .await;
    t.refused(
        "indah",
        &case,
        "sign-settlement",
        json!({"party": "H", "text_hash": hash}),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    t.ok(
        "harbour",
        &case,
        "sign-settlement",
        json!({"party": "H", "text_hash": hash}),
    )
    .await;
    t.refused(
        "mediator",
        &case,
        "countersign-settlement",
        json!({"text_hash": hash}),
        StatusCode::CONFLICT,
        "guard-party-signatures-missing",
    )
    .await;
    t.clock.advance_days(1);
    let v = t
        .ok(
            "indah",
            &case,
            "sign-settlement",
            json!({"party": "I", "text_hash": hash}),
        )
        .await;
    assert_eq!(v["state_name"], "SIGNING", "the mediator countersigns last");
    t.refused(
        "harbour",
        &case,
        "countersign-settlement",
        json!({"text_hash": hash}),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    t.clock.advance_days(1);
    let v = t
        .ok(
            "mediator",
            &case,
            "countersign-settlement",
            json!({"text_hash": hash}),
        )
        .await;
    assert_eq!(
        v["state"],
        json!({"state": "terminated", "ground": "settled", "effective": "2026-01-07T09:00:00Z"})
    );
    // Each signature's evidence is in its event: a manifest naming the hash, the signer, the
    // authority and the intent, signed with the signer's own key.
    let (_, events) = t
        .get("harbour", &format!("/api/v1/cases/{case}/events"))
        .await;
    let mut keys = std::collections::BTreeSet::new();
    let mut signed = 0;
    for e in events.as_array().unwrap() {
        let kind = e["kind"].as_str().unwrap();
        if kind != "settlement-signed" && kind != "settlement-countersigned" {
            continue;
        }
        signed += 1;
        let ev: accord_domain::event::SignatureEvidence =
            serde_json::from_value(e["payload"]["evidence"].clone()).unwrap();
        assert!(accord_app::signatures::verify_evidence(&ev), "{kind}");
        let m: serde_json::Value = serde_json::from_str(&ev.manifest).unwrap();
        assert_eq!(m["text_hash"], hash);
        assert!(m["intent"].as_str().unwrap().contains(&hash));
        assert!(!m["authority_document"].as_str().unwrap().is_empty());
        keys.insert(ev.public_key.clone());
        let mut forged = ev.clone();
        forged.manifest = forged.manifest.replace(&hash, &"b".repeat(64));
        assert!(!accord_app::signatures::verify_evidence(&forged));
    }
    assert_eq!(signed, 3);
    assert_eq!(keys.len(), 3, "one key per signer");
    // D20 carries the Singapore opt-in and the recital in each language version; D21 (the
    // mediator's certificate, signed with the countersignature) and D23 are generated, dated the
    // last signature.
    let docs = format!("/api/v1/cases/{case}/documents");
    let (s, zh) = t
        .pdf_text(
            "indah",
            &format!("{docs}/settlement-agreement?language=zh-Hans"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{zh}");
    assert!(
        zh.contains("《新加坡调解公约》") && zh.contains(&hash),
        "{zh}"
    );
    let (_, en) = t
        .pdf_text(
            "harbour",
            &format!("{docs}/settlement-agreement?language=en"),
        )
        .await;
    assert!(
        en.contains("SingaporeConventiononMediation)appliestothissettlementagreement"),
        "{en}"
    );
    assert!(
        en.contains("resultedfromthemediationadministeredbytheinstitution"),
        "{en}"
    );
    let (_, d21) = t
        .pdf_text(
            "harbour",
            &format!("{docs}/certificate-of-mediation?language=en"),
        )
        .await;
    assert!(d21.contains("AminaDiallocertifies,asmediator"), "{d21}");
    assert!(d21.contains("terminationon2026-01-07"), "{d21}");
    let (_, d23) = t
        .pdf_text("harbour", &format!("{docs}/termination-record?language=en"))
        .await;
    assert!(d23.contains("terminatedon2026-01-07"), "{d23}");
    assert!(
        d23.contains("2026-01-07—Settlementagreementcountersignedbythemediator"),
        "{d23}"
    );
}

async fn s08_unpaid_deposit_default_notice_suspension_termination(t: &mut TestServer) {
    let case = active_commercial(t).await;
    t.ok(
        "sgen",
        &case,
        "record-deposit-paid",
        json!({"party": "H", "paid_by": "H"}),
    )
    .await;
    // Transmitted on Monday 5 January, 17:00 in Hong Kong: I's deposit is due by the end of
    // Wednesday 4 February (Hong Kong time); the morning after, it is overdue.
    t.advance_days(30).await;
    assert!(
        !t.event_kinds("indah", &case)
            .await
            .contains(&"deposit-overdue".to_owned()),
        "the due date is I's to its end"
    );
    t.advance_days(1).await;
    assert!(
        t.event_kinds("indah", &case)
            .await
            .contains(&"deposit-overdue".to_owned())
    );
    t.advance_days(29).await;
    assert!(
        !t.event_kinds("harbour", &case)
            .await
            .contains(&"default-notice-issued".to_owned())
    );
    t.advance_days(1).await; // the 30 days after the due date ended with 6 March: notice to both
    for who in ["harbour", "indah"] {
        assert!(
            t.event_kinds(who, &case)
                .await
                .contains(&"default-notice-issued".to_owned()),
            "{who}"
        );
    }
    // 15 days after the notice end on Saturday 21 March, moved to Monday 23: suspended from the
    // end of that day.
    t.advance_days(15).await;
    assert_eq!(t.state("sgen", &case).await, "ACTIVE");
    t.advance_days(2).await;
    let v = t.case("sgen", &case).await;
    assert_eq!(v["state_name"], "SUSPENDED_NONPAYMENT");
    // Either party may pay the defaulting party's share, which ends the suspension.
    let v = t
        .ok(
            "sgen",
            &case,
            "record-deposit-paid",
            json!({"party": "I", "paid_by": "H"}),
        )
        .await;
    assert_eq!(v["state_name"], "ACTIVE");
    assert_eq!(v["deposits"]["I"]["paid_by"], "H");

    // A second case left unpaid through a long outage: the chain plays out on its due dates.
    let case2 = {
        let h = t.id("harbour");
        let i = t.id("indah");
        let c = t
            .file("harbour", commercial(&h, &i, true, "iomed-default"))
            .await;
        t.ok("harbour", &c, "submit-request", json!({})).await;
        t.ok("sgen", &c, "record-lodging-fee", json!({})).await;
        t.ok("sgen", &c, "register", json!({})).await;
        let m = t.id("mediator");
        t.ok(
            "sgen",
            &c,
            "nominate-mediator",
            json!({"mediator_user_id": m, "name": "Amina Diallo", "method": "joint-nomination"}),
        )
        .await;
        t.ok("mediator", &c, "accept-appointment", declaration())
            .await;
        c
    };
    // Transmitted on Tuesday 24 March, 17:00 in Hong Kong. Deposit: 30 days, Thursday 23 April.
    // Notice: 30 days after it, Saturday 23 May, moved past Sunday and the holiday of Monday 25
    // May (the day following the Birthday of the Buddha) to Tuesday 26 May. Suspension: 15 days,
    // Wednesday 10 June. Termination: 90 days, Tuesday 8 September, effective at its end in
    // Hong Kong (16:00 UTC).
    assert_eq!(
        t.clock.now(),
        "2026-03-24T09:00:00Z".parse::<jiff::Timestamp>().unwrap()
    );
    t.advance_days(400).await;
    let v = t.case("sgen", &case2).await;
    assert_eq!(v["state"]["ground"], "nonpayment");
    assert_eq!(v["state"]["effective"], "2026-09-08T16:00:00Z");
}

async fn three_party_active(t: &mut TestServer, body: Value) -> String {
    let case = t.file("xylo", body.clone()).await;
    let cast = Cast {
        requesting: "xylo",
        secretariat: "sgen",
        mediator: "med",
    };
    let builder = builder(&body, t, "med", "M");
    drive(t, &case, &builder, Milestone::Active, &cast).await;
    case
}

async fn s09_withdrawal_in_a_multi_party_case(t: &mut TestServer) {
    t.user("sgen", "secretariat").await;
    t.user("med", "mediator").await;
    let q = t.user("quorra", "party-user").await;
    let x = t.user("xylo", "party-user").await;
    let y = t.user("yara", "party-user").await;
    let bit = json!({"basis": "treaty-or-agreement", "instrument": "BIT"});
    let body = json!({
        "dispute_type": "state-investor",
        "title": "Xylo and Yara v. Quorra",
        "summary": "Two investors and a State.",
        "investment_description": "Joint venture",
        "parties": [
            {"id": "Q", "name": "Republic of Quorra", "kind": {"type": "state", "country": "XQ", "status": "contracting"}, "representatives": [rep(&q, "Q agent")], "consent": bit},
            {"id": "X", "name": "Xylo Energy", "kind": {"type": "investor", "nationality": "XP", "place_of_business": "XP"}, "representatives": [rep(&x, "X counsel")], "consent": bit},
            {"id": "Y", "name": "Yara Holdings", "kind": {"type": "investor", "nationality": "XY", "place_of_business": "XY"}, "representatives": [rep(&y, "Y counsel")], "consent": bit}
        ],
        "requesting_party": "X"
    });
    // Both remaining parties continue: ACTIVE without Y; Y's access ends.
    let case = three_party_active(t, body.clone()).await;
    let v = t.ok("yara", &case, "withdraw", json!({"party": "Y"})).await;
    assert_eq!(
        v,
        json!({"recorded": true, "case_id": case, "action": "withdraw", "view": "minimal"}),
        "Y no longer sees the case"
    );
    let v = t.case("xylo", &case).await;
    assert_eq!(v["state_name"], "ACTIVE");
    assert!(v["continuation"].is_object());
    let (s, _) = t.get("yara", &format!("/api/v1/cases/{case}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "Y's access is revoked");
    t.ok(
        "xylo",
        &case,
        "answer-continuation",
        json!({"party": "X", "continue_mediation": true}),
    )
    .await;
    let v = t
        .ok(
            "quorra",
            &case,
            "answer-continuation",
            json!({"party": "Q", "continue_mediation": true}),
        )
        .await;
    assert_eq!(v["state_name"], "ACTIVE");
    assert!(v["continuation"].is_null());
    let y_party = v["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "Y")
        .unwrap()
        .clone();
    assert!(y_party["withdrawn_at"].is_string());
    // A party that says no ends the mediation, effective on the withdrawal date.
    let case = three_party_active(t, body.clone()).await;
    let withdrawn_at = t.clock.now();
    t.ok("yara", &case, "withdraw", json!({"party": "Y"})).await;
    t.clock.advance_days(5);
    t.ok(
        "xylo",
        &case,
        "answer-continuation",
        json!({"party": "X", "continue_mediation": true}),
    )
    .await;
    let v = t
        .ok(
            "quorra",
            &case,
            "answer-continuation",
            json!({"party": "Q", "continue_mediation": false}),
        )
        .await;
    assert_eq!(
        v["state"],
        json!({"state": "terminated", "ground": "party-withdrawal", "effective": withdrawn_at.to_string()})
    );
}

async fn s10_inactivity_termination_then_linked_reopening(t: &mut TestServer) {
    t.user("sgen", "secretariat").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let case = t
        .file("harbour", commercial(&h, &i, true, "icsid-2022"))
        .await;
    t.ok("harbour", &case, "submit-request", json!({})).await;
    t.ok("sgen", &case, "record-lodging-fee", json!({})).await;
    t.ok("sgen", &case, "register", json!({})).await;
    // Registered on Monday 5 January (04:00 in Washington): the 120th day without an appointment
    // step is Tuesday 5 May, which ends at midnight in Washington (EDT), 04:00 UTC on the 6th.
    t.advance_days(119).await;
    assert_eq!(t.state("sgen", &case).await, "CONSTITUTING");
    t.advance_days(1).await;
    assert_eq!(
        t.state("sgen", &case).await,
        "CONSTITUTING",
        "day 120 runs to its end"
    );
    t.advance_days(1).await;
    let v = t.case("sgen", &case).await;
    assert_eq!(
        v["state"],
        json!({"state": "terminated", "ground": "no-appointment", "effective": "2026-05-06T04:00:00Z"})
    );
    t.refused(
        "sgen",
        &case,
        "close",
        json!({}),
        StatusCode::CONFLICT,
        "guard-final-accounts-missing",
    )
    .await;
    t.ok(
        "sgen",
        &case,
        "record-final-accounts",
        json!({"summary": "No deposits held"}),
    )
    .await;
    t.ok("sgen", &case, "close", json!({})).await;
    let old_events = t.store.events(&case).await.unwrap();
    t.clock.advance_days(182);
    let (s, v) = t
        .post("indah", &format!("/api/v1/cases/{case}/reopen"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let new_case = v["id"].as_str().unwrap().to_owned();
    assert_ne!(new_case, case);
    assert_eq!(v["state_name"], "SCREENING");
    assert_eq!(v["linked_from"]["case_id"], case);
    assert_eq!(
        v["linked_from"]["head_hash"],
        old_events.last().unwrap().hash
    );
    assert_eq!(
        v["parties"][0]["consent"]["basis"], "prior-clause",
        "consents carried by reference"
    );
    let v = t.ok("sgen", &new_case, "register", json!({})).await;
    assert_eq!(
        v["commencement_date"], "2026-11-04",
        "a fresh registration date (day 121 + 182, in Washington)"
    );
    let inactivity = v["next_deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "inactivity")
        .unwrap()
        .clone();
    assert_eq!(
        inactivity["starts_at"],
        t.clock.now().to_string(),
        "fresh timers"
    );
    assert_eq!(
        t.store.events(&case).await.unwrap(),
        old_events,
        "the old record is immutable"
    );
    assert_eq!(t.state("sgen", &case).await, "CLOSED");
}

#[allow(dead_code)]
fn _unused(_: Value) {}
