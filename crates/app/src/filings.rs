//! Documents filed in a case's channels: memorials, annexes, expert reports, drafts — uploaded
//! and downloaded as streams through the vault (the [`Blobs`] port), encrypted under the case's
//! data key, with the content hash recorded in the case's log (`document-filed`, readable by
//! whoever may read the channel).
//!
//! The policy decides as for messages: a document is filed where the actor may post, listed to
//! whoever may read the channel (metadata readers see no title or name), and downloaded only with
//! full read access; downloads of caucus, notes, internal and without-prejudice documents are
//! written to the access log. An upload that is refused, interrupted or fails leaves nothing:
//! no object, no record, no event.

use accord_domain::channel::{ChannelId, ReadAccess};
use accord_domain::decide::{self, FiledDocument};
use accord_domain::policy::{self, Action, Denial};
use accord_domain::{Actor, Case};
use serde::{Deserialize, Serialize};

/// How many times a filing is decided again after losing the race for its case's version.
const FILING_ATTEMPTS: u32 = 64;

use crate::paging::{self, Page, PageRequest};
use crate::ports::{AccessRecord, BlobError, ByteStream, DocumentRecord};
use crate::{Accord, AppError};

/// Limits on filings.
pub mod limits {
    /// Longest title, in characters.
    pub const TITLE_MAX: usize = 300;
    /// Most documents in one case.
    pub const DOCUMENTS_PER_CASE: usize = 10_000;
    /// Most bytes in one case (100 GiB).
    pub const BYTES_PER_CASE: i64 = 100 * 1024 * 1024 * 1024;
}

/// What the sender says about a document (the first part of the upload).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFiling {
    /// Title (1 to 300 characters).
    pub title: String,
    /// The file's name (neutralised before it is kept).
    #[serde(default)]
    pub file_name: String,
    /// Language of the content (`en`, `zh-Hans`, `zh-Hant`, `fr`, `ar`, `ru`, `es`), if one.
    #[serde(default)]
    pub language: Option<String>,
    /// Without-prejudice material.
    #[serde(default)]
    pub without_prejudice: bool,
    /// The document this one translates (same case, visible to the sender).
    #[serde(default)]
    pub translation_of: Option<String>,
    /// The document this one is a new version of (same channel).
    #[serde(default)]
    pub version_of: Option<String>,
}

/// A filed document as its reader sees it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct FiledDocumentView {
    /// Its id (UUIDv7), stable for the record's life.
    pub id: String,
    /// The channel's name (`plenary`, `caucus:<party>`, `internal:<party>`, …).
    pub channel: String,
    /// The first version's id.
    pub series: String,
    /// Version, from 1.
    pub version: i64,
    /// Title; absent for metadata-only readers.
    pub title: Option<String>,
    /// File name (neutralised); absent for metadata-only readers.
    pub file_name: Option<String>,
    /// Language of the content as declared when filed (`en`, `fr`, …), if one; shown to
    /// metadata-only readers too.
    pub language: Option<String>,
    /// Without-prejudice tag.
    pub without_prejudice: bool,
    /// The document translated.
    pub translation_of: Option<String>,
    /// Media type (from the content, not the name).
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content; absent for metadata-only readers.
    pub sha256: Option<String>,
    /// Filed by (user id); absent for metadata-only readers.
    pub uploaded_by: Option<String>,
    /// Filed at (RFC 3339).
    pub uploaded_at: String,
}

fn aad(case_id: &str, id: &str, what: &str) -> Vec<u8> {
    format!("accord-v1:{case_id}:document-{what}:{id}").into_bytes()
}

fn not_found() -> AppError {
    AppError::NotFound { what: "document" }
}

fn from_blob(e: BlobError) -> AppError {
    match e {
        BlobError::Refused { code, message } => AppError::invalid(code, message),
        BlobError::Interrupted(m) => AppError::invalid(
            "upload-interrupted",
            format!("the upload was interrupted ({m}); nothing was kept, send it again"),
        ),
        BlobError::NotFound => AppError::Storage("a filed document's content is missing".into()),
        BlobError::Tampered(m) => AppError::integrity("document", m),
        BlobError::Storage(m) => AppError::Storage(m),
    }
}

impl Accord {
    fn blobs(&self) -> Result<&std::sync::Arc<dyn crate::ports::Blobs>, AppError> {
        self.blobs.as_ref().ok_or_else(|| {
            AppError::invalid(
                "no-document-storage",
                "this deployment has no document storage configured",
            )
        })
    }

