//! Accounts and sessions: Argon2id passwords, server-side sessions addressed by a random token
//! whose SHA-256 alone is stored.

use std::sync::OnceLock;

use accord_domain::{Actor, GlobalRole, policy};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ports::{SessionRecord, UserRecord};
use crate::{Accord, AppError};

/// Limits on account fields.
pub mod limits {
    /// Shortest password accepted.
    pub const PASSWORD_MIN: usize = 12;
    /// Longest password accepted (bounds the hashing work).
    pub const PASSWORD_MAX: usize = 256;
    /// Longest user name.
    pub const USERNAME_MAX: usize = 64;
}

/// Input for a new account.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Sign-in name: 3–64 of `a-z 0-9 . _ - @`.
    pub username: String,
    /// The name others see (a person's full name); never used to sign in.
    pub display_name: String,
    /// `secretariat`, `mediator`, `party-user` or `operator`.
    pub role: String,
    /// At least 12 characters.
    pub password: String,
}

/// A member of the panel of mediators, as the parties see it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct PanelMember {
    /// The mediator's account id (what `propose-mediator` and `nominate-mediator` name).
    pub user_id: String,
    /// The mediator's name.
    pub name: String,
    /// Nationality (ISO 3166-1 alpha-2), as the Secretariat recorded it.
    #[serde(default)]
    pub nationality: Option<String>,
    /// Working languages (ISO 639-1 codes such as `fr`), as the Secretariat recorded them.
    #[serde(default)]
    pub languages: Vec<String>,
}

/// A mediator's entry on the panel: what the parties choose by besides the name. Kept by the
/// Secretariat (`POST /api/v1/users/{id}/panel-profile`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelProfile {
    /// Nationality: an ISO 3166-1 alpha-2 code such as `SN`.
    #[serde(default)]
    pub nationality: Option<String>,
    /// Working languages: ISO 639-1 codes (two lower-case letters) such as `fr`, at most 12.
    #[serde(default)]
    pub languages: Vec<String>,
}

impl PanelProfile {
    /// Most working languages on one entry.
    pub const LANGUAGES_MAX: usize = 12;

    /// Checks the entry: a well-formed country code and language codes, none twice
    /// (`invalid-panel-profile` otherwise).
    pub fn checked(mut self) -> Result<PanelProfile, AppError> {
        let bad = |m: String| AppError::invalid("invalid-panel-profile", m);
        if let Some(n) = &self.nationality {
            accord_domain::party::CountryCode::parse(n).map_err(|e| bad(e.to_string()))?;
        }
        if self.languages.len() > Self::LANGUAGES_MAX {
            return Err(bad(format!(
                "at most {} working languages",
                Self::LANGUAGES_MAX
            )));
        }
        for l in &self.languages {
            if l.len() != 2 || !l.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err(bad(format!(
                    "'{l}' is not an ISO 639-1 language code (two lower-case letters, such as fr)"
                )));
            }
        }
        let before = self.languages.len();
        let mut seen = std::collections::BTreeSet::new();
        self.languages.retain(|l| seen.insert(l.clone()));
        if self.languages.len() != before {
            return Err(bad("a language is given twice".into()));
        }
        Ok(self)
    }
}

/// A signed-in user as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct UserView {
    /// Its id (UUIDv7), stable for the record's life.
    pub id: String,
    /// Sign-in name.
    pub username: String,
    /// The name others see (a person's full name); never used to sign in.
    pub display_name: String,
    /// Stable name of the global role (`secretariat`, `mediator`, `party-user`, `staff`, …).
    pub role: String,
    /// Preferred language of pages, if chosen.
    #[serde(default)]
    pub language: Option<String>,
    /// Time zone of dates and times on pages (IANA name), if chosen.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// A second factor (an authenticator app) is confirmed for the account and asked at sign-in.
    #[serde(default)]
    pub second_factor: bool,
}

