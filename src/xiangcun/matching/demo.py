"""Demo notices and partners for ``xiangcun demo`` (示例数据), from ``synthetic.py``, bulk-inserted.

City scale: about one published notice per two villages and 5,000 verified partners; province
scale: one notice per village and 200,000 partners.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.models import Role, User
from xiangcun.matching import synthetic, synthetic_phrases
from xiangcun.matching.models import Pairing, PairingEvent
from xiangcun.partners.models import Partner, PartnerStatus
from xiangcun.recruitment.models import (
    Notice,
    NoticeBatch,
    NoticeLevel,
    NoticeResource,
    NoticeStatus,
    NoticeTransition,
)
from xiangcun.recruitment.schemas import unit_code
from xiangcun.regions.models import Level, Region, Village

# scale → (villages per notice as a step, partners)
SCALE_PLAN: dict[str, tuple[int, int]] = {
    "city": (2, 5_000),
    "province": (1, 200_000),
    "national": (4, 200_000),
}
_BATCH = 5000


@dataclass(frozen=True)
class DemoMatchingResult:
    notices: int
    partners: int
    seconds: float


@transaction.atomic
def demo_clear() -> None:
    """Remove the demo notices, batches and partners (before the regions are rebuilt)."""
    # A record's history protects it (on_delete=PROTECT); only the synthetic demo is ever removed.
    PairingEvent.objects.filter(pairing__notice__is_demo=True).delete()
    PairingEvent.objects.filter(pairing__partner__is_demo=True).delete()
    Pairing.objects.filter(notice__is_demo=True).delete()
    Pairing.objects.filter(partner__is_demo=True).delete()
    NoticeResource.objects.filter(notice__is_demo=True).delete()
    NoticeTransition.objects.filter(notice__is_demo=True).delete()
    Notice.villages.through.objects.filter(notice__is_demo=True).delete()
    Notice.objects.filter(is_demo=True).delete()
    NoticeBatch.objects.filter(is_demo=True).delete()
    Partner.objects.filter(is_demo=True).delete()


def _id_number(rng: random.Random, county: str, organisation: bool) -> str:
    if organisation:
        return f"91{county}MA{rng.randrange(10**9, 10**10)}"[:18]
    year = rng.randrange(1960, 2000)
    return f"{county}{year}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000, 9999)}"


@transaction.atomic
def demo_build(*, scale: str, seed: int, city_code: str = "371500") -> DemoMatchingResult:
    """Published notices and verified partners over the demo villages; the demo partner account
    gets a verified profile. Replaces earlier demo notices and partners."""
    started = time.perf_counter()
    step, n_partners = SCALE_PLAN.get(scale, SCALE_PLAN["city"])
    demo_clear()
    villages = list(
        Village.objects.filter(is_demo=True).order_by("code").values_list("code", "name", "county_id")
    )
    if not villages:
        return DemoMatchingResult(0, 0, time.perf_counter() - started)
    county_codes = sorted({v[2] for v in villages})
    counties = list(
        Region.objects.filter(code__in=county_codes, level=Level.COUNTY).values_list("code", "name")
    )
    chosen = villages[::step]
    now = timezone.now()
    rng = random.Random(f"xiangcun-demo-matching-{seed}")

    batch = NoticeBatch.objects.create(
        title=f"{now:%Y}年第一批乡村振兴合伙人招募令",
        date=now.date(),
        issuer_level=NoticeLevel.CITY,
        region_code=city_code,
        is_demo=True,
    )
    specs = synthetic.generate_notices(counties, len(chosen), seed, villages=chosen)
    created = 0
    for start in range(0, len(specs), _BATCH):
        part = specs[start : start + _BATCH]
        rows = Notice.objects.bulk_create(
            [
                Notice(
                    title=s.title[:120],
                    level=NoticeLevel.CITY if rng.random() < 0.08 else NoticeLevel.COUNTY,
                    category=s.category,
                    cooperation_forms=list(s.forms),
                    kinds_wanted=list(s.kinds_wanted),
                    investment_min=s.investment_min,
                    investment_max=s.investment_max,
                    incentives=s.incentives,
                    description=s.description,
                    contact=s.contact,
                    deadline=(now + dt.timedelta(days=rng.randrange(60, 240))).date(),
                    village_id=s.village_code,
                    county_id=s.county_code,
                    status=NoticeStatus.PUBLISHED,
                    published_at=now,
                    batch=batch,
                    is_demo=True,
                )
                for s in part
            ]
        )
        Notice.villages.through.objects.bulk_create(
            [
                Notice.villages.through(notice_id=n.pk, village_id=s.village_code)
                for n, s in zip(rows, part, strict=True)
            ]
        )
        NoticeResource.objects.bulk_create(
            [
                NoticeResource(
                    notice_id=n.pk,
                    kind=r.kind,
                    area=r.area,
                    unit=unit_code(r.unit),
                    description=r.description[:300],
                )
                for n, s in zip(rows, part, strict=True)
                for r in s.resources
            ]
        )
        NoticeTransition.objects.bulk_create(
            [
                NoticeTransition(
                    notice_id=n.pk, from_status=NoticeStatus.APPROVED, to_status=NoticeStatus.PUBLISHED
                )
                for n in rows
            ]
        )
        created += len(rows)

    partners = synthetic.generate_partners(counties, n_partners, seed)
    pending: list[Partner] = []
    for i, p in enumerate(partners):
        contact = (
            rng.choice(synthetic_phrases.SURNAMES)
            + rng.choice(synthetic_phrases.GIVEN)
            + rng.choice(synthetic_phrases.GIVEN)
            if p.is_organisation
            else p.name
        )
        pending.append(
            Partner(
                name=p.name[:100],
                is_organisation=p.is_organisation,
                kind=p.kind,
                contact_name=contact,
                phone=f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
                id_number=_id_number(rng, p.home_county_code, p.is_organisation),
                home_county_id=p.home_county_code,
                liaocheng_born=p.home_county_code.startswith(city_code[:4]),
                title_level=rng.choice(["intermediate", "associate_senior", "senior"])
                if p.kind in ("expert", "technician")
                else "",
                high_level_talent=p.kind == "expert" and rng.random() < 0.15,
                capital_min=p.capital_min,
                capital_max=p.capital_max,
                skills=list(p.skills),
                tags=[],
                preferred_counties=list(p.preferred_counties),
                preferred_categories=list(p.preferred_categories),
                cooperation_forms=list(p.forms),
                resources_wanted=list(p.resources_wanted),
                profile=p.profile,
                track_record=p.track_record,
                status=PartnerStatus.VERIFIED if i % 50 else PartnerStatus.PENDING,
                verified_at=now if i % 50 else None,
                is_demo=True,
            )
        )
        if len(pending) >= _BATCH:
            Partner.objects.bulk_create(pending)
            pending.clear()
    Partner.objects.bulk_create(pending)

    account = User.objects.filter(username="partner", role=Role.PARTNER, is_demo=True).first()
    if account is not None and partners:
        p = partners[0]
        Partner.objects.create(
            user=account,
            name="示例合伙人",
            kind=p.kind,
            contact_name="示例合伙人",
            phone="13800000000",
            id_number="371502199001011234",
            home_county_id=p.home_county_code,
            liaocheng_born=True,
            title_level="intermediate",
            capital_min=p.capital_min,
            capital_max=p.capital_max,
            skills=list(p.skills),
            preferred_counties=list(p.preferred_counties),
            preferred_categories=list(p.preferred_categories),
            cooperation_forms=list(p.forms),
            resources_wanted=list(p.resources_wanted),
            profile=p.profile,
            track_record=p.track_record,
            status=PartnerStatus.VERIFIED,
            verified_at=now,
            is_demo=True,
        )
    _demo_pairings(rng)
    return DemoMatchingResult(created, len(partners), time.perf_counter() - started)


def _demo_pairings(rng: random.Random) -> None:
    """Pairings at every stage in the demo county, made through the services (so every step is
    audited as an official would make it): the county runs the exact pairing, invites its first
    24 pairs, and the pairs then move on — some to 洽谈 with a site visit, some to 签约 and 履约,
    one withdrawn. The demo partner account expresses interest in one notice."""
    from xiangcun.matching import services

    county_admin = User.objects.filter(username="county", is_demo=True).first()
    if county_admin is None:
        return
    run = services.pairing_run_create(user=county_admin, county_code=county_admin.region_code)
    pairs = [(p["notice"], p["partner"]) for p in run.proposal.get("pairs", [])[:24]]
    cadre = User.objects.filter(username="cadre", is_demo=True).first()
    if cadre is not None:  # the demo cadre's own village is among the invited, when it has a notice
        own = next(
            (p for p in run.proposal.get("pairs", []) if _village_of(p["notice"]) == cadre.region_code), None
        )
        if own is not None and (own["notice"], own["partner"]) not in pairs:
            pairs[-1] = (own["notice"], own["partner"])
    invited = services.pairing_run_send(user=county_admin, run=run, pairs=pairs)
    today = timezone.localdate()
    for i, pairing in enumerate(invited):
        if i % 6 == 5:
            services.pairing_transition(
                user=county_admin,
                pairing=pairing,
                to_status="withdrawn",
                reason="合伙人资金安排调整，双方协商退出",
            )
            continue
        if i % 3 == 0:
            continue  # stays at 意向: the invitation awaits the partner
        services.pairing_transition(user=county_admin, pairing=pairing, to_status="negotiating")
        services.pairing_note_add(
            user=county_admin,
            pairing=pairing,
            note="合伙人实地考察村内闲置资源，与村两委座谈，初步商定合作方式",
            meeting_date=today - dt.timedelta(days=rng.randrange(3, 40)),
        )
        if i % 3 == 2:
            services.pairing_transition(user=county_admin, pairing=pairing, to_status="signed")
            if i % 9 == 2:
                services.pairing_transition(user=county_admin, pairing=pairing, to_status="performing")
    partner_user = User.objects.filter(username="partner", is_demo=True).first()
    if partner_user is not None:
        taken = set(Pairing.objects.values_list("notice_id", flat=True))
        notice = (
            Notice.objects.filter(status=NoticeStatus.PUBLISHED).exclude(pk__in=taken).order_by("pk").first()
        )
        if notice is not None:
            services.pairing_express_interest(
                user=partner_user, notice=notice, note="希望到村实地考察闲置资源"
            )


def _village_of(notice_id: str) -> str | None:
    return Notice.objects.filter(pk=int(notice_id)).values_list("village_id", flat=True).first()
