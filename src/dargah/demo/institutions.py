"""The demo ministry's institutions: a hand-written catalogue of real-looking members.

Names, provinces and cities are those of real Iranian universities and institutes, so
the portal looks like the ministry's own directory; the codes are invented but stable
(the first digit tells the type, branches extend their parent's code):

==========  ====================================================================
1001–1099   state universities; their campuses (پردیس) ``<parent>01``, ``<parent>02`` …
2001–2099   research institutes (پژوهشگاه)
3000, 31PP  Payame Noor: the central organisation and one centre per province ``PP``
4000, 41NN  applied-science university and its centres
5000, 51NN  technical and vocational university and its colleges (آموزشکده)
6001–6099   non-profit institutions (غیردولتی-غیرانتفاعی)
7000, 71NN  Farhangian university and its campuses
8001–8099   medical universities of the health ministry (cluster 14)
9000, 90NN  Islamic Azad: the central organisation and its branches (واحد)
==========  ====================================================================

Codes never change once published: add new entries, never renumber.
"""

# The catalogue keeps one institution per line: a table reads better than wrapped tuples.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass

from dargah.members.models import InstitutionType
from dargah.members.provinces import PROVINCES

T = InstitutionType


@dataclass(frozen=True)
class InstitutionSpec:
    """One institution of the demo catalogue, as the members service will receive it."""

    code: str
    name_fa: str
    name_en: str
    type: InstitutionType
    province: str
    city: str
    parent: str | None = None
    website: str | None = None


def _campuses(parent: str, rows: tuple[tuple[str, str, str, str], ...]) -> list[InstitutionSpec]:
    """Campuses of a state university, coded ``<parent>01`` onwards."""
    return [
        InstitutionSpec(f"{parent}{number:02d}", fa, en, T.STATE_UNIVERSITY, province, city, parent)
        for number, (fa, en, province, city) in enumerate(rows, start=1)
    ]


