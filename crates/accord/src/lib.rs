//! The Accord binary's library part: opening a deployment (data folder, master key, store) and
//! running the server. `main.rs` parses the command line; tests start servers through here.

pub mod backup;
pub mod config;
pub mod demo;
pub mod malloc;
pub mod migrate_db;
pub mod migrate_storage;
pub mod progress;
pub mod rehearsal;

use std::io::Write;
use std::net::SocketAddr;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use accord_app::{Accord, Clock, Settings, Store};
use accord_store_postgres::PgStore;
use accord_store_sqlite::SqliteStore;
use accord_web::{AppState, WebConfig};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::Config;

/// The master key file inside the data folder.
pub const MASTER_KEY_FILE: &str = "master.key";

/// Creates the data folder, the file storage folder and the master key (mode 0600) when missing.
/// An existing key readable by group or others is refused.
pub fn prepare_data_dir(cfg: &Config) -> Result<(), String> {
    if !cfg.data.exists() {
        std::fs::create_dir_all(&cfg.data)
            .map_err(|e| format!("cannot create data folder {}: {e}", cfg.data.display()))?;
        // The data folder holds confidential case data: only its owner may enter it.
        std::fs::set_permissions(&cfg.data, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| format!("cannot restrict data folder {}: {e}", cfg.data.display()))?;
    }
    let storage = cfg.storage_url();
    if let Some(path) = storage.strip_prefix("file://") {
        std::fs::create_dir_all(path)
            .map_err(|e| format!("cannot create storage folder {path}: {e}"))?;
    } else if !storage.starts_with("s3://") {
        return Err(format!(
            "storage URL '{}' is not supported: use file:///ABSOLUTE/PATH or s3://BUCKET?endpoint=…",
            config::redact_url(&storage)
        ));
    }
    ensure_master_key(&cfg.data.join(MASTER_KEY_FILE))
}

fn ensure_master_key(path: &Path) -> Result<(), String> {
    if path.exists() {
        let meta =
            std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(format!(
                "the master key {} is readable by other users; run: chmod 600 {}",
                path.display(),
                path.display()
            ));
        }
        return Ok(());
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| format!("no randomness for the master key: {e}"))?;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot create the master key {}: {e}", path.display()))?;
    f.write_all(hex::encode(key).as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write the master key {}: {e}", path.display()))
}

/// Opens the store the configuration names (applying migrations).
pub async fn open_store(cfg: &Config) -> Result<Arc<dyn Store>, String> {
    let url = cfg.database_url();
    let redacted = config::redact_url(&url);
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let s = PgStore::open(&url)
            .await
            .map_err(|e| format!("cannot open PostgreSQL at {redacted}: {e}"))?;
        Ok(Arc::new(s))
    } else if url.starts_with("sqlite://") || url.starts_with("sqlite:") {
        let s = SqliteStore::open(&url)
            .await
            .map_err(|e| format!("cannot open SQLite at {redacted}: {e}"))?;
        Ok(Arc::new(s))
    } else {
        Err(format!(
            "database URL '{redacted}' is neither sqlite:// nor postgres://"
        ))
    }
}

/// The new master key of a rotation in progress.
const PENDING_KEY_FILE: &str = "master.key.new";

