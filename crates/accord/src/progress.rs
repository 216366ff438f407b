//! Progress bars of the long commands (backup, restore, migrate-storage, migrate-db): drawn on
//! a terminal, hidden otherwise.

/// How a bar counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// Bytes, with a rate.
    Bytes,
    /// Items.
    Items,
    /// Table rows.
    Rows,
}

/// A bar of `len` units labelled `message`; hidden unless `shown`.
pub fn bar(shown: bool, len: u64, message: String, counting: Counting) -> indicatif::ProgressBar {
    let b = if shown {
        indicatif::ProgressBar::new(len)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let template = match counting {
        Counting::Bytes => "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
        Counting::Items => "{msg} [{bar:40}] {pos}/{len} ({eta} left)",
        Counting::Rows => "{msg:24} [{bar:40}] {pos}/{len} rows",
    };
    b.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    b.set_message(message);
    b
}
