//! Caucus confidentiality as noninterference (security-and-reliability T2): pairs of runs that
//! differ only in party H's private actions (caucus and internal messages, without-prejudice
//! offers, the mediator's notes, relay proposals not yet approved, negotiation preferences and
//! private answers to the mediator's proposal, documents filed in H's caucus and internal
//! workspace, roles granted on H's private space, and platform operators' break-glass requests
//! and their approvals). Everything party I can observe — every response body, status, ETag and
//! length (the case view, its events and their numbering, its line in I's case list), after
//! numbering the random ids and hashes in order of appearance — must be byte-identical across
//! the two runs. Then the canary strings H wrote are searched for in everything I received and
//! in the raw database files.

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::json;

use accord_domain::testing::Milestone;

use crate::harness::{Backend, COMMERCIAL_CAST, SmtpSink, TestServer, builder, drive};

/// Replaces ids (UUIDs) and hashes (64 hex digits) by their order of first appearance.
fn normalise(text: &str, table: &mut HashMap<String, String>) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let is_hex = |b: u8| b.is_ascii_hexdigit();
    while i < bytes.len() {
        // Case references (ACC-<year>-<8 hex digits of the random id>) are ids too.
        if text[i..].starts_with("ACC-")
            && i + 17 <= bytes.len()
            && bytes[i + 9..i + 17].iter().all(|b| is_hex(*b))
        {
            let token = &text[i..i + 17];
            let n = table.len();
            let name = table
                .entry(token.to_owned())
                .or_insert_with(|| format!("<{n}>"))
                .clone();
            out.push_str(&name);
            i += 17;
            continue;
        }
        let uuid = i + 36 <= bytes.len()
            && bytes[i..i + 36].iter().enumerate().all(|(k, b)| {
                if [8, 13, 18, 23].contains(&k) {
                    *b == b'-'
                } else {
                    is_hex(*b)
                }
            });
        let hash = !uuid && i + 64 <= bytes.len() && bytes[i..i + 64].iter().all(|b| is_hex(*b));
        let len = if uuid {
            36
        } else if hash {
            64
        } else {
            0
        };
        if len > 0 {
            let token = &text[i..i + len];
            let n = table.len();
            let name = table
                .entry(token.to_owned())
                .or_insert_with(|| format!("<{n}>"))
                .clone();
            out.push_str(&name);
            i += len;
        } else {
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

struct Run<'a> {
    t: &'a TestServer,
    smtp: Option<&'a SmtpSink>,
    case: String,
    seen: Vec<String>,
    /// What I is told: its inbox and its e-mails for this case, at each observation.
    notices: Vec<String>,
    /// Every e-mail anyone received during the run (scanned for canaries).
    mail: String,
    /// Compare I's calendar feed too.
    feed: bool,
    ids: HashMap<String, String>,
}

/// A notice or an e-mail as compared across runs: without its id, its Message-ID, its envelope
/// sender (which carries the notice's id) and its dates (which differ by construction), with the case's id and reference named by their role, and in
/// a stable order (notices recorded at the same instant are listed by id, which is random).
fn comparable(mut items: Vec<serde_json::Value>, case: &str, reference: &str) -> String {
    let mut lines: Vec<String> = items
        .iter_mut()
        .map(|v| {
            if let Some(o) = v.as_object_mut() {
                for k in ["id", "created_at", "message_id", "mail_from", "date"] {
                    o.remove(k);
                }
            }
            v.to_string()
                .replace(case, "<case>")
                .replace(reference, "<reference>")
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

impl Run<'_> {
    /// Everything I can see of the case right now.
    async fn observe(&mut self) {
        let http = reqwest::Client::new();
        let c = &self.case;
        // The case's line in I's case list (the list holds the other runs' cases too).
        let (s, list) = self.t.get("indah", "/api/v1/cases").await;
        let line = list
            .as_array()
            .and_then(|l| l.iter().find(|x| x["id"] == c.as_str()))
            .cloned();
        let line = format!("/api/v1/cases {s} {line:?}");
        self.seen.push(normalise(&line, &mut self.ids));
        let paths = [
            format!("/api/v1/cases/{c}"),
            format!("/api/v1/cases/{c}/events"),
            format!("/api/v1/cases/{c}/channels"),
            format!("/api/v1/cases/{c}/channels/plenary/messages"),
            format!("/api/v1/cases/{c}/channels/caucus:I/messages"),
            format!("/api/v1/cases/{c}/channels/administrative/messages"),
            format!("/api/v1/cases/{c}/channels/caucus:H/messages"),
            format!("/api/v1/cases/{c}/relays"),
            format!("/api/v1/cases/{c}/negotiations"),
            format!("/api/v1/cases/{c}/negotiations/N1"),
            format!("/api/v1/cases/{c}/negotiations/N1/preferences/I"),
            format!("/api/v1/cases/{c}/negotiations/N1/preferences/H"),
            format!("/api/v1/cases/{c}/negotiations/N1/analysis"),
        ];
        for p in paths {
            let r = http
                .get(format!("{}{p}", self.t.base))
                .bearer_auth(self.t.token("indah"))
                .send()
                .await
                .unwrap();
            let etag = r
                .headers()
                .get("etag")
                .map(|v| v.to_str().unwrap_or("").to_owned());
            let len = r
                .headers()
                .get("content-length")
                .map(|v| v.to_str().unwrap_or("").to_owned());
            let status = r.status();
            let body = r.text().await.unwrap();
            let line = format!("{p} {status} {etag:?} {len:?} {body}");
            self.seen.push(normalise(&line, &mut self.ids));
        }
    }

    /// What I is told of the case: the notifier and the mail run, then I's inbox and the
    /// e-mails I received since the last look. (Once, at the end of a run: the inbox keeps
    /// everything, and each e-mail is received once.)
    async fn observe_notices(&mut self) {
        let Some(smtp) = self.smtp else {
            return;
        };
        self.t.accord.run_notifier().await.unwrap();
        self.t.accord.deliver_mail().await.unwrap();
        let c = self.case.clone();
        let (_, view) = self.t.get("indah", &format!("/api/v1/cases/{c}")).await;
        let reference = view["reference"].as_str().unwrap_or_default().to_owned();
        // The whole inbox, page by page: it holds the earlier runs' notices too, recorded at
        // the same instant of the test clock and so interleaved by id.
        let mut inbox = vec![];
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(k) => format!("{}/api/v1/notifications?limit=500&cursor={k}", self.t.base),
                None => format!("{}/api/v1/notifications?limit=500", self.t.base),
            };
            let r = reqwest::Client::new()
                .get(url)
                .bearer_auth(self.t.token("indah"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            cursor = r
                .headers()
                .get("accord-next-cursor")
                .map(|v| v.to_str().unwrap().to_owned());
            let page: Vec<serde_json::Value> = r.json().await.unwrap();
            inbox.extend(page);
            if cursor.is_none() {
                break;
            }
        }
        let mine: Vec<serde_json::Value> = inbox
            .into_iter()
            .filter(|n| n["case_id"] == c.as_str())
            .collect();
        self.notices
            .push(format!("inbox {}", comparable(mine, &c, &reference)));
        let mut mails = vec![];
        for m in smtp.take_new() {
            self.mail.push_str(&m.to_string());
            let to_i = m["rcpt_tos"]
                .as_array()
                .is_some_and(|r| r.iter().any(|x| x == "counsel@indah.example"));
            if to_i && m["text"].as_str().is_some_and(|t| t.contains(&c)) {
                mails.push(m);
            }
        }
        self.notices
            .push(format!("mail {}", comparable(mails, &c, &reference)));
        // I's calendar feed: the events of this case, without their stamp. (Every fourth pair:
        // the feed reads every case I takes part in, hundreds by the end of the test.)
        if !self.feed {
            return;
        }
        let (s, v) = self
            .t
            .post("indah", "/api/v1/calendar-feed", json!({}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let url = v["url"].as_str().unwrap_or_default();
        let path = &url[url.find("/calendar/").unwrap_or(0)..];
        let feed = reqwest::get(format!("{}{path}", self.t.base))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        self.mail.push_str(&feed);
        let unfolded = feed.replace("\r\n ", "");
        let mut events: Vec<String> = unfolded
            .split("BEGIN:VEVENT")
            .skip(1)
            .filter(|e| e.contains(&c))
            .map(|e| {
                e.lines()
                    .filter(|l| !l.starts_with("DTSTAMP:") && !l.starts_with("END:VCALENDAR"))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .replace(&c, "<case>")
                    .replace(&reference, "<reference>")
            })
            .collect();
        events.sort();
        self.notices.push(format!("calendar {}", events.join("\n")));
    }
}

async fn setup(t: &TestServer) -> String {
    let (h, i) = (t.id("harbour"), t.id("indah"));
    let filing = crate::harness::commercial(&h, &i, true, "iomed-default");
    let case = t.file("harbour", filing.clone()).await;
    let builder = builder(&filing, t, "mediator", "M");
    drive(t, &case, &builder, Milestone::Active, &COMMERCIAL_CAST).await;
    t.ok(
        "mediator",
        &case,
        "open-negotiation",
        json!({"agenda": {"issues": [
            {"id": "price", "label": "Price", "options": ["400", "450", "500"]},
            {"id": "delivery", "label": "Delivery", "options": ["30 days", "90 days"]}
        ]}}),
    )
    .await;
    t.ok(
        "mediator",
        &case,
        "propose-package",
        json!({"negotiation": "N1", "package": {"price": "450", "delivery": "30 days"}}),
    )
    .await;
    let (s, v) = t
        .post(
            "indah",
            &format!("/api/v1/cases/{case}/negotiations/N1/preferences/I"),
            json!({"weights": {"price": 40, "delivery": 60},
                   "scores": {"price": {"400": 100, "450": 50}, "delivery": {"30 days": 100}},
                   "reservation": {"kind": "value", "value": 2000}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    case
}

/// Files a document as `who` in a channel (asserts 201).
async fn file_document(t: &TestServer, who: &str, case: &str, channel: &str, canary: &str) {
    let form = reqwest::multipart::Form::new()
        .part(
            "metadata",
            reqwest::multipart::Part::text(
                json!({"title": format!("Memo {canary}"), "language": "en"}).to_string(),
            )
            .mime_str("application/json")
            .unwrap(),
        )
        .part(
            "file",
            reqwest::multipart::Part::bytes(
                format!(
                    "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% {canary}\ntrailer\n\
                     << /Root 1 0 R >>\n%%EOF\n"
                )
                .into_bytes(),
            )
            .file_name("memo.pdf")
            .mime_str("application/pdf")
            .unwrap(),
        );
    let r = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/cases/{case}/channels/{channel}/documents",
            t.base
        ))
        .bearer_auth(t.token(who))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    assert_eq!(status, StatusCode::CREATED, "{}", r.text().await.unwrap());
}

/// Gives `user` a role on H's private space the way the rules allow: H's own representative
/// grants an internal reviewer; the mediator proposes a caucus guest and H consents. Where the
/// Secretariat alone grants roles, it does.
async fn grant_on_h(t: &TestServer, case: &str, user: &str, caucus: bool) {
    let (by, role) = if caucus {
        (
            "mediator",
            json!({"role": "expert", "channels": ["caucus:H"]}),
        )
    } else {
        (
            "harbour",
            json!({"role": "internal-reviewer", "party": "H"}),
        )
    };
    let body = json!({"user_id": user, "role": role});
    let (s, v) = t.act(by, case, "add-participant", body.clone()).await;
    if s == StatusCode::FORBIDDEN {
        t.ok("sgen", case, "add-participant", body).await;
        return;
    }
    assert_eq!(s, StatusCode::OK, "{by} add-participant: {v}");
    if caucus {
        let pending = v["pending_grants"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
            || !v["participants"]
                .as_array()
                .is_some_and(|p| p.iter().any(|x| x["user_id"] == user));
        if pending {
            t.ok(
                "harbour",
                case,
                "approve-participant",
                json!({"user_id": user}),
            )
            .await;
        }
    }
}

/// One run: the same public steps; with `private`, H and the mediator also work in private.
async fn run<'a>(
    t: &'a TestServer,
    smtp: Option<&'a SmtpSink>,
    seed: u64,
    private: bool,
    canaries: &mut Vec<String>,
) -> Run<'a> {
    let case = setup(t).await;
    let mut r = Run {
        t,
        smtp,
        case: case.clone(),
        seen: vec![],
        notices: vec![],
        mail: String::new(),
        feed: seed.is_multiple_of(4),
        ids: HashMap::new(),
    };
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let post = |who: &str, ch: &str, body: serde_json::Value| {
        let (t, case) = (t, case.clone());
        let (who, ch) = (who.to_owned(), ch.to_owned());
        async move {
            let (s, v) = t
                .post(
                    &who,
                    &format!("/api/v1/cases/{case}/channels/{ch}/messages"),
                    body,
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            v["id"].as_str().unwrap_or_default().to_owned()
        }
    };
    r.observe().await;
    let (mut guests, mut operators) = (0usize, 0usize);
    for step in 0..4 {
        if private {
            for _ in 0..(next() % 3 + 1) {
                let canary = format!("CANARY-{seed}-{step}-{}", next() % 1_000_000);
                canaries.push(canary.clone());
                match next() % 11 {
                    7 => file_document(t, "harbour", &case, "caucus:H", &canary).await,
                    8 => file_document(t, "harbour", &case, "internal:H", &canary).await,
                    9 => {
                        // A role on H's private space, for a user of the pool not yet used here.
                        let user = t.id(&format!("guest{}", guests % GUESTS));
                        guests += 1;
                        grant_on_h(t, &case, &user, next() % 2 == 0).await;
                    }
                    10 => {
                        // An operator asks for break-glass access; sometimes it is granted.
                        let op = format!("operator{}", operators % OPERATORS);
                        operators += 1;
                        let (s, v) = t
                            .act(
                                &op,
                                &case,
                                "request-break-glass",
                                // The reason is the Secretariat's to read, not H's secret:
                                // it is stored as written, so it carries no canary.
                                json!({"reason": format!("incident {seed}-{step}")}),
                            )
                            .await;
                        assert_eq!(s, StatusCode::OK, "{v}");
                        if next() % 2 == 0 {
                            let operator = t.id(&op);
                            for by in ["sgen", "deputy"] {
                                t.ok(
                                    by,
                                    &case,
                                    "approve-break-glass",
                                    json!({"operator": operator}),
                                )
                                .await;
                            }
                            let (s, _) = t.get(&op, &format!("/api/v1/cases/{case}")).await;
                            assert_eq!(s, StatusCode::OK);
                        }
                    }
                    5 => {
                        // H's private preferences: random weights, scores and reservation.
                        let (w, sc) = (next() % 1000 + 1, next() % 101);
                        let best = w * 100 + 100 * (next() % 50 + 1);
                        let body = json!({"weights": {"price": w, "delivery": best / 100 - w.min(best / 100)},
                            "scores": {"price": {"500": 100, "450": sc}, "delivery": {"90 days": 100}},
                            "reservation": {"kind": "value", "value": next() % (w * 100)}});
                        let (s, v) = t
                            .post(
                                "harbour",
                                &format!("/api/v1/cases/{case}/negotiations/N1/preferences/H"),
                                body,
                            )
                            .await;
                        assert_eq!(s, StatusCode::OK, "{v}");
                    }
                    4 if next() % 2 == 0 => {
                        // A caucus with H: proposed by the mediator, answered by H, confirmed.
                        let meetings = format!("/api/v1/cases/{case}/meetings");
                        let (s, m) = t
                            .post(
                                "mediator",
                                &meetings,
                                json!({"channel": "caucus:H", "agenda": format!("Caucus {canary}"),
                                       "candidates": ["2026-02-10T09:00:00Z", "2026-02-11T09:00:00Z"],
                                       "duration_minutes": 60, "place": format!("Room {canary}")}),
                            )
                            .await;
                        assert_eq!(s, StatusCode::CREATED, "{m}");
                        let id = m["id"].as_str().unwrap_or_default();
                        let (s, v) = t
                            .post(
                                "harbour",
                                &format!("{meetings}/{id}/answers"),
                                json!({"answers": ["yes", "no"]}),
                            )
                            .await;
                        assert_eq!(s, StatusCode::OK, "{v}");
                        let (s, v) = t
                            .post(
                                "mediator",
                                &format!("{meetings}/{id}/confirm"),
                                json!({"candidate": 0}),
                            )
                            .await;
                        assert_eq!(s, StatusCode::OK, "{v}");
                    }
                    6 => {
                        // H's private answer to the proposal (I never accepts, so no agreement).
                        let a = if next() % 2 == 0 { "accept" } else { "decline" };
                        let (s, v) = t
                            .post(
                                "harbour",
                                &format!(
                                    "/api/v1/cases/{case}/negotiations/N1/proposals/P1/answers/H"
                                ),
                                json!({"answer": a}),
                            )
                            .await;
                        assert_eq!(s, StatusCode::OK, "{v}");
                    }
                    0 => {
                        post(
                            "harbour",
                            "caucus:H",
                            json!({"body": format!("Our reservation price is {canary}")}),
                        )
                        .await;
                    }
                    1 => {
                        post(
                            "harbour",
                            "internal:H",
                            json!({"body": format!("Internal: {canary}")}),
                        )
                        .await;
                    }
                    2 => {
                        post(
                            "harbour",
                            "caucus:H",
                            json!({"body": format!("Offer {canary}"), "without_prejudice": true}),
                        )
                        .await;
                    }
                    3 => {
                        post(
                            "mediator",
                            "notes",
                            json!({"body": format!("Note {canary}")}),
                        )
                        .await;
                    }
                    _ => {
                        let id = post(
                            "harbour",
                            "caucus:H",
                            json!({"body": format!("We might accept {canary}")}),
                        )
                        .await;
                        let (s, v) = t.post("mediator", &format!("/api/v1/cases/{case}/relays"), json!({"source_message_id": id, "excerpt": canary, "target": "caucus:I"})).await;
                        assert_eq!(s, StatusCode::CREATED, "{v}");
                    }
                }
            }
        }
        // I's own, identical actions.
        post(
            "indah",
            "caucus:I",
            json!({"body": format!("I step {step}")}),
        )
        .await;
        if step % 2 == 0 {
            post(
                "indah",
                "plenary",
                json!({"body": format!("Plenary note {step}")}),
            )
            .await;
        }
        r.observe().await;
    }
    r.observe_notices().await;
    r
}

/// Users granted roles on H's private space, and platform operators, available to each run (a
/// run grants at most 12 roles and asks for at most 12 break-glass accesses).
const GUESTS: usize = 12;
const OPERATORS: usize = 12;

/// Collects everything the server logs (at the most verbose level) for the canary scan.
#[derive(Clone, Default)]
struct LogSink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caucus_pairs_are_indistinguishable_to_the_other_party() {
    // nextest runs each test in its own process, so this subscriber sees only this test's server.
    let sink = LogSink::default();
    let writer = sink.clone();
    // As operators run it: JSON lines (with each request's id and route).
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .json()
        .with_writer(move || writer.clone())
        .try_init();
    tracing::info!("log capture on");
    // With a real SMTP server when there is one: I's inbox and e-mails are compared too.
    let smtp = SmtpSink::start();
    let mut t = match &smtp {
        Some(smtp) => TestServer::start_with_mail(Backend::Sqlite, smtp).await,
        None => TestServer::start(Backend::Sqlite).await,
    }
    .unwrap();
    // Every write carries an Idempotency-Key, so the stored responses are scanned too.
    t.idempotency_keys
        .store(true, std::sync::atomic::Ordering::Relaxed);
    for (u, role) in [
        ("sgen", "secretariat"),
        ("deputy", "secretariat"),
        ("mediator", "mediator"),
        ("harbour", "party-user"),
        ("indah", "party-user"),
    ] {
        t.user(u, role).await;
    }
    for g in 0..GUESTS {
        t.user(&format!("guest{g}"), "party-user").await;
    }
    for o in 0..OPERATORS {
        t.user(&format!("operator{o}"), "operator").await;
    }
    // I is e-mailed each notice at once (the digest's words are those of each notice:
    // tests/e2e/notifications.rs).
    if smtp.is_some() {
        for (who, email) in [("indah", "counsel@indah.example")] {
            let (s, v) = t
                .post(
                    who,
                    "/api/v1/notification-preferences",
                    json!({"email": email, "mode": "immediate"}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
    }
    let pairs: u64 = std::env::var("ACCORD_CAUCUS_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut canaries = vec![];
    let mut differences = 0;
    let (mut notice_differences, mut notice_hits, mut told) = (0, 0, 0);
    let mut received = String::new();
    for seed in 0..pairs {
        let plain = run(&t, smtp.as_ref(), seed, false, &mut canaries).await;
        let private = run(&t, smtp.as_ref(), seed, true, &mut canaries).await;
        if plain.seen != private.seen {
            differences += 1;
            let first = plain.seen.iter().zip(&private.seen).find(|(a, b)| a != b);
            eprintln!("pair {seed} differs: {first:?}");
        }
        if plain.notices != private.notices {
            notice_differences += 1;
            let first = plain
                .notices
                .iter()
                .zip(&private.notices)
                .find(|(a, b)| a != b);
            eprintln!("pair {seed}: I is told differently: {first:?}");
        }
        told += private
            .notices
            .iter()
            .filter(|n| n.contains("\"topic\""))
            .count();
        for r in [&plain, &private] {
            let notices = r.notices.join("\n");
            notice_hits += notices.matches("CANARY-").count() + r.mail.matches("CANARY-").count();
        }
        received.push_str(&private.seen.join("\n"));
    }
    if smtp.is_some() {
        assert!(told > 0, "I was told of something in the runs");
        println!(
            "FIGURE notification-pairs pairs={pairs} differences={notice_differences} \
             canary-hits={notice_hits}"
        );
    }
    // Canaries: in everything I received, and in every byte of the data folder.
    // Every canary starts with the same marker, so one pass for the marker finds any canary,
    // whole or in part.
    let marker = "CANARY-";
    let mut hits = received.matches(marker).count();
    let data = t.data_dir();
    let mut files = 0;
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            files += 1;
            let bytes = std::fs::read(&path).unwrap();
            hits += bytes
                .windows(marker.len())
                .filter(|w| *w == marker.as_bytes())
                .count();
        }
    }
    assert!(files >= 2, "the database files were scanned");
    let logs =
        String::from_utf8_lossy(&sink.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    assert!(
        logs.contains("log capture on") && logs.len() > 10_000,
        "the server's logs were captured ({} bytes)",
        logs.len()
    );
    hits += logs.matches(marker).count();
    assert!(
        logs.contains("\"request_id\""),
        "the request lines were captured"
    );
    // The metrics as a scraper would read them.
    let metrics = accord_web::observe::recorder()
        .map(|h| h.render())
        .unwrap_or_default();
    assert!(metrics.contains("accord_http_requests_total"));
    hits += metrics.matches(marker).count();
    println!("FIGURE caucus-pairs pairs={pairs} differences={differences} canary-hits={hits}");
    assert!(
        canaries.len() as u64 >= pairs,
        "each pair wrote private content"
    );
    assert_eq!(differences, 0);
    assert_eq!(hits, 0);
    assert_eq!(notice_differences, 0);
    assert_eq!(notice_hits, 0);
}

/// Optimistic concurrency is on each reader's own view: a party's `If-Match` stays good while
/// the other side files in its caucus and workspace, and goes stale (409 naming the party's own
/// version) only when something the party may read happens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partys_etag_does_not_move_with_the_other_sides_private_acts() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    for (u, role) in [
        ("sgen", "secretariat"),
        ("mediator", "mediator"),
        ("harbour", "party-user"),
        ("indah", "party-user"),
    ] {
        t.user(u, role).await;
    }
    let case = setup(&t).await;
    let etag = |who: &'static str| {
        let (t, case) = (&t, case.clone());
        async move {
            let r = reqwest::Client::new()
                .get(format!("{}/api/v1/cases/{case}", t.base))
                .bearer_auth(t.token(who))
                .send()
                .await
                .unwrap();
            r.headers()["etag"].to_str().unwrap().to_owned()
        }
    };
    let act_if = |who: &'static str, action: &'static str, body: serde_json::Value, tag: String| {
        let (t, case) = (&t, case.clone());
        async move {
            let r = reqwest::Client::new()
                .post(format!("{}/api/v1/cases/{case}/actions/{action}", t.base))
                .bearer_auth(t.token(who))
                .header("if-match", tag)
                .json(&body)
                .send()
                .await
                .unwrap();
            let s = r.status();
            (s, r.json::<serde_json::Value>().await.unwrap_or_default())
        }
    };
    let before = etag("indah").await;
    let h_before = etag("harbour").await;
    file_document(&t, "harbour", &case, "caucus:H", "memo one").await;
    file_document(&t, "harbour", &case, "internal:H", "memo two").await;
    assert_eq!(etag("indah").await, before, "I's view did not move");
    assert_ne!(etag("harbour").await, h_before, "H's own view did");
    // I acts on its own ETag: accepted although the case's overall version moved.
    let (s, v) = act_if(
        "indah",
        "declare-joint-termination",
        json!({"party": "I"}),
        before.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // H's stale ETag (I's act is H's to read) is a conflict naming H's own version.
    let (s, v) = act_if(
        "harbour",
        "declare-joint-termination",
        json!({"party": "H"}),
        h_before,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let now = etag("harbour").await;
    let version = now.trim_matches('"').trim_start_matches('v');
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("version {version})"))),
        "{v}"
    );
}
