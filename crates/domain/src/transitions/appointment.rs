//! Appointment: the number of mediators, nomination and the appointee's acceptance or refusal,
//! disclosures and objections, co-mediation seats, vacancies and the file's transmittal.

use jiff::Timestamp;

use super::{
    acting_party, after, case_wide, check_text, not_allowed, one, require_state, require_text,
    user_of,
};
use crate::case::{Case, Deposit, MediatorSeat, PendingDisclosure, SeatStatus};
use crate::command::{AppointmentMethod, Command, CommandKind};
use crate::deadline::{DeadlineKind, DeadlineStatus};
use crate::decide::{Context, Decided, limits};
use crate::error::{DomainError, ErrorCode};
use crate::event::CaseEvent;
use crate::party::{CountryCode, PartyKind};
use crate::state::{CaseState, SuspensionKind};

/// What confirming the pending appointee leads to: the file is transmitted once every agreed
/// mediator seat is filled (co-mediation); before that, constitution goes on.
pub fn seats_filled_or_not(case: &Case) -> CaseEvent {
    let serving = case.serving_mediators().count();
    let needed = usize::from(case.mediator_count.unwrap_or(1)).max(1);
    if serving + 1 >= needed {
        CaseEvent::FileTransmitted {}
    } else {
        CaseEvent::AppointmentConfirmed {}
    }
}

/// The seat is vacant because a serving mediator left: the case is suspended until a
/// replacement is appointed.
fn in_vacancy(case: &Case) -> bool {
    matches!(
        case.state,
        CaseState::Suspended {
            kind: SuspensionKind::Vacancy,
            ..
        }
    )
}

/// While a mediator serves before the settlement is signed.
fn serving_stage(case: &Case) -> bool {
    matches!(
        case.state,
        CaseState::Preparatory | CaseState::Active | CaseState::SettlementDrafting
    )
}

/// The state-and-actor guards of the appointment steps.
pub(super) fn guard(
    kind: CommandKind,
    case: &Case,
    ctx: &Context<'_>,
    party: Option<&str>,
) -> Result<(), DomainError> {
    use CommandKind as K;
    let st = case.state;
    let nominated = case
        .appointee()
        .is_some_and(|m| m.status == SeatStatus::Nominated);
    match kind {
        K::AgreeMediatorCount => require_state(kind, case, st == CaseState::Constituting),
        K::RequestSecretariatAppointment => secretariat_appointment_open(case, ctx, party),
        K::NominateMediator | K::ProposeMediator => {
            require_state(
                kind,
                case,
                (st == CaseState::Constituting || in_vacancy(case)) && case.appointee().is_none(),
            )?;
            if kind == K::ProposeMediator {
                acting_party(kind, case, party)?;
            }
            Ok(())
        }
        K::AcceptAppointment | K::DeclineAppointment => require_state(kind, case, nominated),
        K::AcknowledgeDisclosure => {
            let pd = case
                .pending_disclosure
                .as_ref()
                .ok_or_else(|| not_allowed(kind, case))?;
            answer_once(kind, case, party, "acknowledged", |p| {
                pd.acknowledged.contains(p)
            })
        }
        K::ObjectToDisclosure => {
            require_state(kind, case, case.pending_disclosure.is_some())?;
            acting_party(kind, case, party)?;
            if case
                .pending(DeadlineKind::DisclosureObjection, None)
                .is_some_and(|d| d.due_at <= ctx.now)
            {
                return Err(DomainError::guard(
                    ErrorCode::GuardObjectionWindowClosed,
                    "the window to object to this disclosure has closed",
                ));
            }
            Ok(())
        }
        K::FileDisclosure => require_state(
            kind,
            case,
            serving_stage(case) && case.pending_disclosure.is_none(),
        ),
        K::RecordVacancy => require_state(kind, case, serving_stage(case)),
        K::AnswerCoMediationVacancy => {
            let vacancy = case
                .co_mediation_vacancy
                .as_ref()
                .ok_or_else(|| not_allowed(kind, case))?;
            answer_once(kind, case, party, "answered on this vacancy", |p| {
                vacancy.answers.contains_key(p)
            })
        }
        _ => Err(not_allowed(kind, case)),
    }
}

