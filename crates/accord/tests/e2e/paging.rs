//! Every list is read in pages (docs/ARCHITECTURE.md, "Pages of a list"): through the API a client walks a list of
//! messages, events, documents, cases or access records with the cursor each page gives, and
//! receives every item once, in order, from either end; a page is never larger than asked or
//! than 500; a cursor only continues its own list, and a cursor naming an event the reader may
//! not see is refused exactly as a damaged one. The pages show the latest items with links to
//! earlier ones.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestServer, active_commercial};

/// One page as the API answers it: status, body, the next cursor and the `Link` header.
struct ApiPage {
    status: StatusCode,
    body: Value,
    next: Option<String>,
    link: Option<String>,
}

async fn get_page(t: &TestServer, who: &str, path: &str) -> ApiPage {
    let r = t
        .http
        .get(format!("{}{path}", t.base))
        .bearer_auth(t.token(who))
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (next, link) = (header("accord-next-cursor"), header("link"));
    let status = r.status();
    let body = r.json().await.unwrap_or(Value::Null);
    ApiPage {
        status,
        body,
        next,
        link,
    }
}

/// Walks a list from `path` (which has a query already) with `limit`; returns every item and
/// the number of pages, checking each page's size and that `Link` names the next cursor.
async fn walk(t: &TestServer, who: &str, path: &str, limit: usize) -> (Vec<Value>, usize) {
    let mut items = vec![];
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}&limit={limit}&cursor={c}"),
            None => format!("{path}&limit={limit}"),
        };
        let p = get_page(t, who, &url).await;
        assert_eq!(p.status, StatusCode::OK, "{url}: {}", p.body);
        let page = p.body.as_array().unwrap().clone();
        assert!(page.len() <= limit, "a page holds at most the limit");
        pages += 1;
        items.extend(page.clone());
        match p.next {
            Some(next) => {
                assert_eq!(page.len(), limit, "only a full page has a next one");
                let link = p.link.expect("a Link header beside the cursor");
                assert!(link.ends_with("; rel=\"next\""), "{link}");
                assert!(link.contains(&format!("cursor={next}")), "{link}");
                cursor = Some(next);
            }
            None => {
                assert!(p.link.is_none());
                return (items, pages);
            }
        }
    }
}

fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

/// A cursor as the server makes them, for the list `list` continuing after `key`.
fn forged_cursor(list: &str, key: Value) -> String {
    URL_SAFE_NO_PAD.encode(json!({"l": list, "o": "o", "k": key}).to_string())
}

