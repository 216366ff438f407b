# Documentos que Accord genera en PDF (crates/documents). Los argumentos llegan ya formateados.

## Títulos
doc-title-settlement-agreement = Acuerdo de transacción
doc-title-acknowledgement = Acuse de recibo de la solicitud de mediación
doc-title-invitation = Invitación a la mediación
doc-title-notice-of-registration = Notificación de registro
doc-title-declaration-of-independence = Declaración de independencia e imparcialidad del mediador o la mediadora
doc-title-certificate-of-mediation = Certificado de mediación expedido por el mediador o la mediadora
doc-title-attestation = Certificación de la institución administradora
doc-title-case-file-index = Índice del expediente
doc-title-termination-record = Acta de terminación de la mediación

## Etiquetas
doc-reference = Referencia del caso
doc-date = Fecha
doc-parties = Partes
doc-signatures = Firmas
doc-signed = Firmado electrónicamente el
doc-page = Página
doc-hash = SHA-256 del contenido
doc-steps = Actuaciones del procedimiento

## Acuse de recibo
doc-acknowledgement-p1 = La Secretaría acusa recibo, el { $received }, de la solicitud de mediación presentada por { $requesting } en relación con una controversia con { $respondents }.
doc-acknowledgement-p2 = La solicitud lleva la referencia { $reference }. A continuación se examinarán su ámbito y su integridad; este acuse de recibo no significa que la mediación haya comenzado.

## Invitación
doc-invitation-p1 = { $requesting } ha solicitado la mediación de la controversia «{ $title }» conforme al reglamento que administra la institución.
doc-invitation-p2 = Esta invitación se dirige a: { $invited }. Se ruega a cada parte invitada que indique, a más tardar el { $due }, si acepta participar en la mediación. Si no se recibe respuesta en esa fecha, la invitación podrá considerarse rechazada.

## Notificación de registro
doc-notice-of-registration-p1 = La solicitud de mediación entre { $parties } ha quedado registrada con la referencia { $reference }.
doc-notice-of-registration-p2 = La mediación comenzó el { $commenced }. A continuación, las partes acordarán el número de mediadores y su designación conforme al reglamento aplicable.

## Declaración del mediador
doc-declaration-of-independence-p1 = { $mediator } aceptó el { $accepted } su designación en calidad de mediador o mediadora en el caso { $reference } y declara su independencia respecto de las partes y su imparcialidad hacia ellas, su disponibilidad para conducir la mediación con la debida diligencia y su compromiso de guardar la confidencialidad de esta.
doc-declaration-of-independence-p2 = { $disclosed ->
    [none] No se reveló ninguna circunstancia que pudiera dar lugar a dudas sobre la independencia o imparcialidad del mediador o la mediadora.
   *[some] El mediador o la mediadora reveló las siguientes circunstancias:
}

## Certificado de mediación
doc-certificate-of-mediation-p1 = { $mediator } certifica, en calidad de mediador o mediadora, que la mediación en el caso { $reference } entre { $parties } se llevó a cabo bajo la administración de la institución, desde su inicio el { $commenced } hasta su terminación el { $terminated }.
doc-certificate-of-mediation-p2 = El acuerdo de transacción cuyo texto definitivo tiene el valor SHA-256 { $text_hash } resultó de esta mediación y fue firmado por las partes.
doc-certificate-of-mediation-p3 = El mediador o la mediadora hizo esta declaración con firma electrónica el { $signed_at }, mediante la clave { $public_key }; la declaración firmada forma parte del paquete de ejecución.

## Certificación de la institución
doc-attestation-p1 = La institución administradora certifica que el acuerdo de transacción cuyo texto definitivo tiene el valor SHA-256 { $text_hash } resultó de la mediación que administró en el caso { $reference } entre { $parties }, conducida por { $mediators }, y que fue firmado por las partes y refrendado por el mediador o la mediadora.
doc-attestation-p2 = Identificador de verificación: { $verification_id }. Quien tenga el acuerdo o esta certificación puede verificarlos con este identificador en { $verify_url }.
doc-attestation-p3 = Esta certificación se expidió el { $issued } y se selló con la clave Ed25519 de la institución { $institution_key }.

