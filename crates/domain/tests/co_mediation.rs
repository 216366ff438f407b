//! Co-mediation vacancies (docs/PROCEDURE.md, transition 14): a vacancy names the seat; with
//! co-mediators the case continues with the rest if every party agrees within the profile's
//! window, and is suspended for the vacancy otherwise; the remaining mediator keeps its seat.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use accord_domain::case::SeatStatus;
use accord_domain::command::{AppointmentMethod, Command};
use accord_domain::deadline::{DeadlineKind, DeadlineStatus};
use accord_domain::policy::{self, Action};
use accord_domain::state::{CaseState, SuspensionKind};
use accord_domain::testing::{By, CaseBuilder, Fixture, Milestone, Refused, clean_declaration};
use accord_domain::{Actor, ErrorCode, GlobalRole, scheduler};

fn mediator(id: &str) -> Actor {
    Actor::User {
        id: id.into(),
        role: GlobalRole::Mediator,
    }
}

fn accept() -> Command {
    Command::AcceptAppointment {
        declaration: clean_declaration(),
    }
}

fn nominate(id: &str, name: &str) -> Command {
    Command::NominateMediator {
        mediator_user_id: id.into(),
        name: name.into(),
        nationality: None,
        method: AppointmentMethod::JointNomination,
        prior_roles_for: vec![],
    }
}

/// An ACTIVE commercial case mediated by `m1` and `m2`.
fn co_mediated() -> Fixture {
    let builder = CaseBuilder::commercial()
        .mediator("m1", "Amina Diallo", None)
        .mediator_count(2);
    let mut f = builder.build(Milestone::AppointeePending).unwrap();
    f.act(&By::Mediator, &accept()).unwrap();
    assert_eq!(f.case.state, CaseState::Constituting, "one seat of two");
    f.act(&By::Secretariat, &nominate("m2", "Li Wei")).unwrap();
    f.act(&By::User(mediator("m2")), &accept()).unwrap();
    assert_eq!(f.case.state, CaseState::Preparatory);
    f.act(
        &By::Mediator,
        &Command::RecordFirstSession {
            record: builder.session_record(),
        },
    )
    .unwrap();
    assert_eq!(f.case.state, CaseState::Active);
    assert_eq!(f.case.serving_mediators().count(), 2);
    f
}

fn vacancy(seat: Option<&str>) -> Command {
    Command::RecordVacancy {
        reason: "Resigned for health reasons".into(),
        seat: seat.map(str::to_owned),
    }
}

fn answer(party: &str, yes: bool) -> Command {
    Command::AnswerCoMediationVacancy {
        party: party.into(),
        continue_with_remaining: yes,
    }
}

fn code(r: Result<Vec<accord_domain::decide::Decided>, Refused>) -> ErrorCode {
    match r {
        Err(Refused::Domain(e)) => e.code(),
        other => panic!("{other:?}"),
    }
}

fn status_of(f: &Fixture, id: &str) -> SeatStatus {
    f.case
        .mediators
        .iter()
        .find(|m| m.user_id == id)
        .unwrap()
        .status
}

#[test]
fn a_vacancy_among_co_mediators_names_its_seat() {
    let f = co_mediated();
    assert_eq!(
        code(f.decide(&By::Secretariat, &vacancy(None))),
        ErrorCode::MissingField
    );
    assert_eq!(
        code(f.decide(&By::Secretariat, &vacancy(Some("m9")))),
        ErrorCode::UnknownSeat
    );
}

