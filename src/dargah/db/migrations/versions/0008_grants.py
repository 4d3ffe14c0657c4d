"""Grants and grant requests: who may read which data set, how far and until when.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 18:50:42.248352
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=200), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.Column("dataset_slug", sa.String(length=63), nullable=False),
        sa.Column("consumer_hq_unit_id", sa.Integer(), nullable=True),
        sa.Column("consumer_member_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=True),
        sa.Column("institution_ids", sa.JSON(), nullable=True),
        sa.Column("institution_types", sa.JSON(), nullable=True),
        sa.Column("provinces", sa.JSON(), nullable=True),
        sa.Column("period_from", sa.String(length=20), nullable=True),
        sa.Column("period_to", sa.String(length=20), nullable=True),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("personal", sa.Boolean(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "(consumer_hq_unit_id IS NULL) != (consumer_member_id IS NULL)",
            name=op.f("ck_grants_one_consumer"),
        ),
        sa.ForeignKeyConstraint(
            ["consumer_hq_unit_id"],
            ["hq_units.id"],
            name=op.f("fk_grants_consumer_hq_unit_id_hq_units"),
        ),
        sa.ForeignKeyConstraint(
            ["consumer_member_id"],
            ["members.id"],
            name=op.f("fk_grants_consumer_member_id_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
    )
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.create_index("ix_grants_consumer_member", ["consumer_member_id"], unique=False)
        batch_op.create_index(
            "ix_grants_dataset_consumer", ["dataset_slug", "consumer_hq_unit_id"], unique=False
        )

    op.create_table(
        "grant_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("grant_id", sa.Integer(), nullable=True),
        sa.Column("dataset_slug", sa.String(length=63), nullable=False),
        sa.Column("consumer_hq_unit_id", sa.Integer(), nullable=True),
        sa.Column("consumer_member_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=True),
        sa.Column("institution_ids", sa.JSON(), nullable=True),
        sa.Column("institution_types", sa.JSON(), nullable=True),
        sa.Column("provinces", sa.JSON(), nullable=True),
        sa.Column("period_from", sa.String(length=20), nullable=True),
        sa.Column("period_to", sa.String(length=20), nullable=True),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("personal", sa.Boolean(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "(consumer_hq_unit_id IS NULL) != (consumer_member_id IS NULL)",
            name=op.f("ck_grant_requests_one_consumer"),
        ),
        sa.ForeignKeyConstraint(
            ["consumer_hq_unit_id"],
            ["hq_units.id"],
            name=op.f("fk_grant_requests_consumer_hq_unit_id_hq_units"),
        ),
        sa.ForeignKeyConstraint(
            ["consumer_member_id"],
            ["members.id"],
            name=op.f("fk_grant_requests_consumer_member_id_members"),
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"], ["grants.id"], name=op.f("fk_grant_requests_grant_id_grants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_requests")),
    )
    with op.batch_alter_table("grant_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_grant_requests_dataset_status", ["dataset_slug", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("grant_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_grant_requests_dataset_status")

    op.drop_table("grant_requests")
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.drop_index("ix_grants_dataset_consumer")
        batch_op.drop_index("ix_grants_consumer_member")

    op.drop_table("grants")
