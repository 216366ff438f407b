//! Channel messages, relays between channels, the access log and the per-case data keys
//! (`ChannelStore`).

use accord_app::ports::{
    AccessRecord, ChannelStore, MessageRecord, Order, RelayRecord, StoreError,
};
use async_trait::async_trait;
use sqlx::{Pool, Row};

use crate::sql::{Placeholders, ReadColumn, SqlDatabase, query, query_scalar};
use crate::{Dialect, SqlStore, backend_error};

fn message_from_row<R: Row<Database: SqlDatabase>>(r: &R) -> Result<MessageRecord, sqlx::Error> {
    Ok(MessageRecord {
        id: r.read("id")?,
        case_id: r.read("case_id")?,
        channel: r.read("channel")?,
        seq: r.read("seq")?,
        author: r.read("author")?,
        posted_at_ms: r.read("posted_at_ms")?,
        without_prejudice: r.read::<i64>("without_prejudice")? != 0,
        confidential: r.read::<i64>("confidential")? != 0,
        relay_json: r.read("relay_json")?,
        body: r.read("body")?,
        size: r.read("size")?,
    })
}

fn relay_from_row<R: Row<Database: SqlDatabase>>(r: &R) -> Result<RelayRecord, sqlx::Error> {
    Ok(RelayRecord {
        id: r.read("id")?,
        case_id: r.read("case_id")?,
        source_channel: r.read("source_channel")?,
        source_message_id: r.read("source_message_id")?,
        target_channel: r.read("target_channel")?,
        excerpt: r.read("excerpt")?,
        proposed_by: r.read("proposed_by")?,
        proposed_at_ms: r.read("proposed_at_ms")?,
        status: r.read("status")?,
        decided_by: r.read("decided_by")?,
        decided_at_ms: r.read("decided_at_ms")?,
        message_id: r.read("message_id")?,
    })
}

/// How many times a message insert retries after another writer took the same channel position.
const SEQ_RETRIES: usize = 8;

/// The statement that posts a message at its channel's next position and returns that position
/// (shared with SQLite's writer, which runs the same text).
pub const INSERT_MESSAGE_SQL: &str = "INSERT INTO messages (id, case_id, channel, seq, author, \
     posted_at_ms, without_prejudice, confidential, relay_json, body, size) \
     SELECT $1, $2, $3, COALESCE(MAX(seq), 0) + 1, $4, $5, $6, $7, $8, $9, $10 \
     FROM messages WHERE case_id = $2 AND channel = $3 RETURNING seq";

/// Posts a message in a transaction of its own and returns its position in the channel, once
/// committed. One statement takes the next position; where the dialect needs it, a
/// transaction-scoped lock on the channel serialises concurrent posters first.
pub async fn post_message_in_transaction<D: Dialect>(
    pool: &Pool<D::Db>,
    m: &MessageRecord,
) -> Result<i64, StoreError> {
    for _ in 0..SEQ_RETRIES {
        let mut tx = crate::begin_write::<D>(pool).await?;
        if let Some(lock) = D::MESSAGE_LOCK_SQL {
            query(lock)
                .bind(format!("{}/{}", m.case_id, m.channel))
                .execute(&mut tx)
                .await
                .map_err(backend_error)?;
        }
        let res: Result<i64, sqlx::Error> = query_scalar(INSERT_MESSAGE_SQL)
            .bind(&m.id)
            .bind(&m.case_id)
            .bind(&m.channel)
            .bind(&m.author)
            .bind(m.posted_at_ms)
            .bind(i64::from(m.without_prejudice))
            .bind(i64::from(m.confidential))
            .bind(&m.relay_json)
            .bind(&m.body)
            .bind(m.size)
            .fetch_one(&mut tx)
            .await;
        match res {
            Ok(seq) => {
                tx.commit().await.map_err(backend_error)?;
                return Ok(seq);
            }
            Err(e) => match backend_error(e) {
                StoreError::Duplicate(_) => continue,
                other => return Err(other),
            },
        }
    }
    Err(StoreError::Backend(
        "too many concurrent posts to one channel; try again".into(),
    ))
}

#[async_trait]
impl<D: Dialect> ChannelStore for SqlStore<D> {
    async fn post_message(&self, m: &MessageRecord) -> Result<MessageRecord, StoreError> {
        let seq = self.dialect.post_message_durably(&self.pool, m).await?;
        Ok(MessageRecord { seq, ..m.clone() })
    }

