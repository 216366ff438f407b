//! `accord backup --to DIR` and `accord restore --from DIR --data NEW`.
//!
//! A backup is a folder: the database at one instant (SQLite: `VACUUM INTO`, taken while the
//! server runs; PostgreSQL: `pg_dump` in its custom format), every stored document object as it
//! is stored (ciphertext: the backup holds no plaintext), a signed checkpoint of the transparency
//! log taken just before the database copy, and `manifest.json` with the SHA-256 and size of
//! every file. The master key is left out unless `--include-key` asks for it: without it, the
//! backup cannot be read by whoever holds it, and the operator keeps the key apart.
//!
//! A restore goes into an empty place. It first checks every file of the backup against the
//! manifest, then writes the database, the key and the objects the restored database refers to,
//! and finally checks the result as a whole: every case's hash chain, the transparency log
//! against the checkpoint (a consistency proof, as `log verify` does), and every document's
//! content against the hash on record (decrypting it under its case key).

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use accord_vault::Vault;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::config::{Config, redact_url};

/// The manifest's file name inside a backup.
pub const MANIFEST: &str = "manifest.json";
/// The format this version writes and reads.
pub const FORMAT: &str = "accord-backup-1";
const CHECKPOINT: &str = "checkpoint.txt";
const KEY: &str = "master.key";
const SQLITE_FILE: &str = "accord.sqlite3";
const PG_DUMP_FILE: &str = "accord.pgdump";

/// A file of the backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Its path inside the backup folder.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
}

/// A stored document object of the backup (its bytes as stored: ciphertext).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectEntry {
    /// The object's key in the storage (`cases/<case>/documents/<id>`); its file is
    /// `objects/<key>` in the backup.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the stored bytes, hex.
    pub sha256: String,
}

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// The Accord version that wrote it.
    pub accord_version: String,
    /// When it was taken (RFC 3339).
    pub created_at: String,
    /// `sqlite` (a database file) or `postgres` (a `pg_dump` custom-format archive).
    pub database_kind: String,
    /// The database copy.
    pub database: FileEntry,
    /// The signed checkpoint of the transparency log taken before the database copy.
    pub checkpoint: FileEntry,
    /// Every document object.
    pub objects: Vec<ObjectEntry>,
    /// Whether `master.key` is in the backup.
    pub master_key_included: bool,
}

/// What a backup did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    /// The database kind copied.
    pub database_kind: String,
    /// Size of the database copy.
    pub database_bytes: u64,
    /// Objects copied.
    pub objects: usize,
    /// Their bytes.
    pub object_bytes: u64,
    /// Entries of the transparency log at the checkpoint.
    pub checkpoint_size: u64,
    /// Where the master key was written, when it was.
    pub key_path: Option<PathBuf>,
}

/// What a restore did and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// Files of the backup checked against the manifest.
    pub files_checked: usize,
    /// Cases whose hash chains verified.
    pub cases: u64,
    /// Events in them.
    pub events: u64,
    /// Entries of the restored transparency log, and of the checkpoint it extends.
    pub log_size: u64,
    /// Entries of the checkpoint.
    pub checkpoint_size: u64,
    /// Documents restored and hash-checked.
    pub documents: usize,
    /// Their bytes.
    pub document_bytes: u64,
    /// Objects in the backup no restored document refers to (filed after the database copy),
    /// left out.
    pub left_out: usize,
}

fn sha256_file(path: &Path) -> Result<(u64, String), String> {
    let mut f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut h = sha2::Sha256::new();
    let n = std::io::copy(&mut f, &mut h).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((n, hex::encode(h.finalize())))
}

fn entry(root: &Path, rel: &str) -> Result<FileEntry, String> {
    let (size, sha256) = sha256_file(&root.join(rel))?;
    Ok(FileEntry {
        path: rel.to_owned(),
        size,
        sha256,
    })
}

/// True for a folder that does not exist or holds nothing.
fn empty_or_missing(dir: &Path) -> Result<bool, String> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(format!("{}: {e}", dir.display())),
    }
}

/// The path of an object inside the backup, refusing a key that would leave the folder.
fn object_path(root: &Path, key: &str) -> Result<PathBuf, String> {
    let rel = Path::new(key);
    if key.is_empty() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(format!("object key '{key}' is not a relative path"));
    }
    Ok(root.join("objects").join(rel))
}

