//! A channel of a case: its messages and documents, the forms to post and to file, and the relay
//! flow (the mediator proposes to carry an excerpt out of a caucus; the caucus party approves or
//! declines). A caucus is marked as private on every view of it.

use accord_app::AppError;
use accord_app::channels::{NewMessage, ProposeRelay, RelayDecision};
use accord_app::filings::NewFiling;
use accord_app::paging::{Order, Page, PageRequest};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use futures::StreamExt;
use serde::Deserialize;

use super::frame::{LANGUAGE_NAMES, PageFrame, html, see_other};
use super::respond::error_page;
use super::respond::forged_form;
use super::viewer::{CheckedForm, Viewer};
use crate::AppState;

struct MessageLine {
    id: String,
    author: String,
    when: String,
    body: Option<String>,
    without_prejudice: bool,
    relayed_from: Option<String>,
}

struct DocumentLine {
    href: String,
    title: String,
    file_name: String,
    language: String,
    size: String,
    when: String,
    without_prejudice: bool,
}

struct RelayLine {
    id: String,
    excerpt: String,
    status: String,
    pending: bool,
    target: String,
}

#[derive(Template)]
#[template(path = "channel.html")]
struct ChannelPage {
    page: PageFrame,
    case_href: String,
    channel: String,
    private: bool,
    may_post: bool,
    may_relay: bool,
    decide_relays: bool,
    post_to: String,
    upload_to: String,
    relay_to: String,
    /// The page shows the latest messages (and so refreshes itself).
    latest_messages: bool,
    /// Back to the latest messages, and on to earlier ones.
    messages_pager: Option<super::frame::Pager>,
    /// Back to the latest documents, and on to earlier ones.
    documents_pager: Option<super::frame::Pager>,
    messages: Vec<MessageLine>,
    documents: Vec<DocumentLine>,
    relays: Vec<RelayLine>,
    languages: Vec<(&'static str, &'static str)>,
    relay_targets: Vec<(String, String)>,
    case_id: String,
    channel_id: String,
}

/// Query of the channel page: what was just done, and which pages of its lists to show.
#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    /// `posted`, `filed`, `relay-proposed` or `relay-decided`.
    pub done: Option<String>,
    /// The messages' page (a cursor), when not the latest.
    pub messages: Option<String>,
    /// The documents' page (a cursor), when not the latest.
    pub documents: Option<String>,
}

/// How many messages, and how many documents, one page of the channel page shows.
const CHANNEL_PAGE: i64 = 50;

/// Which pages of a channel's lists to show (cursors; none: the latest).
#[derive(Debug, Default)]
struct ChannelAt {
    messages: Option<String>,
    documents: Option<String>,
}

fn size_text(viewer: &Viewer, bytes: i64) -> String {
    let kib = (bytes + 1023) / 1024;
    viewer.ta(
        "document-size-kib",
        &[("size", &accord_i18n::format::integer(viewer.lang, kib))],
    )
}

