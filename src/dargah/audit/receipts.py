"""Signed receipts: a canonical JSON form, an Ed25519 signature over it, and its check.

A receipt is a JSON object the gateway vouches for, e.g. that a submission was loaded::

    {"receipt": {...payload...},
     "signature": {"alg": "Ed25519", "kid": "3f9a0c1b2d4e5f60", "value": "<base64url>"}}

``value`` is the Ed25519 signature of ``canonical_json(payload)``. Anyone holding the
gateway's published keys (``GET /api/v1/gateway/keys``) can check it, offline, with
nothing but a JSON canonicaliser and an Ed25519 library.

The canonical form follows RFC 8785 (JCS) for the values receipts use: object keys
sorted by their UTF-16 code units, no insignificant whitespace, strings as they are
(only ``"``, ``\\`` and control characters escaped), UTF-8. Numbers must be integers
within ±(2^53 − 1), where every JSON implementation agrees on them; floats, NaN and
infinities are refused, so a payload carries decimals and times as strings
(``timestamp`` formats a time). Nothing here knows what a receipt says: the service
that issues one builds the payload (and should name its kind in it, e.g.
``"type": "submission_receipt/1"``, so a signature made for one use cannot be passed
off as another).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from dargah.errors import InvalidInput
from dargah.persian.dates import format_jalali

if TYPE_CHECKING:
    from dargah.audit.signing import SigningKey

ALGORITHM = "Ed25519"
MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 64
SIGNATURE_LENGTH = 64
PUBLIC_KEY_LENGTH = 32
_DOCUMENT_FIELDS = frozenset({"receipt", "signature"})
_SIGNATURE_FIELDS = frozenset({"alg", "kid", "value"})
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


class NotCanonical(ValueError):
    """A value the canonical JSON form refuses (a float, a non-string key, …)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


# -- the canonical form -----------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """The canonical UTF-8 JSON of ``value`` (RFC 8785 for integers, strings, objects).

    Raises ``NotCanonical`` naming the offending place (``$.counts.rows``) for floats,
    integers beyond ±(2^53 − 1), non-string keys, strings that are not valid Unicode
    (lone surrogates), anything nested deeper than 64 levels, and any type other than
    dict, list, tuple, str, int, bool and None.
    """
    parts: list[str] = []
    _encode(value, parts, "$", 0)
    return "".join(parts).encode("utf-8")


def _encode(value: Any, parts: list[str], path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise NotCanonical(path, f"nested deeper than {MAX_DEPTH} levels")
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise NotCanonical(path, "integer beyond ±(2^53 − 1); send it as a string")
        parts.append(str(int(value)))
    elif isinstance(value, float):
        raise NotCanonical(path, "floats are refused; send an integer or a string")
    elif isinstance(value, str):
        parts.append(_string(value, path))
    elif isinstance(value, Mapping):
        _encode_object(value, parts, path, depth)
    elif isinstance(value, list | tuple):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _encode(item, parts, f"{path}[{index}]", depth + 1)
        parts.append("]")
    else:
        raise NotCanonical(path, f"a {type(value).__name__} has no canonical JSON form")


def _encode_object(value: Mapping[Any, Any], parts: list[str], path: str, depth: int) -> None:
    encoded: dict[str, str] = {}
    for key in value:
        if not isinstance(key, str):
            raise NotCanonical(path, f"object key {key!r} is not a string")
        encoded[key] = _string(key, path)
    # RFC 8785 §3.2.3: keys are ordered by their UTF-16 code units, not code points.
    keys = sorted(encoded, key=lambda key: key.encode("utf-16-be"))
    parts.append("{")
    for index, key in enumerate(keys):
        if index:
            parts.append(",")
        parts.append(encoded[key])
        parts.append(":")
        _encode(value[key], parts, f"{path}.{key}", depth + 1)
    parts.append("}")


def _string(value: str, path: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NotCanonical(path, "the text is not valid Unicode (a lone surrogate)") from exc
    # With ensure_ascii off, json escapes exactly what RFC 8785 escapes: the quote, the
    # backslash, \b \f \n \r \t by name and other control characters as \u00xx.
    return json.dumps(value, ensure_ascii=False)


def timestamp(value: datetime) -> str:
    """A time as receipts carry it: RFC 3339 in UTC with ``Z`` (``2024-03-20T05:00:00Z``).

    Microseconds are written only when there are any. A time without a zone is refused,
    since it would silently mean different instants on different machines.
    """
    if value.tzinfo is None:
        raise ValueError("a receipt time needs a time zone")
    utc = value.astimezone(UTC)
    spec = "microseconds" if utc.microsecond else "seconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def jalali_timestamp(value: datetime) -> str:
    """The same time as a person in Iran reads it: Jalali date and Tehran time,
    ``1403/01/01 08:30`` (Latin digits, so it is as exact in JSON as ``timestamp``)."""
    if value.tzinfo is None:
        raise ValueError("a receipt time needs a time zone")
    return format_jalali(value, with_time=True)


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2), as keys and signatures are written."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strictly decode unpadded base64url: any other character or spelling is refused.

    Each byte string has exactly one accepted spelling, so an altered character in a
    signature or key never decodes to the same bytes.
    """
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not unpadded base64url") from exc
    if b64url(data) != text:
        raise ValueError("not the canonical base64url spelling")
    return data


