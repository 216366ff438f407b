//! Channels, messages and relays: confidential content, sealed at rest, read only through the
//! policy, with every read of caucus, notes, internal or without-prejudice content audited.

use std::collections::HashMap;
use std::sync::Mutex;

use accord_domain::channel::{ChannelId, ReadAccess};
use accord_domain::policy::{self, Action, Denial};
use accord_domain::profile::RelayDefault;
use accord_domain::{Actor, Case};
use accord_keys::{DataKey, MasterKey};
use serde::{Deserialize, Serialize};

use crate::paging::{self, Order, Page, PageRequest};
use crate::ports::{AccessRecord, MessageRecord, RelayRecord};
use crate::{Accord, AppError};

/// Limits on messages.
pub mod limits {
    /// Largest message body in bytes.
    pub const BODY_MAX: usize = 64 * 1024;
}

/// The master key and the case data keys unwrapped so far.
pub struct KeyRing {
    master: MasterKey,
    cache: Mutex<HashMap<String, DataKey>>,
}

impl KeyRing {
    /// The master key.
    pub fn master(&self) -> &MasterKey {
        &self.master
    }
}

/// Unwrapped keys kept in memory at most.
const KEY_CACHE_MAX: usize = 4096;

impl KeyRing {
    /// A key ring over the deployment's master key.
    pub fn new(master: MasterKey) -> Self {
        KeyRing {
            master,
            cache: Mutex::new(HashMap::new()),
        }
    }
}

/// A message to post: its text and tags (reads of without-prejudice content are audited; a
/// confidential caucus message is relayed only with its party's approval).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// The text (at most 64 KiB).
    pub body: String,
    /// Without-prejudice material (an offer, admission, proposal or response to one).
    #[serde(default)]
    pub without_prejudice: bool,
    /// Marked confidential (under a Model-Law relay profile, only unmarked caucus content may be
    /// relayed without authorisation).
    #[serde(default)]
    pub confidential: bool,
}

/// Who relayed an excerpt, on whose authority and when.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct RelayStamp {
    /// The party whose caucus the excerpt comes from.
    pub source_party: String,
    /// The mediator who proposed it.
    pub proposed_by: String,
    /// Who authorised it: a user id, or `profile:shareable-unless-confidential`.
    pub approved_by: String,
    /// When (RFC 3339).
    pub approved_at: String,
    /// The stamp shown with it.
    pub stamp: String,
}

/// A message as its reader sees it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct MessageView {
    /// Its id (UUIDv7), stable for the record's life.
    pub id: String,
    /// The channel's name (`plenary`, `caucus:<party>`, `internal:<party>`, …).
    pub channel: String,
    /// Position in the channel.
    pub seq: i64,
    /// Author (user id); absent for metadata-only readers.
    pub author: Option<String>,
    /// Posted (RFC 3339).
    pub posted_at: String,
    /// Without-prejudice tag.
    pub without_prejudice: bool,
    /// Confidential marking; absent for metadata-only readers.
    pub confidential: Option<bool>,
    /// The text; absent for metadata-only readers.
    pub body: Option<String>,
    /// Size in bytes.
    pub size: i64,
    /// For a relayed excerpt, its stamp.
    pub relay: Option<RelayStamp>,
}

/// A channel the reader may use.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct ChannelView {
    /// The channel's name (`plenary`, `caucus:<party>`, `internal:<party>`, …).
    pub channel: String,
    /// `full` or `metadata`.
    pub access: String,
    /// The policy lets the reader post messages and file documents here.
    pub may_post: bool,
    /// Private to one party and the mediator.
    pub private: bool,
}

/// The mediator's proposal to relay an excerpt.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeRelay {
    /// The caucus message the excerpt comes from.
    pub source_message_id: String,
    /// The exact excerpt (a contiguous part of the source message).
    pub excerpt: String,
    /// Where it would go: `plenary` or another party's caucus.
    pub target: ChannelId,
}

/// The source party's decision on a relay.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelayDecision {
    /// Approve (true) or refuse (false).
    pub approve: bool,
    /// The excerpt as the party read it: it must be exactly the proposed text.
    pub excerpt: String,
}

/// A relay as its viewers (the mediator, the source party) see it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct RelayView {
    /// Its id (UUIDv7), stable for the record's life.
    pub id: String,
    /// Source caucus.
    pub source_channel: String,
    /// The caucus message the excerpt is taken from.
    pub source_message_id: String,
    /// The channel the excerpt is posted to once approved.
    pub target_channel: String,
    /// The proposed text, unsealed for this reader; posted word for word once approved.
    pub excerpt: String,
    /// `pending`, `approved` or `refused`.
    pub status: String,
    /// The mediator who proposed it (user id); an approved excerpt is posted in their name.
    pub proposed_by: String,
    /// The user who approved or refused it (`None` while pending).
    pub decided_by: Option<String>,
    /// The message posted on approval.
    pub message_id: Option<String>,
}

