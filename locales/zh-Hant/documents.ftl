# Accord 產生的 PDF 文件（crates/documents）。參數已預先格式化。

## 標題
doc-title-settlement-agreement = 和解協議
doc-title-acknowledgement = 調解申請確認書
doc-title-invitation = 調解邀請書
doc-title-notice-of-registration = 立案通知書
doc-title-declaration-of-independence = 調解員獨立性與公正性聲明
doc-title-certificate-of-mediation = 調解員調解證明書
doc-title-attestation = 管理機構證明書
doc-title-case-file-index = 案卷索引
doc-title-termination-record = 調解終止記錄

## 標籤
doc-reference = 案件編號
doc-date = 日期
doc-parties = 當事方
doc-signatures = 簽署
doc-signed = 電子簽署於
doc-page = 頁
doc-hash = 內容的 SHA-256 值
doc-steps = 程序步驟

## 申請確認書
doc-acknowledgement-p1 = 秘書處確認已於 { $received } 收到 { $requesting } 提交的調解申請，該申請涉及與 { $respondents } 之間的爭議。
doc-acknowledgement-p2 = 該申請的案件編號為 { $reference }。秘書處將審查其範圍和完整性；本確認書並不表示調解程序已經開始。

## 調解邀請書
doc-invitation-p1 = { $requesting } 已請求依照本機構管理的規則，對題為「{ $title }」的爭議進行調解。
doc-invitation-p2 = 本邀請書致：{ $invited }。請各受邀請方於 { $due } 之前說明是否同意參加調解。如屆時未收到答覆，該邀請可被視為已被拒絕。

## 立案通知書
doc-notice-of-registration-p1 = { $parties } 之間的調解申請已立案，案件編號為 { $reference }。
doc-notice-of-registration-p2 = 調解程序於 { $commenced } 開始。當事方接下來將依照適用規則商定調解員人數及其指定。

## 調解員聲明
doc-declaration-of-independence-p1 = { $mediator } 於 { $accepted } 接受指定，擔任案件 { $reference } 的調解員，並聲明其獨立於各當事方且對各當事方保持公正，能夠盡職地進行調解，並承擔保密義務。
doc-declaration-of-independence-p2 = { $disclosed ->
    [none] 調解員未披露任何可能對其獨立性或公正性產生懷疑的情況。
   *[some] 調解員披露了以下情況：
}

## 調解員調解證明書
doc-certificate-of-mediation-p1 = { $mediator } 以調解員身分證明：案件 { $reference } 中 { $parties } 之間的調解在本機構管理下進行，自 { $commenced } 開始，至 { $terminated } 終止。
doc-certificate-of-mediation-p2 = 最終文本 SHA-256 值為 { $text_hash } 的和解協議產生於本次調解，並已由各當事方簽署。
doc-certificate-of-mediation-p3 = 調解員於 { $signed_at } 以電子簽名作出本聲明，所用密鑰為 { $public_key }；經簽署的聲明包含在執行文件包中。

## 管理機構證明書
doc-attestation-p1 = 管理機構證明：最終文本 SHA-256 值為 { $text_hash } 的和解協議產生於本機構管理的案件 { $reference } 中 { $parties } 之間的調解，調解員為 { $mediators }；該協議已由各當事方簽署並經調解員副署。
doc-attestation-p2 = 核驗編號：{ $verification_id }。持有該協議或本證明書的任何人均可在 { $verify_url } 以此編號進行核驗。
doc-attestation-p3 = 本證明書於 { $issued } 出具，並以本機構的 Ed25519 密鑰 { $institution_key } 加蓋電子印章。

## 調解終止記錄
doc-termination-record-p1 = 案件 { $reference } 中 { $parties } 之間的調解於 { $effective } 終止。
doc-termination-record-p2 = 終止理由：{ $ground ->
    [settled] 各當事方簽署了和解協議。
    [partially-settled] 各方就部分爭議簽署了和解協議。以下問題仍未解決：{ $unsettled_issues }。
    [mediator-declaration] 調解員宣布繼續調解已無必要。
    [joint-declaration] 各當事方共同宣布終止調解。
    [party-withdrawal] 一方當事方退出調解。
    [nonpayment] 預付款未獲繳納。
    [no-appointment] 在規定期限內未採取任何指定調解員的步驟。
   *[time-limit-expired] 約定的調解期限已屆滿。
}
doc-termination-record-p3 = 依照適用規則及當事方的任何約定，調解中交換的資訊仍須保密；本記錄僅載明程序事實。
doc-step = { $step ->
    [filed] 收到調解申請
    [registered] 調解開始（立案）
    [appointed] 指定調解員
    [first-session] 舉行首次會議
    [settlement-signed] 各當事方簽署和解協議
    [countersigned] 調解員副署和解協議
   *[terminated] 調解終止
}

## Settlement agreement (D20): recital, structured terms, language versions
doc-agreement-recital = 本和解協議產生於本機構在案件 { $reference } 中管理的調解。
doc-agreement-terms = 條款
doc-agreement-obligation = { $party }：{ $description }
doc-agreement-amount = 金額：{ $amount } { $currency }
doc-agreement-due = 履行期限：{ $due }
doc-agreement-governing-law = 適用法律：{ $governing_law }
doc-agreement-disputes = 因本協議產生的爭議：{ $dispute_clause }
doc-agreement-confidentiality = 保密：{ $confidentiality }
doc-agreement-permitted = 允許的披露：{ $permitted_disclosure }
doc-agreement-clauses = 其他條款
doc-agreement-settled-issues = 本協議解決的問題：{ $issues }。
doc-agreement-unsettled-issues = 以下問題未由本協議解決，仍存在爭議：{ $issues }。
doc-agreement-singapore = 各當事方同意《聯合國關於調解所產生的國際和解協議公約》（《新加坡調解公約》）適用於本和解協議。
doc-agreement-outside-convention = 《新加坡調解公約》不適用於本和解協議：{ $outside_convention }。
doc-agreement-languages = 本協議以下列語文文本訂立：{ $languages }。各文本之間如有分歧，以下列語文文本為準：{ $authoritative }。
doc-agreement-languages-equal = 本協議以下列語文文本訂立：{ $languages }，各文本同等作準。

## Language names
language-en = 英文
language-zh-Hans = 中文（簡體）
language-zh-Hant = 中文（繁體）
language-fr = 法文
language-ar = 阿拉伯文
language-ru = 俄文
language-es = 西班牙文

## Index of a case-file export
doc-case-file-index-p1 = 案件 { $reference } 的案卷，於 { $generated } 為使用者 { $user } 產生。
doc-case-file-index-p2 = { $purpose ->
    [other-proceedings] 供其他程序使用：不含無損權益材料、單方會談內容、調解員筆記及內部工作區。
   *[case-file] 請求使用者在本案中可查閱的全部內容。
}
doc-contents = 目錄
