"""Catalogue: data sets, versions, code lists and values.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 18:18:42.313649
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "code_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("title_fa", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("description_fa", sa.Text(), nullable=True),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("search_key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_lists")),
        sa.UniqueConstraint("slug", name=op.f("uq_code_lists_slug")),
    )
    op.create_table(
        "code_list_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_list_id", sa.Integer(), nullable=False),
        sa.Column("major", sa.Integer(), nullable=False),
        sa.Column("minor", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_list_id"],
            ["code_lists.id"],
            name=op.f("fk_code_list_versions_code_list_id_code_lists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_list_versions")),
        sa.UniqueConstraint(
            "code_list_id",
            "major",
            "minor",
            name=op.f("uq_code_list_versions_code_list_id_major_minor"),
        ),
    )
    with op.batch_alter_table("code_list_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_code_list_versions_code_list_id"), ["code_list_id"], unique=False
        )

    op.create_table(
        "code_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label_fa", sa.String(length=300), nullable=False),
        sa.Column("label_en", sa.String(length=300), nullable=False),
        sa.Column("parent_code", sa.String(length=40), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("match_keys", sa.Text(), nullable=False),
        sa.Column("deprecated", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["code_list_versions.id"],
            name=op.f("fk_code_values_version_id_code_list_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_values")),
        sa.UniqueConstraint("version_id", "code", name=op.f("uq_code_values_version_id_code")),
    )
    with op.batch_alter_table("code_values", schema=None) as batch_op:
        batch_op.create_index(
            "ix_code_values_version_position", ["version_id", "position"], unique=False
        )

    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("title_fa", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("description_fa", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("domain", sa.String(length=30), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("steward_id", sa.Integer(), nullable=True),
        sa.Column("sensitivity", sa.String(length=30), nullable=False),
        sa.Column("cadence", sa.String(length=30), nullable=False),
        sa.Column("required_institution_types", sa.JSON(), nullable=False),
        sa.Column("small_cell_threshold", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("usage_notes_fa", sa.Text(), nullable=True),
        sa.Column("usage_notes_en", sa.Text(), nullable=True),
        sa.Column("search_key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["hq_units.id"], name=op.f("fk_datasets_owner_id_hq_units")
        ),
        sa.ForeignKeyConstraint(
            ["steward_id"], ["people.id"], name=op.f("fk_datasets_steward_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datasets")),
        sa.UniqueConstraint("slug", name=op.f("uq_datasets_slug")),
    )
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_datasets_domain"), ["domain"], unique=False)
        batch_op.create_index(batch_op.f("ix_datasets_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "dataset_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("major", sa.Integer(), nullable=False),
        sa.Column("minor", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("table_schema", sa.JSON(), nullable=False),
        sa.Column("schema_hash", sa.String(length=64), nullable=False),
        sa.Column("change_kind", sa.String(length=10), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("activated_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_until", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["datasets.id"], name=op.f("fk_dataset_versions_dataset_id_datasets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_versions")),
        sa.UniqueConstraint(
            "dataset_id", "major", "minor", name=op.f("uq_dataset_versions_dataset_id_major_minor")
        ),
    )
    with op.batch_alter_table("dataset_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dataset_versions_dataset_id"), ["dataset_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dataset_versions_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dataset_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dataset_versions_status"))
        batch_op.drop_index(batch_op.f("ix_dataset_versions_dataset_id"))

    op.drop_table("dataset_versions")
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_datasets_owner_id"))
        batch_op.drop_index(batch_op.f("ix_datasets_domain"))

    op.drop_table("datasets")
    with op.batch_alter_table("code_values", schema=None) as batch_op:
        batch_op.drop_index("ix_code_values_version_position")

    op.drop_table("code_values")
    with op.batch_alter_table("code_list_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_code_list_versions_code_list_id"))

    op.drop_table("code_list_versions")
    op.drop_table("code_lists")
