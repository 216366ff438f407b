//! The clock port: production reads the system time; tests move a manual clock.

use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

/// Where "now" comes from. Every clock answers to the millisecond (see [`to_millisecond`]), so
/// that every time Accord records and answers with has at most three fractional digits.
pub trait Clock: Send + Sync {
    /// The current time, to the millisecond.
    fn now(&self) -> Timestamp;

    /// The rehearsal clock, when the server was started with `--test-clock` (never otherwise).
    fn rehearsal(&self) -> Option<&RehearsalClock> {
        None
    }
}

/// The clock of a rehearsal server (`accord serve --test-clock`): the system's time plus an
/// offset that the operator moves forward through the API, so that an institution can rehearse a
/// procedure end to end (an invitation's lapse, a deposit's default) in an afternoon. It never
/// goes back: events already recorded keep their order in time.
pub struct RehearsalClock {
    base: std::sync::Arc<dyn Clock>,
    offset: Mutex<SignedDuration>,
}

impl std::fmt::Debug for RehearsalClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RehearsalClock")
            .field("offset", &self.offset())
            .finish_non_exhaustive()
    }
}

impl Default for RehearsalClock {
    fn default() -> Self {
        RehearsalClock::over(std::sync::Arc::new(SystemClock))
    }
}

/// Why the rehearsal clock cannot be moved as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RehearsalClockError {
    /// The requested time is before the clock's present time.
    Backwards {
        /// The clock's present time.
        now: Timestamp,
    },
    /// The requested time is beyond what can be represented.
    OutOfRange,
}

impl RehearsalClock {
    /// A rehearsal clock that starts at the system's time.
    pub fn new() -> Self {
        RehearsalClock::default()
    }

    /// A rehearsal clock running ahead of another clock (tests run it over a manual clock).
    pub fn over(base: std::sync::Arc<dyn Clock>) -> Self {
        RehearsalClock {
            base,
            offset: Mutex::new(SignedDuration::ZERO),
        }
    }

    fn offset(&self) -> SignedDuration {
        *self.offset.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How far ahead of the system's time the clock is.
    pub fn ahead_by(&self) -> SignedDuration {
        self.offset()
    }

    /// Sets the clock to `t`, which must not be before its present time.
    pub fn set(&self, t: Timestamp) -> Result<Timestamp, RehearsalClockError> {
        let mut g = self.offset.lock().unwrap_or_else(|p| p.into_inner());
        let system = self.base.now();
        let now = system.checked_add(*g).unwrap_or(Timestamp::MAX);
        if t < now {
            return Err(RehearsalClockError::Backwards { now });
        }
        *g = t.duration_since(system);
        Ok(t)
    }

    /// Moves the clock forward by `d` (not negative).
    pub fn advance(&self, d: SignedDuration) -> Result<Timestamp, RehearsalClockError> {
        let mut g = self.offset.lock().unwrap_or_else(|p| p.into_inner());
        let system = self.base.now();
        let now = system.checked_add(*g).unwrap_or(Timestamp::MAX);
        if d.is_negative() {
            return Err(RehearsalClockError::Backwards { now });
        }
        let next = g.checked_add(d).ok_or(RehearsalClockError::OutOfRange)?;
        let t = system
            .checked_add(next)
            .map_err(|_| RehearsalClockError::OutOfRange)?;
        *g = next;
        Ok(t)
    }
}

/// `t` cut to the millisecond: the precision of every time Accord records and publishes (RFC
/// 3339 with at most three fractional digits; the event log stores milliseconds).
pub fn to_millisecond(t: Timestamp) -> Timestamp {
    Timestamp::from_millisecond(t.as_millisecond()).unwrap_or(t)
}

impl Clock for RehearsalClock {
    fn now(&self) -> Timestamp {
        to_millisecond(
            self.base
                .now()
                .checked_add(self.offset())
                .unwrap_or(Timestamp::MAX),
        )
    }

    fn rehearsal(&self) -> Option<&RehearsalClock> {
        Some(self)
    }
}

/// The production clock: the operating system's time (`Timestamp::now`).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        to_millisecond(Timestamp::now())
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
        to_millisecond(*self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_clock_answers_to_the_millisecond() {
        let odd: Timestamp = "2027-01-04T09:30:00.123456789Z".parse().unwrap();
        let manual = ManualClock::new(odd);
        assert_eq!(manual.now().to_string(), "2027-01-04T09:30:00.123Z");
        let rehearsal = RehearsalClock::over(std::sync::Arc::new(ManualClock::new(odd)));
        rehearsal
            .advance(SignedDuration::from_nanos(999_999))
            .unwrap();
        assert_eq!(rehearsal.now().subsec_nanosecond() % 1_000_000, 0);
        assert_eq!(SystemClock.now().subsec_nanosecond() % 1_000_000, 0);
    }

    #[test]
    fn the_rehearsal_clock_moves_forward_only() {
        let c = RehearsalClock::new();
        let start = c.now();
        let later = c.advance(SignedDuration::from_hours(48)).unwrap();
        assert!(later.duration_since(start) >= SignedDuration::from_hours(48));
        assert!(c.now() >= later);
        assert!(matches!(
            c.set(start),
            Err(RehearsalClockError::Backwards { .. })
        ));
        assert!(matches!(
            c.advance(SignedDuration::from_secs(-1)),
            Err(RehearsalClockError::Backwards { .. })
        ));
        let target = later
            .checked_add(SignedDuration::from_hours(24 * 30))
            .unwrap();
        assert_eq!(c.set(target).unwrap(), target);
        assert!(c.now() >= target);
        assert!(c.ahead_by() >= SignedDuration::from_hours(24 * 31));
        assert!(SystemClock.rehearsal().is_none());
        assert!(c.rehearsal().is_some());
    }
}