# -- signing and verifying -----------------------------------------------------------------


def sign(payload: Mapping[str, Any], key: SigningKey) -> dict[str, Any]:
    """The signed receipt of ``payload``: ``{"receipt": payload, "signature": {...}}``.

    The payload is returned as a plain copy of what was signed. Raises ``NotCanonical``
    (a programming error: the issuing service built a payload the canonical form
    refuses) for floats, non-string keys and the other values ``canonical_json`` names.
    """
    if not isinstance(payload, Mapping):
        raise NotCanonical("$", "a receipt's payload must be a JSON object")
    message = canonical_json(payload)
    signature = key.private_key.sign(message)
    return {
        "receipt": json.loads(message),
        "signature": {"alg": ALGORITHM, "kid": key.kid, "value": b64url(signature)},
    }


def verify(
    document: Mapping[str, Any], public_keys: Mapping[str, Ed25519PublicKey]
) -> dict[str, Any]:
    """The payload of a signed receipt, once its signature is checked; or an error.

    ``public_keys`` maps key ids to keys: the gateway's published keys, retired ones
    included (see ``load_keys``). Raises ``InvalidInput`` with code
    ``receipt_malformed`` (not shaped like a receipt, or its content has no canonical
    form), ``receipt_key_unknown`` (signed by a key not in ``public_keys``) or
    ``receipt_signature_invalid`` (the content or the signature was changed).
    """
    payload, signature = _parts(document)
    alg, kid, value = signature["alg"], signature["kid"], signature["value"]
    if alg != ALGORITHM:
        raise _malformed(
            f"الگوریتم امضا «{alg}» پشتیبانی نمی‌شود؛ فقط Ed25519.",
            f"The signature algorithm '{alg}' is not supported; only Ed25519 is.",
            alg=alg,
        )
    try:
        raw_signature = b64url_decode(value)
    except ValueError:
        raw_signature = b""
    if len(raw_signature) != SIGNATURE_LENGTH:
        raise _malformed(
            "مقدار امضا، ۶۴ بایت در base64url بی‌پدینگ نیست.",
            "The signature value is not 64 bytes of unpadded base64url.",
        )
    try:
        message = canonical_json(payload)
    except NotCanonical as exc:
        raise _malformed(
            f"محتوای رسید شکل استاندارد ندارد ({exc.path}: {exc.reason}).",
            f"The receipt's content has no canonical form ({exc.path}: {exc.reason}).",
            path=exc.path,
        ) from exc
    public_key = public_keys.get(kid)
    if public_key is None:
        raise InvalidInput(
            f"کلید «{kid}» که رسید با آن امضا شده در میان کلیدهای منتشرشدهٔ درگاه نیست.",
            f"The receipt was signed with key '{kid}', which is not among the gateway's "
            "published keys.",
            code="receipt_key_unknown",
            details={"kid": kid, "known": sorted(public_keys)},
        )
    try:
        public_key.verify(raw_signature, message)
    except InvalidSignature as exc:
        raise InvalidInput(
            "امضای رسید با محتوای آن نمی‌خواند؛ رسید یا امضای آن تغییر کرده است.",
            "The receipt's signature does not match its content: the receipt or its "
            "signature was changed.",
            code="receipt_signature_invalid",
            details={"kid": kid},
        ) from exc
    return dict(payload)


