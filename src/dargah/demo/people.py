"""Demo portal accounts (one per role) and demo API keys.

Every account shares one password so a visitor can try each role from the printed
table; it satisfies the password policy (at least ten characters, several different
ones, never containing a username). The list is short on purpose: argon2 hashing is
deliberately slow.
"""

from __future__ import annotations

from dataclasses import dataclass

from dargah.access.policy import Role
from dargah.demo.institutions import PAYAME_NOOR_TEHRAN, UNIVERSITY_OF_TEHRAN
from dargah.demo.ministry import AGENCIES, MINISTRY_CODE

DEMO_PASSWORD = "Dargah-Demo-1403"  # noqa: S105 - a published demo password, not a secret


@dataclass(frozen=True)
class PersonSpec:
    """A demo account; ``institution`` is a member identifier, ``hq_unit`` a unit code."""

    username: str
    full_name: str
    role: Role
    email: str
    institution: str | None = None
    hq_unit: str | None = None


@dataclass(frozen=True)
class KeySpec:
    """A demo API key of a system; ``role``/``hq_unit`` only for the ministry's systems."""

    system: str
    name: str
    role: Role | None = None
    hq_unit: str | None = None


UT_IDENTIFIER = f"IR/UNI/{UNIVERSITY_OF_TEHRAN}"
PNU_TEHRAN_IDENTIFIER = f"IR/UNI/{PAYAME_NOOR_TEHRAN}"
MINISTRY_IDENTIFIER = f"IR/GOV/{MINISTRY_CODE}"
NIX_IDENTIFIER = f"IR/GOV/{AGENCIES[0].code}"

PEOPLE: tuple[PersonSpec, ...] = (
    PersonSpec("admin", "علیرضا رضایی", Role.ADMIN, "admin@msrt.ir"),
    PersonSpec("operator", "مریم احمدی", Role.OPERATOR, "operator@msrt.ir"),
    PersonSpec(
        "ut.staff",
        "حسین کریمی",
        Role.INSTITUTION,
        "h.karimi@ut.ac.ir",
        institution=UT_IDENTIFIER,
    ),
    PersonSpec(
        "pnu.tehran",
        "زهرا موسوی",
        Role.INSTITUTION,
        "z.mousavi@pnu.ac.ir",
        institution=PNU_TEHRAN_IDENTIFIER,
    ),
    PersonSpec(
        "hq.education",
        "محمدرضا حسینی",
        Role.HQ,
        "m.hosseini@msrt.ir",
        hq_unit="education",
    ),
    PersonSpec(
        "hq.research",
        "فاطمه صادقی",
        Role.HQ,
        "f.sadeghi@msrt.ir",
        hq_unit="research",
    ),
    PersonSpec("auditor", "رضا محمدی", Role.AUDITOR, "auditor@msrt.ir"),
    PersonSpec(
        "nix.liaison", "سارا جعفری", Role.AGENCY, "s.jafari@nix.ir", institution=NIX_IDENTIFIER
    ),
)

KEYS: tuple[KeySpec, ...] = (
    KeySpec(f"{UT_IDENTIFIER}/golestan", "نمایشی: سامانهٔ گلستان دانشگاه تهران"),
    KeySpec(
        f"{MINISTRY_IDENTIFIER}/hes",
        "نمایشی: سامانهٔ آموزش عالی برای معاونت آموزشی",
        role=Role.HQ,
        hq_unit="education",
    ),
    KeySpec(
        f"{MINISTRY_IDENTIFIER}/students",
        "نمایشی: سامانهٔ دانشجویی در نقش متصدی درگاه",
        role=Role.OPERATOR,
    ),
    KeySpec(f"{NIX_IDENTIFIER}/gsb", "نمایشی: گذرگاه خدمات مرکز تبادل اطلاعات ملی"),
)
