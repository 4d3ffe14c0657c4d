"""The ask-first relevance set: questions a deputy's clerk types, over the built-in
catalogue, with the data set that must come first and the filters it must suggest
(tests/data/ask_first_relevance.json).

Figures (printed with ``-s``): the share of questions whose expected data set comes
first (the target: at least 95 %), precision at 3 (relevant data sets among the first
three, over min(3, number relevant)), and the share whose expected filters are all
suggested on the first data set. A question the gateway holds nothing for counts as
right when the answer says so: not ``held``, with the information-request step.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest
from sqlalchemy.orm import Session

from dargah.access.policy import Role, cli_principal
from dargah.catalogue import service as catalogue
from dargah.catalogue.builtin import builtin_code_lists, builtin_datasets
from dargah.discovery import service
from support.factories import Actor

QUESTIONS: Final = Path(__file__).parents[2] / "data" / "ask_first_relevance.json"
TARGET: Final = 0.95


@dataclass(frozen=True)
class Outcome:
    """How one question was answered."""

    question: str
    first: bool
    precision_at_3: float
    filters: bool
    shown: list[str]
    suggested: dict[str, list[str]]


def _load() -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = json.loads(QUESTIONS.read_text(encoding="utf-8"))["questions"]
    return questions


def _judge(session: Session, actor: Actor, item: dict[str, Any]) -> Outcome:
    answer = service.ask_first(session, principal=actor.principal, text=item["q"])
    top = [hit.dataset.slug for hit in answer.datasets[:3]]
    expected = item["expected"]
    if expected is None:
        right = not answer.held and answer.next_step is not None
        return Outcome(item["q"], right, float(right), right, top, {})
    first = bool(top) and top[0] == expected
    relevant = set(item["relevant"]) | {expected}
    precision = len(relevant & set(top)) / min(3, len(relevant))
    suggested: dict[str, list[str]] = {}
    if first:
        suggested = {
            found.field: sorted(value.code for value in found.values)
            for found in answer.datasets[0].filters
        }
    filters = first and all(
        set(codes) <= set(suggested.get(name, [])) for name, codes in item["filters"].items()
    )
    return Outcome(item["q"], first, precision, filters, top, suggested)


@pytest.fixture
def hq(session: Session, actor: Callable[..., Actor]) -> Actor:
    catalogue.sync_builtin(
        session,
        principal=cli_principal("relevance-test"),
        code_list_documents=builtin_code_lists(),
        dataset_documents=builtin_datasets(),
    )
    return actor(Role.HQ)


def test_the_relevance_set_is_large_mixed_and_names_real_data_sets_and_codes() -> None:
    questions = _load()
    assert len(questions) >= 40
    english = [item for item in questions if item["q"].isascii()]
    assert len(english) >= 5
    slugs = {item.id for item in builtin_datasets()}
    codes = {item.id: {value.code for value in item.values} for item in builtin_code_lists()}
    lists = {
        field.name: field.code_list
        for document in builtin_datasets()
        for field in document.schema_.fields
        if field.code_list
    }
    lists["institution_type"] = "institution_types"
    for item in questions:
        if item["expected"] is None:
            continue
        assert item["expected"] in slugs, item
        assert set(item["relevant"]) <= slugs, item
        for name, values in item["filters"].items():
            assert set(values) <= codes[lists[name]], item


def test_the_expected_data_set_comes_first_for_95_percent_of_the_questions(
    session: Session, hq: Actor
) -> None:
    outcomes = [_judge(session, hq, item) for item in _load()]
    count = len(outcomes)
    first = sum(item.first for item in outcomes) / count
    precision = sum(item.precision_at_3 for item in outcomes) / count
    filters = sum(item.filters for item in outcomes) / count
    print(
        f"\nask-first relevance: {count} questions, expected first {first:.1%}, "
        f"precision at 3 {precision:.1%}, expected filters suggested {filters:.1%}"
    )
    missed = [(item.question, item.shown, item.suggested) for item in outcomes if not item.first]
    for question, shown, _ in missed:
        print(f"  not first: {question} -> {shown}")
    assert first >= TARGET, missed
    wrong = [(item.question, item.suggested) for item in outcomes if not item.filters]
    assert filters >= TARGET, wrong