fn read_key(path: &Path) -> Result<accord_keys::MasterKey, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the master key {}: {e}", path.display()))?;
    accord_keys::MasterKey::from_hex(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads the master key of the data folder (refused while a rotation is unfinished).
pub fn master_key(cfg: &Config) -> Result<accord_keys::MasterKey, String> {
    if cfg.data.join(PENDING_KEY_FILE).exists() {
        return Err(format!(
            "a master-key rotation was interrupted ({} exists): run `accord rotate-keys` to \
             complete it before starting Accord",
            cfg.data.join(PENDING_KEY_FILE).display()
        ));
    }
    read_key(&cfg.data.join(MASTER_KEY_FILE))
}

fn write_key_file(path: &Path, key: &accord_keys::MasterKey) -> Result<(), String> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    f.write_all(key.to_hex().as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Rotates the master key of a stopped deployment: a new key is written beside the old one
/// (`master.key.new`), every wrapped data key and sealed secret is re-wrapped under it in one
/// transaction, and the new key then replaces the old file (atomic rename, so the old key is
/// gone). Run again after an interruption, it completes whichever step was left. Returns a
/// report for the operator.
pub async fn rotate_keys(cfg: &Config) -> Result<String, String> {
    let current = cfg.data.join(MASTER_KEY_FILE);
    let pending = cfg.data.join(PENDING_KEY_FILE);
    let store = open_store(cfg).await?;
    let old = read_key(&current)?;
    let new = if pending.exists() {
        read_key(&pending)?
    } else {
        let k = accord_keys::MasterKey::generate().map_err(|e| e.to_string())?;
        write_key_file(&pending, &k)?;
        k
    };
    let report = match accord_app::key_rotation::opened_by(store.as_ref(), &old, &new)
        .await
        .map_err(|e| e.to_string())?
    {
        Some(true) => {
            let r = accord_app::key_rotation::rotate_master_key(store.as_ref(), &old, &new)
                .await
                .map_err(|e| format!("nothing was changed: {e}"))?;
            format!(
                "re-wrapped {} case keys, {} second-factor secrets and {} signing keys, \
                 and re-sealed {} stored idempotent responses",
                r.case_keys, r.totp, r.signing_keys, r.idempotent_responses
            )
        }
        Some(false) => "the secrets were already re-wrapped; completing the rotation".to_owned(),
        None => {
            return Err(format!(
                "the stored secrets open with neither {} nor {}; restore the key that was in use",
                current.display(),
                pending.display()
            ));
        }
    };
    std::fs::rename(&pending, &current)
        .map_err(|e| format!("cannot put the new key in place: {e}"))?;
    if let Ok(dir) = std::fs::File::open(&cfg.data) {
        let _ = dir.sync_all();
    }
    Ok(format!(
        "{report}; the new master key is in {}",
        current.display()
    ))
}

/// Builds the application over a store and a clock, with the data folder's master key, the
/// document vault and the typesetter (Typst, fonts found at the first document).
pub fn application(
    cfg: &Config,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
) -> Result<Accord, String> {
    let mut roles = vec![];
    for r in &cfg.second_factor_roles {
        roles.push(
            accord_domain::GlobalRole::parse(r)
                .ok_or_else(|| format!("second_factor_roles: '{r}' is not a role"))?,
        );
    }
    let storage = cfg.storage_url();
    let vault = accord_vault::Vault::open(&storage)
        .map_err(|e| format!("document storage {}: {e}", config::redact_url(&storage)))?
        .with_limits(accord_vault::Limits {
            max_bytes: cfg.max_upload_mib.clamp(1, 64 * 1024) * 1024 * 1024,
            ..accord_vault::Limits::default()
        });
    let accord = Accord::new(
        store,
        clock,
        Settings {
            session_idle_seconds: cfg.session_idle_hours.clamp(1, 24 * 30) * 3600,
            session_absolute_seconds: cfg
                .session_absolute_hours
                .clamp(cfg.session_idle_hours.clamp(1, 24 * 30), 24 * 30)
                * 3600,
            reset_link_seconds: cfg.reset_link_hours.clamp(1, 24 * 30) * 3600,
            idempotency_retention_seconds: cfg.idempotency_retention_hours.clamp(1, 24 * 30) * 3600,
            second_factor_roles: roles,
            public_url: cfg
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", cfg.listen))
                .trim_end_matches('/')
                .to_owned(),
            sweep_grace_seconds: cfg.storage_sweep_grace_secs,
            video_link_template: cfg.video_link_template.clone(),
            ..Settings::default()
        },
        master_key(cfg)?,
    )
    .with_blobs(Arc::new(vault))
    .with_typesetter(Arc::new(accord_documents::PdfTypesetter::new(vec![])));
    Ok(match &cfg.smtp_url {
        Some(url) => {
            let credentials = match (
                std::env::var("ACCORD_SMTP_USERNAME"),
                std::env::var("ACCORD_SMTP_PASSWORD"),
            ) {
                (Ok(u), Ok(p)) => Some((u, p)),
                _ => None,
            };
            let mailer = accord_mail::SmtpMailer::new(url, &cfg.mail_from, credentials)
                .map_err(|e| format!("configuration error: {e}"))?;
            accord.with_mailer(Arc::new(mailer))
        }
        None => accord,
    })
}

/// The web settings from the configuration.
pub fn web_config(cfg: &Config) -> WebConfig {
    WebConfig {
        secure_cookies: cfg.cookies_secure(),
        max_body_bytes: cfg.max_body_bytes.clamp(1024, 64 * 1024 * 1024),
        max_upload_bytes: cfg.max_upload_mib.clamp(1, 64 * 1024) * 1024 * 1024,
        scheduler_interval: Duration::from_secs(cfg.scheduler_interval_secs.max(1)),
        notifier_interval: Duration::from_secs(cfg.notifier_interval_secs.max(1)),
        metrics_token: cfg.metrics_token.clone(),
    }
}

/// Serves `GET /metrics` (no token) on an address of its own until the process ends.
pub async fn start_metrics(listen: &str) -> Result<SocketAddr, String> {
    let _ = accord_web::observe::recorder();
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen for metrics on {listen}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, accord_web::metrics_router()).await {
            tracing::error!(error = %e, "metrics listener stopped");
        }
    });
    Ok(addr)
}

