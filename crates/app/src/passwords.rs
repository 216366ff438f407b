//! Passwords people can manage: a user changes their own (the current one asked again, every
//! other session ended), and the Secretariat hands out a one-time, expiring link with which a
//! user chooses a new one — instead of ever setting or knowing a user's password.

use accord_domain::{Actor, policy};
use serde::{Deserialize, Serialize};

use crate::accounts::{Credentials, Principal, hash_password, random_token, token_hash};
use crate::{Accord, AppError};

/// A password-reset link, shown once to the Secretariat member who asked for it (to be sent by
/// e-mail once e-mail exists).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResetLink {
    /// The link to give the user; it works once, until `expires_at`.
    pub url: String,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn invalid_link() -> AppError {
    AppError::invalid(
        "invalid-reset-link",
        "this reset link is not valid (used already, replaced, or expired); ask the Secretariat for a new one",
    )
}

impl Accord {
    /// Changes the signed-in user's password. The current password (and code, where a second
    /// factor is confirmed) is asked again, throttled like a sign-in; every other session of the
    /// account ends, and any pending reset link with them.
    pub async fn change_password(
        &self,
        p: &Principal,
        current: &str,
        new: &str,
        totp: Option<String>,
        source: Option<&str>,
    ) -> Result<(), AppError> {
        crate::accounts::validate_password(new)?;
        let c = Credentials {
            username: p.user.username.clone(),
            password: current.to_owned(),
            totp,
            source: source.map(str::to_owned),
        };
        let attempt = self.reserve_attempt(&c.username, source).await?;
        let checked = self.check_credentials(&c).await;
        let user = self.settle_attempt(&attempt, checked).await?;
        if user.id != p.user.id {
            return Err(AppError::Unauthenticated);
        }
        let new = new.to_owned();
        let hash = self.password_work(move || hash_password(&new)).await??;
        if !self
            .store
            .set_password(&user.id, &hash, Some(&p.token_hash))
            .await?
        {
            return Err(AppError::Unauthenticated);
        }
        Ok(())
    }

    /// Issues a one-time link with which the user chooses a new password (Secretariat). It
    /// replaces the user's earlier links and works for `reset_link_seconds`; the account's
    /// password and second factor stay as they are until the link is used.
    pub async fn issue_reset_link(
        &self,
        actor: &Actor,
        user_id: &str,
    ) -> Result<ResetLink, AppError> {
        if !policy::can_administer_institution(actor) {
            return Err(AppError::Forbidden);
        }
        if self.store.user_by_id(user_id).await?.is_none() {
            return Err(AppError::NotFound { what: "user" });
        }
        let token = random_token()?;
        let now = self.clock.now().as_millisecond();
        let expires = now + self.settings.reset_link_seconds * 1000;
        self.store
            .create_password_reset(&token_hash(&token), user_id, now, expires)
            .await?;
        Ok(ResetLink {
            url: format!("{}/reset-password?token={token}", self.settings.public_url),
            expires_at: rfc3339(expires),
        })
    }

    /// Uses a reset link: sets the new password and ends every session of the account. The
    /// link is spent whatever happens next; an expired, spent or unknown one is refused alike.
    /// A weak password is refused before the link is spent.
    pub async fn reset_password(&self, token: &str, new: &str) -> Result<(), AppError> {
        crate::accounts::validate_password(new)?;
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid_link());
        }
        let now = self.clock.now().as_millisecond();
        let Some(user_id) = self
            .store
            .take_password_reset(&token_hash(token), now)
            .await?
        else {
            return Err(invalid_link());
        };
        let new = new.to_owned();
        let hash = self.password_work(move || hash_password(&new)).await??;
        if !self.store.set_password(&user_id, &hash, None).await? {
            return Err(invalid_link());
        }
        Ok(())
    }
}