/// A channel's name for the viewer: the caucus and internal workspace by their party's name.
pub(super) fn channel_name(viewer: &Viewer, case: &accord_domain::Case, channel: &str) -> String {
    let name = |id: &str| {
        case.parties
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    match channel.split_once(':') {
        Some(("caucus", p)) => viewer.ta("channel-caucus", &[("party", &name(p))]),
        Some(("internal", p)) => viewer.ta("channel-internal", &[("party", &name(p))]),
        _ => viewer.t(&format!("channel-{channel}")),
    }
}

#[allow(clippy::too_many_arguments)]
async fn render_channel(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
    channel: &str,
    status: StatusCode,
    notice: Option<String>,
    alert: Option<(String, String)>,
    at: ChannelAt,
) -> Response {
    let actor = &viewer.principal.actor;
    let (view, channels) = match (
        s.accord.case_view(actor, case_id).await,
        s.accord.channels(actor, case_id).await,
    ) {
        (Ok(v), Ok(c)) => (v, c),
        (Err(e), _) | (_, Err(e)) => return error_page(viewer, e),
    };
    let Some(info) = channels.iter().find(|c| c.channel == channel) else {
        return error_page(viewer, AppError::NotFound { what: "channel" });
    };
    // The latest messages (shown oldest to newest, as a conversation reads) and the latest
    // documents (newest first), a page at a time.
    let latest_messages = at.messages.is_none();
    let latest_documents = at.documents.is_none();
    let messages_request = PageRequest {
        cursor: at.messages,
        ..PageRequest::first(CHANNEL_PAGE, Order::Newest)
    };
    let documents_request = PageRequest {
        cursor: at.documents,
        ..PageRequest::first(CHANNEL_PAGE, Order::Newest)
    };
    let messages = match s
        .accord
        .messages(actor, case_id, channel, &messages_request)
        .await
    {
        Ok(m) => m,
        Err(e) => return error_page(viewer, e),
    };
    let documents = match s
        .accord
        .filed_documents(actor, case_id, channel, &documents_request)
        .await
    {
        Ok(d) => d,
        Err(
            e @ AppError::Invalid {
                code: "invalid-cursor" | "invalid-limit",
                ..
            },
        ) => {
            return error_page(viewer, e);
        }
        Err(AppError::Invalid { .. }) => Page {
            items: vec![],
            next: None,
        },
        Err(e) => return error_page(viewer, e),
    };
    let path = format!("/cases/{case_id}/channels/{channel}");
    let earlier_messages_href = messages
        .next
        .as_ref()
        .map(|n| format!("{path}?messages={n}#messages-h"));
    let latest_messages_href = (!latest_messages).then(|| format!("{path}#messages-h"));
    let earlier_documents_href = documents
        .next
        .as_ref()
        .map(|n| format!("{path}?documents={n}#documents-h"));
    let latest_documents_href = (!latest_documents).then(|| format!("{path}#documents-h"));
    let mut messages = messages.items;
    messages.reverse();
    let documents = documents.items;
    let relays = s.accord.relays(actor, case_id).await.unwrap_or_default();
    let parties: Vec<(String, String)> = view
        .case
        .parties
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    let label = channel_name(viewer, &view.case, channel);
    let people = viewer.participant_names(&view.case);
    let author_name = |id: Option<String>| match id {
        Some(id) => people
            .get(&id)
            .cloned()
            .unwrap_or_else(|| viewer.t("channel-author-institution")),
        None => viewer.t("channel-author-hidden"),
    };
    let is_caucus = channel.starts_with("caucus:");
    let mediator = accord_domain::policy::relation(actor, &view.case).mediator;
    let relay_lines: Vec<RelayLine> = relays
        .iter()
        .filter(|r| r.source_channel == channel)
        .map(|r| RelayLine {
            id: r.id.clone(),
            excerpt: r.excerpt.clone(),
            status: viewer.t(&format!("relay-{}", r.status)),
            pending: r.status == "pending",
            target: channel_name(viewer, &view.case, &r.target_channel),
        })
        .collect();
    let mut page = viewer
        .frame("channel-title", "/")
        .at(&path)
        .titled(format!("{} — {label}", view.case.reference));
    page.notice = notice;
    page.alert = alert;
    html(
        status,
        &ChannelPage {
            page,
            case_href: format!("/cases/{case_id}"),
            channel: label,
            private: info.private,
            may_post: info.may_post,
            may_relay: mediator && is_caucus && info.may_post,
            decide_relays: is_caucus && !mediator && info.may_post,
            post_to: format!("{path}/messages"),
            upload_to: format!("{path}/documents"),
            relay_to: format!("/cases/{case_id}/relays"),
            latest_messages,
            messages_pager: super::frame::Pager::of(
                latest_messages_href.map(|h| (h, viewer.t("pager-latest-messages"))),
                earlier_messages_href.map(|h| (h, viewer.t("pager-earlier-messages"))),
            ),
            documents_pager: super::frame::Pager::of(
                latest_documents_href.map(|h| (h, viewer.t("pager-latest-documents"))),
                earlier_documents_href.map(|h| (h, viewer.t("pager-earlier-documents"))),
            ),
            messages: messages
                .into_iter()
                .map(|m| MessageLine {
                    id: m.id,
                    author: author_name(m.author),
                    when: viewer.when(&m.posted_at),
                    body: m.body,
                    without_prejudice: m.without_prejudice,
                    relayed_from: m.relay.map(|r| {
                        let from = parties
                            .iter()
                            .find(|(p, _)| *p == r.source_party)
                            .map(|(_, n)| n.clone())
                            .unwrap_or(r.source_party);
                        viewer.ta("channel-relayed-from", &[("party", &from)])
                    }),
                })
                .collect(),
            documents: documents
                .into_iter()
                .map(|d| DocumentLine {
                    href: format!(
                        "/api/v1/cases/{case_id}/channels/{channel}/documents/{}",
                        d.id
                    ),
                    title: d.title.unwrap_or_default(),
                    file_name: d.file_name.unwrap_or_default(),
                    language: d
                        .language
                        .as_deref()
                        .and_then(|l| LANGUAGE_NAMES.iter().find(|(c, _)| *c == l))
                        .map(|(_, n)| (*n).to_owned())
                        .unwrap_or_default(),
                    size: size_text(viewer, d.size),
                    when: viewer.when(&d.uploaded_at),
                    without_prejudice: d.without_prejudice,
                })
                .collect(),
            relays: relay_lines,
            languages: LANGUAGE_NAMES.to_vec(),
            relay_targets: channels
                .iter()
                .filter(|c| c.channel != channel && c.may_post && c.channel != "notes")
                .map(|c| {
                    (
                        c.channel.clone(),
                        channel_name(viewer, &view.case, &c.channel),
                    )
                })
                .collect(),
            case_id: case_id.to_owned(),
            channel_id: channel.to_owned(),
        },
    )
}

fn done_notice(viewer: &Viewer, done: Option<String>) -> Option<String> {
    match done.as_deref() {
        Some(d @ ("posted" | "filed" | "relay-proposed" | "relay-decided")) => {
            Some(viewer.t(&format!("channel-done-{d}")))
        }
        _ => None,
    }
}

/// `GET /cases/{case_id}/channels/{channel}`.
pub async fn channel_page(
    State(s): State<AppState>,
    viewer: Viewer,
    Path((case_id, channel)): Path<(String, String)>,
    query: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let notice = done_notice(&viewer, q.done);
    render_channel(
        &s,
        &viewer,
        &case_id,
        &channel,
        StatusCode::OK,
        notice,
        None,
        ChannelAt {
            messages: q.messages,
            documents: q.documents,
        },
    )
    .await
}

/// What the channel page's message form posts to `POST …/messages`.
#[derive(Debug, Deserialize, Default)]
pub struct MessageForm {
    /// Text.
    #[serde(default)]
    pub body: String,
    /// The without-prejudice box: `on` when ticked, absent otherwise; ticked tags the message.
    #[serde(default)]
    pub without_prejudice: Option<String>,
}

async fn refused(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
    channel: &str,
    e: AppError,
) -> Response {
    match super::respond::refusal(viewer, e) {
        Ok((status, alert)) => {
            render_channel(
                s,
                viewer,
                case_id,
                channel,
                status,
                None,
                Some(alert),
                ChannelAt::default(),
            )
            .await
        }
        Err(page) => *page,
    }
}

/// `POST /cases/{case_id}/channels/{channel}/messages`.
pub async fn post_message(
    State(s): State<AppState>,
    Path((case_id, channel)): Path<(String, String)>,
    CheckedForm(viewer, f): CheckedForm<MessageForm>,
) -> Response {
    let msg = NewMessage {
        body: f.body,
        without_prejudice: f.without_prejudice.is_some(),
        confidential: false,
    };
    match s
        .accord
        .post_message(&viewer.principal.actor, &case_id, &channel, msg)
        .await
    {
        Ok(_) => see_other(&format!("/cases/{case_id}/channels/{channel}?done=posted")),
        Err(e) => refused(&s, &viewer, &case_id, &channel, e).await,
    }
}

/// Largest text field of the upload form, and how many there may be before the file.
const UPLOAD_FIELD_MAX: usize = 4 * 1024;
const UPLOAD_FIELDS_MAX: usize = 8;

/// What the upload form sent before the file's content.
enum UploadHead {
    /// The form fields, the declared type and the file name.
    Ready(Vec<(String, String)>, String, String),
    /// The CSRF token was missing or wrong: nothing is read further.
    Forged,
    /// The form was malformed.
    Malformed(String),
}

/// Reads the upload form's parts in order: the CSRF token first (checked before anything else is
/// read), then the text fields, then the file, whose content is relayed in blocks.
async fn read_upload_form(
    mut multipart: multer::Multipart<'static>,
    csrf: String,
    head: tokio::sync::oneshot::Sender<UploadHead>,
    tx: tokio::sync::mpsc::Sender<Result<bytes::Bytes, accord_app::ports::BlobError>>,
) {
    let mut fields = vec![];
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => {
                let _ = head.send(UploadHead::Malformed("no file".into()));
                return;
            }
            Err(e) => {
                let _ = head.send(UploadHead::Malformed(e.to_string()));
                return;
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            if fields.is_empty() {
                let _ = head.send(UploadHead::Forged);
                return;
            }
            let declared = field
                .content_type()
                .map(|m| m.as_ref())
                .unwrap_or("")
                .to_owned();
            let file_name = field.file_name().unwrap_or("").to_owned();
            if head
                .send(UploadHead::Ready(fields, declared, file_name))
                .is_err()
            {
                return;
            }
            crate::api::filings::relay_content(field, tx).await;
            return;
        }
        let mut value = vec![];
        let mut field = field;
        while let Ok(Some(c)) = field.chunk().await {
            value.extend_from_slice(&c);
            if value.len() > UPLOAD_FIELD_MAX {
                let _ = head.send(UploadHead::Malformed("field too long".into()));
                return;
            }
        }
        let value = String::from_utf8_lossy(&value).into_owned();
        if fields.is_empty()
            && (name != "csrf"
                || !crate::session::constant_time_eq(value.as_bytes(), csrf.as_bytes()))
        {
            let _ = head.send(UploadHead::Forged);
            return;
        }
        fields.push((name, value));
        if fields.len() > UPLOAD_FIELDS_MAX {
            let _ = head.send(UploadHead::Malformed("too many fields".into()));
            return;
        }
    }
}

