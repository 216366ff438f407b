//! The transparency log's leaves, the institution's signing keys and the attestations
//! (`TransparencyStore`).

use accord_app::ports::{AttestationRecord, LogEntry, StoreError, TransparencyStore};
use async_trait::async_trait;

use crate::sql::{query, query_as, query_scalar};
use crate::{Dialect, SqlStore, backend_error};

#[async_trait]
impl<D: Dialect> TransparencyStore for SqlStore<D> {
    async fn unlogged_events(&self, limit: i64) -> Result<Vec<LogEntry>, StoreError> {
        let rows: Vec<(String, i64, String)> = query_as(
            "SELECT e.case_id, e.position, e.hash FROM events e \
             LEFT JOIN log_entries l ON l.case_id = e.case_id AND l.position = e.position \
             WHERE l.idx IS NULL ORDER BY e.recorded_at_ms, e.case_id, e.position LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(rows
            .into_iter()
            .map(|(case_id, position, event_hash)| LogEntry {
                case_id,
                position,
                event_hash,
            })
            .collect())
    }

    async fn append_log_entries(&self, start: i64, entries: &[LogEntry]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let size: i64 = query_scalar("SELECT COUNT(*) FROM log_entries")
            .fetch_one(&mut tx)
            .await
            .map_err(backend_error)?;
        if size != start {
            return Err(StoreError::Conflict { current: size });
        }
        for (k, e) in entries.iter().enumerate() {
            query(
                "INSERT INTO log_entries (idx, case_id, position, event_hash) VALUES ($1, $2, $3, $4)",
            )
            .bind(start + k as i64)
            .bind(&e.case_id)
            .bind(e.position)
            .bind(&e.event_hash)
            .execute(&mut tx)
            .await
            .map_err(|e| match backend_error(e) {
                StoreError::Duplicate(_) => StoreError::Conflict { current: size },
                other => other,
            })?;
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(())
    }

    async fn log_size(&self) -> Result<i64, StoreError> {
        query_scalar("SELECT COUNT(*) FROM log_entries")
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)
    }

    async fn log_hashes(&self, from: i64, to: i64) -> Result<Vec<String>, StoreError> {
        query_scalar("SELECT event_hash FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx")
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)
    }

    async fn log_index(&self, case_id: &str, position: i64) -> Result<Option<i64>, StoreError> {
        query_scalar("SELECT idx FROM log_entries WHERE case_id = $1 AND position = $2")
            .bind(case_id)
            .bind(position)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)
    }

    async fn institution_key(&self, name: &str) -> Result<Option<(Vec<u8>, Vec<u8>)>, StoreError> {
        query_as("SELECT public_key, sealed_secret FROM institution_keys WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)
    }

    async fn put_attestation(&self, a: &AttestationRecord) -> Result<(), StoreError> {
        query(
            "INSERT INTO attestations (verification_id, case_id, text_hash, document_sha256, \
             issued_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (verification_id) DO NOTHING",
        )
        .bind(&a.verification_id)
        .bind(&a.case_id)
        .bind(&a.text_hash)
        .bind(&a.document_sha256)
        .bind(a.issued_at_ms)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn attestation(
        &self,
        verification_id: &str,
    ) -> Result<Option<AttestationRecord>, StoreError> {
        let row: Option<(String, String, String, String, i64)> = query_as(
            "SELECT verification_id, case_id, text_hash, document_sha256, issued_at_ms \
             FROM attestations WHERE verification_id = $1",
        )
        .bind(verification_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(row.map(
            |(verification_id, case_id, text_hash, document_sha256, issued_at_ms)| {
                AttestationRecord {
                    verification_id,
                    case_id,
                    text_hash,
                    document_sha256,
                    issued_at_ms,
                }
            },
        ))
    }

    async fn put_institution_key(
        &self,
        name: &str,
        public_key: &[u8],
        sealed_secret: &[u8],
        now_ms: i64,
    ) -> Result<(Vec<u8>, Vec<u8>), StoreError> {
        query(
            "INSERT INTO institution_keys (name, public_key, sealed_secret, created_at_ms) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(public_key)
        .bind(sealed_secret)
        .bind(now_ms)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        self.institution_key(name)
            .await?
            .ok_or_else(|| StoreError::Backend("institution key vanished after insert".into()))
    }
}
