//! The API's contracts: route inventory, OpenAPI document, sessions, idempotency, ETags.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Backend, TestServer, commercial};

fn collect_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.insert(r.clone());
            }
            m.values().for_each(|x| collect_refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_covers_every_route_and_action_and_its_refs_resolve() {
    let t = TestServer::start(Backend::Sqlite).await.unwrap();
    let (s, doc) = t
        .send(reqwest::Method::GET, None, "/api/v1/openapi.json", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for (method, path, _) in accord_web::ROUTES {
        if path.ends_with("/actions/{action}") {
            continue;
        }
        assert!(
            paths
                .get(*path)
                .and_then(|p| p.get(method.to_lowercase()))
                .is_some(),
            "{method} {path} missing from OpenAPI"
        );
    }
    for action in accord_domain::Command::ACTION_NAMES {
        let p = format!("/api/v1/cases/{{case_id}}/actions/{action}");
        assert!(paths.get(&p).and_then(|x| x.get("post")).is_some(), "{p}");
    }
    let mut refs = BTreeSet::new();
    collect_refs(&doc, &mut refs);
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for r in &refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("odd ref {r}"));
        assert!(schemas.contains_key(name), "dangling {r}");
    }
    // The command schema follows serde: kebab-case actions, closed objects.
    let cmd = serde_json::to_string(&schemas["Command"]).unwrap();
    assert!(cmd.contains("\"submit-request\"") && cmd.contains("\"additionalProperties\":false"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_protected_route_needs_a_session_and_public_ones_do_not() {
    let t = TestServer::start(Backend::Sqlite).await.unwrap();
    for (method, path, protected) in accord_web::ROUTES {
        let concrete = path
            .replace("{case_id}", "00000000-0000-7000-8000-000000000000")
            .replace("{action}", "register")
            .replace("{country}", "XC");
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let r = t
            .http
            .request(m, format!("{}{concrete}", t.base))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        if *protected {
            assert_eq!(
                (status, &v["error"]["code"]),
                (StatusCode::UNAUTHORIZED, &json!("unauthenticated")),
                "{method} {path}"
            );
        } else {
            assert_ne!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
            if *path == "/metrics" {
                // Routed, and not served without a metrics token configured.
                assert_eq!(
                    (status, &v["error"]["code"]),
                    (StatusCode::NOT_FOUND, &json!("metrics-not-enabled"))
                );
                continue;
            }
            assert_ne!(
                status,
                StatusCode::NOT_FOUND,
                "{method} {path} is not routed"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_keys_replay_and_refuse_reuse() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let token = t
        .http
        .post(format!("{}/api/v1/sessions", t.base))
        .json(&json!({"username": "harbour", "password": "harbour-password!"}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = commercial(&h, &i, true, "uncitral-2021");
    let post = |key: &str, body: &Value| {
        t.http
            .post(format!("{}/api/v1/cases", t.base))
            .bearer_auth(&token)
            .header("idempotency-key", key)
            .json(body)
            .send()
    };
    let r1 = post("file-1", &body).await.unwrap();
    assert_eq!(r1.status(), StatusCode::CREATED);
    let v1: Value = r1.json().await.unwrap();
    let r2 = post("file-1", &body).await.unwrap();
    assert_eq!(r2.status(), StatusCode::CREATED);
    assert_eq!(r2.headers().get("idempotent-replayed").unwrap(), "true");
    let v2: Value = r2.json().await.unwrap();
    assert_eq!(v1["id"], v2["id"], "replayed, not filed twice");
    let (_, list) = t.get("harbour", "/api/v1/cases").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let mut other = body.clone();
    other["title"] = json!("Another title");
    let r3 = post("file-1", &other).await.unwrap();
    assert_eq!(r3.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r3.json::<Value>().await.unwrap()["error"]["code"],
        "idempotency-key-reused"
    );
    // A refused request (4xx) is remembered too: the same retry gets the same refusal.
    let case = v1["id"].as_str().unwrap();
    let act = |key: &str| {
        t.http
            .post(format!("{}/api/v1/cases/{case}/actions/register", t.base))
            .bearer_auth(&token)
            .header("idempotency-key", key)
            .json(&json!({}))
            .send()
    };
    let a1 = act("reg").await.unwrap();
    let a2 = act("reg").await.unwrap();
    assert_eq!(
        (a1.status(), a2.status()),
        (StatusCode::FORBIDDEN, StatusCode::FORBIDDEN)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etags_sessions_cookies_and_accounts() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("sgen", "secretariat").await;
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let case = t
        .file("harbour", commercial(&h, &i, true, "uncitral-2021"))
        .await;
    // ETag and If-Match.
    let r = t
        .http
        .get(format!("{}/api/v1/cases/{case}", t.base))
        .bearer_auth(login(&t, "harbour").await)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers().get("etag").unwrap(), "\"v1\"");
    assert_eq!(
        r.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
    assert_eq!(r.headers().get("cache-control").unwrap(), "no-store");
    let token = login(&t, "harbour").await;
    let r = t
        .http
        .post(format!(
            "{}/api/v1/cases/{case}/actions/submit-request",
            t.base
        ))
        .bearer_auth(&token)
        .header("if-match", "\"v1\"")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers().get("etag").unwrap(), "\"v2\"");
    // Cookie sessions work; a cross-site POST with the cookie is refused.
    let r = t
        .http
        .post(format!("{}/api/v1/sessions", t.base))
        .json(&json!({"username": "harbour", "password": "harbour-password!"}))
        .send()
        .await
        .unwrap();
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_owned();
    let r = t
        .http
        .get(format!("{}/api/v1/me", t.base))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["username"], "harbour");
    let r = t
        .http
        .post(format!(
            "{}/api/v1/cases/{case}/actions/withdraw-request",
            t.base
        ))
        .header("cookie", &pair)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "cross-site-request"
    );
    assert_eq!(t.state("harbour", &case).await, "FILED");
    // Logout ends the session at once.
    let r = t
        .http
        .delete(format!("{}/api/v1/sessions/current", t.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = t
        .http
        .get(format!("{}/api/v1/me", t.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Only the Secretariat creates accounts; names are unique.
    let new_user = json!({"username": "chen", "display_name": "Chen Wei", "role": "mediator", "password": "a long passphrase"});
    let (s, v) = t.post("harbour", "/api/v1/users", new_user.clone()).await;
    assert_eq!(
        (s, &v["error"]["code"]),
        (StatusCode::FORBIDDEN, &json!("forbidden"))
    );
    let (s, v) = t.post("sgen", "/api/v1/users", new_user.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(v.get("password").is_none() && v.get("password_hash").is_none());
    let (s, v) = t.post("sgen", "/api/v1/users", new_user).await;
    assert_eq!(
        (s, &v["error"]["code"]),
        (StatusCode::CONFLICT, &json!("already-exists"))
    );
    let (s, v) = t
        .send(
            reqwest::Method::POST,
            None,
            "/api/v1/sessions",
            Some(json!({"username": "chen", "password": "a long passphrase"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

async fn login(t: &TestServer, name: &str) -> String {
    let (_, v) = t
        .send(
            reqwest::Method::POST,
            None,
            "/api/v1/sessions",
            Some(json!({"username": name, "password": format!("{name}-password!")})),
        )
        .await;
    v["token"].as_str().unwrap().to_owned()
}