    async fn channel_case(
        &self,
        actor: &Actor,
        case_id: &str,
        channel: &str,
    ) -> Result<(Case, ChannelId, ReadAccess, bool), AppError> {
        let case = self.case_for_channels(actor, case_id).await?;
        let channel = ChannelId::parse(channel).ok_or(AppError::NotFound { what: "channel" })?;
        let (read, post) = policy::channel_access(actor, &case, &channel);
        if read == ReadAccess::None {
            return Err(AppError::NotFound { what: "channel" });
        }
        Ok((case, channel, read, post))
    }

    fn filed_view(
        &self,
        d: &DocumentRecord,
        sealed: Option<(String, String)>,
    ) -> FiledDocumentView {
        let full = sealed.is_some();
        let (title, file_name) = sealed.unzip();
        FiledDocumentView {
            id: d.id.clone(),
            channel: d.channel.clone(),
            series: d.series.clone(),
            version: d.version,
            title,
            file_name,
            language: d.language.clone(),
            without_prejudice: d.without_prejudice,
            translation_of: d.translation_of.clone(),
            media_type: d.media_type.clone(),
            size: d.size,
            sha256: full.then(|| d.sha256.clone()),
            uploaded_by: full.then(|| d.uploaded_by.clone()),
            uploaded_at: crate::views::ms_to_rfc3339(d.uploaded_at_ms),
        }
    }

    fn open_text(
        &self,
        key: &accord_keys::DataKey,
        d: &DocumentRecord,
        what: &str,
        sealed: &[u8],
    ) -> Result<String, AppError> {
        let plain = key
            .open(&aad(&d.case_id, &d.id, what), sealed)
            .map_err(|e| AppError::from_key("document", &format!("{} {what}", d.id), e))?;
        String::from_utf8(plain)
            .map_err(|_| AppError::integrity("document", format!("{} {what} is not text", d.id)))
    }

    /// Checks, before an upload is read, that the actor may file documents in the channel.
    pub async fn check_filing(
        &self,
        actor: &Actor,
        case_id: &str,
        channel: &str,
    ) -> Result<(), AppError> {
        self.filing_channel(actor, case_id, channel)
            .await
            .map(|_| ())
    }

    /// The case and channel where the actor may file documents (posting rights, as for
    /// messages).
    async fn filing_channel(
        &self,
        actor: &Actor,
        case_id: &str,
        channel: &str,
    ) -> Result<(Case, ChannelId), AppError> {
        let (case, channel, _, post) = self.channel_case(actor, case_id, channel).await?;
        if !post {
            return Err(AppError::Forbidden);
        }
        let action = Action::PostMessage {
            channel: channel.clone(),
        };
        policy::authorize(actor, &action, &case).map_err(|d| match d {
            Denial::NotFound => AppError::NotFound { what: "channel" },
            Denial::Forbidden => AppError::Forbidden,
            Denial::AuthorityNotAccepted => AppError::AuthorityNotAccepted,
        })?;
        Ok((case, channel))
    }

