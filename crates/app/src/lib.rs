//! Accord's use cases. They take the acting user, ask the one policy
//! ([`accord_domain::policy`]) and talk to the world only through the ports in [`ports`].

pub mod accounts;
pub mod cases;
pub mod clock;
pub mod error;
pub mod ports;
pub mod scheduler;
pub mod views;

use std::sync::Arc;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::AppError;
pub use ports::Store;

/// The application: use cases over a store and a clock.
#[derive(Clone)]
pub struct Accord {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: Settings,
}

/// Tunables of the application layer.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a session lives without use, in seconds.
    pub session_idle_seconds: i64,
    /// How many times a command is re-decided after losing an optimistic-concurrency race.
    pub append_retries: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_idle_seconds: 8 * 3600,
            append_retries: 3,
        }
    }
}

impl Accord {
    /// Builds the application over a store and a clock.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        Accord {
            store,
            clock,
            settings,
        }
    }

    /// The store (for health checks and administration commands).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// A new unique id (UUIDv7, time-ordered).
    pub fn new_id() -> String {
        uuid::Uuid::now_v7().to_string()
    }
}