impl From<&UserRecord> for UserView {
    fn from(u: &UserRecord) -> Self {
        UserView {
            id: u.id.clone(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.clone(),
            language: u.language.clone(),
            time_zone: u.time_zone.clone(),
            second_factor: u.totp_enabled,
        }
    }
}

/// The longest time-zone name accepted (IANA names are far shorter).
const MAX_TIME_ZONE_LEN: usize = 64;

/// Checks a preference pair: a language Accord speaks and a time zone the system knows.
pub fn validate_preferences(
    language: Option<&str>,
    time_zone: Option<&str>,
) -> Result<(), AppError> {
    if let Some(l) = language
        && !accord_domain::settlement::LANGUAGES.contains(&l)
    {
        return Err(AppError::invalid(
            "unsupported-language",
            format!(
                "'{l}' is not a language of Accord; choose one of: {}",
                accord_domain::settlement::LANGUAGES.join(", ")
            ),
        ));
    }
    if let Some(z) = time_zone
        && (z.len() > MAX_TIME_ZONE_LEN || jiff::tz::TimeZone::get(z).is_err())
    {
        return Err(AppError::invalid(
            "unknown-time-zone",
            "the time zone is not known; use an IANA name such as Asia/Hong_Kong or Europe/Paris",
        ));
    }
    Ok(())
}

/// A new session: the token is shown once and never stored.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewSession {
    /// The bearer token (also set as the session cookie by the web layer).
    pub token: String,
    /// Echo this in `X-CSRF-Token` on unsafe requests authenticated by the cookie.
    pub csrf_token: String,
    /// The session may only enrol a second factor until one is confirmed.
    pub second_factor_enrolment_required: bool,
    /// When it expires unless used (RFC 3339).
    pub expires_at: String,
    /// The account signed in to (what `GET /api/v1/me` returns).
    pub user: UserView,
}

/// An authenticated request's principal.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The actor for use cases.
    pub actor: Actor,
    /// The session's account as loaded for this request (names, role, page preferences).
    pub user: UserView,
    /// SHA-256 of the session token.
    pub token_hash: String,
    /// The session may only enrol a second factor.
    pub second_factor_pending: bool,
    /// Last re-authentication (ms).
    pub reauth_at_ms: Option<i64>,
    /// The session's CSRF token.
    pub csrf_token: String,
}

/// A sign-in request.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// User name.
    pub username: String,
    /// The password as typed, checked against the Argon2id hash; over 256 characters fails
    /// without hashing.
    pub password: String,
    /// The current TOTP code, for accounts with a second factor.
    pub totp: Option<String>,
    /// The source address, for throttling.
    pub source: Option<String>,
}

/// A second factor being enrolled.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TotpEnrolment {
    /// The shared secret, base32 (type it into an authenticator app).
    pub secret: String,
    /// The `otpauth://` URL (render it as a QR code).
    pub otpauth_url: String,
}

/// SHA-256 hex of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// 256 random bits as hex (session tokens, CSRF tokens, reset links).
pub(crate) fn random_token() -> Result<String, AppError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| AppError::Storage(format!("no randomness: {e}")))?;
    Ok(hex::encode(b))
}

/// Hashes a password with Argon2id (default parameters: m = 19 MiB, t = 2, p = 1).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Storage(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// A hash to verify against when the account does not exist, so that unknown and known accounts
/// cost the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("accord-dummy-password").unwrap_or_default())
}

