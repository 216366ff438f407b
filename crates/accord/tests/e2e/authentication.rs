//! Sign-in hardening: each protection has a test that fails when it is removed.

use accord_app::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Backend, TestServer, active_commercial};

async fn raw_login(t: &TestServer, body: Value) -> (StatusCode, Value, reqwest::header::HeaderMap) {
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/sessions", t.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (s, h) = (r.status(), r.headers().clone());
    (s, r.json().await.unwrap_or(Value::Null), h)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_are_throttled_per_account_before_any_hashing() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("amina", "party-user").await;
    for _ in 0..10 {
        let (s, v, _) = raw_login(
            &t,
            json!({"username": "amina", "password": "wrong-password-x"}),
        )
        .await;
        assert_eq!(
            (s, &v["error"]["code"]),
            (StatusCode::UNAUTHORIZED, &json!("bad-credentials"))
        );
    }
    // The eleventh try is refused even with the right password, and says when to retry.
    let (s, v, h) = raw_login(
        &t,
        json!({"username": "amina", "password": "amina-password!"}),
    )
    .await;
    assert_eq!(
        (s, &v["error"]["code"]),
        (StatusCode::TOO_MANY_REQUESTS, &json!("too-many-attempts"))
    );
    assert_eq!(h.get("retry-after").unwrap(), "900");
    // An unknown account name is throttled the same way (no hint that it does not exist).
    for _ in 0..10 {
        raw_login(
            &t,
            json!({"username": "ghost", "password": "wrong-password-x"}),
        )
        .await;
    }
    let (s, _, _) = raw_login(
        &t,
        json!({"username": "ghost", "password": "wrong-password-x"}),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    // After the window, the right password works again.
    t.clock.advance(jiff::SignedDuration::from_mins(16));
    let (s, _, _) = raw_login(
        &t,
        json!({"username": "amina", "password": "amina-password!"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    // The source address is throttled too: 50 failures over many names.
    for n in 0..50 {
        raw_login(
            &t,
            json!({"username": format!("name{n}"), "password": "wrong-password-x"}),
        )
        .await;
    }
    let (s, _, _) = raw_login(
        &t,
        json!({"username": "amina", "password": "amina-password!"}),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "per-address throttle");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secretariat_and_mediators_must_enrol_and_then_use_a_second_factor() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.accord
        .bootstrap_user(accord_app::accounts::NewUser {
            username: "sg2".into(),
            display_name: "SG".into(),
            role: "secretariat".into(),
            password: "sg2-password!!".into(),
        })
        .await
        .unwrap();
    let (s, v, _) = raw_login(&t, json!({"username": "sg2", "password": "sg2-password!!"})).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(v["second_factor_enrolment_required"], true);
    let token = v["token"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();
    let get = |path: &str| {
        http.get(format!("{}{path}", t.base))
            .bearer_auth(&token)
            .send()
    };
    let r = get("/api/v1/cases").await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "second-factor-enrolment-required"
    );
    assert_eq!(get("/api/v1/me").await.unwrap().status(), StatusCode::OK);
    let e: Value = http
        .post(format!("{}/api/v1/me/totp", t.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        e["otpauth_url"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    let secret = e["secret"].as_str().unwrap().to_owned();
    let code = |at: i64| {
        let totp = totp_rs::Builder::new()
            .with_secret(totp_rs::Secret::try_from_base32(&secret).unwrap())
            .build()
            .unwrap();
        totp.generate(at as u64).to_string()
    };
    let now = t.clock.now().as_second();
    let r = http
        .post(format!("{}/api/v1/me/totp/confirm", t.base))
        .bearer_auth(&token)
        .json(&json!({"code": "000000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = http
        .post(format!("{}/api/v1/me/totp/confirm", t.base))
        .bearer_auth(&token)
        .json(&json!({"code": code(now)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        get("/api/v1/cases").await.unwrap().status(),
        StatusCode::OK,
        "complete after enrolment"
    );
    // From now on the code is required, and a wrong or stale one is refused.
    let (s, v, _) = raw_login(&t, json!({"username": "sg2", "password": "sg2-password!!"})).await;
    assert_eq!(
        (s, &v["error"]["code"]),
        (StatusCode::UNAUTHORIZED, &json!("second-factor-required"))
    );
    let (s, _, _) = raw_login(
        &t,
        json!({"username": "sg2", "password": "sg2-password!!", "totp": code(now - 600)}),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // The code that confirmed the enrolment is spent (RFC 6238 §5.2): the next one signs in.
    let (s, v, _) = raw_login(
        &t,
        json!({"username": "sg2", "password": "sg2-password!!", "totp": code(now)}),
    )
    .await;
    assert_eq!(
        (s, &v["error"]["code"]),
        (StatusCode::UNAUTHORIZED, &json!("second-factor-required")),
        "the enrolment code is not accepted twice"
    );
    let (s, v, _) = raw_login(
        &t,
        json!({"username": "sg2", "password": "sg2-password!!", "totp": code(now + 30)}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(v["second_factor_enrolment_required"], false);
    // A party user is not required to enrol.
    t.user("party", "party-user").await;
    let (_, v, _) = raw_login(
        &t,
        json!({"username": "party", "password": "party-password!"}),
    )
    .await;
    assert_eq!(v["second_factor_enrolment_required"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_a_user_or_changing_a_role_applies_to_the_very_next_request() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = active_commercial(&mut t).await;
    let indah = t.id("indah");
    let token = t.token("indah");
    let http = reqwest::Client::new();
    let get_case = || {
        http.get(format!("{}/api/v1/cases/{case}", t.base))
            .bearer_auth(&token)
            .send()
    };
    assert_eq!(get_case().await.unwrap().status(), StatusCode::OK);
    let (s, _) = t
        .post("sgen", &format!("/api/v1/users/{indah}/disable"), json!({}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        get_case().await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "the session ended"
    );
    let (s, _, _) = raw_login(
        &t,
        json!({"username": "indah", "password": "indah-password!"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "and no new one starts");
    // A role change (party user → operator) ends the account's sessions at once: the user signs
    // in again under the new role (and enrols a second factor first where it needs one).
    let harbour = t.id("harbour");
    let htoken = t.token("harbour");
    let r = http
        .get(format!("{}/api/v1/cases/{case}", t.base))
        .bearer_auth(&htoken)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (s, _) = t
        .post(
            "sgen",
            &format!("/api/v1/users/{harbour}/role"),
            json!({"role": "operator"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let r = http
        .get(format!("{}/api/v1/cases/{case}", t.base))
        .bearer_auth(&htoken)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Only the Secretariat manages accounts.
    let (s, _) = t
        .post(
            "mediator",
            &format!("/api/v1/users/{harbour}/enable"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_needs_a_fresh_re_authentication() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = active_commercial(&mut t).await;
    t.ok("mediator", &case, "indicate-terms-agreed", json!({}))
        .await;
    let hash = t.put_draft(&case, "Final terms").await;
    t.ok(
        "harbour",
        &case,
        "approve-final-text",
        json!({"party": "H", "text_hash": hash}),
    )
    .await;
    t.ok(
        "indah",
        &case,
        "approve-final-text",
        json!({"party": "I", "text_hash": hash}),
    )
    .await;
    t.clock.advance(jiff::SignedDuration::from_mins(10));
    let sign = json!({"party": "H", "text_hash": hash});
    t.refused(
        "harbour",
        &case,
        "sign-settlement",
        sign.clone(),
        StatusCode::FORBIDDEN,
        "reauthentication-required",
    )
    .await;
    let (s, v) = t
        .post(
            "harbour",
            "/api/v1/sessions/reauth",
            json!({"password": "not-my-password"}),
        )
        .await;
    assert_eq!(
        (s, &v["error"]["code"]),
        (StatusCode::UNAUTHORIZED, &json!("bad-credentials"))
    );
    let (s, _) = t
        .post(
            "harbour",
            "/api/v1/sessions/reauth",
            json!({"password": "harbour-password!"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    t.ok("harbour", &case, "sign-settlement", sign).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookie_sessions_need_the_csrf_token_and_sign_in_rotates_the_session() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let h = t.user("harbour", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let case = t
        .file(
            "harbour",
            crate::harness::commercial(&h, &i, true, "iomed-default"),
        )
        .await;
    let (_, v, headers) = raw_login(
        &t,
        json!({"username": "harbour", "password": "harbour-password!"}),
    )
    .await;
    let cookie = headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = v["csrf_token"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();
    let act = |token: Option<&str>| {
        let mut r = http
            .post(format!(
                "{}/api/v1/cases/{case}/actions/submit-request",
                t.base
            ))
            .header("cookie", &cookie)
            .header("sec-fetch-site", "same-origin")
            .json(&json!({}));
        if let Some(tk) = token {
            r = r.header("x-csrf-token", tk);
        }
        r.send()
    };
    let r = act(None).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "csrf-token-invalid"
    );
    assert_eq!(
        act(Some("forged")).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(t.state("harbour", &case).await, "DRAFT");
    assert_eq!(act(Some(&csrf)).await.unwrap().status(), StatusCode::OK);
    // Signing in again with the old cookie replaces that session.
    let r = http
        .post(format!("{}/api/v1/sessions", t.base))
        .header("cookie", &cookie)
        .json(&json!({"username": "harbour", "password": "harbour-password!"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = http
        .get(format!("{}/api/v1/me", t.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "the old session id no longer works"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_request_succeeds_after_a_removal_commits_even_under_concurrent_load() {
    // T1 immediacy: a user removed from a case while their requests are in flight gets nothing
    // from any request that starts after the removal is acknowledged.
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = active_commercial(&mut t).await;
    let observer = t.user("observer", "party-user").await;
    let mut races = 0;
    for round in 0..12 {
        t.ok(
            "sgen",
            &case,
            "add-participant",
            json!({"user_id": observer, "role": {"role": "observer", "channels": ["plenary"]}}),
        )
        .await;
        t.ok("observer", &case, "accept-undertaking", json!({}))
            .await;
        let token = t.token("observer");
        let url = format!("{}/api/v1/cases/{case}/channels/plenary/messages", t.base);
        let removed_at = std::sync::Arc::new(tokio::sync::OnceCell::<std::time::Instant>::new());
        let mut tasks = vec![];
        for _ in 0..8 {
            let (url, token, removed_at) = (url.clone(), token.clone(), removed_at.clone());
            tasks.push(tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut late_successes = 0;
                for _ in 0..20 {
                    let started = std::time::Instant::now();
                    let ok = http
                        .get(&url)
                        .bearer_auth(&token)
                        .send()
                        .await
                        .map(|r| r.status().is_success())
                        .unwrap_or(false);
                    if ok && removed_at.get().is_some_and(|at| started > *at) {
                        late_successes += 1;
                    }
                }
                late_successes
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(5 * (round % 4))).await;
        t.ok(
            "sgen",
            &case,
            "remove-participant",
            json!({"user_id": observer}),
        )
        .await;
        let _ = removed_at.set(std::time::Instant::now());
        for task in tasks {
            assert_eq!(
                task.await.unwrap(),
                0,
                "a request that started after the removal succeeded"
            );
            races += 1;
        }
    }
    assert!(races >= 96);
}

/// Sends `n` requests at once and counts the answers by status.
async fn at_once<F, Fut>(n: usize, request: F) -> std::collections::BTreeMap<u16, usize>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = StatusCode> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(request(i))).collect();
    let mut counts = std::collections::BTreeMap::new();
    for task in tasks {
        *counts.entry(task.await.unwrap().as_u16()).or_insert(0) += 1;
    }
    counts
}

fn post_json(
    base: &str,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> impl std::future::Future<Output = StatusCode> + Send + 'static {
    let mut req = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .json(&body);
    if let Some(tk) = token {
        req = req.bearer_auth(tk);
    }
    async move { req.send().await.unwrap().status() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_account_throttle_holds_under_concurrent_guesses() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("amina", "party-user").await;
    // 40 wrong passwords at once for one account: the attempt is reserved before hashing, so
    // exactly 10 are evaluated and the others refused without any hashing.
    let base = t.base.clone();
    let counts = at_once(40, |_| {
        post_json(
            &base,
            "/api/v1/sessions",
            None,
            json!({"username": "amina", "password": "wrong-password-x"}),
        )
    })
    .await;
    assert_eq!(
        counts,
        [(401, 10), (429, 30)].into_iter().collect(),
        "per account"
    );
    // And the right password is refused too until the window has passed.
    let (s, _, _) = raw_login(
        &t,
        json!({"username": "amina", "password": "amina-password!"}),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_address_throttle_holds_under_concurrent_guesses() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("amina", "party-user").await;
    // 80 wrong passwords at once from one address over 80 names: exactly 50 are evaluated.
    let base = t.base.clone();
    let counts = at_once(80, |i| {
        post_json(
            &base,
            "/api/v1/sessions",
            None,
            json!({"username": format!("name{i}"), "password": "wrong-password-x"}),
        )
    })
    .await;
    assert_eq!(
        counts,
        [(401, 50), (429, 30)].into_iter().collect(),
        "per address"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn re_authentication_and_code_confirmation_are_throttled_like_sign_in() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("amina", "party-user").await;
    let token = t.token("amina");
    let base = t.base.clone();
    let counts = at_once(40, |_| {
        post_json(
            &base,
            "/api/v1/sessions/reauth",
            Some(&token),
            json!({"password": "wrong-password-x"}),
        )
    })
    .await;
    assert_eq!(
        counts,
        [(401, 10), (429, 30)].into_iter().collect(),
        "re-authentication"
    );
    // The throttle is the account's: the session itself still works.
    let r = t
        .http
        .get(format!("{}/api/v1/me", t.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // A second-factor enrolment: wrong codes at once are counted against the account.
    t.user("bashir", "party-user").await;
    let token = t.token("bashir");
    let r = t
        .http
        .post(format!("{}/api/v1/me/totp", t.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let counts = at_once(40, |_| {
        post_json(
            &base,
            "/api/v1/me/totp/confirm",
            Some(&token),
            json!({"code": "000000"}),
        )
    })
    .await;
    assert_eq!(
        counts,
        [(422, 10), (429, 30)].into_iter().collect(),
        "code confirmation"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_totp_code_is_accepted_once_only() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    t.user("sgen", "secretariat").await;
    // Sign-in: a fresh code works once; the same code again (still in its window) is refused,
    // and so are ten sign-ins racing with one code but one.
    t.clock.advance(jiff::SignedDuration::from_mins(2));
    let code = t.totp_code("sgen").unwrap();
    let login = |code: &str| {
        post_json(
            &t.base,
            "/api/v1/sessions",
            None,
            json!({"username": "sgen", "password": "sgen-password!", "totp": code}),
        )
    };
    assert_eq!(login(&code).await, StatusCode::CREATED);
    assert_eq!(login(&code).await, StatusCode::UNAUTHORIZED, "replayed");
    t.clock.advance(jiff::SignedDuration::from_secs(10));
    assert_eq!(login(&code).await, StatusCode::UNAUTHORIZED, "still spent");
    t.clock.advance(jiff::SignedDuration::from_mins(2));
    let code = t.totp_code("sgen").unwrap();
    let base = t.base.clone();
    let counts = at_once(8, |_| {
        post_json(
            &base,
            "/api/v1/sessions",
            None,
            json!({"username": "sgen", "password": "sgen-password!", "totp": code}),
        )
    })
    .await;
    assert_eq!(
        counts,
        [(201, 1), (401, 7)].into_iter().collect(),
        "one code, one session"
    );
    // Re-authentication: the same (after the throttle window, as the replays above counted).
    t.clock.advance(jiff::SignedDuration::from_mins(16));
    t.login("sgen").await;
    let token = t.token("sgen");
    let code = t.totp_code("sgen").unwrap();
    let reauth = |code: &str| {
        post_json(
            &t.base,
            "/api/v1/sessions/reauth",
            Some(&token),
            json!({"password": "sgen-password!", "totp": code}),
        )
    };
    assert_eq!(reauth(&code).await, StatusCode::NO_CONTENT);
    assert_eq!(reauth(&code).await, StatusCode::UNAUTHORIZED, "replayed");
    // A code of an earlier step than the last accepted one is refused too.
    let earlier = t.totp_code("sgen").unwrap();
    let later = t.totp_code("sgen").unwrap();
    assert_eq!(reauth(&later).await, StatusCode::NO_CONTENT);
    assert_eq!(
        reauth(&earlier).await,
        StatusCode::UNAUTHORIZED,
        "older step"
    );
}
