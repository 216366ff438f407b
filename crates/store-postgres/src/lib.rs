//! Accord's storage on PostgreSQL: for deployments that outgrow one machine. Several Accord
//! instances may share one database: appends lock the case row (`FOR UPDATE`) and the events'
//! primary key `(case_id, seq)` is the last word on optimistic concurrency. PostgreSQL's default
//! `synchronous_commit = on` makes an acknowledged append durable.
//!
//! The ports themselves are written once for both SQL backends in `accord-store-sql`; this crate
//! holds PostgreSQL's [`Dialect`] ([`PgDialect`]), the connection set-up and the migrations.

use std::time::Duration;

use accord_app::ports::{Append, MessageRecord, StoreError};
use accord_store_sql::{
    Dialect, SqlStore, apply_append, backend_error, post_message_in_transaction,
};
use sqlx::Postgres;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions, PgQueryResult};

/// The embedded migrations.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The PostgreSQL store: every storage port of `accord-store-sql` in PostgreSQL's dialect.
/// Opened with `PgStore::open("postgres://…")`.
pub type PgStore = SqlStore<PgDialect>;

/// PostgreSQL's side of the SQL store: its statements, the case-row lock of an append and the
/// advisory lock of a channel post. It holds nothing beside the pool.
#[derive(Clone, Copy, Debug, Default)]
pub struct PgDialect;

impl Dialect for PgDialect {
    type Db = Postgres;

    const NAME: &'static str = "postgres";
    const VERSION_FOR_APPEND_SQL: &'static str =
        "SELECT version FROM cases WHERE case_id = $1 FOR UPDATE";
    const VERIFY_SQL: &'static str = "SELECT convert_to(case_id, 'UTF8') AS case_id, position, format, seq, \
         convert_to(event_id, 'UTF8') AS event_id, recorded_at_ms, \
         convert_to(actor, 'UTF8') AS actor, convert_to(kind, 'UTF8') AS kind, \
         convert_to(rule_basis, 'UTF8') AS rule_basis, \
         convert_to(visibility, 'UTF8') AS visibility, convert_to(payload, 'UTF8') AS payload, \
         convert_to(prev_hash, 'UTF8') AS prev_hash, convert_to(hash, 'UTF8') AS hash \
         FROM events ORDER BY case_id COLLATE \"C\", position";
    const BEGIN_WRITE: Option<&'static str> = None;
    const MESSAGE_LOCK_SQL: Option<&'static str> =
        Some("SELECT pg_advisory_xact_lock(hashtext($1))");
    const NULLABLE_TEXT_CAST: &'static str = "::text";

    fn rows_affected(result: &PgQueryResult) -> u64 {
        result.rows_affected()
    }

    /// Connects by URL (`postgres://…`) and applies the migrations.
    async fn open(url: &str) -> Result<(PgPool, Self), StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(backend_error)?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))?;
        Ok((pool, PgDialect))
    }

    /// Appends in a transaction of its own; the commit returns once the WAL is flushed.
    async fn append_durably(&self, pool: &PgPool, append: Append) -> Result<(), StoreError> {
        let mut tx = pool.begin().await.map_err(backend_error)?;
        apply_append::<Self>(&mut tx, &append).await?;
        tx.commit().await.map_err(backend_error)
    }

    /// Posts in a transaction of its own, serialised per channel by an advisory lock.
    async fn post_message_durably(
        &self,
        pool: &PgPool,
        message: &MessageRecord,
    ) -> Result<i64, StoreError> {
        post_message_in_transaction::<Self>(pool, message).await
    }

    async fn close(&self, pool: &PgPool) -> Result<(), StoreError> {
        pool.close().await;
        Ok(())
    }
}

/// Helpers for tests that need a throw-away database on a test cluster.
pub mod testing {
    use sqlx::Connection;

    /// The cluster URL the tests use (`ACCORD_TEST_POSTGRES_URL`), if set. When
    /// `ACCORD_REQUIRE_POSTGRES=1` (as `scripts/test` sets it), a missing URL is an error rather
    /// than a skipped test.
    pub fn test_url() -> Option<String> {
        match std::env::var("ACCORD_TEST_POSTGRES_URL") {
            Ok(u) if !u.is_empty() => Some(u),
            _ => {
                assert!(
                    std::env::var("ACCORD_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                    "ACCORD_REQUIRE_POSTGRES=1 but ACCORD_TEST_POSTGRES_URL is not set"
                );
                eprintln!("ACCORD_TEST_POSTGRES_URL not set: PostgreSQL tests skipped");
                None
            }
        }
    }

    /// Creates a fresh, uniquely named database on the cluster and returns its URL.
    pub async fn fresh_database(cluster_url: &str) -> Result<String, sqlx::Error> {
        let name = format!("accord_t_{}", uuid_like());
        let mut admin = sqlx::PgConnection::connect(cluster_url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        let base = match cluster_url.rfind('/') {
            Some(i)
                if cluster_url[..i].ends_with(':')
                    || cluster_url[..i].contains('@')
                    || cluster_url[..i].contains("//") =>
            {
                &cluster_url[..i]
            }
            _ => cluster_url,
        };
        let (base, query) = match cluster_url.split_once('?') {
            Some((_, q)) => (base.split('?').next().unwrap_or(base), format!("?{q}")),
            None => (base, String::new()),
        };
        Ok(format!("{base}/{name}{query}"))
    }

    fn uuid_like() -> String {
        use std::time::{SystemTime, UNIX_EPOCH};
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        format!("{nanos:x}{:x}", std::process::id())
    }
}
