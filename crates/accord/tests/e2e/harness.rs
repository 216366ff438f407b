//! The test server and an HTTP client speaking to it as named users.

use std::collections::HashMap;
use std::sync::Arc;

use accord::config::Config;
use accord_app::accounts::NewUser;
use accord_app::{Accord, ManualClock, Store};
use accord_domain::party::CountryCode;
use accord_domain::testing::{By, CaseBuilder, Milestone};
use jiff::Timestamp;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The `accord` binary, ready to be given arguments, with none of the `ACCORD_*` settings of
/// the environment the tests run in (so only what a test sets reaches it).
pub fn accord_binary() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_accord"));
    for (k, _) in std::env::vars() {
        if k.starts_with("ACCORD_") {
            c.env_remove(k);
        }
    }
    c
}

/// A real SMTP server on loopback (aiosmtpd, `tests/smtp/sink.py`) with a mailbox of its own:
/// each accepted message is a JSON file, decoded by Python's e-mail parser.
pub struct SmtpSink {
    /// `smtp://127.0.0.1:<port>`.
    pub url: String,
    /// The port it listens on.
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<std::process::Child>,
    /// How many messages [`SmtpSink::take_new`] has handed out.
    taken: std::sync::Mutex<usize>,
}

impl SmtpSink {
    /// Starts one; `None` when no Python with aiosmtpd is configured (`ACCORD_TEST_SMTP_PYTHON`,
    /// set by scripts/test; with `ACCORD_REQUIRE_SMTP` its absence fails the test).
    pub fn start() -> Option<SmtpSink> {
        let Ok(python) = std::env::var("ACCORD_TEST_SMTP_PYTHON") else {
            assert!(
                std::env::var("ACCORD_REQUIRE_SMTP").is_err(),
                "ACCORD_REQUIRE_SMTP is set but ACCORD_TEST_SMTP_PYTHON is not"
            );
            eprintln!("skipped: no SMTP test server (run scripts/test)");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut sink = SmtpSink {
            url: format!("smtp://127.0.0.1:{port}"),
            port,
            dir,
            child: None,
            taken: std::sync::Mutex::new(0),
        };
        sink.spawn(&python);
        Some(sink)
    }

    fn spawn(&mut self, python: &str) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/smtp/sink.py");
        let child = std::process::Command::new(python)
            .arg(script)
            .arg(self.port.to_string())
            .arg(self.dir.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("the SMTP test server starts");
        self.child = Some(child);
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the SMTP test server did not listen on {}", self.port);
    }

    /// The messages received since the last call (each message once).
    pub fn take_new(&self) -> Vec<Value> {
        let names = self.names();
        let mut taken = self.taken.lock().unwrap();
        let new = names[(*taken).min(names.len())..]
            .iter()
            .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
            .collect();
        *taken = names.len();
        new
    }

    fn names(&self) -> Vec<std::path::PathBuf> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names
    }

    /// Every message received so far, in the order received.
    pub fn messages(&self) -> Vec<Value> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
            .collect()
    }

    /// Reads an iCalendar text with Python's `icalendar` (tests/smtp/ics_read.py): the method
    /// and each event's UID, SEQUENCE, status, summary, start and end in UTC.
    pub fn read_ics(&self, text: &str) -> Value {
        let python = std::env::var("ACCORD_TEST_SMTP_PYTHON").unwrap();
        let file = self
            .dir
            .path()
            .join(format!("read-{}.ics", fresh_idempotency_key()));
        std::fs::write(&file, text).unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/smtp/ics_read.py");
        let out = std::process::Command::new(python)
            .arg(script)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "icalendar refused it: {}\n{text}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// The messages sent to `address`.
    pub fn to(&self, address: &str) -> Vec<Value> {
        self.messages()
            .into_iter()
            .filter(|m| {
                m["rcpt_tos"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|x| x == address))
            })
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Which storage backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    /// PostgreSQL reached by `accord migrate-db` from an embedded deployment with a history of
    /// its own (an account and a filed request).
    Migrated,
}

