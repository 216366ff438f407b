//! Direct I/O (`O_DIRECT`) for the local store's large objects: bytes go between the process and
//! the disk without passing through the kernel's page cache.
//!
//! Why: a document upload is written once and read rarely, and through the page cache every
//! gigabyte costs the kernel about half a CPU-second (fresh pages to find, fill, account for and
//! write back) — on two cores, as much as hashing it — and pushes pages other work needs out of
//! the cache. Direct writes from one reused, aligned buffer cost a copy into that buffer and the
//! device's time. Databases treat their own large files the same way.
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

use bytes::Bytes;

/// Alignment of direct transfers: buffer address, length and file offset.
pub const ALIGN: usize = 4096;

/// Bytes copied into the aligned buffer and written per direct write.
pub const STEP: usize = 1024 * 1024;

/// Opens `path` for direct writing, if the platform and the file system allow it.
pub fn open_for_direct_write(path: &Path) -> Option<File> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_DIRECT)
            .open(path)
            .ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        None
    }
}

/// Opens `path` for direct reading, if the platform and the file system allow it.
pub fn open_for_direct_read(path: &Path) -> std::io::Result<Option<File>> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECT)
            .open(path)
        {
            Ok(f) => Ok(Some(f)),
            Err(e) if is_refusal(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        Ok(None)
    }
}

/// Whether an error is the file system declining direct I/O (rather than a real failure).
pub fn is_refusal(e: &std::io::Error) -> bool {
    e.kind() == ErrorKind::InvalidInput
}

/// A reusable buffer whose working window starts on an [`ALIGN`] boundary. Aligned without
/// `unsafe`: the vector is over-allocated by one block and the window begins where the
/// allocation first reaches a boundary.
pub struct AlignedBuffer {
    storage: Vec<u8>,
    start: usize,
    capacity: usize,
}

impl AlignedBuffer {
    /// A buffer with a window of `capacity` bytes (rounded up to a whole block).
    pub fn new(capacity: usize) -> AlignedBuffer {
        let capacity = capacity.div_ceil(ALIGN).max(1) * ALIGN;
        let storage = vec![0u8; capacity + ALIGN];
        let start = storage.as_ptr().align_offset(ALIGN);
        AlignedBuffer {
            storage,
            // `align_offset` may, in principle, decline (usize::MAX); the window then starts at 0
            // and the first direct transfer is refused and redone through the page cache.
            start: if start < ALIGN { start } else { 0 },
            capacity,
        }
    }

    /// The window's bytes.
    pub fn window(&mut self) -> &mut [u8] {
        &mut self.storage[self.start..self.start + self.capacity]
    }

    /// The window's size.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The first `len` bytes of the window as `Bytes`, without copying.
    pub fn into_bytes(self, len: usize) -> Bytes {
        let end = self.start + len.min(self.capacity);
        Bytes::from(self.storage).slice(self.start..end)
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
    fn the_window_is_aligned_and_whole_blocks() {
        for size in [1, 4095, 4096, 4097, STEP] {
            let mut b = AlignedBuffer::new(size);
            assert_eq!(b.capacity() % ALIGN, 0);
            assert!(b.capacity() >= size);
            assert_eq!(b.window().as_ptr() as usize % ALIGN, 0);
        }
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
        let mut b = AlignedBuffer::new(3 * ALIGN);
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
        let mut b = AlignedBuffer::new(3 * ALIGN);
        let content: Vec<u8> = (0..3 * ALIGN - 100).map(|i| (i % 253) as u8).collect();
        b.window()[..content.len()].copy_from_slice(&content);
        write_at(direct.as_ref(), &cached, &b.window()[..content.len()], 0).unwrap();
        // Unaligned offset: through the page cache whatever the descriptor.
        write_at(direct.as_ref(), &cached, b"tail", content.len() as u64).unwrap();
        let mut expected = content.clone();
        expected.extend_from_slice(b"tail");
        assert_eq!(std::fs::read(&path).unwrap(), expected);
        if let Some(reader) = open_for_direct_read(&path).unwrap() {
            let mut w = AlignedBuffer::new(4 * ALIGN);
            let n = read_at(&reader, w.window(), 0).unwrap();
            assert_eq!(n, expected.len());
            assert_eq!(&w.window()[..n], &expected[..]);
        }
    }
}
