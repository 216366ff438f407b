//! The process's allocator settings.
//!
//! glibc's malloc raises its mmap threshold each time a block it mapped is freed (up to
//! 32 MiB). After the first Argon2 password hash frees its 19 MiB, every later large buffer —
//! further password hashes, upload parts, download ranges — comes from arenas that glibc keeps
//! rather than returns, and the server's resident memory settles hundreds of MiB above what it
//! uses. Three settings, all below, keep it close to what is in use:
//!
//! * the mmap threshold fixed at 4 MiB (which also turns the adjustment off): every larger
//!   buffer — the password hashes' above all — is mapped and returned to the system when freed;
//! * the buffers a transfer cycles through (1 MiB download ranges, 256 KiB upload blocks,
//!   64 KiB chunks) stay below it and are recycled by the heap; the trim threshold at 8 MiB
//!   keeps that much free space at the top of a heap instead of handing it back after every
//!   range and faulting it in again for the next (which cost a 1 GiB download half a second
//!   of system time);
//! * two arenas (one per core of the machines Accord is measured on): threads share them, so
//!   freed space is not spread over one arena per thread that ever allocated.
//!
//! `docs/PERFORMANCE.md` (document vault) has the measurements. An operator's own
//! `GLIBC_TUNABLES=glibc.malloc.mmap_threshold=…` leaves all three as glibc sets them.

/// Buffers this large or larger are mapped and unmapped one by one.
pub const MMAP_THRESHOLD: usize = 4 * 1024 * 1024;

/// Free space at the top of a heap kept for reuse rather than returned.
pub const TRIM_THRESHOLD: usize = 8 * 1024 * 1024;

/// Malloc arenas shared by the process's threads.
pub const ARENAS: usize = 2;

/// Whether the operator chose a threshold through `GLIBC_TUNABLES`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn operator_set_threshold() -> bool {
    std::env::var("GLIBC_TUNABLES").is_ok_and(|t| t.contains("mmap_threshold"))
}

/// Sets glibc's malloc parameters (see the module documentation) unless the operator chose
/// them; returns whether glibc accepted all three. Call once, first thing in `main`, before any
/// thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune_malloc() -> bool {
    if operator_set_threshold() {
        return false;
    }
    [
        (libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD),
        (libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD),
        (libc::M_ARENA_MAX, ARENAS),
    ]
    .into_iter()
    .all(|(parameter, value)| {
        let value = libc::c_int::try_from(value).unwrap_or(libc::c_int::MAX);
        // The project's one `unsafe` block (the workspace denies `unsafe_code`).
        // SAFETY: `mallopt` only changes malloc's tuning parameters; it takes two integers,
        // touches no memory of ours, and is called with documented parameters and in-range
        // values.
        #[allow(unsafe_code)]
        let accepted = unsafe { libc::mallopt(parameter, value) };
        accepted == 1
    })
}

/// Other platforms' allocators are left as they are.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune_malloc() -> bool {
    false
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    #[test]
    fn glibc_accepts_the_settings_unless_the_operator_chose_one() {
        // mallopt answers 0 for a parameter or value glibc refuses: a wrong constant or an
        // out-of-range value would leave the server on glibc's defaults unnoticed.
        assert_eq!(tune_malloc(), !operator_set_threshold());
    }
}
