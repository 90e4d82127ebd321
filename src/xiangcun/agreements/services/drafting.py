"""Drafting: create or correct a draft agreement, by hand or from a pairing at 签约, with its share
table (contributions valued into shares by the pure ``shares.valuate_parties``), member register
and labour commitments. The input is one ``AgreementIn`` (already valid); errors name the field
by its JSON path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xiangcun.accounts.permissions import Capability, can
from xiangcun.agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Contribution,
    ContributionKind,
    LabourCommitment,
    Member,
    PartyRole,
)
from xiangcun.agreements.schemas import AgreementIn, PartyIn
from xiangcun.agreements.services.common import record_event, require_official_for
from xiangcun.agreements.shares import PartyContribution, Role, Valuation, valuate_parties
from xiangcun.core.errors import AccessDenied, ApplicationError, Msg, NotFoundError
from xiangcun.core.validation import full_clean
from xiangcun.resources.valuation import AppraisedResource, HouseResource, LandResource, Resource

ZERO = Decimal(0)

# Resource kinds (core.vocab) valued as land (rent capitalised) or as buildings (depreciated
# rebuild cost); the rest are appraised.
LAND_KINDS = frozenset(
    {"arable_land", "forest_land", "garden_land", "pond", "facility_farmland", "collective_construction_land"}
)
HOUSE_KINDS = frozenset({"idle_homestead", "idle_building"})
SQUARE_METRES_PER_MU = Decimal("666.67")


def contribution_kind_of(resource_kind: str, valuation_method: str = "") -> str:
    """How a resource of the ledger (or of a notice) is valued as a contribution: the method the
    appraiser recorded, else by its kind — land rent capitalised, buildings depreciated, the rest
    appraised."""
    if valuation_method in ("land", "house", "appraised"):
        return valuation_method
    if resource_kind in LAND_KINDS:
        return str(ContributionKind.LAND)
    if resource_kind in HOUSE_KINDS:
        return str(ContributionKind.HOUSE)
    return str(ContributionKind.APPRAISED)


def _area_params(kind: str, area: Decimal | None, unit: str, params: dict[str, Any]) -> None:
    """The area of the ledger in the unit the valuation takes (亩 for land, ㎡ for buildings)."""
    if area is None or unit not in ("mu", "m2"):
        return
    if kind == ContributionKind.LAND:
        mu = area if unit == "mu" else area / SQUARE_METRES_PER_MU
        params.setdefault("area_mu", mu.quantize(Decimal("0.01")))
    elif kind == ContributionKind.HOUSE:
        m2 = area if unit == "m2" else area * SQUARE_METRES_PER_MU
        params.setdefault("area_m2", m2.quantize(Decimal("0.01")))


def contribution_from_resource(resource: Any) -> dict[str, Any]:
    """A village resource as a draft contribution: its valuation method (recorded, else by kind),
    the area taken from the ledger, the parameters the appraiser recorded (blank ones for the
    official to fill)."""
    params: dict[str, Any] = dict(resource.valuation_parameters or {})
    kind = contribution_kind_of(resource.kind, resource.valuation_method)
    if kind == ContributionKind.LAND:
        params.setdefault("area_mu", resource.area_mu.quantize(Decimal("0.01")))
    else:
        _area_params(kind, resource.area, resource.unit, params)
    if kind == ContributionKind.APPRAISED and resource.appraised_value is not None:
        params.setdefault("appraised_value", resource.appraised_value)
    return {"kind": kind, "name": resource.name, "resource": resource.pk, "params": params}


def contribution_from_notice_resource(item: Any, label: str) -> dict[str, Any]:
    """A resource the notice describes (kind, area, unit) but the map does not hold, as a draft
    contribution named by its kind (``label``) and description."""
    kind = contribution_kind_of(item.kind)
    params: dict[str, Any] = {}
    _area_params(kind, item.area, item.unit, params)
    name = (item.description or label)[:100]
    return {"kind": kind, "name": name, "resource": "", "params": params}


def contribution_resource(kind: str, params: Mapping[str, Decimal], name: str = "") -> Resource | None:
    """The valuation dataclass of a resource contribution (None for cash and technology)."""
    if kind == "land":
        return LandResource(
            area_mu=params["area_mu"],
            annual_rent_per_mu=params["annual_rent_per_mu"],
            years=params["years"],
            discount_rate=params.get("discount_rate", ZERO),
            name=name,
        )
    if kind == "house":
        return HouseResource(
            area_m2=params["area_m2"],
            rebuild_cost_per_m2=params["rebuild_cost_per_m2"],
            age_years=params["age_years"],
            useful_life_years=params["useful_life_years"],
            residual_rate=params.get("residual_rate", ZERO),
            name=name,
        )
    if kind == "appraised":
        return AppraisedResource(appraised_value=params["appraised_value"], name=name)
    return None


def valuate(parties: Sequence[PartyIn]) -> Valuation:
    """Run the pure valuation over the parties (shares summing to 100.00)."""
    pure = []
    for i, party in enumerate(parties):
        resources: list[Resource] = []
        cash = technology = ZERO
        for c in party.contributions:
            params = c.params
            if c.kind == "cash":
                cash += params["amount"]
            elif c.kind == "technology":
                technology += params["amount"]
            else:
                resource = contribution_resource(c.kind, params, c.name)
                assert resource is not None
                resources.append(resource)
        pure.append(PartyContribution(str(i), Role(party.role), tuple(resources), cash, technology))
    try:
        return valuate_parties(pure)
    except ApplicationError as exc:  # the pure error names its own path: put it under parties
        field = exc.field or "parties"
        if not field.startswith("parties"):
            field = f"parties.{field}"
        raise exc.with_field(field) from None


# --------------------------------------------------------------------------------------------------
# Contract code: county (6) + year (4) + sequence (7) + Luhn check digit (1) = 18 digits
# --------------------------------------------------------------------------------------------------
def luhn_digit(digits: str) -> str:
    """The Luhn check digit of ``digits`` (so ``digits + d`` passes the Luhn test)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(code: str) -> bool:
    return code.isdigit() and luhn_digit(code[:-1]) == code[-1]