/// Characters a display name may not hold: controls (NUL and every other C0 or C1 control),
/// and the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and
/// marks (U+200E, U+200F, U+061C) that could make a name read as another where it is shown.
pub fn forbidden_in_display_name(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

/// Checks a display name: 1 to 200 characters, none of them forbidden.
pub fn validate_display_name(name: &str) -> Result<(), AppError> {
    if name.trim().is_empty()
        || name.chars().count() > 200
        || name.chars().any(forbidden_in_display_name)
    {
        return Err(AppError::invalid(
            "invalid-display-name",
            "a display name is 1 to 200 characters, without control or text-direction characters",
        ));
    }
    Ok(())
}

/// Checks a new password's length (12 to 256 characters).
pub fn validate_password(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if !(limits::PASSWORD_MIN..=limits::PASSWORD_MAX).contains(&n) {
        return Err(AppError::invalid(
            "weak-password",
            format!(
                "a password is {} to {} characters",
                limits::PASSWORD_MIN,
                limits::PASSWORD_MAX
            ),
        ));
    }
    Ok(())
}

fn validate_new_user(u: &NewUser) -> Result<GlobalRole, AppError> {
    let name_ok = (3..=limits::USERNAME_MAX).contains(&u.username.len())
        && u.username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-@".contains(&b));
    if !name_ok {
        return Err(AppError::invalid(
            "invalid-username",
            "a user name is 3 to 64 of: lower-case letters, digits, '.', '_', '-', '@'",
        ));
    }
    validate_display_name(&u.display_name)?;
    validate_password(&u.password)?;
    GlobalRole::parse(&u.role).ok_or_else(|| {
        AppError::invalid(
            "invalid-role",
            "role is one of: secretariat, staff, mediator, party-user, operator, governing-council",
        )
    })
}

impl Accord {
    /// Creates an account without an acting user (the `accord admin create-user` bootstrap).
    pub async fn bootstrap_user(&self, u: NewUser) -> Result<UserView, AppError> {
        let role = validate_new_user(&u)?;
        let password = u.password.clone();
        let hash = self
            .password_work(move || hash_password(&password))
            .await??;
        let rec = UserRecord {
            id: Accord::new_id(),
            username: u.username,
            display_name: u.display_name.trim().to_owned(),
            role: role.as_str().to_owned(),
            password_hash: hash,
            disabled: false,
            created_at_ms: self.clock.now().as_millisecond(),
            totp_secret: None,
            language: None,
            time_zone: None,
            panel_profile: None,
            totp_enabled: false,
        };
        self.store.create_user(&rec).await?;
        Ok(UserView::from(&rec))
    }

    /// Creates an account on behalf of an actor (the Secretariat).
    pub async fn create_user(&self, actor: &Actor, u: NewUser) -> Result<UserView, AppError> {
        if !policy::can_administer_institution(actor) {
            return Err(AppError::Forbidden);
        }
        self.bootstrap_user(u).await
    }

    /// The panel of mediators the parties choose from (every signed-in user): enabled mediator
    /// accounts, by id and the name others see, in name order. Nothing else of an account.
    pub async fn mediator_panel(&self, actor: &Actor) -> Result<Vec<PanelMember>, AppError> {
        if !policy::can_view_mediator_panel(actor) {
            return Err(AppError::Unauthenticated);
        }
        let mut panel: Vec<PanelMember> = self
            .store
            .list_users()
            .await?
            .into_iter()
            .filter(|u| u.role == GlobalRole::Mediator.as_str() && !u.disabled)
            .map(|u| {
                let entry: PanelProfile = u
                    .panel_profile
                    .as_deref()
                    .and_then(|p| serde_json::from_str(p).ok())
                    .unwrap_or_default();
                PanelMember {
                    user_id: u.id,
                    name: u.display_name,
                    nationality: entry.nationality,
                    languages: entry.languages,
                }
            })
            .collect();
        panel.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(panel)
    }

    /// A nomination or a party's proposal names a mediator on the panel: an enabled mediator
    /// account (`not-on-panel` otherwise, after the step's own guards and content checks). A
    /// mediator's seat opens every caucus, so it goes to no other account.
    pub(crate) async fn check_nominee(&self, cmd: &accord_domain::Command) -> Result<(), AppError> {
        use accord_domain::Command as C;
        let (C::NominateMediator {
            mediator_user_id, ..
        }
        | C::ProposeMediator {
            mediator_user_id, ..
        }) = cmd
        else {
            return Ok(());
        };
        let on_panel = self
            .store
            .user_by_id(mediator_user_id)
            .await?
            .is_some_and(|u| u.role == GlobalRole::Mediator.as_str() && !u.disabled);
        if on_panel {
            Ok(())
        } else {
            Err(AppError::invalid(
                "not-on-panel",
                format!(
                    "'{mediator_user_id}' is not a mediator on the panel; choose one from \
                     GET /api/v1/mediators"
                ),
            ))
        }
    }

    /// A party's proposal that leaves the mediator's name out takes the panel's name of that
    /// mediator (the party chose from the panel; it need not type the name again).
    pub(crate) async fn with_panel_name(
        &self,
        cmd: &accord_domain::Command,
    ) -> Result<accord_domain::Command, AppError> {
        let accord_domain::Command::ProposeMediator {
            party,
            mediator_user_id,
            name,
            nationality,
        } = cmd
        else {
            return Ok(cmd.clone());
        };
        if !name.trim().is_empty() {
            return Ok(cmd.clone());
        }
        let panel_name = self
            .store
            .user_by_id(mediator_user_id)
            .await?
            .filter(|u| u.role == GlobalRole::Mediator.as_str() && !u.disabled)
            .map(|u| u.display_name)
            .unwrap_or_default();
        Ok(accord_domain::Command::ProposeMediator {
            party: party.clone(),
            mediator_user_id: mediator_user_id.clone(),
            name: panel_name,
            nationality: nationality.clone(),
        })
    }

    /// Lists accounts (Secretariat only).
    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<UserView>, AppError> {
        if !policy::can_administer_institution(actor) {
            return Err(AppError::Forbidden);
        }
        Ok(self
            .store
            .list_users()
            .await?
            .iter()
            .map(UserView::from)
            .collect())
    }

    /// Runs Argon2 work on the blocking pool, at most `password_hash_concurrency` at once in
    /// this process (each hash takes 19 MiB); the rest wait their turn.
    pub(crate) async fn password_work<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self
            .password_work
            .acquire()
            .await
            .map_err(|e| AppError::Storage(format!("password hashing stopped: {e}")))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| AppError::Storage(e.to_string()))
    }

    /// Reserves one attempt against the account name's throttle (and the source address's, when
    /// known) before any hashing. The reservation counts as a failure unless released by
    /// [`Accord::attempt_succeeded`]; at the limit the attempt is refused without being evaluated.
    pub(crate) async fn reserve_attempt(
        &self,
        username: &str,
        source: Option<&str>,
    ) -> Result<String, AppError> {
        let now = self.clock.now().as_millisecond();
        let window = now - self.settings.throttle_window_seconds * 1000;
        let retry = AppError::TooManyAttempts {
            retry_after_seconds: self.settings.throttle_window_seconds,
        };
        let attempt = Accord::new_id();
        // A name longer than any account's cannot sign in; its key is cut so the table stays small.
        let name: String = username
            .to_lowercase()
            .chars()
            .take(limits::USERNAME_MAX + 1)
            .collect();
        if !self
            .store
            .reserve_login_attempt(
                &format!("user:{name}"),
                &attempt,
                now,
                window,
                self.settings.throttle_per_account,
            )
            .await?
        {
            return Err(retry);
        }
        if let Some(a) = source
            && !self
                .store
                .reserve_login_attempt(
                    &format!("addr:{a}"),
                    &attempt,
                    now,
                    window,
                    self.settings.throttle_per_address,
                )
                .await?
        {
            self.store.release_login_attempt(&attempt).await?;
            return Err(retry);
        }
        Ok(attempt)
    }

    /// Settles a reserved attempt: a success (or a failure that is no guess, such as a storage
    /// fault) takes the reservation back; a wrong password or code leaves it counted.
    pub(crate) async fn settle_attempt<T>(
        &self,
        attempt: &str,
        result: Result<T, AppError>,
    ) -> Result<T, AppError> {
        let guessed = matches!(
            result,
            Err(AppError::BadCredentials | AppError::SecondFactorRequired)
                | Err(AppError::Invalid {
                    code: "wrong-code",
                    ..
                })
        );
        if !guessed {
            self.store.release_login_attempt(attempt).await?;
        }
        result
    }

    /// Signs in. The attempt is reserved against the throttle per account name and per source
    /// address before any password hashing (atomically, in the database), so concurrent guesses
    /// cannot exceed the limit; unknown accounts, disabled accounts and wrong passwords give the
    /// same error after the same hashing work. Accounts with a confirmed second factor must send
    /// a current TOTP code not used before; roles that require one but have none get a session
    /// that may only enrol.
    pub async fn login(&self, c: &Credentials) -> Result<NewSession, AppError> {
        let attempt = self
            .reserve_attempt(&c.username, c.source.as_deref())
            .await?;
        let checked = self.check_credentials(c).await;
        let user = self.settle_attempt(&attempt, checked).await?;
        let now = self.clock.now().as_millisecond();
        let role = GlobalRole::parse(&user.role).ok_or(AppError::BadCredentials)?;
        let pending = !user.totp_enabled && self.settings.second_factor_roles.contains(&role);
        let token = random_token()?;
        let csrf = random_token()?;
        let absolute = now + self.settings.session_absolute_seconds * 1000;
        let expires = (now + self.settings.session_idle_seconds * 1000).min(absolute);
        self.store
            .create_session(&SessionRecord {
                token_hash: token_hash(&token),
                user_id: user.id.clone(),
                created_at_ms: now,
                expires_at_ms: expires,
                absolute_expires_at_ms: absolute,
                second_factor_pending: pending,
                reauth_at_ms: Some(now),
                csrf_token: csrf.clone(),
            })
            .await?;
        let expires_at = jiff::Timestamp::from_millisecond(expires)
            .map(|t| t.to_string())
            .unwrap_or_default();
        Ok(NewSession {
            token,
            csrf_token: csrf,
            second_factor_enrolment_required: pending,
            expires_at,
            user: UserView::from(&user),
        })
    }

    /// Checks a password (and the TOTP code where enrolled) with constant hashing work.
    pub(crate) async fn check_credentials(&self, c: &Credentials) -> Result<UserRecord, AppError> {
        if c.password.chars().count() > limits::PASSWORD_MAX
            || c.username.len() > limits::USERNAME_MAX
        {
            return Err(AppError::BadCredentials);
        }
        let user = self.store.user_by_username(&c.username).await?;
        let phc = user
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| dummy_hash().to_owned());
        let pw = c.password.clone();
        let ok = self
            .password_work(move || verify_password(&pw, &phc))
            .await?;
        let user = match user {
            Some(u) if ok && !u.disabled => u,
            _ => return Err(AppError::BadCredentials),
        };
        if user.totp_enabled {
            let code = c.totp.as_deref().ok_or(AppError::SecondFactorRequired)?;
            if !self.accept_totp(&user, code).await? {
                return Err(AppError::SecondFactorRequired);
            }
        }
        Ok(user)
    }

    fn totp_for(&self, user: &UserRecord) -> Result<Option<totp_rs::Totp>, AppError> {
        let Some(sealed) = &user.totp_secret else {
            return Ok(None);
        };
        let seed = self
            .keys_master()
            .open_secret(&format!("totp:{}", user.id), sealed)
            .map_err(|e| AppError::from_key("second factor", &user.id, e))?;
        totp_rs::Builder::new()
            .with_secret(seed)
            .with_account_name(user.username.clone())
            .with_issuer(Some("Accord"))
            .build()
            .map(Some)
            .map_err(|e| AppError::integrity("second factor", format!("{}: {e}", user.id)))
    }

    /// Accepts a code once only (RFC 6238 §5.2): it must match a step of the current window and
    /// that step must be later than the last one accepted for the account, which is recorded in
    /// the database in the same step (so a replay fails on every instance, even concurrently).
    async fn accept_totp(&self, user: &UserRecord, code: &str) -> Result<bool, AppError> {
        let Some(totp) = self.totp_for(user)? else {
            return Ok(false);
        };
        let code = code.trim();
        let now = u64::try_from(self.clock.now().as_second()).unwrap_or(0);
        if code.len() != 6 {
            return Ok(false);
        }
        let Some(step) = totp.check(code, now) else {
            return Ok(false);
        };
        let Ok(step) = i64::try_from(step) else {
            return Ok(false);
        };
        Ok(self.store.accept_totp_step(&user.id, step).await?)
    }

    /// Starts (or restarts) second-factor enrolment for the signed-in user.
    pub async fn enrol_totp(&self, p: &Principal) -> Result<TotpEnrolment, AppError> {
        let user = self
            .store
            .user_by_id(&p.user.id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if user.totp_enabled {
            return Err(AppError::invalid(
                "second-factor-already-enrolled",
                "a second factor is already confirmed for this account",
            ));
        }
        let mut seed = [0u8; 20];
        getrandom::fill(&mut seed).map_err(|e| AppError::Storage(e.to_string()))?;
        let sealed = self
            .keys_master()
            .seal_secret(&format!("totp:{}", user.id), &seed)
            .map_err(|e| AppError::Storage(e.to_string()))?;
        self.store.set_totp(&user.id, Some(&sealed), false).await?;
        let user = UserRecord {
            totp_secret: Some(sealed),
            ..user
        };
        let totp = self.totp_for(&user)?.ok_or(AppError::Unauthenticated)?;
        Ok(TotpEnrolment {
            secret: totp_rs::Secret::from(seed.to_vec()).to_base32(),
            otpauth_url: totp
                .to_url()
                .map_err(|e| AppError::Storage(e.to_string()))?,
        })
    }

    /// Confirms enrolment with a current code; the session is then complete.
    pub async fn confirm_totp(&self, p: &Principal, code: &str) -> Result<(), AppError> {
        let user = self
            .store
            .user_by_id(&p.user.id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if user.totp_secret.is_none() || user.totp_enabled {
            return Err(AppError::invalid(
                "no-enrolment-pending",
                "start enrolment first (POST /api/v1/me/totp)",
            ));
        }
        // Throttled like a sign-in: each wrong code counts against the account.
        let attempt = self.reserve_attempt(&user.username, None).await?;
        let matched = match self.accept_totp(&user, code).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(AppError::invalid(
                "wrong-code",
                "the code does not match or was used already; wait for the next code of the authenticator app",
            )),
            Err(e) => Err(e),
        };
        self.settle_attempt(&attempt, matched).await?;
        self.store
            .set_totp(&user.id, user.totp_secret.as_deref(), true)
            .await?;
        self.store
            .update_session(&p.token_hash, false, p.reauth_at_ms)
            .await?;
        Ok(())
    }

    /// Re-authenticates the session (password, and the code where enrolled) for acts that need a
    /// fresh confirmation, such as signing. Throttled like sign-in (per account, and per source
    /// address when given); a code is accepted once only here too.
    pub async fn reauthenticate(
        &self,
        p: &Principal,
        password: &str,
        totp: Option<String>,
        source: Option<&str>,
    ) -> Result<(), AppError> {
        let c = Credentials {
            username: p.user.username.clone(),
            password: password.to_owned(),
            totp,
            source: source.map(str::to_owned),
        };
        // Throttled like a sign-in, with the reservation taken before any hashing.
        let attempt = self.reserve_attempt(&c.username, source).await?;
        let checked = self.check_credentials(&c).await;
        self.settle_attempt(&attempt, checked).await?;
        let now = self.clock.now().as_millisecond();
        self.store
            .update_session(&p.token_hash, p.second_factor_pending, Some(now))
            .await?;
        Ok(())
    }

    /// Refuses an act that needs a recent re-authentication when the session's is too old.
    pub fn require_fresh_authentication(&self, p: &Principal) -> Result<(), AppError> {
        let now = self.clock.now().as_millisecond();
        match p.reauth_at_ms {
            Some(t) if now - t <= self.settings.reauth_seconds * 1000 => Ok(()),
            _ => Err(AppError::ReauthenticationRequired),
        }
    }

    /// Disables or re-enables an account (Secretariat); disabling ends its sessions at once.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        user_id: &str,
        disabled: bool,
    ) -> Result<(), AppError> {
        if !policy::can_administer_institution(actor) {
            return Err(AppError::Forbidden);
        }
        if !self.store.set_user_disabled(user_id, disabled).await? {
            return Err(AppError::NotFound { what: "user" });
        }
        Ok(())
    }

    /// Records a mediator's panel entry (Secretariat): nationality and working languages, shown
    /// to the parties who choose from the panel. Only a mediator's account has one.
    pub async fn set_panel_profile(
        &self,
        actor: &Actor,
        user_id: &str,
        entry: PanelProfile,
    ) -> Result<(), AppError> {
        if !policy::can_administer_institution(actor) {
            return Err(AppError::Forbidden);
        }
        let entry = entry.checked()?;
        let user = self
            .store
            .user_by_id(user_id)
            .await?
            .ok_or(AppError::NotFound { what: "user" })?;
        if user.role != GlobalRole::Mediator.as_str() {
            return Err(AppError::invalid(
                "invalid-panel-profile",
                "only a mediator's account is on the panel",
            ));
        }
        let json = serde_json::to_string(&entry)
            .map_err(|e| AppError::Storage(format!("a panel entry: {e}")))?;
        if !self.store.set_panel_profile(user_id, Some(&json)).await? {
            return Err(AppError::NotFound { what: "user" });
        }
        Ok(())
    }

    /// Changes an account's institution-wide role (Secretariat) and ends the account's sessions:
    /// the user signs in again under the new role, enrolling a second factor first where the new
    /// role needs one (a session opened under the old role never skips that step).
    pub async fn set_user_role(
        &self,
        actor: &Actor,
        user_id: &str,
        role: &str,
    ) -> Result<(), AppError> {
        if !policy::can_administer_institution(actor) {
            return Err(AppError::Forbidden);
        }
        let role = GlobalRole::parse(role).ok_or_else(|| {
            AppError::invalid(
                "invalid-role",
                "role is one of: secretariat, staff, mediator, party-user, operator, governing-council",
            )
        })?;
        if !self.store.set_user_role(user_id, role.as_str()).await? {
            return Err(AppError::NotFound { what: "user" });
        }
        let now = self.clock.now().as_millisecond();
        loop {
            let live = self.store.sessions_of(user_id, now).await?;
            if live.is_empty() {
                return Ok(());
            }
            for s in live {
                self.store.delete_session_of(user_id, &s.token_hash).await?;
            }
        }
    }

    /// The account behind a sign-in name, for naming a representative in a filing: only actors
    /// who may file requests may ask, only an exact and enabled name answers, and the answer is
    /// the id and display name (nothing else about the account).
    pub async fn representative_by_username(
        &self,
        actor: &Actor,
        username: &str,
    ) -> Result<Option<UserView>, AppError> {
        if !policy::can_file_request(actor) {
            return Err(AppError::Forbidden);
        }
        Ok(self
            .store
            .user_by_username(username.trim())
            .await?
            .filter(|u| !u.disabled)
            .map(|u| UserView {
                language: None,
                time_zone: None,
                second_factor: false,
                ..UserView::from(&u)
            }))
    }

    /// The sign-in names of the representatives a draft names (user id → sign-in name), so that
    /// the requesting party's edit form shows them as they were typed. Only for a draft the actor
    /// may amend: its own, before it is submitted.
    pub async fn draft_representative_names(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<std::collections::BTreeMap<String, String>, AppError> {
        let step = accord_domain::step::Step::new(accord_domain::CommandKind::AmendDraft);
        let open = self.open_actions(actor, case_id, &[step]).await?;
        if !matches!(open.as_slice(), [crate::cases::Openness::Open]) {
            return Err(AppError::Forbidden);
        }
        let view = self.case_view(actor, case_id).await?;
        let mut names = std::collections::BTreeMap::new();
        let mut ids: Vec<String> = vec![];
        for p in &view.case.parties {
            ids.extend(p.representatives.iter().map(|r| r.user_id.clone()));
        }
        for t in &view.case.third_states {
            ids.extend(t.representatives.iter().cloned());
        }
        // Only the accounts a filing may name (enabled party users): a draft naming anyone else
        // by id learns nothing of their sign-in name.
        for id in ids {
            if let Some(u) = self.store.user_by_id(&id).await?
                && !u.disabled
                && u.role == GlobalRole::PartyUser.as_str()
            {
                names.insert(id, u.username);
            }
        }
        Ok(names)
    }

    /// Stores the signed-in user's language and time zone for pages (`None` clears a choice).
    pub async fn set_preferences(
        &self,
        p: &Principal,
        language: Option<&str>,
        time_zone: Option<&str>,
    ) -> Result<(), AppError> {
        validate_preferences(language, time_zone)?;
        if !self
            .store
            .set_user_preferences(&p.user.id, language, time_zone)
            .await?
        {
            return Err(AppError::NotFound { what: "user" });
        }
        Ok(())
    }

    /// Resolves a session token to its principal, extending the session (up to its absolute
    /// lifetime). Disabled users and expired sessions are refused.
    pub async fn authenticate(&self, token: &str) -> Result<Principal, AppError> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::Unauthenticated);
        }
        let now = self.clock.now().as_millisecond();
        let th = token_hash(token);
        let Some((session, user)) = self.store.session(&th, now).await? else {
            return Err(AppError::Unauthenticated);
        };
        let Some(role) = GlobalRole::parse(&user.role) else {
            return Err(AppError::Unauthenticated);
        };
        if user.disabled {
            return Err(AppError::Unauthenticated);
        }
        // Idle expiry moves on with use, never past the absolute lifetime.
        let new_expiry =
            (now + self.settings.session_idle_seconds * 1000).min(session.absolute_expires_at_ms);
        // Extend at most once a minute to keep reads from writing on every request.
        if new_expiry - session.expires_at_ms > 60_000 {
            self.store.touch_session(&th, new_expiry).await?;
        }
        Ok(Principal {
            actor: Actor::User {
                id: user.id.clone(),
                role,
            },
            user: UserView::from(&user),
            token_hash: th,
            second_factor_pending: session.second_factor_pending,
            reauth_at_ms: session.reauth_at_ms,
            csrf_token: session.csrf_token,
        })
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        self.store.delete_session(&token_hash(token)).await?;
        Ok(())
    }
}