/// How old an unreferenced object or staging file must be before the start-up sweep removes it,
/// by default: an upload still in progress (on this instance or another sharing the storage) is
/// younger. `storage_sweep_grace_secs` in the configuration changes it (a single instance may
/// set 0: at its start nothing of its own is in progress).
pub const SWEEP_GRACE: Duration = Duration::from_secs(3600);

/// A running server.
pub struct Running {
    /// The bound address.
    pub addr: SocketAddr,
    /// Send `true` to shut down.
    pub shutdown: watch::Sender<bool>,
    /// Completes when the server has stopped.
    pub handle: tokio::task::JoinHandle<Result<(), String>>,
}

/// The notifier beside the scheduler: notices from the log and the messages, then the e-mail
/// due, every `every` until `shutdown` changes.
fn spawn_notifier(accord: Accord, every: Duration, mut shutdown: watch::Receiver<bool>) {
    if !accord.mail_enabled() {
        tracing::warn!(
            "e-mail is off: smtp_url is not set, so notices are kept in each user's inbox only"
        );
    }
    tokio::spawn(async move {
        loop {
            match accord.run_notifier().await {
                Ok(r) => {
                    metrics::counter!("accord_notices_total").increment(r.notices as u64);
                    if r.notices > 0 {
                        tracing::debug!(?r, "notices recorded");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "notifier pass failed"),
            }
            match accord.deliver_mail().await {
                Ok(r) => {
                    metrics::counter!("accord_mail_sent_total").increment(r.sent as u64);
                    if r.sent + r.retried + r.failed > 0 {
                        tracing::info!(?r, "e-mail delivered");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "mail pass failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = shutdown.changed() => break,
            }
        }
    });
}

/// Binds and serves until `shutdown` is set. With `run_scheduler`, the deadline scheduler runs
/// every interval on the same shutdown signal.
pub async fn start(
    accord: Accord,
    web: WebConfig,
    listen: &str,
    run_scheduler: bool,
) -> Result<Running, String> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    // The metrics recorder, before the first request.
    let _ = accord_web::observe::recorder();
    // What a crash left in the document storage: content with no filing, unfinished uploads.
    match accord.sweep_storage(accord.sweep_grace()).await {
        Ok(s) if s.objects + s.staging > 0 => tracing::warn!(
            objects = s.objects,
            bytes = s.bytes,
            staging = s.staging,
            "removed from the document storage what no filing refers to"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "the document storage could not be swept"),
    }
    let (tx, rx) = watch::channel(false);
    if run_scheduler {
        let accord = accord.clone();
        let mut rx = rx.clone();
        let every = web.scheduler_interval;
        tokio::spawn(async move {
            loop {
                metrics::counter!("accord_scheduler_runs_total").increment(1);
                match accord.run_scheduler().await {
                    Ok(r) => {
                        metrics::counter!("accord_scheduler_lapse_events_total")
                            .increment(r.events as u64);
                        metrics::counter!("accord_scheduler_failures_total")
                            .increment(r.failures as u64);
                        metrics::gauge!("accord_scheduler_due_cases").set(r.cases as f64);
                        if r.events > 0 {
                            tracing::info!(?r, "scheduler acted on deadlines");
                        }
                    }
                    Err(e) => {
                        metrics::counter!("accord_scheduler_failures_total").increment(1);
                        tracing::warn!(error = %e, "scheduler pass failed");
                    }
                }
                // Expired idempotent responses are deleted on the same beat.
                match accord.sweep_idempotency_keys().await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(n, "expired idempotent responses deleted"),
                    Err(e) => tracing::warn!(error = %e, "idempotency sweep failed"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = rx.changed() => break,
                }
            }
        });
    }
    if run_scheduler {
        spawn_notifier(accord.clone(), web.notifier_interval, rx.clone());
    }
    let app = accord_web::router(AppState {
        accord,
        config: web,
    });
    let mut srx = rx.clone();
    let handle = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            while !*srx.borrow() {
                if srx.changed().await.is_err() {
                    break;
                }
            }
        })
        .await
        .map_err(|e| format!("server error: {e}"))
    });
    Ok(Running {
        addr,
        shutdown: tx,
        handle,
    })
}

