//! The public verification page (issue 6 item 4, issue 7): server-rendered, in every language,
//! right to left in Arabic, no scripts and no inline styles under the CSP, errors next to their
//! fields, and the same answer as the API — match or no match, nothing else.

use reqwest::StatusCode;

use crate::harness::{Backend, TestServer, settled_and_attested};

async fn page(
    t: &TestServer,
    method: reqwest::Method,
    path: &str,
    accept_language: Option<&str>,
    form: Option<&[(&str, &str)]>,
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let mut req = t.http.request(method, format!("{}{path}", t.base));
    if let Some(l) = accept_language {
        req = req.header("accept-language", l);
    }
    if let Some(f) = form {
        req = req.form(f);
    }
    let r = req.send().await.unwrap();
    let (s, h) = (r.status(), r.headers().clone());
    (s, h, r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_verification_page_speaks_every_language_under_a_strict_policy() {
    let t = TestServer::start(Backend::Sqlite).await.unwrap();
    let mut titles = std::collections::BTreeSet::new();
    for lang in accord_i18n::LANGUAGES {
        let (s, h, body) = page(
            &t,
            reqwest::Method::GET,
            &format!("/verify?lang={lang}"),
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{lang}");
        assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            !csp.contains("unsafe-inline") && csp.contains("default-src 'none'"),
            "{csp}"
        );
        assert!(body.contains(&format!("<html lang=\"{lang}\"")), "{lang}");
        let rtl = body.contains("dir=\"rtl\"");
        assert_eq!(rtl, *lang == "ar", "{lang}: direction");
        assert!(
            !body.contains("<script") && !body.contains("style="),
            "{lang}: inline code"
        );
        // Every control has its label, and the words are the language's own.
        assert!(body.contains("<label for=\"id\">") && body.contains("<label for=\"sha256\">"));
        let title = accord_i18n::message(lang, "verify-title", &[]).unwrap();
        assert!(body.contains(&format!("<h1>{title}</h1>")), "{lang}");
        assert!(
            titles.insert(title),
            "{lang}: a title shared with another language"
        );
    }
    // Without a choice, the browser's preference decides.
    let (_, _, body) = page(
        &t,
        reqwest::Method::GET,
        "/verify",
        Some("de, ru;q=0.8"),
        None,
    )
    .await;
    assert!(body.contains("<html lang=\"ru\""));
    let (s, h, css) = page(&t, reqwest::Method::GET, "/static/accord.css", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h["content-type"].to_str().unwrap().starts_with("text/css"));
    assert!(
        css.contains("inset-inline-start"),
        "logical properties for right to left"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_verification_page_answers_like_the_api_and_reveals_nothing_else() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let (_case, hash, id) = settled_and_attested(&mut t).await;
    let post = |form: Vec<(&'static str, String)>| {
        let t = &t;
        async move {
            let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            page(t, reqwest::Method::POST, "/verify", None, Some(&f)).await
        }
    };
    let (s, _, body) = post(vec![
        ("lang", "en".into()),
        ("id", id.clone()),
        ("sha256", hash.to_uppercase()),
    ])
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("class=\"result match\""), "{body}");
    assert!(
        body.contains("Match: this is the settlement agreement attested"),
        "{body}"
    );
    assert!(
        !body.contains("Harbour") && !body.contains("Indah"),
        "no party names"
    );
    // Pasted from an Arabic PDF, with the isolates and a byte-order mark along: still a match.
    let pasted = format!("\u{feff}\u{2068}{id}\u{2069} ");
    let (_, _, body) = post(vec![
        ("lang", "ar".into()),
        ("id", pasted),
        ("sha256", format!("\u{2068}{hash}\u{2069}")),
    ])
    .await;
    assert!(body.contains("class=\"result match\""), "{body}");
    // In French, and in Arabic with its own words.
    let (_, _, fr) = post(vec![
        ("lang", "fr".into()),
        ("id", id.clone()),
        ("sha256", hash.clone()),
    ])
    .await;
    assert!(fr.contains("Concordance"), "{fr}");
    // A wrong hash and an unknown id give the same page.
    let other = "ab".repeat(32);
    let (s1, _, wrong_hash) = post(vec![
        ("lang", "ar".into()),
        ("id", id.clone()),
        ("sha256", other.clone()),
    ])
    .await;
    let (s2, _, wrong_id) = post(vec![
        ("lang", "ar".into()),
        ("id", "0000-UNKNOWN".into()),
        ("sha256", other.clone()),
    ])
    .await;
    assert_eq!(s1, StatusCode::OK);
    assert!(wrong_hash.contains("class=\"result no-match\""));
    assert!(wrong_hash.contains(&accord_i18n::message("ar", "verify-no-match", &[]).unwrap()));
    assert_eq!(
        (s1, wrong_hash.replace(&id, "ID")),
        (s2, wrong_id.replace("0000-UNKNOWN", "ID")),
        "an unknown id answers like a wrong hash"
    );
    // Errors are announced next to their field, and what was typed stays.
    let (s, _, body) = post(vec![
        ("lang", "en".into()),
        ("id", "".into()),
        ("sha256", "xyz<script>".into()),
    ])
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("id=\"id-error\"") && body.contains("id=\"sha256-error\""));
    assert!(body.contains("aria-invalid=\"true\""));
    assert!(
        body.contains("xyz&#60;script&#62;") || body.contains("xyz&lt;script&gt;"),
        "escaped echo"
    );
    assert!(!body.contains("xyz<script>"));
    assert!(!body.contains("class=\"result"));
}
