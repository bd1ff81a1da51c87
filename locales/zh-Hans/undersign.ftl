# undersign：网站的文字，简体中文。
# 此译文有待母语者审校。

## 语言：用它自己的文字写的名称，以及书写方向（ltr 或 rtl）。

language-name = 简体中文
language-direction = ltr

# The shipped languages named as a sentence of this language names them.
language-name-of-en = 英语
language-name-of-es = 西班牙语
language-name-of-fa = 波斯语
language-name-of-ru = 俄语
language-name-of-zh-Hans = 简体中文

## 拒绝与错误。

not-found-heading = 找不到页面
not-found = 此地址没有页面。
method-heading = 此处不可行
method = 此地址不接受这种请求。
bad-page-number-heading = 页码有误
bad-page-number = 页码必须是不小于 1 的整数。
no-such-page-heading = 没有这一页
no-such-page = 此列表没有这么多页。
search-too-long-heading = 搜索内容过长
search-too-long = 搜索内容请勿超过 100 个字符。
scan-failed-heading = 暂时无法使用
scan-failed = 暂时无法读取此列表。请几分钟后再试。
busy-heading = 暂时繁忙
busy = 此刻有很多人在搜索或下载此列表。请几秒钟后再试。签名不受影响。
snapshot-not-ready-heading = 尚未签署
snapshot-not-ready = 列表的第一份签名快照仍在生成中。请一分钟后再试。
not-a-form-heading = 无法理解表单
not-a-form = 请从本网站的页面提交表单。
form-too-large-heading = 表单过大
form-too-large = 提交的表单超过 16 KiB。请缩短您输入的内容。
form-too-slow-heading = 表单过慢
form-too-slow = 表单传送耗时过长。请重新提交。
form-incomplete-heading = 表单不完整
form-incomplete = 表单未完整送达。请重新提交。
form-ambiguous-heading = 无法理解表单
form-repeated = 表单中同一字段出现了不止一次，因此无法确定其含义。请从本网站的页面提交表单。
form-not-text = 表单中含有不是文本的字节。请重新输入您的内容，并从本网站的页面提交表单。
bad-request-heading = 无法理解请求
no-host = 请求没有恰好一次说明它是发往哪个网站的。请在浏览器中打开本网站的地址。
bad-host = 请求以非地址的形式指明了网站。请在浏览器中打开本网站的地址。
bad-target = 所请求的地址含有不是文本的字节。请检查地址。
header-too-large-heading = 请求过大
header-too-large = 请求中有一行超过 8 KiB。请在浏览器中打开本网站的地址。
bad-framing = 请求同时以两种方式给出了长度，因此无法确定它在哪里结束。
bad-syntax = 该请求不是格式正确的 HTTP。请在浏览器中打开本站地址。
wrong-host = 此控制台只响应它自己的地址。请使用提供给你的地址打开它。
honeypot-heading = 表单未被接受
honeypot = 一个本应留空的字段被填写了。如果您使用自动填表工具，请清空该字段后重新提交表单。
token-forged-heading = 无法识别表单
token-forged = 此表单不是本网站提供的，或在途中被改动过。请使用下面的表单。
token-expired-heading = 表单已过期
token-expired = 此表单已超过一天。请用下面的新表单重新提交。
too-fast-heading = 太快了
too-fast = 表单返回的速度比人填写的速度还快。请等几秒钟后重新提交。
check-form-heading = 请检查表单
throttled-heading = 请稍候
throttled = 来自您的连接或总体上的签名过多。请等一分钟后重新提交表单。
token-used-heading = 此表单已用于签名
token-used = 此表单之前已提交，其签名已记录。如要为他人签名，请重新打开公开信以获取新表单。
duplicate-heading = 已经签过名
duplicate-organization = 名为“{ $name }”的组织已经签署了这封公开信。
duplicate-company = 名为“{ $name }”的公司已经签署了这封公开信。
duplicate-individual = 名为“{ $name }”的个人已经签署了这封公开信。
queue-full-heading = 请稍后再来
queue-full = 目前有很多签名在等待审核。请稍后重新提交表单。
paused-heading = 签名已暂停
paused = 组织者暂时暂停了签名。请稍后再来；您填写的内容保留在下方。
closed-heading = 公开信已关闭
closed = 这封公开信不再接受签名。
not-saved-heading = 未保存
not-saved = 您的签名暂时无法保存，因此未被记录。请几分钟后重新提交表单。
signing-stopped-heading = 签名不可用
signing-stopped = 目前无法记录签名，因此您的签名未被记录。组织者已收到通知；请稍后再来。
withdraw-code-missing = 请输入您的撤回码。
withdraw-code-unknown = 没有签名使用此撤回码。请检查是否有输入错误；已撤回的签名已不存在。
withdraw-failed-heading = 未完成
withdraw-failed = 暂时无法删除该签名。请几分钟后再试。
withdraw-stopped-heading = 撤回不可用
withdraw-stopped = 目前无法删除签名，因此您的签名仍在。组织者已收到通知；请稍后再来。
signed-out-heading = 已退出
signed-out = 您的会话已结束。请重新登录。
no-such-signature-heading = 没有此签名
no-such-signature = 它可能已被拒绝、删除或撤回。
bad-login = 用户名与口令不匹配。每次错误尝试都会让下一次等待更久。
sign-in-busy = 等待中的登录尝试过多，因此这一次未被检查。请等一分钟后再试。
console-unreadable = 暂时无法读取存储；服务器日志中有原因。请再试一次，如果问题持续，请参阅 README 中关于恢复存储的部分。
csrf-heading = 表单未被接受
csrf = 此表单不是来自您当前的会话。请返回、重新加载页面后再试。
not-done-heading = 未完成
choose-reason = 请选择拒绝的理由。
confirm-close = 如要永久关闭公开信，请勾选确认框。
select-one = 请至少选择一个签名。
unknown-action = 未知操作。
console-not-saved = 更改无法写入磁盘。没有任何改动；请再试一次。

