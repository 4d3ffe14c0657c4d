"""Which systems each demo institution runs.

Iranian universities feed the gateway from a handful of well-known products: the
Golestan education system (most state universities, Payame Noor, the technical and
vocational and Farhangian universities), SAMA (Islamic Azad, non-profit and medical
universities, applied-science centres) and Pooya (a few state universities), plus
their own HR/faculty and research systems. Larger institutions run all of these;
branches and small institutions run their education system and, drawn from the seeded
random generator, sometimes one more.
"""

from __future__ import annotations

import random

from dargah.demo.institutions import InstitutionSpec
from dargah.demo.ministry import SystemSpec
from dargah.members.models import InstitutionType

T = InstitutionType

GOLESTAN = SystemSpec(
    "golestan",
    "سامانه آموزشی گلستان",
    "Golestan Education System",
    "Students, programmes, course offerings, terms and grades.",
)
SAMA = SystemSpec(
    "sama",
    "سامانه سما",
    "SAMA Education System",
    "Students, programmes, course offerings, terms and grades.",
)
POOYA = SystemSpec(
    "pooya",
    "سامانه پویا",
    "Pooya Education System",
    "Students, programmes, course offerings, terms and grades.",
)
HR = SystemSpec(
    "hr",
    "سامانه منابع انسانی و هیئت علمی",
    "HR and Faculty System",
    "Faculty members, staff, positions and promotions.",
)
# Research systems also read the ministry's code lists (journals, research fields).
RESEARCH = SystemSpec(
    "research",
    "سامانه پژوهشی",
    "Research Information System",
    "Research projects, publications, grants and patents.",
    is_producer=True,
    is_consumer=True,
)
LMS = SystemSpec(
    "lms",
    "سامانه آموزش مجازی",
    "E-learning System",
    "Online courses, enrolments and attendance.",
)

# State universities whose education system is Pooya rather than Golestan.
_POOYA_UNIVERSITIES = frozenset({"1011", "1036", "1049"})

_EDUCATION_SYSTEM: dict[InstitutionType, SystemSpec] = {
    T.STATE_UNIVERSITY: GOLESTAN,
    T.PAYAME_NOOR: GOLESTAN,
    T.TECHNICAL_VOCATIONAL: GOLESTAN,
    T.FARHANGIAN: GOLESTAN,
    T.APPLIED_SCIENCE: SAMA,
    T.ISLAMIC_AZAD: SAMA,
    T.NON_PROFIT: SAMA,
    T.MEDICAL: SAMA,
}


def systems_for(spec: InstitutionSpec, rng: random.Random) -> tuple[SystemSpec, ...]:
    """The systems ``spec`` runs; draws from ``rng`` in a fixed order (determinism)."""
    if spec.type is T.RESEARCH_INSTITUTE:
        return (RESEARCH, HR)
    education = POOYA if spec.code in _POOYA_UNIVERSITIES else _EDUCATION_SYSTEM[spec.type]
    is_large = spec.parent is None and spec.type in (T.STATE_UNIVERSITY, T.MEDICAL)
    is_central = spec.parent is None and spec.type in (
        T.PAYAME_NOOR,
        T.ISLAMIC_AZAD,
        T.TECHNICAL_VOCATIONAL,
        T.APPLIED_SCIENCE,
        T.FARHANGIAN,
    )
    if is_large:
        extra: tuple[SystemSpec, ...] = (HR, RESEARCH)
        # About half of the large universities already run their own e-learning system.
        return (education, *extra, LMS) if rng.random() < 0.5 else (education, *extra)
    if is_central:
        return (education, HR, RESEARCH)
    # Branches and small institutions: sometimes an HR or research system of their own.
    draw = rng.random()
    if draw < 0.2:
        return (education, HR)
    if draw < 0.3:
        return (education, RESEARCH)
    return (education,)