async fn post_messages(t: &TestServer, who: &str, case: &str, channel: &str, n: usize) {
    for i in 0..n {
        let (s, v) = t
            .post(
                who,
                &format!("/api/v1/cases/{case}/channels/{channel}/messages"),
                json!({"body": format!("message {i:03}")}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
}

async fn messages_in_pages(t: &mut TestServer) {
    let case = active_commercial(t).await;
    post_messages(t, "harbour", &case, "plenary", 230).await;
    let base = format!("/api/v1/cases/{case}/channels/plenary/messages");

    // Without a limit: the first 100, oldest first, and a cursor.
    let first = get_page(t, "indah", &base).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body.as_array().unwrap().len(), 100);
    assert!(first.next.is_some());

    let (oldest, pages) = walk(t, "indah", &format!("{base}?order=oldest"), 40).await;
    let bodies: Vec<String> = oldest
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect();
    let want: Vec<String> = (0..230).map(|i| format!("message {i:03}")).collect();
    assert_eq!(bodies, want, "every message once, in order");
    assert_eq!(pages, 6);
    let (newest, _) = walk(t, "mediator", &format!("{base}?order=newest"), 100).await;
    let seqs: Vec<i64> = newest.iter().map(|m| m["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=230).rev().collect::<Vec<_>>());

    // Bounds and damaged or foreign cursors.
    for bad in ["0", "-3", "501", "100000"] {
        let p = get_page(t, "indah", &format!("{base}?limit={bad}")).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "limit {bad}");
        assert_eq!(error_code(&p.body), "invalid-limit");
    }
    let next = first.next.unwrap();
    let caucus = format!("/api/v1/cases/{case}/channels/caucus:H/messages");
    for (path, cursor) in [
        (base.clone(), "not-a-cursor".to_owned()),
        (base.clone(), URL_SAFE_NO_PAD.encode("{\"l\":1}")),
        (caucus.clone(), next.clone()),
        (format!("/api/v1/cases/{case}/events"), next.clone()),
    ] {
        let who = if path.contains("caucus") {
            "harbour"
        } else {
            "indah"
        };
        let p = get_page(t, who, &format!("{path}?cursor={cursor}")).await;
        assert_eq!(
            p.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {cursor}"
        );
        assert_eq!(error_code(&p.body), "invalid-cursor", "{}", p.body);
    }
}

async fn events_in_pages_hide_what_the_reader_may_not_see(t: &mut TestServer) {
    let case = active_commercial(t).await;
    // Events only H's side and the mediator see: documents filed in H's caucus.
    for i in 0..3 {
        let r = t
            .http
            .post(format!(
                "{}/api/v1/cases/{case}/channels/caucus:H/documents",
                t.base
            ))
            .bearer_auth(t.token("harbour"))
            .header("accord-filing", format!("title=Private+note+{i}"))
            .header("content-type", "application/pdf")
            .body(format!("%PDF-1.7\n% note {i}\n%%EOF\n"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap()
        );
    }
    let events = format!("/api/v1/cases/{case}/events");
    for who in ["harbour", "indah", "mediator", "sgen"] {
        let all = get_page(t, who, &format!("{events}?limit=500")).await;
        assert!(all.next.is_none());
        let all = all.body.as_array().unwrap().clone();
        let (paged, _) = walk(t, who, &format!("{events}?order=oldest"), 7).await;
        assert_eq!(
            paged, all,
            "{who}: the pages hold exactly the one long page"
        );
        let (newest, _) = walk(t, who, &format!("{events}?order=newest"), 5).await;
        let mut reversed = all.clone();
        reversed.reverse();
        assert_eq!(newest, reversed, "{who}");
    }
    // I's pages never hold H's caucus events, and a cursor naming one is refused as a damaged
    // cursor is (nothing tells I such an event exists).
    let (h_events, _) = walk(t, "harbour", &format!("{events}?order=oldest"), 50).await;
    let hidden: Vec<&Value> = h_events
        .iter()
        .filter(|e| e["visibility"] == "channel:caucus:H")
        .collect();
    assert_eq!(hidden.len(), 3);
    let (i_events, _) = walk(t, "indah", &format!("{events}?order=oldest"), 50).await;
    assert!(
        i_events
            .iter()
            .all(|e| e["visibility"] != "channel:caucus:H")
    );
    let list = format!("events:{case}");
    let of_hidden = forged_cursor(&list, hidden[0]["event_id"].clone());
    let of_nothing = forged_cursor(&list, json!("01890000-0000-7000-8000-000000000000"));
    let mut answers = vec![];
    for c in [&of_hidden, &of_nothing] {
        let p = get_page(t, "indah", &format!("{events}?cursor={c}")).await;
        answers.push((p.status, p.body));
    }
    assert_eq!(answers[0].0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&answers[0].1), "invalid-cursor");
    assert_eq!(
        answers[0], answers[1],
        "a hidden event answers as a missing one"
    );
    // The same cursor continues H's own list.
    let p = get_page(t, "harbour", &format!("{events}?cursor={of_hidden}")).await;
    assert_eq!(p.status, StatusCode::OK);
}

async fn documents_cases_and_the_access_log_in_pages(t: &mut TestServer) {
    let case = active_commercial(t).await;
    for i in 0..7 {
        let r = t
            .http
            .post(format!(
                "{}/api/v1/cases/{case}/channels/plenary/documents",
                t.base
            ))
            .bearer_auth(t.token("harbour"))
            .header("accord-filing", format!("title=Exhibit+{i}"))
            .header("content-type", "application/pdf")
            .body(format!("%PDF-1.7\n% exhibit {i}\n%%EOF\n"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let docs = format!("/api/v1/cases/{case}/channels/plenary/documents");
    let (oldest, pages) = walk(t, "indah", &format!("{docs}?order=oldest"), 3).await;
    let titles: Vec<&str> = oldest
        .iter()
        .map(|d| d["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        (0..7).map(|i| format!("Exhibit {i}")).collect::<Vec<_>>()
    );
    assert_eq!(pages, 3);
    let (newest, _) = walk(t, "indah", &format!("{docs}?order=newest"), 2).await;
    assert_eq!(newest.first().unwrap()["title"], "Exhibit 6");
    assert_eq!(newest.len(), 7);

    // Cases: five more, read by the Secretariat two at a time, equal the one long page.
    for _ in 0..5 {
        crate::harness::active_commercial_again(t).await;
    }
    let all = get_page(t, "sgen", "/api/v1/cases?limit=500").await;
    let all = all.body.as_array().unwrap().clone();
    assert_eq!(all.len(), 6);
    let (paged, pages) = walk(t, "sgen", "/api/v1/cases?state=ACTIVE", 2).await;
    assert_eq!(paged, all);
    assert_eq!(pages, 3);
    let p = get_page(t, "sgen", "/api/v1/cases?offset=-1").await;
    assert_eq!(error_code(&p.body), "invalid-offset");

    // The access log: caucus reads, newest first, a page at a time.
    post_messages(t, "harbour", &case, "caucus:H", 3).await;
    for _ in 0..4 {
        let p = get_page(
            t,
            "mediator",
            &format!("/api/v1/cases/{case}/channels/caucus:H/messages"),
        )
        .await;
        assert_eq!(p.status, StatusCode::OK);
    }
    let log = format!("/api/v1/access-log?case_id={case}");
    let long = get_page(t, "sgen", &format!("{log}&limit=500")).await;
    let long = long.body.as_array().unwrap().clone();
    assert!(long.len() >= 12, "four reads of three messages");
    let (paged, _) = walk(t, "sgen", &log, 5).await;
    assert_eq!(paged, long);
    let times: Vec<&str> = paged.iter().map(|a| a["at"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
}

async fn pages_link_to_earlier_items(t: &mut TestServer) {
    let case = active_commercial(t).await;
    post_messages(t, "harbour", &case, "plenary", 60).await;
    let path = format!("/cases/{case}/channels/plenary");
    let (s, html) = t.page("indah", &path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("message 059"), "the latest message is shown");
    assert!(html.contains("message 010"));
    assert!(!html.contains("message 009"), "the 50 latest only");
    let earlier = html
        .split("href=\"")
        .map(|h| h.split('"').next().unwrap())
        .find(|h| h.contains("?messages="))
        .expect("a link to earlier messages")
        .replace("&amp;", "&");
    let (s, older) = t.page("indah", &earlier).await;
    assert_eq!(s, StatusCode::OK);
    assert!(older.contains("message 000") && older.contains("message 009"));
    assert!(!older.contains("message 010"));
    assert!(
        older.contains(&format!("href=\"{path}#messages-h\"")),
        "back to the latest"
    );

    // The case page shows its latest events, with a link to earlier ones once there are more.
    let (_, case_page) = t.page("indah", &format!("/cases/{case}")).await;
    let (_, v) = t
        .get("indah", &format!("/api/v1/cases/{case}/events?limit=500"))
        .await;
    let count = v.as_array().unwrap().len();
    assert_eq!(case_page.contains("?events="), count > 50, "{count} events");
    let (s, bad) = t
        .page("indah", &format!("/cases/{case}?events=broken"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("first page"), "the error says what to do");
}

crate::on_both_backends!(
    messages_in_pages,
    events_in_pages_hide_what_the_reader_may_not_see,
    documents_cases_and_the_access_log_in_pages,
    pages_link_to_earlier_items,
);
