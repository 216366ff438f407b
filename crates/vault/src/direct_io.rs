//! Direct I/O (`O_DIRECT`) for the local store's large objects: bytes go between the process and
//! the disk without passing through the kernel's page cache.
//!
//! Why: a document upload is written once and read rarely, and through the page cache every
//! gigabyte costs the kernel about half a CPU-second (fresh pages to find, fill, account for and
//! write back) — on two cores, as much as hashing it — and pushes pages other work needs out of
//! the cache. Direct writes from one reused, aligned buffer cost a copy into that buffer and the
//! device's time. Databases treat their own large files the same way.
//!
//! The buffers ([`AlignedBuffer`], pooled in a [`BufferPool`]) sit on transparent huge pages
//! where the kernel grants them, so that a 1 MiB transfer reaches the device as one piece and
//! one request rather than 256 pages split over several ([`HUGE_PAGE`]); reads from them ran
//! two to three times as fast on this project's virtio disks.
//!
//! The rules of `O_DIRECT`: the buffer's address, the length and the file offset are multiples
//! of the device's logical block; [`ALIGN`] (4096) satisfies every common block size. What
//! cannot be aligned (the last few bytes of a file) is written through the page cache on an
//! ordinary descriptor of the same file, never on a page shared with a direct write. Where the
//! file system refuses `O_DIRECT` (tmpfs before Linux 6.6, some FUSE file systems), or outside
//! Linux, everything goes through the page cache as before; the caller's final `fsync` makes
//! either durable.

use std::fs::File;
use std::io::ErrorKind;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::{Arc, Mutex, Weak};

use bytes::Bytes;

/// Alignment of direct transfers: buffer address, length and file offset.
pub const ALIGN: usize = 4096;

/// Bytes copied into the aligned buffer and written per direct write.
pub const STEP: usize = 1024 * 1024;

/// Opens `path` for direct writing, if the platform and the file system allow it (any failure
/// leaves the upload to the page cache).
pub fn open_for_direct_write(path: &Path) -> Option<File> {
    open_direct(path, std::fs::OpenOptions::new().write(true))
        .ok()
        .flatten()
}

/// Opens `path` for direct reading, if the platform and the file system allow it.
pub fn open_for_direct_read(path: &Path) -> std::io::Result<Option<File>> {
    open_direct(path, std::fs::OpenOptions::new().read(true))
}

/// Opens `path` with `options` and `O_DIRECT`; `None` where the platform or the file system
/// declines direct I/O.
fn open_direct(path: &Path, options: &mut std::fs::OpenOptions) -> std::io::Result<Option<File>> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        match options.custom_flags(libc::O_DIRECT).open(path) {
            Ok(f) => Ok(Some(f)),
            Err(e) if is_refusal(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (path, options);
        Ok(None)
    }
}

/// `len` rounded up to whole [`ALIGN`] blocks.
pub fn whole_blocks(len: usize) -> usize {
    len.div_ceil(ALIGN) * ALIGN
}

/// Whether an error is the file system declining direct I/O (rather than a real failure).
pub fn is_refusal(e: &std::io::Error) -> bool {
    e.kind() == ErrorKind::InvalidInput
}

/// Where a buffer's window starts: the boundary of a transparent huge page (2 MiB on x86-64 and
/// most arm64 kernels), which is also an [`ALIGN`] boundary.
///
/// Why: a direct transfer goes to the device as the buffer's physical pieces, and a device
/// takes a limited number of pieces per request (254 for the virtio disks of this project's
/// machines). From ordinary 4 KiB pages a 1 MiB transfer is 256 pieces, split into two or more
/// requests; from one huge page it is one piece and one request. Measured on a virtio disk,
/// 1 GiB read directly in 1 MiB requests: 0.56–0.85 s from 4 KiB pages, 0.32–0.34 s from huge
/// pages (`docs/PERFORMANCE.md`).
pub const HUGE_PAGE: usize = 2 * 1024 * 1024;

