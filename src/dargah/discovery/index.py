"""What ask-first searches: the catalogue's names as words, and how a question meets them.

Every data set is found by its **titles** (Persian, English, identifier), its
**descriptions**, its **fields** (name, Persian and English title) and the **values of
the code lists** its fields take (label in both languages and every alias), plus the
reporting institution's type, which every record carries. Each of those texts is a
``Name``: its words' forms (``discovery.text``) and the forms of each pair of
neighbours joined («پیام نور» is also found as «پیامنور», «دانش‌آموختگی» as
«دانش آموختگی»), with the word positions each covers, so the search can tell whether
a question covers a name **entirely** («زن» names the value female; «مهندسی» covers only
part of «مهندسی کامپیوتر»).

A question's words each score a data set by the strongest place they meet it —
title 6, field 5, a code value the question names entirely 4.5, description 2, a value
it names in part 1.5 (×0.7 when the word met it through a typo) — plus up to 6 for the
share of the title the question covers (so «دانشجویان …» prefers «دانشجویان» to
«دانشجویان ورودی»); the sum is then scaled by how much of the question the data set
answers (0.4 + 0.6 × the share of its words met), so a data set answering every word
(«فرصت مطالعاتی اعضای هیئت علمی در خارج»: mobility) beats one whose title takes only
some of them (faculty). Every code value named entirely becomes a **suggested filter** on the field
that takes it, unless the words naming it are the data set's own title words.

The index is built from the catalogue once per change of it (a fingerprint — the data
sets' titles, descriptions and active schema hashes, the active code-list versions and
their content hashes — read on every question) and kept per process:
rebuilding it takes tens of milliseconds, a question a fraction of one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.catalogue.models import CodeList, CodeListVersion, CodeValue, Dataset
from dargah.catalogue.service import active_version, schema_of
from dargah.discovery.text import (
    STOP_WORDS,
    TYPO_MIN_LENGTH,
    deletions,
    forms,
    within_one,
    words,
)
from dargah.members.models import INSTITUTION_TYPE_LABELS, InstitutionType
from dargah.records.query import INSTITUTION_TYPE as INSTITUTION_TYPE

TITLE: Final = 6.0
FIELD: Final = 5.0
FULL_VALUE: Final = 4.5
DESCRIPTION: Final = 2.0
PARTIAL_VALUE: Final = 1.5
TYPO: Final = 0.7
TITLE_COVERAGE: Final = 6.0
# A data set answering part of the question keeps this share of its score, plus the
# rest in proportion to the words it answers.
PARTIAL_QUESTION: Final = 0.4

# The reporting institution's type, a column of every record (records.query), searched
# like a code list; the aliases are what clerks call them.
INSTITUTION_TYPES: Final = "institution_type"
INSTITUTION_TYPE_TITLES: Final = ("نوع موسسه", "Institution type")
_TYPE_ALIASES: Final[dict[InstitutionType, tuple[str, ...]]] = {
    InstitutionType.ISLAMIC_AZAD: ("آزاد", "دانشگاه آزاد", "Azad University"),
    InstitutionType.PAYAME_NOOR: ("پیام نور", "PNU"),
    InstitutionType.APPLIED_SCIENCE: ("علمی کاربردی", "جامع علمی کاربردی"),
    InstitutionType.TECHNICAL_VOCATIONAL: ("فنی و حرفه‌ای", "فنی حرفه ای"),
    InstitutionType.NON_PROFIT: ("غیرانتفاعی", "غیردولتی"),
    InstitutionType.MEDICAL: ("علوم پزشکی", "دانشگاه علوم پزشکی"),
    InstitutionType.RESEARCH_INSTITUTE: ("پژوهشگاه", "موسسه پژوهشی"),
    InstitutionType.FARHANGIAN: ("فرهنگیان",),
}


@dataclass(frozen=True)
class Name:
    """One text something is found by: each form, and the word positions it covers."""

    terms: dict[str, frozenset[int]]
    size: int  # words (after stop words)

    def covered(self, term_forms: Iterable[str]) -> frozenset[int]:
        """The positions any of ``term_forms`` covers."""
        found: set[int] = set()
        for form in term_forms:
            found |= self.terms.get(form, frozenset())
        return frozenset(found)


def make_name(text: str | None) -> Name | None:
    """``text`` as a name (None when it has no word left)."""
    found = words(text or "")
    if not found:
        return None
    terms: dict[str, set[int]] = {}
    for position, word in enumerate(found):
        for form in word.forms:
            terms.setdefault(form, set()).add(position)
    for position in range(len(found) - 1):
        joined = forms(found[position].key + found[position + 1].key)
        for form in joined:
            terms.setdefault(form, set()).update((position, position + 1))
    return Name({form: frozenset(spots) for form, spots in terms.items()}, len(found))


def _names(*texts: str | None) -> tuple[Name, ...]:
    return tuple(name for name in (make_name(text) for text in texts) if name is not None)


@dataclass(frozen=True)
class ValueEntry:
    """A code value, found by its labels and aliases."""

    code_list: str
    code: str
    label_fa: str
    label_en: str
    names: tuple[Name, ...]


@dataclass(frozen=True)
class FieldEntry:
    """A field of a data set's active version."""

    name: str
    title_fa: str
    title_en: str
    code_list: str | None
    names: tuple[Name, ...]  # empty for the institution type: found by its values only


