//! The clock port: production reads the system time; tests move a manual clock.

use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The production clock: the operating system's time (`Timestamp::now`).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to (for tests of deadlines).
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>);

impl ManualClock {
    /// A clock stopped at `t`.
    pub fn new(t: Timestamp) -> Self {
        ManualClock(Mutex::new(t))
    }

    /// Moves the clock forward by whole days.
    pub fn advance_days(&self, days: i64) {
        self.advance(SignedDuration::from_hours(24 * days));
    }

    /// Moves the clock forward.
    pub fn advance(&self, d: SignedDuration) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *g = g.checked_add(d).unwrap_or(Timestamp::MAX);
    }

    /// Sets the clock.
    pub fn set(&self, t: Timestamp) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = t;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}
