//! Caucus confidentiality as noninterference (security-and-reliability T2): pairs of runs that
//! differ only in party H's private actions (caucus and internal messages, without-prejudice
//! offers, the mediator's notes, relay proposals not yet approved, negotiation preferences and
//! private answers to the mediator's proposal). Everything party I can
//! observe — every response body, status, ETag and length, after numbering the random ids and
//! hashes in order of appearance — must be byte-identical across the two runs. Then the canary
//! strings H wrote are searched for in everything I received and in the raw database files.

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::json;

use accord_domain::testing::Milestone;

use crate::harness::{Backend, COMMERCIAL_CAST, TestServer, builder, drive};

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
    case: String,
    seen: Vec<String>,
    ids: HashMap<String, String>,
}

impl Run<'_> {
    /// Everything I can see of the case right now.
    async fn observe(&mut self) {
        let http = reqwest::Client::new();
        let c = &self.case;
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

/// One run: the same public steps; with `private`, H and the mediator also work in private.
async fn run(t: &TestServer, seed: u64, private: bool, canaries: &mut Vec<String>) -> Vec<String> {
    let case = setup(t).await;
    let mut r = Run {
        t,
        case: case.clone(),
        seen: vec![],
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
    for step in 0..4 {
        if private {
            for _ in 0..(next() % 3 + 1) {
                let canary = format!("CANARY-{seed}-{step}-{}", next() % 1_000_000);
                canaries.push(canary.clone());
                match next() % 7 {
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
    r.seen
}

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
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init();
    tracing::info!("log capture on");
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    // Every write carries an Idempotency-Key, so the stored responses are scanned too.
    t.idempotency_keys
        .store(true, std::sync::atomic::Ordering::Relaxed);
    for (u, role) in [
        ("sgen", "secretariat"),
        ("mediator", "mediator"),
        ("harbour", "party-user"),
        ("indah", "party-user"),
    ] {
        t.user(u, role).await;
    }
    let pairs: u64 = std::env::var("ACCORD_CAUCUS_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut canaries = vec![];
    let mut differences = 0;
    let mut received = String::new();
    for seed in 0..pairs {
        let plain = run(&t, seed, false, &mut canaries).await;
        let private = run(&t, seed, true, &mut canaries).await;
        if plain != private {
            differences += 1;
            let first = plain.iter().zip(&private).find(|(a, b)| a != b);
            eprintln!("pair {seed} differs: {first:?}");
        }
        received.push_str(&private.join("\n"));
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
    println!("FIGURE caucus-pairs pairs={pairs} differences={differences} canary-hits={hits}");
    assert!(
        canaries.len() as u64 >= pairs,
        "each pair wrote private content"
    );
    assert_eq!(differences, 0);
    assert_eq!(hits, 0);
}
