# Notices, the inbox, e-mail and notification preferences (docs/NOTIFICATIONS.md). A notice never
# carries content: what kind of thing happened, in which case, and where to read it.

notice-message-plenary = رسالة جديدة في الجلسة المشتركة
notice-message-caucus = رسالة جديدة في جلستك المنفردة مع الوسيط
notice-message-caucus-mediator = رسالة جديدة في جلسة منفردة مع أحد الأطراف
notice-message-internal = رسالة جديدة في مساحة العمل الداخلية لطرفك
notice-message-notes = قيد جديد في ملاحظات الوسيط
notice-message-administrative = رسالة جديدة في قناة المسائل الإدارية
notice-document-plenary = وثيقة جديدة في الجلسة المشتركة
notice-document-caucus = وثيقة جديدة في جلستك المنفردة مع الوسيط
notice-document-caucus-mediator = وثيقة جديدة في جلسة منفردة مع أحد الأطراف
notice-document-internal = وثيقة جديدة في مساحة العمل الداخلية لطرفك
notice-document-notes = وثيقة جديدة في ملاحظات الوسيط
notice-document-administrative = وثيقة جديدة في قناة المسائل الإدارية
notice-reminder = تذكير: { $what } — تنقضي المهلة في { $due }

mail-subject = القضية { $reference }: { $what }
mail-digest-subject = Accord: إشعاراتك لهذا اليوم ({ $count })
mail-digest-intro = ما استجد في قضاياك منذ الملخص الأخير:
mail-case = القضية { $reference }
mail-your-turn = القضية الآن في انتظار إجراء منك.
mail-open = فتح في Accord
mail-no-content = لا تتضمن هذه الرسالة الإلكترونية أي محتوى من القضية. سجّل الدخول للاطلاع عليه.
mail-why = تصلك هذه الرسالة لأنك مشارك في هذه القضية.
mail-preferences = إشعاراتك وطريقة إبلاغك بها

inbox-title = الإشعارات
inbox-nav = الإشعارات
inbox-nav-unread = الإشعارات ({ $count } غير مقروءة)
inbox-empty = لا توجد إشعارات بعد. ستُبلَّغ هنا عندما يستجد أمر في قضاياك.
inbox-unread = غير مقروءة
inbox-your-turn = دورك
inbox-mark-read = تعليم كمقروء
inbox-mark-all-read = تعليم الكل كمقروء
inbox-marked = تم التعليم كمقروء.
inbox-open = فتح
inbox-case = القضية { $reference }
inbox-earlier = إشعارات سابقة
inbox-latest = أحدث الإشعارات
inbox-mail-failed = تعذّر تسليم الرسالة الإلكترونية.

prefs-title = طريقة إبلاغك
prefs-intro = يُدرَج كل شيء تحت «الإشعارات» عند تسجيل دخولك. ويجوز أيضًا إبلاغك بالبريد الإلكتروني؛ وتذكر الرسائل ما حدث وأين، ولا تذكر أبدًا ما كُتب.
prefs-email = عنوان البريد الإلكتروني
prefs-email-hint = اتركه فارغًا لتتلقى الإشعارات في Accord فقط.
prefs-mode = البريد الإلكتروني
prefs-mode-immediate = كل إشعار فور حدوثه
prefs-mode-digest = ملخص واحد يوميًا، في الساعة 08:00 بمنطقتك الزمنية
prefs-mode-off = لا رسائل بريد إلكتروني (مع استمرار إرسال الإخطارات الرسمية التي تقتضيها القواعد)
prefs-save = حفظ
prefs-saved = حُفظت إعدادات الإشعارات الخاصة بك.
prefs-mail-disabled = لا ترسل هذه الخدمة رسائل بريد إلكتروني حاليًا: لا تُعرض الإشعارات إلا تحت «الإشعارات».

mail-failures-title = رسائل بريد إلكتروني لم تُسلَّم
mail-failures-empty = سُلِّمت جميع رسائل البريد الإلكتروني.
mail-failures-user = المرسَل إليه
mail-failures-case = القضية
mail-failures-error = رد خادم البريد
mail-failures-attempts = المحاولات
mail-failures-when = تاريخ التوقف عن المحاولة

error-invalid-notification-email = عنوان البريد الإلكتروني ليس على النحو name@example.org. صحّحه، أو اتركه فارغًا لتتلقى الإشعارات في Accord فقط.
error-invalid-notification-ids = عُلِّم عدد كبير جدًا من الإشعارات دفعة واحدة؛ علِّم 500 إشعار على الأكثر في كل مرة.
