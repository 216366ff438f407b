//! The per-audience hash chains of a case: sealing new events and verifying stored ones.
//!
//! An event's visibility (`case`, `party:A`, `channel:caucus:A`, …) names its chain. Each chain
//! numbers its events from 1 (`seq`) and links each to the previous one of the same chain
//! (`prev_hash`, [`GENESIS_HASH`] for the first), so a reader's events form complete chains of
//! their own, whatever happens in chains it may not read. The case's overall order (`position`)
//! is kept beside the chains for replay; it is not hashed (the transparency log's leaf order
//! authenticates it). Events stored before the per-audience chains (format 1) stay as they were:
//! one chain per case, numbered by position.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::canonical::canonical_json;

/// The `prev_hash` of a chain's first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash format of a stored event: which prefix its hash input starts with and which chain
/// its `seq` and `prev_hash` belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventFormat {
    /// `accord-event-v1`: one chain per case; `seq` is the position in the case.
    V1,
    /// `accord-event-v2`: one chain per visibility; `seq` counts within that chain.
    V2,
}

impl EventFormat {
    /// The number stored in the `format` column.
    pub fn number(self) -> i64 {
        match self {
            EventFormat::V1 => 1,
            EventFormat::V2 => 2,
        }
    }

    /// Reads [`EventFormat::number`]'s form.
    pub fn from_number(n: i64) -> Option<Self> {
        match n {
            1 => Some(EventFormat::V1),
            2 => Some(EventFormat::V2),
            _ => None,
        }
    }

    /// Domain separation prefix of the hash input.
    fn prefix(self) -> &'static [u8] {
        match self {
            EventFormat::V1 => b"accord-event-v1\n",
            EventFormat::V2 => b"accord-event-v2\n",
        }
    }
}

/// An event about to be appended (not yet chained).
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// Unique id of the event.
    pub event_id: String,
    /// Recorded time, milliseconds since the Unix epoch (UTC).
    pub recorded_at_ms: i64,
    /// `user:<id>` or `system`.
    pub actor: String,
    /// Event type.
    pub kind: String,
    /// The rule the event rests on (docs/PROCEDURE.md), part of the hashed envelope.
    pub rule_basis: String,
    /// Encoded visibility; it names the event's chain.
    pub visibility: String,
    /// The payload object.
    pub payload: Value,
}

/// A stored, chained event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// The case whose log this event extends.
    pub case_id: String,
    /// Position in the case's overall order, from 1 (internal: replay and merging; not hashed).
    pub position: i64,
    /// The hash format, which says which chain `seq` and `prev_hash` belong to.
    pub format: EventFormat,
    /// Position in its chain, from 1 (format 1: the position in the case).
    pub seq: i64,
    /// Unique id.
    pub event_id: String,
    /// Recorded time (ms since epoch, UTC).
    pub recorded_at_ms: i64,
    /// `user:<id>` or `system`.
    pub actor: String,
    /// Event type.
    pub kind: String,
    /// The rule the event rests on (docs/PROCEDURE.md), part of the hashed envelope.
    pub rule_basis: String,
    /// Encoded visibility, which names the chain (format 2).
    pub visibility: String,
    /// Canonical JSON text of the payload.
    pub payload: String,
    /// The hash of the chain's previous event.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

impl EventRecord {
    /// The chain this event extends: its visibility (format 2), or the case's single chain of
    /// format 1, named `v1`.
    pub fn chain(&self) -> &str {
        match self.format {
            EventFormat::V1 => "v1",
            EventFormat::V2 => &self.visibility,
        }
    }
}

fn envelope_hash(r: &EventRecord, payload: &Value) -> Result<String, String> {
    let env = json!({
        "actor": r.actor,
        "case_id": r.case_id,
        "event_id": r.event_id,
        "kind": r.kind,
        "payload": payload,
        "prev_hash": r.prev_hash,
        "recorded_at_ms": r.recorded_at_ms,
        "rule_basis": r.rule_basis,
        "seq": r.seq,
        "visibility": r.visibility,
    });
    let text = canonical_json(&env).map_err(|e| e.to_string())?;
    let mut h = Sha256::new();
    h.update(r.format.prefix());
    h.update(text.as_bytes());
    Ok(hex::encode(h.finalize()))
}

