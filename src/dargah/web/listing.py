"""The query strings of the portal's lists: filters, sort, the page number, the pager.

``MemberQuery`` serves the members list: filters arrive as text from the search form;
empty ones are dropped, and the rest go through ``MemberFilter`` (the API's own filter
model), so the portal and the API accept exactly the same values; the service pages.

``ListQuery`` serves lists whose rows the page holds whole (people, API keys, systems:
hundreds, not millions): it reads the filters a page names, a ``sort`` key out of the
page's own choices (``-key`` for descending; anything else falls back to the page's
default, never an error) and the page number, then sorts and slices the rows and
builds the links that keep every other parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final, TypeVar
from urllib.parse import urlencode

from pydantic import ValidationError

from dargah.errors import InvalidInput
from dargah.members.schemas import MEMBER_SORTS, MemberFilter

PAGE_SIZE: Final = 25
FILTER_NAMES: Final = ("q", "kind", "institution_type", "province", "status")
_MAX_PAGE: Final = 100_000
T = TypeVar("T")


@dataclass(frozen=True)
class Pager:
    """Where one page of results sits among all of them."""

    page: int
    pages: int
    first: int
    last: int
    previous_url: str | None
    next_url: str | None


class _SortedList:
    """Column headings' links of a list sorted by ``sort`` (``descending`` reverses it)."""

    sort: str
    descending: bool

    def url(self, page: int = 1, *, sort: str | None = None) -> str:
        """The list at ``page``, sorted by ``sort`` if given."""
        raise NotImplementedError

    def sort_url(self, key: str) -> str:
        """The link of a column heading: sort by ``key``, or reverse it if it is the sort."""
        if key == self.sort:
            return self.url(sort=("" if self.descending else "-") + key)
        return self.url(sort=key)

    def aria_sort(self, key: str) -> str:
        """The ``aria-sort`` value of the column sorted by ``key``."""
        if key != self.sort:
            return "none"
        return "descending" if self.descending else "ascending"


@dataclass(frozen=True)
class MemberQuery(_SortedList):
    """The filters and page of one request of the members list."""

    filters: dict[str, str]
    page: int
    sort: str = "code"
    descending: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> MemberQuery:
        """Read the query string; a missing or malformed page number means page 1, an
        unknown sort key the code order."""
        filters = {
            name: params[name].strip()
            for name in FILTER_NAMES
            if name in params and params[name].strip()
        }
        chosen = (params.get("sort") or "").strip()
        if chosen.removeprefix("-") not in MEMBER_SORTS:
            chosen = "code"
        return cls(
            filters=filters,
            page=_page_number(params.get("page")),
            sort=chosen.removeprefix("-"),
            descending=chosen.startswith("-"),
        )

    @property
    def order(self) -> str:
        """The sort as the API names it (``-name`` for descending)."""
        return ("-" if self.descending else "") + self.sort

    def to_filter(self) -> MemberFilter:
        """The service's filter for this page, or ``InvalidInput`` naming the bad fields."""
        try:
            return MemberFilter.model_validate(
                {
                    **self.filters,
                    "sort": self.order,
                    "limit": PAGE_SIZE,
                    "offset": (self.page - 1) * PAGE_SIZE,
                }
            )
        except ValidationError as exc:
            fields = sorted({str(error["loc"][0]) for error in exc.errors() if error.get("loc")})
            raise InvalidInput(
                "یکی از پالایه‌های فهرست معتبر نیست: " + "، ".join(fields),
                "A filter of the list is not valid: " + ", ".join(fields),
                code="invalid_filter",
                details={"fields": fields},
            ) from None

    def url(self, page: int = 1, *, sort: str | None = None) -> str:
        """The list with the same filters (and sort, unless ``sort`` is given) at ``page``."""
        order = sort if sort is not None else self.order
        return "/members?" + urlencode({**self.filters, "sort": order, "page": page})

    def pager(self, *, total: int, shown: int) -> Pager:
        """The pager of this page, given how many match in all and how many are shown."""
        return _pager(self.page, PAGE_SIZE, total=total, shown=shown, url=self.url)


def _page_number(text: str | None) -> int:
    """A page number from the query string; missing or malformed means page 1."""
    try:
        return min(max(int(text or "1"), 1), _MAX_PAGE)
    except ValueError:
        return 1


def _pager(page: int, size: int, *, total: int, shown: int, url: Callable[[int], str]) -> Pager:
    pages = max(1, -(-total // size))
    start = (page - 1) * size
    return Pager(
        page=page,
        pages=pages,
        first=start + 1 if shown else 0,
        last=start + shown,
        previous_url=url(page - 1) if page > 1 else None,
        next_url=url(page + 1) if page < pages else None,
    )


@dataclass(frozen=True)
class ListQuery(_SortedList):
    """The filters, sort and page of one request of a list sorted and paged in memory."""

    path: str
    filters: dict[str, str]
    sort: str
    descending: bool
    page: int
    page_size: int = PAGE_SIZE

    @classmethod
    def read(
        cls,
        path: str,
        params: Mapping[str, str],
        *,
        filters: Sequence[str],
        sorts: Sequence[str],
        default_sort: str,
        page_size: int = PAGE_SIZE,
    ) -> ListQuery:
        """Read the query string of the list at ``path``.

        ``default_sort`` may start with ``-`` (newest first, say); an unknown sort key
        falls back to it, a malformed page number to page 1.
        """
        chosen = (params.get("sort") or "").strip()
        if chosen.removeprefix("-") not in sorts:
            chosen = default_sort
        return cls(
            path=path,
            filters={
                name: params[name].strip()
                for name in filters
                if name in params and params[name].strip()
            },
            sort=chosen.removeprefix("-"),
            descending=chosen.startswith("-"),
            page=_page_number(params.get("page")),
            page_size=page_size,
        )

    def url(self, page: int = 1, *, sort: str | None = None) -> str:
        """The list with the same filters (and sort, unless ``sort`` is given) at ``page``."""
        order = sort if sort is not None else ("-" if self.descending else "") + self.sort
        return f"{self.path}?" + urlencode({**self.filters, "sort": order, "page": page})

    def page_of(
        self, rows: Sequence[T], keys: Mapping[str, Callable[[T], Any]]
    ) -> tuple[list[T], Pager]:
        """``rows`` sorted by the chosen key and cut to this page, with the pager.

        A page past the end shows the last page, so a link kept after rows were removed
        still lands on something.
        """
        ordered = sorted(rows, key=keys[self.sort], reverse=self.descending)
        pages = max(1, -(-len(ordered) // self.page_size))
        query = self if self.page <= pages else replace(self, page=pages)
        start = (query.page - 1) * query.page_size
        shown = ordered[start : start + query.page_size]
        pager = _pager(
            query.page, query.page_size, total=len(ordered), shown=len(shown), url=query.url
        )
        return shown, pager
