//! Meetings of a case (docs/NOTIFICATIONS.md, "Sessions and scheduling"): the mediator or case
//! officer proposes a joint session or a caucus with candidate times; the invitees answer each
//! time (yes, if need be, no), seeing every time in their own zone beside the others' local
//! times; the proposer confirms one, moves it or cancels it. Each change is stored with the
//! notices it gives, in one transaction; confirmed, moved and cancelled meetings reach the
//! invitees' calendars (RFC 5545 invitations by e-mail, and each user's private feed).
//!
//! Who sees a meeting is the channel's rule ([`accord_domain::meeting`]): a caucus with A is
//! A's and the mediator's business — B is never told it exists. Meetings are not case events:
//! moving a session does not move the case record. The agenda, place and interpreters are
//! sealed under the case's key; e-mails and calendars carry the place and video room, never the
//! agenda.

use std::collections::BTreeMap;

use accord_domain::channel::ChannelId;
use accord_domain::meeting::{self, Availability};
use accord_domain::notice::Topic;
use accord_domain::{Actor, Case};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::calendar::{CalendarEvent, calendar};
use crate::notifications::notice_id;
use crate::ports::{MeetingAnswerRecord, MeetingRecord, NotificationRecord, StoreError};
use crate::{Accord, AppError};

/// Candidate times in one poll, at most.
pub const MAX_CANDIDATES: usize = 10;
/// The longest agenda, place or interpreters' line, in characters.
pub const MAX_TEXT: usize = 4000;

/// A proposal of a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    /// `plenary` (a joint session) or `caucus:<party>`.
    pub channel: String,
    /// What it is for.
    pub agenda: String,
    /// Candidate start times (RFC 3339 instants, such as `2026-03-29T09:00:00+02:00`), 1 to 10,
    /// in the future.
    pub candidates: Vec<String>,
    /// Length in minutes (15 to 480).
    pub duration_minutes: i64,
    /// Where it is held (a room), if in person.
    #[serde(default)]
    pub place: Option<String>,
    /// Held by video: a room with an unguessable name is made from the deployment's template.
    #[serde(default)]
    pub video: bool,
    /// Interpreters (languages, names), if any.
    #[serde(default)]
    pub interpreters: Option<String>,
}

/// An invitee's answers, one per candidate time in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingAnswerInput {
    /// Yes, if need be or no for each candidate.
    pub answers: Vec<Availability>,
}

/// Confirming one candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingConfirmInput {
    /// The candidate's index (from 0).
    pub candidate: usize,
}

/// Moving a confirmed meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingMoveInput {
    /// The new start (RFC 3339 instant), in the future.
    pub start: String,
}

/// What is sealed: the agenda, the place and the interpreters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Details {
    agenda: String,
    place: Option<String>,
    interpreters: Option<String>,
}

/// An invitee as the others see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InviteeView {
    /// User id.
    pub user_id: String,
    /// Name.
    pub name: String,
    /// The zone its times are shown in (its own choice; UTC when none).
    pub time_zone: String,
    /// Its answers, one per candidate, once it answered.
    pub answers: Option<Vec<Availability>>,
}

/// A meeting as one reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MeetingView {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// `plenary` or `caucus:<party>`.
    pub channel: String,
    /// `polling`, `confirmed` or `cancelled`.
    pub status: String,
    /// Candidate start times (RFC 3339, UTC).
    pub candidates: Vec<String>,
    /// Length in minutes.
    pub duration_minutes: i64,
    /// The confirmed start (RFC 3339, UTC).
    pub start: Option<String>,
    /// The invitations' sequence number.
    pub sequence: i64,
    /// What it is for.
    pub agenda: String,
    /// Where.
    pub place: Option<String>,
    /// The video room.
    pub video_link: Option<String>,
    /// Interpreters.
    pub interpreters: Option<String>,
    /// Who is invited, with their answers.
    pub invitees: Vec<InviteeView>,
    /// The reader may confirm, move or cancel it.
    pub may_schedule: bool,
    /// The reader is invited and may answer.
    pub may_answer: bool,
    /// Who proposed it.
    pub created_by: String,
    /// Its version.
    pub version: i64,
}

