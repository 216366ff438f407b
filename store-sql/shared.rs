// Shared implementation of Accord's storage ports for the SQL backends. It is compiled into
// each backend crate with `include!`, after the crate defines:
//
// * `This` — the store type, with a `pool` field and `async fn append_durably(&self, Append)`;
// * `DbRow`, `DbConn` — the driver's row and connection types;
// * `BACKEND_NAME`, `VERIFY_SQL` (all events in (case_id, seq) order, text columns as bytes),
//   `VERSION_FOR_APPEND_SQL` (the case's version, locked where the dialect can), and
//   `fn list_sql() -> String` (the filtered case list, dialect-typed parameters).
//
// The SQL here is portable between SQLite and PostgreSQL (`$n` placeholders, `ON CONFLICT`),
// and the contract suite (accord-store-contract) runs it against both.

/// Maps a driver error to a store error.
pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e
        && d.is_unique_violation()
    {
        return StoreError::Duplicate(d.message().to_owned());
    }
    StoreError::Backend(e.to_string())
}

pub(crate) fn projection_from_row(r: &DbRow) -> Result<CaseProjection, sqlx::Error> {
    Ok(CaseProjection {
        case_id: r.try_get("case_id")?,
        reference: r.try_get("reference")?,
        title: r.try_get("title")?,
        dispute_type: r.try_get("dispute_type")?,
        state: r.try_get("state")?,
        version: r.try_get("version")?,
        head_hash: r.try_get("head_hash")?,
        next_action_ms: r.try_get("next_action_ms")?,
        next_deadline_ms: r.try_get("next_deadline_ms")?,
        updated_at_ms: r.try_get("updated_at_ms")?,
        members: vec![],
        case_json: r.try_get("case_json")?,
    })
}

