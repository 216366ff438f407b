//! The deadline scheduler: acts on lapsed time limits as the `system` actor.

use accord_domain::Actor;
use accord_domain::scheduler::next_lapse;
use serde::Serialize;

use crate::{Accord, AppError};

/// What one scheduler pass did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct SchedulerReport {
    /// Cases looked at.
    pub cases: usize,
    /// Events appended.
    pub events: usize,
    /// Cases that failed (left for the next pass).
    pub failures: usize,
}

/// At most this many lapses are processed for one case in one pass (a chain such as default
/// notice → suspension → termination takes three).
const MAX_LAPSES_PER_CASE: usize = 16;

impl Accord {
    /// Acts on every deadline due by now. Safe to run concurrently on several instances: a lost
    /// race is an optimistic-concurrency conflict, and the case is looked at again next pass.
    pub async fn run_scheduler(&self) -> Result<SchedulerReport, AppError> {
        let now = self.clock.now();
        let ids = self.store.due_cases(now.as_millisecond(), 1000).await?;
        let mut report = SchedulerReport {
            cases: ids.len(),
            ..SchedulerReport::default()
        };
        for id in ids {
            for _ in 0..MAX_LAPSES_PER_CASE {
                let Some(loaded) = self.load_case(&id).await? else {
                    break;
                };
                let Some(decided) = next_lapse(&loaded.case, now) else {
                    break;
                };
                let n = decided.len();
                match self
                    .commit(&Actor::System, Some(&loaded), &id, &decided, now)
                    .await
                {
                    Ok(_) => report.events += n,
                    // Another instance (or a user) wrote to the case first: the database admits
                    // one append per case version, so a lapse is recorded once; read the case
                    // again and see what is still due.
                    Err(AppError::VersionConflict { .. }) => {}
                    Err(e) => {
                        tracing::warn!(case = %id, error = %e, "scheduler could not act on a deadline");
                        report.failures += 1;
                        break;
                    }
                }
            }
        }
        Ok(report)
    }
}
