//! The enforcement package (docs/PROCEDURE.md, documents): the signed agreement with its evidence,
//! the attestation, the mediator's certificate, the record of termination and the case-log
//! extract, zipped and signed by the institution with `accord-package` so that anyone can check
//! it offline (`accord verify`). What goes in is decided here, once: the agreement as PDF/A in
//! every language version it was made in, beside its canonical text; the certificate (D21) as
//! its record and, like the attestation (D22) and the record of termination (D23), in each of
//! those languages.

use accord_domain::Actor;

use crate::{Accord, AppError};

/// The case documents laid out in each language of the agreement, and the folder of each.
const PACKAGED_DOCUMENTS: &[(&str, &str)] = &[
    ("certificate-of-mediation", "certificate"),
    ("attestation", "attestation"),
    ("termination-record", "termination"),
];

/// A signed enforcement package, ready to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnforcementPackage {
    /// A file name for it: `enforcement-package-<case reference>.zip`.
    pub file_name: String,
    /// The deterministic, signed ZIP.
    pub zip: Vec<u8>,
}

impl Accord {
    /// The enforcement package of a case whose attestation has been issued, for an actor who may
    /// download it (the export is written to the access log).
    pub async fn enforcement_package(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<EnforcementPackage, AppError> {
        let (mut files, meta) = self.enforcement_package_files(actor, case_id).await?;
        let languages: Vec<String> = files
            .iter()
            .filter_map(|(n, _)| {
                n.strip_prefix("agreement/text-")
                    .and_then(|l| l.strip_suffix(".txt"))
                    .map(str::to_owned)
            })
            .collect();
        let certificate = self
            .case_document(actor, case_id, "certificate-of-mediation")
            .await?;
        files.push((
            "certificate/certificate-of-mediation.json".into(),
            certificate.record()?.into_bytes(),
        ));
        for lang in languages {
            let (_, pdf) = self.agreement_pdf(actor, case_id, &lang).await?;
            files.push((format!("agreement/agreement-{lang}.pdf"), pdf));
            for (kind, folder) in PACKAGED_DOCUMENTS {
                let (_, pdf) = self.case_document_pdf(actor, case_id, kind, &lang).await?;
                files.push((format!("{folder}/{kind}-{lang}.pdf"), pdf));
            }
        }
        let key = self.institution_key().await?;
        let files = files
            .into_iter()
            .map(|(name, bytes)| accord_package::PackageFile { name, bytes })
            .collect();
        let zip = accord_package::build(files, &meta, &key)
            .map_err(|e| AppError::Storage(format!("package: {e}")))?;
        Ok(EnforcementPackage {
            file_name: format!(
                "enforcement-package-{}.zip",
                meta["case_reference"].as_str().unwrap_or("case")
            ),
            zip,
        })
    }
}

#[cfg(test)]
mod tests {
    /// The package's offline verifier refuses exactly the kinds the domain leaves out.
    #[test]
    fn the_verifier_knows_the_domains_without_prejudice_kinds() {
        let mut domain = accord_domain::event::WITHOUT_PREJUDICE_KINDS.to_vec();
        let mut package = accord_package::WITHOUT_PREJUDICE_KINDS.to_vec();
        domain.sort_unstable();
        package.sort_unstable();
        assert_eq!(domain, package);
        let script = include_str!("../../../scripts/verify-package.py");
        for kind in domain {
            assert!(script.contains(&format!("\"{kind}\"")), "{kind}");
        }
    }
}
