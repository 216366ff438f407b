# Sessions and scheduling (docs/NOTIFICATIONS.md): joint sessions and private sessions (caucuses),
# the scheduling poll, calendar invitations and each user's private calendar address.

notice-meeting-proposed = 有新的会议提议：请说明哪些时间适合您
notice-meeting-answered = 一名受邀人已答复时间征询
notice-meeting-confirmed = 会议已确认（附有日历邀请）
notice-meeting-rescheduled = 会议已改至其他时间
notice-meeting-cancelled = 会议已取消

calendar-joint = 联合会议——{ $reference }
calendar-caucus = 与调解员的单方会谈——{ $reference }
calendar-caucus-mediator = 与某一当事方的单方会谈——{ $reference }
calendar-deadline = 期限：{ $what }——{ $reference }

meetings-title = 会议与日程安排
meetings-intro = 调解员为联合会议或单方会谈提议若干时间；每位受邀人说明哪些时间适合自己，再由调解员确认其中一个。时间以您所在时区（{ $zone }）显示，旁边列出每位参与者的当地时间。
meetings-none = 尚未提议任何会议。
meetings-link = 会议与日程安排
meeting-joint = 联合会议
meeting-caucus = 与调解员的单方会谈
meeting-caucus-with = 与{ $party }的单方会谈
meeting-status-polling = 已提议时间：等待答复
meeting-status-confirmed = 已确认
meeting-status-cancelled = 已取消
meeting-agenda = 议程
meeting-place = 地点
meeting-video = 视频会议室
meeting-interpreters = 口译员
meeting-duration = 时长
meeting-minutes = { $n } 分钟
meeting-time = 您所在时区的时间
meeting-others = 其他人的当地时间
meeting-answers = 答复
meeting-yes = 可以
meeting-if-need-be = 必要时可以
meeting-no = 不可以
meeting-no-answer = 尚未答复
meeting-your-answer = 您的答复
meeting-answer-save = 发送我的答复
meeting-confirm = 确认此时间
meeting-confirm-choose = 待确认的时间
meeting-confirmed-for = 已确认：{ $when }
meeting-invitation = 添加到我的日历 (.ics)
meeting-move = 改至其他时间
meeting-move-new = 您所在时区的新时间
meeting-cancel = 取消此会议
meeting-cancel-sure = 我确认取消此会议，所有受邀人均将收到通知
meeting-propose = 提议会议
meeting-kind = 会议类型
meeting-candidates = 备选时间，以您所在时区（{ $zone }）计
meeting-candidate = 备选时间 { $n }
meeting-video-room = 以视频方式举行（将创建一个名称无法猜测的会议室）
meeting-propose-save = 提议这些时间
done-meeting-proposed = 会议已提议；已通知所有受邀人。
done-meeting-answered = 您的答复已保存。
done-meeting-confirmed = 会议已确认；所有受邀人均收到邀请。
done-meeting-rescheduled = 会议已改期；已通知所有受邀人。
done-meeting-cancelled = 会议已取消；已通知所有受邀人。

calendar-feed-title = 您的日历
calendar-feed-intro = 订阅您的私人日历地址，即可在您自己的日历中查看已确认的会议和期限。任何持有该地址的人都能查看此日历：请勿外传，并可在此处更换或撤销该地址。
calendar-feed-create = 生成我的日历地址
calendar-feed-replace = 更换我的日历地址（旧地址将失效）
calendar-feed-revoke = 撤销我的日历地址
calendar-feed-on = 您已有日历地址。该地址仅在生成时显示一次。
calendar-feed-new = 您的日历地址（请立即复制：此后不再显示）：
calendar-feed-revoked = 您的日历地址已撤销。

error-invalid-meeting = 无法按所填内容提议会议：请检查时间（1 至 10 个，须为将来的时间）、时长（15 至 480 分钟）及议程。
error-invalid-meeting-answer = 请按顺序答复每个提议的时间。
error-meeting-not-polling = 此会议的时间已确定，或会议已取消。
error-meeting-not-found = 本案中没有该会议。
