# 網頁介面（crates/web）。

## 通用
web-skip = 跳至正文
web-rehearsal-clock = 演練伺服器：時鐘由營運方設定，目前為 { $now }。此處的任何操作都不是真實程序。
web-language = 語言
web-institution = 機構管理的調解

## 公開核驗頁面
verify-title = 核驗文件
verify-intro = 核驗某一文件是否為本機構出具證明的和解協議或證明書。本頁不顯示案件的任何其他資訊。
verify-id = 核驗編號
verify-id-hint = 印於證明書上，例如 0A1B2C3D-4E5F6071-8293A4B5-C6D7E8F9。
verify-hash = 文件的 SHA-256 值
verify-hash-hint = 64 位十六進位數字。協議的 SHA-256 值印於協議每頁頁尾；如為執行文件包中的檔案，可使用 sha256sum 等工具計算。
verify-submit = 核驗
verify-match = 相符：此文件為{ $document ->
    [attestation] 證明書
   *[settlement-agreement] 和解協議
}，係以此核驗編號於 { $date } 出具證明的文件。
verify-no-match = 不相符：所輸入的值不屬於以此核驗編號出具證明的任何文件。請逐字核對兩項輸入。
verify-error-id = 請輸入核驗編號。
verify-error-hash = 請輸入由 64 位十六進位數字（0–9、a–f）組成的 SHA-256 值。
verify-result = 結果
