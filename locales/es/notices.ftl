# Notices, the inbox, e-mail and notification preferences (docs/NOTIFICATIONS.md). A notice never
# carries content: what kind of thing happened, in which case, and where to read it.

notice-message-plenary = Nuevo mensaje en la sesión conjunta
notice-message-caucus = Nuevo mensaje en su sesión privada con el mediador o la mediadora
notice-message-caucus-mediator = Nuevo mensaje en una sesión privada con una parte
notice-message-internal = Nuevo mensaje en el espacio interno de su parte
notice-message-notes = Nueva entrada en las notas del mediador o la mediadora
notice-message-administrative = Nuevo mensaje en el canal de asuntos administrativos
notice-document-plenary = Nuevo documento en la sesión conjunta
notice-document-caucus = Nuevo documento en su sesión privada con el mediador o la mediadora
notice-document-caucus-mediator = Nuevo documento en una sesión privada con una parte
notice-document-internal = Nuevo documento en el espacio interno de su parte
notice-document-notes = Nuevo documento en las notas del mediador o la mediadora
notice-document-administrative = Nuevo documento en el canal de asuntos administrativos
notice-reminder = Recordatorio: { $what } — el plazo vence el { $due }

mail-subject = Expediente { $reference }: { $what }
mail-digest-subject = Accord: sus notificaciones del día ({ $count })
mail-digest-intro = Lo ocurrido en sus expedientes desde el último resumen:
mail-case = Expediente { $reference }
mail-your-turn = El expediente está ahora a la espera de que usted actúe.
mail-open = Abrir en Accord
mail-no-content = Este correo electrónico no contiene información alguna del expediente. Inicie sesión para consultarla.
mail-why = Lo recibe porque participa en este expediente.
mail-preferences = Sus notificaciones y la forma de recibirlas

inbox-title = Notificaciones
inbox-nav = Notificaciones
inbox-nav-unread = Notificaciones ({ $count } sin leer)
inbox-empty = Aún no hay notificaciones. Aquí se le avisará cuando ocurra algo en sus expedientes.
inbox-unread = Sin leer
inbox-your-turn = Le corresponde actuar
inbox-mark-read = Marcar como leída
inbox-mark-all-read = Marcar todas como leídas
inbox-marked = Se ha marcado como leído.
inbox-open = Abrir
inbox-case = Expediente { $reference }
inbox-earlier = Notificaciones anteriores
inbox-latest = Notificaciones más recientes
inbox-mail-failed = No se pudo entregar el correo electrónico.

prefs-title = Forma de recibir los avisos
prefs-intro = Al iniciar sesión, todo figura en Notificaciones. También puede recibir avisos por correo electrónico; los correos indican qué ocurrió y dónde, nunca lo que se escribió.
prefs-email = Dirección de correo electrónico
prefs-email-hint = Déjela en blanco para recibir avisos solo en Accord.
prefs-mode = Correo electrónico
prefs-mode-immediate = Cada notificación en el momento en que se produce
prefs-mode-digest = Un resumen al día, a las 08:00 en su zona horaria
prefs-mode-off = Ningún correo electrónico (las notificaciones formales que exigen las reglas se siguen enviando)
prefs-save = Guardar
prefs-saved = Se ha guardado su configuración de notificaciones.
prefs-mail-disabled = Este servicio no envía correos electrónicos por el momento: solo recibirá avisos en Notificaciones.

mail-failures-title = Correos electrónicos no entregados
mail-failures-empty = Se entregaron todos los correos electrónicos.
mail-failures-user = Destinatario
mail-failures-case = Expediente
mail-failures-error = Respuesta del servidor de correo
mail-failures-attempts = Intentos
mail-failures-when = Fecha de abandono

error-invalid-notification-email = La dirección de correo electrónico no tiene la forma name@example.org. Corríjala o déjela en blanco para recibir avisos solo en Accord.
error-invalid-notification-ids = Se marcaron demasiadas notificaciones a la vez; marque como máximo 500 cada vez.
