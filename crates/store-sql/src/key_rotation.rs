//! Everything wrapped under the master key, read and replaced in one transaction for a
//! rotation (`KeyRotationStore`).

use accord_app::ports::{KeyRotationStore, StoreError, WrappedSecrets};
use async_trait::async_trait;

use crate::sql::{query, query_as};
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
        Ok(WrappedSecrets {
            case_keys,
            totp,
            signing_keys,
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
        tx.commit().await.map_err(backend_error)
    }
}
