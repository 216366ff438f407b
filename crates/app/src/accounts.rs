//! Accounts and sessions: Argon2id passwords, server-side sessions addressed by a random token
//! whose SHA-256 alone is stored.

use std::sync::OnceLock;

use accord_domain::{Actor, GlobalRole, policy};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ports::{SessionRecord, UserRecord};
use crate::{Accord, AppError};

/// Limits on account fields.
pub mod limits {
    /// Shortest password accepted.
    pub const PASSWORD_MIN: usize = 12;
    /// Longest password accepted (bounds the hashing work).
    pub const PASSWORD_MAX: usize = 256;
    /// Longest user name.
    pub const USERNAME_MAX: usize = 64;
}

/// Input for a new account.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Sign-in name: 3–64 of `a-z 0-9 . _ - @`.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// `secretariat`, `mediator`, `party-user` or `operator`.
    pub role: String,
    /// At least 12 characters.
    pub password: String,
}

/// A signed-in user as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct UserView {
    /// Id.
    pub id: String,
    /// Sign-in name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: String,
}

impl From<&UserRecord> for UserView {
    fn from(u: &UserRecord) -> Self {
        UserView {
            id: u.id.clone(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.clone(),
        }
    }
}

/// A new session: the token is shown once and never stored.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewSession {
    /// The bearer token (also set as the session cookie by the web layer).
    pub token: String,
    /// When it expires unless used (RFC 3339).
    pub expires_at: String,
    /// The user.
    pub user: UserView,
}

/// An authenticated request's principal.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The actor for use cases.
    pub actor: Actor,
    /// The user.
    pub user: UserView,
}

/// SHA-256 hex of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_token() -> Result<String, AppError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| AppError::Storage(format!("no randomness: {e}")))?;
    Ok(hex::encode(b))
}

/// Hashes a password with Argon2id (default parameters: m = 19 MiB, t = 2, p = 1).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Storage(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// A hash to verify against when the account does not exist, so that unknown and known accounts
/// cost the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("accord-dummy-password").unwrap_or_default())
}

fn validate_new_user(u: &NewUser) -> Result<GlobalRole, AppError> {
    let name_ok = (3..=limits::USERNAME_MAX).contains(&u.username.len())
        && u.username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-@".contains(&b));
    if !name_ok {
        return Err(AppError::invalid(
            "invalid-username",
            "a user name is 3 to 64 of: lower-case letters, digits, '.', '_', '-', '@'",
        ));
    }
    if u.display_name.trim().is_empty() || u.display_name.chars().count() > 200 {
        return Err(AppError::invalid(
            "invalid-display-name",
            "a display name is 1 to 200 characters",
        ));
    }
    let n = u.password.chars().count();
    if !(limits::PASSWORD_MIN..=limits::PASSWORD_MAX).contains(&n) {
        return Err(AppError::invalid(
            "weak-password",
            format!(
                "a password is {} to {} characters",
                limits::PASSWORD_MIN,
                limits::PASSWORD_MAX
            ),
        ));
    }
    GlobalRole::parse(&u.role).ok_or_else(|| {
        AppError::invalid(
            "invalid-role",
            "role is one of: secretariat, mediator, party-user, operator",
        )
    })
}

impl Accord {
    /// Creates an account without an acting user (the `accord admin create-user` bootstrap).
    pub async fn bootstrap_user(&self, u: NewUser) -> Result<UserView, AppError> {
        let role = validate_new_user(&u)?;
        let password = u.password.clone();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| AppError::Storage(e.to_string()))??;
        let rec = UserRecord {
            id: Accord::new_id(),
            username: u.username,
            display_name: u.display_name.trim().to_owned(),
            role: role.as_str().to_owned(),
            password_hash: hash,
            disabled: false,
            created_at_ms: self.clock.now().as_millisecond(),
        };
        self.store.create_user(&rec).await?;
        Ok(UserView::from(&rec))
    }

    /// Creates an account on behalf of an actor (the Secretariat).
    pub async fn create_user(&self, actor: &Actor, u: NewUser) -> Result<UserView, AppError> {
        if !policy::can_administer_institution(actor) {
            return Err(AppError::Forbidden);
        }
        self.bootstrap_user(u).await
    }

    /// Lists accounts (Secretariat only).
    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<UserView>, AppError> {
        if !policy::can_administer_institution(actor) {
            return Err(AppError::Forbidden);
        }
        Ok(self
            .store
            .list_users()
            .await?
            .iter()
            .map(UserView::from)
            .collect())
    }

    /// Signs in. Unknown accounts, disabled accounts and wrong passwords give the same error
    /// after the same hashing work.
    pub async fn login(&self, username: &str, password: &str) -> Result<NewSession, AppError> {
        if password.chars().count() > limits::PASSWORD_MAX || username.len() > limits::USERNAME_MAX
        {
            return Err(AppError::BadCredentials);
        }
        let user = self.store.user_by_username(username).await?;
        let phc = user
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| dummy_hash().to_owned());
        let pw = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &phc))
            .await
            .map_err(|e| AppError::Storage(e.to_string()))?;
        let user = match user {
            Some(u) if ok && !u.disabled => u,
            _ => return Err(AppError::BadCredentials),
        };
        let token = random_token()?;
        let now = self.clock.now().as_millisecond();
        let expires = now + self.settings.session_idle_seconds * 1000;
        self.store
            .create_session(&SessionRecord {
                token_hash: token_hash(&token),
                user_id: user.id.clone(),
                created_at_ms: now,
                expires_at_ms: expires,
            })
            .await?;
        let expires_at = jiff::Timestamp::from_millisecond(expires)
            .map(|t| t.to_string())
            .unwrap_or_default();
        Ok(NewSession {
            token,
            expires_at,
            user: UserView::from(&user),
        })
    }

    /// Resolves a session token to its principal, extending the session. Disabled users and
    /// expired sessions are refused.
    pub async fn authenticate(&self, token: &str) -> Result<Principal, AppError> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::Unauthenticated);
        }
        let now = self.clock.now().as_millisecond();
        let th = token_hash(token);
        let Some((session, user)) = self.store.session(&th, now).await? else {
            return Err(AppError::Unauthenticated);
        };
        let Some(role) = GlobalRole::parse(&user.role) else {
            return Err(AppError::Unauthenticated);
        };
        if user.disabled {
            return Err(AppError::Unauthenticated);
        }
        let new_expiry = now + self.settings.session_idle_seconds * 1000;
        // Extend at most once a minute to keep reads from writing on every request.
        if new_expiry - session.expires_at_ms > 60_000 {
            self.store.touch_session(&th, new_expiry).await?;
        }
        Ok(Principal {
            actor: Actor::User {
                id: user.id.clone(),
                role,
            },
            user: UserView::from(&user),
        })
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        self.store.delete_session(&token_hash(token)).await?;
        Ok(())
    }
}
