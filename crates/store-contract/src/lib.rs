//! The storage contract: one suite of checks that every [`Store`] implementation must pass.
//! Each backend crate runs [`run_all`] from its tests (SQLite always, PostgreSQL when
//! `ACCORD_TEST_POSTGRES_URL` is set), so both behave the same.

use std::sync::Arc;

use accord_app::ports::{
    AccessRecord, Append, AttestationRecord, CaseProjection, CaseQuery, DocumentRecord,
    DraftRecord, EventQuery, MessageRecord, NegotiationInputRecord, Order, RelayRecord,
    SessionRecord, Store, StoreError, StoredIdempotency, UserRecord,
};
use accord_domain::party::{CountryCode, ExclusionDeclaration};
use accord_evidence::{ChainHead, EventRecord, GENESIS_HASH, NewEvent, seal, seal_v1};
use serde_json::json;

/// Builds `n` chained events continuing a case at `version` with head `prev`.
pub fn records(case_id: &str, version: i64, prev: &str, n: usize) -> Vec<EventRecord> {
    let events = (0..n)
        .map(|i| NewEvent {
            event_id: format!("{case_id}-{}", version + 1 + i as i64),
            recorded_at_ms: 1_800_000_000_000 + version + i as i64,
            actor: "user:contract".into(),
            kind: "note".into(),
            rule_basis: "contract test".into(),
            visibility: "case".into(),
            payload: json!({"type": "note", "n": version + 1 + i as i64, "text": "調解 — وساطة"}),
        })
        .collect();
    seal(case_id, version, &case_chain(version, prev), events).unwrap_or_default()
}

/// The heads of a synthetic case whose events are all in the `case` chain.
fn case_chain(version: i64, prev: &str) -> std::collections::BTreeMap<String, ChainHead> {
    std::collections::BTreeMap::from([(
        "case".to_owned(),
        ChainHead {
            seq: version,
            hash: prev.to_owned(),
        },
    )])
}

/// A projection for a synthetic case.
pub fn projection(case_id: &str, version: i64, head: &str, members: &[&str]) -> CaseProjection {
    CaseProjection {
        case_id: case_id.into(),
        reference: format!("REF-{case_id}"),
        title: format!("Case {case_id}"),
        dispute_type: "commercial".into(),
        state: "ACTIVE".into(),
        version,
        head_hash: head.into(),
        next_action_ms: None,
        next_deadline_ms: None,
        updated_at_ms: 1_800_000_000_000 + version,
        members: members.iter().map(|m| (*m).to_owned()).collect(),
        case_json: "{}".into(),
    }
}

/// Appends `n` events to a case at `version`/`head`; returns the new head.
pub async fn append_n(
    store: &dyn Store,
    case_id: &str,
    version: i64,
    head: &str,
    n: usize,
    members: &[&str],
) -> Result<String, StoreError> {
    let recs = records(case_id, version, head, n);
    let new_head = recs.last().map(|r| r.hash.clone()).unwrap_or_default();
    store
        .append(Append {
            expected_version: version,
            projection: projection(case_id, version + n as i64, &new_head, members),
            records: recs,
            documents: vec![],
        })
        .await?;
    Ok(new_head)
}

/// Runs every contract check.
pub async fn run_all(store: Arc<dyn Store>) {
    appends_read_back_in_order(store.as_ref()).await;
    stale_version_is_refused_and_writes_nothing(store.as_ref()).await;
    concurrent_appends_to_one_case_admit_exactly_one(store.clone()).await;
    concurrent_appends_to_different_cases_all_succeed(store.clone()).await;
    lists_filter_by_member_and_state_and_order_by_deadline(store.as_ref()).await;
    due_cases_are_those_with_a_lapsed_action(store.as_ref()).await;
    users_and_sessions(store.as_ref()).await;
    idempotency_keys(store.as_ref()).await;
    declarations_round_trip(store.as_ref()).await;
    profile_versions_are_recorded_once(store.as_ref()).await;
    chains_are_summarised_per_audience(store.as_ref()).await;
    intact_chains_verify(store.as_ref()).await;
    channels_relays_audit_and_keys(store.clone()).await;
    negotiation_inputs_replace_per_party_and_kind(store.as_ref()).await;
    transparency_log_admits_each_event_once_at_dense_indices(store.as_ref()).await;
    draft_versions_are_numbered_once(store.as_ref()).await;
    documents_round_trip_and_version_once(store.as_ref()).await;
    a_document_is_written_with_its_append_or_not_at_all(store.as_ref()).await;
    paging::every_list_pages_from_either_end(store.as_ref()).await;
    notifications::notices_are_stored_once_and_the_cursor_only_moves_on(store.as_ref()).await;
    notifications::the_notifier_reads_logged_events_and_unnotified_messages(store.as_ref()).await;
}

pub mod notifications {
    //! The notifier's cursor, the inbox and the e-mail outbox.

    use accord_app::ports::{
        MessageRecord, NotificationBatch, NotificationPreferences, NotificationRecord, Store,
        StoreError,
    };

    /// A notice for `user` from `source` at `ms`, its e-mail in `state`.
    pub fn notice(id: &str, user: &str, ms: i64, state: &str) -> NotificationRecord {
        NotificationRecord {
            id: id.into(),
            user_id: user.into(),
            case_id: "n-case".into(),
            case_reference: "REF-n".into(),
            source: format!("event:{id}"),
            topic_json: r#"{"topic":"event","kind":"case-registered"}"#.into(),
            your_turn: false,
            required: true,
            created_ms: ms,
            read_ms: None,
            mail_state: state.into(),
            mail_attempts: 0,
            mail_next_ms: (state == "pending").then_some(ms),
            mail_error: None,
            mail_done_ms: None,
        }
    }

