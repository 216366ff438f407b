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
