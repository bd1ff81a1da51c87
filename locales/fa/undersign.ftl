# undersign: واژه‌های سایت، به فارسی.
# این ترجمه نیاز به بازبینی یک فارسی‌زبان دارد.

## زبان: نام آن به خودش، و جهت آن (ltr یا rtl).

language-name = فارسی
language-direction = rtl

# The shipped languages named as a sentence of this language names them.
language-name-of-en = انگلیسی
language-name-of-es = اسپانیایی
language-name-of-fa = فارسی
language-name-of-ru = روسی
language-name-of-zh-Hans = چینی ساده‌شده

## ردها و خطاها.

not-found-heading = صفحه پیدا نشد
not-found = در این نشانی صفحه‌ای نیست.
method-heading = اینجا ممکن نیست
method = این نشانی این نوع درخواست را نمی‌پذیرد.
bad-page-number-heading = شمارهٔ صفحه نادرست است
bad-page-number = شمارهٔ صفحه باید عددی صحیح، ۱ یا بیشتر، باشد.
no-such-page-heading = چنین صفحه‌ای نیست
no-such-page = این فهرست صفحه‌های کمتری دارد.
search-too-long-heading = جست‌وجو بیش از حد طولانی است
search-too-long = لطفاً حداکثر ۱۰۰ نویسه جست‌وجو کنید.
scan-failed-heading = فعلاً در دسترس نیست
scan-failed = این فهرست فعلاً خوانده نشد. لطفاً چند دقیقهٔ دیگر دوباره امتحان کنید.
busy-heading = فعلاً سرمان شلوغ است
busy = در این لحظه افراد زیادی در فهرست جست‌وجو می‌کنند یا آن را دانلود می‌کنند. لطفاً چند ثانیهٔ دیگر دوباره امتحان کنید. امضا کردن تحت تأثیر نیست.
snapshot-not-ready-heading = هنوز امضا نشده
snapshot-not-ready = نخستین تصویر امضاشدهٔ فهرست هنوز در حال ساخت است. لطفاً یک دقیقهٔ دیگر دوباره امتحان کنید.
not-a-form-heading = فرم فهمیده نشد
not-a-form = لطفاً فرم را از صفحهٔ همین سایت بفرستید.
form-too-large-heading = فرم بیش از حد بزرگ است
form-too-large = فرم فرستاده‌شده بزرگ‌تر از ۱۶ کیلوبایت بود. لطفاً نوشته‌تان را کوتاه‌تر کنید.
form-too-slow-heading = فرم بیش از حد کند رسید
form-too-slow = رسیدن فرم بیش از حد طول کشید. لطفاً دوباره بفرستید.
form-incomplete-heading = فرم ناقص است
form-incomplete = فرم کامل نرسید. لطفاً دوباره بفرستید.
form-ambiguous-heading = فرم فهمیده نشد
form-repeated = فرم یک فیلد را بیش از یک بار نام برده بود، پس روشن نیست منظور چه بوده است. لطفاً فرم را از صفحهٔ همین سایت بفرستید.
form-not-text = فرم بایت‌هایی داشت که متن نیستند. لطفاً نوشته‌هایتان را دوباره تایپ کنید و فرم را از صفحهٔ همین سایت بفرستید.
bad-request-heading = درخواست فهمیده نشد
no-host = درخواست دقیقاً یک بار نگفته بود برای کدام سایت است. لطفاً نشانی سایت را در یک مرورگر باز کنید.
bad-host = درخواست سایت خود را به شکلی نام برده بود که نشانی نیست. لطفاً نشانی سایت را در یک مرورگر باز کنید.
bad-target = نشانی درخواست‌شده بایت‌هایی دارد که متن نیستند. لطفاً نشانی را بررسی کنید.
header-too-large-heading = درخواست بیش از حد بزرگ است
header-too-large = یک خط از درخواست بلندتر از ۸ کیلوبایت بود. لطفاً نشانی سایت را در یک مرورگر باز کنید.
bad-framing = درخواست طول خود را هم‌زمان به دو شیوه گفته بود، پس روشن نیست کجا تمام می‌شود.
bad-syntax = درخواست، HTTP درست‌ساخته‌ای نیست. لطفاً نشانی سایت را در یک مرورگر باز کنید.
wrong-host = این کنسول فقط به نشانی خودش پاسخ می‌دهد. لطفاً آن را در نشانی‌ای که به شما داده شده باز کنید.
honeypot-heading = فرم پذیرفته نشد
honeypot = فیلدی که باید خالی می‌ماند پر شده بود. اگر از ابزار پرکردن خودکار فرم استفاده می‌کنید، آن فیلد را خالی کنید و فرم را دوباره بفرستید.
token-forged-heading = فرم شناخته نشد
token-forged = این فرم را این سایت نفرستاده است، یا در راه تغییر کرده است. لطفاً از فرم زیر استفاده کنید.
token-expired-heading = فرم منقضی شده است
token-expired = این فرم بیش از یک روز پیش ساخته شده است. لطفاً با فرم تازهٔ زیر دوباره بفرستید.
too-fast-heading = بیش از حد سریع
too-fast = فرم سریع‌تر از آنچه یک انسان بتواند پرش کند برگشت. لطفاً چند ثانیه صبر کنید و دوباره بفرستید.
check-form-heading = لطفاً فرم را بررسی کنید
throttled-heading = لطفاً صبر کنید
throttled = امضاهای زیادی از اتصال شما یا در مجموع در حال رسیدن است. لطفاً یک دقیقه صبر کنید، سپس فرم را دوباره بفرستید.
token-used-heading = با این فرم قبلاً امضا شده است
token-used = این فرم پیش‌تر فرستاده شده و امضای آن ثبت شده است. برای امضا به جای کس دیگری، نامه را دوباره باز کنید تا فرم تازه‌ای بگیرید.
duplicate-heading = قبلاً امضا شده است
duplicate-organization = سازمانی با نام «{ $name }» پیش‌تر این نامه را امضا کرده است.
duplicate-company = شرکتی با نام «{ $name }» پیش‌تر این نامه را امضا کرده است.
duplicate-individual = فردی با نام «{ $name }» پیش‌تر این نامه را امضا کرده است.
queue-full-heading = لطفاً بعداً برگردید
queue-full = اکنون امضاهای زیادی در انتظار بررسی‌اند. لطفاً فرم را بعداً دوباره بفرستید.
paused-heading = امضا کردن متوقف شده است
paused = برگزارکنندگان امضا کردن را فعلاً متوقف کرده‌اند. لطفاً بعداً برگردید؛ نوشته‌های شما در زیر نگه داشته شده است.
closed-heading = نامه بسته شده است
closed = این نامه دیگر امضا نمی‌پذیرد.
not-saved-heading = ذخیره نشد
not-saved = امضای شما فعلاً ذخیره نشد، پس ثبت نشده است. لطفاً چند دقیقهٔ دیگر فرم را دوباره بفرستید.
signing-stopped-heading = امضا کردن در دسترس نیست
signing-stopped = اکنون امضاها ثبت نمی‌شوند، پس امضای شما هم ثبت نشد. به برگزارکنندگان خبر داده شده است؛ لطفاً بعداً برگردید.
withdraw-code-missing = لطفاً کد پس‌گیری خود را وارد کنید.
withdraw-code-unknown = هیچ امضایی این کد پس‌گیری را ندارد. آن را از نظر اشتباه تایپی بررسی کنید؛ امضایی که پیش‌تر پس گرفته شده دیگر وجود ندارد.
withdraw-failed-heading = انجام نشد
withdraw-failed = امضا فعلاً حذف نشد. لطفاً چند دقیقهٔ دیگر دوباره امتحان کنید.
withdraw-stopped-heading = پس‌گیری در دسترس نیست
withdraw-stopped = اکنون امضاها حذف نمی‌شوند، پس امضای شما هنوز هست. به برگزارکنندگان خبر داده شده است؛ لطفاً بعداً برگردید.
signed-out-heading = از حساب خارج شدید
signed-out = نشست شما تمام شده است. لطفاً دوباره وارد شوید.
no-such-signature-heading = چنین امضایی نیست
no-such-signature = ممکن است رد، حذف یا پس گرفته شده باشد.
bad-login = این نام و گذرواژه با هم جور نیستند. هر تلاش نادرست، تلاش بعدی را منتظرتر می‌کند.
sign-in-busy = تلاش‌های ورود زیادی در انتظارند، پس این یکی بررسی نشد. یک دقیقه صبر کنید، سپس دوباره امتحان کنید.
console-unreadable = انباره فعلاً خوانده نشد؛ گزارش سرور علت را می‌گوید. دوباره امتحان کنید و اگر ادامه داشت، بخش بازگرداندن انباره را در README ببینید.
csrf-heading = فرم پذیرفته نشد
csrf = این فرم از نشست کنونی شما نیامده است. برگردید، صفحه را دوباره بارگذاری کنید و دوباره امتحان کنید.
not-done-heading = انجام نشد
choose-reason = دلیلی برای رد کردن انتخاب کنید.
confirm-close = برای بستن همیشگی نامه، خانه‌ای را که آن را تأیید می‌کند تیک بزنید.
select-one = دست‌کم یک امضا را انتخاب کنید.
unknown-action = کار ناشناخته.
console-not-saved = تغییر روی دیسک نوشته نشد. چیزی تغییر نکرد؛ لطفاً دوباره امتحان کنید.

