"""The authorisation policy: a closed set of roles and permissions, deny by default.

Every route names exactly one permission (``api.deps.require``); a role holds only the
permissions listed here. Scoped checks (an institution sees only its own data) are
named functions below, called by services or routes after the permission check.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

from dargah.errors import PermissionDenied


class Role(enum.StrEnum):
    """The roles of people and machine clients."""

    ADMIN = "admin"
    OPERATOR = "operator"
    INSTITUTION = "institution"
    HQ = "hq"
    AUDITOR = "auditor"
    AGENCY = "agency"
    # Only for auditing attempts by callers not yet identified (a failed login).
    ANONYMOUS = "anonymous"


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.ADMIN: ("مدیر سامانه", "Administrator"),
    Role.OPERATOR: ("متصدی درگاه", "Gateway operator"),
    Role.INSTITUTION: ("کارشناس دانشگاه/موسسه", "Institution staff"),
    Role.HQ: ("کارشناس حوزه ستادی", "HQ unit staff"),
    Role.AUDITOR: ("حسابرس", "Auditor"),
    Role.AGENCY: ("دستگاه همکار", "Peer agency"),
    Role.ANONYMOUS: ("ناشناس", "Anonymous"),
}

ASSIGNABLE_ROLES = frozenset(Role) - {Role.ANONYMOUS}


class Permission(enum.StrEnum):
    """One permission per endpoint family and verb."""

    MEMBERS_READ = "members:read"
    MEMBERS_WRITE = "members:write"
    SYSTEMS_WRITE = "systems:write"
    KEYS_MANAGE = "keys:manage"
    PEOPLE_READ = "people:read"
    PEOPLE_WRITE = "people:write"
    AUDIT_READ = "audit:read"
    CATALOGUE_READ = "catalogue:read"
    CATALOGUE_WRITE = "catalogue:write"
    CATALOGUE_APPROVE = "catalogue:approve"
    # Following background jobs; which jobs a caller sees is scoped in jobs.service.
    JOBS_READ = "jobs:read"
    JOBS_MANAGE = "jobs:manage"
    # Sending data and reading one's submissions; the institution scope is checked in
    # submissions.service.
    SUBMISSIONS_WRITE = "submissions:write"
    SUBMISSIONS_READ = "submissions:read"
    # Grants: reading the ones a caller holds or gives; giving and revoking them (only
    # for data sets the caller's HQ unit owns, checked in access.grants); asking for one.
    GRANTS_READ = "grants:read"
    GRANTS_MANAGE = "grants:manage"
    GRANTS_REQUEST = "grants:request"
    # Querying a data set's records; what may be read is decided by a grant (or, for an
    # institution, by its own data) in access.grants.
    QUERY = "query"
    SELF = "self"


_EVERYONE = frozenset(
    {Permission.SELF, Permission.MEMBERS_READ, Permission.CATALOGUE_READ, Permission.JOBS_READ}
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.OPERATOR: _EVERYONE
    | {
        Permission.MEMBERS_WRITE,
        Permission.SYSTEMS_WRITE,
        Permission.KEYS_MANAGE,
        Permission.PEOPLE_READ,
        Permission.PEOPLE_WRITE,
        Permission.CATALOGUE_WRITE,
        Permission.JOBS_MANAGE,
        Permission.SUBMISSIONS_WRITE,
        Permission.SUBMISSIONS_READ,
        # Operators triage information requests: they see who holds which grant.
        Permission.GRANTS_READ,
    },
    # Institution staff manage their own systems' keys; the scope check is below.
    # Institutions query their own records without a grant.
    Role.INSTITUTION: _EVERYONE
    | {
        Permission.KEYS_MANAGE,
        Permission.SUBMISSIONS_WRITE,
        Permission.SUBMISSIONS_READ,
        Permission.QUERY,
    },
    # HQ staff approve versions of, and grant access to, the data sets their unit owns
    # (scope checked there); they query what their unit's grants allow.
    Role.HQ: _EVERYONE
    | {
        Permission.CATALOGUE_APPROVE,
        Permission.GRANTS_READ,
        Permission.GRANTS_MANAGE,
        Permission.GRANTS_REQUEST,
        Permission.QUERY,
    },
    # Auditors see grants (who may read what) but read no records.
    Role.AUDITOR: _EVERYONE
    | {Permission.AUDIT_READ, Permission.PEOPLE_READ, Permission.GRANTS_READ},
    Role.AGENCY: _EVERYONE | {Permission.GRANTS_READ, Permission.GRANTS_REQUEST, Permission.QUERY},
    Role.ANONYMOUS: frozenset(),
}

# Roles an operator may hand out; only an administrator creates administrators,
# operators and auditors (separation of duties).
OPERATOR_ASSIGNABLE_ROLES = frozenset({Role.INSTITUTION, Role.HQ, Role.AGENCY})


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of one request: a person or a system's API key."""

    kind: Literal["person", "system", "cli", "anonymous"]
    role: Role
    name: str
    person_id: int | None = None
    api_key_id: int | None = None
    session_id: int | None = None
    member_identifier: str | None = None
    system_identifier: str | None = None
    institution_id: int | None = None
    hq_unit_id: int | None = None

    def can(self, permission: Permission) -> bool:
        """Whether the principal's role holds ``permission``."""
        return permission in ROLE_PERMISSIONS[self.role]


def authorize(principal: Principal, permission: Permission) -> None:
    """Raise ``PermissionDenied`` unless the principal holds ``permission``."""
    if not principal.can(permission):
        raise PermissionDenied(
            "شما اجازهٔ این کار را ندارید.",
            "You are not allowed to do this.",
            code="permission_denied",
            details={"permission": permission.value, "role": principal.role.value},
        )


def require_institution_access(principal: Principal, institution_id: int) -> None:
    """Institution staff and institution systems act only for their own institution."""
    if principal.role in (Role.ADMIN, Role.OPERATOR):
        return
    if principal.role is Role.INSTITUTION and principal.institution_id == institution_id:
        return
    raise PermissionDenied(
        "شما فقط به دادهٔ دانشگاه/موسسهٔ خود دسترسی دارید.",
        "You can only act for your own institution.",
        code="institution_scope",
        details={"institution_id": institution_id},
    )


def anonymous_principal(name: str) -> Principal:
    """A caller not (yet) identified, e.g. a failed login attempt for ``name``."""
    return Principal(kind="anonymous", role=Role.ANONYMOUS, name=name or "-")


def cli_principal(user: str) -> Principal:
    """The principal of a command run on the server itself (an administrator's shell)."""
    return Principal(kind="cli", role=Role.ADMIN, name=f"cli:{user}")
