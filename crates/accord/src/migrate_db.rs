//! `accord migrate-db --to postgres://…`: moves a deployment from its embedded SQLite database to
//! PostgreSQL, with the server stopped.
//!
//! The target is migrated to the same schema first (the binary's embedded migrations), then
//! every table is copied in primary-key order, in batches, each batch in one transaction. A run
//! that stops part-way (a kill, a lost connection) is resumed by running the command again: each
//! table continues after the rows already at the target. Then everything is verified: every
//! table's row count, every case's version and chain head, every case chain (hash by hash), and
//! the transparency log, entry by entry, with its Merkle root printed. Only then is the operator
//! told to point `database_url` at PostgreSQL. Documents stay where they are (their storage is
//! not the database); the master key does not change.

use std::collections::BTreeMap;

use accord_store_postgres::PgStore;
use accord_store_sqlite::SqliteStore;
use sqlx::{Postgres, QueryBuilder, Row};

use crate::config::{Config, redact_url};

/// Rows copied per transaction.
pub const BATCH_ROWS: i64 = 500;

/// One table's copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopy {
    /// The table.
    pub table: String,
    /// Rows at the source (and, after the copy, at the target).
    pub rows: i64,
    /// Rows copied by this run (fewer than `rows` when a run before copied some).
    pub copied_now: i64,
}

/// What a migration did and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrateDbReport {
    /// Per table.
    pub tables: Vec<TableCopy>,
    /// Cases whose version and chain head match.
    pub cases: usize,
    /// Events in the verified case chains.
    pub events: u64,
    /// Entries of the transparency log.
    pub log_size: usize,
    /// The log's Merkle root (hex), the same at both ends.
    pub log_root: String,
}

/// A column's kind in the shared schema (the PostgreSQL migrations use only these three).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Bytes,
}

