"""Reads for matching: facts loaded from the database, the cached scoring index, explained
recommendations both ways, candidate pairs and pairings as each party may see them.

The fit itself is ``scoring.py`` (pure); this module only loads data and calls it.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from xiangcun.accounts.permissions import Capability as C
from xiangcun.accounts.permissions import can, is_official, require, require_login
from xiangcun.accounts.scoping import user_scope
from xiangcun.core.errors import AccessDenied, Msg, NotFoundError
from xiangcun.matching.assignment import DEFAULT_THRESHOLD
from xiangcun.matching.models import ACTIVE_STATUSES, MatchingWeights, Pairing, PairingRun, PairingStatus
from xiangcun.matching.scoring import (
    DEFAULT_WEIGHTS,
    Fit,
    NoticeFacts,
    PartnerFacts,
    ScoringIndex,
    Weights,
    top_k_notices_for_partner,
    top_k_partners_for_notice,
)
from xiangcun.partners.models import Partner, PartnerStatus
from xiangcun.partners.selectors import PartnerView, is_own, partner_view
from xiangcun.recruitment.models import Notice, NoticeResource, NoticeStatus
from xiangcun.regions.models import Level, Region


# --------------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------------
def weights_current() -> tuple[Weights, float]:
    """The city's weights and pairing threshold (defaults until the city edits them)."""
    row = MatchingWeights.objects.order_by("id").first()
    if row is None or not row.values:
        return DEFAULT_WEIGHTS, row.threshold if row else DEFAULT_THRESHOLD
    return Weights.from_dict(row.values), row.threshold


# --------------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------------
def _notice_rows(qs: QuerySet[Notice]) -> list[NoticeFacts]:
    rows = list(
        qs.values_list(
            "id",
            "category",
            "county_id",
            "county__name",
            "investment_min",
            "investment_max",
            "kinds_wanted",
            "cooperation_forms",
            "title",
            "description",
            "incentives",
        )
    )
    resources: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for notice_id, kind, description in NoticeResource.objects.filter(
        notice_id__in=qs.values("id")
    ).values_list("notice_id", "kind", "description"):
        resources[notice_id].append((kind, description))
    facts = []
    for pk, cat, county, county_name, imin, imax, kinds, forms, title, desc, incentives in rows:
        res = resources.get(pk, [])
        text = "。".join(p for p in (title, desc, *(d for _, d in res), incentives) if p)
        facts.append(
            NoticeFacts(
                id=str(pk),
                category=cat,
                county_code=county,
                county_name=county_name,
                investment_min=imin,
                investment_max=imax,
                kinds_wanted=frozenset(kinds or ()),
                forms=frozenset(forms or ()),
                text=text,
                resources_offered=frozenset(k for k, _ in res),
            )
        )
    return facts


def notice_facts(notice: Notice) -> NoticeFacts:
    return _notice_rows(Notice.objects.filter(pk=notice.pk))[0]


def _partner_rows(qs: QuerySet[Partner]) -> list[PartnerFacts]:
    facts = []
    for row in qs.values_list(
        "id",
        "kind",
        "capital_min",
        "capital_max",
        "preferred_counties",
        "preferred_categories",
        "cooperation_forms",
        "profile",
        "skills",
        "track_record",
        "resources_wanted",
        "home_county_id",
    ):
        pk, kind, cmin, cmax, counties, cats, forms, profile, skills, record, wanted, home = row
        text = "。".join(p for p in (profile, "、".join(skills or ()), record) if p)
        facts.append(
            PartnerFacts(
                id=str(pk),
                kind=kind,
                capital_min=cmin,
                capital_max=cmax,
                preferred_counties=frozenset(counties or ()),
                preferred_categories=frozenset(cats or ()),
                forms=frozenset(forms or ()),
                text=text,
                resources_wanted=frozenset(wanted or ()),
                home_county_code=home,
            )
        )
    return facts


def partner_facts(partner: Partner) -> PartnerFacts:
    return _partner_rows(Partner.objects.filter(pk=partner.pk))[0]


# --------------------------------------------------------------------------------------------------
# The scoring index over published notices × verified partners, rebuilt when either side changes
# --------------------------------------------------------------------------------------------------
_cache: dict[str, Any] = {}
_lock = threading.Lock()


def _published() -> QuerySet[Notice]:
    return Notice.objects.filter(status=NoticeStatus.PUBLISHED)


def _verified() -> QuerySet[Partner]:
    return Partner.objects.filter(status=PartnerStatus.VERIFIED)


