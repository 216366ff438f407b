# Sessions and scheduling (docs/NOTIFICATIONS.md): joint sessions and private sessions (caucuses),
# the scheduling poll, calendar invitations and each user's private calendar address.

notice-meeting-proposed = 有新的會議提議：請說明哪些時間適合您
notice-meeting-answered = 一名受邀人已答覆時間徵詢
notice-meeting-confirmed = 會議已確認（附有日曆邀請）
notice-meeting-rescheduled = 會議已改至其他時間
notice-meeting-cancelled = 會議已取消

calendar-joint = 聯合會議——{ $reference }
calendar-caucus = 與調解員的單方會談——{ $reference }
calendar-caucus-mediator = 與某一當事方的單方會談——{ $reference }
calendar-deadline = 期限：{ $what }——{ $reference }

meetings-title = 會議與日程安排
meetings-intro = 調解員為聯合會議或單方會談提議若干時間；每位受邀人說明哪些時間適合自己，再由調解員確認其中一個。時間以您所在時區（{ $zone }）顯示，旁邊列出每位參與者的當地時間。
meetings-none = 尚未提議任何會議。
meetings-link = 會議與日程安排
meeting-joint = 聯合會議
meeting-caucus = 與調解員的單方會談
meeting-caucus-with = 與{ $party }的單方會談
meeting-status-polling = 已提議時間：等待答覆
meeting-status-confirmed = 已確認
meeting-status-cancelled = 已取消
meeting-agenda = 議程
meeting-place = 地點
meeting-video = 視訊會議室
meeting-interpreters = 口譯員
meeting-duration = 時長
meeting-minutes = { $n } 分鐘
meeting-time = 您所在時區的時間
meeting-others = 其他人的當地時間
meeting-answers = 答覆
meeting-yes = 可以
meeting-if-need-be = 必要時可以
meeting-no = 不可以
meeting-no-answer = 尚未答覆
meeting-your-answer = 您的答覆
meeting-answer-save = 發送我的答覆
meeting-confirm = 確認此時間
meeting-confirm-choose = 待確認的時間
meeting-confirmed-for = 已確認：{ $when }
meeting-invitation = 新增至我的日曆 (.ics)
meeting-move = 改至其他時間
meeting-move-new = 您所在時區的新時間
meeting-cancel = 取消此會議
meeting-cancel-sure = 我確認取消此會議，所有受邀人均將收到通知
meeting-propose = 提議會議
meeting-kind = 會議類型
meeting-candidates = 備選時間，以您所在時區（{ $zone }）計
meeting-candidate = 備選時間 { $n }
meeting-video-room = 以視訊方式舉行（將建立一個名稱無法猜測的會議室）
meeting-propose-save = 提議這些時間
done-meeting-proposed = 會議已提議；已通知所有受邀人。
done-meeting-answered = 您的答覆已儲存。
done-meeting-confirmed = 會議已確認；所有受邀人均收到邀請。
done-meeting-rescheduled = 會議已改期；已通知所有受邀人。
done-meeting-cancelled = 會議已取消；已通知所有受邀人。

calendar-feed-title = 您的日曆
calendar-feed-intro = 訂閱您的私人日曆地址，即可在您自己的日曆中查看已確認的會議和期限。任何持有該地址的人都能查看此日曆：請勿外傳，並可在此處更換或撤銷該地址。
calendar-feed-create = 產生我的日曆地址
calendar-feed-replace = 更換我的日曆地址（舊地址將失效）
calendar-feed-revoke = 撤銷我的日曆地址
calendar-feed-on = 您已有日曆地址。該地址僅在產生時顯示一次。
calendar-feed-new = 您的日曆地址（請立即複製：此後不再顯示）：
calendar-feed-revoked = 您的日曆地址已撤銷。

error-invalid-meeting = 無法按所填內容提議會議：請檢查時間（1 至 10 個，須為將來的時間）、時長（15 至 480 分鐘）及議程。
error-invalid-meeting-answer = 請按順序答覆每個提議的時間。
error-meeting-not-polling = 此會議的時間已確定，或會議已取消。
error-meeting-not-found = 本案中沒有該會議。