    /// Files a document in a channel, streaming its content into the vault.
    pub async fn file_document(
        &self,
        actor: &Actor,
        case_id: &str,
        channel: &str,
        meta: NewFiling,
        declared_type: &str,
        body: ByteStream,
    ) -> Result<FiledDocumentView, AppError> {
        let blobs = self.blobs()?.clone();
        let (case, channel) = self.filing_channel(actor, case_id, channel).await?;
        let title = meta.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > limits::TITLE_MAX {
            return Err(AppError::invalid(
                "invalid-document-title",
                format!(
                    "give the document a title of 1 to {} characters",
                    limits::TITLE_MAX
                ),
            ));
        }
        if let Some(l) = &meta.language
            && !accord_domain::settlement::LANGUAGES.contains(&l.as_str())
        {
            return Err(AppError::invalid(
                "invalid-language",
                format!(
                    "'{l}' is not a language Accord knows ({})",
                    accord_domain::settlement::LANGUAGES.join(", ")
                ),
            ));
        }
        // One document at a time by its id, the series' last version and the case's usage: a
        // filing's cost does not grow with the number of documents the case holds.
        let sees = async |id: &str| -> Result<Option<DocumentRecord>, AppError> {
            Ok(self.store.document(case_id, id).await?.filter(|d| {
                ChannelId::parse(&d.channel)
                    .map(|c| policy::channel_access(actor, &case, &c).0 == ReadAccess::Full)
                    .unwrap_or(false)
            }))
        };
        if let Some(t) = &meta.translation_of
            && sees(t).await?.is_none()
        {
            return Err(AppError::invalid(
                "unknown-document",
                "the document this translates is not one you can see in this case",
            ));
        }
        let (series, version) = match &meta.version_of {
            Some(v) => {
                let base = sees(v).await?.ok_or_else(|| {
                    AppError::invalid(
                        "unknown-document",
                        "the earlier version is not one you can see in this case",
                    )
                })?;
                if base.channel != channel.encode() {
                    return Err(AppError::invalid(
                        "version-in-another-channel",
                        "a new version is filed in the same channel as the earlier one",
                    ));
                }
                let last = self
                    .store
                    .series_last_version(case_id, &base.series)
                    .await?
                    .unwrap_or(1);
                (base.series.clone(), last + 1)
            }
            None => (String::new(), 1),
        };
        let (count, used) = self.store.document_usage(case_id).await?;
        if count >= limits::DOCUMENTS_PER_CASE as i64 || used >= limits::BYTES_PER_CASE {
            return Err(AppError::invalid(
                "quota-exceeded",
                "the case has reached its document quota; ask the Secretariat",
            ));
        }
        let id = Accord::new_id();
        let series = if series.is_empty() {
            id.clone()
        } else {
            series
        };
        let object_key = format!("cases/{case_id}/documents/{id}");
        let context = format!("{case_id}/{id}");
        let key = self.data_key(case_id).await?;
        let stored = blobs
            .put(&object_key, &key, &context, body, declared_type)
            .await
            .map_err(from_blob)?;
        let name = if meta.file_name.trim().is_empty() {
            title.clone()
        } else {
            meta.file_name.clone()
        };
        let name = accord_domain::file_names::neutralise(&name).name;
        let seal = |what: &str, text: &str| {
            key.seal(&aad(case_id, &id, what), text.as_bytes())
                .map_err(|e| AppError::Storage(e.to_string()))
        };
        let record = DocumentRecord {
            id: id.clone(),
            case_id: case_id.to_owned(),
            channel: channel.encode(),
            series: series.clone(),
            version,
            title: seal("title", &title)?,
            file_name: seal("name", &name)?,
            language: meta.language.clone(),
            without_prejudice: meta.without_prejudice,
            translation_of: meta.translation_of.clone(),
            media_type: stored.media_type.clone(),
            size: stored.size as i64,
            sha256: stored.sha256.clone(),
            object_key: object_key.clone(),
            uploaded_by: actor.user_id().unwrap_or("system").to_owned(),
            uploaded_at_ms: self.clock.now().as_millisecond(),
        };
        let filed = FiledDocument {
            document_id: id.clone(),
            series,
            version: version as u32,
            sha256: stored.sha256.clone(),
            size: stored.size,
            media_type: stored.media_type.clone(),
            without_prejudice: meta.without_prejudice,
            translation_of: meta.translation_of.clone(),
        };
        let undo = |e: AppError| {
            let blobs = blobs.clone();
            let object_key = object_key.clone();
            async move {
                if let Err(d) = blobs.delete(&object_key).await {
                    tracing::warn!(error = %d, "removing the content of a failed filing");
                }
                e
            }
        };
        // The content is durable (the vault fsyncs before it answers); the record and its event
        // are written together below.
        let mut last_err = None;
        let mut seen = None;
        // A filing touches nothing another writer changes (its own document, its own event), so
        // a lost race for the case's version is decided again here, after a short pause that
        // grows, rather than handed to the client; only the rules refusing it end the loop.
        for attempt in 0..FILING_ATTEMPTS {
            if attempt > 0 {
                let pause = u64::from(attempt.min(20)) + u64::from(id.as_bytes()[id.len() - 1] % 7);
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            }
            let loaded = match self.load_case(case_id).await {
                Ok(Some(l)) => l,
                Ok(None) => {
                    last_err = Some(AppError::NotFound { what: "case" });
                    break;
                }
                Err(e) => {
                    last_err = Some(e);
                    break;
                }
            };
            seen = Some(crate::cases::reader_head(actor, &loaded.case, &loaded.chains).version);
            let decided = match decide::file_document(actor, &loaded.case, &channel, &filed) {
                Ok(d) => d,
                Err(e) => {
                    last_err = Some(e.into());
                    break;
                }
            };
            match self
                .commit_with(
                    actor,
                    Some(&loaded),
                    case_id,
                    &decided,
                    self.clock.now(),
                    std::slice::from_ref(&record),
                )
                .await
            {
                Ok(_) => {
                    return Ok(self.filed_view(&record, Some((title, name))));
                }
                Err(AppError::VersionConflict { .. }) => continue,
                Err(e) => {
                    last_err = Some(e);
                    break;
                }
            }
        }
        Err(undo(last_err.unwrap_or(AppError::VersionConflict { current: seen })).await)
    }

