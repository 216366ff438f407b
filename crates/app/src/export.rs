//! The case file as a ZIP: everything the requesting actor may see — the case record, the
//! timeline, every channel's messages and documents they may read in full, and the settlement
//! drafts — gathered through the same policy as every other read (and audited like them).
//!
//! For other proceedings (a court or tribunal elsewhere), the export omits every item that the
//! rules keep out of later proceedings: without-prejudice messages, documents, drafts and
//! events (offers, the mediator's proposals, negotiations, blind biddings), everything from a caucus, the
//! mediator's notes, and the parties' internal workspaces. Decision: internal workspaces are
//! left out too, because a party's working notes are not the record of the mediation.
//!
//! The application lists the entries and makes the index (as JSON, and as PDF/A in the
//! reader's language through the typesetter); the web layer writes them into a ZIP as it
//! streams out, with an HTML index.

use accord_domain::channel::{ChannelId, ReadAccess};
use accord_domain::policy;
use accord_domain::{Actor, CaseEvent};
use serde::Serialize;
use sha2::Digest;

use crate::paging::{MAX_PAGE_SIZE, Order, PageRequest};
use crate::ports::{ByteStream, DocumentData, DocumentRecord};
use crate::{Accord, AppError};

/// What the export is for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ExportPurpose {
    /// Everything the actor may see.
    CaseFile,
    /// Without without-prejudice, caucus, notes and internal items.
    OtherProceedings,
}

/// An entry's content.
pub enum ExportContent {
    /// Bytes made here (JSON).
    Bytes(Vec<u8>),
    /// A filed document, read from the vault when written.
    Document(Box<DocumentRecord>),
}

/// One entry of the export.
pub struct ExportEntry {
    /// Path in the ZIP.
    pub path: String,
    /// What it is, for the index.
    pub title: String,
    /// The section of the index (`Case`, `Timeline`, a channel, `Settlement drafts`).
    pub section: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 (hex) where known (documents).
    pub sha256: Option<String>,
    /// The bytes to write: JSON made here, or a filed document read from the vault.
    pub content: ExportContent,
}

/// The export's entries and heading.
pub struct CaseFileExport {
    /// Case reference.
    pub reference: String,
    /// Case title.
    pub title: String,
    /// What for.
    pub purpose: ExportPurpose,
    /// When (RFC 3339).
    pub generated_at: String,
    /// Who asked (user id).
    pub generated_by: String,
    /// The files of the ZIP in order: case record, timeline, each channel's messages and
    /// documents, settlement drafts.
    pub entries: Vec<ExportEntry>,
}

/// The export's index in the forms that need no page layout of the web's: JSON (its hash is
/// printed on every page of the PDF) and PDF/A.
pub struct ExportIndex {
    /// The index as JSON: reference, purpose, time, and each entry's section, title, path, size
    /// and SHA-256.
    pub json: Vec<u8>,
    /// The same as a PDF/A document in the requested language.
    pub pdf: Vec<u8>,
}

impl ExportPurpose {
    /// The purpose as the index and the API spell it.
    pub fn code(self) -> &'static str {
        match self {
            ExportPurpose::CaseFile => "case-file",
            ExportPurpose::OtherProceedings => "other-proceedings",
        }
    }
}

fn json_entry(
    path: &str,
    title: &str,
    section: &str,
    v: &impl Serialize,
) -> Result<ExportEntry, AppError> {
    let bytes = serde_json::to_vec_pretty(v).map_err(|e| AppError::Storage(e.to_string()))?;
    Ok(ExportEntry {
        path: path.to_owned(),
        title: title.to_owned(),
        section: section.to_owned(),
        size: bytes.len() as u64,
        sha256: None,
        content: ExportContent::Bytes(bytes),
    })
}

/// Removes every member named `key`, at any depth.
fn strip_key(v: &mut serde_json::Value, key: &str) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove(key);
            m.values_mut().for_each(|x| strip_key(x, key));
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| strip_key(x, key)),
        _ => {}
    }
}