/// The head of one chain: its length and its last event's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    /// Events in the chain (the last `seq`).
    pub seq: i64,
    /// The last event's hash ([`GENESIS_HASH`] for an empty chain).
    pub hash: String,
}

impl Default for ChainHead {
    fn default() -> Self {
        ChainHead {
            seq: 0,
            hash: GENESIS_HASH.to_owned(),
        }
    }
}

/// Chains new events (format 2) after the case's last position and each chain's head (a chain
/// missing from `heads` starts from genesis), computing each hash.
pub fn seal(
    case_id: &str,
    last_position: i64,
    heads: &BTreeMap<String, ChainHead>,
    events: Vec<NewEvent>,
) -> Result<Vec<EventRecord>, String> {
    let mut heads = heads.clone();
    let mut out = Vec::with_capacity(events.len());
    for (i, e) in events.into_iter().enumerate() {
        let payload = canonical_json(&e.payload).map_err(|e| e.to_string())?;
        let head = heads.entry(e.visibility.clone()).or_default();
        let mut r = EventRecord {
            case_id: case_id.to_owned(),
            position: last_position + 1 + i as i64,
            format: EventFormat::V2,
            seq: head.seq + 1,
            event_id: e.event_id,
            recorded_at_ms: e.recorded_at_ms,
            actor: e.actor,
            kind: e.kind,
            rule_basis: e.rule_basis,
            visibility: e.visibility,
            payload,
            prev_hash: head.hash.clone(),
            hash: String::new(),
        };
        r.hash = envelope_hash(&r, &e.payload)?;
        *head = ChainHead {
            seq: r.seq,
            hash: r.hash.clone(),
        };
        out.push(r);
    }
    Ok(out)
}

/// An event row as read raw from storage (text columns as bytes, which may have been damaged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    /// Case id bytes.
    pub case_id: Vec<u8>,
    /// Position in the case.
    pub position: i64,
    /// Stored hash format number.
    pub format: i64,
    /// Sequence number in the chain.
    pub seq: i64,
    /// Event id bytes.
    pub event_id: Vec<u8>,
    /// Recorded time.
    pub recorded_at_ms: i64,
    /// Actor bytes.
    pub actor: Vec<u8>,
    /// Kind bytes.
    pub kind: Vec<u8>,
    /// Rule basis bytes.
    pub rule_basis: Vec<u8>,
    /// Visibility bytes.
    pub visibility: Vec<u8>,
    /// Payload bytes.
    pub payload: Vec<u8>,
    /// Previous hash bytes.
    pub prev_hash: Vec<u8>,
    /// Hash bytes.
    pub hash: Vec<u8>,
}

impl RawEvent {
    /// Decodes the text columns; names the first column that is not valid UTF-8.
    pub fn decode(self) -> Result<EventRecord, String> {
        let s = |name: &str, b: Vec<u8>| {
            String::from_utf8(b).map_err(|_| format!("column {name} is not valid UTF-8"))
        };
        Ok(EventRecord {
            case_id: s("case_id", self.case_id)?,
            position: self.position,
            format: EventFormat::from_number(self.format)
                .ok_or_else(|| format!("unknown hash format {}", self.format))?,
            seq: self.seq,
            event_id: s("event_id", self.event_id)?,
            recorded_at_ms: self.recorded_at_ms,
            actor: s("actor", self.actor)?,
            kind: s("kind", self.kind)?,
            rule_basis: s("rule_basis", self.rule_basis)?,
            visibility: s("visibility", self.visibility)?,
            payload: s("payload", self.payload)?,
            prev_hash: s("prev_hash", self.prev_hash)?,
            hash: s("hash", self.hash)?,
        })
    }
}

/// A broken chain: the case and the first bad event, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The case whose chain is broken (lossy text if the id itself was damaged).
    pub case_id: String,
    /// The first bad event's position in the case.
    pub position: i64,
    /// Its chain (`v1`, or the visibility as stored, lossy if damaged).
    pub chain: String,
    /// Its sequence number in that chain.
    pub seq: i64,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "case {} event at position {} (chain {}, seq {}): {}",
            self.case_id, self.position, self.chain, self.seq, self.reason
        )
    }
}

