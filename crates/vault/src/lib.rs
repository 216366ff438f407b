//! The document vault: parties' files, encrypted before they reach storage, streamed end to end.
//!
//! * [`format`]: the stored form — a header and authenticated chunks sealed under the case's
//!   data key (STREAM over AES-256-GCM with a key derived for each object), so any change,
//!   reordering or truncation is caught on read and a chunk never leaves the vault
//!   unauthenticated.
//! * [`inspect`]: hostile-input checks while the upload streams by (type sniffing against an
//!   allow-list, active content, polyglots, bombs, unsafe archive paths, size limit).
//! * [`names`]: file names made harmless for display and download.
//! * [`Vault`]: the storage, through `object_store` — local files (`file:///…`, the default),
//!   S3 or any S3-compatible server (`s3://bucket?endpoint=…`), or memory (`memory://`, tests).
//!
//! Memory stays flat whatever the file size: one chunk of plaintext, the inspector's bounded
//! windows and object_store's upload part buffer. An upload that fails or is refused is aborted
//! (`object_store` multipart abort), leaving no object behind.

pub mod direct_io;
pub mod durable_local;
pub mod expand;
pub mod format;
pub mod inspect;
mod port;
pub use accord_domain::file_names as names;

use std::sync::Arc;

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};

pub use inspect::{FileKind, Limits, Refusal};

/// Why a vault operation failed.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The upload was refused by the hostile-input checks.
    #[error("{}", .0.message)]
    Refused(Refusal),
    /// The stored object does not authenticate (changed, truncated, moved).
    #[error("the stored document failed its integrity check: {0}")]
    Tampered(String),
    /// No such object.
    #[error("the stored document is missing")]
    NotFound,
    /// The sender's stream broke off.
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    /// The storage failed.
    #[error("storage: {0}")]
    Storage(String),
    /// A key could not be unwrapped or an object could not be opened (see `KeyError`:
    /// mostly a wrong key or changed ciphertext, not a storage fault).
    #[error("keys: {0}")]
    Key(#[from] accord_keys::KeyError),
    /// A bad storage URL.
    #[error("{0}")]
    Config(String),
}

impl From<std::io::Error> for VaultError {
    fn from(e: std::io::Error) -> Self {
        VaultError::Storage(format!("local file: {e}"))
    }
}

impl From<object_store::Error> for VaultError {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { .. } => VaultError::NotFound,
            other => VaultError::Storage(other.to_string()),
        }
    }
}

/// What an upload stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Content size in bytes.
    pub size: u64,
    /// SHA-256 of the content (hex).
    pub sha256: String,
    /// The sniffed type.
    pub kind: FileKind,
    /// Bytes in storage (header and tags included).
    pub stored_bytes: u64,
}

/// Bytes read from storage at a time on download: large enough that a range costs little
/// beside its bytes, and below the binary's malloc mmap threshold (4 MiB,
/// `crates/accord/src/malloc.rs`) so that the range buffers are recycled by the allocator
/// rather than mapped, faulted in and unmapped each time; on local files, the size of the
/// store's pooled direct-read buffers ([`direct_io::STEP`]).
const READ_RANGE: u64 = direct_io::STEP as u64;

/// Ranges read and decrypted ahead of the sender on download (each [`READ_RANGE`] bytes).
const READ_AHEAD: usize = 2;

/// What the download's reading task hands on: the authenticated content of one range, or of the
/// final chunk (after which the object is known to be whole).
enum Decrypted {
    Chunks(Vec<Bytes>),
    Last(Bytes),
}

/// Upload part size handed to S3 (which needs at least 5 MiB per part); with at most two parts
/// in flight, an upload holds about 15 MiB whatever the file size.
const S3_PART: usize = 5 * 1024 * 1024;

/// Upload part size for local files and memory: one direct write of the local store
/// ([`direct_io::STEP`]), so an upload holds about 3 MiB of parts.
const LOCAL_PART: usize = direct_io::STEP;

