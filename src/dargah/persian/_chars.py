"""Code point sets shared by the toolkit's cleaning tables (private)."""

from __future__ import annotations

from typing import Final

# Everything ``str.isspace`` accepts (checked by a test): ASCII whitespace, the
# information separators, NEL, NBSP, the U+2000 spaces, line/paragraph separators,
# narrow NBSP, medium mathematical space and the ideographic space.
WHITESPACE: Final = (
    *range(0x09, 0x0E),
    *range(0x1C, 0x21),
    0x85,
    0xA0,
    0x1680,
    *range(0x2000, 0x200B),
    0x2028,
    0x2029,
    0x202F,
    0x205F,
    0x3000,
)

# Bidi controls: ALM, LRM, RLM, the embeddings/overrides U+202A-202E and the isolates
# U+2066-2069. Presentation, not content; copy-paste from RTL pages is full of them.
BIDI_CONTROLS: Final = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))

# Zero-width characters: ZWSP, ZWNJ, ZWJ, word joiner, BOM/ZWNBSP.
ZERO_WIDTH: Final = (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)

# Hyphen-minus and its look-alikes: hyphen … horizontal bar, minus sign, small and
# fullwidth hyphen-minus.
DASHES: Final = (0x002D, *range(0x2010, 0x2016), 0x2212, 0xFE63, 0xFF0D)
