"""Writes for matching: the city's weights, county pairing runs and invitations, and the pairing
workflow 意向 → 洽谈 → 签约 → 履约 (withdrawal with a reason at any stage), every step audited.

The pairing itself is ``assignment.py`` (pure, exact); this module loads the pool and saves results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from xiangcun.accounts.permissions import Capability, require
from xiangcun.core.audit import audit
from xiangcun.core.errors import AccessDenied, ApplicationError, ConflictError, Msg
from xiangcun.core.validation import full_clean
from xiangcun.matching import selectors
from xiangcun.matching.assignment import (
    Assignment,
    assign_dense,
    assign_sparse,
    assign_stable,
    blocking_pairs,
    dense_edges,
)
from xiangcun.matching.models import (
    MatchingWeights,
    Pairing,
    PairingEvent,
    PairingMethod,
    PairingOrigin,
    PairingRun,
    PairingStatus,
)
from xiangcun.matching.scoring import CandidatePairs, ScoringIndex, Weights, candidate_pairs
from xiangcun.partners.models import Partner, PartnerStatus
from xiangcun.recruitment.models import Notice, NoticeStatus
from xiangcun.regions.models import Level, Region

CITY_CANDIDATES_K = 50


# --------------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------------
@transaction.atomic
def weights_update(
    *, user: Any, values: Mapping[str, float], threshold: float | None = None
) -> MatchingWeights:
    """The city admin sets the fit weights (``schemas.WeightsIn``; the weights' own rules — every
    factor, each ≥ 0, sum 1 — are ``Weights.from_dict``'s) and the pairing threshold (0–1)."""
    require(user, Capability.MATCH_WEIGHTS_EDIT, message="只有市级管理员可以修改匹配权重")
    weights = Weights.from_dict(values)
    row = MatchingWeights.objects.select_for_update().order_by("id").first() or MatchingWeights()
    row.values = weights.to_dict()
    if threshold is not None:
        row.threshold = threshold
    row.updated_by = user
    full_clean(row)
    row.save()
    audit(
        actor=user,
        action="matching.weights_update",
        target=row,
        data={"values": row.values, "threshold": row.threshold},
    )
    return row


# --------------------------------------------------------------------------------------------------
# Candidates and assignment (CLI, API and UI call these)
# --------------------------------------------------------------------------------------------------
def _county(code: str) -> Region:
    region = Region.objects.filter(code=code, level=Level.COUNTY).first()
    if region is None:
        raise ApplicationError(Msg("县（市、区）代码 {code} 不存在", code=code), field="county")
    return region


def _city(code: str) -> Region:
    region = Region.objects.filter(code=code, level=Level.CITY).first()
    if region is None:
        raise ApplicationError(Msg("市级代码 {code} 不存在", code=code), field="city")
    return region


def county_matrix(county_code: str) -> tuple[ScoringIndex, Any]:
    """The county's open notices × free partners, and their dense fit matrix."""
    _county(county_code)
    weights, _ = selectors.weights_current()
    notices, partners = selectors.county_pool(county_code)
    index = ScoringIndex.build(notices, partners, text_model=selectors.scoring_index().text_model)
    return index, index.fit_matrix(weights=weights)


def county_candidates(county_code: str, threshold: float | None = None) -> list[dict[str, Any]]:
    """Every allowed pair of the county (fit ≥ threshold, fit > 0) as ``{"notice", "partner", "fit"}``."""
    _, default_threshold = selectors.weights_current()
    limit = default_threshold if threshold is None else threshold
    index, matrix = county_matrix(county_code)
    import numpy as np

    rows, cols = np.nonzero((matrix >= limit) & (matrix > 0.0))
    pairs = CandidatePairs(
        rows.astype(np.int64), cols.astype(np.int64), matrix[rows, cols], index.notice_ids, index.partner_ids
    )
    return pairs.to_json()


def county_proposals(county_code: str, threshold: float) -> dict[str, dict[str, Any]]:
    """Both pairings of a county on the same fits and threshold, as proposal JSON with their
    blocking pairs: ``max_fit`` (exact, dense) and ``stable`` (deferred acceptance, partners propose;
    with one shared fit the village-proposing run gives the same pairing)."""
    index, matrix = county_matrix(county_code)
    edges = (index.notice_ids, index.partner_ids, *dense_edges(matrix), threshold)
    best = assign_dense(matrix, index.notice_ids, index.partner_ids, threshold)
    stable = assign_stable(*edges, proposing="partner")
    return {
        PairingMethod.MAX_FIT: {**best.to_json(), "blocking_pairs": blocking_pairs(best, *edges)},
        PairingMethod.STABLE: {**stable.to_json(), "blocking_pairs": blocking_pairs(stable, *edges)},
    }


def county_assignment(county_code: str, threshold: float | None = None) -> Assignment:
    """The exact one-to-one pairing of a county: dense assignment over all free partners."""
    _, default_threshold = selectors.weights_current()
    index, matrix = county_matrix(county_code)
    return assign_dense(
        matrix, index.notice_ids, index.partner_ids, default_threshold if threshold is None else threshold
    )


def city_candidates(
    city_code: str, threshold: float | None = None, k: int = CITY_CANDIDATES_K
) -> CandidatePairs:
    _city(city_code)
    weights, default_threshold = selectors.weights_current()
    notices, partners = selectors.city_pool(city_code)
    index = ScoringIndex.build(notices, partners, text_model=selectors.scoring_index().text_model)
    limit = default_threshold if threshold is None else threshold
    return candidate_pairs(index, k, limit, weights, by_county=True)


def city_assignment(city_code: str, threshold: float | None = None, k: int = CITY_CANDIDATES_K) -> Assignment:
    """The city's pairing: exact on each notice's k-best candidate graph (sparse min-cost flow)."""
    _, default_threshold = selectors.weights_current()
    limit = default_threshold if threshold is None else threshold
    graph = city_candidates(city_code, limit, k)
    return assign_sparse(graph.notice_ids, graph.partner_ids, graph.notice, graph.partner, graph.fit, limit)


# --------------------------------------------------------------------------------------------------
# County pairing run → review → invitations
# --------------------------------------------------------------------------------------------------
def _require_county_official(user: Any, county_code: str) -> None:
    require(user, Capability.PAIRING_RUN, county_code, field="county")


@transaction.atomic
def pairing_run_create(*, user: Any, county_code: str) -> PairingRun:
    """Run the exact pairing for a county and keep the proposal for review."""
    county = _county(county_code)
    _require_county_official(user, county.code)
    _, threshold = selectors.weights_current()
    proposals = county_proposals(county.code, threshold)
    best, stable = proposals[PairingMethod.MAX_FIT], proposals[PairingMethod.STABLE]
    run = PairingRun(
        county=county,
        run_by=user,
        threshold=threshold,
        total_fit=best["total_fit"],
        proposal=best,
        stable_proposal=stable,
    )
    full_clean(run)
    run.save()
    audit(
        actor=user,
        action="pairing_run.create",
        target=run,
        region_code=county.code,
        data={
            "threshold": threshold,
            "total_fit": run.total_fit,
            "pairs": len(best["pairs"]),
            "blocking_pairs": best["blocking_pairs"],
            "stable_total_fit": stable["total_fit"],
            "stable_pairs": len(stable["pairs"]),
        },
    )
    return run


@transaction.atomic
def pairing_run_send(
    *,
    user: Any,
    run: PairingRun,
    pairs: list[tuple[str, str]] | None = None,
    method: str = PairingMethod.MAX_FIT,
) -> list[Pairing]:
    """Send invitations for the reviewed proposal of ``method`` (all its pairs, or the ``pairs`` kept)."""
    _require_county_official(user, run.county_id)
    run = PairingRun.objects.select_for_update().get(pk=run.pk)
    if run.invitations_sent:  # by someone else meanwhile, or earlier: nothing is sent twice
        raise ConflictError("该配对方案的邀请已发出", field="run")
    if method not in PairingMethod.values or not run.proposal_of(method).get("pairs"):
        raise ApplicationError("该配对方案没有这种配对方式的结果", field="method")
    proposal = run.proposal_of(method).get("pairs", [])
    keep = {(str(n), str(p)) for n, p in pairs} if pairs is not None else None
    created: list[Pairing] = []
    for item in proposal:
        if keep is not None and (item["notice"], item["partner"]) not in keep:
            continue
        notice = Notice.objects.filter(pk=int(item["notice"]), status=NoticeStatus.PUBLISHED).first()
        partner = Partner.objects.filter(pk=int(item["partner"]), status=PartnerStatus.VERIFIED).first()
        if notice is None or partner is None or selectors.open_pairing_between(notice, partner):
            continue
        if notice.deadline is not None and notice.deadline < timezone.localdate():
            continue  # no invitation on a notice past its deadline
        if Pairing.objects.filter(notice=notice, status__in=selectors.ACTIVE_STATUSES).exists():
            continue
        if Pairing.objects.filter(partner=partner, status__in=selectors.ACTIVE_STATUSES).exists():
            continue
        created.append(_pairing_open(user, notice, partner, PairingOrigin.OFFICE, item["fit"], run))
    run.invitations_sent = True
    run.method = method
    run.save(update_fields=["invitations_sent", "method", "updated_at"])
    audit(
        actor=user,
        action="pairing_run.send",
        target=run,
        region_code=run.county_id,
        data={"method": method, "pairings": [p.pk for p in created]},
    )
    return created


def _pairing_open(
    user: Any, notice: Notice, partner: Partner, origin: str, fit: float | None, run: PairingRun | None
) -> Pairing:
    pairing = Pairing(notice=notice, partner=partner, origin=origin, fit=fit, run=run, created_by=user)
    full_clean(pairing)
    try:
        with transaction.atomic():
            pairing.save()
    except IntegrityError:
        raise ApplicationError("该招募令与合伙人已在对接中", field="notice") from None
    note = "合伙人表达合作意向" if origin == PairingOrigin.PARTNER else "组织发出对接邀请"
    PairingEvent.objects.create(
        pairing=pairing, actor=user, from_status="", to_status=pairing.status, note=note
    )
    audit(
        actor=user,
        action="pairing.open",
        target=pairing,
        region_code=notice.region_code,
        data={"notice": notice.pk, "partner": partner.pk, "origin": origin, "fit": fit, "run": run},
    )
    return pairing


@transaction.atomic
def pairing_express_interest(*, user: Any, notice: Notice, note: str = "") -> Pairing:
    """A verified partner expresses interest (意向) in a published notice."""
    partner = Partner.objects.filter(user=user).first() if getattr(user, "is_authenticated", False) else None
    if partner is None:
        raise AccessDenied("只有合伙人可以表达合作意向")
    if partner.status != PartnerStatus.VERIFIED:
        raise ApplicationError("合伙人资料通过认证后才能表达意向", field="partner")
    if notice.status != NoticeStatus.PUBLISHED:
        raise ApplicationError("只能对已发布的招募令表达意向", field="notice")
    if notice.deadline is not None and notice.deadline < timezone.localdate():
        raise ApplicationError(
            Msg("该招募令已于 {deadline} 截止，不能再表达意向", deadline=notice.deadline.isoformat()),
            field="notice",
        )
    fit_value = None
    index = selectors.scoring_index()
    if str(notice.pk) in index.notice_pos:
        fit_value = index.explain(
            str(notice.pk), selectors.partner_facts(partner), selectors.weights_current()[0]
        ).score
    pairing = _pairing_open(user, notice, partner, PairingOrigin.PARTNER, fit_value, None)
    if note.strip():
        PairingEvent.objects.create(
            pairing=pairing,
            actor=user,
            from_status=pairing.status,
            to_status=pairing.status,
            note=note.strip(),
        )
    return pairing


NEXT = selectors.NEXT


@transaction.atomic
def pairing_transition(
    *,
    user: Any,
    pairing: Pairing,
    to_status: str,
    reason: str = "",
    note: str = "",
    expected_status: str | None = None,
) -> Pairing:
    """One step forward (意向 → 洽谈 → 签约 → 履约) or a withdrawal (with a reason, at any stage).

    The partner accepts (or declines) an office invitation; a partner's own interest is taken into
    洽谈 by the officials of the notice's region; signing and performance are recorded by county or
    city officials; either party may withdraw (``selectors.pairing_step_problem``, which the page's
    buttons follow). ``expected_status`` is the stage the caller saw: the locked pairing at another
    stage is a 409.
    """
    party = selectors.pairing_party(user, pairing)
    if party is None:
        raise AccessDenied("这不是您的对接记录")
    pairing = Pairing.objects.select_for_update().select_related("notice").get(pk=pairing.pk)
    if expected_status is not None and pairing.status != expected_status:
        raise ConflictError(
            Msg(
                "该对接已被其他人处理（当前阶段：{status}），请刷新后重试",
                status=PairingStatus(pairing.status).label,
            ),
            field="expected_status",
        )
    problem = selectors.pairing_step_problem(user, pairing, to_status, party)
    if problem is not None:
        raise problem
    source = pairing.status
    reason = (reason or "").strip()
    if to_status == PairingStatus.WITHDRAWN:
        if not reason:
            raise ApplicationError("退出须填写理由", field="reason")
        pairing.withdraw_reason = reason[:300]
    pairing.status = to_status
    full_clean(pairing)
    pairing.save(update_fields=["status", "withdraw_reason", "updated_at"])
    PairingEvent.objects.create(
        pairing=pairing, actor=user, from_status=source, to_status=to_status, note=(note or reason).strip()
    )
    audit(
        actor=user,
        action="pairing.transition",
        target=pairing,
        region_code=pairing.notice.region_code,
        data={"from": source, "to": to_status, "reason": reason[:300]},
    )
    return pairing


@transaction.atomic
def pairing_note_add(*, user: Any, pairing: Pairing, note: str, meeting_date: dt.date) -> PairingEvent:
    """A site visit or meeting note with its date (洽谈 records; ``schemas.NoteIn``)."""
    if selectors.pairing_party(user, pairing) is None:
        raise AccessDenied("这不是您的对接记录")
    if pairing.status == PairingStatus.WITHDRAWN:
        raise ApplicationError("该对接已退出，不能再添加洽谈记录", field="pairing")
    event = PairingEvent(
        pairing=pairing,
        actor=user,
        from_status=pairing.status,
        to_status=pairing.status,
        note=note.strip(),
        meeting_date=meeting_date,
    )
    full_clean(event)
    event.save()
    audit(
        actor=user,
        action="pairing.note",
        target=pairing,
        region_code=pairing.notice.region_code,
        data={"event": event.pk, "meeting_date": meeting_date},
    )
    return event


def city_code() -> str:
    return str(settings.XIANGCUN_CITY_CODE)