def _version() -> tuple[Any, ...]:
    n = _published().aggregate(n=Count("id"), t=Max("updated_at"), m=Max("id"))
    p = _verified().aggregate(n=Count("id"), t=Max("updated_at"), m=Max("id"))
    r = NoticeResource.objects.aggregate(t=Max("updated_at"), m=Max("id"))
    return (n["n"], n["t"], n["m"], p["n"], p["t"], p["m"], r["t"], r["m"])


def scoring_index() -> ScoringIndex:
    """All published notices × all verified partners, cached per process until the data changes."""
    version = _version()
    with _lock:
        if _cache.get("version") == version:
            return _cache["index"]  # type: ignore[no-any-return]
        index = ScoringIndex.build(_notice_rows(_published()), _partner_rows(_verified()))
        _cache.update(version=version, index=index)
        return index


def _declined(**where: Any) -> set[tuple[int, int]]:
    """Pairs already tried and withdrawn: never recommended again."""
    return set(
        Pairing.objects.filter(status=PairingStatus.WITHDRAWN, **where).values_list("notice_id", "partner_id")
    )


@dataclass(frozen=True)
class Recommendation:
    """One suggestion with its fit and the factor explanation in Chinese."""

    id: int
    fit: float
    explanation: Fit
    title: str = ""  # the other side as the reader may see it (set by the ``…_for`` selectors)

    @property
    def percent(self) -> int:
        return round(self.fit * 100)

    @property
    def reasons(self) -> list[str]:
        return self.explanation.explanation()


def notices_for_partner(partner: Partner, k: int = 10) -> list[Recommendation]:
    """The ``k`` published notices that fit ``partner`` best (exact), explained."""
    weights, _ = weights_current()
    index = scoring_index()
    facts = partner_facts(partner)
    declined = [str(n) for n, _ in _declined(partner=partner)]
    top = top_k_notices_for_partner(index, facts, k, exclude_ids=declined, weights=weights)
    return [Recommendation(int(s.id), s.fit, index.explain(s.id, facts, weights)) for s in top]


def partners_for_notice(notice: Notice, k: int = 10) -> list[Recommendation]:
    """The ``k`` verified partners that fit ``notice`` best (exact), explained."""
    weights, _ = weights_current()
    index = scoring_index()
    facts = notice_facts(notice)
    declined = [str(p) for _, p in _declined(notice=notice)]
    top = top_k_partners_for_notice(index, facts, k, exclude_ids=declined, weights=weights)
    return [Recommendation(int(s.id), s.fit, index.explain(facts, s.id, weights)) for s in top]


def partner_recommendations_for(
    user: Any, notice: Notice, k: int = 10
) -> list[tuple[Recommendation, PartnerView]]:
    """The ``k`` partners recommended for ``notice``, for officials governing its region: each with
    the partner as ``user`` may see it (identifiers masked) and its name as the title."""
    require(user, C.OFFICIAL_READ, notice.region_code, message="只有本辖区的管理人员可以查看推荐合伙人")
    recs = partners_for_notice(notice, k)
    partners = partners_by_id([r.id for r in recs])
    rows = []
    for r in recs:
        view = partner_view(partners[r.id], user)
        rows.append((replace(r, title=view.name), view))
    return rows


def notice_recommendations_for(user: Any, partner: Partner, k: int = 10) -> list[Recommendation]:
    """The ``k`` notices recommended for ``partner``: to the partner themself, or the city office
    (which may look at any partner's); titled with the notice's title."""
    if not (is_own(user, partner) or can(user, C.MATCH_BROWSE_PARTNERS)):
        require_login(user)
        raise AccessDenied("只能查看自己的推荐")
    recs = notices_for_partner(partner, k)
    notices = notices_by_id([r.id for r in recs])
    return [replace(r, title=notices[r.id].title) for r in recs if r.id in notices]


def pair_explanation(notice: Notice, partner: Partner) -> Fit:
    """Why a notice and a partner fit: the same factors the pairing maximised, in Chinese."""
    weights, _ = weights_current()
    return scoring_index().explain(notice_facts(notice), partner_facts(partner), weights)


def notices_by_id(ids: list[int]) -> dict[int, Notice]:
    return {
        n.pk: n
        for n in Notice.objects.filter(pk__in=ids).select_related("village", "village__town", "county")
    }


def partners_by_id(ids: list[int]) -> dict[int, Partner]:
    return {p.pk: p for p in Partner.objects.filter(pk__in=ids).select_related("home_county")}


# --------------------------------------------------------------------------------------------------
# Pairing inputs: a county's open notices and the partners still free
# --------------------------------------------------------------------------------------------------
def county_pool(county_code: str) -> tuple[list[NoticeFacts], list[PartnerFacts]]:
    """Published notices of the county without an active pairing × verified partners without one."""
    busy = Pairing.objects.filter(status__in=ACTIVE_STATUSES)
    notices = (
        _published().filter(county_id=county_code).exclude(id__in=busy.values("notice_id")).order_by("id")
    )
    partners = _verified().exclude(id__in=busy.values("partner_id")).order_by("id")
    return _notice_rows(notices), _partner_rows(partners)


