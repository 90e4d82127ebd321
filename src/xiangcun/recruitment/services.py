"""Writes to recruitment notices: create, edit, the workflow, and 招募令 batches.

Who may act is decided here, always through ``user_scope`` on the notice's first village code,
plus the role the step needs (DESIGN.md §1): a village cadre drafts and submits, the town approves,
the county publishes county-level notices and the city publishes city-level ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.models import Role
from xiangcun.accounts.scoping import user_scope
from xiangcun.core import vocab
from xiangcun.core.errors import AccessDenied, ApplicationError, Msg
from xiangcun.core.money import MoneyError, to_decimal
from xiangcun.core.validation import full_clean
from xiangcun.recruitment.models import (
    AreaUnit,
    Notice,
    NoticeBatch,
    NoticeLevel,
    NoticeResource,
    NoticeStatus,
    NoticeTransition,
)
from xiangcun.regions.models import Village

OFFICIAL_ROLES = frozenset({Role.VILLAGE_CADRE, Role.TOWN_ADMIN, Role.COUNTY_ADMIN, Role.CITY_ADMIN})
EDITABLE = (NoticeStatus.DRAFT, NoticeStatus.REJECTED)
FIELD_LABELS = {
    "title": "标题",
    "villages": "涉及村庄",
    "category": "项目类别",
    "level": "层级",
    "cooperation_forms": "合作方式",
    "kinds_wanted": "需要的合伙人类型",
    "investment_min": "投资下限",
    "investment_max": "投资上限",
    "resources": "提供的资源",
    "deadline": "截止日期",
}


# --------------------------------------------------------------------------------------------------
# Input checks shared with partners (vocabulary codes, amounts)
# --------------------------------------------------------------------------------------------------
def vocab_codes(
    values: Iterable[str] | str | None, vocabulary: str, *, field: str, label_zh: str
) -> list[str]:
    """A list of vocabulary codes, de-duplicated in vocabulary order; an unknown code is a 400."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    result: set[str] = set()
    for raw in values:
        code = str(raw).strip()
        try:
            vocab.index_of(vocabulary, code)
        except vocab.UnknownCodeError:
            raise ApplicationError(
                Msg("{label_zh}中有未知的代码：{code}", label_zh=label_zh, code=code, field2=field),
                field=field,
            ) from None
        result.add(code)
    return sorted(result, key=lambda c: vocab.index_of(vocabulary, c))