## فیلدهای فرم، و آنچه در یکی می‌تواند نادرست باشد (پس از برچسب آن).

label-name = نام
label-kind = امضا به عنوان
label-affiliation = عنوان، کارفرما یا شهر
label-country = کشور
field-required = پر کردن «{ $field }» لازم است.
field-no-letter = «{ $field }» باید دست‌کم یک حرف داشته باشد.
field-too-long = «{ $field }» بیش از حد طولانی است: حداکثر { $max } نویسه.
field-too-many-marks = در «{ $field }» روی یک حرف اعراب بیش از حد انباشته شده است.
field-unknown-kind = «{ $field }»: فرد، سازمان یا شرکت را انتخاب کنید.

## گونه‌های امضاکننده.

kind-plural-organization = سازمان‌ها
kind-plural-company = شرکت‌ها
kind-plural-individual = افراد
kind-lower-organization = سازمان‌ها
kind-lower-company = شرکت‌ها
kind-lower-individual = افراد
kind-article-organization = یک سازمان
kind-article-company = یک شرکت
kind-article-individual = یک فرد
kind-singular-organization = سازمان
kind-singular-company = شرکت
kind-singular-individual = فرد
kind-count-organization = { $count } سازمان
kind-count-company = { $count } شرکت
kind-count-individual = { $count } فرد
kind-all-organization = همهٔ { $count } سازمان
kind-all-company = همهٔ { $count } شرکت
kind-all-individual = همهٔ { $count } فرد
kinds-reviewed = { $kinds ->
    [organization] امضاهای سازمان‌ها پیش از انتشار به دست یک ناظر دیده می‌شوند.
    [company] امضاهای شرکت‌ها پیش از انتشار به دست یک ناظر دیده می‌شوند.
    [individual] امضاهای افراد پیش از انتشار به دست یک ناظر دیده می‌شوند.
    [organization-company] امضاهای سازمان‌ها و شرکت‌ها پیش از انتشار به دست یک ناظر دیده می‌شوند.
    [organization-individual] امضاهای سازمان‌ها و افراد پیش از انتشار به دست یک ناظر دیده می‌شوند.
    [company-individual] امضاهای شرکت‌ها و افراد پیش از انتشار به دست یک ناظر دیده می‌شوند.
   *[organization-company-individual] همهٔ امضاها پیش از انتشار به دست یک ناظر دیده می‌شوند.
}

