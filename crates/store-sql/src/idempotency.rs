//! Idempotency keys: claimed before a request runs, completed with its response, released when
//! it fails (`IdempotencyStore`).

use accord_app::ports::{IdempotencyClaim, IdempotencyStore, StoreError};
use async_trait::async_trait;

use crate::sql::{ReadColumn, query};
use crate::{Dialect, SqlStore, backend_error};

#[async_trait]
impl<D: Dialect> IdempotencyStore for SqlStore<D> {
    async fn claim_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        fingerprint: &str,
        now_ms: i64,
    ) -> Result<IdempotencyClaim, StoreError> {
        let done = query(
            "INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at_ms) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, key) DO NOTHING",
        )
        .bind(user_id)
        .bind(key)
        .bind(fingerprint)
        .bind(now_ms)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        let inserted = D::rows_affected(&done);
        if inserted == 1 {
            return Ok(IdempotencyClaim::New);
        }
        let row = query(
            "SELECT fingerprint, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2",
        )
        .bind(user_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        let Some(r) = row else {
            return Ok(IdempotencyClaim::InProgress);
        };
        let fp: String = r.read("fingerprint").map_err(backend_error)?;
        if fp != fingerprint {
            return Ok(IdempotencyClaim::Mismatch);
        }
        let status: Option<i64> = r.read("status").map_err(backend_error)?;
        let body: Option<String> = r.read("body").map_err(backend_error)?;
        Ok(match (status, body) {
            (Some(s), Some(b)) => IdempotencyClaim::Replay {
                status: u16::try_from(s).unwrap_or(500),
                body: b,
            },
            _ => IdempotencyClaim::InProgress,
        })
    }

    async fn complete_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        query("UPDATE idempotency_keys SET status = $3, body = $4 WHERE user_id = $1 AND key = $2")
            .bind(user_id)
            .bind(key)
            .bind(i64::from(status))
            .bind(body)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    async fn release_idempotency_key(&self, user_id: &str, key: &str) -> Result<(), StoreError> {
        query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL")
            .bind(user_id)
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }
}
