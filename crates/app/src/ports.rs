//! Storage ports. Each backend (SQLite, PostgreSQL) implements [`Store`]; one contract test suite
//! (crate `accord-store-contract`) runs against every implementation.

use accord_domain::party::ExclusionDeclaration;
use accord_domain::rule_change::ProfileVersion;
use accord_evidence::{ChainBreak, EventRecord};
use async_trait::async_trait;

pub use crate::paging::Order;

/// A storage failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Optimistic concurrency: the case is not at the expected version.
    #[error("version conflict: the case is at version {current}")]
    Conflict {
        /// The current version.
        current: i64,
    },
    /// A unique key is taken.
    #[error("{0}")]
    Duplicate(String),
    /// The backend failed (I/O, connection, corruption). Nothing was acknowledged.
    #[error("{0}")]
    Backend(String),
}

/// The read model of one case, kept in the same transaction as its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseProjection {
    /// The case's id (UUIDv7, as in its URL).
    pub case_id: String,
    /// The case's reference, quoted in correspondence and on every document.
    pub reference: String,
    /// The case's short title, as the request gave it.
    pub title: String,
    /// Dispute type (stable name).
    pub dispute_type: String,
    /// State name, such as `SUSPENDED_NONPAYMENT`.
    pub state: String,
    /// Number of events of every chain (the case's overall version; internal: a reader's
    /// version counts only the chains it may read).
    pub version: i64,
    /// Hash of the last event of any chain (internal, like `version`).
    pub head_hash: String,
    /// Earliest pending deadline the scheduler acts on (ms since epoch).
    pub next_action_ms: Option<i64>,
    /// Earliest pending deadline of any kind (ms), for queues ordered by deadline.
    pub next_deadline_ms: Option<i64>,
    /// Last change (ms since epoch).
    pub updated_at_ms: i64,
    /// Users linked to the case (representatives, mediators, drafter, third-State
    /// representatives): a superset of who may list it; the policy decides.
    pub members: Vec<String>,
    /// The folded case as JSON.
    pub case_json: String,
}

/// One chain of a case (docs/EVIDENCE.md, "Chains"), kept by the store in each append's
/// transaction: what a reader's version, head and time are computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSummary {
    /// The chain's name: the visibility its events carry (`case`, `channel:caucus:A`, …).
    pub chain: String,
    /// Events of this visibility, of both hash formats (what a reader of it counts).
    pub length: i64,
    /// The format-2 chain's length: the `seq` of its last event (0 if none yet).
    pub seq: i64,
    /// The format-2 chain's last hash, which the next event links to (genesis if none yet).
    pub head_hash: String,
    /// The hash of the chain's last event, of either format.
    pub last_hash: String,
    /// That event's position in the case.
    pub last_position: i64,
    /// That event's recorded time (ms since epoch).
    pub updated_at_ms: i64,
}

/// New events of one case with the projection they lead to, appended atomically.
#[derive(Debug, Clone)]
pub struct Append {
    /// The case's overall version (its last position) the case must be at (0 for a new case).
    pub expected_version: i64,
    /// Chained records (format 2), at the positions after `expected_version`, each continuing
    /// its chain's head.
    pub records: Vec<EventRecord>,
    /// The projection after these events.
    pub projection: CaseProjection,
    /// Filed documents' records, written in the same transaction as the events that file them.
    pub documents: Vec<DocumentRecord>,
}

/// One page of a case's events: those of the chains the reader may read (as the policy's
/// [`accord_domain::policy::RecordChains`] names them), by position.
#[derive(Debug, Clone)]
pub struct EventQuery {
    /// The case.
    pub case_id: String,
    /// Chains read whole.
    pub full: Vec<String>,
    /// Chains read without events of the kinds in `hidden_kinds`.
    pub partial: Vec<String>,
    /// The kinds left out of `partial` chains.
    pub hidden_kinds: Vec<String>,
    /// Start after the event at this position (in `order`).
    pub after_position: Option<i64>,
    /// Which end the page starts from.
    pub order: Order,
    /// At most this many.
    pub limit: i64,
}

/// Which cases to list.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    /// Only cases linked to this user (None: all cases).
    pub member: Option<String>,
    /// Only this state.
    pub state: Option<String>,
    /// At most this many.
    pub limit: i64,
    /// Skip this many (older clients; a cursor's key in `after` reads the same cost at any depth).
    pub offset: i64,
    /// Start after this case in the list's order: its next deadline (none sorts last) and id.
    pub after: Option<(Option<i64>, String)>,
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Its id (UUIDv7), stable for the record's life.
    pub id: String,
    /// Unique sign-in name.
    pub username: String,
    /// The name others see (a person's full name); never used to sign in.
    pub display_name: String,
    /// Institution-wide role (stable name).
    pub role: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Created (ms since epoch).
    pub created_at_ms: i64,
    /// The TOTP seed, sealed under the master key (enrolment started).
    pub totp_secret: Option<Vec<u8>>,
    /// The second factor is confirmed and required at sign-in.
    pub totp_enabled: bool,
    /// Preferred language of pages (a supported tag), if chosen.
    pub language: Option<String>,
    /// Time zone for dates and times on pages (IANA name), if chosen.
    pub time_zone: Option<String>,
    /// A mediator's panel entry (nationality, working languages) as JSON, if recorded.
    pub panel_profile: Option<String>,
}