/// What a calendar event is, for the words of its summary (chosen by the layer that speaks the
/// reader's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarLabel {
    /// A meeting in `channel` (`plenary` or `caucus:<party>`).
    Meeting {
        /// The case's reference.
        reference: String,
        /// The meeting's channel.
        channel: String,
        /// The reader is the mediator.
        as_mediator: bool,
    },
    /// A deadline of `kind` runs out.
    Deadline {
        /// The case's reference.
        reference: String,
        /// The deadline's kind.
        kind: String,
    },
}

impl CalendarLabel {
    /// The message that words it (`calendar-joint`, `calendar-caucus`,
    /// `calendar-caucus-mediator`, `calendar-deadline`) and its arguments (`reference`; for a
    /// deadline also `deadline`, the kind, which the caller words as `deadline-<kind>`).
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            CalendarLabel::Meeting {
                reference,
                channel,
                as_mediator,
            } => {
                let id = match (channel.starts_with("caucus:"), as_mediator) {
                    (false, _) => "calendar-joint",
                    (true, false) => "calendar-caucus",
                    (true, true) => "calendar-caucus-mediator",
                };
                (id, vec![("reference", reference.clone())])
            }
            CalendarLabel::Deadline { reference, kind } => (
                "calendar-deadline",
                vec![("reference", reference.clone()), ("deadline", kind.clone())],
            ),
        }
    }
}

impl CalendarLabel {
    /// Its words in `language`, through `say` (a message id and its arguments to text); the
    /// message id itself when `say` has no words for it.
    pub fn worded(
        &self,
        language: &str,
        say: impl Fn(&str, &str, &[(&str, &str)]) -> Option<String>,
    ) -> String {
        let (id, mut words) = self.message();
        if let Some(kind) = words
            .iter()
            .find(|(k, _)| *k == "deadline")
            .map(|(_, v)| v.clone())
        {
            let what = say(language, &format!("deadline-{kind}"), &[]).unwrap_or(kind);
            words.push(("what", what));
        }
        let args: Vec<(&str, &str)> = words.iter().map(|(k, v)| (*k, v.as_str())).collect();
        say(language, id, &args).unwrap_or_else(|| id.to_owned())
    }
}

/// A user's feed: its language and the events with their labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarFeed {
    /// The reader's language.
    pub language: String,
    /// The events, each with what it is.
    pub events: Vec<(CalendarEvent, CalendarLabel)>,
}

/// The feed's address, shown once when made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CalendarFeedView {
    /// The private address to subscribe to (keep it secret: whoever has it reads the feed).
    pub url: String,
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::invalid("invalid-meeting", message)
}

fn not_found() -> AppError {
    AppError::NotFound { what: "meeting" }
}

fn parse_instant(s: &str) -> Result<i64, AppError> {
    s.parse::<jiff::Timestamp>()
        .map(|t| t.as_millisecond())
        .map_err(|_| {
            invalid(format!(
                "'{s}' is not a date and time with its offset, such as 2026-03-29T09:00:00+02:00"
            ))
        })
}

fn aad(m: &MeetingRecord) -> Vec<u8> {
    format!("accord-meeting\n{}\n{}", m.case_id, m.id).into_bytes()
}

fn candidates_of(m: &MeetingRecord) -> Vec<i64> {
    serde_json::from_str(&m.candidates).unwrap_or_default()
}

fn check_text(what: &str, s: &str) -> Result<(), AppError> {
    if s.chars().count() > MAX_TEXT {
        return Err(invalid(format!(
            "the {what} is longer than {MAX_TEXT} characters"
        )));
    }
    Ok(())
}

impl Accord {
    /// This deployment makes video rooms for meetings (`video_link_template` is set).
    pub fn video_rooms(&self) -> bool {
        self.settings.video_link_template.is_some()
    }

    /// The case, if the actor may see a meeting in `channel` of it (else 404, as for a case it
    /// may not see).
    async fn meeting_case(&self, actor: &Actor, case_id: &str) -> Result<Case, AppError> {
        self.case_for_channels(actor, case_id).await
    }