/// A step each party takes once (an acknowledgement, an answer): the acting party, which has not
/// `done` it yet (`guard-already-recorded`, saying what it has already done).
fn answer_once(
    kind: CommandKind,
    case: &Case,
    party: Option<&str>,
    done: &str,
    answered: impl FnOnce(&str) -> bool,
) -> Result<(), DomainError> {
    let party = acting_party(kind, case, party)?;
    if answered(party) {
        return Err(DomainError::guard(
            ErrorCode::GuardAlreadyRecorded,
            format!("party '{party}' has already {done}"),
        ));
    }
    Ok(())
}

/// A party may ask the Secretariat to appoint once, after the period for appointment by
/// agreement; before it, where the profile allows a joint request, each party asks once and the
/// Secretariat appoints when all have.
fn secretariat_appointment_open(
    case: &Case,
    ctx: &Context<'_>,
    party: Option<&str>,
) -> Result<(), DomainError> {
    let kind = CommandKind::RequestSecretariatAppointment;
    require_state(kind, case, case.state == CaseState::Constituting)?;
    acting_party(kind, case, party)?;
    if case.secretariat_appointment_requested {
        return Err(DomainError::guard(
            ErrorCode::GuardAlreadyRecorded,
            "the Secretariat's appointment has already been requested",
        ));
    }
    if let Some(d) = case.pending(DeadlineKind::AppointmentByAgreement, None)
        && d.due_at > ctx.now
    {
        if case.profile.joint_secretariat_appointment {
            if let Some(p) = party
                && case.secretariat_appointment_askers.contains(p)
            {
                return Err(DomainError::guard(
                    ErrorCode::GuardAlreadyRecorded,
                    format!("party '{p}' has already asked; the other parties have not yet"),
                ));
            }
            return Ok(());
        }
        return Err(DomainError::guard(
            ErrorCode::GuardAppointmentPeriodRunning,
            format!(
                "the parties may appoint by agreement until {}; the Secretariat appoints on request after that",
                d.ends()
            ),
        ));
    }
    Ok(())
}