fn event_from_row(r: &DbRow) -> Result<EventRecord, sqlx::Error> {
    Ok(EventRecord {
        case_id: r.try_get("case_id")?,
        seq: r.try_get("seq")?,
        event_id: r.try_get("event_id")?,
        recorded_at_ms: r.try_get("recorded_at_ms")?,
        actor: r.try_get("actor")?,
        kind: r.try_get("kind")?,
        rule_basis: r.try_get("rule_basis")?,
        visibility: r.try_get("visibility")?,
        payload: r.try_get("payload")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

fn user_from_row(r: &DbRow) -> Result<UserRecord, sqlx::Error> {
    Ok(UserRecord {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        role: r.try_get("role")?,
        password_hash: r.try_get("password_hash")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        created_at_ms: r.try_get("created_at_ms")?,
        totp_secret: r.try_get("totp_secret")?,
        totp_enabled: r.try_get::<i64, _>("totp_enabled")? != 0,
        language: r.try_get("language")?,
        time_zone: r.try_get("time_zone")?,
    })
}

const CASE_COLUMNS: &str = "case_id, reference, title, dispute_type, state, version, head_hash, \
     next_action_ms, next_deadline_ms, updated_at_ms, case_json";

/// The case list query: cases of a member (or all), of a state (or any), by next deadline.
fn list_sql_with(param_text: &str) -> String {
    let cols = CASE_COLUMNS
        .split(", ")
        .map(|c| format!("c.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT {cols} FROM cases c \
         WHERE ($1{param_text} IS NULL OR c.case_id IN (SELECT case_id FROM case_members WHERE user_id = $1)) \
           AND ($2{param_text} IS NULL OR c.state = $2) \
         ORDER BY c.next_deadline_ms IS NULL, c.next_deadline_ms, c.updated_at_ms DESC \
         LIMIT $3 OFFSET $4"
    )
}

#[async_trait]
impl CaseStore for This {
    async fn append(&self, append: Append) -> Result<(), StoreError> {
        self.append_durably(append).await
    }

    async fn case(&self, case_id: &str) -> Result<Option<CaseProjection>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE case_id = $1"
        ));
        let row = sqlx::query(sql)
            .bind(case_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref()
            .map(projection_from_row)
            .transpose()
            .map_err(backend)
    }

    async fn events(&self, case_id: &str) -> Result<Vec<EventRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM events WHERE case_id = $1 ORDER BY seq")
            .bind(case_id)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(event_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn list_cases(&self, q: &CaseQuery) -> Result<Vec<CaseProjection>, StoreError> {
        let sql = sqlx::AssertSqlSafe(list_sql());
        let rows = sqlx::query(sql)
            .bind(q.member.as_deref())
            .bind(q.state.as_deref())
            .bind(q.limit)
            .bind(q.offset)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(projection_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn due_cases(&self, now_ms: i64, limit: i64) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar(
            "SELECT case_id FROM cases WHERE next_action_ms IS NOT NULL AND next_action_ms <= $1 \
             ORDER BY next_action_ms LIMIT $2",
        )
        .bind(now_ms)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)
    }

    async fn verify_chains(&self) -> Result<VerifyReport, StoreError> {
        use futures_util::TryStreamExt;
        let mut v = ChainVerifier::new();
        let mut rows = sqlx::query(VERIFY_SQL)
        .fetch(&self.pool);
        while let Some(r) = rows.try_next().await.map_err(backend)? {
            let raw = RawEvent {
                case_id: r.try_get("case_id").map_err(backend)?,
                seq: r.try_get("seq").map_err(backend)?,
                event_id: r.try_get("event_id").map_err(backend)?,
                recorded_at_ms: r.try_get("recorded_at_ms").map_err(backend)?,
                actor: r.try_get("actor").map_err(backend)?,
                kind: r.try_get("kind").map_err(backend)?,
                rule_basis: r.try_get("rule_basis").map_err(backend)?,
                visibility: r.try_get("visibility").map_err(backend)?,
                payload: r.try_get("payload").map_err(backend)?,
                prev_hash: r.try_get("prev_hash").map_err(backend)?,
                hash: r.try_get("hash").map_err(backend)?,
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

#[async_trait]
impl AccountStore for This {
    async fn create_user(&self, u: &UserRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO users (id, username, display_name, role, password_hash, disabled, \
             created_at_ms, language, time_zone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&u.id)
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(&u.role)
        .bind(&u.password_hash)
        .bind(i64::from(u.disabled))
        .bind(u.created_at_ms)
        .bind(&u.language)
        .bind(&u.time_zone)
        .execute(&self.pool)
        .await
        .map_err(|e| match backend(e) {
            StoreError::Duplicate(_) => {
                StoreError::Duplicate(format!("the user name '{}' is taken", u.username))
            }
            other => other,
        })?;
        Ok(())
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query("SELECT * FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(user_from_row).transpose().map_err(backend)
    }

    async fn user_by_id(&self, id: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(user_from_row).transpose().map_err(backend)
    }

    async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM users ORDER BY username")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(user_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn create_session(&self, s: &SessionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at_ms, expires_at_ms, \
             second_factor_pending, reauth_at_ms, csrf_token) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&s.token_hash)
        .bind(&s.user_id)
        .bind(s.created_at_ms)
        .bind(s.expires_at_ms)
        .bind(i64::from(s.second_factor_pending))
        .bind(s.reauth_at_ms)
        .bind(&s.csrf_token)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<(SessionRecord, UserRecord)>, StoreError> {
        let row = sqlx::query(
            "SELECT s.token_hash, s.user_id, s.created_at_ms AS s_created, s.expires_at_ms, \
             s.second_factor_pending, s.reauth_at_ms, s.csrf_token, u.* \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at_ms > $2",
        )
        .bind(token_hash)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(r) = row else { return Ok(None) };
        let s = SessionRecord {
            token_hash: r.try_get("token_hash").map_err(backend)?,
            user_id: r.try_get("user_id").map_err(backend)?,
            created_at_ms: r.try_get("s_created").map_err(backend)?,
            expires_at_ms: r.try_get("expires_at_ms").map_err(backend)?,
            second_factor_pending: r.try_get::<i64, _>("second_factor_pending").map_err(backend)? != 0,
            reauth_at_ms: r.try_get("reauth_at_ms").map_err(backend)?,
            csrf_token: r.try_get("csrf_token").map_err(backend)?,
        };
        Ok(Some((s, user_from_row(&r).map_err(backend)?)))
    }

    async fn touch_session(&self, token_hash: &str, expires_at_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET expires_at_ms = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(expires_at_ms)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
    async fn set_totp(&self, user_id: &str, secret: Option<&[u8]>, enabled: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET totp_secret = $2, totp_enabled = $3 WHERE id = $1")
            .bind(user_id)
            .bind(secret)
            .bind(i64::from(enabled))
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn update_session(&self, token_hash: &str, second_factor_pending: bool, reauth_at_ms: Option<i64>) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET second_factor_pending = $2, reauth_at_ms = $3 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(i64::from(second_factor_pending))
            .bind(reauth_at_ms)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn set_user_disabled(&self, user_id: &str, disabled: bool) -> Result<bool, StoreError> {
        let n = sqlx::query("UPDATE users SET disabled = $2 WHERE id = $1")
            .bind(user_id)
            .bind(i64::from(disabled))
            .execute(&self.pool)
            .await
            .map_err(backend)?
            .rows_affected();
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&self.pool)
                .await
                .map_err(backend)?;
        }
        Ok(n == 1)
    }

    async fn set_user_role(&self, user_id: &str, role: &str) -> Result<bool, StoreError> {
        let n = sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
            .bind(user_id)
            .bind(role)
            .execute(&self.pool)
            .await
            .map_err(backend)?
            .rows_affected();
        Ok(n == 1)
    }

    async fn set_user_preferences(
        &self,
        user_id: &str,
        language: Option<&str>,
        time_zone: Option<&str>,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query("UPDATE users SET language = $2, time_zone = $3 WHERE id = $1")
            .bind(user_id)
            .bind(language)
            .bind(time_zone)
            .execute(&self.pool)
            .await
            .map_err(backend)?
            .rows_affected();
        Ok(n == 1)
    }

    async fn record_login_failure(&self, key: &str, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO login_failures (key, at_ms) VALUES ($1, $2)")
            .bind(key)
            .bind(now_ms)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn login_failures(&self, key: &str, window_start_ms: i64) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at_ms >= $2")
            .bind(key)
            .bind(window_start_ms)
            .fetch_one(&self.pool)
            .await
            .map_err(backend)
    }
}

#[async_trait]
impl IdempotencyStore for This {
    async fn claim_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        fingerprint: &str,
        now_ms: i64,
    ) -> Result<IdempotencyClaim, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at_ms) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, key) DO NOTHING",
        )
        .bind(user_id)
        .bind(key)
        .bind(fingerprint)
        .bind(now_ms)
        .execute(&self.pool)
        .await
        .map_err(backend)?
        .rows_affected();
        if inserted == 1 {
            return Ok(IdempotencyClaim::New);
        }
        let row = sqlx::query(
            "SELECT fingerprint, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2",
        )
        .bind(user_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(r) = row else {
            return Ok(IdempotencyClaim::InProgress);
        };
        let fp: String = r.try_get("fingerprint").map_err(backend)?;
        if fp != fingerprint {
            return Ok(IdempotencyClaim::Mismatch);
        }
        let status: Option<i64> = r.try_get("status").map_err(backend)?;
        let body: Option<String> = r.try_get("body").map_err(backend)?;
        Ok(match (status, body) {
            (Some(s), Some(b)) => IdempotencyClaim::Replay {
                status: u16::try_from(s).unwrap_or(500),
                body: b,
            },
            _ => IdempotencyClaim::InProgress,
        })
    }

    async fn complete_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE idempotency_keys SET status = $3, body = $4 WHERE user_id = $1 AND key = $2",
        )
        .bind(user_id)
        .bind(key)
        .bind(i64::from(status))
        .bind(body)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn release_idempotency_key(&self, user_id: &str, key: &str) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL",
        )
        .bind(user_id)
        .bind(key)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl RegistryStore for This {
    async fn add_declaration(&self, d: &ExclusionDeclaration) -> Result<(), StoreError> {
        let cats =
            serde_json::to_string(&d.categories).map_err(|e| StoreError::Backend(e.to_string()))?;
        sqlx::query(
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
        .map_err(backend)?;
        Ok(())
    }

    async fn declarations(&self) -> Result<Vec<ExclusionDeclaration>, StoreError> {
        let rows = sqlx::query("SELECT * FROM exclusion_declarations ORDER BY state, id")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| {
                let bad = |m: String| StoreError::Backend(format!("declaration row: {m}"));
                let state: String = r.try_get("state").map_err(backend)?;
                let cats: String = r.try_get("categories").map_err(backend)?;
                let ms: i64 = r.try_get("effective_from_ms").map_err(backend)?;
                Ok(ExclusionDeclaration {
                    id: r.try_get("id").map_err(backend)?,
                    state: CountryCode::parse(&state).map_err(|e| bad(e.to_string()))?,
                    categories: serde_json::from_str(&cats).map_err(|e| bad(e.to_string()))?,
                    text: r.try_get("text").map_err(backend)?,
                    effective_from: jiff::Timestamp::from_millisecond(ms)
                        .map_err(|e| bad(e.to_string()))?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl Store for This {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        BACKEND_NAME
    }
}

/// Appends one case's events and projection inside the caller's transaction.
pub(crate) async fn apply(conn: &mut DbConn, a: &Append) -> Result<(), StoreError> {
    let p = &a.projection;
    let current: Option<i64> =
        sqlx::query_scalar(VERSION_FOR_APPEND_SQL)
            .bind(&p.case_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(backend)?;
    let current = current.unwrap_or(0);
    if current != a.expected_version {
        return Err(StoreError::Conflict { current });
    }
    for r in &a.records {
        sqlx::query(
            "INSERT INTO events (case_id, seq, event_id, recorded_at_ms, actor, kind, rule_basis, \
             visibility, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&r.case_id)
        .bind(r.seq)
        .bind(&r.event_id)
        .bind(r.recorded_at_ms)
        .bind(&r.actor)
        .bind(&r.kind)
        .bind(&r.rule_basis)
        .bind(&r.visibility)
        .bind(&r.payload)
        .bind(&r.prev_hash)
        .bind(&r.hash)
        .execute(&mut *conn)
        .await
        .map_err(|e| match backend(e) {
            StoreError::Duplicate(_) => StoreError::Conflict { current },
            other => other,
        })?;
    }
    sqlx::query(
        "INSERT INTO cases (case_id, reference, title, dispute_type, state, version, head_hash, \
         next_action_ms, next_deadline_ms, updated_at_ms, case_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (case_id) DO UPDATE SET title = excluded.title, state = excluded.state, \
         version = excluded.version, head_hash = excluded.head_hash, \
         next_action_ms = excluded.next_action_ms, next_deadline_ms = excluded.next_deadline_ms, \
         updated_at_ms = excluded.updated_at_ms, case_json = excluded.case_json",
    )
    .bind(&p.case_id)
    .bind(&p.reference)
    .bind(&p.title)
    .bind(&p.dispute_type)
    .bind(&p.state)
    .bind(p.version)
    .bind(&p.head_hash)
    .bind(p.next_action_ms)
    .bind(p.next_deadline_ms)
    .bind(p.updated_at_ms)
    .bind(&p.case_json)
    .execute(&mut *conn)
    .await
    .map_err(backend)?;
    for m in &p.members {
        sqlx::query(
            "INSERT INTO case_members (user_id, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(m)
        .bind(&p.case_id)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    }
    Ok(())
}


fn message_from_row(r: &DbRow) -> Result<MessageRecord, sqlx::Error> {
    Ok(MessageRecord {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        channel: r.try_get("channel")?,
        seq: r.try_get("seq")?,
        author: r.try_get("author")?,
        posted_at_ms: r.try_get("posted_at_ms")?,
        without_prejudice: r.try_get::<i64, _>("without_prejudice")? != 0,
        confidential: r.try_get::<i64, _>("confidential")? != 0,
        relay_json: r.try_get("relay_json")?,
        body: r.try_get("body")?,
        size: r.try_get("size")?,
    })
}

fn relay_from_row(r: &DbRow) -> Result<RelayRecord, sqlx::Error> {
    Ok(RelayRecord {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        source_channel: r.try_get("source_channel")?,
        source_message_id: r.try_get("source_message_id")?,
        target_channel: r.try_get("target_channel")?,
        excerpt: r.try_get("excerpt")?,
        proposed_by: r.try_get("proposed_by")?,
        proposed_at_ms: r.try_get("proposed_at_ms")?,
        status: r.try_get("status")?,
        decided_by: r.try_get("decided_by")?,
        decided_at_ms: r.try_get("decided_at_ms")?,
        message_id: r.try_get("message_id")?,
    })
}

/// How many times a message insert retries after another writer took the same channel position.
const SEQ_RETRIES: usize = 8;

#[async_trait]
impl ChannelStore for This {
    async fn post_message(&self, m: &MessageRecord) -> Result<MessageRecord, StoreError> {
        // One statement takes the next position; where the dialect needs it, a transaction-scoped
        // lock on the channel serialises concurrent posters first.
        for _ in 0..SEQ_RETRIES {
            let mut tx = match BEGIN_WRITE {
                Some(begin) => self.pool.begin_with(begin).await,
                None => self.pool.begin().await,
            }
            .map_err(backend)?;
            if let Some(lock) = MESSAGE_LOCK_SQL {
                sqlx::query(lock)
                    .bind(format!("{}/{}", m.case_id, m.channel))
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
            }
            let res: Result<i64, sqlx::Error> = sqlx::query_scalar(
                "INSERT INTO messages (id, case_id, channel, seq, author, posted_at_ms, \
                 without_prejudice, confidential, relay_json, body, size) \
                 SELECT $1, $2, $3, COALESCE(MAX(seq), 0) + 1, $4, $5, $6, $7, $8, $9, $10 \
                 FROM messages WHERE case_id = $2 AND channel = $3 RETURNING seq",
            )
            .bind(&m.id)
            .bind(&m.case_id)
            .bind(&m.channel)
            .bind(&m.author)
            .bind(m.posted_at_ms)
            .bind(i64::from(m.without_prejudice))
            .bind(i64::from(m.confidential))
            .bind(&m.relay_json)
            .bind(&m.body)
            .bind(m.size)
            .fetch_one(&mut *tx)
            .await;
            match res {
                Ok(seq) => {
                    tx.commit().await.map_err(backend)?;
                    return Ok(MessageRecord {
                        seq,
                        ..m.clone()
                    });
                }
                Err(e) => match backend(e) {
                    StoreError::Duplicate(_) => continue,
                    other => return Err(other),
                },
            }
        }
        Err(StoreError::Backend(
            "too many concurrent posts to one channel; try again".into(),
        ))
    }

    async fn messages(&self, case_id: &str, channel: &str) -> Result<Vec<MessageRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM messages WHERE case_id = $1 AND channel = $2 ORDER BY seq")
            .bind(case_id)
            .bind(channel)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(message_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn message(&self, case_id: &str, id: &str) -> Result<Option<MessageRecord>, StoreError> {
        let row = sqlx::query("SELECT * FROM messages WHERE case_id = $1 AND id = $2")
            .bind(case_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(message_from_row).transpose().map_err(backend)
    }

    async fn create_relay(&self, r: &RelayRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO relays (id, case_id, source_channel, source_message_id, target_channel, \
             excerpt, proposed_by, proposed_at_ms, status, decided_by, decided_at_ms, message_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&r.id)
        .bind(&r.case_id)
        .bind(&r.source_channel)
        .bind(&r.source_message_id)
        .bind(&r.target_channel)
        .bind(&r.excerpt)
        .bind(&r.proposed_by)
        .bind(r.proposed_at_ms)
        .bind(&r.status)
        .bind(&r.decided_by)
        .bind(r.decided_at_ms)
        .bind(&r.message_id)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn relays(&self, case_id: &str) -> Result<Vec<RelayRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM relays WHERE case_id = $1 ORDER BY proposed_at_ms, id")
            .bind(case_id)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(relay_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn decide_relay(&self, r: &RelayRecord) -> Result<(), StoreError> {
        let n = sqlx::query(
            "UPDATE relays SET status = $3, decided_by = $4, decided_at_ms = $5, message_id = $6 \
             WHERE case_id = $1 AND id = $2 AND status = 'pending'",
        )
        .bind(&r.case_id)
        .bind(&r.id)
        .bind(&r.status)
        .bind(&r.decided_by)
        .bind(r.decided_at_ms)
        .bind(&r.message_id)
        .execute(&self.pool)
        .await
        .map_err(backend)?
        .rows_affected();
        if n == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict { current: 0 })
        }
    }

    async fn log_access(&self, records: &[AccessRecord]) -> Result<(), StoreError> {
        for a in records {
            sqlx::query(
                "INSERT INTO access_log (id, at_ms, user_id, case_id, object, kind) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&a.id)
            .bind(a.at_ms)
            .bind(&a.user_id)
            .bind(&a.case_id)
            .bind(&a.object)
            .bind(&a.kind)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        }
        Ok(())
    }

    async fn access_log(&self, case_id: Option<&str>, limit: i64) -> Result<Vec<AccessRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT * FROM access_log WHERE ($1{} IS NULL OR case_id = $1) ORDER BY at_ms DESC, id DESC LIMIT $2",
            if BACKEND_NAME == "postgres" { "::text" } else { "" }
        ));
        let rows = sqlx::query(sql)
            .bind(case_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(AccessRecord {
                    id: r.try_get("id")?,
                    at_ms: r.try_get("at_ms")?,
                    user_id: r.try_get("user_id")?,
                    case_id: r.try_get("case_id")?,
                    object: r.try_get("object")?,
                    kind: r.try_get("kind")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend)
    }

    async fn case_key(&self, case_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar("SELECT wrapped FROM case_keys WHERE case_id = $1")
            .bind(case_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)
    }

    async fn put_case_key(&self, case_id: &str, wrapped: &[u8]) -> Result<Vec<u8>, StoreError> {
        sqlx::query("INSERT INTO case_keys (case_id, wrapped) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING")
            .bind(case_id)
            .bind(wrapped)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        self.case_key(case_id)
            .await?
            .ok_or_else(|| StoreError::Backend("case key vanished after insert".into()))
    }
}

fn negotiation_input_from_row(r: &DbRow) -> Result<NegotiationInputRecord, sqlx::Error> {
    Ok(NegotiationInputRecord {
        case_id: r.try_get("case_id")?,
        negotiation_id: r.try_get("negotiation_id")?,
        party_id: r.try_get("party_id")?,
        kind: r.try_get("kind")?,
        author: r.try_get("author")?,
        updated_at_ms: r.try_get("updated_at_ms")?,
        body: r.try_get("body")?,
    })
}

#[async_trait]
impl NegotiationStore for This {
    async fn put_negotiation_input(&self, r: &NegotiationInputRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO negotiation_inputs (case_id, negotiation_id, party_id, kind, author, \
             updated_at_ms, body) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (case_id, negotiation_id, party_id, kind) DO UPDATE SET \
             author = excluded.author, updated_at_ms = excluded.updated_at_ms, body = excluded.body",
        )
        .bind(&r.case_id)
        .bind(&r.negotiation_id)
        .bind(&r.party_id)
        .bind(&r.kind)
        .bind(&r.author)
        .bind(r.updated_at_ms)
        .bind(&r.body)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn negotiation_inputs(
        &self,
        case_id: &str,
        negotiation_id: &str,
    ) -> Result<Vec<NegotiationInputRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM negotiation_inputs WHERE case_id = $1 AND negotiation_id = $2 \
             ORDER BY party_id, kind",
        )
        .bind(case_id)
        .bind(negotiation_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(negotiation_input_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }
}

#[async_trait]
impl TransparencyStore for This {
    async fn unlogged_events(&self, limit: i64) -> Result<Vec<LogEntry>, StoreError> {
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT e.case_id, e.seq, e.hash FROM events e \
             LEFT JOIN log_entries l ON l.case_id = e.case_id AND l.seq = e.seq \
             WHERE l.idx IS NULL ORDER BY e.recorded_at_ms, e.case_id, e.seq LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(rows
            .into_iter()
            .map(|(case_id, seq, event_hash)| LogEntry {
                case_id,
                seq,
                event_hash,
            })
            .collect())
    }

    async fn append_log_entries(&self, start: i64, entries: &[LogEntry]) -> Result<(), StoreError> {
        let mut tx = match BEGIN_WRITE {
            Some(begin) => self.pool.begin_with(begin).await,
            None => self.pool.begin().await,
        }
        .map_err(backend)?;
        let size: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM log_entries")
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        if size != start {
            return Err(StoreError::Conflict { current: size });
        }
        for (k, e) in entries.iter().enumerate() {
            sqlx::query(
                "INSERT INTO log_entries (idx, case_id, seq, event_hash) VALUES ($1, $2, $3, $4)",
            )
            .bind(start + k as i64)
            .bind(&e.case_id)
            .bind(e.seq)
            .bind(&e.event_hash)
            .execute(&mut *tx)
            .await
            .map_err(|e| match backend(e) {
                StoreError::Duplicate(_) => StoreError::Conflict { current: size },
                other => other,
            })?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    async fn log_size(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM log_entries")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)
    }

    async fn log_hashes(&self, from: i64, to: i64) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar(
            "SELECT event_hash FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)
    }

    async fn log_index(&self, case_id: &str, seq: i64) -> Result<Option<i64>, StoreError> {
        sqlx::query_scalar("SELECT idx FROM log_entries WHERE case_id = $1 AND seq = $2")
            .bind(case_id)
            .bind(seq)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)
    }

    async fn institution_key(&self, name: &str) -> Result<Option<(Vec<u8>, Vec<u8>)>, StoreError> {
        sqlx::query_as("SELECT public_key, sealed_secret FROM institution_keys WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)
    }

    async fn put_attestation(&self, a: &AttestationRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO attestations (verification_id, case_id, text_hash, document_sha256, \
             issued_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (verification_id) DO NOTHING",
        )
        .bind(&a.verification_id)
        .bind(&a.case_id)
        .bind(&a.text_hash)
        .bind(&a.document_sha256)
        .bind(a.issued_at_ms)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn attestation(
        &self,
        verification_id: &str,
    ) -> Result<Option<AttestationRecord>, StoreError> {
        let row: Option<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT verification_id, case_id, text_hash, document_sha256, issued_at_ms \
             FROM attestations WHERE verification_id = $1",
        )
        .bind(verification_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.map(
            |(verification_id, case_id, text_hash, document_sha256, issued_at_ms)| {
                AttestationRecord {
                    verification_id,
                    case_id,
                    text_hash,
                    document_sha256,
                    issued_at_ms,
                }
            },
        ))
    }

    async fn put_institution_key(
        &self,
        name: &str,
        public_key: &[u8],
        sealed_secret: &[u8],
        now_ms: i64,
    ) -> Result<(Vec<u8>, Vec<u8>), StoreError> {
        sqlx::query(
            "INSERT INTO institution_keys (name, public_key, sealed_secret, created_at_ms) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(public_key)
        .bind(sealed_secret)
        .bind(now_ms)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        self.institution_key(name)
            .await?
            .ok_or_else(|| StoreError::Backend("institution key vanished after insert".into()))
    }
}

#[async_trait]
impl DraftStore for This {
    async fn put_draft(&self, d: &DraftRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settlement_drafts (case_id, version, author, created_at_ms, text_hash, body) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&d.case_id)
        .bind(d.version)
        .bind(&d.author)
        .bind(d.created_at_ms)
        .bind(&d.text_hash)
        .bind(&d.body)
        .execute(&self.pool)
        .await
        .map_err(|e| match backend(e) {
            StoreError::Duplicate(_) => StoreError::Conflict { current: d.version },
            other => other,
        })?;
        Ok(())
    }

    async fn drafts(&self, case_id: &str) -> Result<Vec<DraftRecord>, StoreError> {
        let rows: Vec<(String, i64, String, i64, String, Vec<u8>)> = sqlx::query_as(
            "SELECT case_id, version, author, created_at_ms, text_hash, body \
             FROM settlement_drafts WHERE case_id = $1 ORDER BY version",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(rows
            .into_iter()
            .map(|(case_id, version, author, created_at_ms, text_hash, body)| DraftRecord {
                case_id,
                version,
                author,
                created_at_ms,
                text_hash,
                body,
            })
            .collect())
    }
}

// A constant column list: SQL formatted with it has no outside input.
const DOCUMENT_COLUMNS: &str = "id, case_id, channel, series, version, title, file_name, language, \
     without_prejudice, translation_of, media_type, size, sha256, object_key, uploaded_by, \
     uploaded_at_ms";

fn document_from_row(r: &DbRow) -> Result<DocumentRecord, sqlx::Error> {
    Ok(DocumentRecord {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        channel: r.try_get("channel")?,
        series: r.try_get("series")?,
        version: r.try_get("version")?,
        title: r.try_get("title")?,
        file_name: r.try_get("file_name")?,
        language: r.try_get("language")?,
        without_prejudice: r.try_get::<i64, _>("without_prejudice")? != 0,
        translation_of: r.try_get("translation_of")?,
        media_type: r.try_get("media_type")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        object_key: r.try_get("object_key")?,
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at_ms: r.try_get("uploaded_at_ms")?,
    })
}

#[async_trait]
impl DocumentStore for This {
    async fn put_document(&self, d: &DocumentRecord) -> Result<(), StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
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
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn delete_document(&self, case_id: &str, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM documents WHERE case_id = $1 AND id = $2")
            .bind(case_id)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn documents(&self, case_id: &str) -> Result<Vec<DocumentRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE case_id = $1 \
             ORDER BY uploaded_at_ms, id"
        )))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(document_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn all_documents(&self) -> Result<Vec<DocumentRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents ORDER BY uploaded_at_ms, id"
        )))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(document_from_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }
}

#[async_trait]
impl KeyRotationStore for This {
    async fn wrapped_secrets(&self) -> Result<WrappedSecrets, StoreError> {
        let case_keys: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT case_id, wrapped FROM case_keys ORDER BY case_id")
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        let totp: Vec<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        let signing_keys: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT name, sealed_secret FROM institution_keys ORDER BY name")
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        Ok(WrappedSecrets {
            case_keys,
            totp,
            signing_keys,
        })
    }

    async fn replace_wrapped_secrets(&self, s: &WrappedSecrets) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        for (sql, items) in [
            (
                "UPDATE case_keys SET wrapped = $1 WHERE case_id = $2",
                &s.case_keys,
            ),
            ("UPDATE users SET totp_secret = $1 WHERE id = $2", &s.totp),
            (
                "UPDATE institution_keys SET sealed_secret = $1 WHERE name = $2",
                &s.signing_keys,
            ),
        ] {
            for (id, wrapped) in items {
                sqlx::query(sql)
                    .bind(wrapped)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
            }
        }
        tx.commit().await.map_err(backend)
    }
}
