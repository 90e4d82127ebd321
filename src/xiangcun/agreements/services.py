"""Writes for agreements: create/update a draft (contributions valued into shares by the pure
``shares.valuate_parties``), the workflow 草稿 → 村民代表大会通过 → 公示（异议期，工作日）→ 签署 →
履行 → 终止 with every step audited, objections and answers, annual settlements (immutable
versions through the pure ``settlement.settle``) and guaranteed payments.

Input documents (API, forms and demo alike) are plain mappings::

    {"title", "village", "pairing"?, "description"?, "mode", "guarantee", "reserve_rate"?,
     "expected_profit"?, "term_start", "term_end", "exit_clause"?, "buyback_clause"?,
     "parties": [{"role", "name", "partner"?, "contributions": [{"kind", "name"?, <params>}]}],
     "members": [{"household", "head_name", "shares"}], "labour": [{"position", "jobs", "monthly_wage"}]}

Contribution params by kind: land ``area_mu, annual_rent_per_mu, years, discount_rate?``; house
``area_m2, rebuild_cost_per_m2, age_years, useful_life_years, residual_rate?``; appraised
``appraised_value``; cash and technology ``amount``. Errors name the field by its JSON path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xiangcun.accounts.models import Role as UserRole
from xiangcun.accounts.scoping import user_scope
from xiangcun.agreements import settlement as pure_settlement
from xiangcun.agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    AgreementStatus,
    Contribution,
    ContributionKind,
    DistributionMode,
    GuaranteePayment,
    LabourCommitment,
    Member,
    Objection,
    PartyRole,
    Settlement,
)
from xiangcun.agreements.settlement import LabourPayment, SettlementInput, SettlementParty
from xiangcun.agreements.shares import PartyContribution, Role, valuate_parties
from xiangcun.agreements.workdays import OBJECTION_WORKING_DAYS, add_working_days
from xiangcun.core.errors import AccessDenied, ApplicationError, Msg
from xiangcun.core.money import FEN, MoneyError, to_decimal
from xiangcun.core.validation import full_clean
from xiangcun.resources.valuation import AppraisedResource, HouseResource, LandResource, Resource

ZERO = Decimal(0)
MAX_AMOUNT = Decimal(10) ** 12
OFFICIALS = frozenset(
    {UserRole.VILLAGE_CADRE, UserRole.TOWN_ADMIN, UserRole.COUNTY_ADMIN, UserRole.CITY_ADMIN}
)
SIGNING_OFFICIALS = frozenset({UserRole.COUNTY_ADMIN, UserRole.CITY_ADMIN})

PARAMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "land": (("area_mu", "annual_rent_per_mu", "years"), ("discount_rate",)),
    "house": (("area_m2", "rebuild_cost_per_m2", "age_years", "useful_life_years"), ("residual_rate",)),
    "appraised": (("appraised_value",), ()),
    "cash": (("amount",), ()),
    "technology": (("amount",), ()),
}
PARAM_LABELS = {
    "area_mu": "面积（亩）",
    "annual_rent_per_mu": "每亩年租金（元）",
    "years": "年限",
    "discount_rate": "折现率",
    "area_m2": "面积（平方米）",
    "rebuild_cost_per_m2": "每平方米重置成本（元）",
    "age_years": "房龄（年）",
    "useful_life_years": "使用年限（年）",
    "residual_rate": "残值率",
    "appraised_value": "评估价值（元）",
    "amount": "金额（元）",
}


# --------------------------------------------------------------------------------------------------
# Reading input
# --------------------------------------------------------------------------------------------------
def _number(value: Any, field: str, label: str, *, negative: bool = False, money: bool = False) -> Decimal:
    if value is None or value == "":
        raise ApplicationError(Msg("{label}：必填", label=label, field2=field), field=field)
    try:
        number = to_decimal(value)
    except MoneyError:
        raise ApplicationError(
            Msg("{label}：不是有效的数字", label=label, field2=field), field=field
        ) from None
    if abs(number) > MAX_AMOUNT:
        raise ApplicationError(Msg("{label}：数值过大", label=label, field2=field), field=field)
    if number < 0 and not negative:
        raise ApplicationError(Msg("{label}不能为负数", label=label, field2=field), field=field)
    if money and number != number.quantize(FEN):
        raise ApplicationError(
            Msg("{label}须精确到分（最多两位小数）", label=label, field2=field), field=field
        )
    return number


def _text(value: Any, field: str, label: str, *, required: bool = True, limit: int = 120) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ApplicationError(Msg("{label}：必填", label=label, field2=field), field=field)
    if len(text) > limit:
        raise ApplicationError(Msg("{label}：内容过长", label=label, field2=field), field=field)
    return text


def _date(value: Any, field: str, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ApplicationError(
            Msg("{label}：日期格式应为 YYYY-MM-DD", label=label, field2=field), field=field
        ) from None


# Resource kinds (core.vocab) valued as land (rent capitalised) or as buildings (depreciated
# rebuild cost); the rest are appraised.
LAND_KINDS = frozenset(
    {"arable_land", "forest_land", "garden_land", "pond", "facility_farmland", "collective_construction_land"}
)
HOUSE_KINDS = frozenset({"idle_homestead", "idle_building"})
SQUARE_METRES_PER_MU = Decimal("666.67")


def contribution_from_resource(resource: Any) -> dict[str, Any]:
    """A village resource as a draft contribution: its valuation method chosen by kind, the area
    taken from the ledger, the parameters the appraiser recorded (blank ones for the official to fill)."""
    params: dict[str, Any] = dict(resource.valuation_parameters or {})
    if resource.kind in LAND_KINDS:
        kind = ContributionKind.LAND
        params.setdefault("area_mu", resource.area_mu.quantize(Decimal("0.01")))
    elif resource.kind in HOUSE_KINDS:
        kind = ContributionKind.HOUSE
        area_m2 = resource.area if resource.unit == "m2" else resource.area_mu * SQUARE_METRES_PER_MU
        params.setdefault("area_m2", area_m2.quantize(Decimal("0.01")))
    else:
        kind = ContributionKind.APPRAISED
        if resource.appraised_value is not None:
            params.setdefault("appraised_value", resource.appraised_value)
    return {"kind": str(kind), "name": resource.name, "resource": resource.pk, "params": params}


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


@dataclass
class _Contribution:
    kind: str
    name: str
    params: dict[str, Decimal]
    resource_id: int | None = None


@dataclass
class _Party:
    role: str
    name: str
    partner_id: int | None
    contributions: list[_Contribution]


def _contribution(raw: Mapping[str, Any], path: str) -> _Contribution:
    kind = str(raw.get("kind") or "")
    if kind not in PARAMS:
        allowed = "、".join(str(label) for _, label in ContributionKind.choices)
        raise ApplicationError(
            Msg("未知的出资方式“{kind}”（可选：{allowed}）", kind=kind, allowed=allowed), field=f"{path}.kind"
        )
    required, optional = PARAMS[kind]
    params: dict[str, Decimal] = {}
    for key in required:
        params[key] = _number(raw.get(key), f"{path}.{key}", PARAM_LABELS[key], money=key in ("amount",))
    for key in optional:
        if raw.get(key) not in (None, ""):
            params[key] = _number(raw.get(key), f"{path}.{key}", PARAM_LABELS[key])
    name = _text(raw.get("name"), f"{path}.name", "名称", required=False, limit=100)
    resource = raw.get("resource")
    return _Contribution(kind, name, params, int(resource) if resource not in (None, "") else None)


def _parties(items: Any) -> list[_Party]:
    if not isinstance(items, list | tuple) or not items:
        raise ApplicationError("至少需要一方出资", field="parties")
    parties: list[_Party] = []
    for i, raw in enumerate(items):
        path = f"parties[{i}]"
        role = str(raw.get("role") or "")
        if role not in PartyRole.values:
            raise ApplicationError(
                Msg("未知的角色“{role}”（可选：collective 村集体、partner 合伙人、other 其他）", role=role),
                field=f"{path}.role",
            )
        partner = raw.get("partner")
        partner_id = int(partner) if partner not in (None, "") else None
        contributions = [
            _contribution(c, f"{path}.contributions[{k}]")
            for k, c in enumerate(raw.get("contributions") or [])
        ]
        if not contributions:
            raise ApplicationError("每一方至少有一项出资", field=f"{path}.contributions")
        parties.append(
            _Party(role, _text(raw.get("name"), f"{path}.name", "名称", limit=100), partner_id, contributions)
        )
    return parties


def valuate(parties: Sequence[_Party]) -> Any:
    """Run the pure valuation over the parsed parties (shares summing to 100.00)."""
    pure = []
    for i, party in enumerate(parties):
        resources: list[Resource] = []
        cash = technology = ZERO
        for c in party.contributions:
            if c.kind == "cash":
                cash += c.params["amount"]
            elif c.kind == "technology":
                technology += c.params["amount"]
            else:
                resource = contribution_resource(c.kind, c.params, c.name)
                assert resource is not None
                resources.append(resource)
        pure.append(PartyContribution(str(i), Role(party.role), tuple(resources), cash, technology))
    try:
        return valuate_parties(pure)
    except ApplicationError as exc:
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
# Permissions
# --------------------------------------------------------------------------------------------------
def is_official(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in OFFICIALS)


def require_official_for(user: Any, village_code: str, *, signing: bool = False) -> None:
    if not getattr(user, "is_authenticated", False):
        raise ApplicationError("请先登录", status=401)
    if not is_official(user):
        raise AccessDenied("只有村、乡镇、县、市管理人员可以办理协议")
    user_scope(user).ensure(village_code, field="village")
    if signing and not (user.is_superuser or user.role in SIGNING_OFFICIALS):
        raise AccessDenied("协议签署、生效与终止由县级或市级管理员办理")


# --------------------------------------------------------------------------------------------------
# Create / update a draft
# --------------------------------------------------------------------------------------------------
def _village(code: Any) -> Any:
    from xiangcun.regions.models import Village

    village = Village.objects.filter(code=str(code or "").strip()).first()
    if village is None:
        raise ApplicationError(Msg("村级区划代码 {code} 不存在", code=code), field="village")
    return village


def _pairing(pk: Any) -> Any:
    from xiangcun.matching.models import Pairing, PairingStatus

    pairing = Pairing.objects.select_related("notice", "partner").filter(pk=int(pk)).first()
    if pairing is None:
        raise ApplicationError(Msg("对接记录 {pk} 不存在", pk=pk), field="pairing")
    if pairing.status not in (PairingStatus.SIGNED, PairingStatus.PERFORMING):
        raise ApplicationError("只有进入“签约”阶段的对接才能生成协议", field="pairing")
    return pairing


def _write_children(agreement: Agreement, parties: Sequence[_Party], data: Mapping[str, Any]) -> None:
    from xiangcun.partners.models import Partner

    valuation = valuate(parties)
    agreement.parties.all().delete()
    agreement.members.all().delete()
    agreement.labour_commitments.all().delete()
    values = iter(valuation.resources)
    for i, (party, share) in enumerate(zip(parties, valuation.parties, strict=True)):
        partner = None
        if party.partner_id is not None:
            partner = Partner.objects.filter(pk=party.partner_id).first()
            if partner is None:
                raise ApplicationError(
                    Msg("合伙人 {partner_id} 不存在", partner_id=party.partner_id),
                    field=f"parties[{i}].partner",
                )
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
            value = c.params["amount"] if c.kind in ("cash", "technology") else next(values).value
            if c.resource_id is not None and not _resource_exists(c.resource_id, agreement.village_id):
                raise ApplicationError(
                    Msg("资源台账 {resource_id} 不存在或不属于本村", resource_id=c.resource_id),
                    field=f"parties[{i}].contributions[{k}].resource",
                )
            item = Contribution(
                resource_id=c.resource_id,
                party=row,
                position=k,
                kind=c.kind,
                name=c.name,
                params={key: str(v) for key, v in c.params.items()},
                value=value,
            )
            full_clean(item)
            item.save()
    seen: set[str] = set()
    for j, raw in enumerate(data.get("members") or []):
        path = f"members[{j}]"
        household = _text(raw.get("household"), f"{path}.household", "户编号", limit=30)
        if household in seen:
            raise ApplicationError("户编号重复", field=f"{path}.household")
        seen.add(household)
        member = Member(
            agreement=agreement,
            household=household,
            head_name=_text(raw.get("head_name"), f"{path}.head_name", "户主", limit=40),
            shares=_number(raw.get("shares"), f"{path}.shares", "成员股数"),
        )
        full_clean(member)
        member.save()
    if seen and not any(m.shares for m in agreement.members.all()):
        raise ApplicationError("成员股数之和须大于 0", field="members")
    for j, raw in enumerate(data.get("labour") or []):
        path = f"labour[{j}]"
        jobs = _number(raw.get("jobs"), f"{path}.jobs", "岗位数")
        if jobs != int(jobs):
            raise ApplicationError("岗位数应为整数", field=f"{path}.jobs")
        commitment = LabourCommitment(
            agreement=agreement,
            position=_text(raw.get("position"), f"{path}.position", "岗位", limit=60),
            jobs=int(jobs),
            monthly_wage=_number(raw.get("monthly_wage"), f"{path}.monthly_wage", "月工资", money=True),
        )
        full_clean(commitment)
        commitment.save()
    agreement.total_contribution = valuation.total
    agreement.save(update_fields=["total_contribution", "updated_at"])


def _resource_exists(pk: int, village_code: str) -> bool:
    from xiangcun.core.errors import NotFoundError
    from xiangcun.resources.selectors import resource_get

    try:
        return str(resource_get(pk).village_id) == village_code
    except NotFoundError:
        return False


def _apply_fields(agreement: Agreement, data: Mapping[str, Any]) -> None:
    mode = str(data.get("mode") or DistributionMode.ADDITIVE)
    if mode not in DistributionMode.values:
        raise ApplicationError(
            Msg("未知的分配方式“{mode}”（可选：additive 保底+分红、higher_of 保底与分红取高）", mode=mode),
            field="mode",
        )
    agreement.title = _text(data.get("title"), "title", "项目名称")
    agreement.description = _text(
        data.get("description"), "description", "项目内容", required=False, limit=4000
    )
    agreement.mode = mode
    agreement.guarantee = _number(data.get("guarantee", 0), "guarantee", "保底收益", money=True)
    rate = _number(data.get("reserve_rate") or 0, "reserve_rate", "公积公益金提取比例")
    if rate > 1:
        raise ApplicationError("公积公益金提取比例须在 0 与 1 之间（10% 写作 0.1）", field="reserve_rate")
    agreement.reserve_rate = rate
    agreement.expected_profit = _number(
        data.get("expected_profit") or 0, "expected_profit", "预计可分配利润", negative=True, money=True
    )
    agreement.term_start = _date(data.get("term_start"), "term_start", "合作期起")
    agreement.term_end = _date(data.get("term_end"), "term_end", "合作期止")
    if agreement.term_end <= agreement.term_start:
        raise ApplicationError("合作期止须晚于合作期起", field="term_end")
    agreement.exit_clause = _text(
        data.get("exit_clause"), "exit_clause", "退出条款", required=False, limit=4000
    )
    agreement.buyback_clause = _text(
        data.get("buyback_clause"), "buyback_clause", "回购条款", required=False, limit=4000
    )


def _event(agreement: Agreement, user: Any, source: str, target: str, note: str) -> None:
    AgreementEvent.objects.create(
        agreement=agreement,
        actor=user if getattr(user, "is_authenticated", False) else None,
        from_status=source,
        to_status=target,
        note=note,
    )


@transaction.atomic
def agreement_create(*, user: Any, data: Mapping[str, Any], today: dt.date | None = None) -> Agreement:
    """A draft agreement, by hand or from a pairing at 签约 (village and partner taken from it)."""
    pairing = _pairing(data["pairing"]) if data.get("pairing") not in (None, "") else None
    village = pairing.notice.village if pairing is not None else _village(data.get("village"))
    require_official_for(user, village.code)
    parties = _parties(data.get("parties"))
    if pairing is not None and not any(p.partner_id == pairing.partner_id for p in parties):
        first = next((p for p in parties if p.role == PartyRole.PARTNER and p.partner_id is None), None)
        if first is None:
            raise ApplicationError("来自对接的协议须有该合伙人作为一方", field="parties")
        first.partner_id = pairing.partner_id
    valuate(parties)  # fail before anything is written
    year = (today or timezone.localdate()).year
    agreement = Agreement(
        village=village, pairing=pairing, created_by=user, code=_next_code(village.code[:6], year)
    )
    _apply_fields(agreement, data)
    agreement.is_demo = bool(data.get("is_demo", False))
    full_clean(agreement)
    agreement.save()
    _write_children(agreement, parties, data)
    note = f"由对接记录 {pairing.pk} 生成" if pairing is not None else "新建协议草稿"
    _event(agreement, user, "", AgreementStatus.DRAFT, note)
    return agreement


@transaction.atomic
def agreement_update(*, user: Any, agreement: Agreement, data: Mapping[str, Any]) -> Agreement:
    """Replace a draft's terms, parties, register and labour commitments (only while a draft)."""
    require_official_for(user, agreement.village_id)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != AgreementStatus.DRAFT:
        raise ApplicationError("只有草稿状态的协议可以修改", field="status")
    parties = _parties(data.get("parties"))
    valuate(parties)
    _apply_fields(agreement, data)
    full_clean(agreement)
    agreement.save()
    _write_children(agreement, parties, data)
    _event(agreement, user, agreement.status, agreement.status, "修改协议草稿")
    return agreement