def contract_code(county_code: str, year: int, sequence: int) -> str:
    if not (len(county_code) == 6 and county_code.isdigit()) or not 1 <= sequence < 10**7:
        raise ValueError("bad county code or sequence")
    body = f"{county_code}{year:04d}{sequence:07d}"
    return body + luhn_digit(body)


def _next_code(county_code: str, year: int) -> str:
    prefix = f"{county_code}{year:04d}"
    last = Agreement.objects.select_for_update().filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    sequence = int(last[10:17]) + 1 if last else 1
    return contract_code(county_code, year, sequence)


# --------------------------------------------------------------------------------------------------
# Create / update a draft
# --------------------------------------------------------------------------------------------------
def _village(user: Any, code: str | None) -> Any:
    """The village a hand-drafted agreement is for: one that exists and that ``user`` governs
    (403 naming the field otherwise, as every write outside one's region)."""
    from xiangcun.regions.selectors import village_get

    if not code:
        raise ApplicationError("所在村：请选择村庄", field="village")
    try:
        village = village_get(code)
    except NotFoundError:
        raise ApplicationError(Msg("所在村：区划代码 {code} 不存在", code=code), field="village") from None
    if can(user, Capability.AGREEMENT_DRAFT) and not can(user, Capability.AGREEMENT_DRAFT, village.code):
        raise AccessDenied(
            Msg("所在村：{village}不在您的管辖范围内，不能为该村起草协议", village=_place(village)),
            field="village",
        )
    return village


def _place(village: Any) -> str:
    return f"{village.county.name}{village.town.name}{village.name}"