/// An access-log line.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct AccessView {
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub user_id: String,
    /// The case's id (UUIDv7, as in its URL).
    pub case_id: String,
    /// What.
    pub object: String,
    /// Why audited.
    pub kind: String,
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn aad(case_id: &str, what: &str, id: &str) -> Vec<u8> {
    format!("accord-v1:{case_id}:{what}:{id}").into_bytes()
}

fn channel_not_found() -> AppError {
    AppError::NotFound { what: "channel" }
}

/// Why a read of content in this channel (or with this tag) goes to the access log, if it does.
pub(crate) fn audit_kind(channel: &ChannelId, wp: bool) -> Option<&'static str> {
    match channel {
        ChannelId::Caucus(_) => Some("caucus"),
        ChannelId::MediatorNotes => Some("notes"),
        ChannelId::Internal(_) => Some("internal"),
        _ if wp => Some("without-prejudice"),
        _ => None,
    }
}

impl Accord {
    pub(crate) async fn data_key(&self, case_id: &str) -> Result<DataKey, AppError> {
        if let Some(k) = self
            .keys
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(case_id)
        {
            return Ok(k.clone());
        }
        let bad = |e: accord_keys::KeyError| AppError::from_key("case key", case_id, e);
        let wrapped = match self.store.case_key(case_id).await? {
            Some(w) => w,
            None => {
                let (_, wrapped) = self.keys.master.new_data_key(case_id).map_err(bad)?;
                self.store.put_case_key(case_id, &wrapped).await?
            }
        };
        let key = self
            .keys
            .master
            .unwrap_data_key(case_id, &wrapped)
            .map_err(bad)?;
        let mut cache = self.keys.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= KEY_CACHE_MAX {
            cache.clear();
        }
        cache.insert(case_id.to_owned(), key.clone());
        Ok(key)
    }

