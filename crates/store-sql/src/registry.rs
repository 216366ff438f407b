//! States' exclusion declarations and the profiles' recorded versions (`RegistryStore`).

use accord_app::ports::{RegistryStore, StoreError};
use accord_domain::party::{CountryCode, ExclusionDeclaration};
use accord_domain::rule_change::ProfileVersion;
use async_trait::async_trait;

use crate::sql::{ReadColumn, query};
use crate::{Dialect, SqlStore, backend_error};

#[async_trait]
impl<D: Dialect> RegistryStore for SqlStore<D> {
    async fn add_declaration(&self, d: &ExclusionDeclaration) -> Result<(), StoreError> {
        let cats =
            serde_json::to_string(&d.categories).map_err(|e| StoreError::Backend(e.to_string()))?;
        query(
            "INSERT INTO exclusion_declarations (id, state, categories, text, effective_from_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&d.id)
        .bind(d.state.as_str())
        .bind(cats)
        .bind(&d.text)
        .bind(d.effective_from.as_millisecond())
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn declarations(&self) -> Result<Vec<ExclusionDeclaration>, StoreError> {
        let rows = query("SELECT * FROM exclusion_declarations ORDER BY state, id")
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                let bad = |m: String| StoreError::Backend(format!("declaration row: {m}"));
                let state: String = r.read("state").map_err(backend_error)?;
                let cats: String = r.read("categories").map_err(backend_error)?;
                let ms: i64 = r.read("effective_from_ms").map_err(backend_error)?;
                Ok(ExclusionDeclaration {
                    id: r.read("id").map_err(backend_error)?,
                    state: CountryCode::parse(&state).map_err(|e| bad(e.to_string()))?,
                    categories: serde_json::from_str(&cats).map_err(|e| bad(e.to_string()))?,
                    text: r.read("text").map_err(backend_error)?,
                    effective_from: jiff::Timestamp::from_millisecond(ms)
                        .map_err(|e| bad(e.to_string()))?,
                })
            })
            .collect()
    }

    async fn add_profile_version(&self, v: &ProfileVersion) -> Result<(), StoreError> {
        let profile =
            serde_json::to_string(&v.profile).map_err(|e| StoreError::Backend(e.to_string()))?;
        let in_force_from = v
            .in_force_from()
            .ok_or_else(|| StoreError::Backend("a recorded version names its decision".into()))?;
        query(
            "INSERT INTO profile_versions \
             (profile_id, version, in_force_from_ms, profile, recorded_by, recorded_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&v.profile.id)
        .bind(i64::from(v.profile.version))
        .bind(in_force_from.as_millisecond())
        .bind(profile)
        .bind(&v.recorded_by)
        .bind(v.recorded_at.as_millisecond())
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn profile_versions(&self) -> Result<Vec<ProfileVersion>, StoreError> {
        let rows = query("SELECT * FROM profile_versions ORDER BY profile_id, version")
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                let bad = |m: String| StoreError::Backend(format!("profile version row: {m}"));
                let profile: String = r.read("profile").map_err(backend_error)?;
                let ms: i64 = r.read("recorded_at_ms").map_err(backend_error)?;
                Ok(ProfileVersion {
                    profile: serde_json::from_str(&profile).map_err(|e| bad(e.to_string()))?,
                    recorded_by: r.read("recorded_by").map_err(backend_error)?,
                    recorded_at: jiff::Timestamp::from_millisecond(ms)
                        .map_err(|e| bad(e.to_string()))?,
                })
            })
            .collect()
    }
}
