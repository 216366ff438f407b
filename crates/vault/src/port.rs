//! The vault as the application's [`Blobs`] port.

use accord_app::ports::{BlobError, BlobStored, Blobs, ByteStream};
use async_trait::async_trait;
use futures::StreamExt;

use crate::{Vault, VaultError};

fn to_port(e: VaultError) -> BlobError {
    match e {
        VaultError::Refused(r) => BlobError::Refused {
            code: r.code,
            message: r.message,
        },
        VaultError::Tampered(m) => BlobError::Tampered(m),
        VaultError::NotFound => BlobError::NotFound,
        VaultError::Interrupted(m) => BlobError::Interrupted(m),
        other => BlobError::Storage(other.to_string()),
    }
}

#[async_trait]
impl Blobs for Vault {
    async fn put(
        &self,
        object_key: &str,
        key: &accord_keys::DataKey,
        context: &str,
        body: ByteStream,
        declared_type: &str,
    ) -> Result<BlobStored, BlobError> {
        let s = Vault::put(self, object_key, key, context, body, declared_type)
            .await
            .map_err(to_port)?;
        Ok(BlobStored {
            size: s.size,
            sha256: s.sha256,
            media_type: s.kind.media_type().to_owned(),
        })
    }

    async fn get(
        &self,
        object_key: &str,
        key: &accord_keys::DataKey,
        context: &str,
    ) -> Result<ByteStream, BlobError> {
        let s = Vault::get(self, object_key, key, context)
            .await
            .map_err(to_port)?;
        Ok(s.map(|r| r.map_err(to_port)).boxed())
    }

    async fn delete(&self, object_key: &str) -> Result<(), BlobError> {
        Vault::delete(self, object_key).await.map_err(to_port)
    }

    fn expand_archive(&self, archive: &[u8]) -> Result<Vec<(String, Vec<u8>)>, BlobError> {
        crate::expand::expand(archive, self.limits())
            .map(|v| v.into_iter().map(|e| (e.name, e.bytes)).collect())
            .map_err(|r| BlobError::Refused {
                code: r.code,
                message: r.message,
            })
    }

    fn max_file_bytes(&self) -> u64 {
        self.limits().max_bytes
    }

    async fn ping(&self) -> Result<(), BlobError> {
        Vault::ping(self).await.map_err(to_port)
    }

    async fn sweep(
        &self,
        referenced: &std::collections::BTreeSet<String>,
        older_than_ms: i64,
    ) -> Result<accord_app::ports::Swept, BlobError> {
        let at = std::time::UNIX_EPOCH
            + std::time::Duration::from_millis(u64::try_from(older_than_ms).unwrap_or(0));
        let r = Vault::sweep(self, referenced, at).await.map_err(to_port)?;
        Ok(accord_app::ports::Swept {
            objects: r.objects,
            bytes: r.bytes,
            staging: r.staging,
        })
    }
}
