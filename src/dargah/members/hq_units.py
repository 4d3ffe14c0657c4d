"""The ministry's standard headquarters units (its deputies and centres).

Data-set owners in the catalogue refer to these codes, so a node creates them on first
use (``ensure_standard_hq_units``) even without demo data.
"""

from __future__ import annotations

from dargah.members.schemas import HqUnitCreate

STANDARD_HQ_UNITS: tuple[HqUnitCreate, ...] = (
    HqUnitCreate(code="education", name_fa="معاونت آموزشی", name_en="Deputy for Education"),
    HqUnitCreate(
        code="research",
        name_fa="معاونت پژوهش و فناوری",
        name_en="Deputy for Research and Technology",
    ),
    HqUnitCreate(code="students", name_fa="معاونت دانشجویی", name_en="Deputy for Student Affairs"),
    HqUnitCreate(
        code="culture",
        name_fa="معاونت فرهنگی و اجتماعی",
        name_en="Deputy for Cultural and Social Affairs",
    ),
    HqUnitCreate(
        code="finance",
        name_fa="معاونت اداری، مالی و مدیریت منابع",
        name_en="Deputy for Administration, Finance and Resource Management",
    ),
    HqUnitCreate(
        code="international",
        name_fa="مرکز همکاری‌های علمی بین‌المللی",
        name_en="Center for International Scientific Cooperation",
    ),
    HqUnitCreate(
        code="planning",
        name_fa="معاونت برنامه‌ریزی و نظارت راهبردی",
        name_en="Deputy for Planning and Strategic Supervision",
    ),
)
