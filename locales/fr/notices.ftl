# Notices, the inbox, e-mail and notification preferences (docs/NOTIFICATIONS.md). A notice never
# carries content: what kind of thing happened, in which case, and where to read it.

notice-message-plenary = Nouveau message dans la séance commune
notice-message-caucus = Nouveau message dans votre aparté avec le médiateur ou la médiatrice
notice-message-caucus-mediator = Nouveau message dans un aparté avec une partie
notice-message-internal = Nouveau message dans l’espace interne de votre partie
notice-message-notes = Nouvelle entrée dans les notes du médiateur ou de la médiatrice
notice-message-administrative = Nouveau message dans le canal des questions administratives
notice-document-plenary = Nouveau document dans la séance commune
notice-document-caucus = Nouveau document dans votre aparté avec le médiateur ou la médiatrice
notice-document-caucus-mediator = Nouveau document dans un aparté avec une partie
notice-document-internal = Nouveau document dans l’espace interne de votre partie
notice-document-notes = Nouveau document dans les notes du médiateur ou de la médiatrice
notice-document-administrative = Nouveau document dans le canal des questions administratives
notice-reminder = Rappel : { $what } — le délai expire le { $due }

mail-subject = Dossier { $reference } : { $what }
mail-digest-subject = Accord : vos notifications du jour ({ $count })
mail-digest-intro = Ce qui s’est passé dans vos dossiers depuis le dernier récapitulatif :
mail-case = Dossier { $reference }
mail-your-turn = Le dossier attend désormais une action de votre part.
mail-open = Ouvrir dans Accord
mail-no-content = Ce courriel ne contient aucun élément du dossier. Connectez-vous pour en prendre connaissance.
mail-why = Vous le recevez parce que vous participez à ce dossier.
mail-preferences = Vos notifications et leur mode de transmission

inbox-title = Vos notifications
inbox-nav = Vos notifications
inbox-nav-unread = Vos notifications ({ $count } non lues)
inbox-empty = Aucune notification pour l’instant. Tout fait nouveau dans vos dossiers vous sera signalé ici.
inbox-unread = Non lues
inbox-your-turn = À vous d’agir
inbox-mark-read = Marquer comme lue
inbox-mark-all-read = Tout marquer comme lu
inbox-marked = Le marquage comme lu est enregistré.
inbox-open = Ouvrir
inbox-case = Dossier { $reference }
inbox-earlier = Notifications précédentes
inbox-latest = Notifications les plus récentes
inbox-mail-failed = Le courriel n’a pas pu être remis.

prefs-title = Modes de notification
prefs-intro = Tout figure sous « Vos notifications » lorsque vous vous connectez. Vous pouvez aussi recevoir des courriels ; ils indiquent ce qui s’est passé et où, jamais ce qui a été écrit.
prefs-email = Adresse électronique
prefs-email-hint = Laissez ce champ vide pour ne recevoir les notifications que dans Accord.
prefs-mode = Courriel
prefs-mode-immediate = Chaque notification dès qu’elle survient
prefs-mode-digest = Un récapitulatif par jour, à 08:00 dans votre fuseau horaire
prefs-mode-off = Aucun courriel (les notifications formelles exigées par les règles de procédure sont toujours envoyées)
prefs-save = Enregistrer
prefs-saved = Vos paramètres de notification sont enregistrés.
prefs-mail-disabled = Ce service n’envoie pas de courriels actuellement : les notifications figurent uniquement sous « Vos notifications ».

mail-failures-title = Courriels non remis
mail-failures-empty = Tous les courriels ont été remis.
mail-failures-user = Destinataire
mail-failures-case = Dossier
mail-failures-error = Réponse du serveur de messagerie
mail-failures-attempts = Tentatives
mail-failures-when = Date d’abandon

error-invalid-notification-email = L’adresse électronique n’est pas de la forme name@example.org. Corrigez-la, ou laissez le champ vide pour ne recevoir les notifications que dans Accord.
error-invalid-notification-ids = Trop de notifications ont été marquées en une fois ; marquez-en au plus 500 à la fois.
