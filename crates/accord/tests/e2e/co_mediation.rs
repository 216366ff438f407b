//! Constituting the mediation over HTTP: the parties' own joint nomination from the panel, and
//! co-mediation vacancies (docs/PROCEDURE.md, transition 14): the vacancy names the
//! seat; the remaining mediator serves on while the parties answer; one refusal suspends the case
//! for the vacancy, and the remaining mediator keeps its access.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{COMMERCIAL_CAST, TestServer, builder, commercial, declaration, drive};
use accord_domain::testing::Milestone;

/// An ACTIVE commercial case mediated by `mediator` and `comediator`.
async fn co_mediated(t: &mut TestServer) -> String {
    t.user("sgen", "secretariat").await;
    t.user("mediator", "mediator").await;
    let m2 = t.user("comediator", "mediator").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let filing = commercial(&h, &i, true, "iomed-default");
    let case = t.file("harbour", filing.clone()).await;
    let b = builder(&filing, t, "mediator", "Amina Diallo");
    drive(t, &case, &b, Milestone::Constituting, &COMMERCIAL_CAST).await;
    t.ok("sgen", &case, "agree-mediator-count", json!({"count": 2}))
        .await;
    for (who, name) in [("mediator", "Amina Diallo"), ("comediator", "Li Wei")] {
        t.ok(
            "sgen",
            &case,
            "nominate-mediator",
            json!({"mediator_user_id": t.id(who), "name": name, "method": "joint-nomination"}),
        )
        .await;
        t.ok(who, &case, "accept-appointment", declaration()).await;
    }
    assert_eq!(t.state("sgen", &case).await, "PREPARATORY");
    let record = crate::harness::first_session(&["H", "I"]);
    t.ok("mediator", &case, "record-first-session", record)
        .await;
    assert_eq!(t.state("sgen", &case).await, "ACTIVE");
    let _ = m2;
    case
}