/// Recomputes one event's hash and checks its canonical payload.
pub fn check_event(r: &EventRecord) -> Result<(), String> {
    let payload: Value =
        serde_json::from_str(&r.payload).map_err(|e| format!("payload is not JSON: {e}"))?;
    let canon = canonical_json(&payload).map_err(|e| e.to_string())?;
    if canon != r.payload {
        return Err("payload is not in canonical form".into());
    }
    let h = envelope_hash(r, &payload)?;
    if h != r.hash {
        return Err("hash does not match the event's content".into());
    }
    Ok(())
}

/// What the verifier holds of the case being read: the next position, and each chain's head.
#[derive(Debug)]
struct CaseCursor {
    case_id: Vec<u8>,
    position: i64,
    saw_v2: bool,
    heads: BTreeMap<Vec<u8>, ChainHead>,
}

/// Verifies chains fed event by event in (case_id, position) order. It keeps only the current
/// case's chain heads, so a log of any size verifies in memory bounded by one case's chains.
/// Format-1 events form one chain per case, numbered by position; format-2 events form one
/// chain per visibility, each from genesis; a case's format-1 events all come before its first
/// format-2 event.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    current: Option<CaseCursor>,
    broken_case: Option<Vec<u8>>,
    breaks: Vec<ChainBreak>,
    events: u64,
    cases: u64,
}

/// The key of the format-1 chain in [`CaseCursor::heads`] (no visibility is empty).
const V1_CHAIN: &[u8] = b"";

impl ChainVerifier {
    /// A new verifier.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next stored event.
    pub fn feed(&mut self, raw: RawEvent) {
        self.events += 1;
        let new_case = self
            .current
            .as_ref()
            .is_none_or(|c| c.case_id != raw.case_id);
        if new_case {
            self.cases += 1;
            self.current = Some(CaseCursor {
                case_id: raw.case_id.clone(),
                position: 0,
                saw_v2: false,
                heads: BTreeMap::new(),
            });
        }
        if self.broken_case.as_deref() == Some(raw.case_id.as_slice()) {
            return; // only the first bad event of a case is reported
        }
        let Some(cur) = self.current.as_mut() else {
            return;
        };
        let (position, seq) = (raw.position, raw.seq);
        let case_name = String::from_utf8_lossy(&raw.case_id).into_owned();
        let v2 = raw.format == EventFormat::V2.number();
        let chain_key = if v2 {
            raw.visibility.clone()
        } else {
            V1_CHAIN.to_vec()
        };
        let chain_name = if v2 {
            String::from_utf8_lossy(&raw.visibility).into_owned()
        } else {
            "v1".to_owned()
        };
        let head = cur.heads.get(&chain_key).cloned().unwrap_or_default();
        let result = (|| {
            if position != cur.position + 1 {
                return Err(if position <= cur.position {
                    format!(
                        "position {position} repeats or goes back (previous {})",
                        cur.position
                    )
                } else {
                    format!(
                        "position gap: expected {}, found {position}",
                        cur.position + 1
                    )
                });
            }
            if !v2 && cur.saw_v2 {
                return Err("a format-1 event follows a format-2 event".into());
            }
            if seq != head.seq + 1 {
                return Err(if seq <= head.seq {
                    format!(
                        "sequence number {seq} repeats or goes back in chain {chain_name} \
                         (previous {})",
                        head.seq
                    )
                } else {
                    format!(
                        "sequence gap in chain {chain_name}: expected {}, found {seq}",
                        head.seq + 1
                    )
                });
            }
            if !v2 && seq != position {
                return Err(format!(
                    "a format-1 event's sequence number {seq} differs from its position"
                ));
            }
            let r = raw.decode()?;
            if r.prev_hash != head.hash {
                return Err("prev_hash does not match the chain's previous event's hash".into());
            }
            check_event(&r)?;
            Ok(r.hash)
        })();
        cur.position = position;
        cur.saw_v2 |= v2;
        match result {
            Ok(hash) => {
                cur.heads.insert(chain_key, ChainHead { seq, hash });
            }
            Err(reason) => {
                self.breaks.push(ChainBreak {
                    case_id: case_name,
                    position,
                    chain: chain_name,
                    seq,
                    reason,
                });
                self.broken_case = Some(cur.case_id.clone());
            }
        }
    }

