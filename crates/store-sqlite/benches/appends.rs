//! Durable appends through the SQLite store against the raw SQLite commit rate, in one run on
//! one disk, run as `bench/appends` (release build). Prints:
//!
//! 1. the raw rate: one 512-byte row per transaction, WAL, `synchronous=FULL`, one connection
//!    (rusqlite, so no driver cost is counted against SQLite);
//! 2. Accord's durable appends per second with 64 concurrent appenders (group commit), each a
//!    real append: version check, a sealed hash-chained event, its chain's head, the case
//!    projection and a membership row, acknowledged after the commit's fsync;
//! 3. one appender alone (nothing to batch);
//! 4. the ratio of (2) to (1), and where an append's time goes outside the store (sealing:
//!    canonical JSON and SHA-256).
//!
//! `ACCORD_BENCH_DIR` picks the disk (default: the current directory);
//! `ACCORD_BENCH_APPENDS` the appends per appender (default 100).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;
use std::time::Instant;

use accord_app::ports::{Append, CaseStore};
use accord_evidence::{ChainHead, GENESIS_HASH, NewEvent, seal};
use accord_store_sqlite::SqliteStore;
use serde_json::json;

fn event(i: i64, case: &str) -> NewEvent {
    NewEvent {
        event_id: format!("{case}-{i}"),
        recorded_at_ms: 1_800_000_000_000 + i,
        actor: "user:bench".into(),
        kind: "note".into(),
        rule_basis: "bench".into(),
        visibility: "case".into(),
        payload: json!({"type": "note", "i": i, "text": "x".repeat(300)}),
    }
}

fn raw_commits(path: &std::path::Path, n: usize) -> f64 {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .unwrap();
    c.execute_batch(
        "PRAGMA synchronous = FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
    )
    .unwrap();
    let body = "x".repeat(512);
    let start = Instant::now();
    for i in 0..n {
        c.execute_batch("BEGIN").unwrap();
        c.prepare_cached("INSERT INTO t (id, body) VALUES (?1, ?2)")
            .unwrap()
            .execute(rusqlite::params![i as i64, body])
            .unwrap();
        c.execute_batch("COMMIT").unwrap();
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Appends `per_writer` events to each of `writers` cases at once; returns appends per second.
async fn appends(store: Arc<SqliteStore>, writers: usize, per_writer: usize, run: &str) -> f64 {
    let start = Instant::now();
    let mut tasks = vec![];
    for w in 0..writers {
        let store = store.clone();
        let case = format!("{run}-{w}");
        tasks.push(tokio::spawn(async move {
            let mut head = GENESIS_HASH.to_owned();
            for v in 0..per_writer as i64 {
                let heads = std::collections::BTreeMap::from([(
                    "case".to_owned(),
                    ChainHead {
                        seq: v,
                        hash: head.clone(),
                    },
                )]);
                let recs = seal(&case, v, &heads, vec![event(v, &case)]).unwrap();
                head = recs[0].hash.clone();
                let projection =
                    accord_store_contract::projection(&case, v + 1, &head, &["bench-member"]);
                store
                    .append(Append {
                        expected_version: v,
                        records: recs,
                        projection,
                        documents: vec![],
                    })
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    (writers * per_writer) as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let per = std::env::var("ACCORD_BENCH_APPENDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir =
        tempfile::tempdir_in(std::env::var("ACCORD_BENCH_DIR").unwrap_or_else(|_| ".".into()))
            .unwrap();
    println!(
        "# Durable appends against raw SQLite commits (data in {})",
        dir.path().display()
    );
    let raw = raw_commits(&dir.path().join("raw.sqlite3"), 3_000);
    println!("raw SQLite commits/s (WAL, synchronous=FULL, 1 row per commit): {raw:.0}");
    // Sealing alone: canonical JSON and SHA-256 of one event, as every append does first.
    let t = Instant::now();
    let n = 20_000;
    let mut head = GENESIS_HASH.to_owned();
    for v in 0..n {
        let heads = std::collections::BTreeMap::from([(
            "case".to_owned(),
            ChainHead {
                seq: v,
                hash: head.clone(),
            },
        )]);
        head = seal("seal-only", v, &heads, vec![event(v, "seal-only")]).unwrap()[0]
            .hash
            .clone();
    }
    let seal_us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("sealing one event (canonical JSON + SHA-256): {seal_us:.1} µs");
    rt.block_on(async {
        let store = Arc::new(
            SqliteStore::open_file(&dir.path().join("appends.sqlite3"))
                .await
                .unwrap(),
        );
        // Warm up: the statements prepared, the file grown.
        appends(store.clone(), 16, 20, "warm").await;
        let ours = appends(store.clone(), 64, per, "bench").await;
        println!("Accord durable appends/s (64 concurrent appenders, group commit): {ours:.0}");
        let single = appends(store.clone(), 1, per * 10, "single").await;
        println!("Accord durable appends/s (one appender, no batching possible): {single:.0}");
        println!("ratio appends/raw: {:.2}", ours / raw);
        store.close().await.unwrap();
    });
}