# -- state universities --------------------------------------------------------------
# (code, Persian name, English name, province, city, website)
_STATE_UNIVERSITIES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("1001", "دانشگاه تهران", "University of Tehran", "23", "تهران", "ut.ac.ir"),
    ("1002", "دانشگاه صنعتی شریف", "Sharif University of Technology", "23", "تهران", "sharif.edu"),
    ("1003", "دانشگاه صنعتی امیرکبیر", "Amirkabir University of Technology", "23", "تهران", "aut.ac.ir"),
    ("1004", "دانشگاه علم و صنعت ایران", "Iran University of Science and Technology", "23", "تهران", "iust.ac.ir"),
    ("1005", "دانشگاه شهید بهشتی", "Shahid Beheshti University", "23", "تهران", "sbu.ac.ir"),
    ("1006", "دانشگاه تربیت مدرس", "Tarbiat Modares University", "23", "تهران", "modares.ac.ir"),
    ("1007", "دانشگاه علامه طباطبائی", "Allameh Tabataba'i University", "23", "تهران", "atu.ac.ir"),
    ("1008", "دانشگاه صنعتی خواجه نصیرالدین طوسی", "K. N. Toosi University of Technology", "23", "تهران", "kntu.ac.ir"),
    ("1009", "دانشگاه الزهرا", "Alzahra University", "23", "تهران", "alzahra.ac.ir"),
    ("1010", "دانشگاه شیراز", "Shiraz University", "07", "شیراز", "shirazu.ac.ir"),
    ("1011", "دانشگاه فردوسی مشهد", "Ferdowsi University of Mashhad", "09", "مشهد", "um.ac.ir"),
    ("1012", "دانشگاه اصفهان", "University of Isfahan", "10", "اصفهان", "ui.ac.ir"),
    ("1013", "دانشگاه صنعتی اصفهان", "Isfahan University of Technology", "10", "اصفهان", "iut.ac.ir"),
    ("1014", "دانشگاه تبریز", "University of Tabriz", "03", "تبریز", "tabrizu.ac.ir"),
    ("1015", "دانشگاه گیلان", "University of Guilan", "01", "رشت", "guilan.ac.ir"),
    ("1016", "دانشگاه مازندران", "University of Mazandaran", "02", "بابلسر", "umz.ac.ir"),
    ("1017", "دانشگاه رازی", "Razi University", "05", "کرمانشاه", "razi.ac.ir"),
    ("1018", "دانشگاه شهید چمران اهواز", "Shahid Chamran University of Ahvaz", "06", "اهواز", "scu.ac.ir"),
    ("1019", "دانشگاه شهید باهنر کرمان", "Shahid Bahonar University of Kerman", "08", "کرمان", "uk.ac.ir"),
    ("1020", "دانشگاه ارومیه", "Urmia University", "04", "ارومیه", "urmia.ac.ir"),
    ("1021", "دانشگاه کردستان", "University of Kurdistan", "12", "سنندج", "uok.ac.ir"),
    ("1022", "دانشگاه بوعلی سینا", "Bu-Ali Sina University", "13", "همدان", "basu.ac.ir"),
    ("1023", "دانشگاه لرستان", "Lorestan University", "15", "خرم‌آباد", "lu.ac.ir"),
    ("1024", "دانشگاه ایلام", "Ilam University", "16", "ایلام", "ilam.ac.ir"),
    ("1025", "دانشگاه یاسوج", "Yasouj University", "17", "یاسوج", "yu.ac.ir"),
    ("1026", "دانشگاه خلیج فارس", "Persian Gulf University", "18", "بوشهر", "pgu.ac.ir"),
    ("1027", "دانشگاه زنجان", "University of Zanjan", "19", "زنجان", "znu.ac.ir"),
    ("1028", "دانشگاه سمنان", "Semnan University", "20", "سمنان", "semnan.ac.ir"),
    ("1029", "دانشگاه یزد", "Yazd University", "21", "یزد", "yazd.ac.ir"),
    ("1030", "دانشگاه هرمزگان", "University of Hormozgan", "22", "بندرعباس", "hormozgan.ac.ir"),
    ("1031", "دانشگاه محقق اردبیلی", "University of Mohaghegh Ardabili", "24", "اردبیل", "uma.ac.ir"),
    ("1032", "دانشگاه قم", "University of Qom", "25", "قم", "qom.ac.ir"),
    ("1033", "دانشگاه بین‌المللی امام خمینی (ره)", "Imam Khomeini International University", "26", "قزوین", "ikiu.ac.ir"),
    ("1034", "دانشگاه گلستان", "Golestan University", "27", "گرگان", "gu.ac.ir"),
    ("1035", "دانشگاه بجنورد", "University of Bojnord", "28", "بجنورد", "ub.ac.ir"),
    ("1036", "دانشگاه بیرجند", "University of Birjand", "29", "بیرجند", "birjand.ac.ir"),
    ("1037", "دانشگاه خوارزمی", "Kharazmi University", "30", "کرج", "khu.ac.ir"),
    ("1038", "دانشگاه اراک", "Arak University", "00", "اراک", "araku.ac.ir"),
    ("1039", "دانشگاه سیستان و بلوچستان", "University of Sistan and Baluchestan", "11", "زاهدان", "usb.ac.ir"),
    ("1040", "دانشگاه شهرکرد", "Shahrekord University", "14", "شهرکرد", "sku.ac.ir"),
    ("1041", "دانشگاه صنعتی نوشیروانی بابل", "Babol Noshirvani University of Technology", "02", "بابل", "nit.ac.ir"),
    ("1042", "دانشگاه صنعتی سهند", "Sahand University of Technology", "03", "تبریز", "sut.ac.ir"),
    ("1043", "دانشگاه کاشان", "University of Kashan", "10", "کاشان", "kashanu.ac.ir"),
    ("1044", "دانشگاه ولی‌عصر (عج) رفسنجان", "Vali-e-Asr University of Rafsanjan", "08", "رفسنجان", "vru.ac.ir"),
    ("1045", "دانشگاه صنعتی شاهرود", "Shahrood University of Technology", "20", "شاهرود", "shahroodut.ac.ir"),
    ("1046", "دانشگاه علوم کشاورزی و منابع طبیعی گرگان", "Gorgan University of Agricultural Sciences and Natural Resources", "27", "گرگان", "gau.ac.ir"),
    ("1047", "دانشگاه هنر", "Art University of Tehran", "23", "تهران", "art.ac.ir"),
    ("1048", "دانشگاه صنعتی خاتم‌الانبیاء بهبهان", "Behbahan Khatam Alanbia University of Technology", "06", "بهبهان", "bkatu.ac.ir"),
    ("1049", "دانشگاه حکیم سبزواری", "Hakim Sabzevari University", "09", "سبزوار", "hsu.ac.ir"),
    ("1050", "دانشگاه ملایر", "Malayer University", "13", "ملایر", "malayeru.ac.ir"),
)  # fmt: skip

