//! Each user's view of their own sessions: where they are signed in, and ending any of them.
//! A session is named by an id derived from its token's hash, so neither the token nor the
//! stored hash leaves the server.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::accounts::Principal;
use crate::{Accord, AppError};

/// One of the user's live sessions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct SessionView {
    /// Names the session for ending it (`DELETE /api/v1/me/sessions/{id}`).
    pub id: String,
    /// When it was signed in (RFC 3339).
    pub created_at: String,
    /// When it ends unless used (RFC 3339).
    pub expires_at: String,
    /// When it ends however much it is used (RFC 3339).
    pub absolute_expires_at: String,
    /// Whether it is the session asking.
    pub current: bool,
    /// `created_at` in milliseconds (for pages, shown in the viewer's time zone).
    #[serde(skip)]
    pub created_at_ms: i64,
    /// `absolute_expires_at` in milliseconds (for pages).
    #[serde(skip)]
    pub absolute_expires_at_ms: i64,
}

/// The public id of the session with this token hash.
pub fn session_id(token_hash: &str) -> String {
    let digest = Sha256::digest(format!("accord-session-id:{token_hash}").as_bytes());
    hex::encode(&digest[..16])
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

impl Accord {
    /// The signed-in user's live sessions, newest first (at most 100).
    pub async fn my_sessions(&self, p: &Principal) -> Result<Vec<SessionView>, AppError> {
        let now = self.clock.now().as_millisecond();
        Ok(self
            .store
            .sessions_of(&p.user.id, now)
            .await?
            .into_iter()
            .map(|s| SessionView {
                id: session_id(&s.token_hash),
                created_at: rfc3339(s.created_at_ms),
                expires_at: rfc3339(s.expires_at_ms),
                absolute_expires_at: rfc3339(s.absolute_expires_at_ms),
                current: s.token_hash == p.token_hash,
                created_at_ms: s.created_at_ms,
                absolute_expires_at_ms: s.absolute_expires_at_ms,
            })
            .collect())
    }

    /// Ends one of the signed-in user's sessions (another user's, or none, is not found).
    pub async fn end_my_session(&self, p: &Principal, id: &str) -> Result<(), AppError> {
        let now = self.clock.now().as_millisecond();
        let target = self
            .store
            .sessions_of(&p.user.id, now)
            .await?
            .into_iter()
            .find(|s| session_id(&s.token_hash) == id)
            .ok_or(AppError::NotFound { what: "session" })?;
        if !self
            .store
            .delete_session_of(&p.user.id, &target.token_hash)
            .await?
        {
            return Err(AppError::NotFound { what: "session" });
        }
        Ok(())
    }
}
