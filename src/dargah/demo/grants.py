"""Demo grants, so that a visitor can query as soon as they log in.

The education deputy owns the students data set. It grants the research deputy
aggregate access to it (counts by province, level, gender, field…) and itself row
access with personal fields masked; the research deputy has asked for row access too,
and that request waits for the education deputy's decision. The faculty data set
(the education deputy's) and the research outputs (the research deputy's) are shared
the same way: each owner reads its own rows, and the other deputy counts. Everything
goes through ``access.grants``, as the portal and the API would, and is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from dargah.access import grants
from dargah.access.models import GrantLevel
from dargah.access.policy import Principal, Role
from dargah.access.schemas import GrantCreate, GrantRequestCreate, RowScope
from dargah.db.base import utcnow
from dargah.db.session import Database
from dargah.members import service as members

DATASET: Final = "students"
OWNER: Final = "education"
CONSUMER: Final = "research"
AGGREGATE_FIELDS: Final = (
    "gender",
    "degree_level",
    "field_of_study",
    "study_mode",
    "status",
    "province_of_residence",
    "entry_term",
    "credits_passed",
    "gpa",
)
LEGAL_BASIS: Final = "آیین‌نامهٔ تبادل داده در وزارت علوم (نمایشی)"
# Data set → (owner, the other deputy, the fields it may count by).
SHARED: Final = {
    "faculty": (
        OWNER,
        CONSUMER,
        ("rank", "gender", "employment_type", "is_full_time", "highest_degree", "field_of_study"),
    ),
    "research_outputs": (
        CONSUMER,
        OWNER,
        ("output_type", "publication_year", "indexing", "quartile", "isced_field"),
    ),
}


@dataclass(frozen=True)
class DemoGrants:
    """What the demo set up: grant ids and the pending request's id."""

    grants: tuple[int, ...]
    pending_request: int
    shared: tuple[int, ...] = ()
    """The grants on the faculty and research outputs data sets."""


def seed_demo_grants(database: Database, principal: Principal) -> DemoGrants:
    """Two grants on the students data set and one pending request (see the module)."""
    expires = utcnow() + timedelta(days=365)
    with database.session() as session:
        to_research = grants.create_grant(
            session,
            principal=principal,
            data=GrantCreate(
                dataset=DATASET,
                consumer=CONSUMER,
                fields=list(AGGREGATE_FIELDS),
                level=GrantLevel.AGGREGATE,
                purpose="آمار دانشجویان برای برنامه‌ریزی پژوهشی",
                legal_basis=LEGAL_BASIS,
                expires_at=expires,
            ),
        )
        to_owner = grants.create_grant(
            session,
            principal=principal,
            data=GrantCreate(
                dataset=DATASET,
                consumer=OWNER,
                level=GrantLevel.ROWS,
                purpose="پایش دادهٔ دانشجویی دانشگاه‌ها",
                legal_basis=LEGAL_BASIS,
                expires_at=expires,
            ),
        )
        research = members.get_hq_unit(session, CONSUMER)
        asker = Principal(kind="cli", role=Role.HQ, name=principal.name, hq_unit_id=research.id)
        pending = grants.request_grant(
            session,
            principal=asker,
            data=GrantRequestCreate(
                dataset=DATASET,
                fields=["student_number", "degree_level", "field_of_study", "gpa"],
                scope=RowScope(provinces=["23"], period_from="1402"),
                level=GrantLevel.ROWS,
                purpose="نمونه‌گیری دانشجویان تهران برای طرح پژوهشی پیمایش ملی",
                legal_basis=LEGAL_BASIS,
                expires_at=expires,
            ),
        )
        shared = [
            grants.create_grant(
                session,
                principal=principal,
                data=GrantCreate(
                    dataset=dataset,
                    consumer=consumer,
                    level=level,
                    fields=fields,
                    purpose=purpose,
                    legal_basis=LEGAL_BASIS,
                    expires_at=expires,
                ),
            ).id
            for dataset, (owner, other, counted) in SHARED.items()
            for consumer, level, fields, purpose in (
                (owner, GrantLevel.ROWS, None, "پایش داده‌های مجموعه‌دادهٔ خود"),
                (other, GrantLevel.AGGREGATE, list(counted), "آمار ملی برای برنامه‌ریزی"),
            )
        ]
        return DemoGrants(
            grants=(to_research.id, to_owner.id), pending_request=pending.id, shared=tuple(shared)
        )
