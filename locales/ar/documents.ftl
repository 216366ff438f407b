# المستندات التي يصدرها Accord بصيغة PDF (crates/documents). تصل المعطيات منسقة مسبقا.

## العناوين
doc-title-settlement-agreement = اتفاق التسوية
doc-title-acknowledgement = إشعار باستلام طلب الوساطة
doc-title-invitation = دعوة إلى الوساطة
doc-title-notice-of-registration = إشعار بالتسجيل
doc-title-declaration-of-independence = إقرار الوسيط أو الوسيطة بالاستقلال والحياد
doc-title-certificate-of-mediation = شهادة الوسيط أو الوسيطة بإجراء الوساطة
doc-title-attestation = شهادة المؤسسة المديرة
doc-title-case-file-index = فهرس ملف القضية
doc-title-termination-record = محضر إنهاء الوساطة

## التسميات
doc-reference = رقم القضية
doc-date = التاريخ
doc-parties = الأطراف
doc-signatures = التوقيعات
doc-signed = وقع إلكترونيا في
doc-page = صفحة
doc-hash = بصمة SHA-256 للمحتوى
doc-steps = الخطوات الإجرائية

## الإشعار بالاستلام
doc-acknowledgement-p1 = تقر الأمانة باستلامها، في { $received }، طلب الوساطة المقدم من { $requesting } بشأن نزاع مع { $respondents }.
doc-acknowledgement-p2 = يحمل الطلب رقم القضية { $reference }. وسينظر الآن في نطاقه واكتماله؛ ولا يعني هذا الإشعار أن الوساطة قد بدأت.

## الدعوة
doc-invitation-p1 = طلب { $requesting } الوساطة في النزاع المعنون «{ $title }» وفق القواعد التي تديرها المؤسسة.
doc-invitation-p2 = توجه هذه الدعوة إلى: { $invited }. ويرجى من كل طرف مدعو أن يبين، في موعد أقصاه { $due }، ما إذا كان يوافق على المشاركة في الوساطة. وإذا لم يرد جواب بحلول ذلك التاريخ، جاز اعتبار الدعوة مرفوضة.

## الإشعار بالتسجيل
doc-notice-of-registration-p1 = سجل طلب الوساطة بين { $parties } تحت رقم القضية { $reference }.
doc-notice-of-registration-p2 = بدأت الوساطة في { $commenced }. وسيتفق الأطراف بعد ذلك على عدد الوسطاء وتعيينهم وفق القواعد المنطبقة.

## إقرار الوسيط
doc-declaration-of-independence-p1 = جرى في { $accepted } قبول { $mediator } التعيين للقيام بالوساطة في القضية { $reference }، ويتضمن هذا الإقرار تأكيد الاستقلال عن الأطراف والحياد تجاههم، والتفرغ لإدارة الوساطة بالعناية الواجبة، والالتزام بالحفاظ على سريتها.
doc-declaration-of-independence-p2 = { $disclosed ->
    [none] لم يُفصَح عن أي ظروف من شأنها أن تثير شكوكًا حول الاستقلال أو الحياد في أداء مهمة الوساطة.
   *[some] جرى الإفصاح عن الظروف التالية:
}

## شهادة الوسيط
doc-certificate-of-mediation-p1 = شهادة صادرة عن { $mediator } في إطار مهمة الوساطة في القضية { $reference }، تُثبت أن الوساطة بين { $parties } قد أجريت تحت إدارة المؤسسة، منذ بدئها في { $commenced } حتى إنهائها في { $terminated }.
doc-certificate-of-mediation-p2 = نتج عن هذه الوساطة اتفاق التسوية الذي بصمة SHA-256 لنصه النهائي هي { $text_hash }، ووقعه الأطراف.
doc-certificate-of-mediation-p3 = صدر هذا البيان عن الوسيط أو الوسيطة بتوقيع إلكتروني في { $signed_at } باستخدام المفتاح { $public_key }؛ والبيان الموقَّع جزء من ملف التنفيذ.

## شهادة المؤسسة
doc-attestation-p1 = تشهد المؤسسة المديرة بأن اتفاق التسوية الذي بصمة SHA-256 لنصه النهائي هي { $text_hash } قد نتج عن الوساطة التي أدارتها في القضية { $reference } بين { $parties }، والتي أُجريت على يد { $mediators }، وأنه وُقِّع من الأطراف ووُقِّع توقيعًا مقابلًا من الوسيط أو الوسيطة.
doc-attestation-p2 = رقم التحقق: { $verification_id }. يمكن لكل من يحوز الاتفاق أو هذه الشهادة التحقق منهما بهذا الرقم على العنوان { $verify_url }.
doc-attestation-p3 = صدرت هذه الشهادة في { $issued } وختمت بمفتاح Ed25519 الخاص بالمؤسسة { $institution_key }.