_STATE_CAMPUSES: list[InstitutionSpec] = [
    *_campuses(
        "1001",
        (
            ("پردیس بین‌المللی کیش دانشگاه تهران", "University of Tehran, Kish International Campus", "22", "کیش"),
            ("پردیس کشاورزی و منابع طبیعی دانشگاه تهران", "University of Tehran, College of Agriculture and Natural Resources", "30", "کرج"),
            ("پردیس فارابی دانشگاه تهران", "University of Tehran, Farabi Campus", "25", "قم"),
            ("پردیس ابوریحان دانشگاه تهران", "University of Tehran, Aburaihan Campus", "23", "پاکدشت"),
        ),
    ),
    *_campuses(
        "1002",
        (("پردیس بین‌المللی کیش دانشگاه صنعتی شریف", "Sharif University of Technology, Kish International Campus", "22", "کیش"),),
    ),
    *_campuses(
        "1003",
        (("پردیس ماهشهر دانشگاه صنعتی امیرکبیر", "Amirkabir University of Technology, Mahshahr Campus", "06", "بندر ماهشهر"),),
    ),
    *_campuses(
        "1005",
        (("پردیس شهید عباسپور دانشگاه شهید بهشتی", "Shahid Beheshti University, Shahid Abbaspour Campus", "23", "تهران"),),
    ),
    *_campuses(
        "1011",
        (("پردیس بین‌المللی دانشگاه فردوسی مشهد", "Ferdowsi University of Mashhad, International Campus", "09", "مشهد"),),
    ),
    *_campuses(
        "1014",
        (("پردیس بین‌المللی ارس دانشگاه تبریز", "University of Tabriz, Aras International Campus", "03", "جلفا"),),
    ),
]  # fmt: skip

# -- research institutes -------------------------------------------------------------
_RESEARCH_INSTITUTES: tuple[tuple[str, str, str, str, str, str | None], ...] = (
    ("2001", "پژوهشگاه دانش‌های بنیادی", "Institute for Research in Fundamental Sciences (IPM)", "23", "تهران", None),
    ("2002", "پژوهشگاه پلیمر و پتروشیمی ایران", "Iran Polymer and Petrochemical Institute", "23", "تهران", None),
    ("2003", "پژوهشگاه مواد و انرژی", "Materials and Energy Research Center", "30", "کرج", None),
    ("2004", "پژوهشگاه علوم انسانی و مطالعات فرهنگی", "Institute for Humanities and Cultural Studies", "23", "تهران", None),
    # An institute of the University of Tehran: a research member with a parent.
    ("2005", "موسسه ژئوفیزیک دانشگاه تهران", "Institute of Geophysics, University of Tehran", "23", "تهران", "1001"),
    ("2006", "پژوهشگاه بین‌المللی زلزله‌شناسی و مهندسی زلزله", "International Institute of Earthquake Engineering and Seismology", "23", "تهران", None),
    ("2007", "پژوهشگاه ملی مهندسی ژنتیک و زیست‌فناوری", "National Institute of Genetic Engineering and Biotechnology", "23", "تهران", None),
    ("2008", "پژوهشگاه ملی اقیانوس‌شناسی و علوم جوی", "Iranian National Institute for Oceanography and Atmospheric Science", "23", "تهران", None),
    ("2009", "پژوهشگاه علوم و فناوری اطلاعات ایران", "Iranian Research Institute for Information Science and Technology (IranDoc)", "23", "تهران", None),
    ("2010", "پژوهشگاه شیمی و مهندسی شیمی ایران", "Chemistry and Chemical Engineering Research Center of Iran", "23", "تهران", None),
    ("2011", "پژوهشگاه رنگ", "Institute for Color Science and Technology", "23", "تهران", None),
    ("2012", "سازمان پژوهش‌های علمی و صنعتی ایران", "Iranian Research Organization for Science and Technology", "23", "تهران", None),
    ("2013", "پژوهشکده نجوم و اخترفیزیک مراغه", "Research Institute for Astronomy and Astrophysics of Maragha", "03", "مراغه", None),
)  # fmt: skip