/// A running server with its manual clock.
pub struct TestServer {
    pub base: String,
    pub clock: Arc<ManualClock>,
    pub accord: Accord,
    pub store: Arc<dyn Store>,
    pub http: reqwest::Client,
    tokens: std::sync::Mutex<HashMap<String, String>>,
    totp: std::sync::Mutex<HashMap<String, String>>,
    /// The last TOTP step each user spent (the server accepts a step once only).
    totp_steps: std::sync::Mutex<HashMap<String, u64>>,
    ids: HashMap<String, String>,
    shutdown: tokio::sync::watch::Sender<bool>,
    /// The deployment's configuration.
    pub cfg: Config,
    /// Send a fresh `Idempotency-Key` with every write (the raw-file canary scan turns it on, so
    /// that what the key layer stores is scanned too).
    pub idempotency_keys: std::sync::atomic::AtomicBool,
    _dir: tempfile::TempDir,
}

/// A key never sent before by this test process.
pub fn fresh_idempotency_key() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    format!(
        "test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// The instant every test starts at: 2026-01-05T09:00:00Z.
pub fn t0() -> Timestamp {
    "2026-01-05T09:00:00Z".parse().unwrap()
}

impl TestServer {
    /// Starts a server; `None` when the backend is PostgreSQL and no test cluster is configured.
    pub async fn start(backend: Backend) -> Option<TestServer> {
        TestServer::start_with(backend, false).await
    }

    /// Starts a rehearsal server (as `serve --test-clock`): its clock runs ahead of the manual
    /// clock by what the operator moves it through the API.
    pub async fn start_rehearsal(backend: Backend) -> Option<TestServer> {
        TestServer::start_with(backend, true).await
    }

    /// Starts a server whose documents go to `storage_url` (its data folder's files when
    /// `None`).
    pub async fn start_with_storage(
        backend: Backend,
        storage_url: Option<String>,
    ) -> Option<TestServer> {
        TestServer::start_full(backend, false, storage_url).await
    }

    async fn start_with(backend: Backend, rehearsal: bool) -> Option<TestServer> {
        TestServer::start_full(backend, rehearsal, None).await
    }

    /// Starts a server that e-mails through `smtp` (a [`SmtpSink`]).
    pub async fn start_with_mail(backend: Backend, smtp: &SmtpSink) -> Option<TestServer> {
        TestServer::start_configured(backend, false, None, Some(smtp.url.clone())).await
    }

    async fn start_full(
        backend: Backend,
        rehearsal: bool,
        storage_url: Option<String>,
    ) -> Option<TestServer> {
        TestServer::start_configured(backend, rehearsal, storage_url, None).await
    }

    async fn start_configured(
        backend: Backend,
        rehearsal: bool,
        storage_url: Option<String>,
        smtp_url: Option<String>,
    ) -> Option<TestServer> {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = Config {
            data: dir.path().join("data"),
            storage_url,
            smtp_url,
            mail_from: "IOMed Secretariat <notices@iomed.test>".into(),
            video_link_template: Some("https://meet.jit.si/{room}".into()),
            public_url: Some("https://accord.iomed.test".into()),
            ..Config::default()
        };
        if backend == Backend::Postgres {
            let cluster = accord_store_postgres::testing::test_url()?;
            cfg.database_url = Some(
                accord_store_postgres::testing::fresh_database(&cluster)
                    .await
                    .unwrap(),
            );
        }
        if backend == Backend::Migrated {
            let cluster = accord_store_postgres::testing::test_url()?;
            let target = accord_store_postgres::testing::fresh_database(&cluster)
                .await
                .unwrap();
            embedded_history(&cfg).await;
            accord::migrate_db::migrate_db(&cfg, &target, false, None)
                .await
                .unwrap();
            cfg.database_url = Some(target);
        }
        accord::prepare_data_dir(&cfg).unwrap();
        let store = accord::open_store(&cfg).await.unwrap();
        let clock = Arc::new(ManualClock::new(t0()));
        let app_clock: Arc<dyn accord_app::Clock> = if rehearsal {
            Arc::new(accord_app::RehearsalClock::over(clock.clone()))
        } else {
            clock.clone()
        };
        let accord = accord::application(&cfg, store.clone(), app_clock).unwrap();
        let running = accord::start(
            accord.clone(),
            accord::web_config(&cfg),
            "127.0.0.1:0",
            false,
        )
        .await
        .unwrap();
        Some(TestServer {
            base: format!("http://{}", running.addr),
            clock,
            accord,
            store,
            http: reqwest::Client::new(),
            tokens: std::sync::Mutex::new(HashMap::new()),
            totp: std::sync::Mutex::new(HashMap::new()),
            totp_steps: std::sync::Mutex::new(HashMap::new()),
            ids: HashMap::new(),
            shutdown: running.shutdown,
            cfg: cfg.clone(),
            idempotency_keys: std::sync::atomic::AtomicBool::new(false),
            _dir: dir,
        })
    }

    /// Sets a user's language and time zone as the account page does.
    pub async fn speaks(&self, who: &str, language: &str, zone: &str) {
        let p = self.accord.authenticate(&self.token(who)).await.unwrap();
        self.accord
            .set_preferences(&p, Some(language), Some(zone))
            .await
            .unwrap();
    }

    /// Gives a user an e-mail address and a mode (`immediate`, `digest`, `off`).
    pub async fn mail_to(&self, who: &str, email: &str, mode: &str) {
        let (s, v) = self
            .post(
                who,
                "/api/v1/notification-preferences",
                json!({"email": email, "mode": mode}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["email"], email);
    }

    /// One notifier pass and one mail pass, as the server's loop runs them.
    pub async fn notify(&self) {
        self.accord.run_notifier().await.unwrap();
        self.accord.deliver_mail().await.unwrap();
    }

    /// Creates a user (password = name + "-password!") and signs them in over HTTP.
    pub async fn user(&mut self, name: &str, role: &str) -> String {
        let password = format!("{name}-password!");
        let u = self
            .accord
            .bootstrap_user(NewUser {
                username: name.into(),
                display_name: format!("{name} (test)"),
                role: role.into(),
                password: password.clone(),
            })
            .await
            .unwrap();
        self.login(name).await;
        self.ids.insert(name.into(), u.id.clone());
        u.id
    }

    /// A fresh TOTP code of a user who enrolled: of the test clock's step, or of a later one
    /// when that step was spent already (a code is accepted once only). The next step is within
    /// the server's allowance of one step; beyond it, the test clock moves on 30 seconds.
    pub fn totp_code(&self, name: &str) -> Option<String> {
        let secret = self.totp.lock().unwrap().get(name).cloned()?;
        let totp = totp_rs::Builder::new()
            .with_secret(totp_rs::Secret::try_from_base32(&secret).unwrap())
            .build()
            .unwrap();
        let mut steps = self.totp_steps.lock().unwrap();
        let now_step = || self.accord.clock().now().as_second() as u64 / 30;
        let step = match steps.get(name) {
            Some(last) => {
                while *last > now_step() {
                    self.clock.advance(jiff::SignedDuration::from_secs(30));
                }
                (*last + 1).max(now_step())
            }
            None => now_step(),
        };
        steps.insert(name.to_owned(), step);
        Some(totp.generate(step * 30).to_string())
    }

    /// Signs a test user in (again) over HTTP, enrolling a second factor when the role needs one.
    pub async fn login(&self, name: &str) {
        let password = format!("{name}-password!");
        let (status, body) = self
            .send_once(
                reqwest::Method::POST,
                None,
                "/api/v1/sessions",
                Some(json!({"username": name, "password": password, "totp": self.totp_code(name)})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let token = body["token"].as_str().unwrap().to_owned();
        self.tokens.lock().unwrap().insert(name.into(), token);
        if body["second_factor_enrolment_required"] == true {
            let (s, e) = self
                .send_once(
                    reqwest::Method::POST,
                    Some(name),
                    "/api/v1/me/totp",
                    Some(json!({})),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{e}");
            self.totp
                .lock()
                .unwrap()
                .insert(name.into(), e["secret"].as_str().unwrap().to_owned());
            let code = self.totp_code(name);
            let (s, e) = self
                .send_once(
                    reqwest::Method::POST,
                    Some(name),
                    "/api/v1/me/totp/confirm",
                    Some(json!({"code": code})),
                )
                .await;
            assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
        }
    }

    /// The data folder (SQLite database, storage, keys).
    pub fn data_dir(&self) -> std::path::PathBuf {
        self._dir.path().join("data")
    }

    /// A signed-in user's current session token.
    pub fn token(&self, name: &str) -> String {
        self.tokens
            .lock()
            .unwrap()
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} not signed in"))
    }

    /// A user's id.
    pub fn id(&self, name: &str) -> String {
        self.ids
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("no user {name}"))
    }

    /// Sends a request as `who` (None: anonymous). Scenarios move the clock by months, so a
    /// session that expired meanwhile is renewed once by signing in again.
    pub async fn send(
        &self,
        method: reqwest::Method,
        who: Option<&str>,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (s, v) = self
            .send_once(method.clone(), who, path, body.clone())
            .await;
        match who {
            Some(w) if s == StatusCode::UNAUTHORIZED => {
                self.login(w).await;
                self.send_once(method, who, path, body).await
            }
            _ => (s, v),
        }
    }

    /// Whether writes carry a fresh `Idempotency-Key` ([`TestServer::idempotency_keys`]).
    pub fn keyed(&self) -> bool {
        self.idempotency_keys
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    async fn send_once(
        &self,
        method: reqwest::Method,
        who: Option<&str>,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let write = method != reqwest::Method::GET;
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(w) = who {
            let token = self.tokens.lock().unwrap().get(w).cloned();
            req = req.bearer_auth(token.unwrap_or_else(|| panic!("{w} not signed in")));
        }
        if write && self.keyed() {
            req = req.header("idempotency-key", fresh_idempotency_key());
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, v)
    }

    pub async fn get(&self, who: &str, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, Some(who), path, None).await
    }

    pub async fn post(&self, who: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, Some(who), path, Some(body))
            .await
    }

    /// Files a request and returns the case id (asserts 201).
    pub async fn file(&self, who: &str, body: Value) -> String {
        let (s, v) = self.post(who, "/api/v1/cases", body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_str().unwrap().to_owned()
    }

    /// Runs an action.
    pub async fn act(
        &self,
        who: &str,
        case: &str,
        action: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        self.post(who, &format!("/api/v1/cases/{case}/actions/{action}"), body)
            .await
    }

    /// Runs an action that must succeed; returns the case view.
    pub async fn ok(&self, who: &str, case: &str, action: &str, body: Value) -> Value {
        let (s, v) = self.act(who, case, action, body).await;
        assert_eq!(s, StatusCode::OK, "{who} {action}: {v}");
        v
    }

    /// Runs an action that must be refused with this status and code; checks the log is
    /// unchanged.
    pub async fn refused(
        &self,
        who: &str,
        case: &str,
        action: &str,
        body: Value,
        status: StatusCode,
        code: &str,
    ) -> Value {
        let before = self.store.events(case).await.unwrap();
        let (s, v) = self.act(who, case, action, body).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (status, Some(code)),
            "{who} {action}: {v}"
        );
        assert_eq!(
            self.store.events(case).await.unwrap(),
            before,
            "a refused {action} changed the log"
        );
        v
    }

    /// The case as `who` sees it (asserts 200).
    pub async fn case(&self, who: &str, case: &str) -> Value {
        let (s, v) = self.get(who, &format!("/api/v1/cases/{case}")).await;
        assert_eq!(s, StatusCode::OK, "{who} cannot see {case}: {v}");
        v
    }

    /// The state name of a case as the Secretariat sees it.
    pub async fn state(&self, who: &str, case: &str) -> String {
        self.case(who, case).await["state_name"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The kinds of the events `who` may read.
    pub async fn event_kinds(&self, who: &str, case: &str) -> Vec<String> {
        let (s, v) = self.get(who, &format!("/api/v1/cases/{case}/events")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Moves the clock and runs the scheduler once.
    pub async fn advance_days(&self, days: i64) {
        self.clock.advance_days(days);
        let r = self.accord.run_scheduler().await.unwrap();
        assert_eq!(r.failures, 0, "{r:?}");
    }

    /// Asserts that the store finds no break in any case's hash chain.
    pub async fn assert_chains_verify(&self) {
        let r = self.store.verify_chains().await.unwrap();
        assert!(r.breaks.is_empty(), "{:?}", r.breaks);
    }
}

/// A valid settlement draft between H and I with this English text.
pub fn settlement_draft(text: &str) -> Value {
    json!({
        "terms": {
            "parties": [
                {"party": "H", "place_of_business": "Hong Kong"},
                {"party": "I", "place_of_business": "Jakarta"}
            ],
            "obligations": [{"performing_party": "I", "description": "pays for the late deliveries",
                             "amount": "1250000.00", "currency": "USD", "due_date": "2027-03-31"}],
            "governing_law": "the law of Hong Kong",
            "dispute_clause": "arbitration at HKIAC",
            "confidentiality": "confidential",
            "permitted_disclosure": "to implement or enforce this agreement",
            "singapore_convention": true,
            "authoritative_language": "en"
        },
        "versions": [
            {"language": "en", "text": text},
            {"language": "zh-Hans", "text": format!("和解协议：{text}")}
        ]
    })
}

impl TestServer {
    /// Sends the request `build` makes (to a URL under the server) as `who`; signs in again and
    /// sends it once more if the session had lapsed.
    pub async fn send_as(
        &self,
        who: &str,
        build: impl Fn(&reqwest::Client, String) -> reqwest::RequestBuilder,
    ) -> reqwest::Response {
        let send = || {
            let mut req = build(&self.http, self.base.clone())
                .bearer_auth(self.token(who))
                .build()
                .unwrap();
            if req.method() != reqwest::Method::GET && self.keyed() {
                req.headers_mut()
                    .insert("idempotency-key", fresh_idempotency_key().parse().unwrap());
            }
            self.http.execute(req)
        };
        let resp = send().await.unwrap();
        if resp.status() != StatusCode::UNAUTHORIZED {
            return resp;
        }
        self.login(who).await;
        send().await.unwrap()
    }

    /// A page as `who` sees it in a browser: the session cookie alone (pages never take a bearer
    /// token); the status and the HTML.
    pub async fn page(&self, who: &str, path: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("accord_session={}", self.token(who)))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap_or_default())
    }

    /// [`TestServer::page`] asked in `language` (the browser's preference, for a user who has
    /// chosen none).
    pub async fn page_in(&self, who: &str, path: &str, language: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("accord_session={}", self.token(who)))
            .header("accept-language", language)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap_or_default())
    }

    /// [`TestServer::send_as`], then the answer's status and JSON body (`Null` if it has none).
    pub async fn send_as_json(
        &self,
        who: &str,
        build: impl Fn(&reqwest::Client, String) -> reqwest::RequestBuilder,
    ) -> (StatusCode, Value) {
        let resp = self.send_as(who, build).await;
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// A PDF from the API as `pdftotext` reads it (whitespace removed), or the error body.
    pub async fn pdf_text(&self, who: &str, path: &str) -> (StatusCode, String) {
        let resp = self
            .send_as(who, |http, base| http.get(format!("{base}{path}")))
            .await;
        let status = resp.status();
        let bytes = resp.bytes().await.unwrap();
        if status != StatusCode::OK {
            return (status, String::from_utf8_lossy(&bytes).into_owned());
        }
        assert!(bytes.starts_with(b"%PDF-"), "{path}");
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("d.pdf");
        std::fs::write(&f, &bytes).unwrap();
        let out = std::process::Command::new("pdftotext")
            .arg(&f)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout)
            .chars()
            .filter(|c| {
                !c.is_whitespace()
                    && !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            })
            .collect();
        (status, text)
    }

    /// Each party (by its user) takes `action` on the text with this hash, such as
    /// `approve-final-text` or `sign-settlement`.
    pub async fn each_party(&self, case: &str, action: &str, hash: &str, by: &[(&str, &str)]) {
        for (who, party) in by {
            self.ok(
                who,
                case,
                action,
                json!({"party": party, "text_hash": hash}),
            )
            .await;
        }
    }

    /// The mediator puts a draft; returns its hash.
    pub async fn put_draft(&self, case: &str, text: &str) -> String {
        let (s, v) = self
            .post(
                "mediator",
                &format!("/api/v1/cases/{case}/settlement/drafts"),
                settlement_draft(text),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["text_hash"].as_str().unwrap().to_owned()
    }
}

/// An ACTIVE commercial case taken to a signed, countersigned and attested settlement: returns
/// (case id, the frozen text's hash, the verification id).
pub async fn settled_and_attested(t: &mut TestServer) -> (String, String, String) {
    let case = active_commercial_with(t, "iomed-default").await;
    t.ok("mediator", &case, "indicate-terms-agreed", json!({}))
        .await;
    let hash = t
        .put_draft(&case, "SETTLEMENT AGREEMENT between H and I")
        .await;
    for action in ["approve-final-text", "sign-settlement"] {
        t.each_party(&case, action, &hash, &[("harbour", "H"), ("indah", "I")])
            .await;
    }
    t.ok(
        "mediator",
        &case,
        "countersign-settlement",
        json!({"text_hash": hash}),
    )
    .await;
    let (s, a) = t
        .post(
            "sgen",
            &format!("/api/v1/cases/{case}/attestation"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let id = a["verification_id"].as_str().unwrap().to_owned();
    (case, hash, id)
}

/// A representative entry.
pub fn rep(user_id: &str, name: &str) -> Value {
    json!({"user_id": user_id, "name": name, "capacity": "principal", "authority_document": format!("Authority of {name}")})
}

/// A commercial request between a Hong Kong and an Indonesian company.
pub fn commercial(h: &str, i: &str, consent_i: bool, profile: &str) -> Value {
    let clause = json!({"basis": "prior-clause", "reference": "Supply Agreement, cl. 19"});
    json!({
        "dispute_type": "commercial",
        "title": "Harbour v. Indah",
        "summary": "Late deliveries under a supply agreement.",
        "subject_categories": ["sale-of-goods"],
        "parties": [
            {"id": "H", "name": "Harbour Trading Ltd", "kind": {"type": "company", "nationality": "HK", "place_of_business": "HK"},
             "representatives": [rep(h, "Grace Ho")], "consent": clause},
            {"id": "I", "name": "PT Indah Logistik", "kind": {"type": "company", "nationality": "ID", "place_of_business": "ID"},
             "representatives": [rep(i, "Budi Santoso")], "consent": if consent_i { clause.clone() } else { Value::Null }}
        ],
        "requesting_party": "H",
        "profile": profile
    })
}

/// The first-session record for parties.
pub fn first_session(parties: &[&str]) -> Value {
    let negotiators: serde_json::Map<String, Value> = parties
        .iter()
        .map(|p| ((*p).to_owned(), json!(format!("Negotiator for {p}"))))
        .collect();
    json!({"record": {
        "negotiators": negotiators,
        "language": "English",
        "information_treatment": "caucus content stays private unless authorised",
        "standstill": "none",
        "settlement_disclosure": "confidential except for enforcement"
    }})
}

/// A clean declaration.
pub fn declaration() -> Value {
    json!({"declaration": {"independent": true, "impartial": true, "available": true, "confidentiality": true}})
}

/// The users who take the steps of a [`CaseBuilder`]'s sequence over HTTP.
pub struct Cast<'a> {
    /// A representative of the requesting party.
    pub requesting: &'a str,
    /// Sign-in name of the user who takes the Secretariat's steps.
    pub secretariat: &'a str,
    /// The mediator the builder nominates.
    pub mediator: &'a str,
}

/// The cast of the commercial cases: `harbour` requests, `sgen` administers, `mediator` mediates.
pub const COMMERCIAL_CAST: Cast<'static> = Cast {
    requesting: "harbour",
    secretariat: "sgen",
    mediator: "mediator",
};

/// Takes a filed case to `milestone` over the API with exactly the command sequence the domain's
/// `CaseBuilder` plays (`acts_to`), each step sent by the user of `cast` who takes it.
pub async fn drive(
    t: &TestServer,
    case: &str,
    builder: &CaseBuilder,
    milestone: Milestone,
    cast: &Cast<'_>,
) {
    for act in builder.acts_to(milestone) {
        let who = match &act.by {
            By::RequestingParty => cast.requesting,
            By::Secretariat => cast.secretariat,
            By::Mediator => cast.mediator,
            other => panic!("no user of the cast acts as {other:?}"),
        };
        let body = serde_json::to_value(&act.command).unwrap();
        t.ok(who, case, act.command.name(), body).await;
    }
}

/// A builder for a filing sent over the API, nominating the user `mediator` under `name`.
pub fn builder(filing: &Value, t: &TestServer, mediator: &str, name: &str) -> CaseBuilder {
    CaseBuilder::from_json(filing.clone()).mediator(&t.id(mediator), name, None)
}

/// Users `sgen`, `mediator`, `harbour`, `indah` and an ACTIVE commercial case between H and I
/// under the UNCITRAL 2021 profile.
pub async fn active_commercial(t: &mut TestServer) -> String {
    active_commercial_with(t, "uncitral-2021").await
}

/// The same under a chosen profile.
pub async fn active_commercial_with(t: &mut TestServer, profile: &str) -> String {
    active_commercial_filed(t, |h, i| commercial(h, i, true, profile)).await
}

/// Gives the embedded deployment of `cfg` a history before it moves to PostgreSQL: an account
/// and a request it filed.
async fn embedded_history(cfg: &Config) {
    accord::prepare_data_dir(cfg).unwrap();
    let store = accord::open_store(cfg).await.unwrap();
    let clock: Arc<dyn accord_app::Clock> = Arc::new(ManualClock::new(t0()));
    let app = accord::application(cfg, store, clock).unwrap();
    let user = app
        .bootstrap_user(NewUser {
            username: "earlier-counsel".into(),
            display_name: "Counsel before the move".into(),
            role: "party-user".into(),
            password: "earlier-counsel-password!".into(),
        })
        .await
        .unwrap();
    let mut filing = accord_domain::testing::commercial_filing();
    filing["parties"][0]["representatives"][0]["user_id"] = json!(user.id);
    let req = serde_json::from_value(filing).unwrap();
    let actor = accord_domain::Actor::User {
        id: user.id,
        role: accord_domain::GlobalRole::PartyUser,
    };
    app.file_request(&actor, &req).await.unwrap();
}

/// Another ACTIVE commercial case between the same users (after [`active_commercial`]).
pub async fn active_commercial_again(t: &mut TestServer) -> String {
    let filing = commercial(&t.id("harbour"), &t.id("indah"), true, "uncitral-2021");
    let case = t.file("harbour", filing.clone()).await;
    let builder = CaseBuilder::from_json(filing).mediator(
        &t.id("mediator"),
        "Amina Diallo",
        CountryCode::parse("SN").ok(),
    );
    drive(t, &case, &builder, Milestone::Active, &COMMERCIAL_CAST).await;
    case
}

/// The same from a filing built from H's and I's user ids.
pub async fn active_commercial_filed(
    t: &mut TestServer,
    filing: impl FnOnce(&str, &str) -> Value,
) -> String {
    t.user("sgen", "secretariat").await;
    t.user("mediator", "mediator").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let filing = filing(&h, &i);
    let case = t.file("harbour", filing.clone()).await;
    let builder = CaseBuilder::from_json(filing).mediator(
        &t.id("mediator"),
        "Amina Diallo",
        CountryCode::parse("SN").ok(),
    );
    drive(t, &case, &builder, Milestone::Active, &COMMERCIAL_CAST).await;
    assert_eq!(t.state("sgen", &case).await, "ACTIVE");
    case
}

/// Declares one test per backend, and one on a database that `migrate-db` moved from SQLite to
/// PostgreSQL, for an async scenario `fn(&mut TestServer)`.
#[macro_export]
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        $crate::on_both_backends!($($name),*);
        mod migrated {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(mut t) = $crate::harness::TestServer::start($crate::harness::Backend::Migrated).await else { return };
                    super::$name(&mut t).await;
                    t.assert_chains_verify().await;
                }
            )*
        }
    };
}

/// Declares one test per backend for an async scenario `fn(&mut TestServer)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let mut t = $crate::harness::TestServer::start($crate::harness::Backend::Sqlite).await.unwrap();
                    super::$name(&mut t).await;
                    t.assert_chains_verify().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(mut t) = $crate::harness::TestServer::start($crate::harness::Backend::Postgres).await else { return };
                    super::$name(&mut t).await;
                    t.assert_chains_verify().await;
                }
            )*
        }
    };
}
