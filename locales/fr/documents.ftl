# Documents rendus en PDF par Accord (crates/documents). Les arguments arrivent déjà formatés.

## Titres
doc-title-settlement-agreement = Accord de règlement
doc-title-acknowledgement = Accusé de réception de la demande de médiation
doc-title-invitation = Invitation à la médiation
doc-title-notice-of-registration = Avis d'enregistrement
doc-title-declaration-of-independence = Déclaration d'indépendance et d'impartialité du médiateur ou de la médiatrice
doc-title-certificate-of-mediation = Certificat de médiation délivré par le médiateur ou la médiatrice
doc-title-attestation = Attestation de l'institution administrante
doc-title-case-file-index = Index du dossier de l'affaire
doc-title-termination-record = Procès-verbal de clôture de la médiation

## Libellés
doc-reference = Référence de l'affaire
doc-date = Date
doc-parties = Parties
doc-signatures = Signatures
doc-signed = Signé électroniquement le
doc-page = Page
doc-hash = SHA-256 du contenu
doc-steps = Étapes de la procédure

## Accusé de réception
doc-acknowledgement-p1 = Le Secrétariat accuse réception, le { $received }, de la demande de médiation déposée par { $requesting } au sujet d'un différend avec { $respondents }.
doc-acknowledgement-p2 = La demande porte la référence { $reference }. Elle sera maintenant examinée quant à son champ et à sa complétude ; le présent accusé de réception ne signifie pas que la médiation a commencé.

## Invitation
doc-invitation-p1 = { $requesting } a demandé la médiation du différend « { $title } » selon le règlement administré par l'institution.
doc-invitation-p2 = La présente invitation est adressée à : { $invited }. Chaque partie invitée est priée d'indiquer, au plus tard le { $due }, si elle accepte de participer à la médiation. À défaut de réponse à cette date, l'invitation pourra être considérée comme rejetée.

## Avis d'enregistrement
doc-notice-of-registration-p1 = La demande de médiation entre { $parties } a été enregistrée sous la référence { $reference }.
doc-notice-of-registration-p2 = La médiation a commencé le { $commenced }. Les parties conviendront ensuite du nombre de médiateurs et de leur désignation selon le règlement applicable.

## Déclaration du médiateur
doc-declaration-of-independence-p1 = { $mediator } a accepté le { $accepted } sa désignation en qualité de médiateur ou de médiatrice dans l'affaire { $reference } et déclare son indépendance à l'égard des parties et son impartialité envers elles, sa disponibilité pour conduire la médiation avec diligence et son engagement d'en préserver la confidentialité.
doc-declaration-of-independence-p2 = { $disclosed ->
    [none] Aucune circonstance de nature à faire douter de l'indépendance ou de l'impartialité du médiateur ou de la médiatrice n'a été révélée.
   *[some] Le médiateur ou la médiatrice a révélé les circonstances suivantes :
}

## Certificat de médiation
doc-certificate-of-mediation-p1 = { $mediator } certifie, en qualité de médiateur ou de médiatrice, que la médiation dans l'affaire { $reference } entre { $parties } s'est déroulée sous l'administration de l'institution, depuis son commencement le { $commenced } jusqu'à sa clôture le { $terminated }.
doc-certificate-of-mediation-p2 = L'accord de règlement dont le texte définitif a pour valeur SHA-256 { $text_hash } est issu de cette médiation et a été signé par les parties.
doc-certificate-of-mediation-p3 = Le médiateur ou la médiatrice a fait cette déclaration par signature électronique le { $signed_at }, au moyen de la clé { $public_key } ; la déclaration signée figure dans le dossier d'exécution.

## Attestation de l'institution
doc-attestation-p1 = L'institution administrante atteste que l'accord de règlement dont le texte définitif a pour valeur SHA-256 { $text_hash } est issu de la médiation qu'elle a administrée dans l'affaire { $reference } entre { $parties }, conduite par { $mediators }, et qu'il a été signé par les parties et contresigné par le médiateur ou la médiatrice.
doc-attestation-p2 = Identifiant de vérification : { $verification_id }. Toute personne détenant l'accord ou la présente attestation peut les vérifier au moyen de cet identifiant à l'adresse { $verify_url }.
doc-attestation-p3 = La présente attestation a été délivrée le { $issued } et scellée avec la clé Ed25519 de l'institution { $institution_key }.

