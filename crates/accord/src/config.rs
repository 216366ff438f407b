//! Layered configuration: defaults → `accord.toml` → `ACCORD_*` environment → command-line flags.

use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The deployment's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Data folder: SQLite database, file storage and the master key (embedded default).
    pub data: PathBuf,
    /// Listen address.
    pub listen: String,
    /// Database URL: `sqlite://…` or `postgres://…` (default: `<data>/accord.sqlite3`).
    pub database_url: Option<String>,
    /// Document storage URL: `file://…` (default: `<data>/objects`).
    pub storage_url: Option<String>,
    /// Mark the session cookie `Secure` (set when served over TLS).
    pub secure_cookies: bool,
    /// Seconds between scheduler passes.
    pub scheduler_interval_secs: u64,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// Hours a session lives without use.
    pub session_idle_hours: i64,
    /// Hours a session lives at most, however much it is used (1 to 720; at least the idle
    /// time).
    #[serde(default = "default_session_absolute_hours")]
    pub session_absolute_hours: i64,
    /// Hours a password-reset link works (1 to 720).
    #[serde(default = "default_reset_link_hours")]
    pub reset_link_hours: i64,
    /// Hours a stored idempotent response is kept and replayed (1 to 720); swept afterwards.
    #[serde(default = "default_idempotency_retention_hours")]
    pub idempotency_retention_hours: i64,
    /// Log filter (tracing `EnvFilter` syntax), such as `info` or `accord=debug`.
    pub log: String,
    /// Roles that must sign in with a second factor (TOTP).
    pub second_factor_roles: Vec<String>,
    /// Largest document upload, in MiB.
    #[serde(default = "default_max_upload_mib")]
    pub max_upload_mib: u64,
    /// The address at which the public reaches this deployment, printed in attestations as the
    /// verification page's address (default: `http://` and the listen address).
    #[serde(default)]
    pub public_url: Option<String>,
    /// Log lines as `json` (one object per line) or `text`; by default text on a terminal and
    /// JSON otherwise (never colour codes when the output is not a terminal).
    #[serde(default)]
    pub log_format: Option<String>,
    /// A bearer token that opens `GET /metrics` on the main listener (at least 16 characters;
    /// unset: the route answers as if it did not exist).
    #[serde(default, deserialize_with = "text_or_number")]
    pub metrics_token: Option<String>,
    /// An address of their own for the metrics (`GET /metrics`, no token), such as
    /// `127.0.0.1:9090`.
    #[serde(default)]
    pub metrics_listen: Option<String>,
    /// How old, in seconds, an unreferenced stored object or unfinished upload must be before
    /// the start-up sweep removes it (default 3600: an upload in progress on another instance
    /// sharing the storage is younger). A single instance may set 0.
    #[serde(default = "default_storage_sweep_grace_secs")]
    pub storage_sweep_grace_secs: u64,
    /// The SMTP server notices are e-mailed through: `smtp://host:25` (clear, loopback only),
    /// `smtp://host:587?tls=required` (STARTTLS) or `smtps://host:465` (TLS). The user name and
    /// password come from `ACCORD_SMTP_USERNAME` and `ACCORD_SMTP_PASSWORD`. Unset: no e-mail
    /// (the inbox still works, and `serve` says so at start).
    #[serde(default)]
    pub smtp_url: Option<String>,
    /// The sender of the e-mails, such as `IOMed Secretariat <notices@iomed.example>`.
    #[serde(default = "default_mail_from")]
    pub mail_from: String,
    /// A meeting's video room address, with `{room}` where an unguessable name goes, such as
    /// `https://meet.jit.si/{room}`. Unset: meetings are held in a place.
    #[serde(default)]
    pub video_link_template: Option<String>,
    /// Seconds between notifier passes (notices, then e-mail).
    #[serde(default = "default_notifier_interval_secs")]
    pub notifier_interval_secs: u64,
}

fn default_mail_from() -> String {
    "Accord <accord@localhost.localdomain>".into()
}

fn default_notifier_interval_secs() -> u64 {
    5
}

impl Config {
    /// Whether the session cookie is marked `Secure`: when asked, and always when the public
    /// address is `https://` (a deployment behind TLS must never send the session in clear).
    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies
            || self
                .public_url
                .as_deref()
                .is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"))
    }
}

/// A secret given in the environment may look like a number (`ACCORD_METRICS_TOKEN=1234…`);
/// it is text all the same.
fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        Text(String),
        Unsigned(u128),
        Signed(i128),
    }
    Ok(Option::<Scalar>::deserialize(d)?.map(|s| match s {
        Scalar::Text(t) => t,
        Scalar::Unsigned(n) => n.to_string(),
        Scalar::Signed(n) => n.to_string(),
    }))
}

fn default_max_upload_mib() -> u64 {
    200
}

fn default_idempotency_retention_hours() -> i64 {
    24
}

fn default_session_absolute_hours() -> i64 {
    24
}

fn default_storage_sweep_grace_secs() -> u64 {
    3600
}

fn default_reset_link_hours() -> i64 {
    24
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data: PathBuf::from("./data"),
            listen: "127.0.0.1:8080".into(),
            database_url: None,
            storage_url: None,
            secure_cookies: false,
            scheduler_interval_secs: 60,
            max_body_bytes: 1024 * 1024,
            session_idle_hours: 8,
            idempotency_retention_hours: default_idempotency_retention_hours(),
            session_absolute_hours: default_session_absolute_hours(),
            reset_link_hours: default_reset_link_hours(),
            log: "info".into(),
            second_factor_roles: vec!["secretariat".into(), "mediator".into(), "operator".into()],
            public_url: None,
            max_upload_mib: default_max_upload_mib(),
            log_format: None,
            metrics_token: None,
            metrics_listen: None,
            storage_sweep_grace_secs: 3600,
            smtp_url: None,
            video_link_template: None,
            mail_from: default_mail_from(),
            notifier_interval_secs: default_notifier_interval_secs(),
        }
    }
}

