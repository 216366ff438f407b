//! The case log: appends, projections, the case list, due cases and chain verification
//! (`CaseStore`).

use accord_app::ports::{
    Append, CaseProjection, CaseQuery, CaseStore, ChainSummary, EventQuery, Order, StoreError,
    VerifyReport,
};
use accord_evidence::{ChainVerifier, EventFormat, EventRecord, RawEvent};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::Row;

use crate::sql::{Placeholders, ReadColumn, SqlDatabase, query, query_scalar};
use crate::{Dialect, SqlStore, backend_error};

fn projection_from_row<R: Row<Database: SqlDatabase>>(
    r: &R,
) -> Result<CaseProjection, sqlx::Error> {
    Ok(CaseProjection {
        case_id: r.read("case_id")?,
        reference: r.read("reference")?,
        title: r.read("title")?,
        dispute_type: r.read("dispute_type")?,
        state: r.read("state")?,
        version: r.read("version")?,
        head_hash: r.read("head_hash")?,
        next_action_ms: r.read("next_action_ms")?,
        next_deadline_ms: r.read("next_deadline_ms")?,
        updated_at_ms: r.read("updated_at_ms")?,
        members: vec![],
        case_json: r.read("case_json")?,
    })
}

pub(crate) fn event_from_row<R: Row<Database: SqlDatabase>>(
    r: &R,
) -> Result<EventRecord, sqlx::Error> {
    Ok(EventRecord {
        case_id: r.read("case_id")?,
        position: r.read("position")?,
        format: EventFormat::from_number(r.read("format")?)
            .ok_or_else(|| sqlx::Error::Decode("unknown event hash format".into()))?,
        seq: r.read("seq")?,
        event_id: r.read("event_id")?,
        recorded_at_ms: r.read("recorded_at_ms")?,
        actor: r.read("actor")?,
        kind: r.read("kind")?,
        rule_basis: r.read("rule_basis")?,
        visibility: r.read("visibility")?,
        payload: r.read("payload")?,
        prev_hash: r.read("prev_hash")?,
        hash: r.read("hash")?,
    })
}

// A constant column list: SQL formatted with it has no outside input.
const CASE_COLUMNS: &str = "case_id, reference, title, dispute_type, state, version, head_hash, \
     next_action_ms, next_deadline_ms, updated_at_ms, case_json";

