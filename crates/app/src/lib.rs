//! Accord's use cases. They take the acting user, ask the one policy
//! ([`accord_domain::policy`]) and talk to the world only through the ports in [`ports`].

pub mod accounts;
pub mod attestations;
pub mod bidding;
pub mod calendar;
pub mod cases;
pub mod channels;
pub mod clock;
pub mod documents;
pub mod enforcement;
pub mod error;
pub mod export;
pub mod filings;
pub mod idempotency;
pub mod key_rotation;
pub mod meetings;
pub mod negotiations;
pub mod notifications;
pub mod paging;
pub mod passwords;
pub mod ports;
pub mod rehearsal;
pub mod rendering;
pub mod rules;
pub mod scheduler;
pub mod sessions;
pub mod settlement;
pub mod signatures;
pub mod transparency;
pub mod views;

use std::sync::Arc;

pub use clock::{Clock, ManualClock, RehearsalClock, SystemClock};
pub use error::AppError;
pub use ports::Store;

/// The application: use cases over a store and a clock.
#[derive(Clone)]
pub struct Accord {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: Settings,
    keys: Arc<channels::KeyRing>,
    blobs: Option<Arc<dyn ports::Blobs>>,
    typesetter: Option<Arc<dyn ports::Typesetter>>,
    mailer: Option<Arc<dyn notifications::Mailer>>,
    /// Bounds the Argon2 hashes computed at once in this process (each takes 19 MiB), so a
    /// burst of sign-ins queues instead of exhausting memory.
    password_work: Arc<tokio::sync::Semaphore>,
}

/// Tunables of the application layer.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a session lives without use, in seconds.
    pub session_idle_seconds: i64,
    /// How long a session lives at most, however much it is used, in seconds.
    pub session_absolute_seconds: i64,
    /// How long a password-reset link works, in seconds.
    pub reset_link_seconds: i64,
    /// How many times a command is re-decided after losing an optimistic-concurrency race.
    pub append_retries: u32,
    /// Roles that must use a second factor (TOTP); others may opt in.
    pub second_factor_roles: Vec<accord_domain::GlobalRole>,
    /// Failed sign-ins per account name within the throttle window before refusing.
    pub throttle_per_account: i64,
    /// Failed sign-ins per source address within the throttle window before refusing.
    pub throttle_per_address: i64,
    /// The throttle window, in seconds.
    pub throttle_window_seconds: i64,
    /// How recent a re-authentication must be for acts such as signing, in seconds.
    pub reauth_seconds: i64,
    /// Password hashes (Argon2id, 19 MiB each) computed at once in one process; more wait.
    /// By default half the machine's cores (at least one): a hash holds a core for tens of
    /// milliseconds, and a burst of sign-ins must leave cores for everyone else's requests
    /// (docs/PERFORMANCE.md, "Load").
    pub password_hash_concurrency: usize,
    /// How long a stored idempotent response is kept (and replayed), in seconds.
    pub idempotency_retention_seconds: i64,
    /// The address at which the public reaches this deployment (printed in attestations as the
    /// verification page's address), without a trailing slash.
    pub public_url: String,
    /// How old, in seconds, an unreferenced object or an unfinished upload must be before the
    /// start-up sweep removes it (an upload in progress on another instance is younger).
    pub sweep_grace_seconds: u64,
    /// The address of a meeting's video room, with `{room}` where an unguessable room name
    /// goes (for example `https://meet.jit.si/{room}`); none: meetings are held in a place.
    pub video_link_template: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_idle_seconds: 8 * 3600,
            session_absolute_seconds: 24 * 3600,
            reset_link_seconds: 24 * 3600,
            append_retries: 3,
            second_factor_roles: vec![
                accord_domain::GlobalRole::Secretariat,
                accord_domain::GlobalRole::Mediator,
                accord_domain::GlobalRole::Operator,
            ],
            throttle_per_account: 10,
            throttle_per_address: 50,
            throttle_window_seconds: 15 * 60,
            reauth_seconds: 5 * 60,
            password_hash_concurrency: std::thread::available_parallelism()
                .map_or(1, |n| n.get() / 2)
                .max(1),
            idempotency_retention_seconds: 24 * 3600,
            public_url: "http://127.0.0.1:8080".into(),
            sweep_grace_seconds: 3600,
            video_link_template: None,
        }
    }
}

impl Accord {
    /// How old what the start-up sweep removes must be ([`Settings::sweep_grace_seconds`]).
    pub fn sweep_grace(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.settings.sweep_grace_seconds)
    }

    /// Builds the application over a store, a clock and the deployment's master key.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        settings: Settings,
        master: accord_keys::MasterKey,
    ) -> Self {
        let password_work = Arc::new(tokio::sync::Semaphore::new(
            settings.password_hash_concurrency.max(1),
        ));
        Accord {
            store,
            clock,
            password_work,
            settings,
            keys: Arc::new(channels::KeyRing::new(master)),
            blobs: None,
            typesetter: None,
            mailer: None,
        }
    }

    /// Now, from the application's clock, in milliseconds since the epoch (pages show it).
    pub fn now_ms(&self) -> i64 {
        self.clock.now().as_millisecond()
    }

    /// The document vault, when there is one.
    pub fn vault(&self) -> Option<&Arc<dyn ports::Blobs>> {
        self.blobs.as_ref()
    }

    /// The same application with a document vault (without one, filing documents is refused).
    pub fn with_blobs(mut self, blobs: Arc<dyn ports::Blobs>) -> Self {
        self.blobs = Some(blobs);
        self
    }

    /// The same application with a typesetter (without one, documents are not laid out as PDF
    /// and neither is the enforcement package).
    pub fn with_typesetter(mut self, typesetter: Arc<dyn ports::Typesetter>) -> Self {
        self.typesetter = Some(typesetter);
        self
    }

    /// The store (for health checks and administration commands).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The application's clock, so other layers (idempotency keys) share its "now"; manual in
    /// tests.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub(crate) fn keys_master(&self) -> &accord_keys::MasterKey {
        self.keys.master()
    }

    /// A new unique id (UUIDv7, time-ordered).
    pub fn new_id() -> String {
        uuid::Uuid::now_v7().to_string()
    }
}