/// A reusable buffer for direct transfers: its window starts on a [`HUGE_PAGE`] boundary of an
/// anonymous mapping of its own, which the kernel is asked to back with transparent huge pages
/// (`madvise(MADV_HUGEPAGE)`; where it declines, the window is still page-aligned and every
/// transfer works, in more pieces). The mapping is the window rounded up to whole huge pages,
/// plus one, so that the window's huge pages lie wholly inside it wherever the first boundary
/// falls; the parts before and after the window are never touched and cost no memory.
pub struct AlignedBuffer {
    map: memmap2::MmapMut,
    start: usize,
    capacity: usize,
}

impl AlignedBuffer {
    /// A buffer with a window of `capacity` bytes (rounded up to a whole block).
    pub fn new(capacity: usize) -> std::io::Result<AlignedBuffer> {
        let capacity = whole_blocks(capacity.max(1));
        let map = memmap2::MmapOptions::new()
            .len(capacity.next_multiple_of(HUGE_PAGE) + HUGE_PAGE)
            .map_anon()?;
        // Advice only: a kernel without transparent huge pages refuses it, and the buffer
        // works as well from ordinary pages.
        #[cfg(target_os = "linux")]
        let _ = map.advise(memmap2::Advice::HugePage);
        // A mapping starts on a page boundary, so the first huge-page boundary lies less than
        // one huge page in; should `align_offset` decline, the window starts at the mapping's
        // (page-aligned) start.
        let start = map.as_ptr().align_offset(HUGE_PAGE);
        Ok(AlignedBuffer {
            map,
            start: if start < HUGE_PAGE { start } else { 0 },
            capacity,
        })
    }

    /// The window's bytes.
    pub fn window(&mut self) -> &mut [u8] {
        &mut self.map[self.start..self.start + self.capacity]
    }

    /// The first `len` bytes of the window.
    pub fn filled(&self, len: usize) -> &[u8] {
        &self.map[self.start..self.start + len.min(self.capacity)]
    }

    /// The window's size.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

/// Aligned buffers of one capacity, kept for reuse: a buffer's huge page is found and zeroed
/// once, not for every transfer. At most `keep` idle buffers are kept; the others are unmapped.
pub struct BufferPool {
    capacity: usize,
    keep: usize,
    idle: Mutex<Vec<AlignedBuffer>>,
}

impl std::fmt::Debug for BufferPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BufferPool")
            .field("capacity", &self.capacity)
            .field("idle", &self.idle())
            .finish()
    }
}

impl BufferPool {
    /// A pool of buffers with windows of `capacity` bytes, keeping at most `keep` idle.
    pub fn new(capacity: usize, keep: usize) -> Arc<BufferPool> {
        Arc::new(BufferPool {
            capacity: whole_blocks(capacity.max(1)),
            keep,
            idle: Mutex::new(vec![]),
        })
    }

    /// The window size of the pool's buffers.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// An idle buffer, or a new one.
    pub fn take(&self) -> std::io::Result<AlignedBuffer> {
        match self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
            Some(b) => Ok(b),
            None => AlignedBuffer::new(self.capacity),
        }
    }

    /// Hands a buffer back for reuse (unmapped if the pool is full or it is not the pool's size).
    pub fn give(&self, buffer: AlignedBuffer) {
        if buffer.capacity != self.capacity {
            return;
        }
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < self.keep
        {
            idle.push(buffer);
        }
    }

    /// How many buffers are idle.
    pub fn idle(&self) -> usize {
        self.idle.lock().map(|i| i.len()).unwrap_or(0)
    }

    /// The first `len` bytes of `buffer`'s window as `Bytes`, without copying; the buffer comes
    /// back to the pool (if the pool is still there and the buffer is of its size) when the last
    /// of those bytes is dropped, and is unmapped otherwise.
    pub fn lend(self: &Arc<BufferPool>, buffer: AlignedBuffer, len: usize) -> Bytes {
        Bytes::from_owner(Lent {
            len: len.min(buffer.capacity),
            buffer: Some(buffer),
            pool: Arc::downgrade(self),
        })
    }
}

