//! The cost of one page of each list as the list grows, run as `bench/paging` (release build).
//!
//! For 100, 1,000, 10,000 and 100,000 items in one list (a channel's messages, a case's events,
//! a channel's documents, the Secretariat's case list, the access log of one case), reads a page
//! of 50 at the start of the list, in its middle and at its end (with the cursor key of the item
//! before, as a client paging there would), on SQLite, and prints the median and p99 time per page.
//! A page deep in a list of 100,000 should cost what the first page of 100 does.
//!
//! `ACCORD_BENCH_SIZES` (comma-separated) changes the sizes; `ACCORD_BENCH_DIR` the disk.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use accord_app::ports::{
    AccessRecord, Append, CaseQuery, CaseStore, ChannelStore, DocumentRecord, DocumentStore,
    EventQuery, MessageRecord, Order,
};
use accord_evidence::{ChainHead, GENESIS_HASH, NewEvent, seal};
use accord_store_sqlite::SqliteStore;
use serde_json::json;

const PAGE: i64 = 50;
const READS: usize = 200;

fn sizes() -> Vec<usize> {
    std::env::var("ACCORD_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100, 1_000, 10_000, 100_000])
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Times `READS` reads of `read`, after 20 to warm the caches; returns (p50, p99) in ms.
async fn time<F: AsyncFnMut() -> usize>(mut read: F) -> (f64, f64) {
    for _ in 0..20 {
        assert!(read().await > 0);
    }
    let mut lat = Vec::with_capacity(READS);
    for _ in 0..READS {
        let t = Instant::now();
        let n = read().await;
        lat.push(t.elapsed());
        assert!(n > 0);
    }
    lat.sort();
    (
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
    )
}

fn report(list: &str, n: usize, at: &str, (p50, p99): (f64, f64)) {
    println!("{list:<10} {n:>7} items  page at {at:<6}  p50 {p50:>7.3} ms  p99 {p99:>7.3} ms");
}

async fn fill(store: &Arc<SqliteStore>, n: usize) {
    let case = format!("bench-{n}");
    // Messages (the ones of another channel interleaved, as a caucus beside the plenary).
    let mut tasks = vec![];
    for w in 0..16 {
        let store = store.clone();
        let case = case.clone();
        tasks.push(tokio::spawn(async move {
            for i in (w..n).step_by(16) {
                for channel in ["plenary", "caucus:A"] {
                    store
                        .post_message(&MessageRecord {
                            id: format!("{case}-{channel}-m{i}"),
                            case_id: case.clone(),
                            channel: channel.into(),
                            seq: 0,
                            author: "u".into(),
                            posted_at_ms: i as i64,
                            without_prejudice: false,
                            confidential: false,
                            relay_json: None,
                            body: vec![7; 300],
                            size: 300,
                        })
                        .await
                        .unwrap();
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // Events: half in the case-wide chain, half in a party's (the reader reads both).
    let mut heads = std::collections::BTreeMap::new();
    for c in ["case", "party:A", "party:B"] {
        heads.insert(
            c.to_owned(),
            ChainHead {
                seq: 0,
                hash: GENESIS_HASH.to_owned(),
            },
        );
    }
    let mut version = 0;
    while version < n as i64 * 3 / 2 {
        let batch = 500.min(n as i64 * 3 / 2 - version);
        let events: Vec<NewEvent> = (0..batch)
            .map(|i| {
                let k = version + i;
                NewEvent {
                    event_id: format!("{case}-e{k}"),
                    recorded_at_ms: 1_800_000_000_000 + k,
                    actor: "user:bench".into(),
                    kind: "note".into(),
                    rule_basis: "bench".into(),
                    visibility: ["case", "party:A", "party:B"][(k % 3) as usize].into(),
                    payload: json!({"type": "note", "k": k, "text": "x".repeat(200)}),
                }
            })
            .collect();
        let recs = seal(&case, version, &heads, events).unwrap();
        for r in &recs {
            heads.insert(
                r.visibility.clone(),
                ChainHead {
                    seq: r.seq,
                    hash: r.hash.clone(),
                },
            );
        }
        let head = recs.last().unwrap().hash.clone();
        store
            .append(Append {
                expected_version: version,
                projection: accord_store_contract::projection(&case, version + batch, &head, &[]),
                records: recs,
                documents: vec![],
            })
            .await
            .unwrap();
        version += batch;
    }
    // Documents and access records.
    for i in 0..n {
        store
            .put_document(&DocumentRecord {
                id: format!("{case}-d{i:07}"),
                case_id: case.clone(),
                channel: if i % 2 == 0 { "plenary" } else { "caucus:A" }.into(),
                series: format!("{case}-s{i}"),
                version: 1,
                title: vec![1; 40],
                file_name: vec![2; 40],
                language: None,
                without_prejudice: false,
                translation_of: None,
                media_type: "application/pdf".into(),
                size: 1000,
                sha256: "0".repeat(64),
                object_key: format!("cases/{case}/documents/d{i}"),
                uploaded_by: "u".into(),
                uploaded_at_ms: i as i64,
            })
            .await
            .unwrap();
    }
    let access: Vec<AccessRecord> = (0..n)
        .map(|i| AccessRecord {
            id: format!("{case}-a{i:07}"),
            at_ms: i as i64,
            user_id: "u".into(),
            case_id: case.clone(),
            object: "message:m".into(),
            kind: "caucus".into(),
        })
        .collect();
    for chunk in access.chunks(1000) {
        store.log_access(chunk).await.unwrap();
    }
    // Cases, as the Secretariat lists them (every case of the deployment).
    let mut pending = vec![];
    for c in 0..n {
        let id = format!("{case}-c{c:07}");
        let recs = accord_store_contract::records(&id, 0, GENESIS_HASH, 1);
        let mut p = accord_store_contract::projection(&id, 1, &recs[0].hash, &[]);
        p.next_deadline_ms = (c % 5 != 0).then_some(1_900_000_000_000 + (c as i64 % 997));
        let store = store.clone();
        pending.push(tokio::spawn(async move {
            store
                .append(Append {
                    expected_version: 0,
                    records: recs,
                    projection: p,
                    documents: vec![],
                })
                .await
                .unwrap();
        }));
        if pending.len() >= 64 {
            for t in pending.drain(..) {
                t.await.unwrap();
            }
        }
    }
    for t in pending {
        t.await.unwrap();
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir =
            tempfile::tempdir_in(std::env::var("ACCORD_BENCH_DIR").unwrap_or_else(|_| ".".into()))
                .unwrap();
        println!(
            "# One page of {PAGE} items, {READS} reads each, SQLite (data in {})",
            dir.path().display()
        );
        for n in sizes() {
            // A deployment per size: the case list holds exactly n cases.
            let store = Arc::new(
                SqliteStore::open_file(&dir.path().join(format!("paging-{n}.sqlite3")))
                    .await
                    .unwrap(),
            );
            let t = Instant::now();
            fill(&store, n).await;
            println!(
                "# filled lists of {n} in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            let case = format!("bench-{n}");
            let points = [
                ("start", None),
                ("middle", Some(n / 2)),
                ("end", Some(n - PAGE as usize)),
            ];
            for (at, k) in points {
                let after = k.map(|k| k as i64);
                report(
                    "messages",
                    n,
                    at,
                    time(async || {
                        store
                            .messages(&case, "plenary", after, Order::Oldest, PAGE)
                            .await
                            .unwrap()
                            .len()
                    })
                    .await,
                );
            }
            for (at, k) in points {
                // Positions: the page continues after the event at this position.
                let after = k.map(|k| k as i64);
                report(
                    "events",
                    n,
                    at,
                    time(async || {
                        store
                            .events_page(&EventQuery {
                                case_id: case.clone(),
                                full: vec!["case".into(), "party:A".into()],
                                partial: vec![],
                                hidden_kinds: vec![],
                                after_position: after,
                                order: Order::Oldest,
                                limit: PAGE,
                            })
                            .await
                            .unwrap()
                            .len()
                    })
                    .await,
                );
            }
            for (at, k) in points {
                let after = k.map(|k| ((k / 2 * 2) as i64, format!("{case}-d{:07}", k / 2 * 2)));
                report(
                    "documents",
                    n,
                    at,
                    time(async || {
                        store
                            .documents_page(&case, "plenary", after.clone(), Order::Oldest, PAGE)
                            .await
                            .unwrap()
                            .len()
                    })
                    .await,
                );
            }
            for (at, k) in points {
                let before = k.map(|k| ((n - k) as i64, format!("{case}-a{:07}", n - k)));
                report(
                    "access",
                    n,
                    at,
                    time(async || {
                        store
                            .access_log(Some(&case), before.clone(), PAGE)
                            .await
                            .unwrap()
                            .len()
                    })
                    .await,
                );
            }
            // The case list: the key of the case at that place in the list's own order.
            let mut keys = vec![];
            let mut after = None;
            loop {
                let page = store
                    .list_cases(&CaseQuery {
                        member: None,
                        state: None,
                        limit: 500,
                        offset: 0,
                        after: after.clone(),
                    })
                    .await
                    .unwrap();
                keys.extend(page.iter().map(|p| (p.next_deadline_ms, p.case_id.clone())));
                if page.len() < 500 {
                    break;
                }
                after = keys.last().cloned();
            }
            // The n cases, and the case the events were appended to.
            assert_eq!(keys.len(), n + 1);
            for (at, k) in points {
                let after = k.map(|k| keys[k - 1].clone());
                report(
                    "cases",
                    n,
                    at,
                    time(async || {
                        store
                            .list_cases(&CaseQuery {
                                member: None,
                                state: None,
                                limit: PAGE,
                                offset: 0,
                                after: after.clone(),
                            })
                            .await
                            .unwrap()
                            .len()
                    })
                    .await,
                );
            }
        }
    });
}