/// A server-side session (the token itself is never stored, only its SHA-256).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 hex of the token.
    pub token_hash: String,
    /// The user it belongs to.
    pub user_id: String,
    /// When it was created, in milliseconds since the Unix epoch (UTC).
    pub created_at_ms: i64,
    /// Expires (ms); extended on use, never beyond `absolute_expires_at_ms`.
    pub expires_at_ms: i64,
    /// Ends at this time (ms) however much it is used (the absolute lifetime).
    pub absolute_expires_at_ms: i64,
    /// Signed in with a password only, while the role requires a second factor not yet enrolled:
    /// the session may only enrol one.
    pub second_factor_pending: bool,
    /// Last re-authentication (ms), for acts such as signing.
    pub reauth_at_ms: Option<i64>,
    /// Token a cookie-authenticated request must echo in `X-CSRF-Token`.
    pub csrf_token: String,
}

/// An idempotency key as the store holds it: the request's fingerprint and the response are
/// sealed under the master key (the store never sees them in clear).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredIdempotency {
    /// The sealed request fingerprint; `None` while a streamed request still runs (its
    /// fingerprint is known only once its body has been read).
    pub fingerprint: Option<Vec<u8>>,
    /// The response's HTTP status, once completed.
    pub status: Option<u16>,
    /// The sealed response body, once completed.
    pub body: Option<Vec<u8>>,
}

/// A stored idempotent response's sealed parts, by their row, for re-sealing in a rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedIdempotency {
    /// The user whose key it is.
    pub user_id: String,
    /// The key as the client sent it.
    pub key: String,
    /// The sealed request fingerprint, if recorded.
    pub fingerprint: Option<Vec<u8>>,
    /// The sealed response body, if completed.
    pub body: Option<Vec<u8>>,
}

/// Result of verifying every chain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyReport {
    /// Chains checked.
    pub cases: u64,
    /// Events checked.
    pub events: u64,
    /// Broken chains with their first bad event.
    pub breaks: Vec<ChainBreak>,
}

/// Case events and their projections.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Appends events atomically and durably (fsync'd before it returns), checking that the case
    /// is at `expected_version`; otherwise [`StoreError::Conflict`] and nothing is written.
    async fn append(&self, append: Append) -> Result<(), StoreError>;
    /// The projection of a case.
    async fn case(&self, case_id: &str) -> Result<Option<CaseProjection>, StoreError>;
    /// A case's events in their overall order (by position).
    async fn events(&self, case_id: &str) -> Result<Vec<EventRecord>, StoreError>;
    /// One page of a case's events as [`EventQuery`] says.
    async fn events_page(&self, query: &EventQuery) -> Result<Vec<EventRecord>, StoreError>;
    /// One event of a case, by its id.
    async fn event(&self, case_id: &str, event_id: &str)
    -> Result<Option<EventRecord>, StoreError>;
    /// A case's chains (empty for a case that does not exist), by name.
    async fn chains(&self, case_id: &str) -> Result<Vec<ChainSummary>, StoreError>;
    /// The chains of several cases at once (a page of the case list), each with its case id, by
    /// case and name.
    async fn chains_of(
        &self,
        case_ids: &[String],
    ) -> Result<Vec<(String, ChainSummary)>, StoreError>;
    /// Lists cases by next deadline, then newest first (never by the time of the last change,
    /// which private events move).
    async fn list_cases(&self, query: &CaseQuery) -> Result<Vec<CaseProjection>, StoreError>;
    /// Cases whose next actionable deadline is at or before `now_ms`.
    async fn due_cases(&self, now_ms: i64, limit: i64) -> Result<Vec<String>, StoreError>;
    /// Verifies every case's chain from the stored bytes.
    async fn verify_chains(&self) -> Result<VerifyReport, StoreError>;
    /// Closes the store at a clean stop (SQLite: the write-ahead log is folded into the database
    /// and removed). Nothing may be read or written after it.
    async fn close(&self) -> Result<(), StoreError>;
}