def _pairing(user: Any, pk: int) -> Any:
    """The pairing an agreement is drafted from: locked (two drafts of one pairing at the same
    moment: the second waits, then finds the first), in ``user``'s region, at 签约 or 履约 and
    without an agreement yet."""
    from xiangcun.matching.models import Pairing, PairingStatus

    pairing = (
        Pairing.objects.select_for_update(of=("self",))
        .select_related("notice", "notice__village", "partner")
        .filter(pk=pk)
        .first()
    )
    if pairing is None:
        raise ApplicationError(Msg("对接记录 {pk} 不存在", pk=pk), field="pairing")
    require_official_for(user, pairing.notice.village_id)
    if pairing.status not in (PairingStatus.SIGNED, PairingStatus.PERFORMING):
        raise ApplicationError("只有进入“签约”阶段的对接才能生成协议", field="pairing")
    existing = Agreement.objects.filter(pairing=pairing).first()
    if existing is not None:
        raise ApplicationError(
            Msg(
                "该对接已起草协议（合同编号 {code}），一个对接只能有一份协议，请在原协议上修改",
                code=existing.code,
            ),
            field="pairing",
        )
    return pairing


def _partners(user: Any, partner_ids: Sequence[int | None], known: set[int]) -> list[Any]:
    """The partner accounts the parties name: the pairing's partner and those already linked
    (``known``), or a verified partner the official may name (``partners.selectors``)."""
    from xiangcun.partners.selectors import partner_for_party

    out: list[Any] = []
    for i, partner_id in enumerate(partner_ids):
        if partner_id is None:
            out.append(None)
            continue
        partner = partner_for_party(user, partner_id)
        if partner is None and partner_id in known:
            from xiangcun.partners.models import Partner

            partner = Partner.objects.filter(pk=partner_id).first()
        if partner is None:
            raise ApplicationError(
                Msg("参与方第 {n} 项 · 合伙人：只能关联已认证的合伙人", n=i + 1),
                field=f"parties[{i}].partner",
            )
        out.append(partner)
    return out


def _check_resources(draft: AgreementIn, village: Any) -> None:
    """Each contribution's resource is in the agreement's village's ledger."""
    from xiangcun.resources.selectors import resource_get

    for i, party in enumerate(draft.parties):
        for k, c in enumerate(party.contributions):
            if c.resource is None:
                continue
            try:
                found = str(resource_get(c.resource).village_id) == village.code
            except NotFoundError:
                found = False
            if not found:
                raise ApplicationError(
                    Msg(
                        "参与方第 {n} 项 · 出资第 {k} 项 · 资源台账：所选资源不在{village}的资源台账中",
                        n=i + 1,
                        k=k + 1,
                        village=village.name,
                    ),
                    field=f"parties[{i}].contributions[{k}].resource",
                )


def _write_children(agreement: Agreement, draft: AgreementIn, partners: Sequence[Any]) -> None:
    valuation = valuate(draft.parties)
    agreement.parties.all().delete()
    agreement.members.all().delete()
    agreement.labour_commitments.all().delete()
    values = iter(valuation.resources)
    for i, (party, partner, share) in enumerate(zip(draft.parties, partners, valuation.parties, strict=True)):
        row = AgreementParty(
            agreement=agreement,
            position=i,
            role=party.role,
            name=party.name,
            partner=partner,
            contribution=share.contribution,
            share=share.share,
        )
        full_clean(row)
        row.save()
        for k, c in enumerate(party.contributions):
            params = c.params
            value = params["amount"] if c.kind in ("cash", "technology") else next(values).value
            item = Contribution(
                resource_id=c.resource,
                party=row,
                position=k,
                kind=c.kind,
                name=c.name,
                params={key: str(v) for key, v in params.items()},
                value=value,
            )
            full_clean(item)
            item.save()
    for m in draft.members:
        member = Member(agreement=agreement, household=m.household, head_name=m.head_name, shares=m.shares)
        full_clean(member)
        member.save()
    for x in draft.labour:
        commitment = LabourCommitment(
            agreement=agreement, position=x.position, jobs=x.jobs, monthly_wage=x.monthly_wage
        )
        full_clean(commitment)
        commitment.save()
    agreement.total_contribution = valuation.total
    agreement.save(update_fields=["total_contribution", "updated_at"])