## همهٔ صفحه‌ها.

skip-to-content = رفتن به محتوا
verified-title = تأییدشده به دست برگزارکنندگان
nav-site = سایت
nav-languages = زبان‌ها
nav-pages = صفحه‌ها
the-letter = نامه
search-signatories = جست‌وجوی امضاکنندگان
withdraw-a-signature = پس گرفتن امضا
privacy = حریم خصوصی
open-data = داده‌های باز:
back-to-letter = بازگشت به نامه

## صفحهٔ نامه و فرم آن.

required = (لازم)
optional = (اختیاری)
show-my-name = نامم را در فهرست عمومی نشان بده. اگر تیک نزنید، امضای شما شمرده می‌شود اما نامتان هرگز نشان داده یا صادر نمی‌شود.
honeypot-label = این فیلد را خالی بگذارید
sign-the-letter = امضای نامه
counts-total = { $count ->
    [0] هنوز امضایی نیست.
   *[other] { $count } امضا
}
counts-join = : { $organization }، { $company }، { $individual }.
more-await-review = { $count } امضای دیگر در انتظار بررسی است.
have-signed = { $count ->
    [0] هنوز کسی امضا نکرده است. نخستین نفر باشید: نامه را امضا کنید ↓
   *[other] { $count } نفر امضا کرده‌اند. نامه را امضا کنید ↓
}
review-note = افراد بی‌درنگ در فهرست می‌آیند. سازمان‌ها و شرکت‌ها پس از بررسی یک ناظر نشان داده می‌شوند.
privacy-note = ما هیچ نشانی، جزئیات مرورگر یا ساعتی از روز را نگه نمی‌داریم.
what-we-store = چه چیزهایی نگه می‌داریم
signing-paused = امضا کردن متوقف شده است
paused-notice = برگزارکنندگان امضا کردن را فعلاً متوقف کرده‌اند. لطفاً بعداً برگردید.
letter-closed = این نامه بسته شده است
closed-on = { $count ->
    [0] این نامه در { $day } بدون هیچ امضایی بسته شد.
   *[other] این نامه در { $day } با شمار نهایی { $count } امضا بسته شد.
}
signatories = امضاکنندگان
find-a-name = یافتن یک نام
search = جست‌وجو
translation-note = این یک ترجمه است. متن اصلی، به { $language }، متن معتبر است.
read-the-original = خواندن متن اصلی
untranslated-note = این نامه هنوز به این زبان ترجمه نشده است. متن اصلی، به { $language }، نمایش داده می‌شود.

## فهرست‌ها و جست‌وجو.

