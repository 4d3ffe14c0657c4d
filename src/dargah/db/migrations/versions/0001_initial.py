"""Initial schema: members registry, identity, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 17:44:42.023758
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    # The chain's head exists from the start, so appends only ever UPDATE it.
    op.execute(
        "INSERT INTO audit_chain_head (id, last_seq, last_hash) VALUES (1, 0, '" + "0" * 64 + "')"
    )
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("actor_kind", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("member", sa.String(length=120), nullable=True),
        sa.Column("system", sa.String(length=200), nullable=True),
        sa.Column("entity_type", sa.String(length=60), nullable=True),
        sa.Column("entity_id", sa.String(length=200), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("personal_data", sa.Boolean(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_member"), ["member"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_entries_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "hq_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_fa", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_units")),
        sa.UniqueConstraint("code", name=op.f("uq_hq_units_code")),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identifier", sa.String(length=120), nullable=False),
        sa.Column("member_class", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name_fa", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("search_key", sa.String(length=700), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("institution_type", sa.String(length=40), nullable=True),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("agency_role", sa.String(length=40), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind != 'institution' OR (institution_type IS NOT NULL AND province_code IS NOT NULL)",
            name=op.f("ck_members_institution_fields"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["members.id"], name=op.f("fk_members_parent_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("identifier", name=op.f("uq_members_identifier")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_members_kind"), ["kind"], unique=False)
        batch_op.create_index("ix_members_kind_province", ["kind", "province_code"], unique=False)
        batch_op.create_index("ix_members_kind_type", ["kind", "institution_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_members_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_members_search_key"), ["search_key"], unique=False)

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=True),
        sa.Column("hq_unit_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("password_changed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(role = 'institution' AND institution_id IS NOT NULL AND hq_unit_id IS NULL) OR (role = 'hq' AND hq_unit_id IS NOT NULL AND institution_id IS NULL) OR (role NOT IN ('institution', 'hq') AND institution_id IS NULL AND hq_unit_id IS NULL)",
            name=op.f("ck_people_role_binding"),
        ),
        sa.ForeignKeyConstraint(
            ["hq_unit_id"], ["hq_units.id"], name=op.f("fk_people_hq_unit_id_hq_units")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["members.id"], name=op.f("fk_people_institution_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("username", name=op.f("uq_people_username")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_hq_unit_id"), ["hq_unit_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_people_institution_id"), ["institution_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_people_role"), ["role"], unique=False)

    op.create_table(
        "systems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("identifier", sa.String(length=200), nullable=False),
        sa.Column("name_fa", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("is_producer", sa.Boolean(), nullable=False),
        sa.Column("is_consumer", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_systems_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_systems")),
        sa.UniqueConstraint("identifier", name=op.f("uq_systems_identifier")),
    )
    with op.batch_alter_table("systems", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_systems_member_id"), ["member_id"], unique=False)

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=True),
        sa.Column("hq_unit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=200), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(role = 'institution' AND institution_id IS NOT NULL AND hq_unit_id IS NULL) OR (role = 'hq' AND hq_unit_id IS NOT NULL AND institution_id IS NULL) OR (role NOT IN ('institution', 'hq') AND institution_id IS NULL AND hq_unit_id IS NULL)",
            name=op.f("ck_api_keys_role_binding"),
        ),
        sa.ForeignKeyConstraint(
            ["hq_unit_id"], ["hq_units.id"], name=op.f("fk_api_keys_hq_unit_id_hq_units")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["members.id"], name=op.f("fk_api_keys_institution_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["system_id"], ["systems.id"], name=op.f("fk_api_keys_system_id_systems")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_system_id"), ["system_id"], unique=False)

    op.create_table(
        "portal_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_portal_sessions_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_sessions_token_hash")),
    )
    with op.batch_alter_table("portal_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portal_sessions_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("portal_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_sessions_person_id"))

    op.drop_table("portal_sessions")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_system_id"))

    op.drop_table("api_keys")
    with op.batch_alter_table("systems", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_systems_member_id"))

    op.drop_table("systems")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_role"))
        batch_op.drop_index(batch_op.f("ix_people_institution_id"))
        batch_op.drop_index(batch_op.f("ix_people_hq_unit_id"))

    op.drop_table("people")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_search_key"))
        batch_op.drop_index(batch_op.f("ix_members_parent_id"))
        batch_op.drop_index("ix_members_kind_type")
        batch_op.drop_index("ix_members_kind_province")
        batch_op.drop_index(batch_op.f("ix_members_kind"))

    op.drop_table("members")
    op.drop_table("hq_units")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_request_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_member"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_entity_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_at"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_actor"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_action"))

    op.drop_table("audit_entries")
    op.drop_table("audit_chain_head")
