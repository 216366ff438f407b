//! The notifier's cursors, the inboxes, the e-mail outbox and the users' notification
//! preferences (`NotificationStore`).

use accord_app::ports::{
    MessageToNotify, NotificationBatch, NotificationPreferences, NotificationRecord,
    NotificationStore, StoreError,
};
use accord_evidence::EventRecord;
use async_trait::async_trait;
use sqlx::Row;

use crate::sql::{ReadColumn, SqlDatabase, Statement, query, query_scalar};
use crate::{Dialect, SqlStore, backend_error};

// A constant column list: SQL formatted with it has no outside input.
const COLUMNS: &str = "id, user_id, case_id, case_reference, source, topic_json, your_turn, \
     required, created_ms, read_ms, mail_state, mail_attempts, mail_next_ms, mail_error, mail_done_ms";

fn record_from_row<R: Row<Database: SqlDatabase>>(
    r: &R,
) -> Result<NotificationRecord, sqlx::Error> {
    Ok(NotificationRecord {
        id: r.read("id")?,
        user_id: r.read("user_id")?,
        case_id: r.read("case_id")?,
        case_reference: r.read("case_reference")?,
        source: r.read("source")?,
        topic_json: r.read("topic_json")?,
        your_turn: r.read::<i64>("your_turn")? != 0,
        required: r.read::<i64>("required")? != 0,
        created_ms: r.read("created_ms")?,
        read_ms: r.read("read_ms")?,
        mail_state: r.read("mail_state")?,
        mail_attempts: r.read("mail_attempts")?,
        mail_next_ms: r.read("mail_next_ms")?,
        mail_error: r.read("mail_error")?,
        mail_done_ms: r.read("mail_done_ms")?,
    })
}

fn preferences_from_row<R: Row<Database: SqlDatabase>>(
    r: &R,
) -> Result<NotificationPreferences, sqlx::Error> {
    Ok(NotificationPreferences {
        user_id: r.read("user_id")?,
        email: r.read("email")?,
        mode: r.read("mode")?,
        calendar_secret_hash: r.read("calendar_secret_hash")?,
        last_digest_day: r.read("last_digest_day")?,
        updated_ms: r.read("updated_ms")?,
    })
}