## Acta de terminación
doc-termination-record-p1 = La mediación en el caso { $reference } entre { $parties } terminó el { $effective }.
doc-termination-record-p2 = Causa de terminación: { $ground ->
    [settled] las partes firmaron un acuerdo de transacción.
    [partially-settled] las partes firmaron un acuerdo de transacción sobre una parte de la controversia. Las siguientes cuestiones siguen sin resolver: { $unsettled_issues }.
    [mediator-declaration] el mediador o la mediadora declaró que ya no se justificaban nuevos esfuerzos de mediación.
    [joint-declaration] las partes declararon conjuntamente terminada la mediación.
    [party-withdrawal] una parte se retiró de la mediación.
    [nonpayment] quedó sin pagar una provisión de fondos.
    [no-appointment] no se realizó ninguna actuación para designar a un mediador o una mediadora dentro del plazo previsto.
   *[time-limit-expired] venció el plazo acordado para la mediación.
}
doc-termination-record-p3 = La información intercambiada en la mediación sigue siendo confidencial conforme al reglamento aplicable y a cualquier acuerdo de las partes; esta acta solo recoge hechos procesales.
doc-step = { $step ->
    [filed] Recepción de la solicitud de mediación
    [registered] Inicio de la mediación (registro)
    [appointed] Designación del mediador o la mediadora
    [first-session] Primera sesión
    [settlement-signed] Firma del acuerdo de transacción por las partes
    [countersigned] Refrendo del acuerdo de transacción por el mediador o la mediadora
   *[terminated] Terminación de la mediación
}

## Settlement agreement (D20): recital, structured terms, language versions
doc-agreement-recital = El presente acuerdo de transacción resultó de la mediación administrada por la institución en el caso { $reference }.
doc-agreement-terms = Condiciones
doc-agreement-obligation = { $party }: { $description }
doc-agreement-amount = Importe: { $amount } { $currency }
doc-agreement-due = Vencimiento: { $due }
doc-agreement-governing-law = Ley aplicable: { $governing_law }
doc-agreement-disputes = Controversias sobre el presente acuerdo: { $dispute_clause }
doc-agreement-confidentiality = Confidencialidad: { $confidentiality }
doc-agreement-permitted = Divulgación permitida: { $permitted_disclosure }
doc-agreement-clauses = Otras cláusulas
doc-agreement-settled-issues = Cuestiones que resuelve este acuerdo: { $issues }.
doc-agreement-unsettled-issues = Las siguientes cuestiones no quedan resueltas por este acuerdo y siguen en controversia: { $issues }.
doc-agreement-singapore = Las partes convienen en que la Convención de las Naciones Unidas sobre los Acuerdos de Transacción Internacionales Resultantes de la Mediación (Convención de Singapur sobre la Mediación) se aplica al presente acuerdo de transacción.
doc-agreement-outside-convention = La Convención de Singapur sobre la Mediación no se aplica al presente acuerdo de transacción: { $outside_convention }.
doc-agreement-languages = El presente acuerdo se celebra en las siguientes versiones lingüísticas: { $languages }. En caso de divergencia entre ellas, prevalecerá la versión en el siguiente idioma: { $authoritative }.
doc-agreement-languages-equal = El presente acuerdo se celebra en las siguientes versiones lingüísticas: { $languages }, siendo cada texto igualmente auténtico.

## Language names
language-en = inglés
language-zh-Hans = chino (simplificado)
language-zh-Hant = chino (tradicional)
language-fr = francés
language-ar = árabe
language-ru = ruso
language-es = español

## Index of a case-file export
doc-case-file-index-p1 = Expediente del caso { $reference }, generado el { $generated } para el usuario { $user }.
doc-case-file-index-p2 = { $purpose ->
    [other-proceedings] Para otros procedimientos: se omiten el material sin perjuicio, las sesiones privadas, las notas del mediador o la mediadora y los espacios internos.
   *[case-file] Todo lo que el usuario solicitante puede ver en este caso.
}
doc-contents = Contenido