    /// Loads a case for a channel operation: a case the actor cannot see and has no channel in
    /// answers as missing.
    pub(crate) async fn case_for_channels(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<Case, AppError> {
        let case = self.existing_case(case_id).await?;
        let r = policy::relation(actor, &case);
        let channel_only = !r.guest_channels.is_empty() || r.finance;
        if !policy::sees_case(&r, &case) && !channel_only {
            return Err(crate::cases::denial(policy::unseen(&r)));
        }
        Ok(case)
    }

    /// The channels the actor may use in a case.
    pub async fn channels(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<Vec<ChannelView>, AppError> {
        let case = self.case_for_channels(actor, case_id).await?;
        let mut all = vec![
            ChannelId::Plenary,
            ChannelId::Administrative,
            ChannelId::MediatorNotes,
        ];
        for p in &case.parties {
            all.push(ChannelId::Caucus(p.id.clone()));
            all.push(ChannelId::Internal(p.id.clone()));
        }
        Ok(all
            .into_iter()
            .filter_map(|c| {
                let (read, write) = policy::channel_access(actor, &case, &c);
                let access = match read {
                    ReadAccess::None => return None,
                    ReadAccess::Metadata => "metadata",
                    ReadAccess::Full => "full",
                };
                Some(ChannelView {
                    private: !matches!(c, ChannelId::Plenary | ChannelId::Administrative),
                    channel: c.encode(),
                    access: access.into(),
                    may_post: write,
                })
            })
            .collect())
    }

    fn message_view(&self, m: &MessageRecord, body: Option<String>) -> MessageView {
        let full = body.is_some();
        MessageView {
            id: m.id.clone(),
            channel: m.channel.clone(),
            seq: m.seq,
            author: full.then(|| m.author.clone()),
            posted_at: rfc3339(m.posted_at_ms),
            without_prejudice: m.without_prejudice,
            confidential: full.then_some(m.confidential),
            body,
            size: m.size,
            relay: if full {
                m.relay_json
                    .as_deref()
                    .and_then(|j| serde_json::from_str(j).ok())
            } else {
                None
            },
        }
    }

    async fn open_body(&self, key: &DataKey, m: &MessageRecord) -> Result<String, AppError> {
        let plain = key
            .open(&aad(&m.case_id, &m.channel, &m.id), &m.body)
            .map_err(|e| AppError::from_key("message", &m.id, e))?;
        String::from_utf8(plain)
            .map_err(|_| AppError::integrity("message", format!("{} is not text", m.id)))
    }

    /// Posts a message in a channel.
    pub async fn post_message(
        &self,
        actor: &Actor,
        case_id: &str,
        channel: &str,
        msg: NewMessage,
    ) -> Result<MessageView, AppError> {
        let case = self.case_for_channels(actor, case_id).await?;
        let channel = ChannelId::parse(channel).ok_or_else(channel_not_found)?;
        match policy::authorize(
            actor,
            &Action::PostMessage {
                channel: channel.clone(),
            },
            &case,
        ) {
            Ok(()) => {}
            Err(Denial::NotFound) => return Err(channel_not_found()),
            Err(Denial::AuthorityNotAccepted) => return Err(AppError::AuthorityNotAccepted),
            Err(Denial::Forbidden) => {
                return Err(
                    if policy::channel_access(actor, &case, &channel).0 == ReadAccess::None {
                        channel_not_found()
                    } else {
                        AppError::Forbidden
                    },
                );
            }
        }
        if msg.body.trim().is_empty() || msg.body.len() > limits::BODY_MAX {
            return Err(AppError::invalid(
                "invalid-message-body",
                format!("a message is 1 to {} bytes of text", limits::BODY_MAX),
            ));
        }
        self.store_message(actor, &case, &channel, msg, None).await
    }

    async fn store_message(
        &self,
        actor: &Actor,
        case: &Case,
        channel: &ChannelId,
        msg: NewMessage,
        relay: Option<RelayStamp>,
    ) -> Result<MessageView, AppError> {
        let key = self.data_key(&case.id).await?;
        let id = Accord::new_id();
        let ch = channel.encode();
        let body = key
            .seal(&aad(&case.id, &ch, &id), msg.body.as_bytes())
            .map_err(|e| AppError::Storage(e.to_string()))?;
        let relay_json = relay
            .map(|r| serde_json::to_string(&r))
            .transpose()
            .map_err(|e| AppError::Storage(e.to_string()))?;
        let rec = MessageRecord {
            id,
            case_id: case.id.clone(),
            channel: ch,
            seq: 0,
            author: actor.user_id().unwrap_or("system").to_owned(),
            posted_at_ms: self.clock.now().as_millisecond(),
            without_prejudice: msg.without_prejudice,
            confidential: msg.confidential,
            relay_json,
            body,
            size: msg.body.len() as i64,
        };
        let stored = self.store.post_message(&rec).await?;
        Ok(self.message_view(&stored, Some(msg.body)))
    }

    /// One page of a channel's messages as the actor may see them (content, or metadata only),
    /// by position in the channel. Reads of caucus, notes, internal and without-prejudice content
    /// are written to the access log.
    pub async fn messages(
        &self,
        actor: &Actor,
        case_id: &str,
        channel: &str,
        page: &PageRequest,
    ) -> Result<Page<MessageView>, AppError> {
        let case = self.case_for_channels(actor, case_id).await?;
        let channel = ChannelId::parse(channel).ok_or_else(channel_not_found)?;
        let (read, _) = policy::channel_access(actor, &case, &channel);
        if read == ReadAccess::None {
            return Err(channel_not_found());
        }
        let ch = channel.encode();
        let list = format!("messages:{case_id}/{ch}");
        let pos = paging::position(&list, page)?;
        let after = paging::key::<i64>(&pos.after)?;
        let records = self
            .store
            .messages(case_id, &ch, after, pos.order, pos.limit + 1)
            .await?;
        let records = paging::cut(&list, &pos, records, |m| m.seq);
        if read == ReadAccess::Metadata {
            return Ok(records.map(|m| self.message_view(&m, None)));
        }
        let key = self.data_key(case_id).await?;
        let now = self.clock.now().as_millisecond();
        let user = actor.user_id().unwrap_or("system").to_owned();
        let mut out = Vec::with_capacity(records.items.len());
        let mut audit = vec![];
        for m in &records.items {
            out.push(self.message_view(m, Some(self.open_body(&key, m).await?)));
            if let Some(kind) = audit_kind(&channel, m.without_prejudice) {
                audit.push(AccessRecord {
                    id: Accord::new_id(),
                    at_ms: now,
                    user_id: user.clone(),
                    case_id: case_id.to_owned(),
                    object: format!("message:{}", m.id),
                    kind: kind.into(),
                });
            }
        }
        self.store.log_access(&audit).await?;
        Ok(Page {
            items: out,
            next: records.next,
        })
    }

    /// The mediator proposes to relay an exact excerpt of a caucus message. Under the ICSID
    /// default it waits for the source party's approval; under a Model-Law profile an excerpt of
    /// a message not marked confidential passes at once.
    pub async fn propose_relay(
        &self,
        actor: &Actor,
        case_id: &str,
        p: ProposeRelay,
    ) -> Result<RelayView, AppError> {
        let case = self.case_for_channels(actor, case_id).await?;
        let source = self
            .store
            .message(case_id, &p.source_message_id)
            .await?
            .ok_or(AppError::NotFound { what: "message" })?;
        let source_channel =
            ChannelId::parse(&source.channel).ok_or(AppError::NotFound { what: "message" })?;
        if policy::channel_access(actor, &case, &source_channel).0 != ReadAccess::Full {
            return Err(AppError::NotFound { what: "message" });
        }
        policy::authorize(
            actor,
            &Action::ProposeRelay {
                source: source_channel.clone(),
            },
            &case,
        )
        .map_err(|_| AppError::Forbidden)?;
        let ChannelId::Caucus(source_party) = &source_channel else {
            return Err(AppError::Forbidden);
        };
        let valid_target = match &p.target {
            ChannelId::Plenary => true,
            ChannelId::Caucus(other) => {
                other != source_party && case.party(other).is_some_and(|x| x.is_active())
            }
            _ => false,
        };
        if !valid_target {
            return Err(AppError::invalid(
                "invalid-relay-target",
                "an excerpt goes to the plenary or to another party's caucus",
            ));
        }
        let key = self.data_key(case_id).await?;
        let text = self.open_body(&key, &source).await?;
        self.store
            .log_access(&[AccessRecord {
                id: Accord::new_id(),
                at_ms: self.clock.now().as_millisecond(),
                user_id: actor.user_id().unwrap_or("system").to_owned(),
                case_id: case_id.to_owned(),
                object: format!("message:{}", source.id),
                kind: "caucus".into(),
            }])
            .await?;
        if p.excerpt.trim().is_empty() || !text.contains(&p.excerpt) {
            return Err(AppError::invalid(
                "relay-not-an-excerpt",
                "the excerpt must be an exact, contiguous part of the source message",
            ));
        }
        let id = Accord::new_id();
        let now = self.clock.now();
        let excerpt = key
            .seal(&aad(case_id, "relay", &id), p.excerpt.as_bytes())
            .map_err(|e| AppError::Storage(e.to_string()))?;
        let mut rec = RelayRecord {
            id,
            case_id: case_id.to_owned(),
            source_channel: source.channel.clone(),
            source_message_id: source.id.clone(),
            target_channel: p.target.encode(),
            excerpt,
            proposed_by: actor.user_id().unwrap_or_default().to_owned(),
            proposed_at_ms: now.as_millisecond(),
            status: "pending".into(),
            decided_by: None,
            decided_at_ms: None,
            message_id: None,
        };
        self.store.create_relay(&rec).await?;
        let shareable = case.profile.relay_default == RelayDefault::ShareableUnlessConfidential
            && !source.confidential;
        if shareable {
            let approved_by = "profile:shareable-unless-confidential".to_owned();
            rec = self
                .complete_relay(&case, rec, &p.excerpt, source_party, approved_by)
                .await?;
        }
        Ok(self.relay_view(&rec, p.excerpt))
    }

    async fn complete_relay(
        &self,
        case: &Case,
        mut rec: RelayRecord,
        excerpt: &str,
        source_party: &str,
        approved_by: String,
    ) -> Result<RelayRecord, AppError> {
        let now = self.clock.now();
        let party_name = case
            .party(source_party)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| source_party.to_owned());
        let stamp = RelayStamp {
            source_party: source_party.to_owned(),
            proposed_by: rec.proposed_by.clone(),
            approved_by: approved_by.clone(),
            approved_at: now.to_string(),
            stamp: format!(
                "Relayed by the mediator with {party_name}'s authorisation on {}",
                accord_domain::deadline::utc_date(now)
            ),
        };
        let target = ChannelId::parse(&rec.target_channel)
            .ok_or_else(|| AppError::Storage("relay target unreadable".into()))?;
        let mediator = Actor::User {
            id: rec.proposed_by.clone(),
            role: accord_domain::GlobalRole::Mediator,
        };
        let msg = self
            .store_message(
                &mediator,
                case,
                &target,
                NewMessage {
                    body: excerpt.to_owned(),
                    without_prejudice: false,
                    confidential: false,
                },
                Some(stamp),
            )
            .await?;
        rec.status = "approved".into();
        rec.decided_by = Some(approved_by);
        rec.decided_at_ms = Some(now.as_millisecond());
        rec.message_id = Some(msg.id);
        self.store.decide_relay(&rec).await?;
        Ok(rec)
    }

    fn relay_view(&self, r: &RelayRecord, excerpt: String) -> RelayView {
        RelayView {
            id: r.id.clone(),
            source_channel: r.source_channel.clone(),
            source_message_id: r.source_message_id.clone(),
            target_channel: r.target_channel.clone(),
            excerpt,
            status: r.status.clone(),
            proposed_by: r.proposed_by.clone(),
            decided_by: r.decided_by.clone(),
            message_id: r.message_id.clone(),
        }
    }

    /// The relays whose source caucus the actor may read in full (the mediator, the source party).
    pub async fn relays(&self, actor: &Actor, case_id: &str) -> Result<Vec<RelayView>, AppError> {
        let case = self.case_for_channels(actor, case_id).await?;
        let key = self.data_key(case_id).await?;
        let mut out = vec![];
        for r in self.store.relays(case_id).await? {
            let Some(src) = ChannelId::parse(&r.source_channel) else {
                continue;
            };
            if policy::channel_access(actor, &case, &src).0 != ReadAccess::Full {
                continue;
            }
            let text = key
                .open(&aad(case_id, "relay", &r.id), &r.excerpt)
                .map_err(|e| AppError::from_key("relay", &r.id, e))?;
            out.push(self.relay_view(&r, String::from_utf8_lossy(&text).into_owned()));
        }
        Ok(out)
    }

    /// The source party approves (posting the excerpt with its stamp) or refuses a relay. The
    /// approval names the exact text; any difference from the proposal is refused.
    pub async fn decide_relay(
        &self,
        actor: &Actor,
        case_id: &str,
        relay_id: &str,
        d: RelayDecision,
    ) -> Result<RelayView, AppError> {
        let case = self.case_for_channels(actor, case_id).await?;
        let not_found = AppError::NotFound { what: "relay" };
        let rec = self
            .store
            .relays(case_id)
            .await?
            .into_iter()
            .find(|r| r.id == relay_id)
            .ok_or(AppError::NotFound { what: "relay" })?;
        let src =
            ChannelId::parse(&rec.source_channel).ok_or(AppError::NotFound { what: "relay" })?;
        if policy::channel_access(actor, &case, &src).0 != ReadAccess::Full {
            return Err(not_found);
        }
        let party = src.party().unwrap_or_default().to_owned();
        policy::authorize(
            actor,
            &Action::DecideRelay {
                party: party.clone(),
            },
            &case,
        )
        .map_err(|_| AppError::Forbidden)?;
        if rec.status != "pending" {
            return Err(AppError::invalid(
                "relay-already-decided",
                format!("this relay is already {}", rec.status),
            ));
        }
        let key = self.data_key(case_id).await?;
        let excerpt = key
            .open(&aad(case_id, "relay", &rec.id), &rec.excerpt)
            .map_err(|e| AppError::from_key("relay", &rec.id, e))?;
        let excerpt = String::from_utf8_lossy(&excerpt).into_owned();
        if d.excerpt != excerpt {
            return Err(AppError::invalid(
                "relay-text-mismatch",
                "the text you approve differs from the proposed excerpt; read it again",
            ));
        }
        let user = actor.user_id().unwrap_or_default().to_owned();
        let rec = if d.approve {
            self.complete_relay(&case, rec, &excerpt, &party, user)
                .await?
        } else {
            let mut r = rec;
            r.status = "refused".into();
            r.decided_by = Some(user);
            r.decided_at_ms = Some(self.clock.now().as_millisecond());
            self.store.decide_relay(&r).await?;
            r
        };
        Ok(self.relay_view(&rec, excerpt))
    }

    /// One page of the access log, newest first (Secretary-General).
    pub async fn access_log(
        &self,
        actor: &Actor,
        case_id: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<AccessView>, AppError> {
        if !policy::can_read_access_log(actor) {
            return Err(AppError::Forbidden);
        }
        let list = format!("access-log:{}", case_id.unwrap_or("*"));
        // The access log is read newest first whatever the request says.
        let page = PageRequest {
            order: Order::Newest,
            ..page.clone()
        };
        let pos = paging::position(&list, &page)?;
        let before = paging::key::<(i64, String)>(&pos.after)?;
        let records = self
            .store
            .access_log(case_id, before, pos.limit + 1)
            .await?;
        Ok(
            paging::cut(&list, &pos, records, |a| (a.at_ms, a.id.clone())).map(|a| AccessView {
                at: rfc3339(a.at_ms),
                user_id: a.user_id,
                case_id: a.case_id,
                object: a.object,
                kind: a.kind,
            }),
        )
    }
}
