//! Storage ports. Each backend (SQLite, PostgreSQL) implements [`Store`]; one contract test suite
//! (crate `accord-store-contract`) runs against every implementation.

use accord_domain::party::ExclusionDeclaration;
use accord_evidence::{ChainBreak, EventRecord};
use async_trait::async_trait;

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
    /// Case id.
    pub case_id: String,
    /// Reference.
    pub reference: String,
    /// Title.
    pub title: String,
    /// Dispute type (stable name).
    pub dispute_type: String,
    /// State name, such as `SUSPENDED_NONPAYMENT`.
    pub state: String,
    /// Number of events (the log's version).
    pub version: i64,
    /// Hash of the last event.
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

/// New events of one case with the projection they lead to, appended atomically.
#[derive(Debug, Clone)]
pub struct Append {
    /// The version the case must be at (0 for a new case).
    pub expected_version: i64,
    /// Chained records, continuing from `expected_version`.
    pub records: Vec<EventRecord>,
    /// The projection after these events.
    pub projection: CaseProjection,
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
    /// Skip this many.
    pub offset: i64,
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Id.
    pub id: String,
    /// Unique sign-in name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Institution-wide role (stable name).
    pub role: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Created (ms since epoch).
    pub created_at_ms: i64,
}

/// A server-side session (the token itself is never stored, only its SHA-256).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 hex of the token.
    pub token_hash: String,
    /// The user.
    pub user_id: String,
    /// Created (ms).
    pub created_at_ms: i64,
    /// Expires (ms); extended on use.
    pub expires_at_ms: i64,
}

/// The outcome of claiming an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// First use: run the request, then complete the key.
    New,
    /// Already completed with the same request: replay this response.
    Replay {
        /// HTTP status.
        status: u16,
        /// Response body.
        body: String,
    },
    /// The key was used for a different request.
    Mismatch,
    /// The same request is still being processed.
    InProgress,
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
    /// A case's events in order.
    async fn events(&self, case_id: &str) -> Result<Vec<EventRecord>, StoreError>;
    /// Lists cases by next deadline, then most recently changed.
    async fn list_cases(&self, query: &CaseQuery) -> Result<Vec<CaseProjection>, StoreError>;
    /// Cases whose next actionable deadline is at or before `now_ms`.
    async fn due_cases(&self, now_ms: i64, limit: i64) -> Result<Vec<String>, StoreError>;
    /// Verifies every case's chain from the stored bytes.
    async fn verify_chains(&self) -> Result<VerifyReport, StoreError>;
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
}

/// Idempotency keys on POST requests.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims a key for a request fingerprint.
    async fn claim_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        fingerprint: &str,
        now_ms: i64,
    ) -> Result<IdempotencyClaim, StoreError>;
    /// Records the response of a claimed key.
    async fn complete_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError>;
    /// Releases a claimed key whose request failed before producing a response.
    async fn release_idempotency_key(&self, user_id: &str, key: &str) -> Result<(), StoreError>;
}

/// Institution registries.
#[async_trait]
pub trait RegistryStore: Send + Sync {
    /// Records a State's exclusion declaration.
    async fn add_declaration(&self, d: &ExclusionDeclaration) -> Result<(), StoreError>;
    /// All declarations on file.
    async fn declarations(&self) -> Result<Vec<ExclusionDeclaration>, StoreError>;
}

/// Everything a deployment stores.
#[async_trait]
pub trait Store: CaseStore + AccountStore + IdempotencyStore + RegistryStore {
    /// A cheap round trip to the backend, for readiness.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Which backend (`sqlite` or `postgres`).
    fn backend(&self) -> &'static str;
}
