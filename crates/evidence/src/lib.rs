//! Evidence primitives: the canonical encoding of case events and the per-audience SHA-256 hash
//! chains of a case.
//!
//! # The event hash (format `accord-event-v2`)
//!
//! An event's visibility (`case`, `secretariat`, `party:A`, `channel:caucus:A`, …) names its
//! chain. Each chain numbers its own events from 1 (`seq`) and links each to the chain's previous
//! event (`prev_hash`, 64 zeros for the first):
//!
//! ```text
//! hash = lower-hex( SHA-256( "accord-event-v2\n" || canonical_json(envelope) ) )
//! envelope = { "actor", "case_id", "event_id", "kind", "payload", "prev_hash",
//!              "recorded_at_ms", "rule_basis", "seq", "visibility" }
//! ```
//!
//! `payload` is the event's JSON object; the other members are strings except `seq` and
//! `recorded_at_ms` (integers). The canonical JSON is RFC 8785 (JCS) restricted to what events
//! contain: objects with keys sorted by code point, no insignificant whitespace, strings escaped
//! as JCS does (`\"`, `\\`, `\b \f \n \r \t`, other control characters as `\u00xx`, everything
//! else literal UTF-8), integers only (a float is an encoding error). The stored payload text must
//! itself be canonical, so any change to a stored byte changes either the canonical check or the
//! hash. The case's overall order (`position`) is stored beside the chains and is not hashed.
//!
//! Format `accord-event-v1` (events stored before the per-audience chains) hashes the same
//! envelope with the prefix `"accord-event-v1\n"`, in one chain per case whose `seq` is the
//! position.

pub mod canonical;
pub mod chain;
pub mod checkpoint;
pub mod merkle;

pub use canonical::{CanonicalError, canonical_json};
pub use chain::{
    ChainBreak, ChainHead, ChainVerifier, EventFormat, EventRecord, GENESIS_HASH, NewEvent,
    RawEvent, seal, seal_v1,
};