## 签名表单的字段，以及字段可能出现的问题（接在字段名之后）。

label-name = 姓名
label-kind = 签名身份
label-affiliation = 职务、雇主或城市
label-country = 国家或地区
field-required = “{ $field }”为必填项。
field-no-letter = “{ $field }”必须至少包含一个字母或文字。
field-too-long = “{ $field }”过长：最多 { $max } 个字符。
field-too-many-marks = “{ $field }”中同一个字母上叠加了过多的变音符号。
field-unknown-kind = “{ $field }”：请选择个人、组织或公司。

## 签名者的类别。

kind-plural-organization = 组织
kind-plural-company = 公司
kind-plural-individual = 个人
kind-lower-organization = 组织
kind-lower-company = 公司
kind-lower-individual = 个人
kind-article-organization = 组织
kind-article-company = 公司
kind-article-individual = 个人
kind-singular-organization = 组织
kind-singular-company = 公司
kind-singular-individual = 个人
kind-count-organization = { $count } 个组织
kind-count-company = { $count } 家公司
kind-count-individual = { $count } 位个人
kind-all-organization = 全部 { $count } 个组织
kind-all-company = 全部 { $count } 家公司
kind-all-individual = 全部 { $count } 位个人
kinds-reviewed = { $kinds ->
    [organization] 组织的签名在发布前由审核员查看。
    [company] 公司的签名在发布前由审核员查看。
    [individual] 个人的签名在发布前由审核员查看。
    [organization-company] 组织和公司的签名在发布前由审核员查看。
    [organization-individual] 组织和个人的签名在发布前由审核员查看。
    [company-individual] 公司和个人的签名在发布前由审核员查看。
   *[organization-company-individual] 所有签名在发布前都由审核员查看。
}

## 所有页面。

skip-to-content = 跳到正文
verified-title = 已由组织者核实
nav-site = 网站
nav-languages = 语言
nav-pages = 页码
the-letter = 公开信
search-signatories = 搜索签名者
withdraw-a-signature = 撤回签名
privacy = 隐私
open-data = 开放数据：
back-to-letter = 返回公开信

## 公开信页面及其表单。