    /// One page of a channel's documents as the actor may see them (by filing time).
    pub async fn filed_documents(
        &self,
        actor: &Actor,
        case_id: &str,
        channel: &str,
        page: &PageRequest,
    ) -> Result<Page<FiledDocumentView>, AppError> {
        let (_, channel, read, _) = self.channel_case(actor, case_id, channel).await?;
        if read == ReadAccess::None {
            return Err(AppError::NotFound { what: "channel" });
        }
        let ch = channel.encode();
        let list = format!("documents:{case_id}/{ch}");
        let pos = paging::position(&list, page)?;
        let after = paging::key::<(i64, String)>(&pos.after)?;
        let docs = self
            .store
            .documents_page(case_id, &ch, after, pos.order, pos.limit + 1)
            .await?;
        let docs = paging::cut(&list, &pos, docs, |d| (d.uploaded_at_ms, d.id.clone()));
        if read == ReadAccess::Metadata {
            return Ok(docs.map(|d| self.filed_view(&d, None)));
        }
        let key = self.data_key(case_id).await?;
        let mut out = vec![];
        for d in &docs.items {
            let title = self.open_text(&key, d, "title", &d.title)?;
            let name = self.open_text(&key, d, "name", &d.file_name)?;
            out.push(self.filed_view(d, Some((title, name))));
        }
        Ok(Page {
            items: out,
            next: docs.next,
        })
    }

    /// A document's content, for a reader with full access to its channel; the read is audited
    /// where the channel or the tag asks for it.
    pub async fn download_document(
        &self,
        actor: &Actor,
        case_id: &str,
        channel: &str,
        document_id: &str,
    ) -> Result<(FiledDocumentView, ByteStream), AppError> {
        let blobs = self.blobs()?.clone();
        let (_, channel, read, _) = self.channel_case(actor, case_id, channel).await?;
        if read == ReadAccess::None {
            return Err(AppError::NotFound { what: "channel" });
        }
        let ch = channel.encode();
        let d = self
            .store
            .document(case_id, document_id)
            .await?
            .filter(|d| d.channel == ch)
            .ok_or_else(not_found)?;
        if read != ReadAccess::Full {
            return Err(AppError::Forbidden);
        }
        let key = self.data_key(case_id).await?;
        let title = self.open_text(&key, &d, "title", &d.title)?;
        let name = self.open_text(&key, &d, "name", &d.file_name)?;
        let stream = blobs
            .get(&d.object_key, &key, &format!("{case_id}/{}", d.id))
            .await
            .map_err(from_blob)?;
        let kind = crate::channels::audit_kind(&channel, d.without_prejudice);
        if let Some(kind) = kind {
            self.store
                .log_access(&[AccessRecord {
                    id: Accord::new_id(),
                    at_ms: self.clock.now().as_millisecond(),
                    user_id: actor.user_id().unwrap_or("system").to_owned(),
                    case_id: case_id.to_owned(),
                    object: format!("document:{}", d.id),
                    kind: kind.into(),
                }])
                .await?;
        }
        Ok((self.filed_view(&d, Some((title, name))), stream))
    }
}