/// A pooled buffer's bytes, on loan as `Bytes` ([`BufferPool::lend`]).
struct Lent {
    buffer: Option<AlignedBuffer>,
    len: usize,
    pool: Weak<BufferPool>,
}

impl AsRef<[u8]> for Lent {
    fn as_ref(&self) -> &[u8] {
        self.buffer.as_ref().map_or(&[], |b| b.filled(self.len))
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        if let (Some(buffer), Some(pool)) = (self.buffer.take(), self.pool.upgrade()) {
            pool.give(buffer);
        }
    }
}

/// Writes `bytes` at `offset`: the whole blocks on `direct` (when given), the rest on `cached`.
/// `bytes` must start at an aligned address when `direct` is used. Returns `false` in place of
/// an error when the file system refused the direct write, after writing everything through
/// `cached` instead.
pub fn write_at(
    direct: Option<&File>,
    cached: &File,
    bytes: &[u8],
    offset: u64,
) -> std::io::Result<bool> {
    let whole = bytes.len() / ALIGN * ALIGN;
    if let Some(direct) = direct.filter(|_| whole > 0 && offset.is_multiple_of(ALIGN as u64)) {
        match direct.write_all_at(&bytes[..whole], offset) {
            Ok(()) => {
                cached.write_all_at(&bytes[whole..], offset + whole as u64)?;
                return Ok(true);
            }
            Err(e) if is_refusal(&e) => {
                cached.write_all_at(bytes, offset)?;
                return Ok(false);
            }
            Err(e) => return Err(e),
        }
    }
    cached.write_all_at(bytes, offset)?;
    Ok(true)
}