required = （必填）
optional = （选填）
show-my-name = 在公开名单中显示我的姓名。不勾选时，您的签名会被计数，但您的姓名永远不会被显示或导出。
honeypot-label = 此字段请留空
sign-the-letter = 签署公开信
counts-total = { $count ->
    [0] 尚无签名。
   *[other] { $count } 个签名
}
counts-join = ：{ $organization }，{ $company }，{ $individual }。
more-await-review = 另有 { $count } 个等待审核。
have-signed = { $count ->
    [0] 还没有人签名。成为第一个：签署公开信 ↓
   *[other] 已有 { $count } 人签名。签署公开信 ↓
}
review-note = 个人签名会立即列出。组织和公司在审核员核查后显示。
privacy-note = 我们不保存任何地址、浏览器信息或具体时间。
what-we-store = 我们保存什么
signing-paused = 签名已暂停
paused-notice = 组织者暂时暂停了签名。请稍后再来。
letter-closed = 这封公开信已关闭
closed-on = { $count ->
    [0] 这封信已于 { $day } 关闭，没有收到任何签名。
   *[other] 这封信已于 { $day } 关闭，最终签名数为 { $count }。
}
signatories = 签名者
find-a-name = 查找姓名
search = 搜索
translation-note = 这是译文。以{ $language }写成的原文为准。
read-the-original = 阅读原文
untranslated-note = 这封信尚未译成此语言。以下是{ $language }原文。

## 列表与搜索。

kind-title = { $kind }（{ $count }）
previous = ← 上一页
next = 下一页 →
page-of = 第 { $page } 页，共 { $pages } 页
type-part-of-name = 输入姓名的一部分。不区分大小写和变音符号。
no-match = 没有已发布的签名者与 { $query } 匹配。
found = 找到 { $count } 个。
found-more = 找到 { $count } 个以上。
browse = 浏览：

## 签名与撤回。

thank-you = 谢谢
thank-you-heading = 感谢您的签名
recorded-as = 您以 { $name } 的签名已记录。
now-published = 您的姓名现已发布在公开信上。
counted-not-shown = 它已被计数，您的姓名不会被显示或导出。
awaits-review-published = 它在发布前需要审核员审核。
awaits-review-counted = 它在计数前需要审核员审核。
your-withdrawal-code = 您的撤回码
keep-this-code = 如果您以后可能想撤回签名，请保存此码。它只显示这一次；我们只保存它的加密形式，因此无法再次向您显示。
enter-code = 输入签名后显示给您的撤回码。签名将被永久删除。
withdrawal-code = 撤回码
withdraw-mine = 撤回我的签名
signature-withdrawn = 签名已撤回
your-signature-withdrawn = 您的签名已撤回
removed-everywhere = 它已从公开信、计数和开放数据中删除，也已从我们的存储中删除。
problem-with-form = 表单有问题：
entries-kept = 您填写的内容保留在下方；如有需要请更正，然后重新提交表单。

## 隐私页面。

store-name = 您在表单中填写的内容：您的姓名，您是以个人、组织还是公司身份签名，以及您提供的职务、雇主或城市和国家或地区。
store-listed = 您的姓名是否可以显示。如果不可以，您的签名会被计数，但您的姓名永远不会被显示或导出。
store-day = 您签名的日期（而不是时间）。
store-code-hash = 您的撤回码的加密形式，以便您撤回签名；而不是撤回码本身。
store-nonce = 您所用表单中的一个数字（服务器发出表单的先后序号，加上随机数字；不含时间），使同一张表单不能签名两次；一两天后即被遗忘。
kept-until = 您的签名会一直保存，直到您撤回或组织者删除它。已发布的姓名会出现在本网站及其开放数据（JSON 和 CSV）中，任何人都可以复制。
what-we-never-store = 我们从不保存什么
never-address = 您的 IP 地址或 Tor 线路。
never-browser = 您的浏览器、其设置或用户代理，或您来自的页面。
never-time = 您访问或签名的具体时间。
never-cookies = Cookie：本网站不设置任何 Cookie。它不运行 JavaScript，也不从其他任何地方加载内容。
no-access-log = 服务器不保存访问日志。
snapshots-heading = 签名快照与副本
snapshots-intro = 本网站为其公开名单签署快照：公开信、可以显示的已发布姓名以及计数，并附上签署的日期（而不是时间）。任何人都可以复制快照，例如用来运行本网站的镜像；任何人都可以用 minisign 程序和本网站的公钥核实一份副本确实来自本网站且未经改动：
snapshots-download = 将这两个文件下载到同一个文件夹：
snapshots-run = 然后运行：
snapshots-prove = 签名快照证明名单在当天包含哪些内容，并且至少每隔几天就会重新签署一次。
snapshots-hold-nothing = 快照中没有任何本网站不显示的内容：没有等待审核的姓名，没有不可显示的姓名，也没有关于撤回或审核员的任何信息。
withdraw-copies-strong = 撤回签名会将其从这里以及此后签署的每份快照中删除，但不会从此前制作的副本中删除。
withdraw-copies-rest = 撤回之前制作的镜像和副本可能仍显示该姓名，而此前签署的快照仍能证明该姓名当天在名单上。
disclaimer = 免责声明

