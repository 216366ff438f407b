//! The rules as the institutions apply them: periods counted in calendar days in the seat's zone,
//! and the rehearsal clock that lets an institution move through a procedure before going live.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Backend, TestServer, commercial};

fn deadline(view: &Value, kind: &str) -> Value {
    view["next_deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} deadline in {view}"))
        .clone()
}

/// The clock's time on the rehearsal server, read through the API.
async fn clock_now(t: &TestServer) -> Timestamp {
    let (s, r) = t.get("operator", "/api/v1/test-clock").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    r["now"].as_str().unwrap().parse().unwrap()
}

async fn set_clock(t: &TestServer, to: Timestamp) -> Value {
    let (s, r) = t
        .post(
            "operator",
            "/api/v1/test-clock",
            json!({"set_to": to.to_string()}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    r
}

/// An invitation with 14 days to answer, under the IOMed default (Hong Kong seat, business-day
/// extension) with the invitation lapsing by itself: the operator moves the clock to one minute
/// before the end of the last day (nothing happens), then to one minute after (it lapses).
async fn invitation_lapses_at_the_end_of_its_last_day_in_hong_kong(t: &mut TestServer) {
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    t.user("sgen", "secretariat").await;
    t.user("operator", "operator").await;
    let mut body = commercial(&h, &i, false, "iomed-default");
    body["profile_overrides"] = json!({"invitation_lapse": "auto-lapse"});
    let case = t.file("harbour", body).await;
    t.ok("harbour", &case, "submit-request", json!({})).await;
    t.ok("sgen", &case, "record-lodging-fee", json!({})).await;
    let sent_at = clock_now(t).await;
    let view = t.ok("sgen", &case, "send-invitation", json!({})).await;
    let d = deadline(&view, "invitation-response");
    assert_eq!(d["zone"], "Asia/Hong_Kong");
    // The last day is the 14th day after the sending day in Hong Kong, or the first business day
    // after it (Hong Kong has no daylight-saving time: UTC+8 all year).
    let hk = SignedDuration::from_hours(8);
    let sending_day = (sent_at + hk)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let last_day: Date = d["last_day"].as_str().unwrap().parse().unwrap();
    let fourteenth = sending_day.checked_add(jiff::Span::new().days(14)).unwrap();
    assert!(last_day >= fourteenth, "{last_day} before {fourteenth}");
    if last_day > fourteenth {
        let wd = fourteenth.weekday();
        assert!(
            matches!(
                wd,
                jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
            ) || d["rule"].as_str().unwrap().contains("moved past"),
            "{d}"
        );
    }
    let due: Timestamp = d["due_at"].as_str().unwrap().parse().unwrap();
    let midnight = last_day.tomorrow().unwrap();
    assert_eq!(
        (due + hk)
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .datetime(),
        midnight.to_datetime(jiff::civil::Time::midnight()),
        "the period ends at 24:00 of its last day in Hong Kong"
    );
    assert_eq!(
        d["due_local"],
        format!("{midnight}T00:00:00+08:00[Asia/Hong_Kong]")
    );

    let minute = SignedDuration::from_mins(1);
    let r = set_clock(t, due - minute).await;
    assert_eq!(r["lapses"]["events"], 0, "{r}");
    assert_eq!(t.state("sgen", &case).await, "AWAITING_CONSENT");
    let r = set_clock(t, due + minute).await;
    assert!(r["lapses"]["events"].as_u64().unwrap() >= 1, "{r}");
    let view = t.case("sgen", &case).await;
    assert_eq!(view["state_name"], "NOT_COMMENCED", "{view}");
    assert_eq!(view["state"]["reason"], "lapsed");
    assert_eq!(
        t.case("sgen", &case).await["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["kind"] == "invitation-response")
            .unwrap()["status"],
        "lapsed"
    );

    // Only the operator moves the clock, only forward, one way at a time.
    let (s, r) = t
        .post("sgen", "/api/v1/test-clock", json!({"advance_minutes": 5}))
        .await;
    assert_eq!(
        (s, r["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden")),
        "{r}"
    );
    let (s, r) = t
        .post(
            "operator",
            "/api/v1/test-clock",
            json!({"set_to": sent_at.to_string()}),
        )
        .await;
    assert_eq!(
        (s, r["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("test-clock-backwards")
        ),
        "{r}"
    );
    for bad in [
        json!({}),
        json!({"set_to": "2030-01-01T00:00:00Z", "advance_minutes": 5}),
        json!({"advance_minutes": 0}),
        json!({"set_to": "next Tuesday"}),
    ] {
        let (s, r) = t.post("operator", "/api/v1/test-clock", bad.clone()).await;
        assert_eq!(
            (s, r["error"]["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("invalid-test-clock-move")
            ),
            "{bad}: {r}"
        );
    }
    // Every page says that this is a rehearsal server.
    let page = t
        .http
        .get(format!("{}/login", t.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("class=\"rehearsal\""), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rehearsal_clock_moves_an_invitation_through_its_lapse_on_sqlite() {
    let mut t = TestServer::start_rehearsal(Backend::Sqlite).await.unwrap();
    invitation_lapses_at_the_end_of_its_last_day_in_hong_kong(&mut t).await;
    t.assert_chains_verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rehearsal_clock_moves_an_invitation_through_its_lapse_on_postgres() {
    let Some(mut t) = TestServer::start_rehearsal(Backend::Postgres).await else {
        return;
    };
    invitation_lapses_at_the_end_of_its_last_day_in_hong_kong(&mut t).await;
    t.assert_chains_verify().await;
}

/// Every string of `v` that is an RFC 3339 instant.
fn instants<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) if s.parse::<Timestamp>().is_ok() => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| instants(x, out)),
        Value::Object(m) => m.values().for_each(|x| instants(x, out)),
        _ => {}
    }
}

/// Every time Accord answers with has at most three fractional digits, even when the clock it
/// reads has nanoseconds: the operator sets the rehearsal clock to a nanosecond instant.
async fn times_are_given_to_the_millisecond(t: &mut TestServer) {
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    t.user("sgen", "secretariat").await;
    t.user("operator", "operator").await;
    set_clock(t, "2030-03-01T10:00:00.123456789Z".parse().unwrap()).await;
    let case = t
        .file("harbour", commercial(&h, &i, true, "iomed-default"))
        .await;
    t.ok("harbour", &case, "submit-request", json!({})).await;
    t.ok("sgen", &case, "record-lodging-fee", json!({})).await;
    t.ok("sgen", &case, "register", json!({})).await;
    t.ok("harbour", &case, "withdraw", json!({"party": "H"}))
        .await;
    let view = t.case("sgen", &case).await;
    let (_, events) = t.get("sgen", &format!("/api/v1/cases/{case}/events")).await;
    let mut times = vec![];
    instants(&view, &mut times);
    instants(&events, &mut times);
    assert!(
        times.iter().any(|s| s.contains(".123")),
        "the clock's milliseconds are kept: {times:?}"
    );
    for s in times {
        let fraction = s
            .split_once('.')
            .map(|(_, f)| f.chars().take_while(char::is_ascii_digit).count())
            .unwrap_or(0);
        assert!(fraction <= 3, "{s} has more than millisecond precision");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_are_given_to_the_millisecond_on_sqlite() {
    let mut t = TestServer::start_rehearsal(Backend::Sqlite).await.unwrap();
    times_are_given_to_the_millisecond(&mut t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_are_given_to_the_millisecond_on_postgres() {
    let Some(mut t) = TestServer::start_rehearsal(Backend::Postgres).await else {
        return;
    };
    times_are_given_to_the_millisecond(&mut t).await;
}

/// A server started without `--test-clock` has no clock to move, and says nothing of one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ordinary_server_has_no_rehearsal_clock() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("operator", "operator").await;
    let (s, r) = t.get("operator", "/api/v1/test-clock").await;
    assert_eq!(
        (s, r["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not-found")),
        "{r}"
    );
    let (s, _) = t
        .post(
            "operator",
            "/api/v1/test-clock",
            json!({"advance_minutes": 60}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let page = t
        .http
        .get(format!("{}/login", t.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("class=\"rehearsal\""));
}

/// Deadlines are answered with the instant, the zone they were counted in, and the viewer's zone
/// on request; an unknown zone is refused with its code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_are_shown_in_the_seat_zone_and_the_viewers() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    t.user("sgen", "secretariat").await;
    let case = t
        .file("harbour", commercial(&h, &i, false, "icsid-2022"))
        .await;
    t.ok("harbour", &case, "submit-request", json!({})).await;
    let (s, v) = t
        .get("harbour", &format!("/api/v1/cases/{case}?tz=Europe/Zurich"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let d = deadline(&v, "lodging-fee");
    // ICSID counts to midnight in Washington, D.C.
    assert_eq!(d["zone"], "America/New_York");
    assert!(
        d["due_local"].as_str().unwrap().contains("T00:00:00-0"),
        "{d}"
    );
    assert_eq!(d["viewer_zone"], "Europe/Zurich");
    let in_geneva = d["due_in_viewer_zone"].as_str().unwrap();
    assert!(in_geneva.ends_with("[Europe/Zurich]"), "{in_geneva}");
    // The same instant, written in two zones.
    let parse = |s: &str| -> Timestamp { s.parse::<jiff::ZonedDateTime>().unwrap().timestamp() };
    let due: Timestamp = d["due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(parse(in_geneva), due);
    assert_eq!(parse(d["due_local"].as_str().unwrap()), due);
    let (s, r) = t
        .get(
            "harbour",
            &format!("/api/v1/cases/{case}?tz=Mars/Olympus_Mons"),
        )
        .await;
    assert_eq!(
        (s, r["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid-time-zone")),
        "{r}"
    );
}

/// A joint State–State request that concerns a third State, Caledonia (`XC`).
async fn joint_request_concerning_caledonia(t: &mut TestServer, overrides: Value) -> String {
    t.user("sgen", "secretariat").await;
    let a = t.user("arcadia", "party-user").await;
    let b = t.user("borealia", "party-user").await;
    let c = t.user("caledonia", "party-user").await;
    let third = json!([{"country": "XC", "name": "Republic of Caledonia", "representatives": [c]}]);
    let mut body =
        crate::scenarios::states_body(&a, &b, json!(["shared-watercourse"]), true, third);
    body["profile_overrides"] = overrides;
    let case = t.file("arcadia", body).await;
    t.ok("arcadia", &case, "submit-request", json!({})).await;
    t.ok("sgen", &case, "record-lodging-fee", json!({"waived": true}))
        .await;
    case
}

const CALEDONIA_REASONS: &str =
    "Caledonia's rights in the watercourse are before a joint commission; it does not consent.";

/// A third State declines: under the default profile the request is not registered, the ground
/// is recorded, and the parties are told the State's reasons.
async fn a_third_state_declines_and_the_request_is_not_registered(t: &mut TestServer) {
    let case = joint_request_concerning_caledonia(t, json!({})).await;
    let view = t.case("arcadia", &case).await;
    assert_eq!(view["third_states"][0]["consent"], Value::Null);
    assert_eq!(view["third_states"][0]["declined"], Value::Null);
    // Only the State (or the Secretariat) answers for it; a refusal needs reasons.
    t.refused(
        "arcadia",
        &case,
        "decline-third-state-consent",
        json!({"country": "XC", "reasons": "We would rather not."}),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let (s, v) = t
        .act(
            "caledonia",
            &case,
            "decline-third-state-consent",
            json!({"country": "XC", "reasons": "  "}),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("missing-field")),
        "{v}"
    );
    let (s, v) = t
        .act(
            "caledonia",
            &case,
            "decline-third-state-consent",
            json!({"country": "XC", "reasons": CALEDONIA_REASONS}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v,
        json!({"recorded": true, "case_id": case, "action": "decline-third-state-consent", "view": "minimal"}),
        "the State is shown nothing of the case: the minimal view"
    );
    let view = t.case("arcadia", &case).await;
    assert_eq!(view["state_name"], "NOT_COMMENCED", "{view}");
    assert_eq!(view["state"]["reason"], "third-state-declined");
    assert_eq!(view["third_states"][0]["declined"], CALEDONIA_REASONS);
    // Both parties are told why, in their own record of the case.
    for who in ["arcadia", "borealia"] {
        let (_, events) = t.get(who, &format!("/api/v1/cases/{case}/events")).await;
        let notice = events
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "third-state-consent-declined")
            .unwrap_or_else(|| panic!("{who} was not told: {events}"));
        assert_eq!(notice["payload"]["reasons"], CALEDONIA_REASONS);
    }
    // The State sees its answer on its consent request, and cannot answer twice.
    let (s, req) = t
        .get(
            "caledonia",
            &format!("/api/v1/cases/{case}/consent-requests/XC"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(req["status"], "declined");
    assert_eq!(req["consent_given"], false);
    let (s, v) = t
        .act(
            "caledonia",
            &case,
            "record-third-state-consent",
            json!({"country": "XC", "instrument": "Note verbale 1/2027"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
}

/// Under a profile that keeps the request open, a refusal blocks registration (the message says
/// the State declined) until the State consents after all.
async fn a_refusal_blocks_registration_where_the_profile_keeps_the_request_open(
    t: &mut TestServer,
) {
    let case =
        joint_request_concerning_caledonia(t, json!({"third_state_refusal": "request-stays-open"}))
            .await;
    let (s, v) = t
        .act(
            "caledonia",
            &case,
            "decline-third-state-consent",
            json!({"country": "XC", "reasons": CALEDONIA_REASONS}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(t.state("sgen", &case).await, "SCREENING");
    let v = t
        .refused(
            "sgen",
            &case,
            "register",
            json!({}),
            StatusCode::CONFLICT,
            "guard-third-state-consent-missing",
        )
        .await;
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("XC (declined)"),
        "{v}"
    );
    t.refused(
        "caledonia",
        &case,
        "decline-third-state-consent",
        json!({"country": "XC", "reasons": "Again."}),
        StatusCode::CONFLICT,
        "guard-already-recorded",
    )
    .await;
    let (s, v) = t
        .act(
            "caledonia",
            &case,
            "record-third-state-consent",
            json!({"country": "XC", "instrument": "Note verbale 2/2026"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let view = t.ok("sgen", &case, "register", json!({})).await;
    assert_eq!(view["state_name"], "CONSTITUTING");
    assert_eq!(view["third_states"][0]["consent"], "Note verbale 2/2026");
}

/// A settlement of part of the dispute: terms agreed name the issues settled and those that
/// remain; the agreement and the termination record say so.
async fn a_partial_settlement_names_what_is_settled_and_what_remains(t: &mut TestServer) {
    let case = crate::harness::active_commercial_with(t, "iomed-default").await;
    for (body, why) in [
        (
            json!({"partial": true, "settled_issues": ["Compensation for late deliveries"]}),
            "a partial settlement names what remains",
        ),
        (
            json!({"partial": false, "unsettled_issues": ["Price revision for 2027"]}),
            "issues that remain make the settlement partial",
        ),
        (
            json!({"partial": true, "settled_issues": ["Price", "Price"], "unsettled_issues": ["Exclusivity"]}),
            "an issue is named once",
        ),
    ] {
        let (s, v) = t
            .act("mediator", &case, "indicate-terms-agreed", body)
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid-issues")),
            "{why}: {v}"
        );
    }
    let v = t
        .ok(
            "mediator",
            &case,
            "indicate-terms-agreed",
            json!({"partial": true,
                   "settled_issues": ["Compensation for late deliveries"],
                   "unsettled_issues": ["Price revision for 2027", "Exclusivity in Java"]}),
        )
        .await;
    assert_eq!(
        v["settlement"]["unsettled_issues"],
        json!(["Price revision for 2027", "Exclusivity in Java"])
    );
    let hash = t
        .put_draft(&case, "SETTLEMENT AGREEMENT on the late deliveries")
        .await;
    for action in ["approve-final-text", "sign-settlement"] {
        t.each_party(&case, action, &hash, &[("harbour", "H"), ("indah", "I")])
            .await;
    }
    let v = t
        .ok(
            "mediator",
            &case,
            "countersign-settlement",
            json!({"text_hash": hash}),
        )
        .await;
    assert_eq!(v["state"]["ground"], "partially-settled", "{v}");
    assert_eq!(
        v["settlement"]["settled_issues"],
        json!(["Compensation for late deliveries"])
    );
    let docs = format!("/api/v1/cases/{case}/documents");
    let (s, record) = t
        .pdf_text("harbour", &format!("{docs}/termination-record?language=en"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        record.contains("Pricerevisionfor2027") && record.contains("ExclusivityinJava"),
        "the record names the unsettled issues: {record}"
    );
    let (s, agreement) = t
        .pdf_text(
            "harbour",
            &format!("{docs}/settlement-agreement?language=en"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        agreement.contains("Compensationforlatedeliveries")
            && agreement.contains("ExclusivityinJava"),
        "{agreement}"
    );
}

/// A settlement between States, as treaties are made: no Convention opt-in by default, no place
/// of business for a State, several obligations, and language versions equally authentic.
async fn a_settlement_between_states_is_made_as_a_treaty(t: &mut TestServer) {
    t.user("sgen", "secretariat").await;
    t.user("mediator", "mediator").await;
    let a = t.user("arcadia", "party-user").await;
    let b = t.user("borealia", "party-user").await;
    let body =
        crate::scenarios::states_body(&a, &b, json!(["shared-watercourse"]), true, json!([]));
    let case = t.file("arcadia", body.clone()).await;
    let cast = crate::harness::Cast {
        requesting: "arcadia",
        secretariat: "sgen",
        mediator: "mediator",
    };
    let builder = crate::harness::builder(&body, t, "mediator", "Dr. M. Mediator");
    crate::harness::drive(
        t,
        &case,
        &builder,
        accord_domain::testing::Milestone::Active,
        &cast,
    )
    .await;
    t.ok("mediator", &case, "indicate-terms-agreed", json!({}))
        .await;
    // The settlement page does not tick the Singapore Convention for States.
    let (_, page) = t
        .page("mediator", &format!("/cases/{case}/settlement"))
        .await;
    let checkbox = page
        .split("<input")
        .find(|i| i.contains("id=\"singapore_convention\""))
        .unwrap_or_else(|| panic!("no opt-in box: {page}"));
    assert!(!checkbox.contains("checked"), "{checkbox}");
    let draft = |authoritative: &str, equal: bool| {
        json!({
            "terms": {
                "parties": [{"party": "A"}, {"party": "B"}],
                "obligations": [
                    {"performing_party": "A", "description": "releases 40% of the dry-season flow at the border station"},
                    {"performing_party": "B", "description": "opens the joint gauging station to Arcadian engineers"}
                ],
                "governing_law": "international law",
                "dispute_clause": "consultations, then the International Court of Justice",
                "confidentiality": "public once both Parliaments approve",
                "permitted_disclosure": "to the depositary and the parties' Parliaments",
                "singapore_convention": false,
                "authoritative_language": authoritative,
                "equally_authentic": equal
            },
            "versions": [
                {"language": "en", "text": "AGREEMENT between Arcadia and Borealia on the watercourse"},
                {"language": "fr", "text": "ACCORD entre l'Arcadie et la Borée sur le cours d'eau"}
            ]
        })
    };
    let drafts = format!("/api/v1/cases/{case}/settlement/drafts");
    let (s, v) = t.post("mediator", &drafts, draft("en", true)).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid-settlement-draft")
        ),
        "equally authentic versions name no prevailing language: {v}"
    );
    let (s, v) = t.post("mediator", &drafts, draft("", true)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let hash = v["text_hash"].as_str().unwrap().to_owned();
    t.each_party(
        &case,
        "approve-final-text",
        &hash,
        &[("arcadia", "A"), ("borealia", "B")],
    )
    .await;
    let (s, agreement) = t
        .pdf_text(
            "arcadia",
            &format!("/api/v1/cases/{case}/documents/settlement-agreement?language=en"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{agreement}");
    assert!(agreement.contains("equallyauthentic"), "{agreement}");
    assert!(!agreement.contains("SingaporeConvention"), "{agreement}");
    assert!(
        agreement.contains("opensthejointgaugingstation") && agreement.contains("releases40%"),
        "both obligations: {agreement}"
    );
}

/// A consumer dispute under the IOMed default: filed and submitted, flagged at screening with
/// the rule, and not registered (the profile refuses it).
async fn a_subject_matter_outside_the_convention_is_flagged_at_screening_and_refused(
    t: &mut TestServer,
) {
    t.user("sgen", "secretariat").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let mut body = commercial(&h, &i, true, "iomed-default");
    body["subject_categories"] = json!(["consumer"]);
    let case = t.file("harbour", body).await;
    t.ok("harbour", &case, "submit-request", json!({})).await;
    let v = t.ok("sgen", &case, "record-lodging-fee", json!({})).await;
    assert_eq!(v["state_name"], "SCREENING");
    assert_eq!(v["scope_flags"][0]["category"], "consumer");
    assert_eq!(v["scope_flags"][0]["treatment"], "refuse");
    let v = t
        .refused(
            "sgen",
            &case,
            "register",
            json!({}),
            StatusCode::CONFLICT,
            "guard-excluded-subject-matter",
        )
        .await;
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Art. 1(2)(a)"),
        "the refusal cites the rule: {v}"
    );
    let v = t
        .ok(
            "sgen",
            &case,
            "refuse-request",
            json!({"reasons": "A consumer dispute: Singapore Convention Art. 1(2)(a)."}),
        )
        .await;
    assert_eq!(v["state"]["reason"], "refused");
}

/// The same dispute under UNCITRAL: registered outside the Convention; its settlement cannot
/// opt in and says why.
async fn a_subject_matter_outside_the_convention_is_registered_where_the_profile_says(
    t: &mut TestServer,
) {
    let case = crate::harness::active_commercial_filed(t, |h, i| {
        let mut body = commercial(h, i, true, "uncitral-2021");
        body["subject_categories"] = json!(["employment"]);
        body
    })
    .await;
    let v = t.case("harbour", &case).await;
    assert_eq!(
        v["scope_flags"][0]["treatment"],
        "register-outside-convention"
    );
    t.ok("mediator", &case, "indicate-terms-agreed", json!({}))
        .await;
    let drafts = format!("/api/v1/cases/{case}/settlement/drafts");
    let mut draft = crate::harness::settlement_draft("SETTLEMENT on the secondment terms");
    let (s, v) = t.post("mediator", &drafts, draft.clone()).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid-settlement-draft")
        ),
        "no Convention opt-in for an employment dispute: {v}"
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Art. 1(2)(b)"),
        "{v}"
    );
    draft["terms"]["singapore_convention"] = json!(false);
    let (s, v) = t.post("mediator", &drafts, draft).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let hash = v["text_hash"].as_str().unwrap().to_owned();
    t.each_party(
        &case,
        "approve-final-text",
        &hash,
        &[("harbour", "H"), ("indah", "I")],
    )
    .await;
    let (s, agreement) = t
        .pdf_text(
            "harbour",
            &format!("/api/v1/cases/{case}/documents/settlement-agreement?language=en"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        agreement.contains("doesnotapply") && agreement.contains("employmentlaw"),
        "the agreement says why the Convention does not apply: {agreement}"
    );
}

/// Where the profile allows it, the parties may jointly ask the Secretariat to appoint before the
/// period for appointment by agreement has run: it appoints once every party has asked.
async fn the_parties_may_jointly_ask_the_secretariat_to_appoint_at_any_time(t: &mut TestServer) {
    t.user("sgen", "secretariat").await;
    let med = t.user("mediator", "mediator").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let case = t
        .file("harbour", commercial(&h, &i, true, "iomed-default"))
        .await;
    t.ok("harbour", &case, "submit-request", json!({})).await;
    t.ok("sgen", &case, "record-lodging-fee", json!({})).await;
    let v = t.ok("sgen", &case, "register", json!({})).await;
    assert_eq!(v["state_name"], "CONSTITUTING");
    let appoint = json!({"mediator_user_id": med, "name": "Amina Diallo", "nationality": "SN",
                         "method": "secretariat-appointment"});
    t.ok(
        "harbour",
        &case,
        "request-secretariat-appointment",
        json!({"party": "H"}),
    )
    .await;
    t.refused(
        "sgen",
        &case,
        "nominate-mediator",
        appoint.clone(),
        StatusCode::CONFLICT,
        "guard-secretariat-appointment-not-requested",
    )
    .await;
    t.refused(
        "harbour",
        &case,
        "request-secretariat-appointment",
        json!({"party": "H"}),
        StatusCode::CONFLICT,
        "guard-already-recorded",
    )
    .await;
    t.ok(
        "indah",
        &case,
        "request-secretariat-appointment",
        json!({"party": "I"}),
    )
    .await;
    let v = t.ok("sgen", &case, "nominate-mediator", appoint).await;
    assert_eq!(v["state_name"], "APPOINTEE_PENDING");
}

crate::on_both_backends!(
    a_third_state_declines_and_the_request_is_not_registered,
    a_refusal_blocks_registration_where_the_profile_keeps_the_request_open,
    a_partial_settlement_names_what_is_settled_and_what_remains,
    a_settlement_between_states_is_made_as_a_treaty,
    a_subject_matter_outside_the_convention_is_flagged_at_screening_and_refused,
    a_subject_matter_outside_the_convention_is_registered_where_the_profile_says,
    the_parties_may_jointly_ask_the_secretariat_to_appoint_at_any_time,
);
