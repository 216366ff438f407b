//! Meetings of a case and their polls (`MeetingStore`): each change is written with its notices
//! in one transaction.

use accord_app::ports::{
    MeetingAnswerRecord, MeetingRecord, MeetingStore, NotificationRecord, StoreError,
};
use async_trait::async_trait;
use sqlx::Row;

use crate::sql::{ReadColumn, SqlDatabase, query, query_scalar};
use crate::{Dialect, SqlStore, backend_error};

const COLUMNS: &str = "id, case_id, channel, status, candidates, duration_min, start_ms, \
     sequence, details, video_link, created_by, created_ms, updated_ms, version";

fn meeting_from_row<R: Row<Database: SqlDatabase>>(r: &R) -> Result<MeetingRecord, sqlx::Error> {
    Ok(MeetingRecord {
        id: r.read("id")?,
        case_id: r.read("case_id")?,
        channel: r.read("channel")?,
        status: r.read("status")?,
        candidates: r.read("candidates")?,
        duration_min: r.read("duration_min")?,
        start_ms: r.read("start_ms")?,
        sequence: r.read("sequence")?,
        details: r.read("details")?,
        video_link: r.read("video_link")?,
        created_by: r.read("created_by")?,
        created_ms: r.read("created_ms")?,
        updated_ms: r.read("updated_ms")?,
        version: r.read("version")?,
    })
}

#[async_trait]
impl<D: Dialect> MeetingStore for SqlStore<D> {
    async fn save_meeting(
        &self,
        s: &MeetingRecord,
        notices: &[NotificationRecord],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let stored: Option<i64> = query_scalar("SELECT version FROM meetings WHERE id = $1")
            .bind(&s.id)
            .fetch_optional(&mut tx)
            .await
            .map_err(backend_error)?;
        if stored.unwrap_or(0) != s.version - 1 {
            return Err(StoreError::Conflict {
                current: stored.unwrap_or(0),
            });
        }
        if stored.is_some() {
            query("DELETE FROM meetings WHERE id = $1")
                .bind(&s.id)
                .execute(&mut tx)
                .await
                .map_err(backend_error)?;
        }
        query(
            "INSERT INTO meetings (id, case_id, channel, status, candidates, duration_min, \
             start_ms, sequence, details, video_link, created_by, created_ms, updated_ms, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(&s.id)
        .bind(&s.case_id)
        .bind(&s.channel)
        .bind(&s.status)
        .bind(&s.candidates)
        .bind(s.duration_min)
        .bind(s.start_ms)
        .bind(s.sequence)
        .bind(&s.details)
        .bind(&s.video_link)
        .bind(&s.created_by)
        .bind(s.created_ms)
        .bind(s.updated_ms)
        .bind(s.version)
        .execute(&mut tx)
        .await
        .map_err(backend_error)?;
        crate::notifications::insert_notices(&mut tx, notices).await?;
        tx.commit().await.map_err(backend_error)?;
        Ok(())
    }

    async fn meeting(&self, id: &str) -> Result<Option<MeetingRecord>, StoreError> {
        let row = query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM meetings WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref()
            .map(meeting_from_row)
            .transpose()
            .map_err(backend_error)
    }

    async fn meetings_of_case(&self, case_id: &str) -> Result<Vec<MeetingRecord>, StoreError> {
        let rows = query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM meetings WHERE case_id = $1 ORDER BY created_ms, id"
        )))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(meeting_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    async fn save_meeting_answer(
        &self,
        a: &MeetingAnswerRecord,
        notices: &[NotificationRecord],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        query(
            "INSERT INTO meeting_answers (meeting_id, user_id, answers, time_zone, answered_ms) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (meeting_id, user_id) DO UPDATE SET \
             answers = excluded.answers, time_zone = excluded.time_zone, \
             answered_ms = excluded.answered_ms",
        )
        .bind(&a.meeting_id)
        .bind(&a.user_id)
        .bind(&a.answers)
        .bind(&a.time_zone)
        .bind(a.answered_ms)
        .execute(&mut tx)
        .await
        .map_err(backend_error)?;
        crate::notifications::insert_notices(&mut tx, notices).await?;
        tx.commit().await.map_err(backend_error)?;
        Ok(())
    }

    async fn meeting_answers(
        &self,
        meeting_id: &str,
    ) -> Result<Vec<MeetingAnswerRecord>, StoreError> {
        let rows = query(
            "SELECT meeting_id, user_id, answers, time_zone, answered_ms FROM meeting_answers \
             WHERE meeting_id = $1 ORDER BY user_id",
        )
        .bind(meeting_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                Ok(MeetingAnswerRecord {
                    meeting_id: r.read("meeting_id")?,
                    user_id: r.read("user_id")?,
                    answers: r.read("answers")?,
                    time_zone: r.read("time_zone")?,
                    answered_ms: r.read("answered_ms")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend_error)
    }
}
