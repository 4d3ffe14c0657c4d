"""The demo's synthetic faculty and research outputs: shaped like the system, and clean
against the built-in data sets' own checks (offline, as `dargah push --validate-only`)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dargah.catalogue.builtin import builtin_code_lists, builtin_datasets
from dargah.demo.faculty import faculty_frame, research_outputs_frame
from dargah.demo.submissions import code_values
from dargah.persian import is_valid_national_id
from dargah.submissions.fields import CodeLookup
from dargah.submissions.pipeline import validate_file


@pytest.fixture(scope="module")
def fields() -> tuple[dict[str, list[str]], dict[str, str]]:
    by_level, _, isced = code_values()
    return by_level, isced


def _check(frame: pl.DataFrame, slug: str, path: Path) -> dict[str, int]:
    """Finding counts by code when the frame is sent as a CSV file."""
    document = next(item for item in builtin_datasets() if item.id == slug)
    lists = {item.id: item for item in builtin_code_lists()}
    lookups = {name: CodeLookup(lists[name].values) for name in document.schema_.code_lists}
    frame.write_csv(path)
    outcome = validate_file(path, document, lookups)
    assert outcome.received == frame.height
    assert outcome.rejected == 0, outcome.counts
    return dict(outcome.counts)


def test_faculty_look_like_the_system_and_pass_every_rule(
    fields: tuple[dict[str, list[str]], dict[str, str]], tmp_path: Path
) -> None:
    by_level, _ = fields
    faculty = faculty_frame(2000, seed=7, fields_by_level=by_level)
    shares = faculty["rank"].value_counts(normalize=True)
    share = dict(zip(shares["rank"], shares["proportion"], strict=True))
    assert 0.45 < share["assistant_professor"] < 0.55
    assert 0.15 < share["instructor"] < 0.25
    women = (faculty["gender"] == "female").mean()
    assert women is not None
    assert 0.22 < float(women) < 0.32
    ids = faculty["national_id"].drop_nulls().to_list()
    assert all(is_valid_national_id(value) for value in ids)
    assert faculty["personnel_number"].n_unique() == faculty.height
    # Not one finding: every rank above instructor holds a PhD, every field is offered
    # at its holder's degree, every hire follows the birth.
    assert _check(faculty, "faculty", tmp_path / "faculty.csv") == {}


def test_research_outputs_are_led_by_the_faculty_and_pass_every_rule(
    fields: tuple[dict[str, list[str]], dict[str, str]], tmp_path: Path
) -> None:
    by_level, isced = fields
    faculty = faculty_frame(300, seed=8, fields_by_level=by_level)
    outputs = research_outputs_frame(faculty, seed=9, year=1402, isced_of_field=isced, code="1001")
    assert outputs.height == 480
    assert set(outputs["lead_author_personnel_number"]) <= set(faculty["personnel_number"])
    assert outputs["output_id"].n_unique() == outputs.height
    kinds = outputs["output_type"].value_counts(sort=True)
    assert kinds["output_type"][0] == "journal_article"
    patents = outputs.filter(pl.col("output_type").str.starts_with("patent"))
    assert patents["patent_number"].null_count() == 0
    # Offline, the faculty lookup cannot be made: only that is reported.
    assert _check(outputs, "research_outputs", tmp_path / "outputs.csv") == {
        "reference_unchecked": 1
    }