#[test]
fn every_party_agrees_and_the_remaining_mediator_goes_on_alone() {
    let mut f = co_mediated();
    f.act(&By::Secretariat, &vacancy(Some("m2"))).unwrap();
    // The case goes on meanwhile, with m1 serving and m2's seat vacant.
    assert_eq!(f.case.state, CaseState::Active);
    assert_eq!(status_of(&f, "m1"), SeatStatus::Serving);
    assert_eq!(status_of(&f, "m2"), SeatStatus::Vacated);
    assert!(policy::authorize(&mediator("m1"), &Action::Mediate, &f.case).is_ok());
    assert!(policy::authorize(&mediator("m2"), &Action::Mediate, &f.case).is_err());
    let window = f
        .case
        .pending(DeadlineKind::CoMediationVacancy, None)
        .unwrap()
        .clone();
    assert_eq!(
        window.last_day.map(|d| d.to_string()),
        Some(
            f.case
                .profile
                .calendar
                .period_end(f.now, 15)
                .last_day
                .to_string()
        )
    );
    f.act(&By::Party("H".into()), &answer("H", true)).unwrap();
    assert_eq!(
        code(f.decide(&By::Party("H".into()), &answer("H", false))),
        ErrorCode::GuardAlreadyRecorded
    );
    assert!(f.case.co_mediation_vacancy.is_some(), "I has not answered");
    f.act(&By::Party("I".into()), &answer("I", true)).unwrap();
    assert!(f.case.co_mediation_vacancy.is_none());
    assert_eq!(f.case.state, CaseState::Active);
    assert_eq!(f.case.mediator_count, Some(1));
    assert_eq!(
        f.case
            .deadlines
            .iter()
            .find(|d| d.kind == DeadlineKind::CoMediationVacancy)
            .unwrap()
            .status,
        DeadlineStatus::Met
    );
}

#[test]
fn one_refusal_suspends_for_the_vacancy_and_a_replacement_resumes() {
    let mut f = co_mediated();
    f.act(&By::Mediator, &vacancy(Some("m2"))).unwrap();
    f.act(&By::Party("H".into()), &answer("H", true)).unwrap();
    f.act(&By::Party("I".into()), &answer("I", false)).unwrap();
    assert_eq!(
        f.case.state,
        CaseState::Suspended {
            kind: SuspensionKind::Vacancy,
            resume: accord_domain::state::ResumeStage::Active,
        }
    );
    // The remaining mediator keeps its seat and its access while the seat is filled.
    assert_eq!(status_of(&f, "m1"), SeatStatus::Serving);
    assert!(policy::authorize(&mediator("m1"), &Action::Mediate, &f.case).is_ok());
    f.act(&By::Secretariat, &nominate("m3", "Sofia Reyes"))
        .unwrap();
    f.act(&By::User(mediator("m3")), &accept()).unwrap();
    assert_eq!(f.case.state, CaseState::Active);
    assert_eq!(f.case.serving_mediators().count(), 2);
}

#[test]
fn without_every_answer_in_time_the_case_is_suspended_for_the_vacancy() {
    let mut f = co_mediated();
    f.act(&By::Secretariat, &vacancy(Some("m1"))).unwrap();
    f.act(&By::Party("H".into()), &answer("H", true)).unwrap();
    let due = f
        .case
        .pending(DeadlineKind::CoMediationVacancy, None)
        .unwrap()
        .due_at;
    assert!(scheduler::next_lapse(&f.case, due - jiff::SignedDuration::from_secs(1)).is_none());
    let lapse = scheduler::next_lapse(&f.case, due).unwrap();
    f.fold(&lapse);
    assert!(matches!(
        f.case.state,
        CaseState::Suspended {
            kind: SuspensionKind::Vacancy,
            ..
        }
    ));
    assert_eq!(status_of(&f, "m2"), SeatStatus::Serving);
    assert!(f.case.co_mediation_vacancy.is_none());
}

#[test]
fn the_last_serving_mediator_leaving_suspends_at_once() {
    let mut f = CaseBuilder::commercial().build(Milestone::Active).unwrap();
    f.act(&By::Secretariat, &vacancy(None)).unwrap();
    assert!(matches!(
        f.case.state,
        CaseState::Suspended {
            kind: SuspensionKind::Vacancy,
            ..
        }
    ));
    assert!(f.case.co_mediation_vacancy.is_none());
}