/// Accounts and sessions.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates a user; [`StoreError::Duplicate`] if the user name is taken.
    async fn create_user(&self, user: &UserRecord) -> Result<(), StoreError>;
    /// Finds a user by sign-in name.
    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError>;
    /// Finds a user by id.
    async fn user_by_id(&self, id: &str) -> Result<Option<UserRecord>, StoreError>;
    /// All users, by user name.
    async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError>;
    /// Stores a session.
    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError>;
    /// A live session and its user.
    async fn session(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<(SessionRecord, UserRecord)>, StoreError>;
    /// Extends a session's expiry.
    async fn touch_session(&self, token_hash: &str, expires_at_ms: i64) -> Result<(), StoreError>;
    /// Ends a session.
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Stores a user's TOTP seed (sealed) and whether it is confirmed.
    async fn set_totp(
        &self,
        user_id: &str,
        secret: Option<&[u8]>,
        enabled: bool,
    ) -> Result<(), StoreError>;
    /// Updates a session's second-factor and re-authentication state.
    async fn update_session(
        &self,
        token_hash: &str,
        second_factor_pending: bool,
        reauth_at_ms: Option<i64>,
    ) -> Result<(), StoreError>;
    /// Disables (or re-enables) an account; disabling ends all its sessions in the same step.
    async fn set_user_disabled(&self, user_id: &str, disabled: bool) -> Result<bool, StoreError>;
    /// Changes an account's institution-wide role; returns false if there is no such user.
    async fn set_user_role(&self, user_id: &str, role: &str) -> Result<bool, StoreError>;
    /// Stores a user's language and time zone for pages; returns false if there is no such user.
    async fn set_user_preferences(
        &self,
        user_id: &str,
        language: Option<&str>,
        time_zone: Option<&str>,
    ) -> Result<bool, StoreError>;
    /// Stores a mediator's panel entry (JSON; `None` clears it); returns false if there is no
    /// such user.
    async fn set_panel_profile(
        &self,
        user_id: &str,
        panel_profile: Option<&str>,
    ) -> Result<bool, StoreError>;
    /// Records a failed sign-in at `now_ms` against a throttle key.
    async fn record_login_failure(&self, key: &str, now_ms: i64) -> Result<(), StoreError>;
    /// Failures counted against a throttle key since `window_start_ms`.
    async fn login_failures(&self, key: &str, window_start_ms: i64) -> Result<i64, StoreError>;
    /// Reserves a sign-in attempt against a throttle key before any hashing: atomically (across
    /// instances) counts the key's attempts since `window_start_ms` and, when fewer than `limit`,
    /// records this one under `attempt`. False when the limit is reached (nothing recorded).
    async fn reserve_login_attempt(
        &self,
        key: &str,
        attempt: &str,
        now_ms: i64,
        window_start_ms: i64,
        limit: i64,
    ) -> Result<bool, StoreError>;
    /// Replaces an account's password hash and ends its sessions (all but `keep`, the session
    /// that asked, if any) and its pending reset links, in one transaction; false if there is no
    /// such user.
    async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<bool, StoreError>;
    /// A user's live sessions at `now_ms`, newest first (at most 100).
    async fn sessions_of(
        &self,
        user_id: &str,
        now_ms: i64,
    ) -> Result<Vec<SessionRecord>, StoreError>;
    /// Ends one of a user's sessions; false if the user has no such session.
    async fn delete_session_of(&self, user_id: &str, token_hash: &str) -> Result<bool, StoreError>;
    /// Stores a password-reset link's token hash for a user, replacing the user's earlier ones.
    async fn create_password_reset(
        &self,
        token_hash: &str,
        user_id: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<(), StoreError>;
    /// Uses a reset link up: deletes it and returns its user if it had not expired at `now_ms`.
    async fn take_password_reset(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<String>, StoreError>;
    /// Takes back every reservation made under `attempt` (the attempt succeeded).
    async fn release_login_attempt(&self, attempt: &str) -> Result<(), StoreError>;
    /// Records `step` as the account's last accepted TOTP time step if it is later than the one
    /// on file; false (nothing changed) when it is not, so a code is accepted once only.
    async fn accept_totp_step(&self, user_id: &str, step: i64) -> Result<bool, StoreError>;
}

/// Idempotency keys on POST requests; what they hold is sealed by the application.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims a key: `None` when it was free (or held only by a row created before
    /// `expired_before_ms`, which is dropped) and is now claimed with this sealed fingerprint;
    /// otherwise the row on file, unchanged.
    async fn claim_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        sealed_fingerprint: Option<&[u8]>,
        now_ms: i64,
        expired_before_ms: i64,
    ) -> Result<Option<StoredIdempotency>, StoreError>;
    /// Records the response of a claimed key, with the request's (final) sealed fingerprint.
    async fn complete_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        sealed_fingerprint: &[u8],
        status: u16,
        sealed_body: &[u8],
    ) -> Result<(), StoreError>;
    /// Releases a claimed key whose request produced no response worth replaying.
    async fn release_idempotency_key(&self, user_id: &str, key: &str) -> Result<(), StoreError>;
    /// Deletes every key created before `expired_before_ms`; returns how many.
    async fn sweep_idempotency_keys(&self, expired_before_ms: i64) -> Result<u64, StoreError>;
}

/// Institution registries.
#[async_trait]
pub trait RegistryStore: Send + Sync {
    /// Records a State's exclusion declaration.
    async fn add_declaration(&self, d: &ExclusionDeclaration) -> Result<(), StoreError>;
    /// All declarations on file.
    async fn declarations(&self) -> Result<Vec<ExclusionDeclaration>, StoreError>;
    /// Records a new version of a profile (a governing body's decision). A version already
    /// recorded is `Duplicate`: two decisions cannot both become the same version.
    async fn add_profile_version(&self, v: &ProfileVersion) -> Result<(), StoreError>;
    /// Every recorded version, by profile id then version.
    async fn profile_versions(&self) -> Result<Vec<ProfileVersion>, StoreError>;
}