# -- Islamic Azad branches -----------------------------------------------------------
# (Persian branch name, English branch name, province, city)
_AZAD_BRANCHES: tuple[tuple[str, str, str, str], ...] = (
    ("تهران مرکزی", "Central Tehran", "23", "تهران"),
    ("علوم و تحقیقات", "Science and Research", "23", "تهران"),
    ("تهران شمال", "North Tehran", "23", "تهران"),
    ("تهران جنوب", "South Tehran", "23", "تهران"),
    ("تهران غرب", "West Tehran", "23", "تهران"),
    ("کرج", "Karaj", "30", "کرج"),
    ("مشهد", "Mashhad", "09", "مشهد"),
    ("نیشابور", "Neyshabur", "09", "نیشابور"),
    ("شیراز", "Shiraz", "07", "شیراز"),
    ("مرودشت", "Marvdasht", "07", "مرودشت"),
    ("اصفهان (خوراسگان)", "Isfahan (Khorasgan)", "10", "اصفهان"),
    ("نجف‌آباد", "Najafabad", "10", "نجف‌آباد"),
    ("تبریز", "Tabriz", "03", "تبریز"),
    ("رشت", "Rasht", "01", "رشت"),
    ("لاهیجان", "Lahijan", "01", "لاهیجان"),
    ("ساری", "Sari", "02", "ساری"),
    ("قائم‌شهر", "Qaemshahr", "02", "قائم‌شهر"),
    ("اهواز", "Ahvaz", "06", "اهواز"),
    ("دزفول", "Dezful", "06", "دزفول"),
    ("کرمان", "Kerman", "08", "کرمان"),
    ("کرمانشاه", "Kermanshah", "05", "کرمانشاه"),
    ("ارومیه", "Urmia", "04", "ارومیه"),
    ("اراک", "Arak", "00", "اراک"),
    ("همدان", "Hamadan", "13", "همدان"),
    ("سنندج", "Sanandaj", "12", "سنندج"),
    ("قزوین", "Qazvin", "26", "قزوین"),
    ("قم", "Qom", "25", "قم"),
    ("یزد", "Yazd", "21", "یزد"),
    ("زاهدان", "Zahedan", "11", "زاهدان"),
    ("بندرعباس", "Bandar Abbas", "22", "بندرعباس"),
    ("بوشهر", "Bushehr", "18", "بوشهر"),
    ("اردبیل", "Ardabil", "24", "اردبیل"),
    ("زنجان", "Zanjan", "19", "زنجان"),
    ("سمنان", "Semnan", "20", "سمنان"),
    ("گرگان", "Gorgan", "27", "گرگان"),
    ("بجنورد", "Bojnurd", "28", "بجنورد"),
    ("بیرجند", "Birjand", "29", "بیرجند"),
    ("شهرکرد", "Shahrekord", "14", "شهرکرد"),
    ("خرم‌آباد", "Khorramabad", "15", "خرم‌آباد"),
    ("ایلام", "Ilam", "16", "ایلام"),
    ("یاسوج", "Yasuj", "17", "یاسوج"),
)

# -- applied-science centres ---------------------------------------------------------
# (Persian centre name, English centre name, province, city)
_APPLIED_SCIENCE_CENTRES: tuple[tuple[str, str, str, str], ...] = (
    ("شهرداری تهران", "Tehran Municipality", "23", "تهران"),
    ("جمعیت هلال‌احمر", "Red Crescent Society", "23", "تهران"),
    ("شهرداری تبریز", "Tabriz Municipality", "03", "تبریز"),
    ("شهرداری مشهد", "Mashhad Municipality", "09", "مشهد"),
    ("فرهنگ و هنر اصفهان", "Isfahan Culture and Art", "10", "اصفهان"),
    ("جهاد کشاورزی فارس", "Fars Agricultural Jihad", "07", "شیراز"),
    ("پتروشیمی بندر امام", "Bandar Imam Petrochemical", "06", "بندر امام خمینی"),
    ("شهرداری رشت", "Rasht Municipality", "01", "رشت"),
    ("فرهنگ و هنر کرمان", "Kerman Culture and Art", "08", "کرمان"),
    ("شهرداری کرمانشاه", "Kermanshah Municipality", "05", "کرمانشاه"),
    ("شهرداری قم", "Qom Municipality", "25", "قم"),
)

