"""Line indexes stored in parts of a few megabytes, written and read one at a time.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 10:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # An index is a cache: the ones already written are dropped, the next load of
    # each slice writes it again in parts.
    op.execute("DELETE FROM slice_line_indexes")
    with op.batch_alter_table("slice_line_indexes", schema=None) as batch_op:
        batch_op.drop_column("data")
    op.create_table(
        "slice_line_index_parts",
        sa.Column("slice_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["slice_id"],
            ["slice_line_indexes.slice_id"],
            name=op.f("fk_slice_line_index_parts_slice_id_slice_line_indexes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("slice_id", "part", name=op.f("pk_slice_line_index_parts")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Hashes do not compress: spare PostgreSQL the attempt on every write.
        op.execute("ALTER TABLE slice_line_index_parts ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("slice_line_index_parts")
    op.execute("DELETE FROM slice_line_indexes")
    with op.batch_alter_table("slice_line_indexes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data", sa.LargeBinary(), nullable=False))