@dataclass(frozen=True)
class DatasetEntry:
    """A data set, found by its titles, descriptions, fields and their values."""

    slug: str
    titles: tuple[Name, ...]
    descriptions: tuple[Name, ...]
    fields: tuple[FieldEntry, ...]


@dataclass(frozen=True)
class _Posting:
    value: int  # index into Index.values
    name: int  # which of its names
    positions: frozenset[int]


@dataclass
class Index:
    """The whole catalogue as names, with the lookups a question needs."""

    datasets: dict[str, DatasetEntry]
    values: list[ValueEntry]
    postings: dict[str, list[_Posting]] = field(default_factory=dict)
    vocabulary: set[str] = field(default_factory=set)
    typos: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for number, value in enumerate(self.values):
            for which, name in enumerate(value.names):
                for term, positions in name.terms.items():
                    self.postings.setdefault(term, []).append(_Posting(number, which, positions))
        for entry in self.datasets.values():
            for name in (*entry.titles, *entry.descriptions):
                self.vocabulary.update(name.terms)
            for item in entry.fields:
                for name in item.names:
                    self.vocabulary.update(name.terms)
        self.vocabulary.update(self.postings)
        for term in self.vocabulary:
            if len(term) >= TYPO_MIN_LENGTH - 1:
                for key in {term, *deletions(term)}:
                    self.typos.setdefault(key, set()).add(term)

    def near(self, key: str) -> set[str]:
        """Terms of the catalogue one edit away from ``key``."""
        candidates: set[str] = set()
        for probe in {key, *deletions(key)}:
            candidates |= self.typos.get(probe, set())
        return {term for term in candidates if within_one(key, term)}


# -- building ------------------------------------------------------------------------------


def _institution_type_values() -> list[ValueEntry]:
    return [
        ValueEntry(
            INSTITUTION_TYPES,
            kind.value,
            labels[0],
            labels[1],
            _names(labels[0], labels[1], *_TYPE_ALIASES.get(kind, ()), kind.value),
        )
        for kind, labels in INSTITUTION_TYPE_LABELS.items()
    ]


def _code_name(code: str) -> str | None:
    """A code is a name too when it is a word (phd, female), not a number (5004)."""
    return None if any(char.isdigit() for char in code) else code


def _dataset_entry(dataset: Dataset) -> DatasetEntry:
    fields: list[FieldEntry] = []
    version = active_version(dataset)
    if version is not None:
        for item in schema_of(version).fields:
            fields.append(
                FieldEntry(
                    item.name,
                    item.title,
                    item.title_en,
                    item.code_list,
                    _names(item.name, item.title, item.title_en),
                )
            )
        names = {item.name for item in fields}
        if INSTITUTION_TYPE not in names:
            fields.append(
                FieldEntry(INSTITUTION_TYPE, *INSTITUTION_TYPE_TITLES, INSTITUTION_TYPES, ())
            )
    return DatasetEntry(
        slug=dataset.slug,
        titles=_names(dataset.title_fa, dataset.title_en, dataset.slug),
        descriptions=_names(dataset.description_fa, dataset.description_en),
        fields=tuple(fields),
    )


def _fingerprint(session: Session, datasets: Sequence[Dataset]) -> tuple[object, ...]:
    lists = tuple(
        session.execute(
            select(CodeList.slug, CodeListVersion.id, CodeListVersion.content_hash)
            .join(CodeListVersion, CodeListVersion.code_list_id == CodeList.id)
            .where(CodeListVersion.status == "active")
            .order_by(CodeList.slug)
        )
    )
    shown = tuple(
        (
            dataset.slug,
            dataset.title_fa,
            dataset.title_en,
            dataset.description_fa,
            dataset.description_en,
            getattr(active_version(dataset), "schema_hash", None),
        )
        for dataset in datasets
    )
    return (lists, shown)


