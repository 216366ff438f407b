//! Rule changes by the governing bodies, over HTTP and on the pages: a decision recorded as the
//! profile's next version (API and the rules page, with its audit trail); new requests filed
//! under the version in force; a registered case keeps its version until every party agrees.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestServer, active_commercial_with, commercial};

const PROFILE: &str = "/api/v1/profiles/iomed-default";

fn decision(changes: Value) -> Value {
    json!({
        "text": "Decision GC/2026/1: non-contracting States and international organisations may use the Organization's mediation.",
        "decided_on": "2026-01-02",
        "changes": changes,
    })
}

/// Records a decision as `who` and returns the new version (asserts 201).
async fn record(t: &TestServer, who: &str, body: Value) -> Value {
    let (s, v) = t.post(who, &format!("{PROFILE}/versions"), body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

async fn the_governing_council_decides_a_pending_rule_and_new_requests_follow_it(
    t: &mut TestServer,
) {
    t.user("sgen", "secretariat").await;
    let council = t.user("council", "governing-council").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;

    let (s, history) = t.get("harbour", PROFILE).await;
    assert_eq!(s, StatusCode::OK, "{history}");
    assert_eq!(history["in_force"], 1);
    assert_eq!(history["versions"], json!([]));
    assert!(
        history["preset"]["pending_rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["field"] == "non_contracting_parties_served"),
        "{history}"
    );
    let (s, v) = t.get("harbour", "/api/v1/profiles/no-such-rules").await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("profile-not-found"))
    );

    // A party cannot record the rules; a decision that cannot be recorded changes nothing.
    let changes =
        json!({"non_contracting_parties_served": true, "invitation_response_days_commercial": 21});
    let (s, v) = t
        .post(
            "harbour",
            &format!("{PROFILE}/versions"),
            decision(changes.clone()),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    for bad in [
        json!({"text": "x", "decided_on": "2030-01-01", "changes": changes}),
        json!({"text": "x", "decided_on": "2026-01-02", "changes": {}}),
        json!({"text": "x", "decided_on": "2026-01-02", "changes": {"acceptance_days": 0}}),
        json!({"text": "x", "decided_on": "2026-01-02", "changes": {"version": 7}}),
        json!({"text": "x", "decided_on": "2026-01-02", "in_force_from": "2025-12-31T00:00:00Z", "changes": changes}),
    ] {
        let (s, v) = t
            .post("council", &format!("{PROFILE}/versions"), bad.clone())
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("invalid-rule-decision")
            ),
            "{bad}: {v}"
        );
    }
    assert_eq!(t.get("harbour", PROFILE).await.1["versions"], json!([]));

    let v2 = record(t, "council", decision(changes)).await;
    assert_eq!(v2["profile"]["version"], 2);
    assert_eq!(v2["recorded_by"], council);
    assert_eq!(v2["profile"]["non_contracting_parties_served"], true);
    assert!(
        !v2["profile"]["pending_rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["field"] == "non_contracting_parties_served"),
        "the decided rule no longer pends"
    );
    let history = t.get("indah", PROFILE).await.1;
    assert_eq!(history["in_force"], 2);
    assert_eq!(history["versions"].as_array().unwrap().len(), 1);
    let (_, profiles) = t.get("indah", "/api/v1/profiles").await;
    let iomed = profiles
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "iomed-default")
        .unwrap();
    assert_eq!(iomed["version"], 2, "the list gives the version in force");

    // A request filed now is filed under version 2, its overrides kept.
    let mut filing = commercial(&h, &i, true, "iomed-default");
    filing["profile_overrides"] = json!({"acceptance_days": 25});
    let case = t.file("harbour", filing).await;
    let view = t.case("harbour", &case).await;
    assert_eq!(view["profile"]["version"], 2, "{}", view["profile"]);
    assert_eq!(view["profile"]["invitation_response_days_commercial"], 21);
    assert_eq!(view["profile"]["acceptance_days"], 25);

    // Amending the draft keeps it under the version in force, and its overrides.
    let mut amended = commercial(&h, &i, true, "iomed-default");
    amended["title"] = json!("Harbour v. Indah (amended)");
    amended["profile_overrides"] = json!({"acceptance_days": 25});
    t.ok(
        "harbour",
        &case,
        "amend-draft",
        json!({ "request": amended }),
    )
    .await;
    let view = t.case("harbour", &case).await;
    assert_eq!(view["title"], "Harbour v. Indah (amended)");
    assert_eq!(view["profile"]["version"], 2, "{}", view["profile"]);
    assert_eq!(view["profile"]["invitation_response_days_commercial"], 21);
    assert_eq!(view["profile"]["acceptance_days"], 25);

    // The rules page: the decision, who recorded it, and the form for the Secretariat only.
    let (s, page) = t.page("harbour", "/rules").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Decision GC/2026/1"), "the decision's text");
    assert!(page.contains("council (test)"), "who recorded it, by name");
    assert!(
        !page.contains("/rules/iomed-default/decisions"),
        "a party is offered no decision form"
    );
    let (_, page) = t.page("sgen", "/rules").await;
    assert!(page.contains("action=\"/rules/iomed-default/decisions\""));
    let (_, page) = t.page_in("sgen", "/rules", "ar").await;
    assert!(page.contains("dir=\"rtl\"") && page.contains("القواعد الإجرائية"));
}