/// Reads up to `window.len()` bytes at `offset` (both aligned) from a direct descriptor, stopping
/// early only at the end of the file; returns how many were read.
pub fn read_at(direct: &File, window: &mut [u8], offset: u64) -> std::io::Result<usize> {
    let mut done = 0;
    while done < window.len() {
        match direct.read_at(&mut window[done..], offset + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
        // A short read that is not block-aligned can only be the end of the file.
        if !done.is_multiple_of(ALIGN) {
            break;
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new file `f` in a new folder, opened for ordinary reads and writes.
    fn new_file() -> (tempfile::TempDir, File) {
        let dir = tempfile::tempdir().unwrap();
        let cached = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(dir.path().join("f"))
            .unwrap();
        (dir, cached)
    }

    #[test]
    fn the_window_starts_on_a_huge_page_and_is_whole_blocks() {
        for size in [1, 4095, 4096, 4097, STEP, HUGE_PAGE, HUGE_PAGE + 1] {
            let mut b = AlignedBuffer::new(size).unwrap();
            assert_eq!(b.capacity() % ALIGN, 0);
            assert!(b.capacity() >= size);
            assert_eq!(b.window().as_ptr() as usize % HUGE_PAGE, 0);
            // The whole window is usable, to its last byte.
            let cap = b.capacity();
            b.window()[cap - 1] = 7;
            assert_eq!(b.filled(cap)[cap - 1], 7);
        }
    }

    #[test]
    fn a_lent_buffer_reads_back_and_returns_to_its_pool_when_its_bytes_are_dropped() {
        let pool = BufferPool::new(3 * ALIGN, 2);
        let mut b = pool.take().unwrap();
        let address = b.window().as_ptr();
        b.window()[..5].copy_from_slice(b"annex");
        let bytes = pool.lend(b, 5);
        let part = bytes.slice(1..3);
        assert_eq!(&bytes[..], b"annex");
        assert_eq!(pool.idle(), 0);
        drop(bytes);
        assert_eq!(pool.idle(), 0, "returned while a slice still held it");
        assert_eq!(&part[..], b"nn");
        drop(part);
        assert_eq!(pool.idle(), 1);
        let mut again = pool.take().unwrap();
        assert_eq!(
            again.window().as_ptr(),
            address,
            "the idle buffer was not reused"
        );
    }

    #[test]
    fn a_pool_keeps_at_most_its_limit_and_only_its_own_size() {
        let pool = BufferPool::new(ALIGN, 2);
        let taken: Vec<_> = (0..3).map(|_| pool.take().unwrap()).collect();
        for b in taken {
            pool.give(b);
        }
        assert_eq!(pool.idle(), 2);
        let other = BufferPool::new(ALIGN, 4);
        other.give(AlignedBuffer::new(2 * ALIGN).unwrap());
        assert_eq!(other.idle(), 0, "a buffer of another size was pooled");
    }

    #[test]
    fn lent_bytes_outlive_their_pool() {
        let pool = BufferPool::new(ALIGN, 2);
        let mut b = pool.take().unwrap();
        b.window()[..4].copy_from_slice(b"memo");
        let bytes = pool.lend(b, 4);
        drop(pool);
        assert_eq!(&bytes[..], b"memo");
        let other = BufferPool::new(ALIGN, 2);
        let mut alone = AlignedBuffer::new(2 * ALIGN).unwrap();
        alone.window()[..3].copy_from_slice(b"abc");
        let bytes = other.lend(alone, 3);
        assert_eq!(&bytes[..], b"abc");
        drop(bytes);
        assert_eq!(other.idle(), 0, "a buffer of another size was pooled");
    }

    #[test]
    fn a_refused_direct_write_is_redone_through_the_cache() {
        let (dir, cached) = new_file();
        let path = dir.path().join("f");
        let Some(direct) = open_for_direct_write(&path) else {
            return; // this file system does no direct I/O: nothing to refuse
        };
        // A window one byte off the grid: whole blocks long, at an aligned offset, but from an
        // unaligned address, which the kernel refuses.
        let mut b = AlignedBuffer::new(3 * ALIGN).unwrap();
        let content: Vec<u8> = (0..2 * ALIGN).map(|i| (i % 241) as u8).collect();
        b.window()[1..1 + content.len()].copy_from_slice(&content);
        let direct_taken =
            write_at(Some(&direct), &cached, &b.window()[1..1 + content.len()], 0).unwrap();
        assert!(
            !direct_taken,
            "the kernel took a direct write from an unaligned buffer"
        );
        assert_eq!(std::fs::read(&path).unwrap(), content);
    }

    #[test]
    fn a_write_of_blocks_and_a_tail_reads_back_through_both_descriptors() {
        let (dir, cached) = new_file();
        let path = dir.path().join("f");
        let direct = open_for_direct_write(&path);
        let mut b = AlignedBuffer::new(3 * ALIGN).unwrap();
        let content: Vec<u8> = (0..3 * ALIGN - 100).map(|i| (i % 253) as u8).collect();
        b.window()[..content.len()].copy_from_slice(&content);
        write_at(direct.as_ref(), &cached, &b.window()[..content.len()], 0).unwrap();
        // Unaligned offset: through the page cache whatever the descriptor.
        write_at(direct.as_ref(), &cached, b"tail", content.len() as u64).unwrap();
        let mut expected = content.clone();
        expected.extend_from_slice(b"tail");
        assert_eq!(std::fs::read(&path).unwrap(), expected);
        if let Some(reader) = open_for_direct_read(&path).unwrap() {
            let mut w = AlignedBuffer::new(4 * ALIGN).unwrap();
            let n = read_at(&reader, w.window(), 0).unwrap();
            assert_eq!(n, expected.len());
            assert_eq!(&w.window()[..n], &expected[..]);
        }
    }
}
