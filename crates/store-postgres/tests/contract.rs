//! The storage contract on PostgreSQL (needs `ACCORD_TEST_POSTGRES_URL`; `scripts/test` starts a
//! throw-away cluster and sets it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use accord_store_postgres::{PgStore, testing};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_passes_the_storage_contract() {
    let Some(cluster) = testing::test_url() else {
        return;
    };
    let url = testing::fresh_database(&cluster).await.unwrap();
    let store = PgStore::open(&url).await.unwrap();
    accord_store_contract::run_all(Arc::new(store)).await;
}

#[tokio::test]
async fn a_changed_event_on_postgres_is_reported_at_that_event() {
    let Some(cluster) = testing::test_url() else {
        return;
    };
    let url = testing::fresh_database(&cluster).await.unwrap();
    let store = PgStore::open(&url).await.unwrap();
    accord_store_contract::append_n(&store, "case-p", 0, accord_evidence::GENESIS_HASH, 4, &[])
        .await
        .unwrap();
    for (col, seq) in [("payload", 2), ("hash", 3), ("actor", 4), ("prev_hash", 1)] {
        let sql = format!(
            "UPDATE events SET {col} = overlay({col} placing (CASE WHEN substr({col}, 3, 1) = 'a' THEN 'b' ELSE 'a' END) from 3 for 1) \
             WHERE case_id = 'case-p' AND seq = $1"
        );
        let before: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT {col} FROM events WHERE case_id = 'case-p' AND seq = $1"
        )))
        .bind(seq)
        .fetch_one(store.pool())
        .await
        .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(seq)
            .execute(store.pool())
            .await
            .unwrap();
        let report = accord_app::ports::CaseStore::verify_chains(&store)
            .await
            .unwrap();
        assert_eq!(report.breaks.len(), 1, "{col}");
        assert_eq!(report.breaks[0].seq, seq, "{col}");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE events SET {col} = $1 WHERE case_id = 'case-p' AND seq = $2"
        )))
        .bind(before)
        .bind(seq)
        .execute(store.pool())
        .await
        .unwrap();
    }
    assert!(
        accord_app::ports::CaseStore::verify_chains(&store)
            .await
            .unwrap()
            .breaks
            .is_empty()
    );
}

/// A database written before per-audience chains (migrations up to 0008, format-1 events) is
/// migrated in place and continues (`accord_store_contract::migrated_old_log_continues`).
#[tokio::test]
async fn an_old_single_chain_log_on_postgres_is_migrated_and_continues() {
    let Some(cluster) = testing::test_url() else {
        return;
    };
    let url = testing::fresh_database(&cluster).await.unwrap();
    let old = accord_store_contract::old_format_log();
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    accord_store_postgres::MIGRATOR
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
    let store = PgStore::open(&url).await.unwrap();
    accord_store_contract::migrated_old_log_continues(&store, &old).await;
}