# --------------------------------------------------------------------------------------------------
# Workflow
# --------------------------------------------------------------------------------------------------
NEXT: dict[str, str] = {
    AgreementStatus.DRAFT: AgreementStatus.APPROVED,
    AgreementStatus.APPROVED: AgreementStatus.PUBLICIZED,
    AgreementStatus.PUBLICIZED: AgreementStatus.SIGNED,
    AgreementStatus.SIGNED: AgreementStatus.IN_FORCE,
    AgreementStatus.IN_FORCE: AgreementStatus.ENDED,
}


def _count(data: Mapping[str, Any], key: str, label: str) -> int:
    value = _number(data.get(key), key, label)
    if value != int(value):
        raise ApplicationError(Msg("{label}应为整数", label=label, key=key), field=key)
    return int(value)


@transaction.atomic
def agreement_transition(
    *, user: Any, agreement: Agreement, to_status: str, data: Mapping[str, Any] | None = None
) -> Agreement:
    """One step of the workflow, audited. ``data`` carries the step's facts:

    * → approved: ``assembly_date, assembly_attendees, assembly_present, assembly_votes_for,
      assembly_resolution`` — at least two thirds of the representatives present and a majority
      of those present in favour (村民委员会组织法 第二十六条);
    * → publicized: ``date`` (first day of 公示); the objection deadline is the
      ``OBJECTION_WORKING_DAYS``-th working day from it;
    * → signed: ``date`` after the objection deadline, every objection answered;
    * → in_force: ``date``; → ended: ``date`` and ``reason``.
    """
    data = data or {}
    if to_status not in AgreementStatus.values:
        raise ApplicationError(Msg("未知的状态：{to_status}", to_status=to_status), field="to_status")
    signing = to_status in (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE, AgreementStatus.ENDED)
    require_official_for(user, agreement.village_id, signing=signing)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    source = agreement.status
    if NEXT.get(source) != to_status:
        raise ApplicationError(
            Msg(
                "协议当前状态为“{v}”，不能转为“{label}”",
                v=agreement.get_status_display(),
                label=AgreementStatus(to_status).label,
                source=source,
                to_status=to_status,
            ),
            field="to_status",
        )
    note = _text(data.get("note"), "note", "说明", required=False, limit=1000)
    fields: list[str] = ["status"]
    if to_status == AgreementStatus.APPROVED:
        agreement.assembly_date = _date(data.get("assembly_date"), "assembly_date", "村民代表大会日期")
        attendees = _count(data, "assembly_attendees", "应到代表人数")
        present = _count(data, "assembly_present", "实到代表人数")
        votes = _count(data, "assembly_votes_for", "赞成票")
        if attendees < 1 or present > attendees:
            raise ApplicationError("实到人数不能多于应到人数", field="assembly_present")
        if present * 3 < attendees * 2:
            raise ApplicationError("村民代表会议须有三分之二以上代表参加方可召开", field="assembly_present")
        if votes > present or votes * 2 <= present:
            raise ApplicationError("决定须经到会代表过半数同意", field="assembly_votes_for")
        agreement.assembly_attendees, agreement.assembly_present, agreement.assembly_votes_for = (
            attendees,
            present,
            votes,
        )
        agreement.assembly_resolution = _text(
            data.get("assembly_resolution"), "assembly_resolution", "决议摘要", required=False, limit=2000
        )
        fields += [
            "assembly_date",
            "assembly_attendees",
            "assembly_present",
            "assembly_votes_for",
            "assembly_resolution",
        ]
        note = (
            note or f"村民代表大会（{agreement.assembly_date}）{present}/{attendees} 人到会，{votes} 票赞成"
        )
    elif to_status == AgreementStatus.PUBLICIZED:
        start = _date(data.get("date") or timezone.localdate(), "date", "公示开始日期")
        if agreement.assembly_date and start < agreement.assembly_date:
            raise ApplicationError("公示不能早于村民代表大会", field="date")
        agreement.publicity_start = start
        agreement.objection_deadline = add_working_days(start, OBJECTION_WORKING_DAYS)
        fields += ["publicity_start", "objection_deadline"]
        note = (
            note
            or f"公示 {start} 起，异议截止 {agreement.objection_deadline}（{OBJECTION_WORKING_DAYS} 个工作日）"
        )
    elif to_status == AgreementStatus.SIGNED:
        signed = _date(data.get("date") or timezone.localdate(), "date", "签署日期")
        assert agreement.objection_deadline is not None
        if signed <= agreement.objection_deadline:
            raise ApplicationError(
                Msg(
                    "公示异议期至 {objection_deadline} 止，期满后方可签署",
                    objection_deadline=agreement.objection_deadline,
                ),
                field="date",
            )
        if agreement.objections.filter(answered_at__isnull=True).exists():
            raise ApplicationError("尚有未答复的异议，答复后方可签署", field="objections")
        agreement.signed_on = signed
        fields.append("signed_on")
    elif to_status == AgreementStatus.IN_FORCE:
        start = _date(data.get("date") or timezone.localdate(), "date", "生效日期")
        if agreement.signed_on and start < agreement.signed_on:
            raise ApplicationError("生效日期不能早于签署日期", field="date")
        agreement.in_force_on = start
        fields.append("in_force_on")
    else:  # ENDED
        agreement.ended_on = _date(data.get("date") or timezone.localdate(), "date", "终止日期")
        agreement.end_reason = _text(data.get("reason"), "reason", "终止原因", limit=300)
        fields += ["ended_on", "end_reason"]
        note = note or agreement.end_reason
    agreement.status = to_status
    full_clean(agreement)
    agreement.save(update_fields=[*fields, "updated_at"])
    _event(agreement, user, source, to_status, note)
    return agreement