/// `POST /cases/{case_id}/channels/{channel}/documents`: files a document from the form
/// (multipart: `csrf` first, then title, language, without-prejudice, then the file).
pub async fn upload_document(
    State(s): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((case_id, channel)): Path<(String, String)>,
    body: axum::body::Body,
) -> Response {
    if crate::session::cross_site(&headers) || viewer.principal.csrf_token.is_empty() {
        return forged_form(viewer.lang);
    }
    // Who may file here is decided before a byte of the body is read.
    if let Err(e) = s
        .accord
        .check_filing(&viewer.principal.actor, &case_id, &channel)
        .await
    {
        return refused(&s, &viewer, &case_id, &channel, e).await;
    }
    // Without a multipart body there is no CSRF part to check: not a form of this site.
    let Ok(multipart) = crate::paced_multipart::multipart(&headers, body) else {
        return forged_form(viewer.lang);
    };
    let (head_tx, head_rx) = tokio::sync::oneshot::channel();
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(read_upload_form(
        multipart,
        viewer.principal.csrf_token.clone(),
        head_tx,
        tx,
    ));
    let head = head_rx
        .await
        .unwrap_or_else(|_| UploadHead::Malformed("the upload ended early".into()));
    let (fields, declared, file_name) = match head {
        UploadHead::Ready(f, d, n) => (f, d, n),
        UploadHead::Forged => return forged_form(viewer.lang),
        UploadHead::Malformed(reason) => {
            tracing::info!(%reason, "upload form refused");
            let alert = Some((
                viewer.t("channel-error-upload"),
                "invalid-upload".to_owned(),
            ));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_channel(
                &s,
                &viewer,
                &case_id,
                &channel,
                status,
                None,
                alert,
                ChannelAt::default(),
            )
            .await;
        }
    };
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let language = get("language");
    let meta = NewFiling {
        title: get("title"),
        file_name,
        language: (!language.is_empty()).then_some(language),
        without_prejudice: !get("without_prejudice").is_empty(),
        translation_of: None,
        version_of: None,
    };
    let body = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
    .boxed();
    match s
        .accord
        .file_document(
            &viewer.principal.actor,
            &case_id,
            &channel,
            meta,
            &declared,
            body,
        )
        .await
    {
        Ok(_) => see_other(&format!("/cases/{case_id}/channels/{channel}?done=filed")),
        Err(e) => refused(&s, &viewer, &case_id, &channel, e).await,
    }
}

