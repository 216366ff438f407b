//! Accounts people expect (issue 19, item 7): changing one's password, reset links handed out by
//! the Secretariat, the absolute lifetime of sessions, seeing and ending one's own sessions, and
//! display names that cannot disguise themselves.

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::harness::{Backend, TestServer};

/// Sends a request with a bearer token (never signing in again, unlike the harness).
async fn call(
    t: &TestServer,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut r = t
        .http
        .request(method, format!("{}{path}", t.base))
        .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn sign_in(t: &TestServer, name: &str, password: &str) -> (StatusCode, String) {
    let r = t
        .http
        .post(format!("{}/api/v1/sessions", t.base))
        .json(&json!({"username": name, "password": password}))
        .send()
        .await
        .unwrap();
    let s = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    (s, v["token"].as_str().unwrap_or_default().to_owned())
}

async fn me(t: &TestServer, token: &str) -> StatusCode {
    call(t, reqwest::Method::GET, token, "/api/v1/me", None)
        .await
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_asks_the_current_one_and_ends_the_other_sessions() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("amina", "party-user").await;
    let this = t.token("amina");
    let (_, other) = sign_in(&t, "amina", "amina-password!").await;
    let change = |current: &str, new: &str| {
        call(
            &t,
            reqwest::Method::POST,
            &this,
            "/api/v1/me/password",
            Some(json!({"current_password": current, "new_password": new})),
        )
    };
    let (s, v) = change("not-my-password", "a-new-long-password").await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("bad-credentials"))
    );
    let (s, v) = change("amina-password!", "short").await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("weak-password"))
    );
    assert_eq!(me(&t, &other).await, StatusCode::OK, "nothing changed yet");
    let (s, _) = change("amina-password!", "a-new-long-password").await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        me(&t, &this).await,
        StatusCode::OK,
        "the asking session stays"
    );
    assert_eq!(
        me(&t, &other).await,
        StatusCode::UNAUTHORIZED,
        "the other session ended"
    );
    assert_eq!(
        sign_in(&t, "amina", "amina-password!").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&t, "amina", "a-new-long-password").await.0,
        StatusCode::CREATED
    );
    // With a second factor, the code is asked as well.
    t.user("sgen", "secretariat").await;
    let (s, v) = call(
        &t,
        reqwest::Method::POST,
        &t.token("sgen"),
        "/api/v1/me/password",
        Some(
            json!({"current_password": "sgen-password!", "new_password": "another-long-password"}),
        ),
    )
    .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("second-factor-required"))
    );
    let code = t.totp_code("sgen");
    let (s, _) = call(
        &t,
        reqwest::Method::POST,
        &t.token("sgen"),
        "/api/v1/me/password",
        Some(json!({"current_password": "sgen-password!", "new_password": "another-long-password", "totp": code})),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_links_are_issued_by_the_secretariat_used_once_and_expire() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("sgen", "secretariat").await;
    t.user("harbour", "party-user").await;
    let amina = t.user("amina", "party-user").await;
    let t = &t;
    let issue = |who: &str| {
        let token = t.token(who);
        let path = format!("/api/v1/users/{amina}/reset-link");
        async move { call(t, reqwest::Method::POST, &token, &path, Some(json!({}))).await }
    };
    let (s, _) = issue("harbour").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the Secretariat");
    let (s, link) = issue("sgen").await;
    assert_eq!(s, StatusCode::CREATED, "{link}");
    let url = link["url"].as_str().unwrap();
    assert!(url.contains("/reset-password?token="), "{url}");
    assert!(
        link["expires_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-01-06T09:00")
    );
    let token = url.rsplit_once("token=").unwrap().1.to_owned();
    let reset = |token: &str, password: &str| {
        let body = json!({"token": token, "new_password": password});
        let http = t.http.clone();
        let url = format!("{}/api/v1/password-resets", t.base);
        async move {
            let r = http.post(url).json(&body).send().await.unwrap();
            let s = r.status();
            (s, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // A weak password is refused without spending the link.
    let (s, v) = reset(&token, "short").await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("weak-password"))
    );
    let session = t.token("amina");
    assert_eq!(
        reset(&token, "chosen-by-amina").await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        me(t, &session).await,
        StatusCode::UNAUTHORIZED,
        "sessions ended"
    );
    assert_eq!(
        sign_in(t, "amina", "chosen-by-amina").await.0,
        StatusCode::CREATED
    );
    // Once only.
    let (s, v) = reset(&token, "chosen-again-by-someone").await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid-reset-link"))
    );
    // A new link replaces the one before it.
    let first = issue("sgen").await.1["url"].as_str().unwrap().to_owned();
    let second = issue("sgen").await.1["url"].as_str().unwrap().to_owned();
    let token_of = |u: &str| u.rsplit_once("token=").unwrap().1.to_owned();
    assert_eq!(
        reset(&token_of(&first), "replaced-link-pass").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // It expires (24 hours by default).
    t.clock.advance(jiff::SignedDuration::from_hours(25));
    assert_eq!(
        reset(&token_of(&second), "expired-link-pass").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        sign_in(t, "amina", "chosen-by-amina").await.0,
        StatusCode::CREATED,
        "unchanged by refused links"
    );
    // The page: the link opens a form; posting it sets the password and leads to sign-in.
    t.login("sgen").await;
    let link = issue("sgen").await.1["url"].as_str().unwrap().to_owned();
    let page_path = link.split_once("/reset-password").unwrap().1.to_owned();
    let browser = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let r = browser
        .get(format!("{}/reset-password{page_path}", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let token = token_of(&link);
    assert!(html.contains(&format!("value=\"{token}\"")));
    let r = browser
        .post(format!("{}/reset-password", t.base))
        .form(&[
            ("token", token.as_str()),
            ("new_password", "set-on-the-page"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login");
    assert_eq!(
        sign_in(t, "amina", "set-on-the-page").await.0,
        StatusCode::CREATED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_end_at_their_absolute_lifetime_however_much_they_are_used() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("amina", "party-user").await;
    let token = t.token("amina");
    // Used every four hours, the idle limit (8 hours) is never reached ...
    for _ in 0..5 {
        t.clock.advance(jiff::SignedDuration::from_hours(4));
        assert_eq!(me(&t, &token).await, StatusCode::OK);
    }
    // ... but after 24 hours the session ends all the same.
    t.clock.advance(jiff::SignedDuration::from_mins(4 * 60 + 1));
    assert_eq!(me(&t, &token).await, StatusCode::UNAUTHORIZED);
    // An unused session still ends after 8 idle hours.
    let (_, idle) = sign_in(&t, "amina", "amina-password!").await;
    t.clock.advance(jiff::SignedDuration::from_mins(8 * 60 + 1));
    assert_eq!(me(&t, &idle).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_see_and_end_their_own_sessions_only() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("amina", "party-user").await;
    t.user("bashir", "party-user").await;
    let this = t.token("amina");
    t.clock.advance(jiff::SignedDuration::from_mins(5));
    let (_, other) = sign_in(&t, "amina", "amina-password!").await;
    let (s, list) = call(&t, reqwest::Method::GET, &this, "/api/v1/me/sessions", None).await;
    assert_eq!(s, StatusCode::OK);
    let list = list.as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[0]["current"], false, "newest first: the other one");
    assert_eq!(list[1]["current"], true);
    assert!(!list[0].to_string().contains(&other), "no token");
    let other_id = list[0]["id"].as_str().unwrap().to_owned();
    // Someone else cannot end it (not found, as for a session that does not exist).
    let path = format!("/api/v1/me/sessions/{other_id}");
    let (s, v) = call(&t, reqwest::Method::DELETE, &t.token("bashir"), &path, None).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("session-not-found"))
    );
    assert_eq!(me(&t, &other).await, StatusCode::OK);
    let (s, _) = call(&t, reqwest::Method::DELETE, &this, &path, None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(me(&t, &other).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&t, &this).await, StatusCode::OK);
    // The account page lists them, each with a form that ends it.
    let page = t
        .http
        .get(format!("{}/account", t.base))
        .header("cookie", format!("accord_session={this}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Where you are signed in"), "{html}");
    assert!(html.contains("/account/sessions/"));
    assert!(html.contains("/account/password"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn display_names_refuse_controls_and_text_direction_overrides() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("sgen", "secretariat").await;
    let create = |n: usize, name: &str| {
        t.post(
            "sgen",
            "/api/v1/users",
            json!({"username": format!("user{n}"), "display_name": name,
                   "role": "party-user", "password": "a-long-enough-password"}),
        )
    };
    for (n, bad) in [
        "Amina\u{0}Diallo",
        "Amina \u{202E}olliaD",
        "Amina \u{202A}Diallo",
        "Amina \u{2066}Diallo\u{2069}",
        "Amina\u{200F}",
        "Amina\u{7}",
        "Amina\u{85}Diallo",
        "Amina\nDiallo",
    ]
    .iter()
    .enumerate()
    {
        let (s, v) = create(n, bad).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("invalid-display-name")
            ),
            "{bad:?}"
        );
    }
    for (n, good) in [
        "Amina Diallo",
        "Zoë Ó Súilleabháin",
        "王小明",
        "أمينة ديالو",
    ]
    .iter()
    .enumerate()
    {
        let (s, v) = create(100 + n, good).await;
        assert_eq!(s, StatusCode::CREATED, "{good:?} {v}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretariat_keeps_each_mediators_panel_entry_and_the_parties_choose_by_it() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let mut t = TestServer::start(backend).await.unwrap();
        t.user("sgen", "secretariat").await;
        let amina = t.user("amina", "mediator").await;
        let harbour = t.user("harbour", "party-user").await;
        let path = format!("/api/v1/users/{amina}/panel-profile");
        let entry = json!({"nationality": "SN", "languages": ["fr", "en"]});

        // Only the Secretariat keeps the panel, and only for a mediator's account.
        let (s, _) = t.post("harbour", &path, entry.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = t
            .post(
                "sgen",
                &format!("/api/v1/users/{harbour}/panel-profile"),
                entry.clone(),
            )
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("invalid-panel-profile")
            )
        );
        // A wrong entry is refused and changes nothing.
        for bad in [
            json!({"nationality": "Senegal", "languages": []}),
            json!({"languages": ["French"]}),
            json!({"languages": ["fr", "fr"]}),
        ] {
            let (s, v) = t.post("sgen", &path, bad.clone()).await;
            assert_eq!(
                (s, v["error"]["code"].as_str()),
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some("invalid-panel-profile")
                ),
                "{bad}"
            );
        }
        let (_, panel) = t.get("harbour", "/api/v1/mediators").await;
        assert_eq!(panel[0]["nationality"], Value::Null, "{panel}");

        let (s, _) = t.post("sgen", &path, entry).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, panel) = t.get("harbour", "/api/v1/mediators").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(panel[0]["user_id"], amina.as_str());
        assert_eq!(panel[0]["nationality"], "SN");
        assert_eq!(panel[0]["languages"], json!(["fr", "en"]));
    }
}