## محضر الإنهاء
doc-termination-record-p1 = انتهت الوساطة في القضية { $reference } بين { $parties } في { $effective }.
doc-termination-record-p2 = سبب الإنهاء: { $ground ->
    [settled] وقع الأطراف اتفاق تسوية.
    [partially-settled] وقّع الأطراف اتفاق تسوية بشأن جزء من النزاع. وتبقى المسائل التالية دون تسوية: { $unsettled_issues }.
    [mediator-declaration] صدر إعلان من الوسيط أو الوسيطة بأن بذل مزيد من جهود الوساطة لم يعد مبررًا.
    [joint-declaration] أعلن الأطراف معًا إنهاء الوساطة.
    [party-withdrawal] انسحب أحد الأطراف من الوساطة.
    [nonpayment] ظلت دفعة مقدمة غير مسددة.
    [no-appointment] لم تُتخذ أي خطوة لتعيين وسيط أو وسيطة خلال المدة المقررة.
   *[time-limit-expired] انقضت المدة المتفق عليها للوساطة.
}
doc-termination-record-p3 = تظل المعلومات المتبادلة في الوساطة سرية وفق القواعد المنطبقة وأي اتفاق بين الأطراف؛ ولا يتضمن هذا المحضر سوى وقائع إجرائية.
doc-step = { $step ->
    [filed] استلام طلب الوساطة
    [registered] بدء الوساطة (التسجيل)
    [appointed] تعيين الوسيط أو الوسيطة
    [first-session] عقد الجلسة الأولى
    [settlement-signed] توقيع الأطراف على اتفاق التسوية
    [countersigned] التوقيع المقابل على اتفاق التسوية من الوسيط أو الوسيطة
   *[terminated] إنهاء الوساطة
}

## Settlement agreement (D20): recital, structured terms, language versions
doc-agreement-recital = نتج اتفاق التسوية هذا عن الوساطة التي أدارتها المؤسسة في القضية { $reference }.
doc-agreement-terms = الشروط
doc-agreement-obligation = { $party }: { $description }
doc-agreement-amount = المبلغ: { $amount } { $currency }
doc-agreement-due = موعد الاستحقاق: { $due }
doc-agreement-governing-law = القانون الواجب التطبيق: { $governing_law }
doc-agreement-disputes = المنازعات المتعلقة بهذا الاتفاق: { $dispute_clause }
doc-agreement-confidentiality = السرية: { $confidentiality }
doc-agreement-permitted = الإفصاح المسموح به: { $permitted_disclosure }
doc-agreement-clauses = بنود أخرى
doc-agreement-settled-issues = المسائل التي يسويها هذا الاتفاق: { $issues }.
doc-agreement-unsettled-issues = لا يسوي هذا الاتفاق المسائل التالية وتبقى محل نزاع: { $issues }.
doc-agreement-singapore = يتفق الأطراف على أن اتفاقية الأمم المتحدة بشأن اتفاقات التسوية الدولية المنبثقة من الوساطة (اتفاقية سنغافورة بشأن الوساطة) تنطبق على اتفاق التسوية هذا.
doc-agreement-outside-convention = لا تنطبق اتفاقية سنغافورة بشأن الوساطة على اتفاق التسوية هذا: { $outside_convention }.
doc-agreement-languages = حُرّر هذا الاتفاق بالصيغ اللغوية التالية: { $languages }. وفي حال وجود تباين بينها، تكون الغلبة للصيغة المحررة باللغة التالية: { $authoritative }.
doc-agreement-languages-equal = حُرّر هذا الاتفاق بالصيغ اللغوية التالية: { $languages }، ولكل نص منها الحجية ذاتها.

## Language names
language-en = الإنكليزية
language-zh-Hans = الصينية (المبسطة)
language-zh-Hant = الصينية (التقليدية)
language-fr = الفرنسية
language-ar = العربية
language-ru = الروسية
language-es = الإسبانية

## Index of a case-file export
doc-case-file-index-p1 = ملف القضية { $reference }، أعد في { $generated } للمستخدم { $user }.
doc-case-file-index-p2 = { $purpose ->
    [other-proceedings] لإجراءات أخرى: حُذفت المواد المقدمة دون مساس بالمواقف ومواد الجلسات المنفردة وملاحظات الوسيط أو الوسيطة ومساحات العمل الداخلية.
   *[case-file] كل ما يمكن للمستخدم الطالب الاطلاع عليه في هذه القضية.
}
doc-contents = المحتويات
