//! Bad input through HTTP: each answers 4xx with its stable code and writes nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Backend, TestServer, commercial};

struct Probe {
    method: reqwest::Method,
    path: String,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Probe {
    fn json(method: reqwest::Method, path: String, body: &str) -> Probe {
        Probe {
            method,
            path,
            content_type: Some("application/json"),
            body: body.as_bytes().to_vec(),
            headers: vec![],
        }
    }
}

async fn send(t: &TestServer, token: &str, p: Probe) -> (StatusCode, Value) {
    // A fresh connection per probe: a server that refuses an oversized body closes the
    // connection before reading it, which must not break the next probe.
    let mut req = reqwest::Client::new()
        .request(p.method, format!("{}{}", t.base, p.path))
        .bearer_auth(token)
        .body(p.body);
    if let Some(ct) = p.content_type {
        req = req.header("content-type", ct);
    }
    for (k, v) in p.headers {
        req = req.header(k, v);
    }
    let r = req.send().await.unwrap();
    let s = r.status();
    let text = r.text().await.unwrap();
    (
        s,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Everything a request could have written: all events of all cases, and the case list.
async fn snapshot(t: &TestServer) -> (Vec<Value>, usize) {
    let list = t
        .store
        .list_cases(&accord_app::ports::CaseQuery {
            member: None,
            state: None,
            limit: 1000,
            offset: 0,
            after: None,
        })
        .await
        .unwrap();
    let mut events = 0;
    for c in &list {
        events += t.store.events(&c.case_id).await.unwrap().len();
    }
    (
        list.iter()
            .map(|c| json!([c.case_id, c.version, c.head_hash]))
            .collect(),
        events,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_answer_their_code_and_change_nothing() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("sgen", "secretariat").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let case = t
        .file("harbour", commercial(&h, &i, true, "uncitral-2021"))
        .await;
    t.ok("harbour", &case, "submit-request", json!({})).await;
    let token = t.token("sgen");
    let good_filing = commercial(&h, &i, true, "uncitral-2021").to_string();
    let mut unknown_field: Value = serde_json::from_str(&good_filing).unwrap();
    unknown_field["colour"] = json!("blue");
    let mut wrong_type: Value = serde_json::from_str(&good_filing).unwrap();
    wrong_type["parties"] = json!("two");
    let mut bad_country: Value = serde_json::from_str(&good_filing).unwrap();
    bad_country["parties"][0]["kind"]["nationality"] = json!("hongkong");
    let mut one_party: Value = serde_json::from_str(&good_filing).unwrap();
    one_party["parties"].as_array_mut().unwrap().pop();
    let mut override_out_of_bounds: Value = serde_json::from_str(&good_filing).unwrap();
    override_out_of_bounds["profile_overrides"] = json!({"acceptance_days": 400});
    let huge = format!("{{\"title\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let cases = "/api/v1/cases".to_owned();
    let act = |a: &str| format!("/api/v1/cases/{case}/actions/{a}");
    use reqwest::Method as M;
    let probes: Vec<(Probe, StatusCode, &str)> = vec![
        (
            Probe::json(M::POST, cases.clone(), "{\"dispute_type\": "),
            StatusCode::BAD_REQUEST,
            "malformed-json",
        ),
        (
            Probe::json(M::POST, cases.clone(), "not json at all"),
            StatusCode::BAD_REQUEST,
            "malformed-json",
        ),
        (
            Probe::json(M::POST, cases.clone(), &unknown_field.to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-request-body",
        ),
        (
            Probe::json(M::POST, cases.clone(), &wrong_type.to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-request-body",
        ),
        (
            Probe::json(M::POST, cases.clone(), &bad_country.to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-request-body",
        ),
        (
            Probe::json(M::POST, cases.clone(), &one_party.to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-party-count",
        ),
        (
            Probe::json(M::POST, cases.clone(), &override_out_of_bounds.to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-profile-override",
        ),
        (
            Probe {
                content_type: None,
                ..Probe::json(M::POST, cases.clone(), &good_filing)
            },
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
        ),
        (
            Probe {
                content_type: Some("text/plain"),
                ..Probe::json(M::POST, cases.clone(), &good_filing)
            },
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
        ),
        (
            Probe::json(M::POST, cases.clone(), &huge),
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
        ),
        (
            Probe::json(M::POST, act("register"), "{}"),
            StatusCode::CONFLICT,
            "transition-not-allowed",
        ),
        (
            Probe::json(M::POST, act("close"), "{}"),
            StatusCode::CONFLICT,
            "transition-not-allowed",
        ),
        (
            Probe::json(M::POST, act("no-such-action"), "{}"),
            StatusCode::NOT_FOUND,
            "unknown-action",
        ),
        (
            Probe::json(M::POST, act("record-lodging-fee"), "[]"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-request-body",
        ),
        (
            Probe::json(M::POST, act("record-lodging-fee"), "{\"waived\": \"yes\"}"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-request-body",
        ),
        (
            Probe::json(
                M::POST,
                act("record-lodging-fee"),
                "{\"waived\": true, \"amount\": 5}",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-request-body",
        ),
        (
            Probe::json(
                M::POST,
                act("record-lodging-fee"),
                "{\"action\": \"register\"}",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "action-mismatch",
        ),
        (
            Probe {
                headers: vec![("if-match", "seven".into())],
                ..Probe::json(M::POST, act("record-lodging-fee"), "{}")
            },
            StatusCode::BAD_REQUEST,
            "invalid-if-match",
        ),
        (
            Probe {
                headers: vec![("if-match", "\"v1\"".into())],
                ..Probe::json(M::POST, act("record-lodging-fee"), "{}")
            },
            StatusCode::CONFLICT,
            "version-conflict",
        ),
        (
            Probe {
                headers: vec![("idempotency-key", "".into())],
                ..Probe::json(M::POST, act("record-lodging-fee"), "{}")
            },
            StatusCode::BAD_REQUEST,
            "invalid-idempotency-key",
        ),
        (
            Probe::json(
                M::POST,
                "/api/v1/cases/00000000-0000-7000-8000-000000000000/actions/register".into(),
                "{}",
            ),
            StatusCode::NOT_FOUND,
            "case-not-found",
        ),
        (
            Probe::json(M::GET, "/api/v1/cases?limit=many".into(), ""),
            StatusCode::BAD_REQUEST,
            "invalid-query",
        ),
        (
            Probe::json(M::GET, "/api/v1/cases?colour=blue".into(), ""),
            StatusCode::BAD_REQUEST,
            "invalid-query",
        ),
        (
            Probe::json(M::GET, "/api/v1/nothing-here".into(), ""),
            StatusCode::NOT_FOUND,
            "route-not-found",
        ),
        (
            Probe::json(M::PUT, cases.clone(), "{}"),
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
        ),
        (
            Probe::json(
                M::POST,
                "/api/v1/declarations".into(),
                "{\"state\": \"XB\", \"categories\": [], \"text\": \"t\"}",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-categories",
        ),
        (
            Probe::json(
                M::POST,
                "/api/v1/users".into(),
                "{\"username\": \"ab\", \"display_name\": \"x\", \"role\": \"mediator\", \"password\": \"long enough pass\"}",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-username",
        ),
        (
            Probe::json(
                M::POST,
                "/api/v1/users".into(),
                "{\"username\": \"abc\", \"display_name\": \"x\", \"role\": \"king\", \"password\": \"long enough pass\"}",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-role",
        ),
        (
            Probe::json(
                M::POST,
                "/api/v1/users".into(),
                "{\"username\": \"abc\", \"display_name\": \"x\", \"role\": \"mediator\", \"password\": \"short\"}",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "weak-password",
        ),
    ];
    let n = probes.len();
    for (probe, status, code) in probes {
        let what = format!(
            "{} {}",
            probe.method,
            probe.path.chars().take(80).collect::<String>()
        );
        let before = snapshot(&t).await;
        let users_before = t.store.list_users().await.unwrap().len();
        let (s, v) = send(&t, &token, probe).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (status, Some(code)),
            "{what}: {v}"
        );
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}: a message"
        );
        assert_eq!(snapshot(&t).await, before, "{what} wrote something");
        assert_eq!(
            t.store.list_users().await.unwrap().len(),
            users_before,
            "{what}"
        );
    }
    assert!(n >= 28);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthenticated_and_bad_credentials_look_the_same_for_unknown_accounts() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("amina", "mediator").await;
    let login = |u: &str, p: &str| json!({"username": u, "password": p});
    let (s1, v1) = t
        .send(
            reqwest::Method::POST,
            None,
            "/api/v1/sessions",
            Some(login("amina", "wrong-password!!")),
        )
        .await;
    let (s2, v2) = t
        .send(
            reqwest::Method::POST,
            None,
            "/api/v1/sessions",
            Some(login("nobody", "wrong-password!!")),
        )
        .await;
    assert_eq!(s1, StatusCode::UNAUTHORIZED);
    assert_eq!(
        (s1, v1),
        (s2, v2),
        "same answer for a wrong password and an unknown account"
    );
    for token in ["", "abc", &"f".repeat(64)] {
        let r = t
            .http
            .get(format!("{}/api/v1/me", t.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "unauthenticated");
    }
    let r = t
        .http
        .get(format!("{}/api/v1/cases", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