## Mirrors
mirror-not-ready-heading = 尚未复制
mirror-not-ready = 此镜像尚未从源站获取并验证这封信的快照。请几分钟后再试。
mirror-title = { $origin } 的镜像
mirror-of = 这是以下网站的镜像：
mirror-as-of = ，截至 { $day }（快照 { $seq }）。只能在源站签名：
mirror-sign-there = 请在那里签署这封信
mirror-stale = 此副本的快照已于 { $day } 过期：此镜像无法确认名单是最新的。
mirror-refused-unreachable = 此镜像在上次更新时无法连接其源站，因此继续显示其最后一份已验证的快照。
mirror-refused-too-large = 源站最新的快照超过了此镜像接受的大小，因此继续显示其最后一份已验证的快照。
mirror-refused-bad-signature = 源站最新的快照未通过签名验证：它在签名后被改动过。此镜像继续显示其最后一份已验证的快照。
mirror-refused-wrong-key = 源站最新的快照并非由此镜像信任的密钥签名，因此继续显示其最后一份已验证的快照。
mirror-refused-malformed = 源站最新的快照格式不正确，因此此镜像继续显示其最后一份已验证的快照。
mirror-refused-other-letter = 源站最新的快照属于另一封信，因此此镜像继续显示其最后一份已验证的快照。
mirror-refused-rollback = 源站提供的快照 { $found } 比此镜像已有的快照 { $trusted } 更旧（回滚），因此继续显示其最后一份已验证的快照。
mirror-refused-equivocation = 源站以快照 { $seq } 的编号签署了两份不同的名单。此镜像将两者都保留为证据，并继续显示它最先验证的那一份。
mirror-refused-fork = 源站的快照 { $seq } 并不承接此镜像持有的快照：源站以更早的编号签署了另一份名单。此镜像继续显示其最后一份已验证的快照。
mirror-refused-expired = 源站最新的快照已于 { $expires } 过期，且源站没有签署更新的快照，因此此镜像继续显示其最后一份已验证的快照。
mirror-none-unreachable = 此镜像尚未能连接到其源站，因此还没有可显示的公开信副本。它会继续尝试；公开信本身位于 { $origin }。
mirror-none-refused = 此镜像没有可显示的公开信副本：源站提供的快照未通过此镜像的检查，在镜像运营者处理之前，等待不会改变这一点。公开信本身位于 { $origin }。
mirror-takes-no-signatures = 此镜像不接受签名。
mirror-sign-at = 在 { $origin } 签署这封信
withdraw-at-the-origin = 撤回签名（在源站）
mirror-privacy-intro = 此镜像显示的是以下网站所发布名单的签名快照：
mirror-privacy-rest = 。它不接受签名，也不保存任何关于访问者的信息：没有地址、没有浏览器信息、没有访问时间、没有 Cookie，也没有访问日志。它不运行 JavaScript，也不从其他任何地方加载内容。
mirror-checking-heading = 核对此副本
mirror-signed-by = 它显示的快照由源站的密钥签名：
mirror-download = 将
mirror-download-and = 和
mirror-download-then-run = 下载到同一个文件夹，然后运行
mirror-withdrawal-reaches = 撤回签名会在此镜像下次更新时生效，而不会更早。

## 审核控制台（每个部署一种语言：`admin_language`）。

