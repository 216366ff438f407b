//! Case use cases: file, act (every transition), view, timeline, list, re-open, registries.

use accord_domain::command::FileRequest;
use accord_domain::decide::{self, Context, Decided};
use accord_domain::party::{CountryCode, ExclusionDeclaration};
use accord_domain::policy::{self, Action, Denial};
use accord_domain::reader;
use accord_domain::step;
pub use accord_domain::step::{Openness, Step};
use accord_domain::{Actor, Case, Command, DomainError, ErrorCode, GlobalRole, Visibility};
use accord_evidence::{ChainHead, EventRecord, GENESIS_HASH, NewEvent, seal};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::paging::{self, Page, PageRequest};
use crate::ports::{Append, CaseProjection, CaseQuery, ChainSummary, EventQuery};
use crate::views::{CaseOption, CaseSummary, CaseView, ConsentRequestView, EventView};
use crate::{Accord, AppError};

/// Input for a State's exclusion declaration.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDeclaration {
    /// The declaring State.
    pub state: CountryCode,
    /// Excluded categories, such as `maritime-delimitation`.
    pub categories: Vec<String>,
    /// The declaration's text.
    pub text: String,
    /// When it takes effect (RFC 3339; now when absent).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub effective_from: Option<Timestamp>,
}

/// What an action returns: the case, or — for an actor who may act but not see the case (a
/// third State giving consent) — only the fact that it was recorded.
#[derive(Debug, Clone)]
pub enum ActOutcome {
    /// The case after the action, as the actor may see it.
    Case(Box<CaseView>),
    /// The action was recorded; the actor may not see the case.
    Recorded {
        /// Id of the case acted on (UUIDv7); the actor is shown nothing else of it.
        case_id: String,
        /// The command's kebab-case name, such as `record-third-state-consent`.
        action: String,
    },
}

/// A loaded case with its log head and its chains.
#[derive(Debug, Clone)]
pub struct LoadedCase {
    /// The folded case (its `version` is the overall one: every chain's events).
    pub case: Case,
    /// Hash of the last event of any chain (internal).
    pub head_hash: String,
    /// The case's chains, by name: what each reader's view is computed from.
    pub chains: Vec<ChainSummary>,
}

/// What one reader's view of a case rests on: the events of the chains it may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderHead {
    /// How many events the reader may read (its version, and its ETag).
    pub version: i64,
    /// The hash of the last of them, by position ([`GENESIS_HASH`] if none).
    pub head_hash: String,
    /// That event's recorded time (ms since epoch), if any.
    pub updated_at_ms: Option<i64>,
}

/// The reader's head, from the chains the one policy lets it read.
pub fn reader_head(actor: &Actor, case: &Case, chains: &[ChainSummary]) -> ReaderHead {
    let rel = policy::relation(actor, case);
    let mut head = ReaderHead {
        version: 0,
        head_hash: GENESIS_HASH.to_owned(),
        updated_at_ms: None,
    };
    let mut last = 0;
    for c in chains
        .iter()
        .filter(|c| reader::may_read_chain(&rel, case, &c.chain))
    {
        head.version += c.length;
        if c.last_position > last {
            last = c.last_position;
            head.head_hash = c.last_hash.clone();
            head.updated_at_ms = Some(c.updated_at_ms);
        }
    }
    head
}

/// The chains after `records` were appended to them.
fn advance_chains(chains: &[ChainSummary], records: &[EventRecord]) -> Vec<ChainSummary> {
    let mut out = chains.to_vec();
    for r in records {
        let i = match out.iter().position(|c| c.chain == r.visibility) {
            Some(i) => i,
            None => {
                out.push(ChainSummary {
                    chain: r.visibility.clone(),
                    length: 0,
                    seq: 0,
                    head_hash: GENESIS_HASH.to_owned(),
                    last_hash: GENESIS_HASH.to_owned(),
                    last_position: 0,
                    updated_at_ms: 0,
                });
                out.len() - 1
            }
        };
        let c = &mut out[i];
        c.length += 1;
        c.seq = r.seq;
        c.head_hash = r.hash.clone();
        c.last_hash = r.hash.clone();
        c.last_position = r.position;
        c.updated_at_ms = r.recorded_at_ms;
    }
    out.sort_by(|a, b| a.chain.cmp(&b.chain));
    out
}

