//! `accord migrate-storage --to URL`: copies every document's stored (encrypted) bytes from the
//! configured storage to another — local files to S3, or back — with a progress bar; it can be
//! run again after an interruption (objects already at the destination with the right size are
//! not copied again; an unfinished upload leaves nothing there), and it ends by reading every
//! document back from the destination, authenticating it and comparing its SHA-256 with the
//! one on record. A document that fails is copied again and checked once more. The ciphertext
//! is copied as it is: the keys do not change and plaintext never touches the destination.

use std::collections::BTreeMap;
use std::sync::Arc;

use accord_vault::Vault;

use crate::config::{Config, redact_url};

/// What a migration did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationReport {
    /// Documents copied now.
    pub copied: usize,
    /// Documents already at the destination.
    pub skipped: usize,
    /// Bytes copied.
    pub bytes: u64,
    /// Documents verified at the destination.
    pub verified: usize,
    /// Documents copied again after failing verification.
    pub repaired: usize,
}

async fn copy(from: &Vault, to: &Vault, key: &str) -> Result<u64, String> {
    let raw = from
        .get_raw(key)
        .await
        .map_err(|e| format!("reading {key}: {e}"))?;
    to.put_raw(key, raw)
        .await
        .map_err(|e| format!("writing {key}: {e}"))
}

/// Copies every document from the configured storage to `to`, then verifies them there.
pub async fn migrate_storage(
    cfg: &Config,
    app: &accord_app::Accord,
    to: &str,
    progress: bool,
) -> Result<MigrationReport, String> {
    let source_url = cfg.storage_url();
    if source_url == to {
        return Err("the destination is the storage already in use".into());
    }
    let from =
        Vault::open(&source_url).map_err(|e| format!("source {}: {e}", redact_url(&source_url)))?;
    let dest = Vault::open(to).map_err(|e| format!("destination {}: {e}", redact_url(to)))?;
    dest.ping()
        .await
        .map_err(|e| format!("destination {} does not answer: {e}", redact_url(to)))?;
    let docs = app
        .all_document_records()
        .await
        .map_err(|e| e.to_string())?;
    let source_sizes: BTreeMap<String, u64> = from
        .list_under(Some("cases"))
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .collect();
    let present: BTreeMap<String, u64> = dest
        .list_under(Some("cases"))
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .collect();
    let total: u64 = docs
        .iter()
        .map(|d| source_sizes.get(&d.object_key).copied().unwrap_or(0))
        .sum();
    let bar = crate::progress::bar(
        progress,
        total,
        "copying".into(),
        crate::progress::Counting::Bytes,
    );
    let mut report = MigrationReport::default();
    for d in &docs {
        let size = source_sizes
            .get(&d.object_key)
            .copied()
            .ok_or_else(|| format!("document {} is missing from the source storage", d.id))?;
        if present.get(&d.object_key) == Some(&size) {
            report.skipped += 1;
        } else {
            report.bytes += copy(&from, &dest, &d.object_key).await?;
            report.copied += 1;
        }
        bar.inc(size);
    }
    bar.finish_and_clear();
    let dest_blobs: Arc<dyn accord_app::ports::Blobs> = Arc::new(dest.clone());
    let vbar = if progress {
        indicatif::ProgressBar::new(docs.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    vbar.set_message("verifying");
    for d in &docs {
        if app
            .verify_document_content(dest_blobs.as_ref(), d)
            .await
            .is_err()
        {
            copy(&from, &dest, &d.object_key).await?;
            app.verify_document_content(dest_blobs.as_ref(), d)
                .await
                .map_err(|e| {
                    format!(
                        "document {} does not verify at the destination even after copying it \
                         again: {e}",
                        d.id
                    )
                })?;
            report.repaired += 1;
        }
        report.verified += 1;
        vbar.inc(1);
    }
    vbar.finish_and_clear();
    Ok(report)
}
