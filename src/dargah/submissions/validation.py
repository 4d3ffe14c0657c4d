"""Validation of a submission, one batch of rows at a time, in columns.

A ``BatchValidator`` is made for one submission: it knows the schema, the code lists
and how to look up rows of other data sets. Each batch of raw text comes back typed,
with its findings and the rows that may be loaded. Keys seen in earlier batches are
remembered so a duplicate natural key is caught across the whole file.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import polars as pl

from dargah.catalogue.documents import DatasetDocument
from dargah.catalogue.schema import (
    CodeAttributeRule,
    CompareRule,
    ExistsInRule,
    RequiredIfRule,
    Rule,
    SchemaField,
)
from dargah.persian import match_key
from dargah.submissions import issues
from dargah.submissions.fields import CodeLookup, convert_field
from dargah.submissions.hashes import HashRuns
from dargah.submissions.spool import FrameSpool

ROW: Final = "_row"
ACTION: Final = "_action"
UPSERT: Final = "upsert"
DELETE: Final = "delete"
# Headers that name the action column of a delta submission.
ACTION_HEADERS: Final = frozenset(match_key(text) for text in ("_action", "action", "عملیات"))
_ACTIONS: Final = {
    **{match_key(word): UPSERT for word in ("upsert", "insert", "update", "ثبت", "درج", "ویرایش")},
    **{match_key(word): DELETE for word in ("delete", "remove", "حذف")},
}
_OPERATORS: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}

_KEY_SEED: Final = 1403
_KEY_HASH: Final = "_key_hash"
_SEEN_PART_ROWS: Final = 500_000
_PAIR: Final = "\x1f"  # joins a code and a value; no code list holds it

ReferenceLookup = Callable[[ExistsInRule], pl.DataFrame | None]
"""Distinct values of a rule's matched fields in the other data set (columns named as
the *other* data set's fields), or None when the gateway holds none for the institution."""


@dataclass
class ValidatedBatch:
    """One batch after validation."""

    rows: pl.DataFrame  # typed fields, ``_row`` and ``_action``; every row of the batch
    accepted: pl.Series  # Boolean, aligned with ``rows``: no error finding
    issues: pl.DataFrame

    @property
    def accepted_rows(self) -> pl.DataFrame:
        """The rows that may be loaded."""
        return self.rows.filter(self.accepted)