    async fn stored_meeting(
        &self,
        actor: &Actor,
        case: &Case,
        meeting_id: &str,
    ) -> Result<(MeetingRecord, ChannelId), AppError> {
        let m = self
            .store
            .meeting(meeting_id)
            .await?
            .filter(|m| m.case_id == case.id)
            .ok_or_else(not_found)?;
        let channel = ChannelId::parse(&m.channel).ok_or_else(not_found)?;
        if !meeting::may_see(actor, case, &channel) {
            return Err(not_found());
        }
        Ok((m, channel))
    }

    /// Notices of a change to everyone invited but the actor (for `answered`: to those who
    /// schedule), stored with the change.
    async fn meeting_notices(
        &self,
        actor: &Actor,
        case: &Case,
        m: &MeetingRecord,
        channel: &ChannelId,
        change: &str,
        directory: &crate::notifications::Directory,
    ) -> Result<Vec<NotificationRecord>, AppError> {
        let candidates = directory.candidates(case);
        let topic = Topic::Meeting {
            meeting_id: m.id.clone(),
            change: change.to_owned(),
            channel: m.channel.clone(),
        };
        let source = format!("meeting:{}:{change}:{}", m.id, m.version);
        let mut prefs = BTreeMap::new();
        let mut out = Vec::new();
        for c in &candidates {
            let Some(user) = c.user_id() else {
                continue;
            };
            let wanted = if change == "answered" {
                meeting::may_schedule(c, case, channel)
            } else {
                meeting::is_invited(c, case, channel)
            };
            if !wanted || Some(user) == actor.user_id() {
                continue;
            }
            let n = accord_domain::notice::Notice {
                user_id: user.to_owned(),
                topic: topic.clone(),
                your_turn: change == "proposed",
                required: false,
            };
            let (mail_state, mail_next_ms) = self.mail_state_for(&mut prefs, &n).await?;
            out.push(NotificationRecord {
                id: notice_id(&source, user),
                user_id: user.to_owned(),
                case_id: case.id.clone(),
                case_reference: case.reference.clone(),
                source: source.clone(),
                topic_json: serde_json::to_string(&topic)
                    .map_err(|e| AppError::integrity("notice", e.to_string()))?,
                your_turn: n.your_turn,
                required: false,
                created_ms: self.now_ms(),
                read_ms: None,
                mail_state,
                mail_attempts: 0,
                mail_next_ms,
                mail_error: None,
                mail_done_ms: None,
            });
        }
        Ok(out)
    }

