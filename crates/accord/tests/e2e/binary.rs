//! The `accord` binary itself: defaults, data folder, health, clean shutdown, configuration
//! layers, account bootstrap and `verify-log`.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::harness::accord_binary;
use accord_app::SystemClock;
use serde_json::json;

fn accord(dir: &std::path::Path) -> Command {
    let mut c = accord_binary();
    c.current_dir(dir);
    c
}

#[test]
fn defaults_are_data_folder_and_loopback_8080_and_layers_override_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = accord(dir.path())
        .args(["config", "print"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(text.contains("data = \"./data\""), "{text}");
    assert!(text.contains("listen = \"127.0.0.1:8080\""), "{text}");
    assert!(
        text.contains("database_url = \"sqlite://./data/accord.sqlite3\""),
        "{text}"
    );
    // accord.toml < ACCORD_* < flags.
    std::fs::write(
        dir.path().join("accord.toml"),
        "listen = \"127.0.0.1:7001\"\nlog = \"debug\"\nscheduler_interval_secs = 5\n",
    )
    .unwrap();
    let p = |cmd: &mut Command| String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    let t = p(accord(dir.path()).args(["config", "print"]));
    assert!(
        t.contains("listen = \"127.0.0.1:7001\"") && t.contains("log = \"debug\""),
        "{t}"
    );
    let t = p(accord(dir.path())
        .args(["config", "print"])
        .env("ACCORD_LISTEN", "127.0.0.1:7002"));
    assert!(
        t.contains("listen = \"127.0.0.1:7002\"") && t.contains("scheduler_interval_secs = 5"),
        "{t}"
    );
    let t = p(accord(dir.path())
        .args(["config", "print", "--listen", "127.0.0.1:7003"])
        .env("ACCORD_LISTEN", "127.0.0.1:7002"));
    assert!(t.contains("listen = \"127.0.0.1:7003\""), "{t}");
    // Secrets are redacted.
    let t = p(accord(dir.path()).args([
        "config",
        "print",
        "--database-url",
        "postgres://accord:hunter2@db/accord",
    ]));
    assert!(
        t.contains("postgres://accord:***@db/accord") && !t.contains("hunter2"),
        "{t}"
    );
    // A bad file is a clear error.
    std::fs::write(
        dir.path().join("accord.toml"),
        "listen = 5\ncolour = \"red\"\n",
    )
    .unwrap();
    let out = accord(dir.path())
        .args(["config", "print"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("configuration error"));
}

#[test]
fn serve_creates_the_data_folder_answers_health_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("serve.log");
    let mut child = accord(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("server exited early").unwrap();
        if let Some(a) = line.strip_prefix("Accord is listening on http://") {
            break a.to_owned();
        }
    };
    // Without smtp_url the server says at start that e-mail is off (the inbox still works).
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(said.contains("e-mail is off"), "{said}");
    let data = dir.path().join("data");
    assert!(data.join("accord.sqlite3").is_file());
    assert!(data.join("objects").is_dir());
    let key = std::fs::metadata(data.join("master.key")).unwrap();
    assert_eq!(key.permissions().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::metadata(&data).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let body: serde_json::Value = rt
        .block_on(async {
            reqwest::get(format!("http://{addr}/healthz"))
                .await?
                .json()
                .await
        })
        .unwrap();
    assert_eq!(body, json!({"status": "ok", "storage": "sqlite"}));
    // SIGTERM: the server finishes and exits 0.
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l == "Accord stopped."), "{rest:?}");
    // A clean stop folds the write-ahead log into the database: none is left behind.
    let wal = data.join("accord.sqlite3-wal");
    assert!(
        !wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0,
        "the write-ahead log was left behind"
    );
    // A second start keeps the same key; a key others can read is refused.
    let before = std::fs::read(data.join("master.key")).unwrap();
    std::fs::set_permissions(
        data.join("master.key"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let out = accord(dir.path()).args(["migrate"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("chmod 600"));
    std::fs::set_permissions(
        data.join("master.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    let out = accord(dir.path()).args(["migrate"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(std::fs::read(data.join("master.key")).unwrap(), before);
}

#[test]
fn admin_create_user_reads_the_password_from_stdin_and_refuses_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let run = |pw: &str| {
        let mut c = accord(dir.path())
            .args([
                "admin",
                "create-user",
                "--username",
                "sg.admin",
                "--display-name",
                "SG",
                "--role",
                "secretariat",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(pw.as_bytes()).unwrap();
        c.wait_with_output().unwrap()
    };
    let out = run("short\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("weak-password"));
    let out = run("correct horse battery staple\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created user sg.admin (secretariat)"));
    let out = run("correct horse battery staple\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already-exists"));
}

#[test]
fn verify_log_names_the_first_bad_event_of_a_tampered_chain() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let case_id = data_with_a_case(&data, &rt, "harbour");
    let out = accord(dir.path()).args(["verify-log"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok: 1 case chains, 3 events verified"));
    // Flip one byte of event 2's payload directly in the database file.
    rt.block_on(async {
        let store = accord_store_sqlite::SqliteStore::open_file(&data.join("accord.sqlite3")).await.unwrap();
        sqlx::query("UPDATE events SET payload = replace(payload, 'request-filed', 'request-filee') WHERE position = 2")
            .execute(store.pool()).await.unwrap();
    });
    let out = accord(dir.path()).args(["verify-log"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("case {case_id} event at position 2 (")),
        "{err}"
    );
}

#[test]
fn negotiate_analyze_prints_the_contracted_json() {
    let root = std::env::var("ACCORD_NEGOTIATION_DOMAINS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/negotiation-domains")
        });
    if !root.is_dir() {
        println!(
            "SKIPPED negotiate_analyze_prints_the_contracted_json: {} is absent",
            root.display()
        );
        return;
    }
    let dir = root.join("other/CameraB");
    let tmp = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let out = accord(tmp.path())
            .args(["negotiate", "analyze"])
            .arg(&dir)
            .arg("--json")
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let v = run(&[]);
    for key in [
        "parties",
        "outcomes",
        "frontier",
        "nash",
        "kalai_smorodinsky",
        "egalitarian",
        "utilitarian",
        "semantics",
        "disagreement",
        "elapsed_ms",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["outcomes"], 3600);
    assert_eq!(v["semantics"], "genius");
    assert_eq!(v["frontier"].as_array().unwrap().len(), 16);
    assert_eq!(v["frontier"][0]["utilities"].as_array().unwrap().len(), 2);
    assert!(v["frontier"][0]["outcome"]["Maker"].is_string());
    let raw = run(&["--semantics", "raw", "--disagreement", "zero"]);
    assert_eq!(raw["frontier"].as_array().unwrap().len(), 12);
    assert_eq!(raw["disagreement"]["utilities"], json!([0.0, 0.0]));
    let out = accord(tmp.path())
        .args(["negotiate", "analyze", "/no/such/folder", "--json"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unreadable-folder"));
}

#[test]
fn negotiate_divide_splits_at_most_one_item_and_equalises() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("division.json");
    std::fs::write(
        &file,
        r#"{"parties":["A","B"],"items":["house","car","art"],"points":[[50,30,20],[40,20,40]]}"#,
    )
    .unwrap();
    let out = accord(tmp.path())
        .args(["negotiate", "divide"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["totals"]["A"]["exact"], v["totals"]["B"]["exact"]);
    assert_eq!(v["allocation"][0]["shares"]["A"]["exact"], "5/9");
    std::fs::write(
        &file,
        r#"{"parties":["A","B"],"items":["x"],"points":[[1],[-2]]}"#,
    )
    .unwrap();
    let out = accord(tmp.path())
        .args(["negotiate", "divide"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("negative-points"));
}

#[test]
fn negotiate_divide_among_three_uses_maximum_nash_welfare() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("three.json");
    std::fs::write(&file, r#"{"parties":["A","B","C"],"items":["w","x","y","z"],"points":[[10,20,30,40],[40,30,20,10],[25,25,25,25]]}"#).unwrap();
    let out = accord(tmp.path())
        .args(["negotiate", "divide"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["method"], "max-nash-welfare");
    assert_eq!(v["ef1"], true);
    // The best product is 40·40·50 = 80,000 (z to A, w to B, x and y to C).
    assert_eq!(v["values"], json!({"A": "40", "B": "40", "C": "50"}));
    assert_eq!(v["welfare"]["exact"], true);
    assert_eq!(v["welfare"]["ratio"], 1.0);
}

#[test]
fn negotiate_divide_five_parties_twenty_items_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("five.json");
    // Seeded pseudo-random points, 1 to 100.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let points: Vec<Vec<u64>> = (0..5)
        .map(|_| {
            (0..20)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x % 100 + 1
                })
                .collect()
        })
        .collect();
    let items: Vec<String> = (0..20).map(|k| format!("item-{k}")).collect();
    let input = json!({"parties": ["A", "B", "C", "D", "E"], "items": items, "points": points});
    std::fs::write(&file, input.to_string()).unwrap();
    let out = accord(tmp.path())
        .args(["negotiate", "divide"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["method"], "max-nash-welfare");
    assert_eq!(v["welfare"]["exact"], true);
    assert_eq!(v["ef1"], true);
    // The reported values are each party's points of its items.
    let alloc = v["allocation"].as_array().unwrap();
    for (p, name) in ["A", "B", "C", "D", "E"].iter().enumerate() {
        let sum: u64 = alloc
            .iter()
            .enumerate()
            .filter(|(_, a)| a["party"] == *name)
            .map(|(k, _)| points[p][k])
            .sum();
        assert_eq!(v["values"][*name], json!(sum.to_string()));
    }
}

#[test]
fn serve_demo_loads_cases_of_all_three_dispute_types_and_prints_logins() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = accord(dir.path())
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = vec![];
    let addr = loop {
        let line = lines.next().expect("server exited early").unwrap();
        if let Some(a) = line.strip_prefix("Accord is listening on http://") {
            break a.to_owned();
        }
        printed.push(line);
    };
    let logins = std::fs::read_to_string(dir.path().join("data/demo-logins.txt")).unwrap();
    assert_eq!(logins.lines().count(), 13);
    let harbour_pw = logins
        .lines()
        .find(|l| l.starts_with("harbour\t"))
        .unwrap()
        .split('\t')
        .nth(1)
        .unwrap()
        .to_owned();
    assert!(
        printed.iter().any(|l| l.contains(&harbour_pw)),
        "the logins are printed"
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let cases: serde_json::Value = rt.block_on(async {
        let http = reqwest::Client::new();
        let s: serde_json::Value = http
            .post(format!("http://{addr}/api/v1/sessions"))
            .json(&json!({"username": "harbour", "password": harbour_pw}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        http.get(format!("http://{addr}/api/v1/cases"))
            .bearer_auth(s["token"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    let states: Vec<&str> = cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["state"].as_str().unwrap())
        .collect();
    assert!(
        states.contains(&"ACTIVE") && states.contains(&"AWAITING_CONSENT"),
        "{states:?}"
    );
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    // All three dispute types exist, at different stages, and every chain verifies.
    let out = accord(dir.path()).args(["verify-log"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok: 5 case chains"));
    let rows = rt.block_on(async {
        let store =
            accord_store_sqlite::SqliteStore::open_file(&dir.path().join("data/accord.sqlite3"))
                .await
                .unwrap();
        sqlx::query_as::<_, (String, String)>("SELECT dispute_type, state FROM cases")
            .fetch_all(store.pool())
            .await
            .unwrap()
    });
    let types: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let stages: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(types.len(), 3, "{rows:?}");
    assert!(stages.len() >= 4, "{rows:?}");
}

/// Builds a data directory with one case of three events, through the application.
fn data_with_a_case(data: &std::path::Path, rt: &tokio::runtime::Runtime, user: &str) -> String {
    rt.block_on(async {
        let cfg = accord::config::Config {
            data: data.to_path_buf(),
            ..Default::default()
        };
        accord::prepare_data_dir(&cfg).unwrap();
        let store = accord::open_store(&cfg).await.unwrap();
        let app = accord::application(&cfg, store.clone(), Arc::new(SystemClock)).unwrap();
        let u = app
            .bootstrap_user(accord_app::accounts::NewUser {
                username: user.into(),
                display_name: "H".into(),
                role: "party-user".into(),
                password: "harbour-password!".into(),
            })
            .await
            .unwrap();
        let actor = accord_domain::Actor::User {
            id: u.id.clone(),
            role: accord_domain::GlobalRole::PartyUser,
        };
        let req: accord_domain::command::FileRequest = serde_json::from_value(
            crate::harness::commercial(&u.id, "someone", true, "iomed-default"),
        )
        .unwrap();
        let v = app.file_request(&actor, &req).await.unwrap();
        for cmd in [
            accord_domain::Command::SubmitRequest {},
            accord_domain::Command::WithdrawRequest {},
        ] {
            app.act(&actor, &v.case.id, &cmd, None).await.unwrap();
        }
        v.case.id
    })
}

#[test]
fn log_checkpoint_then_verify_detects_rewritten_and_truncated_history() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let case_id = data_with_a_case(&data, &rt, "harbour");
    let out = accord(dir.path())
        .args(["log", "checkpoint"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let note = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = note.lines().collect();
    assert!(lines[0].starts_with("accord-log/"), "{note}");
    assert_eq!(lines[1], "3", "three events: {note}");
    assert!(
        lines[4].starts_with("\u{2014} accord-institution "),
        "{note}"
    );
    let cp_file = dir.path().join("checkpoint.txt");
    std::fs::write(&cp_file, &note).unwrap();
    // An inclusion proof from the command line, checked by it (the event named by its id).
    let second: String = rt.block_on(async {
        let store = accord_store_sqlite::SqliteStore::open_file(&data.join("accord.sqlite3"))
            .await
            .unwrap();
        sqlx::query_scalar("SELECT event_id FROM events WHERE case_id = $1 AND position = 2")
            .bind(&case_id)
            .fetch_one(store.pool())
            .await
            .unwrap()
    });
    let out = accord(dir.path())
        .args(["log", "inclusion", &case_id, &second])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["leaf_index"], 1);
    // More history: the log still extends the checkpoint.
    data_with_a_case(&data, &rt, "harbour2");
    let verify = || {
        accord(dir.path())
            .args(["log", "verify"])
            .arg(&cp_file)
            .output()
            .unwrap()
    };
    let out = verify();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("log of 6 entries extends the checkpoint of 3")
    );
    // A forged checkpoint (another size, same signature) is refused.
    let forged = dir.path().join("forged.txt");
    std::fs::write(&forged, note.replacen("\n3\n", "\n2\n", 1)).unwrap();
    let out = accord(dir.path())
        .args(["log", "verify"])
        .arg(&forged)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("signature"));
    // Someone with write access rewrites an early entry (as if the event and its chain had been
    // recomputed): the checkpoint a party holds exposes it.
    let sqlite = || async {
        accord_store_sqlite::SqliteStore::open_file(&data.join("accord.sqlite3"))
            .await
            .unwrap()
    };
    rt.block_on(async {
        let store = sqlite().await;
        sqlx::query("UPDATE log_entries SET event_hash = $1 WHERE idx = 1")
            .bind("ab".repeat(32))
            .execute(store.pool())
            .await
            .unwrap();
    });
    let out = verify();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("HISTORY REWRITTEN"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Truncation is exposed too.
    rt.block_on(async {
        let store = sqlite().await;
        sqlx::query("DELETE FROM log_entries WHERE idx >= 1")
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::query("DELETE FROM events")
            .execute(store.pool())
            .await
            .unwrap();
    });
    let out = verify();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("entries were removed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Logs off a terminal are JSON lines, one per request with its id, route and status and no
/// colour codes; the metrics have an address of their own when asked.
#[test]
fn logs_are_json_lines_with_request_ids_and_metrics_have_their_own_address() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = accord(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("ACCORD_METRICS_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut addr = None;
    let mut metrics = None;
    while addr.is_none() || metrics.is_none() {
        let line = lines.next().expect("server exited early").unwrap();
        if let Some(a) = line.strip_prefix("Accord is listening on http://") {
            addr = Some(a.to_owned());
        }
        if let Some(m) = line.strip_prefix("Metrics on http://") {
            metrics = Some(m.to_owned());
        }
    }
    let (addr, metrics) = (addr.unwrap(), metrics.unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let scraped = rt.block_on(async {
        let http = reqwest::Client::new();
        let r = http
            .get(format!("http://{addr}/readyz"))
            .header("x-request-id", "trial-7")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::OK);
        let r = http.get(format!("http://{metrics}")).send().await.unwrap();
        assert!(
            r.headers().contains_key("x-request-id"),
            "the metrics address too"
        );
        r.text().await.unwrap()
    });
    assert!(
        scraped.contains(
            "accord_http_requests_total{route=\"/readyz\",method=\"GET\",status=\"200\"} 1"
        ),
        "{scraped}"
    );
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains('\u{1b}'), "no colour codes off a terminal");
    let entries: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let request = entries
        .iter()
        .find(|e| e["message"] == "request" && e["span"]["request_id"] == "trial-7")
        .unwrap_or_else(|| panic!("no request line: {stderr}"));
    assert_eq!(request["route"], "/readyz");
    assert_eq!(request["status"], 200);
    assert_eq!(request["level"], "INFO");
}
