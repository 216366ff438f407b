//! The append itself: one case's events and projection written inside a transaction the
//! dialect opened (SQLite's writer batches several in one; PostgreSQL opens one per append).

use accord_app::ports::{Append, StoreError};
use accord_evidence::{EventFormat, EventRecord, GENESIS_HASH};
use sqlx::Transaction;

use crate::sql::{query, query_as, query_scalar};
use crate::{Dialect, backend_error};

/// Extends the summary of the record's chain (`case_chains`). A format-2 record must continue
/// the chain's stored head (the next `seq`, linking to its `head_hash`), or the append is a
/// [`StoreError::Conflict`]; a format-1 record (only ever written by tests and tools rebuilding
/// an old log) counts in the chain's length without touching its format-2 head.
async fn extend_chain<D: Dialect>(
    tx: &mut Transaction<'_, D::Db>,
    r: &EventRecord,
    current: i64,
) -> Result<(), StoreError> {
    let stored: Option<(i64, String)> =
        query_as("SELECT seq, head_hash FROM case_chains WHERE case_id = $1 AND chain = $2")
            .bind(&r.case_id)
            .bind(&r.visibility)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_error)?;
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
    query(
        "INSERT INTO case_chains (case_id, chain, length, seq, head_hash, last_hash, \
         last_position, updated_at_ms) VALUES ($1, $2, 1, $3, $4, $5, $6, $7) \
         ON CONFLICT (case_id, chain) DO UPDATE SET length = case_chains.length + 1, \
         seq = excluded.seq, head_hash = excluded.head_hash, last_hash = excluded.last_hash, \
         last_position = excluded.last_position, updated_at_ms = excluded.updated_at_ms",
    )
    .bind(&r.case_id)
    .bind(&r.visibility)
    .bind(new_seq)
    .bind(&new_head)
    .bind(&r.hash)
    .bind(r.position)
    .bind(r.recorded_at_ms)
    .execute(&mut *tx)
    .await
    .map_err(backend_error)?;
    Ok(())
}

/// Appends one case's events and projection inside the caller's transaction, checking the
/// case's version first (read with `D::VERSION_FOR_APPEND_SQL`, which locks the row where the
/// database can); a version that moved, or an event position taken meanwhile, is a
/// [`StoreError::Conflict`].
pub async fn apply_append<D: Dialect>(
    tx: &mut Transaction<'_, D::Db>,
    a: &Append,
) -> Result<(), StoreError> {
    let p = &a.projection;
    let current: Option<i64> = query_scalar(D::VERSION_FOR_APPEND_SQL)
        .bind(&p.case_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend_error)?;
    let current = current.unwrap_or(0);
    if current != a.expected_version {
        return Err(StoreError::Conflict { current });
    }
    for r in &a.records {
        query(
            "INSERT INTO events (case_id, position, format, seq, event_id, recorded_at_ms, actor, \
             kind, rule_basis, visibility, payload, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(&r.case_id)
        .bind(r.position)
        .bind(r.format.number())
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
        .execute(&mut *tx)
        .await
        .map_err(|e| match backend_error(e) {
            StoreError::Duplicate(_) => StoreError::Conflict { current },
            other => other,
        })?;
        extend_chain::<D>(tx, r, current).await?;
    }
    query(
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
    .execute(&mut *tx)
    .await
    .map_err(backend_error)?;
    for m in &p.members {
        query("INSERT INTO case_members (user_id, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(m)
            .bind(&p.case_id)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
    }
    // A filed document's record becomes visible with its `document-filed` event, or not at all.
    for d in &a.documents {
        crate::documents::insert_document::<D::Db>(d)
            .execute(&mut *tx)
            .await
            .map_err(|e| match backend_error(e) {
                // Its series' version was taken meanwhile: the filing is decided again.
                StoreError::Duplicate(_) => StoreError::Conflict { current },
                other => other,
            })?;
    }
    Ok(())
}