def _apply_fields(agreement: Agreement, draft: AgreementIn) -> None:
    agreement.title = draft.title
    agreement.description = draft.description
    agreement.mode = draft.mode
    agreement.guarantee = draft.guarantee
    agreement.reserve_rate = draft.reserve_rate
    agreement.expected_profit = draft.expected_profit
    agreement.term_start = draft.term_start
    agreement.term_end = draft.term_end
    agreement.exit_clause = draft.exit_clause
    agreement.buyback_clause = draft.buyback_clause


@transaction.atomic
def agreement_create(
    *, user: Any, draft: AgreementIn, today: dt.date | None = None, is_demo: bool = False
) -> Agreement:
    """A draft agreement, by hand or from a pairing at 签约 (village and partner taken from it).

    A pairing leads to one agreement: a second draft from it is refused (400, ``pairing``), as is a
    partner party naming an account that is not a verified partner, or a resource of another
    village's ledger; a village outside the official's region is a 403. Nothing is written then."""
    pairing = _pairing(user, draft.pairing) if draft.pairing is not None else None
    village = pairing.notice.village if pairing is not None else _village(user, draft.village)
    require_official_for(user, village.code)
    partner_ids = [p.partner for p in draft.parties]
    if pairing is not None and pairing.partner_id not in partner_ids:
        first = next(
            (
                i
                for i, p in enumerate(draft.parties)
                if p.role == PartyRole.PARTNER and partner_ids[i] is None
            ),
            None,
        )
        if first is None:
            raise ApplicationError("来自对接的协议须有该合伙人作为一方", field="parties")
        partner_ids[first] = pairing.partner_id
    partners = _partners(user, partner_ids, {pairing.partner_id} if pairing is not None else set())
    _check_resources(draft, village)
    valuate(draft.parties)  # fail before anything is written
    year = (today or timezone.localdate()).year
    agreement = Agreement(
        village=village, pairing=pairing, created_by=user, code=_next_code(village.code[:6], year)
    )
    _apply_fields(agreement, draft)
    agreement.is_demo = is_demo
    full_clean(agreement)
    agreement.save()
    _write_children(agreement, draft, partners)
    note = f"由对接记录 {pairing.pk} 生成" if pairing is not None else "新建协议草稿"
    record_event(
        agreement,
        user,
        "",
        AgreementStatus.DRAFT,
        note,
        action="agreement.create",
        data={
            "code": agreement.code,
            "pairing": pairing.pk if pairing is not None else None,
            "partners": [p.pk for p in partners if p is not None],
        },
    )
    return agreement


@transaction.atomic
def agreement_update(*, user: Any, agreement: Agreement, draft: AgreementIn) -> Agreement:
    """Replace a draft's terms, parties, register and labour commitments (only while a draft).
    The village and the pairing stay; the partners linked before (the pairing's among them) may stay
    linked, a new one must be a verified partner."""
    require_official_for(user, agreement.village_id)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != AgreementStatus.DRAFT:
        raise ApplicationError("只有草稿状态的协议可以修改", field="status")
    known = {pk for pk in agreement.parties.exclude(partner=None).values_list("partner_id", flat=True) if pk}
    if agreement.pairing_id is not None:
        known.add(agreement.pairing.partner_id)  # type: ignore[union-attr]
    partners = _partners(user, [p.partner for p in draft.parties], known)
    _check_resources(draft, agreement.village)
    valuate(draft.parties)
    _apply_fields(agreement, draft)
    full_clean(agreement)
    agreement.save()
    _write_children(agreement, draft, partners)
    record_event(
        agreement, user, agreement.status, agreement.status, "修改协议草稿", action="agreement.update"
    )
    return agreement
