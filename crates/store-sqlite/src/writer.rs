//! The single SQLite writer with group commit.
//!
//! It runs on a thread of its own with a connection of its own, driven through rusqlite rather
//! than sqlx: an append is eight short statements (the version check, the event, its chain's
//! head read and written, the projection, the membership rows, the savepoint and its release),
//! and through sqlx each of them is a message to the connection's worker thread and an answer
//! back, which cost more than the statement itself. Here the statements are prepared once and
//! kept (`prepare_cached`), and an append is plain calls into SQLite on one thread
//! (docs/PERFORMANCE.md, "Durable appends"). Channel messages, the other frequent write, go the
//! same way and share the appends' commits. Everything else, reads and the rarer writes, still
//! goes through sqlx.
//!
//! What is committed is exactly what `accord_store_sql::apply_append` commits on PostgreSQL (the
//! storage contract runs on both); the statements are the same text.

use std::path::Path;
use std::time::Duration;

use accord_app::ports::{Append, DocumentRecord, MessageRecord, StoreError};
use accord_evidence::{EventFormat, EventRecord, GENESIS_HASH};
use accord_store_sql::INSERT_MESSAGE_SQL;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, params};
use tokio::sync::{mpsc, oneshot};

/// One write waiting for the writer, with where its answer goes.
pub(crate) enum Job {
    /// A case's events, projection, members and filed documents.
    Append {
        append: Append,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
    /// A message posted in a channel; answered with its position in the channel.
    PostMessage {
        message: MessageRecord,
        reply: oneshot::Sender<Result<i64, StoreError>>,
    },
}

/// What a job wrote.
enum Written {
    Appended,
    Posted(i64),
}

impl Job {
    /// Sends the job's outcome to whoever queued it (who may have given up waiting).
    fn answer(self, result: Result<Written, StoreError>) {
        match self {
            Job::Append { reply, .. } => {
                let _ = reply.send(result.map(|_| ()));
            }
            Job::PostMessage { reply, .. } => {
                let _ = reply.send(result.and_then(|w| match w {
                    Written::Posted(seq) => Ok(seq),
                    Written::Appended => Err(StoreError::Backend(
                        "the writer answered a post with an append".into(),
                    )),
                }));
            }
        }
    }

    /// Applies the job inside the batch's transaction (in its own savepoint).
    fn apply(&self, conn: &Connection) -> Result<Written, StoreError> {
        match self {
            Job::Append { append, .. } => apply_append(conn, append).map(|()| Written::Appended),
            Job::PostMessage { message, .. } => post_message(conn, message).map(Written::Posted),
        }
    }
}

/// What the writer is asked.
pub(crate) enum Message {
    /// Commit a write (boxed: the close message is small).
    Write(Box<Job>),
    /// A clean stop: fold the write-ahead log into the database, close the connection, answer,
    /// and end.
    Close(oneshot::Sender<Result<(), StoreError>>),
}

/// Largest number of writes committed together.
const MAX_BATCH: usize = 256;

/// A failure of the writer's connection, as the ports name it: a unique key taken is
/// [`StoreError::Duplicate`] (the caller decides what it means), anything else a backend error.
fn store_error(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, message)
            if f.code == ErrorCode::ConstraintViolation
                && matches!(
                    f.extended_code,
                    rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                ) =>
        {
            StoreError::Duplicate(message.clone().unwrap_or_else(|| e.to_string()))
        }
        _ => StoreError::Backend(e.to_string()),
    }
}

/// Opens the writer's connection to the database file at `path` (already created and migrated
/// by the readers' pool) with the same settings: WAL, `synchronous=FULL`, foreign keys, secure
/// delete and a busy timeout.
pub(crate) fn open(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(store_error)?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(store_error)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(store_error)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Backend(format!(
            "the SQLite writer could not use the write-ahead log (journal mode {mode})"
        )));
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;",
    )
    .map_err(store_error)?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

/// Starts the writer on a thread of its own; it ends when every sender is gone or a
/// [`Message::Close`] arrives.
pub(crate) fn spawn(conn: Connection, rx: mpsc::Receiver<Message>) -> Result<(), StoreError> {
    std::thread::Builder::new()
        .name("accord-sqlite-writer".into())
        .spawn(move || run(conn, rx))
        .map(|_| ())
        .map_err(|e| StoreError::Backend(format!("cannot start the SQLite writer: {e}")))
}

