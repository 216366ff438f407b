//! The single SQLite writer with group commit.

use accord_app::ports::{Append, StoreError};
use sqlx::{Acquire, Connection, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use crate::backend;

/// One append waiting for the writer.
pub(crate) struct Job {
    pub append: Append,
    pub reply: oneshot::Sender<Result<(), StoreError>>,
}

/// Largest number of appends committed together.
const MAX_BATCH: usize = 256;

/// Runs until every sender is gone: takes the appends queued now, commits them in one
/// transaction (one fsync), and answers each only after the commit.
pub(crate) async fn run(mut conn: SqliteConnection, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        let results = commit_batch(&mut conn, &batch).await;
        for (job, result) in batch.into_iter().zip(results) {
            let _ = job.reply.send(result);
        }
    }
}

async fn commit_batch(conn: &mut SqliteConnection, batch: &[Job]) -> Vec<Result<(), StoreError>> {
    let fail_all = |e: StoreError| batch.iter().map(|_| Err(e.clone())).collect();
    let mut tx = match Connection::begin(conn).await {
        Ok(tx) => tx,
        Err(e) => return fail_all(backend(e)),
    };
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        let mut sp = match Acquire::begin(&mut *tx).await {
            Ok(sp) => sp,
            Err(e) => return fail_all(backend(e)),
        };
        match apply(&mut sp, &job.append).await {
            Ok(()) => {
                if let Err(e) = sp.commit().await {
                    return fail_all(backend(e));
                }
                results.push(Ok(()));
            }
            Err(e) => {
                if let Err(e) = sp.rollback().await {
                    return fail_all(backend(e));
                }
                results.push(Err(e));
            }
        }
    }
    match tx.commit().await {
        Ok(()) => results,
        Err(e) => fail_all(backend(e)),
    }
}

async fn apply(conn: &mut SqliteConnection, a: &Append) -> Result<(), StoreError> {
    let p = &a.projection;
    let current: Option<i64> = sqlx::query_scalar("SELECT version FROM cases WHERE case_id = $1")
        .bind(&p.case_id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
    let current = current.unwrap_or(0);
    if current != a.expected_version {
        return Err(StoreError::Conflict { current });
    }
    for r in &a.records {
        sqlx::query(
            "INSERT INTO events (case_id, seq, event_id, recorded_at_ms, actor, kind, rule_basis, \
             visibility, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
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
        .execute(&mut *conn)
        .await
        .map_err(|e| match backend(e) {
            StoreError::Duplicate(_) => StoreError::Conflict { current },
            other => other,
        })?;
    }
    sqlx::query(
        "INSERT INTO cases (case_id, reference, title, dispute_type, state, version, head_hash, \
         next_action_ms, next_deadline_ms, updated_at_ms, case_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (case_id) DO UPDATE SET title = excluded.title, state = excluded.state, \
         version = excluded.version, head_hash = excluded.head_hash, \
         next_action_ms = excluded.next_action_ms, next_deadline_ms = excluded.next_deadline_ms, \
         updated_at_ms = excluded.updated_at_ms, case_json = excluded.case_json",
    )
    .bind(&p.case_id)
    .bind(&p.reference)
    .bind(&p.title)
    .bind(&p.dispute_type)
    .bind(&p.state)
    .bind(p.version)
    .bind(&p.head_hash)
    .bind(p.next_action_ms)
    .bind(p.next_deadline_ms)
    .bind(p.updated_at_ms)
    .bind(&p.case_json)
    .execute(&mut *conn)
    .await
    .map_err(backend)?;
    for m in &p.members {
        sqlx::query(
            "INSERT INTO case_members (user_id, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(m)
        .bind(&p.case_id)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    }
    Ok(())
}