@transaction.atomic
def objection_record(
    *, user: Any, agreement: Agreement, raised_by: str, content: str, on: dt.date | None = None
) -> Objection:
    """An objection raised during 公示 (recorded by an official of the village's region)."""
    require_official_for(user, agreement.village_id)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    day = on or timezone.localdate()
    if agreement.status != AgreementStatus.PUBLICIZED:
        raise ApplicationError("只有公示中的协议可以登记异议", field="agreement")
    assert agreement.objection_deadline is not None
    if day > agreement.objection_deadline:
        raise ApplicationError(
            Msg("异议期已于 {objection_deadline} 截止", objection_deadline=agreement.objection_deadline),
            field="date",
        )
    objection = Objection(
        agreement=agreement,
        raised_by=_text(raised_by, "raised_by", "异议人", limit=40),
        content=_text(content, "content", "异议内容", limit=2000),
        recorded_by=user,
    )
    full_clean(objection)
    objection.save()
    _event(agreement, user, agreement.status, agreement.status, f"登记异议：{objection.content[:80]}")
    return objection


@transaction.atomic
def objection_answer(*, user: Any, objection: Objection, answer: str) -> Objection:
    require_official_for(user, objection.agreement.village_id)
    objection = Objection.objects.select_for_update().select_related("agreement").get(pk=objection.pk)
    if objection.answered_at is not None:
        raise ApplicationError("该异议已答复", field="answer")
    objection.answer = _text(answer, "answer", "答复", limit=2000)
    objection.answered_at = timezone.now()
    objection.answered_by = user
    full_clean(objection)
    objection.save(update_fields=["answer", "answered_at", "answered_by", "updated_at"])
    agreement = objection.agreement
    _event(agreement, user, agreement.status, agreement.status, f"答复异议：{objection.answer[:80]}")
    return objection