@dataclass
class BatchValidator:
    """Validates the batches of one submission against one data-set version."""

    document: DatasetDocument
    code_lookups: Mapping[str, CodeLookup]
    references: ReferenceLookup | None = None
    delta: bool = False
    # Keys of earlier batches: on disk (only read when a hash matches), their hashes
    # sorted in memory; so memory does not grow with the file (``spool``).
    _seen_keys: FrameSpool = field(default_factory=lambda: FrameSpool(_SEEN_PART_ROWS), init=False)
    # Per rule, worked out on the first batch: compared constants, allowed code pairs.
    _constants: dict[str, Any] = field(default_factory=dict, init=False)
    _allowed: dict[str, pl.Series] = field(default_factory=dict, init=False)
    _seen_hashes: HashRuns = field(default_factory=HashRuns, init=False)
    _unchecked_rules: set[str] = field(default_factory=set, init=False)
    _reference_cache: dict[str, pl.DataFrame | None] = field(default_factory=dict, init=False)

    @property
    def key(self) -> list[str]:
        """The natural key fields."""
        return self.document.natural_key

    def validate(self, batch: pl.DataFrame) -> ValidatedBatch:
        """Type, normalise and check one batch whose columns are named by field.

        ``batch`` holds the fields present in the file as strings (missing optional
        fields may be absent), ``_row`` and optionally ``_action``.
        """
        schema = self.document.schema_
        rows = batch[ROW]
        found: list[pl.DataFrame] = []
        typed: dict[str, pl.Series] = {ROW: rows}
        # Rows whose value of a field was given but refused by its type check (an
        # invalid national id): that value is null now, yet it was not left empty.
        refused: dict[str, pl.Series] = {}
        actions, action_issues = self._actions(batch)
        found.append(action_issues)
        for item in schema.fields:
            raw = (
                batch[item.name]
                if item.name in batch.columns
                else pl.Series(item.name, [None] * batch.height, dtype=pl.String)
            )
            converted = convert_field(
                item, raw, rows, codes=self.code_lookups.get(item.code_list or "")
            )
            typed[item.name] = converted.values
            found.append(converted.issues)
            if converted.issues.height:
                errors = converted.issues.filter(pl.col("severity") == issues.ERROR)
                refused[item.name] = errors["row"].unique()
        frame = pl.DataFrame(typed).with_columns(actions.alias(ACTION))
        found.append(self._duplicate_keys(frame))
        for rule in schema.rules:
            found.append(self._rule_findings(rule, frame, refused))
        present = [item for item in found if item.height]
        all_issues = pl.concat(present) if present else issues.empty_issues()
        all_issues = self._ignore_non_key_findings_of_deletes(all_issues, frame)
        error_rows = all_issues.filter(pl.col("severity") == issues.ERROR)["row"].unique()
        accepted = ~frame[ROW].is_in(error_rows.implode())
        return ValidatedBatch(rows=frame, accepted=accepted, issues=all_issues)

    def prefetch_references(self) -> None:
        """Read the rows every cross-data-set rule needs, now, on the caller's thread."""
        for rule in self.document.schema_.rules:
            if (
                isinstance(rule, ExistsInRule)
                and self.references is not None
                and rule.id not in self._reference_cache
            ):
                self._reference_cache[rule.id] = self.references(rule)
            if isinstance(rule, ExistsInRule) and self._reference_cache.get(rule.id) is None:
                # Known before any row is read, so said even if no row reaches the rule.
                self._unchecked_rules.add(rule.id)

    def seed_keys(self, keys: pl.DataFrame) -> None:
        """Keys the submission holds in rows not passed to ``validate`` (unchanged lines
        of a re-sent file): a validated row with one of them is a duplicate."""
        keys = keys.select(self.key)
        self._remember(keys, self._key_hashes(keys))

    def reference_digest(self) -> str:
        """A digest of the reference rows read by ``prefetch_references``: rows checked
        against other reference data might come out otherwise."""
        digest = hashlib.sha256()
        for rule_id in sorted(self._reference_cache):
            digest.update(rule_id.encode())
            frame = self._reference_cache[rule_id]
            if frame is None:
                digest.update(b"-")
                continue
            ordered = frame.sort(frame.columns, nulls_last=True)
            digest.update(ordered.write_csv(include_header=True).encode())
        return digest.hexdigest()

    def submission_findings(self) -> pl.DataFrame:
        """Findings about the whole submission rather than a row (rules not checked)."""
        frames = [
            issues.issue_frame(
                pl.Series([None], dtype=pl.Int64),
                pl.Series([None], dtype=pl.String),
                field=None,
                text=issues.REFERENCE_UNCHECKED,
                severity=issues.WARNING,
                rule_id=rule_id,
            )
            for rule_id in sorted(self._unchecked_rules)
        ]
        return pl.concat(frames) if frames else issues.empty_issues()

    def _actions(self, batch: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
        if ACTION not in batch.columns:
            return pl.Series(
                ACTION, [UPSERT] * batch.height, dtype=pl.String
            ), issues.empty_issues()
        raw = batch[ACTION]
        keys = {text: _ACTIONS.get(match_key(text)) for text in raw.drop_nulls().unique()}
        mapped = raw.replace_strict(
            list(keys), list(keys.values()), default=None, return_dtype=pl.String
        )
        unknown = raw.is_not_null() & mapped.is_null()
        mapped = mapped.fill_null(UPSERT)
        found = [
            issues.issue_frame(
                batch[ROW].filter(unknown),
                raw.filter(unknown),
                field=ACTION,
                text=issues.ACTION_UNKNOWN,
            )
        ]
        if not self.delta:
            deletes = mapped == DELETE
            found.append(
                issues.issue_frame(
                    batch[ROW].filter(deletes),
                    raw.filter(deletes),
                    field=ACTION,
                    text=issues.ACTION_IN_SNAPSHOT,
                )
            )
        return mapped, pl.concat(found)

    def _ignore_non_key_findings_of_deletes(
        self, found: pl.DataFrame, frame: pl.DataFrame
    ) -> pl.DataFrame:
        # A delete names a row by its key; its other cells may be empty or stale.
        marked = frame[ACTION] == DELETE
        if not found.height or not marked.any():
            return found
        deletes = frame[ROW].filter(marked)
        keep = (
            ~pl.col("row").is_in(deletes.implode())
            | pl.col("field").is_in([*self.key, ACTION])
            | (pl.col("code") == issues.KEY_DUPLICATE.code)
        )
        return found.filter(keep)

    def _duplicate_keys(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Rows whose key an earlier row of the submission already had.

        Keys are compared as 64-bit hashes first (numpy, no hash table per batch);
        only rows whose hash matches are compared by their whole key.
        """
        keys = frame.select([ROW, *self.key]).drop_nulls(self.key)
        hashes = self._key_hashes(keys)
        repeated = self._repeated_within(keys, hashes)
        earlier = self._seen_before(keys, hashes)
        if not repeated.height and not earlier.height:
            self._remember(keys.select(self.key), hashes)
            return issues.empty_issues()
        duplicates = pl.concat([repeated, earlier]).unique(ROW).sort(ROW)
        first = ~keys[ROW].is_in(duplicates[ROW].implode()).to_numpy()
        self._remember(keys.select(self.key).filter(pl.Series(first)), hashes[first])
        values = duplicates.select(
            pl.concat_str([pl.col(name).cast(pl.String) for name in self.key], separator=" / ")
        ).to_series()
        return issues.issue_frame(
            duplicates[ROW], values, field=self.key[0], text=issues.KEY_DUPLICATE
        )

    def _key_hashes(self, keys: pl.DataFrame) -> np.ndarray:
        return keys.select(self.key).hash_rows(seed=_KEY_SEED).to_numpy()

    def _repeated_within(self, keys: pl.DataFrame, hashes: np.ndarray) -> pl.DataFrame:
        """Rows of the batch whose key an earlier row of the same batch has."""
        ordered = np.sort(hashes)
        twice = ordered[1:][ordered[1:] == ordered[:-1]]
        if not twice.size:
            return keys.clear()
        candidates = keys.filter(pl.Series(np.isin(hashes, twice)))
        within = candidates.filter(candidates.select(self.key).is_duplicated())
        first_of_each = within.unique(self.key, keep="first", maintain_order=True)
        return within.join(first_of_each.select(ROW), on=ROW, how="anti")

    def _seen_before(self, keys: pl.DataFrame, hashes: np.ndarray) -> pl.DataFrame:
        """The rows whose key an earlier batch (or a seeded row) already had."""
        if not len(self._seen_hashes) or not keys.height:
            return keys.clear()
        maybe = self._seen_hashes.contains(hashes)
        if not maybe.any():
            return keys.clear()
        candidates = keys.filter(pl.Series(maybe))
        wanted = pl.Series(hashes[maybe]).implode()
        # Only when a hash matches (a duplicate, or a rare collision) are the earlier
        # keys read back, and only the matching ones kept.
        earlier = [
            part.filter(pl.col(_KEY_HASH).is_in(wanted)) for part in self._seen_keys.frames()
        ]
        return candidates.join(pl.concat(earlier).drop(_KEY_HASH), on=self.key, how="semi")

    def _remember(self, keys: pl.DataFrame, hashes: np.ndarray) -> None:
        self._seen_keys.append(keys.with_columns(pl.Series(_KEY_HASH, hashes)))
        self._seen_hashes.add(hashes)

    def _rule_findings(
        self, rule: Rule, frame: pl.DataFrame, refused: dict[str, pl.Series]
    ) -> pl.DataFrame:
        if isinstance(rule, CompareRule):
            failed = self._compare(rule, frame)
            subject = rule.left
        elif isinstance(rule, RequiredIfRule):
            failed = _when(rule.when, frame) & frame[rule.field].is_null()
            if rule.field in refused:
                # A value that was typed but refused already has its finding (one error
                # per mistake): it is not also "required" with an empty value.
                failed = failed & ~frame[ROW].is_in(refused[rule.field].implode())
            subject = rule.field
        elif isinstance(rule, CodeAttributeRule):
            failed = self._code_attribute(rule, frame)
            subject = rule.field
        else:
            failed = self._exists_in(rule, frame)
            subject = next(iter(rule.match))
        failed = failed.fill_null(False) & (frame[ACTION] == UPSERT)
        if not failed.any():
            return issues.empty_issues()
        text = issues.FindingText(issues.RULE_CODES[rule.kind], rule.message_fa, rule.message_en)
        return issues.issue_frame(
            frame[ROW].filter(failed),
            frame[subject].cast(pl.String).filter(failed),
            field=subject,
            text=text,
            severity=rule.severity.value,
            rule_id=rule.id,
        )

    def _compare(self, rule: CompareRule, frame: pl.DataFrame) -> pl.Series:
        left = frame[rule.left]
        compare = _OPERATORS[rule.op]
        if rule.right_field is not None:
            right: Any = frame[rule.right_field]
        else:
            if rule.id not in self._constants:
                item = self.document.schema_.field(rule.left)
                self._constants[rule.id] = self._constant(item, rule.right_value)
            right = self._constants[rule.id]
        result = compare(left, right)
        applies = _when(rule.when, frame) if rule.when else _all(True, frame.height)
        outcome: pl.Series = (~result).fill_null(False) & applies
        return outcome

    def _constant(self, item: SchemaField, value: str | int | float | None) -> Any:
        """A rule's constant in the type of the field it is compared with."""
        series = pl.Series("constant", [None if value is None else str(value)], dtype=pl.String)
        plain = item.model_copy(update={"constraints": type(item.constraints)()})
        converted = convert_field(
            plain, series, pl.Series([0]), codes=self.code_lookups.get(item.code_list or "")
        )
        result = converted.values[0]
        if result is None:
            raise ValueError(f"{value!r} is not a valid {item.dargah_type.value}")
        return result

    def _code_attribute(self, rule: CodeAttributeRule, frame: pl.DataFrame) -> pl.Series:
        allowed = self._allowed.get(rule.id)
        if allowed is None:
            item = self.document.schema_.field(rule.field)
            lookup = self.code_lookups[item.code_list or ""]
            allowed = pl.Series(
                [
                    f"{code}{_PAIR}{value}"
                    for code, attributes in lookup.attributes.items()
                    for value in _as_list(attributes.get(rule.attribute))
                ],
                dtype=pl.String,
            )
            self._allowed[rule.id] = allowed
        # One string per (code, value) pair, looked up in the few allowed pairs.
        pairs = frame.select(
            pl.concat_str(
                [pl.col(rule.field).cast(pl.String), pl.col(rule.value_field).cast(pl.String)],
                separator=_PAIR,
            )
        ).to_series()
        failed: pl.Series = pairs.is_not_null() & ~pairs.is_in(allowed.implode())
        return failed

    def _exists_in(self, rule: ExistsInRule, frame: pl.DataFrame) -> pl.Series:
        if self.references is None:
            self._unchecked_rules.add(rule.id)
            return _all(False, frame.height)
        if rule.id not in self._reference_cache:
            self._reference_cache[rule.id] = self.references(rule)
        reference = self._reference_cache[rule.id]
        if reference is None:
            self._unchecked_rules.add(rule.id)
            return _all(False, frame.height)
        ours = list(rule.match)
        theirs = reference.select(
            [
                pl.col(other).cast(frame[mine].dtype).alias(mine)
                for mine, other in rule.match.items()
            ]
        ).unique()
        subject = frame.select([ROW, *ours]).drop_nulls(ours)
        missing = subject.join(theirs, on=ours, how="anti")
        return frame[ROW].is_in(missing[ROW].implode())


def _all(value: bool, height: int) -> pl.Series:
    return pl.repeat(value, height, dtype=pl.Boolean, eager=True)


def _when(conditions: Mapping[str, list[str]] | None, frame: pl.DataFrame) -> pl.Series:
    result = _all(True, frame.height)
    for name, values in (conditions or {}).items():
        result = result & frame[name].cast(pl.String).is_in(values).fill_null(False)
    return result


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple | set) else [value]
