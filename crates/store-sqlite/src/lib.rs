//! Accord's storage on SQLite: the embedded default.
//!
//! * WAL journal with `synchronous=FULL`: an acknowledged append has been fsync'd.
//! * Appends and channel messages go through one writer, on a thread and connection of its own, that commits the
//!   appends queued at the same moment in one transaction (group commit), each in its own
//!   savepoint, so that a conflict in one does not affect the others and one fsync covers them
//!   all (see `writer` for why it drives SQLite through rusqlite).
//! * Reads use a pool of reader connections (WAL lets them run beside the writer).
//!
//! The ports themselves are written once for both SQL backends in `accord-store-sql`; this crate
//! holds SQLite's [`Dialect`] ([`SqliteDialect`]), the connection set-up, the migrations and the
//! writer.

mod writer;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use accord_app::ports::{Append, MessageRecord, StoreError};
use accord_store_sql::{Dialect, FileDialect, SqlStore, backend_error};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};
use sqlx::{Sqlite, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

/// The embedded migrations.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The SQLite store: every storage port of `accord-store-sql` in SQLite's dialect. Opened with
/// `SqliteStore::open_file(path)` or `SqliteStore::open("sqlite://path")`.
pub type SqliteStore = SqlStore<SqliteDialect>;

/// SQLite's side of the SQL store: its statements, `BEGIN IMMEDIATE` for writes, and the handle
/// of the single writer task through which every append goes.
#[derive(Clone)]
pub struct SqliteDialect {
    writer: mpsc::Sender<writer::Message>,
}

fn options(url: &str) -> Result<SqliteConnectOptions, StoreError> {
    Ok(SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::Backend(format!("bad SQLite URL '{url}': {e}")))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        // Deleted rows are overwritten, not left readable in free pages (such as the clear
        // idempotent responses that migration 0012 drops).
        .pragma("secure_delete", "ON")
        .busy_timeout(Duration::from_secs(10)))
}

impl Dialect for SqliteDialect {
    type Db = Sqlite;

    const NAME: &'static str = "sqlite";
    // The writer is the only appender, so there is nothing to lock.
    const VERSION_FOR_APPEND_SQL: &'static str = "SELECT version FROM cases WHERE case_id = $1";
    const VERIFY_SQL: &'static str = "SELECT CAST(case_id AS BLOB) AS case_id, position, format, seq, \
         CAST(event_id AS BLOB) AS event_id, recorded_at_ms, CAST(actor AS BLOB) AS actor, \
         CAST(kind AS BLOB) AS kind, CAST(rule_basis AS BLOB) AS rule_basis, \
         CAST(visibility AS BLOB) AS visibility, CAST(payload AS BLOB) AS payload, \
         CAST(prev_hash AS BLOB) AS prev_hash, CAST(hash AS BLOB) AS hash \
         FROM events ORDER BY case_id, position";
    const BEGIN_WRITE: Option<&'static str> = Some("BEGIN IMMEDIATE");
    const MESSAGE_LOCK_SQL: Option<&'static str> = None;
    const NULLABLE_TEXT_CAST: &'static str = "";

    fn rows_affected(result: &SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    /// Opens (creating if missing) a database by URL, `sqlite://path` (`sqlite::memory:` is not
    /// supported: the writer and the readers need a shared file), applies the migrations and
    /// starts the writer.
    async fn open(url: &str) -> Result<(SqlitePool, Self), StoreError> {
        let opts = options(url)?;
        let readers = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts.clone())
            .await
            .map_err(backend_error)?;
        MIGRATOR
            .run(&readers)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))?;
        let conn = writer::open(opts.get_filename())?;
        let (tx, rx) = mpsc::channel(1024);
        writer::spawn(conn, rx)?;
        Ok((readers, SqliteDialect { writer: tx }))
    }

    /// Queues the append for the writer and waits for the commit that includes it.
    async fn append_durably(
        &self,
        _readers: &SqlitePool,
        append: Append,
    ) -> Result<(), StoreError> {
        let (reply, rx) = oneshot::channel();
        self.send(writer::Job::Append { append, reply }).await?;
        rx.await.map_err(|_| writer_stopped())?
    }

    /// Queues the post for the writer (it shares the appends' commits) and waits for the commit
    /// that includes it.
    async fn post_message_durably(
        &self,
        _readers: &SqlitePool,
        message: &MessageRecord,
    ) -> Result<i64, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.send(writer::Job::PostMessage {
            message: message.clone(),
            reply,
        })
        .await?;
        rx.await.map_err(|_| writer_stopped())?
    }

    async fn close(&self, readers: &SqlitePool) -> Result<(), StoreError> {
        self.close_all(readers).await
    }
}

fn writer_stopped() -> StoreError {
    StoreError::Backend("the SQLite writer has stopped".into())
}

impl SqliteDialect {
    /// Queues a write for the writer.
    async fn send(&self, job: writer::Job) -> Result<(), StoreError> {
        self.writer
            .send(writer::Message::Write(Box::new(job)))
            .await
            .map_err(|_| writer_stopped())
    }

    /// The clean stop: the writer folds the log in and closes, then the readers close (the last
    /// connection to close removes the emptied log files).
    async fn close_all(&self, readers: &SqlitePool) -> Result<(), StoreError> {
        let (reply, rx) = oneshot::channel();
        if self
            .writer
            .send(writer::Message::Close(reply))
            .await
            .is_ok()
        {
            rx.await.map_err(|_| writer_stopped())??;
        }
        readers.close().await;
        Ok(())
    }
}

impl FileDialect for SqliteDialect {
    fn file_url(path: &Path) -> String {
        format!("sqlite://{}", path.display())
    }
}

/// Writes a consistent copy of the database at `url` into a new file `into` while the server
/// runs (`VACUUM INTO`: one read transaction, so the copy is the database at one instant, with
/// the write-ahead log folded in). The copy has no journal of its own and is ready to open.
pub async fn snapshot_into(url: &str, into: &Path) -> Result<(), StoreError> {
    let target = into
        .to_str()
        .ok_or_else(|| StoreError::Backend(format!("{} is not UTF-8", into.display())))?;
    let mut conn = <SqliteConnection as sqlx::Connection>::connect_with(&options(url)?)
        .await
        .map_err(backend_error)?;
    sqlx::query("VACUUM INTO ?1")
        .bind(target)
        .execute(&mut conn)
        .await
        .map_err(backend_error)?;
    <SqliteConnection as sqlx::Connection>::close(conn)
        .await
        .map_err(backend_error)?;
    Ok(())
}
