//! The single SQLite writer with group commit.

use accord_app::ports::{Append, StoreError};
use accord_store_sql::{apply_append, backend_error};
use sqlx::{Acquire, Connection, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use crate::SqliteDialect;

/// One append waiting for the writer.
pub(crate) struct Job {
    pub append: Append,
    pub reply: oneshot::Sender<Result<(), StoreError>>,
}

/// What the writer is asked.
pub(crate) enum Message {
    /// Commit an append (boxed: the close message is small).
    Append(Box<Job>),
    /// A clean stop: fold the write-ahead log into the database, close the connection, answer,
    /// and end.
    Close(oneshot::Sender<Result<(), StoreError>>),
}

/// Largest number of appends committed together.
const MAX_BATCH: usize = 256;

/// Runs until every sender is gone: takes the appends queued now, commits them in one
/// transaction (one fsync), and answers each only after the commit.
pub(crate) async fn run(mut conn: SqliteConnection, mut rx: mpsc::Receiver<Message>) {
    while let Some(first) = rx.recv().await {
        let first = match first {
            Message::Append(j) => *j,
            Message::Close(reply) => {
                let _ = reply.send(close(conn).await);
                return;
            }
        };
        let mut batch = vec![first];
        let mut closing = None;
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(Message::Append(j)) => batch.push(*j),
                Ok(Message::Close(reply)) => {
                    closing = Some(reply);
                    break;
                }
                Err(_) => break,
            }
        }
        metrics::gauge!("accord_store_writer_queue_depth").set(rx.len() as f64);
        metrics::histogram!("accord_store_commit_batch_size").record(batch.len() as f64);
        let results = commit_batch(&mut conn, &batch).await;
        for (job, result) in batch.into_iter().zip(results) {
            let _ = job.reply.send(result);
        }
        if let Some(reply) = closing {
            let _ = reply.send(close(conn).await);
            return;
        }
    }
}

/// Folds the write-ahead log into the database (emptying it) and closes the writer's connection.
async fn close(mut conn: SqliteConnection) -> Result<(), StoreError> {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await
        .map_err(backend_error)?;
    conn.close().await.map_err(backend_error)
}

async fn commit_batch(conn: &mut SqliteConnection, batch: &[Job]) -> Vec<Result<(), StoreError>> {
    let fail_all = |e: StoreError| batch.iter().map(|_| Err(e.clone())).collect();
    // BEGIN IMMEDIATE takes the write lock first (waiting under busy_timeout), so a reader
    // connection's write in between cannot invalidate this transaction's snapshot.
    let mut tx = match Connection::begin_with(conn, "BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => return fail_all(backend_error(e)),
    };
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        let mut sp = match Acquire::begin(&mut *tx).await {
            Ok(sp) => sp,
            Err(e) => return fail_all(backend_error(e)),
        };
        match apply_append::<SqliteDialect>(&mut sp, &job.append).await {
            Ok(()) => {
                if let Err(e) = sp.commit().await {
                    return fail_all(backend_error(e));
                }
                results.push(Ok(()));
            }
            Err(e) => {
                if let Err(e) = sp.rollback().await {
                    return fail_all(backend_error(e));
                }
                results.push(Err(e));
            }
        }
    }
    match tx.commit().await {
        Ok(()) => results,
        Err(e) => fail_all(backend_error(e)),
    }
}
