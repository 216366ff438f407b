//! Caucus confidentiality and relay (acceptance scenario 6 in full), roles and channels.

use reqwest::StatusCode;
use serde_json::{Value, json};

use accord_domain::testing::Milestone;

use crate::harness::{
    COMMERCIAL_CAST, TestServer, active_commercial, active_commercial_with, builder, commercial,
    declaration, drive, first_session,
};
use crate::on_both_backends;

on_both_backends!(
    s06_caucus_content_reaches_the_other_side_only_as_the_approved_excerpt,
    model_law_profile_relays_unmarked_caucus_content_without_approval,
    case_roles_open_exactly_their_channels_and_end_at_the_next_request,
    a_party_s_private_space_opens_only_with_its_consent_and_never_to_oneself,
);

async fn post(
    t: &TestServer,
    who: &str,
    case: &str,
    channel: &str,
    body: Value,
) -> (StatusCode, Value) {
    t.post(
        who,
        &format!("/api/v1/cases/{case}/channels/{channel}/messages"),
        body,
    )
    .await
}

async fn read(t: &TestServer, who: &str, case: &str, channel: &str) -> (StatusCode, Value) {
    t.get(
        who,
        &format!("/api/v1/cases/{case}/channels/{channel}/messages"),
    )
    .await
}

