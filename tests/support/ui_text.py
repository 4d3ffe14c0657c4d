"""What a clerk reads on a Persian page, and what in it is a leak: a code, a field id,
an English word or a Latin number where a label in Persian belongs.

``VISIBLE_TEXT_JS`` returns the page's visible prose: the body's text without the
places where codes are meant to be read (``code``, ``pre``, ``kbd``, ``samp``, form
controls, elements marked ``dir="ltr"``, ``translate="no"``, ``.identifier`` or
in another language, as the language switch is).
``leaks`` then names every token of that prose that no clerk should meet.
"""

from __future__ import annotations

import re
from typing import Final

# Evaluated in the page: its rendered text nodes outside the places codes belong, each
# apart from the next (adjacent cells' texts never run together into one token).
VISIBLE_TEXT_JS: Final = """() => {
  const machine = 'script, style, template, code, pre, kbd, samp, input, textarea, select, '
    + 'datalist, [dir="ltr"], [translate="no"], [lang]:not([lang^="fa"]), .identifier, '
    + '.visually-hidden, [hidden], [aria-hidden="true"]';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    // Rendered text only (not in a closed <details>, not display: none).
    if (!parent || parent.closest(machine) || parent.getClientRects().length === 0) continue;
    parts.push(node.textContent);
  }
  return parts.join(' ').replace(/\\s+/g, ' ').trim();
}"""

# Words a Persian page may show in Latin letters: names of formats, standards and keys
# that have no Persian form clerks use.
ALLOWED_WORDS: Final = frozenset(
    {
        *("API", "CSV", "XLSX", "JSON", "NDJSON", "PDF", "EXCEL", "PARQUET", "URL"),
        *("SMTP", "HTTP", "HTTPS", "ISO", "8601", "UTC", "UTF-8", "SHA-256", "CTRL+P"),
    }
)
_ALLOWED_TOKENS: Final = (
    re.compile(r"^[A-Z]{2}/[A-Z]{2,5}/[0-9A-Za-z]+(?:/[0-9a-z_-]+)?$"),  # IR/UNI/1001/sis
    re.compile(r"^[\w-]+\.(?:csv|xlsx|json|pdf|txt)$", re.IGNORECASE),  # a file's name
)
# Addresses and e-mail addresses are read as they are; they go before the tokens.
_ADDRESSES: Final = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TOKEN: Final = re.compile(r"[^\s«»()\[\]{}،؛:,;!?؟.\"'“”]+(?:\.[A-Za-z]+)?")
_LATIN: Final = re.compile(r"[A-Za-z]")
_LATIN_DIGITS: Final = re.compile(r"[0-9]")


def leaks(text: str) -> list[str]:
    """Tokens of ``text`` (a Persian page's visible prose) that are codes, English or
    Latin digits; empty when the page reads as Persian throughout."""
    found: list[str] = []
    for token in _TOKEN.findall(_ADDRESSES.sub(" ", text)):
        bare = token.strip("-–—/|•·…")
        if not bare or bare.upper() in ALLOWED_WORDS:
            continue
        if any(pattern.match(bare) for pattern in _ALLOWED_TOKENS):
            continue
        if _LATIN.search(bare) or _LATIN_DIGITS.search(bare):
            found.append(bare)
    return found
