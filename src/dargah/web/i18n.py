"""The portal's message catalogue (Persian and English) and locale-aware formatting.

Every string the portal shows comes from ``MESSAGES``; templates call ``t("key")``.
Both languages must hold the same keys (a unit test checks it, and another checks that
every key a template uses exists). Persian is the default; English is one click away.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final, Literal, TypeVar

from markupsafe import Markup, escape

from dargah.persian import TEHRAN, format_jalali, to_persian_digits
from dargah.persian.collation import sort_key as persian_sort_key
from dargah.web.i18n_accounts import ACCOUNT_MESSAGES
from dargah.web.i18n_discovery import DISCOVERY_MESSAGES
from dargah.web.i18n_queries import QUERY_MESSAGES
from dargah.web.i18n_statistics import STATISTICS_MESSAGES
from dargah.web.i18n_submissions import SUBMISSION_MESSAGES

Language = Literal["fa", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("fa", "en")
DEFAULT_LANGUAGE: Final[Language] = "fa"
LANGUAGE_COOKIE: Final = "lang"

_E = TypeVar("_E", bound=enum.Enum)

MESSAGES: Final[dict[Language, dict[str, str]]] = {
    "fa": {
        # -- frame
        "app.short": "درگاه تبادل اطلاعات",
        "app.ministry": "وزارت علوم، تحقیقات و فناوری",
        "nav.skip": "پرش به محتوای اصلی",
        "nav.main": "فهرست اصلی",
        "nav.home": "پیشخوان",
        "nav.members": "اعضا",
        "nav.catalogue": "کاتالوگ داده",
        "nav.submissions": "ارسال داده",
        "lang.other": "English",
        "lang.other_code": "en",
        "lang.switch_label": "Switch to English",
        "footer.text": "درگاه تبادل اطلاعات وزارت علوم، تحقیقات و فناوری",
        # -- authentication
        "auth.login_title": "ورود به درگاه",
        "auth.login_intro": "برای ادامه با حساب کاربری خود وارد شوید.",
        "auth.username": "نام کاربری",
        "auth.password": "گذرواژه",
        "auth.submit": "ورود",
        "auth.logout": "خروج",
        "auth.user_menu": "حساب کاربری",
        "auth.failed_title": "ورود ناموفق بود",
        "auth.form_expired": "فرم ورود منقضی شده است؛ دوباره بکوشید.",
        # -- home
        "home.title": "پیشخوان",
        "home.welcome": "{name}، خوش آمدید.",
        "home.institutions": "دانشگاه‌ها و موسسه‌ها",
        "home.agencies": "دستگاه‌های همکار",
        "home.members_total": "همهٔ اعضا",
        "home.by_type": "موسسه‌ها بر پایهٔ نوع",
        "home.by_province": "موسسه‌ها بر پایهٔ استان",
        "home.count": "شمار",
        "home.share": "سهم",
        "home.browse": "فهرست اعضا",
        "home.new_member": "ثبت عضو تازه",
        "home.quick_links": "پیوندهای سریع",
        # -- members: list
        "members.title": "اعضای درگاه",
        "members.search": "جست‌وجو",
        "members.search_label": "نام یا کد",
        "members.search_placeholder": "مثلاً دانشگاه تهران یا ۱۰۰۱",
        "members.filters": "پالایه‌ها",
        "members.apply": "اعمال",
        "members.clear": "پاک کردن پالایه‌ها",
        "members.any": "همه",
        "members.results": "{total} عضو",
        "members.showing": "نمایش {first} تا {last} از {total}",
        "members.none": "عضوی با این مشخصات پیدا نشد.",
        "members.pagination": "صفحه‌بندی",
        "members.previous": "صفحهٔ قبل",
        "members.next": "صفحهٔ بعد",
        "members.page_of": "صفحهٔ {page} از {pages}",
        # -- members: fields
        "field.identifier": "شناسه",
        "field.kind": "گونهٔ عضو",
        "field.code": "کد",
        "field.name_fa": "نام فارسی",
        "field.name_en": "نام انگلیسی",
        "field.name": "نام",
        "field.institution_type": "نوع موسسه",
        "field.province": "استان",
        "field.city": "شهر",
        "field.parent": "موسسهٔ مادر",
        "field.agency_role": "نقش دستگاه",
        "field.website": "وب‌گاه",
        "field.status": "وضعیت",
        "field.notes": "یادداشت",
        "field.created_at": "تاریخ ثبت",
        "field.updated_at": "آخرین تغییر",
        "field.systems": "سامانه‌ها",
        "field.branches": "شعبه‌ها و واحدها",
        # -- members: page and forms
        "members.details": "مشخصات",
        "members.no_parent": "ندارد (موسسهٔ اصلی)",
        "members.no_branches": "شعبه یا واحدی ثبت نشده است.",
        "members.no_systems": "سامانه‌ای ثبت نشده است.",
        "members.producer": "تولیدکنندهٔ داده",
        "members.consumer": "مصرف‌کنندهٔ داده",
        "members.system_role": "نقش در تبادل",
        "members.new_title": "ثبت عضو تازه",
        "members.edit_title": "ویرایش {name}",
        "members.edit": "ویرایش",
        "members.save": "ذخیره",
        "members.create": "ثبت",
        "members.cancel": "انصراف",
        "members.not_set": "—",
        "members.code_help": (
            "فقط حروف و رقم‌های لاتین و ' ( ) + , - . = ? ؛ پس از ثبت تغییر نمی‌کند."
        ),
        "members.parent_help": "شناسهٔ موسسهٔ مادر برای شعبه‌ها، مانند IR/UNI/1001",
        "members.website_help": "با http:// یا https:// آغاز شود.",
        "members.kind_fixed": "گونه و کد عضو پس از ثبت تغییر نمی‌کند.",
        "members.institution_fields": "برای دانشگاه‌ها و موسسه‌ها",
        "members.agency_fields": "برای دستگاه‌های همکار",
        "members.choose": "انتخاب کنید",
        # -- catalogue: browser
        "cat.title": "کاتالوگ داده‌ها",
        "cat.results": "{total} مجموعه‌داده",
        "cat.search_label": "عنوان، شناسه یا ستون",
        "cat.search_placeholder": "مثلاً دانشجویان یا کد ملی",
        "cat.none": "مجموعه‌داده‌ای با این مشخصات پیدا نشد.",
        "cat.nothing_found": "چیزی پیدا نشد.",
        "cat.fields_found": "ستون‌های یافته‌شده",
        "cat.codes_found": "فهرست‌ها و کدهای یافته‌شده",
        "cat.ask.title": "آنچه درگاه برای این پرسش دارد",
        "cat.ask.period": "دوره",
        "cat.ask.period_help": "مثلاً ۱۴۰۳ یا ۱۴۰۳-۱",
        "cat.ask.institution_type": "نوع موسسه",
        "cat.ask.found_by.title": "یافته در عنوان",
        "cat.ask.found_by.description": "یافته در شرح",
        "cat.ask.found_by.field": "یافته در ستون",
        "cat.ask.found_by.code_value": "یافته در مقدار کد",
        "cat.ask.coverage": "دوره‌های موجود در درگاه",
        "cat.ask.reporting": "{reporting} موسسه گزارش داده‌اند ({of_required} از {required} موظف)",
        "cat.ask.no_data": "درگاه داده‌ای از این مجموعه (برای این پالایه‌ها) ندارد.",
        "cat.ask.last_load": "آخرین بارگذاری",
        "cat.ask.access": "دسترسی شما",
        "cat.ask.access.own_institution": "دادهٔ موسسهٔ خودتان",
        "cat.ask.access.rows": "دسترسی به رکوردها",
        "cat.ask.access.aggregate": "فقط آمار تجمیعی",
        "cat.ask.access.none": "بدون مجوز",
        "cat.ask.access.not_a_consumer": "نقش شما مجوز نمی‌گیرد",
        "cat.ask.grant": "مجوز {grant} تا {until}",
        "cat.ask.grant_short": "این پرسش را در بر نمی‌گیرد",
        "cat.ask.pending": "درخواست {request} در انتظار مالک",
        "cat.ask.next": "گام بعد",
        "cat.ask.action.query": "پرسش از داده",
        "cat.ask.action.request_grant": "درخواست دسترسی",
        "cat.ask.action.information_request": "درخواست اطلاعات",
        "cat.ask.action.none": "اقدامی لازم نیست",
        "cat.ask.api": "از راه API:",
        "cat.codelists": "فهرست‌های کد",
        "cat.awaiting": "در انتظار تصمیم شما: {count}",
        "cat.approvals_title": "نسخه‌های در انتظار تأیید",
        "cat.approvals_intro": "نسخه‌هایی از مجموعه‌داده‌های حوزهٔ شما که برای تأیید فرستاده شده‌اند.",
        "cat.approvals_none": "نسخه‌ای در انتظار تصمیم شما نیست.",
        # -- catalogue: data-set metadata
        "cat.field.title": "عنوان",
        "cat.field.id": "شناسه",
        "cat.field.domain": "حوزهٔ داده",
        "cat.field.owner": "مالک (حوزهٔ ستادی)",
        "cat.field.steward": "متولی",
        "cat.field.sensitivity": "سطح حساسیت",
        "cat.field.cadence": "دورهٔ گزارش",
        "cat.field.status": "وضعیت",
        "cat.field.active_version": "نسخهٔ فعال",
        "cat.field.accepted_versions": "نسخه‌های پذیرفتنی",
        "cat.field.required_types": "موسسه‌های موظف به ارسال",
        "cat.field.natural_key": "کلید طبیعی",
        "cat.field.threshold": "آستانهٔ خانهٔ کوچک",
        "cat.field.description": "توضیح",
        "cat.field.usage_notes": "راهنمای استفاده",
        # -- catalogue: versions
        "cat.version": "نسخه",
        "cat.shown_version": "نسخهٔ {version}",
        "cat.show_version": "نسخهٔ دیگر",
        "cat.show": "نمایش",
        "cat.change_kind": "نوع تغییر",
        "cat.change_log": "شرح تغییر",
        "cat.changes": "تغییرها",
        "cat.breaking": "ناسازگار",
        "cat.no_changes": "تغییری در ساختار فهرست نشده است.",
        "cat.change.initial": "نسخهٔ نخست",
        "cat.change.minor": "جزئی (سازگار)",
        "cat.change.major": "اصلی (ناسازگار)",
        "cat.change.none": "بدون تغییر",
        "cat.created_at": "تاریخ ایجاد",
        "cat.created_by": "ایجادکننده",
        "cat.submitted_at": "تاریخ ارسال",
        "cat.submitted_by": "فرستنده",
        "cat.decided_by": "تصمیم‌گیرنده",
        "cat.accepted_until": "پذیرفته تا",
        "cat.decision_note_shown": "یادداشت تصمیم",
        "cat.history": "تاریخچهٔ نسخه‌ها",
        "cat.open_version": (
            "نسخهٔ {version} هنوز باز است؛ تا تأیید یا رد آن نسخهٔ تازه‌ای ساخته نمی‌شود."
        ),
        # -- catalogue: dictionary and rules
        "cat.dictionary_of": "فرهنگ دادهٔ نسخهٔ {version}",
        "cat.col.name": "نام ستون",
        "cat.col.title_fa": "عنوان فارسی",
        "cat.col.title_en": "عنوان انگلیسی",
        "cat.col.type": "نوع",
        "cat.col.required": "الزامی",
        "cat.col.code_list": "فهرست کد",
        "cat.col.constraints": "محدودیت‌ها",
        "cat.col.description": "توضیح",
        "cat.example": "نمونه",
        "cat.in_key": "کلید",
        "cat.yes": "بله",
        "cat.no": "خیر",
        "cat.rules": "قاعده‌های اعتبارسنجی",
        "cat.no_rules": "قاعده‌ای تعریف نشده است.",
        "cat.rule.id": "شناسهٔ قاعده",
        "cat.rule.severity": "شدت",
        "cat.rule.kind": "گونه",
        "cat.rule.message_fa": "پیام فارسی",
        "cat.rule.message_en": "پیام انگلیسی",
        "cat.severity.error": "خطا",
        "cat.severity.warning": "هشدار",
        # -- catalogue: templates
        "cat.downloads": "الگوی ورود داده",
        "cat.headers.fa": "با سرستون‌های فارسی",
        "cat.headers.en": "با سرستون‌های انگلیسی",
        "cat.headers.names": "با نام ستون‌ها",
        "cat.download_xlsx": "اکسل (XLSX)",
        "cat.download_csv": "CSV",
        # -- catalogue: drafting and deciding
        "cat.new_draft": "پیش‌نویس نسخهٔ تازه",
        "cat.draft_title": "نسخهٔ تازهٔ {title}",
        "cat.draft_intro": (
            "طرح داده (Table Schema) را به شکل JSON ویرایش کنید یا پرونده‌اش را بارگذاری کنید؛"
            " جزئی یا اصلی بودن تغییر را درگاه تعیین می‌کند."
        ),
        "cat.based_on": "نسخهٔ فعال کنونی: {version}",
        "cat.schema": "طرح داده (JSON)",
        "cat.schema_help": (
            "همان قالب پرونده‌های مجموعه‌داده: fields، primaryKey و dargah:rules؛"
            " سند کامل مجموعه‌داده هم پذیرفته می‌شود."
        ),
        "cat.schema_file": "یا بارگذاری پروندهٔ JSON",
        "cat.schema_file_help": "اگر پرونده‌ای برگزینید، به‌جای متن بالا به کار می‌رود.",
        "cat.note": "شرح تغییر",
        "cat.note_help": "چه چیزی و چرا تغییر کرد؛ در تاریخچهٔ نسخه‌ها می‌ماند.",
        "cat.check": "بررسی نوع تغییر",
        "cat.save_draft": "ذخیرهٔ پیش‌نویس",
        "cat.save_submit": "ذخیره و فرستادن برای تأیید",
        "cat.preview_title": "نتیجهٔ بررسی",
        "cat.preview_kind": "این طرح نسبت به نسخهٔ فعال تغییری {kind} است.",
        "cat.preview_none": "این طرح با نسخهٔ فعال یکی است؛ نسخهٔ تازه‌ای لازم نیست.",
        "cat.preview_saved_nothing": "چیزی ذخیره نشد.",
        "cat.json_invalid": "JSON خوانده نشد (سطر {line}، ستون {column}): {reason}",
        "cat.json_not_object": "طرح داده باید یک شیء JSON باشد.",
        "cat.file_too_large": "طرح داده بزرگ‌تر از یک مگابایت است.",
        "cat.file_not_utf8": "پرونده باید با نویسه‌گذاری UTF-8 باشد.",
        "cat.submit": "فرستادن برای تأیید",
        "cat.submit_help": "پیش‌نویس برای تأیید به حوزهٔ ستادی مالک فرستاده می‌شود.",
        "cat.decision_title": "تصمیم حوزهٔ مالک",
        "cat.decision_note": "یادداشت تأیید",
        "cat.transition_days": "دورهٔ گذار (روز)",
        "cat.transition_help": "تا چند روز نسخهٔ اصلی پیشین هنوز پذیرفته شود (پیش‌فرض ۱۸۰).",
        "cat.approve": "تأیید و فعال‌سازی",
        "cat.reason": "دلیل رد",
        "cat.reason_help": "متصدی درگاه این دلیل را می‌خواند.",
        "cat.reject": "رد نسخه",
        "cat.notice.drafted": (
            "پیش‌نویس ذخیره شد. نوع تغییر و فهرست تغییرها را بررسی کنید و آن را برای تأیید بفرستید."
        ),
        "cat.notice.submitted": "نسخه برای تأیید به حوزهٔ مالک فرستاده شد.",
        "cat.notice.approved": "نسخه تأیید شد و اکنون فعال است.",
        "cat.notice.rejected": "نسخه رد شد.",
        # -- catalogue: code lists
        "cat.cl.results": "{total} فهرست کد",
        "cat.cl.none": "فهرست کدی ثبت نشده است.",
        "cat.cl.values": "شمار مقدارها",
        "cat.cl.source": "مرجع",
        "cat.cl.versions": "نسخه‌ها",
        "cat.cl.status.active": "فعال",
        "cat.cl.status.superseded": "جایگزین‌شده",
        "cat.cl.not_active": "نسخهٔ فعال: {version}",
        "cat.cl.values_of": "مقدارهای نسخهٔ {version}",
        "cat.cl.code": "کد",
        "cat.cl.label_fa": "عنوان فارسی",
        "cat.cl.label_en": "عنوان انگلیسی",
        "cat.cl.parent": "والد",
        "cat.cl.attributes": "ویژگی‌ها",
        "cat.cl.aliases": "نام‌های دیگر",
        "cat.cl.deprecated": "منسوخ",
        "cat.cl.lookup": "یافتن کد",
        "cat.cl.lookup_label": "کد، عنوان یا نام دیگر",
        "cat.cl.lookup_help": "در نسخهٔ فعال؛ ی/ي، ک/ك و رقم‌های فارسی و لاتین یکسان شمرده می‌شوند.",
        "cat.cl.lookup_found": "«{query}» همان کد {code} است:",
        "cat.cl.lookup_none": "مقداری برای «{query}» پیدا نشد.",
        "cat.cl.used_by": "مجموعه‌داده‌های به‌کاربرنده",
        "cat.cl.used_by_none": "نسخهٔ فعال هیچ مجموعه‌داده‌ای از این فهرست استفاده نمی‌کند.",
        # -- enum labels the models do not carry
        "kind.ministry": "وزارتخانه",
        "kind.agency": "دستگاه همکار",
        "kind.institution": "دانشگاه یا موسسه",
        "agency_role.national_exchange_center": "مرکز تبادل اطلاعات ملی",
        "agency_role.cluster14_peer": "عضو خوشهٔ ۱۴ (آموزش و پژوهش)",
        "agency_role.other": "سایر",
        # -- forms and errors
        "form.errors_title": "لطفاً خطاهای زیر را برطرف کنید.",
        "form.required": "الزامی",
        "form.saved": "تغییرات ذخیره شد.",
        "form.created": "عضو ثبت شد.",
        "error.title": "خطا",
        "error.code": "کد خطا",
        "error.request_id": "شناسهٔ درخواست",
        "error.help": "اگر مشکل ادامه داشت، شناسهٔ درخواست را به پشتیبانی اعلام کنید.",
        "error.home": "بازگشت به پیشخوان",
        "error.back": "بازگشت",
        "error.403": "دسترسی ممنوع",
        "error.404": "پیدا نشد",
        "error.500": "خطای داخلی",
        "error.generic": "درخواست انجام نشد",
        # -- validation messages (pydantic error types)
        "val.missing": "این فیلد الزامی است.",
        "val.too_short": "مقدار کوتاه‌تر از حد مجاز است.",
        "val.too_long": "مقدار بلندتر از حد مجاز است.",
        "val.choice": "مقدار از گزینه‌های مجاز نیست.",
        "val.code": (
            "کد فقط می‌تواند حروف و رقم‌های لاتین و ' ( ) + , - . = ? داشته باشد (حداکثر ۴۰)."
        ),
        "val.province": "استان شناخته نشد.",
        "val.website": "نشانی وب‌گاه باید با http:// یا https:// آغاز شود.",
        "val.empty": "نمی‌تواند خالی باشد.",
        "val.number": "باید عدد باشد.",
        "val.invalid": "مقدار معتبر نیست.",
        # -- submissions
        "sub.title": "ارسال‌های داده",
        "sub.results": "{total} ارسال",
        "sub.none": "هنوز ارسالی ثبت نشده است.",
        "sub.new": "ارسال تازه",
        "sub.new_title": "ارسال دادهٔ تازه",
        "sub.new_intro": (
            "فایل داده را بر پایهٔ الگوی مجموعه‌داده بارگذاری کنید؛ پس از بررسی، گزارش خطاها "
            "نشان داده می‌شود."
        ),
        "sub.send": "بارگذاری و ارسال",
        "sub.field.id": "شماره",
        "sub.field.dataset": "مجموعه‌داده",
        "sub.field.institution": "موسسه",
        "sub.field.period": "دورهٔ گزارش",
        "sub.field.mode": "شیوهٔ ارسال",
        "sub.field.policy": "سیاست پذیرش",
        "sub.field.file": "فایل داده",
        "sub.field.validate_only": "فقط بررسی شود (داده بارگذاری نشود)",
        "sub.field.status": "وضعیت",
        "sub.field.created_at": "زمان ارسال",
        "sub.field.finished_at": "پایان پردازش",
        "sub.field.content_hash": "چکیدهٔ محتوا (SHA-256)",
        "sub.period_help": "۱۴۰۳-۱ برای یک نیمسال، ۱۴۰۳ برای یک سال",
        "sub.mode_help": (
            "تصویر کامل جای دادهٔ دوره را می‌گیرد؛ تغییرات فقط ردیف‌های فایل را می‌افزاید یا "
            "به‌روز می‌کند."
        ),
        "sub.policy_help": "همه یا هیچ: با یک خطا هیچ ردیفی پذیرفته نمی‌شود.",
        "sub.institution_help": "شناسهٔ موسسه‌ای که داده برای آن است، مانند IR/UNI/1001",
        "sub.file_help": "CSV، اکسل (xlsx)، JSON یا NDJSON",
        "sub.validate_only_help": (
            "فایل بررسی و گزارش خطاها ساخته می‌شود، ولی داده‌ای ذخیره نمی‌شود."
        ),
        "sub.mode.snapshot": "تصویر کامل",
        "sub.mode.delta": "تغییرات",
        "sub.policy.all_or_nothing": "همه یا هیچ",
        "sub.policy.accept_valid": "پذیرش ردیف‌های درست",
        "sub.show_title": "ارسال شمارهٔ {id}",
        "sub.details": "مشخصات و نتیجه",
        "sub.progress": "{rows} ردیف پردازش شده",
        "sub.rate": "{rate} ردیف در ثانیه",
        "sub.refreshing": "این صفحه هر دو ثانیه به‌روز می‌شود.",
        "sub.failure": "پردازش این ارسال به پایان نرسید.",
        "sub.same_as": "محتوای این فایل همان ارسال پیشین است:",
        "sub.bytes": "{size} بایت",
        "sub.count.received": "دریافت‌شده",
        "sub.count.accepted": "پذیرفته",
        "sub.count.rejected": "ردشده",
        "sub.count.errors": "خطاها",
        "sub.count.warnings": "هشدارها",
        "sub.receipt": "دریافت رسید امضاشده",
        "sub.findings": "یافته‌های بررسی",
        "sub.findings_first": "{shown} مورد نخست نشان داده شده است؛ همه را در فایل گزارش ببینید.",
        "sub.no_findings": "خطا یا هشداری یافت نشد.",
        "sub.report_csv": "گزارش CSV",
        "sub.report_xlsx": "گزارش اکسل",
        "sub.finding.row": "ردیف",
        "sub.finding.column": "ستون",
        "sub.finding.value": "مقدار",
        "sub.finding.code": "کد",
        "sub.finding.rule": "قاعده",
        "sub.finding.severity": "شدت",
        "sub.finding.message": "پیام",
        "sub.severity.error": "خطا",
        "sub.severity.warning": "هشدار",
    },
    "en": {
        "app.short": "Information Exchange Gateway",
        "app.ministry": "Ministry of Science, Research and Technology",
        "nav.skip": "Skip to main content",
        "nav.main": "Main menu",
        "nav.home": "Dashboard",
        "nav.members": "Members",
        "nav.catalogue": "Data catalogue",
        "nav.submissions": "Submissions",
        "lang.other": "فارسی",
        "lang.other_code": "fa",
        "lang.switch_label": "نمایش به فارسی",
        "footer.text": (
            "Information Exchange Gateway of the Ministry of Science, Research and Technology"
        ),
        "auth.login_title": "Log in to the gateway",
        "auth.login_intro": "Log in with your account to continue.",
        "auth.username": "Username",
        "auth.password": "Password",
        "auth.submit": "Log in",
        "auth.logout": "Log out",
        "auth.user_menu": "Account",
        "auth.failed_title": "Login failed",
        "auth.form_expired": "The login form has expired; please try again.",
        "home.title": "Dashboard",
        "home.welcome": "Welcome, {name}.",
        "home.institutions": "Universities and institutions",
        "home.agencies": "Peer agencies",
        "home.members_total": "All members",
        "home.by_type": "Institutions by type",
        "home.by_province": "Institutions by province",
        "home.count": "Count",
        "home.share": "Share",
        "home.browse": "Browse members",
        "home.new_member": "Register a member",
        "home.quick_links": "Quick links",
        "members.title": "Gateway members",
        "members.search": "Search",
        "members.search_label": "Name or code",
        "members.search_placeholder": "e.g. University of Tehran or 1001",
        "members.filters": "Filters",
        "members.apply": "Apply",
        "members.clear": "Clear filters",
        "members.any": "Any",
        "members.results": "{total} members",
        "members.showing": "Showing {first}–{last} of {total}",
        "members.none": "No member matches.",
        "members.pagination": "Pagination",
        "members.previous": "Previous page",
        "members.next": "Next page",
        "members.page_of": "Page {page} of {pages}",
        "field.identifier": "Identifier",
        "field.kind": "Kind of member",
        "field.code": "Code",
        "field.name_fa": "Persian name",
        "field.name_en": "English name",
        "field.name": "Name",
        "field.institution_type": "Institution type",
        "field.province": "Province",
        "field.city": "City",
        "field.parent": "Parent institution",
        "field.agency_role": "Agency role",
        "field.website": "Website",
        "field.status": "Status",
        "field.notes": "Notes",
        "field.created_at": "Registered",
        "field.updated_at": "Last changed",
        "field.systems": "Systems",
        "field.branches": "Branches and campuses",
        "members.details": "Details",
        "members.no_parent": "None (a main institution)",
        "members.no_branches": "No branches or campuses registered.",
        "members.no_systems": "No systems registered.",
        "members.producer": "Data producer",
        "members.consumer": "Data consumer",
        "members.system_role": "Role in exchange",
        "members.new_title": "Register a member",
        "members.edit_title": "Edit {name}",
        "members.edit": "Edit",
        "members.save": "Save",
        "members.create": "Register",
        "members.cancel": "Cancel",
        "members.not_set": "—",
        "members.code_help": "Latin letters, digits and ' ( ) + , - . = ? only; it never changes.",
        "members.parent_help": (
            "Identifier of the parent institution for branches, e.g. IR/UNI/1001"
        ),
        "members.website_help": "Starts with http:// or https://.",
        "members.kind_fixed": "A member's kind and code never change once registered.",
        "members.institution_fields": "For universities and institutions",
        "members.agency_fields": "For peer agencies",
        "members.choose": "Choose",
        # -- catalogue
        "cat.title": "Data catalogue",
        "cat.results": "{total} data sets",
        "cat.search_label": "Title, id or field",
        "cat.search_placeholder": "e.g. students or national id",
        "cat.none": "No data set matches.",
        "cat.nothing_found": "Nothing found.",
        "cat.fields_found": "Matching fields",
        "cat.codes_found": "Matching code lists and codes",
        "cat.ask.title": "What the gateway holds for this question",
        "cat.ask.period": "Period",
        "cat.ask.period_help": "e.g. 1403 or 1403-1",
        "cat.ask.institution_type": "Institution type",
        "cat.ask.found_by.title": "found in the title",
        "cat.ask.found_by.description": "found in the description",
        "cat.ask.found_by.field": "found in a field",
        "cat.ask.found_by.code_value": "found in a code value",
        "cat.ask.coverage": "Periods the gateway holds",
        "cat.ask.reporting": "{reporting} institutions reported ({of_required} of {required} due)",
        "cat.ask.no_data": "The gateway holds no data of this data set (for these filters).",
        "cat.ask.last_load": "Last load",
        "cat.ask.access": "Your access",
        "cat.ask.access.own_institution": "Your institution's own data",
        "cat.ask.access.rows": "Row-level grant",
        "cat.ask.access.aggregate": "Aggregates only",
        "cat.ask.access.none": "No grant",
        "cat.ask.access.not_a_consumer": "Your role holds no grants",
        "cat.ask.grant": "Grant {grant} until {until}",
        "cat.ask.grant_short": "does not reach this question",
        "cat.ask.pending": "request {request} awaits the owner",
        "cat.ask.next": "Next step",
        "cat.ask.action.query": "Query the data",
        "cat.ask.action.request_grant": "Ask for access",
        "cat.ask.action.information_request": "Information request",
        "cat.ask.action.none": "Nothing to do",
        "cat.ask.api": "Through the API:",
        "cat.codelists": "Code lists",
        "cat.awaiting": "Awaiting your decision: {count}",
        "cat.approvals_title": "Versions awaiting approval",
        "cat.approvals_intro": "Versions of your unit's data sets that were sent for approval.",
        "cat.approvals_none": "No version awaits your decision.",
        "cat.field.title": "Title",
        "cat.field.id": "Id",
        "cat.field.domain": "Domain",
        "cat.field.owner": "Owner (HQ unit)",
        "cat.field.steward": "Steward",
        "cat.field.sensitivity": "Sensitivity",
        "cat.field.cadence": "Reporting cadence",
        "cat.field.status": "Status",
        "cat.field.active_version": "Active version",
        "cat.field.accepted_versions": "Accepted versions",
        "cat.field.required_types": "Institutions required to report",
        "cat.field.natural_key": "Natural key",
        "cat.field.threshold": "Small-cell threshold",
        "cat.field.description": "Description",
        "cat.field.usage_notes": "Usage notes",
        "cat.version": "Version",
        "cat.shown_version": "Version {version}",
        "cat.show_version": "Another version",
        "cat.show": "Show",
        "cat.change_kind": "Kind of change",
        "cat.change_log": "Change log",
        "cat.changes": "Changes",
        "cat.breaking": "Breaking",
        "cat.no_changes": "No structural changes listed.",
        "cat.change.initial": "Initial version",
        "cat.change.minor": "Minor (compatible)",
        "cat.change.major": "Major (breaking)",
        "cat.change.none": "No change",
        "cat.created_at": "Created",
        "cat.created_by": "Created by",
        "cat.submitted_at": "Submitted",
        "cat.submitted_by": "Submitted by",
        "cat.decided_by": "Decided by",
        "cat.accepted_until": "Accepted until",
        "cat.decision_note_shown": "Decision note",
        "cat.history": "Version history",
        "cat.open_version": (
            "Version {version} is still open; no new version until it is approved or rejected."
        ),
        "cat.dictionary_of": "Data dictionary of version {version}",
        "cat.col.name": "Column name",
        "cat.col.title_fa": "Persian title",
        "cat.col.title_en": "English title",
        "cat.col.type": "Type",
        "cat.col.required": "Required",
        "cat.col.code_list": "Code list",
        "cat.col.constraints": "Constraints",
        "cat.col.description": "Description",
        "cat.example": "Example",
        "cat.in_key": "key",
        "cat.yes": "Yes",
        "cat.no": "No",
        "cat.rules": "Validation rules",
        "cat.no_rules": "No rules defined.",
        "cat.rule.id": "Rule id",
        "cat.rule.severity": "Severity",
        "cat.rule.kind": "Kind",
        "cat.rule.message_fa": "Persian message",
        "cat.rule.message_en": "English message",
        "cat.severity.error": "Error",
        "cat.severity.warning": "Warning",
        "cat.downloads": "Data-entry templates",
        "cat.headers.fa": "With Persian headers",
        "cat.headers.en": "With English headers",
        "cat.headers.names": "With column names",
        "cat.download_xlsx": "Excel (XLSX)",
        "cat.download_csv": "CSV",
        "cat.new_draft": "Draft a new version",
        "cat.draft_title": "New version of {title}",
        "cat.draft_intro": (
            "Edit the table schema as JSON or upload its file; the gateway decides whether the"
            " change is minor or major."
        ),
        "cat.based_on": "Current active version: {version}",
        "cat.schema": "Schema (JSON)",
        "cat.schema_help": (
            "The form of the data-set files: fields, primaryKey and dargah:rules; a whole"
            " data-set document is accepted too."
        ),
        "cat.schema_file": "Or upload a JSON file",
        "cat.schema_file_help": "A chosen file is used instead of the text above.",
        "cat.note": "Change log",
        "cat.note_help": "What changed and why; kept in the version history.",
        "cat.check": "Check the change",
        "cat.save_draft": "Save draft",
        "cat.save_submit": "Save and submit",
        "cat.preview_title": "Check result",
        "cat.preview_kind": "Against the active version this is a change of kind: {kind}.",
        "cat.preview_none": (
            "This schema is the same as the active version; no new version is needed."
        ),
        "cat.preview_saved_nothing": "Nothing was saved.",
        "cat.json_invalid": "The JSON could not be read (line {line}, column {column}): {reason}",
        "cat.json_not_object": "The schema must be a JSON object.",
        "cat.file_too_large": "The schema is larger than one megabyte.",
        "cat.file_not_utf8": "The file must be UTF-8 encoded.",
        "cat.submit": "Submit for approval",
        "cat.submit_help": "The draft goes to the owning HQ unit for approval.",
        "cat.decision_title": "The owner's decision",
        "cat.decision_note": "Approval note",
        "cat.transition_days": "Transition window (days)",
        "cat.transition_help": (
            "How long the previous major version is still accepted (default 180)."
        ),
        "cat.approve": "Approve and activate",
        "cat.reason": "Reason for rejection",
        "cat.reason_help": "The gateway operator reads this reason.",
        "cat.reject": "Reject",
        "cat.notice.drafted": (
            "Draft saved. Review the kind of change and the changes, then submit it for approval."
        ),
        "cat.notice.submitted": "The version was sent to the owner for approval.",
        "cat.notice.approved": "The version was approved and is now active.",
        "cat.notice.rejected": "The version was rejected.",
        "cat.cl.results": "{total} code lists",
        "cat.cl.none": "No code lists yet.",
        "cat.cl.values": "Values",
        "cat.cl.source": "Source",
        "cat.cl.versions": "Versions",
        "cat.cl.status.active": "Active",
        "cat.cl.status.superseded": "Superseded",
        "cat.cl.not_active": "active version: {version}",
        "cat.cl.values_of": "Values of version {version}",
        "cat.cl.code": "Code",
        "cat.cl.label_fa": "Persian label",
        "cat.cl.label_en": "English label",
        "cat.cl.parent": "Parent",
        "cat.cl.attributes": "Attributes",
        "cat.cl.aliases": "Other names",
        "cat.cl.deprecated": "Deprecated",
        "cat.cl.lookup": "Look up a code",
        "cat.cl.lookup_label": "Code, label or other name",
        "cat.cl.lookup_help": (
            "In the active version; Arabic and Persian letter forms and digits are treated alike."
        ),
        "cat.cl.lookup_found": "“{query}” is code {code}:",
        "cat.cl.lookup_none": "Nothing matches “{query}”.",
        "cat.cl.used_by": "Used by data sets",
        "cat.cl.used_by_none": "No data set's active version uses this list.",
        "kind.ministry": "Ministry",
        "kind.agency": "Peer agency",
        "kind.institution": "University or institution",
        "agency_role.national_exchange_center": "National Information Exchange Center",
        "agency_role.cluster14_peer": "Cluster-14 peer (education and research)",
        "agency_role.other": "Other",
        "form.errors_title": "Please correct the errors below.",
        "form.required": "required",
        "form.saved": "Changes saved.",
        "form.created": "Member registered.",
        "error.title": "Error",
        "error.code": "Error code",
        "error.request_id": "Request id",
        "error.help": "If the problem persists, quote the request id to support.",
        "error.home": "Back to the dashboard",
        "error.back": "Back",
        "error.403": "Access denied",
        "error.404": "Not found",
        "error.500": "Internal error",
        "error.generic": "The request was not completed",
        "val.missing": "This field is required.",
        "val.too_short": "The value is too short.",
        "val.too_long": "The value is too long.",
        "val.choice": "The value is not one of the allowed choices.",
        "val.code": "A code may use only A–Z a–z 0–9 ' ( ) + , - . = ? (at most 40).",
        "val.province": "Unknown province.",
        "val.website": "The website must start with http:// or https://.",
        "val.empty": "Must not be empty.",
        "val.number": "Must be a number.",
        "val.invalid": "The value is not valid.",
        # -- submissions
        "sub.title": "Data submissions",
        "sub.results": "{total} submissions",
        "sub.none": "No submissions yet.",
        "sub.new": "New submission",
        "sub.new_title": "Send new data",
        "sub.new_intro": (
            "Upload a data file that follows the data set’s template; once checked, its error "
            "report is shown."
        ),
        "sub.send": "Upload and send",
        "sub.field.id": "No.",
        "sub.field.dataset": "Data set",
        "sub.field.institution": "Institution",
        "sub.field.period": "Period",
        "sub.field.mode": "Mode",
        "sub.field.policy": "Acceptance policy",
        "sub.field.file": "Data file",
        "sub.field.validate_only": "Validate only (load nothing)",
        "sub.field.status": "Status",
        "sub.field.created_at": "Sent at",
        "sub.field.finished_at": "Finished at",
        "sub.field.content_hash": "Content hash (SHA-256)",
        "sub.period_help": "1403-1 for a term, 1403 for a year",
        "sub.mode_help": (
            "A snapshot replaces the period’s data; a delta adds or updates only the file’s rows."
        ),
        "sub.policy_help": "All or nothing: a single error rejects every row.",
        "sub.institution_help": (
            "The identifier of the institution the data is for, e.g. IR/UNI/1001"
        ),
        "sub.file_help": "CSV, Excel (xlsx), JSON or NDJSON",
        "sub.validate_only_help": "The file is checked and its report made, but no data is stored.",
        "sub.mode.snapshot": "Snapshot",
        "sub.mode.delta": "Delta",
        "sub.policy.all_or_nothing": "All or nothing",
        "sub.policy.accept_valid": "Accept valid rows",
        "sub.show_title": "Submission {id}",
        "sub.details": "Details and outcome",
        "sub.progress": "{rows} rows processed",
        "sub.rate": "{rate} rows per second",
        "sub.refreshing": "This page refreshes every two seconds.",
        "sub.failure": "Processing of this submission did not finish.",
        "sub.same_as": "This file has the same content as an earlier submission:",
        "sub.bytes": "{size} bytes",
        "sub.count.received": "Received",
        "sub.count.accepted": "Accepted",
        "sub.count.rejected": "Rejected",
        "sub.count.errors": "Errors",
        "sub.count.warnings": "Warnings",
        "sub.receipt": "Download the signed receipt",
        "sub.findings": "Findings",
        "sub.findings_first": "The first {shown} are shown; the report file holds them all.",
        "sub.no_findings": "No errors or warnings were found.",
        "sub.report_csv": "CSV report",
        "sub.report_xlsx": "Excel report",
        "sub.finding.row": "Row",
        "sub.finding.column": "Column",
        "sub.finding.value": "Value",
        "sub.finding.code": "Code",
        "sub.finding.rule": "Rule",
        "sub.finding.severity": "Severity",
        "sub.finding.message": "Message",
        "sub.severity.error": "Error",
        "sub.severity.warning": "Warning",
    },
}


# The query and grant pages, and the statistics dashboard, keep their messages in
# modules of their own.
for _language in LANGUAGES:
    for _extra in (
        QUERY_MESSAGES,
        STATISTICS_MESSAGES,
        DISCOVERY_MESSAGES,
        SUBMISSION_MESSAGES,
        ACCOUNT_MESSAGES,
    ):
        _clash = MESSAGES[_language].keys() & _extra[_language].keys()
        if _clash:
            raise RuntimeError(f"message keys defined twice: {sorted(_clash)}")
        MESSAGES[_language].update(_extra[_language])


def coerce_language(value: str | None) -> Language | None:
    """``value`` as a supported language, or None."""
    if value == "fa":
        return "fa"
    if value == "en":
        return "en"
    return None


def translate(language: Language, key: str, /, **params: object) -> str:
    """The message ``key`` in ``language``, with ``{name}`` placeholders filled in.

    An unknown key raises ``KeyError``: the tests render every template, so a typo
    fails there rather than showing a raw key to a user. A parameter given as markup
    (``code("dargah query")``) makes the whole message markup, every other part
    escaped, so a command inside a sentence is shown as code, not as words.
    """
    message = MESSAGES[language][key]
    if any(isinstance(value, Markup) for value in params.values()):
        return escape(message).format(**params)
    return message.format(**params) if params else message


def code(text: object) -> Markup:
    """``text`` as a code to type (a command, a file's field), left to right."""
    return Markup('<code dir="ltr">{}</code>').format(text)


def direction(language: Language) -> Literal["rtl", "ltr"]:
    """The writing direction of ``language``."""
    return "rtl" if language == "fa" else "ltr"


def format_number(value: int, language: Language) -> str:
    """An integer with thousands separators; Persian digits and ``٬`` in Persian."""
    text = f"{value:,}"
    if language == "fa":
        return to_persian_digits(text.replace(",", "\u066c"))
    return text


def digits(text: object, language: Language) -> str:
    """``text`` with Persian digits in the Persian UI (display only, never identifiers)."""
    value = "" if text is None else str(text)
    return to_persian_digits(value) if language == "fa" else value


SNAPSHOT_PERIOD: Final = "current"
_SNAPSHOT_LABELS: Final = {"fa": "وضعیت جاری", "en": "current state"}


def period_label(period: object, language: Language) -> str:
    """A period as a person reads it: ``1403-1`` in the page's digits, and the period of
    a snapshot data set (``current``: what holds now, no term or year) in words."""
    if period == SNAPSHOT_PERIOD:
        return _SNAPSHOT_LABELS[language]
    return digits(period, language)


def isolate(text: object) -> str:
    """``text`` wrapped in Unicode bidi isolates, for a name inside a sentence of the
    other direction (a Persian name in an English sentence keeps its punctuation)."""
    return f"\u2068{text}\u2069"


def display_name(item: object, language: Language) -> str:
    """The name of a member or system to show: Persian (Persian digits) or English.

    English pages fall back to the Persian name when there is no English one.
    """
    name_fa = str(getattr(item, "name_fa", "") or "")
    if language == "fa":
        return to_persian_digits(name_fa)
    return str(getattr(item, "name_en", None) or name_fa)


NO_BREAK_SPACE: Final = "\u00a0"


def format_date(
    value: date | datetime | None, language: Language, *, with_time: bool = True
) -> str:
    """A date in the Jalali calendar with Persian digits, or Gregorian ISO in English.

    Both are shown in Tehran time, so the two languages agree on the day. The date and
    the time are joined by a no-break space: a narrow table column never splits them
    over two lines.
    """
    if value is None:
        return ""
    if language == "fa":
        shown = format_jalali(
            value, persian_digits=True, with_time=with_time and isinstance(value, datetime)
        )
    elif isinstance(value, datetime):
        local = value.astimezone(TEHRAN) if value.tzinfo is not None else value
        shown = local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
    else:
        shown = value.isoformat()
    return shown.replace(" ", NO_BREAK_SPACE)


def label(labels: Mapping[_E, tuple[str, str]], value: _E | str | None, language: Language) -> str:
    """The Persian or English label of an enum member from a ``(fa, en)`` label table."""
    if value is None:
        return ""
    for member, (fa, en) in labels.items():
        if member == value or member.value == value:
            return fa if language == "fa" else en
    return str(value)


def sort_key(text: str, language: Language) -> tuple[int, ...] | str:
    """A key that sorts names alphabetically for ``language`` (Persian letter order)."""
    if language == "en":
        return text.casefold()
    return persian_sort_key(text)