/// A stored message. Its body is sealed under the case's data key (never stored in clear).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// Id (UUIDv7).
    pub id: String,
    /// The case's id (UUIDv7, as in its URL).
    pub case_id: String,
    /// The channel (encoded, such as `caucus:A`).
    pub channel: String,
    /// Position in the channel, from 1 (assigned by the store).
    pub seq: i64,
    /// Author's user id.
    pub author: String,
    /// When it was posted, in milliseconds since the Unix epoch (UTC).
    pub posted_at_ms: i64,
    /// Without-prejudice material (offers, admissions, proposals).
    pub without_prejudice: bool,
    /// Marked confidential by its author (matters under a Model-Law relay profile).
    pub confidential: bool,
    /// For a relayed excerpt: who proposed and who authorised it, as JSON.
    pub relay_json: Option<String>,
    /// Sealed body.
    pub body: Vec<u8>,
    /// Plaintext length in bytes (metadata the Secretariat may see for a caucus).
    pub size: i64,
}

/// A relay: an excerpt of a caucus item the mediator proposes to show another side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayRecord {
    /// Its id (UUIDv7), stable for the record's life.
    pub id: String,
    /// The case's id (UUIDv7, as in its URL).
    pub case_id: String,
    /// The caucus the excerpt comes from.
    pub source_channel: String,
    /// The caucus message the excerpt is taken from.
    pub source_message_id: String,
    /// Where it would go.
    pub target_channel: String,
    /// The excerpt, sealed.
    pub excerpt: Vec<u8>,
    /// Proposed by (mediator's user id).
    pub proposed_by: String,
    /// When the mediator proposed it, in milliseconds since the Unix epoch (UTC).
    pub proposed_at_ms: i64,
    /// `pending`, `approved` or `refused`.
    pub status: String,
    /// The user who approved or refused it (`None` while pending).
    pub decided_by: Option<String>,
    /// When the source party decided, in milliseconds since the Unix epoch (`None` while pending).
    pub decided_at_ms: Option<i64>,
    /// The message posted on approval.
    pub message_id: Option<String>,
}

/// A read of confidential content (caucus or without-prejudice), for the access audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRecord {
    /// Its id (UUIDv7), stable for the record's life.
    pub id: String,
    /// When (ms).
    pub at_ms: i64,
    /// Who read.
    pub user_id: String,
    /// The case's id (UUIDv7, as in its URL).
    pub case_id: String,
    /// What was read, such as `message:<id>`.
    pub object: String,
    /// Why it is audited: `caucus`, `without-prejudice`, `notes`, `internal`.
    pub kind: String,
}

/// Channels, relays, the access audit and wrapped case keys.
#[async_trait]
pub trait ChannelStore: Send + Sync {
    /// Stores a message, assigning the next `seq` of its channel; returns the stored record.
    async fn post_message(&self, m: &MessageRecord) -> Result<MessageRecord, StoreError>;
    /// One page of a channel's messages by position (`seq`) from `order`'s end, starting after
    /// position `after_seq`; at most `limit`.
    async fn messages(
        &self,
        case_id: &str,
        channel: &str,
        after_seq: Option<i64>,
        order: Order,
        limit: i64,
    ) -> Result<Vec<MessageRecord>, StoreError>;
    /// One message of a case.
    async fn message(&self, case_id: &str, id: &str) -> Result<Option<MessageRecord>, StoreError>;
    /// Stores a new relay.
    async fn create_relay(&self, r: &RelayRecord) -> Result<(), StoreError>;
    /// The relays of a case.
    async fn relays(&self, case_id: &str) -> Result<Vec<RelayRecord>, StoreError>;
    /// Records a decision on a pending relay; [`StoreError::Conflict`] if it is no longer pending.
    async fn decide_relay(&self, r: &RelayRecord) -> Result<(), StoreError>;
    /// Appends access records.
    async fn log_access(&self, records: &[AccessRecord]) -> Result<(), StoreError>;
    /// One page of the access log, newest first (one case, or all), starting after the record
    /// keyed `before` (its time and id); at most `limit`.
    async fn access_log(
        &self,
        case_id: Option<&str>,
        before: Option<(i64, String)>,
        limit: i64,
    ) -> Result<Vec<AccessRecord>, StoreError>;
    /// The wrapped data key of a case, if one exists.
    async fn case_key(&self, case_id: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Stores a wrapped data key unless one exists; returns the one that is stored.
    async fn put_case_key(&self, case_id: &str, wrapped: &[u8]) -> Result<Vec<u8>, StoreError>;
}

/// A party's private negotiation input (its preferences, or its answer to one proposal), sealed
/// under the case's data key. Never part of the case log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegotiationInputRecord {
    /// The case's id (UUIDv7, as in its URL).
    pub case_id: String,
    /// The negotiation (`N1`, …).
    pub negotiation_id: String,
    /// The party it belongs to (its id in the case).
    pub party_id: String,
    /// `preferences`, or `answer:<proposal id>`.
    pub kind: String,
    /// Who entered it (user id).
    pub author: String,
    /// Last change (ms).
    pub updated_at_ms: i64,
    /// The sealed JSON.
    pub body: Vec<u8>,
}

/// Private negotiation inputs.
#[async_trait]
pub trait NegotiationStore: Send + Sync {
    /// Stores an input, replacing the party's earlier input of the same kind.
    async fn put_negotiation_input(&self, r: &NegotiationInputRecord) -> Result<(), StoreError>;
    /// The inputs of one negotiation, by party then kind.
    async fn negotiation_inputs(
        &self,
        case_id: &str,
        negotiation_id: &str,
    ) -> Result<Vec<NegotiationInputRecord>, StoreError>;
}

