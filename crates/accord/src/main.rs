//! `accord`: serve, migrate, verify-log, admin, config.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use accord::config::{Config, Overrides};
use accord_app::SystemClock;
use accord_app::accounts::NewUser;
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "accord",
    version,
    about = "Accord: international mediation, end to end"
)]
struct Cli {
    /// Configuration file (default: ./accord.toml if present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Cmd,
}

/// Where the deployment lives (the same options for every subcommand that touches it).
#[derive(Args, Clone, Default)]
struct Deployment {
    /// Data folder (default ./data).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://… (default: DATA/accord.sqlite3).
    #[arg(long)]
    database_url: Option<String>,
    /// Document storage URL: file://PATH (default: DATA/objects).
    #[arg(long)]
    storage_url: Option<String>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the server.
    Serve {
        #[command(flatten)]
        deployment: Deployment,
        /// Listen address (default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<String>,
        /// Load demo users and cases (once) and print their logins.
        #[arg(long)]
        demo: bool,
        /// Rehearsal server: the operator may move the clock forward (POST /api/v1/test-clock)
        /// and every lapse then due fires. Only with a loopback listen address; every page says
        /// so. Never for real cases.
        #[arg(long)]
        test_clock: bool,
    },
    /// Apply the database migrations and exit.
    Migrate {
        #[command(flatten)]
        deployment: Deployment,
    },
    /// Copy every document to another storage (file:///… or s3://…) with a progress bar,
    /// resumable, verifying each one's hash at the destination; then set storage_url to it.
    MigrateStorage {
        #[command(flatten)]
        deployment: Deployment,
        /// The destination storage URL.
        #[arg(long)]
        to: String,
    },
    /// Move the embedded SQLite database to PostgreSQL (stop the server first): every table in
    /// batches, resumable by running it again, then verified (counts, every case's chain head
    /// and chain, the transparency log and its root); then set database_url to it.
    MigrateDb {
        #[command(flatten)]
        deployment: Deployment,
        /// The PostgreSQL database (empty, or holding part of this same copy).
        #[arg(long)]
        to: String,
    },
    /// Back up the deployment while it runs: the database at one instant (SQLite copy or
    /// pg_dump), every stored document (as stored, encrypted), a signed checkpoint of the
    /// transparency log and a manifest of hashes. The master key only with --include-key.
    Backup {
        #[command(flatten)]
        deployment: Deployment,
        /// The backup folder (new or empty).
        #[arg(long)]
        to: PathBuf,
        /// Also write the master key into the backup (keep the backup as safe as the key).
        #[arg(long)]
        include_key: bool,
    },
    /// Restore a backup into an empty place (--data, and --database-url / --storage-url when
    /// not the defaults), then check every case chain, the transparency log against the
    /// backup's checkpoint and every document's hash.
    Restore {
        #[command(flatten)]
        deployment: Deployment,
        /// The backup folder.
        #[arg(long)]
        from: PathBuf,
        /// The master key file, for a backup taken without --include-key.
        #[arg(long)]
        key: Option<PathBuf>,
    },
    /// Rotate the master key (stop the server first): re-wraps every case key and sealed secret
    /// under a new key; documents stay readable with the new key and not with the old.
    RotateKeys {
        #[command(flatten)]
        deployment: Deployment,
    },
    /// Record a bounced e-mail: the mail system pipes each message returned to the
    /// `bounces+…@` sender into this command (an alias such as `bounces: "|accord mail-bounce"`);
    /// the notice it names is marked failed and listed to the Secretariat.
    MailBounce {
        #[command(flatten)]
        deployment: Deployment,
    },
    /// Verify every case's hash chain; names the first bad event of each broken chain.
    VerifyLog {
        #[command(flatten)]
        deployment: Deployment,
    },
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCmd,
    },
    /// Configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCmd,
    },
    /// Negotiation support.
    Negotiate {
        #[command(subcommand)]
        command: NegotiateCmd,
    },
    /// Verify an enforcement package offline: exit 0 when every signature, file and hash checks
    /// out; otherwise say what is wrong.
    Verify {
        /// The package (ZIP).
        package: PathBuf,
        /// The institution's public key (hex) to require; without it, the key named in the
        /// package is used and printed, to compare with the one the institution publishes.
        #[arg(long)]
        key: Option<String>,
    },
    /// The transparency log: signed checkpoints, consistency and inclusion proofs.
    Log {
        #[command(subcommand)]
        command: LogCmd,
    },
}

