//! The browser interface's security rules, through HTTP (issue 7 item 4): every form that
//! changes something needs the session's CSRF token and this site as its origin, and a forged one
//! changes nothing; the session cookie is `HttpOnly`, `SameSite=Strict` (and `Secure` behind TLS);
//! pages accept only the cookie, never a bearer token; redirects stay on this site and carry only
//! ids; the language and time zone are remembered per user.

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::json;

use crate::harness::{Backend, TestServer, active_commercial};

/// A forged post: its form fields and the origin it claims (if any).
type Attempt<'a> = (Vec<(&'a str, &'a str)>, Option<&'a str>);

/// A browser-like client that does not follow redirects (so that they can be inspected).
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// Signs in through the page; returns the session cookie (`accord_session=…`) and the CSRF token
/// read from the dashboard's forms.
pub(crate) async fn sign_in(
    t: &TestServer,
    http: &reqwest::Client,
    name: &str,
) -> (String, String) {
    let password = format!("{name}-password!");
    let mut form = vec![("username", name.to_owned()), ("password", password)];
    if let Some(code) = t.totp_code(name) {
        form.push(("code", code));
    }
    let r = http
        .post(format!("{}/login", t.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("SameSite=Strict"), "{set}");
    assert!(set.contains("Path=/"), "{set}");
    let cookie = set.split(';').next().unwrap().to_owned();
    let home = http
        .get(format!("{}/", t.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = home
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the dashboard carries the CSRF token in its forms")
        .to_owned();
    (cookie, csrf)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_that_changes_something_refuses_a_forged_request_and_changes_nothing() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = active_commercial(&mut t).await;
    let http = client();
    let (cookie, csrf) = sign_in(&t, &http, "harbour").await;
    let events_before = t.store.events(&case).await.unwrap().len();
    let mut tried = 0;
    for (method, path, needs_session) in accord_web::PAGES {
        if *method != "POST" || !needs_session {
            continue;
        }
        let path = path
            .replace("{case_id}", &case)
            .replace("{channel}", "plenary")
            .replace("{action}", "indicate-terms-agreed")
            .replace("{negotiation_id}", "N1")
            .replace("{bidding_id}", "B1")
            .replace("{proposal_id}", "P1")
            .replace("{party}", "H")
            .replace("{relay_id}", "R1")
            .replace("{country}", "XC")
            .replace("{profile_id}", "iomed-default");
        let url = format!("{}{path}", t.base);
        // No token, a wrong token, and the right token from another site: all refused.
        let attempts: [Attempt<'_>; 3] = [
            (vec![("body", "forged"), ("language", "fr")], None),
            (
                vec![("csrf", "0000"), ("body", "forged"), ("language", "fr")],
                None,
            ),
            (
                vec![
                    ("csrf", csrf.as_str()),
                    ("body", "forged"),
                    ("language", "fr"),
                ],
                Some("https://attacker.example"),
            ),
        ];
        for (form, origin) in attempts {
            let mut req = http.post(&url).header("cookie", &cookie).form(&form);
            if let Some(o) = origin {
                req = req
                    .header("origin", o)
                    .header("sec-fetch-site", "cross-site");
            }
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "POST {path} {origin:?}");
            tried += 1;
        }
    }
    assert!(tried >= 3 * 15, "only {tried} forged posts tried");
    assert_eq!(t.store.events(&case).await.unwrap().len(), events_before);
    let me = t.accord.authenticate(&t.token("harbour")).await.unwrap();
    assert_eq!(
        me.user.language, None,
        "a forged language change was applied"
    );
    let (_, msgs) = t
        .get(
            "harbour",
            &format!("/api/v1/cases/{case}/channels/plenary/messages"),
        )
        .await;
    assert!(!msgs.to_string().contains("forged"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_take_the_cookie_only_and_redirects_stay_on_this_site_with_ids_only() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = active_commercial(&mut t).await;
    let http = client();
    // Without a session a page sends the browser to sign in; a bearer token is not a session
    // for pages (it belongs to API clients, and pages must be CSRF-protected).
    for auth in [None, Some(format!("Bearer {}", t.token("harbour")))] {
        let mut req = http.get(format!("{}/cases/{case}", t.base));
        if let Some(a) = &auth {
            req = req.header("authorization", a);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/login");
    }
    let (cookie, csrf) = sign_in(&t, &http, "mediator").await;
    // An action from its form: 303 to the case page, with only the case id and the action name.
    let r = http
        .post(format!(
            "{}/cases/{case}/actions/indicate-terms-agreed",
            t.base
        ))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/cases/{case}?done=indicate-terms-agreed")
    );
    assert_eq!(t.state("mediator", &case).await, "SETTLEMENT_DRAFTING");
    // A message's text goes in the body, never in the URL it lands on.
    let r = http
        .post(format!(
            "{}/cases/{case}/channels/caucus:H/messages",
            t.base
        ))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("body", "Our bottom line is 1.4 million"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        !location.contains("bottom") && !location.contains("1.4"),
        "{location}"
    );
    // The language switch goes back only to a path on this site.
    for back in [
        "https://attacker.example/",
        "//attacker.example/x",
        "/\\attacker.example",
        "/\t/attacker.example/",
        "/\n/attacker.example/",
        "/\r\n/attacker.example/",
        "/\u{0}/attacker.example/",
        "/\u{85}/attacker.example/",
    ] {
        let r = http
            .post(format!("{}/account", t.base))
            .header("cookie", &cookie)
            .form(&[("csrf", csrf.as_str()), ("language", "fr"), ("back", back)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/account", "{back}");
    }
    // Pages carry the strict policy.
    let r = http
        .get(format!("{}/cases/{case}", t.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        !csp.contains("unsafe-inline") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    let body = r.text().await.unwrap();
    assert!(
        !body.contains("<script>") && !body.contains(" style=\""),
        "inline script or style"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_and_time_zone_are_remembered_per_user() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = active_commercial(&mut t).await;
    let http = client();
    let (cookie, csrf) = sign_in(&t, &http, "harbour").await;
    let get = |path: String, accept: &'static str| {
        let http = http.clone();
        let cookie = cookie.clone();
        async move {
            http.get(path)
                .header("cookie", cookie)
                .header("accept-language", accept)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    // The account page suggests the zones the system knows.
    let account = get(format!("{}/account", t.base), "en").await;
    assert!(
        account.contains("<option value=\"Asia/Hong_Kong\">"),
        "zone suggestions"
    );
    // Before a choice the browser's language decides.
    let page = get(format!("{}/cases/{case}", t.base), "ru").await;
    assert!(page.contains("<html lang=\"ru\" dir=\"ltr\""));
    // An unknown zone is refused next to its field, and nothing is stored.
    let r = http
        .post(format!("{}/account", t.base))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("language", "ar"),
            ("time_zone", "Mars/Olympus_Mons"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"zone-error\""));
    let me = t.accord.authenticate(&t.token("harbour")).await.unwrap();
    assert_eq!((me.user.language, me.user.time_zone), (None, None));
    let r = http
        .post(format!("{}/account", t.base))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("language", "ar"),
            ("time_zone", "Asia/Hong_Kong"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Whatever the browser says, the user's choice holds — in a new session too.
    let (cookie2, _) = sign_in(&t, &http, "harbour").await;
    let page = http
        .get(format!("{}/cases/{case}", t.base))
        .header("cookie", &cookie2)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\""));
    let stage = accord_i18n::message("ar", "state-ACTIVE", &[]).unwrap();
    assert!(page.contains(&stage), "the stage in Arabic");
    // Times in Hong Kong time, labelled so.
    assert!(page.contains("HKT"), "times are shown in the user's zone");
    assert!(!page.contains(" UTC"), "no time left in UTC");
    // The API shows the choice to its owner.
    let (_, me) = t.get("harbour", "/api/v1/me").await;
    assert_eq!(me["language"], json!("ar"));
    assert_eq!(me["time_zone"], json!("Asia/Hong_Kong"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_outside_the_case_sees_no_page_of_it() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = active_commercial(&mut t).await;
    t.user("stranger", "party-user").await;
    let http = client();
    let (cookie, _) = sign_in(&t, &http, "stranger").await;
    let (_, view) = t.get("harbour", &format!("/api/v1/cases/{case}")).await;
    let title = view["title"].as_str().unwrap().to_owned();
    let mut tried = 0;
    for (method, path, needs_session) in accord_web::PAGES {
        if *method != "GET" || !needs_session || !path.contains("{case_id}") {
            continue;
        }
        for channel in ["plenary", "caucus:H", "notes"] {
            let path = path
                .replace("{case_id}", &case)
                .replace("{channel}", channel)
                .replace("{negotiation_id}", "N1")
                .replace("{bidding_id}", "B1")
                .replace("{country}", "XC")
                .replace("{profile_id}", "iomed-default");
            let r = http
                .get(format!("{}{path}", t.base))
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "GET {path}");
            let body = r.text().await.unwrap();
            assert!(!body.contains(&title), "GET {path} shows the case title");
            assert!(
                !body.contains("Harbour Trading"),
                "GET {path} names a party"
            );
            tried += 1;
        }
    }
    assert!(tried >= 18, "only {tried} pages tried");
    // The case is not on the stranger's dashboard either.
    let home = http
        .get(format!("{}/", t.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!home.contains(&title) && !home.contains(&case));
}