# -- technical and vocational colleges -----------------------------------------------
# (for whom: True for women's colleges, city in Persian, city in English, province)
_TECHNICAL_COLLEGES: tuple[tuple[bool, str, str, str], ...] = (
    (True, "تهران", "Tehran", "23"),
    (False, "تهران", "Tehran", "23"),
    (False, "تبریز", "Tabriz", "03"),
    (True, "مشهد", "Mashhad", "09"),
    (False, "شیراز", "Shiraz", "07"),
    (True, "اصفهان", "Isfahan", "10"),
    (False, "اهواز", "Ahvaz", "06"),
    (False, "کرمان", "Kerman", "08"),
    (True, "رشت", "Rasht", "01"),
    (False, "ساری", "Sari", "02"),
    (True, "ارومیه", "Urmia", "04"),
    (False, "کرمانشاه", "Kermanshah", "05"),
    (True, "همدان", "Hamadan", "13"),
    (False, "زاهدان", "Zahedan", "11"),
    (False, "قزوین", "Qazvin", "26"),
    (True, "یزد", "Yazd", "21"),
)

# -- Farhangian campuses -------------------------------------------------------------
# (Persian campus name, English campus name, province, city)
_FARHANGIAN_CAMPUSES: tuple[tuple[str, str, str, str], ...] = (
    ("پردیس شهید بهشتی مشهد", "Shahid Beheshti Campus, Mashhad", "09", "مشهد"),
    ("پردیس هاشمی‌نژاد مشهد", "Hasheminejad Campus, Mashhad", "09", "مشهد"),
    ("پردیس علامه امینی تبریز", "Allameh Amini Campus, Tabriz", "03", "تبریز"),
    ("پردیس شهید باهنر شیراز", "Shahid Bahonar Campus, Shiraz", "07", "شیراز"),
    ("پردیس شهید شرافت تهران", "Shahid Sherafat Campus, Tehran", "23", "تهران"),
    ("پردیس نسیبه تهران", "Nasibeh Campus, Tehran", "23", "تهران"),
    ("پردیس فاطمه الزهرا (س) اصفهان", "Fatemeh Al-Zahra Campus, Isfahan", "10", "اصفهان"),
    ("پردیس شهید مطهری زنجان", "Shahid Motahari Campus, Zanjan", "19", "زنجان"),
    ("پردیس شهید چمران اهواز", "Shahid Chamran Campus, Ahvaz", "06", "اهواز"),
    ("پردیس امام علی (ع) اردبیل", "Imam Ali Campus, Ardabil", "24", "اردبیل"),
    ("پردیس شهید رجایی کرمان", "Shahid Rajaee Campus, Kerman", "08", "کرمان"),
    ("پردیس شهید مفتح همدان", "Shahid Mofatteh Campus, Hamadan", "13", "همدان"),
)

