# Notices, the inbox, e-mail and notification preferences (docs/NOTIFICATIONS.md). A notice never
# carries content: what kind of thing happened, in which case, and where to read it.

notice-message-plenary = Новое сообщение на общем заседании
notice-message-caucus = Новое сообщение на вашей отдельной встрече с посредником
notice-message-caucus-mediator = Новое сообщение на отдельной встрече со стороной
notice-message-internal = Новое сообщение во внутреннем пространстве вашей стороны
notice-message-notes = Новая запись в заметках посредника
notice-message-administrative = Новое сообщение в канале административных вопросов
notice-document-plenary = Новый документ на общем заседании
notice-document-caucus = Новый документ на вашей отдельной встрече с посредником
notice-document-caucus-mediator = Новый документ на отдельной встрече со стороной
notice-document-internal = Новый документ во внутреннем пространстве вашей стороны
notice-document-notes = Новый документ в заметках посредника
notice-document-administrative = Новый документ в канале административных вопросов
notice-reminder = Напоминание: { $what } — срок истекает { $due }

mail-subject = Дело { $reference }: { $what }
mail-digest-subject = Accord: ваши уведомления за день ({ $count })
mail-digest-intro = Что произошло в ваших делах после предыдущей сводки:
mail-case = Дело { $reference }
mail-your-turn = Теперь дело ждёт ваших действий.
mail-open = Открыть в Accord
mail-no-content = Это письмо не содержит материалов дела. Войдите в систему, чтобы ознакомиться с ними.
mail-why = Вы получили это письмо, потому что участвуете в этом деле.
mail-preferences = Ваши уведомления и способ их получения

inbox-title = Уведомления
inbox-nav = Уведомления
inbox-nav-unread = Уведомления (непрочитанных: { $count })
inbox-empty = Уведомлений пока нет. Когда в ваших делах что-либо произойдёт, вы узнаете об этом здесь.
inbox-unread = Непрочитанные
inbox-your-turn = Ваш ход
inbox-mark-read = Отметить как прочитанное
inbox-mark-all-read = Отметить все как прочитанные
inbox-marked = Отмечено как прочитанное.
inbox-open = Открыть
inbox-case = Дело { $reference }
inbox-earlier = Более ранние уведомления
inbox-latest = Последние уведомления
inbox-mail-failed = Письмо не удалось доставить.

prefs-title = Способ получения уведомлений
prefs-intro = После входа в систему всё отображается в разделе «Уведомления». Уведомления могут также приходить по электронной почте; в письмах говорится, что и где произошло, но никогда — что было написано.
prefs-email = Адрес электронной почты
prefs-email-hint = Оставьте поле пустым, чтобы получать уведомления только в Accord.
prefs-mode = Электронная почта
prefs-mode-immediate = Каждое уведомление сразу, как только оно появится
prefs-mode-digest = Одна сводка в день, в 08:00 по вашему часовому поясу
prefs-mode-off = Без писем (официальные уведомления, предусмотренные правилами, по-прежнему направляются)
prefs-save = Сохранить
prefs-saved = Ваши настройки уведомлений сохранены.
prefs-mail-disabled = В настоящее время эта служба не отправляет электронную почту: уведомления доступны только в разделе «Уведомления».

mail-failures-title = Недоставленные письма
mail-failures-empty = Все письма доставлены.
mail-failures-user = Получатель
mail-failures-case = Дело
mail-failures-error = Ответ почтового сервера
mail-failures-attempts = Попытки
mail-failures-when = Попытки прекращены

error-invalid-notification-email = Адрес электронной почты не соответствует формату name@example.org. Исправьте его или оставьте поле пустым, чтобы получать уведомления только в Accord.
error-invalid-notification-ids = Слишком много уведомлений отмечено за один раз; отмечайте не более 500 за раз.
