"""People of a peer agency are bound to the agency's member, as their grants are its.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = (
    "(role = 'institution' AND institution_id IS NOT NULL AND hq_unit_id IS NULL)"
    " OR (role = 'hq' AND hq_unit_id IS NOT NULL AND institution_id IS NULL)"
    " OR (role NOT IN ('institution', 'hq') AND institution_id IS NULL AND hq_unit_id IS NULL)"
)
# identity.models.PERSON_BINDING_RULE as of this revision, written out: a migration keeps
# the rule of its day even if the model's changes later.
_AFTER = (
    "(role = 'institution' AND institution_id IS NOT NULL AND hq_unit_id IS NULL)"
    " OR (role = 'hq' AND hq_unit_id IS NOT NULL AND institution_id IS NULL)"
    " OR (role = 'agency' AND hq_unit_id IS NULL)"
    " OR (role NOT IN ('institution', 'hq', 'agency')"
    " AND institution_id IS NULL AND hq_unit_id IS NULL)"
)


def _replace(rule: str) -> None:
    # On SQLite batch mode copies the table (foreign keys are off for migrations, env.py).
    with op.batch_alter_table("people") as batch:
        batch.drop_constraint(op.f("ck_people_role_binding"), type_="check")
        batch.create_check_constraint("role_binding", rule)


def upgrade() -> None:
    _replace(_AFTER)


def downgrade() -> None:
    # The old rule forbids an agency person's member: unbind them first.
    op.execute("UPDATE people SET institution_id = NULL WHERE role = 'agency'")
    _replace(_BEFORE)