/// An event admitted to the transparency log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// The case's id (UUIDv7, as in its URL).
    pub case_id: String,
    /// The event's position in its case.
    pub position: i64,
    /// The event's hash (hex), the leaf's content.
    pub event_hash: String,
}

/// The index entry of an institution attestation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestationRecord {
    /// The public verification id.
    pub verification_id: String,
    /// The case's id (UUIDv7, as in its URL).
    pub case_id: String,
    /// SHA-256 of the settlement's final text.
    pub text_hash: String,
    /// SHA-256 of the attestation document.
    pub document_sha256: String,
    /// When it was issued, in milliseconds since the Unix epoch (UTC).
    pub issued_at_ms: i64,
}

/// The transparency log over all case events, and the institution's signing keys.
#[async_trait]
pub trait TransparencyStore: Send + Sync {
    /// Events not yet in the log, oldest first.
    async fn unlogged_events(&self, limit: i64) -> Result<Vec<LogEntry>, StoreError>;
    /// Appends entries at indices `start..`; [`StoreError::Conflict`] (and nothing written) if
    /// the log is no longer of size `start` or an event is already logged.
    async fn append_log_entries(&self, start: i64, entries: &[LogEntry]) -> Result<(), StoreError>;
    /// Number of entries.
    async fn log_size(&self) -> Result<i64, StoreError>;
    /// The event hashes at indices `from..to`, in order.
    async fn log_hashes(&self, from: i64, to: i64) -> Result<Vec<String>, StoreError>;
    /// The index of an event's entry.
    async fn log_index(&self, case_id: &str, position: i64) -> Result<Option<i64>, StoreError>;
    /// A signing key: (public key, sealed secret).
    async fn institution_key(&self, name: &str) -> Result<Option<(Vec<u8>, Vec<u8>)>, StoreError>;
    /// Indexes an attestation by its verification id (the first one of an id is kept).
    async fn put_attestation(&self, a: &AttestationRecord) -> Result<(), StoreError>;
    /// An attestation by verification id.
    async fn attestation(
        &self,
        verification_id: &str,
    ) -> Result<Option<AttestationRecord>, StoreError>;
    /// Stores a signing key unless one of that name exists; returns the one stored.
    async fn put_institution_key(
        &self,
        name: &str,
        public_key: &[u8],
        sealed_secret: &[u8],
        now_ms: i64,
    ) -> Result<(Vec<u8>, Vec<u8>), StoreError>;
}

/// A version of a case's settlement draft, sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRecord {
    /// The case's id (UUIDv7, as in its URL).
    pub case_id: String,
    /// Version, from 1.
    pub version: i64,
    /// Who put it (user id).
    pub author: String,
    /// When (ms).
    pub created_at_ms: i64,
    /// SHA-256 of its canonical JSON: the hash the parties approve and sign.
    pub text_hash: String,
    /// The sealed draft.
    pub body: Vec<u8>,
}

/// Settlement drafts.
#[async_trait]
pub trait DraftStore: Send + Sync {
    /// Stores a version; [`StoreError::Conflict`] if that version number is taken.
    async fn put_draft(&self, d: &DraftRecord) -> Result<(), StoreError>;
    /// A case's versions, oldest first.
    async fn drafts(&self, case_id: &str) -> Result<Vec<DraftRecord>, StoreError>;
}

/// A document filed in a case's channel: its metadata (title and file name sealed under the
/// case key); the content is in the vault under `object_key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    /// Its id (UUIDv7), stable for the record's life.
    pub id: String,
    /// The case's id (UUIDv7, as in its URL).
    pub case_id: String,
    /// The channel (encoded).
    pub channel: String,
    /// The first version's id.
    pub series: String,
    /// Version, from 1.
    pub version: i64,
    /// The sealed title.
    pub title: Vec<u8>,
    /// The sealed (neutralised) file name.
    pub file_name: Vec<u8>,
    /// Language of the content, if stated.
    pub language: Option<String>,
    /// Without-prejudice material.
    pub without_prejudice: bool,
    /// The document this translates.
    pub translation_of: Option<String>,
    /// Sniffed media type.
    pub media_type: String,
    /// Content size in bytes.
    pub size: i64,
    /// SHA-256 of the content.
    pub sha256: String,
    /// Where the encrypted content is.
    pub object_key: String,
    /// Who filed it.
    pub uploaded_by: String,
    /// When (ms).
    pub uploaded_at_ms: i64,
}

/// Documents' metadata.
#[async_trait]
pub trait DocumentStore: Send + Sync {
    /// Records a document.
    async fn put_document(&self, d: &DocumentRecord) -> Result<(), StoreError>;
    /// Removes a document's record (when its filing could not be completed).
    async fn delete_document(&self, case_id: &str, id: &str) -> Result<(), StoreError>;
    /// A case's documents, oldest first.
    async fn documents(&self, case_id: &str) -> Result<Vec<DocumentRecord>, StoreError>;
    /// One page of a channel's documents by filing time (then id) from `order`'s end, starting
    /// after the document keyed `after` (its filing time and id); at most `limit`.
    async fn documents_page(
        &self,
        case_id: &str,
        channel: &str,
        after: Option<(i64, String)>,
        order: Order,
        limit: i64,
    ) -> Result<Vec<DocumentRecord>, StoreError>;
    /// One document of a case, by its id.
    async fn document(&self, case_id: &str, id: &str)
    -> Result<Option<DocumentRecord>, StoreError>;
    /// The highest version filed in a document series of a case, if the series exists.
    async fn series_last_version(
        &self,
        case_id: &str,
        series: &str,
    ) -> Result<Option<i64>, StoreError>;
    /// How many documents a case holds and their bytes together (for its quota).
    async fn document_usage(&self, case_id: &str) -> Result<(i64, i64), StoreError>;
    /// Every document of every case (for storage migration), oldest first.
    async fn all_documents(&self) -> Result<Vec<DocumentRecord>, StoreError>;
}