kind-title = { $kind } ({ $count })
previous = → قبلی
next = بعدی ←
page-of = صفحهٔ { $page } از { $pages }
type-part-of-name = بخشی از یک نام را بنویسید. بزرگی و کوچکی حروف و اعراب مهم نیست.
no-match = هیچ امضاکنندهٔ منتشرشده‌ای با { $query } جور نیست.
found = { $count } نتیجه پیدا شد.
found-more = بیش از { $count } نتیجه پیدا شد.
browse = مرور:

## امضا کردن و پس گرفتن.

thank-you = سپاس
thank-you-heading = از امضای شما سپاسگزاریم
recorded-as = امضای شما با نام { $name } ثبت شد.
now-published = نام شما اکنون روی نامه منتشر شده است.
counted-not-shown = امضای شما شمرده می‌شود و نامتان نشان داده یا صادر نخواهد شد.
awaits-review-published = پیش از انتشار در انتظار بررسی یک ناظر است.
awaits-review-counted = پیش از شمرده شدن در انتظار بررسی یک ناظر است.
your-withdrawal-code = کد پس‌گیری شما
keep-this-code = اگر ممکن است بعداً بخواهید امضایتان را پس بگیرید، این کد را نگه دارید. فقط همین یک بار نشان داده می‌شود؛ ما تنها شکل درهم‌شده‌ای از آن را نگه می‌داریم، پس نمی‌توانیم دوباره آن را به شما نشان دهیم.
enter-code = کد پس‌گیری‌ای را که پس از امضا به شما نشان داده شد وارد کنید. امضا برای همیشه حذف می‌شود.
withdrawal-code = کد پس‌گیری
withdraw-mine = پس گرفتن امضای من
signature-withdrawn = امضا پس گرفته شد
your-signature-withdrawn = امضای شما پس گرفته شد
removed-everywhere = امضا از نامه، از شمارش‌ها و از داده‌های باز، و از انبارهٔ ما حذف شده است.
problem-with-form = فرم مشکلی دارد:
entries-kept = نوشته‌های شما در زیر نگه داشته شده است؛ در صورت نیاز آن‌ها را اصلاح کنید و فرم را دوباره بفرستید.

## صفحهٔ حریم خصوصی.

store-name = آنچه در فرم می‌نویسید: نامتان، اینکه به عنوان فرد، سازمان یا شرکت امضا می‌کنید، و اگر بدهید، عنوان، کارفرما یا شهر و کشورتان.
store-listed = اینکه نام شما می‌تواند نشان داده شود یا نه. اگر نه، امضای شما شمرده می‌شود اما نامتان هرگز نشان داده یا صادر نمی‌شود.
store-day = روزی (نه ساعتی) که امضا کردید.
store-code-hash = شکل درهم‌شده‌ای از کد پس‌گیری شما، تا بتوانید امضایتان را پس بگیرید؛ نه خود کد.
store-nonce = عددی از فرمی که به کار بردید (جای آن در ترتیبی که سرور فرم‌ها را داد، و ارقامی تصادفی؛ بدون زمان)، تا یک فرم نتواند دو بار امضا کند؛ پس از یکی دو روز فراموش می‌شود.
kept-until = امضای شما تا زمانی که آن را پس بگیرید یا برگزارکنندگان حذفش کنند نگه داشته می‌شود. نام‌های منتشرشده در این سایت و در داده‌های باز آن (JSON و CSV) می‌آیند که هر کسی می‌تواند رونوشت بگیرد.
what-we-never-store = چه چیزهایی هرگز نگه نمی‌داریم
never-address = نشانی IP یا مدار Tor شما.
never-browser = مرورگر شما، تنظیمات آن یا عامل کاربر آن، یا صفحه‌ای که از آن آمده‌اید.
never-time = ساعتی از روز که بازدید یا امضا کردید.
never-cookies = کوکی‌ها: این سایت هیچ کوکی‌ای نمی‌گذارد. هیچ جاوااسکریپتی اجرا نمی‌کند و چیزی از جای دیگری بار نمی‌کند.
no-access-log = سرور هیچ گزارش دسترسی نگه نمی‌دارد.
snapshots-heading = تصویرهای امضاشده و رونوشت‌ها
snapshots-intro = این سایت تصویری از فهرست عمومی خود را امضا می‌کند: نامه، نام‌های منتشرشده‌ای که می‌توانند نشان داده شوند، و شمارش‌ها، همراه با روزی (نه ساعتی) که امضا شده است. هر کسی می‌تواند از آن رونوشت بگیرد، مثلاً برای راه‌اندازی آینه‌ای از این سایت؛ هر کسی می‌تواند با برنامهٔ minisign و کلید عمومی این سایت بررسی کند که یک رونوشت، بی‌تغییر، از خود این سایت است:
snapshots-download = این دو پرونده را در یک پوشه دانلود کنید:
snapshots-run = سپس این را اجرا کنید:
snapshots-prove = یک تصویر امضاشده ثابت می‌کند فهرست در آن روز چه داشت، و دست‌کم هر چند روز یک بار تصویری تازه امضا می‌شود.
snapshots-hold-nothing = تصویرها چیزی جز آنچه این سایت نشان می‌دهد ندارند: نه نام‌هایی که در انتظار بررسی‌اند، نه نام‌هایی که نباید نشان داده شوند، و نه چیزی دربارهٔ پس‌گیری‌ها یا ناظران.
withdraw-copies-strong = پس گرفتن امضا آن را از اینجا و از هر تصویری که پس از آن امضا شود حذف می‌کند، اما نه از رونوشت‌هایی که پیش‌تر گرفته شده‌اند.
withdraw-copies-rest = آینه‌ها و رونوشت‌هایی که پیش از پس‌گیری گرفته شده‌اند ممکن است هنوز نام را نشان دهند، و تصویری که پیش از آن امضا شده همچنان ثابت می‌کند که نام در آن روز در فهرست بوده است.
disclaimer = سلب مسئولیت

