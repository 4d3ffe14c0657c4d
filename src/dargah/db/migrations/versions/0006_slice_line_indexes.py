"""Line indexes of slices: re-sent files skip their unchanged lines (decision 0010).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slice_line_indexes",
        sa.Column("slice_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("context", sa.String(length=64), nullable=False),
        sa.Column("scheme", sa.String(length=60), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["slice_id"],
            ["record_slices.id"],
            name=op.f("fk_slice_line_indexes_slice_id_record_slices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("slice_id", name=op.f("pk_slice_line_indexes")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Hashes do not compress: spare PostgreSQL the attempt on every write.
        op.execute("ALTER TABLE slice_line_indexes ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("slice_line_indexes")