/// Checks that the transparency log of `accord` extends a signed checkpoint kept earlier (the
/// note as `log checkpoint` prints it): its signature under the institution's key, then a
/// consistency proof from its size to the log today. Returns the checkpoint's size and the
/// log's.
pub async fn verify_checkpoint(accord: &Accord, text: &str) -> Result<(u64, u64), String> {
    use accord_evidence::checkpoint::Checkpoint;
    use accord_evidence::merkle;
    let fail = |e: accord_app::AppError| format!("{e} ({})", e.code());
    let unhex = |h: &str| -> Result<merkle::Hash, String> {
        hex::decode(h)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| format!("'{h}' is not a SHA-256 hash"))
    };
    let key = accord
        .institution_key()
        .await
        .map_err(fail)?
        .verifying_key();
    let cp = Checkpoint::verify(text, accord_app::transparency::KEY_NAME, &key)
        .map_err(|e| e.to_string())?;
    let now = accord
        .consistency_proof(&accord_domain::Actor::System, 0, None)
        .await
        .map_err(fail)?;
    if cp.size > now.to_size {
        return Err(format!(
            "HISTORY REWRITTEN: the checkpoint covers {} entries but the log now holds {} \
             (entries were removed)",
            cp.size, now.to_size
        ));
    }
    let p = accord
        .consistency_proof(&accord_domain::Actor::System, cp.size, None)
        .await
        .map_err(fail)?;
    let proof = p
        .proof
        .iter()
        .map(|h| unhex(h))
        .collect::<Result<Vec<_>, _>>()?;
    merkle::verify_consistency(cp.size, p.to_size, &cp.root, &unhex(&p.to_root)?, &proof).map_err(
        |e| {
            format!(
                "HISTORY REWRITTEN: the log of {} entries does not extend the checkpoint of {} \
                 entries ({e}); something before entry {} was changed, removed or reordered",
                p.to_size, cp.size, cp.size
            )
        },
    )?;
    Ok((cp.size, p.to_size))
}
