"""The closed vocabulary of audit events; codes are stable and documented.

Each code is ``<entity>.<verb>``; ``docs/audit-events.md`` describes every one. Adding
an event is fine; renaming or reusing one is not, because old entries keep their code.
"""

from __future__ import annotations

import enum


class AuditAction(enum.StrEnum):
    """Everything the gateway records in its audit log."""

    MEMBER_CREATED = "member.created"
    MEMBER_UPDATED = "member.updated"
    MEMBERS_IMPORTED = "member.imported"
    HQ_UNIT_CREATED = "hq_unit.created"
    HQ_UNIT_UPDATED = "hq_unit.updated"
    SYSTEM_CREATED = "system.created"
    SYSTEM_UPDATED = "system.updated"
    API_KEY_CREATED = "api_key.created"
    API_KEY_REVOKED = "api_key.revoked"
    PERSON_CREATED = "person.created"
    PERSON_UPDATED = "person.updated"
    PERSON_PASSWORD_CHANGED = "person.password_changed"  # noqa: S105 (an event code)
    PERSON_READ = "person.read"
    SESSION_LOGIN = "session.login"
    SESSION_LOGIN_FAILED = "session.login_failed"
    SESSION_LOGOUT = "session.logout"
    AUDIT_SEARCHED = "audit.searched"
    AUDIT_VERIFIED = "audit.verified"
    SCHEMA_UPGRADED = "schema.upgraded"
    CATALOGUE_SYNCED = "catalogue.synced"
    DATASET_CREATED = "dataset.created"
    DATASET_UPDATED = "dataset.updated"
    DATASET_VERSION_DRAFTED = "dataset_version.drafted"
    DATASET_VERSION_SUBMITTED = "dataset_version.submitted"
    DATASET_VERSION_APPROVED = "dataset_version.approved"
    DATASET_VERSION_REJECTED = "dataset_version.rejected"
    CODE_LIST_VERSION_CREATED = "code_list_version.created"


AUDIT_ACTION_DESCRIPTIONS: dict[AuditAction, tuple[str, str]] = {
    AuditAction.MEMBER_CREATED: ("ثبت عضو جدید", "A member was registered"),
    AuditAction.MEMBER_UPDATED: ("ویرایش عضو", "A member was changed"),
    AuditAction.MEMBERS_IMPORTED: ("ورود گروهی موسسات", "Institutions were imported in bulk"),
    AuditAction.HQ_UNIT_CREATED: ("ثبت حوزه ستادی", "An HQ unit was registered"),
    AuditAction.HQ_UNIT_UPDATED: ("ویرایش حوزه ستادی", "An HQ unit was changed"),
    AuditAction.SYSTEM_CREATED: ("ثبت سامانه", "A system was registered"),
    AuditAction.SYSTEM_UPDATED: ("ویرایش سامانه", "A system was changed"),
    AuditAction.API_KEY_CREATED: ("صدور کلید API", "An API key was issued"),
    AuditAction.API_KEY_REVOKED: ("ابطال کلید API", "An API key was revoked"),
    AuditAction.PERSON_CREATED: ("ایجاد حساب کاربری", "A person's account was created"),
    AuditAction.PERSON_UPDATED: ("ویرایش حساب کاربری", "A person's account was changed"),
    AuditAction.PERSON_PASSWORD_CHANGED: ("تغییر گذرواژه", "A password was changed"),
    AuditAction.PERSON_READ: ("مشاهده اطلاعات شخصی کاربران", "People's personal data was read"),
    AuditAction.SESSION_LOGIN: ("ورود به پرتال", "A person logged in"),
    AuditAction.SESSION_LOGIN_FAILED: ("ورود ناموفق", "A login failed"),
    AuditAction.SESSION_LOGOUT: ("خروج از پرتال", "A person logged out"),
    AuditAction.AUDIT_SEARCHED: ("جستجو در رویدادنگاری", "The audit log was searched"),
    AuditAction.AUDIT_VERIFIED: ("وارسی زنجیره رویدادنگاری", "The audit chain was verified"),
    AuditAction.SCHEMA_UPGRADED: ("به‌روزرسانی طرح پایگاه داده", "The database schema was upgraded"),
    AuditAction.CATALOGUE_SYNCED: (
        "همگام‌سازی کاتالوگ با تعریف‌های داخلی",
        "The catalogue was synchronised with the built-in definitions",
    ),
    AuditAction.DATASET_CREATED: ("تعریف مجموعه‌داده", "A data set was defined"),
    AuditAction.DATASET_UPDATED: ("ویرایش مشخصات مجموعه‌داده", "A data set's details were changed"),
    AuditAction.DATASET_VERSION_DRAFTED: (
        "تهیه پیش‌نویس نسخه مجموعه‌داده",
        "A data-set version was drafted",
    ),
    AuditAction.DATASET_VERSION_SUBMITTED: (
        "ارسال نسخه برای تأیید مالک",
        "A data-set version was submitted to its owner",
    ),
    AuditAction.DATASET_VERSION_APPROVED: (
        "تأیید و فعال‌سازی نسخه مجموعه‌داده",
        "A data-set version was approved and activated",
    ),
    AuditAction.DATASET_VERSION_REJECTED: ("رد نسخه مجموعه‌داده", "A data-set version was rejected"),
    AuditAction.CODE_LIST_VERSION_CREATED: (
        "ایجاد نسخه جدید فهرست کد",
        "A new code-list version was created",
    ),
}
