//! The case log: appends, projections, the case list, due cases and chain verification
//! (`CaseStore`).

use accord_app::ports::{
    Append, CaseProjection, CaseQuery, CaseStore, ChainSummary, StoreError, VerifyReport,
};
use accord_evidence::{ChainVerifier, EventFormat, EventRecord, RawEvent};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::Row;

use crate::sql::{ReadColumn, SqlDatabase, query, query_scalar};
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

fn event_from_row<R: Row<Database: SqlDatabase>>(r: &R) -> Result<EventRecord, sqlx::Error> {
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
        // Only numbered placeholders are formatted into the statement; the ids are bound.
        let placeholders = (1..=case_ids.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
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
        let sql = sqlx::AssertSqlSafe(list_sql(D::NULLABLE_TEXT_CAST));
        let rows = query(sql)
            .bind(q.member.as_deref())
            .bind(q.state.as_deref())
            .bind(q.limit)
            .bind(q.offset)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(projection_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
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