/// The vault over one object store.
#[derive(Clone)]
pub struct Vault {
    store: Arc<dyn ObjectStore>,
    /// The folder of a `file://` vault (its staging files are swept there).
    local_root: Option<std::path::PathBuf>,
    url: String,
    chunk: usize,
    /// Bytes per upload part ([`S3_PART`] or [`LOCAL_PART`]).
    part: usize,
    limits: Limits,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("url", &self.url).finish()
    }
}

fn query_param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

impl Vault {
    /// Opens the storage a URL names: `file:///absolute/folder` (created if missing),
    /// `memory://`, or `s3://bucket?endpoint=http://127.0.0.1:9000&region=…` (credentials from
    /// `access_key_id`/`secret_access_key` in the URL or the `AWS_*` environment variables).
    pub fn open(location: &str) -> Result<Vault, VaultError> {
        let url = url::Url::parse(location)
            .map_err(|e| VaultError::Config(format!("storage URL '{location}': {e}")))?;
        let part = if url.scheme() == "s3" {
            S3_PART
        } else {
            LOCAL_PART
        };
        let local_root = (url.scheme() == "file")
            .then(|| url.to_file_path().ok())
            .flatten();
        let store: Arc<dyn ObjectStore> = match url.scheme() {
            "file" => {
                let dir = url.to_file_path().map_err(|_| {
                    VaultError::Config(format!("storage URL '{location}' is not an absolute path"))
                })?;
                std::fs::create_dir_all(&dir).map_err(|e| {
                    VaultError::Config(format!("cannot create {}: {e}", dir.display()))
                })?;
                // Durable before acknowledged: a filing is recorded in the case's event log only
                // after `put` returns, so the stored file and its directory entry are fsynced
                // first (as S3 is durable when it answers) — a crash never leaves a logged filing
                // without its document. Uploads are written back as they stream.
                Arc::new(
                    durable_local::DurableLocal::new(&dir)
                        .map_err(|e| VaultError::Config(e.to_string()))?,
                )
            }
            "memory" => Arc::new(object_store::memory::InMemory::new()),
            "s3" => {
                let bucket = url.host_str().unwrap_or_default();
                if bucket.is_empty() {
                    return Err(VaultError::Config(format!(
                        "storage URL '{location}' names no bucket (s3://BUCKET?…)"
                    )));
                }
                let mut b = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .with_virtual_hosted_style_request(false);
                if let Some(e) = query_param(&url, "endpoint") {
                    b = b.with_allow_http(e.starts_with("http://")).with_endpoint(e);
                }
                b = b
                    .with_region(query_param(&url, "region").unwrap_or_else(|| "us-east-1".into()));
                if let (Some(k), Some(s)) = (
                    query_param(&url, "access_key_id"),
                    query_param(&url, "secret_access_key"),
                ) {
                    b = b.with_access_key_id(k).with_secret_access_key(s);
                }
                Arc::new(b.build().map_err(|e| VaultError::Config(e.to_string()))?)
            }
            other => {
                return Err(VaultError::Config(format!(
                    "storage URL scheme '{other}' is not supported (file, s3, memory)"
                )));
            }
        };
        Ok(Vault {
            store,
            local_root,
            url: location.to_owned(),
            chunk: format::DEFAULT_CHUNK,
            part,
            limits: Limits::default(),
        })
    }