def _build(session: Session, datasets: Sequence[Dataset]) -> Index:
    rows = session.execute(
        select(CodeList.slug, CodeValue)
        .join(CodeListVersion, CodeValue.version_id == CodeListVersion.id)
        .join(CodeList, CodeListVersion.code_list_id == CodeList.id)
        .where(CodeListVersion.status == "active", CodeValue.deprecated.is_(False))
        .order_by(CodeList.slug, CodeValue.position)
    )
    values = [
        ValueEntry(
            slug,
            value.code,
            value.label_fa,
            value.label_en,
            _names(value.label_fa, value.label_en, *value.aliases, _code_name(value.code)),
        )
        for slug, value in rows
    ]
    values.extend(_institution_type_values())
    return Index({dataset.slug: _dataset_entry(dataset) for dataset in datasets}, values)


_LOCK: Final = threading.Lock()
_CACHE: dict[str, tuple[tuple[object, ...], Index]] = {}


def catalogue_index(session: Session, datasets: Sequence[Dataset]) -> Index:
    """The index of ``datasets`` and the active code lists, rebuilt when they change."""
    fingerprint = _fingerprint(session, datasets)
    bind = session.get_bind()
    key = str(bind.engine.url)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    index = _build(session, datasets)
    with _LOCK:
        _CACHE[key] = (fingerprint, index)
    return index


# -- a question ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One word (or two joined) of the question, and the forms it meets the catalogue by."""

    text: str
    forms: frozenset[str]
    typo: bool = False

    @property
    def weight(self) -> float:
        """How much a meeting through this term counts."""
        return TYPO if self.typo else 1.0


def question_terms(index: Index, text: str) -> tuple[list[Term], list[str]]:
    """The question's terms, and the words that meet nothing in the catalogue.

    A word written apart from its neighbour where the catalogue writes them as one
    («دانش آموختگان», «پیامنور») also carries the joined forms, so both words meet the
    name the joined word is part of.
    """
    found = words(text, keep_stop_words=True)
    joined: list[frozenset[str]] = []
    for position in range(len(found) - 1):
        both = forms(found[position].key + found[position + 1].key)
        joined.append(frozenset(both & index.vocabulary))
    terms: list[Term] = []
    unmatched: list[str] = []
    for position, word in enumerate(found):
        extra: set[str] = set()
        if position > 0:
            extra |= joined[position - 1]
        if position < len(joined):
            extra |= joined[position]
        if word.key in STOP_WORDS:
            # «تمام» is a stop word, «تمام وقت» a field's title.
            if extra:
                terms.append(Term(word.text, frozenset(extra)))
            continue
        own = word.forms & index.vocabulary
        if own or extra:
            terms.append(Term(word.text, frozenset(own | extra)))
        elif len(word.key) >= TYPO_MIN_LENGTH:
            near = set().union(*(index.near(form) for form in word.forms))
            if near:
                terms.append(Term(word.text, frozenset(near), typo=True))
            else:
                unmatched.append(word.text)
        else:
            unmatched.append(word.text)
    return terms, unmatched


@dataclass(frozen=True)
class ValueHit:
    """A code value the question names: entirely (every word of one of its names), or
    in part; and which of the question's terms name it."""

    value: ValueEntry
    terms: frozenset[int]
    full: bool
    half: bool  # at least half the words of the name met
    weight: float  # the weakest term's weight (a typo counts less)


def value_hits(index: Index, terms: Sequence[Term]) -> dict[str, list[ValueHit]]:
    """Code values the question's terms meet, by code list, entirely named first."""
    covered: dict[tuple[int, int], set[int]] = {}
    named_by: dict[tuple[int, int], set[int]] = {}
    for number, term in enumerate(terms):
        for form in term.forms:
            for posting in index.postings.get(form, ()):
                key = (posting.value, posting.name)
                covered.setdefault(key, set()).update(posting.positions)
                named_by.setdefault(key, set()).add(number)
    best: dict[int, ValueHit] = {}
    for (value_number, name_number), spots in covered.items():
        value = index.values[value_number]
        size = value.names[name_number].size
        by = frozenset(named_by[(value_number, name_number)])
        weight = min(terms[number].weight for number in by)
        hit = ValueHit(value, by, len(spots) >= size, 2 * len(spots) >= size, weight)
        current = best.get(value_number)
        if current is None or (hit.full, len(hit.terms), hit.weight) > (
            current.full,
            len(current.terms),
            current.weight,
        ):
            best[value_number] = hit
    grouped: dict[str, list[ValueHit]] = {}
    for value_number in sorted(best):
        hit = best[value_number]
        grouped.setdefault(hit.value.code_list, []).append(hit)
    for hits in grouped.values():
        hits.sort(key=lambda hit: (not hit.full, -len(hit.terms)))
    return grouped


