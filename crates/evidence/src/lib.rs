//! Evidence primitives: the canonical encoding of case events and the per-case SHA-256 hash chain.
//!
//! # The event hash (format `accord-event-v1`)
//!
//! Each event of a case is stored with `prev_hash` (the previous event's `hash`, or 64 zeros for
//! the first event) and its own `hash`:
//!
//! ```text
//! hash = lower-hex( SHA-256( "accord-event-v1\n" || canonical_json(envelope) ) )
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
//! hash.

pub mod canonical;
pub mod chain;
pub mod checkpoint;
pub mod merkle;

pub use canonical::{CanonicalError, canonical_json};
pub use chain::{ChainBreak, ChainVerifier, EventRecord, GENESIS_HASH, NewEvent, RawEvent, seal};
