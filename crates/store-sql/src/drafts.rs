//! Sealed settlement draft versions (`DraftStore`).

use accord_app::ports::{DraftRecord, DraftStore, StoreError};
use async_trait::async_trait;

use crate::sql::{query, query_as};
use crate::{Dialect, SqlStore, backend_error};

#[async_trait]
impl<D: Dialect> DraftStore for SqlStore<D> {
    async fn put_draft(&self, d: &DraftRecord) -> Result<(), StoreError> {
        query(
            "INSERT INTO settlement_drafts (case_id, version, author, created_at_ms, text_hash, body) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&d.case_id)
        .bind(d.version)
        .bind(&d.author)
        .bind(d.created_at_ms)
        .bind(&d.text_hash)
        .bind(&d.body)
        .execute(&self.pool)
        .await
        .map_err(|e| match backend_error(e) {
            StoreError::Duplicate(_) => StoreError::Conflict { current: d.version },
            other => other,
        })?;
        Ok(())
    }

    async fn drafts(&self, case_id: &str) -> Result<Vec<DraftRecord>, StoreError> {
        let rows: Vec<(String, i64, String, i64, String, Vec<u8>)> = query_as(
            "SELECT case_id, version, author, created_at_ms, text_hash, body \
             FROM settlement_drafts WHERE case_id = $1 ORDER BY version",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(rows
            .into_iter()
            .map(
                |(case_id, version, author, created_at_ms, text_hash, body)| DraftRecord {
                    case_id,
                    version,
                    author,
                    created_at_ms,
                    text_hash,
                    body,
                },
            )
            .collect())
    }
}