/// Values given on the command line (they win over everything else).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    /// `--data`: the folder of the embedded deployment (SQLite, local documents, keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<PathBuf>,
    /// `--listen`: the address and port to serve on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// `--database-url`: PostgreSQL instead of the SQLite file under `data`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// `--storage-url`: S3 (or another object store) instead of files under `data`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_url: Option<String>,
}

impl Config {
    /// Loads the layers. `file` is `accord.toml` in the working directory unless given; a missing
    /// default file is fine, a missing explicit file is an error.
    pub fn load(file: Option<PathBuf>, flags: &Overrides) -> Result<Config, String> {
        let path = match &file {
            Some(p) => {
                if !p.exists() {
                    return Err(format!("configuration file {} does not exist", p.display()));
                }
                p.clone()
            }
            None => PathBuf::from("accord.toml"),
        };
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(path))
            .merge(Env::prefixed("ACCORD_").only(&[
                "data",
                "listen",
                "database_url",
                "storage_url",
                "secure_cookies",
                "scheduler_interval_secs",
                "max_body_bytes",
                "session_idle_hours",
                "idempotency_retention_hours",
                "session_absolute_hours",
                "reset_link_hours",
                "log",
                "second_factor_roles",
                "public_url",
                "max_upload_mib",
                "log_format",
                "metrics_token",
                "metrics_listen",
                "storage_sweep_grace_secs",
                "smtp_url",
                "video_link_template",
                "mail_from",
                "notifier_interval_secs",
            ]))
            .merge(Serialized::defaults(flags))
            .extract::<Config>()
            .map_err(|e| format!("configuration error: {e}"))
            .and_then(Config::checked)
    }

    /// Refuses values the service cannot run with safely.
    fn checked(self) -> Result<Config, String> {
        if let Some(t) = &self.video_link_template
            && (!t.starts_with("https://") || !t.contains("{room}"))
        {
            return Err(format!(
                "configuration error: video_link_template must be an https:// address with \
                 {{room}} where the room's name goes, such as https://meet.jit.si/{{room}} \
                 (not '{t}')"
            ));
        }
        if let Some(t) = &self.metrics_token
            && t.chars().count() < 16
        {
            return Err("configuration error: metrics_token must be at least 16 characters".into());
        }
        if let Some(f) = &self.log_format
            && !matches!(f.as_str(), "json" | "text")
        {
            return Err(format!(
                "configuration error: log_format is 'json' or 'text', not '{f}'"
            ));
        }
        Ok(self)
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.join("accord.sqlite3").display()))
    }

    /// The storage URL in effect (the default is the data folder's `objects`, as an absolute
    /// path).
    pub fn storage_url(&self) -> String {
        self.storage_url.clone().unwrap_or_else(|| {
            let dir = self.data.join("objects");
            let dir = std::path::absolute(&dir).unwrap_or(dir);
            format!("file://{}", dir.display())
        })
    }

    /// The configuration as TOML with secrets (passwords in URLs) redacted.
    pub fn redacted_toml(&self) -> String {
        let mut c = self.clone();
        c.database_url = Some(redact_url(&self.database_url()));
        c.storage_url = Some(redact_url(&self.storage_url()));
        if c.metrics_token.is_some() {
            c.metrics_token = Some("***".into());
        }
        c.smtp_url = self.smtp_url.as_deref().map(redact_url);
        toml::to_string_pretty(&c).unwrap_or_else(|e| format!("# cannot print: {e}"))
    }
}

/// Replaces the password (and secret query parameters) of a URL with `***`.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        let authority_end = out[rest_start..]
            .find('/')
            .map(|i| rest_start + i)
            .unwrap_or(out.len());
        if let Some(at) = out[rest_start..authority_end].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                let start = rest_start + colon + 1;
                let end = rest_start + at;
                out.replace_range(start..end, "***");
            }
        }
    }
    if let Some(q) = out.find('?') {
        let (base, query) = out.split_at(q + 1);
        let redacted: Vec<String> = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _))
                    if ["password", "secret", "key", "token"]
                        .iter()
                        .any(|s| k.to_ascii_lowercase().contains(s)) =>
                {
                    format!("{k}=***")
                }
                _ => kv.to_owned(),
            })
            .collect();
        out = format!("{base}{}", redacted.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_secure_behind_https_or_when_asked() {
        let mut c = Config::default();
        assert!(!c.cookies_secure(), "plain loopback HTTP by default");
        c.public_url = Some("HTTPS://mediation.example.org".into());
        assert!(c.cookies_secure());
        c.public_url = Some("http://127.0.0.1:8080".into());
        assert!(!c.cookies_secure());
        c.secure_cookies = true;
        assert!(c.cookies_secure());
    }

    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://accord:s3cret@db:5432/accord?sslmode=require&password=x"),
            "postgres://accord:***@db:5432/accord?sslmode=require&password=***"
        );
        assert_eq!(
            redact_url("sqlite://./data/a.sqlite3"),
            "sqlite://./data/a.sqlite3"
        );
        assert_eq!(
            redact_url("postgres://user@host/db"),
            "postgres://user@host/db"
        );
    }
}