## Mirrors
mirror-not-ready-heading = هنوز رونوشت نشده
mirror-not-ready = این آینه هنوز تصویری از نامه را از مبدأ آن دریافت و تأیید نکرده است. لطفاً چند دقیقهٔ دیگر دوباره امتحان کنید.
mirror-title = آینه‌ای از { $origin }
mirror-of = این یک آینه از
mirror-as-of = است، به تاریخ { $day } (تصویر { $seq }). امضا فقط در مبدأ انجام می‌شود:
mirror-sign-there = نامه را آنجا امضا کنید
mirror-stale = تصویر این رونوشت در { $day } منقضی شده است: این آینه نمی‌تواند تأیید کند که فهرست به‌روز است.
mirror-refused-unreachable = این آینه در آخرین به‌روزرسانی نتوانست به مبدأ خود برسد، پس همچنان آخرین تصویر تأییدشدهٔ خود را نشان می‌دهد.
mirror-refused-too-large = تازه‌ترین تصویر مبدأ بزرگ‌تر از حدی است که این آینه می‌پذیرد، پس همچنان آخرین تصویر تأییدشدهٔ خود را نشان می‌دهد.
mirror-refused-bad-signature = تازه‌ترین تصویر مبدأ در بررسی امضا رد شد: پس از امضا تغییر کرده است. این آینه همچنان آخرین تصویر تأییدشدهٔ خود را نشان می‌دهد.
mirror-refused-wrong-key = تازه‌ترین تصویر مبدأ با کلیدی جز کلیدی که این آینه به آن اعتماد دارد امضا شده است، پس همچنان آخرین تصویر تأییدشدهٔ خود را نشان می‌دهد.
mirror-refused-malformed = تازه‌ترین تصویر مبدأ تصویری درست‌ساخت نیست، پس این آینه همچنان آخرین تصویر تأییدشدهٔ خود را نشان می‌دهد.
mirror-refused-other-letter = تازه‌ترین تصویر مبدأ از نامهٔ دیگری است، پس این آینه همچنان آخرین تصویر تأییدشدهٔ خود را نشان می‌دهد.
mirror-refused-rollback = مبدأ تصویر { $found } را عرضه کرد که از تصویر { $trusted } که این آینه در اختیار دارد قدیمی‌تر است (بازگشت به عقب)، پس همچنان آخرین تصویر تأییدشدهٔ خود را نشان می‌دهد.
mirror-refused-equivocation = مبدأ دو فهرست متفاوت را با شمارهٔ تصویر { $seq } امضا کرده است. این آینه هر دو را به‌عنوان مدرک نگه می‌دارد و همچنان همانی را نشان می‌دهد که نخست تأیید کرد.
mirror-refused-fork = تصویر { $seq } مبدأ در ادامهٔ تصویری که این آینه دارد نیست: مبدأ فهرست دیگری را با شماره‌ای پیشین امضا کرده است. این آینه همچنان آخرین تصویر تأییدشدهٔ خود را نشان می‌دهد.
mirror-refused-expired = تازه‌ترین تصویر مبدأ در { $expires } منقضی شد و مبدأ تصویر تازه‌تری امضا نکرده است، پس این آینه همچنان آخرین تصویر تأییدشدهٔ خود را نشان می‌دهد.
mirror-none-unreachable = این آینه هنوز نتوانسته به مبدأ خود برسد، پس هنوز نسخه‌ای از نامه برای نمایش ندارد. همچنان تلاش می‌کند؛ خود نامه در { $origin } است.
mirror-none-refused = این آینه نسخه‌ای از نامه برای نمایش ندارد: تصویری که مبدأ آن عرضه می‌کند از بررسی‌های این آینه نگذشت، و تا گردانندهٔ آینه کاری نکند، صبر کردن چیزی را تغییر نمی‌دهد. خود نامه در { $origin } است.
mirror-takes-no-signatures = این آینه امضا نمی‌پذیرد.
mirror-sign-at = امضای نامه در { $origin }
withdraw-at-the-origin = پس گرفتن امضا (در مبدأ)
mirror-privacy-intro = این آینه تصویری امضاشده از فهرستی را نشان می‌دهد که منتشر شده است در
mirror-privacy-rest = . این آینه امضا نمی‌پذیرد و هیچ چیزی دربارهٔ بازدیدکنندگانش نگه نمی‌دارد: نه نشانی، نه مشخصات مرورگر، نه زمان بازدید، نه کوکی و نه گزارش دسترسی. هیچ جاوااسکریپتی اجرا نمی‌کند و چیزی از جای دیگر بار نمی‌کند.
mirror-checking-heading = بررسی این رونوشت
mirror-signed-by = تصویری که نشان می‌دهد با کلید مبدأ امضا شده است:
mirror-download = این دو پرونده را بارگیری کنید:
mirror-download-and = و
mirror-download-then-run = در یک پوشه، سپس این فرمان را اجرا کنید:
mirror-withdrawal-reaches = پس گرفتن امضا در به‌روزرسانی بعدی به این آینه می‌رسد، نه زودتر.