fn bar(progress: bool, len: u64, message: &'static str, bytes: bool) -> indicatif::ProgressBar {
    use crate::progress::Counting;
    let counting = if bytes {
        Counting::Bytes
    } else {
        Counting::Items
    };
    crate::progress::bar(progress, len, message.into(), counting)
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Runs a PostgreSQL client tool, saying clearly what is missing when it is not installed.
fn run_pg_tool(tool: &str, args: &[&str]) -> Result<(), String> {
    let out = std::process::Command::new(tool)
        .args(args)
        .output()
        .map_err(|e| {
            format!(
                "cannot run {tool} ({e}): install the PostgreSQL client tools of the server's \
                 version (Debian: postgresql-client) and put them on PATH"
            )
        })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{tool} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Takes a backup of the running deployment `cfg` (`app` opened on it) into `to`, which must
/// not exist or be empty.
pub async fn backup(
    cfg: &Config,
    app: &accord_app::Accord,
    to: &Path,
    include_key: bool,
    progress: bool,
) -> Result<BackupReport, String> {
    if !empty_or_missing(to)? {
        return Err(format!(
            "{} is not empty: a backup goes into a new folder",
            to.display()
        ));
    }
    let inside = |dir: &Path| {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        std::path::absolute(to).is_ok_and(|t| t.starts_with(&dir))
    };
    if inside(&cfg.data) {
        return Err(format!(
            "{} is inside the data folder {}: keep backups elsewhere",
            to.display(),
            cfg.data.display()
        ));
    }
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| format!("{}: {e}", to.display()))?;
    // The checkpoint first: the database copy then holds at least the log it signs.
    let cp = app
        .checkpoint(&accord_domain::Actor::System)
        .await
        .map_err(|e| format!("checkpoint of the transparency log: {e}"))?;
    write_new(&to.join(CHECKPOINT), cp.note.as_bytes(), 0o600)?;
    let url = cfg.database_url();
    let (database_kind, database_file) = if is_postgres(&url) {
        let file = to.join(PG_DUMP_FILE);
        let file_s = file
            .to_str()
            .ok_or("the backup folder's path is not UTF-8")?;
        run_pg_tool(
            "pg_dump",
            &["--format=custom", "--no-owner", "--file", file_s, &url],
        )
        .map_err(|e| e.replace(&url, &redact_url(&url)))?;
        ("postgres", PG_DUMP_FILE)
    } else {
        accord_store_sqlite::snapshot_into(&url, &to.join(SQLITE_FILE))
            .await
            .map_err(|e| format!("copying the database {}: {e}", redact_url(&url)))?;
        ("sqlite", SQLITE_FILE)
    };
    owner_only(&to.join(database_file))?;
    let database = entry(to, database_file)?;
    // Every document the live deployment refers to now (a superset of the database copy's: a
    // document's object is stored before its record, and records are only added).
    let (vault, docs) = vault_and_documents(cfg, app).await?;
    let total: u64 = docs.iter().map(|d| d.size.max(0) as u64).sum();
    let b = bar(progress, total, "copying documents", true);
    let mut objects = vec![];
    let mut object_bytes = 0;
    for d in &docs {
        let path = object_path(to, &d.object_key)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let (size, sha256) = vault
            .export_to_file(&d.object_key, &path)
            .await
            .map_err(|e| format!("copying document {} ({}): {e}", d.id, d.object_key))?;
        owner_only(&path)?;
        object_bytes += size;
        objects.push(ObjectEntry {
            key: d.object_key.clone(),
            size,
            sha256,
        });
        b.inc(d.size.max(0) as u64);
    }
    b.finish_and_clear();
    let key_path = if include_key {
        let key = std::fs::read(cfg.data.join(crate::MASTER_KEY_FILE))
            .map_err(|e| format!("reading the master key: {e}"))?;
        let path = to.join(KEY);
        write_new(&path, &key, 0o600)?;
        Some(path)
    } else {
        None
    };
    let manifest = Manifest {
        format: FORMAT.into(),
        accord_version: env!("CARGO_PKG_VERSION").into(),
        created_at: jiff::Timestamp::now().to_string(),
        database_kind: database_kind.into(),
        database,
        checkpoint: entry(to, CHECKPOINT)?,
        objects,
        master_key_included: include_key,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| e.to_string())?;
    write_new(&to.join(MANIFEST), &json, 0o600)?;
    Ok(BackupReport {
        database_kind: database_kind.into(),
        database_bytes: manifest.database.size,
        objects: manifest.objects.len(),
        object_bytes,
        checkpoint_size: cp.size,
        key_path,
    })
}

/// The deployment's document storage and every filed document's record.
async fn vault_and_documents(
    cfg: &Config,
    app: &accord_app::Accord,
) -> Result<(Vault, Vec<accord_app::ports::DocumentRecord>), String> {
    let storage = cfg.storage_url();
    let vault = Vault::open(&storage)
        .map_err(|e| format!("document storage {}: {e}", redact_url(&storage)))?;
    let docs = app
        .all_document_records()
        .await
        .map_err(|e| e.to_string())?;
    Ok((vault, docs))
}

/// Makes a file of confidential data readable by its owner alone.
fn owner_only(path: &Path) -> Result<(), String> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes a new file durably with the given mode.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), String> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads and checks a backup's manifest and every file it names; returns the manifest and how
/// many files were checked.
pub fn check_backup(from: &Path, progress: bool) -> Result<(Manifest, usize), String> {
    let text = std::fs::read(from.join(MANIFEST))
        .map_err(|e| format!("{} is not a backup ({MANIFEST}: {e})", from.display()))?;
    let m: Manifest =
        serde_json::from_slice(&text).map_err(|e| format!("{MANIFEST} cannot be read: {e}"))?;
    if m.format != FORMAT {
        return Err(format!(
            "the backup's format is '{}'; this Accord reads '{FORMAT}'",
            m.format
        ));
    }
    let mut files: Vec<(PathBuf, u64, String)> = vec![
        (
            from.join(&m.database.path),
            m.database.size,
            m.database.sha256.clone(),
        ),
        (
            from.join(&m.checkpoint.path),
            m.checkpoint.size,
            m.checkpoint.sha256.clone(),
        ),
    ];
    for o in &m.objects {
        files.push((object_path(from, &o.key)?, o.size, o.sha256.clone()));
    }
    let total: u64 = files.iter().map(|f| f.1).sum();
    let b = bar(progress, total, "checking the backup", true);
    for (path, size, sha) in &files {
        let (n, h) = sha256_file(path).map_err(|e| format!("the backup is incomplete: {e}"))?;
        if n != *size || h != *sha {
            return Err(format!(
                "the backup is damaged: {} does not match its hash in {MANIFEST}",
                path.display()
            ));
        }
        b.inc(*size);
    }
    b.finish_and_clear();
    Ok((m, files.len()))
}

