//! Rehearsing a procedure: on a server started with `accord serve --test-clock`, the operator
//! moves the clock forward and every lapse then due fires at once, as the scheduler would fire it
//! in real time. The endpoint answers "not found" on every other server.

use accord_domain::{Actor, policy};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::clock::{RehearsalClock, RehearsalClockError};
use crate::scheduler::SchedulerReport;
use crate::{Accord, AppError};

/// Longest single move of the rehearsal clock: ten years, in minutes.
pub const MAX_ADVANCE_MINUTES: i64 = 10 * 366 * 24 * 60;
/// Scheduler passes run after one move at most (each acts on up to 1000 due cases).
const MAX_PASSES: usize = 100;

/// How to move the rehearsal clock: exactly one of the two.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockMove {
    /// Set the clock to this instant (RFC 3339, such as `2026-12-21T16:01:00Z`); not before the
    /// clock's present time.
    pub set_to: Option<String>,
    /// Move the clock forward by this many minutes (1 to ten years' worth).
    pub advance_minutes: Option<i64>,
}

/// The rehearsal clock's time, and what its last move fired.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ClockReport {
    /// The clock's time (RFC 3339, UTC).
    pub now: String,
    /// How far ahead of real time the clock runs, in seconds.
    pub ahead_by_seconds: i64,
    /// What the scheduler did after the move (zero for a reading).
    pub lapses: SchedulerReport,
}

impl Accord {
    /// The rehearsal clock, if this server runs one and the actor may move it (the operator).
    fn rehearsal(&self, actor: &Actor) -> Result<&RehearsalClock, AppError> {
        let clock = self
            .clock
            .rehearsal()
            .ok_or(AppError::NotFound { what: "test clock" })?;
        if !policy::can_move_rehearsal_clock(actor) {
            return Err(AppError::Forbidden);
        }
        Ok(clock)
    }

    /// Reads the rehearsal clock (operator only; "not found" on a server without one).
    pub fn rehearsal_clock(&self, actor: &Actor) -> Result<ClockReport, AppError> {
        let clock = self.rehearsal(actor)?;
        Ok(report(clock, SchedulerReport::default()))
    }

    /// Moves the rehearsal clock forward, then runs the scheduler until nothing more is due.
    pub async fn move_rehearsal_clock(
        &self,
        actor: &Actor,
        mv: &ClockMove,
    ) -> Result<ClockReport, AppError> {
        let clock = self.rehearsal(actor)?;
        let bad = |m: &str| AppError::invalid("invalid-test-clock-move", m);
        let moved = match (&mv.set_to, mv.advance_minutes) {
            (Some(t), None) => {
                let t: Timestamp = t.trim().parse().map_err(|_| {
                    bad("set_to must be an RFC 3339 instant, such as 2026-12-21T16:01:00Z")
                })?;
                clock.set(t)
            }
            (None, Some(m)) => {
                if !(1..=MAX_ADVANCE_MINUTES).contains(&m) {
                    return Err(bad(&format!(
                        "advance_minutes must be between 1 and {MAX_ADVANCE_MINUTES}"
                    )));
                }
                clock.advance(SignedDuration::from_mins(m))
            }
            _ => return Err(bad("give exactly one of set_to and advance_minutes")),
        };
        let now = moved.map_err(|e| match e {
            RehearsalClockError::Backwards { now } => AppError::invalid(
                "test-clock-backwards",
                format!(
                    "the rehearsal clock only moves forward; it is already {now}, and recorded \
                     events must keep their order in time"
                ),
            ),
            RehearsalClockError::OutOfRange => bad("that time is out of range"),
        })?;
        tracing::warn!(now = %now, by = %actor.log_name(), "rehearsal clock moved");
        let mut total = SchedulerReport::default();
        for _ in 0..MAX_PASSES {
            let pass = self.run_scheduler().await?;
            total.cases += pass.cases;
            total.events += pass.events;
            total.failures += pass.failures;
            if pass.events == 0 {
                break;
            }
        }
        Ok(report(clock, total))
    }
}

fn report(clock: &RehearsalClock, lapses: SchedulerReport) -> ClockReport {
    use crate::clock::Clock;
    ClockReport {
        now: clock.now().to_string(),
        ahead_by_seconds: clock.ahead_by().as_secs(),
        lapses,
    }
}