## Procès-verbal de clôture
doc-termination-record-p1 = La médiation dans l'affaire { $reference } entre { $parties } a pris fin le { $effective }.
doc-termination-record-p2 = Motif de la clôture : { $ground ->
    [settled] les parties ont signé un accord de règlement.
    [partially-settled] les parties ont signé un accord de règlement portant sur une partie du différend. Les questions suivantes restent non réglées : { $unsettled_issues }.
    [mediator-declaration] le médiateur ou la médiatrice a déclaré que de nouveaux efforts de médiation ne se justifiaient plus.
    [joint-declaration] les parties ont déclaré conjointement mettre fin à la médiation.
    [party-withdrawal] une partie s'est retirée de la médiation.
    [nonpayment] une provision est restée impayée.
    [no-appointment] aucune démarche en vue de la désignation d'un médiateur ou d'une médiatrice n'a été accomplie dans le délai imparti.
   *[time-limit-expired] le délai convenu pour la médiation a expiré.
}
doc-termination-record-p3 = Les informations échangées au cours de la médiation demeurent confidentielles conformément au règlement applicable et à tout accord des parties ; le présent procès-verbal ne relate que des faits de procédure.
doc-step = { $step ->
    [filed] Réception de la demande de médiation
    [registered] Commencement de la médiation (enregistrement)
    [appointed] Désignation du médiateur ou de la médiatrice
    [first-session] Première séance
    [settlement-signed] Signature de l'accord de règlement par les parties
    [countersigned] Contreseing de l'accord de règlement par le médiateur ou la médiatrice
   *[terminated] Clôture de la médiation
}

## Settlement agreement (D20): recital, structured terms, language versions
doc-agreement-recital = Le présent accord de règlement est issu de la médiation administrée par l'institution dans l'affaire { $reference }.
doc-agreement-terms = Conditions
doc-agreement-obligation = { $party } : { $description }
doc-agreement-amount = Montant : { $amount } { $currency }
doc-agreement-due = Échéance : { $due }
doc-agreement-governing-law = Droit applicable : { $governing_law }
doc-agreement-disputes = Différends relatifs au présent accord : { $dispute_clause }
doc-agreement-confidentiality = Confidentialité : { $confidentiality }
doc-agreement-permitted = Divulgation autorisée : { $permitted_disclosure }
doc-agreement-clauses = Autres clauses
doc-agreement-settled-issues = Questions réglées par le présent accord : { $issues }.
doc-agreement-unsettled-issues = Les questions suivantes ne sont pas réglées par le présent accord et restent en litige : { $issues }.
doc-agreement-singapore = Les parties conviennent que la Convention des Nations Unies sur les accords de règlement internationaux issus de la médiation (Convention de Singapour sur la médiation) s'applique au présent accord de règlement.
doc-agreement-outside-convention = La Convention de Singapour sur la médiation ne s'applique pas au présent accord de règlement : { $outside_convention }.
doc-agreement-languages = Le présent accord est établi dans les versions linguistiques suivantes : { $languages }. En cas de divergence entre elles, la version dans la langue suivante prévaut : { $authoritative }.
doc-agreement-languages-equal = Le présent accord est établi dans les versions linguistiques suivantes : { $languages }, chaque texte faisant également foi.

## Language names
language-en = anglais
language-zh-Hans = chinois (simplifié)
language-zh-Hant = chinois (traditionnel)
language-fr = français
language-ar = arabe
language-ru = russe
language-es = espagnol

## Index of a case-file export
doc-case-file-index-p1 = Dossier de l'affaire { $reference }, établi le { $generated } pour l'utilisateur { $user }.
doc-case-file-index-p2 = { $purpose ->
    [other-proceedings] Pour d'autres procédures : les éléments communiqués sous toutes réserves, les échanges en aparté, les notes du médiateur ou de la médiatrice et les espaces internes sont omis.
   *[case-file] Tout ce que l'utilisateur demandeur peut consulter dans cette affaire.
}
doc-contents = Contenu