/// The content checks and events of an appointment command whose step is open.
pub(super) fn decide(
    case: &Case,
    cmd: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Decided>, DomainError> {
    use Command as C;
    match cmd {
        C::AgreeMediatorCount { count } => {
            if !(1..=3).contains(count) {
                return Err(DomainError::invalid(
                    ErrorCode::InvalidMediatorCount,
                    format!("one to three mediators, not {count}"),
                ));
            }
            one(CaseEvent::MediatorCountAgreed {
                count: *count,
                defaulted: false,
            })
        }
        C::RequestSecretariatAppointment { party } => {
            let running = case
                .pending(DeadlineKind::AppointmentByAgreement, None)
                .is_some_and(|d| d.due_at > ctx.now);
            let awaiting_others = running
                && case.active_parties().any(|p| {
                    &p.id != party && !case.secretariat_appointment_askers.contains(&p.id)
                });
            one(CaseEvent::SecretariatAppointmentRequested {
                party: party.clone(),
                awaiting_others,
            })
        }
        C::NominateMediator {
            mediator_user_id,
            name,
            nationality,
            method,
            prior_roles_for,
        } => {
            check_text("mediator_user_id", mediator_user_id, limits::ID_MAX, true)?;
            check_text("name", name, limits::TITLE_MAX, true)?;
            nomination_conflicts(
                case,
                mediator_user_id,
                name,
                nationality.as_ref(),
                *method,
                prior_roles_for,
            )?;
            one(CaseEvent::MediatorNominated {
                mediator_user_id: mediator_user_id.clone(),
                name: name.clone(),
                nationality: nationality.clone(),
                method: *method,
            })
        }
        C::ProposeMediator {
            party,
            mediator_user_id,
            name,
            nationality,
        } => {
            check_text("mediator_user_id", mediator_user_id, limits::ID_MAX, true)?;
            check_text("name", name, limits::TITLE_MAX, true)?;
            nomination_conflicts(
                case,
                mediator_user_id,
                name,
                nationality.as_ref(),
                AppointmentMethod::JointNomination,
                &[],
            )?;
            if case
                .mediator_proposals
                .get(party)
                .is_some_and(|p| &p.mediator_user_id == mediator_user_id)
            {
                return Err(DomainError::guard(
                    ErrorCode::GuardAlreadyRecorded,
                    format!("party '{party}' has already proposed this mediator"),
                ));
            }
            let mut out = vec![case_wide(CaseEvent::MediatorProposed {
                party: party.clone(),
                mediator_user_id: mediator_user_id.clone(),
                name: name.clone(),
                nationality: nationality.clone(),
            })];
            // The last party to propose the same mediator makes the nomination joint.
            let all_agree = case.active_parties().all(|p| {
                p.id == *party
                    || case
                        .mediator_proposals
                        .get(&p.id)
                        .is_some_and(|m| &m.mediator_user_id == mediator_user_id)
            });
            if all_agree {
                out.push(case_wide(CaseEvent::MediatorNominated {
                    mediator_user_id: mediator_user_id.clone(),
                    name: name.clone(),
                    nationality: nationality.clone(),
                    method: AppointmentMethod::JointNomination,
                }));
            }
            Ok(out)
        }
        C::AcceptAppointment { declaration } => {
            if !(declaration.independent
                && declaration.impartial
                && declaration.available
                && declaration.confidentiality)
            {
                return Err(DomainError::guard(
                    ErrorCode::GuardDeclarationIncomplete,
                    "the declaration must affirm independence, impartiality, availability and confidentiality",
                ));
            }
            for d in &declaration.disclosures {
                require_text("disclosures[]", d)?;
            }
            let seat = case
                .appointee()
                .ok_or_else(|| not_allowed(cmd.kind(), case))?;
            let mut out = vec![case_wide(CaseEvent::AppointmentAccepted {
                mediator_user_id: seat.user_id.clone(),
                declaration: declaration.clone(),
            })];
            if declaration.disclosures.is_empty() {
                out.push(case_wide(seats_filled_or_not(case)));
            }
            Ok(out)
        }
        C::DeclineAppointment { reason } => {
            require_text("reason", reason)?;
            one(CaseEvent::AppointmentDeclined {
                reason: reason.clone(),
            })
        }
        C::AcknowledgeDisclosure { party } => {
            let mut out = vec![case_wide(CaseEvent::DisclosureAcknowledged {
                party: party.clone(),
            })];
            let next = after(case, &out, ctx.now);
            let all = next.active_parties().all(|p| {
                next.pending_disclosure
                    .as_ref()
                    .is_some_and(|pd| pd.acknowledged.contains(&p.id))
            });
            if all {
                out.push(case_wide(CaseEvent::DisclosureWindowClosed {}));
                if case.appointee().is_some() {
                    out.push(case_wide(seats_filled_or_not(case)));
                }
            }
            Ok(out)
        }
        C::ObjectToDisclosure { party, reason } => {
            require_text("reason", reason)?;
            one(CaseEvent::DisclosureObjected {
                party: party.clone(),
                reason: reason.clone(),
            })
        }
        C::FileDisclosure { text } => {
            require_text("text", text)?;
            one(CaseEvent::DisclosureFiled {
                mediator_user_id: user_of(ctx),
                text: text.clone(),
            })
        }
        C::RecordVacancy { reason, seat } => {
            require_text("reason", reason)?;
            let serving: Vec<&str> = case
                .serving_mediators()
                .map(|m| m.user_id.as_str())
                .collect();
            let seat = match (seat, serving.as_slice()) {
                (Some(s), _) if serving.contains(&s.as_str()) => s.clone(),
                (Some(s), _) => {
                    return Err(DomainError::invalid(
                        ErrorCode::UnknownSeat,
                        format!(
                            "no mediator '{s}' serves in this case; name a serving mediator's seat"
                        ),
                    ));
                }
                (None, [only]) => (*only).to_owned(),
                (None, _) => {
                    return Err(DomainError::invalid(
                        ErrorCode::MissingField,
                        "several mediators serve: name the seat that fell vacant (`seat`, the \
                         leaving mediator's user id)",
                    ));
                }
            };
            one(CaseEvent::VacancyRecorded {
                reason: reason.clone(),
                seat: Some(seat),
            })
        }
        C::AnswerCoMediationVacancy {
            party,
            continue_with_remaining,
        } => one(CaseEvent::CoMediationVacancyAnswered {
            party: party.clone(),
            continue_with_remaining: *continue_with_remaining,
        }),
        _ => Err(not_allowed(cmd.kind(), case)),
    }
}

/// The conflict checks of a nomination: the Secretariat appoints only on request, and a
/// candidate who acted for a party, left this case before or shares a party's nationality is
/// refused.
fn nomination_conflicts(
    case: &Case,
    mediator_user_id: &str,
    name: &str,
    nationality: Option<&CountryCode>,
    method: AppointmentMethod,
    prior_roles_for: &[String],
) -> Result<(), DomainError> {
    if method == AppointmentMethod::SecretariatAppointment
        && !case.secretariat_appointment_requested
        && !in_vacancy(case)
    {
        return Err(DomainError::guard(
            ErrorCode::GuardSecretariatAppointmentNotRequested,
            "the Secretariat appoints on default only at a party's request",
        ));
    }
    if case
        .parties
        .iter()
        .any(|p| p.is_represented_by(mediator_user_id))
        || prior_roles_for.iter().any(|p| case.party(p).is_some())
        || case.mediators.iter().any(|m| {
            m.user_id == mediator_user_id
                && matches!(
                    m.status,
                    SeatStatus::Vacated | SeatStatus::Declined | SeatStatus::Serving
                )
        })
    {
        return Err(DomainError::guard(
            ErrorCode::GuardMediatorConflict,
            format!("{name} has acted for a party or left this case before"),
        ));
    }
    if let Some(n) = nationality
        && case.active_parties().any(|p| match &p.kind {
            PartyKind::State { country, .. } => country == n,
            PartyKind::StateEntity {
                approving_state, ..
            } => approving_state == n,
            PartyKind::Investor { nationality, .. } | PartyKind::Company { nationality, .. } => {
                nationality == n
            }
            PartyKind::InternationalOrganisation => false,
        })
    {
        return Err(DomainError::guard(
            ErrorCode::GuardMediatorNationality,
            format!("{name} has the nationality of a party ({n})"),
        ));
    }
    Ok(())
}

/// Seats accepted with disclosures that cleared become serving seats.
fn confirm_pending_seats(case: &mut Case) {
    case.pending_disclosure = None;
    case.close_deadline(DeadlineKind::DisclosureObjection, None, DeadlineStatus::Met);
    for seat in case.mediators.iter_mut() {
        if seat.status == SeatStatus::AcceptedPendingDisclosure {
            seat.status = SeatStatus::Serving;
        }
    }
}

/// The serving mediators leave; the case waits in vacancy for a replacement.
fn vacate_serving(case: &mut Case) {
    for seat in case.mediators.iter_mut() {
        if seat.status == SeatStatus::Serving {
            seat.status = SeatStatus::Vacated;
        }
    }
    let resume = case.resume_stage();
    case.vacancy_resume = Some(resume);
    case.state = CaseState::Suspended {
        kind: SuspensionKind::Vacancy,
        resume,
    };
}

/// A seat falls vacant. Where other co-mediators remain, they go on serving and the parties are
/// asked whether to continue with them (within the profile's window); where none remains (or the
/// event names no seat, as events recorded before seats were named), the case waits in vacancy.
fn vacate_seat(case: &mut Case, seat: Option<&str>, at: Timestamp) {
    let Some(seat) = seat else {
        vacate_serving(case);
        return;
    };
    let others_remain = case.serving_mediators().any(|m| m.user_id != seat);
    if !others_remain {
        case.co_mediation_vacancy = None;
        case.close_deadline(
            DeadlineKind::CoMediationVacancy,
            None,
            DeadlineStatus::Cancelled,
        );
        vacate_serving(case);
        return;
    }
    if let Some(m) = case
        .mediators
        .iter_mut()
        .find(|m| m.user_id == seat && m.status == SeatStatus::Serving)
    {
        m.status = SeatStatus::Vacated;
    }
    case.co_mediation_vacancy = Some(crate::case::CoMediationVacancy {
        seat: seat.to_owned(),
        answers: Default::default(),
    });
    let days = case.profile.co_mediation_vacancy_days;
    case.start_deadline(
        DeadlineKind::CoMediationVacancy,
        None,
        at,
        days,
        "co_mediation_vacancy_days",
    );
}

/// A co-mediation vacancy the parties did not all agree to continue through: the case is
/// suspended until the seat is filled; the remaining mediators keep their seats (and access).
fn suspend_for_vacancy(case: &mut Case, outcome: DeadlineStatus) {
    if case.co_mediation_vacancy.take().is_none() {
        return;
    }
    case.close_deadline(DeadlineKind::CoMediationVacancy, None, outcome);
    let resume = case.resume_stage();
    case.vacancy_resume = Some(resume);
    case.state = CaseState::Suspended {
        kind: SuspensionKind::Vacancy,
        resume,
    };
}

/// Back to constitution, unless the case waits in vacancy (then it stays suspended).
fn back_to_constitution(case: &mut Case, at: Timestamp) {
    if !matches!(case.state, CaseState::Suspended { .. }) {
        case.state = CaseState::Constituting;
        case.appointment_step(at);
    }
}

/// Folds an appointment event.
pub(super) fn apply(case: &mut Case, event: &CaseEvent, at: Timestamp) {
    use CaseEvent as E;
    match event {
        E::ConstitutionStarted {} => {
            case.state = CaseState::Constituting;
            let p = &case.profile;
            let (n, a) = (p.mediator_number_days, p.appointment_by_agreement_days);
            case.start_deadline(
                DeadlineKind::MediatorNumber,
                None,
                at,
                n,
                "mediator_number_days",
            );
            case.start_deadline(
                DeadlineKind::AppointmentByAgreement,
                None,
                at,
                a,
                "appointment_by_agreement_days",
            );
            case.appointment_step(at);
        }
        E::MediatorCountAgreed { count, defaulted } => {
            case.mediator_count = Some(*count);
            let status = if *defaulted {
                DeadlineStatus::Lapsed
            } else {
                DeadlineStatus::Met
            };
            case.close_deadline(DeadlineKind::MediatorNumber, None, status);
            if !*defaulted {
                case.appointment_step(at);
            }
        }
        E::SecretariatAppointmentRequested {
            party,
            awaiting_others,
        } => {
            case.secretariat_appointment_askers.insert(party.clone());
            if *awaiting_others {
                return;
            }
            case.secretariat_appointment_requested = true;
            let d = case.profile.institution_appointment_days;
            case.start_deadline(
                DeadlineKind::InstitutionAppointment,
                None,
                at,
                d,
                "institution_appointment_days",
            );
            case.appointment_step(at);
        }
        E::MediatorNominated {
            mediator_user_id,
            name,
            nationality,
            method,
        } => {
            case.mediator_proposals.clear();
            apply_nomination(case, mediator_user_id, name, nationality, *method, at)
        }
        E::MediatorProposed {
            party,
            mediator_user_id,
            name,
            nationality,
        } => {
            case.mediator_proposals.insert(
                party.clone(),
                crate::case::ProposedMediator {
                    mediator_user_id: mediator_user_id.clone(),
                    name: name.clone(),
                    nationality: nationality.clone(),
                },
            );
        }
        E::AppointmentAccepted {
            mediator_user_id,
            declaration,
        } => {
            case.close_deadline(DeadlineKind::Acceptance, None, DeadlineStatus::Met);
            let has_disclosures = !declaration.disclosures.is_empty();
            if let Some(seat) = case
                .mediators
                .iter_mut()
                .rev()
                .find(|m| &m.user_id == mediator_user_id && m.status == SeatStatus::Nominated)
            {
                seat.declaration = Some(declaration.clone());
                seat.status = if has_disclosures {
                    SeatStatus::AcceptedPendingDisclosure
                } else {
                    SeatStatus::Serving
                };
            }
            if has_disclosures {
                open_disclosure_window(case, at);
            }
        }
        E::AppointmentDeclined { .. } => appointee_left(case, false, at),
        E::AppointmentLapsed { effective } => appointee_left(case, true, *effective),
        _ => apply_disclosures(case, event, at),
    }
}

/// A mediator is nominated: the seat opens and the acceptance period runs.
fn apply_nomination(
    case: &mut Case,
    user_id: &str,
    name: &str,
    nationality: &Option<CountryCode>,
    method: AppointmentMethod,
    at: Timestamp,
) {
    case.mediators.push(MediatorSeat {
        user_id: user_id.to_owned(),
        name: name.to_owned(),
        nationality: nationality.clone(),
        method,
        nominated_at: at,
        status: SeatStatus::Nominated,
        declaration: None,
        later_disclosures: vec![],
    });
    case.close_deadline(
        DeadlineKind::MediatorNumber,
        None,
        DeadlineStatus::Cancelled,
    );
    case.close_deadline(
        DeadlineKind::AppointmentByAgreement,
        None,
        DeadlineStatus::Met,
    );
    case.close_deadline(
        DeadlineKind::InstitutionAppointment,
        None,
        DeadlineStatus::Met,
    );
    if !matches!(case.state, CaseState::Suspended { .. }) {
        case.state = CaseState::AppointeePending;
    }
    case.appointment_step(at);
    let d = case.profile.acceptance_days;
    case.start_deadline(DeadlineKind::Acceptance, None, at, d, "acceptance_days");
}

/// The appointee declined, or let the acceptance period lapse (`lapsed`, effective `at`).
fn appointee_left(case: &mut Case, lapsed: bool, at: Timestamp) {
    if let Some(seat) = case
        .mediators
        .iter_mut()
        .rev()
        .find(|m| m.status == SeatStatus::Nominated)
    {
        seat.status = if lapsed {
            SeatStatus::Lapsed
        } else {
            SeatStatus::Declined
        };
    }
    let status = if lapsed {
        DeadlineStatus::Lapsed
    } else {
        DeadlineStatus::Cancelled
    };
    case.close_deadline(DeadlineKind::Acceptance, None, status);
    back_to_constitution(case, at);
}

/// Disclosures await the parties' acknowledgement or the end of the objection window.
fn open_disclosure_window(case: &mut Case, at: Timestamp) {
    case.pending_disclosure = Some(PendingDisclosure::default());
    let d = case.profile.disclosure_objection_days;
    case.start_deadline(
        DeadlineKind::DisclosureObjection,
        None,
        at,
        d,
        "disclosure_objection_days",
    );
}

/// Folds the disclosure, confirmation, transmittal and vacancy events.
fn apply_disclosures(case: &mut Case, event: &CaseEvent, at: Timestamp) {
    use CaseEvent as E;
    match event {
        E::DisclosureAcknowledged { party } => {
            if let Some(pd) = case.pending_disclosure.as_mut() {
                pd.acknowledged.insert(party.clone());
            }
        }
        E::DisclosureObjected { .. } => {
            case.close_deadline(DeadlineKind::DisclosureObjection, None, DeadlineStatus::Met);
            case.pending_disclosure = None;
            // The objected-to mediator leaves: an appointee before transmittal, or the
            // serving mediator mid-mediation (then the seat is vacant).
            if case.appointee().is_some() {
                if let Some(seat) = case
                    .mediators
                    .iter_mut()
                    .rev()
                    .find(|m| m.status == SeatStatus::AcceptedPendingDisclosure)
                {
                    seat.status = SeatStatus::Vacated;
                }
                back_to_constitution(case, at);
            } else {
                vacate_serving(case);
            }
        }
        E::DisclosureWindowClosed {} => {
            case.pending_disclosure = None;
            case.close_deadline(
                DeadlineKind::DisclosureObjection,
                None,
                DeadlineStatus::Lapsed,
            );
        }
        E::AppointmentConfirmed {} => {
            confirm_pending_seats(case);
            back_to_constitution(case, at);
        }
        E::FileTransmitted {} => apply_transmittal(case, at),
        E::DisclosureFiled {
            mediator_user_id,
            text,
        } => {
            if let Some(seat) = case
                .mediators
                .iter_mut()
                .find(|m| &m.user_id == mediator_user_id && m.status == SeatStatus::Serving)
            {
                seat.later_disclosures.push(text.clone());
            }
            open_disclosure_window(case, at);
        }
        E::VacancyRecorded { seat, .. } => vacate_seat(case, seat.as_deref(), at),
        E::CoMediationVacancyAnswered {
            party,
            continue_with_remaining,
        } => {
            if let Some(v) = case.co_mediation_vacancy.as_mut() {
                v.answers.insert(party.clone(), *continue_with_remaining);
            }
            if !continue_with_remaining {
                suspend_for_vacancy(case, DeadlineStatus::Met);
            } else if case.active_parties().all(|p| {
                case.co_mediation_vacancy
                    .as_ref()
                    .is_some_and(|v| v.answers.get(&p.id) == Some(&true))
            }) {
                // Every party agreed: the mediation goes on with the mediators who remain.
                case.co_mediation_vacancy = None;
                case.close_deadline(DeadlineKind::CoMediationVacancy, None, DeadlineStatus::Met);
                let serving = case.serving_mediators().count();
                case.mediator_count = u8::try_from(serving).ok().or(case.mediator_count);
            }
        }
        E::CoMediationVacancyLapsed {} => suspend_for_vacancy(case, DeadlineStatus::Lapsed),
        _ => {}
    }
}

/// The file goes to the mediators: back where a vacancy interrupted the case, or on to the
/// preparatory stage with its periods and the parties' deposits.
fn apply_transmittal(case: &mut Case, at: Timestamp) {
    case.close_deadline(DeadlineKind::Inactivity, None, DeadlineStatus::Met);
    confirm_pending_seats(case);
    if let Some(stage) = case.vacancy_resume.take() {
        case.state = stage.state();
        return;
    }
    case.state = CaseState::Preparatory;
    let p = case.profile.clone();
    case.start_deadline(
        DeadlineKind::InitialStatements,
        None,
        at,
        p.initial_statements_days,
        "initial_statements_days",
    );
    case.start_deadline(
        DeadlineKind::FirstSession,
        None,
        at,
        p.first_session_days,
        "first_session_days",
    );
    let ids: Vec<String> = case.active_parties().map(|p| p.id.clone()).collect();
    for id in ids {
        case.deposits.insert(
            id.clone(),
            Deposit {
                paid: false,
                paid_by: None,
                default_notice: false,
            },
        );
        case.start_deadline(
            DeadlineKind::Deposit,
            Some(&id),
            at,
            p.deposit_due_days,
            "deposit_due_days",
        );
    }
}
