//! Accord's storage ports on SQL, written once for every SQL backend.
//!
//! [`SqlStore`] implements each storage port of `accord-app` (one module per port: `cases`,
//! `accounts`, `idempotency`, `registry`, `channels`, `negotiation`, `transparency`, `drafts`,
//! `documents`, `key_rotation`) generically over a [`Dialect`], which says what differs between
//! the backends: the sqlx driver, a few statements, how a writing transaction begins and how an
//! append becomes durable. `accord-store-sqlite` and `accord-store-postgres` each provide a
//! dialect, the connection set-up and their migrations.
//!
//! The SQL here is portable between SQLite and PostgreSQL (`$n` placeholders, `ON CONFLICT`),
//! and the contract suite (`accord-store-contract`) runs it against both. [`sql`] gathers the
//! sqlx bounds the generic code needs.

mod accounts;
mod append;
mod cases;
mod channels;
pub mod dialect;
mod documents;
mod drafts;
mod idempotency;
mod key_rotation;
mod meetings;
mod negotiation;
mod notifications;
mod registry;
pub mod sql;
mod transparency;

use std::path::Path;

use accord_app::ports::{Store, StoreError};
use async_trait::async_trait;
use sqlx::{Pool, Transaction};

pub use append::apply_append;
pub use channels::{INSERT_MESSAGE_SQL, post_message_in_transaction};
pub use dialect::{Dialect, FileDialect};

use sql::query;

/// Every storage port on one SQL database, the backend's differences held by the dialect `D`.
#[derive(Clone)]
pub struct SqlStore<D: Dialect> {
    pool: Pool<D::Db>,
    dialect: D,
}

impl<D: Dialect> SqlStore<D> {
    /// Connects by URL and applies the backend's embedded migrations (see each dialect's
    /// `open` for the URLs it takes).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let (pool, dialect) = D::open(url).await?;
        Ok(SqlStore { pool, dialect })
    }

    /// The connection pool, for benchmarks and administration (on SQLite: the readers; appends
    /// go through the writer).
    pub fn pool(&self) -> &Pool<D::Db> {
        &self.pool
    }

    /// Starts a transaction that writes, the dialect's way.
    async fn begin_write(&self) -> Result<Transaction<'static, D::Db>, StoreError> {
        begin_write::<D>(&self.pool).await
    }
}

/// Starts a transaction that writes on `pool`, the dialect's way.
async fn begin_write<D: Dialect>(
    pool: &Pool<D::Db>,
) -> Result<Transaction<'static, D::Db>, StoreError> {
    match D::BEGIN_WRITE {
        Some(begin) => pool.begin_with(begin).await,
        None => pool.begin().await,
    }
    .map_err(backend_error)
}

impl<D: FileDialect> SqlStore<D> {
    /// Opens (creating if missing) the database file at `path` and applies the migrations.
    pub async fn open_file(path: &Path) -> Result<Self, StoreError> {
        Self::open(&D::file_url(path)).await
    }
}

/// Maps a driver error to a store error: a unique-key violation is a duplicate, anything else
/// a backend failure.
pub fn backend_error(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e
        && d.is_unique_violation()
    {
        return StoreError::Duplicate(d.message().to_owned());
    }
    StoreError::Backend(e.to_string())
}

#[async_trait]
impl<D: Dialect> Store for SqlStore<D> {
    async fn ping(&self) -> Result<(), StoreError> {
        query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        D::NAME
    }
}