    /// A notice is stored once whatever the retries; the cursor moves only from where it is,
    /// and a batch refused for a moved cursor writes nothing; inbox pages, read marks, the
    /// outbox and the preferences.
    pub async fn notices_are_stored_once_and_the_cursor_only_moves_on(store: &dyn Store) {
        assert_eq!(store.notifier_cursor("contract").await.unwrap(), 0);
        let first = NotificationBatch {
            notifications: vec![
                notice("n1", "ua", 10, "pending"),
                notice("n2", "ub", 11, "off"),
            ],
            cursor: Some(("contract".into(), 0, 5)),
            messages: vec![],
        };
        store.record_notifications(&first).await.unwrap();
        assert_eq!(store.notifier_cursor("contract").await.unwrap(), 5);
        // A second notifier that read from 0 loses: nothing of its batch is written.
        let stale = NotificationBatch {
            notifications: vec![notice("n3", "ua", 12, "pending")],
            cursor: Some(("contract".into(), 0, 6)),
            messages: vec![],
        };
        assert!(matches!(
            store.record_notifications(&stale).await,
            Err(StoreError::Conflict { current: 5 })
        ));
        assert_eq!(store.notifier_cursor("contract").await.unwrap(), 5);
        // A notice already stored is kept as it is (its e-mail state too).
        let mut again = notice("n1", "ua", 10, "off");
        again.mail_state = "off".into();
        let next = NotificationBatch {
            notifications: vec![again, notice("n4", "ua", 13, "pending")],
            cursor: Some(("contract".into(), 5, 7)),
            messages: vec![],
        };
        store.record_notifications(&next).await.unwrap();
        let page = store.notifications_page("ua", None, 10).await.unwrap();
        let ids: Vec<&str> = page.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["n4", "n1"], "newest first, n3 never written");
        assert_eq!(page[1].mail_state, "pending");
        assert!(page[1].required && !page[1].your_turn);
        let later = store
            .notifications_page("ua", Some((13, "n4".into())), 10)
            .await
            .unwrap();
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].id, "n1");
        // Read marks: another user's id changes nothing; all at once.
        assert_eq!(store.unread_notifications("ua").await.unwrap(), 2);
        assert_eq!(
            store
                .mark_notifications_read("ub", Some(&["n1".into()]), 20)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            store
                .mark_notifications_read("ua", Some(&["n1".into()]), 20)
                .await
                .unwrap(),
            1
        );
        assert_eq!(store.unread_notifications("ua").await.unwrap(), 1);
        assert_eq!(
            store.mark_notifications_read("ua", None, 21).await.unwrap(),
            1
        );
        assert_eq!(store.unread_notifications("ua").await.unwrap(), 0);
        assert_eq!(
            store.notifications_page("ua", None, 1).await.unwrap()[0].read_ms,
            Some(21)
        );
        // The outbox: due when pending and its time has come; an outcome takes it out.
        let due: Vec<String> = store
            .mail_due(12, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.id)
            .collect();
        assert_eq!(due, ["n1"]);
        store
            .set_mail_outcome(
                &["n1".into()],
                "failed",
                1,
                None,
                Some("550 no such mailbox"),
                Some(30),
            )
            .await
            .unwrap();
        store
            .set_mail_outcome(&["n4".into()], "sent", 1, None, None, Some(31))
            .await
            .unwrap();
        assert!(store.mail_due(1_000, 10).await.unwrap().is_empty());
        let failed = store.mail_failures(10).await.unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].mail_error.as_deref(), Some("550 no such mailbox"));
        // Digests.
        store
            .record_notifications(&NotificationBatch {
                notifications: vec![
                    notice("d1", "uc", 40, "digest"),
                    notice("d2", "uc", 41, "digest"),
                ],
                ..NotificationBatch::default()
            })
            .await
            .unwrap();
        assert_eq!(store.digest_users().await.unwrap(), ["uc"]);
        let waiting: Vec<String> = store
            .digest_waiting("uc")
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.id)
            .collect();
        assert_eq!(waiting, ["d1", "d2"]);
        store
            .set_mail_outcome(&waiting, "digested", 1, None, None, Some(50))
            .await
            .unwrap();
        assert!(store.digest_users().await.unwrap().is_empty());
        // Preferences.
        assert_eq!(store.notification_preferences("ua").await.unwrap(), None);
        let mut p = NotificationPreferences {
            user_id: "ua".into(),
            email: Some("a@example.org".into()),
            mode: "digest".into(),
            calendar_secret_hash: Some("h-1".into()),
            last_digest_day: None,
            updated_ms: 1,
        };
        store.put_notification_preferences(&p).await.unwrap();
        p.last_digest_day = Some("2026-01-05".into());
        p.email = None;
        store.put_notification_preferences(&p).await.unwrap();
        assert_eq!(store.notification_preferences("ua").await.unwrap(), Some(p));
        assert_eq!(
            store
                .user_by_calendar_secret("h-1")
                .await
                .unwrap()
                .as_deref(),
            Some("ua")
        );
        assert_eq!(store.user_by_calendar_secret("h-2").await.unwrap(), None);
    }

    /// The notifier's sources: events by their index in the transparency log, and messages
    /// until they are marked notified with their notices.
    pub async fn the_notifier_reads_logged_events_and_unnotified_messages(store: &dyn Store) {
        let size = store.log_size().await.unwrap();
        crate::append_n(store, "n-events", 0, accord_evidence::GENESIS_HASH, 3, &[])
            .await
            .unwrap();
        let pending = store.unlogged_events(1_000_000).await.unwrap();
        store.append_log_entries(size, &pending).await.unwrap();
        let read = store.logged_events_after(size - 1, 100).await.unwrap();
        let mine: Vec<(i64, i64)> = read
            .iter()
            .filter(|(_, e)| e.case_id == "n-events")
            .map(|(i, e)| (*i, e.position))
            .collect();
        assert_eq!(mine.len(), 3, "{read:?}");
        assert!(mine.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1));
        assert!(read.iter().all(|(i, _)| *i >= size));
        let last = read.last().map(|(i, _)| *i).unwrap();
        assert!(
            store
                .logged_events_after(last, 100)
                .await
                .unwrap()
                .is_empty()
        );
        // Messages.
        let posted = store
            .post_message(&MessageRecord {
                id: "n-msg-1".into(),
                case_id: "n-msgs".into(),
                channel: "caucus:A".into(),
                seq: 0,
                author: "ua".into(),
                posted_at_ms: 5,
                without_prejudice: false,
                confidential: true,
                relay_json: None,
                body: vec![9],
                size: 1,
            })
            .await
            .unwrap();
        let waiting = store.messages_to_notify(10_000).await.unwrap();
        let m = waiting.iter().find(|m| m.id == posted.id).unwrap();
        assert_eq!((m.channel.as_str(), m.author.as_str()), ("caucus:A", "ua"));
        store
            .record_notifications(&NotificationBatch {
                notifications: vec![],
                cursor: None,
                messages: vec![posted.id.clone()],
            })
            .await
            .unwrap();
        assert!(
            !store
                .messages_to_notify(10_000)
                .await
                .unwrap()
                .iter()
                .any(|m| m.id == posted.id)
        );
    }
}

/// A filed document's record is written in its append's transaction: visible with the events, or
/// (the append refused) not at all.
pub async fn a_document_is_written_with_its_append_or_not_at_all(store: &dyn Store) {
    let doc = |id: &str| accord_app::ports::DocumentRecord {
        id: id.into(),
        case_id: "c-filed".into(),
        channel: "plenary".into(),
        series: format!("series-{id}"),
        version: 1,
        title: vec![1],
        file_name: vec![2],
        language: None,
        without_prejudice: false,
        translation_of: None,
        media_type: "application/pdf".into(),
        size: 10,
        sha256: "0".repeat(64),
        object_key: format!("cases/c-filed/documents/{id}"),
        uploaded_by: "u".into(),
        uploaded_at_ms: 1,
    };
    let head = append_n(store, "c-filed", 0, GENESIS_HASH, 1, &["u"])
        .await
        .unwrap();
    let recs = records("c-filed", 1, &head, 1);
    let new_head = recs[0].hash.clone();
    store
        .append(Append {
            expected_version: 1,
            projection: projection("c-filed", 2, &new_head, &["u"]),
            records: recs,
            documents: vec![doc("d-1")],
        })
        .await
        .unwrap();
    assert_eq!(store.documents("c-filed").await.unwrap(), vec![doc("d-1")]);
    // A stale append carrying a document writes neither.
    let stale = records("c-filed", 1, &head, 1);
    let refused = store
        .append(Append {
            expected_version: 1,
            projection: projection("c-filed", 2, &stale[0].hash, &["u"]),
            records: stale,
            documents: vec![doc("d-2")],
        })
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict { .. })),
        "{refused:?}"
    );
    assert_eq!(store.documents("c-filed").await.unwrap(), vec![doc("d-1")]);
    assert_eq!(store.events("c-filed").await.unwrap().len(), 2);
}

/// Document records come back whole, per case, oldest first; a series' version is taken once,
/// an object key is used once; a record can be removed (a filing that could not complete).
pub async fn documents_round_trip_and_version_once(store: &dyn Store) {
    let d = |id: &str, case: &str, version: i64, at: i64| accord_app::ports::DocumentRecord {
        id: id.into(),
        case_id: case.into(),
        channel: "caucus:A".into(),
        series: "series-1".into(),
        version,
        title: vec![1, 2, 3],
        file_name: vec![0, 255],
        language: (version == 1).then(|| "zh-Hans".to_owned()),
        without_prejudice: version == 2,
        translation_of: (version == 2).then(|| "doc-1".to_owned()),
        media_type: "application/pdf".into(),
        size: 1 << 40,
        sha256: format!("{version:064}"),
        object_key: format!("cases/{case}/documents/{id}"),
        uploaded_by: "u".into(),
        uploaded_at_ms: at,
    };
    store
        .put_document(&d("doc-2", "doc-case", 2, 20))
        .await
        .unwrap();
    store
        .put_document(&d("doc-1", "doc-case", 1, 10))
        .await
        .unwrap();
    let mut again = d("doc-3", "doc-case", 2, 30);
    again.object_key = "elsewhere".into();
    assert!(store.put_document(&again).await.is_err(), "version 2 twice");
    let mut same_key = d("doc-4", "doc-case", 3, 40);
    same_key.object_key = d("doc-1", "doc-case", 1, 10).object_key;
    assert!(
        store.put_document(&same_key).await.is_err(),
        "object key twice"
    );
    assert_eq!(
        store.documents("doc-case").await.unwrap(),
        vec![d("doc-1", "doc-case", 1, 10), d("doc-2", "doc-case", 2, 20)]
    );
    assert!(store.documents("other").await.unwrap().is_empty());
    assert!(store.all_documents().await.unwrap().len() >= 2);
    store.delete_document("doc-case", "doc-2").await.unwrap();
    assert_eq!(
        store.documents("doc-case").await.unwrap(),
        vec![d("doc-1", "doc-case", 1, 10)]
    );
}