/// A policy denial as an error: a case the actor must not learn of answers as missing.
pub(crate) fn denial(d: Denial) -> AppError {
    match d {
        Denial::NotFound => AppError::NotFound { what: "case" },
        Denial::Forbidden => AppError::Forbidden,
        Denial::AuthorityNotAccepted => AppError::AuthorityNotAccepted,
    }
}

/// Builds the projection stored with the events.
pub fn project(case: &Case, head_hash: &str) -> Result<CaseProjection, AppError> {
    let mut members: Vec<String> = vec![case.created_by.clone()];
    for p in &case.parties {
        members.extend(p.representatives.iter().map(|r| r.user_id.clone()));
    }
    members.extend(case.mediators.iter().map(|m| m.user_id.clone()));
    for t in &case.third_states {
        members.extend(t.representatives.iter().cloned());
    }
    members.sort();
    members.dedup();
    let case_json =
        serde_json::to_string(case).map_err(|e| AppError::Storage(format!("encode case: {e}")))?;
    Ok(CaseProjection {
        case_id: case.id.clone(),
        reference: case.reference.clone(),
        title: case.title.clone(),
        dispute_type: case.dispute_type.as_str().to_owned(),
        state: case.state.name().to_owned(),
        version: case.version as i64,
        head_hash: head_hash.to_owned(),
        next_action_ms: accord_domain::scheduler::next_actionable(case)
            .map(|d| d.due_at.as_millisecond()),
        next_deadline_ms: case.next_due().map(|t| t.as_millisecond()),
        updated_at_ms: case.updated_at.as_millisecond(),
        members,
        case_json,
    })
}

fn to_new_event(d: &Decided, actor: &Actor, now: Timestamp) -> Result<NewEvent, AppError> {
    let payload = serde_json::to_value(&d.event)
        .map_err(|e| AppError::Storage(format!("encode event: {e}")))?;
    // The event's type tag is in the payload already: no second serialisation for the kind.
    let kind = payload
        .get("type")
        .and_then(|t| t.as_str())
        .unwrap_or("unknown")
        .to_owned();
    Ok(NewEvent {
        event_id: Accord::new_id(),
        recorded_at_ms: now.as_millisecond(),
        actor: actor.log_name(),
        kind,
        rule_basis: d.event.rule_basis().to_owned(),
        visibility: d.visibility.encode(),
        payload,
    })
}

fn needs_declarations(cmd: &Command) -> bool {
    matches!(cmd, Command::Register {} | Command::RefuseRequest { .. })
}

/// Does deciding `cmd` read the profiles' recorded versions?
fn needs_profile_versions(cmd: &Command) -> bool {
    matches!(
        cmd,
        Command::Register {} | Command::AgreeProfileVersion { .. } | Command::AmendDraft { .. }
    )
}

impl Accord {
    /// The case, whoever asks (internal; callers apply the policy); a missing case is an error.
    pub(crate) async fn existing_case(&self, case_id: &str) -> Result<Case, AppError> {
        Ok(self
            .load_case(case_id)
            .await?
            .ok_or(AppError::NotFound { what: "case" })?
            .case)
    }