/// Stores notices in an open transaction; one already stored (same id) is kept as it is.
pub(crate) async fn insert_notices<DB: SqlDatabase>(
    tx: &mut sqlx::Transaction<'static, DB>,
    notices: &[NotificationRecord],
) -> Result<(), StoreError> {
    for n in notices {
        query(
            "INSERT INTO notifications (id, user_id, case_id, case_reference, source, \
             topic_json, your_turn, required, created_ms, read_ms, mail_state, mail_attempts, \
             mail_next_ms, mail_error, mail_done_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&n.id)
        .bind(&n.user_id)
        .bind(&n.case_id)
        .bind(&n.case_reference)
        .bind(&n.source)
        .bind(&n.topic_json)
        .bind(i64::from(n.your_turn))
        .bind(i64::from(n.required))
        .bind(n.created_ms)
        .bind(n.read_ms)
        .bind(&n.mail_state)
        .bind(n.mail_attempts)
        .bind(n.mail_next_ms)
        .bind(n.mail_error.as_deref())
        .bind(n.mail_done_ms)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
    }
    Ok(())
}

impl<D: Dialect> SqlStore<D> {
    async fn records(
        &self,
        sql: String,
        binds: impl FnOnce(Statement<D::Db>) -> Statement<D::Db> + Send,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let rows = binds(query(sqlx::AssertSqlSafe(sql)))
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(record_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }
}

#[async_trait]
impl<D: Dialect> NotificationStore for SqlStore<D> {
    async fn notifier_cursor(&self, name: &str) -> Result<i64, StoreError> {
        let p: Option<i64> = query_scalar("SELECT position FROM notifier_cursors WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(p.unwrap_or(0))
    }

    async fn logged_events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, EventRecord)>, StoreError> {
        let rows = query(
            "SELECT l.idx, e.case_id, e.position, e.format, e.seq, e.event_id, e.recorded_at_ms, \
                    e.actor, e.kind, e.rule_basis, e.visibility, e.payload, e.prev_hash, e.hash \
             FROM log_entries l JOIN events e ON e.case_id = l.case_id AND e.position = l.position \
             WHERE l.idx > $1 ORDER BY l.idx LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| Ok((r.read("idx")?, crate::cases::event_from_row(r)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)
    }

    async fn messages_to_notify(&self, limit: i64) -> Result<Vec<MessageToNotify>, StoreError> {
        let rows = query(
            "SELECT id, case_id, channel, author, posted_at_ms FROM messages \
             WHERE notified = 0 ORDER BY posted_at_ms, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                Ok(MessageToNotify {
                    id: r.read("id")?,
                    case_id: r.read("case_id")?,
                    channel: r.read("channel")?,
                    author: r.read("author")?,
                    posted_at_ms: r.read("posted_at_ms")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)
    }

    async fn record_notifications(&self, batch: &NotificationBatch) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        if let Some((name, from, to)) = &batch.cursor {
            let at: Option<i64> =
                query_scalar("SELECT position FROM notifier_cursors WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&mut tx)
                    .await
                    .map_err(backend_error)?;
            let at = at.unwrap_or(0);
            if at != *from {
                return Err(StoreError::Conflict { current: at });
            }
            query(
                "INSERT INTO notifier_cursors (name, position) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET position = excluded.position",
            )
            .bind(name)
            .bind(*to)
            .execute(&mut tx)
            .await
            .map_err(backend_error)?;
        }
        insert_notices(&mut tx, &batch.notifications).await?;
        for id in &batch.messages {
            query("UPDATE messages SET notified = 1 WHERE id = $1")
                .bind(id)
                .execute(&mut tx)
                .await
                .map_err(backend_error)?;
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(())
    }

    async fn notifications_page(
        &self,
        user_id: &str,
        after: Option<(i64, String)>,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        match after {
            None => {
                self.records(
                    format!(
                        "SELECT {COLUMNS} FROM notifications WHERE user_id = $1 \
                         ORDER BY created_ms DESC, id DESC LIMIT $2"
                    ),
                    |q| q.bind(user_id).bind(limit),
                )
                .await
            }
            Some((ms, id)) => {
                self.records(
                    format!(
                        "SELECT {COLUMNS} FROM notifications WHERE user_id = $1 \
                         AND (created_ms < $2 OR (created_ms = $2 AND id < $3)) \
                         ORDER BY created_ms DESC, id DESC LIMIT $4"
                    ),
                    |q| q.bind(user_id).bind(ms).bind(id).bind(limit),
                )
                .await
            }
        }
    }

    async fn unread_notifications(&self, user_id: &str) -> Result<i64, StoreError> {
        query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_ms IS NULL")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)
    }

    async fn mark_notifications_read(
        &self,
        user_id: &str,
        ids: Option<&[String]>,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut changed = 0;
        match ids {
            None => {
                let done = query(
                    "UPDATE notifications SET read_ms = $1 WHERE user_id = $2 AND read_ms IS NULL",
                )
                .bind(now_ms)
                .bind(user_id)
                .execute(&mut tx)
                .await
                .map_err(backend_error)?;
                changed += D::rows_affected(&done);
            }
            Some(ids) => {
                for id in ids {
                    let done = query(
                        "UPDATE notifications SET read_ms = $1 \
                         WHERE user_id = $2 AND id = $3 AND read_ms IS NULL",
                    )
                    .bind(now_ms)
                    .bind(user_id)
                    .bind(id)
                    .execute(&mut tx)
                    .await
                    .map_err(backend_error)?;
                    changed += D::rows_affected(&done);
                }
            }
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(changed)
    }

    async fn mail_due(
        &self,
        now_ms: i64,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        self.records(
            format!(
                "SELECT {COLUMNS} FROM notifications WHERE mail_state = 'pending' \
                 AND mail_next_ms <= $1 ORDER BY mail_next_ms, id LIMIT $2"
            ),
            |q| q.bind(now_ms).bind(limit),
        )
        .await
    }

    async fn digest_waiting(&self, user_id: &str) -> Result<Vec<NotificationRecord>, StoreError> {
        self.records(
            format!(
                "SELECT {COLUMNS} FROM notifications WHERE mail_state = 'digest' \
                 AND user_id = $1 ORDER BY created_ms, id"
            ),
            |q| q.bind(user_id),
        )
        .await
    }

    async fn digest_users(&self) -> Result<Vec<String>, StoreError> {
        query_scalar(
            "SELECT DISTINCT user_id FROM notifications WHERE mail_state = 'digest' ORDER BY user_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)
    }

    async fn set_mail_outcome(
        &self,
        ids: &[String],
        state: &str,
        attempts: i64,
        next_ms: Option<i64>,
        error: Option<&str>,
        done_ms: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for id in ids {
            query(
                "UPDATE notifications SET mail_state = $1, mail_attempts = $2, mail_next_ms = $3, \
                 mail_error = $4, mail_done_ms = $5 WHERE id = $6",
            )
            .bind(state)
            .bind(attempts)
            .bind(next_ms)
            .bind(error)
            .bind(done_ms)
            .bind(id)
            .execute(&mut tx)
            .await
            .map_err(backend_error)?;
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(())
    }

    async fn notification_exists(&self, id: &str) -> Result<bool, StoreError> {
        let n: i64 = query_scalar("SELECT COUNT(*) FROM notifications WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(n > 0)
    }

    async fn mail_failures(&self, limit: i64) -> Result<Vec<NotificationRecord>, StoreError> {
        self.records(
            format!(
                "SELECT {COLUMNS} FROM notifications WHERE mail_state = 'failed' \
                 ORDER BY mail_done_ms DESC, id DESC LIMIT $1"
            ),
            |q| q.bind(limit),
        )
        .await
    }

    async fn notification_preferences(
        &self,
        user_id: &str,
    ) -> Result<Option<NotificationPreferences>, StoreError> {
        let row = query(
            "SELECT user_id, email, mode, calendar_secret_hash, last_digest_day, updated_ms \
             FROM notification_preferences WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref()
            .map(preferences_from_row)
            .transpose()
            .map_err(backend_error)
    }

    async fn put_notification_preferences(
        &self,
        p: &NotificationPreferences,
    ) -> Result<(), StoreError> {
        query(
            "INSERT INTO notification_preferences (user_id, email, mode, calendar_secret_hash, \
             last_digest_day, updated_ms) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, mode = excluded.mode, \
             calendar_secret_hash = excluded.calendar_secret_hash, \
             last_digest_day = excluded.last_digest_day, updated_ms = excluded.updated_ms",
        )
        .bind(&p.user_id)
        .bind(&p.email)
        .bind(&p.mode)
        .bind(&p.calendar_secret_hash)
        .bind(&p.last_digest_day)
        .bind(p.updated_ms)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn user_by_calendar_secret(&self, hash: &str) -> Result<Option<String>, StoreError> {
        query_scalar("SELECT user_id FROM notification_preferences WHERE calendar_secret_hash = $1")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)
    }
}
