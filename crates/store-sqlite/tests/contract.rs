//! The storage contract on SQLite, plus SQLite-specific durability and tamper checks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use accord_app::ports::CaseStore;
use accord_store_sqlite::SqliteStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_passes_the_storage_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_file(&dir.path().join("accord.sqlite3"))
        .await
        .unwrap();
    accord_store_contract::run_all(Arc::new(store)).await;
}

#[tokio::test]
async fn a_flipped_byte_in_any_stored_event_column_is_reported_at_that_event() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_file(&dir.path().join("t.sqlite3"))
        .await
        .unwrap();
    let h =
        accord_store_contract::append_n(&store, "case-t", 0, accord_evidence::GENESIS_HASH, 5, &[])
            .await
            .unwrap();
    let _ = h;
    let pool = store.pool().clone();
    let columns = [
        "event_id",
        "actor",
        "kind",
        "rule_basis",
        "visibility",
        "payload",
        "prev_hash",
        "hash",
    ];
    let mut tried = 0;
    for seq in 1..=5i64 {
        for col in columns {
            let original: Vec<u8> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT CAST({col} AS BLOB) FROM events WHERE case_id = 'case-t' AND seq = $1"
            )))
            .bind(seq)
            .fetch_one(&pool)
            .await
            .unwrap();
            // Every position of the short columns, a spread of positions of the payload.
            let step = if original.len() > 64 {
                original.len() / 16
            } else {
                1
            };
            for pos in (0..original.len()).step_by(step) {
                let mut damaged = original.clone();
                damaged[pos] ^= 0x01;
                let set = |v: Vec<u8>| {
                    let pool = pool.clone();
                    async move {
                        sqlx::query(sqlx::AssertSqlSafe(format!(
                            "UPDATE events SET {col} = CAST($1 AS TEXT) WHERE case_id = 'case-t' AND seq = $2"
                        )))
                        .bind(v)
                        .bind(seq)
                        .execute(&pool)
                        .await
                        .is_ok()
                    }
                };
                if !set(damaged).await {
                    // The damaged value cannot even be stored (it collides with a unique key).
                    continue;
                }
                let report = store.verify_chains().await.unwrap();
                tried += 1;
                assert_eq!(
                    report.breaks.len(),
                    1,
                    "{col}[{pos}] of event {seq} not detected"
                );
                assert_eq!(
                    report.breaks[0].seq, seq,
                    "{col}[{pos}]: {}",
                    report.breaks[0]
                );
                assert!(set(original.clone()).await);
            }
        }
    }
    assert!(store.verify_chains().await.unwrap().breaks.is_empty());
    assert!(tried > 300, "tried {tried}");
}

/// A database written before per-audience chains (migrations up to 0008, format-1 events) is
/// migrated in place and continues (`accord_store_contract::migrated_old_log_continues`).
#[tokio::test]
async fn an_old_single_chain_log_is_migrated_and_continues_with_audience_chains() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let old = accord_store_contract::old_format_log();
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    accord_store_sqlite::MIGRATOR
        .run_to(8, &pool)
        .await
        .unwrap();
    for r in &old {
        sqlx::query(accord_store_contract::OLD_EVENT_INSERT)
            .bind(&r.case_id)
            .bind(r.seq)
            .bind(&r.event_id)
            .bind(r.recorded_at_ms)
            .bind(&r.actor)
            .bind(&r.kind)
            .bind(&r.rule_basis)
            .bind(&r.visibility)
            .bind(&r.payload)
            .bind(&r.prev_hash)
            .bind(&r.hash)
            .execute(&pool)
            .await
            .unwrap();
    }
    sqlx::query(accord_store_contract::OLD_CASE_INSERT)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let store = SqliteStore::open_file(&path).await.unwrap();
    accord_store_contract::migrated_old_log_continues(&store, &old).await;
}