    /// The same vault with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Vault {
        self.limits = limits;
        self
    }

    /// The same vault with another chunk size (tests exercise many chunks with small files).
    pub fn with_chunk_size(mut self, chunk: usize) -> Vault {
        self.chunk = chunk;
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Checks that the storage answers (lists at most one object).
    pub async fn ping(&self) -> Result<(), VaultError> {
        if let Some(root) = &self.local_root
            && !root.is_dir()
        {
            return Err(VaultError::Storage(format!(
                "the storage folder {} is missing",
                root.display()
            )));
        }
        let mut l = self.store.list(None);
        match l.next().await {
            Some(Err(e)) => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// Stores an upload: inspects, hashes and encrypts it as it streams, under `object_key`
    /// (server-generated), bound to `context` (`<case>/<document>`). On any error or refusal
    /// nothing is left in storage.
    pub async fn put<S, E>(
        &self,
        object_key: &str,
        key: &accord_keys::DataKey,
        context: &str,
        mut body: S,
        declared_type: &str,
    ) -> Result<Stored, VaultError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin + Send,
        E: std::fmt::Display,
    {
        let path = Path::from(object_key);
        let upload = self.store.put_multipart(&path).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, self.part);
        let result: Result<Stored, VaultError> = async {
            let mut inspector = inspect::Inspector::new(self.limits);
            // SHA-256 runs on a blocking thread beside the encryption, so the two passes over
            // every byte use both cores.
            let (hash_tx, mut hash_rx) = tokio::sync::mpsc::channel::<Bytes>(16);
            let hasher = tokio::task::spawn_blocking(move || {
                let mut hash = Sha256::new();
                while let Some(b) = hash_rx.blocking_recv() {
                    hash.update(&b);
                }
                hex::encode(hash.finalize())
            });
            let (mut enc, header) = format::Encryptor::new(key, context, self.chunk)?;
            let mut stored = header.len() as u64;
            // `put` hands the sealed chunks to the writer without copying them again.
            writer.put(header);
            while let Some(piece) = body.next().await {
                let piece = piece.map_err(|e| VaultError::Interrupted(e.to_string()))?;
                inspector.feed(&piece).map_err(VaultError::Refused)?;
                hash_tx
                    .send(piece.clone())
                    .await
                    .map_err(|_| VaultError::Storage("the hashing thread stopped".into()))?;
                for c in enc.push(&piece)? {
                    stored += c.len() as u64;
                    writer.wait_for_capacity(2).await?;
                    writer.put(c);
                }
            }
            drop(hash_tx);
            let size = inspector.total();
            let kind = inspector
                .finish(declared_type)
                .map_err(VaultError::Refused)?;
            let last = enc.finish()?;
            stored += last.len() as u64;
            writer.put(last);
            Ok(Stored {
                size,
                sha256: hasher
                    .await
                    .map_err(|e| VaultError::Storage(format!("hashing: {e}")))?,
                kind,
                stored_bytes: stored,
            })
        }
        .await;
        match result {
            Ok(s) => {
                writer.finish().await?;
                Ok(s)
            }
            Err(e) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(error = %abort, "aborting a failed upload");
                }
                Err(e)
            }
        }
    }

    /// Reads a document back as a stream of authenticated content. A chunk that fails its check
    /// ends the stream with [`VaultError::Tampered`]; nothing unauthenticated is yielded.
    pub async fn get(
        &self,
        object_key: &str,
        key: &accord_keys::DataKey,
        context: &str,
    ) -> Result<BoxStream<'static, Result<Bytes, VaultError>>, VaultError> {
        // Read in large ranges, two at a time (object_store's own stream reads local files in
        // 8 KiB pieces, which costs more than the decryption), and decrypt on a task of its own
        // that runs ahead of the sender by at most `READ_AHEAD` ranges: storage, decryption and
        // the network then work at the same time rather than in turn, in bounded memory.
        let path = Path::from(object_key);
        let size = self.store.head(&path).await?.size;
        let store = self.store.clone();
        let ranges: Vec<std::ops::Range<u64>> = (0..size.div_ceil(READ_RANGE))
            .map(|i| i * READ_RANGE..((i + 1) * READ_RANGE).min(size))
            .collect();
        let mut dec = format::Decryptor::new(key, context);
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Decrypted, VaultError>>(READ_AHEAD);
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|e| VaultError::Config(format!("reading a document needs a runtime: {e}")))?;
        runtime.spawn(async move {
            let mut raw = futures::stream::iter(ranges)
                .map(move |r| {
                    let (store, path) = (store.clone(), path.clone());
                    async move { store.get_range(&path, r).await }
                })
                .buffered(2);
            while let Some(piece) = raw.next().await {
                // A range the decryptor owns alone (S3, memory) opens in place; one lent from
                // the local store's buffer pool is copied into its chunk buffers first.
                let opened = piece
                    .map_err(VaultError::from)
                    .and_then(|p| dec.push_owned(p))
                    .map(Decrypted::Chunks);
                let failed = opened.is_err();
                // A closed channel means the reader went away (the download was cancelled).
                if tx.send(opened).await.is_err() || failed {
                    return;
                }
            }
            let last = dec.finish().map(Decrypted::Last);
            let _ = tx.send(last).await;
        });
        let state = (rx, std::collections::VecDeque::<Bytes>::new(), false);
        let s = futures::stream::unfold(state, |(mut rx, mut ready, mut ended)| async move {
            loop {
                if let Some(b) = ready.pop_front() {
                    return Some((Ok(b), (rx, ready, ended)));
                }
                if ended {
                    return None;
                }
                match rx.recv().await {
                    Some(Ok(Decrypted::Chunks(chunks))) => {
                        ready.extend(chunks.into_iter().filter(|b| !b.is_empty()))
                    }
                    Some(Ok(Decrypted::Last(last))) => {
                        ended = true;
                        ready.extend(Some(last).filter(|b| !b.is_empty()));
                    }
                    Some(Err(e)) => return Some((Err(e), (rx, ready, true))),
                    // The task stopped before the authenticated end: never a silent truncation.
                    None => {
                        return Some((
                            Err(VaultError::Storage(
                                "the document's reading stopped before its end".into(),
                            )),
                            (rx, ready, true),
                        ));
                    }
                }
            }
        });
        Ok(s.boxed())
    }

    /// Reads a whole document into memory, fully authenticated before anything is returned
    /// (for small documents and for server-side use such as archive expansion).
    pub async fn read_all(
        &self,
        object_key: &str,
        key: &accord_keys::DataKey,
        context: &str,
        max: u64,
    ) -> Result<Vec<u8>, VaultError> {
        let mut s = self.get(object_key, key, context).await?;
        let mut out = vec![];
        while let Some(b) = s.next().await {
            let b = b?;
            if (out.len() + b.len()) as u64 > max {
                return Err(VaultError::Storage(format!(
                    "the document is larger than {max} bytes"
                )));
            }
            out.extend_from_slice(&b);
        }
        Ok(out)
    }

    /// Deletes an object (missing is fine).
    pub async fn delete(&self, object_key: &str) -> Result<(), VaultError> {
        match self.store.delete(&Path::from(object_key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Every stored object: key and size.
    pub async fn list(&self) -> Result<Vec<(String, u64)>, VaultError> {
        self.list_under(None).await
    }

    /// The stored objects under a prefix (a folder of keys), or all: key and size.
    pub async fn list_under(&self, prefix: Option<&str>) -> Result<Vec<(String, u64)>, VaultError> {
        let mut out = vec![];
        let prefix = prefix.map(Path::from);
        let mut l = self.store.list(prefix.as_ref());
        while let Some(m) = l.next().await {
            let m = m?;
            out.push((m.location.to_string(), m.size));
        }
        out.sort();
        Ok(out)
    }

    /// Writes an object's stored bytes (ciphertext, as they are) to a local file, durably;
    /// returns their size and SHA-256 (hex). For backups: the file is as safe as the store.
    pub async fn export_to_file(
        &self,
        object_key: &str,
        path: &std::path::Path,
    ) -> Result<(u64, String), VaultError> {
        use tokio::io::AsyncWriteExt;
        let mut raw = self.get_raw(object_key).await?;
        let mut file = tokio::fs::File::create(path).await?;
        let mut h = Sha256::new();
        let mut n = 0u64;
        while let Some(b) = raw.next().await {
            let b = b?;
            h.update(&b);
            n += b.len() as u64;
            file.write_all(&b).await?;
        }
        file.sync_all().await?;
        Ok((n, hex::encode(h.finalize())))
    }

    /// Stores a local file's bytes as they are (ciphertext from a backup) under `object_key`,
    /// streaming; returns the size written.
    pub async fn import_from_file(
        &self,
        object_key: &str,
        path: &std::path::Path,
    ) -> Result<u64, VaultError> {
        use tokio::io::AsyncReadExt;
        let file = tokio::fs::File::open(path).await?;
        let chunks = futures::stream::unfold(Some(file), |file| async move {
            let mut file = file?;
            let mut buf = vec![0u8; 1 << 20];
            match file.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok(Bytes::from(buf)), Some(file)))
                }
                Err(e) => Some((Err(VaultError::from(e)), None)),
            }
        });
        self.put_raw(object_key, chunks.boxed()).await
    }

    /// Removes what no filing refers to and nothing is still writing: objects under `cases/`
    /// not in `referenced`, and (local files) staging files of uploads that never completed —
    /// both only when last written before `older_than` (an upload in progress, on this instance
    /// or another, is younger).
    pub async fn sweep(
        &self,
        referenced: &std::collections::BTreeSet<String>,
        older_than: std::time::SystemTime,
    ) -> Result<SweepReport, VaultError> {
        let cutoff_ms = older_than
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let mut report = SweepReport::default();
        let prefix = Path::from("cases");
        let mut l = self.store.list(Some(&prefix));
        let mut orphans = vec![];
        while let Some(m) = l.next().await {
            let m = m?;
            let key = m.location.to_string();
            if !referenced.contains(&key) && m.last_modified.timestamp_millis() < cutoff_ms {
                orphans.push((m.location, m.size));
            }
        }
        for (location, size) in orphans {
            self.store.delete(&location).await?;
            report.objects += 1;
            report.bytes += size;
        }
        if let Some(root) = &self.local_root {
            report.staging = sweep_staging(root, older_than)?;
        }
        Ok(report)
    }

    /// The stored bytes of an object as they are (ciphertext), for copying between stores.
    pub async fn get_raw(
        &self,
        object_key: &str,
    ) -> Result<BoxStream<'static, Result<Bytes, VaultError>>, VaultError> {
        let got = self.store.get(&Path::from(object_key)).await?;
        Ok(got
            .into_stream()
            .map(|r| r.map_err(VaultError::from))
            .boxed())
    }

    /// Writes stored bytes as they are (ciphertext) under `object_key`, streaming.
    pub async fn put_raw(
        &self,
        object_key: &str,
        mut raw: BoxStream<'static, Result<Bytes, VaultError>>,
    ) -> Result<u64, VaultError> {
        let upload = self.store.put_multipart(&Path::from(object_key)).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, self.part);
        let mut n = 0u64;
        let r: Result<(), VaultError> = async {
            while let Some(b) = raw.next().await {
                let b = b?;
                n += b.len() as u64;
                writer.wait_for_capacity(2).await?;
                writer.put(b);
            }
            Ok(())
        }
        .await;
        match r {
            Ok(()) => {
                writer.finish().await?;
                Ok(n)
            }
            Err(e) => {
                let _ = writer.abort().await;
                Err(e)
            }
        }
    }

    /// Overwrites an object's stored bytes (tests of tamper detection).
    pub async fn overwrite_raw(&self, object_key: &str, bytes: Vec<u8>) -> Result<(), VaultError> {
        self.store
            .put(&Path::from(object_key), bytes.into())
            .await?;
        Ok(())
    }
}

/// What a sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Objects no filing refers to.
    pub objects: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Staging files of uploads that never completed (local files).
    pub staging: u64,
}

/// Removes staging files (`<object>#<n>`) last written before `older_than` under `root`.
fn sweep_staging(
    root: &std::path::Path,
    older_than: std::time::SystemTime,
) -> Result<u64, VaultError> {
    let mut removed = 0;
    let mut folders = vec![root.to_path_buf()];
    while let Some(dir) = folders.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e.into()),
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                folders.push(entry.path());
            } else if kind.is_file()
                && entry.file_name().to_string_lossy().contains('#')
                && entry.metadata()?.modified()? < older_than
            {
                std::fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}
