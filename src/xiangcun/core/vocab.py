"""The shared vocabulary: project categories, partner kinds, cooperation forms, resource kinds.

Pure Python, no Django. Each vocabulary is a tuple of ``Term(code, zh, en)`` entries: ``code`` is a
stable ASCII identifier stored in the database and used in the API, ``zh`` the Chinese label shown
in the UI, ``en`` its English twin. The order of a tuple is the display order and also the integer
code used by the vectorised matching (``index_of``), so append new terms at the end.

The categories and kinds are the seed's own lists (seed ``000_…`` paragraph 2); Django
``TextChoices`` are built from these tuples, never copied by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from xiangcun.core.errors import ApplicationError, Msg


class Term(NamedTuple):
    code: str
    zh: str
    en: str


PROJECT_CATEGORIES: tuple[Term, ...] = (
    Term("agri_processing", "农产品加工", "Agricultural processing"),
    Term("tourism_study", "文旅研学", "Cultural tourism and study tours"),
    Term("coop_farming", "合作社种植", "Cooperative farming"),
    Term("farm_stay", "农家乐", "Farm stays (nongjiale)"),
    Term("snack_street", "小吃街", "Snack street"),
    Term("industry_chain", "特色产业链", "Specialty industry chain"),
    Term("demo_zone", "乡村振兴示范片区", "Rural revitalization demonstration zone"),
    Term("medical_elderly_care", "医养中心", "Medical and elderly care centre"),
    Term("other", "其他", "Other"),
)

PARTNER_KINDS: tuple[Term, ...] = (
    Term("entrepreneur", "企业家", "Entrepreneur"),
    Term("founder", "创业者", "Start-up founder"),
    Term("investor", "金融投资业者", "Finance and investment professional"),
    Term("expert", "专家学者", "Expert or scholar"),
    Term("startup_team", "创业团队", "Start-up team"),
    Term("large_grower", "种养大户", "Large-scale grower or breeder"),
    Term("rural_leader", "农村致富带头人", "Rural prosperity leader"),
    Term("technician", "技术能手", "Skilled technician"),
    Term("heritage_inheritor", "非遗传承人", "Intangible cultural heritage inheritor"),
)

COOPERATION_FORMS: tuple[Term, ...] = (
    Term("capital", "资金合作", "Capital cooperation"),
    Term("tech_equity", "技术入股", "Technology as equity"),
    Term("professional_service", "专业服务", "Professional services"),
)

RESOURCE_KINDS: tuple[Term, ...] = (
    Term("arable_land", "耕地", "Arable land"),
    Term("forest_land", "林地", "Forest land"),
    Term("garden_land", "园地", "Orchard and garden land"),
    Term("pond", "坑塘水面", "Ponds and water surface"),
    Term("facility_farmland", "设施农用地", "Facility agricultural land"),
    Term("collective_construction_land", "集体经营性建设用地", "Collective commercial construction land"),
    Term("idle_homestead", "闲置宅基地/农房", "Idle homesteads and farmhouses"),
    Term("idle_building", "闲置校舍/厂房", "Idle schools and factory buildings"),
    Term("cultural_heritage", "文化资源/非遗", "Cultural resources and intangible heritage"),
    Term("other", "其他", "Other"),
)


# Professional title levels (专业技术职称), for the title green channel and the partner profile.
TITLE_LEVELS: tuple[Term, ...] = (
    Term("none", "无职称", "No professional title"),
    Term("junior", "初级", "Junior"),
    Term("intermediate", "中级", "Intermediate"),
    Term("associate_senior", "副高级", "Associate senior"),
    Term("senior", "正高级", "Senior"),
)


class UnknownCodeError(ApplicationError, ValueError):
    """A code that is not in its vocabulary (a 400 naming the field in the API)."""

    def __init__(self, field: str, code: object) -> None:
        self.code = code
        super().__init__(
            Msg("未知的{v}代码：{code!r}", v=_FIELD_ZH.get(field, field), code=code, field2=field),
            field=field,
        )


_FIELD_ZH = {
    "category": "项目类别",
    "kind": "合伙人类型",
    "form": "合作方式",
    "resource": "资源类型",
    "title": "专业技术职称",
}

_VOCABULARIES: dict[str, tuple[Term, ...]] = {
    "category": PROJECT_CATEGORIES,
    "kind": PARTNER_KINDS,
    "form": COOPERATION_FORMS,
    "resource": RESOURCE_KINDS,
    "title": TITLE_LEVELS,
}
_INDEX: dict[str, dict[str, int]] = {
    name: {term.code: i for i, term in enumerate(terms)} for name, terms in _VOCABULARIES.items()
}


def codes(terms: tuple[Term, ...]) -> tuple[str, ...]:
    """The codes of a vocabulary, in order."""
    return tuple(term.code for term in terms)


def choices(terms: tuple[Term, ...], lang: str = "zh") -> list[tuple[str, str]]:
    """``[(code, label)]`` for forms and ``TextChoices``; ``lang`` is ``"zh"`` or ``"en"``."""
    return [(term.code, term.zh if lang == "zh" else term.en) for term in terms]


def index_of(vocabulary: str, code: str) -> int:
    """Position of ``code`` in the named vocabulary (``category``, ``kind``, ``form``, ``resource``)."""
    try:
        return _INDEX[vocabulary][code]
    except KeyError:
        raise UnknownCodeError(vocabulary, code) from None


def _chinese() -> str:
    return "zh"


# Which label ``label`` gives when no language is asked for. Chinese here; the Django app sets it
# to follow the request's active language (``core.apps``), so this module stays free of Django.
current_language: Callable[[], str] = _chinese


def label(vocabulary: str, code: str, lang: str | None = None) -> str:
    """Chinese or English label of ``code`` in the named vocabulary (default: the current language)."""
    term = _VOCABULARIES[vocabulary][index_of(vocabulary, code)]
    return term.zh if (lang or current_language()) == "zh" else term.en


def size(vocabulary: str) -> int:
    """Number of terms in the named vocabulary."""
    return len(_VOCABULARIES[vocabulary])