def _parts(document: Any) -> tuple[Mapping[str, Any], Mapping[str, str]]:
    """The payload and the signature block of a document shaped like a receipt."""
    if not isinstance(document, Mapping) or set(document) != _DOCUMENT_FIELDS:
        raise _malformed(
            "رسید باید شیء JSON با دقیقاً دو بخش receipt و signature باشد.",
            "A receipt must be a JSON object with exactly 'receipt' and 'signature'.",
        )
    payload, signature = document["receipt"], document["signature"]
    if not isinstance(payload, Mapping):
        raise _malformed(
            "بخش receipt باید شیء JSON باشد.", "The 'receipt' part must be a JSON object."
        )
    if (
        not isinstance(signature, Mapping)
        or set(signature) != _SIGNATURE_FIELDS
        or not all(isinstance(signature[name], str) for name in _SIGNATURE_FIELDS)
    ):
        raise _malformed(
            "بخش signature باید دقیقاً alg و kid و value را، هر سه متنی، داشته باشد.",
            "The 'signature' part must hold exactly 'alg', 'kid' and 'value', all text.",
        )
    return payload, signature


def _malformed(message_fa: str, message_en: str, **details: Any) -> InvalidInput:
    return InvalidInput(message_fa, message_en, code="receipt_malformed", details=details)


# -- reading receipts and published keys ----------------------------------------------------


def load_receipt(data: str | bytes) -> dict[str, Any]:
    """Parse a receipt file strictly: duplicate keys, NaN and Infinity are malformed.

    A duplicated key would let a file show one value to one reader and another to the
    next, so it is refused rather than resolved. The result still needs ``verify``.
    """
    try:
        document = _strict_json(data)
    except ValueError as exc:
        raise _malformed(
            f"فایل رسید JSON معتبر نیست: {exc}", f"The receipt file is not valid JSON: {exc}"
        ) from exc
    if not isinstance(document, dict):
        raise _malformed("رسید باید شیء JSON باشد.", "A receipt must be a JSON object.")
    return document


def load_keys(jwks: str | bytes | Mapping[str, Any]) -> dict[str, Ed25519PublicKey]:
    """The verification keys of a published key set (``{"keys": [JWK, ...]}``), by kid.

    Accepts the JSON text or the parsed object. Every key must be an Ed25519 JWK
    (RFC 8037: ``kty`` OKP, ``crv`` Ed25519, ``x``) with a ``kid``; otherwise the set is
    refused with code ``receipt_keys_malformed``.
    """
    try:
        document = _strict_json(jwks) if isinstance(jwks, str | bytes) else jwks
    except ValueError as exc:
        raise _keys_malformed(f"JSON معتبر نیست: {exc}", f"not valid JSON: {exc}") from exc
    entries = document.get("keys") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        raise _keys_malformed("فهرست keys ندارد", "it has no 'keys' list")
    keys: dict[str, Ed25519PublicKey] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("kid"), str):
            raise _keys_malformed(f"کلید {index} شناسه (kid) ندارد", f"key {index} has no kid")
        kid = entry["kid"]
        if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
            raise _keys_malformed(
                f"کلید «{kid}» از نوع Ed25519 نیست", f"key '{kid}' is not an Ed25519 key"
            )
        try:
            raw = b64url_decode(entry.get("x", ""))
            if len(raw) != PUBLIC_KEY_LENGTH:
                raise ValueError("an Ed25519 public key is 32 bytes")
            keys[kid] = Ed25519PublicKey.from_public_bytes(raw)
        except (TypeError, ValueError) as exc:
            raise _keys_malformed(
                f"مقدار x کلید «{kid}» کلید عمومی Ed25519 نیست",
                f"the 'x' of key '{kid}' is not an Ed25519 public key",
            ) from exc
    return keys


def _keys_malformed(reason_fa: str, reason_en: str) -> InvalidInput:
    return InvalidInput(
        f"فهرست کلیدهای درگاه خوانا نیست: {reason_fa}.",
        f"The gateway's key set cannot be read: {reason_en}.",
        code="receipt_keys_malformed",
    )


def _strict_json(data: str | bytes) -> Any:
    try:
        return json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc
    except UnicodeDecodeError as exc:
        raise ValueError("not UTF-8 text") from exc


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key '{key}' appears twice in one object")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