    /// Events fed so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Cases seen so far.
    pub fn cases(&self) -> u64 {
        self.cases
    }

    /// The broken cases found, each with its first bad event.
    pub fn finish(self) -> Vec<ChainBreak> {
        self.breaks
    }
}

/// Seals format-1 events the way cases were chained before per-audience chains: kept so that
/// tests and tools can build stored logs of both formats.
pub fn seal_v1(
    case_id: &str,
    last_seq: i64,
    prev_hash: &str,
    events: Vec<NewEvent>,
) -> Result<Vec<EventRecord>, String> {
    let mut prev = prev_hash.to_owned();
    let mut out = Vec::with_capacity(events.len());
    for (i, e) in events.into_iter().enumerate() {
        let payload = canonical_json(&e.payload).map_err(|e| e.to_string())?;
        let seq = last_seq + 1 + i as i64;
        let mut r = EventRecord {
            case_id: case_id.to_owned(),
            position: seq,
            format: EventFormat::V1,
            seq,
            event_id: e.event_id,
            recorded_at_ms: e.recorded_at_ms,
            actor: e.actor,
            kind: e.kind,
            rule_basis: e.rule_basis,
            visibility: e.visibility,
            payload,
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        r.hash = envelope_hash(&r, &e.payload)?;
        prev = r.hash.clone();
        out.push(r);
    }
    Ok(out)
}

impl From<&EventRecord> for RawEvent {
    fn from(r: &EventRecord) -> Self {
        RawEvent {
            case_id: r.case_id.clone().into_bytes(),
            position: r.position,
            format: r.format.number(),
            seq: r.seq,
            event_id: r.event_id.clone().into_bytes(),
            recorded_at_ms: r.recorded_at_ms,
            actor: r.actor.clone().into_bytes(),
            kind: r.kind.clone().into_bytes(),
            rule_basis: r.rule_basis.clone().into_bytes(),
            visibility: r.visibility.clone().into_bytes(),
            payload: r.payload.clone().into_bytes(),
            prev_hash: r.prev_hash.clone().into_bytes(),
            hash: r.hash.clone().into_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CHAINS: &[&str] = &[
        "case",
        "channel:caucus:A",
        "channel:internal:A",
        "party:B",
        "secretariat",
    ];

    fn new_events(n: usize, from: usize, pick: impl Fn(usize) -> usize) -> Vec<NewEvent> {
        (from..from + n)
            .map(|i| NewEvent {
                event_id: format!("e{i}"),
                recorded_at_ms: 1_700_000_000_000 + i as i64,
                actor: "user:u1".into(),
                kind: "note".into(),
                rule_basis: "test".into(),
                visibility: CHAINS[pick(i) % CHAINS.len()].into(),
                payload: json!({"type": "note", "i": i, "text": "调解 وساطة"}),
            })
            .collect()
    }

    /// `n` format-2 events spread over the chains.
    fn sample(n: usize) -> Vec<EventRecord> {
        seal(
            "case-1",
            0,
            &BTreeMap::new(),
            new_events(n, 0, |i| i * 7 / 3),
        )
        .unwrap()
    }

    /// `old` format-1 events, then `new` format-2 events of the same case.
    fn mixed(old: usize, new: usize) -> Vec<EventRecord> {
        let mut v = seal_v1("case-1", 0, GENESIS_HASH, new_events(old, 0, |i| i)).unwrap();
        v.extend(
            seal(
                "case-1",
                old as i64,
                &BTreeMap::new(),
                new_events(new, old, |i| i * 3),
            )
            .unwrap(),
        );
        v
    }

    fn raw(r: &EventRecord) -> RawEvent {
        RawEvent::from(r)
    }

    fn verify(rows: Vec<RawEvent>) -> Vec<ChainBreak> {
        let mut v = ChainVerifier::new();
        for r in rows {
            v.feed(r);
        }
        v.finish()
    }

    #[test]
    fn intact_chains_verify_and_each_chain_counts_from_one() {
        let events = sample(20);
        assert!(verify(events.iter().map(raw).collect()).is_empty());
        for chain in CHAINS {
            let seqs: Vec<i64> = events
                .iter()
                .filter(|e| e.visibility == *chain)
                .map(|e| e.seq)
                .collect();
            assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "{chain}");
            let first = events.iter().find(|e| e.visibility == *chain).unwrap();
            assert_eq!(first.prev_hash, GENESIS_HASH);
        }
        assert_eq!(
            events.iter().map(|e| e.position).collect::<Vec<_>>(),
            (1..=20).collect::<Vec<_>>()
        );
    }

    #[test]
    fn one_chain_does_not_depend_on_the_others() {
        // The same case-chain events, with and without private events in between, hash alike
        // once their ids and times are equal.
        let public = |i: usize| NewEvent {
            event_id: format!("p{i}"),
            recorded_at_ms: i as i64,
            actor: "user:m".into(),
            kind: "note".into(),
            rule_basis: "test".into(),
            visibility: "case".into(),
            payload: json!({"i": i}),
        };
        let private = |i: usize| NewEvent {
            visibility: "channel:caucus:A".into(),
            event_id: format!("x{i}"),
            ..public(i)
        };
        let plain = seal("c", 0, &BTreeMap::new(), (0..4).map(public).collect()).unwrap();
        let interleaved: Vec<NewEvent> = (0..4).flat_map(|i| [private(i), public(i)]).collect();
        let busy = seal("c", 0, &BTreeMap::new(), interleaved).unwrap();
        let case_chain: Vec<(i64, String, String)> = busy
            .iter()
            .filter(|e| e.visibility == "case")
            .map(|e| (e.seq, e.prev_hash.clone(), e.hash.clone()))
            .collect();
        let expected: Vec<(i64, String, String)> = plain
            .iter()
            .map(|e| (e.seq, e.prev_hash.clone(), e.hash.clone()))
            .collect();
        assert_eq!(case_chain, expected);
    }

    #[test]
    fn v1_and_v2_hashes_differ_for_the_same_envelope() {
        let v1 = seal_v1("c", 0, GENESIS_HASH, new_events(1, 0, |_| 0)).unwrap();
        let v2 = seal("c", 0, &BTreeMap::new(), new_events(1, 0, |_| 0)).unwrap();
        assert_eq!((v1[0].seq, &v1[0].prev_hash), (v2[0].seq, &v2[0].prev_hash));
        assert_ne!(v1[0].hash, v2[0].hash);
        // A format-2 row relabelled as format 1 (or the reverse) no longer verifies.
        let mut r = raw(&v2[0]);
        r.format = 1;
        assert!(!verify(vec![r]).is_empty());
        let mut r = raw(&v1[0]);
        r.format = 2;
        assert!(!verify(vec![r]).is_empty());
    }

    fn flip_every_byte(events: &[EventRecord]) -> usize {
        let mut tried = 0;
        for (i, e) in events.iter().enumerate() {
            for col in 0..9 {
                let len = {
                    let b = raw(e);
                    [
                        b.case_id.len(),
                        b.event_id.len(),
                        b.actor.len(),
                        b.kind.len(),
                        b.rule_basis.len(),
                        b.visibility.len(),
                        b.payload.len(),
                        b.prev_hash.len(),
                        b.hash.len(),
                    ][col]
                };
                for pos in 0..len {
                    let mut m = raw(e);
                    let field = match col {
                        0 => &mut m.case_id,
                        1 => &mut m.event_id,
                        2 => &mut m.actor,
                        3 => &mut m.kind,
                        4 => &mut m.rule_basis,
                        5 => &mut m.visibility,
                        6 => &mut m.payload,
                        7 => &mut m.prev_hash,
                        _ => &mut m.hash,
                    };
                    field[pos] ^= 0x01;
                    let mut rows: Vec<RawEvent> = events.iter().map(raw).collect();
                    rows[i] = m;
                    let breaks = verify(rows);
                    tried += 1;
                    assert!(
                        !breaks.is_empty(),
                        "col {col} pos {pos} of event {i} undetected"
                    );
                    if col != 0 {
                        assert_eq!(breaks[0].position, e.position, "col {col} pos {pos}");
                    }
                }
            }
        }
        tried
    }

    #[test]
    fn every_flipped_byte_of_every_text_column_names_its_event() {
        assert!(flip_every_byte(&sample(12)) > 1000);
    }

    #[test]
    fn every_flipped_byte_of_a_mixed_log_names_its_event() {
        let events = mixed(5, 7);
        assert!(verify(events.iter().map(raw).collect()).is_empty());
        assert!(flip_every_byte(&events) > 1000);
    }

    #[test]
    fn structural_changes_are_detected() {
        let events = sample(6);
        // delete
        let mut rows: Vec<RawEvent> = events.iter().map(raw).collect();
        rows.remove(2);
        assert_eq!(verify(rows)[0].position, 4);
        // reorder
        let mut rows: Vec<RawEvent> = events.iter().map(raw).collect();
        rows.swap(1, 2);
        assert_eq!(verify(rows)[0].position, 3);
        // duplicate
        let mut rows: Vec<RawEvent> = events.iter().map(raw).collect();
        let d = rows[3].clone();
        rows.insert(4, d);
        assert_eq!(verify(rows)[0].position, 4);
        // timestamps are covered
        let mut rows: Vec<RawEvent> = events.iter().map(raw).collect();
        rows[5].recorded_at_ms += 1;
        assert_eq!(verify(rows)[0].position, 6);
        // a format-1 event after a format-2 one
        let mut rows: Vec<RawEvent> = mixed(2, 2).iter().map(raw).collect();
        rows.swap(1, 2);
        rows[1].position = 2;
        rows[2].position = 3;
        assert!(!verify(rows).is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Dropping an event of any chain, or swapping two events of one chain (positions kept
        /// dense), is found; so is moving an event to another chain.
        #[test]
        fn dropped_reordered_or_moved_events_are_found(
            old in 0usize..4,
            new in 2usize..24,
            pick in any::<u64>(),
            at in any::<prop::sample::Index>(),
        ) {
            let events = mixed(old, new);
            let n = events.len();
            let rows = || events.iter().map(raw).collect::<Vec<_>>();
            prop_assert!(verify(rows()).is_empty());
            // drop one event anywhere: the positions tell, unless it was the case's last event
            // (which the transparency log's checkpoints tell)
            let k = at.index(n);
            let mut gap = rows();
            gap.remove(k);
            if k + 1 < n {
                prop_assert!(!verify(gap).is_empty(), "drop {k} undetected");
            }
            // the same, renumbering positions so only the chains can tell
            let mut dropped = rows();
            dropped.remove(k);
            for (i, r) in dropped.iter_mut().enumerate() {
                r.position = i as i64 + 1;
            }
            let last_of_its_chain = events[k + 1..]
                .iter()
                .all(|e| e.chain() != events[k].chain());
            if !last_of_its_chain {
                prop_assert!(!verify(dropped).is_empty(), "drop {k} undetected");
            }
            // swap two events of one chain, positions kept in order
            let chain = events[k].chain().to_owned();
            let same: Vec<usize> = (0..n).filter(|&i| events[i].chain() == chain).collect();
            if same.len() >= 2 {
                let (a, b) = (same[(pick as usize) % same.len()], same[(pick as usize / 7 + 1) % same.len()]);
                if a != b {
                    let mut swapped = rows();
                    swapped.swap(a, b);
                    let (pa, pb) = (swapped[a].position, swapped[b].position);
                    swapped[a].position = pb;
                    swapped[b].position = pa;
                    prop_assert!(!verify(swapped).is_empty(), "swap {a} {b} undetected");
                }
            }
            // move a format-2 event to another chain
            if events[k].format == EventFormat::V2 {
                let mut moved = rows();
                let other = CHAINS.iter().find(|c| **c != events[k].visibility).unwrap();
                moved[k].visibility = other.as_bytes().to_vec();
                prop_assert!(!verify(moved).is_empty(), "move {k} undetected");
            }
        }
    }
}