    /// The case, if the actor may see it; a case hidden from it answers exactly as a missing one.
    pub(crate) async fn visible_case(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<Case, AppError> {
        let case = self.existing_case(case_id).await?;
        policy::authorize(actor, &Action::ViewCase, &case).map_err(denial)?;
        Ok(case)
    }

    /// Loads a case regardless of the actor (internal; callers apply the policy).
    pub async fn load_case(&self, case_id: &str) -> Result<Option<LoadedCase>, AppError> {
        let Some(p) = self.store.case(case_id).await? else {
            return Ok(None);
        };
        let case: Case = serde_json::from_str(&p.case_json).map_err(|e| {
            AppError::integrity("case", format!("{case_id}: projection unreadable: {e}"))
        })?;
        let chains = self.store.chains(case_id).await?;
        Ok(Some(LoadedCase {
            case,
            head_hash: p.head_hash,
            chains,
        }))
    }

    /// Loads a case through [`Accord::authorize`]; a case the actor may not see answers as
    /// missing. `object` names what is read, for the access log.
    pub(crate) async fn load_for(
        &self,
        actor: &Actor,
        action: &Action,
        case_id: &str,
        object: &str,
    ) -> Result<LoadedCase, AppError> {
        let loaded = self
            .load_case(case_id)
            .await?
            .ok_or(AppError::NotFound { what: "case" })?;
        self.authorize(actor, action, &loaded.case, object).await?;
        Ok(loaded)
    }

    /// The one gate between the policy and the use cases: the policy's answer for `action`, and,
    /// for an operator reading under break-glass access, a line in the access log. Break-glass
    /// opens the case record alone ([`Action::ViewCaseRecord`]), and every read under it passes
    /// here, so each is logged here rather than by each route.
    pub(crate) async fn authorize(
        &self,
        actor: &Actor,
        action: &Action,
        case: &Case,
        object: &str,
    ) -> Result<(), AppError> {
        policy::authorize(actor, action, case).map_err(denial)?;
        if policy::reads_under_break_glass(actor, case) {
            self.store
                .log_access(&[crate::ports::AccessRecord {
                    id: Accord::new_id(),
                    at_ms: self.clock.now().as_millisecond(),
                    user_id: actor.user_id().unwrap_or_default().to_owned(),
                    case_id: case.id.clone(),
                    object: object.to_owned(),
                    kind: "break-glass".into(),
                }])
                .await?;
        }
        Ok(())
    }

    /// Appends decided events after the loaded head; returns the new case and head.
    pub(crate) async fn commit(
        &self,
        actor: &Actor,
        base: Option<&LoadedCase>,
        case_id: &str,
        decided: &[Decided],
        now: Timestamp,
    ) -> Result<LoadedCase, AppError> {
        self.commit_with(actor, base, case_id, decided, now, &[])
            .await
    }

    /// [`Accord::commit`], writing `documents`' records in the same transaction as the events
    /// (a filed document is visible with its `document-filed` event, or not at all).
    pub(crate) async fn commit_with(
        &self,
        actor: &Actor,
        base: Option<&LoadedCase>,
        case_id: &str,
        decided: &[Decided],
        now: Timestamp,
        documents: &[crate::ports::DocumentRecord],
    ) -> Result<LoadedCase, AppError> {
        let events = decided
            .iter()
            .map(|d| to_new_event(d, actor, now))
            .collect::<Result<Vec<_>, _>>()?;
        let (last_position, prev, chains) = match base {
            Some(b) => (b.case.version as i64, b.head_hash.as_str(), &b.chains[..]),
            None => (0, GENESIS_HASH, &[][..]),
        };
        let heads = chains
            .iter()
            .map(|c| {
                (
                    c.chain.clone(),
                    ChainHead {
                        seq: c.seq,
                        hash: c.head_hash.clone(),
                    },
                )
            })
            .collect();
        let records = seal(case_id, last_position, &heads, events).map_err(AppError::Storage)?;
        let mut case = match base {
            Some(b) => b.case.clone(),
            None => {
                let first = decided
                    .first()
                    .ok_or_else(|| AppError::Storage("a new case needs a first event".into()))?;
                Case::start(case_id, &first.event, now)
                    .ok_or_else(|| AppError::Storage("a case starts with draft-created".into()))?
            }
        };
        let skip = usize::from(base.is_none());
        for d in decided.iter().skip(skip) {
            case.apply(&d.event, now);
        }
        let head_hash = records
            .last()
            .map(|r| r.hash.clone())
            .unwrap_or_else(|| prev.to_owned());
        let projection = project(&case, &head_hash)?;
        let chains = advance_chains(chains, &records);
        let appended = records.len();
        let result = self
            .store
            .append(Append {
                expected_version: last_position,
                records,
                projection,
                documents: documents.to_vec(),
            })
            .await;
        match &result {
            Ok(()) => {
                metrics::counter!("accord_case_appends_total").increment(1);
                metrics::histogram!("accord_case_append_events_size").record(appended as f64);
            }
            Err(crate::ports::StoreError::Conflict { .. }) => {
                metrics::counter!("accord_case_append_conflicts_total").increment(1);
            }
            Err(_) => metrics::counter!("accord_case_append_failures_total").increment(1),
        }
        result?;
        Ok(LoadedCase {
            case,
            head_hash,
            chains,
        })
    }

    /// The case as this reader sees it: what the policy lets it know of the record, with its own
    /// version, head and time (docs/SECURITY.md, "What each reader sees of the case").
    fn view(&self, actor: &Actor, loaded: LoadedCase) -> CaseView {
        let options = self.options_for(actor, &loaded.case);
        let head = reader_head(actor, &loaded.case, &loaded.chains);
        let mut case = reader::case_for_reader(actor, &loaded.case);
        policy::redact_case(&policy::relation(actor, &loaded.case), &mut case);
        case.version = head.version.max(0) as u64;
        case.updated_at = head
            .updated_at_ms
            .and_then(|ms| Timestamp::from_millisecond(ms).ok())
            .unwrap_or(case.created_at);
        let next_deadlines = case
            .pending_deadlines()
            .into_iter()
            .map(|d| crate::views::DeadlineView::new(d.clone(), None))
            .collect();
        let scope_flags = accord_domain::transitions::intake::scope_flags(&case)
            .into_iter()
            .cloned()
            .collect();
        CaseView {
            scope_flags,
            state_name: case.state.name().to_owned(),
            head_hash: head.head_hash,
            next_deadlines,
            options,
            case,
        }
    }

    /// Options a period's lapse opens to this viewer.
    fn options_for(&self, actor: &Actor, case: &Case) -> Vec<CaseOption> {
        let now = self.clock.now();
        let ctx = Context {
            now,
            actor,
            declarations: &[],
            profile_versions: &[],
        };
        let mut out = vec![];
        let mut candidates = vec![(Command::TreatInvitationAsRejected {}, None)];
        for p in &policy::relation(actor, case).parties {
            candidates.push((
                Command::RequestSecretariatAppointment { party: p.clone() },
                Some(p.clone()),
            ));
        }
        for (cmd, party) in candidates {
            if policy::authorize(actor, &cmd.action(), case).is_ok()
                && decide::decide(case, &cmd, &ctx).is_ok()
            {
                out.push(CaseOption {
                    action: cmd.name().to_owned(),
                    party,
                });
            }
        }
        out
    }

    /// Files a new request: a case in `DRAFT`, visible to the requesting side alone.
    pub async fn file_request(
        &self,
        actor: &Actor,
        req: &FileRequest,
    ) -> Result<CaseView, AppError> {
        if !policy::can_file_request(actor) {
            return Err(AppError::Forbidden);
        }
        let now = self.clock.now();
        let profile_versions = self.store.profile_versions().await?;
        let ctx = Context {
            now,
            actor,
            declarations: &[],
            profile_versions: &profile_versions,
        };
        let case_id = Accord::new_id();
        let reference = reference_for(&case_id, now);
        let event = decide::file_request(req, &ctx, &reference)?;
        let decided = [Decided {
            event,
            visibility: Visibility::Party {
                party: req.requesting_party.clone(),
            },
        }];
        let loaded = self.commit(actor, None, &case_id, &decided, now).await?;
        Ok(self.view(actor, loaded))
    }

    /// Runs a command on a case. With `expected_version` (the actor's own view version, its
    /// ETag), refuses if the actor's view moved on; without it, or when only events the actor
    /// may not read came in between, a lost race is re-decided against the new state (guards
    /// checked again) a few times.
    pub async fn act(
        &self,
        actor: &Actor,
        case_id: &str,
        cmd: &Command,
        expected_version: Option<i64>,
    ) -> Result<ActOutcome, AppError> {
        let mut attempt = 0;
        loop {
            let object = format!("action:{}", cmd.name());
            let loaded = self
                .load_for(actor, &cmd.action(), case_id, &object)
                .await?;
            let seen = reader_head(actor, &loaded.case, &loaded.chains).version;
            if let Some(v) = expected_version
                && v != seen
            {
                return Err(AppError::VersionConflict {
                    current: Some(seen),
                });
            }
            let declarations = if needs_declarations(cmd) {
                self.store.declarations().await?
            } else {
                vec![]
            };
            let profile_versions = if needs_profile_versions(cmd) {
                self.store.profile_versions().await?
            } else {
                vec![]
            };
            let now = self.clock.now();
            let ctx = Context {
                now,
                actor,
                declarations: &declarations,
                profile_versions: &profile_versions,
            };
            self.check_final_text(&loaded.case, cmd).await?;
            let cmd = &self.with_signature(actor, &loaded.case, cmd, now).await?;
            let cmd = &self.with_panel_name(cmd).await?;
            let decided = decide::decide(&loaded.case, cmd, &ctx)?;
            self.check_nominee(cmd).await?;
            match self
                .commit(actor, Some(&loaded), case_id, &decided, now)
                .await
            {
                Ok(next) => {
                    return Ok(if policy::can_view_case(actor, &next.case) {
                        ActOutcome::Case(Box::new(self.view(actor, next)))
                    } else {
                        ActOutcome::Recorded {
                            case_id: case_id.to_owned(),
                            action: cmd.name().to_owned(),
                        }
                    });
                }
                // The store's conflict is on the overall version; the actor's own view (checked
                // again above on the next turn) decides whether it is a conflict for the actor.
                Err(AppError::VersionConflict { .. }) if attempt < self.settings.append_retries => {
                    attempt += 1;
                }
                Err(AppError::VersionConflict { .. }) => {
                    return Err(AppError::VersionConflict {
                        current: Some(seen),
                    });
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Logs a read of the mediator's proposals (without-prejudice material) when the case holds
    /// any: the case view, the timeline and the negotiation views all show them.
    pub(crate) async fn log_proposal_read(
        &self,
        actor: &Actor,
        case: &Case,
        via: &str,
    ) -> Result<(), AppError> {
        // Nothing is read when there are no proposals, or when the reader sees the record alone
        // (break-glass: the view is given without negotiations).
        if !case.negotiations.iter().any(|n| !n.proposals.is_empty())
            || !policy::can_view_case(actor, case)
        {
            return Ok(());
        }
        self.store
            .log_access(&[crate::ports::AccessRecord {
                id: Accord::new_id(),
                at_ms: self.clock.now().as_millisecond(),
                user_id: actor.user_id().unwrap_or("system").to_owned(),
                case_id: case.id.clone(),
                object: format!("proposals:{via}"),
                kind: "without-prejudice".into(),
            }])
            .await?;
        Ok(())
    }

    /// The case as the actor may see it.
    pub async fn case_view(&self, actor: &Actor, case_id: &str) -> Result<CaseView, AppError> {
        let loaded = self
            .load_for(actor, &Action::ViewCaseRecord, case_id, "case")
            .await?;
        self.log_proposal_read(actor, &loaded.case, "case").await?;
        Ok(self.view(actor, loaded))
    }

    /// Which of `steps` are open to the actor on the case now (nothing is recorded): the policy
    /// and the domain's state-and-actor guards decide, never a command's content. Pages offer
    /// exactly the open steps and say what the blocked ones wait for.
    pub async fn open_actions(
        &self,
        actor: &Actor,
        case_id: &str,
        steps: &[Step],
    ) -> Result<Vec<Openness>, AppError> {
        let loaded = self
            .load_for(actor, &Action::ViewCase, case_id, "actions")
            .await?;
        let declarations = self.store.declarations().await?;
        let profile_versions = self.store.profile_versions().await?;
        let ctx = Context {
            now: self.clock.now(),
            actor,
            declarations: &declarations,
            profile_versions: &profile_versions,
        };
        Ok(steps
            .iter()
            .map(|step| step::openness(&loaded.case, step, &ctx))
            .collect())
    }

    /// One page of the events of a case the actor may read, by position in the case (oldest
    /// first, or newest first). The policy names the chains the reader may read and the store
    /// reads only those, so a page costs the same however many events the reader may not see.
    pub async fn timeline(
        &self,
        actor: &Actor,
        case_id: &str,
        page: &PageRequest,
    ) -> Result<Page<EventView>, AppError> {
        let loaded = self
            .load_for(actor, &Action::ViewCaseRecord, case_id, "events")
            .await?;
        let list = format!("events:{case_id}");
        let pos = paging::position(&list, page)?;
        self.log_proposal_read(actor, &loaded.case, "events")
            .await?;
        let rel = policy::relation(actor, &loaded.case);
        let chains = policy::readable_record_chains(
            &rel,
            &loaded.case,
            loaded.chains.iter().map(|c| c.chain.as_str()),
        );
        // The cursor names the last event shown by its id; it must be one this reader sees.
        let after_position = match paging::key::<String>(&pos.after)? {
            None => None,
            Some(event_id) => {
                let anchor = self
                    .store
                    .event(case_id, &event_id)
                    .await?
                    .filter(|e| chains.admits(&e.visibility, &e.kind))
                    .ok_or_else(paging::stale_cursor)?;
                Some(anchor.position)
            }
        };
        let records = self
            .store
            .events_page(&EventQuery {
                case_id: case_id.to_owned(),
                full: chains.full.clone(),
                partial: chains.without_prejudice_hidden.clone(),
                hidden_kinds: accord_domain::event::WITHOUT_PREJUDICE_KINDS
                    .iter()
                    .map(|k| (*k).to_owned())
                    .collect(),
                after_position,
                order: pos.order,
                limit: pos.limit + 1,
            })
            .await?;
        // The store applied the filter; it is applied again here (fail closed).
        let records: Vec<_> = records
            .into_iter()
            .filter(|r| chains.admits(&r.visibility, &r.kind))
            .collect();
        Ok(paging::cut(&list, &pos, records, |r| r.event_id.clone()).map(|r| EventView::from(&r)))
    }

    /// The consent request addressed to a third State (all a third State may see).
    pub async fn consent_request(
        &self,
        actor: &Actor,
        case_id: &str,
        country: &str,
    ) -> Result<ConsentRequestView, AppError> {
        let country = CountryCode::parse(country).map_err(AppError::Domain)?;
        let loaded = self
            .load_for(
                actor,
                &Action::ViewConsentRequest {
                    country: country.clone(),
                },
                case_id,
                "consent-request",
            )
            .await?;
        let case = loaded.case;
        let t = case
            .third_states
            .iter()
            .find(|t| t.country == country)
            .ok_or(AppError::NotFound { what: "case" })?;
        Ok(ConsentRequestView {
            case_id: case.id.clone(),
            reference: case.reference.clone(),
            title: case.title.clone(),
            summary: case.summary.clone(),
            country: country.to_string(),
            consent_given: t.consent.is_some(),
            status: t.consent_status().to_owned(),
        })
    }

    /// The consent requests addressed to the actor as a third State's representative, pending
    /// ones first: what a third State may see of a case (reference, title, scope summary) and
    /// nothing else.
    pub async fn consent_requests(
        &self,
        actor: &Actor,
    ) -> Result<Vec<ConsentRequestView>, AppError> {
        let Actor::User { id, .. } = actor else {
            return Ok(vec![]);
        };
        let rows = self
            .store
            .list_cases(&CaseQuery {
                member: Some(id.clone()),
                state: None,
                limit: 500,
                offset: 0,
                after: None,
            })
            .await?;
        let mut out = vec![];
        for p in &rows {
            let Ok(case) = serde_json::from_str::<Case>(&p.case_json) else {
                continue;
            };
            for t in &case.third_states {
                let asked = Action::ViewConsentRequest {
                    country: t.country.clone(),
                };
                if t.representatives.contains(id) && policy::authorize(actor, &asked, &case).is_ok()
                {
                    out.push(ConsentRequestView {
                        case_id: case.id.clone(),
                        reference: case.reference.clone(),
                        title: case.title.clone(),
                        summary: case.summary.clone(),
                        country: t.country.to_string(),
                        consent_given: t.consent.is_some(),
                        status: t.consent_status().to_owned(),
                    });
                }
            }
        }
        // Requests still to answer first.
        out.sort_by_key(|r| r.status != "pending");
        Ok(out)
    }

    /// One page of the cases the actor may see, by next deadline (cases without one last, the
    /// newest of those first). `offset` is kept for older clients; a cursor reads any page at the
    /// same cost.
    pub async fn list_cases(
        &self,
        actor: &Actor,
        state: Option<String>,
        page: &PageRequest,
        offset: i64,
    ) -> Result<Page<CaseSummary>, AppError> {
        let list = format!("cases:{}", state.as_deref().unwrap_or("*"));
        let pos = paging::position(&list, page)?;
        let mut after = paging::key::<(Option<i64>, String)>(&pos.after)?;
        let member = match actor {
            Actor::User {
                role: GlobalRole::Secretariat,
                ..
            } => None,
            Actor::User {
                role: GlobalRole::Operator,
                ..
            }
            | Actor::System => {
                return Ok(Page {
                    items: vec![],
                    next: None,
                });
            }
            Actor::User { id, .. } => Some(id.clone()),
        };
        let wanted = usize::try_from(pos.limit + 1).unwrap_or(usize::MAX);
        let mut visible: Vec<(CaseProjection, Case)> = vec![];
        let mut offset = offset.max(0);
        // Rows the actor may not see are skipped; the cursor is only ever made from a case the
        // actor sees, and reading continues from the last row read.
        loop {
            let rows = self
                .store
                .list_cases(&CaseQuery {
                    member: member.clone(),
                    state: state.clone(),
                    limit: pos.limit + 1,
                    offset,
                    after: after.clone(),
                })
                .await?;
            let exhausted = rows.len() < usize::try_from(pos.limit + 1).unwrap_or(usize::MAX);
            if let Some(last) = rows.last() {
                after = Some((last.next_deadline_ms, last.case_id.clone()));
                offset = 0;
            }
            for p in rows {
                let Ok(case) = serde_json::from_str::<Case>(&p.case_json) else {
                    continue;
                };
                if policy::can_view_case(actor, &case) && visible.len() < wanted {
                    visible.push((p, case));
                }
            }
            if exhausted || visible.len() >= wanted {
                break;
            }
        }
        let page = paging::cut(&list, &pos, visible, |(p, _)| {
            (p.next_deadline_ms, p.case_id.clone())
        });
        let ids: Vec<String> = page.items.iter().map(|(p, _)| p.case_id.clone()).collect();
        let mut chains: std::collections::HashMap<String, Vec<ChainSummary>> =
            std::collections::HashMap::new();
        for (id, c) in self.store.chains_of(&ids).await? {
            chains.entry(id).or_default().push(c);
        }
        Ok(page.map(|(p, case)| {
            // The reader's own version and time, as its case view gives them.
            let of_case = chains.get(&p.case_id).map_or(&[][..], |c| &c[..]);
            let head = reader_head(actor, &case, of_case);
            let mut line = CaseSummary::from(&p);
            line.version = head.version;
            line.updated_at = crate::views::ms_to_rfc3339(
                head.updated_at_ms
                    .unwrap_or_else(|| case.created_at.as_millisecond()),
            );
            line
        }))
    }

    /// Re-opens a closed case as a new case linked to it; the old record is not changed.
    pub async fn reopen(&self, actor: &Actor, old_case_id: &str) -> Result<CaseView, AppError> {
        let old = self
            .load_for(actor, &Action::RequestReopening, old_case_id, "reopen")
            .await?;
        let now = self.clock.now();
        let ctx = Context {
            now,
            actor,
            declarations: &[],
            profile_versions: &[],
        };
        let case_id = Accord::new_id();
        let reference = reference_for(&case_id, now);
        let event = decide::reopen(&old.case, &old.head_hash, &ctx, &reference)?;
        let decided = [Decided {
            event,
            visibility: Visibility::Case,
        }];
        let loaded = self.commit(actor, None, &case_id, &decided, now).await?;
        Ok(self.view(actor, loaded))
    }

    /// Records a State's exclusion declaration (Secretariat).
    pub async fn add_declaration(
        &self,
        actor: &Actor,
        d: NewDeclaration,
    ) -> Result<ExclusionDeclaration, AppError> {
        if !policy::can_administer_institution(actor) {
            return Err(AppError::Forbidden);
        }
        if d.categories.is_empty() || d.categories.len() > decide::limits::CATEGORIES_MAX {
            return Err(AppError::invalid(
                "invalid-categories",
                "a declaration excludes 1 to 20 categories",
            ));
        }
        if d.text.trim().is_empty() || d.text.chars().count() > decide::limits::TEXT_MAX {
            return Err(AppError::Domain(DomainError::invalid(
                ErrorCode::MissingField,
                "'text' must not be empty",
            )));
        }
        let decl = ExclusionDeclaration {
            id: Accord::new_id(),
            state: d.state,
            categories: d.categories,
            text: d.text,
            effective_from: d.effective_from.unwrap_or_else(|| self.clock.now()),
        };
        self.store.add_declaration(&decl).await?;
        Ok(decl)
    }

    /// Lists exclusion declarations (any signed-in user: they are public instruments).
    pub async fn declarations(&self) -> Result<Vec<ExclusionDeclaration>, AppError> {
        Ok(self.store.declarations().await?)
    }
}

/// A human reference: `ACC-<year>-<first 8 hex digits of the random part of the id>`.
fn reference_for(case_id: &str, now: Timestamp) -> String {
    let year = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).year();
    let tail: String = case_id
        .chars()
        .filter(|c| c.is_ascii_hexdigit())
        .skip(24)
        .take(8)
        .collect::<String>()
        .to_uppercase();
    format!("ACC-{year}-{tail}")
}

/// Aggregate, anonymised statistics: counts of cases by dispute type and state.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Statistics {
    /// Cases by dispute type.
    pub by_dispute_type: std::collections::BTreeMap<String, u64>,
    /// Cases by state.
    pub by_state: std::collections::BTreeMap<String, u64>,
    /// All cases (drafts excluded).
    pub total: u64,
}

impl Accord {
    /// Aggregate statistics (Governing Council and Secretariat): counts only, no case content.
    pub async fn statistics(&self, actor: &Actor) -> Result<Statistics, AppError> {
        if !policy::can_view_statistics(actor) {
            return Err(AppError::Forbidden);
        }
        let mut stats = Statistics {
            by_dispute_type: Default::default(),
            by_state: Default::default(),
            total: 0,
        };
        let mut after = None;
        loop {
            let page = self
                .store
                .list_cases(&CaseQuery {
                    member: None,
                    state: None,
                    limit: 500,
                    offset: 0,
                    after: after.take(),
                })
                .await?;
            for p in &page {
                if p.state == "DRAFT" {
                    continue;
                }
                stats.total += 1;
                *stats
                    .by_dispute_type
                    .entry(p.dispute_type.clone())
                    .or_default() += 1;
                *stats.by_state.entry(p.state.clone()).or_default() += 1;
            }
            match page.last() {
                Some(last) if page.len() == 500 => {
                    after = Some((last.next_deadline_ms, last.case_id.clone()));
                }
                _ => break,
            }
        }
        Ok(stats)
    }
}
