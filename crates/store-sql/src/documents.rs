//! Filed documents' metadata; the content is in the vault (`DocumentStore`).

use accord_app::ports::{DocumentRecord, DocumentStore, Order, StoreError};
use async_trait::async_trait;
use sqlx::Row;

use crate::sql::{ReadColumn, SqlDatabase, query, query_as, query_scalar};
use crate::{Dialect, SqlStore, backend_error};

// A constant column list: SQL formatted with it has no outside input.
const DOCUMENT_COLUMNS: &str = "id, case_id, channel, series, version, title, file_name, language, \
     without_prejudice, translation_of, media_type, size, sha256, object_key, uploaded_by, \
     uploaded_at_ms";

fn document_from_row<R: Row<Database: SqlDatabase>>(r: &R) -> Result<DocumentRecord, sqlx::Error> {
    Ok(DocumentRecord {
        id: r.read("id")?,
        case_id: r.read("case_id")?,
        channel: r.read("channel")?,
        series: r.read("series")?,
        version: r.read("version")?,
        title: r.read("title")?,
        file_name: r.read("file_name")?,
        language: r.read("language")?,
        without_prejudice: r.read::<i64>("without_prejudice")? != 0,
        translation_of: r.read("translation_of")?,
        media_type: r.read("media_type")?,
        size: r.read("size")?,
        sha256: r.read("sha256")?,
        object_key: r.read("object_key")?,
        uploaded_by: r.read("uploaded_by")?,
        uploaded_at_ms: r.read("uploaded_at_ms")?,
    })
}

/// The statement that records a filed document (on its own, or inside a case's append).
pub(crate) fn insert_document<DB: crate::sql::SqlDatabase>(
    d: &DocumentRecord,
) -> crate::sql::Statement<DB> {
    query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO documents ({DOCUMENT_COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
    )))
    .bind(&d.id)
    .bind(&d.case_id)
    .bind(&d.channel)
    .bind(&d.series)
    .bind(d.version)
    .bind(&d.title)
    .bind(&d.file_name)
    .bind(&d.language)
    .bind(i64::from(d.without_prejudice))
    .bind(&d.translation_of)
    .bind(&d.media_type)
    .bind(d.size)
    .bind(&d.sha256)
    .bind(&d.object_key)
    .bind(&d.uploaded_by)
    .bind(d.uploaded_at_ms)
}

#[async_trait]
impl<D: Dialect> DocumentStore for SqlStore<D> {
    async fn put_document(&self, d: &DocumentRecord) -> Result<(), StoreError> {
        insert_document::<D::Db>(d)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    async fn delete_document(&self, case_id: &str, id: &str) -> Result<(), StoreError> {
        query("DELETE FROM documents WHERE case_id = $1 AND id = $2")
            .bind(case_id)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    async fn documents(&self, case_id: &str) -> Result<Vec<DocumentRecord>, StoreError> {
        let rows = query(sqlx::AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE case_id = $1 \
             ORDER BY uploaded_at_ms, id"
        )))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(document_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    async fn documents_page(
        &self,
        case_id: &str,
        channel: &str,
        after: Option<(i64, String)>,
        order: Order,
        limit: i64,
    ) -> Result<Vec<DocumentRecord>, StoreError> {
        let (cmp, dir) = match order {
            Order::Oldest => (">", "ASC"),
            Order::Newest => ("<", "DESC"),
        };
        let key = if after.is_some() {
            format!(" AND (uploaded_at_ms {cmp} $4 OR (uploaded_at_ms = $4 AND id {cmp} $5))")
        } else {
            String::new()
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE case_id = $1 AND channel = $2{key} \
             ORDER BY uploaded_at_ms {dir}, id {dir} LIMIT $3"
        ));
        let mut stmt = query(sql).bind(case_id).bind(channel).bind(limit);
        if let Some((t, id)) = after {
            stmt = stmt.bind(t).bind(id);
        }
        let rows = stmt.fetch_all(&self.pool).await.map_err(backend_error)?;
        rows.iter()
            .map(document_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }

    async fn document(
        &self,
        case_id: &str,
        id: &str,
    ) -> Result<Option<DocumentRecord>, StoreError> {
        let row = query(sqlx::AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE case_id = $1 AND id = $2"
        )))
        .bind(case_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref()
            .map(document_from_row)
            .transpose()
            .map_err(backend_error)
    }

    async fn series_last_version(
        &self,
        case_id: &str,
        series: &str,
    ) -> Result<Option<i64>, StoreError> {
        query_scalar("SELECT MAX(version) FROM documents WHERE case_id = $1 AND series = $2")
            .bind(case_id)
            .bind(series)
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)
    }

    async fn document_usage(&self, case_id: &str) -> Result<(i64, i64), StoreError> {
        query_as::<_, (i64, i64)>(
            "SELECT COUNT(*), CAST(COALESCE(SUM(size), 0) AS BIGINT) \
             FROM documents WHERE case_id = $1",
        )
        .bind(case_id)
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)
    }

    async fn all_documents(&self) -> Result<Vec<DocumentRecord>, StoreError> {
        let rows = query(sqlx::AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents ORDER BY uploaded_at_ms, id"
        )))
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(document_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend_error)
    }
}
