"""Numbers typed on the command line, in any digits: ``--limit ۱۰`` is ``--limit 10``.

Typer's own ``int`` reads only Latin digits; options that take a whole number use
``WholeNumber`` (``parser=whole_number``), which folds Persian and Arabic-Indic digits
with the same ``fold_input`` as every HTTP input. Text options (periods, identifiers)
are folded by the schemas and services they reach.
"""

from __future__ import annotations

import typer

from dargah.persian.inputs import fold_input


def whole_number(value: str | int) -> int:
    """``value`` as an int, whatever digits it was typed in; a clear error otherwise."""
    if isinstance(value, int):  # a default, already a number
        return value
    try:
        return int(fold_input(value))
    except ValueError:
        raise typer.BadParameter(
            f"«{value}» عدد صحیح نیست. / '{value}' is not a whole number."
        ) from None