/// A copied value.
enum Cell {
    Int(Option<i64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn bad(what: &str) -> impl Fn(sqlx::Error) -> String + '_ {
    move |e| format!("{what}: {e}")
}

/// The target's tables (users first: other tables refer to it), with their columns and primary
/// keys, read from PostgreSQL's catalogue.
async fn schema(
    pg: &sqlx::PgPool,
) -> Result<Vec<(String, Vec<(String, Kind)>, Vec<String>)>, String> {
    let mut tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
         AND table_name <> '_sqlx_migrations' ORDER BY table_name",
    )
    .fetch_all(pg)
    .await
    .map_err(bad("reading the target's tables"))?;
    tables.sort_by_key(|t| t != "users");
    let mut out = vec![];
    for t in tables {
        let cols: Vec<(String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(&t)
        .fetch_all(pg)
        .await
        .map_err(bad("reading the target's columns"))?;
        let cols = cols
            .into_iter()
            .map(|(c, ty)| {
                let kind = match ty.as_str() {
                    "bigint" | "integer" | "smallint" => Kind::Int,
                    "text" | "character varying" => Kind::Text,
                    "bytea" => Kind::Bytes,
                    other => {
                        return Err(format!(
                            "{t}.{c} has type {other}, which this migration does not copy"
                        ));
                    }
                };
                Ok((c, kind))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let pk: Vec<String> = sqlx::query_scalar(
            "SELECT kcu.column_name::text FROM information_schema.table_constraints tc \
             JOIN information_schema.key_column_usage kcu \
               ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema \
             WHERE tc.table_schema = current_schema() AND tc.table_name = $1 \
               AND tc.constraint_type = 'PRIMARY KEY' ORDER BY kcu.ordinal_position",
        )
        .bind(&t)
        .fetch_all(pg)
        .await
        .map_err(bad("reading the target's keys"))?;
        out.push((t, cols, pk));
    }
    Ok(out)
}

/// Copies the embedded database of `cfg` to the PostgreSQL database at `to` (empty, or holding a
/// part of this same copy), then verifies it. `max_batches` stops after that many batches
/// (tests of resumption); `None` copies everything.
pub async fn migrate_db(
    cfg: &Config,
    to: &str,
    progress: bool,
    max_batches: Option<usize>,
) -> Result<MigrateDbReport, String> {
    let from = cfg.database_url();
    if from.starts_with("postgres://") || from.starts_with("postgresql://") {
        return Err("the deployment already runs on PostgreSQL".into());
    }
    if !(to.starts_with("postgres://") || to.starts_with("postgresql://")) {
        return Err(format!(
            "'{}' is not a PostgreSQL URL (postgres://…)",
            redact_url(to)
        ));
    }
    let source = SqliteStore::open(&from)
        .await
        .map_err(|e| format!("opening {}: {e}", redact_url(&from)))?;
    let target = PgStore::open(to)
        .await
        .map_err(|e| format!("opening {}: {e}", redact_url(to)))?;
    let (sq, pg) = (source.pool(), target.pool());
    // No one writes to the source while it is copied: a server still running on it waits, then
    // fails, instead of changing what is being copied (WAL readers are not blocked).
    let mut lock = sq.acquire().await.map_err(bad("locking the source"))?;
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *lock)
        .await
        .map_err(|e| {
            format!("the database is in use ({e}): stop the server before moving it to PostgreSQL")
        })?;
    let tables = schema(pg).await?;
    // Before writing anything: the target is empty, or an earlier part of this same copy.
    for (table, cols, pk) in &tables {
        same_prefix(sq, pg, table, cols, pk).await?;
    }
    let mut report = vec![];
    let mut batches = 0usize;
    for (table, cols, pk) in &tables {
        let names: Vec<String> = cols.iter().map(|(c, _)| quote(c)).collect();
        let order = if pk.is_empty() {
            "rowid".to_owned()
        } else {
            pk.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")
        };
        let source_rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {}",
            quote(table)
        )))
        .fetch_one(sq)
        .await
        .map_err(bad("counting the source"))?;
        let mut done: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {}",
            quote(table)
        )))
        .fetch_one(pg)
        .await
        .map_err(bad("counting the target"))?;
        if done > source_rows {
            return Err(format!(
                "the target's {table} holds {done} rows, more than the {source_rows} here: it is \
                 not an earlier part of this copy; migrate into an empty database"
            ));
        }
        let bar = crate::progress::bar(
            progress,
            source_rows as u64,
            table.clone(),
            crate::progress::Counting::Rows,
        );
        bar.set_position(done as u64);
        let started = done;
        while done < source_rows {
            if max_batches.is_some_and(|m| batches >= m) {
                bar.abandon();
                return Err(format!(
                    "stopped after {batches} batches (as asked); run again to continue"
                ));
            }
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM {} ORDER BY {order} LIMIT {BATCH_ROWS} OFFSET {done}",
                names.join(", "),
                quote(table)
            )))
            .fetch_all(sq)
            .await
            .map_err(bad("reading the source"))?;
            if rows.is_empty() {
                break;
            }
            let mut cells: Vec<Vec<Cell>> = Vec::with_capacity(rows.len());
            for r in &rows {
                let mut row = Vec::with_capacity(cols.len());
                for (i, (c, kind)) in cols.iter().enumerate() {
                    let read = |e: sqlx::Error| format!("{table}.{c}: {e}");
                    row.push(match kind {
                        Kind::Int => Cell::Int(r.try_get(i).map_err(read)?),
                        Kind::Text => Cell::Text(r.try_get(i).map_err(read)?),
                        Kind::Bytes => Cell::Bytes(r.try_get(i).map_err(read)?),
                    });
                }
                cells.push(row);
            }
            let mut q: QueryBuilder<Postgres> = QueryBuilder::new(format!(
                "INSERT INTO {} ({}) ",
                quote(table),
                names.join(", ")
            ));
            q.push_values(cells, |mut b, row| {
                for cell in row {
                    match cell {
                        Cell::Int(v) => b.push_bind(v),
                        Cell::Text(v) => b.push_bind(v),
                        Cell::Bytes(v) => b.push_bind(v),
                    };
                }
            });
            let mut tx = pg.begin().await.map_err(bad("writing the target"))?;
            q.build()
                .execute(&mut *tx)
                .await
                .map_err(bad("writing the target"))?;
            tx.commit().await.map_err(bad("committing"))?;
            done += rows.len() as i64;
            batches += 1;
            bar.set_position(done as u64);
        }
        bar.finish_and_clear();
        report.push(TableCopy {
            table: table.clone(),
            rows: source_rows,
            copied_now: done - started,
        });
    }
    let verified = verify(&source, &target, report).await;
    let _ = sqlx::query("ROLLBACK").execute(&mut *lock).await;
    verified
}