## کنسول نظارت (یک زبان برای هر استقرار: `admin_language`).

console-moderation = نظارت
console-queue = صف بررسی
console-published = منتشرشده
console-audit = گزارش کارها
console-signed-in-as = واردشده با نام
console-sign-out = خروج
console-reason = دلیل
console-choose-reason = دلیل…
console-sign-in-title = ورود
console-sign-in-heading = نظارت: ورود
console-no-moderators = هنوز هیچ ناظری گذرواژه ندارد. برای تعیین آن، این فرمان را روی سرور اجرا کنید:
console-moderator = ناظر
console-passphrase = گذرواژه
console-sign-in = ورود
console-overview = نمای کلی
console-kind = نوع
console-listed = که از میان آن‌ها نمایش داده می‌شوند
console-awaiting = در انتظار بررسی
console-signing = امضا
console-signing-open = امضا باز است.
console-pause = توقف امضا
console-signing-paused = امضا متوقف شده است: فرم عمومی هم همین را می‌گوید.
console-resume = ازسرگیری امضا
console-closed-on = { $count ->
    [0] نامه در { $day } بدون هیچ امضایی بسته شد.
   *[other] نامه در { $day } با { $count } امضا بسته شد.
}
console-closing-heading = بستن نامه
console-closing-note = بستن نهایی است: صفحه شمار نهایی را نشان می‌دهد و دیگر امضایی نمی‌پذیرد.
console-close = بستن همیشگی نامه
console-confirm-close = بله، ببندید: دیگر هرگز امضایی پذیرفته نشود
console-retention = نگهداری داده‌ها
console-purged = فیلدهای خصوصی پاک شدند.
console-purge-on = در { $day } ({ $days } روز پس از بسته شدن) این‌ها برای همیشه پاک می‌شوند: { $codes } کد پس‌گیری، { $tokens } نشانهٔ فرمِ به‌کاررفته، و وابستگی و کشورِ { $unlisted } امضاکنندهٔ نمایش‌داده‌نشده.
console-purge-after = { $days } روز پس از بسته شدن نامه، این‌ها برای همیشه پاک می‌شوند: { $codes } کد پس‌گیری، { $tokens } نشانهٔ فرمِ به‌کاررفته، و وابستگی و کشورِ { $unlisted } امضاکنندهٔ نمایش‌داده‌نشده.
console-names-leave = نام امضاهای ردشده هم در آن زمان از گزارش کارها بیرون می‌رود (نام امضاهای حذف‌شده و پس‌گرفته‌شده همان دم بیرون می‌رود)؛ اینکه چه کاری، چرا و در چه روزی انجام شد می‌ماند.
console-all = همه
console-flag = نشان
console-any = هر کدام
console-filter = پالایش
console-nothing-waits = اینجا چیزی در انتظار بررسی نیست.
console-select = انتخاب
console-name = نام
console-affiliation = وابستگی
console-country = کشور
console-flags = نشان‌ها
console-day = روز
console-unlisted = (نمایش داده نمی‌شود)
console-approve-selected = تأیید موارد انتخاب‌شده
console-or = یا
console-reject-selected = رد موارد انتخاب‌شده
console-older = قدیمی‌تر ←
console-signature-title = امضای شمارهٔ { $id }
console-verified = ✓ تأییدشده
console-shown-publicly = نمایش عمومی
console-yes = بله
console-counted-only = نه (فقط شمرده می‌شود)
console-state = وضعیت
console-state-published = منتشرشده
console-state-pending = در انتظار بررسی
console-none = هیچ
console-arrived = تاریخ رسیدن
console-looks-like = شبیه به
console-approve = تأیید
console-reject = رد
console-unpublish = لغو انتشار (بازگشت به صف)
console-unverify = برداشتن نشان تأیید
console-verify = علامت‌گذاری به‌عنوان تأییدشده
console-edit-heading = ویرایش آنچه نمایش داده می‌شود
console-save = ذخیره
console-delete-heading = حذف
console-delete-note = امضا را برای همیشه برمی‌دارد، مانند وقتی که امضاکننده‌اش درخواست برداشتن آن را دارد.
console-delete-for-good = حذف همیشگی
console-published-title = منتشرشده‌ها: { $kind }
console-none-on-page = در این صفحه چیزی نیست.
console-audit-note = کارهای ناظران، از تازه‌ترین. نام ناظران و امضاها را می‌آورد، هرگز نام بازدیدکنندگان را.
console-action = کار
console-signature = امضا
console-back = بازگشت به کنسول
console-done = { $action ->
    [approve] { $count } امضا تأیید و منتشر شد.
    [reject] { $count } امضا رد شد.
    [pause] امضا کردن متوقف شد.
    [resume] امضا کردن دوباره باز است.
    [close] نامه بسته شد.
    [edit] ذخیره شد.
    [verify] به‌عنوان تأییدشده نشان‌گذاری شد.
    [unverify] نشان تأیید برداشته شد.
    [unpublish] از انتشار برداشته شد و به صف بررسی برگشت.
    [delete] برای همیشه حذف شد.
   *[other] انجام شد.
}

