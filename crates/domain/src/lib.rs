//! Pure mediation rules for Accord.
//!
//! Everything here is a function of its inputs: no I/O, no clock, no async. The application layer
//! supplies the time (`now`), the acting user and the institution's registry data (such as State
//! exclusion declarations), and persists the events this crate decides.
//!
//! The flow is the classic event-sourcing pair:
//! * [`decide::decide`] checks a [`command::Command`] against the current [`case::Case`] and returns
//!   the events it causes, or a [`error::DomainError`] naming the guard that failed;
//! * [`case::Case::apply`] folds one event into the case state;
//! * [`step::openness`] answers whether a step is open to an actor, from the policy and the
//!   state-and-actor guards alone (what pages ask before offering a form).
//!
//! The rules themselves are grouped by stage of a mediation in [`transitions`]: each stage's
//! module holds the guards of its commands and the folding of its events side by side.
//!
//! [`policy::authorize`] is the one function that decides who may see and do what.

pub mod actor;
pub mod bidding;
pub mod case;
pub mod channel;
pub mod command;
pub mod deadline;
pub mod decide;
pub mod error;
pub mod event;
pub mod file_names;
pub mod grant;
pub mod meeting;
pub mod negotiation;
pub mod notice;
pub mod party;
pub mod period;
pub mod policy;
pub mod profile;
pub mod reader;
pub mod refusals;
pub mod rule_change;
pub mod scheduler;
pub mod settlement;
pub mod state;
pub mod step;
#[doc(hidden)]
pub mod testing;
pub mod transitions;

pub use actor::{Actor, GlobalRole};
pub use case::Case;
pub use command::{Command, CommandKind};
pub use error::{DomainError, ErrorCode};
pub use event::{CaseEvent, Visibility};
pub use state::CaseState;
