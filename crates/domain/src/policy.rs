//! The one visibility policy: a pure function of (actor, action, case) that decides every read and
//! write. Routes and queries call [`authorize`] (or [`can_view_case`] / [`can_read_event`] for
//! reads); none decides access on its own.
//!
//! A case the actor may not see is answered exactly as a case that does not exist
//! ([`Denial::NotFound`]); a case the actor sees but may not act on gives [`Denial::Forbidden`].

use crate::actor::{Actor, GlobalRole};
use crate::case::{Case, SeatStatus};
use crate::event::Visibility;
use crate::party::CountryCode;
use crate::state::CaseState;

/// What the actor wants to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Read the case record (its view and the events the actor may read).
    ViewCase,
    /// Read the consent request addressed to a third State.
    ViewConsentRequest {
        /// The third State.
        country: CountryCode,
    },
    /// Act as the requesting party (submit, withdraw the request, treat an invitation as rejected).
    ActForRequestingParty,
    /// Act for a named party.
    ActForParty {
        /// The party id.
        party: String,
    },
    /// Secretariat administration of the case.
    Administer,
    /// Secretariat or the serving mediator.
    AdministerOrMediate,
    /// The nominated appointee accepts or declines.
    ActAsAppointee,
    /// The serving mediator's acts.
    Mediate,
    /// Ask for a closed case to be re-opened as a new linked case (a party or the Secretariat).
    RequestReopening,
    /// A third State gives its consent.
    ConsentAsThirdState {
        /// The third State.
        country: CountryCode,
    },
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// The actor may not know the case exists: answer as for a missing case.
    NotFound,
    /// The actor sees the case but may not do this.
    Forbidden,
}

/// The actor's relation to one case.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Relation {
    /// Institution-wide Secretariat.
    pub secretariat: bool,
    /// Active parties the actor represents.
    pub parties: Vec<String>,
    /// The actor represents the requesting party.
    pub requesting: bool,
    /// The actor is a serving mediator.
    pub mediator: bool,
    /// The actor is the nominated appointee.
    pub appointee: bool,
    /// Third States the actor represents.
    pub third_states: Vec<CountryCode>,
}

/// Computes the actor's relation to a case.
pub fn relation(actor: &Actor, case: &Case) -> Relation {
    let Actor::User { id, role } = actor else {
        return Relation::default();
    };
    let mut r = Relation {
        secretariat: *role == GlobalRole::Secretariat,
        ..Relation::default()
    };
    if *role == GlobalRole::Operator {
        return r;
    }
    for p in case.active_parties() {
        if p.is_represented_by(id) {
            r.parties.push(p.id.clone());
            if p.id == case.requesting_party {
                r.requesting = true;
            }
        }
    }
    if case.created_by == *id && case.state == CaseState::Draft {
        r.requesting = true;
    }
    r.mediator = case
        .mediators
        .iter()
        .any(|m| &m.user_id == id && m.status == SeatStatus::Serving);
    r.appointee = case.appointee().is_some_and(|m| &m.user_id == id);
    r.third_states = case
        .third_states
        .iter()
        .filter(|t| t.representatives.iter().any(|u| u == id))
        .map(|t| t.country.clone())
        .collect();
    r
}

/// May the actor see the case record at all?
pub fn can_view_case(actor: &Actor, case: &Case) -> bool {
    let r = relation(actor, case);
    if case.state == CaseState::Draft {
        return r.requesting;
    }
    if r.secretariat || r.requesting || r.mediator || r.appointee {
        return true;
    }
    !r.parties.is_empty() && case.disclosed_to_all_parties
}

/// May the actor read an event with this visibility in this case? (Requires [`can_view_case`],
/// except for a third State's own consent request.)
pub fn can_read_event(actor: &Actor, case: &Case, visibility: &Visibility) -> bool {
    let r = relation(actor, case);
    match visibility {
        Visibility::ThirdState { country } => r.secretariat || r.third_states.contains(country),
        _ if !can_view_case(actor, case) => false,
        Visibility::Case => true,
        Visibility::Secretariat => r.secretariat,
        Visibility::Party { party } => r.secretariat || r.parties.contains(party),
    }
}

/// The one decision: may `actor` do `action` on `case`?
pub fn authorize(actor: &Actor, action: &Action, case: &Case) -> Result<(), Denial> {
    let r = relation(actor, case);
    // Third States see only their consent request, and may give consent.
    match action {
        Action::ViewConsentRequest { country } | Action::ConsentAsThirdState { country } => {
            if r.third_states.contains(country) || (r.secretariat && can_view_case(actor, case)) {
                return Ok(());
            }
            return Err(if can_view_case(actor, case) {
                Denial::Forbidden
            } else {
                Denial::NotFound
            });
        }
        _ => {}
    }
    if !can_view_case(actor, case) {
        return Err(Denial::NotFound);
    }
    let allowed = match action {
        Action::ViewCase => true,
        Action::ActForRequestingParty => r.requesting,
        Action::ActForParty { party } => r.parties.contains(party),
        Action::Administer => r.secretariat,
        Action::AdministerOrMediate => r.secretariat || r.mediator,
        Action::ActAsAppointee => r.appointee,
        Action::Mediate => r.mediator,
        Action::RequestReopening => r.secretariat || !r.parties.is_empty(),
        Action::ViewConsentRequest { .. } | Action::ConsentAsThirdState { .. } => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Denial::Forbidden)
    }
}

/// May the actor file new requests? (Party users and the Secretariat.)
pub fn can_file_request(actor: &Actor) -> bool {
    matches!(
        actor,
        Actor::User {
            role: GlobalRole::PartyUser | GlobalRole::Secretariat,
            ..
        }
    )
}

/// May the actor manage institution registries (exclusion declarations) and accounts?
pub fn can_administer_institution(actor: &Actor) -> bool {
    matches!(
        actor,
        Actor::User {
            role: GlobalRole::Secretariat,
            ..
        }
    )
}
