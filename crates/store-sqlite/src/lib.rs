//! Accord's storage on SQLite: the embedded default.
//!
//! * WAL journal with `synchronous=FULL`: an acknowledged append has been fsync'd.
//! * Appends go through one writer task that commits the appends queued at the same moment in one
//!   transaction (group commit), each in its own savepoint, so that a conflict in one does not
//!   affect the others and one fsync covers them all.
//! * Reads use a pool of reader connections (WAL lets them run beside the writer).
//!
//! The queries are shared with the PostgreSQL backend (`store-sql/shared.rs`).

mod writer;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use accord_app::ports::{
    AccessRecord, AccountStore, Append, AttestationRecord, CaseProjection, CaseQuery, CaseStore,
    ChannelStore, DocumentRecord, DocumentStore, DraftRecord, DraftStore, IdempotencyClaim,
    IdempotencyStore, KeyRotationStore, LogEntry, MessageRecord, NegotiationInputRecord,
    NegotiationStore, RegistryStore, RelayRecord, SessionRecord, Store, StoreError,
    TransparencyStore, UserRecord, VerifyReport, WrappedSecrets,
};
use accord_domain::party::{CountryCode, ExclusionDeclaration};
use accord_evidence::{ChainVerifier, EventRecord, RawEvent};
use async_trait::async_trait;
use sqlx::SqliteConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, migrate::Migrator};
use tokio::sync::{mpsc, oneshot};

/// The embedded migrations.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

type This = SqliteStore;
type DbRow = SqliteRow;
type DbConn = SqliteConnection;
const BACKEND_NAME: &str = "sqlite";
const VERSION_FOR_APPEND_SQL: &str = "SELECT version FROM cases WHERE case_id = $1";
/// How a transaction that writes begins (SQLite takes the write lock at once).
const BEGIN_WRITE: Option<&str> = Some("BEGIN IMMEDIATE");
const MESSAGE_LOCK_SQL: Option<&str> = None;
const VERIFY_SQL: &str = "SELECT CAST(case_id AS BLOB) AS case_id, seq, \
     CAST(event_id AS BLOB) AS event_id, recorded_at_ms, CAST(actor AS BLOB) AS actor, \
     CAST(kind AS BLOB) AS kind, CAST(rule_basis AS BLOB) AS rule_basis, \
     CAST(visibility AS BLOB) AS visibility, CAST(payload AS BLOB) AS payload, \
     CAST(prev_hash AS BLOB) AS prev_hash, CAST(hash AS BLOB) AS hash \
     FROM events ORDER BY case_id, seq";

fn list_sql() -> String {
    list_sql_with("")
}

/// The SQLite store.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    writer: mpsc::Sender<writer::Job>,
}

fn options(url: &str) -> Result<SqliteConnectOptions, StoreError> {
    Ok(SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::Backend(format!("bad SQLite URL '{url}': {e}")))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10)))
}

impl SqliteStore {
    /// Opens (creating if missing) the database file and applies the embedded migrations.
    pub async fn open_file(path: &Path) -> Result<Self, StoreError> {
        let url = format!("sqlite://{}", path.display());
        Self::open(&url).await
    }

    /// Opens a database by URL (`sqlite://path` or `sqlite::memory:` is not supported: the
    /// writer and readers need a shared file).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let opts = options(url)?;
        let readers = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts.clone())
            .await
            .map_err(backend)?;
        MIGRATOR
            .run(&readers)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))?;
        let conn = <sqlx::SqliteConnection as sqlx::Connection>::connect_with(&opts)
            .await
            .map_err(backend)?;
        let (tx, rx) = mpsc::channel(1024);
        tokio::spawn(writer::run(conn, rx));
        Ok(SqliteStore {
            pool: readers,
            writer: tx,
        })
    }

    async fn append_durably(&self, append: Append) -> Result<(), StoreError> {
        let (reply, rx) = oneshot::channel();
        self.writer
            .send(writer::Job { append, reply })
            .await
            .map_err(|_| StoreError::Backend("the SQLite writer has stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Backend("the SQLite writer has stopped".into()))?
    }

    /// The reader pool (for benchmarks and administration).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

include!("../../../store-sql/shared.rs");