console-moderation = 审核
console-queue = 待审队列
console-published = 已发布
console-audit = 操作记录
console-signed-in-as = 当前登录：
console-sign-out = 退出登录
console-reason = 原因
console-choose-reason = 选择原因…
console-sign-in-title = 登录
console-sign-in-heading = 审核：登录
console-no-moderators = 还没有审核员设置口令。要设置口令，请在服务器上运行：
console-moderator = 审核员
console-passphrase = 口令
console-sign-in = 登录
console-overview = 概览
console-kind = 类别
console-listed = 其中公开显示
console-awaiting = 待审核
console-signing = 签名
console-signing-open = 签名正在进行。
console-pause = 暂停签名
console-signing-paused = 签名已暂停：公开表单会说明这一点。
console-resume = 恢复签名
console-closed-on = { $count ->
    [0] 公开信已于 { $day } 关闭，没有收到任何签名。
   *[other] 公开信已于 { $day } 关闭，共有 { $count } 个签名。
}
console-closing-heading = 关闭公开信
console-closing-note = 关闭是最终的：页面将显示最终人数，不再接受签名。
console-close = 永久关闭公开信
console-confirm-close = 是的，关闭它：永远不再接受签名
console-retention = 数据保留
console-purged = 私密字段已清除。
console-purge-on = { $day }（关闭后 { $days } 天）将永久清除：{ $codes } 个撤回码、{ $tokens } 个已用表单令牌，以及 { $unlisted } 位不公开签名者的所属机构和国家或地区。
console-purge-after = 公开信关闭 { $days } 天后将永久清除：{ $codes } 个撤回码、{ $tokens } 个已用表单令牌，以及 { $unlisted } 位不公开签名者的所属机构和国家或地区。
console-names-leave = 届时，被拒绝签名的姓名也会从操作记录中移除（被删除和被撤回签名的姓名会立即移除）；做了什么、为什么以及在哪一天仍会保留。
console-all = 全部
console-flag = 标记
console-any = 任意
console-filter = 筛选
console-nothing-waits = 这里没有待审核的内容。
console-select = 选择
console-name = 姓名
console-affiliation = 所属机构
console-country = 国家或地区
console-flags = 标记
console-day = 日期
console-unlisted = （不公开）
console-approve-selected = 批准所选
console-or = 或
console-reject-selected = 拒绝所选
console-older = 更早 →
console-signature-title = 签名 #{ $id }
console-verified = ✓ 已核实
console-shown-publicly = 公开显示
console-yes = 是
console-counted-only = 否（仅计数）
console-state = 状态
console-state-published = 已发布
console-state-pending = 待审核
console-none = 无
console-arrived = 收到日期
console-looks-like = 相似的签名
console-approve = 批准
console-reject = 拒绝
console-unpublish = 撤下（退回待审队列）
console-unverify = 取消核实标记
console-verify = 标记为已核实
console-edit-heading = 编辑显示内容
console-save = 保存
console-delete-heading = 删除
console-delete-note = 永久删除该签名，例如签名者要求撤下时。
console-delete-for-good = 永久删除
console-published-title = 已发布的{ $kind }
console-none-on-page = 本页没有内容。
console-audit-note = 审核员的操作，最新的在前。这里记录审核员和签名，从不记录访客。
console-action = 操作
console-signature = 签名
console-back = 返回控制台
console-done = { $action ->
    [approve] 已批准 { $count } 个签名，现已发布。
    [reject] 已拒绝 { $count } 个签名。
    [pause] 签名已暂停。
    [resume] 签名已重新开放。
    [close] 公开信已关闭。
    [edit] 已保存。
    [verify] 已标记为已核实。
    [unverify] 已移除核实标记。
    [unpublish] 已取消发布，并退回审核队列。
    [delete] 已永久删除。
   *[other] 已完成。
}

## 签名上的标记：简称及其含义。

flag-duplicate = 重复
flag-about-duplicate = 同一姓名以前已签过名
flag-look-alike = 形似
flag-about-look-alike = 与另一位签名者的名称相似
flag-mixed-script = 混合文字
flag-about-mixed-script = 混用了不同文字系统的字母
flag-url = 网址
flag-about-url = 包含网址
flag-formula = 公式
flag-about-formula = 开头像电子表格公式

## 拒绝签名的原因。

reason-fake = 虚假
reason-duplicate = 重复
reason-offensive = 冒犯性内容
reason-spam = 垃圾信息
reason-other = 其他

## 操作记录：审核员做了什么。

audit-approved = 批准
audit-rejected = 拒绝（{ $reason }）
audit-edited = 编辑（原为“{ $previous }”）
audit-verified = 核实
audit-unverified = 取消核实
audit-unpublished = 撤下
audit-deleted = 删除
audit-signing-opened = 开放签名
audit-signing-paused = 暂停签名
audit-letter-closed = 关闭公开信
audit-imported = 导入 { $what }
audit-purged = 清除私密字段

## letter

letter-amended-on = 本公开信于 { $day } 修订。
letter-earlier-versions = 本公开信的早期版本
letter-version-from = 第 { $number } 版，自 { $day } 起生效
letter-version-not-here = 此副本不含其文本。其 SHA-256 摘要为 { $digest }。
console-letter-version = 公开信版本