#[derive(Subcommand)]
enum LogCmd {
    /// Print a signed checkpoint of the whole log (events not yet admitted are admitted first).
    Checkpoint {
        #[command(flatten)]
        deployment: Deployment,
    },
    /// Check that the log still extends a checkpoint kept earlier: its signature, then a
    /// consistency proof from its size to today's log. Exit 0 when it does.
    Verify {
        #[command(flatten)]
        deployment: Deployment,
        /// The checkpoint file (the signed note as printed by `log checkpoint` or the API).
        checkpoint: PathBuf,
    },
    /// Print the proof that a case event is in the log, after checking it.
    Inclusion {
        #[command(flatten)]
        deployment: Deployment,
        /// The case's id (the UUIDv7 in its URL, not its reference).
        case_id: String,
        /// The event's id (as the case's events list gives it).
        event_id: String,
    },
}

#[derive(Subcommand)]
enum NegotiateCmd {
    /// The Pareto frontier and fair points of a scenario folder (Genius XML or GeniusWeb JSON).
    Analyze {
        /// The scenario folder.
        path: PathBuf,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// genius (evaluations divided by each issue's maximum) or raw (weights × evaluations).
        #[arg(long, default_value = "genius")]
        semantics: String,
        /// reservation, zero or min.
        #[arg(long, default_value = "reservation")]
        disagreement: String,
    },
    /// Fair division of items: Adjusted Winner for two parties (one item may be split); maximum
    /// Nash welfare (or round robin when too large) for more, items indivisible. FILE is JSON:
    /// {"parties": [..2..], "items": [...], "points": [[per item], [per item]]}.
    Divide {
        /// The input file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCmd {
    /// Create an account. The password is read from standard input (first line).
    CreateUser {
        #[command(flatten)]
        deployment: Deployment,
        /// Sign-in name.
        #[arg(long)]
        username: String,
        /// The name others see (a person's full name); not used to sign in.
        #[arg(long)]
        display_name: String,
        /// secretariat, mediator, party-user or operator.
        #[arg(long)]
        role: String,
    },
}

#[derive(Subcommand)]
enum ConfigCmd {
    /// Print the configuration in effect, secrets redacted.
    Print {
        #[command(flatten)]
        deployment: Deployment,
        /// Listen address.
        #[arg(long)]
        listen: Option<String>,
    },
}

fn load(config: Option<PathBuf>, d: &Deployment, listen: Option<String>) -> Result<Config, String> {
    Config::load(
        config,
        &Overrides {
            data: d.data.clone(),
            listen,
            database_url: d.database_url.clone(),
            storage_url: d.storage_url.clone(),
        },
    )
}

fn init_logging(filter: &str) {
    init_logging_as(filter, None);
}

/// Logs to standard error: JSON lines (`format` `json`, or by default when standard error is not
/// a terminal) or text, colour codes only on a terminal.
fn init_logging_as(filter: &str, format: Option<&str>) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(filter))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let json = match format {
        Some(f) => f == "json",
        None => !terminal,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(terminal && !json);
    let _ = if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
    } else {
        builder.try_init()
    };
}

async fn open(cfg: &Config) -> Result<accord_app::Accord, String> {
    open_with(cfg, Arc::new(SystemClock)).await
}