# -- medical universities (health ministry, cluster 14) ------------------------------
_MEDICAL_UNIVERSITIES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("8001", "دانشگاه علوم پزشکی تهران", "Tehran University of Medical Sciences", "23", "تهران", "tums.ac.ir"),
    ("8002", "دانشگاه علوم پزشکی شهید بهشتی", "Shahid Beheshti University of Medical Sciences", "23", "تهران", "sbmu.ac.ir"),
    ("8003", "دانشگاه علوم پزشکی ایران", "Iran University of Medical Sciences", "23", "تهران", "iums.ac.ir"),
    ("8004", "دانشگاه علوم پزشکی شیراز", "Shiraz University of Medical Sciences", "07", "شیراز", "sums.ac.ir"),
    ("8005", "دانشگاه علوم پزشکی مشهد", "Mashhad University of Medical Sciences", "09", "مشهد", "mums.ac.ir"),
    ("8006", "دانشگاه علوم پزشکی اصفهان", "Isfahan University of Medical Sciences", "10", "اصفهان", "mui.ac.ir"),
    ("8007", "دانشگاه علوم پزشکی تبریز", "Tabriz University of Medical Sciences", "03", "تبریز", "tbzmed.ac.ir"),
    ("8008", "دانشگاه علوم پزشکی جندی‌شاپور اهواز", "Ahvaz Jundishapur University of Medical Sciences", "06", "اهواز", "ajums.ac.ir"),
    ("8009", "دانشگاه علوم پزشکی کرمان", "Kerman University of Medical Sciences", "08", "کرمان", "kmu.ac.ir"),
    ("8010", "دانشگاه علوم پزشکی گیلان", "Guilan University of Medical Sciences", "01", "رشت", "gums.ac.ir"),
    ("8011", "دانشگاه علوم پزشکی مازندران", "Mazandaran University of Medical Sciences", "02", "ساری", "mazums.ac.ir"),
    ("8012", "دانشگاه علوم پزشکی کرمانشاه", "Kermanshah University of Medical Sciences", "05", "کرمانشاه", "kums.ac.ir"),
    ("8013", "دانشگاه علوم پزشکی زاهدان", "Zahedan University of Medical Sciences", "11", "زاهدان", "zaums.ac.ir"),
    ("8014", "دانشگاه علوم پزشکی البرز", "Alborz University of Medical Sciences", "30", "کرج", "abzums.ac.ir"),
)  # fmt: skip

# -- non-profit institutions ---------------------------------------------------------
_NON_PROFIT: tuple[tuple[str, str, str, str, str], ...] = (
    ("6001", "دانشگاه علم و فرهنگ", "University of Science and Culture", "23", "تهران"),
    ("6002", "دانشگاه خاتم", "Khatam University", "23", "تهران"),
    ("6003", "موسسه آموزش عالی ارشاد دماوند", "Ershad Damavand Institute of Higher Education", "23", "تهران"),
    ("6004", "دانشگاه خیام", "Khayyam University", "09", "مشهد"),
    ("6005", "موسسه آموزش عالی زند شیراز", "Zand Institute of Higher Education", "07", "شیراز"),
    ("6006", "موسسه آموزش عالی دانش‌پژوهان پیشرو", "Daneshpajoohan Pishro Institute of Higher Education", "10", "اصفهان"),
    ("6007", "موسسه آموزش عالی فیض‌الاسلام", "Feizoleslam Institute of Higher Education", "10", "خمینی‌شهر"),
    ("6008", "موسسه آموزش عالی ربع رشید", "Rab-e Rashid Institute of Higher Education", "03", "تبریز"),
    ("6009", "موسسه آموزش عالی احرار", "Ahrar Institute of Higher Education", "01", "رشت"),
    ("6010", "موسسه آموزش عالی مازیار", "Maziar Institute of Higher Education", "02", "رویان"),
    ("6011", "دانشگاه شمال", "University of Shomal", "02", "آمل"),
    ("6012", "موسسه آموزش عالی جهاد دانشگاهی کرمانشاه", "ACECR Institute of Higher Education, Kermanshah", "05", "کرمانشاه"),
    ("6013", "موسسه آموزش عالی کار", "Kar Institute of Higher Education", "26", "قزوین"),
    ("6014", "موسسه آموزش عالی اشراق", "Eshragh Institute of Higher Education", "28", "بجنورد"),
)  # fmt: skip


def _central(code: str, name_fa: str, name_en: str, kind: InstitutionType) -> InstitutionSpec:
    """The central organisation of a nation-wide university, seated in Tehran."""
    return InstitutionSpec(code, name_fa, name_en, kind, "23", "تهران")


