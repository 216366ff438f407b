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
