//! Parties' sealed negotiation inputs, one row per party and kind (`NegotiationStore`).

use accord_app::ports::{NegotiationInputRecord, NegotiationStore, StoreError};
use async_trait::async_trait;
use sqlx::Row;

use crate::sql::{ReadColumn, SqlDatabase, query};
use crate::{Dialect, SqlStore, backend_error};

fn negotiation_input_from_row<R: Row<Database: SqlDatabase>>(
    r: &R,
) -> Result<NegotiationInputRecord, sqlx::Error> {
    Ok(NegotiationInputRecord {
        case_id: r.read("case_id")?,
        negotiation_id: r.read("negotiation_id")?,
        party_id: r.read("party_id")?,
        kind: r.read("kind")?,
        author: r.read("author")?,
        updated_at_ms: r.read("updated_at_ms")?,
        body: r.read("body")?,
    })
}

#[async_trait]
impl<D: Dialect> NegotiationStore for SqlStore<D> {
    async fn put_negotiation_input(&self, r: &NegotiationInputRecord) -> Result<(), StoreError> {
        query(
            "INSERT INTO negotiation_inputs (case_id, negotiation_id, party_id, kind, author, \
             updated_at_ms, body) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (case_id, negotiation_id, party_id, kind) DO UPDATE SET \
             author = excluded.author, updated_at_ms = excluded.updated_at_ms, body = excluded.body",
        )
        .bind(&r.case_id)
        .bind(&r.negotiation_id)
        .bind(&r.party_id)
        .bind(&r.kind)
        .bind(&r.author)
        .bind(r.updated_at_ms)
        .bind(&r.body)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn negotiation_inputs(
        &self,
        case_id: &str,
        negotiation_id: &str,
    ) -> Result<Vec<NegotiationInputRecord>, StoreError> {
        let rows = query(
            "SELECT * FROM negotiation_inputs WHERE case_id = $1 AND negotiation_id = $2 \
             ORDER BY party_id, kind",
        )
        .bind(case_id)
        .bind(negotiation_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(negotiation_input_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }
}
