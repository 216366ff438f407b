//! Documents as PDF/A in one language: the frozen settlement agreement (D20) and the documents
//! worded from a case's facts (`documents`). The application decides what each document says,
//! for whom and with which content hash; the [`Typesetter`] port lays it out (Typst in
//! `accord-documents`, on a blocking thread: layout is CPU-bound).

use accord_domain::Actor;

use crate::ports::{DocumentData, DocumentSection, SignatureLine, TypesetError};
use crate::{Accord, AppError};

/// The kind of the settlement agreement, worded from the frozen text rather than from facts.
pub const SETTLEMENT_AGREEMENT: &str = "settlement-agreement";

/// A laid-out document, ready to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedDocument {
    /// A file name for it: `<kind>-<case reference>-<language>.pdf`.
    pub file_name: String,
    /// The PDF/A file's bytes, as the typesetter laid them out.
    pub pdf: Vec<u8>,
}

impl Accord {
    /// Lays a document out through the [`crate::ports::Typesetter`] port. A kind or language
    /// Accord does not lay out is the request's fault (`unsupported-document`); any other failure
    /// is the service's.
    pub(crate) async fn typeset(&self, data: DocumentData) -> Result<Vec<u8>, AppError> {
        let Some(typesetter) = self.typesetter.clone() else {
            return Err(AppError::Storage(
                "no typesetter is configured: documents cannot be laid out".into(),
            ));
        };
        tokio::task::spawn_blocking(move || typesetter.render(&data))
            .await
            .map_err(|e| AppError::Storage(format!("typesetting: {e}")))?
            .map_err(|e| match e {
                TypesetError::Unsupported(m) => AppError::invalid("unsupported-document", m),
                other => AppError::Storage(other.to_string()),
            })
    }

    /// A case document, or the settlement agreement, as PDF/A in one language, for an actor who
    /// may read it (the agreement: who may download the enforcement package).
    pub async fn document_pdf(
        &self,
        actor: &Actor,
        case_id: &str,
        kind: &str,
        language: &str,
    ) -> Result<RenderedDocument, AppError> {
        let (reference, pdf) = if kind == SETTLEMENT_AGREEMENT {
            self.agreement_pdf(actor, case_id, language).await?
        } else {
            self.case_document_pdf(actor, case_id, kind, language)
                .await?
        };
        Ok(RenderedDocument {
            file_name: format!("{kind}-{reference}-{language}.pdf"),
            pdf,
        })
    }

    /// The frozen agreement in one language, with the signatures given so far: the case
    /// reference and the PDF.
    pub(crate) async fn agreement_pdf(
        &self,
        actor: &Actor,
        case_id: &str,
        language: &str,
    ) -> Result<(String, Vec<u8>), AppError> {
        let a = self.agreement_document(actor, case_id, language).await?;
        let data = DocumentData {
            kind: SETTLEMENT_AGREEMENT.into(),
            language: language.to_owned(),
            reference: a.reference.clone(),
            date: a.date,
            parties: a.parties,
            paragraphs: a.paragraphs,
            signatures: a
                .signatures
                .into_iter()
                .map(|(name, capacity, at)| SignatureLine {
                    name,
                    capacity,
                    signed_at: Some(at),
                })
                .collect(),
            content_hash: a.text_hash,
            facts: a.facts,
            sections: a
                .obligations
                .into_iter()
                .map(|facts| DocumentSection {
                    facts,
                    notes: vec![],
                })
                .collect(),
            clauses: a.clauses,
            steps: vec![],
        };
        Ok((a.reference, self.typeset(data).await?))
    }

    /// A case document (its facts from the log) in one language: the case reference and the
    /// PDF, whose pages carry the hash of the document's language-free record.
    pub(crate) async fn case_document_pdf(
        &self,
        actor: &Actor,
        case_id: &str,
        kind: &str,
        language: &str,
    ) -> Result<(String, Vec<u8>), AppError> {
        let d = self.case_document(actor, case_id, kind).await?;
        let content_hash = d.content_hash()?;
        let data = DocumentData {
            kind: d.kind,
            language: language.to_owned(),
            reference: d.reference.clone(),
            date: d.date,
            parties: d.parties,
            paragraphs: vec![],
            facts: d.facts,
            sections: d.sections,
            steps: d.steps,
            clauses: vec![],
            signatures: d
                .signatures
                .into_iter()
                .map(|s| SignatureLine {
                    name: s.name,
                    capacity: s.capacity,
                    signed_at: Some(s.signed_at),
                })
                .collect(),
            content_hash,
        };
        Ok((d.reference, self.typeset(data).await?))
    }
}
