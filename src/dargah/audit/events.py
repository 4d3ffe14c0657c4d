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
    JOB_CANCELLED = "job.cancelled"
    JOB_RETRIED = "job.retried"
    SIGNING_KEY_CREATED = "signing_key.created"
    SIGNING_KEY_ROTATED = "signing_key.rotated"
    SUBMISSION_CREATED = "submission.created"
    SUBMISSION_DUPLICATE = "submission.duplicate"
    SUBMISSION_ACCEPTED = "submission.accepted"
    SUBMISSION_REJECTED = "submission.rejected"
    SUBMISSION_VALIDATED = "submission.validated"
    SUBMISSION_REPORT_READ = "submission.report_read"
    GRANT_CREATED = "grant.created"
    GRANT_REVOKED = "grant.revoked"
    GRANT_REQUESTED = "grant_request.created"
    GRANT_REQUEST_APPROVED = "grant_request.approved"
    GRANT_REQUEST_REFUSED = "grant_request.refused"
    DATASET_QUERIED = "dataset.queried"
    DATASET_QUERY_REFUSED = "dataset.query_refused"


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
    AuditAction.JOB_CANCELLED: ("لغو کار پس‌زمینه", "A background job was cancelled"),
    AuditAction.JOB_RETRIED: ("اجرای دوبارهٔ کار پس‌زمینه", "A background job was queued again"),
    AuditAction.SIGNING_KEY_CREATED: (
        "ایجاد کلید امضای درگاه",
        "A gateway signing key was put into use",
    ),
    AuditAction.SIGNING_KEY_ROTATED: (
        "تعویض کلید امضای درگاه",
        "The gateway signing key was rotated",
    ),
    AuditAction.SUBMISSION_CREATED: ("ایجاد ارسال داده", "A submission was opened"),
    AuditAction.SUBMISSION_DUPLICATE: (
        "ارسال تکراری (همان محتوای پیشین)",
        "A submission repeated the content the gateway already holds",
    ),
    AuditAction.SUBMISSION_ACCEPTED: (
        "پذیرش و بارگذاری ارسال",
        "A submission was accepted and loaded",
    ),
    AuditAction.SUBMISSION_REJECTED: ("رد ارسال", "A submission was rejected"),
    AuditAction.SUBMISSION_VALIDATED: (
        "بررسی ارسال بدون بارگذاری",
        "A submission was validated without loading",
    ),
    AuditAction.SUBMISSION_REPORT_READ: (
        "مشاهده گزارش خطاهای ارسال",
        "A submission's findings (with cell values) were read",
    ),
    AuditAction.GRANT_CREATED: (
        "اعطای مجوز دسترسی به داده",
        "A grant to read a data set was given",
    ),
    AuditAction.GRANT_REVOKED: ("لغو مجوز دسترسی به داده", "A grant was revoked"),
    AuditAction.GRANT_REQUESTED: ("درخواست مجوز دسترسی به داده", "A grant was requested"),
    AuditAction.GRANT_REQUEST_APPROVED: (
        "تأیید درخواست دسترسی و اعطای مجوز",
        "A grant request was approved and the grant given",
    ),
    AuditAction.GRANT_REQUEST_REFUSED: ("رد درخواست دسترسی", "A grant request was refused"),
    AuditAction.DATASET_QUERIED: (
        "پرسش از داده‌های مجموعه‌داده",
        "A data set's records were queried",
    ),
    AuditAction.DATASET_QUERY_REFUSED: (
        "رد پرسش بیرون از مجوز",
        "A query outside the caller's grant was refused",
    ),
}
