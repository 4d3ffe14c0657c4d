"""The national statistics dashboard: every pivot the person may read, for one period,
as a table and a bar chart, with a CSV download and a link to the query builder.

Each pivot is read through ``statistics.service.answer`` — the query service under the
person's grant, suppression and audit (purpose «داشبورد آمار ملی»). Showing the page is
a GET (a bookmarkable period; the session cookie is SameSite=Lax, so another site can
only open it as a page the person sees); a download is a form post with the CSRF
token, like the query builder's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.responses import Response

from dargah.access.policy import Permission
from dargah.api.deps import SessionDep, SettingsDep, id_from_text
from dargah.errors import DargahError, InvalidInput, PermissionDenied
from dargah.records.exports import MEDIA_TYPES, labelled_chunks
from dargah.statistics import exports, service
from dargah.statistics.schemas import builder_url
from dargah.web.deps import FormFields, PortalUser, require_form, require_page
from dargah.web.downloads import statistic_table, variant_of
from dargah.web.statistics_view import (
    PivotPanel,
    coverage_summary,
    failed,
    missing,
    panel,
    percent,
)
from dargah.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

CanQuery = Annotated[PortalUser, require_page(Permission.QUERY)]
CanPostQuery = Annotated[PortalUser, require_form(Permission.QUERY)]


def _none_visible() -> PermissionDenied:
    return PermissionDenied(
        "آمار ملی را حوزه‌های ستادی و دستگاه‌های همکار با مجوز دسترسی به دادهٔ دانشجویان، "
        "هیئت علمی یا بروندادهای پژوهشی، و دانشگاه‌ها برای دادهٔ خود می‌بینند؛ برای "
        "دسترسی، مجموعه‌داده را در کاتالوگ بیابید و درخواست دهید.",
        "National statistics are for HQ units and agencies holding a grant on students, "
        "faculty or research outputs, and for institutions (their own figures); to get "
        "access, find the data set in the catalogue and ask its owner.",
        code="statistics_none_visible",
    )


def _grant(text: str | None) -> int | None:
    return id_from_text(text, "grant", title_fa="شمارهٔ مجوز")


@router.get("/statistics")
def dashboard(
    request: Request, session: SessionDep, settings: SettingsDep, user: CanQuery
) -> Response:
    """Every pivot the person may read, for the period chosen (default: the latest
    national period, ``service.default_period``), with who reported it."""
    language = language_of(request)
    share = settings.statistics_national_share
    views = service.visible_pivots(session, principal=user.principal, national_share=share)
    if not views:
        raise _none_visible()
    asked = request.query_params.get("period", "")
    problem: str | None = None
    try:
        period = service.normalise_period(asked) or service.default_period(views)
    except InvalidInput:
        problem, period = asked[:20], service.default_period(views)
    secret = settings.secret_key.get_secret_value().encode()
    panels: list[PivotPanel] = []
    for view in views:
        if (
            period is not None
            and service.resolve_period(view.dataset, period, view.periods) is None
        ):
            # Said in the page's language with the periods it holds, not as an error.
            panels.append(missing(view, period, language))
            continue
        try:
            statistic = service.answer(
                session,
                principal=user.principal,
                pivot_id=view.pivot.id,
                period=period,
                secret=secret,
                grant_id=view.access.grant_id,
                output="html",
                national_share=share,
            )
        except DargahError as exc:
            panels.append(failed(view, exc))
            continue
        panels.append(panel(view, statistic, language))
    context = {
        "panels": panels,
        "coverage": coverage_summary(panels, language),
        "periods": service.dashboard_periods(views),
        "national": {item for view in views for item in view.national},
        "period": period,
        "period_problem": problem,
        "share": percent(share, language),
        "builder_url": builder_url,
    }
    return render(request, "statistics/dashboard.html", context)


@router.post("/statistics/{pivot}/export")
def export_pivot(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CanPostQuery,
    fields: FormFields,
    pivot: str,
) -> Response:
    """One pivot as CSV or XLSX, through the query service's export path (audited as a
    read): for people (titles, labels beside codes, a sheet named in the page's
    language) unless ``variant=machine`` asks for the codes and both labels."""
    file_format: exports.FileFormat = "xlsx" if fields.get("format") == "xlsx" else "csv"
    statistic = service.answer(
        session,
        principal=user.principal,
        pivot_id=pivot,
        period=fields.get("period") or None,
        secret=settings.secret_key.get_secret_value().encode(),
        grant_id=_grant(fields.get("grant")),
        output=file_format,
        national_share=settings.statistics_national_share,
    )
    headers = {
        "Content-Disposition": f'attachment; filename="{exports.filename(statistic, file_format)}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if variant_of(fields.get("variant")) == "people":
        table = statistic_table(statistic, language_of(request))
        chunks = labelled_chunks(table, file_format)
    else:
        chunks = exports.file_chunks(statistic, file_format)
    return StreamingResponse(
        chunks,
        media_type=MEDIA_TYPES[file_format],
        headers=headers,
    )
