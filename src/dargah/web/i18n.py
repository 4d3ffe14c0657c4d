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

from dargah.persian import TEHRAN, format_jalali, to_persian_digits

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
        "members.search_placeholder": "مثلاً دانشگاه تهران یا 1001",
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
    },
    "en": {
        "app.short": "Information Exchange Gateway",
        "app.ministry": "Ministry of Science, Research and Technology",
        "nav.skip": "Skip to main content",
        "nav.main": "Main menu",
        "nav.home": "Dashboard",
        "nav.members": "Members",
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
    },
}


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
    fails there rather than showing a raw key to a user.
    """
    message = MESSAGES[language][key]
    return message.format(**params) if params else message


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


def format_date(
    value: date | datetime | None, language: Language, *, with_time: bool = True
) -> str:
    """A date in the Jalali calendar with Persian digits, or Gregorian ISO in English.

    Both are shown in Tehran time, so the two languages agree on the day.
    """
    if value is None:
        return ""
    if language == "fa":
        return format_jalali(
            value, persian_digits=True, with_time=with_time and isinstance(value, datetime)
        )
    if isinstance(value, datetime):
        local = value.astimezone(TEHRAN) if value.tzinfo is not None else value
        return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
    return value.isoformat()


def label(labels: Mapping[_E, tuple[str, str]], value: _E | str | None, language: Language) -> str:
    """The Persian or English label of an enum member from a ``(fa, en)`` label table."""
    if value is None:
        return ""
    for member, (fa, en) in labels.items():
        if member == value or member.value == value:
            return fa if language == "fa" else en
    return str(value)


# The Persian alphabet's order; Unicode's order puts پ چ ژ گ after the Arabic letters.
_FA_ALPHABET: Final = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_FA_ORDER: Final = {letter: index for index, letter in enumerate(_FA_ALPHABET)}
_SEPARATORS: Final = frozenset(" \u200c-")


def sort_key(text: str, language: Language) -> tuple[int, ...] | str:
    """A key that sorts names alphabetically for ``language`` (Persian letter order)."""
    if language == "en":
        return text.casefold()
    return tuple(
        -1 if char in _SEPARATORS else _FA_ORDER.get(char, len(_FA_ALPHABET) + ord(char))
        for char in text
    )