/// What the vault stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobStored {
    /// Content size.
    pub size: u64,
    /// SHA-256 of the content (hex).
    pub sha256: String,
    /// Sniffed media type.
    pub media_type: String,
}

/// Why the vault failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlobError {
    /// The hostile-input checks refused the upload.
    #[error("{message}")]
    Refused {
        /// Stable code.
        code: &'static str,
        /// What to do.
        message: String,
    },
    /// The stored object failed its integrity check.
    #[error("the stored document failed its integrity check: {0}")]
    Tampered(String),
    /// Missing.
    #[error("the stored document is missing")]
    NotFound,
    /// The sender's stream broke off.
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    /// The storage failed.
    #[error("document storage: {0}")]
    Storage(String),
}

/// A stream of content.
pub type ByteStream = futures::stream::BoxStream<'static, Result<bytes::Bytes, BlobError>>;

/// Where documents' bytes live, encrypted (the vault).
#[async_trait]
pub trait Blobs: Send + Sync {
    /// Inspects, encrypts and stores an upload under `object_key`, bound to `context`; leaves
    /// nothing behind on failure.
    async fn put(
        &self,
        object_key: &str,
        key: &accord_keys::DataKey,
        context: &str,
        body: ByteStream,
        declared_type: &str,
    ) -> Result<BlobStored, BlobError>;
    /// The authenticated content of an object.
    async fn get(
        &self,
        object_key: &str,
        key: &accord_keys::DataKey,
        context: &str,
    ) -> Result<ByteStream, BlobError>;
    /// Deletes an object.
    async fn delete(&self, object_key: &str) -> Result<(), BlobError>;
    /// Expands a ZIP archive one level in memory, refusing bombs and unsafe paths: each entry's
    /// name and content.
    fn expand_archive(&self, archive: &[u8]) -> Result<Vec<(String, Vec<u8>)>, BlobError>;
    /// Largest file accepted, in bytes.
    fn max_file_bytes(&self) -> u64;
    /// Checks that the storage answers.
    async fn ping(&self) -> Result<(), BlobError>;
    /// Removes objects no filing refers to (not in `referenced`) and unfinished uploads' staging
    /// files, last written before `older_than_ms` (milliseconds since the epoch).
    async fn sweep(
        &self,
        referenced: &std::collections::BTreeSet<String>,
        older_than_ms: i64,
    ) -> Result<Swept, BlobError>;
}

/// What a storage sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Objects no filing refers to.
    pub objects: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Staging files of uploads that never completed.
    pub staging: u64,
}

/// A signature line of a laid-out document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureLine {
    /// Who signed.
    pub name: String,
    /// In what capacity (for a party: the party's name).
    pub capacity: String,
    /// When (RFC 3339), if signed.
    pub signed_at: Option<String>,
}

/// A part of a document said once per person or obligation (each mediator's declaration, each
/// obligation of the agreement): its own facts, and free text shown as written, in a list. Part
/// of a case document's canonical record, so its fields are serialised in this order.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct DocumentSection {
    /// Arguments of the section's sentences, added to the document's facts.
    pub facts: std::collections::BTreeMap<String, String>,
    /// Free text, one list item each (for example, circumstances disclosed).
    pub notes: Vec<String>,
}

/// Everything a document says, in one language but not yet laid out: the application decides
/// what goes in (and the content hash printed on every page); the [`Typesetter`] words the
/// procedural sentences from the Fluent messages and lays the pages out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocumentData {
    /// The kind (`settlement-agreement`, `certificate-of-mediation`, `case-file-index`, …).
    pub kind: String,
    /// The language (one of `accord-i18n`'s).
    pub language: String,
    /// The case reference.
    pub reference: String,
    /// The document's date (YYYY-MM-DD).
    pub date: String,
    /// The parties, as listed at the top.
    pub parties: Vec<String>,
    /// The settlement agreement's text in this language, paragraph by paragraph. The other kinds
    /// are worded from `facts` by the messages `doc-<kind>-p1`, `-p2`, … of `locales/`.
    pub paragraphs: Vec<String>,
    /// Arguments of the document's sentences (dates as YYYY-MM-DD, lists already joined).
    pub facts: std::collections::BTreeMap<String, String>,
    /// Sections said once per person (the declaration: one per mediator) or per obligation (the
    /// agreement: `party`, `description`, and optionally `amount`, `currency`, `due`).
    pub sections: Vec<DocumentSection>,
    /// Procedural steps (the termination record): step name (`filed`, `registered`, …) and date.
    pub steps: Vec<(String, String)>,
    /// Lines listed as written: the settlement agreement's further clauses, or the entries of a
    /// case-file index.
    pub clauses: Vec<String>,
    /// Signature lines.
    pub signatures: Vec<SignatureLine>,
    /// SHA-256 (hex) of the document's content, printed on every page.
    pub content_hash: String,
}

