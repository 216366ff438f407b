# Notices, the inbox, e-mail and notification preferences (docs/NOTIFICATIONS.md). A notice never
# carries content: what kind of thing happened, in which case, and where to read it.

notice-message-plenary = 联合会议中有新消息
notice-message-caucus = 您与调解员的单方会谈中有新消息
notice-message-caucus-mediator = 与某一当事方的单方会谈中有新消息
notice-message-internal = 您方内部工作区中有新消息
notice-message-notes = 调解员笔记中有新条目
notice-message-administrative = 行政事务频道中有新消息
notice-document-plenary = 联合会议中有新文件
notice-document-caucus = 您与调解员的单方会谈中有新文件
notice-document-caucus-mediator = 与某一当事方的单方会谈中有新文件
notice-document-internal = 您方内部工作区中有新文件
notice-document-notes = 调解员笔记中有新文件
notice-document-administrative = 行政事务频道中有新文件
notice-reminder = 提醒：{ $what }——期限将于 { $due } 届满

mail-subject = 案件 { $reference }：{ $what }
mail-digest-subject = Accord：您今日的通知（{ $count }）
mail-digest-intro = 自上次摘要以来，您的案件中发生了以下事项：
mail-case = 案件 { $reference }
mail-your-turn = 该案件现等待您采取行动。
mail-open = 在 Accord 中打开
mail-no-content = 本邮件不包含任何案件内容。请登录查阅。
mail-why = 您收到本邮件，是因为您参与此案件。
mail-preferences = 您的通知及通知方式

inbox-title = 通知
inbox-nav = 通知
inbox-nav-unread = 通知（{ $count } 条未读）
inbox-empty = 尚无通知。您的案件有任何动态时，将在此处通知您。
inbox-unread = 未读
inbox-your-turn = 轮到您
inbox-mark-read = 标记为已读
inbox-mark-all-read = 全部标记为已读
inbox-marked = 已标记为已读。
inbox-open = 打开
inbox-case = 案件 { $reference }
inbox-earlier = 较早的通知
inbox-latest = 最新通知
inbox-mail-failed = 该电子邮件未能送达。

prefs-title = 通知方式
prefs-intro = 登录后，所有事项均列于“通知”下。您也可以通过电子邮件接收通知；邮件只说明发生了什么以及在何处发生，绝不包含所写内容。
prefs-email = 电子邮件地址
prefs-email-hint = 留空则仅在 Accord 中接收通知。
prefs-mode = 电子邮件
prefs-mode-immediate = 每条通知即时发送
prefs-mode-digest = 每天一份摘要，于您所在时区的 08:00 发送
prefs-mode-off = 不发送电子邮件（规则要求的正式通知仍会发送）
prefs-save = 保存
prefs-saved = 您的通知设置已保存。
prefs-mail-disabled = 本服务目前不发送电子邮件：您只能在“通知”下接收通知。

mail-failures-title = 未送达的电子邮件
mail-failures-empty = 所有电子邮件均已送达。
mail-failures-user = 收件人
mail-failures-case = 案件
mail-failures-error = 邮件服务器的答复
mail-failures-attempts = 尝试次数
mail-failures-when = 放弃时间

error-invalid-notification-email = 电子邮件地址不符合 name@example.org 的格式。请更正，或留空以仅在 Accord 中接收通知。
error-invalid-notification-ids = 一次标记的通知过多；每次最多标记 500 条。