def amount_or_none(value: Any, *, field: str, label_zh: str) -> Decimal | None:
    """A non-negative amount in 万元 (two decimals) or ``None`` for blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = to_decimal(value)
    except MoneyError:
        raise ApplicationError(
            Msg("{label_zh}应为数字", label_zh=label_zh, field2=field), field=field
        ) from None
    if amount < 0:
        raise ApplicationError(Msg("{label_zh}不能为负数", label_zh=label_zh, field2=field), field=field)
    if amount >= Decimal("1e10"):
        raise ApplicationError(Msg("{label_zh}过大", label_zh=label_zh, field2=field), field=field)
    return amount.quantize(Decimal("0.01"))


def range_check(
    low: Decimal | None, high: Decimal | None, *, low_field: str, low_zh: str, high_zh: str
) -> None:
    if low is not None and high is not None and low > high:
        raise ApplicationError(
            Msg(
                "{low_zh}（{low} 万元）不能高于{high_zh}（{high} 万元）",
                low_zh=low_zh,
                low=low,
                high_zh=high_zh,
                high=high,
                low_field=low_field,
            ),
            field=low_field,
        )


def _require_role(user: Any, roles: Iterable[str], doing_zh: str) -> None:
    if getattr(user, "is_superuser", False):
        return
    if getattr(user, "role", None) not in set(roles):
        raise AccessDenied(Msg("您的角色不能{doing_zh}", doing_zh=doing_zh))


# Units as people write them (labels, symbols) → the stored code.
UNIT_ALIASES = {
    **{u.value: u.value for u in AreaUnit},
    **{str(u.label): u.value for u in AreaUnit},
    "m²": AreaUnit.SQUARE_METRE.value,
    "平米": AreaUnit.SQUARE_METRE.value,
    "㎡": AreaUnit.SQUARE_METRE.value,
}


def unit_code(value: str) -> str:
    """A unit as written (亩, 平方米, m², mu…) as its stored code; unknown values pass through."""
    return UNIT_ALIASES.get(value.strip(), value)


@dataclass(frozen=True)
class ResourceIn:
    kind: str
    area: Decimal | None = None
    unit: str = AreaUnit.MU
    description: str = ""


def _resources(items: Sequence[ResourceIn | Mapping[str, Any]]) -> list[ResourceIn]:
    result: list[ResourceIn] = []
    for i, item in enumerate(items):
        data = item if isinstance(item, Mapping) else item.__dict__
        field = f"resources.{i}"
        kind = str(data.get("kind", ""))
        vocab_codes([kind], "resource", field=f"{field}.kind", label_zh="资源类型")
        unit = unit_code(str(data.get("unit") or AreaUnit.MU))
        if unit not in AreaUnit.values:
            raise ApplicationError(
                Msg("资源单位应为 亩、平方米 或 项：{unit}", unit=unit), field=f"{field}.unit"
            )
        area = amount_or_none(data.get("area"), field=f"{field}.area", label_zh="资源面积")
        description = str(data.get("description") or "")[:300]
        result.append(ResourceIn(kind=kind, area=area, unit=unit, description=description))
    return result


def _villages(codes: Sequence[str], user: Any) -> list[Village]:
    codes = [str(c).strip() for c in codes if str(c).strip()]
    if not codes:
        raise ApplicationError("请至少选择一个村庄", field="villages")
    found = {v.code: v for v in Village.objects.filter(code__in=codes)}
    for code in codes:
        if code not in found:
            raise ApplicationError(Msg("村级区划代码 {code} 不存在", code=code), field="villages")
    scope = user_scope(user)
    for code in codes:
        scope.ensure(code, field="villages")
    first_county = found[codes[0]].county_id
    if any(found[c].county_id != first_county for c in codes):
        raise ApplicationError("一个招募令涉及的村庄须在同一县（市、区）", field="villages")
    return [found[c] for c in dict.fromkeys(codes)]


def _clean_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise the editable fields present in ``data`` (unknown keys are a 400)."""
    allowed = {
        "title",
        "category",
        "level",
        "cooperation_forms",
        "kinds_wanted",
        "investment_min",
        "investment_max",
        "incentives",
        "description",
        "contact",
        "deadline",
    }
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApplicationError(Msg("不可修改的字段：{v}", v="、".join(unknown)), field=unknown[0])
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name == "category":
            out[name] = vocab_codes([value], "category", field="category", label_zh="项目类别")[0]
        elif name == "level":
            if value not in NoticeLevel.values:
                raise ApplicationError("层级应为 县级 或 市级", field="level")
            out[name] = value
        elif name == "cooperation_forms":
            out[name] = vocab_codes(value, "form", field=name, label_zh="合作方式")
        elif name == "kinds_wanted":
            out[name] = vocab_codes(value, "kind", field=name, label_zh="需要的合伙人类型")
        elif name in ("investment_min", "investment_max"):
            out[name] = amount_or_none(value, field=name, label_zh=FIELD_LABELS[name])
        elif name == "deadline":
            out[name] = _date_or_none(value)
        else:
            out[name] = "" if value is None else str(value).strip()
    return out