/// The rows of `table` at the target are the first rows of the source, in primary-key order
/// (an earlier run of this same copy), checked on the first and the last of them; else the
/// target belongs to something else and nothing is written.
async fn same_prefix(
    sq: &sqlx::SqlitePool,
    pg: &sqlx::PgPool,
    table: &str,
    cols: &[(String, Kind)],
    pk: &[String],
) -> Result<(), String> {
    let done: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM {}",
        quote(table)
    )))
    .fetch_one(pg)
    .await
    .map_err(bad("counting the target"))?;
    if done == 0 {
        return Ok(());
    }
    let keys: Vec<&(String, Kind)> = if pk.is_empty() {
        cols.iter().collect()
    } else {
        cols.iter().filter(|(c, _)| pk.contains(c)).collect()
    };
    let order = keys
        .iter()
        .map(|(c, _)| quote(c))
        .collect::<Vec<_>>()
        .join(", ");
    let refuse = || {
        format!(
            "the target already holds {table} rows that are not the first rows of this \
             deployment's: it is another deployment's database or a copy this one has moved on \
             from; migrate into an empty database (nothing was written)"
        )
    };
    for offset in [0, done - 1] {
        let src = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {order} FROM {} ORDER BY {order} LIMIT 1 OFFSET {offset}",
            quote(table)
        )))
        .fetch_optional(sq)
        .await
        .map_err(bad("reading the source"))?;
        let tgt = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {order} FROM {} ORDER BY {order} LIMIT 1 OFFSET {offset}",
            quote(table)
        )))
        .fetch_optional(pg)
        .await
        .map_err(bad("reading the target"))?;
        let (Some(src), Some(tgt)) = (src, tgt) else {
            return Err(refuse());
        };
        for (i, (_, kind)) in keys.iter().enumerate() {
            let same = match kind {
                Kind::Int => {
                    src.try_get::<Option<i64>, _>(i).ok() == tgt.try_get::<Option<i64>, _>(i).ok()
                }
                Kind::Text => {
                    src.try_get::<Option<String>, _>(i).ok()
                        == tgt.try_get::<Option<String>, _>(i).ok()
                }
                Kind::Bytes => {
                    src.try_get::<Option<Vec<u8>>, _>(i).ok()
                        == tgt.try_get::<Option<Vec<u8>>, _>(i).ok()
                }
            };
            if !same {
                return Err(refuse());
            }
        }
    }
    Ok(())
}

/// Compares the copy with its source: counts, case heads, chains, the transparency log.
async fn verify(
    source: &SqliteStore,
    target: &PgStore,
    tables: Vec<TableCopy>,
) -> Result<MigrateDbReport, String> {
    use accord_app::ports::{CaseStore, TransparencyStore};
    for t in &tables {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {}",
            quote(&t.table)
        )))
        .fetch_one(target.pool())
        .await
        .map_err(bad("counting the target"))?;
        if n != t.rows {
            return Err(format!(
                "{}: {n} rows at the target, {} at the source",
                t.table, t.rows
            ));
        }
    }
    let heads = |rows: Vec<(String, i64, String)>| -> BTreeMap<String, (i64, String)> {
        rows.into_iter().map(|(c, v, h)| (c, (v, h))).collect()
    };
    let sql = "SELECT case_id, version, head_hash FROM cases ORDER BY case_id";
    let from = heads(
        sqlx::query_as(sql)
            .fetch_all(source.pool())
            .await
            .map_err(bad("reading the source's cases"))?,
    );
    let to = heads(
        sqlx::query_as(sql)
            .fetch_all(target.pool())
            .await
            .map_err(bad("reading the target's cases"))?,
    );
    if from != to {
        let first = from
            .iter()
            .find(|(c, v)| to.get(*c) != Some(*v))
            .map_or_else(String::new, |(c, _)| c.clone());
        return Err(format!(
            "the cases differ between source and target (first: {first})"
        ));
    }
    let chains = target
        .verify_chains()
        .await
        .map_err(|e| format!("verifying the target's chains: {e}"))?;
    if !chains.breaks.is_empty() {
        return Err(format!(
            "the target's case chains do not verify: {:?}",
            chains.breaks
        ));
    }
    let size = source.log_size().await.map_err(|e| e.to_string())?;
    let log = source
        .log_hashes(0, size)
        .await
        .map_err(|e| e.to_string())?;
    let target_size = target.log_size().await.map_err(|e| e.to_string())?;
    let target_log = target
        .log_hashes(0, target_size)
        .await
        .map_err(|e| e.to_string())?;
    if log != target_log {
        return Err("the transparency log differs between source and target".into());
    }
    let leaves = log
        .iter()
        .map(|h| {
            hex::decode(h)
                .map(|b| accord_evidence::merkle::leaf_hash(&b))
                .map_err(|_| format!("log entry '{h}' is not hex"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(MigrateDbReport {
        tables,
        cases: to.len(),
        events: chains.events,
        log_size: log.len(),
        log_root: hex::encode(accord_evidence::merkle::root(&leaves)),
    })
}