/// Why a document could not be laid out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypesetError {
    /// Not a kind or language Accord lays out (the request's fault: answered as invalid).
    #[error("{0}")]
    Unsupported(String),
    /// The layout failed, or a fact the wording needs is missing (a fault of the caller or the
    /// template, never the user's text).
    #[error("the document could not be laid out: {0}")]
    Layout(String),
}

/// Lays documents out as PDF/A (implemented by `accord-documents` with Typst and the system's
/// fonts, which the application never links). CPU-bound: the application calls it on a
/// blocking thread.
pub trait Typesetter: Send + Sync {
    /// The PDF of one document.
    fn render(&self, document: &DocumentData) -> Result<Vec<u8>, TypesetError>;
}

/// Everything sealed or wrapped under the master key: case data keys (by case id), second-factor
/// secrets (by user id), signing keys (by name) and stored idempotent responses (by user and key).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WrappedSecrets {
    /// Case data keys, wrapped.
    pub case_keys: Vec<(String, Vec<u8>)>,
    /// TOTP secrets, sealed.
    pub totp: Vec<(String, Vec<u8>)>,
    /// Signing keys' secrets, sealed.
    pub signing_keys: Vec<(String, Vec<u8>)>,
    /// Stored idempotent responses (fingerprint and body), sealed.
    pub idempotency: Vec<SealedIdempotency>,
}

/// Master-key rotation.
#[async_trait]
pub trait KeyRotationStore: Send + Sync {
    /// Everything wrapped or sealed under the master key.
    async fn wrapped_secrets(&self) -> Result<WrappedSecrets, StoreError>;
    /// Replaces each listed item's wrapped form, all in one transaction.
    async fn replace_wrapped_secrets(&self, s: &WrappedSecrets) -> Result<(), StoreError>;
}

/// One notice stored for one user (the inbox row and its e-mail's state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRecord {
    /// Derived from (source, user): the same notice always has the same id, and its e-mail the
    /// same `Message-ID`.
    pub id: String,
    /// The recipient.
    pub user_id: String,
    /// The case.
    pub case_id: String,
    /// The case's reference (`ACC-…`), for wording without reading the case.
    pub case_reference: String,
    /// What gave rise to it: `event:<id>`, `message:<id>`, `reminder:<case>:<kind>:<due>:<days>`.
    pub source: String,
    /// The topic (`accord_domain::notice::Topic`) as JSON.
    pub topic_json: String,
    /// The case waited on the recipient's side.
    pub your_turn: bool,
    /// Required by the rules (e-mailed even when the user turned e-mail off).
    pub required: bool,
    /// When it was recorded (ms).
    pub created_ms: i64,
    /// When the user marked it read (ms).
    pub read_ms: Option<i64>,
    /// The e-mail's state: `pending`, `digest`, `sent`, `digested`, `failed`, `off`, `no-address`.
    pub mail_state: String,
    /// Delivery attempts so far.
    pub mail_attempts: i64,
    /// The next attempt's time (ms), while pending.
    pub mail_next_ms: Option<i64>,
    /// The server's last refusal or the connection's failure, as reported.
    pub mail_error: Option<String>,
    /// When it was handed to the mail server or put in a digest (ms).
    pub mail_done_ms: Option<i64>,
}

/// A posted message not yet notified: what the notifier needs, never its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageToNotify {
    /// The message's id.
    pub id: String,
    /// Its case.
    pub case_id: String,
    /// Its channel (stable form).
    pub channel: String,
    /// Its author's user id.
    pub author: String,
    /// When it was posted (ms).
    pub posted_at_ms: i64,
}

/// What one notifier step records in one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationBatch {
    /// Notices to store (one already stored with the same id is left as it is).
    pub notifications: Vec<NotificationRecord>,
    /// The event cursor's move `(name, from, to)`: refused with [`StoreError::Conflict`] (and
    /// nothing written) if the cursor is no longer at `from`.
    pub cursor: Option<(String, i64, i64)>,
    /// Messages now notified.
    pub messages: Vec<String>,
}

/// A user's choices for being told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationPreferences {
    /// The user.
    pub user_id: String,
    /// Where e-mail goes (none: the inbox only).
    pub email: Option<String>,
    /// `immediate`, `digest` or `off`.
    pub mode: String,
    /// The calendar feed's secret, hashed (SHA-256 hex); none: no feed.
    pub calendar_secret_hash: Option<String>,
    /// The last local day (YYYY-MM-DD) a digest was sent for.
    pub last_digest_day: Option<String>,
    /// When last changed (ms).
    pub updated_ms: i64,
}

