# Sessions and scheduling (docs/NOTIFICATIONS.md): joint sessions and private sessions (caucuses),
# the scheduling poll, calendar invitations and each user's private calendar address.

notice-meeting-proposed = Предложена встреча: укажите, какое время вам подходит
notice-meeting-answered = Один из приглашённых ответил на опрос о времени встречи
notice-meeting-confirmed = Встреча подтверждена (приглашение для календаря приложено)
notice-meeting-rescheduled = Встреча перенесена на другое время
notice-meeting-cancelled = Встреча отменена

calendar-joint = Общее заседание — { $reference }
calendar-caucus = Отдельная встреча с посредником — { $reference }
calendar-caucus-mediator = Отдельная встреча со стороной — { $reference }
calendar-deadline = Срок: { $what } — { $reference }

meetings-title = Встречи и планирование
meetings-intro = Посредник предлагает варианты времени для общего заседания или отдельной встречи; каждый приглашённый указывает, какое время ему подходит, и посредник подтверждает один из вариантов. Время показывается по вашему часовому поясу ({ $zone }), а рядом — местное время каждого участника.
meetings-none = Встречи пока не предлагались.
meetings-link = Встречи и планирование
meeting-joint = Общее заседание
meeting-caucus = Отдельная встреча с посредником
meeting-caucus-with = Отдельная встреча: { $party }
meeting-status-polling = Время предложено: ожидаются ответы
meeting-status-confirmed = Подтверждена
meeting-status-cancelled = Отменена
meeting-agenda = Повестка дня
meeting-place = Место
meeting-video = Комната видеоконференции
meeting-interpreters = Переводчики
meeting-duration = Продолжительность
meeting-minutes = { $n } мин.
meeting-time = Время в вашем часовом поясе
meeting-others = Местное время других участников
meeting-answers = Ответы
meeting-yes = Да
meeting-if-need-be = При необходимости
meeting-no = Нет
meeting-no-answer = Ответа пока нет
meeting-your-answer = Ваш ответ
meeting-answer-save = Отправить мои ответы
meeting-confirm = Подтвердить это время
meeting-confirm-choose = Время для подтверждения
meeting-confirmed-for = Подтверждённое время: { $when }
meeting-invitation = Добавить в мой календарь (.ics)
meeting-move = Перенести на другое время
meeting-move-new = Новое время в вашем часовом поясе
meeting-cancel = Отменить эту встречу
meeting-cancel-sure = Подтверждаю, что эта встреча отменяется и что все приглашённые будут об этом уведомлены
meeting-propose = Предложить встречу
meeting-kind = Вид встречи
meeting-candidates = Варианты времени в вашем часовом поясе ({ $zone })
meeting-candidate = Вариант времени { $n }
meeting-video-room = Провести по видеосвязи (создаётся комната с названием, которое невозможно угадать)
meeting-propose-save = Предложить эти варианты
done-meeting-proposed = Встреча предложена; все приглашённые уведомлены.
done-meeting-answered = Ваши ответы сохранены.
done-meeting-confirmed = Встреча подтверждена; все приглашённые получают приглашение.
done-meeting-rescheduled = Встреча перенесена; все приглашённые уведомлены.
done-meeting-cancelled = Встреча отменена; все приглашённые уведомлены.

calendar-feed-title = Ваш календарь
calendar-feed-intro = Подпишитесь на свой личный адрес календаря, чтобы видеть подтверждённые встречи и сроки в своём календаре. Любой, у кого есть этот адрес, может просматривать календарь: никому его не передавайте, а при необходимости замените или отзовите его здесь.
calendar-feed-create = Создать мой адрес календаря
calendar-feed-replace = Заменить мой адрес календаря (прежний перестанет действовать)
calendar-feed-revoke = Отозвать мой адрес календаря
calendar-feed-on = У вас есть адрес календаря. Он показывается только один раз — при создании.
calendar-feed-new = Ваш адрес календаря (скопируйте его сейчас: больше он показан не будет):
calendar-feed-revoked = Ваш адрес календаря отозван.

error-invalid-meeting = Встречу не удалось предложить в таком виде: проверьте варианты времени (от 1 до 10, в будущем), продолжительность (от 15 до 480 минут) и повестку дня.
error-invalid-meeting-answer = Ответьте на каждый предложенный вариант времени по порядку.
error-meeting-not-polling = Время этой встречи уже определено, или встреча отменена.
error-meeting-not-found = В этом деле нет такой встречи.
