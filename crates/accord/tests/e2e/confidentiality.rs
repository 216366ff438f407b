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
    // An expert on H's caucus: nothing before the undertaking, then that caucus only.
    t.ok(
        "sgen",
        &case,
        "add-participant",
        json!({"user_id": expert, "role": {"role": "expert", "channels": ["caucus:H"]}}),
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
    // H's internal reviewer reads H's workspace, writes nothing.
    t.ok(
        "sgen",
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
    // Removal applies to the very next request.
    t.ok(
        "sgen",
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn break_glass_needs_two_secretariat_approvals_is_logged_read_only_and_expires() {
    let mut t = crate::harness::TestServer::start(crate::harness::Backend::Sqlite)
        .await
        .unwrap();
    let case = active_commercial(&mut t).await;
    t.user("deputy", "secretariat").await;
    let op = t.user("operator", "operator").await;
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
    // Read-only record: no channel content, no acts.
    assert_eq!(
        read(&t, "operator", &case, "caucus:H").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        read(&t, "operator", &case, "plenary").await.0,
        StatusCode::NOT_FOUND
    );
    t.refused(
        "operator",
        &case,
        "suspend-by-agreement",
        json!({"reason": "x"}),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Every read is logged for the Secretary-General.
    let (_, log) = t
        .get("sgen", &format!("/api/v1/access-log?case_id={case}"))
        .await;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|l| l["kind"] == "break-glass" && l["user_id"] == op.as_str()),
        "{log}"
    );
    // Access ends after a day.
    t.advance_days(1).await;
    assert_eq!(
        t.get("operator", &format!("/api/v1/cases/{case}")).await.0,
        StatusCode::NOT_FOUND
    );
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
