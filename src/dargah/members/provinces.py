"""The 31 provinces of Iran with their official codes.

Codes are the Statistical Centre of Iran's two-digit province codes, which ISO 3166-2:IR
follows (``IR-23`` is Tehran). The catalogue's province code list is seeded from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from dargah.persian import match_key


@dataclass(frozen=True)
class Province:
    """One province: official code, ISO 3166-2 code, names and capital."""

    code: str
    name_fa: str
    name_en: str
    capital_fa: str
    capital_en: str

    @property
    def iso_code(self) -> str:
        """The ISO 3166-2 code, e.g. ``IR-23``."""
        return f"IR-{self.code}"


PROVINCES: tuple[Province, ...] = (
    Province("00", "مرکزی", "Markazi", "اراک", "Arak"),
    Province("01", "گیلان", "Gilan", "رشت", "Rasht"),
    Province("02", "مازندران", "Mazandaran", "ساری", "Sari"),
    Province("03", "آذربایجان شرقی", "East Azerbaijan", "تبریز", "Tabriz"),
    Province("04", "آذربایجان غربی", "West Azerbaijan", "ارومیه", "Urmia"),
    Province("05", "کرمانشاه", "Kermanshah", "کرمانشاه", "Kermanshah"),
    Province("06", "خوزستان", "Khuzestan", "اهواز", "Ahvaz"),
    Province("07", "فارس", "Fars", "شیراز", "Shiraz"),
    Province("08", "کرمان", "Kerman", "کرمان", "Kerman"),
    Province("09", "خراسان رضوی", "Razavi Khorasan", "مشهد", "Mashhad"),
    Province("10", "اصفهان", "Isfahan", "اصفهان", "Isfahan"),
    Province("11", "سیستان و بلوچستان", "Sistan and Baluchestan", "زاهدان", "Zahedan"),
    Province("12", "کردستان", "Kurdistan", "سنندج", "Sanandaj"),
    Province("13", "همدان", "Hamadan", "همدان", "Hamadan"),
    Province("14", "چهارمحال و بختیاری", "Chaharmahal and Bakhtiari", "شهرکرد", "Shahrekord"),
    Province("15", "لرستان", "Lorestan", "خرم‌آباد", "Khorramabad"),
    Province("16", "ایلام", "Ilam", "ایلام", "Ilam"),
    Province("17", "کهگیلویه و بویراحمد", "Kohgiluyeh and Boyer-Ahmad", "یاسوج", "Yasuj"),
    Province("18", "بوشهر", "Bushehr", "بوشهر", "Bushehr"),
    Province("19", "زنجان", "Zanjan", "زنجان", "Zanjan"),
    Province("20", "سمنان", "Semnan", "سمنان", "Semnan"),
    Province("21", "یزد", "Yazd", "یزد", "Yazd"),
    Province("22", "هرمزگان", "Hormozgan", "بندرعباس", "Bandar Abbas"),
    Province("23", "تهران", "Tehran", "تهران", "Tehran"),
    Province("24", "اردبیل", "Ardabil", "اردبیل", "Ardabil"),
    Province("25", "قم", "Qom", "قم", "Qom"),
    Province("26", "قزوین", "Qazvin", "قزوین", "Qazvin"),
    Province("27", "گلستان", "Golestan", "گرگان", "Gorgan"),
    Province("28", "خراسان شمالی", "North Khorasan", "بجنورد", "Bojnurd"),
    Province("29", "خراسان جنوبی", "South Khorasan", "بیرجند", "Birjand"),
    Province("30", "البرز", "Alborz", "کرج", "Karaj"),
)

PROVINCES_BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}

_LOOKUP: dict[str, Province] = {}
for _province in PROVINCES:
    for _name in (_province.code, _province.iso_code, _province.name_fa, _province.name_en):
        _LOOKUP[match_key(_name)] = _province
    _LOOKUP[match_key("استان " + _province.name_fa)] = _province


def find_province(value: str) -> Province | None:
    """The province named by code (``23``, ``IR-23``), Persian or English name, or None."""
    key = match_key(value)
    if key.isdigit() and len(key) == 1:
        key = "0" + key
    return _LOOKUP.get(key)