/// The notifier's cursors, the inboxes, the e-mail outbox and the users' preferences.
#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// A cursor's position (0 when never moved).
    async fn notifier_cursor(&self, name: &str) -> Result<i64, StoreError>;
    /// The transparency log's entries after index `after`, with their events, in log order.
    async fn logged_events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, EventRecord)>, StoreError>;
    /// Messages not yet notified, oldest first.
    async fn messages_to_notify(&self, limit: i64) -> Result<Vec<MessageToNotify>, StoreError>;
    /// Records a notifier step atomically (see [`NotificationBatch`]).
    async fn record_notifications(&self, batch: &NotificationBatch) -> Result<(), StoreError>;
    /// A user's notices, newest first, after `(created_ms, id)` of the previous page.
    async fn notifications_page(
        &self,
        user_id: &str,
        after: Option<(i64, String)>,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError>;
    /// How many of a user's notices are unread.
    async fn unread_notifications(&self, user_id: &str) -> Result<i64, StoreError>;
    /// Marks a user's notices read (`ids` none: all of them); returns how many changed.
    async fn mark_notifications_read(
        &self,
        user_id: &str,
        ids: Option<&[String]>,
        now_ms: i64,
    ) -> Result<u64, StoreError>;
    /// E-mails due: `pending` with their next attempt at or before `now_ms`, oldest first.
    async fn mail_due(
        &self,
        now_ms: i64,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError>;
    /// Notices of a user waiting for its digest, oldest first.
    async fn digest_waiting(&self, user_id: &str) -> Result<Vec<NotificationRecord>, StoreError>;
    /// Users with notices waiting for a digest.
    async fn digest_users(&self) -> Result<Vec<String>, StoreError>;
    /// Records an e-mail's outcome for these notices.
    #[allow(clippy::too_many_arguments)]
    async fn set_mail_outcome(
        &self,
        ids: &[String],
        state: &str,
        attempts: i64,
        next_ms: Option<i64>,
        error: Option<&str>,
        done_ms: Option<i64>,
    ) -> Result<(), StoreError>;
    /// A notice of this id exists.
    async fn notification_exists(&self, id: &str) -> Result<bool, StoreError>;
    /// Notices whose e-mail failed for good, newest first.
    async fn mail_failures(&self, limit: i64) -> Result<Vec<NotificationRecord>, StoreError>;
    /// A user's preferences, if ever set.
    async fn notification_preferences(
        &self,
        user_id: &str,
    ) -> Result<Option<NotificationPreferences>, StoreError>;
    /// Stores a user's preferences (replacing them).
    async fn put_notification_preferences(
        &self,
        p: &NotificationPreferences,
    ) -> Result<(), StoreError>;
    /// The user whose calendar feed secret hashes to this.
    async fn user_by_calendar_secret(&self, hash: &str) -> Result<Option<String>, StoreError>;
}

/// A meeting of a case, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRecord {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// `plenary` (a joint session) or `caucus:<party>`.
    pub channel: String,
    /// `polling`, `confirmed` or `cancelled`.
    pub status: String,
    /// The candidate start times (ms), as JSON.
    pub candidates: String,
    /// How long it lasts, in minutes.
    pub duration_min: i64,
    /// The confirmed start (ms).
    pub start_ms: Option<i64>,
    /// The calendar invitations' SEQUENCE: raised at each move.
    pub sequence: i64,
    /// Agenda, place and interpreters, sealed under the case key.
    pub details: Vec<u8>,
    /// The video room's address, if any.
    pub video_link: Option<String>,
    /// Who proposed it.
    pub created_by: String,
    /// When it was proposed (ms).
    pub created_ms: i64,
    /// When it last changed (ms).
    pub updated_ms: i64,
    /// Its version, from 1 (each change expects the one it read).
    pub version: i64,
}

/// An invitee's answers to a session's candidate times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingAnswerRecord {
    /// The session.
    pub meeting_id: String,
    /// The invitee.
    pub user_id: String,
    /// One answer per candidate, as JSON.
    pub answers: String,
    /// The zone the invitee answered from.
    pub time_zone: String,
    /// When (ms).
    pub answered_ms: i64,
}

/// Meetings and their polls; each change stored with its notices in one transaction.
#[async_trait]
pub trait MeetingStore: Send + Sync {
    /// Stores a meeting at `version` (1: new; else the stored one must be at `version - 1`,
    /// or [`StoreError::Conflict`] and nothing written) with the notices of the change.
    async fn save_meeting(
        &self,
        s: &MeetingRecord,
        notices: &[NotificationRecord],
    ) -> Result<(), StoreError>;
    /// A meeting by id.
    async fn meeting(&self, id: &str) -> Result<Option<MeetingRecord>, StoreError>;
    /// A case's meetings, oldest first.
    async fn meetings_of_case(&self, case_id: &str) -> Result<Vec<MeetingRecord>, StoreError>;
    /// Stores (or replaces) an invitee's answers, with the notices they give.
    async fn save_meeting_answer(
        &self,
        a: &MeetingAnswerRecord,
        notices: &[NotificationRecord],
    ) -> Result<(), StoreError>;
    /// A meeting's answers, by user.
    async fn meeting_answers(
        &self,
        meeting_id: &str,
    ) -> Result<Vec<MeetingAnswerRecord>, StoreError>;
}

/// Everything a deployment stores.
#[async_trait]
pub trait Store:
    CaseStore
    + AccountStore
    + IdempotencyStore
    + RegistryStore
    + ChannelStore
    + NegotiationStore
    + TransparencyStore
    + DraftStore
    + DocumentStore
    + KeyRotationStore
    + NotificationStore
    + MeetingStore
{
    /// A cheap round trip to the backend, for readiness.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Which backend (`sqlite` or `postgres`).
    fn backend(&self) -> &'static str;
}
