#!/usr/bin/env python3
"""Reads a file with O_DIRECT into a buffer on ordinary 4 KiB pages, then on transparent huge
pages, in requests of each given size, and prints the seconds each pass took.

Why it exists: the vault's local store reads and writes documents directly from buffers on huge
pages (crates/vault/src/direct_io.rs, HUGE_PAGE), because a device takes a limited number of
pieces per request (/sys/block/<dev>/queue/max_segments) and a transfer from 4 KiB pages is as
many pieces as pages. This shows the difference on the machine it runs on. The file is evicted
from the page cache before each pass (direct reads do not use it anyway).

    direct_read.py FILE [MIB ...]      default sizes: 1 4
"""
import ctypes
import mmap
import os
import sys
import time

HUGE = 2 << 20


def pass_over(path, size, huge):
    m = mmap.mmap(-1, size + 2 * HUGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    if huge:
        m.madvise(mmap.MADV_HUGEPAGE)
    address = ctypes.addressof(ctypes.c_char.from_buffer(m))
    start = (-address) % HUGE
    window = memoryview(m)[start:start + size]
    window[:] = bytes(size)  # touched, so the pages exist before the clock starts
    fd = os.open(path, os.O_RDONLY | os.O_DIRECT)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        length = os.fstat(fd).st_size
        began, at = time.perf_counter(), 0
        while at < length:
            n = os.preadv(fd, [window], at)
            if n <= 0:
                break
            at += n
        return time.perf_counter() - began
    finally:
        os.close(fd)
        window.release()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    sizes = [int(a) for a in sys.argv[2:]] or [1, 4]
    gib = os.path.getsize(path) / (1 << 30)
    for mib in sizes:
        for huge in (False, True):
            secs = pass_over(path, mib << 20, huge)
            pages = "huge pages" if huge else "4 KiB pages"
            print(f"{mib:3} MiB requests from {pages:11}: {secs:.3f} s ({gib / secs:.2f} GiB/s)")


if __name__ == "__main__":
    main()