## نشان‌های یک امضا: نامی کوتاه، و معنای آن.

flag-duplicate = تکراری
flag-about-duplicate = همین نام پیش‌تر امضا کرده است
flag-look-alike = همانند
flag-about-look-alike = شبیه نام امضاکنندهٔ دیگری است
flag-mixed-script = خط‌های آمیخته
flag-about-mixed-script = حروفی از خط‌های گوناگون را درهم می‌آمیزد
flag-url = نشانی وب
flag-about-url = نشانی وب دارد
flag-formula = فرمول
flag-about-formula = مانند فرمول صفحه‌گسترده آغاز می‌شود

## دلیل‌های رد یک امضا.

reason-fake = جعلی
reason-duplicate = تکراری
reason-offensive = توهین‌آمیز
reason-spam = هرزنامه
reason-other = دیگر

## گزارش کارها: کاری که یک ناظر کرد.

audit-approved = تأیید کرد
audit-rejected = رد کرد ({ $reason })
audit-edited = ویرایش کرد (پیش‌تر «{ $previous }» بود)
audit-verified = تأیید هویت کرد
audit-unverified = تأیید هویت را برداشت
audit-unpublished = انتشار را لغو کرد
audit-deleted = حذف کرد
audit-signing-opened = امضا را باز کرد
audit-signing-paused = امضا را متوقف کرد
audit-letter-closed = نامه را بست
audit-imported = { $what } را وارد کرد
audit-purged = فیلدهای خصوصی را پاک کرد

## letter

letter-amended-on = این نامه در { $day } اصلاح شد.
letter-earlier-versions = نسخه‌های پیشین این نامه
letter-version-from = نسخهٔ { $number }، معتبر از { $day }
letter-version-not-here = متن آن در این رونوشت نیست. چکیدهٔ SHA-256 آن { $digest } است.
console-letter-version = نسخهٔ نامه

## replica

origin-unreachable-heading = دسترسی به سرور نامه ممکن نیست
sign-origin-unreachable = این رونوشتِ نامه امضاها را به سرور خودِ نامه می‌فرستد، که اکنون در دسترس نیست. چیزی ثبت نشد و چیزی اینجا نگه داشته نشد. لطفاً یک دقیقهٔ دیگر فرم را دوباره بفرستید.
withdraw-origin-unreachable = این رونوشتِ نامه درخواست‌های پس‌گیری را به سرور خودِ نامه می‌فرستد، که اکنون در دسترس نیست. هنوز چیزی حذف نشده است. لطفاً یک دقیقهٔ دیگر با همان کد دوباره امتحان کنید.
replica-name-soon = این رونوشتِ نامه نام‌های تازه را در کمتر از { $seconds } ثانیه نشان می‌دهد: اگر نام شما فهرست‌شدنی است و هنوز اینجا دیده نمی‌شود، به‌زودی دیده خواهد شد.

## proof: organisations and companies prove their signature from their own website.

