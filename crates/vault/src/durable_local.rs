//! Local-file storage whose uploads are on the disk when they complete, written directly and
//! written back as they stream rather than all at the end.
//!
//! object_store's `LocalFileSystem` (with `with_fsync`) writes an upload into a staging file
//! through the page cache and fsyncs it once, at completion: for a 1 GiB document that is
//! 0.35–0.4 s of writing back, after the last byte arrived, before the party gets an answer, and
//! about half a CPU-second of the kernel's page-cache work. Here:
//!
//! * parts that start on a block boundary (every part of the vault's uploads) are gathered into
//!   a reused aligned buffer and written with direct I/O ([`direct_io`]), bypassing the page
//!   cache; what cannot be aligned (an object's last bytes, parts off the block grid) goes
//!   through the cache, and everything does where the file system refuses direct I/O;
//! * every [`SYNC_EVERY`] bytes written start a `fdatasync` of the staging file on a blocking
//!   thread while the upload goes on (it commits the blocks' allocation, and whatever went
//!   through the cache), so little is left for the final `fsync`;
//! * plain range reads that start on a block boundary (the vault's downloads) are read directly
//!   too, into a pooled buffer lent out as the returned bytes (it comes back to the pool when
//!   they are dropped).
//!
//! Completion then fsyncs the staging file, renames it into place and fsyncs its folder, as
//! object_store does; every other operation is `LocalFileSystem`'s own (with fsync on). Staging
//! files are named `<object>#<n>`, which `LocalFileSystem` leaves out of listings, and are
//! removed on abort or when an upload is dropped unfinished.

use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt};
use object_store::local::LocalFileSystem;

use crate::direct_io;
use object_store::ObjectStoreExt;
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, GetResultPayload, ListResult, MultipartUpload, ObjectMeta,
    ObjectStore, PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, UploadPart,
};

/// Bytes written between two background `fdatasync`s of an upload.
pub const SYNC_EVERY: u64 = 64 * 1024 * 1024;

/// Local files under a folder; uploads written back as they stream (see the module docs).
#[derive(Debug)]
pub struct DurableLocal {
    inner: LocalFileSystem,
    sync_every: u64,
    /// The buffers direct range reads land in, lent out as the returned bytes.
    reads: Arc<direct_io::BufferPool>,
}

/// Idle read buffers kept for reuse: as many as a few downloads hold at once.
const IDLE_READ_BUFFERS: usize = 4;

/// Idle buffers an upload keeps: as many parts as it writes at once.
const IDLE_UPLOAD_BUFFERS: usize = 4;

impl std::fmt::Display for DurableLocal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DurableLocal({})", self.inner)
    }
}

impl DurableLocal {
    /// Storage in `dir` (which must exist).
    pub fn new(dir: &std::path::Path) -> object_store::Result<DurableLocal> {
        Ok(DurableLocal {
            inner: LocalFileSystem::new_with_prefix(dir)?.with_fsync(true),
            sync_every: SYNC_EVERY,
            reads: direct_io::BufferPool::new(direct_io::STEP, IDLE_READ_BUFFERS),
        })
    }

    /// The same storage with another write-back step (tests use small ones).
    pub fn with_sync_every(mut self, bytes: u64) -> DurableLocal {
        self.sync_every = bytes.max(1);
        self
    }
}

fn io_error(path: &std::path::Path, e: std::io::Error) -> object_store::Error {
    object_store::Error::Generic {
        store: "DurableLocal",
        source: format!("{}: {e}", path.display()).into(),
    }
}

fn joined<T>(
    r: Result<object_store::Result<T>, tokio::task::JoinError>,
) -> object_store::Result<T> {
    r.unwrap_or_else(|e| {
        Err(object_store::Error::Generic {
            store: "DurableLocal",
            source: Box::new(e),
        })
    })
}

/// Creates the folders above `path` that are missing, fsyncing each parent a folder was made in.
fn create_parents_durably(path: &std::path::Path) -> std::io::Result<()> {
    let Some(parent) = path.parent() else {
        return Ok(());
    };
    if parent.exists() {
        return Ok(());
    }
    create_parents_durably(parent)?;
    match std::fs::create_dir(parent) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(e),
    }
    sync_folder_of(parent)
}