# --------------------------------------------------------------------------------------------------
# Settlement
# --------------------------------------------------------------------------------------------------
def settlement_input(
    agreement: Agreement, profit: Decimal, labour: Sequence[LabourPayment] = ()
) -> SettlementInput:
    """The pure settlement input of an agreement: its parties (by position), register and terms."""
    return SettlementInput(
        profit=profit,
        mode=pure_settlement.Mode(agreement.mode),
        guarantee=agreement.guarantee,
        parties=tuple(
            SettlementParty(str(p.position), Role(p.role), p.share)
            for p in agreement.parties.order_by("position")
        ),
        reserve_rate=agreement.reserve_rate,
        members=tuple(
            pure_settlement.Member(m.household, m.shares) for m in agreement.members.order_by("household")
        ),
        labour=tuple(labour),
    )


def labour_payments(items: Any) -> list[LabourPayment]:
    payments = []
    for j, raw in enumerate(items or []):
        path = f"labour[{j}]"
        household = _text(raw.get("household"), f"{path}.household", "户编号", limit=30)
        payments.append(
            LabourPayment(household, _number(raw.get("amount"), f"{path}.amount", "劳务收入", money=True))
        )
    return payments


def _inputs_json(inp: SettlementInput) -> dict[str, Any]:
    return {
        "profit": str(inp.profit),
        "mode": str(inp.mode),
        "guarantee": str(inp.guarantee),
        "reserve_rate": str(inp.reserve_rate),
        "parties": [{"id": p.party_id, "role": str(p.role), "share": str(p.share)} for p in inp.parties],
        "members": [{"id": m.member_id, "shares": str(m.shares)} for m in inp.members],
        "labour": [{"household": x.household, "amount": str(x.amount)} for x in inp.labour],
    }