proven-by = اثبات‌شده از سوی { $domain }
label-website = وب‌سایت
website-about = فقط برای سازمان‌ها و شرکت‌ها: دامنهٔ وب‌سایت شما، مانند example.org. یک خط دریافت می‌کنید تا آن را آنجا منتشر کنید؛ این خط ثابت می‌کند که سازمان شما امضا کرده است.
field-not-a-website = «{ $field }»: دامنه‌ای مانند example.org یا نشانی‌ای که با https:// آغاز می‌شود وارد کنید.
field-website-not-for-individuals = «{ $field }»: فقط سازمان‌ها و شرکت‌ها وب‌سایت وارد می‌کنند. برای امضا به عنوان فرد، آن را خالی بگذارید.
prove-your-signature = ثابت کنید که سازمانتان امضا کرده است
publish-this-line = برای اینکه «اثبات‌شده از سوی { $domain }» کنار نامتان نمایش داده شود، این خط را دقیقاً همان‌طور که هست منتشر کنید:
publish-it-at = در یک فایل متنی ساده در این نشانی:
proof-file-about = این فایل می‌تواند خط‌های نامه‌های دیگر را هم داشته باشد، هر کدام در یک خط. وقتی خط پیدا شود، فهرست اثبات را نشان می‌دهد؛ اگر خط برداشته شود، اثبات هم برداشته می‌شود.
console-proof = اثبات
console-proof-held = در { $domain } پیدا شد
console-proof-pending = در { $domain } پیدا نشد
console-proof-checked = آخرین بررسی: { $day }
console-proof-never-checked = هنوز بررسی نشده
console-check-now = همین حالا بررسی کن
console-check-asked = درخواست بررسی ثبت شد. چند ثانیه دیگر این صفحه را دوباره بارگذاری کنید تا نتیجه را ببینید.
console-check-busy = بررسی‌های زیادی در انتظارند. یک دقیقهٔ دیگر دوباره امتحان کنید.
proof-problem-unreachable = دسترسی به وب‌سایت ممکن نشد
proof-problem-certificate = گواهی وب‌سایت پذیرفته نشد (برای نامش معتبر نیست یا از مرجعی مورد اعتماد نیست)
proof-problem-redirect = وب‌سایت درخواست را به نشانی دیگری فرستاد
proof-problem-no-file = فایل آنجا نیست (وضعیت HTTP { $status })
proof-problem-too-large = فایل بزرگ‌تر از ۶۴ کیلوبایت است
proof-problem-line-missing = فایل آن خط را ندارد
audit-proof-taken = اثبات را در { $domain } پیدا کرد
audit-proof-lost = اثبات از { $domain } برداشته شد
store-website = برای سازمان یا شرکتی که وب‌سایتش را وارد می‌کند: وب‌سایت، خطی که از آن خواسته می‌شود آنجا منتشر کند و روزی که آن خط آخرین بار پیدا شد.

## deliver
## نسخهٔ تحویل (/deliver)، آمار (/numbers) و نشان (/badge.svg).

deliver-link = نسخهٔ تحویل
deliver-title = نسخهٔ تحویل
deliver-letter-version = نسخهٔ نامه
deliver-letter-digest = چکیدهٔ نامه (SHA-256)
deliver-proof-heading = چگونه این فهرست را بررسی کنیم
deliver-snapshot = این فهرست همان فهرستِ تصویر شمارهٔ { $seq } است که سایت در { $day } امضا کرده است.
deliver-snapshot-digest = SHA-256 پروندهٔ تصویر (snapshot.json)
deliver-public-key = کلید عمومی سایت
deliver-verify = برای بررسی، snapshot.json و snapshot.json.minisig را از سایت یا هر آینه‌ای بارگیری کنید و سپس این را اجرا کنید:
deliver-verify-after = minisign می‌گوید که آیا سایت آن پرونده را امضا کرده است؛ sha256sum باید همان SHA-256 تصویر را که در بالا آمده نشان دهد. نام‌های درون پرونده همان نام‌هایی‌اند که اینجا چاپ شده‌اند.
numbers-link = آمار
numbers-title = امضاها به زبان اعداد
numbers-intro = امضاهای منتشرشده‌ای که نامشان نمایش داده می‌شود، بر پایهٔ روز رسیدن و کشور. روز یا کشوری که کمتر از { $count } امضا دارد زیر «سایر» شمرده می‌شود تا هیچ عددی به یک نفر اشاره نکند.
numbers-by-day = امضاها بر پایهٔ روز
numbers-by-country = امضاها بر پایهٔ کشور
numbers-no-days = هنوز هیچ روزی { $count } امضا یا بیشتر ندارد.
numbers-day = روز
numbers-country = کشور
numbers-count = امضاها
numbers-other-days = روزهای دیگر
numbers-other-countries = سایر یا نامشخص
numbers-day-caption = امضاها در { $days } روز، از { $first } تا { $last }؛ بیشینه { $most } در یک روز.
numbers-country-caption = { $countries } کشوری که بیشترین امضا را دارند، و سپس همهٔ کشورهای دیگر.
badge-label = امضا
badge-title = { $count } امضا، بنا بر تصویر { $day }
