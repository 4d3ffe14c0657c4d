"""The submission pages as a clerk uses them: Persian digits in the form, labels instead
of codes, paged and filtered lists and findings, the printable receipt, check-only
submissions without a receipt, and HTML error pages for bad addresses."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dargah.access.policy import Role, cli_principal
from support.catalogue import sync_test_students
from support.factories import Actor, make_institution

MakeActor = Callable[..., Actor]

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HEADER = "شماره دانشجویی,کد ملی,مقطع تحصیلی\n"
GOOD = (HEADER + "1,0012345679,کارشناسی\n2,0084575948,master\n").encode()


def _bad_rows(count: int) -> bytes:
    """``count`` rows with an invalid national id, one with an unknown level, one good."""
    rows = [f"{index},0012345678,phd" for index in range(1, count + 1)]
    rows.append(f"{count + 1},0012345679,نامعلوم")
    rows.append(f"{count + 2},0084575948,phd")
    return (HEADER + "\n".join(rows) + "\n").encode()


@pytest.fixture
def staff(session: Session, actor: MakeActor) -> Actor:
    sync_test_students(session, principal=cli_principal("portal-test"))
    return actor(Role.INSTITUTION, institution=make_institution(session, code="7301"))


def _send(
    client: TestClient, who: Actor, body: bytes, *, period: str = "1403-1", check_only: bool = False
) -> str:
    client.cookies.set("dargah_session", who.token)
    form = client.get("/submissions/new")
    match = _CSRF.search(form.text)
    assert match is not None
    data = {
        "csrf_token": match.group(1),
        "dataset": "test_students",
        "period": period,
        "mode": "snapshot",
        "policy": "accept_valid",
    }
    if check_only:
        data["validate_only"] = "on"
    response = client.post(
        "/submissions/new",
        data=data,
        files={"file": ("students.csv", body, "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_period_typed_as_the_hint_shows_is_accepted(client: TestClient, staff: Actor) -> None:
    location = _send(client, staff, GOOD, period="۱۴۰۳-۲")

    page = client.get(location)
    assert page.status_code == 200
    assert "۱۴۰۳-۲" in page.text  # shown back in Persian digits
    listed = client.get("/submissions", params={"period": "١٤٠٣-٢"})  # Arabic-Indic digits
    assert f'href="{location}"' in listed.text


def test_the_list_shows_titles_and_filters_and_pages(client: TestClient, staff: Actor) -> None:
    locations = [_send(client, staff, GOOD, period=f"140{year}-1") for year in range(0, 4)]
    rejected = _send(client, staff, _bad_rows(2), period="1399-1")

    page = client.get("/submissions")
    assert "دانشجویان آزمایشی" in page.text  # the data set's title, not its id
    assert ">test_students<" not in page.text
    by_status = client.get("/submissions", params={"status": "partially_accepted"})
    assert f'href="{rejected}"' in by_status.text
    assert not any(f'href="{item}"' in by_status.text for item in locations)
    by_period = client.get("/submissions", params={"period": "۱۴۰۲-۱"})
    assert f'href="{locations[2]}"' in by_period.text
    assert f'href="{locations[1]}"' not in by_period.text
    oldest = client.get("/submissions", params={"sort": "oldest"}).text
    assert oldest.index(f'href="{locations[0]}"') < oldest.index(f'href="{rejected}"')


def test_the_list_pages(client: TestClient, staff: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    from dargah.web import submission_views

    monkeypatch.setattr(submission_views, "PAGE_SIZE", 2)
    sent = [_send(client, staff, GOOD, period=f"140{year}-1") for year in range(0, 3)]

    first = client.get("/submissions")
    assert f'href="{sent[2]}"' in first.text
    assert f'href="{sent[0]}"' not in first.text
    assert 'rel="next" href="/submissions?sort=newest&amp;page=2"' in first.text
    second = client.get("/submissions", params={"page": "۲"})  # a page typed in Persian
    assert f'href="{sent[0]}"' in second.text
    assert 'rel="prev"' in second.text


def test_findings_are_paged_filtered_and_labelled(client: TestClient, staff: Actor) -> None:
    location = _send(client, staff, _bad_rows(60))

    page = client.get(location)
    assert page.status_code == 200
    body = page.text
    assert body.count('<th scope="row">') == 50  # one page, not 61 rows
    assert 'rel="next"' in body
    text = _text(body)
    assert "کد ملی معتبر نیست" in text  # the problem said in Persian, code beside it
    assert "national_id_checksum" in text
    second = client.get(location, params={"page": "2"})
    assert second.text.count('<th scope="row">') == 11
    assert '<option value="code_unknown"' in body  # the code filter offers what was found
    only_codes = client.get(location, params={"code": "code_unknown"})
    assert only_codes.text.count('<th scope="row">') == 1
    assert "نامعلوم" in only_codes.text
    by_field = client.get(location, params={"field": "degree_level", "sort": "code"})
    assert by_field.text.count('<th scope="row">') == 1
    assert '<option value="degree_level" selected>مقطع تحصیلی</option>' in by_field.text
    warnings = client.get(location, params={"severity": "warning"})
    assert "موردی با این پالایه‌ها یافت نشد" in warnings.text


def test_a_bad_filter_is_a_persian_error_page(client: TestClient, staff: Actor) -> None:
    location = _send(client, staff, GOOD)

    for path, params in ((location, {"severity": "fatal"}), ("/submissions", {"page": "x"})):
        response = client.get(path, params=params)
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("text/html")
        assert "پالایه" in response.text


@pytest.mark.parametrize("path", ["/submissions/abc", "/submissions/abc/receipt"])
def test_a_bad_address_is_an_html_error_page(client: TestClient, staff: Actor, path: str) -> None:
    client.cookies.set("dargah_session", staff.token)

    response = client.get(path)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "درخواست معتبر نیست" in response.text
    assert '"code"' not in response.text  # no problem+json inside the portal
    client.cookies.set("lang", "en")
    english = client.get(path)
    assert "The request is not valid" in english.text


def test_a_missing_submission_is_a_404_page(client: TestClient, staff: Actor) -> None:
    client.cookies.set("dargah_session", staff.token)
    response = client.get("/submissions/999999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_a_check_only_submission_offers_no_receipt(client: TestClient, staff: Actor) -> None:
    location = _send(client, staff, GOOD, check_only=True)

    page = client.get(location)
    assert "فقط بررسی شد" in page.text
    assert "رسید امضاشده ندارد" in page.text
    assert f'href="{location}/receipt' not in page.text
    refused = client.get(f"{location}/receipt.json")
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("text/html")
    api = client.get(
        f"/api/v1{location}/receipt", headers={"Authorization": f"Bearer {staff.token}"}
    )
    assert api.status_code == 409
    assert api.json()["code"] == "receipt_not_issued"


def test_only_warnings_are_not_titled_errors(client: TestClient, staff: Actor) -> None:
    location = _send(client, staff, GOOD)
    page = client.get(location)
    assert "گزارش خطاها" not in page.text  # nothing to report: no "error report" title


def test_the_receipt_is_a_printable_persian_page(client: TestClient, staff: Actor) -> None:
    location = _send(client, staff, GOOD, period="۱۴۰۳-۱")
    show = client.get(location)
    assert f'href="{location}/receipt"' in show.text
    assert 'class="digest"' in show.text  # the SHA-256 wraps inside its card

    page = client.get(f"{location}/receipt")

    assert page.status_code == 200
    text = _text(page.text)
    assert "دانشجویان آزمایشی" in text
    assert "۱۴۰۳-۱" in text
    assert "امضای رسید با کلیدهای منتشرشدهٔ درگاه معتبر است" in text
    receipt = client.get(f"{location}/receipt.json").json()
    payload = receipt["receipt"]
    assert payload["content_hash"] in page.text
    assert payload["finished_at"] in page.text  # ISO beside Jalali
    jalali = payload["finished_at_jalali"]
    assert re.fullmatch(r"1[34]\d\d/\d\d/\d\d \d\d:\d\d", jalali)
    assert jalali.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in page.text
    assert f'href="{location}/receipt.json"' in page.text
    assert 'href="/api/v1/gateway/keys"' in page.text


def test_the_check_only_box_is_tied_to_its_label(client: TestClient, staff: Actor) -> None:
    client.cookies.set("dargah_session", staff.token)
    form = client.get("/submissions/new").text
    assert re.search(r'<input id="validate_only" type="checkbox"', form)
    assert '<label for="validate_only">' in form


def test_a_coded_value_is_shown_with_its_label_and_a_rule_by_its_title(
    client: TestClient, session: Session, staff: Actor
) -> None:
    from dargah.submissions import service
    from dargah.submissions.models import SubmissionFinding
    from dargah.web.submission_views import finding_views

    location = _send(client, staff, GOOD)
    submission = service.get_submission(
        session, int(location.rsplit("/", 1)[1]), principal=staff.principal
    )
    finding = SubmissionFinding(
        row=2,
        field="degree_level",
        column=None,
        value="phd",
        code="rule_exists_in",
        rule_id="R.test_students.9",
        severity="error",
        message_fa="این مقطع در دانشکده نیست.",
        message_en="Not offered by the faculty.",
    )

    fa = finding_views(session, submission, [finding], "fa")[0]
    en = finding_views(session, submission, [finding], "en")[0]

    assert (fa.column, fa.value, fa.value_label) == ("مقطع تحصیلی", "phd", "دکتری تخصصی")
    assert fa.rule_title == "وجود در مجموعه‌دادهٔ دیگر"  # not rule_exists_in
    assert (en.column, en.value_label, en.rule_title) == (
        "Degree level",
        "PhD",
        "Exists in another data set",
    )


def test_an_operator_filters_by_institution_typed_in_persian_digits(
    client: TestClient, session: Session, staff: Actor, actor: MakeActor
) -> None:
    other = actor(Role.INSTITUTION, institution=make_institution(session, code="7302"))
    mine = _send(client, staff, GOOD)
    theirs = _send(client, other, GOOD)
    client.cookies.set("dargah_session", actor(Role.OPERATOR).token)

    everything = client.get("/submissions")
    assert 'name="institution"' in everything.text  # operators choose the institution
    assert f'href="{mine}"' in everything.text
    assert f'href="{theirs}"' in everything.text
    filtered = client.get("/submissions", params={"institution": "IR/UNI/۷۳۰۲"})
    assert f'href="{theirs}"' in filtered.text
    assert f'href="{mine}"' not in filtered.text
    client.cookies.set("dargah_session", staff.token)
    assert 'name="institution"' not in client.get("/submissions").text
