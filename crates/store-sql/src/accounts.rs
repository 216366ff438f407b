//! Users, sessions, second factors and sign-in throttling (`AccountStore`).

use accord_app::ports::{AccountStore, SessionRecord, StoreError, UserRecord};
use async_trait::async_trait;
use sqlx::Row;

use crate::sql::{ReadColumn, SqlDatabase, query, query_scalar};
use crate::{Dialect, SqlStore, backend_error};

fn user_from_row<R: Row<Database: SqlDatabase>>(r: &R) -> Result<UserRecord, sqlx::Error> {
    Ok(UserRecord {
        id: r.read("id")?,
        username: r.read("username")?,
        display_name: r.read("display_name")?,
        role: r.read("role")?,
        password_hash: r.read("password_hash")?,
        disabled: r.read::<i64>("disabled")? != 0,
        created_at_ms: r.read("created_at_ms")?,
        totp_secret: r.read("totp_secret")?,
        totp_enabled: r.read::<i64>("totp_enabled")? != 0,
        language: r.read("language")?,
        time_zone: r.read("time_zone")?,
        panel_profile: r.read("panel_profile")?,
    })
}

fn session_from_row<R: Row<Database: SqlDatabase>>(
    r: &R,
    created: &str,
) -> Result<SessionRecord, sqlx::Error> {
    let expires_at_ms: i64 = r.read("expires_at_ms")?;
    let absolute: Option<i64> = r.read("absolute_expires_at_ms")?;
    Ok(SessionRecord {
        token_hash: r.read("token_hash")?,
        user_id: r.read("user_id")?,
        created_at_ms: r.read(created)?,
        expires_at_ms,
        absolute_expires_at_ms: absolute.unwrap_or(expires_at_ms),
        second_factor_pending: r.read::<i64>("second_factor_pending")? != 0,
        reauth_at_ms: r.read("reauth_at_ms")?,
        csrf_token: r.read("csrf_token")?,
    })
}

