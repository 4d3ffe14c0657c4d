"""The members list's query string: filters, the page number and the pager's links.

Filters arrive as text from the search form; empty ones are dropped, and the rest go
through ``MemberFilter`` (the API's own filter model), so the portal and the API
accept exactly the same values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

from pydantic import ValidationError

from dargah.errors import InvalidInput
from dargah.members.schemas import MemberFilter

PAGE_SIZE: Final = 25
FILTER_NAMES: Final = ("q", "kind", "institution_type", "province", "status")
_MAX_PAGE: Final = 100_000


@dataclass(frozen=True)
class Pager:
    """Where one page of results sits among all of them."""

    page: int
    pages: int
    first: int
    last: int
    previous_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class MemberQuery:
    """The filters and page of one request of the members list."""

    filters: dict[str, str]
    page: int

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> MemberQuery:
        """Read the query string; a missing or malformed page number means page 1."""
        filters = {
            name: params[name].strip()
            for name in FILTER_NAMES
            if name in params and params[name].strip()
        }
        try:
            page = min(max(int(params.get("page") or "1"), 1), _MAX_PAGE)
        except ValueError:
            page = 1
        return cls(filters=filters, page=page)

    def to_filter(self) -> MemberFilter:
        """The service's filter for this page, or ``InvalidInput`` naming the bad fields."""
        try:
            return MemberFilter.model_validate(
                {**self.filters, "limit": PAGE_SIZE, "offset": (self.page - 1) * PAGE_SIZE}
            )
        except ValidationError as exc:
            fields = sorted({str(error["loc"][0]) for error in exc.errors() if error.get("loc")})
            raise InvalidInput(
                "یکی از پالایه‌های فهرست معتبر نیست: " + "، ".join(fields),
                "A filter of the list is not valid: " + ", ".join(fields),
                code="invalid_filter",
                details={"fields": fields},
            ) from None

    def url(self, page: int) -> str:
        """The list with the same filters, at ``page``."""
        return "/members?" + urlencode({**self.filters, "page": page})

    def pager(self, *, total: int, shown: int) -> Pager:
        """The pager of this page, given how many match in all and how many are shown."""
        pages = max(1, -(-total // PAGE_SIZE))
        start = (self.page - 1) * PAGE_SIZE
        return Pager(
            page=self.page,
            pages=pages,
            first=start + 1 if shown else 0,
            last=start + shown,
            previous_url=self.url(self.page - 1) if self.page > 1 else None,
            next_url=self.url(self.page + 1) if self.page < pages else None,
        )