async fn s06_caucus_content_reaches_the_other_side_only_as_the_approved_excerpt(
    t: &mut TestServer,
) {
    // The IOMed default follows ICSID Rule 17(4): nothing passes without authorisation.
    let case = active_commercial_with(t, "iomed-default").await;
    let officer = t.user("officer", "staff").await;
    t.ok(
        "sgen",
        &case,
        "add-participant",
        json!({"user_id": officer, "role": {"role": "case-officer"}}),
    )
    .await;
    let b_before = t.case("indah", &case).await;
    let analysis =
        "Cost analysis: our walk-away figure is USD 4.2 million. We could accept delivery credits.";
    let (s, m) = post(t, "harbour", &case, "caucus:H", json!({"body": analysis})).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let source_id = m["id"].as_str().unwrap().to_owned();
    // B cannot tell the caucus exists: the same answer as for a channel that does not exist.
    let hidden = read(t, "indah", &case, "caucus:H").await;
    let missing = read(t, "indah", &case, "caucus:Q").await;
    assert_eq!(hidden.0, StatusCode::NOT_FOUND);
    assert_eq!(hidden, missing);
    let (s, _) = post(t, "indah", &case, "caucus:H", json!({"body": "let me in"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, chans) = t
        .get("indah", &format!("/api/v1/cases/{case}/channels"))
        .await;
    let names: Vec<&str> = chans
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["channel"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["plenary", "administrative", "caucus:I", "internal:I"]
    );
    // The case officer and the Secretariat see that a caucus message exists, not what it says.
    for who in ["officer", "sgen"] {
        let (s, v) = read(t, who, &case, "caucus:H").await;
        assert_eq!(s, StatusCode::OK, "{who}: {v}");
        assert_eq!(v[0]["body"], Value::Null, "{who}");
        assert_eq!(v[0]["author"], Value::Null, "{who}");
        assert_eq!(v[0]["size"], analysis.len());
    }
    // The mediator's notes are the mediator's alone.
    t.post(
        "mediator",
        &format!("/api/v1/cases/{case}/channels/notes/messages"),
        json!({"body": "H may move to 4.5"}),
    )
    .await;
    for who in ["harbour", "indah", "sgen", "officer"] {
        assert_eq!(
            read(t, who, &case, "notes").await.0,
            StatusCode::NOT_FOUND,
            "{who}"
        );
    }
    // Relay: only an exact excerpt, and only after H approves that very text.
    let (s, v) = t.post("mediator", &format!("/api/v1/cases/{case}/relays"), json!({"source_message_id": source_id, "excerpt": "We could accept delivery credits, maybe", "target": "plenary"})).await;
    assert_eq!(
        (s, &v["error"]["code"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("relay-not-an-excerpt")
        )
    );
    let (s, v) = t
        .post(
            "indah",
            &format!("/api/v1/cases/{case}/relays"),
            json!({"source_message_id": source_id, "excerpt": "We could", "target": "plenary"}),
        )
        .await;
    assert_eq!(
        (s, &v["error"]["code"]),
        (StatusCode::NOT_FOUND, &json!("message-not-found"))
    );
    let (s, relay) = t.post("mediator", &format!("/api/v1/cases/{case}/relays"), json!({"source_message_id": source_id, "excerpt": "We could accept delivery credits.", "target": "plenary"})).await;
    assert_eq!(s, StatusCode::CREATED, "{relay}");
    assert_eq!(relay["status"], "pending");
    let rid = relay["id"].as_str().unwrap().to_owned();
    let (_, plenary) = read(t, "indah", &case, "plenary").await;
    assert_eq!(plenary, json!([]), "nothing passes before authorisation");
    let (_, relays_b) = t
        .get("indah", &format!("/api/v1/cases/{case}/relays"))
        .await;
    assert_eq!(relays_b, json!([]), "B does not learn a relay is pending");
    let decision = |text: &str| json!({"approve": true, "excerpt": text});
    let (s, v) = t
        .post(
            "indah",
            &format!("/api/v1/cases/{case}/relays/{rid}/decision"),
            decision("We could accept delivery credits."),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = t
        .post(
            "harbour",
            &format!("/api/v1/cases/{case}/relays/{rid}/decision"),
            decision("We could accept delivery credits"),
        )
        .await;
    assert_eq!(
        (s, &v["error"]["code"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("relay-text-mismatch")
        )
    );
    let (s, v) = t
        .post(
            "harbour",
            &format!("/api/v1/cases/{case}/relays/{rid}/decision"),
            decision("We could accept delivery credits."),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "approved");
    let (s, v) = t
        .post(
            "harbour",
            &format!("/api/v1/cases/{case}/relays/{rid}/decision"),
            decision("We could accept delivery credits."),
        )
        .await;
    assert_eq!(
        (s, &v["error"]["code"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("relay-already-decided")
        )
    );
    let (_, plenary) = read(t, "indah", &case, "plenary").await;
    assert_eq!(plenary.as_array().unwrap().len(), 1);
    assert_eq!(plenary[0]["body"], "We could accept delivery credits.");
    assert_eq!(plenary[0]["relay"]["approved_by"], t.id("harbour"));
    assert_eq!(plenary[0]["relay"]["source_party"], "H");
    assert!(plenary[0]["relay"]["stamp"].as_str().unwrap().starts_with(
        "Relayed by the mediator with Harbour Trading Ltd's authorisation on 2026-01-05"
    ));
    let everything = serde_json::to_string(&plenary).unwrap();
    assert!(
        !everything.contains("4.2 million"),
        "only the excerpt crosses"
    );
    // The access log shows who read caucus content; it is the Secretary-General's to read.
    let (s, log) = t
        .get("sgen", &format!("/api/v1/access-log?case_id={case}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let readers: Vec<(&str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["user_id"].as_str().unwrap(), l["kind"].as_str().unwrap()))
        .collect();
    let mediator = t.id("mediator");
    assert!(
        readers.contains(&(mediator.as_str(), "caucus")),
        "{readers:?}"
    );
    assert!(
        !readers.iter().any(|(u, _)| *u == t.id("indah")),
        "B never read caucus content: {readers:?}"
    );
    let (s, _) = t.get("officer", "/api/v1/access-log").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t.get("harbour", "/api/v1/access-log").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The case record B sees did not move while H and the mediator worked in caucus.
    // Its version is the number of events B may read, and it counts nothing of H's side.
    let b_case = t.case("indah", &case).await;
    assert_eq!(b_case["version"], b_before["version"]);
    assert_eq!(b_case["head_hash"], b_before["head_hash"]);
    let (_, b_events) = t
        .get("indah", &format!("/api/v1/cases/{case}/events"))
        .await;
    assert_eq!(
        b_case["version"].as_u64(),
        Some(b_events.as_array().unwrap().len() as u64)
    );
}

async fn model_law_profile_relays_unmarked_caucus_content_without_approval(t: &mut TestServer) {
    t.user("sgen", "secretariat").await;
    t.user("mediator", "mediator").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let mut body = commercial(&h, &i, true, "iomed-default");
    body["profile_overrides"] = json!({"relay_default": "shareable-unless-confidential"});
    let case = t.file("harbour", body.clone()).await;
    let builder = builder(&body, t, "mediator", "M");
    drive(t, &case, &builder, Milestone::Active, &COMMERCIAL_CAST).await;
    let (_, open) = post(
        t,
        "harbour",
        &case,
        "caucus:H",
        json!({"body": "We can deliver in March."}),
    )
    .await;
    let (_, closed) = post(
        t,
        "harbour",
        &case,
        "caucus:H",
        json!({"body": "Our margin is thin.", "confidential": true}),
    )
    .await;
    let relay = |id: &Value, text: &str| json!({"source_message_id": id, "excerpt": text, "target": "caucus:I"});
    let (s, v) = t
        .post(
            "mediator",
            &format!("/api/v1/cases/{case}/relays"),
            relay(&open["id"], "deliver in March"),
        )
        .await;
    assert_eq!(
        (s, &v["status"]),
        (StatusCode::CREATED, &json!("approved")),
        "{v}"
    );
    let (s, v) = t
        .post(
            "mediator",
            &format!("/api/v1/cases/{case}/relays"),
            relay(&closed["id"], "margin is thin"),
        )
        .await;
    assert_eq!(
        (s, &v["status"]),
        (StatusCode::CREATED, &json!("pending")),
        "marked confidential: needs approval"
    );
    let (_, caucus_i) = read(t, "indah", &case, "caucus:I").await;
    let bodies: Vec<&str> = caucus_i
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["deliver in March"]);
    assert_eq!(
        caucus_i[0]["relay"]["approved_by"],
        "profile:shareable-unless-confidential"
    );
}

async fn case_roles_open_exactly_their_channels_and_end_at_the_next_request(t: &mut TestServer) {
    let case = active_commercial(t).await;
    let expert = t.user("expert", "party-user").await;
    let reviewer = t.user("reviewer", "party-user").await;
    let finance = t.user("finance", "staff").await;
    let counsel = t.user("counsel", "party-user").await;
    post(
        t,
        "harbour",
        &case,
        "caucus:H",
        json!({"body": "Damages model v3"}),
    )
    .await;
    post(
        t,
        "harbour",
        &case,
        "internal:H",
        json!({"body": "Minister must approve above 3m"}),
    )
    .await;
    // An expert on H's caucus: H proposes, the mediator approves; nothing before the approval
    // and the undertaking, then that caucus only.
    t.ok(
        "harbour",
        &case,
        "add-participant",
        json!({"user_id": expert, "role": {"role": "expert", "channels": ["caucus:H"]}}),
    )
    .await;
    assert_eq!(
        t.act("expert", &case, "accept-undertaking", json!({}))
            .await
            .0,
        StatusCode::NOT_FOUND,
        "a proposed role opens nothing"
    );
    t.ok(
        "mediator",
        &case,
        "approve-participant",
        json!({"user_id": expert}),
    )
    .await;
    assert_eq!(
        read(t, "expert", &case, "caucus:H").await.0,
        StatusCode::NOT_FOUND
    );
    let (s, v) = t
        .act("expert", &case, "accept-undertaking", json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["recorded"], true, "a guest does not see the case record");
    let (s, v) = read(t, "expert", &case, "caucus:H").await;
    assert_eq!(
        (s, v[0]["body"].as_str()),
        (StatusCode::OK, Some("Damages model v3"))
    );
    for ch in ["caucus:I", "plenary", "internal:H", "notes"] {
        assert_eq!(
            read(t, "expert", &case, ch).await.0,
            StatusCode::NOT_FOUND,
            "{ch}"
        );
    }
    assert_eq!(
        t.get("expert", &format!("/api/v1/cases/{case}")).await.0,
        StatusCode::NOT_FOUND
    );
    // B learns nothing of an expert joining H's caucus.
    assert!(
        !t.event_kinds("indah", &case)
            .await
            .iter()
            .any(|k| k.starts_with("participant") || k.starts_with("undertaking"))
    );
    // H's internal reviewer (granted by H itself) reads H's workspace, writes nothing.
    t.ok(
        "harbour",
        &case,
        "add-participant",
        json!({"user_id": reviewer, "role": {"role": "internal-reviewer", "party": "H"}}),
    )
    .await;
    assert_eq!(
        read(t, "reviewer", &case, "internal:H").await.1[0]["body"],
        "Minister must approve above 3m"
    );
    assert_eq!(
        post(t, "reviewer", &case, "internal:H", json!({"body": "x"}))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        read(t, "reviewer", &case, "caucus:H").await.0,
        StatusCode::NOT_FOUND
    );
    // That H has an internal reviewer is H's business: H's own view lists the reviewer, the
    // Secretariat's and I's do not.
    for (who, knows) in [("harbour", true), ("sgen", false), ("indah", false)] {
        let (s, v) = t.get(who, &format!("/api/v1/cases/{case}")).await;
        assert_eq!(s, StatusCode::OK, "{who}: {v}");
        let listed = v["participants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["user_id"] == reviewer.as_str());
        assert_eq!(listed, knows, "{who} and H's internal reviewer: {v}");
    }
    // Finance: the administrative channel and deposits; no case record, no caucus.
    t.ok(
        "sgen",
        &case,
        "add-participant",
        json!({"user_id": finance, "role": {"role": "finance-officer"}}),
    )
    .await;
    assert_eq!(
        post(
            t,
            "finance",
            &case,
            "administrative",
            json!({"body": "Invoice 2026/7 issued"})
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let (s, v) = t
        .act(
            "finance",
            &case,
            "record-deposit-paid",
            json!({"party": "H", "paid_by": "H"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        t.get("finance", &format!("/api/v1/cases/{case}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        read(t, "finance", &case, "caucus:H").await.0,
        StatusCode::NOT_FOUND
    );
    // Removal (by H, whose consent the role needs) applies to the very next request.
    t.ok(
        "harbour",
        &case,
        "remove-participant",
        json!({"user_id": expert}),
    )
    .await;
    assert_eq!(
        read(t, "expert", &case, "caucus:H").await.0,
        StatusCode::NOT_FOUND
    );
    // Counsel without the sign scope can file but not sign.
    let _ = counsel;
}

/// Transition 25 over HTTP: the Secretariat cannot open a party's caucus or workspace; a caucus
/// guest needs the party and the mediator, each consent recorded; refusals and withdrawals end a
/// proposal; no one grants or approves a role for themselves; each party whose channel a grant
/// opens sees it in its own timeline, and the other side does not.
async fn a_party_s_private_space_opens_only_with_its_consent_and_never_to_oneself(
    t: &mut TestServer,
) {
    let case = active_commercial(t).await;
    let sgen = t.id("sgen");
    let interpreter = t.user("interpreter", "party-user").await;
    let expert = t.user("expert", "party-user").await;
    let deputy = t.user("deputy", "secretariat").await;
    post(t, "indah", &case, "caucus:I", json!({"body": "I's floor"})).await;
    // The Secretariat may not open a party's private space, to itself or to anyone.
    for (user, role) in [
        (&sgen, json!({"role": "internal-reviewer", "party": "H"})),
        (&expert, json!({"role": "internal-reviewer", "party": "H"})),
        (&sgen, json!({"role": "observer", "channels": ["caucus:H"]})),
        (&expert, json!({"role": "expert", "channels": ["caucus:I"]})),
        (
            &expert,
            json!({"role": "observer", "channels": ["internal:I"]}),
        ),
    ] {
        let (s, v) = t
            .act(
                "sgen",
                &case,
                "add-participant",
                json!({"user_id": user, "role": role}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}: {v}");
    }
    // Nor grant itself even a role that is its to grant.
    let (s, _) = t
        .act(
            "sgen",
            &case,
            "add-participant",
            json!({"user_id": sgen, "role": {"role": "case-officer"}}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A guest role must name its channels.
    t.refused(
        "sgen",
        &case,
        "add-participant",
        json!({"user_id": expert, "role": {"role": "observer", "channels": []}}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing-field",
    )
    .await;
    // The case page offers each the grants that are theirs: H its internal reviewer and its
    // caucus and workspace; the Secretariat the case-wide roles and shared channels, never a
    // party's private space.
    let page = |who: &'static str| {
        let (t, case) = (&*t, case.clone());
        async move {
            let (s, html) = t.page(who, &format!("/cases/{case}")).await;
            assert_eq!(s, StatusCode::OK, "{who}");
            html
        }
    };
    let add_form = format!("/cases/{case}/actions/add-participant");
    let harbour_page = page("harbour").await;
    assert!(harbour_page.contains(&add_form));
    for offered in [
        "value=\"internal-reviewer\"",
        "value=\"caucus:H\"",
        "value=\"internal:H\"",
    ] {
        assert!(harbour_page.contains(offered), "harbour: {offered}");
    }
    for not_offered in [
        "value=\"caucus:I\"",
        "value=\"internal:I\"",
        "value=\"case-officer\"",
    ] {
        assert!(
            !harbour_page.contains(not_offered),
            "harbour: {not_offered}"
        );
    }
    let sgen_page = page("sgen").await;
    assert!(sgen_page.contains(&add_form));
    for not_offered in [
        "value=\"internal-reviewer\"",
        "value=\"caucus:H\"",
        "value=\"internal:H\"",
        "value=\"caucus:I\"",
    ] {
        assert!(!sgen_page.contains(not_offered), "sgen: {not_offered}");
    }
    assert!(sgen_page.contains("value=\"plenary\""));
    // An interpreter for both caucuses: the mediator proposes, each party approves.
    t.ok(
        "mediator",
        &case,
        "add-participant",
        json!({"user_id": interpreter, "role": {"role": "interpreter", "channels": ["caucus:H", "caucus:I"]}}),
    )
    .await;
    for who in ["harbour", "indah", "mediator"] {
        let kinds = t.event_kinds(who, &case).await;
        assert!(
            kinds.iter().any(|k| k == "participant-proposed"),
            "{who} sees the proposal: {kinds:?}"
        );
    }
    t.refused(
        "mediator",
        &case,
        "approve-participant",
        json!({"user_id": interpreter}),
        StatusCode::CONFLICT,
        "guard-already-recorded",
    )
    .await;
    // The page offers H the approval of the role awaiting its consent.
    let approve_form = format!("/cases/{case}/actions/approve-participant");
    assert!(page("harbour").await.contains(&approve_form));
    assert!(!page("sgen").await.contains(&approve_form));
    t.ok(
        "harbour",
        &case,
        "approve-participant",
        json!({"user_id": interpreter}),
    )
    .await;
    assert_eq!(
        t.act("interpreter", &case, "accept-undertaking", json!({}))
            .await
            .0,
        StatusCode::NOT_FOUND,
        "not before I approves"
    );
    t.ok(
        "indah",
        &case,
        "approve-participant",
        json!({"user_id": interpreter}),
    )
    .await;
    t.ok("interpreter", &case, "accept-undertaking", json!({}))
        .await;
    assert_eq!(
        read(t, "interpreter", &case, "caucus:I").await.1[0]["body"],
        "I's floor"
    );
    for who in ["harbour", "indah"] {
        let kinds = t.event_kinds(who, &case).await;
        assert!(
            kinds.iter().any(|k| k == "participant-added"),
            "{who} sees the grant in its own timeline: {kinds:?}"
        );
    }
    // A caucus guest who is also a Secretariat member: proposed by the mediator for H's caucus
    // and the plenary, the deputy may not approve it for themselves. I learns nothing of it.
    let i_before = t.event_kinds("indah", &case).await;
    t.ok(
        "mediator",
        &case,
        "add-participant",
        json!({"user_id": deputy, "role": {"role": "observer", "channels": ["caucus:H", "plenary"]}}),
    )
    .await;
    t.refused(
        "deputy",
        &case,
        "approve-participant",
        json!({"user_id": deputy}),
        StatusCode::CONFLICT,
        "guard-self-grant",
    )
    .await;
    // I cannot tell a user with a role proposed in H's caucus from a user with none.
    for user in [deputy.as_str(), "nobody"] {
        for action in ["approve-participant", "refuse-participant"] {
            t.refused(
                "indah",
                &case,
                action,
                json!({"user_id": user}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "no-pending-grant",
            )
            .await;
        }
    }
    // H refuses it, and it is gone.
    t.ok(
        "harbour",
        &case,
        "refuse-participant",
        json!({"user_id": deputy}),
    )
    .await;
    assert_eq!(t.event_kinds("indah", &case).await, i_before);
    t.refused(
        "sgen",
        &case,
        "approve-participant",
        json!({"user_id": deputy}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no-pending-grant",
    )
    .await;
    // H's expert for its own caucus, proposed by H, refused by the mediator; proposed again and
    // withdrawn by H.
    let expert_role =
        json!({"user_id": expert, "role": {"role": "expert", "channels": ["caucus:H"]}});
    t.ok("harbour", &case, "add-participant", expert_role.clone())
        .await;
    t.ok(
        "mediator",
        &case,
        "refuse-participant",
        json!({"user_id": expert}),
    )
    .await;
    t.ok("harbour", &case, "add-participant", expert_role.clone())
        .await;
    t.ok(
        "harbour",
        &case,
        "refuse-participant",
        json!({"user_id": expert}),
    )
    .await;
    assert_eq!(
        t.act("expert", &case, "accept-undertaking", json!({}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // A party's internal reviewer is the party's to grant, at once; the other side does not
    // learn of it.
    let h_before = t.event_kinds("harbour", &case).await;
    t.ok(
        "indah",
        &case,
        "add-participant",
        json!({"user_id": expert, "role": {"role": "internal-reviewer", "party": "I"}}),
    )
    .await;
    assert_eq!(t.event_kinds("harbour", &case).await, h_before);
    assert_eq!(
        read(t, "expert", &case, "internal:I").await.0,
        StatusCode::OK
    );
    assert_eq!(
        read(t, "sgen", &case, "internal:I").await.0,
        StatusCode::NOT_FOUND,
        "the Secretariat sees nothing of a party's workspace"
    );
    t.assert_chains_verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn break_glass_needs_two_secretariat_approvals_is_logged_read_only_and_expires() {
    let mut t = crate::harness::TestServer::start(crate::harness::Backend::Sqlite)
        .await
        .unwrap();
    let case = active_commercial(&mut t).await;
    t.user("deputy", "secretariat").await;
    let op = t.user("operator", "operator").await;
    // Without-prejudice material the operator must never read: the agenda and a proposal.
    t.ok(
        "mediator",
        &case,
        "open-negotiation",
        json!({"agenda": {"issues": [
            {"id": "price", "label": "canary-agenda", "options": ["low", "high"]}
        ]}}),
    )
    .await;
    t.ok(
        "mediator",
        &case,
        "propose-package",
        json!({"negotiation": "N1", "package": {"price": "high"}}),
    )
    .await;
    t.ok("mediator", &case, "indicate-terms-agreed", json!({}))
        .await;
    t.put_draft(&case, "canary-draft").await;
    post(
        &t,
        "harbour",
        &case,
        "caucus:H",
        json!({"body": "secret position"}),
    )
    .await;
    // No content without break-glass, and asking reveals nothing.
    assert_eq!(
        t.get("operator", &format!("/api/v1/cases/{case}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (s, v) = t
        .act(
            "operator",
            &case,
            "request-break-glass",
            json!({"reason": "incident 42: case page fails to load"}),
        )
        .await;
    assert_eq!((s, &v["recorded"]), (StatusCode::OK, &json!(true)), "{v}");
    assert_eq!(
        t.get("operator", &format!("/api/v1/cases/{case}")).await.0,
        StatusCode::NOT_FOUND,
        "not before approval"
    );
    // The parties do not see break-glass events; the Secretariat does.
    assert!(
        !t.event_kinds("indah", &case)
            .await
            .iter()
            .any(|k| k.contains("break-glass"))
    );
    t.ok(
        "sgen",
        &case,
        "approve-break-glass",
        json!({"operator": op}),
    )
    .await;
    t.refused(
        "sgen",
        &case,
        "approve-break-glass",
        json!({"operator": op}),
        StatusCode::CONFLICT,
        "guard-second-approver-required",
    )
    .await;
    assert_eq!(
        t.get("operator", &format!("/api/v1/cases/{case}")).await.0,
        StatusCode::NOT_FOUND,
        "one approval is not enough"
    );
    t.ok(
        "deputy",
        &case,
        "approve-break-glass",
        json!({"operator": op}),
    )
    .await;
    assert_eq!(
        t.get("operator", &format!("/api/v1/cases/{case}")).await.0,
        StatusCode::OK
    );
    // The case record alone, every read logged; everything else answers as for a missing case.
    break_glass_reads_the_record_alone_and_each_read_is_logged(&t, &case, &op).await;
    t.refused(
        "operator",
        &case,
        "suspend-by-agreement",
        json!({"reason": "x"}),
        StatusCode::NOT_FOUND,
        "case-not-found",
    )
    .await;
    // A case officer is not the Secretariat: it approves no break-glass request.
    let officer = t.user("officer", "staff").await;
    t.ok(
        "sgen",
        &case,
        "add-participant",
        json!({"user_id": officer, "role": {"role": "case-officer"}}),
    )
    .await;
    t.user("operator2", "operator").await;
    t.ok(
        "operator2",
        &case,
        "request-break-glass",
        json!({"reason": "incident 43"}),
    )
    .await;
    let (s, v) = t
        .act(
            "officer",
            &case,
            "approve-break-glass",
            json!({"operator": t.id("operator2")}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    // Access ends after a day.
    t.advance_days(1).await;
    assert_eq!(
        t.get("operator", &format!("/api/v1/cases/{case}")).await.0,
        StatusCode::NOT_FOUND
    );
}

/// Break-glass reads (issue: every read logged, the case record alone): every case route of the
/// router is tried by the operator; the reads of the case record answer and each adds one line to
/// the access log; everything else answers exactly as for a missing case, and no answer carries
/// a negotiation, a proposal or a draft.
async fn break_glass_reads_the_record_alone_and_each_read_is_logged(
    t: &crate::harness::TestServer,
    case: &str,
    op: &str,
) {
    let log_lines = || async {
        let (_, log) = t
            .get("sgen", &format!("/api/v1/access-log?case_id={case}"))
            .await;
        log.as_array()
            .unwrap()
            .iter()
            .filter(|l| l["kind"] == "break-glass" && l["user_id"] == op)
            .count()
    };
    let missing = "00000000-0000-7000-8000-00000000dead";
    let record_reads = [
        "GET /api/v1/cases/{case_id}",
        "GET /api/v1/cases/{case_id}/events",
        "GET /api/v1/cases/{case_id}/events/{event_id}/inclusion",
        "GET /api/v1/cases/{case_id}/documents/{kind}",
        "GET /api/v1/cases/{case_id}/attestation",
    ];
    // A case-wide event the record shows, to ask its inclusion proof (read before the probes:
    // this read is logged like the others).
    let (_, events) = t
        .get("operator", &format!("/api/v1/cases/{case}/events"))
        .await;
    let first_event = events[0]["event_id"].as_str().unwrap().to_owned();
    let mut tried = 0;
    for (method, route, _) in accord_web::ROUTES {
        if !route.starts_with("/api/v1/cases/{case_id}") {
            continue;
        }
        let key = format!("{method} {route}");
        let fill = |c: &str| {
            route
                .replace("{case_id}", c)
                .replace("{event_id}", &first_event)
                .replace("{kind}", "acknowledgement")
                .replace("{channel}", "plenary")
                .replace("{document_id}", "D1")
                .replace("{relay_id}", "R1")
                .replace("{negotiation_id}", "N1")
                .replace("{proposal_id}", "P1")
                .replace("{bidding_id}", "B1")
                .replace("{party}", "H")
                .replace("{version}", "1")
                .replace("{country}", "XC")
                .replace("{action}", "resume")
                + if route.ends_with("/diff") {
                    "?from=1&to=2"
                } else if route.ends_with("{kind}") || route.ends_with("settlement-agreement") {
                    "?language=en"
                } else {
                    ""
                }
        };
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let body = (method == reqwest::Method::POST).then(|| json!({}));
        let before = log_lines().await;
        let (s, v) = t
            .send(method.clone(), Some("operator"), &fill(case), body.clone())
            .await;
        let text = v.to_string();
        assert!(
            !text.contains("canary"),
            "{key}: without-prejudice material under break-glass: {text}"
        );
        if record_reads.contains(&key.as_str()) {
            assert!(
                s.is_success() || (s == StatusCode::NOT_FOUND && !text.contains("case-not-found")),
                "{key}: the record is readable under break-glass, got {s} {text}"
            );
            assert_eq!(log_lines().await, before + 1, "{key}: one access-log line");
        } else {
            let twin = t.send(method, Some("operator"), &fill(missing), body).await;
            assert_eq!(
                (s, v),
                twin,
                "{key}: refused under break-glass exactly as for a missing case"
            );
        }
        tried += 1;
    }
    assert!(tried >= 25, "only {tried} routes tried");
    // The view and the timeline hold nothing without prejudice.
    let (_, view) = t.get("operator", &format!("/api/v1/cases/{case}")).await;
    assert_eq!(view["negotiations"], json!([]));
    let (_, events) = t
        .get("operator", &format!("/api/v1/cases/{case}/events"))
        .await;
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .all(|e| !["negotiation-opened", "package-proposed"]
                .contains(&e["kind"].as_str().unwrap_or(""))),
        "{events}"
    );
    // The case page shows the record, logged too; the negotiation page is not there.
    let page = |path: String| async move { t.page("operator", &path).await };
    let before = log_lines().await;
    let (s, html) = page(format!("/cases/{case}")).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(!html.contains("canary"));
    assert!(log_lines().await > before);
    let (s, _) = page(format!("/cases/{case}/negotiations")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn co_mediators_are_appointed_seat_by_seat_and_both_mediate() {
    let mut t = crate::harness::TestServer::start(crate::harness::Backend::Sqlite)
        .await
        .unwrap();
    t.user("sgen", "secretariat").await;
    let a = t.user("med-a", "mediator").await;
    let b = t.user("med-b", "mediator").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let case = t
        .file("harbour", commercial(&h, &i, true, "iomed-default"))
        .await;
    t.ok("harbour", &case, "submit-request", json!({})).await;
    t.ok("sgen", &case, "record-lodging-fee", json!({})).await;
    t.ok("sgen", &case, "register", json!({})).await;
    t.ok("sgen", &case, "agree-mediator-count", json!({"count": 2}))
        .await;
    t.ok(
        "sgen",
        &case,
        "nominate-mediator",
        json!({"mediator_user_id": a, "name": "A", "method": "joint-nomination"}),
    )
    .await;
    let v = t
        .ok("med-a", &case, "accept-appointment", declaration())
        .await;
    assert_eq!(v["state_name"], "CONSTITUTING", "one seat of two is filled");
    t.refused(
        "sgen",
        &case,
        "nominate-mediator",
        json!({"mediator_user_id": a, "name": "A", "method": "joint-nomination"}),
        StatusCode::CONFLICT,
        "guard-mediator-conflict",
    )
    .await;
    t.ok(
        "sgen",
        &case,
        "nominate-mediator",
        json!({"mediator_user_id": b, "name": "B", "method": "joint-nomination"}),
    )
    .await;
    let v = t
        .ok("med-b", &case, "accept-appointment", declaration())
        .await;
    assert_eq!(
        v["state_name"], "PREPARATORY",
        "the file goes out once both seats are filled"
    );
    t.ok(
        "med-b",
        &case,
        "record-first-session",
        first_session(&["H", "I"]),
    )
    .await;
    post(
        &t,
        "harbour",
        &case,
        "caucus:H",
        json!({"body": "to both mediators"}),
    )
    .await;
    for m in ["med-a", "med-b"] {
        let (s, v) = read(&t, m, &case, "caucus:H").await;
        assert_eq!(
            (s, v[0]["body"].as_str()),
            (StatusCode::OK, Some("to both mediators")),
            "{m}"
        );
    }
}

/// A message whose stored ciphertext was changed does not open: the answer is an integrity
/// failure (500, its own code, nothing to retry), not a storage outage (503), and the rest of
/// the case is still served. SQLite only: the test changes the row in the database file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_that_does_not_open_is_an_integrity_failure_not_an_outage() {
    let mut t = TestServer::start(crate::harness::Backend::Sqlite)
        .await
        .unwrap();
    let case = active_commercial(&mut t).await;
    let (s, _) = post(
        &t,
        "harbour",
        &case,
        "plenary",
        json!({"body": "Harbour's opening statement."}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = read(&t, "indah", &case, "plenary").await;
    assert_eq!(s, StatusCode::OK);
    let db = sqlx::SqlitePool::connect(&t.cfg.database_url())
        .await
        .unwrap();
    let changed =
        sqlx::query("UPDATE messages SET body = randomblob(length(body)) WHERE case_id = ?")
            .bind(&case)
            .execute(&db)
            .await
            .unwrap();
    assert_eq!(changed.rows_affected(), 1);
    let r = t
        .http
        .get(format!(
            "{}/api/v1/cases/{case}/channels/plenary/messages",
            t.base
        ))
        .bearer_auth(t.token("indah"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        r.headers().get("retry-after").is_none(),
        "an integrity failure is not retryable"
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "integrity-failure", "{v}");
    assert!(
        !v.to_string().contains("opening statement"),
        "nothing of the record is shown"
    );
    assert_eq!(
        t.state("sgen", &case).await,
        "ACTIVE",
        "the case is still served"
    );
}