def result_json(result: pure_settlement.SettlementResult) -> dict[str, Any]:
    return {
        "parties": [
            {
                "id": p.party_id,
                "guarantee": f"{p.guarantee:.2f}",
                "dividend": f"{p.dividend:.2f}",
                "adjustment": f"{p.adjustment:.2f}",
                "total": f"{p.total:.2f}",
            }
            for p in result.parties
        ],
        "collective_income": f"{result.collective_income:.2f}",
        "total": f"{result.total:.2f}",
        "reserve": f"{result.reserve:.2f}",
        "distributed_to_members": f"{result.distributed_to_members:.2f}",
        "households": [
            {
                "id": h.household_id,
                "dividend": f"{h.dividend:.2f}",
                "labour": f"{h.labour:.2f}",
                "total": f"{h.total:.2f}",
            }
            for h in result.households
        ],
    }


@transaction.atomic
def settlement_run(
    *,
    user: Any,
    agreement: Agreement,
    year: Any,
    profit: Any,
    labour: Sequence[LabourPayment] | Any = (),
    reason: str = "",
) -> Settlement:
    """Settle one year of an agreement in force and store it as a new, immutable version.

    The first settlement of a year is version 1; a correction is version n+1 and needs a reason;
    earlier versions are kept. Nothing is written when any input is wrong.
    """
    require_official_for(user, agreement.village_id)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != AgreementStatus.IN_FORCE:
        raise ApplicationError(
            Msg("协议状态为“{v}”，只有履行中的协议才能进行年度结算", v=agreement.get_status_display()),
            field="agreement",
        )
    year_value = _number(year, "year", "年度")
    if (
        year_value != int(year_value)
        or not agreement.term_start.year <= int(year_value) <= agreement.term_end.year
    ):
        raise ApplicationError(
            Msg(
                "结算年度须在合作期 {year}–{year2} 年之内",
                year=agreement.term_start.year,
                year2=agreement.term_end.year,
            ),
            field="year",
        )
    year_int = int(year_value)
    amount = _number(profit, "profit", "可分配利润", negative=True, money=True)
    items = list(labour or [])
    clean_payments = [p for p in items if isinstance(p, LabourPayment)]
    if len(clean_payments) != len(items):
        clean_payments = labour_payments(items)
    inp = settlement_input(agreement, amount, clean_payments)
    result = pure_settlement.settle(inp)
    last = agreement.settlements.filter(year=year_int).aggregate(v=Max("version"))["v"]
    reason = (reason or "").strip()
    if last and not reason:
        raise ApplicationError(
            Msg("{year_int} 年度已有结算（第 {last} 版），更正须填写原因", year_int=year_int, last=last),
            field="reason",
        )
    row = Settlement(
        agreement=agreement,
        year=year_int,
        version=(last or 0) + 1,
        reason=reason[:300],
        profit=amount,
        labour_total=sum((p.amount for p in clean_payments), ZERO),
        collective_income=result.collective_income,
        reserve=result.reserve,
        distributed=result.distributed_to_members,
        inputs=_inputs_json(inp),
        result=result_json(result),
        created_by=user,
    )
    full_clean(row)
    row.save()
    what = "年度结算" if row.version == 1 else f"更正结算（第 {row.version} 版）：{reason}"
    _event(agreement, user, agreement.status, agreement.status, f"{year_int} {what}，可分配利润 {amount} 元")
    return row


@transaction.atomic
def guarantee_payment_record(
    *, user: Any, agreement: Agreement, year: int, amount: Any, paid_on: Any
) -> GuaranteePayment:
    """Record that a year's guaranteed income was paid to the collective."""
    require_official_for(user, agreement.village_id)
    if agreement.status not in (AgreementStatus.IN_FORCE, AgreementStatus.ENDED):
        raise ApplicationError("协议尚未生效", field="agreement")
    if GuaranteePayment.objects.filter(agreement=agreement, year=year).exists():
        raise ApplicationError(Msg("{year} 年度保底收益已登记支付", year=year), field="year")
    payment = GuaranteePayment(
        agreement=agreement,
        year=year,
        amount=_number(amount, "amount", "支付金额", money=True),
        paid_on=_date(paid_on, "paid_on", "支付日期"),
        recorded_by=user,
    )
    full_clean(payment)
    payment.save()
    _event(
        agreement,
        user,
        agreement.status,
        agreement.status,
        f"登记 {year} 年度保底收益支付 {payment.amount} 元",
    )
    return payment
