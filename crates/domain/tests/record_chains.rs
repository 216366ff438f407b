//! The per-chain filter a paged timeline query applies ([`readable_record_chains`]) lets through
//! exactly the events [`may_read_record_event`] admits one by one: for random relations
//! (Secretariat, case staff, parties, reviewers, third States, mediator, operators with and
//! without break-glass) over cases at every milestone, every chain name (including names that
//! do not decode) and every kind of event (without-prejudice kinds among them).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use accord_domain::channel::ChannelId;
use accord_domain::event::{Visibility, WITHOUT_PREJUDICE_KINDS};
use accord_domain::party::CountryCode;
use accord_domain::policy::{Relation, may_read_record_event, readable_record_chains};
use accord_domain::testing::{CaseBuilder, Milestone};
use proptest::prelude::*;

const MILESTONES: [Milestone; 9] = [
    Milestone::Draft,
    Milestone::Filed,
    Milestone::Screening,
    Milestone::Constituting,
    Milestone::AppointeePending,
    Milestone::Preparatory,
    Milestone::Active,
    Milestone::SettlementDrafting,
    Milestone::Active,
];

fn chain_names() -> Vec<String> {
    let mut v: Vec<String> = [
        Visibility::Case,
        Visibility::Secretariat,
        Visibility::Party { party: "H".into() },
        Visibility::Party { party: "I".into() },
        Visibility::ThirdState {
            country: CountryCode::parse("FR").unwrap(),
        },
        Visibility::Channel {
            channel: ChannelId::Plenary,
        },
        Visibility::Channel {
            channel: ChannelId::Caucus("H".into()),
        },
        Visibility::Channel {
            channel: ChannelId::MediatorNotes,
        },
        Visibility::Channel {
            channel: ChannelId::Internal("I".into()),
        },
    ]
    .iter()
    .map(Visibility::encode)
    .collect();
    v.push("not-a-chain".into());
    v
}

fn kinds() -> Vec<String> {
    let mut v: Vec<String> = WITHOUT_PREJUDICE_KINDS
        .iter()
        .map(|k| k.to_string())
        .collect();
    v.extend(
        [
            "request-filed",
            "message-posted",
            "document-filed",
            "case-closed",
        ]
        .map(String::from),
    );
    v
}

prop_compose! {
    fn relation()(
        flags in proptest::collection::vec(any::<bool>(), 9),
        parties in proptest::sample::subsequence(vec!["H".to_owned(), "I".to_owned()], 0..=2),
        reviewer in proptest::sample::subsequence(vec!["H".to_owned(), "I".to_owned()], 0..=2),
    ) -> Relation {
        Relation {
            secretariat: flags[0],
            case_officer: flags[1],
            finance: flags[2],
            parties,
            requesting: flags[3],
            mediator: flags[4],
            appointee: flags[5],
            reviewer_of: reviewer,
            third_states: if flags[6] { vec![CountryCode::parse("FR").unwrap()] } else { vec![] },
            break_glass: flags[7],
            operator: flags[8],
            ..Relation::default()
        }
    }
}

proptest! {
    #[test]
    fn the_chain_filter_admits_what_the_event_rule_admits(
        r in relation(),
        milestone in proptest::sample::select(MILESTONES.to_vec()),
    ) {
        let case = CaseBuilder::commercial().build(milestone).unwrap().case;
        let names = chain_names();
        let filter = readable_record_chains(&r, &case, names.iter().map(String::as_str));
        for name in &names {
            for kind in kinds() {
                let one_by_one = Visibility::decode(name)
                    .is_some_and(|v| may_read_record_event(&r, &case, &v, &kind));
                prop_assert_eq!(
                    filter.admits(name, &kind),
                    one_by_one,
                    "chain {} kind {} relation {:?} state {:?}",
                    name, kind, r, case.state
                );
            }
        }
    }
}