async fn a_registered_case_keeps_its_rules_until_every_party_agrees(t: &mut TestServer) {
    let case = active_commercial_with(t, "iomed-default").await;
    t.user("council", "governing-council").await;
    let before = t.case("harbour", &case).await["profile"].clone();
    assert_eq!(before["version"], 1);

    // Nothing newer yet: nothing to agree to.
    t.refused(
        "harbour",
        &case,
        "agree-profile-version",
        json!({"party": "H", "version": 2}),
        StatusCode::CONFLICT,
        "guard-profile-version-not-newer",
    )
    .await;

    record(t, "council", decision(json!({"inactivity_days": 150}))).await;
    // A later version, decided now, that applies only in thirty days.
    let mut later = decision(json!({"co_mediation_vacancy_days": 20}));
    later["in_force_from"] = json!("2026-02-05T09:00:00Z");
    record(t, "council", later).await;

    let view = t.case("harbour", &case).await;
    assert_eq!(
        view["profile"], before,
        "recording a decision changes no case"
    );
    let (_, page) = t.page("harbour", &format!("/cases/{case}")).await;
    assert!(
        page.contains(&format!("/cases/{case}/actions/agree-profile-version")),
        "the party is offered the agreement"
    );
    assert!(page.contains("Decision GC/2026/1"), "and told what changed");

    t.refused(
        "harbour",
        &case,
        "agree-profile-version",
        json!({"party": "H", "version": 7}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown-profile-version",
    )
    .await;
    t.refused(
        "harbour",
        &case,
        "agree-profile-version",
        json!({"party": "H", "version": 3}),
        StatusCode::CONFLICT,
        "guard-profile-version-not-in-force",
    )
    .await;
    t.refused(
        "harbour",
        &case,
        "agree-profile-version",
        json!({"party": "I", "version": 2}),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let v = t
        .ok(
            "harbour",
            &case,
            "agree-profile-version",
            json!({"party": "H", "version": 2}),
        )
        .await;
    assert_eq!(v["profile"]["version"], 1, "one party alone adopts nothing");
    assert_eq!(
        (&v["recorded"], &v["case_id"], &v["action"], &v["view"]),
        (
            &json!(true),
            &json!(case),
            &json!("agree-profile-version"),
            &json!("full")
        ),
        "the envelope every action answers with, the case alongside"
    );
    assert_eq!(v["profile_agreements"]["H"], 2);
    t.refused(
        "harbour",
        &case,
        "agree-profile-version",
        json!({"party": "H", "version": 2}),
        StatusCode::CONFLICT,
        "guard-already-recorded",
    )
    .await;

    let v = t
        .ok(
            "indah",
            &case,
            "agree-profile-version",
            json!({"party": "I", "version": 2}),
        )
        .await;
    assert_eq!(v["profile"]["version"], 2);
    assert_eq!(v["profile"]["inactivity_days"], 150);
    let kinds = t.event_kinds("sgen", &case).await;
    assert_eq!(
        kinds
            .iter()
            .filter(|k| *k == "profile-version-agreed")
            .count(),
        2
    );
    assert!(kinds.contains(&"profile-version-adopted".to_owned()));

    // Once version 3 applies, the parties may move to it in turn.
    t.advance_days(31).await;
    t.ok(
        "harbour",
        &case,
        "agree-profile-version",
        json!({"party": "H", "version": 3}),
    )
    .await;
    t.assert_chains_verify().await;
}

/// Posts the decision form of the rules page as `who` (with the page's CSRF token); the status and
/// the page answered (the redirect is not followed).
async fn post_rules_form(
    t: &TestServer,
    who: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, Option<String>) {
    let (_, page) = t.page(who, "/rules").await;
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    form.extend_from_slice(fields);
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/rules/iomed-default/decisions", t.base))
        .header("cookie", format!("accord_session={}", t.token(who)))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    (status, r.text().await.unwrap_or_default(), location)
}

async fn the_secretariat_records_a_decision_on_the_rules_page(t: &mut TestServer) {
    t.user("sgen", "secretariat").await;
    t.user("harbour", "party-user").await;
    // A party's post is refused and records nothing.
    let (s, page, _) = post_rules_form(
        t,
        "harbour",
        &[
            ("text", "x"),
            ("decided_on", "2026-01-02"),
            ("rule.inactivity_days", "90"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(page.contains("Only the Secretariat or a member of the Governing Council"));
    // Mistakes are answered next to their fields, in the viewer's words, and what was typed stays.
    let (s, page, _) = post_rules_form(
        t,
        "sgen",
        &[
            ("text", "Decision GC/2026/2"),
            ("decided_on", "2026-01-20"),
            ("in_force_from", "2026-01-01"),
            ("rule.inactivity_days", "0"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    for message in [
        "This date is after today at the seat",
        "A decision cannot apply from a day already past",
        "Enter a whole number of days from 1 to 730.",
    ] {
        assert!(page.contains(message), "{message}");
    }
    assert!(
        page.contains("Decision GC/2026/2"),
        "the text typed is kept"
    );
    assert_eq!(t.get("sgen", PROFILE).await.1["versions"], json!([]));
    let (s, page, _) = post_rules_form(
        t,
        "sgen",
        &[("text", "Decision GC/2026/2"), ("decided_on", "2026-01-05")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Give at least one rule the decision sets."));

    let (s, _, location) = post_rules_form(
        t,
        "sgen",
        &[
            (
                "text",
                "Decision GC/2026/2: invited States answer within 45 days.",
            ),
            ("decided_on", "2026-01-05"),
            ("in_force_from", ""),
            ("rule.non_contracting_parties_served", ""),
            ("rule.invitation_response_days_state", "45"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/rules?done=1#iomed-default"));
    let history = t.get("sgen", PROFILE).await.1;
    let v2 = &history["versions"][0]["profile"];
    assert_eq!(v2["invitation_response_days_state"], 45);
    assert_eq!(
        v2["non_contracting_parties_served"], false,
        "a rule left not decided is not part of the decision"
    );
    assert_eq!(
        v2["decisions"][0]["changes"],
        json!({"invitation_response_days_state": 45})
    );
    let (_, page) = t.page("sgen", "/rules?done=1").await;
    assert!(page.contains("The decision is recorded as a new version of the rules."));
    assert!(
        page.contains("Time an invited State or State entity has to answer a request: 45 days")
    );
    let (_, page) = t.page_in("harbour", "/rules", "fr").await;
    assert!(
        page.contains("Délai de réponse d’un État ou d’une entité étatique invité : 45 jours")
            || page
                .contains("Délai de réponse d’un État ou d’une entité étatique invité: 45 jours"),
        "the rule's name in the reader's language"
    );
}

crate::on_both_backends!(
    the_secretariat_records_a_decision_on_the_rules_page,
    the_governing_council_decides_a_pending_rule_and_new_requests_follow_it,
    a_registered_case_keeps_its_rules_until_every_party_agrees,
);
