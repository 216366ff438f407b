# Accord 生成的 PDF 文件（crates/documents）。参数已预先格式化。

## 标题
doc-title-settlement-agreement = 和解协议
doc-title-acknowledgement = 调解申请确认书
doc-title-invitation = 调解邀请书
doc-title-notice-of-registration = 立案通知书
doc-title-declaration-of-independence = 调解员独立性与公正性声明
doc-title-certificate-of-mediation = 调解员调解证明书
doc-title-attestation = 管理机构证明书
doc-title-case-file-index = 案卷索引
doc-title-termination-record = 调解终止记录

## 标签
doc-reference = 案件编号
doc-date = 日期
doc-parties = 当事方
doc-signatures = 签署
doc-signed = 电子签署于
doc-page = 页
doc-hash = 内容的 SHA-256 值
doc-steps = 程序步骤

## 申请确认书
doc-acknowledgement-p1 = 秘书处确认已于 { $received } 收到 { $requesting } 提交的调解申请，该申请涉及与 { $respondents } 之间的争议。
doc-acknowledgement-p2 = 该申请的案件编号为 { $reference }。秘书处将审查其范围和完整性；本确认书并不表示调解程序已经开始。

## 调解邀请书
doc-invitation-p1 = { $requesting } 已请求依照本机构管理的规则，对题为“{ $title }”的争议进行调解。
doc-invitation-p2 = 本邀请书致：{ $invited }。请各受邀请方于 { $due } 之前说明是否同意参加调解。如届时未收到答复，该邀请可被视为已被拒绝。

## 立案通知书
doc-notice-of-registration-p1 = { $parties } 之间的调解申请已立案，案件编号为 { $reference }。
doc-notice-of-registration-p2 = 调解程序于 { $commenced } 开始。当事方接下来将依照适用规则商定调解员人数及其指定。

## 调解员声明
doc-declaration-of-independence-p1 = { $mediator } 于 { $accepted } 接受指定，担任案件 { $reference } 的调解员，并声明其独立于各当事方且对各当事方保持公正，能够尽职地进行调解，并承担保密义务。
doc-declaration-of-independence-p2 = { $disclosed ->
    [none] 调解员未披露任何可能对其独立性或公正性产生怀疑的情况。
   *[some] 调解员披露了以下情况：
}

## 调解员调解证明书
doc-certificate-of-mediation-p1 = { $mediator } 以调解员身份证明：案件 { $reference } 中 { $parties } 之间的调解在本机构管理下进行，自 { $commenced } 开始，至 { $terminated } 终止。
doc-certificate-of-mediation-p2 = 最终文本 SHA-256 值为 { $text_hash } 的和解协议产生于本次调解，并已由各当事方签署。
doc-certificate-of-mediation-p3 = 调解员于 { $signed_at } 以电子签名作出本声明，所用密钥为 { $public_key }；经签署的声明包含在执行文件包中。

## 管理机构证明书
doc-attestation-p1 = 管理机构证明：最终文本 SHA-256 值为 { $text_hash } 的和解协议产生于本机构管理的案件 { $reference } 中 { $parties } 之间的调解，调解员为 { $mediators }；该协议已由各当事方签署并经调解员副署。
doc-attestation-p2 = 核验编号：{ $verification_id }。持有该协议或本证明书的任何人均可在 { $verify_url } 以此编号进行核验。
doc-attestation-p3 = 本证明书于 { $issued } 出具，并以本机构的 Ed25519 密钥 { $institution_key } 加盖电子印章。

## 调解终止记录
doc-termination-record-p1 = 案件 { $reference } 中 { $parties } 之间的调解于 { $effective } 终止。
doc-termination-record-p2 = 终止理由：{ $ground ->
    [settled] 各当事方签署了和解协议。
    [partially-settled] 各方就部分争议签署了和解协议。以下问题仍未解决：{ $unsettled_issues }。
    [mediator-declaration] 调解员宣布继续调解已无必要。
    [joint-declaration] 各当事方共同宣布终止调解。
    [party-withdrawal] 一方当事方退出调解。
    [nonpayment] 预付款未获缴纳。
    [no-appointment] 在规定期限内未采取任何指定调解员的步骤。
   *[time-limit-expired] 约定的调解期限已届满。
}
doc-termination-record-p3 = 依照适用规则及当事方的任何约定，调解中交换的信息仍须保密；本记录仅载明程序事实。
doc-step = { $step ->
    [filed] 收到调解申请
    [registered] 调解开始（立案）
    [appointed] 指定调解员
    [first-session] 举行首次会议
    [settlement-signed] 各当事方签署和解协议
    [countersigned] 调解员副署和解协议
   *[terminated] 调解终止
}

## Settlement agreement (D20): recital, structured terms, language versions
doc-agreement-recital = 本和解协议产生于本机构在案件 { $reference } 中管理的调解。
doc-agreement-terms = 条款
doc-agreement-obligation = { $party }：{ $description }
doc-agreement-amount = 金额：{ $amount } { $currency }
doc-agreement-due = 履行期限：{ $due }
doc-agreement-governing-law = 适用法律：{ $governing_law }
doc-agreement-disputes = 因本协议产生的争议：{ $dispute_clause }
doc-agreement-confidentiality = 保密：{ $confidentiality }
doc-agreement-permitted = 允许的披露：{ $permitted_disclosure }
doc-agreement-clauses = 其他条款
doc-agreement-settled-issues = 本协议解决的问题：{ $issues }。
doc-agreement-unsettled-issues = 以下问题未由本协议解决，仍存在争议：{ $issues }。
doc-agreement-singapore = 各当事方同意《联合国关于调解所产生的国际和解协议公约》（《新加坡调解公约》）适用于本和解协议。
doc-agreement-outside-convention = 《新加坡调解公约》不适用于本和解协议：{ $outside_convention }。
doc-agreement-languages = 本协议以下列语文文本订立：{ $languages }。各文本之间如有分歧，以下列语文文本为准：{ $authoritative }。
doc-agreement-languages-equal = 本协议以下列语文文本订立：{ $languages }，各文本同等作准。

## Language names
language-en = 英文
language-zh-Hans = 中文（简体）
language-zh-Hant = 中文（繁体）
language-fr = 法文
language-ar = 阿拉伯文
language-ru = 俄文
language-es = 西班牙文

## Index of a case-file export
doc-case-file-index-p1 = 案件 { $reference } 的案卷，于 { $generated } 为用户 { $user } 生成。
doc-case-file-index-p2 = { $purpose ->
    [other-proceedings] 供其他程序使用：不含无损权益材料、单方会谈内容、调解员笔记及内部工作区。
   *[case-file] 请求用户在本案中可查阅的全部内容。
}
doc-contents = 目录