/// Takes the appends queued now, commits them in one transaction (one fsync), and answers each
/// only after the commit.
fn run(mut conn: Connection, mut rx: mpsc::Receiver<Message>) {
    while let Some(first) = rx.blocking_recv() {
        let first = match first {
            Message::Write(j) => *j,
            Message::Close(reply) => {
                let _ = reply.send(close(conn));
                return;
            }
        };
        let mut batch = vec![first];
        let mut closing = None;
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(Message::Write(j)) => batch.push(*j),
                Ok(Message::Close(reply)) => {
                    closing = Some(reply);
                    break;
                }
                Err(_) => break,
            }
        }
        metrics::gauge!("accord_store_writer_queue_depth").set(rx.len() as f64);
        metrics::histogram!("accord_store_commit_batch_size").record(batch.len() as f64);
        let results = commit_batch(&mut conn, &batch);
        for (job, result) in batch.into_iter().zip(results) {
            job.answer(result);
        }
        if let Some(reply) = closing {
            let _ = reply.send(close(conn));
            return;
        }
    }
}

/// Folds the write-ahead log into the database (emptying it) and closes the connection.
fn close(conn: Connection) -> Result<(), StoreError> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .map_err(store_error)?;
    conn.close().map_err(|(_, e)| store_error(e))
}

fn step(conn: &Connection, sql: &str) -> Result<(), StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute([]))
        .map(|_| ())
        .map_err(store_error)
}

/// Commits the batch in one transaction, each write in its own savepoint: a refused write
/// is rolled back alone; a failure of the transaction itself fails them all (nothing written).
fn commit_batch(conn: &mut Connection, batch: &[Job]) -> Vec<Result<Written, StoreError>> {
    let fail_all = |conn: &Connection, e: StoreError| {
        let _ = conn.execute_batch("ROLLBACK");
        batch.iter().map(|_| Err(e.clone())).collect()
    };
    // BEGIN IMMEDIATE takes the write lock first (waiting under the busy timeout), so a reader
    // connection's write in between cannot invalidate this transaction's snapshot.
    if let Err(e) = step(conn, "BEGIN IMMEDIATE") {
        return batch.iter().map(|_| Err(e.clone())).collect();
    }
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        if let Err(e) = step(conn, "SAVEPOINT append") {
            return fail_all(conn, e);
        }
        match job.apply(conn) {
            Ok(written) => {
                if let Err(e) = step(conn, "RELEASE append") {
                    return fail_all(conn, e);
                }
                results.push(Ok(written));
            }
            Err(refused) => {
                if let Err(e) =
                    step(conn, "ROLLBACK TO append").and_then(|()| step(conn, "RELEASE append"))
                {
                    return fail_all(conn, e);
                }
                results.push(Err(refused));
            }
        }
    }
    match step(conn, "COMMIT") {
        Ok(()) => results,
        Err(e) => fail_all(conn, e),
    }
}

