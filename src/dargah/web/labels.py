"""What a person reads instead of a code: one helper per kind of value.

Pages, downloads and error messages show a field by its catalogue title, a province or
an institution type by its name, an actor by a readable name and a constraint in words
— in the page's language. Codes stay where a clerk needs them (beside the label, in a
muted ``<bdi>``), chosen by the template, never instead of the label. Every page of the
grants, the catalogue's data sets, the query builder and the downloads uses these, so
a label is written once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any, Final

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.catalogue.schema import Constraints, SchemaField
from dargah.identity.models import Person
from dargah.members.models import INSTITUTION_TYPE_LABELS, Member
from dargah.members.provinces import PROVINCES
from dargah.persian import to_persian_digits
from dargah.web.i18n import Language, display_name, format_number, label

_PROVINCES: Final = {province.code: province for province in PROVINCES}

# Table Schema storage types, as a person calls them.
STORAGE_TYPE_LABELS: Final[dict[str, tuple[str, str]]] = {
    "string": ("متن", "Text"),
    "integer": ("عدد صحیح", "Integer"),
    "number": ("عدد", "Number"),
    "boolean": ("بله/خیر", "Yes/No"),
    "date": ("تاریخ", "Date"),
    "datetime": ("تاریخ و زمان", "Date and time"),
    "year": ("سال", "Year"),
}


# Kinds of cross-field rules (catalogue/schema.py), as a person calls them.
RULE_KIND_LABELS: Final[dict[str, tuple[str, str]]] = {
    "compare": ("مقایسهٔ دو فیلد", "Comparison of two fields"),
    "required_if": ("الزامی به شرط", "Required when"),
    "code_attribute": ("ویژگی کد", "Code attribute"),
    "exists_in": ("وجود در مجموعه‌دادهٔ دیگر", "Exists in another data set"),
}


def _pick(pair: tuple[str, str], language: Language) -> str:
    return pair[0] if language == "fa" else pair[1]


def _number(value: int | float, language: Language) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value, language)
    text = f"{value:g}"
    return to_persian_digits(text.replace(".", "\u066b")) if language == "fa" else text


# -- fields -----------------------------------------------------------------------------


def field_label(field: SchemaField, language: Language) -> str:
    """A field's title in the page's language (the catalogue schema's ``title`` or
    ``dargah:titleEn``)."""
    return field.title if language == "fa" else field.title_en


def field_titles(fields: Iterable[SchemaField], language: Language) -> dict[str, str]:
    """Every field's title by its name."""
    return {field.name: field_label(field, language) for field in fields}


def field_names_label(
    names: Iterable[str], titles: Mapping[str, str], language: Language
) -> list[str]:
    """The titles of the fields ``names``; a name the schema no longer has stays as it is
    (a grant may outlive a field)."""
    del language  # titles are already in the page's language
    return [titles.get(name, name) for name in names]


def type_label(kind: str, language: Language) -> str:
    """A Table Schema type (``string``, ``integer`` …) in words: «متن», «عدد صحیح» …"""
    pair = STORAGE_TYPE_LABELS.get(kind)
    return _pick(pair, language) if pair else kind


def rule_kind_label(kind: str, language: Language) -> str:
    """A kind of rule (``exists_in`` …) in words."""
    pair = RULE_KIND_LABELS.get(kind)
    return _pick(pair, language) if pair else kind


def constraint_words(constraints: Constraints | Mapping[str, Any], language: Language) -> list[str]:
    """A field's constraints in words, one phrase each: «حداکثر ۲۰ نویسه»,
    «دست‌کم ۰»; ``required`` is left to the page's own column."""
    if isinstance(constraints, Constraints):
        given = constraints.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
    else:
        given = dict(constraints)
    fa = language == "fa"
    words: list[str] = []
    low, high = given.get("minLength"), given.get("maxLength")
    if low is not None and high is not None and low == high:
        words.append(f"دقیقاً {_number(low, language)} نویسه" if fa else f"exactly {low} characters")
    else:
        if low is not None:
            words.append(
                f"دست‌کم {_number(low, language)} نویسه" if fa else f"at least {low} characters"
            )
        if high is not None:
            words.append(
                f"حداکثر {_number(high, language)} نویسه" if fa else f"at most {high} characters"
            )
    if given.get("minimum") is not None:
        value = given["minimum"]
        words.append(f"کمینه {_number(value, language)}" if fa else f"minimum {value}")
    if given.get("maximum") is not None:
        value = given["maximum"]
        words.append(f"بیشینه {_number(value, language)}" if fa else f"maximum {value}")
    if given.get("enum"):
        listed = (
            "، ".join(str(item) for item in given["enum"])
            if fa
            else ", ".join(str(item) for item in given["enum"])
        )
        words.append(f"یکی از: {listed}" if fa else f"one of: {listed}")
    if given.get("pattern"):
        words.append("قالب معین (الگو)" if fa else "a set format (pattern)")
    if given.get("unique"):
        words.append("یکتا در هر ارسال" if fa else "unique in each submission")
    return words


# -- members, places, types --------------------------------------------------------------


def province_label(code: str | None, language: Language) -> str:
    """A province's name by its two-digit code («تهران» for 23); an unknown code as is."""
    if code is None:
        return ""
    province = _PROVINCES.get(code)
    if province is None:
        return code
    return province.name_fa if language == "fa" else province.name_en


def institution_type_label(code: str, language: Language) -> str:
    """An institution type's name («دانشگاه دولتی» for ``state_university``)."""
    return label(INSTITUTION_TYPE_LABELS, code, language)


def member_label(member: object | None, language: Language) -> str:
    """A member's or HQ unit's name in the page's language (Persian when it has no
    English name)."""
    return "" if member is None else display_name(member, language)


def institution_names(session: Session, ids: Collection[int], language: Language) -> dict[int, str]:
    """The names of the institutions ``ids``, in the page's language."""
    if not ids:
        return {}
    found = session.scalars(select(Member).where(Member.id.in_(sorted(ids)))).all()
    return {member.id: display_name(member, language) for member in found}


# -- who did it ------------------------------------------------------------------------


def people_names(session: Session, actors: Iterable[str]) -> dict[str, str]:
    """The full names of the people among ``actors`` (a person acts under their
    username), for ``actor_label``."""
    wanted = {actor for actor in actors if actor and ":" not in actor and "#" not in actor}
    if not wanted:
        return {}
    rows = session.execute(
        select(Person.username, Person.full_name).where(Person.username.in_(sorted(wanted)))
    )
    return {str(row[0]): str(row[1]) for row in rows}


def actor_label(actor: str | None, language: Language, people: Mapping[str, str]) -> str:
    """Who did something, as a person reads it: a person's full name, «خط فرمان (root)»
    for a command run on the server as ``root``, a system by its identifier.

    The server account's name is an identifier, marked up as one (left to right, read
    as a code), so a Persian sentence around it stays Persian."""
    if not actor:
        return ""
    if actor.startswith("cli:"):
        user = Markup('<span class="identifier" dir="ltr">{}</span>').format(actor[len("cli:") :])
        words = "خط فرمان" if language == "fa" else "Command line"
        return Markup("{} ({})").format(words, user)
    if "#" in actor:
        system = actor.split("#", 1)[0]
        return f"سامانهٔ {system}" if language == "fa" else f"System {system}"
    return people.get(actor, actor)
