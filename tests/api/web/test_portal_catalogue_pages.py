"""The catalogue pages of the portal through the real app: browse and search, the data-set
page and its templates, code lists, and the draft → submit → approve flow."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from dargah.access.policy import Role, cli_principal
from dargah.catalogue import service, templates
from dargah.catalogue.documents import DatasetDocument, Domain
from dargah.catalogue.evolution import ChangeKind
from dargah.catalogue.schema import RuleSeverity, Sensitivity
from dargah.members import service as members
from dargah.persian import format_jalali
from dargah.web import i18n
from support.catalogue import LEVELS, OPTIONAL_FIELD, dataset_document, schema_with
from support.factories import Actor

MakeActor = Callable[..., Actor]

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
STUDENTS = "/catalogue/datasets/test_students"


@pytest.fixture(autouse=True)
def synced(session: Session) -> None:
    """Two active data sets (students owned by education, budget by finance) and a list."""
    budget = dataset_document(slug="test_budget", owner="finance").model_copy(
        update={
            "title_fa": "بودجه آزمایشی",
            "title_en": "Test budget",
            "description_fa": "بودجه برای آزمون",
            "domain": Domain.FINANCE,
            "sensitivity": Sensitivity.INTERNAL,
        }
    )
    service.sync_builtin(
        session,
        principal=cli_principal("portal-test"),
        code_list_documents=[LEVELS],
        dataset_documents=[dataset_document(), budget],
    )


def _log_in_as(client: TestClient, actor: Actor) -> None:
    client.cookies.set("dargah_session", actor.token)


def _csrf_of(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    match = _CSRF.search(response.text)
    assert match is not None, "the page has no CSRF field"
    return match.group(1)


def _owner(session: Session, actor: MakeActor, unit: str = "education") -> Actor:
    return actor(Role.HQ, hq_unit=members.get_hq_unit(session, unit))


def _versions(session: Session) -> list[tuple[str, str]]:
    """The students data set's versions as stored now (after the app's own sessions wrote).

    Read only after the app's writes: the test session shares the app's connection, and
    a transaction it opened before them would be rolled back by its next write.
    """
    session.expire_all()
    return [(v.version, v.status) for v in service.get_dataset(session, "test_students").versions]


def _draft(session: Session, *, submit: bool) -> str:
    """A minor next version of the students data set, drafted through the service."""
    version, _ = service.draft_version(
        session,
        principal=cli_principal("portal-test"),
        slug="test_students",
        schema_document=schema_with(extra_fields=[OPTIONAL_FIELD]),
        note="ستون رایانامه",
        submit=submit,
    )
    return version.version


# -- authorisation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/catalogue?q=x", STUDENTS, f"{STUDENTS}/draft", "/catalogue/codelists/test_levels"]
)
def test_anonymous_browser_is_sent_to_login(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=%2Fcatalogue")


def test_anonymous_approval_post_is_sent_to_login(client: TestClient) -> None:
    response = client.post(f"{STUDENTS}/versions/1.1/approve", data={}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_institutions_read_but_cannot_draft(client: TestClient, actor: MakeActor) -> None:
    _log_in_as(client, actor(Role.INSTITUTION))
    page = client.get(STUDENTS)
    assert page.status_code == 200
    assert f'href="{STUDENTS}/draft"' not in page.text
    form = client.get(f"{STUDENTS}/draft")
    assert form.status_code == 403
    assert form.headers["content-type"].startswith("text/html")
    assert "permission_denied" in form.text
    assert client.get("/catalogue/approvals").status_code == 403


# -- browsing and searching ----------------------------------------------------------------


def test_browser_lists_data_sets_with_owner_version_and_sensitivity(
    client: TestClient, actor: MakeActor
) -> None:
    _log_in_as(client, actor(Role.INSTITUTION))
    page = client.get("/catalogue")
    assert page.status_code == 200
    assert '<html lang="fa" dir="rtl">' in page.text
    assert 'href="/catalogue" aria-current="page"' in page.text  # the nav link
    row = page.text.split(f'href="{STUDENTS}"', 1)[1].split("</tr>", 1)[0]
    assert "دانشجویان آزمایشی" in row
    assert "آموزشی و دانشجویی" in row  # domain
    assert "معاونت آموزشی" in row  # owner
    assert ">1.0</bdi>" in row  # active version
    assert "شخصی" in row  # sensitivity
    assert 'href="/catalogue/datasets/test_budget"' in page.text
    assert "۲ مجموعه‌داده" in page.text


def test_search_matches_arabic_letter_variants(client: TestClient, actor: MakeActor) -> None:
    _log_in_as(client, actor(Role.HQ))
    # Typed on an Arabic keyboard: ي instead of ی.
    page = client.get("/catalogue", params={"q": "دانشجويان"})
    assert page.status_code == 200
    assert f'href="{STUDENTS}"' in page.text
    # The students data set by its title first; the budget only by a field's title.
    budget = 'href="/catalogue/datasets/test_budget"'
    assert budget not in page.text or page.text.index(STUDENTS) < page.text.index(budget)
    assert 'value="دانشجويان"' in page.text  # the box keeps what was typed
    fields = client.get("/catalogue", params={"q": "كد ملي"})
    assert f'href="{STUDENTS}#field-national_id"' in fields.text
    codes = client.get("/catalogue", params={"q": "دكترا"})  # an alias, Arabic ک
    assert 'href="/catalogue/codelists/test_levels?q=phd"' in codes.text


def test_filters_by_domain_and_status(client: TestClient, actor: MakeActor) -> None:
    _log_in_as(client, actor(Role.HQ))
    finance = client.get("/catalogue", params={"domain": "finance"})
    assert 'href="/catalogue/datasets/test_budget"' in finance.text
    assert f'href="{STUDENTS}"' not in finance.text
    assert '<option value="finance" selected>' in finance.text
    retired = client.get("/catalogue", params={"status": "retired", "q": "آزمایشی"})
    assert "/catalogue/datasets/test_" not in retired.text
    assert "مجموعه‌داده‌ای با این مشخصات پیدا نشد." in retired.text
    bad = client.get("/catalogue", params={"domain": "astrology"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("text/html")
    assert "invalid_filter" in bad.text


# -- the data-set page ---------------------------------------------------------------------


def test_data_set_page_shows_metadata_dictionary_rules_and_history(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    _log_in_as(client, actor(Role.INSTITUTION))
    page = client.get(STUDENTS)
    assert page.status_code == 200
    text = page.text
    assert "<h1>دانشجویان آزمایشی</h1>" in text
    assert "معاونت آموزشی" in text
    assert "هر نیمسال" in text
    assert "دانشگاه دولتی" in text  # required institution type
    # The dictionary: every field with both titles, type label and code-list link.
    for name in ("student_number", "national_id", "degree_level", "entry_date"):
        assert f'id="field-{name}"' in text
    assert "شماره دانشجویی" in text
    assert "Student number" in text
    assert "کد ملی" in text
    assert "تاریخ شمسی" in text
    assert 'href="/catalogue/codelists/test_levels"' in text
    assert "مقاطع آزمایشی" in text
    # Rules with id, severity and both messages.
    assert "R.test_students.1" in text
    assert "تاریخ دانش‌آموختگی باید پس از تاریخ ورود باشد." in text
    assert "Graduation must come after entry." in text
    # The history, with a Jalali date.
    dataset = service.get_dataset(session, "test_students")
    created = dataset.versions[0].created_at
    # Shown with a no-break space between the date and the time.
    assert (
        format_jalali(created, persian_digits=True, with_time=True).replace(" ", "\u00a0") in text
    )
    assert "نسخهٔ نخست" in text
    assert f"{STUDENTS}/versions/1.0/template.xlsx?language=fa" in text


def test_data_set_page_in_english(client: TestClient, actor: MakeActor) -> None:
    _log_in_as(client, actor(Role.HQ))
    client.get("/lang/en")
    page = client.get(STUDENTS)
    assert '<html lang="en" dir="ltr">' in page.text
    assert "<h1>Test students</h1>" in page.text
    assert "Data dictionary of version 1.0" in page.text
    assert "Deputy for Education" in page.text
    assert "Initial version" in page.text


def test_another_version_is_shown_with_its_change_log(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    version = _draft(session, submit=True)
    _log_in_as(client, actor(Role.INSTITUTION))
    page = client.get(STUDENTS, params={"version": version})
    assert page.status_code == 200
    assert "فرهنگ دادهٔ نسخهٔ 1.1" in page.text
    assert 'id="field-email"' in page.text
    assert "ستون رایانامه" in page.text  # the change log
    assert "در انتظار تأیید" in page.text
    active = client.get(STUDENTS)
    assert 'id="field-email"' not in active.text  # the active version is still 1.0
    missing = client.get(STUDENTS, params={"version": "9.9"})
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")


def test_unknown_data_set_is_an_html_404(client: TestClient, actor: MakeActor) -> None:
    _log_in_as(client, actor(Role.HQ))
    response = client.get("/catalogue/datasets/no_such_set")
    assert response.status_code == 404
    assert "data_set_not_found" in response.text


def test_templates_download_as_xlsx_and_csv(client: TestClient, actor: MakeActor) -> None:
    _log_in_as(client, actor(Role.INSTITUTION))
    xlsx = client.get(f"{STUDENTS}/versions/1.0/template.xlsx", params={"language": "fa"})
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="test_students-1.0.xlsx"' in xlsx.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(xlsx.content))
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    assert "شماره دانشجویی" in " ".join(str(value) for value in headers)
    data = client.get(f"{STUDENTS}/versions/1.0/template.csv", params={"language": "names"})
    assert data.status_code == 200
    assert data.headers["content-type"].startswith("text/csv")
    assert 'filename="test_students-1.0.csv"' in data.headers["content-disposition"]
    [header] = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert header[:3] == ["student_number", "national_id", "degree_level"]
    active = client.get(f"{STUDENTS}/versions/active/template.csv")
    assert 'filename="test_students-1.0.csv"' in active.headers["content-disposition"]


# -- code lists ----------------------------------------------------------------------------


def test_code_list_pages_show_values_versions_and_users(
    client: TestClient, actor: MakeActor
) -> None:
    _log_in_as(client, actor(Role.INSTITUTION))
    listing = client.get("/catalogue/codelists")
    assert listing.status_code == 200
    assert 'href="/catalogue/codelists/test_levels"' in listing.text
    page = client.get("/catalogue/codelists/test_levels")
    assert page.status_code == 200
    assert 'id="code-bachelor"' in page.text
    assert "کارشناسی ارشد" in page.text
    assert "Master" in page.text
    assert "لیسانس" in page.text  # an alias
    assert f'href="{STUDENTS}"' in page.text  # the data set that uses it
    assert client.get("/catalogue/codelists/test_levels?version=1.0").status_code == 200
    assert client.get("/catalogue/codelists/test_levels?version=x.y").status_code == 404
    assert client.get("/catalogue/codelists/no_such_list").status_code == 404


def test_code_lookup_ignores_arabic_letter_forms(client: TestClient, actor: MakeActor) -> None:
    _log_in_as(client, actor(Role.HQ))
    found = client.get("/catalogue/codelists/test_levels", params={"q": "كارشناسي"})
    result = found.text.split('id="lookup-result"', 1)[1].split("</p>", 1)[0]
    assert "bachelor" in result
    alias = client.get("/catalogue/codelists/test_levels", params={"q": "دكترا"})
    assert "phd" in alias.text.split('id="lookup-result"', 1)[1].split("</p>", 1)[0]
    missing = client.get("/catalogue/codelists/test_levels", params={"q": "دیپلم"})
    assert "مقداری برای" in missing.text


# -- drafting, submitting, approving -------------------------------------------------------


def _draft_form(csrf: str, schema: object, action: str, note: str = "") -> dict[str, str]:
    text = schema if isinstance(schema, str) else json.dumps(schema, ensure_ascii=False)
    return {"csrf_token": csrf, "schema": text, "note": note, "action": action}


def test_draft_submit_and_approve_by_the_owner(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    owner = _owner(session, actor)  # people are made before the app writes (see _versions)
    _log_in_as(client, actor(Role.OPERATOR))
    form_page = client.get(f"{STUDENTS}/draft")
    assert form_page.status_code == 200
    assert "&#34;student_number&#34;" in form_page.text  # the current schema, to edit
    csrf = _csrf_of(client, f"{STUDENTS}/draft")
    schema = schema_with(extra_fields=[OPTIONAL_FIELD])

    checked = client.post(f"{STUDENTS}/draft", data=_draft_form(csrf, schema, "check"))
    assert checked.status_code == 200
    assert "جزئی (سازگار)" in checked.text
    assert "چیزی ذخیره نشد." in checked.text
    assert f"{STUDENTS}?version=1.1" not in client.get(STUDENTS).text

    saved = client.post(
        f"{STUDENTS}/draft",
        data=_draft_form(csrf, schema, "save", note="ستون رایانامه افزوده شد"),
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{STUDENTS}?version=1.1&notice=drafted"
    draft = client.get(saved.headers["location"])
    assert "پیش‌نویس ذخیره شد." in draft.text
    assert "جزئی (سازگار)" in draft.text
    assert "ستون رایانامه افزوده شد" in draft.text
    assert f'action="{STUDENTS}/versions/1.1/submit"' in draft.text

    submitted = client.post(
        f"{STUDENTS}/versions/1.1/submit", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert submitted.status_code == 303
    assert "در انتظار تأیید" in client.get(submitted.headers["location"]).text

    _log_in_as(client, owner)
    queue = client.get("/catalogue/approvals")
    assert f'href="{STUDENTS}?version=1.1"' in queue.text
    assert "<bdi>کاربر آزمایشی</bdi>" in queue.text  # who submitted it, by full name
    assert "در انتظار تصمیم شما: ۱" in client.get("/catalogue").text
    owner_csrf = _csrf_of(client, f"{STUDENTS}?version=1.1")
    approved = client.post(
        f"{STUDENTS}/versions/1.1/approve",
        data={"csrf_token": owner_csrf, "note": "تأیید شد", "transition_days": "90"},
        follow_redirects=False,
    )
    assert approved.status_code == 303, approved.text
    page = client.get(approved.headers["location"])
    assert "نسخه تأیید شد و اکنون فعال است." in page.text
    listing = client.get("/catalogue")
    row = listing.text.split(f'href="{STUDENTS}"', 1)[1].split("</tr>", 1)[0]
    assert ">1.1</bdi>" in row
    assert _versions(session) == [("1.0", "superseded"), ("1.1", "active")]


def test_save_and_submit_in_one_step_from_an_uploaded_file(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    _log_in_as(client, actor(Role.OPERATOR))
    csrf = _csrf_of(client, f"{STUDENTS}/draft")
    # The whole data-set document, as authored, uploaded as a file.
    document = dataset_document().model_dump(by_alias=True, mode="json")
    document["schema"] = schema_with(extra_fields=[OPTIONAL_FIELD])
    upload = json.dumps(document, ensure_ascii=False).encode("utf-8-sig")
    response = client.post(
        f"{STUDENTS}/draft",
        data={"csrf_token": csrf, "schema": "", "note": "", "action": "submit"},
        files={"schema_file": ("students.json", upload, "application/json")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"{STUDENTS}?version=1.1&notice=submitted"
    assert _versions(session) == [("1.0", "active"), ("1.1", "pending_approval")]


def test_a_non_owner_cannot_approve(client: TestClient, session: Session, actor: MakeActor) -> None:
    version = _draft(session, submit=True)
    _log_in_as(client, _owner(session, actor, unit="finance"))
    page = client.get(STUDENTS, params={"version": version})
    assert page.status_code == 200
    assert "/approve" not in page.text  # no decision form for another unit
    assert f"{STUDENTS}?version=1.1" not in client.get("/catalogue/approvals").text
    csrf = _CSRF.search(page.text)
    assert csrf is not None
    response = client.post(
        f"{STUDENTS}/versions/{version}/approve", data={"csrf_token": csrf.group(1)}
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "not_dataset_owner" in response.text
    assert _versions(session) == [("1.0", "active"), ("1.1", "pending_approval")]


def test_an_operator_cannot_approve(client: TestClient, session: Session, actor: MakeActor) -> None:
    version = _draft(session, submit=True)
    _log_in_as(client, actor(Role.OPERATOR))
    csrf = _csrf_of(client, STUDENTS)
    response = client.post(f"{STUDENTS}/versions/{version}/approve", data={"csrf_token": csrf})
    assert response.status_code == 403
    assert "permission_denied" in response.text


def test_approval_without_the_csrf_token_is_refused(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    version = _draft(session, submit=True)
    _log_in_as(client, _owner(session, actor))
    response = client.post(f"{STUDENTS}/versions/{version}/approve", data={})
    assert response.status_code == 403
    assert "csrf_failed" in response.text


def test_the_owner_rejects_with_a_reason(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    version = _draft(session, submit=True)
    _log_in_as(client, _owner(session, actor))
    csrf = _csrf_of(client, f"{STUDENTS}?version={version}")
    too_short = client.post(
        f"{STUDENTS}/versions/{version}/reject", data={"csrf_token": csrf, "reason": "نه"}
    )
    assert too_short.status_code == 422
    assert 'id="reason-error"' in too_short.text
    assert 'value="180"' in too_short.text  # the page is whole again, forms included
    rejected = client.post(
        f"{STUDENTS}/versions/{version}/reject",
        data={"csrf_token": csrf, "reason": "ستون رایانامه لازم نیست."},
        follow_redirects=False,
    )
    assert rejected.status_code == 303
    page = client.get(rejected.headers["location"])
    assert "نسخه رد شد." in page.text
    assert "ستون رایانامه لازم نیست." in page.text
    again = client.post(
        f"{STUDENTS}/versions/{version}/approve", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert again.status_code == 409
    assert "version_state" not in again.text  # a message for a person, on the page
    assert "این کار ممکن نیست" in again.text


def test_a_bad_transition_window_is_shown_on_the_page(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    version = _draft(session, submit=True)
    _log_in_as(client, _owner(session, actor))
    csrf = _csrf_of(client, f"{STUDENTS}?version={version}")
    response = client.post(
        f"{STUDENTS}/versions/{version}/approve",
        data={"csrf_token": csrf, "transition_days": "چند"},
    )
    assert response.status_code == 422
    assert 'id="transition_days-error">باید عدد باشد.' in response.text


@pytest.mark.parametrize(
    ("schema", "status", "persian", "english"),
    [
        ('{"fields": [', 422, "JSON خوانده نشد", "The JSON could not be read"),
        ("[1, 2]", 422, "طرح داده باید یک شیء JSON باشد.", "The schema must be a JSON object."),
        (
            {"fields": [{"name": "Bad Name"}], "primaryKey": ["x"]},
            422,
            "طرح داده (Table Schema) معتبر نیست.",
            "The table schema is not valid.",
        ),
        (
            schema_with(
                extra_fields=[
                    {
                        "name": "campus",
                        "title": "پردیس",
                        "dargah:titleEn": "Campus",
                        "type": "string",
                        "dargah:type": "code",
                        "dargah:codeList": "no_such_list",
                    }
                ]
            ),
            422,
            "فهرست‌های کدی ارجاع می‌دهد که وجود ندارند",
            "no_such_list",
        ),
        (schema_with(), 409, "با نسخهٔ فعال یکی است", "same as the active version"),
    ],
    ids=["broken-json", "not-an-object", "invalid-schema", "unknown-code-list", "unchanged"],
)
def test_a_refused_draft_is_explained_in_both_languages(
    client: TestClient,
    actor: MakeActor,
    schema: object,
    status: int,
    persian: str,
    english: str,
) -> None:
    _log_in_as(client, actor(Role.OPERATOR))
    csrf = _csrf_of(client, f"{STUDENTS}/draft")
    response = client.post(f"{STUDENTS}/draft", data=_draft_form(csrf, schema, "save"))
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert persian in response.text
    assert 'id="form-errors"' in response.text
    client.get("/lang/en")
    english_page = client.post(f"{STUDENTS}/draft", data=_draft_form(csrf, schema, "save"))
    assert english_page.status_code == status
    assert english in english_page.text


def test_a_breaking_change_is_previewed_as_major(client: TestClient, actor: MakeActor) -> None:
    _log_in_as(client, actor(Role.OPERATOR))
    csrf = _csrf_of(client, f"{STUDENTS}/draft")
    schema = schema_with(drop="graduation_date")
    response = client.post(f"{STUDENTS}/draft", data=_draft_form(csrf, schema, "check"))
    assert response.status_code == 200
    assert "اصلی (ناسازگار)" in response.text
    assert "graduation_date" in response.text  # the removed field is named


def test_an_open_version_blocks_another_draft(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    _draft(session, submit=False)
    _log_in_as(client, actor(Role.OPERATOR))
    page = client.get(STUDENTS)
    assert f'href="{STUDENTS}/draft"' not in page.text
    assert "نسخهٔ 1.1 هنوز باز است" in page.text
    csrf = _csrf_of(client, f"{STUDENTS}/draft")
    schema = schema_with(drop="graduation_date")
    response = client.post(f"{STUDENTS}/draft", data=_draft_form(csrf, schema, "save"))
    assert response.status_code == 409
    assert "هنوز در جریان است" in response.text


def test_a_bad_template_language_is_an_html_error_not_a_crash(
    client: TestClient, actor: MakeActor
) -> None:
    _log_in_as(client, actor(Role.INSTITUTION))
    response = client.get(f"{STUDENTS}/versions/1.0/template.xlsx", params={"language": "de"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert client.get(f"{STUDENTS}/versions/x/template.csv").status_code == 404


def test_every_label_the_templates_build_from_values_exists() -> None:
    keys = {f"cat.change.{kind.value}" for kind in ChangeKind} | {"cat.change.initial"}
    keys |= {f"cat.severity.{severity.value}" for severity in RuleSeverity}
    keys |= {f"cat.headers.{language}" for language in templates.LANGUAGES}
    keys |= {"cat.cl.status.active", "cat.cl.status.superseded"}
    for language in ("fa", "en"):
        assert keys - set(i18n.MESSAGES[language]) == set(), language


def test_the_dictionary_says_types_constraints_and_people_in_words(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    city = {
        "name": "city_name",
        "title": "نام شهر",
        "dargah:titleEn": "City name",
        "type": "string",
        "dargah:type": "persian_text",
        "constraints": {"maxLength": 20},
    }
    document = dataset_document(slug="test_cities").model_copy(
        update={
            "schema_": DatasetDocument.model_validate(
                {
                    **dataset_document().model_dump(by_alias=True),
                    "schema": schema_with(extra_fields=[city], rules_prefix="test_cities"),
                }
            ).schema_
        }
    )
    service.sync_builtin(
        session,
        principal=cli_principal("root"),
        code_list_documents=[LEVELS],
        dataset_documents=[document],
    )
    _log_in_as(client, actor(Role.INSTITUTION))
    client.cookies.set(i18n.LANGUAGE_COOKIE, "fa")

    page = client.get("/catalogue/datasets/test_cities")

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "حداکثر ۲۰ نویسه" in text
    assert "maxLength" not in text
    assert "(متن)" in text  # the storage type in words
    assert " string " not in text
    assert "مقایسهٔ دو فیلد" in text  # the rule's kind, not "compare"
    assert re.search(r"خط فرمان \( ?root ?\)", text)
    assert "cli:root" not in text
    assert "شماره دانشجویی" in text  # the natural key by its title