async fn open_with(
    cfg: &Config,
    clock: Arc<dyn accord_app::Clock>,
) -> Result<accord_app::Accord, String> {
    accord::prepare_data_dir(cfg)?;
    let store = accord::open_store(cfg).await?;
    accord::application(cfg, store, clock)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Cmd::Serve {
            deployment,
            listen,
            demo,
            test_clock,
        } => {
            let cfg = load(cli.config, &deployment, listen)?;
            init_logging_as(&cfg.log, cfg.log_format.as_deref());
            let accord = if test_clock {
                accord::rehearsal::check_listen(&cfg.listen)?;
                tracing::warn!(
                    "REHEARSAL SERVER: started with --test-clock; the operator may move the \
                     clock forward (POST /api/v1/test-clock) and every page says so. Never use \
                     it for real cases."
                );
                eprintln!(
                    "Rehearsal server (--test-clock): the clock can be moved forward by the \
                     operator; not for real cases."
                );
                open_with(&cfg, Arc::new(accord_app::RehearsalClock::new())).await?
            } else {
                open(&cfg).await?
            };
            if demo {
                let logins = accord::demo::load(&accord, &cfg.data).await?;
                println!(
                    "Demo logins (also in {}):",
                    cfg.data.join("demo-logins.txt").display()
                );
                for l in logins {
                    println!("  {:<10} {:<20} {}", l.username, l.password, l.who);
                }
            }
            // The metrics address first: a bad one stops the start before anything is served.
            let metrics = match &cfg.metrics_listen {
                Some(m) => Some(accord::start_metrics(m).await?),
                None => None,
            };
            let store = accord.store().clone();
            let running =
                accord::start(accord, accord::web_config(&cfg), &cfg.listen, true).await?;
            println!("Accord is listening on http://{}", running.addr);
            tracing::info!(addr = %running.addr, "listening");
            if let Some(addr) = metrics {
                println!("Metrics on http://{addr}/metrics");
            }
            let tx = running.shutdown.clone();
            tokio::spawn(async move {
                shutdown_signal().await;
                tracing::info!("shutting down");
                let _ = tx.send(true);
            });
            running
                .handle
                .await
                .map_err(|e| format!("server task failed: {e}"))??;
            // A clean stop leaves the database whole (SQLite: no write-ahead log behind).
            store
                .close()
                .await
                .map_err(|e| format!("closing the database: {e}"))?;
            println!("Accord stopped.");
            Ok(())
        }
        Cmd::Migrate { deployment } => {
            let cfg = load(cli.config, &deployment, None)?;
            init_logging(&cfg.log);
            accord::prepare_data_dir(&cfg)?;
            accord::open_store(&cfg).await?;
            println!("migrations applied");
            Ok(())
        }
        Cmd::MigrateStorage { deployment, to } => {
            let cfg = load(cli.config, &deployment, None)?;
            init_logging("warn");
            let store = accord::open_store(&cfg).await?;
            let clock: std::sync::Arc<dyn accord_app::clock::Clock> =
                std::sync::Arc::new(accord_app::clock::SystemClock);
            let app = accord::application(&cfg, store, clock)?;
            let r = accord::migrate_storage::migrate_storage(&cfg, &app, &to, true).await?;
            println!(
                "copied {} documents ({} bytes), {} already there, {} verified ({} copied again); \
                 now set storage_url = \"{}\" and restart",
                r.copied,
                r.bytes,
                r.skipped,
                r.verified,
                r.repaired,
                accord::config::redact_url(&to)
            );
            Ok(())
        }
        Cmd::MigrateDb { deployment, to } => {
            let cfg = load(cli.config, &deployment, None)?;
            init_logging("warn");
            let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let r = accord::migrate_db::migrate_db(&cfg, &to, progress, None).await?;
            let rows: i64 = r.tables.iter().map(|t| t.rows).sum();
            let now: i64 = r.tables.iter().map(|t| t.copied_now).sum();
            println!(
                "copied {} tables ({rows} rows, {now} by this run) to {}; verified: every \
                 table's rows, {} cases' versions and chain heads, their chains ({} events), \
                 the transparency log ({} entries, root {}); now set database_url = \"{}\" \
                 and start Accord",
                r.tables.len(),
                accord::config::redact_url(&to),
                r.cases,
                r.events,
                r.log_size,
                r.log_root,
                accord::config::redact_url(&to)
            );
            Ok(())
        }
        Cmd::Backup {
            deployment,
            to,
            include_key,
        } => {
            let cfg = load(cli.config, &deployment, None)?;
            init_logging("warn");
            if !cfg.data.join(accord::MASTER_KEY_FILE).exists() {
                return Err(format!(
                    "there is no deployment at {} (no master key there): give its --data",
                    cfg.data.display()
                ));
            }
            let app = open(&cfg).await?;
            let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let r = accord::backup::backup(&cfg, &app, &to, include_key, progress).await?;
            println!(
                "backed up into {}: the {} database ({} bytes), {} documents ({} bytes, as \
                 stored, encrypted), the transparency log's checkpoint at {} entries; every file \
                 is hashed in {}",
                to.display(),
                r.database_kind,
                r.database_bytes,
                r.objects,
                r.object_bytes,
                r.checkpoint_size,
                accord::backup::MANIFEST
            );
            match r.key_path {
                Some(p) => println!(
                    "the master key is in the backup ({}): whoever holds the backup can read \
                     every case; keep it as safe as the key itself",
                    p.display()
                ),
                None => println!(
                    "the master key is NOT in the backup: keep {} apart; a restore asks for it \
                     with --key",
                    cfg.data.join(accord::MASTER_KEY_FILE).display()
                ),
            }
            Ok(())
        }
        Cmd::Restore {
            deployment,
            from,
            key,
        } => {
            let cfg = load(cli.config, &deployment, None)?;
            init_logging("warn");
            let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let r = accord::backup::restore(&from, &cfg, key.as_deref(), progress).await?;
            println!(
                "restored into {}; checked: {} files of the backup against its manifest, {} case \
                 chains ({} events), the transparency log ({} entries) extends the backup's \
                 checkpoint ({} entries), {} documents ({} bytes) decrypted and hash-checked{}",
                cfg.data.display(),
                r.files_checked,
                r.cases,
                r.events,
                r.log_size,
                r.checkpoint_size,
                r.documents,
                r.document_bytes,
                if r.left_out > 0 {
                    format!(
                        "; {} objects filed after the database copy were left out",
                        r.left_out
                    )
                } else {
                    String::new()
                }
            );
            Ok(())
        }
        Cmd::RotateKeys { deployment } => {
            let cfg = load(cli.config, &deployment, None)?;
            init_logging("warn");
            let report = accord::rotate_keys(&cfg).await?;
            println!("{report}");
            Ok(())
        }
        Cmd::MailBounce { deployment } => {
            let cfg = load(cli.config, &deployment, None)?;
            init_logging("warn");
            let mut message = String::new();
            std::io::Read::read_to_string(
                &mut std::io::Read::take(std::io::stdin(), 4 * 1024 * 1024),
                &mut message,
            )
            .map_err(|e| format!("cannot read the returned message: {e}"))?;
            let app = open(&cfg).await?;
            match app
                .record_bounce(&message)
                .await
                .map_err(|e| e.to_string())?
            {
                Some(id) => println!("recorded: the e-mail of notice {id} bounced"),
                // Not ours (or already gone): accepted, so the mail system does not retry.
                None => println!("ignored: the message names no notice of this deployment"),
            }
            Ok(())
        }
        Cmd::VerifyLog { deployment } => {
            let cfg = load(cli.config, &deployment, None)?;
            init_logging("warn");
            let store = accord::open_store(&cfg).await?;
            let report = store
                .verify_chains()
                .await
                .map_err(|e| format!("cannot read the log: {e}"))?;
            if report.breaks.is_empty() {
                println!(
                    "ok: {} case chains, {} events verified",
                    report.cases, report.events
                );
                Ok(())
            } else {
                for b in &report.breaks {
                    eprintln!("BROKEN: {b}");
                }
                Err(format!(
                    "{} of {} case chains are broken ({} events read)",
                    report.breaks.len(),
                    report.cases,
                    report.events
                ))
            }
        }
        Cmd::Admin {
            command:
                AdminCmd::CreateUser {
                    deployment,
                    username,
                    display_name,
                    role,
                },
        } => {
            let cfg = load(cli.config, &deployment, None)?;
            init_logging("warn");
            let mut password = String::new();
            std::io::stdin()
                .take(4096)
                .read_to_string(&mut password)
                .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
            let password = password.lines().next().unwrap_or("").to_owned();
            let accord = open(&cfg).await?;
            let u = accord
                .bootstrap_user(NewUser {
                    username,
                    display_name,
                    role,
                    password,
                })
                .await
                .map_err(|e| format!("{} ({})", e, e.code()))?;
            println!("created user {} ({}) with id {}", u.username, u.role, u.id);
            Ok(())
        }
        Cmd::Negotiate {
            command:
                NegotiateCmd::Analyze {
                    path,
                    json,
                    semantics,
                    disagreement,
                },
        } => {
            use accord_negotiate::analyze::{Disagreement, analysis};
            use accord_negotiate::import::{Semantics, load_folder};
            let sem = match semantics.as_str() {
                "genius" => Semantics::Genius,
                "raw" => Semantics::Raw,
                other => return Err(format!("--semantics is genius or raw, not '{other}'")),
            };
            let dis = match disagreement.as_str() {
                "reservation" => Disagreement::Reservation,
                "zero" => Disagreement::Zero,
                "min" => Disagreement::Min,
                other => {
                    return Err(format!(
                        "--disagreement is reservation, zero or min, not '{other}'"
                    ));
                }
            };
            let start = std::time::Instant::now();
            let fail = |e: accord_negotiate::NegotiateError| format!("{} ({})", e.message, e.code);
            let problem = load_folder(&path, sem).map_err(fail)?;
            let mut a = analysis(&problem, &semantics, dis).map_err(fail)?;
            // Reading, parsing, the frontier and the fair points; the JSON is written after.
            a.elapsed_ms = Some(start.elapsed().as_secs_f64() * 1e3);
            if json {
                println!("{}", a.to_json());
            } else {
                let v = a.to_value();
                println!(
                    "{} parties, {} outcomes, {} Pareto-optimal packages ({} semantics, {:.1} ms)",
                    a.parties().len(),
                    a.outcomes,
                    a.frontier_len(),
                    semantics,
                    a.elapsed_ms.unwrap_or(0.0)
                );
                for key in ["nash", "kalai_smorodinsky", "egalitarian", "utilitarian"] {
                    println!("{key}: {}", v[key]);
                }
            }
            Ok(())
        }
        Cmd::Negotiate {
            command: NegotiateCmd::Divide { file },
        } => {
            use accord_negotiate::division::{DivisionInput, divide};
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let input: DivisionInput = serde_json::from_str(&text).map_err(|e| {
                format!(
                    "{} is not a division input: {e} (invalid-division-input)",
                    file.display()
                )
            })?;
            if input.parties.len() > 2 {
                use accord_negotiate::division::{bundle_values, divide_indivisible, is_ef1};
                let d = divide_indivisible(&input)
                    .map_err(|e| format!("{} ({})", e.message, e.code))?;
                let (a, points) = (&d.assignment, &d.points);
                let values = bundle_values(points, a);
                let out = serde_json::json!({
                    "method": d.method,
                    "welfare": d.welfare,
                    "parties": input.parties,
                    "allocation": input.items.iter().zip(&a.owner).map(|(item, o)| serde_json::json!({"item": item, "party": input.parties[*o]})).collect::<Vec<_>>(),
                    "values": input.parties.iter().zip(&values).map(|(p, v)| (p.clone(), serde_json::json!(v.to_string()))).collect::<serde_json::Map<_, _>>(),
                    "ef1": is_ef1(points, a),
                });
                println!("{out}");
                return Ok(());
            }
            let a = divide(&input).map_err(|e| format!("{} ({})", e.message, e.code))?;
            let frac = |q: accord_negotiate::rational::Q| format!("{}/{}", q.n, q.d);
            let allocation: Vec<serde_json::Value> = input
                .items
                .iter()
                .zip(&a.share_first)
                .map(|(item, s)| {
                    let rest = accord_negotiate::rational::Q::new(s.d - s.n, s.d).unwrap_or(*s);
                    serde_json::json!({
                        "item": item,
                        "shares": {
                            input.parties[0].clone(): {"exact": frac(*s), "value": s.to_f64()},
                            input.parties[1].clone(): {"exact": frac(rest), "value": rest.to_f64()},
                        }
                    })
                })
                .collect();
            let out = serde_json::json!({
                "method": "adjusted-winner",
                "parties": input.parties,
                "allocation": allocation,
                "totals": {
                    input.parties[0].clone(): {"exact": frac(a.totals[0]), "value": a.totals[0].to_f64()},
                    input.parties[1].clone(): {"exact": frac(a.totals[1]), "value": a.totals[1].to_f64()},
                },
                "note": "points rescaled to 100 per party; equitable, envy-free, efficient, at most one item split"
            });
            println!("{out}");
            Ok(())
        }
        Cmd::Log { command } => log_command(cli.config, command).await,
        Cmd::Verify { package, key } => {
            let pinned = match key {
                Some(k) => Some(
                    hex::decode(k.trim())
                        .ok()
                        .and_then(|b| <[u8; 32]>::try_from(b).ok())
                        .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok())
                        .ok_or("--key is an Ed25519 public key: 64 hexadecimal digits")?,
                ),
                None => None,
            };
            let bytes = std::fs::read(&package)
                .map_err(|e| format!("cannot read {}: {e}", package.display()))?;
            let r = accord_package::verify(&bytes, pinned.as_ref())
                .map_err(|e| format!("INVALID {}: {e}", package.display()))?;
            println!(
                "valid: case {}, agreement SHA-256 {}, {} signatures, languages {}, {} logged events, \
                 attestation {}, institution key {}{}",
                r.case_reference,
                r.text_hash,
                r.signatures,
                r.languages.join(", "),
                r.events,
                r.verification_id,
                r.institution_key,
                if pinned.is_some() {
                    " (as required)"
                } else {
                    ""
                }
            );
            Ok(())
        }
        Cmd::Config {
            command: ConfigCmd::Print { deployment, listen },
        } => {
            let cfg = load(cli.config, &deployment, listen)?;
            print!("{}", cfg.redacted_toml());
            Ok(())
        }
    }
}

