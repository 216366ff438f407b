//! Case-spine benchmarks, run as `bench/case-spine` (release build). Prints, in one run:
//!
//! 1. case-view latency p50/p99 over HTTP (`GET /api/v1/cases/{id}`, one client) with 10,000
//!    cases and 1,000,000 events;
//! 2. `verify-log` speed over those events.
//!
//! Durable appends against the raw SQLite commit rate are measured by `bench/appends`.
//!
//! Sizes can be scaled down with `ACCORD_BENCH_CASES` and `ACCORD_BENCH_EVENTS_PER_CASE`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use accord_app::ManualClock;
use accord_app::ports::Append;
use accord_evidence::{NewEvent, seal};
use serde_json::json;

fn env_usize(k: &str, d: usize) -> usize {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

fn event(i: i64) -> NewEvent {
    NewEvent {
        event_id: format!("ev-{i}-{}", uuid_like()),
        recorded_at_ms: 1_800_000_000_000 + i,
        actor: "user:bench".into(),
        kind: "note".into(),
        rule_basis: "bench".into(),
        visibility: "case".into(),
        payload: json!({"type": "note", "i": i, "text": "x".repeat(300)}),
    }
}

fn uuid_like() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir_in(std::env::var("ACCORD_BENCH_DIR").unwrap_or_else(|_| ".".into())).unwrap();
        println!("# Accord case-spine benchmark (data in {})", dir.path().display());

        // 1. Case-view latency with many cases and events.
        let cases = env_usize("ACCORD_BENCH_CASES", 10_000);
        let per_case = env_usize("ACCORD_BENCH_EVENTS_PER_CASE", 100);
        // The benchmark signs in as the Secretariat without a second factor.
        let cfg = accord::config::Config { data: dir.path().join("data"), second_factor_roles: vec![], ..Default::default() };
        accord::prepare_data_dir(&cfg).unwrap();
        let store = accord::open_store(&cfg).await.unwrap();
        let clock = Arc::new(ManualClock::new(jiff::Timestamp::now()));
        let app = accord::application(&cfg, store.clone(), clock).unwrap();
        let sg = app.bootstrap_user(accord_app::accounts::NewUser {
            username: "bench.sg".into(), display_name: "SG".into(), role: "secretariat".into(), password: "bench-password-1".into(),
        }).await.unwrap();
        let h = app.bootstrap_user(accord_app::accounts::NewUser {
            username: "bench.h".into(), display_name: "H".into(), role: "party-user".into(), password: "bench-password-1".into(),
        }).await.unwrap();
        let h_actor = accord_domain::Actor::User { id: h.id.clone(), role: accord_domain::GlobalRole::PartyUser };
        let rep = |u: &str| json!({"user_id": u, "name": u, "capacity": "principal", "authority_document": "a"});
        let clause = json!({"basis": "prior-clause", "reference": "cl. 19"});
        let req: accord_domain::command::FileRequest = serde_json::from_value(json!({
            "dispute_type": "commercial", "title": "Bench", "summary": "S",
            "parties": [
                {"id": "H", "name": "H", "kind": {"type": "company", "nationality": "HK", "place_of_business": "HK"}, "representatives": [rep(&h.id)], "consent": clause},
                {"id": "I", "name": "I", "kind": {"type": "company", "nationality": "ID", "place_of_business": "ID"}, "representatives": [rep("nobody")], "consent": clause}
            ],
            "requesting_party": "H"
        })).unwrap();
        let template = app.file_request(&h_actor, &req).await.unwrap();
        app.act(&h_actor, &template.case.id, &accord_domain::Command::SubmitRequest {}, None).await.unwrap();
        let template = app.load_case(&template.case.id).await.unwrap().unwrap().case;
        let fill = Instant::now();
        let mut ids = Vec::with_capacity(cases);
        let mut pending = vec![];
        for c in 0..cases {
            let id = format!("bench-{c:06}-{}", uuid_like());
            let events: Vec<NewEvent> = (0..per_case as i64).map(event).collect();
            let recs = seal(&id, 0, &Default::default(), events).unwrap();
            let mut case = template.clone();
            case.id = id.clone();
            case.reference = format!("BENCH-{c:06}");
            case.version = per_case as u64;
            let mut p = accord_app::cases::project(&case, &recs.last().unwrap().hash).unwrap();
            p.version = per_case as i64;
            let store = store.clone();
            pending.push(tokio::spawn(async move {
                store.append(Append { expected_version: 0, records: recs, projection: p, documents: vec![]  }).await.unwrap();
            }));
            if pending.len() >= 64 {
                for t in pending.drain(..) { t.await.unwrap(); }
            }
            ids.push(id);
        }
        for t in pending.drain(..) { t.await.unwrap(); }
        println!("filled {cases} cases with {} events in {:.1} s", cases * per_case, fill.elapsed().as_secs_f64());

        let running = accord::start(app.clone(), accord::web_config(&cfg), "127.0.0.1:0", false).await.unwrap();
        let base = format!("http://{}", running.addr);
        let http = reqwest::Client::new();
        let token: serde_json::Value = http.post(format!("{base}/api/v1/sessions"))
            .json(&json!({"username": "bench.sg", "password": "bench-password-1"})).send().await.unwrap().json().await.unwrap();
        let token = token["token"].as_str().unwrap().to_owned();
        let _ = sg;
        let mut lat = Vec::with_capacity(3_000);
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..3_000 {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            let id = &ids[(x as usize) % ids.len()];
            let t = Instant::now();
            let r = http.get(format!("{base}/api/v1/cases/{id}")).bearer_auth(&token).send().await.unwrap();
            assert!(r.status().is_success());
            let _ = r.bytes().await.unwrap();
            if i >= 200 { lat.push(t.elapsed()); } // the first 200 warm the caches
        }
        lat.sort();
        println!(
            "case view over HTTP ({} cases, {} events): p50 {:.2} ms, p99 {:.2} ms ({} requests, one client)",
            cases, cases * per_case,
            percentile(&lat, 0.50).as_secs_f64() * 1e3,
            percentile(&lat, 0.99).as_secs_f64() * 1e3,
            lat.len()
        );
        let _ = running.shutdown.send(true);

        // 2. verify-log speed.
        let t = Instant::now();
        let report = store.verify_chains().await.unwrap();
        assert!(report.breaks.is_empty());
        let secs = t.elapsed().as_secs_f64();
        println!("verify-log: {} events in {:.1} s = {:.0} events/s", report.events, secs, report.events as f64 / secs);
    });
}