/// Fsyncs the folder that holds `path`, so that an entry made there survives a crash.
fn sync_folder_of(path: &std::path::Path) -> std::io::Result<()> {
    match path.parent() {
        Some(dir) => File::open(dir)?.sync_all(),
        None => Ok(()),
    }
}

/// Opens a new staging file beside `dest`: `<dest>#<n>`, the first `n` not taken.
fn new_staging_file(dest: &std::path::Path) -> std::io::Result<(File, PathBuf)> {
    create_parents_durably(dest)?;
    for n in 1u32.. {
        let mut name = dest.as_os_str().to_owned();
        name.push(format!("#{n}"));
        let path = PathBuf::from(name);
        match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((f, path)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free staging name"))
}

/// Reads `range` (its start on a block boundary) with direct I/O into a buffer lent out as the
/// returned bytes — one of `pool`'s when the range fits, else one of its own; `None` when the
/// file system does not do direct I/O.
fn read_range_direct(
    path: &std::path::Path,
    range: Range<u64>,
    pool: &Arc<direct_io::BufferPool>,
) -> std::io::Result<Option<Bytes>> {
    let Some(file) = direct_io::open_for_direct_read(path)? else {
        return Ok(None);
    };
    let wanted = usize::try_from(range.end - range.start)
        .map_err(|_| std::io::Error::other("the range is too large for this machine"))?;
    let mut buffer = if wanted <= pool.capacity() {
        pool.take()?
    } else {
        direct_io::AlignedBuffer::new(wanted)?
    };
    let window = &mut buffer.window()[..direct_io::whole_blocks(wanted)];
    let n = match direct_io::read_at(&file, window, range.start) {
        Ok(n) => n,
        Err(e) if direct_io::is_refusal(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    if n < wanted {
        return Err(std::io::Error::new(
            ErrorKind::UnexpectedEof,
            format!("the file ended {} bytes short of the range", wanted - n),
        ));
    }
    Ok(Some(pool.lend(buffer, wanted)))
}

#[async_trait]
impl ObjectStore for DurableLocal {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        if !opts.attributes.is_empty() {
            return self.inner.put_multipart_opts(location, opts).await;
        }
        let dest = self.inner.path_to_filesystem(location)?;
        let d = dest.clone();
        let (file, staging, direct) = joined(
            tokio::task::spawn_blocking(move || {
                let (file, staging) = new_staging_file(&d).map_err(|e| io_error(&d, e))?;
                let direct = direct_io::open_for_direct_write(&staging);
                Ok((file, staging, direct))
            })
            .await,
        )?;
        Ok(Box::new(DurableUpload {
            state: Arc::new(UploadState {
                file,
                direct_ok: AtomicBool::new(direct.is_some()),
                direct,
                unsynced: AtomicU64::new(0),
                syncs: Mutex::new(vec![]),
                buffers: direct_io::BufferPool::new(direct_io::STEP, IDLE_UPLOAD_BUFFERS),
            }),
            staging: Some(staging),
            dest,
            offset: 0,
            sync_every: self.sync_every,
        }))
    }

    async fn get_opts(
        &self,
        location: &Path,
        options: GetOptions,
    ) -> object_store::Result<GetResult> {
        // A plain range read starting on a block boundary (the vault's downloads) is read
        // directly, bypassing the page cache as the upload did; anything else is
        // `LocalFileSystem`'s.
        let plain = !options.head
            && options.if_match.is_none()
            && options.if_none_match.is_none()
            && options.if_modified_since.is_none()
            && options.if_unmodified_since.is_none()
            && options.version.is_none();
        match (&options.range, plain) {
            (Some(range), true) => {
                let meta = self.inner.head(location).await?;
                // An invalid range, or one off the block grid, gets LocalFileSystem's answer.
                let range = match range.as_range(meta.size) {
                    Ok(r) if r.start.is_multiple_of(direct_io::ALIGN as u64) => r,
                    _ => return self.inner.get_opts(location, options).await,
                };
                let path = self.inner.path_to_filesystem(location)?;
                let (r, pool) = (range.clone(), Arc::clone(&self.reads));
                let read = joined(
                    tokio::task::spawn_blocking(move || {
                        read_range_direct(&path, r, &pool).map_err(|e| io_error(&path, e))
                    })
                    .await,
                )?;
                match read {
                    Some(bytes) => Ok(GetResult {
                        payload: GetResultPayload::Stream(
                            futures::stream::once(async move { Ok(bytes) }).boxed(),
                        ),
                        meta,
                        range,
                        attributes: Default::default(),
                        extensions: Default::default(),
                    }),
                    None => self.inner.get_opts(location, options).await,
                }
            }
            _ => self.inner.get_opts(location, options).await,
        }
    }

    async fn get_ranges(
        &self,
        location: &Path,
        ranges: &[Range<u64>],
    ) -> object_store::Result<Vec<Bytes>> {
        self.inner.get_ranges(location, ranges).await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list(prefix)
    }

    fn list_with_offset(
        &self,
        prefix: Option<&Path>,
        offset: &Path,
    ) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list_with_offset(prefix, offset)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(
        &self,
        from: &Path,
        to: &Path,
        options: CopyOptions,
    ) -> object_store::Result<()> {
        self.inner.copy_opts(from, to, options).await
    }

    async fn rename_opts(
        &self,
        from: &Path,
        to: &Path,
        options: RenameOptions,
    ) -> object_store::Result<()> {
        self.inner.rename_opts(from, to, options).await
    }
}

/// What an upload's parts share: the staging file (opened a second time for direct writes where
/// the file system allows them), the bytes written since the last write-back began, the
/// write-backs under way, and the aligned buffers parts are gathered in for direct writes.
struct UploadState {
    file: File,
    direct: Option<File>,
    /// Cleared when the file system refuses a direct write; the rest goes through the cache.
    direct_ok: AtomicBool,
    unsynced: AtomicU64,
    syncs: Mutex<Vec<tokio::task::JoinHandle<std::io::Result<()>>>>,
    buffers: Arc<direct_io::BufferPool>,
}

impl std::fmt::Debug for UploadState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadState")
            .field("direct", &self.direct.is_some())
            .finish()
    }
}

impl UploadState {
    /// The direct descriptor, while direct writes work.
    fn direct(&self) -> Option<&File> {
        self.direct
            .as_ref()
            .filter(|_| self.direct_ok.load(Ordering::Acquire))
    }

    /// Writes `bytes` at `offset`, directly where it can (see [`direct_io::write_at`]).
    fn write_at(&self, bytes: &[u8], offset: u64) -> std::io::Result<()> {
        if !direct_io::write_at(self.direct(), &self.file, bytes, offset)?
            && self.direct_ok.swap(false, Ordering::AcqRel)
        {
            tracing::info!("the file system refused a direct write; writing through the cache");
        }
        Ok(())
    }

    /// Writes a part that starts on a block boundary: gathered into an aligned buffer a step at
    /// a time and written directly.
    fn write_part_direct(&self, data: &PutPayload, offset: u64) -> std::io::Result<u64> {
        let mut buffer = self.buffers.take()?;
        let capacity = buffer.capacity();
        let (mut at, mut filled) = (offset, 0usize);
        for piece in data.iter() {
            let mut piece = &piece[..];
            while !piece.is_empty() {
                let n = (capacity - filled).min(piece.len());
                buffer.window()[filled..filled + n].copy_from_slice(&piece[..n]);
                filled += n;
                piece = &piece[n..];
                if filled == capacity {
                    self.write_at(&buffer.window()[..filled], at)?;
                    at += filled as u64;
                    filled = 0;
                }
            }
        }
        if filled > 0 {
            self.write_at(&buffer.window()[..filled], at)?;
            at += filled as u64;
        }
        self.buffers.give(buffer);
        Ok(at - offset)
    }

    /// Writes a part through the page cache, piece by piece.
    fn write_part_cached(&self, data: &PutPayload, offset: u64) -> std::io::Result<u64> {
        let mut at = offset;
        for piece in data.iter() {
            self.file.write_all_at(piece, at)?;
            at += piece.len() as u64;
        }
        Ok(at - offset)
    }
}

/// One upload into a staging file.
#[derive(Debug)]
struct DurableUpload {
    state: Arc<UploadState>,
    /// The staging file, until the upload is completed or aborted.
    staging: Option<PathBuf>,
    dest: PathBuf,
    offset: u64,
    sync_every: u64,
}

#[async_trait]
impl MultipartUpload for DurableUpload {
    fn put_part(&mut self, data: PutPayload) -> UploadPart {
        let offset = self.offset;
        self.offset += data.content_length() as u64;
        let (state, dest, every) = (Arc::clone(&self.state), self.dest.clone(), self.sync_every);
        async move {
            let written = tokio::task::spawn_blocking(move || {
                let aligned = offset.is_multiple_of(direct_io::ALIGN as u64);
                let n = if aligned && state.direct().is_some() {
                    state.write_part_direct(&data, offset)
                } else {
                    state.write_part_cached(&data, offset)
                }
                .map_err(|e| io_error(&dest, e))?;
                let unsynced = state.unsynced.fetch_add(n, Ordering::AcqRel) + n;
                if unsynced >= every {
                    state.unsynced.store(0, Ordering::Release);
                    // Written back beside the upload: the part is done once written.
                    let s = Arc::clone(&state);
                    let sync = tokio::task::spawn_blocking(move || s.file.sync_data());
                    if let Ok(mut syncs) = state.syncs.lock() {
                        syncs.retain(|h| !h.is_finished());
                        syncs.push(sync);
                    }
                }
                Ok(())
            })
            .await;
            joined(written)
        }
        .boxed()
    }

    async fn complete(&mut self) -> object_store::Result<PutResult> {
        let staging = self.staging.take().ok_or(object_store::Error::Generic {
            store: "DurableLocal",
            source: "the upload was already completed or aborted".into(),
        })?;
        let syncs = match self.state.syncs.lock() {
            Ok(mut s) => std::mem::take(&mut *s),
            Err(_) => vec![],
        };
        for sync in syncs {
            joined(sync.await.map(|r| r.map_err(|e| io_error(&staging, e))))?;
        }
        let (state, dest) = (Arc::clone(&self.state), self.dest.clone());
        let finished = tokio::task::spawn_blocking(move || {
            let fail = |e| io_error(&dest, e);
            state.file.sync_all().map_err(fail)?;
            std::fs::rename(&staging, &dest).map_err(fail)?;
            sync_folder_of(&dest).map_err(fail)?;
            Ok(PutResult {
                e_tag: None,
                version: None,
                extensions: Default::default(),
            })
        })
        .await;
        joined(finished)
    }

    async fn abort(&mut self) -> object_store::Result<()> {
        let Some(staging) = self.staging.take() else {
            return Ok(());
        };
        joined(
            tokio::task::spawn_blocking(move || {
                std::fs::remove_file(&staging).map_err(|e| io_error(&staging, e))
            })
            .await,
        )
    }
}

impl Drop for DurableUpload {
    fn drop(&mut self) {
        // An upload dropped before it completed leaves no staging file behind.
        if let Some(staging) = self.staging.take() {
            let _ = std::fs::remove_file(staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use object_store::{ObjectStoreExt, WriteMultipart};

    fn pieces(n: usize, size: usize) -> Vec<Bytes> {
        (0..n)
            .map(|i| Bytes::from(vec![(i % 251) as u8; size]))
            .collect()
    }

    fn files_in(dir: &std::path::Path) -> Vec<String> {
        let mut out = vec![];
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push(p.strip_prefix(dir).unwrap().display().to_string());
                }
            }
        }
        out.sort();
        out
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_upload_written_back_as_it_streams_reads_back_whole_and_leaves_no_staging_file() {
        let dir = tempfile::tempdir().unwrap();
        // Write-back every 10 KiB: many background syncs over the 40 parts.
        let store = DurableLocal::new(dir.path())
            .unwrap()
            .with_sync_every(10 * 1024);
        let path = Path::from("cases/c1/documents/d1");
        let upload = store.put_multipart(&path).await.unwrap();
        let mut w = WriteMultipart::new_with_chunk_size(upload, 8 * 1024);
        let expected: Vec<u8> = pieces(40, 3000).concat();
        for p in pieces(40, 3000) {
            w.wait_for_capacity(2).await.unwrap();
            w.put(p);
        }
        // While it is under way, the object is not there and the staging file is not listed.
        assert!(store.head(&path).await.is_err());
        assert_eq!(store.list(None).count().await, 0);
        w.finish().await.unwrap();
        let got = store.get(&path).await.unwrap().bytes().await.unwrap();
        assert_eq!(got.len(), expected.len());
        assert!(
            got == expected,
            "the stored bytes differ from the ones written"
        );
        assert_eq!(
            files_in(dir.path()),
            vec!["cases/c1/documents/d1".to_owned()]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn parts_on_and_off_the_block_grid_read_back_whole_in_any_range() {
        let dir = tempfile::tempdir().unwrap();
        let store = DurableLocal::new(dir.path()).unwrap();
        // Parts of 3 MiB + 100 bytes: the first starts on the grid (written directly in 1 MiB
        // steps with a cached tail), the later ones off it (through the cache).
        let part = 3 * 1024 * 1024 + 100;
        let content: Vec<u8> = (0..3 * part + 777).map(|i| (i * 7 % 251) as u8).collect();
        let path = Path::from("cases/c1/documents/grid");
        let upload = store.put_multipart(&path).await.unwrap();
        let mut w = WriteMultipart::new_with_chunk_size(upload, part);
        for piece in content.chunks(65_552) {
            w.wait_for_capacity(2).await.unwrap();
            w.put(Bytes::copy_from_slice(piece));
        }
        w.finish().await.unwrap();
        let whole = store.get(&path).await.unwrap().bytes().await.unwrap();
        assert!(whole == content, "the whole object differs");
        let len = content.len() as u64;
        let mib = 1024 * 1024;
        for r in [
            0..mib,
            mib..2 * mib,
            4096..4096 + 10,
            3 * mib..len,
            (len / 4096) * 4096..len,
            5..mib + 5,
            len - 1..len,
        ] {
            let got = store.get_range(&path, r.clone()).await.unwrap();
            assert!(
                got[..] == content[r.start as usize..r.end as usize],
                "range {r:?} differs"
            );
        }
        // A range past the end is refused as LocalFileSystem refuses it.
        assert!(
            store
                .get_range(&path, len + 4096..len + 8192)
                .await
                .is_err()
        );
        assert!(
            store
                .get_range(&Path::from("cases/c1/documents/none"), 0..4096)
                .await
                .is_err()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_aborted_or_dropped_upload_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = DurableLocal::new(dir.path()).unwrap().with_sync_every(1024);
        let mut upload = store.put_multipart(&Path::from("a/b")).await.unwrap();
        upload
            .put_part(Bytes::from(vec![1u8; 5000]).into())
            .await
            .unwrap();
        upload.abort().await.unwrap();
        assert!(
            files_in(dir.path()).is_empty(),
            "{:?}",
            files_in(dir.path())
        );
        let mut dropped = store.put_multipart(&Path::from("a/c")).await.unwrap();
        dropped
            .put_part(Bytes::from(vec![2u8; 5000]).into())
            .await
            .unwrap();
        drop(dropped);
        assert!(
            files_in(dir.path()).is_empty(),
            "{:?}",
            files_in(dir.path())
        );
    }

    #[tokio::test]
    async fn two_uploads_of_one_object_stage_apart_and_the_last_completed_wins() {
        let dir = tempfile::tempdir().unwrap();
        let store = DurableLocal::new(dir.path()).unwrap();
        let path = Path::from("x");
        let mut first = store.put_multipart(&path).await.unwrap();
        let mut second = store.put_multipart(&path).await.unwrap();
        first
            .put_part(Bytes::from_static(b"first").into())
            .await
            .unwrap();
        second
            .put_part(Bytes::from_static(b"second").into())
            .await
            .unwrap();
        first.complete().await.unwrap();
        second.complete().await.unwrap();
        let got = store.get(&path).await.unwrap().bytes().await.unwrap();
        assert_eq!(&got[..], b"second");
        assert_eq!(files_in(dir.path()), vec!["x".to_owned()]);
    }
}
