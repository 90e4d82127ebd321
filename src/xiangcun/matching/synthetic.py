"""Synthetic recruitment notices and partners for demos, tests and benchmarks.

Pure Python, no Django, deterministic from ``seed`` (the same seed and inputs give the same output
on every machine and Python run). The caller passes the counties (and optionally the villages) to
use, so the same generator serves ``xiangcun demo`` at city, province or national scale.

Texts are composed from category-specific phrase banks so that BM25 relevance is meaningful: a
notice for a 农家乐 talks about 采摘、垂钓、农家菜; a partner who runs farm stays says so in their
profile. Partner kinds lean towards the categories they plausibly serve (种养大户 → 合作社种植,
非遗传承人 → 特色产业链/文旅研学 …); preferred counties cluster around the partner's home county.

Amounts are ``Decimal`` 万元, like ``NoticeFacts``/``PartnerFacts``. The phrase banks are in
``synthetic_phrases.py``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from xiangcun.core import vocab
from xiangcun.matching.scoring import NoticeFacts, PartnerFacts
from xiangcun.matching.synthetic_phrases import (
    CATEGORY_FIELDS,
    CATEGORY_RESOURCES,
    CATEGORY_SHARE,
    DEVELOPMENT,
    DIRECTIONS,
    GIVEN,
    INCENTIVES,
    INTROS,
    INVESTMENT,
    KIND_FORMS,
    KIND_INTRO,
    KIND_PROFILE,
    KIND_SHARE,
    ORG_SUFFIX,
    PLACES,
    RESOURCE_PHRASES,
    SKILLS,
    SURNAMES,
    TITLES,
    TRACK_RECORDS,
    VILLAGE_SUFFIX,
)

CountyRef = tuple[str, str]  # (county code, county name)
VillageRef = tuple[str, str, str]  # (village code, village name, county code)


@dataclass(frozen=True)
class SyntheticResource:
    kind: str  # vocab RESOURCE_KINDS code
    area: Decimal
    unit: str  # 亩 / 平方米 / 项
    description: str


@dataclass(frozen=True)
class SyntheticNotice:
    id: str
    title: str
    category: str
    county_code: str
    county_name: str
    village_code: str
    village_name: str
    investment_min: Decimal | None
    investment_max: Decimal | None
    kinds_wanted: tuple[str, ...]
    forms: tuple[str, ...]
    resources: tuple[SyntheticResource, ...]
    incentives: str
    description: str
    contact: str

    @property
    def text(self) -> str:
        """Title, description, resources and incentives: the text the fit reads."""
        parts = [self.title, self.description, *(r.description for r in self.resources), self.incentives]
        return "。".join(parts)

    def facts(self) -> NoticeFacts:
        return NoticeFacts(
            id=self.id,
            category=self.category,
            county_code=self.county_code,
            county_name=self.county_name,
            investment_min=self.investment_min,
            investment_max=self.investment_max,
            kinds_wanted=frozenset(self.kinds_wanted),
            forms=frozenset(self.forms),
            text=self.text,
            resources_offered=frozenset(r.kind for r in self.resources),
        )


@dataclass(frozen=True)
class SyntheticPartner:
    id: str
    name: str
    kind: str
    is_organisation: bool
    home_county_code: str
    capital_min: Decimal | None
    capital_max: Decimal | None
    skills: tuple[str, ...]
    preferred_counties: tuple[str, ...]
    preferred_categories: tuple[str, ...]
    forms: tuple[str, ...]
    resources_wanted: tuple[str, ...]
    profile: str
    track_record: str

    @property
    def text(self) -> str:
        return "。".join([self.profile, "、".join(self.skills), self.track_record])

    def facts(self) -> PartnerFacts:
        return PartnerFacts(
            id=self.id,
            kind=self.kind,
            capital_min=self.capital_min,
            capital_max=self.capital_max,
            preferred_counties=frozenset(self.preferred_counties),
            preferred_categories=frozenset(self.preferred_categories),
            forms=frozenset(self.forms),
            text=self.text,
            resources_wanted=frozenset(self.resources_wanted),
            home_county_code=self.home_county_code,
        )


@dataclass(frozen=True)
class SyntheticData:
    notices: list[SyntheticNotice]
    partners: list[SyntheticPartner]


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _round_amount(value: float) -> Decimal:
    if value >= 100:
        return Decimal(round(value / 10.0) * 10)
    return Decimal(max(1, round(value)))


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _village_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(VILLAGE_SUFFIX) + "村"


# --------------------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------------------
def generate_notices(
    counties: Sequence[CountyRef],
    n: int,
    seed: int = 0,
    *,
    villages: Sequence[VillageRef] | None = None,
    id_prefix: str = "N",
) -> list[SyntheticNotice]:
    """``n`` notices spread over ``counties`` (or over ``villages``, one after another, cycling)."""
    if not counties:
        raise ValueError("at least one county is needed")
    rng = random.Random(f"xiangcun-notices-{seed}")
    county_names = dict(counties)
    kind_codes = vocab.codes(vocab.PARTNER_KINDS)
    notices: list[SyntheticNotice] = []
    width = max(6, len(str(n)))
    for i in range(n):
        if villages:
            village_code, village_name, county_code = villages[i % len(villages)]
            county_name = county_names.get(county_code, county_code)
        else:
            county_code, county_name = counties[rng.randrange(len(counties))]
            village_name = _village_name(rng)
            village_code = f"{county_code}{rng.randrange(1000, 9999)}"
        category = _weighted(rng, CATEGORY_SHARE)

        low, high = INVESTMENT[category]
        roll = rng.random()
        if roll < 0.08:
            inv_min, inv_max = None, None  # technical cooperation only
        else:
            inv_min_f = rng.uniform(low, (low + high) / 2)
            inv_min = _round_amount(inv_min_f)
            inv_max = None if roll < 0.2 else _round_amount(inv_min_f * rng.uniform(1.5, 4.0))

        leaning = [k for k in kind_codes if category in KIND_PROFILE[k][0]] or list(kind_codes)
        n_kinds = rng.choice((0, 1, 2, 2, 3))
        kinds: tuple[str, ...] = tuple(sorted(set(rng.sample(leaning, min(n_kinds, len(leaning))))))
        if n_kinds and rng.random() < 0.25:
            kinds = tuple(sorted({*kinds, rng.choice(kind_codes)}))
        form_codes = vocab.codes(vocab.COOPERATION_FORMS)
        forms = tuple(sorted(rng.sample(form_codes, rng.choice((0, 1, 1, 2, 3)))))

        resources: list[SyntheticResource] = []
        for kind in sorted(rng.sample(CATEGORY_RESOURCES[category], rng.choice((0, 1, 1, 2, 2, 3)))):
            template, unit = rng.choice(RESOURCE_PHRASES[kind])
            if unit == "亩":
                area = Decimal(rng.choice((10, 20, 30, 50, 80, 100, 150, 200, 300, 500, 800)))
            elif unit == "平方米":
                area = Decimal(rng.choice((200, 300, 500, 800, 1200, 2000, 3000)))
            else:
                area = Decimal(1)
            text = template.format(a=area, n=rng.randrange(2, 30))
            resources.append(SyntheticResource(kind=kind, area=area, unit=unit, description=text))

        intro = rng.choice(INTROS).format(
            county=county_name,
            village=village_name,
            direction=rng.choice(DIRECTIONS),
            d=rng.randrange(3, 40),
            h=rng.randrange(150, 900),
            p=rng.randrange(500, 3000),
        )
        development = "，".join(rng.sample(DEVELOPMENT[category], min(2, len(DEVELOPMENT[category]))))
        wanted = "、".join(vocab.label("kind", k) for k in kinds) or "各类合伙人"
        form_text = "、".join(vocab.label("form", f) for f in forms) or "多种方式"
        invite = f"诚邀{wanted}以{form_text}参与合作"
        description = "。".join([intro, development, invite])
        title = f"{village_name}{rng.choice(TITLES[category])}招募合伙人"
        incentives = "，".join(rng.sample(INCENTIVES, 2))
        contact = f"{_person_name(rng)} 13{rng.randrange(100000000, 999999999)}"
        notices.append(
            SyntheticNotice(
                id=f"{id_prefix}{i:0{width}d}",
                title=title,
                category=category,
                county_code=county_code,
                county_name=county_name,
                village_code=village_code,
                village_name=village_name,
                investment_min=inv_min,
                investment_max=inv_max,
                kinds_wanted=kinds,
                forms=forms,
                resources=tuple(resources),
                incentives=incentives,
                description=description,
                contact=contact,
            )
        )
    return notices


def generate_partners(
    counties: Sequence[CountyRef],
    n: int,
    seed: int = 0,
    *,
    id_prefix: str = "P",
) -> list[SyntheticPartner]:
    """``n`` partner profiles whose home counties are drawn from ``counties``."""
    if not counties:
        raise ValueError("at least one county is needed")
    rng = random.Random(f"xiangcun-partners-{seed}")
    resource_codes = vocab.codes(vocab.RESOURCE_KINDS)
    partners: list[SyntheticPartner] = []
    width = max(6, len(str(n)))
    for i in range(n):
        kind = _weighted(rng, KIND_SHARE)
        leaning, capital, org_share = KIND_PROFILE[kind]
        home_index = rng.randrange(len(counties))
        home_code = counties[home_index][0]

        roll = rng.random()
        if roll < 0.12:
            preferred_counties: tuple[str, ...] = ()
        else:
            near = [counties[(home_index + d) % len(counties)][0] for d in range(-3, 4)]
            extra = rng.sample(near, rng.choice((0, 1, 1, 2)))
            preferred_counties = tuple(sorted({home_code, *extra}))

        n_categories = rng.choice((0, 1, 1, 2, 2, 3))
        cats = set(rng.sample(leaning, min(n_categories, len(leaning))))
        if n_categories and rng.random() < 0.15:
            cats.add(rng.choice(vocab.codes(vocab.PROJECT_CATEGORIES)))
        preferred_categories = tuple(sorted(cats))
        topic = preferred_categories[0] if preferred_categories else rng.choice(leaning)

        if capital is None or rng.random() < 0.1:
            cap_min, cap_max = None, None
        else:
            low, high = capital
            top = rng.uniform(max(low, 1), high)
            cap_max = _round_amount(top)
            cap_min = None if rng.random() < 0.3 else _round_amount(top * rng.uniform(0.2, 0.6))
            if cap_min is not None and cap_min > cap_max:
                cap_min = cap_max

        kind_forms = KIND_FORMS[kind]
        forms = tuple(sorted(rng.sample(kind_forms, min(len(kind_forms), rng.choice((0, 1, 1, 2))))))
        wanted_pool = sorted({r for c in (cats or {topic}) for r in CATEGORY_RESOURCES[c]})
        n_wanted = rng.choice((0, 0, 1, 1, 2))
        resources_wanted = tuple(sorted(rng.sample(wanted_pool, min(n_wanted, len(wanted_pool)))))
        if resources_wanted and rng.random() < 0.1:
            resources_wanted = tuple(sorted({*resources_wanted, rng.choice(resource_codes)}))

        field_ = rng.choice(CATEGORY_FIELDS[topic])
        intro = rng.choice(KIND_INTRO[kind]).format(
            field=field_, y=rng.randrange(3, 25), n=rng.randrange(3, 12), a=rng.choice((100, 200, 500, 1000))
        )
        skill_pool = SKILLS[topic] + tuple(s for c in preferred_categories[1:] for s in SKILLS[c][:2])
        skills = tuple(rng.sample(skill_pool, min(len(skill_pool), rng.randrange(2, 5))))
        wish_category = "、".join(vocab.label("category", c) for c in preferred_categories) or "乡村产业"
        capital_text = f"可投入资金{cap_max}万元" if cap_max is not None else "以技术和服务参与合作"
        profile = f"{intro}，{capital_text}，希望发展{wish_category}项目"
        record = rng.choice(TRACK_RECORDS).format(
            place=rng.choice(PLACES),
            project=rng.choice(TITLES[topic]).removesuffix("项目"),
            h=rng.randrange(20, 500),
            y=rng.randrange(1, 9),
        )
        is_org = rng.random() < org_share
        name = (
            f"{rng.choice(PLACES)}{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(ORG_SUFFIX)}"
            if is_org
            else _person_name(rng)
        )
        partners.append(
            SyntheticPartner(
                id=f"{id_prefix}{i:0{width}d}",
                name=name,
                kind=kind,
                is_organisation=is_org,
                home_county_code=home_code,
                capital_min=cap_min,
                capital_max=cap_max,
                skills=skills,
                preferred_counties=preferred_counties,
                preferred_categories=preferred_categories,
                forms=forms,
                resources_wanted=resources_wanted,
                profile=profile,
                track_record=record,
            )
        )
    return partners


def generate(
    counties: Sequence[CountyRef],
    n_notices: int,
    n_partners: int,
    seed: int = 0,
    *,
    villages: Sequence[VillageRef] | None = None,
) -> SyntheticData:
    """Notices and partners together (each side has its own random stream)."""
    return SyntheticData(
        notices=generate_notices(counties, n_notices, seed, villages=villages),
        partners=generate_partners(counties, n_partners, seed),
    )


LIAOCHENG_COUNTIES: tuple[CountyRef, ...] = (
    ("371502", "东昌府区"),
    ("371503", "茌平区"),
    ("371521", "阳谷县"),
    ("371522", "莘县"),
    ("371524", "东阿县"),
    ("371525", "冠县"),
    ("371526", "高唐县"),
    ("371581", "临清市"),
)