/// Restores the backup in `from` into the empty deployment `cfg` (its data folder, and its
/// database and storage when they are named), with the master key from the backup or from
/// `key`; then checks the restored deployment as a whole. The data folder is written beside its
/// place and moved there only once every check has passed: a restore that fails leaves nothing
/// a server could start on (a PostgreSQL database it wrote to is named, to be emptied).
pub async fn restore(
    from: &Path,
    cfg: &Config,
    key: Option<&Path>,
    progress: bool,
) -> Result<RestoreReport, String> {
    let (manifest, files_checked) = check_backup(from, progress)?;
    if !empty_or_missing(&cfg.data)? {
        return Err(format!(
            "{} is not empty: a restore goes into a new place",
            cfg.data.display()
        ));
    }
    let url = cfg.database_url();
    if is_postgres(&url) {
        let pool = sqlx::PgPool::connect(&url)
            .await
            .map_err(|e| format!("{}: {e}", redact_url(&url)))?;
        let tables: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
        )
        .fetch_one(&pool)
        .await
        .map_err(|e| format!("{}: {e}", redact_url(&url)))?;
        pool.close().await;
        if tables > 0 {
            return Err(format!(
                "the database {} is not empty: a restore goes into an empty database",
                redact_url(&url)
            ));
        }
    }
    let name = cfg
        .data
        .file_name()
        .map_or_else(|| "data".into(), |n| n.to_string_lossy().into_owned());
    let staging = cfg
        .data
        .with_file_name(format!(".{name}.restoring-{}", std::process::id()));
    let mut staged = cfg.clone();
    staged.data = staging.clone();
    match restore_into(from, &staged, key, progress, manifest, files_checked).await {
        Ok(r) => {
            if cfg.data.exists() {
                std::fs::remove_dir(&cfg.data)
                    .map_err(|e| format!("{}: {e}", cfg.data.display()))?;
            }
            std::fs::rename(&staging, &cfg.data).map_err(|e| {
                format!(
                    "the restore is complete in {} but could not be moved to {}: {e}",
                    staging.display(),
                    cfg.data.display()
                )
            })?;
            Ok(r)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            Err(if is_postgres(&url) {
                format!(
                    "{e}; nothing was kept in {}, but the database {} holds a partial restore: \
                     empty it before trying again",
                    cfg.data.display(),
                    redact_url(&url)
                )
            } else {
                format!("{e}; nothing was kept")
            })
        }
    }
}

