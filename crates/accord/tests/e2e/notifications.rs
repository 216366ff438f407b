//! Notifications through HTTP and a real SMTP server (aiosmtpd on loopback): who is told what,
//! in which language and time zone, by inbox and e-mail; digests; refusals shown to the
//! Secretariat; nothing of a party's caucus reaching the other party.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Backend, SmtpSink, TestServer, active_commercial};

async fn post(t: &TestServer, who: &str, case: &str, channel: &str, body: &str) {
    let (s, v) = t
        .post(
            who,
            &format!("/api/v1/cases/{case}/channels/{channel}/messages"),
            json!({ "body": body }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

async fn inbox(t: &TestServer, who: &str) -> Vec<Value> {
    let (s, v) = t.get(who, "/api/v1/notifications").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v.as_array().unwrap().clone()
}

fn say(language: &str, id: &str) -> String {
    accord_i18n::message(language, id, &[]).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_user_is_told_in_their_language_and_zone_and_never_of_the_other_sides_caucus() {
    let Some(smtp) = SmtpSink::start() else {
        return;
    };
    let mut t = TestServer::start_with_mail(Backend::Sqlite, &smtp)
        .await
        .unwrap();
    let case = active_commercial(&mut t).await;
    // What happened while the case was brought to ACTIVE is told in the inbox (nobody had an
    // address yet): I was told of its registration, for one.
    t.notify().await;
    let before = inbox(&t, "indah").await;
    assert!(
        before
            .iter()
            .any(|n| n["topic"]["kind"] == "case-registered"),
        "{before:?}"
    );
    assert!(smtp.messages().is_empty(), "no address, no e-mail");

    t.speaks("harbour", "ar", "Asia/Dubai").await;
    t.speaks("indah", "zh-Hans", "Asia/Shanghai").await;
    t.mail_to("harbour", "counsel@harbour.example", "immediate")
        .await;
    t.mail_to("indah", "counsel@indah.example", "digest").await;
    t.mail_to("mediator", "amina@refused.invalid", "immediate")
        .await;
    t.mail_to("sgen", "registry@iomed.example", "off").await;
    let (_, prefs) = t.get("harbour", "/api/v1/notification-preferences").await;
    assert_eq!(
        (prefs["mail_enabled"].as_bool(), prefs["mode"].as_str()),
        (Some(true), Some("immediate"))
    );

    post(
        &t,
        "harbour",
        &case,
        "caucus:H",
        "Our floor is 410 CANARY-H-1",
    )
    .await;
    post(&t, "harbour", &case, "plenary", "We are ready to meet").await;
    post(
        &t,
        "indah",
        &case,
        "plenary",
        "We propose to meet on Tuesday",
    )
    .await;
    t.notify().await;

    // H is told of I's plenary message, not of its own caucus message.
    let h = inbox(&t, "harbour").await;
    let plenary: Vec<&Value> = h
        .iter()
        .filter(|n| n["topic"]["topic"] == "message")
        .collect();
    assert_eq!(plenary.len(), 1, "{h:?}");
    assert_eq!(plenary[0]["topic"]["channel"], "plenary");
    assert_eq!(plenary[0]["read"], false);
    assert_eq!(
        plenary[0]["link"],
        format!("/cases/{case}/channels/plenary").as_str()
    );
    // I's inbox says nothing of H's caucus: not its message, not that it exists.
    let i = inbox(&t, "indah").await;
    let seen = serde_json::to_string(&i).unwrap();
    assert!(
        !seen.contains("caucus:H") && !seen.contains("CANARY"),
        "{seen}"
    );
    // The mediator is told of H's caucus message in the words for the mediator.
    let m = inbox(&t, "mediator").await;
    assert!(
        m.iter()
            .any(|n| n["topic"]["channel"] == "caucus:H" && n["topic"]["as_mediator"] == true)
    );

    // H's e-mail: in Arabic, right to left, times in Dubai, no content, a link back.
    let mails = smtp.to("counsel@harbour.example");
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    let what = say("ar", "notice-message-plenary");
    assert!(mail["subject"].as_str().unwrap().contains(&what), "{mail}");
    assert_eq!(
        mail["content_types"],
        json!(["multipart/alternative", "text/plain", "text/html"])
    );
    let html = mail["html"].as_str().unwrap();
    let text = mail["text"].as_str().unwrap();
    assert!(html.contains("dir=\"rtl\"") && html.contains("lang=\"ar\""));
    assert!(
        !html.contains("<img") && !html.contains("src="),
        "no remote content"
    );
    assert!(text.contains(&format!(
        "https://accord.iomed.test/cases/{case}/channels/plenary"
    )));
    assert!(
        !text.contains("Tuesday") && !html.contains("Tuesday"),
        "no content"
    );
    let at: jiff::Timestamp = plenary[0]["created_at"].as_str().unwrap().parse().unwrap();
    let local = accord_i18n::format::date_time("ar", at.as_millisecond(), Some("Asia/Dubai"));
    let utc = accord_i18n::format::date_time("ar", at.as_millisecond(), Some("UTC"));
    assert_ne!(local, utc);
    assert!(text.contains(&local), "{text}");
    let message_id = mail["message_id"].as_str().unwrap();
    assert!(message_id.ends_with("@iomed.test>"));
    // The envelope sender names the notice, so that a bounce coming back later does too.
    let notice = message_id
        .trim_start_matches('<')
        .trim_end_matches("@iomed.test>");
    assert_eq!(
        mail["mail_from"],
        format!("bounces+{notice}@iomed.test").as_str()
    );

    // I asked for a daily digest: 17:00 in Shanghai is past 08:00, so today's digest went out
    // at once, in Simplified Chinese, with H's plenary message.
    let digests = smtp.to("counsel@indah.example");
    assert_eq!(digests.len(), 1, "{digests:?}");
    let digest = &digests[0];
    let digest_text = digest["text"].as_str().unwrap();
    assert!(digest_text.contains(&say("zh-Hans", "mail-digest-intro")));
    assert!(digest_text.contains(&say("zh-Hans", "notice-message-plenary")));
    assert!(!digest_text.contains("ready to meet"), "no content");
    assert!(!serde_json::to_string(digest).unwrap().contains("caucus"));
    // More of the same day waits for tomorrow's digest.
    post(&t, "harbour", &case, "plenary", "A second note").await;
    t.notify().await;
    assert_eq!(smtp.to("counsel@indah.example").len(), 1);
    t.advance_days(1).await;
    t.notify().await;
    let digests = smtp.to("counsel@indah.example");
    assert_eq!(digests.len(), 2);
    assert_ne!(digests[0]["message_id"], digests[1]["message_id"]);

    // The Secretariat chose no e-mail: messages are not e-mailed to it.
    assert!(smtp.to("registry@iomed.example").is_empty());

    // The mediator's address is refused by the server for good: recorded, shown to the
    // Secretariat, and not tried again.
    let (s, failures) = t.get("sgen", "/api/v1/mail-failures").await;
    assert_eq!(s, StatusCode::OK);
    let failures = failures.as_array().unwrap();
    assert!(!failures.is_empty());
    assert!(
        failures
            .iter()
            .all(|f| f["user_id"] == t.id("mediator").as_str()
                && f["error"].as_str().unwrap().contains("550")),
        "{failures:?}"
    );
    let (s, _) = t.get("mediator", "/api/v1/mail-failures").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // H's e-mail was accepted, then bounced by H's own mail system: the bounce, piped to
    // `accord mail-bounce`, marks it failed and the Secretariat sees why.
    let dsn = format!(
        "From: MAILER-DAEMON@harbour.example\r\nTo: {}\r\n\
         Subject: Undelivered Mail Returned to Sender\r\n\r\n\
         Final-Recipient: rfc822; counsel@harbour.example\r\nAction: failed\r\n\
         Status: 5.2.2\r\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox full\r\n",
        mail["mail_from"].as_str().unwrap()
    );
    assert_eq!(
        t.accord.record_bounce(&dsn).await.unwrap().as_deref(),
        Some(notice)
    );
    assert_eq!(
        t.accord
            .record_bounce("an unrelated message")
            .await
            .unwrap(),
        None
    );
    let (_, failures) = t.get("sgen", "/api/v1/mail-failures").await;
    assert!(
        failures
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["user_id"] == t.id("harbour").as_str()
                && f["error"].as_str().unwrap().contains("Mailbox full")),
        "{failures}"
    );
    let (_, page) = t.page("sgen", "/inbox").await;
    assert!(page.contains(&t.id("mediator")) && page.contains("550"));

    // Marking read: one, then all; another user's ids change nothing.
    let id = plenary[0]["id"].as_str().unwrap();
    let (s, v) = t
        .post("indah", "/api/v1/notifications/read", json!({"ids": [id]}))
        .await;
    assert_eq!((s, v["marked"].as_u64()), (StatusCode::OK, Some(0)));
    let (_, v) = t
        .post(
            "harbour",
            "/api/v1/notifications/read",
            json!({"ids": [id]}),
        )
        .await;
    assert_eq!(v["marked"], 1);
    let (_, v) = t.get("harbour", "/api/v1/notifications/unread").await;
    let unread = v["unread"].as_i64().unwrap();
    let (_, v) = t
        .post("harbour", "/api/v1/notifications/read", json!({}))
        .await;
    assert_eq!(v["marked"].as_i64(), Some(unread));
    let (_, v) = t.get("harbour", "/api/v1/notifications/unread").await;
    assert_eq!(v["unread"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_address_changes_nothing_and_says_why() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("harbour", "party-user").await;
    let (s, v) = t
        .post(
            "harbour",
            "/api/v1/notification-preferences",
            json!({"email": "not an address", "mode": "immediate"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "invalid-notification-email");
    let (_, v) = t.get("harbour", "/api/v1/notification-preferences").await;
    assert_eq!(v["email"], Value::Null);
    // Without smtp_url the deployment says e-mail is off, and the inbox still works.
    assert_eq!(v["mail_enabled"], false);
    let (s, v) = t
        .post(
            "harbour",
            "/api/v1/notifications/read",
            json!({"ids": vec!["x"; 501]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "invalid-notification-ids");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_is_reminded_a_week_and_a_day_before_at_eight_where_the_reader_is() {
    let Some(smtp) = SmtpSink::start() else {
        return;
    };
    let mut t = TestServer::start_with_mail(Backend::Sqlite, &smtp)
        .await
        .unwrap();
    let case = active_commercial(&mut t).await;
    t.speaks("harbour", "en", "America/Lima").await;
    t.speaks("indah", "fr", "Asia/Shanghai").await;
    t.mail_to("harbour", "counsel@harbour.example", "immediate")
        .await;
    t.mail_to("indah", "counsel@indah.example", "immediate")
        .await;
    let view = t.case("harbour", &case).await;
    let deposit = view["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "deposit" && d["party"] == "H" && d["status"] == "pending")
        .cloned()
        .expect("H's deposit runs");
    let due: jiff::Timestamp = deposit["due_at"].as_str().unwrap().parse().unwrap();
    let reminders = |inbox: &[Value], days: u64| {
        inbox
            .iter()
            .filter(|n| n["topic"]["topic"] == "reminder" && n["topic"]["days_before"] == days)
            .cloned()
            .collect::<Vec<_>>()
    };
    let mails_about = |to: &str, words: &str| {
        smtp.to(to)
            .into_iter()
            .filter(|m| m["subject"].as_str().unwrap_or_default().contains(words))
            .count()
    };
    let (deposit_en, deposit_fr) = (say("en", "deadline-deposit"), say("fr", "deadline-deposit"));
    // Until a week before, nothing; a week before, each party of its own deposit.
    while t.accord.clock().now() + jiff::SignedDuration::from_hours(7 * 24 + 24) < due {
        t.advance_days(1).await;
    }
    t.notify().await;
    assert!(reminders(&inbox(&t, "harbour").await, 7).is_empty());
    t.advance_days(1).await;
    t.notify().await;
    let h = reminders(&inbox(&t, "harbour").await, 7);
    let i = reminders(&inbox(&t, "indah").await, 7);
    assert_eq!((h.len(), i.len()), (1, 1), "{h:?} {i:?}");
    assert!(reminders(&inbox(&t, "mediator").await, 7).is_empty());
    assert!(reminders(&inbox(&t, "sgen").await, 7).is_empty());
    assert_eq!(h[0]["topic"]["due_ms"], due.as_millisecond());
    // At 09:00 UTC it is 17:00 in Shanghai: I is written to at once, in French, with the due
    // time in Shanghai; in Lima it is 04:00, so H waits for 08:00 there (13:00 UTC).
    assert_eq!(mails_about("counsel@indah.example", &deposit_fr), 1);
    let mail = smtp.to("counsel@indah.example").pop().unwrap();
    let due_there =
        accord_i18n::format::date_time("fr", due.as_millisecond(), Some("Asia/Shanghai"));
    assert!(
        mail["subject"].as_str().unwrap().contains(&due_there),
        "{mail}"
    );
    assert_eq!(mails_about("counsel@harbour.example", &deposit_en), 0);
    t.clock.advance(jiff::SignedDuration::from_hours(3));
    t.notify().await;
    assert_eq!(
        mails_about("counsel@harbour.example", &deposit_en),
        0,
        "07:00 in Lima"
    );
    t.clock.advance(jiff::SignedDuration::from_hours(1));
    t.notify().await;
    assert_eq!(
        mails_about("counsel@harbour.example", &deposit_en),
        1,
        "08:00 in Lima"
    );
    // A day before: the second reminder, once however often the notifier runs.
    while t.accord.clock().now() + jiff::SignedDuration::from_hours(48) < due {
        t.advance_days(1).await;
    }
    // Between one day and a few hours before the due time.
    t.clock.advance(jiff::SignedDuration::from_hours(8));
    assert!(t.accord.clock().now() + jiff::SignedDuration::from_hours(24) >= due);
    assert!(t.accord.clock().now() < due);
    t.notify().await;
    t.notify().await;
    assert_eq!(reminders(&inbox(&t, "harbour").await, 1).len(), 1);
    assert_eq!(reminders(&inbox(&t, "indah").await, 1).len(), 1);
    // 21:00 UTC is 05:00 in Shanghai: I's e-mail waits for 08:00 there (00:00 UTC), which is
    // still before the due time.
    assert_eq!(mails_about("counsel@indah.example", &deposit_fr), 1);
    t.clock.advance(jiff::SignedDuration::from_hours(3));
    t.notify().await;
    assert_eq!(mails_about("counsel@indah.example", &deposit_fr), 2);
}