    async fn meeting_view(
        &self,
        actor: &Actor,
        case: &Case,
        m: &MeetingRecord,
        channel: &ChannelId,
        directory: &crate::notifications::Directory,
    ) -> Result<MeetingView, AppError> {
        let key = self.data_key(&case.id).await?;
        let details: Details = key
            .open(&aad(m), &m.details)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| AppError::integrity("meeting", format!("{} does not open", m.id)))?;
        let answers: BTreeMap<String, Vec<Availability>> = self
            .store
            .meeting_answers(&m.id)
            .await?
            .into_iter()
            .filter_map(|a| Some((a.user_id, serde_json::from_str(&a.answers).ok()?)))
            .collect();
        let invited = meeting::invited(case, channel, &directory.candidates(case));
        let invitees = invited
            .iter()
            .map(|id| {
                let (name, zone) = directory.people.get(id).cloned().unwrap_or_default();
                InviteeView {
                    user_id: id.clone(),
                    name,
                    time_zone: zone.unwrap_or_else(|| "UTC".into()),
                    answers: answers.get(id).cloned(),
                }
            })
            .collect();
        Ok(MeetingView {
            id: m.id.clone(),
            case_id: m.case_id.clone(),
            channel: m.channel.clone(),
            status: m.status.clone(),
            candidates: candidates_of(m).into_iter().map(rfc3339).collect(),
            duration_minutes: m.duration_min,
            start: m.start_ms.map(rfc3339),
            sequence: m.sequence,
            agenda: details.agenda,
            place: details.place,
            video_link: m.video_link.clone(),
            interpreters: details.interpreters,
            invitees,
            may_schedule: meeting::may_schedule(actor, case, channel),
            may_answer: m.status == "polling" && meeting::is_invited(actor, case, channel),
            created_by: m.created_by.clone(),
            version: m.version,
        })
    }

    /// The meetings of a case the actor may see, oldest first.
    pub async fn meetings(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<Vec<MeetingView>, AppError> {
        let case = self.meeting_case(actor, case_id).await?;
        let directory = self.directory().await?;
        let mut out = Vec::new();
        for m in self.store.meetings_of_case(case_id).await? {
            let Some(channel) = ChannelId::parse(&m.channel) else {
                continue;
            };
            if meeting::may_see(actor, &case, &channel) {
                out.push(
                    self.meeting_view(actor, &case, &m, &channel, &directory)
                        .await?,
                );
            }
        }
        Ok(out)
    }

    /// Proposes a meeting with candidate times.
    pub async fn propose_meeting(
        &self,
        actor: &Actor,
        case_id: &str,
        input: &MeetingInput,
    ) -> Result<MeetingView, AppError> {
        let case = self.meeting_case(actor, case_id).await?;
        let directory = self.directory().await?;
        let channel = ChannelId::parse(&input.channel)
            .filter(meeting::is_session_channel)
            .ok_or_else(|| {
                invalid("a meeting is a joint session (plenary) or a caucus (caucus:<party>)")
            })?;
        if !meeting::may_see(actor, &case, &channel) {
            return Err(AppError::NotFound { what: "channel" });
        }
        if !meeting::may_schedule(actor, &case, &channel) {
            return Err(AppError::Forbidden);
        }
        let now = self.now_ms();
        if input.candidates.is_empty() || input.candidates.len() > MAX_CANDIDATES {
            return Err(invalid(format!(
                "give 1 to {MAX_CANDIDATES} candidate times"
            )));
        }
        let mut times = Vec::new();
        for c in &input.candidates {
            let t = parse_instant(c)?;
            if t <= now {
                return Err(invalid(format!(
                    "{c} is past: candidate times are in the future"
                )));
            }
            if times.contains(&t) {
                return Err(invalid(format!("{c} is given twice")));
            }
            times.push(t);
        }
        if !(15..=480).contains(&input.duration_minutes) {
            return Err(invalid("a meeting lasts 15 to 480 minutes"));
        }
        let agenda = input.agenda.trim();
        if agenda.is_empty() {
            return Err(invalid("say what the meeting is for (its agenda)"));
        }
        check_text("agenda", agenda)?;
        for (what, t) in [
            ("place", &input.place),
            ("interpreters' line", &input.interpreters),
        ] {
            if let Some(t) = t {
                check_text(what, t)?;
            }
        }
        let video_link = if input.video {
            let template = self.settings.video_link_template.as_deref().ok_or_else(|| {
                invalid("this service has no video rooms (video_link_template is not set); give a place")
            })?;
            let token = crate::accounts::random_token()?;
            Some(template.replace("{room}", &format!("accord-{}", &token[..24])))
        } else {
            None
        };
        let key = self.data_key(&case.id).await?;
        let details = Details {
            agenda: agenda.to_owned(),
            place: input.place.clone().filter(|p| !p.trim().is_empty()),
            interpreters: input.interpreters.clone().filter(|p| !p.trim().is_empty()),
        };
        let mut m = MeetingRecord {
            id: Accord::new_id(),
            case_id: case.id.clone(),
            channel: channel.encode(),
            status: "polling".into(),
            candidates: serde_json::to_string(&times).unwrap_or_default(),
            duration_min: input.duration_minutes,
            start_ms: None,
            sequence: 0,
            details: vec![],
            video_link,
            created_by: actor.user_id().unwrap_or_default().to_owned(),
            created_ms: now,
            updated_ms: now,
            version: 1,
        };
        let plain = serde_json::to_vec(&details).unwrap_or_default();
        m.details = key
            .seal(&aad(&m), &plain)
            .map_err(|e| AppError::from_key("meeting", &m.id, e))?;
        let notices = self
            .meeting_notices(actor, &case, &m, &channel, "proposed", &directory)
            .await?;
        self.store.save_meeting(&m, &notices).await?;
        self.meeting_view(actor, &case, &m, &channel, &directory)
            .await
    }

    /// An invitee answers each candidate time (again, until the meeting is confirmed).
    pub async fn answer_meeting(
        &self,
        actor: &Actor,
        case_id: &str,
        meeting_id: &str,
        input: &MeetingAnswerInput,
    ) -> Result<MeetingView, AppError> {
        let case = self.meeting_case(actor, case_id).await?;
        let directory = self.directory().await?;
        let (m, channel) = self.stored_meeting(actor, &case, meeting_id).await?;
        if !meeting::is_invited(actor, &case, &channel) {
            return Err(AppError::Forbidden);
        }
        if m.status != "polling" {
            return Err(AppError::invalid(
                "meeting-not-polling",
                "this meeting's time is already settled (or it was cancelled): answers are closed",
            ));
        }
        if input.answers.len() != candidates_of(&m).len() {
            return Err(AppError::invalid(
                "invalid-meeting-answer",
                format!(
                    "answer each of the {} candidate times, in order",
                    candidates_of(&m).len()
                ),
            ));
        }
        let user = actor.user_id().unwrap_or_default();
        let zone = self
            .store
            .user_by_id(user)
            .await?
            .and_then(|u| u.time_zone)
            .unwrap_or_else(|| "UTC".into());
        let answer = MeetingAnswerRecord {
            meeting_id: m.id.clone(),
            user_id: user.to_owned(),
            answers: serde_json::to_string(&input.answers).unwrap_or_default(),
            time_zone: zone,
            answered_ms: self.now_ms(),
        };
        // The answer's notice is per answer, not per meeting version.
        let mut notices = self
            .meeting_notices(actor, &case, &m, &channel, "answered", &directory)
            .await?;
        let source = format!("meeting:{}:answered:{user}:{}", m.id, answer.answered_ms);
        for n in &mut notices {
            n.id = notice_id(&source, &n.user_id);
            n.source.clone_from(&source);
        }
        self.store.save_meeting_answer(&answer, &notices).await?;
        self.meeting_view(actor, &case, &m, &channel, &directory)
            .await
    }

    async fn change_meeting(
        &self,
        actor: &Actor,
        case_id: &str,
        meeting_id: &str,
        change: &str,
        apply: impl FnOnce(&mut MeetingRecord) -> Result<(), AppError>,
    ) -> Result<MeetingView, AppError> {
        let case = self.meeting_case(actor, case_id).await?;
        let directory = self.directory().await?;
        let (mut m, channel) = self.stored_meeting(actor, &case, meeting_id).await?;
        if !meeting::may_schedule(actor, &case, &channel) {
            return Err(AppError::Forbidden);
        }
        if m.status == "cancelled" {
            return Err(AppError::invalid(
                "meeting-not-polling",
                "this meeting was cancelled; propose a new one",
            ));
        }
        apply(&mut m)?;
        m.version += 1;
        m.updated_ms = self.now_ms();
        let notices = self
            .meeting_notices(actor, &case, &m, &channel, change, &directory)
            .await?;
        match self.store.save_meeting(&m, &notices).await {
            Err(StoreError::Conflict { .. }) => Err(AppError::VersionConflict { current: None }),
            other => other.map_err(AppError::from),
        }?;
        self.meeting_view(actor, &case, &m, &channel, &directory)
            .await
    }

    /// Confirms one of the candidate times.
    pub async fn confirm_meeting(
        &self,
        actor: &Actor,
        case_id: &str,
        meeting_id: &str,
        input: &MeetingConfirmInput,
    ) -> Result<MeetingView, AppError> {
        self.change_meeting(actor, case_id, meeting_id, "confirmed", |m| {
            if m.status != "polling" {
                return Err(AppError::invalid(
                    "meeting-not-polling",
                    "this meeting is already confirmed: move it instead",
                ));
            }
            let start = candidates_of(m)
                .get(input.candidate)
                .copied()
                .ok_or_else(|| invalid("no candidate time has that number"))?;
            m.status = "confirmed".into();
            m.start_ms = Some(start);
            Ok(())
        })
        .await
    }

    /// Moves a confirmed meeting; its invitations' sequence number goes up.
    pub async fn reschedule_meeting(
        &self,
        actor: &Actor,
        case_id: &str,
        meeting_id: &str,
        input: &MeetingMoveInput,
    ) -> Result<MeetingView, AppError> {
        let start = parse_instant(&input.start)?;
        let now = self.now_ms();
        self.change_meeting(actor, case_id, meeting_id, "rescheduled", |m| {
            if m.status != "confirmed" {
                return Err(AppError::invalid(
                    "meeting-not-polling",
                    "only a confirmed meeting is moved; confirm a time first",
                ));
            }
            if start <= now {
                return Err(invalid("the new time is past"));
            }
            m.start_ms = Some(start);
            m.sequence += 1;
            Ok(())
        })
        .await
    }

    /// Cancels a meeting.
    pub async fn cancel_meeting(
        &self,
        actor: &Actor,
        case_id: &str,
        meeting_id: &str,
    ) -> Result<MeetingView, AppError> {
        self.change_meeting(actor, case_id, meeting_id, "cancelled", |m| {
            m.status = "cancelled".into();
            m.sequence += 1;
            Ok(())
        })
        .await
    }

    /// The calendar event of a confirmed (or cancelled) meeting (its summary is left for the
    /// caller to word).
    pub(crate) fn meeting_event(&self, case: &Case, m: &MeetingRecord) -> Option<CalendarEvent> {
        let start = m.start_ms?;
        let domain = self.mailer.as_ref().map_or_else(
            || "accord.invalid".to_owned(),
            |mailer| mailer.message_id_domain(),
        );
        let url = format!(
            "{}/cases/{}/meetings#meeting-{}",
            self.settings.public_url, case.id, m.id
        );
        Some(CalendarEvent {
            uid: format!("meeting-{}@{domain}", m.id),
            sequence: m.sequence,
            start_ms: start,
            end_ms: start + m.duration_min * 60_000,
            summary: case.reference.clone(),
            description: url.clone(),
            location: m.video_link.clone(),
            url,
            cancelled: m.status == "cancelled",
            organizer: None,
            attendee: None,
        })
    }

    /// A meeting's invitation (`METHOD:REQUEST`) or cancellation (`METHOD:CANCEL`) for the
    /// actor, once a time is confirmed, with `summary` wording what it is.
    pub async fn meeting_invitation(
        &self,
        actor: &Actor,
        case_id: &str,
        meeting_id: &str,
        summary: &(dyn Fn(&CalendarLabel) -> String + Sync),
    ) -> Result<String, AppError> {
        let case = self.meeting_case(actor, case_id).await?;
        let (m, channel) = self.stored_meeting(actor, &case, meeting_id).await?;
        let mut event = self
            .meeting_event(&case, &m)
            .ok_or_else(|| AppError::invalid("meeting-not-polling", "no time is confirmed yet"))?;
        let r = accord_domain::policy::relation(actor, &case);
        event.summary = summary(&CalendarLabel::Meeting {
            reference: case.reference.clone(),
            channel: channel.encode(),
            as_mediator: r.mediator,
        });
        let method = if m.status == "cancelled" {
            "CANCEL"
        } else {
            "REQUEST"
        };
        Ok(calendar(
            Some(method),
            &case.reference,
            &[event],
            self.now_ms(),
        ))
    }

    /// The meeting a notice is about, as the event its e-mail's invitation carries (none before
    /// a time is confirmed, or if the reader may no longer see it).
    pub(crate) async fn meeting_for_letter(
        &self,
        user_id: &str,
        case_id: &str,
        meeting_id: &str,
    ) -> Result<Option<(CalendarEvent, CalendarLabel)>, AppError> {
        let Some(record) = self.store.user_by_id(user_id).await? else {
            return Ok(None);
        };
        let Some(role) = accord_domain::GlobalRole::parse(&record.role) else {
            return Ok(None);
        };
        let actor = Actor::User {
            id: user_id.to_owned(),
            role,
        };
        let Some(loaded) = self.load_case(case_id).await? else {
            return Ok(None);
        };
        let case = loaded.case;
        let Some(m) = self.store.meeting(meeting_id).await? else {
            return Ok(None);
        };
        let Some(channel) = ChannelId::parse(&m.channel) else {
            return Ok(None);
        };
        if m.case_id != case.id || !meeting::may_see(&actor, &case, &channel) {
            return Ok(None);
        }
        let Some(event) = self.meeting_event(&case, &m) else {
            return Ok(None);
        };
        let r = accord_domain::policy::relation(&actor, &case);
        Ok(Some((
            event,
            CalendarLabel::Meeting {
                reference: case.reference.clone(),
                channel: m.channel.clone(),
                as_mediator: r.mediator,
            },
        )))
    }

    /// Makes (or replaces) the actor's private calendar feed address; the old one stops
    /// working.
    pub async fn create_calendar_feed(&self, actor: &Actor) -> Result<CalendarFeedView, AppError> {
        let user = actor.user_id().ok_or(AppError::Forbidden)?;
        let secret = crate::accounts::random_token()?;
        let mut p = self.preferences_or_default(user).await?;
        p.calendar_secret_hash = Some(hex::encode(Sha256::digest(secret.as_bytes())));
        p.updated_ms = self.now_ms();
        self.store.put_notification_preferences(&p).await?;
        Ok(CalendarFeedView {
            url: format!("{}/calendar/{secret}.ics", self.settings.public_url),
        })
    }

    /// Revokes the actor's feed address.
    pub async fn revoke_calendar_feed(&self, actor: &Actor) -> Result<(), AppError> {
        let user = actor.user_id().ok_or(AppError::Forbidden)?;
        let mut p = self.preferences_or_default(user).await?;
        p.calendar_secret_hash = None;
        p.updated_ms = self.now_ms();
        self.store.put_notification_preferences(&p).await?;
        Ok(())
    }

    /// The feed behind a secret address: the confirmed meetings and the running deadlines its
    /// user may see, in every case it takes part in. An unknown or revoked secret is not found.
    pub async fn calendar_feed(&self, secret: &str) -> Result<CalendarFeed, AppError> {
        let hash = hex::encode(Sha256::digest(secret.as_bytes()));
        let user = self
            .store
            .user_by_calendar_secret(&hash)
            .await?
            .ok_or(AppError::NotFound { what: "calendar" })?;
        let record = self
            .store
            .user_by_id(&user)
            .await?
            .filter(|u| !u.disabled)
            .ok_or(AppError::NotFound { what: "calendar" })?;
        let role = accord_domain::GlobalRole::parse(&record.role)
            .ok_or(AppError::NotFound { what: "calendar" })?;
        let actor = Actor::User {
            id: user.clone(),
            role,
        };
        let mut events = Vec::new();
        let mut cursor = None;
        loop {
            let page = self
                .list_cases(
                    &actor,
                    None,
                    &crate::paging::PageRequest {
                        cursor: cursor.clone(),
                        ..crate::paging::PageRequest::first(500, crate::paging::Order::Oldest)
                    },
                    0,
                )
                .await?;
            for summary in &page.items {
                let Some(loaded) = self.load_case(&summary.id).await? else {
                    continue;
                };
                let case = loaded.case;
                let r = accord_domain::policy::relation(&actor, &case);
                for d in &case.deadlines {
                    if d.status == accord_domain::deadline::DeadlineStatus::Pending
                        && accord_domain::reader::may_know_deadline(&actor, &r, d)
                    {
                        let kind = serde_json::to_value(d.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default();
                        let due = d.due_at.as_millisecond();
                        events.push((
                            CalendarEvent {
                                uid: format!(
                                    "deadline-{}-{kind}-{}@accord",
                                    case.id,
                                    d.party.as_deref().unwrap_or("case")
                                ),
                                sequence: 0,
                                start_ms: due,
                                end_ms: due,
                                summary: case.reference.clone(),
                                description: format!(
                                    "{}/cases/{}",
                                    self.settings.public_url, case.id
                                ),
                                location: None,
                                url: format!("{}/cases/{}", self.settings.public_url, case.id),
                                cancelled: false,
                                organizer: None,
                                attendee: None,
                            },
                            CalendarLabel::Deadline {
                                reference: case.reference.clone(),
                                kind,
                            },
                        ));
                    }
                }
                for m in self.store.meetings_of_case(&case.id).await? {
                    let visible = ChannelId::parse(&m.channel)
                        .is_some_and(|c| meeting::may_see(&actor, &case, &c));
                    if visible
                        && m.status == "confirmed"
                        && let Some(e) = self.meeting_event(&case, &m)
                    {
                        events.push((
                            e,
                            CalendarLabel::Meeting {
                                reference: case.reference.clone(),
                                channel: m.channel.clone(),
                                as_mediator: r.mediator,
                            },
                        ));
                    }
                }
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        Ok(CalendarFeed {
            language: record.language.unwrap_or_else(|| "en".into()),
            events,
        })
    }
}
