# Notices, the inbox, e-mail and notification preferences (docs/NOTIFICATIONS.md). A notice never
# carries content: what kind of thing happened, in which case, and where to read it.

notice-message-plenary = New message in the joint session
notice-message-caucus = New message in your private session with the mediator
notice-message-caucus-mediator = New message in a private session with a party
notice-message-internal = New message in your side's internal workspace
notice-message-notes = New entry in the mediator's notes
notice-message-administrative = New message in the administrative channel
notice-document-plenary = New document in the joint session
notice-document-caucus = New document in your private session with the mediator
notice-document-caucus-mediator = New document in a private session with a party
notice-document-internal = New document in your side's internal workspace
notice-document-notes = New document in the mediator's notes
notice-document-administrative = New document in the administrative channel
notice-reminder = Reminder: { $what } — the time limit runs out on { $due }

mail-subject = { $reference }: { $what }
mail-digest-subject = Accord: your notices of the day ({ $count })
mail-digest-intro = What happened in your cases since the last summary:
mail-case = Case { $reference }
mail-your-turn = The case now waits on you.
mail-open = Open in Accord
mail-no-content = This e-mail carries no content of the case. Sign in to read it.
mail-why = You receive it because you take part in this case.
mail-preferences = Your notifications and how you are told

inbox-title = Notifications
inbox-nav = Notifications
inbox-nav-unread = Notifications ({ $count } unread)
inbox-empty = No notifications yet. You will be told here when something happens in your cases.
inbox-unread = Unread
inbox-your-turn = Your turn
inbox-mark-read = Mark as read
inbox-mark-all-read = Mark all as read
inbox-marked = Marked as read.
inbox-open = Open
inbox-case = Case { $reference }
inbox-earlier = Earlier notifications
inbox-latest = Latest notifications
inbox-mail-failed = The e-mail could not be delivered.

prefs-title = How you are told
prefs-intro = Everything is listed under Notifications when you sign in. You may also be told by e-mail; the e-mails say what happened and where, never what was written.
prefs-email = E-mail address
prefs-email-hint = Leave empty to be told in Accord only.
prefs-mode = E-mail
prefs-mode-immediate = Each notification as it happens
prefs-mode-digest = One summary a day, at 08:00 in your time zone
prefs-mode-off = No e-mail (formal notices required by the rules are still sent)
prefs-save = Save
prefs-saved = Your notification settings are saved.
prefs-mail-disabled = This service does not send e-mail at present: you are told under Notifications only.

mail-failures-title = E-mails not delivered
mail-failures-empty = Every e-mail was delivered.
mail-failures-user = Recipient
mail-failures-case = Case
mail-failures-error = The mail server's answer
mail-failures-attempts = Attempts
mail-failures-when = Given up

error-invalid-notification-email = The e-mail address is not of the form name@example.org. Correct it, or leave it empty to be told in Accord only.
error-invalid-notification-ids = Too many notifications were marked at once; mark at most 500 at a time.
