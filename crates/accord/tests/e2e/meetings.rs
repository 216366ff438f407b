//! Sessions and scheduling through HTTP, a real SMTP server and an independent iCalendar parser
//! (Python's `icalendar`): a joint session polled across time zones (one participant's clocks
//! change between two candidates, another lives across the date line) and confirmed, moved and
//! cancelled, each invitation's start checked in UTC; a caucus with one party that the other
//! party never learns of, by page, API, notice, e-mail or calendar feed.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Backend, SmtpSink, TestServer, active_commercial};

async fn speaks(t: &TestServer, who: &str, language: &str, zone: &str) {
    t.speaks(who, language, zone).await;
    t.mail_to(who, &format!("{who}@example.org"), "immediate")
        .await;
}

/// The calendar invitations `who` received, newest last, as the parser read them.
fn invitations(smtp: &SmtpSink, who: &str) -> Vec<Value> {
    smtp.to(&format!("{who}@example.org"))
        .iter()
        .flat_map(|m| m["calendars"].as_array().cloned().unwrap_or_default())
        .map(|c| smtp.read_ics(c["content"].as_str().unwrap()))
        .collect()
}

async fn feed(t: &TestServer, smtp: &SmtpSink, who: &str) -> (String, Value) {
    let (s, v) = t.post(who, "/api/v1/calendar-feed", json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let url = v["url"].as_str().unwrap().to_owned();
    let path = url
        .trim_start_matches("https://accord.iomed.test")
        .to_owned();
    let r = reqwest::get(format!("{}{path}", t.base)).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    (path, smtp.read_ics(&r.text().await.unwrap()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_is_polled_across_zones_confirmed_moved_and_cancelled_in_every_calendar() {
    let Some(smtp) = SmtpSink::start() else {
        return;
    };
    let mut t = TestServer::start_with_mail(Backend::Sqlite, &smtp)
        .await
        .unwrap();
    let case = active_commercial(&mut t).await;
    speaks(&t, "mediator", "en", "Asia/Hong_Kong").await;
    speaks(&t, "harbour", "fr", "Europe/Zurich").await;
    speaks(&t, "indah", "zh-Hant", "Pacific/Auckland").await;
    t.notify().await;
    let meetings = format!("/api/v1/cases/{case}/meetings");

    // Candidates: 10:00 UTC on the day before and on the day Zurich moves its clocks (11:00
    // then 12:00 there), and 12:00 UTC on that day, which is already the next day in Auckland.
    let (s, joint) = t
        .post(
            "mediator",
            &meetings,
            json!({"channel": "plenary", "agenda": "Opening statements CANARY-AGENDA",
                   "candidates": ["2026-03-28T11:00:00+01:00", "2026-03-29T12:00:00+02:00",
                                  "2026-03-29T12:00:00Z"],
                   "duration_minutes": 90, "video": true, "interpreters": "fr–en"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{joint}");
    assert_eq!(
        joint["candidates"],
        json!([
            "2026-03-28T10:00:00Z",
            "2026-03-29T10:00:00Z",
            "2026-03-29T12:00:00Z"
        ])
    );
    let video = joint["video_link"].as_str().unwrap();
    assert!(
        video.starts_with("https://meet.jit.si/accord-") && video.len() > 40,
        "{video}"
    );
    let joint_id = joint["id"].as_str().unwrap().to_owned();
    let (s, caucus) = t
        .post(
            "mediator",
            &meetings,
            json!({"channel": "caucus:H", "agenda": "Your bottom line",
                   "candidates": ["2026-03-30T08:00:00Z"], "duration_minutes": 60,
                   "place": "Room 3"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{caucus}");
    let caucus_id = caucus["id"].as_str().unwrap().to_owned();
    // The parties cannot propose; I sees the joint session only.
    let (s, _) = t
        .post(
            "indah",
            &meetings,
            json!({"channel": "plenary", "agenda": "x",
            "candidates": ["2026-03-30T08:00:00Z"], "duration_minutes": 60}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, seen) = t.get("indah", &meetings).await;
    assert_eq!(seen.as_array().unwrap().len(), 1, "{seen}");
    assert!(!seen.to_string().contains(&caucus_id));
    let (s, _) = t
        .post(
            "indah",
            &format!("{meetings}/{caucus_id}/answers"),
            json!({"answers": ["yes"]}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "as for a meeting that does not exist"
    );

    // Answers, each from its own zone.
    for (who, answers) in [
        ("harbour", json!(["yes", "if-need-be", "no"])),
        ("indah", json!(["no", "yes", "yes"])),
    ] {
        let (s, v) = t
            .post(
                who,
                &format!("{meetings}/{joint_id}/answers"),
                json!({"answers": answers}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (s, v) = t
        .post(
            "harbour",
            &format!("{meetings}/{joint_id}/answers"),
            json!({"answers": ["yes"]}),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid-meeting-answer")
        )
    );
    let (_, seen) = t.get("harbour", &meetings).await;
    let invitees = seen[0]["invitees"].as_array().unwrap();
    let i = invitees
        .iter()
        .find(|p| p["user_id"] == t.id("indah").as_str())
        .unwrap();
    assert_eq!(i["time_zone"], "Pacific/Auckland");
    assert_eq!(i["answers"], json!(["no", "yes", "yes"]));
    // The page shows each time in the viewer's zone and the others' local times beside it.
    let (_, page) = t.page("harbour", &format!("/cases/{case}/meetings")).await;
    let in_zurich = accord_i18n::format::date_time("fr", 1_774_778_400_000, Some("Europe/Zurich"));
    let in_auckland =
        accord_i18n::format::date_time("fr", 1_774_778_400_000, Some("Pacific/Auckland"));
    assert!(
        page.contains(&in_zurich) && page.contains(&in_auckland),
        "{in_zurich} / {in_auckland}"
    );
    assert!(!page.contains("Your bottom line") || page.contains(&caucus_id));
    let (_, page_i) = t.page("indah", &format!("/cases/{case}/meetings")).await;
    assert!(!page_i.contains(&caucus_id) && !page_i.contains("Room 3"));

    // Confirmed: the second time, the day Zurich's clocks change.
    let (s, v) = t
        .post(
            "mediator",
            &format!("{meetings}/{joint_id}/confirm"),
            json!({"candidate": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    t.notify().await;
    for who in ["harbour", "indah"] {
        let inv = invitations(&smtp, who);
        assert_eq!(inv.len(), 1, "{who}: {inv:?}");
        assert_eq!(inv[0]["method"], "REQUEST");
        let e = &inv[0]["events"][0];
        assert_eq!(e["start"], "2026-03-29T10:00:00Z");
        assert_eq!(e["end"], "2026-03-29T11:30:00Z");
        assert_eq!(e["sequence"], 0);
        assert_eq!(e["location"], video);
    }
    let uid = invitations(&smtp, "harbour")[0]["events"][0]["uid"].clone();
    let fr = accord_i18n::message("fr", "calendar-joint", &[("reference", "")]).unwrap();
    assert!(
        invitations(&smtp, "harbour")[0]["events"][0]["summary"]
            .as_str()
            .unwrap()
            .contains(fr.trim_end_matches(|c: char| !c.is_alphanumeric()))
    );
    // The proposer is told of the answers; nobody's e-mail carries the agenda.
    assert!(
        smtp.messages()
            .iter()
            .all(|m| !m.to_string().contains("CANARY-AGENDA"))
    );

    // Moved to 01:00 on the 30th in Auckland (12:00 UTC on the 29th): same UID, SEQUENCE 1.
    let (s, v) = t
        .post(
            "mediator",
            &format!("{meetings}/{joint_id}/reschedule"),
            json!({"start": "2026-03-30T01:00:00+13:00"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    t.notify().await;
    let moved = invitations(&smtp, "indah").pop().unwrap();
    assert_eq!(moved["events"][0]["start"], "2026-03-29T12:00:00Z");
    assert_eq!(moved["events"][0]["sequence"], 1);
    assert_eq!(moved["events"][0]["uid"], uid);

    // The caucus is confirmed too: H's feed holds both sessions and its deadlines; I's feed
    // holds the joint session and not the caucus.
    let (s, _) = t
        .post(
            "mediator",
            &format!("{meetings}/{caucus_id}/confirm"),
            json!({"candidate": 0}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    t.notify().await;
    assert!(
        invitations(&smtp, "indah").len() == 2,
        "I was sent nothing of the caucus"
    );
    let (h_path, h_feed) = feed(&t, &smtp, "harbour").await;
    let (_, i_feed) = feed(&t, &smtp, "indah").await;
    let uids = |f: &Value| -> Vec<String> {
        f["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["uid"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(uids(&h_feed).iter().any(|u| u.contains(&caucus_id)));
    assert!(uids(&h_feed).iter().any(|u| u.starts_with("deadline-")));
    assert!(uids(&i_feed).iter().any(|u| u.contains(&joint_id)));
    assert!(
        !uids(&i_feed).iter().any(|u| u.contains(&caucus_id)),
        "{i_feed}"
    );
    assert!(!i_feed.to_string().contains("Room 3"));

    // Cancelled: METHOD:CANCEL, SEQUENCE 2, and gone from the feeds.
    let (s, _) = t
        .post(
            "mediator",
            &format!("{meetings}/{joint_id}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    t.notify().await;
    let cancelled = invitations(&smtp, "harbour").pop().unwrap();
    assert_eq!(cancelled["method"], "CANCEL");
    assert_eq!(cancelled["events"][0]["sequence"], 2);
    assert_eq!(cancelled["events"][0]["status"], "CANCELLED");
    // The feed address is revoked from the account: it no longer answers.
    let r = t
        .send(
            reqwest::Method::DELETE,
            Some("harbour"),
            "/api/v1/calendar-feed",
            None,
        )
        .await;
    assert_eq!(r.0, StatusCode::NO_CONTENT);
    let r = reqwest::get(format!("{}{h_path}", t.base)).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // I's inbox never named the caucus.
    let (_, inbox) = t.get("indah", "/api/v1/notifications?limit=500").await;
    assert!(!inbox.to_string().contains(&caucus_id) && !inbox.to_string().contains("caucus:H"));
}
