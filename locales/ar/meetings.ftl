# Sessions and scheduling (docs/NOTIFICATIONS.md): joint sessions and private sessions (caucuses),
# the scheduling poll, calendar invitations and each user's private calendar address.

notice-meeting-proposed = اقتُرحت جلسة: بيِّن الأوقات التي تناسبك
notice-meeting-answered = ردّ أحد المدعوين على استطلاع تحديد الموعد
notice-meeting-confirmed = تأكّد موعد جلسة (دعوة التقويم مرفقة)
notice-meeting-rescheduled = نُقلت جلسة إلى موعد آخر
notice-meeting-cancelled = أُلغيت جلسة

calendar-joint = الجلسة المشتركة — { $reference }
calendar-caucus = جلسة منفردة مع الوسيط — { $reference }
calendar-caucus-mediator = جلسة منفردة مع أحد الأطراف — { $reference }
calendar-deadline = المهلة: { $what } — { $reference }

meetings-title = الجلسات وتحديد المواعيد
meetings-intro = يقترح الوسيط أو الوسيطة أوقاتًا لجلسة مشتركة أو لجلسة منفردة؛ ويبيّن كل مدعو الأوقات التي تناسبه، ثم يؤكد الوسيط أو الوسيطة أحدها. وتُعرض الأوقات بمنطقتك الزمنية ({ $zone })، ويظهر بجانبها التوقيت المحلي لكل مشارك.
meetings-none = لم تُقترح أي جلسة بعد.
meetings-link = الجلسات وتحديد المواعيد
meeting-joint = جلسة مشتركة
meeting-caucus = جلسة منفردة مع الوسيط
meeting-caucus-with = جلسة منفردة مع { $party }
meeting-status-polling = أوقات مقترحة: في انتظار الردود
meeting-status-confirmed = مؤكَّدة
meeting-status-cancelled = ملغاة
meeting-agenda = جدول الأعمال
meeting-place = المكان
meeting-video = قاعة الاتصال المرئي
meeting-interpreters = المترجمون الشفويون
meeting-duration = المدة
meeting-minutes = { $n } دقيقة
meeting-time = الوقت بمنطقتك الزمنية
meeting-others = التوقيت المحلي للآخرين
meeting-answers = الردود
meeting-yes = نعم
meeting-if-need-be = عند الضرورة
meeting-no = لا
meeting-no-answer = لم يُرَدّ بعد
meeting-your-answer = ردّك
meeting-answer-save = إرسال ردودي
meeting-confirm = تأكيد هذا الموعد
meeting-confirm-choose = الموعد المراد تأكيده
meeting-confirmed-for = الموعد المؤكَّد: { $when }
meeting-invitation = إضافة إلى تقويمي (.ics)
meeting-move = نقل إلى موعد آخر
meeting-move-new = الموعد الجديد بمنطقتك الزمنية
meeting-cancel = إلغاء هذه الجلسة
meeting-cancel-sure = أؤكد إلغاء هذه الجلسة وإبلاغ جميع المدعوين بذلك
meeting-propose = اقتراح جلسة
meeting-kind = نوع الجلسة
meeting-candidates = الأوقات المقترحة، بمنطقتك الزمنية ({ $zone })
meeting-candidate = الوقت المقترح { $n }
meeting-video-room = عقدها عبر الاتصال المرئي (تُنشأ قاعة باسم يتعذر تخمينه)
meeting-propose-save = اقتراح هذه الأوقات
done-meeting-proposed = اقتُرحت الجلسة؛ وأُبلغ جميع المدعوين.
done-meeting-answered = حُفظت ردودك.
done-meeting-confirmed = تأكّد موعد الجلسة؛ ويتلقى جميع المدعوين الدعوة.
done-meeting-rescheduled = نُقلت الجلسة إلى موعد آخر؛ وأُبلغ جميع المدعوين.
done-meeting-cancelled = أُلغيت الجلسة؛ وأُبلغ جميع المدعوين.

calendar-feed-title = تقويمك
calendar-feed-intro = اشترك في عنوان تقويمك الخاص لترى جلساتك المؤكَّدة ومهلك في تقويمك. ويستطيع كل من لديه هذا العنوان الاطلاع على التقويم: فاحتفظ به لنفسك، واستبدله أو ألغه من هنا.
calendar-feed-create = إنشاء عنوان تقويمي
calendar-feed-replace = استبدال عنوان تقويمي (يتوقف العنوان القديم عن العمل)
calendar-feed-revoke = إلغاء عنوان تقويمي
calendar-feed-on = لديك عنوان تقويم. ولا يُعرض إلا مرة واحدة، عند إنشائه.
calendar-feed-new = عنوان تقويمك (انسخه الآن: لن يُعرض مرة أخرى):
calendar-feed-revoked = أُلغي عنوان تقويمك.

error-invalid-meeting = تعذّر اقتراح الجلسة على النحو المقدَّم: تحقق من أوقاتها (من 1 إلى 10، في المستقبل)، ومدتها (من 15 إلى 480 دقيقة)، وجدول أعمالها.
error-invalid-meeting-answer = أجب عن كل وقت مقترح، بالترتيب.
error-meeting-not-polling = سبق تحديد موعد هذه الجلسة، أو أُلغيت الجلسة.
error-meeting-not-found = لا توجد هذه الجلسة في هذه القضية.
