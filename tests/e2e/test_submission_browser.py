"""A registrar's submission in real Chromium at 1366 px: the period typed in Persian
digits as the hint shows, the check-only box clicked by its label, paged findings, and
a submission page and printable receipt that never overflow the window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dargah.access.policy import Role, cli_principal
from dargah.config import Settings
from dargah.db.session import Database
from support.catalogue import sync_test_students
from support.factories import PASSWORD, make_institution, make_person
from support.live import live_portal, log_in

pytestmark = pytest.mark.e2e

USER = "e2e.registrar"
HEADER = "شماره دانشجویی,کد ملی,مقطع تحصیلی\n"
_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _seed(database: Database, settings: Settings, tmp_path: Path) -> None:
    with database.session() as session:
        sync_test_students(session, principal=cli_principal("e2e"))
        institution = make_institution(session, code="7401")
        make_person(session, Role.INSTITUTION, institution=institution, username=USER)
        session.commit()


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with live_portal(tmp_path, _seed) as url:
        yield url


def _file(tmp_path: Path, *, bad: int) -> Path:
    rows = [f"{index},0012345678,phd" for index in range(1, bad + 1)]
    rows.append(f"{bad + 1},0084575948,phd")
    path = tmp_path / "students.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _send(page: Any, base_url: str, path: Path, *, check_only: bool) -> None:
    page.goto(f"{base_url}/submissions/new")
    page.select_option("#dataset", "test_students")
    page.fill("#period", "۱۴۰۳-۲")  # exactly as the hint shows
    page.select_option("#policy", "accept_valid")
    page.set_input_files("#file", str(path))
    if check_only:
        page.click("label[for=validate_only]")  # the label ticks its own box
        assert page.is_checked("#validate_only")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base_url}/submissions/*")


def test_a_submission_at_1366_px(base_url: str, tmp_path: Path, new_page: Any) -> None:
    page = log_in(new_page(width=1366), base_url, USER, PASSWORD)

    _send(page, base_url, _file(tmp_path, bad=91), check_only=False)

    assert "۱۴۰۳-۲" in page.inner_text("main")
    assert page.evaluate(_OVERFLOW) <= 0, "the submission page overflows 1366 px"
    digest = page.locator(".digest").first.bounding_box()
    card = page.locator("section[aria-labelledby=details]").bounding_box()
    assert digest is not None
    assert card is not None
    assert digest["x"] >= card["x"] - 1
    assert digest["x"] + digest["width"] <= card["x"] + card["width"] + 1
    assert page.locator("table.findings tbody tr").count() == 50  # not 91 on a page
    height = page.evaluate("document.documentElement.scrollHeight")
    page.click("a[rel=next]")
    assert page.locator("table.findings tbody tr").count() == 41
    assert height < 7000

    page.goto(page.url.split("?")[0] + "/receipt")
    assert "امضای رسید با کلیدهای منتشرشدهٔ درگاه معتبر است" in page.inner_text("main")
    assert page.evaluate(_OVERFLOW) <= 0, "the receipt overflows 1366 px"
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()

    page.emulate_media(media="screen")
    _send(page, base_url, _file(tmp_path, bad=0), check_only=True)
    assert "رسید امضاشده ندارد" in page.inner_text("main")
    assert page.locator("a[href$='/receipt']").count() == 0