/// The relay proposal form (mediator, from a caucus message).
#[derive(Debug, Deserialize, Default)]
pub struct RelayForm {
    /// The caucus the message is in (to come back to).
    #[serde(default)]
    pub channel: String,
    /// Id of the caucus message the excerpt is taken from (a hidden field of that message's form).
    #[serde(default)]
    pub message_id: String,
    /// What may be carried over.
    #[serde(default)]
    pub excerpt: String,
    /// Where to.
    #[serde(default)]
    pub target: String,
}

/// `POST /cases/{case_id}/relays`: the mediator proposes to relay an excerpt.
pub async fn propose_relay(
    State(s): State<AppState>,
    Path(case_id): Path<String>,
    CheckedForm(viewer, f): CheckedForm<RelayForm>,
) -> Response {
    let Some(target) = accord_domain::channel::ChannelId::parse(&f.target) else {
        return refused(
            &s,
            &viewer,
            &case_id,
            &f.channel,
            AppError::invalid("invalid-channel", "choose where the excerpt goes"),
        )
        .await;
    };
    let p = ProposeRelay {
        source_message_id: f.message_id,
        excerpt: f.excerpt,
        target,
    };
    match s
        .accord
        .propose_relay(&viewer.principal.actor, &case_id, p)
        .await
    {
        Ok(_) => see_other(&format!(
            "/cases/{case_id}/channels/{}?done=relay-proposed",
            f.channel
        )),
        Err(e) => refused(&s, &viewer, &case_id, &f.channel, e).await,
    }
}

/// The relay decision form (the caucus party).
#[derive(Debug, Deserialize, Default)]
pub struct DecisionForm {
    /// The caucus (to come back to).
    #[serde(default)]
    pub channel: String,
    /// `approve` or `decline`.
    #[serde(default)]
    pub decision: String,
    /// The excerpt as approved (may be narrowed).
    #[serde(default)]
    pub excerpt: String,
}

/// `POST /cases/{case_id}/relays/{relay_id}/decision`.
pub async fn decide_relay(
    State(s): State<AppState>,
    Path((case_id, relay_id)): Path<(String, String)>,
    CheckedForm(viewer, f): CheckedForm<DecisionForm>,
) -> Response {
    let d = RelayDecision {
        approve: f.decision == "approve",
        excerpt: f.excerpt,
    };
    match s
        .accord
        .decide_relay(&viewer.principal.actor, &case_id, &relay_id, d)
        .await
    {
        Ok(_) => see_other(&format!(
            "/cases/{case_id}/channels/{}?done=relay-decided",
            f.channel
        )),
        Err(e) => refused(&s, &viewer, &case_id, &f.channel, e).await,
    }
}
