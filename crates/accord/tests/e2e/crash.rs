//! Crash test: the real binary is killed with SIGKILL at random moments while a client files
//! requests (case appends), posts messages and uploads documents at once, and is started again
//! each time. After every restart every write that had been acknowledged is there (the
//! documents downloadable with their content), every document listed has its `document-filed`
//! event in the case log and every such event its document, no stored object is left that no
//! filing refers to and no unfinished upload remains, and `verify-log` passes. On SQLite and on
//! PostgreSQL. Prints `FIGURE crash kills=N acknowledged=M lost=0`.
//!
//! `scripts/test` kills each backend's server `ACCORD_CRASH_KILLS` times (8 by default);
//! `bench/crash` runs it 100 times.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::harness::accord_binary;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn kills() -> usize {
    std::env::var("ACCORD_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8)
}

/// A running `accord serve`.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
}

fn serve(dir: &Path, database_url: Option<&str>, demo: bool) -> Server {
    serve_with(dir, database_url, demo, &[])
}

/// `accord serve` in `dir`, with these `ACCORD_*` settings beside the test's.
pub(crate) fn serve_with(
    dir: &Path,
    database_url: Option<&str>,
    demo: bool,
    env: &[(&str, &str)],
) -> Server {
    let mut c = accord_binary();
    c.current_dir(dir);
    for (k, v) in env {
        c.env(k, v);
    }
    // One instance: what a crash left is swept at once, whatever its age.
    c.env("ACCORD_STORAGE_SWEEP_GRACE_SECS", "0");
    c.args(["serve", "--listen", "127.0.0.1:0"]);
    if demo {
        c.arg("--demo");
    }
    if let Some(url) = database_url {
        c.args(["--database-url", url]);
    }
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the server exited early").unwrap();
        if let Some(a) = line.strip_prefix("Accord is listening on http://") {
            break a.to_owned();
        }
    };
    // Keep reading its output so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
    Server {
        child,
        base: format!("http://{addr}"),
    }
}

impl Server {
    pub(crate) fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// What the server acknowledged: message ids, document ids with their content's SHA-256, and
/// the ids of the cases filed.
#[derive(Default, Clone)]
struct Acknowledged {
    messages: BTreeSet<String>,
    documents: BTreeMap<String, String>,
    cases: BTreeSet<String>,
}

impl Acknowledged {
    fn count(&self) -> usize {
        self.messages.len() + self.documents.len() + self.cases.len()
    }

    /// What is here and not in `earlier`.
    fn since(&self, earlier: &Acknowledged) -> Acknowledged {
        Acknowledged {
            messages: self
                .messages
                .difference(&earlier.messages)
                .cloned()
                .collect(),
            documents: self
                .documents
                .iter()
                .filter(|(id, _)| !earlier.documents.contains_key(*id))
                .map(|(id, sha)| (id.clone(), sha.clone()))
                .collect(),
            cases: self.cases.difference(&earlier.cases).cloned().collect(),
        }
    }
}

/// A small deterministic generator (xorshift), seeded per backend.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

async fn sign_in(http: &reqwest::Client, base: &str, data: &Path) -> String {
    sign_in_as(http, base, data, "harbour").await
}

/// Signs a demo user in (its password from `demo-logins.txt`); returns the bearer token.
pub(crate) async fn sign_in_as(
    http: &reqwest::Client,
    base: &str,
    data: &Path,
    who: &str,
) -> String {
    let logins = std::fs::read_to_string(data.join("demo-logins.txt")).unwrap();
    let password = logins
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{who}\t")))
        .and_then(|rest| rest.split('\t').next())
        .unwrap()
        .to_owned();
    let s: Value = http
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"username": who, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    s["token"].as_str().unwrap().to_owned()
}

/// Every item of a paged list, following `Accord-Next-Cursor`.
pub(crate) async fn all_pages(http: &reqwest::Client, token: &str, url: &str) -> Vec<Value> {
    let mut out = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let u = match &cursor {
            Some(c) => format!("{url}?limit=500&cursor={c}"),
            None => format!("{url}?limit=500"),
        };
        let r = http.get(&u).bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{u}");
        let next = r
            .headers()
            .get("accord-next-cursor")
            .map(|v| v.to_str().unwrap().to_owned());
        let page: Vec<Value> = r.json().await.unwrap();
        out.extend(page);
        match next {
            Some(c) => cursor = Some(c),
            None => return out,
        }
    }
}