#[async_trait]
impl<D: Dialect> AccountStore for SqlStore<D> {
    async fn create_user(&self, u: &UserRecord) -> Result<(), StoreError> {
        query(
            "INSERT INTO users (id, username, display_name, role, password_hash, disabled, \
             created_at_ms, language, time_zone, panel_profile) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&u.id)
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(&u.role)
        .bind(&u.password_hash)
        .bind(i64::from(u.disabled))
        .bind(u.created_at_ms)
        .bind(&u.language)
        .bind(&u.time_zone)
        .bind(&u.panel_profile)
        .execute(&self.pool)
        .await
        .map_err(|e| match backend_error(e) {
            StoreError::Duplicate(_) => {
                StoreError::Duplicate(format!("the user name '{}' is taken", u.username))
            }
            other => other,
        })?;
        Ok(())
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = query("SELECT * FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref()
            .map(user_from_row)
            .transpose()
            .map_err(backend_error)
    }

    async fn user_by_id(&self, id: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = query("SELECT * FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref()
            .map(user_from_row)
            .transpose()
            .map_err(backend_error)
    }

    async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let rows = query("SELECT * FROM users ORDER BY username")
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(user_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    async fn create_session(&self, s: &SessionRecord) -> Result<(), StoreError> {
        query(
            "INSERT INTO sessions (token_hash, user_id, created_at_ms, expires_at_ms, \
             second_factor_pending, reauth_at_ms, csrf_token, absolute_expires_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&s.token_hash)
        .bind(&s.user_id)
        .bind(s.created_at_ms)
        .bind(s.expires_at_ms)
        .bind(i64::from(s.second_factor_pending))
        .bind(s.reauth_at_ms)
        .bind(&s.csrf_token)
        .bind(s.absolute_expires_at_ms)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<(SessionRecord, UserRecord)>, StoreError> {
        let row = query(
            "SELECT s.token_hash, s.user_id, s.created_at_ms AS s_created, s.expires_at_ms, \
             s.absolute_expires_at_ms, s.second_factor_pending, s.reauth_at_ms, s.csrf_token, u.* \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at_ms > $2 \
             AND (s.absolute_expires_at_ms IS NULL OR s.absolute_expires_at_ms > $2)",
        )
        .bind(token_hash)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        let Some(r) = row else { return Ok(None) };
        let s = session_from_row(&r, "s_created").map_err(backend_error)?;
        Ok(Some((s, user_from_row(&r).map_err(backend_error)?)))
    }

    async fn touch_session(&self, token_hash: &str, expires_at_ms: i64) -> Result<(), StoreError> {
        query("UPDATE sessions SET expires_at_ms = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(expires_at_ms)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }
    async fn set_totp(
        &self,
        user_id: &str,
        secret: Option<&[u8]>,
        enabled: bool,
    ) -> Result<(), StoreError> {
        // A new enrolment (not yet confirmed) starts a new seed, whose steps start afresh.
        query(
            "UPDATE users SET totp_secret = $2, totp_enabled = $3, \
             totp_last_step = CASE WHEN $3 = 0 THEN NULL ELSE totp_last_step END WHERE id = $1",
        )
        .bind(user_id)
        .bind(secret)
        .bind(i64::from(enabled))
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn update_session(
        &self,
        token_hash: &str,
        second_factor_pending: bool,
        reauth_at_ms: Option<i64>,
    ) -> Result<(), StoreError> {
        query("UPDATE sessions SET second_factor_pending = $2, reauth_at_ms = $3 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(i64::from(second_factor_pending))
            .bind(reauth_at_ms)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    async fn set_user_disabled(&self, user_id: &str, disabled: bool) -> Result<bool, StoreError> {
        let done = query("UPDATE users SET disabled = $2 WHERE id = $1")
            .bind(user_id)
            .bind(i64::from(disabled))
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        let n = D::rows_affected(&done);
        if disabled {
            query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&self.pool)
                .await
                .map_err(backend_error)?;
        }
        Ok(n == 1)
    }

    async fn set_user_role(&self, user_id: &str, role: &str) -> Result<bool, StoreError> {
        let done = query("UPDATE users SET role = $2 WHERE id = $1")
            .bind(user_id)
            .bind(role)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        let n = D::rows_affected(&done);
        Ok(n == 1)
    }

    async fn set_user_preferences(
        &self,
        user_id: &str,
        language: Option<&str>,
        time_zone: Option<&str>,
    ) -> Result<bool, StoreError> {
        let done = query("UPDATE users SET language = $2, time_zone = $3 WHERE id = $1")
            .bind(user_id)
            .bind(language)
            .bind(time_zone)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        let n = D::rows_affected(&done);
        Ok(n == 1)
    }

    async fn set_panel_profile(
        &self,
        user_id: &str,
        panel_profile: Option<&str>,
    ) -> Result<bool, StoreError> {
        let done = query("UPDATE users SET panel_profile = $2 WHERE id = $1")
            .bind(user_id)
            .bind(panel_profile)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(D::rows_affected(&done) == 1)
    }

    async fn record_login_failure(&self, key: &str, now_ms: i64) -> Result<(), StoreError> {
        query("INSERT INTO login_failures (key, at_ms) VALUES ($1, $2)")
            .bind(key)
            .bind(now_ms)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    async fn login_failures(&self, key: &str, window_start_ms: i64) -> Result<i64, StoreError> {
        query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at_ms >= $2")
            .bind(key)
            .bind(window_start_ms)
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)
    }

    async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(user_id)
            .bind(password_hash)
            .execute(&mut tx)
            .await
            .map_err(backend_error)?;
        let n = D::rows_affected(&done);
        query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(&mut tx)
            .await
            .map_err(backend_error)?;
        query("DELETE FROM password_resets WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut tx)
            .await
            .map_err(backend_error)?;
        tx.commit().await.map_err(backend_error)?;
        Ok(n == 1)
    }

    async fn sessions_of(
        &self,
        user_id: &str,
        now_ms: i64,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        let rows = query(
            "SELECT * FROM sessions WHERE user_id = $1 AND expires_at_ms > $2 \
             AND (absolute_expires_at_ms IS NULL OR absolute_expires_at_ms > $2) \
             ORDER BY created_at_ms DESC, token_hash LIMIT 100",
        )
        .bind(user_id)
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| session_from_row(r, "created_at_ms"))
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    async fn delete_session_of(&self, user_id: &str, token_hash: &str) -> Result<bool, StoreError> {
        let done = query("DELETE FROM sessions WHERE user_id = $1 AND token_hash = $2")
            .bind(user_id)
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(D::rows_affected(&done) == 1)
    }

    async fn create_password_reset(
        &self,
        token_hash: &str,
        user_id: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        query("DELETE FROM password_resets WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut tx)
            .await
            .map_err(backend_error)?;
        query(
            "INSERT INTO password_resets (token_hash, user_id, created_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now_ms)
        .bind(expires_at_ms)
        .execute(&mut tx)
        .await
        .map_err(backend_error)?;
        tx.commit().await.map_err(backend_error)
    }

    async fn take_password_reset(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<String>, StoreError> {
        // Deleted as it is read, so two uses at once cannot both succeed.
        let row = query(
            "DELETE FROM password_resets WHERE token_hash = $1 RETURNING user_id, expires_at_ms",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        let Some(r) = row else { return Ok(None) };
        let expires: i64 = r.read("expires_at_ms").map_err(backend_error)?;
        if expires <= now_ms {
            return Ok(None);
        }
        Ok(Some(r.read("user_id").map_err(backend_error)?))
    }

    async fn reserve_login_attempt(
        &self,
        key: &str,
        attempt: &str,
        now_ms: i64,
        window_start_ms: i64,
        limit: i64,
    ) -> Result<bool, StoreError> {
        // Count and insert in one writing transaction, serialised per key (SQLite: the write
        // lock taken at BEGIN; PostgreSQL: an advisory lock on the key), so that concurrent
        // attempts cannot all read the same count.
        let mut tx = self.begin_write().await?;
        if let Some(lock) = D::MESSAGE_LOCK_SQL {
            query(lock)
                .bind(format!("login-throttle/{key}"))
                .execute(&mut tx)
                .await
                .map_err(backend_error)?;
        }
        let counted: i64 =
            query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at_ms >= $2")
                .bind(key)
                .bind(window_start_ms)
                .fetch_one(&mut tx)
                .await
                .map_err(backend_error)?;
        if counted >= limit {
            tx.rollback().await.map_err(backend_error)?;
            return Ok(false);
        }
        query("INSERT INTO login_failures (key, at_ms, attempt) VALUES ($1, $2, $3)")
            .bind(key)
            .bind(now_ms)
            .bind(attempt)
            .execute(&mut tx)
            .await
            .map_err(backend_error)?;
        tx.commit().await.map_err(backend_error)?;
        Ok(true)
    }

    async fn release_login_attempt(&self, attempt: &str) -> Result<(), StoreError> {
        query("DELETE FROM login_failures WHERE attempt = $1")
            .bind(attempt)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    async fn accept_totp_step(&self, user_id: &str, step: i64) -> Result<bool, StoreError> {
        let done = query(
            "UPDATE users SET totp_last_step = $2 \
             WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(user_id)
        .bind(step)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(D::rows_affected(&done) == 1)
    }
}
