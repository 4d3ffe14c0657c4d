"""HTTP models of the query API."""

from __future__ import annotations

from pydantic import Field

from dargah.db.base import MAX_ID
from dargah.persian.inputs import DigitsInt
from dargah.records.query import QuerySpec


class QueryRequest(QuerySpec):
    """A query with the purpose it serves (audited) and, optionally, the grant it uses."""

    purpose: str = Field(min_length=3, max_length=300, description="Why the data is needed")
    grant: DigitsInt | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="The grant to read under, when the caller holds several",
    )

    def spec(self) -> QuerySpec:
        """The query itself, without purpose and grant (validated already, as part of
        this request: not validated twice)."""
        names = QuerySpec.model_fields
        return QuerySpec.model_construct(
            self.model_fields_set & set(names), **{name: getattr(self, name) for name in names}
        )
