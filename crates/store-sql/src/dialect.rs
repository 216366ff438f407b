//! What differs between the SQL backends. Everything else — the schema's shape, every other
//! statement, the mapping of rows to records — is shared by [`crate::SqlStore`].

use std::future::Future;
use std::path::Path;

use accord_app::ports::{Append, MessageRecord, StoreError};
use sqlx::{Database, Pool};

use crate::sql::SqlDatabase;

/// One SQL backend: its sqlx driver, the few statements that must be worded for it, how a
/// writing transaction starts, and how an append is made durable. A value of the dialect lives in
/// the store and holds what the backend runs beside the pool (SQLite's writer task).
pub trait Dialect: Clone + Send + Sync + 'static {
    /// The sqlx database type (its pool, connection and row types follow from it).
    type Db: SqlDatabase;

    /// The backend's name, as `Store::backend` reports it.
    const NAME: &'static str;

    /// Reads a case's version at the start of an append, locking the case row where the
    /// database can (`FOR UPDATE`), so concurrent appenders to one case queue behind each other.
    /// One parameter: the case id.
    const VERSION_FOR_APPEND_SQL: &'static str;

    /// Every event in `(case_id, position)` order, each text column as bytes (so the chain verifier
    /// sees exactly the stored bytes, even invalid UTF-8), with the column names of `events`.
    const VERIFY_SQL: &'static str;

    /// How a transaction that writes begins, when the driver's plain `BEGIN` is not enough
    /// (SQLite: `BEGIN IMMEDIATE` takes the write lock at once, waiting under the busy timeout,
    /// so another connection's write cannot invalidate the transaction's snapshot).
    const BEGIN_WRITE: Option<&'static str>;

    /// Serialises concurrent posts to one channel inside their transaction, where the database
    /// needs it (PostgreSQL: an advisory lock; SQLite's write lock already does it). One
    /// parameter: `case_id/channel`.
    const MESSAGE_LOCK_SQL: Option<&'static str>;

    /// Appended to a text parameter that is only compared with `NULL` (`$1 IS NULL`), where the
    /// database cannot otherwise infer its type (PostgreSQL: `::text`).
    const NULLABLE_TEXT_CAST: &'static str;

    /// How many rows a statement changed (sqlx keeps this on each driver's own result type).
    fn rows_affected(result: &<Self::Db as Database>::QueryResult) -> u64;

    /// Connects by URL, applies the backend's migrations and starts what the dialect runs
    /// beside the pool.
    fn open(url: &str) -> impl Future<Output = Result<(Pool<Self::Db>, Self), StoreError>> + Send;

    /// Commits one append (events and projection, via [`crate::apply_append`]) and returns only
    /// once it is durable.
    fn append_durably(
        &self,
        pool: &Pool<Self::Db>,
        append: Append,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Posts one message at its channel's next position (via
    /// [`crate::post_message_in_transaction`] or the same statement) and returns that position
    /// only once the message is durable.
    fn post_message_durably(
        &self,
        pool: &Pool<Self::Db>,
        message: &MessageRecord,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Closes the store at a clean stop: what the dialect runs beside the pool, then the pool.
    fn close(&self, pool: &Pool<Self::Db>) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// A dialect whose database is one local file, so a store can be opened by its path (SQLite).
pub trait FileDialect: Dialect {
    /// The URL that opens the database file at `path`.
    fn file_url(path: &Path) -> String;
}
