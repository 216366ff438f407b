# 网页界面（crates/web）。

## 通用
web-skip = 跳至正文
web-rehearsal-clock = 演练服务器：时钟由运营方设定，当前为 { $now }。此处的任何操作都不是真实程序。
web-language = 语言
web-institution = 机构管理的调解

## 公开核验页面
verify-title = 核验文件
verify-intro = 核验某一文件是否为本机构出具证明的和解协议或证明书。本页不显示案件的任何其他信息。
verify-id = 核验编号
verify-id-hint = 印于证明书上，例如 0A1B2C3D-4E5F6071-8293A4B5-C6D7E8F9。
verify-hash = 文件的 SHA-256 值
verify-hash-hint = 64 位十六进制数字。协议的 SHA-256 值印于协议每页页脚；如为执行文件包中的文件，可使用 sha256sum 等工具计算。
verify-submit = 核验
verify-match = 相符：此文件为{ $document ->
    [attestation] 证明书
   *[settlement-agreement] 和解协议
}，系以此核验编号于 { $date } 出具证明的文件。
verify-no-match = 不相符：所输入的值不属于以此核验编号出具证明的任何文件。请逐字核对两项输入。
verify-error-id = 请输入核验编号。
verify-error-hash = 请输入由 64 位十六进制数字（0–9、a–f）组成的 SHA-256 值。
verify-result = 结果