def _build() -> tuple[InstitutionSpec, ...]:
    specs: list[InstitutionSpec] = []
    for code, fa, en, province, city, site in _STATE_UNIVERSITIES:
        specs.append(
            InstitutionSpec(
                code, fa, en, T.STATE_UNIVERSITY, province, city, None, f"https://{site}"
            )
        )
    specs.extend(_STATE_CAMPUSES)
    for code, fa, en, province, city, parent in _RESEARCH_INSTITUTES:
        specs.append(InstitutionSpec(code, fa, en, T.RESEARCH_INSTITUTE, province, city, parent))

    specs.append(
        _central("3000", "سازمان مرکزی دانشگاه پیام نور", "Payame Noor University", T.PAYAME_NOOR)
    )
    # One centre in every province's capital, coded 31 + the province code.
    for seat in PROVINCES:
        specs.append(
            InstitutionSpec(
                f"31{seat.code}",
                f"دانشگاه پیام نور مرکز {seat.capital_fa}",
                f"Payame Noor University, {seat.capital_en} Centre",
                T.PAYAME_NOOR,
                seat.code,
                seat.capital_fa,
                "3000",
            )
        )

    specs.append(
        _central(
            "4000",
            "دانشگاه جامع علمی-کاربردی",
            "University of Applied Science and Technology",
            T.APPLIED_SCIENCE,
        )
    )
    for number, (fa, en, province_code, city) in enumerate(_APPLIED_SCIENCE_CENTRES, start=1):
        specs.append(
            InstitutionSpec(
                f"41{number:02d}",
                f"مرکز آموزش علمی-کاربردی {fa}",
                f"Applied-Science Centre of {en}",
                T.APPLIED_SCIENCE,
                province_code,
                city,
                "4000",
            )
        )

    specs.append(
        _central(
            "5000",
            "دانشگاه فنی و حرفه‌ای",
            "Technical and Vocational University",
            T.TECHNICAL_VOCATIONAL,
        )
    )
    for number, (women, city_fa, city_en, province_code) in enumerate(_TECHNICAL_COLLEGES, start=1):
        specs.append(
            InstitutionSpec(
                f"51{number:02d}",
                f"آموزشکده فنی و حرفه‌ای {'دختران' if women else 'پسران'} {city_fa}",
                f"{city_en} Technical and Vocational College for {'Women' if women else 'Men'}",
                T.TECHNICAL_VOCATIONAL,
                province_code,
                city_fa,
                "5000",
            )
        )

    for code, fa, en, province_code, city in _NON_PROFIT:
        specs.append(InstitutionSpec(code, fa, en, T.NON_PROFIT, province_code, city))

    specs.append(_central("7000", "دانشگاه فرهنگیان", "Farhangian University", T.FARHANGIAN))
    for number, (fa, en, province_code, city) in enumerate(_FARHANGIAN_CAMPUSES, start=1):
        specs.append(
            InstitutionSpec(
                f"71{number:02d}",
                f"دانشگاه فرهنگیان، {fa}",
                f"Farhangian University, {en}",
                T.FARHANGIAN,
                province_code,
                city,
                "7000",
            )
        )

    for code, fa, en, province_code, city, site in _MEDICAL_UNIVERSITIES:
        specs.append(
            InstitutionSpec(code, fa, en, T.MEDICAL, province_code, city, None, f"https://{site}")
        )
    specs.append(
        InstitutionSpec(
            "800101",
            "پردیس بین‌المللی دانشگاه علوم پزشکی تهران",
            "Tehran University of Medical Sciences, International Campus",
            T.MEDICAL,
            "23",
            "تهران",
            "8001",
        )
    )

    specs.append(
        _central(
            "9000", "سازمان مرکزی دانشگاه آزاد اسلامی", "Islamic Azad University", T.ISLAMIC_AZAD
        )
    )
    for number, (fa, en, province_code, city) in enumerate(_AZAD_BRANCHES, start=1):
        specs.append(
            InstitutionSpec(
                f"90{number:02d}",
                f"دانشگاه آزاد اسلامی واحد {fa}",
                f"Islamic Azad University, {en} Branch",
                T.ISLAMIC_AZAD,
                province_code,
                city,
                "9000",
            )
        )
    return tuple(specs)


INSTITUTIONS: tuple[InstitutionSpec, ...] = _build()
"""Every demo institution, parents before their branches."""

UNIVERSITY_OF_TEHRAN = "1001"
PAYAME_NOOR_TEHRAN = "3123"
