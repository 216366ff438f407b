//! Idempotency keys: claimed before a request runs, completed with its response, released when
//! it fails, swept when expired (`IdempotencyStore`). The fingerprint and the response arrive
//! sealed; this store never sees them in clear.

use accord_app::ports::{IdempotencyStore, StoreError, StoredIdempotency};
use async_trait::async_trait;

use crate::sql::{ReadColumn, query};
use crate::{Dialect, SqlStore, backend_error};

#[async_trait]
impl<D: Dialect> IdempotencyStore for SqlStore<D> {
    async fn claim_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        sealed_fingerprint: Option<&[u8]>,
        now_ms: i64,
        expired_before_ms: i64,
    ) -> Result<Option<StoredIdempotency>, StoreError> {
        // An expired key is forgotten: the request runs as a new one.
        query(
            "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at_ms < $3",
        )
        .bind(user_id)
        .bind(key)
        .bind(expired_before_ms)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        let done = query(
            "INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at_ms) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, key) DO NOTHING",
        )
        .bind(user_id)
        .bind(key)
        .bind(sealed_fingerprint)
        .bind(now_ms)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        if D::rows_affected(&done) == 1 {
            return Ok(None);
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
            // Released or swept between the two statements: report it as running; the client
            // retries.
            return Ok(Some(StoredIdempotency {
                fingerprint: None,
                status: None,
                body: None,
            }));
        };
        let status: Option<i64> = r.read("status").map_err(backend_error)?;
        Ok(Some(StoredIdempotency {
            fingerprint: r.read("fingerprint").map_err(backend_error)?,
            status: status.map(|s| u16::try_from(s).unwrap_or(500)),
            body: r.read("body").map_err(backend_error)?,
        }))
    }

    async fn complete_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        sealed_fingerprint: &[u8],
        status: u16,
        sealed_body: &[u8],
    ) -> Result<(), StoreError> {
        query(
            "UPDATE idempotency_keys SET fingerprint = $3, status = $4, body = $5 \
             WHERE user_id = $1 AND key = $2",
        )
        .bind(user_id)
        .bind(key)
        .bind(sealed_fingerprint)
        .bind(i64::from(status))
        .bind(sealed_body)
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

    async fn sweep_idempotency_keys(&self, expired_before_ms: i64) -> Result<u64, StoreError> {
        let done = query("DELETE FROM idempotency_keys WHERE created_at_ms < $1")
            .bind(expired_before_ms)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(D::rows_affected(&done))
    }
}
