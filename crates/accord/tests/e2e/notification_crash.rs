//! Crash test of the notifier: the real binary, e-mailing through a real SMTP server, is killed
//! with SIGKILL at random moments while one party posts in the joint session and the notifier
//! tells the other party (inbox and e-mail, every second), and is started again each time.
//! Afterwards every message acknowledged was notified to the other party once in its inbox and
//! e-mailed at least once, and every e-mail sent more than once carries the same `Message-ID`
//! (the notice's id, derived from the message and the recipient): no Message-ID that no notice
//! explains, no two Message-IDs for one notice. Prints
//! `FIGURE notification-crash kills=N lost=0`.
//!
//! `scripts/test` kills the server `ACCORD_NOTIFICATION_KILLS` times (50 by default).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::crash::{all_pages, serve_with, sign_in_as};
use crate::harness::SmtpSink;

fn kills() -> usize {
    std::env::var("ACCORD_NOTIFICATION_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50)
}

/// Posts in the joint session every 20 ms until the server stops answering; records the ids
/// of the messages it acknowledged.
async fn post_until_killed(
    base: String,
    token: String,
    case: String,
    round: usize,
    acked: Arc<Mutex<BTreeSet<String>>>,
) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    for n in 0.. {
        let r = http
            .post(format!(
                "{base}/api/v1/cases/{case}/channels/plenary/messages"
            ))
            .bearer_auth(&token)
            .json(&json!({"body": format!("round {round} message {n}")}))
            .send()
            .await;
        match r {
            Ok(r) if r.status() == StatusCode::CREATED => {
                let v: Value = r.json().await.unwrap_or_default();
                if let Some(id) = v["id"].as_str() {
                    acked.lock().unwrap().insert(id.to_owned());
                }
            }
            _ => return,
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn get(http: &reqwest::Client, base: &str, token: &str, path: &str) -> Value {
    let r = http
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

#[test]
fn every_notice_survives_sigkill_and_a_retry_keeps_its_message_id() {
    let Some(smtp) = SmtpSink::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let env = [
        ("ACCORD_SMTP_URL", smtp.url.as_str()),
        ("ACCORD_MAIL_FROM", "IOMed Secretariat <notices@iomed.test>"),
        ("ACCORD_NOTIFIER_INTERVAL_SECS", "1"),
    ];
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut server = serve_with(dir.path(), None, true, &env);
    let http = reqwest::Client::new();
    let (harbour, indah, indah_id, case) = rt.block_on(async {
        let harbour = sign_in_as(&http, &server.base, &data, "harbour").await;
        let indah = sign_in_as(&http, &server.base, &data, "indah").await;
        let me = get(&http, &server.base, &indah, "/api/v1/me").await;
        let r = http
            .post(format!("{}/api/v1/notification-preferences", server.base))
            .bearer_auth(&indah)
            .json(&json!({"email": "counsel@indah.example", "mode": "immediate"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let cases = get(&http, &server.base, &harbour, "/api/v1/cases").await;
        let case = cases
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["state"] == "ACTIVE")
            .expect("the demo's harbour has an active case")["id"]
            .as_str()
            .unwrap()
            .to_owned();
        (harbour, indah, me["id"].as_str().unwrap().to_owned(), case)
    });
    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let mut rng = 0x5EED_0022_u64;
    let n = kills();
    let started = Instant::now();
    for round in 0..n {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let load = rt.spawn(post_until_killed(
            server.base.clone(),
            harbour.clone(),
            case.clone(),
            round,
            acked.clone(),
        ));
        std::thread::sleep(Duration::from_millis(300 + rng % 1500));
        server.kill();
        rt.block_on(async {
            let _ = tokio::time::timeout(Duration::from_secs(30), load).await;
        });
        server = serve_with(dir.path(), None, false, &env);
    }
    // The last server catches up: every acknowledged message is notified and e-mailed.
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > n,
        "messages got through between kills ({})",
        acked.len()
    );
    let expected: BTreeMap<String, String> = acked
        .iter()
        .map(|m| {
            let id = accord_app::notifications::notice_id(&format!("message:{m}"), &indah_id);
            (format!("<{id}@iomed.test>"), m.clone())
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(300);
    let (mails, lost) = loop {
        let mails = smtp.to("counsel@indah.example");
        let sent: BTreeSet<&str> = mails
            .iter()
            .filter_map(|m| m["message_id"].as_str())
            .collect();
        let lost = expected
            .keys()
            .filter(|id| !sent.contains(id.as_str()))
            .count();
        if lost == 0 || Instant::now() > deadline {
            break (mails, lost);
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    // Every e-mail about the joint session is one of the expected notices, and every copy of a
    // notice is the same e-mail.
    let mut copies: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for m in &mails {
        let text = m["text"].as_str().unwrap_or_default();
        if text.contains(&format!("/cases/{case}/channels/plenary")) {
            copies
                .entry(m["message_id"].as_str().unwrap_or_default().to_owned())
                .or_default()
                .push(m);
        }
    }
    let demo_notices: Vec<&String> = copies
        .keys()
        .filter(|id| !expected.contains_key(*id))
        .collect();
    // The demo's own plenary messages, written before any kill, are the only others.
    assert!(
        demo_notices.len() <= 10,
        "unexplained Message-IDs: {demo_notices:?}"
    );
    let duplicated = copies.values().filter(|c| c.len() > 1).count();
    for c in copies.values() {
        assert!(
            c.iter()
                .all(|m| m["subject"] == c[0]["subject"] && m["text"] == c[0]["text"]),
            "copies of one notice differ"
        );
    }
    // The inbox holds one notice per message, whatever the retries.
    let inbox: Vec<Value> = rt.block_on(all_pages(
        &http,
        &indah,
        &format!("{}/api/v1/notifications", server.base),
    ));
    let inbox_ids: Vec<String> = inbox
        .iter()
        .filter_map(|n| n["id"].as_str().map(|id| format!("<{id}@iomed.test>")))
        .collect();
    let unique: BTreeSet<&String> = inbox_ids.iter().collect();
    assert_eq!(unique.len(), inbox_ids.len(), "a notice stored twice");
    let missing_in_inbox = expected.keys().filter(|id| !unique.contains(id)).count();
    println!(
        "FIGURE notification-crash kills={n} lost={lost} notices={} duplicates={duplicated} ({:.0} s)",
        expected.len(),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(lost, 0, "notices never e-mailed");
    assert_eq!(missing_in_inbox, 0, "notices missing from the inbox");
    server.kill();
}