def _date_or_none(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ApplicationError("截止日期格式应为 YYYY-MM-DD", field="deadline") from None


def _save_resources(notice: Notice, resources: list[ResourceIn]) -> None:
    notice.resources.all().delete()
    rows = [
        NoticeResource(notice=notice, kind=r.kind, area=r.area, unit=r.unit, description=r.description)
        for r in resources
    ]
    for row in rows:
        full_clean(row, exclude=["notice"])
    NoticeResource.objects.bulk_create(rows)


# --------------------------------------------------------------------------------------------------
# Create and edit
# --------------------------------------------------------------------------------------------------
@transaction.atomic
def notice_create(
    *,
    user: Any,
    title: str,
    village_codes: Sequence[str],
    category: str,
    level: str = NoticeLevel.COUNTY,
    cooperation_forms: Iterable[str] = (),
    kinds_wanted: Iterable[str] = (),
    investment_min: Any = None,
    investment_max: Any = None,
    incentives: str = "",
    description: str = "",
    contact: str = "",
    deadline: dt.date | str | None = None,
    resources: Sequence[ResourceIn | Mapping[str, Any]] = (),
) -> Notice:
    """A draft notice for villages in the user's region."""
    _require_role(user, OFFICIAL_ROLES, "起草招募令")
    villages = _villages(village_codes, user)
    fields = _clean_fields(
        {
            "title": title,
            "category": category,
            "level": level,
            "cooperation_forms": list(cooperation_forms),
            "kinds_wanted": list(kinds_wanted),
            "investment_min": investment_min,
            "investment_max": investment_max,
            "incentives": incentives,
            "description": description,
            "contact": contact,
            "deadline": deadline,
        }
    )
    range_check(
        fields["investment_min"],
        fields["investment_max"],
        low_field="investment_min",
        low_zh="投资下限",
        high_zh="投资上限",
    )
    resource_rows = _resources(resources)
    notice = Notice(**fields, village=villages[0], county_id=villages[0].county_id, created_by=user)
    full_clean(notice)
    notice.save()
    notice.villages.set(villages)
    _save_resources(notice, resource_rows)
    NoticeTransition.objects.create(notice=notice, actor=user, from_status="", to_status=NoticeStatus.DRAFT)
    return notice


@transaction.atomic
def notice_update(
    *,
    user: Any,
    notice: Notice,
    data: Mapping[str, Any],
    village_codes: Sequence[str] | None = None,
    resources: Sequence[ResourceIn | Mapping[str, Any]] | None = None,
) -> Notice:
    """Edit a draft (or a returned) notice; only officials of its first village's region may."""
    user_scope(user).ensure(notice.region_code, field="village")
    _require_role(user, OFFICIAL_ROLES, "修改招募令")
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status not in EDITABLE:
        raise ApplicationError(
            Msg("招募令状态为“{v}”，不能修改", v=notice.get_status_display()), field="status"
        )
    fields = _clean_fields(data)
    for name, value in fields.items():
        setattr(notice, name, value)
    range_check(
        notice.investment_min,
        notice.investment_max,
        low_field="investment_min",
        low_zh="投资下限",
        high_zh="投资上限",
    )
    changed = list(fields)
    villages = None
    if village_codes is not None:
        villages = _villages(village_codes, user)
        notice.village = villages[0]
        notice.county_id = villages[0].county_id
        changed += ["village", "county"]
    resource_rows = _resources(resources) if resources is not None else None
    full_clean(notice)
    notice.save(update_fields=[*changed, "updated_at"])
    if villages is not None:
        notice.villages.set(villages)
    if resource_rows is not None:
        _save_resources(notice, resource_rows)
    return notice


# --------------------------------------------------------------------------------------------------
# Workflow
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    code: str
    zh: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    needs_reason: bool = False


ACTIONS: dict[str, Action] = {
    a.code: a
    for a in (
        Action("submit", "提交", EDITABLE, NoticeStatus.SUBMITTED, OFFICIAL_ROLES),
        Action(
            "approve",
            "审核通过",
            (NoticeStatus.SUBMITTED,),
            NoticeStatus.APPROVED,
            frozenset({Role.TOWN_ADMIN}),
        ),
        Action(
            "reject",
            "退回",
            (NoticeStatus.SUBMITTED, NoticeStatus.APPROVED),
            NoticeStatus.REJECTED,
            frozenset({Role.TOWN_ADMIN, Role.COUNTY_ADMIN, Role.CITY_ADMIN}),
            needs_reason=True,
        ),
        # Roles for publish depend on the level: see ``_publish_roles``.
        Action("publish", "发布", (NoticeStatus.APPROVED,), NoticeStatus.PUBLISHED, frozenset()),
        Action(
            "match",
            "标记为已对接",
            (NoticeStatus.PUBLISHED,),
            NoticeStatus.MATCHED,
            frozenset({Role.COUNTY_ADMIN, Role.CITY_ADMIN}),
        ),
        Action(
            "close",
            "关闭",
            (*EDITABLE, NoticeStatus.PUBLISHED, NoticeStatus.MATCHED),
            NoticeStatus.CLOSED,
            OFFICIAL_ROLES,
        ),
    )
}


def _publish_roles(notice: Notice) -> frozenset[str]:
    return frozenset({Role.CITY_ADMIN} if notice.level == NoticeLevel.CITY else {Role.COUNTY_ADMIN})


def notice_actions_for(user: Any, notice: Notice) -> list[Action]:
    """The actions ``user`` may take on ``notice`` now (for buttons); the service re-checks."""
    if not user_scope(user).contains(notice.region_code):
        return []
    result = []
    for action in ACTIONS.values():
        roles = _publish_roles(notice) if action.code == "publish" else action.roles
        if notice.status in action.sources and (user.is_superuser or user.role in roles):
            result.append(action)
    return result


@transaction.atomic
def notice_transition(
    *, user: Any, notice: Notice, action: str, reason: str = "", batch: NoticeBatch | None = None
) -> Notice:
    """Move a notice one step in its workflow and record who, when, from, to and why."""
    step = ACTIONS.get(action)
    if step is None:
        raise ApplicationError(Msg("未知的操作：{action}", action=action), field="action")
    user_scope(user).ensure(notice.region_code, field="village")
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    roles = _publish_roles(notice) if action == "publish" else step.roles
    who = "市级" if action == "publish" and notice.level == NoticeLevel.CITY else ""
    _require_role(user, roles, f"{step.zh}{who}招募令")
    if notice.status not in step.sources:
        template = (
            "招募令当前状态为“{status}”，不能{step}（须先经乡镇审核）"
            if action == "publish"
            else "招募令当前状态为“{status}”，不能{step}"
        )
        raise ApplicationError(
            Msg(template, status=notice.get_status_display(), step=step.zh, action=action), field="status"
        )
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise ApplicationError(Msg("{zh}须填写理由", zh=step.zh), field="reason")
    source = notice.status
    notice.status = step.target
    changed = ["status", "updated_at"]
    if action == "reject":
        notice.rejection_reason = reason[:300]
        changed.append("rejection_reason")
    if action == "publish":
        notice.published_at = timezone.now()
        changed.append("published_at")
        if batch is not None:
            notice.batch = batch
            changed.append("batch")
    full_clean(notice)
    notice.save(update_fields=changed)
    NoticeTransition.objects.create(
        notice=notice, actor=user, from_status=source, to_status=notice.status, reason=reason[:300]
    )
    return notice


# --------------------------------------------------------------------------------------------------
# Batches
# --------------------------------------------------------------------------------------------------
@transaction.atomic
def batch_create(*, user: Any, title: str, date: dt.date | str) -> NoticeBatch:
    """A 招募令 batch. The city office opens it; counties publish their notices into it the same day."""
    _require_role(user, {Role.CITY_ADMIN}, "创建招募令批次")
    user_scope(user).ensure(settings.XIANGCUN_CITY_CODE, field="region_code")
    day = _date_or_none(date)
    if day is None:
        raise ApplicationError("请填写发布日期", field="date")
    batch = NoticeBatch(
        title=(title or "").strip(),
        date=day,
        issuer_level=NoticeLevel.CITY,
        region_code=settings.XIANGCUN_CITY_CODE,
    )
    full_clean(batch)
    batch.save()
    return batch
