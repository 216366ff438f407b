//! Who is acting: a signed-in user with an institution-wide role, or the scheduler.

use serde::{Deserialize, Serialize};

/// A user's institution-wide role. Case roles (party representative, mediator, third State) are
/// derived from the case itself; see [`crate::policy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GlobalRole {
    /// Secretary-General, Deputy or case officer: administers every case.
    Secretariat,
    /// A member of the panel of mediators: sees the cases they are appointed to.
    Mediator,
    /// A party's principal or counsel, or a third State's representative: sees the cases that name
    /// them.
    PartyUser,
    /// The platform operator: runs the deployment, sees no case content.
    Operator,
    /// Case officers and finance officers are staff whose case access comes from per-case roles.
    Staff,
    /// A member of the Governing Council: aggregate statistics only, no case content.
    GoverningCouncil,
}

impl GlobalRole {
    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            GlobalRole::Secretariat => "secretariat",
            GlobalRole::Mediator => "mediator",
            GlobalRole::PartyUser => "party-user",
            GlobalRole::Operator => "operator",
            GlobalRole::Staff => "staff",
            GlobalRole::GoverningCouncil => "governing-council",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "secretariat" => GlobalRole::Secretariat,
            "mediator" => GlobalRole::Mediator,
            "party-user" => GlobalRole::PartyUser,
            "operator" => GlobalRole::Operator,
            "staff" => GlobalRole::Staff,
            "governing-council" => GlobalRole::GoverningCouncil,
            _ => return None,
        })
    }
}

/// The actor of a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Actor {
    /// A signed-in user.
    User {
        /// The user's id.
        id: String,
        /// The user's institution-wide role.
        role: GlobalRole,
    },
    /// The deadline scheduler acting on a lapsed time limit.
    System,
}

impl Actor {
    /// A stable text form for the event log: `user:<id>` or `system`.
    pub fn log_name(&self) -> String {
        match self {
            Actor::User { id, .. } => format!("user:{id}"),
            Actor::System => "system".to_owned(),
        }
    }

    /// The user id, if a user acts.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Actor::User { id, .. } => Some(id),
            Actor::System => None,
        }
    }
}
