# Pages de l'interface web (crates/web).

## Commun
web-skip = Aller au contenu
web-rehearsal-clock = Serveur de répétition : l’horloge est réglée par l’exploitant et indique { $now }. Rien de ce qui est fait ici n’est une procédure réelle.
web-language = Langue
web-institution = Médiation administrée

## Page publique de vérification
verify-title = Vérifier un document
verify-intro = Vérifiez si un document est un accord de règlement ou une attestation délivrée par l'institution. Rien d'autre sur l'affaire n'est affiché.
verify-id = Identifiant de vérification
verify-id-hint = Imprimé sur l'attestation, par exemple 0A1B2C3D-4E5F6071-8293A4B5-C6D7E8F9.
verify-hash = Valeur SHA-256 du document
verify-hash-hint = 64 chiffres hexadécimaux. La valeur de l'accord figure au pied de chaque page de l'accord ; pour un fichier du dossier d'exécution, calculez-la avec un outil tel que sha256sum.
verify-submit = Vérifier
verify-match = Concordance : il s'agit { $document ->
    [attestation] de l'attestation délivrée
   *[settlement-agreement] de l'accord de règlement attesté
} sous cet identifiant de vérification le { $date }.
verify-no-match = Aucune concordance : la valeur indiquée n'est celle d'aucun document attesté sous cet identifiant de vérification. Vérifiez les deux, caractère par caractère.
verify-error-id = Saisissez l'identifiant de vérification.
verify-error-hash = Saisissez la valeur SHA-256 sous forme de 64 chiffres hexadécimaux (0–9, a–f).
verify-result = Résultat
