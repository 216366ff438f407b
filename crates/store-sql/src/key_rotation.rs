//! Everything wrapped under the master key, read and replaced in one transaction for a
//! rotation (`KeyRotationStore`).

use accord_app::ports::{KeyRotationStore, SealedIdempotency, StoreError, WrappedSecrets};
use async_trait::async_trait;

use crate::sql::{ReadColumn, query, query_as};
use crate::{Dialect, SqlStore, backend_error};

#[async_trait]
impl<D: Dialect> KeyRotationStore for SqlStore<D> {
    async fn wrapped_secrets(&self) -> Result<WrappedSecrets, StoreError> {
        let case_keys: Vec<(String, Vec<u8>)> =
            query_as("SELECT case_id, wrapped FROM case_keys ORDER BY case_id")
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
        let totp: Vec<(String, Vec<u8>)> =
            query_as("SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL ORDER BY id")
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
        let signing_keys: Vec<(String, Vec<u8>)> =
            query_as("SELECT name, sealed_secret FROM institution_keys ORDER BY name")
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
        let rows = query(
            "SELECT user_id, key, fingerprint, body FROM idempotency_keys ORDER BY user_id, key",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        let idempotency = rows
            .iter()
            .map(|r| {
                Ok(SealedIdempotency {
                    user_id: r.read("user_id")?,
                    key: r.read("key")?,
                    fingerprint: r.read("fingerprint")?,
                    body: r.read("body")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(backend_error)?;
        Ok(WrappedSecrets {
            case_keys,
            totp,
            signing_keys,
            idempotency,
        })
    }

    async fn replace_wrapped_secrets(&self, s: &WrappedSecrets) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        for (sql, items) in [
            (
                "UPDATE case_keys SET wrapped = $1 WHERE case_id = $2",
                &s.case_keys,
            ),
            ("UPDATE users SET totp_secret = $1 WHERE id = $2", &s.totp),
            (
                "UPDATE institution_keys SET sealed_secret = $1 WHERE name = $2",
                &s.signing_keys,
            ),
        ] {
            for (id, wrapped) in items {
                query(sql)
                    .bind(wrapped)
                    .bind(id)
                    .execute(&mut tx)
                    .await
                    .map_err(backend_error)?;
            }
        }
        for i in &s.idempotency {
            query(
                "UPDATE idempotency_keys SET fingerprint = $1, body = $2 \
                 WHERE user_id = $3 AND key = $4",
            )
            .bind(&i.fingerprint)
            .bind(&i.body)
            .bind(&i.user_id)
            .bind(&i.key)
            .execute(&mut tx)
            .await
            .map_err(backend_error)?;
        }
        tx.commit().await.map_err(backend_error)
    }
}
