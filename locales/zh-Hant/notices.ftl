# Notices, the inbox, e-mail and notification preferences (docs/NOTIFICATIONS.md). A notice never
# carries content: what kind of thing happened, in which case, and where to read it.

notice-message-plenary = 聯合會議中有新訊息
notice-message-caucus = 您與調解員的單方會談中有新訊息
notice-message-caucus-mediator = 與某一當事方的單方會談中有新訊息
notice-message-internal = 您方內部工作區中有新訊息
notice-message-notes = 調解員筆記中有新條目
notice-message-administrative = 行政事務頻道中有新訊息
notice-document-plenary = 聯合會議中有新文件
notice-document-caucus = 您與調解員的單方會談中有新文件
notice-document-caucus-mediator = 與某一當事方的單方會談中有新文件
notice-document-internal = 您方內部工作區中有新文件
notice-document-notes = 調解員筆記中有新文件
notice-document-administrative = 行政事務頻道中有新文件
notice-reminder = 提醒：{ $what }——期限將於 { $due } 屆滿

mail-subject = 案件 { $reference }：{ $what }
mail-digest-subject = Accord：您今日的通知（{ $count }）
mail-digest-intro = 自上次摘要以來，您的案件中發生了以下事項：
mail-case = 案件 { $reference }
mail-your-turn = 該案件現正等待您採取行動。
mail-open = 在 Accord 中開啟
mail-no-content = 本郵件不包含任何案件內容。請登入查閱。
mail-why = 您收到本郵件，是因為您參與此案件。
mail-preferences = 您的通知及通知方式

inbox-title = 通知
inbox-nav = 通知
inbox-nav-unread = 通知（{ $count } 則未讀）
inbox-empty = 尚無通知。您的案件有任何動態時，將在此處通知您。
inbox-unread = 未讀
inbox-your-turn = 輪到您
inbox-mark-read = 標記為已讀
inbox-mark-all-read = 全部標記為已讀
inbox-marked = 已標記為已讀。
inbox-open = 開啟
inbox-case = 案件 { $reference }
inbox-earlier = 較早的通知
inbox-latest = 最新通知
inbox-mail-failed = 該電子郵件未能送達。

prefs-title = 通知方式
prefs-intro = 登入後，所有事項均列於「通知」之下。您也可以透過電子郵件接收通知；郵件只說明發生了甚麼以及在何處發生，絕不包含所寫內容。
prefs-email = 電子郵件地址
prefs-email-hint = 留空則僅在 Accord 中接收通知。
prefs-mode = 電子郵件
prefs-mode-immediate = 每則通知即時發送
prefs-mode-digest = 每天一份摘要，於您所在時區的 08:00 發送
prefs-mode-off = 不發送電子郵件（規則要求的正式通知仍會發送）
prefs-save = 儲存
prefs-saved = 您的通知設定已儲存。
prefs-mail-disabled = 本服務目前不發送電子郵件：您只能在「通知」之下接收通知。

mail-failures-title = 未送達的電子郵件
mail-failures-empty = 所有電子郵件均已送達。
mail-failures-user = 收件人
mail-failures-case = 案件
mail-failures-error = 郵件伺服器的回覆
mail-failures-attempts = 嘗試次數
mail-failures-when = 放棄時間

error-invalid-notification-email = 電子郵件地址不符合 name@example.org 的格式。請更正，或留空以僅在 Accord 中接收通知。
error-invalid-notification-ids = 一次標記的通知過多；每次最多標記 500 則。
