# Sessions and scheduling (docs/NOTIFICATIONS.md): joint sessions and private sessions (caucuses),
# the scheduling poll, calendar invitations and each user's private calendar address.

notice-meeting-proposed = Une séance est proposée : indiquez les créneaux qui vous conviennent
notice-meeting-answered = Une personne invitée a répondu au sondage de planification
notice-meeting-confirmed = Une séance est confirmée (l’invitation pour votre calendrier est jointe)
notice-meeting-rescheduled = Une séance a été déplacée à un autre horaire
notice-meeting-cancelled = Une séance a été annulée

calendar-joint = Séance commune — { $reference }
calendar-caucus = Aparté avec le médiateur ou la médiatrice — { $reference }
calendar-caucus-mediator = Aparté avec une partie — { $reference }
calendar-deadline = Délai : { $what } — { $reference }

meetings-title = Séances et planification
meetings-intro = Le médiateur ou la médiatrice propose des créneaux pour une séance commune ou un aparté ; chaque personne invitée indique ceux qui lui conviennent, puis le médiateur ou la médiatrice en confirme un. Les horaires sont affichés dans votre fuseau horaire ({ $zone }), avec en regard l’heure locale de chaque participant.
meetings-none = Aucune séance n’a encore été proposée.
meetings-link = Séances et planification
meeting-joint = Séance commune
meeting-caucus = Aparté avec le médiateur ou la médiatrice
meeting-caucus-with = Aparté avec { $party }
meeting-status-polling = Créneaux proposés : réponses attendues
meeting-status-confirmed = Confirmée
meeting-status-cancelled = Annulée
meeting-agenda = Ordre du jour
meeting-place = Lieu
meeting-video = Salle de visioconférence
meeting-interpreters = Interprètes
meeting-duration = Durée
meeting-minutes = { $n } min
meeting-time = Heure dans votre fuseau horaire
meeting-others = Heure locale des autres participants
meeting-answers = Réponses
meeting-yes = Oui
meeting-if-need-be = Si nécessaire
meeting-no = Non
meeting-no-answer = Pas encore de réponse
meeting-your-answer = Votre réponse
meeting-answer-save = Envoyer mes réponses
meeting-confirm = Confirmer ce créneau
meeting-confirm-choose = Créneau à confirmer
meeting-confirmed-for = Confirmée : { $when }
meeting-invitation = Ajouter à mon calendrier (.ics)
meeting-move = Déplacer à un autre horaire
meeting-move-new = Nouvel horaire dans votre fuseau horaire
meeting-cancel = Annuler cette séance
meeting-cancel-sure = Je confirme que cette séance est annulée et que toutes les personnes invitées en sont informées
meeting-propose = Proposer une séance
meeting-kind = Type de séance
meeting-candidates = Créneaux possibles, dans votre fuseau horaire ({ $zone })
meeting-candidate = Créneau possible { $n }
meeting-video-room = Tenir la séance par visioconférence (une salle au nom impossible à deviner est créée)
meeting-propose-save = Proposer ces créneaux
done-meeting-proposed = La séance est proposée ; toutes les personnes invitées en sont informées.
done-meeting-answered = Vos réponses sont enregistrées.
done-meeting-confirmed = La séance est confirmée ; toutes les personnes invitées reçoivent l’invitation.
done-meeting-rescheduled = La séance est déplacée ; toutes les personnes invitées en sont informées.
done-meeting-cancelled = La séance est annulée ; toutes les personnes invitées en sont informées.

calendar-feed-title = Votre calendrier
calendar-feed-intro = Abonnez-vous à votre adresse de calendrier privée pour voir vos séances confirmées et vos délais dans votre propre calendrier. Quiconque dispose de cette adresse peut consulter ce calendrier : gardez-la pour vous, et remplacez-la ou révoquez-la ici.
calendar-feed-create = Créer mon adresse de calendrier
calendar-feed-replace = Remplacer mon adresse de calendrier (l’ancienne cesse de fonctionner)
calendar-feed-revoke = Révoquer mon adresse de calendrier
calendar-feed-on = Vous disposez d’une adresse de calendrier. Elle n’est affichée qu’une seule fois, lors de sa création.
calendar-feed-new = Votre adresse de calendrier (copiez-la maintenant : elle ne sera plus affichée) :
calendar-feed-revoked = Votre adresse de calendrier est révoquée.

error-invalid-meeting = La séance n’a pas pu être proposée telle quelle : vérifiez ses créneaux (de 1 à 10, dans le futur), sa durée (de 15 à 480 minutes) et son ordre du jour.
error-invalid-meeting-answer = Répondez pour chaque créneau proposé, dans l’ordre.
error-meeting-not-polling = L’horaire de cette séance est déjà arrêté, ou la séance a été annulée.
error-meeting-not-found = Ce dossier ne comporte pas cette séance.