async fn log_command(config: Option<PathBuf>, command: LogCmd) -> Result<(), String> {
    use accord_evidence::merkle;
    let deployment = match &command {
        LogCmd::Checkpoint { deployment }
        | LogCmd::Verify { deployment, .. }
        | LogCmd::Inclusion { deployment, .. } => deployment.clone(),
    };
    let cfg = load(config, &deployment, None)?;
    init_logging("warn");
    let accord = open(&cfg).await?;
    let fail = |e: accord_app::AppError| format!("{e} ({})", e.code());
    let unhex = |h: &str| -> Result<merkle::Hash, String> {
        hex::decode(h)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| format!("'{h}' is not a SHA-256 hash"))
    };
    match command {
        LogCmd::Checkpoint { .. } => {
            let cp = accord
                .checkpoint(&accord_domain::Actor::System)
                .await
                .map_err(fail)?;
            print!("{}", cp.note);
            Ok(())
        }
        LogCmd::Verify { checkpoint, .. } => {
            let text = std::fs::read_to_string(&checkpoint)
                .map_err(|e| format!("cannot read {}: {e}", checkpoint.display()))?;
            let (size, to_size) = accord::verify_checkpoint(&accord, &text)
                .await
                .map_err(|e| format!("{}: {e}", checkpoint.display()))?;
            println!("ok: the log of {to_size} entries extends the checkpoint of {size} entries");
            Ok(())
        }
        LogCmd::Inclusion {
            case_id, event_id, ..
        } => {
            let store = accord.store().clone();
            let events = store
                .events(&case_id)
                .await
                .map_err(|e| format!("cannot read the log: {e}"))?;
            let event = events
                .iter()
                .find(|e| e.event_id == event_id)
                .ok_or_else(|| format!("case {case_id} has no event {event_id}"))?;
            let v = accord.prove_inclusion(event, None).await.map_err(fail)?;
            let proof = v
                .proof
                .iter()
                .map(|h| unhex(h))
                .collect::<Result<Vec<_>, _>>()?;
            let leaf = merkle::leaf_hash(&hex::decode(&v.event_hash).map_err(|e| e.to_string())?);
            merkle::verify_inclusion(&leaf, v.leaf_index, v.tree_size, &proof, &unhex(&v.root)?)
                .map_err(|e| format!("the proof does not verify: {e}"))?;
            println!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
            );
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    accord::malloc::tune_malloc();
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