/// Drives writes until the server stops answering; records what it acknowledged.
async fn load(
    base: String,
    token: String,
    case: String,
    me: String,
    round: usize,
    acked: Arc<Mutex<Acknowledged>>,
) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut tasks = vec![];
    for worker in 0..6 {
        let (http, base, token, case, me, acked) = (
            http.clone(),
            base.clone(),
            token.clone(),
            case.clone(),
            me.clone(),
            acked.clone(),
        );
        tasks.push(tokio::spawn(async move {
            for i in 0.. {
                let tag = format!("crash-{round}-{worker}-{i}");
                let sent = match worker % 3 {
                    0 => {
                        http.post(format!(
                            "{base}/api/v1/cases/{case}/channels/plenary/messages"
                        ))
                        .bearer_auth(&token)
                        .json(&json!({"body": tag}))
                        .send()
                        .await
                    }
                    1 => {
                        let content = format!(
                            "%PDF-1.7\n% {tag}\n{}\n%%EOF\n",
                            "x".repeat(3000 + i % 5000)
                        );
                        let r = http
                            .post(format!(
                                "{base}/api/v1/cases/{case}/channels/plenary/documents"
                            ))
                            .bearer_auth(&token)
                            .header("accord-filing", format!("title={tag}"))
                            .header("content-type", "application/pdf")
                            .body(content.clone())
                            .send()
                            .await;
                        if let Ok(r) = r {
                            if r.status() == StatusCode::CREATED {
                                let v: Value = match r.json().await {
                                    Ok(v) => v,
                                    Err(_) => return,
                                };
                                let sha = hex::encode(Sha256::digest(content.as_bytes()));
                                acked
                                    .lock()
                                    .unwrap()
                                    .documents
                                    .insert(v["id"].as_str().unwrap().to_owned(), sha);
                                continue;
                            }
                            panic!(
                                "upload refused: {} {}",
                                r.status(),
                                r.text().await.unwrap_or_default()
                            );
                        }
                        return;
                    }
                    _ => {
                        let mut filing = accord_domain::testing::commercial_filing();
                        filing["title"] = json!(tag);
                        filing["parties"][0]["representatives"][0]["user_id"] = json!(me);
                        http.post(format!("{base}/api/v1/cases"))
                            .bearer_auth(&token)
                            .json(&filing)
                            .send()
                            .await
                    }
                };
                let Ok(r) = sent else { return };
                let status = r.status();
                let Ok(v) = r.json::<Value>().await else {
                    return;
                };
                assert_eq!(status, StatusCode::CREATED, "{v}");
                let mut a = acked.lock().unwrap();
                if worker % 3 == 0 {
                    a.messages.insert(v["id"].as_str().unwrap().to_owned());
                } else {
                    a.cases.insert(v["id"].as_str().unwrap().to_owned());
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
}

/// Checks the deployment after a restart; returns how many acknowledged writes were lost.
/// Every acknowledged write is looked for in the lists; those in `fresh` (acknowledged since the
/// last check, or all of them at the end) are also fetched one by one: each document downloaded
/// and hashed, each case read. (Fetching everything each round would make a run of 100 kills
/// quadratic; what an earlier round fetched whole is still listed, with the same id.)
async fn check(
    base: &str,
    data: &Path,
    case: &str,
    acked: &Acknowledged,
    fresh: &Acknowledged,
    database_url: Option<&str>,
) -> usize {
    let http = reqwest::Client::new();
    let token = sign_in(&http, base, data).await;
    let mut lost = 0;
    let messages = all_pages(
        &http,
        &token,
        &format!("{base}/api/v1/cases/{case}/channels/plenary/messages"),
    )
    .await;
    let present: BTreeSet<String> = messages
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    lost += acked.messages.difference(&present).count();

    let documents = all_pages(
        &http,
        &token,
        &format!("{base}/api/v1/cases/{case}/channels/plenary/documents"),
    )
    .await;
    let listed: BTreeSet<String> = documents
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    lost += acked
        .documents
        .keys()
        .filter(|id| !listed.contains(*id))
        .count();
    for (id, sha) in &fresh.documents {
        if !listed.contains(id) {
            continue;
        }
        let r = http
            .get(format!(
                "{base}/api/v1/cases/{case}/channels/plenary/documents/{id}"
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "acknowledged document {id} downloads"
        );
        let body = r.bytes().await.unwrap();
        assert_eq!(
            &hex::encode(Sha256::digest(&body)),
            sha,
            "document {id} whole"
        );
    }
    // The case log records exactly the documents listed.
    let events = all_pages(&http, &token, &format!("{base}/api/v1/cases/{case}/events")).await;
    let filed: BTreeSet<String> = events
        .iter()
        .filter(|e| e["kind"] == "document-filed" && e["payload"]["channel"] == "plenary")
        .map(|e| {
            e["payload"]["document_id"]
                .as_str()
                .unwrap_or_else(|| panic!("a document-filed event names its document: {e}"))
                .to_owned()
        })
        .collect();
    assert_eq!(
        filed, listed,
        "documents listed = documents the case log files"
    );

    // Cases filed by the client: in its own list; the fresh ones each read.
    let mine: BTreeSet<String> = all_pages(&http, &token, &format!("{base}/api/v1/cases"))
        .await
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    lost += acked.cases.difference(&mine).count();
    for c in &fresh.cases {
        let r = http
            .get(format!("{base}/api/v1/cases/{c}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        if r.status() != StatusCode::OK {
            lost += 1;
        }
    }

    // No stored object without a filing, no unfinished upload.
    let cfg = accord::config::Config {
        data: data.to_path_buf(),
        database_url: database_url.map(str::to_owned),
        ..Default::default()
    };
    let store = accord::open_store(&cfg).await.unwrap();
    let keys: BTreeSet<String> = store
        .all_documents()
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.object_key)
        .collect();
    let objects = data.join("objects");
    let mut stored = BTreeSet::new();
    let mut stack: Vec<PathBuf> = vec![objects.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(&objects)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                stored.insert(rel);
            }
        }
    }
    let stray: Vec<&String> = stored.iter().filter(|o| !keys.contains(*o)).collect();
    assert!(
        stray.is_empty(),
        "objects no filing refers to, or unfinished uploads: {stray:?}"
    );
    let missing: Vec<&String> = keys.iter().filter(|k| !stored.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "filings without their object: {missing:?}"
    );
    // The server keeps the database open; this reader only lets go of it.
    let _ = store.close().await;
    lost
}

fn verify_log(dir: &Path, database_url: Option<&str>) {
    let mut c = accord_binary();
    c.current_dir(dir).arg("verify-log");
    if let Some(url) = database_url {
        c.args(["--database-url", url]);
    }
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "verify-log: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn crash_run(backend: &str, database_url: Option<String>, seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let url = database_url.as_deref();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut server = serve(dir.path(), url, true);
    let http = reqwest::Client::new();
    let (token, me, case) = rt.block_on(async {
        let token = sign_in(&http, &server.base, &data).await;
        let me: Value = http
            .get(format!("{}/api/v1/me", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let cases: Vec<Value> = http
            .get(format!("{}/api/v1/cases", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let case = cases
            .iter()
            .find(|c| c["state"] == "ACTIVE")
            .expect("the demo's harbour has an active case")["id"]
            .as_str()
            .unwrap()
            .to_owned();
        (token, me["id"].as_str().unwrap().to_owned(), case)
    });
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let mut rng = Rng(seed);
    let n = kills();
    let started = Instant::now();
    let mut checked = Acknowledged::default();
    for round in 0..n {
        let pause = Duration::from_millis(80 + rng.next() % 600);
        let load = rt.spawn(load(
            server.base.clone(),
            token.clone(),
            case.clone(),
            me.clone(),
            round,
            acked.clone(),
        ));
        std::thread::sleep(pause);
        server.kill();
        rt.block_on(async {
            let _ = tokio::time::timeout(Duration::from_secs(30), load).await;
        });
        server = serve(dir.path(), url, false);
        let so_far = acked.lock().unwrap().clone();
        let fresh = if round + 1 == n {
            so_far.clone()
        } else {
            so_far.since(&checked)
        };
        let lost = rt.block_on(check(&server.base, &data, &case, &so_far, &fresh, url));
        checked = so_far;
        assert_eq!(lost, 0, "round {round}: acknowledged writes lost");
        verify_log(dir.path(), url);
    }
    let total = acked.lock().unwrap().count();
    assert!(
        total > n,
        "the client got writes through between kills ({total})"
    );
    println!(
        "FIGURE crash kills={n} acknowledged={total} lost=0 backend={backend} ({:.0} s)",
        started.elapsed().as_secs_f64()
    );
    server.kill();
}

#[test]
fn acknowledged_writes_survive_sigkill_on_sqlite() {
    crash_run("sqlite", None, 0x5EED_0001);
}

#[test]
fn acknowledged_writes_survive_sigkill_on_postgres() {
    let Some(cluster) = accord_store_postgres::testing::test_url() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = rt
        .block_on(accord_store_postgres::testing::fresh_database(&cluster))
        .unwrap();
    drop(rt);
    crash_run("postgres", Some(url), 0x5EED_0002);
}
