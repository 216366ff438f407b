//! The per-case hash chain: sealing new events and verifying stored ones.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::canonical::canonical_json;

/// The `prev_hash` of a case's first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Domain separation prefix of the hash input.
const PREFIX: &[u8] = b"accord-event-v1\n";

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
    /// Encoded visibility.
    pub visibility: String,
    /// The payload object.
    pub payload: Value,
}

/// A stored, chained event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// The case whose chain this event extends.
    pub case_id: String,
    /// Position in the case's log, from 1.
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
    /// Encoded visibility.
    pub visibility: String,
    /// Canonical JSON text of the payload.
    pub payload: String,
    /// Previous event's hash.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
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
    h.update(PREFIX);
    h.update(text.as_bytes());
    Ok(hex::encode(h.finalize()))
}

/// Chains new events after the case's head (`prev_hash`, `last_seq`), computing each hash.
pub fn seal(
    case_id: &str,
    last_seq: i64,
    prev_hash: &str,
    events: Vec<NewEvent>,
) -> Result<Vec<EventRecord>, String> {
    let mut prev = prev_hash.to_owned();
    let mut out = Vec::with_capacity(events.len());
    for (i, e) in events.into_iter().enumerate() {
        let payload = canonical_json(&e.payload).map_err(|e| e.to_string())?;
        let mut r = EventRecord {
            case_id: case_id.to_owned(),
            seq: last_seq + 1 + i as i64,
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

/// An event row as read raw from storage (text columns as bytes, which may have been damaged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    /// Case id bytes.
    pub case_id: Vec<u8>,
    /// Sequence number.
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
    /// The first bad event's sequence number.
    pub seq: i64,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "case {} event {}: {}",
            self.case_id, self.seq, self.reason
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

/// Verifies chains fed event by event in (case_id, seq) order. It keeps only the current case's
/// head, so a log of any size verifies in constant memory.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    current: Option<(Vec<u8>, i64, String)>,
    broken_case: Option<Vec<u8>>,
    breaks: Vec<ChainBreak>,
    events: u64,
    cases: u64,
}

impl ChainVerifier {
    /// A new verifier.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next stored event.
    pub fn feed(&mut self, raw: RawEvent) {
        self.events += 1;
        let case_bytes = raw.case_id.clone();
        let seq = raw.seq;
        let new_case = self
            .current
            .as_ref()
            .is_none_or(|(c, _, _)| *c != case_bytes);
        if new_case {
            self.cases += 1;
            self.current = Some((case_bytes.clone(), 0, GENESIS_HASH.to_owned()));
        }
        if self.broken_case.as_deref() == Some(case_bytes.as_slice()) {
            return; // only the first bad event of a chain is reported
        }
        let case_name = String::from_utf8_lossy(&case_bytes).into_owned();
        let (_, last_seq, prev) =
            self.current
                .clone()
                .unwrap_or((case_bytes.clone(), 0, GENESIS_HASH.to_owned()));
        let result = (|| {
            if seq != last_seq + 1 {
                return Err(if seq <= last_seq {
                    format!("sequence number {seq} repeats or goes back (previous {last_seq})")
                } else {
                    format!("sequence gap: expected {}, found {seq}", last_seq + 1)
                });
            }
            let r = raw.decode()?;
            if r.prev_hash != prev {
                return Err("prev_hash does not match the previous event's hash".into());
            }
            check_event(&r)?;
            Ok(r.hash)
        })();
        match result {
            Ok(hash) => self.current = Some((case_bytes, seq, hash)),
            Err(reason) => {
                self.breaks.push(ChainBreak {
                    case_id: case_name,
                    seq,
                    reason,
                });
                self.broken_case = Some(case_bytes);
            }
        }
    }

    /// Events fed so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Chains seen so far.
    pub fn cases(&self) -> u64 {
        self.cases
    }

    /// The broken chains found, each with its first bad event.
    pub fn finish(self) -> Vec<ChainBreak> {
        self.breaks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> Vec<EventRecord> {
        let events = (0..n)
            .map(|i| NewEvent {
                event_id: format!("e{i}"),
                recorded_at_ms: 1_700_000_000_000 + i as i64,
                actor: "user:u1".into(),
                kind: "note".into(),
                rule_basis: "test".into(),
                visibility: "case".into(),
                payload: json!({"type": "note", "i": i, "text": "调解 وساطة"}),
            })
            .collect();
        seal("case-1", 0, GENESIS_HASH, events).unwrap()
    }

    fn raw(r: &EventRecord) -> RawEvent {
        RawEvent {
            case_id: r.case_id.clone().into_bytes(),
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

    fn verify(rows: Vec<RawEvent>) -> Vec<ChainBreak> {
        let mut v = ChainVerifier::new();
        for r in rows {
            v.feed(r);
        }
        v.finish()
    }

    #[test]
    fn intact_chain_verifies() {
        let rows = sample(20).iter().map(raw).collect();
        assert!(verify(rows).is_empty());
    }

    #[test]
    fn every_flipped_byte_of_every_text_column_names_its_event() {
        let events = sample(12);
        let mut tried = 0;
        for (i, e) in events.iter().enumerate() {
            for col in 0..9 {
                let base = raw(e);
                let len = match col {
                    0 => base.case_id.len(),
                    1 => base.event_id.len(),
                    2 => base.actor.len(),
                    3 => base.kind.len(),
                    4 => base.rule_basis.len(),
                    5 => base.visibility.len(),
                    6 => base.payload.len(),
                    7 => base.prev_hash.len(),
                    _ => base.hash.len(),
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
                        assert_eq!(breaks[0].seq, e.seq, "col {col} pos {pos}");
                    }
                }
            }
        }
        assert!(tried > 1000);
    }

    #[test]
    fn structural_changes_are_detected() {
        let events = sample(6);
        // delete
        let mut rows: Vec<RawEvent> = events.iter().map(raw).collect();
        rows.remove(2);
        assert_eq!(verify(rows)[0].seq, 4);
        // reorder
        let mut rows: Vec<RawEvent> = events.iter().map(raw).collect();
        rows.swap(1, 2);
        assert_eq!(verify(rows)[0].seq, 3);
        // duplicate
        let mut rows: Vec<RawEvent> = events.iter().map(raw).collect();
        let d = rows[3].clone();
        rows.insert(4, d);
        assert_eq!(verify(rows)[0].seq, 4);
        // timestamps are covered
        let mut rows: Vec<RawEvent> = events.iter().map(raw).collect();
        rows[5].recorded_at_ms += 1;
        assert_eq!(verify(rows)[0].seq, 6);
    }
}