/// The case list query: cases of a member (or all), of a state (or any), by next deadline, then
/// newest first (the id is a UUIDv7): nothing in the order moves with events a reader may not read.
/// `param_text` types the parameters compared with `NULL` (see `Dialect::NULLABLE_TEXT_CAST`).
fn list_sql(param_text: &str) -> String {
    let cols = CASE_COLUMNS
        .split(", ")
        .map(|c| format!("c.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT {cols} FROM cases c \
         WHERE ($1{param_text} IS NULL OR c.case_id IN (SELECT case_id FROM case_members WHERE user_id = $1)) \
           AND ($2{param_text} IS NULL OR c.state = $2) \
         ORDER BY c.next_deadline_ms IS NULL, c.next_deadline_ms, c.case_id DESC \
         LIMIT $3 OFFSET $4"
    )
}

/// One part of a keyset page of the case list: the cases with a deadline (`with_deadline`), in
/// deadline order then newest first, or those without, newest first; after the key bound as
/// `$4`, `$5` (deadline and id) or `$4` (id) when `after` is set.
fn page_sql(param_text: &str, with_deadline: bool, after: bool) -> String {
    let cols = CASE_COLUMNS
        .split(", ")
        .map(|c| format!("c.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let (part, key, order) = if with_deadline {
        (
            "c.next_deadline_ms IS NOT NULL",
            "AND (c.next_deadline_ms > $4 OR (c.next_deadline_ms = $4 AND c.case_id < $5))",
            "c.next_deadline_ms, c.case_id DESC",
        )
    } else {
        (
            "c.next_deadline_ms IS NULL",
            "AND c.case_id < $4",
            "c.case_id DESC",
        )
    };
    let key = if after { key } else { "" };
    format!(
        "SELECT {cols} FROM cases c \
         WHERE {part} {key} \
           AND ($1{param_text} IS NULL OR c.case_id IN (SELECT case_id FROM case_members WHERE user_id = $1)) \
           AND ($2{param_text} IS NULL OR c.state = $2) \
         ORDER BY {order} LIMIT $3"
    )
}

#[async_trait]
impl<D: Dialect> CaseStore for SqlStore<D> {
    async fn append(&self, append: Append) -> Result<(), StoreError> {
        self.dialect.append_durably(&self.pool, append).await
    }

    async fn case(&self, case_id: &str) -> Result<Option<CaseProjection>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE case_id = $1"
        ));
        let row = query(sql)
            .bind(case_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref()
            .map(projection_from_row)
            .transpose()
            .map_err(backend_error)
    }

    async fn events(&self, case_id: &str) -> Result<Vec<EventRecord>, StoreError> {
        let rows = query("SELECT * FROM events WHERE case_id = $1 ORDER BY position")
            .bind(case_id)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(event_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    async fn events_page(&self, q: &EventQuery) -> Result<Vec<EventRecord>, StoreError> {
        if q.full.is_empty() && q.partial.is_empty() {
            return Ok(vec![]);
        }
        // $1 is the case; the rest are numbered in the order they are bound below.
        let mut p = Placeholders::after(1);
        let full = p.list(q.full.len());
        let partial = p.list(q.partial.len());
        // The hidden kinds are bound only where a partial chain uses them.
        let kinds = if q.partial.is_empty() {
            String::new()
        } else {
            p.list(q.hidden_kinds.len())
        };
        let mut filter = vec![];
        if !q.full.is_empty() {
            filter.push(format!("visibility IN ({full})"));
        }
        if !q.partial.is_empty() {
            let hidden = if q.hidden_kinds.is_empty() {
                String::new()
            } else {
                format!(" AND kind NOT IN ({kinds})")
            };
            filter.push(format!("(visibility IN ({partial}){hidden})"));
        }
        let newest = q.order == Order::Newest;
        let after = match q.after_position {
            Some(_) => format!(
                " AND position {} {}",
                if newest { "<" } else { ">" },
                p.take()
            ),
            None => String::new(),
        };
        let limit = p.take();
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT * FROM events WHERE case_id = $1 AND ({}){after} ORDER BY position {} LIMIT {limit}",
            filter.join(" OR "),
            if newest { "DESC" } else { "ASC" }
        ));
        let mut stmt = query(sql).bind(&q.case_id);
        for v in q.full.iter().chain(&q.partial) {
            stmt = stmt.bind(v);
        }
        if !q.partial.is_empty() {
            for k in &q.hidden_kinds {
                stmt = stmt.bind(k);
            }
        }
        if let Some(p) = q.after_position {
            stmt = stmt.bind(p);
        }
        let rows = stmt
            .bind(q.limit)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(event_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    async fn event(
        &self,
        case_id: &str,
        event_id: &str,
    ) -> Result<Option<EventRecord>, StoreError> {
        let row = query("SELECT * FROM events WHERE case_id = $1 AND event_id = $2")
            .bind(case_id)
            .bind(event_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref()
            .map(event_from_row)
            .transpose()
            .map_err(backend_error)
    }

    async fn chains(&self, case_id: &str) -> Result<Vec<ChainSummary>, StoreError> {
        Ok(self
            .chains_of(&[case_id.to_owned()])
            .await?
            .into_iter()
            .map(|(_, c)| c)
            .collect())
    }

    async fn chains_of(
        &self,
        case_ids: &[String],
    ) -> Result<Vec<(String, ChainSummary)>, StoreError> {
        if case_ids.is_empty() {
            return Ok(vec![]);
        }
        let placeholders = Placeholders::default().list(case_ids.len());
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT case_id, chain, length, seq, head_hash, last_hash, last_position, \
             updated_at_ms FROM case_chains WHERE case_id IN ({placeholders}) \
             ORDER BY case_id, chain"
        ));
        let mut q = query(sql);
        for id in case_ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.read("case_id")?,
                    ChainSummary {
                        chain: r.read("chain")?,
                        length: r.read("length")?,
                        seq: r.read("seq")?,
                        head_hash: r.read("head_hash")?,
                        last_hash: r.read("last_hash")?,
                        last_position: r.read("last_position")?,
                        updated_at_ms: r.read("updated_at_ms")?,
                    },
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)
    }

    async fn list_cases(&self, q: &CaseQuery) -> Result<Vec<CaseProjection>, StoreError> {
        if q.offset > 0 {
            // Older clients' offset: the one statement, skipping rows.
            let sql = sqlx::AssertSqlSafe(list_sql(D::NULLABLE_TEXT_CAST));
            let rows = query(sql)
                .bind(q.member.as_deref())
                .bind(q.state.as_deref())
                .bind(q.limit)
                .bind(q.offset)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
            return rows
                .iter()
                .map(projection_from_row)
                .collect::<Result<_, _>>()
                .map_err(backend_error);
        }
        // Keyset pages in two parts, each read along its own index: the cases with a deadline
        // by deadline, then those without, newest first.
        let mut out = vec![];
        let (after_deadline, after_id) = match &q.after {
            None => (None, None),
            Some((d, id)) => (*d, Some(id.as_str())),
        };
        let in_deadline_part = q.after.is_none() || after_deadline.is_some();
        if in_deadline_part {
            let sql =
                sqlx::AssertSqlSafe(page_sql(D::NULLABLE_TEXT_CAST, true, after_id.is_some()));
            let mut stmt = query(sql)
                .bind(q.member.as_deref())
                .bind(q.state.as_deref())
                .bind(q.limit);
            if let (Some(d), Some(id)) = (after_deadline, after_id) {
                stmt = stmt.bind(d).bind(id);
            }
            let rows = stmt.fetch_all(&self.pool).await.map_err(backend_error)?;
            for r in &rows {
                out.push(projection_from_row(r).map_err(backend_error)?);
            }
        }
        let left = q.limit - out.len() as i64;
        if left > 0 {
            let after_id = if in_deadline_part { None } else { after_id };
            let sql =
                sqlx::AssertSqlSafe(page_sql(D::NULLABLE_TEXT_CAST, false, after_id.is_some()));
            let mut stmt = query(sql)
                .bind(q.member.as_deref())
                .bind(q.state.as_deref())
                .bind(left);
            if let Some(id) = after_id {
                stmt = stmt.bind(id);
            }
            let rows = stmt.fetch_all(&self.pool).await.map_err(backend_error)?;
            for r in &rows {
                out.push(projection_from_row(r).map_err(backend_error)?);
            }
        }
        Ok(out)
    }

    async fn due_cases(&self, now_ms: i64, limit: i64) -> Result<Vec<String>, StoreError> {
        query_scalar(
            "SELECT case_id FROM cases WHERE next_action_ms IS NOT NULL AND next_action_ms <= $1 \
             ORDER BY next_action_ms LIMIT $2",
        )
        .bind(now_ms)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)
    }

    async fn close(&self) -> Result<(), StoreError> {
        self.dialect.close(&self.pool).await
    }

    async fn verify_chains(&self) -> Result<VerifyReport, StoreError> {
        let mut v = ChainVerifier::new();
        let mut rows = query(D::VERIFY_SQL).fetch(&self.pool);
        while let Some(r) = rows.try_next().await.map_err(backend_error)? {
            let raw = RawEvent {
                case_id: r.read("case_id").map_err(backend_error)?,
                position: r.read("position").map_err(backend_error)?,
                format: r.read("format").map_err(backend_error)?,
                seq: r.read("seq").map_err(backend_error)?,
                event_id: r.read("event_id").map_err(backend_error)?,
                recorded_at_ms: r.read("recorded_at_ms").map_err(backend_error)?,
                actor: r.read("actor").map_err(backend_error)?,
                kind: r.read("kind").map_err(backend_error)?,
                rule_basis: r.read("rule_basis").map_err(backend_error)?,
                visibility: r.read("visibility").map_err(backend_error)?,
                payload: r.read("payload").map_err(backend_error)?,
                prev_hash: r.read("prev_hash").map_err(backend_error)?,
                hash: r.read("hash").map_err(backend_error)?,
            };
            v.feed(raw);
        }
        Ok(VerifyReport {
            cases: v.cases(),
            events: v.events(),
            breaks: v.finish(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::list_sql;

    #[test]
    fn the_case_list_types_only_the_parameters_compared_with_null() {
        let columns = "c.case_id, c.reference, c.title, c.dispute_type, c.state, c.version, \
             c.head_hash, c.next_action_ms, c.next_deadline_ms, c.updated_at_ms, c.case_json";
        let expected = |cast: &str| {
            format!(
                "SELECT {columns} FROM cases c \
                 WHERE ($1{cast} IS NULL OR c.case_id IN (SELECT case_id FROM case_members WHERE user_id = $1)) \
                   AND ($2{cast} IS NULL OR c.state = $2) \
                 ORDER BY c.next_deadline_ms IS NULL, c.next_deadline_ms, c.case_id DESC \
                 LIMIT $3 OFFSET $4"
            )
        };
        assert_eq!(list_sql(""), expected(""));
        assert_eq!(list_sql("::text"), expected("::text"));
    }
}
