//! Deciding commands: whether a command's step is open and its content valid, and the events it
//! causes. The rules themselves live by stage in [`crate::transitions`]; this module is the entry
//! point and holds what every stage shares (the context, the decided event, the input limits).

use jiff::Timestamp;

use crate::actor::Actor;
use crate::case::Case;
use crate::command::Command;
use crate::deadline::utc_date;
use crate::error::DomainError;
use crate::event::{CaseEvent, Visibility};
use crate::party::ExclusionDeclaration;
use crate::transitions;

pub use crate::transitions::appointment::seats_filled_or_not;
pub use crate::transitions::intake::{
    COMMERCIAL_EXCLUDED_CATEGORIES, applicable_exclusions, file_request, registration_guards,
    reopen, scope_guards,
};
pub use crate::transitions::negotiation::{close_blind_round, conclude_package};
pub use crate::transitions::proceedings::{FiledDocument, file_document};
pub use crate::transitions::settlement::issue_attestation;

/// Limits on filing input (sizes and counts are explicit).
pub mod limits {
    /// Maximum characters in a title.
    pub const TITLE_MAX: usize = 300;
    /// Maximum characters in a summary or free-text field.
    pub const TEXT_MAX: usize = 20_000;
    /// Parties per case.
    pub const PARTIES_MAX: usize = 20;
    /// Representatives per party.
    pub const REPRESENTATIVES_MAX: usize = 20;
    /// Third States per case.
    pub const THIRD_STATES_MAX: usize = 20;
    /// Subject categories per request.
    pub const CATEGORIES_MAX: usize = 20;
    /// Characters in an identifier (party id, category, reference).
    pub const ID_MAX: usize = 64;
}

/// What a decision needs besides the case: the time, the actor and registry data.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Now, from the application's clock.
    pub now: Timestamp,
    /// The acting user or the scheduler.
    pub actor: &'a Actor,
    /// State exclusion declarations on file (for registration and refusal).
    pub declarations: &'a [ExclusionDeclaration],
    /// Recorded versions of the profiles (governing bodies' decisions): filing, screening and
    /// the parties' agreement to a newer version read them.
    pub profile_versions: &'a [crate::rule_change::ProfileVersion],
}

/// An event with its visibility, ready to append.
#[derive(Debug, Clone, PartialEq)]
pub struct Decided {
    /// The fact.
    pub event: CaseEvent,
    /// Who may read it.
    pub visibility: Visibility,
}

/// Decides a command: first whether its step is open in the case as it is (the state-and-actor
/// guards, [`transitions::guard`]), then whether its content is valid, and the events it causes.
/// The caller has already checked [`crate::policy::authorize`] for `cmd.action()`.
pub fn decide(case: &Case, cmd: &Command, ctx: &Context<'_>) -> Result<Vec<Decided>, DomainError> {
    transitions::guard(cmd.kind(), case, ctx, cmd.acting_party())?;
    transitions::decide_content(case, cmd, ctx)
}

/// The date part of a timestamp, for messages.
pub fn date(t: Timestamp) -> String {
    utc_date(t)
}
