//! The rules cases are filed under: the procedural profiles in force, their recorded versions
//! (the audit trail of the governing bodies' decisions) and the recording of a decision.

use std::collections::BTreeMap;

use accord_domain::actor::Actor;
use accord_domain::policy;
use accord_domain::profile::Profile;
use accord_domain::rule_change::{self, DecisionInput, ProfileVersion};
use serde::Serialize;

use crate::ports::StoreError;
use crate::{Accord, AppError};

/// A profile's history: the preset (version 1), every recorded version and which is in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ProfileHistory {
    /// The preset shipped with Accord (version 1).
    pub preset: Profile,
    /// The versions the governing body's decisions made, oldest first, each with who recorded
    /// it and when.
    pub versions: Vec<ProfileVersion>,
    /// The version in force now (new requests are filed and screened under it).
    pub in_force: u32,
    /// The display names of those who recorded the versions, by user id.
    pub recorders: BTreeMap<String, String>,
}

impl Accord {
    /// The profiles new requests are filed under now: each preset at its version in force.
    pub async fn profiles_in_force(&self) -> Result<Vec<Profile>, AppError> {
        let versions = self.store.profile_versions().await?;
        let now = self.clock.now();
        Profile::presets()
            .iter()
            .map(|p| Ok(rule_change::in_force(&p.id, &versions, now)?))
            .collect()
    }

    /// The history of profile `id` (public rules: any signed-in user may read it).
    pub async fn profile_history(&self, id: &str) -> Result<ProfileHistory, AppError> {
        let preset = Profile::preset(id).map_err(|_| AppError::NotFound { what: "profile" })?;
        let versions: Vec<ProfileVersion> = self
            .store
            .profile_versions()
            .await?
            .into_iter()
            .filter(|v| v.profile.id == id)
            .collect();
        let in_force = rule_change::in_force(id, &versions, self.clock.now())?.version;
        let mut recorders = BTreeMap::new();
        for v in &versions {
            if !recorders.contains_key(&v.recorded_by)
                && let Some(u) = self.store.user_by_id(&v.recorded_by).await?
            {
                recorders.insert(v.recorded_by.clone(), u.display_name);
            }
        }
        Ok(ProfileHistory {
            preset,
            versions,
            in_force,
            recorders,
        })
    }

    /// Records a governing body's decision as the next version of profile `id` (the Secretariat
    /// or a member of the Governing Council). Two decisions recorded at once cannot both become
    /// the same version: the second is refused (`already-exists`) and is recorded again on the
    /// version the first made.
    pub async fn record_rule_decision(
        &self,
        actor: &Actor,
        id: &str,
        input: &DecisionInput,
    ) -> Result<ProfileVersion, AppError> {
        if !policy::can_record_rule_decision(actor) {
            return Err(AppError::Forbidden);
        }
        let by = actor.user_id().ok_or(AppError::Forbidden)?.to_owned();
        if Profile::preset(id).is_err() {
            return Err(AppError::NotFound { what: "profile" });
        }
        let versions = self.store.profile_versions().await?;
        let now = self.clock.now();
        let profile = rule_change::decide_rule_change(id, input, &versions, now)?;
        let version = ProfileVersion {
            profile,
            recorded_by: by,
            recorded_at: now,
        };
        match self.store.add_profile_version(&version).await {
            Ok(()) => {}
            Err(StoreError::Duplicate(_)) => {
                return Err(AppError::AlreadyExists {
                    message: format!(
                        "version {} of '{id}' was recorded meanwhile; read the rules again and \
                         record the decision on that version",
                        version.profile.version
                    ),
                });
            }
            Err(e) => return Err(e.into()),
        }
        tracing::info!(
            profile = %id,
            version = version.profile.version,
            by = %actor.log_name(),
            "rule decision recorded"
        );
        Ok(version)
    }
}
