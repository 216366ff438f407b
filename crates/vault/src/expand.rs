//! Expanding an archive, only on explicit request: one level (inner archives stay files), in
//! memory, with the same checks as on upload plus a budget on the bytes actually decompressed —
//! so a bomb whose directory lies about sizes is stopped when it exceeds the budget, and no entry
//! is ever written to a path of the sender's choosing.

use std::io::Read;

use crate::inspect::{Limits, Refusal, unsafe_entry_name};

/// One file taken out of an archive, inspected like a top-level upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandedEntry {
    /// The entry's name in the archive (checked safe; for display only).
    pub name: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

fn refuse(code: &'static str, message: String) -> Refusal {
    Refusal { code, message }
}

/// Expands `archive` one level, within `limits` (entries, total bytes decompressed).
pub fn expand(archive: &[u8], limits: &Limits) -> Result<Vec<ExpandedEntry>, Refusal> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(archive))
        .map_err(|e| refuse("archive-unsafe", format!("the archive cannot be read: {e}")))?;
    if z.len() > limits.max_entries {
        return Err(refuse(
            "archive-bomb",
            format!(
                "the archive holds {} entries, more than the {} accepted",
                z.len(),
                limits.max_entries
            ),
        ));
    }
    let mut budget = limits.max_expanded;
    let mut seen = std::collections::BTreeSet::new();
    let mut out = vec![];
    for i in 0..z.len() {
        let mut f = z
            .by_index(i)
            .map_err(|e| refuse("archive-unsafe", format!("entry {i} cannot be read: {e}")))?;
        let name = f.name().to_owned();
        if unsafe_entry_name(&name) || f.enclosed_name().is_none() {
            return Err(refuse(
                "archive-unsafe",
                format!("the archive holds an entry with an unsafe path ({name:?})"),
            ));
        }
        if f.is_symlink() {
            return Err(refuse(
                "archive-unsafe",
                format!("the archive holds a symbolic link ({name:?})"),
            ));
        }
        if !seen.insert(name.to_lowercase()) {
            return Err(refuse(
                "archive-unsafe",
                format!("the archive holds two entries named {name:?}"),
            ));
        }
        if f.is_dir() {
            continue;
        }
        let mut bytes = vec![];
        let read = (&mut f)
            .take(budget.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| {
                refuse(
                    "archive-unsafe",
                    format!("entry {name:?} cannot be expanded: {e}"),
                )
            })?;
        if read as u64 > budget {
            return Err(refuse(
                "archive-bomb",
                format!(
                    "the archive expands to more than {} MiB; it was not expanded",
                    limits.max_expanded / (1024 * 1024)
                ),
            ));
        }
        budget -= read as u64;
        out.push(ExpandedEntry { name, bytes });
    }
    Ok(out)
}