fn excluded_channel(channel: &ChannelId) -> bool {
    matches!(
        channel,
        ChannelId::Caucus(_) | ChannelId::MediatorNotes | ChannelId::Internal(_)
    )
}

/// A path segment from a display name: letters, digits, `-`, `_`, `.`, at most 80 bytes.
fn segment(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    while s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    if s.len() > 80 {
        let mut cut = 80;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

impl Accord {
    /// The entries of a case-file export for the actor.
    pub async fn case_file_export(
        &self,
        actor: &Actor,
        case_id: &str,
        purpose: ExportPurpose,
    ) -> Result<CaseFileExport, AppError> {
        let other = purpose == ExportPurpose::OtherProceedings;
        // Those who take part in the case export it; break-glass reads the record, never exports.
        let case = self.existing_case(case_id).await?;
        self.authorize(
            actor,
            &accord_domain::policy::Action::ViewCase,
            &case,
            "export",
        )
        .await?;
        let view = self.case_view(actor, case_id).await?;
        let mut record =
            serde_json::to_value(&view).map_err(|e| AppError::Storage(e.to_string()))?;
        if other {
            // The negotiations (agenda, the mediator's proposals) and blind biddings (the claim,
            // the rounds, a settled price) are without prejudice.
            strip_key(&mut record, "negotiations");
            strip_key(&mut record, "blind_biddings");
        }
        let mut entries = vec![json_entry("case.json", "The case record", "Case", &record)?];
        // The case file holds every page of each list.
        let mut timeline = vec![];
        let mut req = PageRequest::first(MAX_PAGE_SIZE, Order::Oldest);
        loop {
            let page = self.timeline(actor, case_id, &req).await?;
            timeline.extend(page.items);
            match page.next {
                Some(c) => req.cursor = Some(c),
                None => break,
            }
        }
        if other {
            timeline.retain(|e| {
                let channel = e
                    .visibility
                    .strip_prefix("channel:")
                    .and_then(ChannelId::parse);
                // The domain's one decision on what is without prejudice (an unknown payload
                // counts as such: left out).
                let wp = serde_json::from_value::<CaseEvent>(e.payload.clone())
                    .map_or(true, |ev| ev.is_without_prejudice());
                !wp && !channel.as_ref().is_some_and(excluded_channel)
            });
        }
        entries.push(json_entry(
            "timeline.json",
            "The case's events",
            "Timeline",
            &timeline,
        )?);
        let docs = self.store.documents(case_id).await?;
        let mut channels = vec![
            ChannelId::Plenary,
            ChannelId::Administrative,
            ChannelId::MediatorNotes,
        ];
        for p in &case.parties {
            channels.push(ChannelId::Caucus(p.id.clone()));
            channels.push(ChannelId::Internal(p.id.clone()));
        }
        for channel in channels {
            if other && excluded_channel(&channel) {
                continue;
            }
            if policy::channel_access(actor, &case, &channel).0 != ReadAccess::Full {
                continue;
            }
            let ch = channel.encode();
            let mut messages = vec![];
            let mut req = PageRequest::first(MAX_PAGE_SIZE, Order::Oldest);
            loop {
                let page = self.messages(actor, case_id, &ch, &req).await?;
                messages.extend(page.items);
                match page.next {
                    Some(c) => req.cursor = Some(c),
                    None => break,
                }
            }
            if other {
                messages.retain(|m| !m.without_prejudice);
            }
            let folder = format!("channels/{}", segment(&ch));
            if !messages.is_empty() {
                entries.push(json_entry(
                    &format!("{folder}/messages.json"),
                    "Messages",
                    &ch,
                    &messages,
                )?);
            }
            let mut filed = vec![];
            let mut req = PageRequest::first(MAX_PAGE_SIZE, Order::Oldest);
            loop {
                let page = self.filed_documents(actor, case_id, &ch, &req).await?;
                filed.extend(page.items);
                match page.next {
                    Some(c) => req.cursor = Some(c),
                    None => break,
                }
            }
            for v in filed {
                if other && v.without_prejudice {
                    continue;
                }
                let Some(d) = docs.iter().find(|d| d.id == v.id) else {
                    continue;
                };
                let name = v.file_name.clone().unwrap_or_else(|| "document".into());
                entries.push(ExportEntry {
                    path: format!("{folder}/documents/{}-{}", segment(&v.id), segment(&name)),
                    title: v.title.clone().unwrap_or_default(),
                    section: ch.clone(),
                    size: v.size.max(0) as u64,
                    sha256: v.sha256.clone(),
                    content: ExportContent::Document(Box::new(d.clone())),
                });
            }
        }
        if let Ok(mut drafts) = self.drafts(actor, case_id).await {
            if other {
                drafts.retain(|d| !d.without_prejudice);
            }
            if !drafts.is_empty() {
                entries.push(json_entry(
                    "settlement/drafts.json",
                    "Settlement drafts",
                    "Settlement drafts",
                    &drafts,
                )?);
            }
        }
        let now = self.clock.now();
        self.store
            .log_access(&[crate::ports::AccessRecord {
                id: Accord::new_id(),
                at_ms: now.as_millisecond(),
                user_id: actor.user_id().unwrap_or("system").to_owned(),
                case_id: case_id.to_owned(),
                object: format!(
                    "case-file-export:{}",
                    if other {
                        "other-proceedings"
                    } else {
                        "case-file"
                    }
                ),
                kind: "export".into(),
            }])
            .await?;
        Ok(CaseFileExport {
            reference: case.reference.clone(),
            title: case.title.clone(),
            purpose,
            generated_at: now.to_string(),
            generated_by: actor.user_id().unwrap_or("system").to_owned(),
            entries,
        })
    }

    /// The index of an export, as JSON and as PDF/A in `language`.
    pub async fn case_file_index(
        &self,
        export: &CaseFileExport,
        language: &str,
    ) -> Result<ExportIndex, AppError> {
        let json = serde_json::to_vec_pretty(&serde_json::json!({
            "case_reference": export.reference,
            "purpose": export.purpose,
            "generated_at": export.generated_at,
            "entries": export.entries.iter().map(|e| serde_json::json!({
                "section": e.section, "title": e.title, "path": e.path, "size": e.size,
                "sha256": e.sha256.clone().filter(|h| !h.is_empty()),
            })).collect::<Vec<_>>(),
        }))
        .map_err(|e| AppError::Storage(format!("export: {e}")))?;
        let data = DocumentData {
            kind: "case-file-index".into(),
            language: language.to_owned(),
            reference: export.reference.clone(),
            date: export.generated_at.chars().take(10).collect(),
            facts: [
                ("generated", export.generated_at.clone()),
                ("user", export.generated_by.clone()),
                ("purpose", export.purpose.code().to_owned()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
            clauses: export
                .entries
                .iter()
                .map(|e| {
                    format!(
                        "{} — {} — {} ({} bytes)",
                        e.section, e.title, e.path, e.size
                    )
                })
                .collect(),
            content_hash: hex::encode(sha2::Sha256::digest(&json)),
            ..DocumentData::default()
        };
        let pdf = self.typeset(data).await?;
        Ok(ExportIndex { json, pdf })
    }

    /// The content of an exported document (already authorised by [`Accord::case_file_export`]).
    pub async fn export_document_content(
        &self,
        d: &DocumentRecord,
    ) -> Result<ByteStream, AppError> {
        let blobs = self.blobs.as_ref().ok_or_else(|| {
            AppError::invalid(
                "no-document-storage",
                "this deployment has no document storage configured",
            )
        })?;
        let key = self.data_key(&d.case_id).await?;
        blobs
            .get(&d.object_key, &key, &format!("{}/{}", d.case_id, d.id))
            .await
            .map_err(|e| AppError::Storage(e.to_string()))
    }
}