    async fn messages(
        &self,
        case_id: &str,
        channel: &str,
        after_seq: Option<i64>,
        order: Order,
        limit: i64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        // Read along the (case, channel, seq) key from the page's start.
        let (cmp, dir) = match order {
            Order::Oldest => (">", "ASC"),
            Order::Newest => ("<", "DESC"),
        };
        let after = if after_seq.is_some() {
            format!(" AND seq {cmp} $4")
        } else {
            String::new()
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT * FROM messages WHERE case_id = $1 AND channel = $2{after} \
             ORDER BY seq {dir} LIMIT $3"
        ));
        let mut stmt = query(sql).bind(case_id).bind(channel).bind(limit);
        if let Some(s) = after_seq {
            stmt = stmt.bind(s);
        }
        let rows = stmt.fetch_all(&self.pool).await.map_err(backend_error)?;
        rows.iter()
            .map(message_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    async fn message(&self, case_id: &str, id: &str) -> Result<Option<MessageRecord>, StoreError> {
        let row = query("SELECT * FROM messages WHERE case_id = $1 AND id = $2")
            .bind(case_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref()
            .map(message_from_row)
            .transpose()
            .map_err(backend_error)
    }

    async fn create_relay(&self, r: &RelayRecord) -> Result<(), StoreError> {
        query(
            "INSERT INTO relays (id, case_id, source_channel, source_message_id, target_channel, \
             excerpt, proposed_by, proposed_at_ms, status, decided_by, decided_at_ms, message_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&r.id)
        .bind(&r.case_id)
        .bind(&r.source_channel)
        .bind(&r.source_message_id)
        .bind(&r.target_channel)
        .bind(&r.excerpt)
        .bind(&r.proposed_by)
        .bind(r.proposed_at_ms)
        .bind(&r.status)
        .bind(&r.decided_by)
        .bind(r.decided_at_ms)
        .bind(&r.message_id)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn relays(&self, case_id: &str) -> Result<Vec<RelayRecord>, StoreError> {
        let rows = query("SELECT * FROM relays WHERE case_id = $1 ORDER BY proposed_at_ms, id")
            .bind(case_id)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(relay_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    async fn decide_relay(&self, r: &RelayRecord) -> Result<(), StoreError> {
        let done = query(
            "UPDATE relays SET status = $3, decided_by = $4, decided_at_ms = $5, message_id = $6 \
             WHERE case_id = $1 AND id = $2 AND status = 'pending'",
        )
        .bind(&r.case_id)
        .bind(&r.id)
        .bind(&r.status)
        .bind(&r.decided_by)
        .bind(r.decided_at_ms)
        .bind(&r.message_id)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        let n = D::rows_affected(&done);
        if n == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict { current: 0 })
        }
    }

    async fn log_access(&self, records: &[AccessRecord]) -> Result<(), StoreError> {
        for a in records {
            query(
                "INSERT INTO access_log (id, at_ms, user_id, case_id, object, kind) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&a.id)
            .bind(a.at_ms)
            .bind(&a.user_id)
            .bind(&a.case_id)
            .bind(&a.object)
            .bind(&a.kind)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        }
        Ok(())
    }

    async fn access_log(
        &self,
        case_id: Option<&str>,
        before: Option<(i64, String)>,
        limit: i64,
    ) -> Result<Vec<AccessRecord>, StoreError> {
        // Newest first along (case, time, id) or (time, id); $1 is the limit, the case and the
        // key are bound in order after it.
        let mut p = Placeholders::after(1);
        let mut filter = vec![];
        if case_id.is_some() {
            filter.push(format!("case_id = {}", p.take()));
        }
        if before.is_some() {
            let (t, id) = (p.take(), p.take());
            filter.push(format!("(at_ms < {t} OR (at_ms = {t} AND id < {id}))"));
        }
        let filter = if filter.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", filter.join(" AND "))
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT * FROM access_log {filter} ORDER BY at_ms DESC, id DESC LIMIT $1"
        ));
        let mut stmt = query(sql).bind(limit);
        if let Some(c) = case_id {
            stmt = stmt.bind(c);
        }
        if let Some((t, id)) = before {
            stmt = stmt.bind(t).bind(id);
        }
        let rows = stmt.fetch_all(&self.pool).await.map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                Ok(AccessRecord {
                    id: r.read("id")?,
                    at_ms: r.read("at_ms")?,
                    user_id: r.read("user_id")?,
                    case_id: r.read("case_id")?,
                    object: r.read("object")?,
                    kind: r.read("kind")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)
    }

    async fn case_key(&self, case_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        query_scalar("SELECT wrapped FROM case_keys WHERE case_id = $1")
            .bind(case_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)
    }

    async fn put_case_key(&self, case_id: &str, wrapped: &[u8]) -> Result<Vec<u8>, StoreError> {
        query("INSERT INTO case_keys (case_id, wrapped) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING")
            .bind(case_id)
            .bind(wrapped)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        self.case_key(case_id)
            .await?
            .ok_or_else(|| StoreError::Backend("case key vanished after insert".into()))
    }
}
