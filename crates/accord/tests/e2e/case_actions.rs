//! The case page offers the viewer one next step and keeps the rest under "More actions"; acts
//! that end, refuse or take away are styled as destructive and are confirmed on a page of their
//! own before anything is recorded (issue 21 item 1). Through HTTP, as a browser without scripts.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{
    Backend, COMMERCIAL_CAST, TestServer, active_commercial, builder, commercial, drive,
};
use crate::ui_security::{client, sign_in};
use accord_domain::testing::Milestone;

/// A page as the browser holding `cookie` gets it.
async fn page_as(http: &reqwest::Client, cookie: &str, url: &str) -> String {
    http.get(url)
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The "next step" part of the case page's actions (before "More actions").
fn next_step(page: &str) -> &str {
    let Some(start) = page.find("id=\"actions-h\"") else {
        return "";
    };
    let rest = &page[start..];
    let end = rest
        .find("<details class=\"more-actions\"")
        .or_else(|| rest.find("</section>"))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The "More actions" part of the case page.
fn more_actions(page: &str) -> &str {
    let Some(start) = page.find("<details class=\"more-actions\"") else {
        return "";
    };
    let rest = &page[start..];
    &rest[..rest.find("</details>").unwrap_or(rest.len())]
}

/// The form of `action` within `html` (from its `<form` to its `</form>`).
fn form_of<'a>(html: &'a str, action: &str) -> &'a str {
    let at = html
        .find(&format!("/actions/{action}\""))
        .unwrap_or_else(|| panic!("no form for {action}"));
    let start = html[..at].rfind("<form").unwrap();
    let end = at + html[at..].find("</form>").unwrap();
    &html[start..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretariat_registers_as_its_next_step_and_a_refusal_waits_under_more_actions() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("sgen", "secretariat").await;
    t.user("mediator", "mediator").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let filing = commercial(&h, &i, true, "uncitral-2021");
    let case = t.file("harbour", filing.clone()).await;
    let b = builder(&filing, &t, "mediator", "Amina Diallo");
    drive(&t, &case, &b, Milestone::Screening, &COMMERCIAL_CAST).await;

    let (status, page) = t.page("sgen", &format!("/cases/{case}")).await;
    assert_eq!(status, StatusCode::OK);
    let next = next_step(&page);
    assert!(next.contains("/actions/register\""), "{next}");
    assert!(!next.contains("refuse-request"), "{next}");
    let more = more_actions(&page);
    let refuse = form_of(more, "refuse-request");
    assert!(refuse.contains("action-form destructive"), "{refuse}");
    assert!(refuse.contains("class=\"danger\""), "{refuse}");
    // The next step is never styled as destructive.
    assert!(!next.contains("class=\"danger\""), "{next}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawal_is_confirmed_on_a_page_of_its_own_and_nothing_is_recorded_until_then() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = active_commercial(&mut t).await;
    let http = client();
    let (cookie, csrf) = sign_in(&t, &http, "harbour").await;
    let page = page_as(&http, &cookie, &format!("{}/cases/{case}", t.base)).await;
    // A party in a case under way is not offered withdrawal or termination as its next step.
    let next = next_step(&page);
    assert!(!next.contains("/actions/withdraw\""), "{next}");
    assert!(!next.contains("declare-joint-termination"), "{next}");
    let withdraw = form_of(more_actions(&page), "withdraw");
    assert!(withdraw.contains("class=\"danger\""), "{withdraw}");

    // Sent once: the confirmation page, with what was sent carried, and nothing recorded.
    let before = t.store.events(&case).await.unwrap().len();
    let url = format!("{}/cases/{case}/actions/withdraw", t.base);
    // Another party's withdrawal is not the viewer's to confirm: refused at once, no page.
    let other = http
        .post(&url)
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("party", "I")])
        .send()
        .await
        .unwrap();
    assert!(other.status().is_client_error(), "{}", other.status());
    assert!(!other.text().await.unwrap().contains("confirm-form"));
    let r = http
        .post(&url)
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("party", "H")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let confirm = r.text().await.unwrap();
    assert!(confirm.contains("class=\"confirm-form\""), "{confirm}");
    assert!(
        confirm.contains("<input type=\"hidden\" name=\"party\" value=\"H\">"),
        "{confirm}"
    );
    assert!(confirm.contains("name=\"confirmed\" value=\"yes\""));
    assert!(
        confirm.contains(&format!("href=\"/cases/{case}\"")),
        "a way back"
    );
    assert_eq!(
        t.store.events(&case).await.unwrap().len(),
        before,
        "a withdrawal was recorded before it was confirmed"
    );
    let parties = |v: &Value| v["parties"].clone();
    let withdrawn = |v: &Value| {
        parties(v)
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "H")
            .map(|p| !p["withdrawn_at"].is_null())
            .unwrap()
    };
    assert!(!withdrawn(&t.case("sgen", &case).await));

    // Confirmed: recorded, and the page says so.
    let r = http
        .post(&url)
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("party", "H"),
            ("confirmed", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A party that withdrew loses access at once (docs/PROCEDURE.md, transition 19): it is sent
    // to its cases, told why.
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        "/?done=left-case"
    );
    assert!(withdrawn(&t.case("sgen", &case).await));
    let home = page_as(&http, &cookie, &format!("{}/?done=left-case", t.base)).await;
    let told = accord_i18n::message("en", "dashboard-left-case", &[]).unwrap();
    assert!(home.contains(&told), "{home}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_settlement_draft_comes_back_with_everything_that_was_typed() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = active_commercial(&mut t).await;
    t.ok(
        "mediator",
        &case,
        "indicate-terms-agreed",
        serde_json::json!({}),
    )
    .await;
    let http = client();
    let (cookie, csrf) = sign_in(&t, &http, "harbour").await;
    // An amount that is not a number: the draft is refused by the rules, not by the form.
    let form = [
        ("csrf", csrf.as_str()),
        ("place_of_business.H", "Kowloon Bay"),
        ("place_of_business.I", "Jakarta Selatan"),
        ("obligation.0.party", "I"),
        ("obligation.0.description", "pays for the late deliveries"),
        ("obligation.0.amount", "nine hundred"),
        ("obligation.0.currency", "USD"),
        ("governing_law", "Laws of Hong Kong SAR"),
        ("dispute_clause", "HKIAC arbitration, seat Hong Kong"),
        ("confidentiality", "Terms confidential"),
        ("authoritative_language", "en"),
        ("text.en", "The parties settle the demurrage dispute."),
    ];
    let r = http
        .post(format!("{}/cases/{case}/settlement", t.base))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("class=\"alert\""), "{page}");
    for (name, value) in form.iter().filter(|(n, _)| *n != "csrf") {
        assert!(
            page.contains(value),
            "{name} = {value} is not on the page sent back"
        );
    }
    let (_, drafts) = t
        .get(
            "harbour",
            &format!("/api/v1/cases/{case}/settlement/drafts"),
        )
        .await;
    assert_eq!(drafts, serde_json::json!([]), "a refused draft was kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_is_edited_on_the_filing_form_and_keeps_what_the_form_cannot_show() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let counsel = t.user("hcounsel", "party-user").await;
    let mut filing = commercial(&h, &i, true, "uncitral-2021");
    // What the form does not show: a second representative with scopes, a rules override.
    filing["parties"][0]["representatives"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "user_id": counsel, "name": "Counsel for Harbour", "capacity": "counsel",
            "scopes": ["view", "file"]
        }));
    filing["profile_overrides"] = serde_json::json!({"acceptance_days": 25});
    // An account that is not a party user, named by id: its sign-in name is never shown.
    let amina = t.user("amina", "mediator").await;
    filing["parties"][1]["representatives"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "user_id": amina, "name": "Named by id", "capacity": "counsel"
        }));
    let case = t.file("harbour", filing).await;

    let http = client();
    let (cookie, csrf) = sign_in(&t, &http, "harbour").await;
    let case_page = page_as(&http, &cookie, &format!("{}/cases/{case}", t.base)).await;
    assert!(
        case_page.contains(&format!("href=\"/cases/{case}/draft\"")),
        "the draft's page links its edit form"
    );
    let form = page_as(&http, &cookie, &format!("{}/cases/{case}/draft", t.base)).await;
    // Countries by name, representatives by sign-in name, ids kept in hidden fields.
    assert!(form.contains("value=\"Indonesia\""), "{form}");
    assert!(form.contains("name=\"p2_representative\""));
    assert!(form.contains("value=\"indah\""), "{form}");
    assert!(form.contains("<input type=\"hidden\" name=\"p1_id\" value=\"H\">"));
    assert!(
        !form.contains("value=\"ID\""),
        "a country shown by its code"
    );
    assert!(
        !form.contains("amina"),
        "a mediator's sign-in name on the form"
    );

    // Another party may not open or post the form.
    let (status, _) = t.page("indah", &format!("/cases/{case}/draft")).await;
    assert!(status.is_client_error(), "{status}");

    let post = |fields: Vec<(&'static str, String)>| {
        let http = http.clone();
        let cookie = cookie.clone();
        let url = format!("{}/cases/{case}/draft", t.base);
        async move {
            http.post(url)
                .header("cookie", cookie)
                .form(&fields)
                .send()
                .await
                .unwrap()
        }
    };
    let fields = |country_b: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("profile", "uncitral-2021".to_owned()),
            (
                "title",
                "Harbour v. Indah — late deliveries of cargo".to_owned(),
            ),
            (
                "summary",
                "Late deliveries under a supply agreement.".to_owned(),
            ),
            ("categories", "sale-of-goods".to_owned()),
            ("p1_id", "H".to_owned()),
            ("p1_name", "Harbour Trading Ltd".to_owned()),
            ("p1_kind", "company".to_owned()),
            ("p1_country", "Hong Kong, China".to_owned()),
            ("p1_representative", "harbour".to_owned()),
            ("p1_consent", "Supply Agreement, cl. 19".to_owned()),
            ("p2_id", "I".to_owned()),
            ("p2_name", "PT Indah Logistik Tbk".to_owned()),
            ("p2_kind", "company".to_owned()),
            ("p2_country", country_b.to_owned()),
            ("p2_representative", "indah".to_owned()),
            ("p2_consent", "Supply Agreement, cl. 19".to_owned()),
        ]
    };
    // A country not on the list: refused next to the field, the typed values kept, nothing saved.
    let before = t.store.events(&case).await.unwrap().len();
    let r = post(fields("Atlantis")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = r.text().await.unwrap();
    assert!(refused.contains("id=\"p2_country-error\""), "{refused}");
    assert!(
        refused.contains("value=\"PT Indah Logistik Tbk\""),
        "{refused}"
    );
    assert_eq!(t.store.events(&case).await.unwrap().len(), before);

    let r = post(fields("Indonesia")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
    let v = t.case("harbour", &case).await;
    assert_eq!(v["title"], "Harbour v. Indah — late deliveries of cargo");
    assert_eq!(v["parties"][1]["name"], "PT Indah Logistik Tbk");
    assert_eq!(v["parties"][1]["kind"]["nationality"], "ID");
    assert_eq!(v["state_name"], "DRAFT");
    // Kept: the second representative with its scopes, and the override of the rules.
    let reps = v["parties"][0]["representatives"].as_array().unwrap();
    assert_eq!(reps.len(), 2, "{reps:?}");
    assert_eq!(reps[1]["scopes"], serde_json::json!(["view", "file"]));
    let other_side = v["parties"][1]["representatives"].as_array().unwrap();
    assert_eq!(other_side.len(), 2, "{other_side:?}");
    assert_eq!(other_side[1]["user_id"], amina.as_str());
    assert_eq!(v["profile"]["case_overrides"]["acceptance_days"], 25);

    // Once submitted, the draft is no longer edited.
    t.ok("harbour", &case, "submit-request", serde_json::json!({}))
        .await;
    let r = post(fields("Indonesia")).await;
    assert!(r.status().is_client_error(), "{}", r.status());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretariats_queue_puts_the_cases_waiting_on_it_first() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("sgen", "secretariat").await;
    t.user("mediator", "mediator").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    // The older case waits on the parties (drafting the settlement); the newer one on the
    // Secretariat (the lodging fee).
    let mut first = commercial(&h, &i, true, "uncitral-2021");
    first["title"] = serde_json::json!("Waiting on the parties");
    let waiting_on_parties = t.file("harbour", first.clone()).await;
    let b = builder(&first, &t, "mediator", "Amina Diallo");
    drive(
        &t,
        &waiting_on_parties,
        &b,
        Milestone::SettlementDrafting,
        &COMMERCIAL_CAST,
    )
    .await;
    let mut second = commercial(&h, &i, true, "uncitral-2021");
    second["title"] = serde_json::json!("Waiting on the Secretariat");
    let waiting_on_us = t.file("harbour", second).await;
    t.ok(
        "harbour",
        &waiting_on_us,
        "submit-request",
        serde_json::json!({}),
    )
    .await;

    let (status, page) = t.page("sgen", "/").await;
    assert_eq!(status, StatusCode::OK);
    let ours = page.find("Waiting on the Secretariat").expect("listed");
    let theirs = page.find("Waiting on the parties").expect("listed");
    assert!(ours < theirs, "the Secretariat's turn is not first");
    let your_turn = accord_i18n::message("en", "dashboard-your-turn", &[]).unwrap();
    let row = |at: usize| {
        let start = page[..at].rfind("<tr").unwrap();
        &page[start..at + page[at..].find("</tr>").unwrap()]
    };
    assert!(row(ours).contains(&your_turn), "{}", row(ours));
    assert!(!row(theirs).contains(&your_turn), "{}", row(theirs));
    // The party sees the other way round: the settlement's drafting waits on the parties.
    let (_, page) = t.page("harbour", "/").await;
    let ours = page.find("Waiting on the parties").expect("listed");
    let theirs = page.find("Waiting on the Secretariat").expect("listed");
    assert!(ours < theirs, "the parties' turn is not first for a party");
}