def city_pool(city_code: str) -> tuple[list[NoticeFacts], list[PartnerFacts]]:
    busy = Pairing.objects.filter(status__in=ACTIVE_STATUSES)
    notices = (
        _published()
        .filter(county__parent_id=city_code)
        .exclude(id__in=busy.values("notice_id"))
        .order_by("id")
    )
    partners = _verified().exclude(id__in=busy.values("partner_id")).order_by("id")
    return _notice_rows(notices), _partner_rows(partners)


def _pairing_run_get(pk: int) -> PairingRun:
    run = PairingRun.objects.select_related("county").filter(pk=pk).first()
    if run is None:
        raise NotFoundError(Msg("配对方案 {pk} 不存在", pk=pk), field="id")
    return run


def pairing_run_get_for(user: Any, pk: int, *, write: bool = False) -> PairingRun:
    """A county pairing run as ``user`` may see it: officials whose region holds the county read it;
    sending its invitations (``write``) needs the county pairing capability there."""
    run = _pairing_run_get(pk)
    if write:
        require(user, C.PAIRING_RUN, run.county_id, field="county")
    elif not can(user, C.OFFICIAL_READ, run.county_id):
        require_login(user)
        raise AccessDenied("该配对方案不在您的管辖范围内")
    return run


def pairing_counties_for(user: Any) -> QuerySet[Region]:
    """The counties ``user`` may run the pairing of (their region's)."""
    if not can(user, C.PAIRING_RUN):
        return Region.objects.none()
    return user_scope(user).filter(Region.objects.filter(level=Level.COUNTY), "code").order_by("code")


def pairing_run_list_for(user: Any, county_code: str) -> QuerySet[PairingRun]:
    """The county's pairing runs, newest first — none unless ``user`` governs the county."""
    qs = PairingRun.objects.filter(county_id=county_code).order_by("-created_at", "-id")
    if not can(user, C.OFFICIAL_READ, county_code):
        return qs.none()
    return qs


# --------------------------------------------------------------------------------------------------
# Pairings as each party sees them
# --------------------------------------------------------------------------------------------------
def _pairings() -> QuerySet[Pairing]:
    return Pairing.objects.select_related("notice", "notice__village", "notice__county", "partner")


def _pairing_get(pk: int) -> Pairing:
    pairing = _pairings().filter(pk=pk).first()
    if pairing is None:
        raise NotFoundError(Msg("对接记录 {pk} 不存在", pk=pk), field="id")
    return pairing


def pairing_party(user: Any, pairing: Pairing) -> str | None:
    """``"partner"`` for the pairing's partner, ``"official"`` for officials whose region holds the
    notice's village (the city office holds the whole city), else ``None``."""
    if pairing.partner.user_id is not None and pairing.partner.user_id == getattr(user, "id", None):
        return "partner"
    if can(user, C.PAIRING_ADVANCE, pairing.notice.region_code):
        return "official"
    return None


def pairing_get_for(user: Any, pk: int, *, write: bool = False) -> Pairing:
    """A pairing as ``user`` may see it: its partner and the officials of the notice's region.
    Both parties also act on it (``write``: steps and notes; which step each may take is the
    service's decision)."""
    pairing = _pairing_get(pk)
    if pairing_party(user, pairing) is None:
        require_login(user)
        raise AccessDenied("这不是您的对接记录")
    return pairing


def pairing_list_for(user: Any, status: str | None = None) -> QuerySet[Pairing]:
    """我的对接: an official's, those of notices in their region; anyone else's, their own as partner."""
    qs = _pairings().order_by("-updated_at", "-id")
    if is_official(user):
        qs = user_scope(user).filter(qs, "notice__village__code")
    elif getattr(user, "is_authenticated", False):
        qs = qs.filter(partner__user=user)
    else:
        qs = qs.none()
    if status:
        qs = qs.filter(status=status)
    return qs


def pairing_events(pairing: Pairing) -> QuerySet[Any]:
    return pairing.events.select_related("actor").order_by("created_at", "id")


def pairing_counts_for(user: Any) -> dict[str, int]:
    rows = pairing_list_for(user).values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def open_pairing_between(notice: Notice, partner: Partner) -> Pairing | None:
    return (
        Pairing.objects.filter(notice=notice, partner=partner)
        .filter(~Q(status=PairingStatus.WITHDRAWN))
        .first()
    )
