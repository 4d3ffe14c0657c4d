"""The one error shape of the Persian toolkit: a stable code and a message in two languages.

These are ``ValueError`` subclasses on purpose: pydantic validators and plain callers can
treat them like any other bad value, while the API layer can read ``code`` and the two
messages to build its answer. The toolkit does not import ``dargah.errors`` so that it
stays a leaf package usable from any layer.
"""

from __future__ import annotations


class PersianValueError(ValueError):
    """A value that is wrong in a way a person can fix; ``code`` never changes meaning."""

    code: str
    message_fa: str
    message_en: str

    def __init__(self, code: str, message_fa: str, message_en: str) -> None:
        # All three go into ``args`` so the exception pickles and copies faithfully
        # (e.g. across process pools); ``__str__`` keeps logs readable.
        super().__init__(code, message_fa, message_en)
        self.code = code
        self.message_fa = message_fa
        self.message_en = message_en

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"

    def message(self, language: str) -> str:
        """The message in the requested language (Persian unless ``en``)."""
        return self.message_en if language == "en" else self.message_fa


class InvalidJalaliDate(PersianValueError):
    """A Jalali (Solar Hijri) date that cannot be read or does not exist.

    The code is always ``jalali_date_invalid``; the messages say what is wrong.
    """


class InvalidIdentifier(PersianValueError):
    """A national id, legal-entity id, postal code, Sheba or mobile number that is wrong."""
