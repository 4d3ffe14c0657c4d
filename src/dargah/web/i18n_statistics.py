"""Messages of the national statistics dashboard, in Persian and English.

Kept apart from ``i18n.MESSAGES`` (which merges them at import), as the query pages'
messages are.
"""

from __future__ import annotations

from typing import Final

STATISTICS_MESSAGES: Final[dict[str, dict[str, str]]] = {
    "fa": {
        "nav.statistics": "آمار ملی",
        "st.title": "داشبورد آمار ملی",
        "st.intro": (
            "آمار کشوری دانشجویان، هیئت علمی و پژوهش از دادهٔ بارشده در درگاه، در حد "
            "مجوزهای شما. هر نمایش با هدف «داشبورد آمار ملی» در گزارش ممیزی ثبت می‌شود."
        ),
        "st.period": "دوره",
        "st.period_help": (
            "نیمسال (۱۴۰۳-۱) یا سال؛ پیش‌فرض آخرین دورهٔ ملی است: دوره‌ای که دست‌کم {share} "
            "شمار موسسه‌های پرگزارش‌ترین دوره آن را گزارش داده‌اند."
        ),
        "st.show": "نمایش",
        "st.period_read": "دورهٔ خوانده‌شده: {period}",
        "st.year_of_term": "سال تحصیلی {year} (این داده سالانه گزارش می‌شود)",
        "st.total": "جمع",
        "st.total_withheld": "جمع پنهان است (کمتر از آستانه)",
        "st.loaded_at": "آخرین بارگذاری",
        "st.never_loaded": "بارگذاری نشده",
        "st.coverage": "پوشش",
        "st.coverage_expected": "{reporting} از {expected} موسسهٔ موظف گزارش داده‌اند ({share})",
        "st.coverage_of_most": (
            "{reporting} از {expected} موسسه گزارش داده‌اند ({share} پرگزارش‌ترین دوره)"
        ),
        "st.access_own": "دادهٔ موسسهٔ خودتان",
        "st.access_grant": "با مجوز شمارهٔ {grant} ({level})",
        "st.suppressed": (
            "{count} خانه پنهان است: کمتر از {threshold} نفر، یا برای آنکه از جمع‌ها بازسازی نشود."
        ),
        "st.withheld": "پنهان",
        "st.withheld_help": (
            "این خانه کمتر از آستانهٔ حریم خصوصی است یا برای محافظت از چنین خانه‌ای پنهان شده."
        ),
        "st.count": "شمار",
        "st.table_of": "جدول «{title}»",
        "st.no_cells": "برای این دوره در دامنهٔ دسترسی شما داده‌ای نیست.",
        "st.export_csv": "دریافت CSV",
        "st.export_xlsx": "دریافت اکسل",
        "st.open_builder": "باز کردن در سازندهٔ پرسش",
        "st.ask_grant": "درخواست دسترسی",
        "st.unavailable": "این آمار نمایش داده نشد",
        "st.period_invalid": "دورهٔ «{period}» خوانا نیست؛ آخرین دوره نمایش داده شد.",
        "st.periods_none": "هنوز داده‌ای بار نشده است",
        "st.coverage_title": "چه کسانی دورهٔ {period} را گزارش داده‌اند",
        "st.national": "ملی",
        "st.not_national": (
            "این دوره هنوز ملی نیست (کمتر از {share} موسسه‌های پرگزارش‌ترین دوره آن را "
            "گزارش داده‌اند)؛ این شمارها آمار کشور نیستند."
        ),
        "st.latest_national": "آخرین دورهٔ ملی: {period}",
        "st.missing": "«{dataset}» برای دورهٔ {period} داده‌ای ندارد. دوره‌هایی که دارد:",
        "st.missing_none": "«{dataset}» هنوز در دامنهٔ دسترسی شما داده‌ای ندارد.",
        "st.periods_held": "دوره‌های موجود",
    },
    "en": {
        "nav.statistics": "Statistics",
        "st.title": "National statistics",
        "st.intro": (
            "National figures on students, faculty and research from the data loaded on the "
            "gateway, within your grants. Every view is recorded in the audit log with the "
            "purpose «داشبورد آمار ملی» (national statistics dashboard)."
        ),
        "st.period": "Period",
        "st.period_help": (
            "A term (1403-1) or a year; by default the latest national period: one reported "
            "by at least {share} of the institutions that reported the period most reported."
        ),
        "st.show": "Show",
        "st.period_read": "Period read: {period}",
        "st.year_of_term": "academic year {year} (this data is reported yearly)",
        "st.total": "Total",
        "st.total_withheld": "The total is withheld (under the threshold)",
        "st.loaded_at": "Last loaded",
        "st.never_loaded": "not loaded",
        "st.coverage": "Coverage",
        "st.coverage_expected": (
            "{reporting} of {expected} institutions due have reported ({share})"
        ),
        "st.coverage_of_most": (
            "{reporting} of {expected} institutions have reported ({share} of the period most "
            "reported)"
        ),
        "st.access_own": "Your institution's own data",
        "st.access_grant": "Under grant #{grant} ({level})",
        "st.suppressed": (
            "{count} cells withheld: fewer than {threshold} people, or so that totals cannot "
            "give such a cell back."
        ),
        "st.withheld": "withheld",
        "st.withheld_help": (
            "This cell is under the privacy threshold, or is withheld to protect such a cell."
        ),
        "st.count": "Count",
        "st.table_of": "Table: {title}",
        "st.no_cells": "No data for this period within your access.",
        "st.export_csv": "Download CSV",
        "st.export_xlsx": "Download Excel",
        "st.open_builder": "Open in the query builder",
        "st.ask_grant": "Ask for access",
        "st.unavailable": "This statistic could not be shown",
        "st.period_invalid": "The period '{period}' cannot be read; the latest is shown.",
        "st.periods_none": "Nothing loaded yet",
        "st.coverage_title": "Who has reported {period}",
        "st.national": "national",
        "st.not_national": (
            "This period is not national yet (fewer than {share} of the institutions of the "
            "period most reported have reported it): these counts are not the country's."
        ),
        "st.latest_national": "Latest national period: {period}",
        "st.missing": "'{dataset}' holds no data for {period}. The periods it holds:",
        "st.missing_none": "'{dataset}' holds no data within your access yet.",
        "st.periods_held": "Periods held",
    },
}
