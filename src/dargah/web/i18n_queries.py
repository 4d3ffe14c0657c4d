"""Messages of the query builder and the grant pages, in Persian and English.

Kept apart from ``i18n.MESSAGES`` (which merges them at import) so that the pages of
one domain can grow without every change touching the shared catalogue.
"""

from __future__ import annotations

from typing import Final

QUERY_MESSAGES: Final[dict[str, dict[str, str]]] = {
    "fa": {
        "nav.queries": "پرسش از داده",
        "nav.grants": "مجوزهای دسترسی",
        # -- queries
        "q.list_title": "پرسش از داده",
        "q.list_intro": "مجموعه‌داده‌هایی که با مجوزهای شما می‌توانید از آن‌ها پرسش کنید.",
        "q.none": "هنوز مجوز فعالی ندارید؛ در کاتالوگ مجموعه‌داده را بیابید و درخواست دسترسی دهید.",
        "q.find_more": "جست‌وجو در کاتالوگ",
        "q.open": "ساخت پرسش",
        "q.title_of": "پرسش از «{dataset}»",
        "q.dataset_page": "صفحهٔ مجموعه‌داده",
        "q.access": "دسترسی",
        "q.grant": "مجوز",
        "q.own_data": "دادهٔ موسسهٔ خودتان (بی‌نیاز از مجوز)",
        "q.under_grant": "با مجوز شمارهٔ {grant}",
        "q.personal_masked": "فیلدهای شخصی پوشانده نمایش داده می‌شوند",
        "q.columns": "ستون‌ها",
        "q.columns_help": (
            "اگر ستونی برنگزینید، همهٔ ستون‌های مجاز نمایش داده می‌شوند. در پرسش "
            "گروه‌بندی‌شده ستون‌ها همان گروه‌ها هستند."
        ),
        "q.masked": "پوشانده",
        "q.masked_help": (
            "فیلد شخصی: پوشانده نمایش داده می‌شود و در شرط، گروه‌بندی و مرتب‌سازی به کار نمی‌رود."
        ),
        "q.filters": "شرط‌ها",
        "q.filters_help": (
            "همهٔ شرط‌ها باید برقرار باشند. برای «یکی از» و «میان» مقدارها را با ویرگول جدا "
            "کنید؛ تاریخ‌ها را شمسی (۱۴۰۳/۰۷/۰۱) یا میلادی بنویسید."
        ),
        "q.field": "فیلد",
        "q.operator": "عملگر",
        "q.value": "مقدار",
        "dl.code_of": "کد {title}",
        "dl.iso_of": "{title} (میلادی)",
        "dl.count": "تعداد",
        "dl.machine": "برای برنامه‌ها: نام فیلدها، کدها و تاریخ میلادی",
        "q.picker_help": (
            "برای فیلدهای دارای فهرست، مقدار را از فهرست برگزینید یا عنوان یا کد آن را "
            "بنویسید؛ چند مقدار را با «،» جدا کنید."
        ),
        "q.op.=": "برابر با",
        "q.op.!=": "نابرابر با",
        "q.op.<": "کمتر از",
        "q.op.<=": "کمتر یا برابر",
        "q.op.>": "بیشتر از",
        "q.op.>=": "بیشتر یا برابر",
        "q.op.in": "یکی از",
        "q.op.not_in": "هیچ‌یک از",
        "q.op.between": "میان (دو مقدار)",
        "q.op.contains": "دربردارندهٔ",
        "q.op.is_null": "خالی است",
        "q.op.is_not_null": "خالی نیست",
        "q.grouping": "گروه‌بندی و تجمیع",
        "q.grouping_help": (
            "با گروه‌بندی، شمار هر گروه به‌طور پیش‌فرض محاسبه می‌شود. خانه‌های کمتر از "
            "آستانه پنهان می‌شوند."
        ),
        "q.count_rows": "شمارش سطرها",
        "q.function": "تابع",
        "q.of_field": "روی فیلد",
        "q.fn.count": "شمار",
        "q.fn.count_distinct": "شمار مقادیر یکتا",
        "q.fn.sum": "جمع",
        "q.fn.avg": "میانگین",
        "q.fn.min": "کمینه",
        "q.fn.max": "بیشینه",
        "q.more": "ترتیب، اندازه و زمان",
        "q.order_by": "مرتب‌سازی بر پایهٔ",
        "q.direction": "جهت",
        "q.asc": "صعودی",
        "q.desc": "نزولی",
        "q.limit": "سطر در هر صفحه",
        "q.limit_help": "از ۱ تا {max}",
        "q.as_of": "وضعیت در زمان",
        "q.as_of_help": (
            "خالی: دادهٔ کنونی. یک دوره (۱۴۰۳-۱) یا یک تاریخ (۱۴۰۳/۰۷/۰۱: پایان آن روز)."
        ),
        "q.purpose": "هدف استفاده",
        "q.purpose_help": "در گزارش ممیزی همراه با پرسش ثبت می‌شود.",
        "q.run": "اجرای پرسش",
        "q.export.csv": "دریافت CSV",
        "q.export.xlsx": "دریافت Excel",
        "q.export.parquet": "دریافت Parquet",
        "q.export.json": "دریافت JSON",
        "q.export_help": (
            "فایل‌ها همین پرسش را از نخستین سطر دارند (تا {max} سطر)؛ برای بیشتر، فرمان "
            "{command} را به کار ببرید."
        ),
        "q.refused": "پرسش پذیرفته نشد",
        "q.answer": "پاسخ",
        "q.page": "صفحهٔ {page}",
        "q.masked_fields": "پوشانده",
        "q.suppressed_cells": "{count} خانه به دلیل شمار کم پنهان شد",
        "q.withheld": "پنهان",
        "q.withheld_help": (
            "شمار این خانه کمتر از آستانهٔ حفاظت از حریم خصوصی است (یا برای پنهان ماندن "
            "خانهٔ دیگری پنهان شده است)."
        ),
        "q.chart_omitted": "{count} گروه دیگر در نمودار نیامده است",
        "q.no_rows": "سطری با این شرط‌ها نیست.",
        "q.next_page": "صفحهٔ بعد",
        "q.yes": "بله",
        "q.no": "خیر",
        "q.system.institution": "موسسه",
        "q.system.period": "دوره",
        "q.system.province": "استان موسسه",
        "q.system.institution_type": "نوع موسسه",
        # -- grants
        "g.title": "مجوزهای دسترسی",
        "g.intro": "مجوزهایی که دارید و می‌دهید، و درخواست‌هایی که منتظر تصمیم‌اند.",
        "g.ask": "درخواست دسترسی",
        "g.ask_title": "درخواست دسترسی به «{dataset}»",
        "g.ask_intro": (
            "درخواست به حوزهٔ ستادی مالک مجموعه‌داده فرستاده می‌شود؛ پس از تأیید، مجوز در "
            "فهرست مجوزهای شما می‌آید."
        ),
        "g.fields": "فیلدها",
        "g.all_fields": "همهٔ فیلدها",
        "g.fields_required": "دست‌کم یک فیلد یا «همهٔ فیلدها» را برگزینید.",
        "g.personal_field": "شخصی",
        "g.level": "سطح دسترسی",
        "g.level.aggregate": "فقط تجمیعی",
        "g.level.rows": "سطری",
        "g.level_help.aggregate": "شمار، جمع و میانگین گروه‌ها؛ خانه‌های کوچک پنهان می‌شوند",
        "g.level_help.rows": "خود سطرها",
        "g.personal": "دیدن فیلدهای شخصی بدون پوشاندن",
        "g.personal_help": (
            "فقط با مبنای قانونی روشن؛ وگرنه فیلدهای شخصی پوشانده نمایش داده می‌شوند."
        ),
        "g.personal_open": "شخصی بدون پوشاندن",
        "g.scope": "دامنهٔ سطرها",
        "g.scope_help": "خالی یعنی همهٔ سطرها.",
        "g.provinces": "استان‌ها",
        "g.institution_types": "نوع موسسه",
        "g.institutions": "موسسه‌ها",
        "g.institutions_help": "شناسه‌ها با ویرگول، مثلاً IR/UNI/1001",
        "g.period_from": "از دورهٔ",
        "g.period_to": "تا دورهٔ",
        "g.purpose": "هدف استفاده",
        "g.purpose_help": "برای چه کاری و در چه گزارشی به کار می‌رود.",
        "g.legal_basis": "مبنای قانونی",
        "g.legal_basis_help": "آیین‌نامه، مصوبه یا نامه‌ای که این تبادل را مجاز می‌کند.",
        "g.expires_at": "پایان اعتبار",
        "g.expires_help": "تاریخ شمسی (۱۴۰۴/۱۲/۲۹) یا میلادی؛ تا پایان همان روز.",
        "g.send": "فرستادن درخواست",
        "g.to_decide": "درخواست‌های منتظر تصمیم شما",
        "g.terms": "شرایط",
        "g.asked_by": "درخواست‌کننده",
        "g.approve_expiry": "پایان زودتر (اختیاری)",
        "g.approve_expiry_help": "خالی: همان تاریخ درخواست.",
        "g.note": "یادداشت",
        "g.approve": "تأیید و صدور مجوز",
        "g.reason": "دلیل",
        "g.refuse_help": "به درخواست‌کننده نشان داده می‌شود.",
        "g.refuse": "رد درخواست",
        "g.held": "مجوزهای شما",
        "g.given": "مجوزهایی که داده‌اید",
        "g.others": "دیگر مجوزها",
        "g.none": "موردی نیست.",
        "g.grant": "مجوز",
        "g.consumer": "گیرنده",
        "g.actions": "کارها",
        "g.revoke": "لغو",
        "g.revoke_reason": "دلیل لغو",
        "g.active": "فعال",
        "g.expired": "منقضی",
        "g.revoked": "لغوشده",
        "g.mine": "درخواست‌های شما",
        "g.request": "درخواست",
        "g.decision": "تصمیم",
        "g.status.pending": "منتظر تصمیم",
        "g.status.approved": "تأییدشده",
        "g.status.refused": "ردشده",
        "g.notice.requested": "درخواست شما برای مالک مجموعه‌داده فرستاده شد.",
        "g.notice.approved": "درخواست تأیید و مجوز صادر شد.",
        "g.notice.refused": "درخواست رد شد.",
        "g.notice.revoked": "مجوز لغو شد.",
    },
    "en": {
        "nav.queries": "Query data",
        "nav.grants": "Access grants",
        # -- queries
        "q.list_title": "Query data",
        "q.list_intro": "The data sets your grants let you query.",
        "q.none": (
            "You hold no active grant yet; find a data set in the catalogue and ask for access."
        ),
        "q.find_more": "Search the catalogue",
        "q.open": "Build a query",
        "q.title_of": "Query “{dataset}”",
        "q.dataset_page": "Data set page",
        "q.access": "Access",
        "q.grant": "Grant",
        "q.own_data": "Your own institution’s data (no grant needed)",
        "q.under_grant": "Under grant {grant}",
        "q.personal_masked": "personal fields are shown masked",
        "q.columns": "Columns",
        "q.columns_help": (
            "Choose none to see every column you may see. In a grouped query the columns "
            "are the groups."
        ),
        "q.masked": "masked",
        "q.masked_help": (
            "A personal field: shown masked, and not usable in conditions, groups or sorting."
        ),
        "q.filters": "Conditions",
        "q.filters_help": (
            "All conditions must hold. Separate the values of “one of” and “between” with "
            "commas; write dates in the Jalali (1403/07/01) or Gregorian calendar."
        ),
        "q.field": "Field",
        "q.operator": "Operator",
        "q.value": "Value",
        "dl.code_of": "{title} (code)",
        "dl.iso_of": "{title} (ISO)",
        "dl.count": "Count",
        "dl.machine": "For programs: field names, codes and ISO dates",
        "q.picker_help": (
            "For fields with a list, pick the value from the list or type its label or "
            "code; separate several values with commas."
        ),
        "q.op.=": "equals",
        "q.op.!=": "does not equal",
        "q.op.<": "less than",
        "q.op.<=": "at most",
        "q.op.>": "more than",
        "q.op.>=": "at least",
        "q.op.in": "one of",
        "q.op.not_in": "none of",
        "q.op.between": "between (two values)",
        "q.op.contains": "contains",
        "q.op.is_null": "is empty",
        "q.op.is_not_null": "is not empty",
        "q.grouping": "Grouping and aggregates",
        "q.grouping_help": (
            "A grouping counts each group unless you choose other aggregates. Cells under "
            "the threshold are withheld."
        ),
        "q.count_rows": "Count rows",
        "q.function": "Function",
        "q.of_field": "Of field",
        "q.fn.count": "Count",
        "q.fn.count_distinct": "Distinct values",
        "q.fn.sum": "Sum",
        "q.fn.avg": "Average",
        "q.fn.min": "Minimum",
        "q.fn.max": "Maximum",
        "q.more": "Order, size and time",
        "q.order_by": "Sort by",
        "q.direction": "Direction",
        "q.asc": "Ascending",
        "q.desc": "Descending",
        "q.limit": "Rows per page",
        "q.limit_help": "From 1 to {max}",
        "q.as_of": "As of",
        "q.as_of_help": (
            "Empty: current data. A period (1403-1) or a date (1403/07/01: the end of that day)."
        ),
        "q.purpose": "Purpose",
        "q.purpose_help": "Recorded in the audit log with the query.",
        "q.run": "Run the query",
        "q.export.csv": "Download CSV",
        "q.export.xlsx": "Download Excel",
        "q.export.parquet": "Download Parquet",
        "q.export.json": "Download JSON",
        "q.export_help": (
            "Files hold this query from its first row (up to {max} rows); for more, use the "
            "{command} command."
        ),
        "q.refused": "The query was not accepted",
        "q.answer": "Answer",
        "q.page": "Page {page}",
        "q.masked_fields": "Masked",
        "q.suppressed_cells": "{count} cells withheld (small counts)",
        "q.withheld": "withheld",
        "q.withheld_help": (
            "This cell counts fewer rows than the privacy threshold (or is withheld so that "
            "another one stays hidden)."
        ),
        "q.chart_omitted": "{count} more groups are not in the chart",
        "q.no_rows": "No rows match these conditions.",
        "q.next_page": "Next page",
        "q.yes": "Yes",
        "q.no": "No",
        "q.system.institution": "Institution",
        "q.system.period": "Period",
        "q.system.province": "Province of the institution",
        "q.system.institution_type": "Institution type",
        # -- grants
        "g.title": "Access grants",
        "g.intro": "The grants you hold and give, and the requests waiting for a decision.",
        "g.ask": "Ask for access",
        "g.ask_title": "Ask for access to “{dataset}”",
        "g.ask_intro": (
            "The request goes to the HQ unit that owns the data set; once approved, the "
            "grant appears in your list."
        ),
        "g.fields": "Fields",
        "g.all_fields": "Every field",
        "g.fields_required": "Choose at least one field, or “every field”.",
        "g.personal_field": "personal",
        "g.level": "Level",
        "g.level.aggregate": "Aggregates only",
        "g.level.rows": "Rows",
        "g.level_help.aggregate": "counts, sums and averages of groups; small cells withheld",
        "g.level_help.rows": "the rows themselves",
        "g.personal": "See personal fields unmasked",
        "g.personal_help": (
            "Only with a clear legal basis; otherwise personal fields are shown masked."
        ),
        "g.personal_open": "personal unmasked",
        "g.scope": "Rows covered",
        "g.scope_help": "Empty means every row.",
        "g.provinces": "Provinces",
        "g.institution_types": "Institution types",
        "g.institutions": "Institutions",
        "g.institutions_help": "Identifiers separated by commas, e.g. IR/UNI/1001",
        "g.period_from": "From period",
        "g.period_to": "To period",
        "g.purpose": "Purpose",
        "g.purpose_help": "What the data is for, and in which report.",
        "g.legal_basis": "Legal basis",
        "g.legal_basis_help": "The regulation, resolution or letter that allows this exchange.",
        "g.expires_at": "Expires",
        "g.expires_help": "A Jalali (1404/12/29) or Gregorian date; to the end of that day.",
        "g.send": "Send the request",
        "g.to_decide": "Requests waiting for your decision",
        "g.terms": "Terms",
        "g.asked_by": "Asked by",
        "g.approve_expiry": "Earlier expiry (optional)",
        "g.approve_expiry_help": "Empty: the date asked for.",
        "g.note": "Note",
        "g.approve": "Approve and grant",
        "g.reason": "Reason",
        "g.refuse_help": "Shown to the requester.",
        "g.refuse": "Refuse",
        "g.held": "Your grants",
        "g.given": "Grants you have given",
        "g.others": "Other grants",
        "g.none": "None.",
        "g.grant": "Grant",
        "g.consumer": "Consumer",
        "g.actions": "Actions",
        "g.revoke": "Revoke",
        "g.revoke_reason": "Why revoke",
        "g.active": "Active",
        "g.expired": "Expired",
        "g.revoked": "Revoked",
        "g.mine": "Your requests",
        "g.request": "Request",
        "g.decision": "Decision",
        "g.status.pending": "Pending",
        "g.status.approved": "Approved",
        "g.status.refused": "Refused",
        "g.notice.requested": "Your request was sent to the data set’s owner.",
        "g.notice.approved": "The request was approved and the grant made.",
        "g.notice.refused": "The request was refused.",
        "g.notice.revoked": "The grant was revoked.",
    },
}