impl Accord {
    /// Checks a document's content in a vault (this deployment's or another, during a storage
    /// migration): it must authenticate and hash to the SHA-256 on record.
    pub async fn verify_document_content(
        &self,
        blobs: &dyn crate::ports::Blobs,
        d: &DocumentRecord,
    ) -> Result<(), AppError> {
        use futures::StreamExt;
        use sha2::Digest;
        let key = self.data_key(&d.case_id).await?;
        let mut s = blobs
            .get(&d.object_key, &key, &format!("{}/{}", d.case_id, d.id))
            .await
            .map_err(from_blob)?;
        let mut h = sha2::Sha256::new();
        let mut n = 0u64;
        while let Some(b) = s.next().await {
            let b = b.map_err(from_blob)?;
            n += b.len() as u64;
            h.update(&b);
        }
        if hex::encode(h.finalize()) != d.sha256 || n != d.size as u64 {
            return Err(AppError::invalid(
                "document-integrity",
                format!("document {} does not match the hash on record", d.id),
            ));
        }
        Ok(())
    }

    /// Removes from the document storage what no filing refers to — the content of uploads cut
    /// off before their record and event were committed, and unfinished uploads' staging files —
    /// when last written more than `grace` ago (so an upload in progress on any instance is left
    /// alone). Run at start-up; returns what was removed.
    pub async fn sweep_storage(
        &self,
        grace: std::time::Duration,
    ) -> Result<crate::ports::Swept, AppError> {
        let Some(blobs) = self.blobs.clone() else {
            return Ok(crate::ports::Swept::default());
        };
        let referenced = self
            .store
            .all_documents()
            .await?
            .into_iter()
            .map(|d| d.object_key)
            .collect();
        // Files carry the wall clock's times, whatever the application's clock says (a
        // rehearsal clock runs ahead).
        let cutoff = std::time::SystemTime::now()
            .checked_sub(grace)
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        blobs.sweep(&referenced, cutoff).await.map_err(from_blob)
    }

    /// Every filed document's record (storage administration).
    pub async fn all_document_records(&self) -> Result<Vec<DocumentRecord>, AppError> {
        Ok(self.store.all_documents().await?)
    }
}

/// What an explicit expansion of an archive did.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct ExpansionView {
    /// The entries filed as documents of their own.
    pub filed: Vec<FiledDocumentView>,
    /// The entries refused, with the reason.
    pub refused: Vec<RefusedEntry>,
}

/// An archive entry that was not filed.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct RefusedEntry {
    /// Its name in the archive.
    pub name: String,
    /// Stable code.
    pub code: String,
    /// Why.
    pub message: String,
}

impl Accord {
    /// Expands a filed ZIP archive on request: one level, in memory, bombs and unsafe paths
    /// refused outright; each entry is then filed as a document of the same channel (checked on
    /// its own like any upload), and entries refused by those checks are reported.
    pub async fn expand_archive(
        &self,
        actor: &Actor,
        case_id: &str,
        channel: &str,
        document_id: &str,
    ) -> Result<ExpansionView, AppError> {
        use futures::StreamExt;
        let blobs = self.blobs()?.clone();
        self.check_filing(actor, case_id, channel).await?;
        let (view, mut stream) = self
            .download_document(actor, case_id, channel, document_id)
            .await?;
        if view.media_type != "application/zip" {
            return Err(AppError::invalid(
                "not-an-archive",
                "only ZIP archives can be expanded",
            ));
        }
        let max = blobs.max_file_bytes();
        let mut archive = vec![];
        while let Some(b) = stream.next().await {
            let b = b.map_err(from_blob)?;
            if (archive.len() + b.len()) as u64 > max {
                return Err(AppError::invalid(
                    "file-too-large",
                    "the archive is larger than the upload limit",
                ));
            }
            archive.extend_from_slice(&b);
        }
        let entries = blobs.expand_archive(&archive).map_err(from_blob)?;
        let mut out = ExpansionView {
            filed: vec![],
            refused: vec![],
        };
        let base = view.title.clone().unwrap_or_default();
        for (name, bytes) in entries {
            let body: ByteStream =
                futures::stream::iter(vec![Ok(bytes::Bytes::from(bytes))]).boxed();
            let leaf = name.rsplit('/').next().unwrap_or(&name).to_owned();
            let meta = NewFiling {
                title: format!("{base} — {name}")
                    .chars()
                    .take(limits::TITLE_MAX)
                    .collect(),
                file_name: leaf,
                language: None,
                without_prejudice: view.without_prejudice,
                translation_of: None,
                version_of: None,
            };
            match self
                .file_document(actor, case_id, channel, meta, "", body)
                .await
            {
                Ok(v) => out.filed.push(v),
                Err(AppError::Invalid { code, message }) => out.refused.push(RefusedEntry {
                    name,
                    code: code.to_owned(),
                    message,
                }),
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}
