"""Code lists built at run time from the register they follow, so they never drift.

``provinces`` and ``institution_types`` come from the members domain, which already holds
them as Python data; ``countries`` comes from ISO 3166-1 as shipped by pycountry, with
Persian names from pycountry's own gettext catalogue. Nothing from pycountry is copied
into the repository: a pycountry upgrade is picked up by the next ``catalogue sync``
(as a minor version when only names change).
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterable

import pycountry

from dargah.catalogue.documents import CodeListDocument, CodeValueDocument
from dargah.members.models import INSTITUTION_TYPE_LABELS
from dargah.members.provinces import PROVINCES
from dargah.persian import match_key, normalize

__all__ = ["countries", "generated_code_lists", "institution_types", "provinces"]

_FIRST_VERSION = "نسخه نخست / First version"

# Persian names, by alpha-2 code, where pycountry's ``fa`` catalogue has none (it
# predates "Türkiye") or a wrong one (Sint Maarten as the "German" part; Saint Helena
# half in English). Every other Persian name is read from pycountry.
_PERSIAN_NAMES: dict[str, str] = {
    "TR": "ترکیه",
    "SX": "سنت مارتین (بخش هلندی)",
    "SH": "سنت هلنا، اسنشن و تریستان دا کونا",
}

# Persian names people write that pycountry lacks: the home country, which every
# nationality field names, has only the long form "ایران، جمهوری اسلامی". (Official
# names are not translated from the catalogue: some of its entries are wrong, e.g.
# "the State of Eritrea" → "فلسطین".)
_PERSIAN_ALIASES: dict[str, tuple[str, ...]] = {"IR": ("ایران", "جمهوری اسلامی ایران")}


def _aliases(value_texts: Iterable[str], candidates: Iterable[str | None]) -> list[str]:
    """The candidates that add a new way to find a value: non-empty, and matching
    neither the code and labels (``value_texts``) nor an earlier candidate."""
    seen = {match_key(text) for text in value_texts}
    aliases: list[str] = []
    for candidate in candidates:
        if not candidate:
            continue
        key = match_key(candidate)
        if key and key not in seen:
            seen.add(key)
            aliases.append(candidate)
    return aliases


def provinces() -> CodeListDocument:
    """The 31 provinces under their Statistical Centre of Iran codes (``23`` is Tehran)."""
    values = [
        CodeValueDocument(
            code=province.code,
            label_fa=province.name_fa,
            label_en=province.name_en,
            attributes={
                "iso": province.iso_code,
                "capital_fa": province.capital_fa,
                "capital_en": province.capital_en,
            },
            aliases=_aliases(
                (province.code, province.name_fa, province.name_en),
                (province.iso_code, f"استان {province.name_fa}", f"{province.name_en} Province"),
            ),
        )
        for province in PROVINCES
    ]
    return CodeListDocument(
        id="provinces",
        title_fa="استان‌ها",
        title_en="Provinces",
        description_fa=(
            "استان‌های کشور با کد دو رقمی مرکز آمار ایران؛ ویژگی iso کد ISO 3166-2 استان است."
        ),
        description_en=(
            "Iran's provinces under the Statistical Centre of Iran's two-digit codes; the "
            "iso attribute is the ISO 3166-2 code."
        ),
        source="مرکز آمار ایران؛ ISO 3166-2:IR",
        changelog=_FIRST_VERSION,
        values=values,
    )


def institution_types() -> CodeListDocument:
    """The institution types members are registered under."""
    values = [
        CodeValueDocument(code=kind.value, label_fa=label_fa, label_en=label_en)
        for kind, (label_fa, label_en) in INSTITUTION_TYPE_LABELS.items()
    ]
    return CodeListDocument(
        id="institution_types",
        title_fa="انواع موسسه‌های آموزش عالی و پژوهشی",
        title_en="Institution types",
        description_fa="گونه‌های دانشگاه‌ها و موسسه‌های آموزش عالی و پژوهشی عضو درگاه.",
        description_en="Kinds of universities and higher-education and research institutions.",
        source="وزارت علوم، تحقیقات و فناوری",
        changelog=_FIRST_VERSION,
        values=values,
    )


def _persian_names() -> Callable[[str], str]:
    """pycountry's Persian translation of an English ISO 3166-1 name (identity where the
    catalogue has none)."""
    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fa"])
    return translation.gettext


def _tidy_persian(text: str) -> str:
    # normalize() handles letters, digits and spacing; the catalogue also has a few
    # "name ، qualifier" with a space before the Persian comma.
    return normalize(text).replace(" ،", "،")


def _translated(translate: Callable[[str], str], english: str | None) -> str | None:
    """The Persian name for ``english``, or None where the catalogue has no entry."""
    if not english:
        return None
    persian = translate(english)
    return _tidy_persian(persian) if persian != english else None


def countries() -> CodeListDocument:
    """ISO 3166-1 countries and territories from pycountry, with Persian names."""
    translate = _persian_names()
    values = []
    for country in sorted(pycountry.countries, key=lambda item: item.alpha_2):
        name: str = country.name
        common: str | None = getattr(country, "common_name", None)
        official: str | None = getattr(country, "official_name", None)
        label_en = common or name
        label_fa = (
            _PERSIAN_NAMES.get(country.alpha_2)
            or _translated(translate, name)
            or _tidy_persian(name)
        )
        values.append(
            CodeValueDocument(
                code=country.alpha_2,
                label_fa=label_fa,
                label_en=label_en,
                attributes={"alpha3": country.alpha_3, "numeric": country.numeric},
                aliases=_aliases(
                    (country.alpha_2, label_fa, label_en),
                    (
                        country.alpha_3,
                        official,
                        name,
                        _translated(translate, common),
                        *_PERSIAN_ALIASES.get(country.alpha_2, ()),
                    ),
                ),
            )
        )
    return CodeListDocument(
        id="countries",
        title_fa="کشورها",
        title_en="Countries",
        description_fa=(
            "کشورها و سرزمین‌ها بر پایه ISO 3166-1 با کد دو حرفی؛ کد سه حرفی و کد عددی در "
            "ویژگی‌ها آمده است."
        ),
        description_en=(
            "Countries and territories of ISO 3166-1 under their alpha-2 codes, with the "
            "alpha-3 and numeric codes as attributes."
        ),
        source="ISO 3166-1 via pycountry",
        changelog=_FIRST_VERSION,
        values=values,
    )


def generated_code_lists() -> list[CodeListDocument]:
    """The code lists generated at run time: provinces, institution types, countries."""
    return [provinces(), institution_types(), countries()]