/// Draft versions come back in order; a version number is taken once.
pub async fn draft_versions_are_numbered_once(store: &dyn Store) {
    let d = |v: i64, body: &[u8]| DraftRecord {
        case_id: "draft-case".into(),
        version: v,
        author: "u".into(),
        created_at_ms: v,
        text_hash: format!("{v:064}"),
        body: body.to_vec(),
    };
    store.put_draft(&d(2, b"two")).await.unwrap();
    store.put_draft(&d(1, b"one")).await.unwrap();
    assert!(matches!(
        store.put_draft(&d(2, b"again")).await,
        Err(StoreError::Conflict { .. })
    ));
    let got = store.drafts("draft-case").await.unwrap();
    assert_eq!(got, vec![d(1, b"one"), d(2, b"two")]);
    assert!(store.drafts("other").await.unwrap().is_empty());
}

/// The sequencer's storage: unlogged events come out oldest first; entries are appended at the
/// current size only (a stale start or an event logged twice is a conflict that writes nothing);
/// hashes come back in index order; an institution key, once stored, is the one kept.
pub async fn transparency_log_admits_each_event_once_at_dense_indices(store: &dyn Store) {
    let size = store.log_size().await.unwrap();
    let pending = store.unlogged_events(1_000_000).await.unwrap();
    assert!(
        !pending.is_empty(),
        "the suite's earlier appends left events to log"
    );
    let (first, rest) = pending.split_at(pending.len() / 2);
    store.append_log_entries(size, first).await.unwrap();
    // A stale start, and an already-logged event, are refused without writing anything.
    assert!(matches!(
        store.append_log_entries(size, rest).await,
        Err(StoreError::Conflict { .. })
    ));
    let grown = size + first.len() as i64;
    assert!(matches!(
        store.append_log_entries(grown, &first[..1]).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(store.log_size().await.unwrap(), grown);
    store.append_log_entries(grown, rest).await.unwrap();
    assert!(store.unlogged_events(10).await.unwrap().is_empty());
    let all = size + pending.len() as i64;
    let hashes = store.log_hashes(size, all).await.unwrap();
    let expected: Vec<String> = pending.iter().map(|e| e.event_hash.clone()).collect();
    assert_eq!(hashes, expected);
    let last = pending.last().unwrap();
    assert_eq!(
        store.log_index(&last.case_id, last.position).await.unwrap(),
        Some(all - 1)
    );
    assert_eq!(store.log_index("no-such-case", 1).await.unwrap(), None);
    let kept = store
        .put_institution_key("k", b"pub-1", b"sealed-1", 1)
        .await
        .unwrap();
    assert_eq!(kept, (b"pub-1".to_vec(), b"sealed-1".to_vec()));
    let again = store
        .put_institution_key("k", b"pub-2", b"sealed-2", 2)
        .await
        .unwrap();
    assert_eq!(again, kept, "a stored key is never replaced");
    let att = AttestationRecord {
        verification_id: "V-1".into(),
        case_id: "c".into(),
        text_hash: "a".repeat(64),
        document_sha256: "b".repeat(64),
        issued_at_ms: 5,
    };
    store.put_attestation(&att).await.unwrap();
    store
        .put_attestation(&AttestationRecord {
            text_hash: "c".repeat(64),
            ..att.clone()
        })
        .await
        .unwrap();
    assert_eq!(store.attestation("V-1").await.unwrap(), Some(att));
    assert_eq!(store.attestation("V-2").await.unwrap(), None);
}

/// A party's input of one kind replaces its earlier one; inputs are kept per negotiation and
/// case, and come back ordered by party then kind.
pub async fn negotiation_inputs_replace_per_party_and_kind(store: &dyn Store) {
    let rec = |case: &str, n: &str, party: &str, kind: &str, body: &[u8], at: i64| {
        NegotiationInputRecord {
            case_id: case.into(),
            negotiation_id: n.into(),
            party_id: party.into(),
            kind: kind.into(),
            author: format!("user-{party}"),
            updated_at_ms: at,
            body: body.to_vec(),
        }
    };
    store
        .put_negotiation_input(&rec("neg-case", "N1", "B", "preferences", b"b1", 1))
        .await
        .unwrap();
    store
        .put_negotiation_input(&rec("neg-case", "N1", "A", "preferences", b"a1", 2))
        .await
        .unwrap();
    store
        .put_negotiation_input(&rec("neg-case", "N1", "A", "answer:P1", b"yes", 3))
        .await
        .unwrap();
    store
        .put_negotiation_input(&rec("neg-case", "N1", "A", "preferences", b"a2", 4))
        .await
        .unwrap();
    store
        .put_negotiation_input(&rec("neg-case", "N2", "A", "preferences", b"other", 5))
        .await
        .unwrap();
    store
        .put_negotiation_input(&rec("other-case", "N1", "A", "preferences", b"x", 6))
        .await
        .unwrap();
    let got = store.negotiation_inputs("neg-case", "N1").await.unwrap();
    let summary: Vec<(String, String, Vec<u8>, i64)> = got
        .iter()
        .map(|r| {
            (
                r.party_id.clone(),
                r.kind.clone(),
                r.body.clone(),
                r.updated_at_ms,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("A".into(), "answer:P1".into(), b"yes".to_vec(), 3),
            ("A".into(), "preferences".into(), b"a2".to_vec(), 4),
            ("B".into(), "preferences".into(), b"b1".to_vec(), 1),
        ]
    );
    assert!(
        store
            .negotiation_inputs("neg-case", "N9")
            .await
            .unwrap()
            .is_empty()
    );
}

/// Messages get gap-free positions per channel even when posted concurrently; relays are decided
/// once; the access log filters by case; a case key, once stored, is the one kept.
pub async fn channels_relays_audit_and_keys(store: Arc<dyn Store>) {
    let msg = |id: &str, channel: &str| MessageRecord {
        id: id.into(),
        case_id: "ch-case".into(),
        channel: channel.into(),
        seq: 0,
        author: "u".into(),
        posted_at_ms: 7,
        without_prejudice: true,
        confidential: false,
        relay_json: None,
        body: vec![1, 2, 3],
        size: 3,
    };
    let mut tasks = vec![];
    for i in 0..12 {
        let s = store.clone();
        let m = msg(&format!("m{i}"), "caucus:A");
        tasks.push(tokio::spawn(async move { s.post_message(&m).await }));
    }
    let mut answered: Vec<i64> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(|t| t.unwrap().unwrap().seq)
        .collect();
    answered.sort_unstable();
    assert_eq!(
        answered,
        (1..=12).collect::<Vec<i64>>(),
        "each poster is told its own position"
    );
    let other = store.post_message(&msg("p1", "plenary")).await.unwrap();
    assert_eq!(other.seq, 1, "positions are per channel");
    let caucus = store
        .messages("ch-case", "caucus:A", None, Order::Oldest, 100)
        .await
        .unwrap();
    assert_eq!(
        caucus.iter().map(|m| m.seq).collect::<Vec<_>>(),
        (1..=12).collect::<Vec<i64>>()
    );
    assert_eq!(caucus[0].body, vec![1, 2, 3]);
    assert!(caucus[0].without_prejudice);
    assert_eq!(
        store
            .message("ch-case", "p1")
            .await
            .unwrap()
            .unwrap()
            .channel,
        "plenary"
    );
    assert!(store.message("other-case", "p1").await.unwrap().is_none());
    let relay = RelayRecord {
        id: "r1".into(),
        case_id: "ch-case".into(),
        source_channel: "caucus:A".into(),
        source_message_id: "m1".into(),
        target_channel: "plenary".into(),
        excerpt: vec![9],
        proposed_by: "med".into(),
        proposed_at_ms: 8,
        status: "pending".into(),
        decided_by: None,
        decided_at_ms: None,
        message_id: None,
    };
    store.create_relay(&relay).await.unwrap();
    let decided = RelayRecord {
        status: "approved".into(),
        decided_by: Some("a".into()),
        decided_at_ms: Some(9),
        message_id: Some("p1".into()),
        ..relay.clone()
    };
    store.decide_relay(&decided).await.unwrap();
    assert!(
        matches!(
            store.decide_relay(&decided).await,
            Err(StoreError::Conflict { .. })
        ),
        "decided once"
    );
    assert_eq!(store.relays("ch-case").await.unwrap(), vec![decided]);
    let a = |id: &str, case: &str, at: i64| AccessRecord {
        id: id.into(),
        at_ms: at,
        user_id: "u".into(),
        case_id: case.into(),
        object: "message:m1".into(),
        kind: "caucus".into(),
    };
    store
        .log_access(&[
            a("a1", "ch-case", 1),
            a("a2", "ch-case", 2),
            a("a3", "else", 3),
        ])
        .await
        .unwrap();
    let ids = |v: Vec<AccessRecord>| v.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.access_log(Some("ch-case"), None, 10).await.unwrap()),
        ["a2", "a1"]
    );
    assert_eq!(
        ids(store.access_log(None, None, 10).await.unwrap()),
        ["a3", "a2", "a1"]
    );
    assert_eq!(store.case_key("ch-case").await.unwrap(), None);
    assert_eq!(
        store.put_case_key("ch-case", b"first").await.unwrap(),
        b"first".to_vec()
    );
    assert_eq!(
        store.put_case_key("ch-case", b"second").await.unwrap(),
        b"first".to_vec()
    );
}

/// Each chain of a case is summarised in the append's transaction: its length (both formats),
/// its format-2 head, its last event's hash, position and time. A record that does not continue
/// its chain's head is a conflict and writes nothing. A case whose old events are of format 1
/// continues with fresh format-2 chains, and both verify.
pub async fn chains_are_summarised_per_audience(store: &dyn Store) {
    let id = "c-chains";
    let ev = |i: i64, vis: &str| NewEvent {
        event_id: format!("{id}-{i}"),
        recorded_at_ms: 1_800_000_000_000 + i,
        actor: "user:contract".into(),
        kind: "note".into(),
        rule_basis: "contract test".into(),
        visibility: vis.into(),
        payload: json!({"type": "note", "n": i}),
    };
    // Two format-1 events, as stored before per-audience chains.
    let old = seal_v1(
        id,
        0,
        GENESIS_HASH,
        vec![ev(1, "case"), ev(2, "channel:caucus:A")],
    )
    .unwrap_or_default();
    let head = old[1].hash.clone();
    store
        .append(Append {
            expected_version: 0,
            projection: projection(id, 2, &head, &[]),
            records: old.clone(),
            documents: vec![],
        })
        .await
        .unwrap();
    // Then format-2 events over three chains.
    let new = seal(
        id,
        2,
        &Default::default(),
        vec![
            ev(3, "channel:caucus:A"),
            ev(4, "case"),
            ev(5, "channel:caucus:A"),
            ev(6, "party:B"),
        ],
    )
    .unwrap_or_default();
    store
        .append(Append {
            expected_version: 2,
            projection: projection(id, 6, &new[3].hash, &[]),
            records: new.clone(),
            documents: vec![],
        })
        .await
        .unwrap();
    let chains = store.chains(id).await.unwrap();
    let got: Vec<(&str, i64, i64, i64, i64)> = chains
        .iter()
        .map(|c| {
            (
                c.chain.as_str(),
                c.length,
                c.seq,
                c.last_position,
                c.updated_at_ms - 1_800_000_000_000,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("case", 2, 1, 4, 4),
            ("channel:caucus:A", 3, 2, 5, 5),
            ("party:B", 1, 1, 6, 6)
        ]
    );
    assert_eq!(chains[0].head_hash, new[1].hash);
    assert_eq!(chains[1].head_hash, new[2].hash);
    assert_eq!(chains[1].last_hash, new[2].hash);
    assert!(store.chains("no-such-case").await.unwrap().is_empty());
    let both = store
        .chains_of(&[
            id.to_owned(),
            "c-order".to_owned(),
            "no-such-case".to_owned(),
        ])
        .await
        .unwrap();
    assert_eq!(
        both.iter()
            .map(|(c, s)| (c.as_str(), s.chain.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("c-chains", "case"),
            ("c-chains", "channel:caucus:A"),
            ("c-chains", "party:B"),
            ("c-order", "case")
        ]
    );
    assert!(store.chains_of(&[]).await.unwrap().is_empty());
    // A record that does not continue its chain (here: the caucus chain from genesis again).
    let stale =
        seal(id, 6, &Default::default(), vec![ev(7, "channel:caucus:A")]).unwrap_or_default();
    let err = store
        .append(Append {
            expected_version: 6,
            projection: projection(id, 7, &stale[0].hash, &[]),
            records: stale,
            documents: vec![],
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert_eq!(store.chains(id).await.unwrap(), chains);
    assert_eq!(store.events(id).await.unwrap().len(), 6);
    let mut all = old;
    all.extend(new);
    assert_eq!(store.events(id).await.unwrap(), all);
}

/// Events come back in order with every field intact; the projection follows the last append.
pub async fn appends_read_back_in_order(store: &dyn Store) {
    let id = "c-order";
    let h1 = append_n(store, id, 0, GENESIS_HASH, 3, &["u1"])
        .await
        .unwrap();
    let h2 = append_n(store, id, 3, &h1, 2, &["u1"]).await.unwrap();
    let evs = store.events(id).await.unwrap();
    assert_eq!(
        evs.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    let mut expected = records(id, 0, GENESIS_HASH, 3);
    expected.extend(records(id, 3, &h1, 2));
    assert_eq!(evs, expected, "stored events differ from appended ones");
    let p = store.case(id).await.unwrap().unwrap();
    assert_eq!(p.version, 5);
    assert_eq!(p.head_hash, h2);
    assert!(store.case("no-such-case").await.unwrap().is_none());
}

/// An append at a stale version is a conflict and leaves events and projection untouched.
pub async fn stale_version_is_refused_and_writes_nothing(store: &dyn Store) {
    let id = "c-stale";
    let h = append_n(store, id, 0, GENESIS_HASH, 2, &[]).await.unwrap();
    let err = append_n(store, id, 1, GENESIS_HASH, 1, &[])
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::Conflict { current: 2 });
    let err = append_n(store, "c-never", 3, GENESIS_HASH, 1, &[])
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::Conflict { current: 0 });
    assert_eq!(store.events(id).await.unwrap().len(), 2);
    assert_eq!(store.case(id).await.unwrap().unwrap().head_hash, h);
    assert!(store.case("c-never").await.unwrap().is_none());
    assert!(store.events("c-never").await.unwrap().is_empty());
}

/// Many writers race to append at the same version: exactly one wins, the rest conflict, and the
/// log has no gap or duplicate.
pub async fn concurrent_appends_to_one_case_admit_exactly_one(store: Arc<dyn Store>) {
    let id = "c-race";
    let h = append_n(store.as_ref(), id, 0, GENESIS_HASH, 1, &[])
        .await
        .unwrap();
    let mut tasks = vec![];
    for i in 0..16 {
        let s = store.clone();
        let h = h.clone();
        tasks.push(tokio::spawn(async move {
            let mut recs = records(id, 1, &h, 1);
            recs[0].event_id = format!("race-{i}");
            let recs = seal(
                id,
                1,
                &case_chain(1, &h),
                vec![NewEvent {
                    event_id: format!("race-{i}"),
                    recorded_at_ms: 1,
                    actor: "user:racer".into(),
                    kind: "note".into(),
                    rule_basis: "race".into(),
                    visibility: "case".into(),
                    payload: json!({"type": "note", "racer": i}),
                }],
            )
            .unwrap_or(recs);
            let head = recs[0].hash.clone();
            s.append(Append {
                expected_version: 1,
                projection: projection(id, 2, &head, &[]),
                records: recs,
                documents: vec![],
            })
            .await
        }));
    }
    let mut ok = 0;
    for t in futures::future::join_all(tasks).await {
        match t.unwrap() {
            Ok(()) => ok += 1,
            Err(StoreError::Conflict { .. }) => {}
            Err(e) => panic!("unexpected error in race: {e}"),
        }
    }
    assert_eq!(ok, 1, "exactly one racer wins");
    let evs = store.events(id).await.unwrap();
    assert_eq!(evs.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(store.case(id).await.unwrap().unwrap().version, 2);
    assert_eq!(
        store.case(id).await.unwrap().unwrap().head_hash,
        evs[1].hash
    );
}

/// Appends to different cases do not interfere (the SQLite writer commits them together).
pub async fn concurrent_appends_to_different_cases_all_succeed(store: Arc<dyn Store>) {
    let mut tasks = vec![];
    for i in 0..32 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            let id = format!("c-par-{i}");
            let h = append_n(s.as_ref(), &id, 0, GENESIS_HASH, 2, &[]).await?;
            append_n(s.as_ref(), &id, 2, &h, 1, &[]).await
        }));
    }
    for t in futures::future::join_all(tasks).await {
        t.unwrap().unwrap();
    }
    for i in 0..32 {
        assert_eq!(store.events(&format!("c-par-{i}")).await.unwrap().len(), 3);
    }
}

/// Lists restrict to a member's cases and a state, ordered by next deadline then recency.
pub async fn lists_filter_by_member_and_state_and_order_by_deadline(store: &dyn Store) {
    for (id, deadline, state, members) in [
        ("l-a", Some(3_000), "ACTIVE", vec!["alice"]),
        ("l-b", Some(1_000), "SCREENING", vec!["alice", "bob"]),
        ("l-c", None, "ACTIVE", vec!["bob"]),
        ("l-d", Some(2_000), "ACTIVE", vec!["carol"]),
    ] {
        let recs = records(id, 0, GENESIS_HASH, 1);
        let mut p = projection(id, 1, &recs[0].hash, &members);
        p.next_deadline_ms = deadline;
        p.state = state.into();
        store
            .append(Append {
                expected_version: 0,
                records: recs,
                projection: p,
                documents: vec![],
            })
            .await
            .unwrap();
    }
    let q = |member: Option<&str>, state: Option<&str>| CaseQuery {
        member: member.map(str::to_owned),
        state: state.map(str::to_owned),
        limit: 100,
        offset: 0,
        after: None,
    };
    let ids = |v: Vec<CaseProjection>| {
        v.into_iter()
            .map(|p| p.case_id)
            .filter(|i| i.starts_with("l-"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(store.list_cases(&q(Some("alice"), None)).await.unwrap()),
        ["l-b", "l-a"]
    );
    assert_eq!(
        ids(store.list_cases(&q(Some("bob"), None)).await.unwrap()),
        ["l-b", "l-c"]
    );
    assert_eq!(
        ids(store.list_cases(&q(None, Some("ACTIVE"))).await.unwrap()),
        ["l-d", "l-a", "l-c"]
    );
    assert!(ids(store.list_cases(&q(Some("mallory"), None)).await.unwrap()).is_empty());
}

/// Due cases are exactly those whose next action time has come.
pub async fn due_cases_are_those_with_a_lapsed_action(store: &dyn Store) {
    for (id, at) in [("d-1", Some(100)), ("d-2", Some(200)), ("d-3", None)] {
        let recs = records(id, 0, GENESIS_HASH, 1);
        let mut p = projection(id, 1, &recs[0].hash, &[]);
        p.next_action_ms = at;
        store
            .append(Append {
                expected_version: 0,
                records: recs,
                projection: p,
                documents: vec![],
            })
            .await
            .unwrap();
    }
    let due = |v: Vec<String>| {
        v.into_iter()
            .filter(|i| i.starts_with("d-"))
            .collect::<Vec<_>>()
    };
    assert_eq!(due(store.due_cases(150, 10).await.unwrap()), ["d-1"]);
    assert_eq!(due(store.due_cases(200, 10).await.unwrap()), ["d-1", "d-2"]);
    assert!(due(store.due_cases(99, 10).await.unwrap()).is_empty());
}

/// Users are unique by name; sessions expire and can be ended.
pub async fn users_and_sessions(store: &dyn Store) {
    let u = UserRecord {
        id: "user-1".into(),
        username: "amina".into(),
        display_name: "Amina Diallo".into(),
        role: "mediator".into(),
        password_hash: "$argon2id$fake".into(),
        disabled: false,
        created_at_ms: 5,
        totp_secret: None,
        totp_enabled: false,
        language: None,
        time_zone: None,
        panel_profile: None,
    };
    store.create_user(&u).await.unwrap();
    let dup = UserRecord {
        id: "user-2".into(),
        ..u.clone()
    };
    assert!(matches!(
        store.create_user(&dup).await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(
        store.user_by_username("amina").await.unwrap(),
        Some(u.clone())
    );
    assert_eq!(store.user_by_id("user-1").await.unwrap(), Some(u.clone()));
    assert_eq!(store.user_by_id("user-2").await.unwrap(), None);
    let s = SessionRecord {
        token_hash: "th1".into(),
        user_id: "user-1".into(),
        created_at_ms: 10,
        expires_at_ms: 1_000,
        absolute_expires_at_ms: 3_000,
        second_factor_pending: true,
        reauth_at_ms: None,
        csrf_token: "csrf-1".into(),
    };
    store.create_session(&s).await.unwrap();
    assert_eq!(
        store.session("th1", 999).await.unwrap(),
        Some((s.clone(), u.clone()))
    );
    assert_eq!(store.session("th1", 1_000).await.unwrap(), None, "expired");
    store.touch_session("th1", 5_000).await.unwrap();
    assert!(store.session("th1", 2_000).await.unwrap().is_some());
    store
        .update_session("th1", false, Some(1_500))
        .await
        .unwrap();
    let (s2, _) = store.session("th1", 2_000).await.unwrap().unwrap();
    assert_eq!(
        (
            s2.second_factor_pending,
            s2.reauth_at_ms,
            s2.csrf_token.as_str()
        ),
        (false, Some(1_500), "csrf-1")
    );
    store
        .set_totp("user-1", Some(b"sealed"), true)
        .await
        .unwrap();
    let u2 = store.user_by_id("user-1").await.unwrap().unwrap();
    assert_eq!(
        (u2.totp_secret.as_deref(), u2.totp_enabled),
        (Some(&b"sealed"[..]), true)
    );
    // A panel entry is kept as given, cleared by `None`, and only for an existing user.
    let entry = r#"{"nationality":"SN","languages":["fr","en"]}"#;
    assert!(
        store
            .set_panel_profile("user-1", Some(entry))
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .user_by_id("user-1")
            .await
            .unwrap()
            .unwrap()
            .panel_profile
            .as_deref(),
        Some(entry)
    );
    assert!(
        !store
            .set_panel_profile("nobody", Some(entry))
            .await
            .unwrap()
    );
    assert!(store.set_panel_profile("user-1", None).await.unwrap());
    assert_eq!(
        store
            .user_by_id("user-1")
            .await
            .unwrap()
            .unwrap()
            .panel_profile,
        None
    );
    // The absolute lifetime ends a session however far its idle expiry was moved.
    assert_eq!(store.session("th1", 3_000).await.unwrap(), None, "absolute");
    assert_eq!(store.sessions_of("user-1", 2_000).await.unwrap().len(), 1);
    assert!(store.sessions_of("user-1", 3_000).await.unwrap().is_empty());
    store.delete_session("th1").await.unwrap();
    assert_eq!(store.session("th1", 2_000).await.unwrap(), None);
    // A password change ends every session but the one kept, and the pending reset links.
    for t in ["p1", "p2", "p3"] {
        store
            .create_session(&SessionRecord {
                token_hash: t.into(),
                ..s.clone()
            })
            .await
            .unwrap();
    }
    store
        .create_password_reset("reset-1", "user-1", 100, 2_000)
        .await
        .unwrap();
    assert!(
        store
            .set_password("user-1", "$argon2id$new", Some("p2"))
            .await
            .unwrap()
    );
    let live: Vec<String> = store
        .sessions_of("user-1", 500)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.token_hash)
        .collect();
    assert_eq!(live, ["p2"]);
    assert_eq!(
        store.take_password_reset("reset-1", 500).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .user_by_id("user-1")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$new"
    );
    assert!(
        !store.delete_session_of("user-2", "p2").await.unwrap(),
        "not theirs"
    );
    assert!(store.delete_session_of("user-1", "p2").await.unwrap());
    // Reset links: one per user (a new one replaces the old), used once, not after expiry.
    for (token, expires) in [("reset-2", 2_000), ("reset-3", 2_000)] {
        store
            .create_password_reset(token, "user-1", 100, expires)
            .await
            .unwrap();
    }
    assert_eq!(
        store.take_password_reset("reset-2", 500).await.unwrap(),
        None
    );
    assert_eq!(
        store.take_password_reset("reset-3", 500).await.unwrap(),
        Some("user-1".to_owned())
    );
    assert_eq!(
        store.take_password_reset("reset-3", 500).await.unwrap(),
        None
    );
    store
        .create_password_reset("reset-4", "user-1", 100, 2_000)
        .await
        .unwrap();
    assert_eq!(
        store.take_password_reset("reset-4", 2_000).await.unwrap(),
        None
    );
    assert_eq!(store.list_users().await.unwrap().len(), 1);
    // Disabling a user ends every session at once; role changes stick.
    for t in ["a", "b"] {
        store
            .create_session(&SessionRecord {
                token_hash: t.into(),
                ..s.clone()
            })
            .await
            .unwrap();
    }
    assert!(store.set_user_disabled("user-1", true).await.unwrap());
    assert_eq!(store.session("a", 500).await.unwrap(), None);
    assert_eq!(store.session("b", 500).await.unwrap(), None);
    assert!(store.user_by_id("user-1").await.unwrap().unwrap().disabled);
    assert!(!store.set_user_disabled("no-such-user", true).await.unwrap());
    assert!(store.set_user_role("user-1", "secretariat").await.unwrap());
    assert_eq!(
        store.user_by_id("user-1").await.unwrap().unwrap().role,
        "secretariat"
    );
    // Throttle counters count within their window.
    for at in [100, 200, 300] {
        store.record_login_failure("user:amina", at).await.unwrap();
    }
    assert_eq!(store.login_failures("user:amina", 150).await.unwrap(), 2);
    assert_eq!(store.login_failures("user:other", 0).await.unwrap(), 0);
    // Reservations count like failures and stop at the limit; a released one no longer counts.
    for (n, attempt) in ["r1", "r2", "r3"].iter().enumerate() {
        let reserved = store
            .reserve_login_attempt("user:bashir", attempt, 400, 150, 2)
            .await
            .unwrap();
        assert_eq!(reserved, n < 2, "attempt {attempt}");
    }
    assert_eq!(store.login_failures("user:bashir", 150).await.unwrap(), 2);
    store.release_login_attempt("r1").await.unwrap();
    assert_eq!(store.login_failures("user:bashir", 150).await.unwrap(), 1);
    assert!(
        store
            .reserve_login_attempt("user:bashir", "r4", 400, 150, 2)
            .await
            .unwrap()
    );
    // A TOTP step is accepted once, and never one older than the last accepted.
    assert!(store.accept_totp_step("user-1", 100).await.unwrap());
    assert!(!store.accept_totp_step("user-1", 100).await.unwrap());
    assert!(!store.accept_totp_step("user-1", 99).await.unwrap());
    assert!(store.accept_totp_step("user-1", 101).await.unwrap());
    assert!(!store.accept_totp_step("no-such-user", 5).await.unwrap());
    // A new enrolment starts its steps afresh.
    store
        .set_totp("user-1", Some(b"sealed-2"), false)
        .await
        .unwrap();
    assert!(store.accept_totp_step("user-1", 50).await.unwrap());
}

/// Idempotency keys: claimed once, completed with their (sealed) parts, released, expired.
pub async fn idempotency_keys(store: &dyn Store) {
    let claim = |user: &'static str, key: &'static str, fp: Option<&'static [u8]>, now: i64| async move {
        store
            .claim_idempotency_key(user, key, fp, now, 0)
            .await
            .unwrap()
    };
    assert_eq!(claim("u", "k1", Some(b"fp"), 1).await, None, "claimed");
    let running = StoredIdempotency {
        fingerprint: Some(b"fp".to_vec()),
        status: None,
        body: None,
    };
    assert_eq!(claim("u", "k1", Some(b"other"), 2).await, Some(running));
    store
        .complete_idempotency_key("u", "k1", b"fp-final", 201, b"sealed-body")
        .await
        .unwrap();
    let done = StoredIdempotency {
        fingerprint: Some(b"fp-final".to_vec()),
        status: Some(201),
        body: Some(b"sealed-body".to_vec()),
    };
    assert_eq!(claim("u", "k1", Some(b"fp"), 3).await, Some(done.clone()));
    // A streamed request claims without a fingerprint.
    assert_eq!(claim("u", "k2", None, 3).await, None);
    assert_eq!(
        claim("u", "k2", None, 3).await.map(|r| r.fingerprint),
        Some(None)
    );
    // Another user's identical key is independent.
    assert_eq!(claim("v", "k1", Some(b"fp"), 3).await, None);
    // A released key can be claimed again; a completed one cannot be released.
    store.release_idempotency_key("v", "k1").await.unwrap();
    assert_eq!(claim("v", "k1", Some(b"fp2"), 4).await, None);
    store.release_idempotency_key("u", "k1").await.unwrap();
    assert_eq!(claim("u", "k1", Some(b"fp"), 5).await, Some(done));
    // An expired key is forgotten when claimed again, and swept.
    assert_eq!(
        store
            .claim_idempotency_key("u", "k1", Some(b"new"), 10, 4)
            .await
            .unwrap(),
        None,
        "created at 1, expired before 4"
    );
    assert_eq!(
        store.sweep_idempotency_keys(5).await.unwrap(),
        2,
        "u/k2, v/k1"
    );
    assert_eq!(store.sweep_idempotency_keys(5).await.unwrap(), 0);
    assert!(claim("u", "k1", Some(b"x"), 11).await.is_some(), "kept");
}

/// Declarations come back as recorded.
pub async fn declarations_round_trip(store: &dyn Store) {
    let d = ExclusionDeclaration {
        id: "decl-1".into(),
        state: CountryCode::parse("BQ").unwrap_or_else(|_| unreachable!()),
        categories: vec![
            "maritime-delimitation".into(),
            "territorial-sovereignty".into(),
        ],
        text: "Excludes disputes concerning maritime delimitation.".into(),
        effective_from: jiff::Timestamp::from_millisecond(1_700_000_000_000).unwrap_or_default(),
    };
    store.add_declaration(&d).await.unwrap();
    assert_eq!(store.declarations().await.unwrap(), vec![d]);
}

/// A profile's recorded versions come back whole, in order; a version is taken once.
pub async fn profile_versions_are_recorded_once(store: &dyn Store) {
    let at = jiff::Timestamp::from_millisecond(1_700_000_000_000).unwrap_or_default();
    let decide = |versions: &[accord_domain::rule_change::ProfileVersion], days: u64| {
        let input = accord_domain::rule_change::DecisionInput {
            text: format!("Decision: {days} days"),
            decided_on: jiff::civil::date(2023, 11, 14),
            in_force_from: None,
            changes: [("inactivity_days".to_owned(), serde_json::json!(days))].into(),
        };
        accord_domain::rule_change::ProfileVersion {
            profile: accord_domain::rule_change::decide_rule_change(
                "iomed-default",
                &input,
                versions,
                at,
            )
            .unwrap_or_else(|e| panic!("{e}")),
            recorded_by: "sg".into(),
            recorded_at: at,
        }
    };
    let v2 = decide(&[], 100);
    let v3 = decide(std::slice::from_ref(&v2), 200);
    store.add_profile_version(&v3).await.unwrap();
    store.add_profile_version(&v2).await.unwrap();
    assert_eq!(
        store.profile_versions().await.unwrap(),
        vec![v2.clone(), v3],
        "by version, whatever the order recorded"
    );
    // A second decision made on the same base cannot become version 2 as well.
    let rival = decide(&[], 300);
    assert!(matches!(
        store.add_profile_version(&rival).await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(store.profile_versions().await.unwrap()[0], v2);
}

/// Everything appended by the suite verifies, and the counts add up.
pub async fn intact_chains_verify(store: &dyn Store) {
    let report = store.verify_chains().await.unwrap();
    assert!(report.breaks.is_empty(), "{:?}", report.breaks);
    assert!(report.cases >= 40);
    let mut total = 0;
    for id in ["c-order", "c-stale", "c-race"] {
        total += store.events(id).await.unwrap().len() as u64;
    }
    assert!(report.events >= total);
}

/// Inserts one event into a database at migration 0008 (before per-audience chains).
pub const OLD_EVENT_INSERT: &str = "INSERT INTO events (case_id, seq, event_id, recorded_at_ms, \
     actor, kind, rule_basis, visibility, payload, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// The projection row of [`old_format_log`]'s case, at its version 4.
pub const OLD_CASE_INSERT: &str = "INSERT INTO cases (case_id, reference, title, dispute_type, \
     state, version, head_hash, updated_at_ms, case_json) \
     VALUES ('case-old', 'REF-case-old', 'Old', 'commercial', 'ACTIVE', 4, '', 0, '{}')";

fn old_event(i: i64, visibility: &str) -> NewEvent {
    NewEvent {
        event_id: format!("old-{i}"),
        recorded_at_ms: 1_700_000_000_000 + i,
        actor: "user:u".into(),
        kind: "note".into(),
        rule_basis: "contract test".into(),
        visibility: visibility.into(),
        payload: json!({"type": "note", "i": i}),
    }
}

/// Four format-1 events of case `case-old` over three visibilities, as a log was chained before
/// per-audience chains (one chain per case).
pub fn old_format_log() -> Vec<EventRecord> {
    seal_v1(
        "case-old",
        0,
        GENESIS_HASH,
        vec![
            old_event(1, "party:A"),
            old_event(2, "case"),
            old_event(3, "channel:caucus:A"),
            old_event(4, "case"),
        ],
    )
    .unwrap_or_default()
}

/// After migration 0009, [`old_format_log`] (written at 0008 with [`OLD_EVENT_INSERT`] and
/// [`OLD_CASE_INSERT`]) still verifies as the old single chain and reads back as format 1; its
/// chains are summarised (lengths and last events, no format-2 head yet); a new event of the
/// case starts a fresh format-2 chain, and the mixed log verifies.
pub async fn migrated_old_log_continues(store: &dyn Store, old: &[EventRecord]) {
    let report = store.verify_chains().await.unwrap();
    assert!(report.breaks.is_empty(), "{:?}", report.breaks);
    assert_eq!(store.events("case-old").await.unwrap(), old);
    let chains = store.chains("case-old").await.unwrap();
    let got: Vec<(&str, i64, i64, &str, i64)> = chains
        .iter()
        .map(|c| {
            (
                c.chain.as_str(),
                c.length,
                c.seq,
                c.last_hash.as_str(),
                c.last_position,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("case", 2, 0, old[3].hash.as_str(), 4),
            ("channel:caucus:A", 1, 0, old[2].hash.as_str(), 3),
            ("party:A", 1, 0, old[0].hash.as_str(), 1),
        ]
    );
    assert!(chains.iter().all(|c| c.head_hash == GENESIS_HASH));
    let new = seal(
        "case-old",
        4,
        &Default::default(),
        vec![old_event(5, "case")],
    )
    .unwrap_or_default();
    assert_eq!(new[0].seq, 1);
    store
        .append(Append {
            expected_version: 4,
            projection: projection("case-old", 5, &new[0].hash, &[]),
            records: new.clone(),
            documents: vec![],
        })
        .await
        .unwrap();
    let report = store.verify_chains().await.unwrap();
    assert!(report.breaks.is_empty(), "{:?}", report.breaks);
    let case_chain = store
        .chains("case-old")
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.chain == "case")
        .unwrap();
    assert_eq!(
        (case_chain.length, case_chain.seq, case_chain.head_hash),
        (3, 1, new[0].hash.clone())
    );
}

/// Every list read in pages: a page starts after the key it is given, in the order asked, and
/// paging from either end through a list returns each item once, in order.
pub mod paging {
    use super::*;

    /// Pages through `read` (given the last key and a limit) until a short page; returns every
    /// item in the order read.
    async fn walk<T, K, F>(limit: i64, key: impl Fn(&T) -> K, mut read: F) -> Vec<T>
    where
        F: AsyncFnMut(Option<K>, i64) -> Vec<T>,
    {
        let mut all = vec![];
        let mut after = None;
        loop {
            let page = read(after.take(), limit).await;
            let short = (page.len() as i64) < limit;
            after = page.last().map(&key);
            all.extend(page);
            if short {
                return all;
            }
        }
    }

    /// Runs every paging check.
    pub async fn every_list_pages_from_either_end(store: &dyn Store) {
        messages_page(store).await;
        events_page(store).await;
        documents_page(store).await;
        access_log_page(store).await;
        case_list_pages(store).await;
    }

    async fn messages_page(store: &dyn Store) {
        for i in 0..23 {
            let channel = if i % 3 == 0 { "caucus:B" } else { "plenary" };
            store
                .post_message(&MessageRecord {
                    id: format!("pm-{i}"),
                    case_id: "pg-case".into(),
                    channel: channel.into(),
                    seq: 0,
                    author: "u".into(),
                    posted_at_ms: i,
                    without_prejudice: false,
                    confidential: false,
                    relay_json: None,
                    body: vec![i as u8],
                    size: 1,
                })
                .await
                .unwrap();
        }
        let oldest = walk(
            4,
            |m: &MessageRecord| m.seq,
            async |after, limit| {
                store
                    .messages("pg-case", "plenary", after, Order::Oldest, limit)
                    .await
                    .unwrap()
            },
        )
        .await;
        let seqs: Vec<i64> = oldest.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, (1..=15).collect::<Vec<_>>(), "plenary only, in order");
        let newest = walk(
            4,
            |m: &MessageRecord| m.seq,
            async |after, limit| {
                store
                    .messages("pg-case", "plenary", after, Order::Newest, limit)
                    .await
                    .unwrap()
            },
        )
        .await;
        let seqs: Vec<i64> = newest.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, (1..=15).rev().collect::<Vec<_>>());
        let after_ten = store
            .messages("pg-case", "plenary", Some(10), Order::Oldest, 100)
            .await
            .unwrap();
        assert_eq!(
            after_ten.iter().map(|m| m.seq).collect::<Vec<_>>(),
            [11, 12, 13, 14, 15]
        );
    }

    async fn events_page(store: &dyn Store) {
        let chains = ["case", "party:A", "secretariat"];
        let mut heads = std::collections::BTreeMap::new();
        for c in chains {
            heads.insert(
                c.to_owned(),
                ChainHead {
                    seq: 0,
                    hash: GENESIS_HASH.to_owned(),
                },
            );
        }
        let events = (0..30)
            .map(|i| NewEvent {
                event_id: format!("pe-{i}"),
                recorded_at_ms: 1_800_000_000_000 + i,
                actor: "user:contract".into(),
                kind: if i % 4 == 0 {
                    "package-proposed"
                } else {
                    "note"
                }
                .into(),
                rule_basis: "contract test".into(),
                visibility: chains[(i % 3) as usize].into(),
                payload: json!({"type": "note", "n": i}),
            })
            .collect();
        let recs = seal("pg-events", 0, &heads, events).unwrap();
        let head = recs.last().unwrap().hash.clone();
        store
            .append(Append {
                expected_version: 0,
                projection: projection("pg-events", 30, &head, &[]),
                records: recs.clone(),
                documents: vec![],
            })
            .await
            .unwrap();
        let query = |after: Option<i64>, order: Order, limit: i64| EventQuery {
            case_id: "pg-events".into(),
            full: vec!["party:A".into()],
            partial: vec!["case".into()],
            hidden_kinds: vec!["package-proposed".into()],
            after_position: after,
            order,
            limit,
        };
        let expected: Vec<i64> = recs
            .iter()
            .filter(|r| {
                r.visibility == "party:A"
                    || (r.visibility == "case" && r.kind != "package-proposed")
            })
            .map(|r| r.position)
            .collect();
        for (order, want) in [
            (Order::Oldest, expected.clone()),
            (Order::Newest, expected.iter().rev().copied().collect()),
        ] {
            let got = walk(
                3,
                |r: &EventRecord| r.position,
                async |after, limit| {
                    store
                        .events_page(&query(after, order, limit))
                        .await
                        .unwrap()
                },
            )
            .await;
            assert_eq!(got.iter().map(|r| r.position).collect::<Vec<_>>(), want);
        }
        // Whole chains only, the hidden kinds given as the application always gives them.
        let whole = EventQuery {
            full: vec!["party:A".into(), "secretariat".into()],
            partial: vec![],
            ..query(None, Order::Newest, 4)
        };
        let got: Vec<i64> = store
            .events_page(&whole)
            .await
            .unwrap()
            .iter()
            .map(|r| r.position)
            .collect();
        let want: Vec<i64> = recs
            .iter()
            .rev()
            .filter(|r| r.visibility != "case")
            .take(4)
            .map(|r| r.position)
            .collect();
        assert_eq!(got, want);
        let none = EventQuery {
            full: vec![],
            partial: vec![],
            ..query(None, Order::Oldest, 10)
        };
        assert!(
            store.events_page(&none).await.unwrap().is_empty(),
            "no chain, no event"
        );
        let one = store.event("pg-events", "pe-7").await.unwrap().unwrap();
        assert_eq!(one.position, 8);
        assert!(store.event("other-case", "pe-7").await.unwrap().is_none());
    }

    async fn documents_page(store: &dyn Store) {
        let doc = |i: i64, channel: &str| DocumentRecord {
            id: format!("pd-{i:02}"),
            case_id: "pg-docs".into(),
            channel: channel.into(),
            series: format!("pg-series-{}", i % 5),
            version: i / 5 + 1,
            title: vec![1],
            file_name: vec![2],
            language: None,
            without_prejudice: false,
            translation_of: None,
            media_type: "application/pdf".into(),
            size: 100 + i,
            sha256: "0".repeat(64),
            object_key: format!("cases/pg-docs/documents/pd-{i}"),
            uploaded_by: "u".into(),
            // Pairs filed in the same millisecond: the id breaks the tie.
            uploaded_at_ms: i / 2,
        };
        for i in 0..17 {
            store
                .put_document(&doc(i, if i == 16 { "caucus:B" } else { "plenary" }))
                .await
                .unwrap();
        }
        let want: Vec<String> = (0..16).map(|i| format!("pd-{i:02}")).collect();
        let key = |d: &DocumentRecord| (d.uploaded_at_ms, d.id.clone());
        let got = walk(3, key, async |after, limit| {
            store
                .documents_page("pg-docs", "plenary", after, Order::Oldest, limit)
                .await
                .unwrap()
        })
        .await;
        assert_eq!(got.iter().map(|d| d.id.clone()).collect::<Vec<_>>(), want);
        let got = walk(5, key, async |after, limit| {
            store
                .documents_page("pg-docs", "plenary", after, Order::Newest, limit)
                .await
                .unwrap()
        })
        .await;
        let mut rev = want.clone();
        rev.reverse();
        assert_eq!(got.iter().map(|d| d.id.clone()).collect::<Vec<_>>(), rev);
        assert_eq!(
            store
                .document("pg-docs", "pd-03")
                .await
                .unwrap()
                .map(|d| d.size),
            Some(103)
        );
        assert!(store.document("other", "pd-03").await.unwrap().is_none());
        assert_eq!(
            store
                .series_last_version("pg-docs", "pg-series-1")
                .await
                .unwrap(),
            Some(4),
            "pd-01, 06, 11, 16 are versions 1 to 4"
        );
        assert_eq!(
            store.series_last_version("pg-docs", "none").await.unwrap(),
            None
        );
        let bytes: i64 = (0..17).map(|i| 100 + i).sum();
        assert_eq!(store.document_usage("pg-docs").await.unwrap(), (17, bytes));
        assert_eq!(store.document_usage("nothing").await.unwrap(), (0, 0));
    }

    async fn access_log_page(store: &dyn Store) {
        let records: Vec<AccessRecord> = (0..11)
            .map(|i| AccessRecord {
                id: format!("pa-{i:02}"),
                // Three records share each millisecond.
                at_ms: 5_000 + i / 3,
                user_id: "u".into(),
                case_id: if i % 2 == 0 { "pg-log" } else { "pg-log-2" }.into(),
                object: "message:m".into(),
                kind: "caucus".into(),
            })
            .collect();
        store.log_access(&records).await.unwrap();
        let key = |a: &AccessRecord| (a.at_ms, a.id.clone());
        let got = walk(2, key, async |before, limit| {
            store
                .access_log(Some("pg-log"), before, limit)
                .await
                .unwrap()
        })
        .await;
        let want: Vec<String> = (0..11)
            .rev()
            .filter(|i| i % 2 == 0)
            .map(|i| format!("pa-{i:02}"))
            .collect();
        assert_eq!(got.into_iter().map(|a| a.id).collect::<Vec<_>>(), want);
        let all = walk(4, key, async |before, limit| {
            store.access_log(None, before, limit).await.unwrap()
        })
        .await;
        let ours: Vec<String> = all
            .into_iter()
            .map(|a| a.id)
            .filter(|id| id.starts_with("pa-"))
            .collect();
        let want: Vec<String> = (0..11).rev().map(|i| format!("pa-{i:02}")).collect();
        assert_eq!(ours, want, "newest first, the id breaking ties");
    }

    async fn case_list_pages(store: &dyn Store) {
        // Deadlines with ties and cases without one, members and states mixed.
        let mut cases = vec![];
        for i in 0..14_i64 {
            let id = format!("pc-{i:02}");
            let members: &[&str] = if i % 3 == 0 {
                &["pat"]
            } else {
                &["pat", "quinn"]
            };
            let deadline = if i % 4 == 0 {
                None
            } else {
                Some(10_000 + (i % 3))
            };
            let state = if i % 5 == 0 { "SCREENING" } else { "ACTIVE" };
            let recs = records(&id, 0, GENESIS_HASH, 1);
            let mut p = projection(&id, 1, &recs[0].hash, members);
            p.next_deadline_ms = deadline;
            p.state = state.into();
            store
                .append(Append {
                    expected_version: 0,
                    records: recs,
                    projection: p,
                    documents: vec![],
                })
                .await
                .unwrap();
            cases.push((id, deadline, state, members));
        }
        let ours = |v: Vec<CaseProjection>| {
            v.into_iter()
                .map(|p| p.case_id)
                .filter(|i| i.starts_with("pc-"))
                .collect::<Vec<_>>()
        };
        for (member, state) in [
            (Some("pat"), None),
            (Some("quinn"), None),
            (Some("pat"), Some("ACTIVE")),
            (None, None),
            (None, Some("SCREENING")),
        ] {
            // The documented order, computed here: by deadline (none last), then newest id first.
            let mut want: Vec<&(String, Option<i64>, &str, &[&str])> = cases
                .iter()
                .filter(|c| member.is_none_or(|m| c.3.contains(&m)))
                .filter(|c| state.is_none_or(|s| c.2 == s))
                .collect();
            want.sort_by(|a, b| {
                (a.1.is_none(), a.1)
                    .cmp(&(b.1.is_none(), b.1))
                    .then_with(|| b.0.cmp(&a.0))
            });
            let want: Vec<String> = want.into_iter().map(|c| c.0.clone()).collect();
            let q = |after: Option<(Option<i64>, String)>, limit: i64, offset: i64| CaseQuery {
                member: member.map(str::to_owned),
                state: state.map(str::to_owned),
                limit,
                offset,
                after,
            };
            for limit in [1, 2, 5] {
                let paged = walk(
                    limit,
                    |p: &CaseProjection| (p.next_deadline_ms, p.case_id.clone()),
                    async |after, limit| store.list_cases(&q(after, limit, 0)).await.unwrap(),
                )
                .await;
                assert_eq!(
                    ours(paged),
                    want,
                    "member {member:?} state {state:?} limit {limit}"
                );
            }
            if member.is_some() {
                // Older clients' offset reads the same order.
                let skipped = store.list_cases(&q(None, 100, 2)).await.unwrap();
                assert_eq!(ours(skipped), want[2.min(want.len())..].to_vec());
            }
        }
    }
}