@dataclass(frozen=True)
class FieldHit:
    """A field whose own name the question names."""

    field: FieldEntry
    terms: frozenset[int]


@dataclass(frozen=True)
class Filter:
    """A filter the question suggests: ``field`` equal to (one of) ``values``."""

    field: FieldEntry
    values: tuple[ValueEntry, ...]


@dataclass(frozen=True)
class DatasetHit:
    """How well a data set answers the question, and why."""

    slug: str
    score: float
    title: bool
    description: bool
    fields: list[FieldHit]
    values: list[tuple[FieldEntry, ValueHit]]
    filters: list[Filter]
    # Found by a word as typed (not only through a typo) in its title, description or
    # a field, or naming one of its code values entirely: not just a near miss.
    strong: bool


def _meets(names: Iterable[Name], term: Term) -> bool:
    return any(name.covered(term.forms) for name in names)


def _suggested(
    values: Sequence[tuple[FieldEntry, ValueHit]], title_terms: set[int]
) -> list[Filter]:
    """Per field, the values named entirely — or, if none is, the only value met —
    skipping values named only by the data set's title words."""
    by_field: dict[str, tuple[FieldEntry, list[ValueHit]]] = {}
    for entry, hit in values:
        if hit.terms <= title_terms:
            continue
        by_field.setdefault(entry.name, (entry, []))[1].append(hit)
    found: list[Filter] = []
    for entry, hits in by_field.values():
        full = [hit.value for hit in hits if hit.full]
        if not full and len(hits) == 1 and hits[0].half:
            full = [hits[0].value]  # the only value met, and by half its words or more
        if full:
            found.append(Filter(entry, tuple(full)))
    return found


def score_dataset(
    entry: DatasetEntry, terms: Sequence[Term], values: dict[str, list[ValueHit]]
) -> DatasetHit | None:
    """``entry`` against the question (None when no term meets it)."""
    best = [0.0] * len(terms)
    strong_terms: set[int] = set()
    title_terms: set[int] = set()
    title = description = False
    title_share = 0.0
    for name in entry.titles:
        spots: set[int] = set()
        for number, term in enumerate(terms):
            covered = name.covered(term.forms)
            if covered:
                spots |= covered
                title_terms.add(number)
                strong_terms.add(number)
                best[number] = max(best[number], TITLE * term.weight)
                title = True
        title_share = max(title_share, len(spots) / name.size)
    for number, term in enumerate(terms):
        if _meets(entry.descriptions, term):
            description = True
            strong_terms.add(number)
            best[number] = max(best[number], DESCRIPTION * term.weight)
    fields: list[FieldHit] = []
    found_values: list[tuple[FieldEntry, ValueHit]] = []
    for item in entry.fields:
        named = frozenset(number for number, term in enumerate(terms) if _meets(item.names, term))
        if named:
            fields.append(FieldHit(item, named))
            strong_terms.update(named)
            for number in named:
                best[number] = max(best[number], FIELD * terms[number].weight)
        for hit in values.get(item.code_list or "", ()):
            found_values.append((item, hit))
            weight = (FULL_VALUE if hit.full else PARTIAL_VALUE) * hit.weight
            if hit.full:
                strong_terms.update(hit.terms)
            for number in hit.terms:
                best[number] = max(best[number], weight)
    met = sum(1 for value in best if value > 0)
    if not met:
        return None
    share = met / len(terms)
    score = (sum(best) + TITLE_COVERAGE * title_share) * (
        PARTIAL_QUESTION + (1 - PARTIAL_QUESTION) * share
    )
    return DatasetHit(
        slug=entry.slug,
        score=score,
        title=title,
        description=description,
        fields=fields,
        values=found_values,
        filters=_suggested(found_values, title_terms),
        strong=any(not terms[number].typo for number in strong_terms),
    )