async fn a_co_mediator_leaves_and_one_party_declines_to_continue(t: &mut TestServer) {
    let case = co_mediated(t).await;
    let reason = "Resigned for health reasons";
    t.refused(
        "sgen",
        &case,
        "record-vacancy",
        json!({"reason": reason}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing-field",
    )
    .await;
    t.refused(
        "sgen",
        &case,
        "record-vacancy",
        json!({"reason": reason, "seat": t.id("harbour")}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown-seat",
    )
    .await;
    let v = t
        .ok(
            "sgen",
            &case,
            "record-vacancy",
            json!({"reason": reason, "seat": t.id("comediator")}),
        )
        .await;
    assert_eq!(v["state_name"], "ACTIVE", "the mediation goes on meanwhile");
    assert_eq!(v["co_mediation_vacancy"]["seat"], t.id("comediator"));
    let window = v["next_deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "co-mediation-vacancy")
        .unwrap_or_else(|| panic!("{v}"));
    assert!(window["due_local"].as_str().is_some());
    // The departed mediator is out; the remaining one keeps reading and writing.
    let path = format!("/api/v1/cases/{case}");
    assert_eq!(t.get("comediator", &path).await.0, StatusCode::NOT_FOUND);
    let plenary = format!("/api/v1/cases/{case}/channels/plenary/messages");
    let (s, v) = t
        .post(
            "mediator",
            &plenary,
            json!({"body": "We continue on Monday."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // The answers are recorded per party; one no suspends the case for the vacancy.
    t.ok(
        "harbour",
        &case,
        "answer-co-mediation-vacancy",
        json!({"party": "H", "continue_with_remaining": true}),
    )
    .await;
    t.refused(
        "harbour",
        &case,
        "answer-co-mediation-vacancy",
        json!({"party": "H", "continue_with_remaining": false}),
        StatusCode::CONFLICT,
        "guard-already-recorded",
    )
    .await;
    t.refused(
        "harbour",
        &case,
        "answer-co-mediation-vacancy",
        json!({"party": "I", "continue_with_remaining": true}),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let v = t.case("indah", &case).await;
    assert_eq!(v["co_mediation_vacancy"]["answers"]["H"], true);
    let v = t
        .ok(
            "indah",
            &case,
            "answer-co-mediation-vacancy",
            json!({"party": "I", "continue_with_remaining": false}),
        )
        .await;
    assert_eq!(v["state_name"], "VACANCY", "{v}");
    assert_eq!(t.get("mediator", &path).await.0, StatusCode::OK);
    // A replacement fills the seat and the mediation resumes where it was.
    t.user("replacement", "mediator").await;
    t.ok(
        "sgen",
        &case,
        "nominate-mediator",
        json!({"mediator_user_id": t.id("replacement"), "name": "Sofia Reyes",
               "method": "joint-nomination"}),
    )
    .await;
    let v = t
        .ok("replacement", &case, "accept-appointment", declaration())
        .await;
    assert_eq!(v["state_name"], "ACTIVE", "{v}");
    let kinds = t.event_kinds("sgen", &case).await;
    let answered = kinds
        .iter()
        .filter(|k| *k == "co-mediation-vacancy-answered")
        .count();
    assert_eq!(answered, 2);
}

async fn every_party_agrees_and_the_remaining_mediator_goes_on(t: &mut TestServer) {
    let case = co_mediated(t).await;
    t.ok(
        "mediator",
        &case,
        "record-vacancy",
        json!({"reason": "Removed", "seat": t.id("comediator")}),
    )
    .await;
    for (who, party) in [("harbour", "H"), ("indah", "I")] {
        t.ok(
            who,
            &case,
            "answer-co-mediation-vacancy",
            json!({"party": party, "continue_with_remaining": true}),
        )
        .await;
    }
    let v = t.case("sgen", &case).await;
    assert_eq!(v["state_name"], "ACTIVE");
    assert_eq!(v["co_mediation_vacancy"], serde_json::Value::Null);
    assert_eq!(v["mediator_count"], 1);
}

/// The parties choose the mediator themselves from the panel: each proposes; when both name the
/// same mediator, the nomination is theirs.
async fn the_parties_nominate_a_mediator_jointly_from_the_panel(t: &mut TestServer) {
    t.user("sgen", "secretariat").await;
    t.user("mediator", "mediator").await;
    t.user("comediator", "mediator").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let filing = commercial(&h, &i, true, "iomed-default");
    let case = t.file("harbour", filing.clone()).await;
    let b = builder(&filing, t, "mediator", "Amina Diallo");
    drive(t, &case, &b, Milestone::Constituting, &COMMERCIAL_CAST).await;
    // Every signed-in user reads the panel: ids and names, nothing else of the accounts.
    let (s, panel) = t.get("indah", "/api/v1/mediators").await;
    assert_eq!(s, StatusCode::OK);
    let ids: Vec<&str> = panel
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&t.id("mediator").as_str()) && ids.contains(&t.id("comediator").as_str()));
    assert!(
        !ids.contains(&h.as_str()),
        "only mediators are on the panel"
    );
    assert!(panel[0].get("username").is_none() && panel[0].get("role").is_none());
    let propose = |party: &str, who: &str| json!({"party": party, "mediator_user_id": t.id(who), "name": format!("Panel member {who}")});
    // Only a mediator on the panel: not another account (here the Secretariat's), not an
    // unknown id — for a party's proposal as for the Secretariat's nomination.
    t.refused(
        "harbour",
        &case,
        "propose-mediator",
        propose("H", "sgen"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not-on-panel",
    )
    .await;
    t.refused(
        "sgen",
        &case,
        "nominate-mediator",
        json!({"mediator_user_id": "no-such-account", "name": "N", "method": "joint-nomination"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not-on-panel",
    )
    .await;
    let v = t
        .ok(
            "harbour",
            &case,
            "propose-mediator",
            propose("H", "mediator"),
        )
        .await;
    assert_eq!(v["state_name"], "CONSTITUTING");
    assert_eq!(
        v["mediator_proposals"]["H"]["mediator_user_id"],
        t.id("mediator")
    );
    t.refused(
        "harbour",
        &case,
        "propose-mediator",
        propose("H", "mediator"),
        StatusCode::CONFLICT,
        "guard-already-recorded",
    )
    .await;
    t.refused(
        "harbour",
        &case,
        "propose-mediator",
        propose("I", "mediator"),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let v = t
        .ok(
            "indah",
            &case,
            "propose-mediator",
            propose("I", "comediator"),
        )
        .await;
    assert_eq!(v["state_name"], "CONSTITUTING", "different candidates");
    // I leaves the name out: the panel's name of that mediator is recorded.
    let v = t
        .ok(
            "indah",
            &case,
            "propose-mediator",
            json!({"party": "I", "mediator_user_id": t.id("mediator")}),
        )
        .await;
    assert_eq!(v["state_name"], "APPOINTEE_PENDING", "{v}");
    let seat = v["mediators"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(seat["user_id"], t.id("mediator"));
    assert_eq!(
        seat["name"], "mediator (test)",
        "the panel name of that mediator"
    );
    let v = t
        .ok("mediator", &case, "accept-appointment", declaration())
        .await;
    assert_eq!(v["state_name"], "PREPARATORY");
}

crate::on_both_backends!(
    a_co_mediator_leaves_and_one_party_declines_to_continue,
    every_party_agrees_and_the_remaining_mediator_goes_on,
    the_parties_nominate_a_mediator_jointly_from_the_panel,
);
