"""Messages of the submission pages added for issue 13 (lists, findings, receipts),
in Persian and English. Merged into ``i18n.MESSAGES`` at import, like the query pages'."""

from __future__ import annotations

from typing import Final

SUBMISSION_MESSAGES: Final[dict[str, dict[str, str]]] = {
    "fa": {
        "error.409": "این کار اکنون شدنی نیست",
        "error.422": "درخواست معتبر نیست",
        "sub.findings.errors": "گزارش خطاها",
        "sub.findings.warnings": "گزارش هشدارها",
        "sub.findings.both": "گزارش خطاها و هشدارها",
        "sub.findings_matching": "{count} مورد با این پالایه‌ها",
        "sub.findings_stored_note": (
            "از {total} مورد، {stored} مورد نخست نگه داشته شده است؛ شمار همهٔ آن‌ها در "
            "خلاصهٔ کدها آمده است."
        ),
        "sub.filters": "پالایه‌ها",
        "sub.filter.apply": "نمایش",
        "sub.filter.clear": "پاک کردن پالایه‌ها",
        "sub.filter.any": "همه",
        "sub.filter.sort": "ترتیب",
        "sub.filter.institution_help": "شناسهٔ موسسه، مانند IR/UNI/1001",
        "sub.sort.newest": "تازه‌ترین",
        "sub.sort.oldest": "قدیمی‌ترین",
        "sub.sort.period": "دورهٔ گزارش",
        "sub.sort.dataset": "مجموعه‌داده",
        "sub.sort.status": "وضعیت",
        "sub.finding_sort.row": "ردیف فایل",
        "sub.finding_sort.severity": "شدت",
        "sub.finding_sort.field": "ستون",
        "sub.finding_sort.code": "نوع مشکل",
        "sub.finding.field": "ستون",
        "sub.finding.problem": "مشکل",
        "sub.none_matching": "ارسالی با این پالایه‌ها یافت نشد.",
        "sub.no_findings_matching": "موردی با این پالایه‌ها یافت نشد.",
        "sub.pagination": "صفحه‌های فهرست",
        "sub.showing": "{first} تا {last} از {total}",
        "sub.page_of": "صفحهٔ {page} از {pages}",
        "sub.previous": "صفحهٔ پیش",
        "sub.next": "صفحهٔ بعد",
        "sub.validate_only_badge": "فقط بررسی",
        "sub.validate_only_note": (
            "این ارسال فقط بررسی شد: داده‌ای ذخیره نشد و رسید امضاشده ندارد. "
            "برای ثبت داده، فایل را بدون گزینهٔ «فقط بررسی» بفرستید."
        ),
        "sub.receipt_page": "رسید چاپی",
        "sub.receipt_json": "رسید امضاشده (JSON)",
        "sub.receipt.title": "رسید ارسال شمارهٔ {id}",
        "sub.receipt.intro": (
            "درگاه تبادل اطلاعات وزارت علوم دریافت و پردازش این ارسال را با امضای "
            "دیجیتال خود گواهی می‌کند."
        ),
        "sub.receipt.facts": "آنچه رسید گواهی می‌کند",
        "sub.receipt.gateway": "درگاه صادرکننده",
        "sub.receipt.type": "نوع سند",
        "sub.receipt.times": "زمان‌ها",
        "sub.receipt.time": "رویداد",
        "sub.receipt.jalali": "تاریخ و ساعت (تهران)",
        "sub.receipt.iso": "ISO 8601 (UTC)",
        "sub.receipt.signature": "امضا",
        "sub.receipt.signature_ok": "امضای رسید با کلیدهای منتشرشدهٔ درگاه معتبر است.",
        "sub.receipt.signature_bad": "امضای رسید معتبر نیست:",
        "sub.receipt.kid": "شناسهٔ کلید",
        "sub.receipt.verify": "وارسی رسید",
        "sub.receipt.verify_help": (
            "هر کس می‌تواند این رسید را بی‌نیاز از درگاه وارسی کند: فایل JSON رسید را "
            "دریافت کنید و با کلیدهای عمومی منتشرشدهٔ درگاه بسنجید:"
        ),
        "sub.receipt.keys": "کلیدهای عمومی درگاه",
        "sub.receipt.print_help": (
            "برای چاپ یا ذخیره به‌صورت PDF، فرمان چاپ مرورگر (Ctrl+P) را به کار ببرید."
        ),
        "sub.time.received_at": "دریافت فایل",
        "sub.time.started_at": "آغاز پردازش",
        "sub.time.finished_at": "پایان پردازش",
        "sub.count.inserted": "افزوده",
        "sub.count.updated": "به‌روزشده",
        "sub.count.unchanged": "بدون تغییر",
        "sub.count.closed": "بسته‌شده",
        "sub.hash_copy": "چکیدهٔ کامل را برای رونوشت برگزینید",
        "sub.back_to_submission": "بازگشت به ارسال",
        "sub.version": "نسخهٔ {version}",
    },
    "en": {
        "error.409": "This cannot be done now",
        "error.422": "The request is not valid",
        "sub.findings.errors": "Error report",
        "sub.findings.warnings": "Warnings report",
        "sub.findings.both": "Errors and warnings",
        "sub.findings_matching": "{count} matching these filters",
        "sub.findings_stored_note": (
            "Of {total} findings the first {stored} are kept; the code summary counts them all."
        ),
        "sub.filters": "Filters",
        "sub.filter.apply": "Show",
        "sub.filter.clear": "Clear filters",
        "sub.filter.any": "All",
        "sub.filter.sort": "Sort by",
        "sub.filter.institution_help": "The institution's identifier, e.g. IR/UNI/1001",
        "sub.sort.newest": "Newest first",
        "sub.sort.oldest": "Oldest first",
        "sub.sort.period": "Period",
        "sub.sort.dataset": "Data set",
        "sub.sort.status": "Status",
        "sub.finding_sort.row": "File row",
        "sub.finding_sort.severity": "Severity",
        "sub.finding_sort.field": "Column",
        "sub.finding_sort.code": "Kind of problem",
        "sub.finding.field": "Column",
        "sub.finding.problem": "Problem",
        "sub.none_matching": "No submission matches these filters.",
        "sub.no_findings_matching": "Nothing matches these filters.",
        "sub.pagination": "Pages of the list",
        "sub.showing": "{first} to {last} of {total}",
        "sub.page_of": "page {page} of {pages}",
        "sub.previous": "Previous page",
        "sub.next": "Next page",
        "sub.validate_only_badge": "Check only",
        "sub.validate_only_note": (
            "This submission was only checked: nothing was stored and it has no signed "
            "receipt. To store the data, send the file without “check only”."
        ),
        "sub.receipt_page": "Printable receipt",
        "sub.receipt_json": "Signed receipt (JSON)",
        "sub.receipt.title": "Receipt of submission {id}",
        "sub.receipt.intro": (
            "The information exchange gateway of the Ministry of Science attests, with its "
            "digital signature, that it received and processed this submission."
        ),
        "sub.receipt.facts": "What the receipt attests",
        "sub.receipt.gateway": "Issuing gateway",
        "sub.receipt.type": "Document type",
        "sub.receipt.times": "Times",
        "sub.receipt.time": "Event",
        "sub.receipt.jalali": "Jalali date and time (Tehran)",
        "sub.receipt.iso": "ISO 8601 (UTC)",
        "sub.receipt.signature": "Signature",
        "sub.receipt.signature_ok": "The signature is valid against the gateway's published keys.",
        "sub.receipt.signature_bad": "The signature is not valid:",
        "sub.receipt.kid": "Key id",
        "sub.receipt.verify": "Verifying the receipt",
        "sub.receipt.verify_help": (
            "Anyone can verify this receipt without the gateway: download the receipt's JSON "
            "and check it against the gateway's published public keys:"
        ),
        "sub.receipt.keys": "The gateway's public keys",
        "sub.receipt.print_help": (
            "To print it or save it as PDF, use the browser's Print (Ctrl+P)."
        ),
        "sub.time.received_at": "File received",
        "sub.time.started_at": "Processing started",
        "sub.time.finished_at": "Processing finished",
        "sub.count.inserted": "Inserted",
        "sub.count.updated": "Updated",
        "sub.count.unchanged": "Unchanged",
        "sub.count.closed": "Closed",
        "sub.hash_copy": "Select the whole digest to copy it",
        "sub.back_to_submission": "Back to the submission",
        "sub.version": "version {version}",
    },
}