/// Restores into `cfg` (a place of its own, checked empty by the caller).
async fn restore_into(
    from: &Path,
    cfg: &Config,
    key: Option<&Path>,
    progress: bool,
    manifest: Manifest,
    files_checked: usize,
) -> Result<RestoreReport, String> {
    if !empty_or_missing(&cfg.data)? {
        return Err(format!(
            "{} is not empty: a restore goes into a new place",
            cfg.data.display()
        ));
    }
    let key_source = match (manifest.master_key_included, key) {
        (_, Some(k)) => k.to_path_buf(),
        (true, None) => from.join(KEY),
        (false, None) => {
            return Err(
                "the backup holds no master key (it was taken without --include-key): give the \
                 deployment's key with --key FILE"
                    .into(),
            );
        }
    };
    let key_text = std::fs::read_to_string(&key_source)
        .map_err(|e| format!("reading the master key {}: {e}", key_source.display()))?;
    accord_keys::MasterKey::from_hex(&key_text)
        .map_err(|e| format!("{}: {e}", key_source.display()))?;
    let url = cfg.database_url();
    match (manifest.database_kind.as_str(), is_postgres(&url)) {
        ("sqlite", false) => {}
        ("postgres", true) => {}
        (kind, _) => {
            return Err(format!(
                "the backup holds a {kind} database and the target is {}: restore to the same \
                 kind of database (then move with migrate-db)",
                redact_url(&url)
            ));
        }
    }
    std::fs::create_dir_all(&cfg.data).map_err(|e| format!("{}: {e}", cfg.data.display()))?;
    std::fs::set_permissions(&cfg.data, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| format!("{}: {e}", cfg.data.display()))?;
    write_new(
        &cfg.data.join(crate::MASTER_KEY_FILE),
        key_text.trim().as_bytes(),
        0o600,
    )?;
    let dump = from.join(&manifest.database.path);
    if manifest.database_kind == "postgres" {
        let dump_s = dump.to_str().ok_or("the backup's path is not UTF-8")?;
        run_pg_tool(
            "pg_restore",
            &["--no-owner", "--exit-on-error", "--dbname", &url, dump_s],
        )
        .map_err(|e| e.replace(&url, &redact_url(&url)))?;
    } else {
        let target = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .map(PathBuf::from)
            .ok_or_else(|| format!("'{}' is not a SQLite file URL", redact_url(&url)))?;
        if target.exists() {
            return Err(format!(
                "{} exists: a restore writes a new database",
                target.display()
            ));
        }
        std::fs::copy(&dump, &target)
            .map_err(|e| format!("writing the database {}: {e}", target.display()))?;
        owner_only(&target)?;
        std::fs::File::open(&target)
            .and_then(|f| f.sync_all())
            .map_err(|e| format!("{}: {e}", target.display()))?;
    }
    crate::prepare_data_dir(cfg)?;
    let store = crate::open_store(cfg).await?;
    let clock: Arc<dyn accord_app::Clock> = Arc::new(accord_app::SystemClock);
    let app = crate::application(cfg, store.clone(), clock)?;
    // The key must open the restored data before anything else is checked.
    app.institution_key().await.map_err(|_| {
        "the master key does not open this backup's data: give the key of the deployment the \
         backup was taken from"
            .to_owned()
    })?;
    let (vault, docs) = vault_and_documents(cfg, &app).await?;
    let by_key: std::collections::BTreeMap<&str, &ObjectEntry> = manifest
        .objects
        .iter()
        .map(|o| (o.key.as_str(), o))
        .collect();
    let b = bar(progress, docs.len() as u64, "restoring documents", false);
    for d in &docs {
        let o = by_key.get(d.object_key.as_str()).ok_or_else(|| {
            format!(
                "document {} of case {} has no object in the backup",
                d.id, d.case_id
            )
        })?;
        vault
            .import_from_file(&o.key, &object_path(from, &o.key)?)
            .await
            .map_err(|e| format!("restoring document {}: {e}", d.id))?;
        b.inc(1);
    }
    b.finish_and_clear();
    let left_out = manifest.objects.len().saturating_sub(docs.len());
    // The checks.
    let report = store
        .verify_chains()
        .await
        .map_err(|e| format!("reading the restored case log: {e}"))?;
    if !report.breaks.is_empty() {
        return Err(format!(
            "the restored case log does not verify: {:?}",
            report.breaks
        ));
    }
    let checkpoint = std::fs::read_to_string(from.join(&manifest.checkpoint.path))
        .map_err(|e| format!("reading the checkpoint: {e}"))?;
    let (checkpoint_size, log_size) = crate::verify_checkpoint(&app, &checkpoint).await?;
    let blobs: Arc<dyn accord_app::ports::Blobs> = Arc::new(vault);
    let vb = bar(progress, docs.len() as u64, "checking documents", false);
    let mut document_bytes = 0;
    for d in &docs {
        app.verify_document_content(blobs.as_ref(), d)
            .await
            .map_err(|e| format!("restored document {} does not verify: {e}", d.id))?;
        document_bytes += d.size.max(0) as u64;
        vb.inc(1);
    }
    vb.finish_and_clear();
    Ok(RestoreReport {
        files_checked,
        cases: report.cases,
        events: report.events,
        log_size,
        checkpoint_size,
        documents: docs.len(),
        document_bytes,
        left_out,
    })
}
