//! Operating a deployment: a backup taken while the server runs, restored into an empty place
//! and checked whole (case chains, the transparency log against the backup's checkpoint, every
//! document decrypted and hash-checked), then served again; a damaged backup, a missing key and
//! a place already in use are refused.

use std::path::Path;
use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::harness::{Backend, TestServer, active_commercial};

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% {text}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
        .into_bytes()
}

/// Files `content` as `who` in `channel`; returns the document's id.
async fn file_document(
    t: &TestServer,
    who: &str,
    case: &str,
    channel: &str,
    content: &[u8],
) -> String {
    let (s, v) = t
        .send_as_json(who, |http, base| {
            let form = Form::new()
                .part(
                    "metadata",
                    Part::text(json!({"title": "Memorial", "language": "en"}).to_string())
                        .mime_str("application/json")
                        .unwrap(),
                )
                .part(
                    "file",
                    Part::bytes(content.to_vec())
                        .file_name("memorial.pdf")
                        .mime_str("application/pdf")
                        .unwrap(),
                );
            http.post(format!(
                "{base}/api/v1/cases/{case}/channels/{channel}/documents"
            ))
            .multipart(form)
        })
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_str().unwrap().to_owned()
}

fn flip_a_byte(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

/// Copies a folder (to damage a copy of the backup, not the backup).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

async fn a_backup_taken_while_serving_restores_whole_and_serves_again(t: &mut TestServer) {
    let case = active_commercial(t).await;
    let caucus = pdf("CANARY-BACKUP caucus memo");
    let plenary = pdf("Joint statement of facts");
    let caucus_id = file_document(t, "harbour", &case, "caucus:H", &caucus).await;
    let plenary_id = file_document(t, "indah", &case, "plenary", &plenary).await;
    let events_before = t.store.events(&case).await.unwrap();

    let work = tempfile::tempdir().unwrap();
    let backup_dir = work.path().join("backup");
    let r = accord::backup::backup(&t.cfg, &t.accord, &backup_dir, false, false)
        .await
        .unwrap();
    assert_eq!(r.objects, 2);
    assert!(r.key_path.is_none());
    assert!(!backup_dir.join("master.key").exists(), "no key by default");
    for f in walk(&backup_dir) {
        let mode =
            std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&f).unwrap().permissions());
        assert_eq!(mode & 0o077, 0, "{} is readable by others", f.display());
    }
    // Work goes on after the backup; the backup holds the deployment as it was.
    t.ok(
        "mediator",
        &case,
        "record-consultation",
        json!({"summary": "after the backup"}),
    )
    .await;
    // The backup holds no plaintext of a document.
    let mut all = vec![];
    for e in walk(&backup_dir) {
        all.extend(std::fs::read(e).unwrap());
    }
    assert!(
        !all.windows(14).any(|w| w == b"CANARY-BACKUP "),
        "plaintext in the backup"
    );

    // A backup refuses a folder in use, and one inside the data folder.
    let again = accord::backup::backup(&t.cfg, &t.accord, &backup_dir, false, false).await;
    assert!(again.unwrap_err().contains("is not empty"));
    let inside = accord::backup::backup(&t.cfg, &t.accord, &t.cfg.data.join("bk"), false, false)
        .await
        .unwrap_err();
    assert!(inside.contains("inside the data folder"), "{inside}");

    let target = |name: &str| {
        let mut cfg = accord::config::Config {
            data: work.path().join(name),
            ..accord::config::Config::default()
        };
        cfg.database_url = None;
        cfg
    };
    let mut restored_cfg = target("restored");
    if t.cfg.database_url.is_some() {
        let cluster = accord_store_postgres::testing::test_url().unwrap();
        restored_cfg.database_url = Some(
            accord_store_postgres::testing::fresh_database(&cluster)
                .await
                .unwrap(),
        );
    }
    // Without the key the backup cannot be restored; a damaged copy is refused before anything
    // is written.
    let e = accord::backup::restore(&backup_dir, &restored_cfg, None, false)
        .await
        .unwrap_err();
    assert!(e.contains("--key"), "{e}");
    assert!(!restored_cfg.data.exists(), "nothing written");
    let damaged = work.path().join("damaged");
    copy_dir(&backup_dir, &damaged);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(damaged.join("manifest.json")).unwrap()).unwrap();
    let object = manifest["objects"][0]["key"].as_str().unwrap();
    flip_a_byte(&damaged.join("objects").join(object));
    let key = t.cfg.data.join(accord::MASTER_KEY_FILE);
    let e = accord::backup::restore(&damaged, &restored_cfg, Some(&key), false)
        .await
        .unwrap_err();
    assert!(e.contains("damaged"), "{e}");
    assert!(!restored_cfg.data.exists(), "nothing written");
    if t.cfg.database_url.is_none() {
        // A key of another deployment: found out after the database is written, and nothing a
        // server could start on is left.
        let wrong = work.path().join("wrong.key");
        std::fs::write(&wrong, "ab".repeat(32)).unwrap();
        let e = accord::backup::restore(&backup_dir, &restored_cfg, Some(&wrong), false)
            .await
            .unwrap_err();
        assert!(e.contains("does not open this backup"), "{e}");
        assert!(!restored_cfg.data.exists(), "nothing kept");
        let leftovers = std::fs::read_dir(work.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("restoring"))
            .count();
        assert_eq!(leftovers, 0, "no staging folder left");
    }

    let report = accord::backup::restore(&backup_dir, &restored_cfg, Some(&key), false)
        .await
        .unwrap();
    assert_eq!(report.documents, 2);
    assert_eq!(report.files_checked, 4, "database, checkpoint, two objects");
    assert!(report.cases >= 1 && report.events >= events_before.len() as u64);
    assert!(report.log_size >= report.checkpoint_size);
    // A second restore into the same place is refused.
    let e = accord::backup::restore(&backup_dir, &restored_cfg, Some(&key), false)
        .await
        .unwrap_err();
    assert!(e.contains("not empty"), "{e}");

    // The restored deployment serves the case as it was at the backup, documents byte for byte.
    let store = accord::open_store(&restored_cfg).await.unwrap();
    assert_eq!(store.events(&case).await.unwrap(), events_before);
    let clock: Arc<dyn accord_app::Clock> = t.clock.clone();
    let app = accord::application(&restored_cfg, store, clock).unwrap();
    let running = accord::start(app, accord::web_config(&restored_cfg), "127.0.0.1:0", false)
        .await
        .unwrap();
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    for (who, channel, id, content) in [
        ("harbour", "caucus:H", &caucus_id, &caucus),
        ("indah", "plenary", &plenary_id, &plenary),
    ] {
        let s: Value = http
            .post(format!("{base}/api/v1/sessions"))
            .json(&json!({"username": who, "password": format!("{who}-password!")}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = s["token"].as_str().unwrap_or_else(|| panic!("{s}"));
        let r = http
            .get(format!(
                "{base}/api/v1/cases/{case}/channels/{channel}/documents/{id}"
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(&r.bytes().await.unwrap().to_vec(), content);
    }
    let _ = running.shutdown.send(true);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

crate::on_both_backends!(a_backup_taken_while_serving_restores_whole_and_serves_again,);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_with_its_key_restores_without_one_through_the_command_line() {
    let Some(mut t) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let case = active_commercial(&mut t).await;
    file_document(&t, "harbour", &case, "plenary", &pdf("Statement")).await;
    let work = tempfile::tempdir().unwrap();
    let backup_dir = work.path().join("b");
    let bin = env!("CARGO_BIN_EXE_accord");
    let out = std::process::Command::new(bin)
        .args(["backup", "--include-key", "--data"])
        .arg(&t.cfg.data)
        .arg("--to")
        .arg(&backup_dir)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("the master key is in the backup"), "{said}");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(backup_dir.join("master.key"))
            .unwrap()
            .permissions(),
    );
    assert_eq!(
        mode & 0o077,
        0,
        "the key in the backup is the owner's alone"
    );
    let out = std::process::Command::new(bin)
        .args(["restore", "--from"])
        .arg(&backup_dir)
        .arg("--data")
        .arg(work.path().join("new"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("1 documents"), "{said}");
    assert!(said.contains("case chains"), "{said}");
    let out = std::process::Command::new(bin)
        .args(["verify-log", "--data"])
        .arg(work.path().join("new"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Metrics behind a token, parsed as Prometheus text; request ids echoed; readiness.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_readiness_and_request_ids_for_operators() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = active_commercial(&mut t).await;
    let token = "metrics-token-0123456789";
    let web = accord_web::WebConfig {
        metrics_token: Some(token.into()),
        ..accord::web_config(&t.cfg)
    };
    let running = accord::start(t.accord.clone(), web, "127.0.0.1:0", false)
        .await
        .unwrap();
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    // Without a configured token (the test server) the route is not there; with one, only the
    // token opens it.
    let r = http
        .get(format!("{}/metrics", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "metrics-not-enabled");
    for given in [None, Some("wrong-token-0123456789")] {
        let mut req = http.get(format!("{base}/metrics"));
        if let Some(g) = given {
            req = req.bearer_auth(g);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "metrics-token-required");
    }
    // Request ids: the client's when well formed, else a new one.
    let r = http
        .get(format!("{base}/readyz"))
        .header("x-request-id", "probe-42.a_b")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "probe-42.a_b");
    assert_eq!(r.status(), StatusCode::OK);
    let ready: Value = r.json().await.unwrap();
    assert_eq!(
        ready,
        json!({"ready": true, "database": "ok", "storage": "ok"})
    );
    // The document storage gone: not ready, saying which.
    let objects = t.cfg.data.join("objects");
    let moved = t.cfg.data.join("objects-away");
    std::fs::rename(&objects, &moved).unwrap();
    let r = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["storage"], "unavailable");
    std::fs::rename(&moved, &objects).unwrap();
    let r = http
        .get(format!("{base}/healthz"))
        .header("x-request-id", "not a valid id; with spaces")
        .send()
        .await
        .unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(
        id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );
    let r = http
        .get(format!("{base}/no/such/route"))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers().contains_key("x-request-id"),
        "every response carries one"
    );
    // A case read through the server, then the metrics.
    let (s, _) = t.get("harbour", &format!("/api/v1/cases/{case}")).await;
    assert_eq!(s, StatusCode::OK);
    let text = http
        .get(format!("{base}/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).unwrap();
    let case_reads = scrape.samples.iter().find(|s| {
        s.metric == "accord_http_requests_total"
            && s.labels.get("route") == Some("/api/v1/cases/:case_id")
            && s.labels.get("method") == Some("GET")
            && s.labels.get("status") == Some("200")
    });
    match case_reads.map(|s| &s.value) {
        Some(prometheus_parse::Value::Counter(n)) => assert!(*n >= 1.0),
        other => panic!("no counter of case reads: {other:?}\n{text}"),
    }
    assert!(
        scrape
            .samples
            .iter()
            .any(|s| s.metric == "accord_http_request_duration_seconds"
                && matches!(&s.value, prometheus_parse::Value::Histogram(b) if b.len() >= 10)),
        "latency as a histogram with buckets"
    );
    assert!(
        scrape
            .samples
            .iter()
            .any(|s| s.metric == "accord_http_requests_total"
                && s.labels.get("route") == Some("unmatched")
                && s.labels.get("status") == Some("404"))
    );
    for metric in [
        "accord_case_appends_total",
        "accord_case_append_events_size",
        "accord_store_commit_batch_size",
    ] {
        assert!(
            scrape.samples.iter().any(|s| s.metric == metric),
            "{metric} missing"
        );
    }
    // No id, name or content of a case in any label.
    let title = t.case("harbour", &case).await["title"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!text.contains(&case) && !text.contains(&title) && !text.contains("harbour"));
    let _ = running.shutdown.send(true);
}

/// Two instances on one PostgreSQL and one document storage (S3 when the test run has one)
/// behave as one: sessions and idempotency keys work whichever answers, concurrent work through
/// both is all there once, each lapse fires once, the transparency log stays dense.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_and_one_storage_behave_as_one() {
    let storage = std::env::var("ACCORD_TEST_S3_URL").ok();
    let Some(mut t) = TestServer::start_with_storage(Backend::Postgres, storage.clone()).await
    else {
        return;
    };
    // Instance B: the same database, storage and master key; its own process state.
    let b_dir = tempfile::tempdir().unwrap();
    let mut b_cfg = t.cfg.clone();
    b_cfg.data = b_dir.path().join("data");
    b_cfg.storage_url = Some(t.cfg.storage_url());
    std::fs::create_dir_all(&b_cfg.data).unwrap();
    std::fs::copy(
        t.cfg.data.join(accord::MASTER_KEY_FILE),
        b_cfg.data.join(accord::MASTER_KEY_FILE),
    )
    .unwrap();
    accord::prepare_data_dir(&b_cfg).unwrap();
    let b_store = accord::open_store(&b_cfg).await.unwrap();
    let clock: Arc<dyn accord_app::Clock> = t.clock.clone();
    let b_app = accord::application(&b_cfg, b_store, clock).unwrap();
    let b = accord::start(
        b_app.clone(),
        accord::web_config(&b_cfg),
        "127.0.0.1:0",
        false,
    )
    .await
    .unwrap();
    let b_base = format!("http://{}", b.addr);
    let http = reqwest::Client::new();

    // Five cases, each with a time limit of one day.
    let mut cases = vec![];
    for _ in 0..5 {
        let case = if cases.is_empty() {
            active_commercial(&mut t).await
        } else {
            crate::harness::active_commercial_again(&mut t).await
        };
        t.ok("mediator", &case, "set-time-limit", json!({"days": 1}))
            .await;
        cases.push(case);
    }
    let case = cases[0].clone();

    // A session opened on A is good on B.
    let r = http
        .get(format!("{b_base}/api/v1/cases/{case}"))
        .bearer_auth(t.token("harbour"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // An idempotent post on A replays on B.
    let key = "two-instances-0001";
    let body = json!({"body": "Agenda for the joint session"});
    let first: Value = http
        .post(format!(
            "{}/api/v1/cases/{case}/channels/plenary/messages",
            t.base
        ))
        .bearer_auth(t.token("harbour"))
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let replay = http
        .post(format!(
            "{b_base}/api/v1/cases/{case}/channels/plenary/messages"
        ))
        .bearer_auth(t.token("harbour"))
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::CREATED);
    let replay: Value = replay.json().await.unwrap();
    assert_eq!(
        replay["id"], first["id"],
        "the same message, not a second one"
    );

    // Concurrent messages through both instances: every one there, once.
    let mut posts = vec![];
    for i in 0..24 {
        let base = if i % 2 == 0 {
            t.base.clone()
        } else {
            b_base.clone()
        };
        let who = if i % 3 == 0 { "indah" } else { "harbour" };
        let req = http
            .post(format!(
                "{base}/api/v1/cases/{case}/channels/plenary/messages"
            ))
            .bearer_auth(t.token(who))
            .json(&json!({"body": format!("concurrent message {i}")}));
        posts.push(tokio::spawn(
            async move { req.send().await.unwrap().status() },
        ));
    }
    for p in posts {
        assert_eq!(p.await.unwrap(), StatusCode::CREATED);
    }
    let (_, messages) = t
        .get(
            "mediator",
            &format!("/api/v1/cases/{case}/channels/plenary/messages"),
        )
        .await;
    let bodies: Vec<&str> = messages
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["body"].as_str())
        .collect();
    for i in 0..24 {
        let want = format!("concurrent message {i}");
        assert_eq!(bodies.iter().filter(|b| **b == want).count(), 1, "{want}");
    }

    // A document filed through A is read through B (one storage).
    let pdf =
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
            .to_vec();
    let id = file_document(&t, "harbour", &case, "plenary", &pdf).await;
    let got = http
        .get(format!(
            "{b_base}/api/v1/cases/{case}/channels/plenary/documents/{id}"
        ))
        .bearer_auth(t.token("indah"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.bytes().await.unwrap().to_vec(), pdf);

    // The time limits run out: both instances' schedulers race; each lapse fires once.
    t.clock.advance_days(3);
    for _ in 0..3 {
        let (ra, rb) = tokio::join!(t.accord.run_scheduler(), b_app.run_scheduler());
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!((ra.failures, rb.failures), (0, 0), "{ra:?} {rb:?}");
    }
    for c in &cases {
        let kinds = t.event_kinds("sgen", c).await;
        assert_eq!(
            kinds
                .iter()
                .filter(|k| *k == "mediation-terminated")
                .count(),
            1,
            "{c}: {kinds:?}"
        );
        assert_eq!(t.state("sgen", c).await, "TERMINATED");
    }

    // Both sequence the transparency log at once: dense, each event once, one history.
    let (sa, sb) = tokio::join!(t.accord.sequence_log(), b_app.sequence_log());
    let admitted = sa.unwrap() + sb.unwrap();
    assert!(admitted > 0);
    let report = t.store.verify_chains().await.unwrap();
    let size = t.store.log_size().await.unwrap();
    assert_eq!(size as u64, report.events, "every event in the log once");
    let hashes = t.store.log_hashes(0, size).await.unwrap();
    assert_eq!(hashes.len() as i64, size, "no gap");
    let unique: std::collections::BTreeSet<_> = hashes.iter().collect();
    assert_eq!(unique.len(), hashes.len(), "no event twice");
    let cp = t
        .accord
        .checkpoint(&accord_domain::Actor::System)
        .await
        .unwrap();
    let (cp_size, now) = accord::verify_checkpoint(&b_app, &cp.note).await.unwrap();
    assert_eq!((cp_size, now), (size as u64, size as u64));
    let _ = b.shutdown.send(true);
}

/// From the embedded SQLite to PostgreSQL: interrupted part-way and resumed, verified, then the
/// case goes on, served from PostgreSQL, as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_database_moves_to_postgres_resumably_and_the_case_goes_on() {
    let Some(cluster) = accord_store_postgres::testing::test_url() else {
        return;
    };
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = active_commercial(&mut t).await;
    let memo = pdf("Memorial on jurisdiction");
    let doc = file_document(&t, "harbour", &case, "plenary", &memo).await;
    for i in 0..30 {
        let (s, _) = t
            .post(
                "indah",
                &format!("/api/v1/cases/{case}/channels/plenary/messages"),
                json!({"body": format!("message {i}")}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let before = t.case("harbour", &case).await;
    let to = accord_store_postgres::testing::fresh_database(&cluster)
        .await
        .unwrap();
    // Another deployment's database is refused before anything is written.
    let other = accord_store_postgres::testing::fresh_database(&cluster)
        .await
        .unwrap();
    let mut other_cfg = t.cfg.clone();
    other_cfg.database_url = Some(other.clone());
    let other_store = accord::open_store(&other_cfg).await.unwrap();
    let other_clock: Arc<dyn accord_app::Clock> = t.clock.clone();
    accord::application(&other_cfg, other_store.clone(), other_clock)
        .unwrap()
        .bootstrap_user(accord_app::accounts::NewUser {
            username: "someone-else".into(),
            display_name: "Someone else".into(),
            role: "secretariat".into(),
            password: "someone-else-password!".into(),
        })
        .await
        .unwrap();
    let e = accord::migrate_db::migrate_db(&t.cfg, &other, false, None)
        .await
        .unwrap_err();
    assert!(e.contains("nothing was written"), "{e}");
    assert_eq!(other_store.list_users().await.unwrap().len(), 1);
    assert_eq!(other_store.verify_chains().await.unwrap().events, 0);
    // Refusals first: not a PostgreSQL URL; then a run stopped after two batches.
    let e = accord::migrate_db::migrate_db(&t.cfg, "mysql://x", false, None)
        .await
        .unwrap_err();
    assert!(e.contains("not a PostgreSQL URL"), "{e}");
    let e = accord::migrate_db::migrate_db(&t.cfg, &to, false, Some(2))
        .await
        .unwrap_err();
    assert!(e.contains("run again"), "{e}");
    let r = accord::migrate_db::migrate_db(&t.cfg, &to, false, None)
        .await
        .unwrap();
    let copied_before: i64 = r.tables.iter().map(|t| t.rows - t.copied_now).sum();
    assert!(copied_before > 0, "the second run continued the first");
    assert!(r.tables.iter().any(|t| t.table == "events" && t.rows > 0));
    assert!(r.cases >= 1 && r.log_size <= r.events as usize);
    // Run again: nothing left to copy, verified again.
    let again = accord::migrate_db::migrate_db(&t.cfg, &to, false, None)
        .await
        .unwrap();
    assert!(again.tables.iter().all(|t| t.copied_now == 0));
    assert_eq!(again.log_root, r.log_root);

    // Served from PostgreSQL: the same case, the same documents; the case goes on.
    let mut pg_cfg = t.cfg.clone();
    pg_cfg.database_url = Some(to.clone());
    pg_cfg.storage_url = Some(t.cfg.storage_url());
    let store = accord::open_store(&pg_cfg).await.unwrap();
    let clock: Arc<dyn accord_app::Clock> = t.clock.clone();
    let app = accord::application(&pg_cfg, store.clone(), clock).unwrap();
    let running = accord::start(app, accord::web_config(&pg_cfg), "127.0.0.1:0", false)
        .await
        .unwrap();
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    let view: Value = http
        .get(format!("{base}/api/v1/cases/{case}"))
        .bearer_auth(t.token("harbour"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view, before, "the session and the case carried over");
    let got = http
        .get(format!(
            "{base}/api/v1/cases/{case}/channels/plenary/documents/{doc}"
        ))
        .bearer_auth(t.token("indah"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.bytes().await.unwrap().to_vec(), memo);
    let r = http
        .post(format!(
            "{base}/api/v1/cases/{case}/actions/record-consultation"
        ))
        .bearer_auth(t.token("mediator"))
        .json(&json!({"summary": "Consulted after the move to PostgreSQL"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let chains = store.verify_chains().await.unwrap();
    assert!(chains.breaks.is_empty());
    let _ = running.shutdown.send(true);
}

/// The demo deployment, moved to PostgreSQL, holds every demo case and their chains.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_deployment_moves_to_postgres_whole() {
    let Some(cluster) = accord_store_postgres::testing::test_url() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = accord::config::Config {
        data: dir.path().join("data"),
        ..accord::config::Config::default()
    };
    accord::prepare_data_dir(&cfg).unwrap();
    let store = accord::open_store(&cfg).await.unwrap();
    let clock: Arc<dyn accord_app::Clock> = Arc::new(accord_app::SystemClock);
    let app = accord::application(&cfg, store.clone(), clock.clone()).unwrap();
    accord::demo::load(&app, &cfg.data).await.unwrap();
    let chains = store.verify_chains().await.unwrap();
    let (demo_cases, events) = (chains.cases as usize, chains.events);
    let to = accord_store_postgres::testing::fresh_database(&cluster)
        .await
        .unwrap();
    let r = accord::migrate_db::migrate_db(&cfg, &to, false, None)
        .await
        .unwrap();
    assert_eq!((r.cases, r.events), (demo_cases, events));
    assert!(demo_cases >= 5);
    let mut pg_cfg = cfg.clone();
    pg_cfg.database_url = Some(to);
    let pg = accord::open_store(&pg_cfg).await.unwrap();
    let pg_app = accord::application(&pg_cfg, pg.clone(), clock).unwrap();
    // The demo's accounts sign in on PostgreSQL with the passwords printed for SQLite.
    let logins = std::fs::read_to_string(cfg.data.join("demo-logins.txt")).unwrap();
    let (user, password) = logins
        .lines()
        .find_map(|l| {
            let mut f = l.split('\t');
            let u = f.next()?;
            (u == "harbour").then(|| (u.to_owned(), f.next().unwrap_or_default().to_owned()))
        })
        .unwrap();
    let session = pg_app
        .login(&accord_app::accounts::Credentials {
            username: user,
            password,
            totp: None,
            source: None,
        })
        .await;
    assert!(session.is_ok(), "{:?}", session.err());
}

/// What a crash leaves in the document storage is swept: old unreferenced objects and staging
/// files go; a filed document, and anything young (an upload in progress), stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_storage_sweep_removes_what_no_filing_refers_to() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = active_commercial(&mut t).await;
    let content = pdf("Filed memorial");
    let doc = file_document(&t, "harbour", &case, "plenary", &content).await;
    let root = t
        .cfg
        .data
        .join("objects")
        .join("cases")
        .join(&case)
        .join("documents");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
    let age = |p: &Path| {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(old)
            .unwrap();
    };
    for entry in std::fs::read_dir(&root).unwrap() {
        age(&entry.unwrap().path());
    }
    let orphan = root.join("cut-off-upload");
    std::fs::write(
        &orphan,
        b"ciphertext of an upload whose filing never committed",
    )
    .unwrap();
    age(&orphan);
    let staging = root.join("another-upload#1");
    std::fs::write(&staging, b"half of an upload").unwrap();
    age(&staging);
    let young = root.join("upload-in-progress-elsewhere");
    std::fs::write(&young, b"just written").unwrap();
    let swept = t.accord.sweep_storage(accord::SWEEP_GRACE).await.unwrap();
    assert_eq!((swept.objects, swept.staging), (1, 1), "{swept:?}");
    assert!(!orphan.exists() && !staging.exists());
    assert!(young.exists(), "too young to be an orphan");
    let got = t
        .http
        .get(format!(
            "{}/api/v1/cases/{case}/channels/plenary/documents/{doc}",
            t.base
        ))
        .bearer_auth(t.token("indah"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.bytes().await.unwrap().to_vec(),
        content,
        "the filed document stays"
    );
}

/// Uploads to one case at once, in different channels, all succeed: a lost race for the case's
/// version is decided again inside the server, never handed to the client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_uploads_to_one_case_all_succeed() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = active_commercial(&mut t).await;
    let mut uploads = vec![];
    for i in 0..16 {
        let (who, channel) = match i % 3 {
            0 => ("harbour", "plenary"),
            1 => ("harbour", "caucus:H"),
            _ => ("indah", "caucus:I"),
        };
        let url = format!(
            "{}/api/v1/cases/{case}/channels/{channel}/documents",
            t.base
        );
        let token = t.token(who);
        let http = t.http.clone();
        let content = pdf(&format!("exhibit {i}"));
        uploads.push(tokio::spawn(async move {
            let form = Form::new()
                .part(
                    "metadata",
                    Part::text(
                        json!({"title": format!("Exhibit {i}"), "language": "en"}).to_string(),
                    )
                    .mime_str("application/json")
                    .unwrap(),
                )
                .part(
                    "file",
                    Part::bytes(content)
                        .file_name("exhibit.pdf")
                        .mime_str("application/pdf")
                        .unwrap(),
                );
            let r = http
                .post(url)
                .bearer_auth(token)
                .multipart(form)
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap_or_default())
        }));
    }
    for u in uploads {
        let (status, body) = u.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let filed = t
        .store
        .events(&case)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.kind == "document-filed")
        .count();
    assert_eq!(filed, 16);
    assert_eq!(t.store.documents(&case).await.unwrap().len(), 16);
}
