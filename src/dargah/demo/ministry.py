"""The ministry itself and the external agencies of the demo (HQ units: members.hq_units).

What the seed (the IT executive council's report) names: the ministry's specialised
systems, the deputies that ask the gateway first, the national exchange center and the
members of e-government cluster 14 (education and research).
"""

from __future__ import annotations

from dataclasses import dataclass

from dargah.members.models import AgencyRole


@dataclass(frozen=True)
class SystemSpec:
    """A system (X-Road subsystem) to register under a member."""

    code: str
    name_fa: str
    name_en: str
    description: str
    is_producer: bool = True
    is_consumer: bool = False


@dataclass(frozen=True)
class AgencySpec:
    """An external government agency connected to the gateway, with its systems."""

    code: str
    name_fa: str
    name_en: str
    role: AgencyRole
    website: str
    systems: tuple[SystemSpec, ...]


MINISTRY_CODE = "MSRT"
MINISTRY_NAME_FA = "وزارت علوم، تحقیقات و فناوری"
MINISTRY_NAME_EN = "Ministry of Science, Research and Technology"
MINISTRY_WEBSITE = "https://www.msrt.ir"

# The specialised systems the seed asks the ministry to complete; every one both
# feeds the gateway and reads from it.
MINISTRY_SYSTEMS: tuple[SystemSpec, ...] = (
    SystemSpec(
        "hes",
        "سامانه آموزش عالی",
        "Higher Education System",
        "Institutions, programmes, licences and statistics of higher education.",
        is_producer=True,
        is_consumer=True,
    ),
    SystemSpec(
        "mapfa",
        "سامانه مپفا",
        "MAPFA Research and Technology System",
        "Research projects, publications, science parks and technology of the institutions.",
        is_producer=True,
        is_consumer=True,
    ),
    SystemSpec(
        "culture",
        "سامانه فرهنگی",
        "Cultural System",
        "Cultural and social programmes, student associations and publications.",
        is_producer=True,
        is_consumer=True,
    ),
    SystemSpec(
        "finance",
        "سامانه معاونت اداری مالی",
        "Administration and Finance System",
        "Budgets, staff and faculty positions, and resources of the ministry and institutions.",
        is_producer=True,
        is_consumer=True,
    ),
    SystemSpec(
        "students",
        "سامانه دانشجویی",
        "Student System",
        "Student welfare, loans, dormitories and scholarships.",
        is_producer=True,
        is_consumer=True,
    ),
)

AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        "NIX",
        "مرکز تبادل اطلاعات ملی",
        "National Information Exchange Center",
        AgencyRole.NATIONAL_EXCHANGE_CENTER,
        "https://nix.ir",
        (
            SystemSpec(
                "gsb",
                "گذرگاه خدمات دولت",
                "Government Service Bus",
                "The government-wide service bus through which other agencies reach the "
                "ministry's data.",
                is_producer=True,
                is_consumer=True,
            ),
        ),
    ),
    AgencySpec(
        "MOHME",
        "وزارت بهداشت، درمان و آموزش پزشکی",
        "Ministry of Health and Medical Education",
        AgencyRole.CLUSTER14_PEER,
        "https://behdasht.gov.ir",
        (
            SystemSpec(
                "education",
                "سامانه معاونت آموزشی وزارت بهداشت",
                "Medical Education System",
                "Students and faculty of the medical universities (cluster 14 exchange).",
                is_producer=True,
                is_consumer=True,
            ),
        ),
    ),
    AgencySpec(
        "SANJESH",
        "سازمان سنجش آموزش کشور",
        "National Organization of Educational Testing",
        AgencyRole.CLUSTER14_PEER,
        "https://www.sanjesh.org",
        (
            SystemSpec(
                "admission",
                "سامانه پذیرش دانشجو",
                "Student Admission System",
                "Entrance-exam results and admissions sent to the institutions.",
                is_producer=True,
                is_consumer=True,
            ),
        ),
    ),
)
