"""Schema evolution: is a new schema a minor or a major change of the old one?

The rule (issue 3, docs/decisions/0006): an additive change — a new optional field, a
new warning rule, documentation (titles, descriptions, examples) — is a minor version;
files valid under the old version stay valid under the new. Anything else — a removed
or retyped field, a new required field, a changed constraint, key, sensitivity, code list
or error rule — is a new major version. Pure functions only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from pydantic import BaseModel

from dargah.catalogue.schema import RuleSeverity, SchemaField, TableSchema

_DOCUMENTATION = ("title", "title_en", "description", "description_en", "example")


class ChangeKind(enum.StrEnum):
    """How big a change between two versions is."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"


@dataclass(frozen=True)
class Change:
    """One difference between two schemas, explained in both languages."""

    code: str
    subject: str
    breaking: bool
    message_fa: str
    message_en: str

    def as_dict(self) -> dict[str, str | bool]:
        """A JSON-ready form for the version's change log."""
        return {
            "code": self.code,
            "subject": self.subject,
            "breaking": self.breaking,
            "message_fa": self.message_fa,
            "message_en": self.message_en,
        }


@dataclass(frozen=True)
class Evolution:
    """The verdict on a new schema: its kind and every change found."""

    kind: ChangeKind
    changes: list[Change] = field(default_factory=list)


def compare_schemas(old: TableSchema, new: TableSchema) -> Evolution:
    """Classify ``new`` against ``old`` and list the changes."""
    changes: list[Change] = []
    old_fields = {f.name: f for f in old.fields}
    new_fields = {f.name: f for f in new.fields}
    for name in old_fields.keys() - new_fields.keys():
        changes.append(
            Change(
                "field_removed", name, True, f"ستون «{name}» حذف شد.", f"Field '{name}' removed."
            )
        )
    for name in new_fields.keys() - old_fields.keys():
        added = new_fields[name]
        if added.required:
            changes.append(
                Change(
                    "required_field_added",
                    name,
                    True,
                    f"ستون الزامی «{name}» اضافه شد.",
                    f"Required field '{name}' added.",
                )
            )
        else:
            changes.append(
                Change(
                    "optional_field_added",
                    name,
                    False,
                    f"ستون اختیاری «{name}» اضافه شد.",
                    f"Optional field '{name}' added.",
                )
            )
    for name in sorted(old_fields.keys() & new_fields.keys()):
        changes.extend(_field_changes(old_fields[name], new_fields[name]))
    if old.primary_key != new.primary_key:
        changes.append(
            Change(
                "primary_key_changed",
                ",".join(new.primary_key),
                True,
                "کلید طبیعی داده تغییر کرد.",
                "The natural key changed.",
            )
        )
    changes.extend(_rule_changes(old, new))
    if [f.name for f in old.fields if f.name in new_fields] != [
        f.name for f in new.fields if f.name in old_fields
    ]:
        changes.append(
            Change("field_order", "", False, "ترتیب ستون‌ها تغییر کرد.", "Field order changed.")
        )
    if not changes:
        return Evolution(ChangeKind.NONE)
    kind = ChangeKind.MAJOR if any(change.breaking for change in changes) else ChangeKind.MINOR
    return Evolution(kind, changes)


def _field_changes(old: SchemaField, new: SchemaField) -> list[Change]:
    name = new.name
    changes = []
    if (old.type, old.dargah_type, old.format) != (new.type, new.dargah_type, new.format):
        changes.append(
            Change(
                "field_type_changed",
                name,
                True,
                f"نوع ستون «{name}» تغییر کرد.",
                f"Type of field '{name}' changed ({old.dargah_type} → {new.dargah_type}).",
            )
        )
    if old.code_list != new.code_list:
        changes.append(
            Change(
                "code_list_changed",
                name,
                True,
                f"فهرست کد ستون «{name}» تغییر کرد.",
                f"Code list of field '{name}' changed.",
            )
        )
    if old.constraints != new.constraints:
        changes.append(
            Change(
                "constraints_changed",
                name,
                True,
                f"محدودیت‌های ستون «{name}» تغییر کرد.",
                f"Constraints of field '{name}' changed.",
            )
        )
    if old.sensitivity != new.sensitivity:
        changes.append(
            Change(
                "sensitivity_changed",
                name,
                True,
                f"سطح حساسیت ستون «{name}» تغییر کرد.",
                f"Sensitivity of field '{name}' changed ({old.sensitivity} → {new.sensitivity}).",
            )
        )
    if any(getattr(old, attr) != getattr(new, attr) for attr in _DOCUMENTATION):
        changes.append(
            Change(
                "documentation_changed",
                name,
                False,
                f"عنوان یا توضیح ستون «{name}» تغییر کرد.",
                f"Title or description of field '{name}' changed.",
            )
        )
    return changes


def _rule_changes(old: TableSchema, new: TableSchema) -> list[Change]:
    old_rules = {rule.id: rule for rule in old.rules}
    new_rules = {rule.id: rule for rule in new.rules}
    changes = []
    for rule_id in sorted(old_rules.keys() | new_rules.keys()):
        before, after = old_rules.get(rule_id), new_rules.get(rule_id)
        if before == after:
            continue
        if before is None and after is not None and after.severity is RuleSeverity.WARNING:
            changes.append(
                Change(
                    "warning_rule_added",
                    rule_id,
                    False,
                    f"قاعدهٔ هشدار {rule_id} اضافه شد.",
                    f"Warning rule {rule_id} added.",
                )
            )
        elif before is not None and after is not None and _only_messages_differ(before, after):
            changes.append(
                Change(
                    "rule_message_changed",
                    rule_id,
                    False,
                    f"پیام قاعدهٔ {rule_id} تغییر کرد.",
                    f"Message of rule {rule_id} changed.",
                )
            )
        else:
            verb_fa, verb_en = (
                ("حذف شد", "removed")
                if after is None
                else ("اضافه شد", "added")
                if before is None
                else ("تغییر کرد", "changed")
            )
            changes.append(
                Change(
                    "rule_changed",
                    rule_id,
                    True,
                    f"قاعدهٔ {rule_id} {verb_fa}.",
                    f"Rule {rule_id} {verb_en}.",
                )
            )
    return changes


def _only_messages_differ(before: BaseModel, after: BaseModel) -> bool:
    ignore = {"message_fa", "message_en"}
    return bool(before.model_dump(exclude=ignore) == after.model_dump(exclude=ignore))


def next_version(current: tuple[int, int] | None, kind: ChangeKind) -> tuple[int, int]:
    """The version number a change of ``kind`` gets after ``current``."""
    if current is None:
        return (1, 0)
    major, minor = current
    return (major + 1, 0) if kind is ChangeKind.MAJOR else (major, minor + 1)
