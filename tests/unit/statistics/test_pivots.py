"""The pivot catalogue against the shipped data sets (no database): every pivot names a
shipped data set and fields it has, and is answered from one of its rollups, so the
dashboard stays fast on a national snapshot."""

from __future__ import annotations

import pytest

from dargah.catalogue.builtin import builtin_datasets
from dargah.errors import InvalidInput, NotFound
from dargah.records.query import QUERYABLE_SYSTEM_FIELDS, Aggregate, QuerySpec, rollup_for
from dargah.statistics.pivots import PIVOTS, Pivot, get_pivot
from dargah.statistics.service import normalise_period, period_key

DATASETS = {document.id: document for document in builtin_datasets()}


@pytest.mark.parametrize("pivot", PIVOTS, ids=lambda pivot: pivot.id)
def test_every_pivot_is_answered_from_a_rollup_of_a_shipped_data_set(pivot: Pivot) -> None:
    document = DATASETS[pivot.dataset]
    fields = set(document.schema_.field_names)
    for name in pivot.group_by:
        assert name in fields or name in QUERYABLE_SYSTEM_FIELDS, name
    for as_of in ("1403-1", "1403"):
        spec = QuerySpec(
            group_by=list(pivot.group_by),
            aggregates=[Aggregate(fn="count")],
            as_of=as_of,
        )
        assert rollup_for(spec, document) is not None
        total = QuerySpec(aggregates=[Aggregate(fn="count")], as_of=as_of)
        assert rollup_for(total, document) is not None


def test_pivots_have_unique_ids_and_both_languages() -> None:
    assert len({pivot.id for pivot in PIVOTS}) == len(PIVOTS)
    for pivot in PIVOTS:
        assert pivot.title_fa
        assert pivot.title_en
        assert pivot.description_fa
        assert pivot.description_en
        assert get_pivot(pivot.id) is pivot
    with pytest.raises(NotFound) as caught:
        get_pivot("students-by-star-sign")
    assert caught.value.code == "statistics_pivot_not_found"


def test_the_issues_pivots_are_all_there() -> None:
    grouped = {(pivot.dataset, pivot.group_by) for pivot in PIVOTS}
    assert ("students", ("province",)) in grouped
    assert ("students", ("institution_type",)) in grouped
    assert ("students", ("degree_level", "gender")) in grouped
    assert ("students", ("field_of_study",)) in grouped
    assert ("faculty", ("rank", "gender")) in grouped
    assert ("research_outputs", ("output_type", "publication_year")) in grouped


def test_periods_are_read_with_persian_digits_and_ordered_in_time() -> None:
    assert normalise_period("۱۴۰۳-۱") == "1403-1"
    assert normalise_period(" 1403 ") == "1403"
    assert normalise_period("") is None
    assert normalise_period(None) is None
    for bad in ("1403/1", "current", "۱۴۰۳-۱-۲", "next term"):
        with pytest.raises(InvalidInput) as caught:
            normalise_period(bad)
        assert caught.value.code == "statistics_period_invalid"
    periods = ["1403", "1402-2", "1403-1", "1402", "1402-1"]
    assert sorted(periods, key=period_key) == ["1402", "1402-1", "1402-2", "1403", "1403-1"]