/// Extends the summary of the record's chain (`case_chains`), as `accord_store_sql` does: a
/// format-2 record must continue the chain's stored head, or the append is a conflict.
fn extend_chain(conn: &Connection, r: &EventRecord, current: i64) -> Result<(), StoreError> {
    let stored: Option<(i64, String)> = conn
        .prepare_cached("SELECT seq, head_hash FROM case_chains WHERE case_id = ?1 AND chain = ?2")
        .and_then(|mut s| {
            s.query_row(params![r.case_id, r.visibility], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()
        })
        .map_err(store_error)?;
    let (seq, head) = stored.unwrap_or((0, GENESIS_HASH.to_owned()));
    let (new_seq, new_head) = match r.format {
        EventFormat::V2 => {
            if r.seq != seq + 1 || r.prev_hash != head {
                return Err(StoreError::Conflict { current });
            }
            (r.seq, r.hash.clone())
        }
        EventFormat::V1 => (seq, head),
    };
    conn.prepare_cached(
        "INSERT INTO case_chains (case_id, chain, length, seq, head_hash, last_hash, \
         last_position, updated_at_ms) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT (case_id, chain) DO UPDATE SET length = case_chains.length + 1, \
         seq = excluded.seq, head_hash = excluded.head_hash, last_hash = excluded.last_hash, \
         last_position = excluded.last_position, updated_at_ms = excluded.updated_at_ms",
    )
    .and_then(|mut s| {
        s.execute(params![
            r.case_id,
            r.visibility,
            new_seq,
            new_head,
            r.hash,
            r.position,
            r.recorded_at_ms
        ])
    })
    .map_err(store_error)?;
    Ok(())
}

/// A unique key taken inside an append means another writer got there first: the append is
/// decided again ([`StoreError::Conflict`]).
fn taken_is_conflict(current: i64) -> impl Fn(StoreError) -> StoreError {
    move |e| match e {
        StoreError::Duplicate(_) => StoreError::Conflict { current },
        other => other,
    }
}

/// Appends one case's events, projection, members and filed documents, checking the case's
/// version first.
fn apply_append(conn: &Connection, a: &Append) -> Result<(), StoreError> {
    let p = &a.projection;
    let current: i64 = conn
        .prepare_cached("SELECT version FROM cases WHERE case_id = ?1")
        .and_then(|mut s| s.query_row([&p.case_id], |r| r.get(0)).optional())
        .map_err(store_error)?
        .unwrap_or(0);
    if current != a.expected_version {
        return Err(StoreError::Conflict { current });
    }
    for r in &a.records {
        conn.prepare_cached(
            "INSERT INTO events (case_id, position, format, seq, event_id, recorded_at_ms, actor, \
             kind, rule_basis, visibility, payload, prev_hash, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )
        .and_then(|mut s| {
            s.execute(params![
                r.case_id,
                r.position,
                r.format.number(),
                r.seq,
                r.event_id,
                r.recorded_at_ms,
                r.actor,
                r.kind,
                r.rule_basis,
                r.visibility,
                r.payload,
                r.prev_hash,
                r.hash
            ])
        })
        .map_err(store_error)
        .map_err(taken_is_conflict(current))?;
        extend_chain(conn, r, current)?;
    }
    conn.prepare_cached(
        "INSERT INTO cases (case_id, reference, title, dispute_type, state, version, head_hash, \
         next_action_ms, next_deadline_ms, updated_at_ms, case_json) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
         ON CONFLICT (case_id) DO UPDATE SET title = excluded.title, state = excluded.state, \
         version = excluded.version, head_hash = excluded.head_hash, \
         next_action_ms = excluded.next_action_ms, next_deadline_ms = excluded.next_deadline_ms, \
         updated_at_ms = excluded.updated_at_ms, case_json = excluded.case_json",
    )
    .and_then(|mut s| {
        s.execute(params![
            p.case_id,
            p.reference,
            p.title,
            p.dispute_type,
            p.state,
            p.version,
            p.head_hash,
            p.next_action_ms,
            p.next_deadline_ms,
            p.updated_at_ms,
            p.case_json
        ])
    })
    .map_err(store_error)?;
    for m in &p.members {
        conn.prepare_cached(
            "INSERT INTO case_members (user_id, case_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )
        .and_then(|mut s| s.execute(params![m, p.case_id]))
        .map_err(store_error)?;
    }
    // A filed document's record becomes visible with its `document-filed` event, or not at all.
    for d in &a.documents {
        insert_document(conn, d).map_err(taken_is_conflict(current))?;
    }
    Ok(())
}

/// Posts a message at its channel's next position (the writer holds the only write lock, so no
/// other poster can take the same position in between) and returns that position.
fn post_message(conn: &Connection, m: &MessageRecord) -> Result<i64, StoreError> {
    conn.prepare_cached(INSERT_MESSAGE_SQL)
        .and_then(|mut s| {
            s.query_row(
                params![
                    m.id,
                    m.case_id,
                    m.channel,
                    m.author,
                    m.posted_at_ms,
                    i64::from(m.without_prejudice),
                    i64::from(m.confidential),
                    m.relay_json,
                    m.body,
                    m.size
                ],
                |r| r.get(0),
            )
        })
        .map_err(store_error)
}

fn insert_document(conn: &Connection, d: &DocumentRecord) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO documents (id, case_id, channel, series, version, title, file_name, \
         language, without_prejudice, translation_of, media_type, size, sha256, object_key, \
         uploaded_by, uploaded_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )
    .and_then(|mut s| {
        s.execute(params![
            d.id,
            d.case_id,
            d.channel,
            d.series,
            d.version,
            d.title,
            d.file_name,
            d.language,
            i64::from(d.without_prejudice),
            d.translation_of,
            d.media_type,
            d.size,
            d.sha256,
            d.object_key,
            d.uploaded_by,
            d.uploaded_at_ms
        ])
    })
    .map(|_| ())
    .map_err(store_error)
}
