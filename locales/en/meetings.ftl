# Sessions and scheduling (docs/NOTIFICATIONS.md): joint sessions and private sessions (caucuses),
# the scheduling poll, calendar invitations and each user's private calendar address.

notice-meeting-proposed = A session is proposed: say which times suit you
notice-meeting-answered = An invitee answered the scheduling poll
notice-meeting-confirmed = A session is confirmed (the calendar invitation is attached)
notice-meeting-rescheduled = A session was moved to another time
notice-meeting-cancelled = A session was cancelled

calendar-joint = Joint session — { $reference }
calendar-caucus = Private session with the mediator — { $reference }
calendar-caucus-mediator = Private session with a party — { $reference }
calendar-deadline = Time limit: { $what } — { $reference }

meetings-title = Sessions and scheduling
meetings-intro = The mediator proposes times for a joint session or a private session; everyone invited says which times suit them, and the mediator confirms one. Times are shown in your time zone ({ $zone }), with each participant's local time beside them.
meetings-none = No session has been proposed yet.
meetings-link = Sessions and scheduling
meeting-joint = Joint session
meeting-caucus = Private session with the mediator
meeting-caucus-with = Private session with { $party }
meeting-status-polling = Times proposed: answers awaited
meeting-status-confirmed = Confirmed
meeting-status-cancelled = Cancelled
meeting-agenda = Agenda
meeting-place = Place
meeting-video = Video room
meeting-interpreters = Interpreters
meeting-duration = Length
meeting-minutes = { $n } minutes
meeting-time = Time in your zone
meeting-others = The others' local time
meeting-answers = Answers
meeting-yes = Yes
meeting-if-need-be = If need be
meeting-no = No
meeting-no-answer = Not yet answered
meeting-your-answer = Your answer
meeting-answer-save = Send my answers
meeting-confirm = Confirm this time
meeting-confirm-choose = Time to confirm
meeting-confirmed-for = Confirmed for { $when }
meeting-invitation = Add to my calendar (.ics)
meeting-move = Move to another time
meeting-move-new = New time in your zone
meeting-cancel = Cancel this session
meeting-cancel-sure = I confirm that this session is cancelled and that everyone invited is told
meeting-propose = Propose a session
meeting-kind = Session
meeting-candidates = Candidate times, in your zone ({ $zone })
meeting-candidate = Candidate time { $n }
meeting-video-room = Hold it by video (a room with an unguessable name is created)
meeting-propose-save = Propose these times
done-meeting-proposed = The session is proposed; everyone invited is told.
done-meeting-answered = Your answers are saved.
done-meeting-confirmed = The session is confirmed; everyone invited receives the invitation.
done-meeting-rescheduled = The session is moved; everyone invited is told.
done-meeting-cancelled = The session is cancelled; everyone invited is told.

calendar-feed-title = Your calendar
calendar-feed-intro = Subscribe to your private calendar address to see your confirmed sessions and time limits in your own calendar. Whoever has the address can read it: keep it to yourself, and replace or revoke it here.
calendar-feed-create = Make my calendar address
calendar-feed-replace = Replace my calendar address (the old one stops working)
calendar-feed-revoke = Revoke my calendar address
calendar-feed-on = You have a calendar address. It is shown only once, when it is made.
calendar-feed-new = Your calendar address (copy it now: it is not shown again):
calendar-feed-revoked = Your calendar address is revoked.

error-invalid-meeting = The session could not be proposed as given: check its times (1 to 10, in the future), its length (15 to 480 minutes) and its agenda.
error-invalid-meeting-answer = Answer each proposed time, in order.
error-meeting-not-polling = This session's time is already settled, or the session was cancelled.
error-meeting-not-found = There is no such session in this case.
