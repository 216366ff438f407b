# Sessions and scheduling (docs/NOTIFICATIONS.md): joint sessions and private sessions (caucuses),
# the scheduling poll, calendar invitations and each user's private calendar address.

notice-meeting-proposed = Se propone una sesión: indique qué horarios le convienen
notice-meeting-answered = Una persona invitada ha respondido a la consulta de horarios
notice-meeting-confirmed = Se ha confirmado una sesión (se adjunta la invitación para el calendario)
notice-meeting-rescheduled = Se ha trasladado una sesión a otro horario
notice-meeting-cancelled = Se ha cancelado una sesión

calendar-joint = Sesión conjunta — { $reference }
calendar-caucus = Sesión privada con el mediador o la mediadora — { $reference }
calendar-caucus-mediator = Sesión privada con una parte — { $reference }
calendar-deadline = Plazo: { $what } — { $reference }

meetings-title = Sesiones y programación
meetings-intro = El mediador o la mediadora propone horarios para una sesión conjunta o una sesión privada; cada persona invitada indica qué horarios le convienen y el mediador o la mediadora confirma uno de ellos. Los horarios se muestran en su zona horaria ({ $zone }), junto con la hora local de cada participante.
meetings-none = Todavía no se ha propuesto ninguna sesión.
meetings-link = Sesiones y programación
meeting-joint = Sesión conjunta
meeting-caucus = Sesión privada con el mediador o la mediadora
meeting-caucus-with = Sesión privada con { $party }
meeting-status-polling = Horarios propuestos: a la espera de respuestas
meeting-status-confirmed = Confirmada
meeting-status-cancelled = Cancelada
meeting-agenda = Orden del día
meeting-place = Lugar
meeting-video = Sala de videoconferencia
meeting-interpreters = Intérpretes
meeting-duration = Duración
meeting-minutes = { $n } minutos
meeting-time = Hora en su zona horaria
meeting-others = Hora local de los demás participantes
meeting-answers = Respuestas
meeting-yes = Sí
meeting-if-need-be = Si es necesario
meeting-no = No disponible
meeting-no-answer = Sin respuesta todavía
meeting-your-answer = Su respuesta
meeting-answer-save = Enviar mis respuestas
meeting-confirm = Confirmar este horario
meeting-confirm-choose = Horario que desea confirmar
meeting-confirmed-for = Confirmada: { $when }
meeting-invitation = Añadir a mi calendario (.ics)
meeting-move = Trasladar a otro horario
meeting-move-new = Nuevo horario en su zona horaria
meeting-cancel = Cancelar esta sesión
meeting-cancel-sure = Confirmo que esta sesión queda cancelada y que se informa de ello a todas las personas invitadas
meeting-propose = Proponer una sesión
meeting-kind = Tipo de sesión
meeting-candidates = Horarios posibles, en su zona horaria ({ $zone })
meeting-candidate = Horario posible { $n }
meeting-video-room = Celebrarla por videoconferencia (se crea una sala con un nombre imposible de adivinar)
meeting-propose-save = Proponer estos horarios
done-meeting-proposed = Se ha propuesto la sesión; se ha informado a todas las personas invitadas.
done-meeting-answered = Se han guardado sus respuestas.
done-meeting-confirmed = Se ha confirmado la sesión; todas las personas invitadas reciben la invitación.
done-meeting-rescheduled = Se ha trasladado la sesión; se ha informado a todas las personas invitadas.
done-meeting-cancelled = Se ha cancelado la sesión; se ha informado a todas las personas invitadas.

calendar-feed-title = Su calendario
calendar-feed-intro = Suscríbase a su dirección privada de calendario para ver sus sesiones confirmadas y sus plazos en su propio calendario. Cualquier persona que tenga esa dirección puede consultar el calendario: no la comparta, y sustitúyala o revóquela aquí.
calendar-feed-create = Crear mi dirección de calendario
calendar-feed-replace = Sustituir mi dirección de calendario (la anterior deja de funcionar)
calendar-feed-revoke = Revocar mi dirección de calendario
calendar-feed-on = Usted tiene una dirección de calendario. Solo se muestra una vez, al crearla.
calendar-feed-new = Su dirección de calendario (cópiela ahora: no volverá a mostrarse):
calendar-feed-revoked = Se ha revocado su dirección de calendario.

error-invalid-meeting = No se pudo proponer la sesión tal como se indicó: compruebe sus horarios (de 1 a 10, en el futuro), su duración (de 15 a 480 minutos) y su orden del día.
error-invalid-meeting-answer = Responda a cada horario propuesto, en orden.
error-meeting-not-polling = El horario de esta sesión ya está fijado, o la sesión se ha cancelado.
error-meeting-not-found = Este expediente no tiene esa sesión.