## replica

origin-unreachable-heading = 无法连接这封信的服务器
sign-origin-unreachable = 这个信件副本会把签名转交给信件自己的服务器，而该服务器目前无法连接。没有记录任何内容，这里也没有保存任何内容。请一分钟后再次提交表单。
withdraw-origin-unreachable = 这个信件副本会把撤回请求转交给信件自己的服务器，而该服务器目前无法连接。目前尚未删除任何内容。请一分钟后用同一个代码再试一次。
replica-name-soon = 这个信件副本会在 { $seconds } 秒内显示新名字：如果您的名字会公开列出但这里还没有显示，很快就会显示。

## proof: organisations and companies prove their signature from their own website.

proven-by = 经 { $domain } 证实
label-website = 网站
website-about = 仅限组织和公司：您网站的域名，例如 example.org。您将得到一行文字，发布在那里即可证明您的组织签了名。
field-not-a-website = “{ $field }”：请填写域名（例如 example.org），或以 https:// 开头的网址。
field-website-not-for-individuals = “{ $field }”：只有组织和公司填写网站。以个人身份签名请留空。
prove-your-signature = 证明您的组织签了名
publish-this-line = 要在您的名称旁显示“经 { $domain } 证实”，请原样发布这一行：
publish-it-at = 放在以下网址的纯文本文件中：
proof-file-about = 该文件也可以包含其他公开信的行，每行一条。找到这一行后，名单会显示证实；如果删除这一行，证实也会随之撤下。
console-proof = 证实
console-proof-held = 已在 { $domain } 找到
console-proof-pending = 未在 { $domain } 找到
console-proof-checked = 最近检查于 { $day }
console-proof-never-checked = 尚未检查
console-check-now = 立即检查
console-check-asked = 已请求检查。请几秒后刷新本页查看结果。
console-check-busy = 等待中的检查太多。请一分钟后再试。
proof-problem-unreachable = 无法访问该网站
proof-problem-certificate = 该网站的证书被拒绝（与其名称不符，或并非来自受信任的机构）
proof-problem-redirect = 该网站把请求转到了其他地址
proof-problem-no-file = 文件不存在（HTTP 状态 { $status }）
proof-problem-too-large = 文件大于 64 KiB
proof-problem-line-missing = 文件中没有这一行
audit-proof-taken = 在 { $domain } 找到证实
audit-proof-lost = 证实已从 { $domain } 撤下
store-website = 对于填写了网站的组织或公司：该网站、请其在网站上发布的那一行，以及最近一次找到该行的日期。

## deliver
## 递交版（/deliver）、数据（/numbers）和徽章（/badge.svg）。

deliver-link = 递交版
deliver-title = 递交版
deliver-letter-version = 信件版本
deliver-letter-digest = 信件摘要（SHA-256）
deliver-proof-heading = 如何核验这份名单
deliver-snapshot = 这份名单即本站于 { $day } 签署的第 { $seq } 号快照中的名单。
deliver-snapshot-digest = 快照文件（snapshot.json）的 SHA-256
deliver-public-key = 本站的公钥
deliver-verify = 核验方法：从本站或任一镜像下载 snapshot.json 和 snapshot.json.minisig，然后运行：
deliver-verify-after = minisign 会告诉您该文件是否由本站签署；sha256sum 输出的必须是上面所列快照的 SHA-256。文件中的名字就是这里印出的名字。
numbers-link = 数据
numbers-title = 签名数据
numbers-intro = 已公开且显示姓名的签名，按到达日期和国家统计。签名少于 { $count } 个的日期或国家计入“其他”，以免任何数字指向某一个人。
numbers-by-day = 按日期统计的签名
numbers-by-country = 按国家统计的签名
numbers-no-days = 目前还没有哪一天达到 { $count } 个或更多签名。
numbers-day = 日期
numbers-country = 国家
numbers-count = 签名数
numbers-other-days = 其他日期
numbers-other-countries = 其他或未填写
numbers-day-caption = { $days } 天内的签名，从 { $first } 到 { $last }；单日最多 { $most } 个。
numbers-country-caption = 签名最多的 { $countries } 个国家，其后为其他所有国家。
badge-label = 个签名
badge-title = 截至 { $day } 的快照，共 { $count } 个签名
