"""Writes to partners: public self-registration, profile edits, verification by the city office."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.models import Role, User
from xiangcun.accounts.scoping import user_scope
from xiangcun.accounts.services import user_create
from xiangcun.core import regioncodes
from xiangcun.core.errors import AccessDenied, ApplicationError, Msg
from xiangcun.core.validation import full_clean
from xiangcun.partners.models import Partner, PartnerStatus
from xiangcun.recruitment.services import amount_or_none, range_check, vocab_codes
from xiangcun.regions.models import Level, Region

PROFILE_FIELDS = (
    "name",
    "is_organisation",
    "kind",
    "contact_name",
    "phone",
    "id_number",
    "home_county",
    "liaocheng_born",
    "title_level",
    "high_level_talent",
    "capital_min",
    "capital_max",
    "skills",
    "tags",
    "preferred_counties",
    "preferred_categories",
    "cooperation_forms",
    "resources_wanted",
    "profile",
    "track_record",
    "certifications",
)


def is_city_office(user: Any) -> bool:
    """The city office (市合伙人办公室): a city admin of this city, or the platform operator."""
    if getattr(user, "is_superuser", False):
        return True
    return getattr(user, "role", None) == Role.CITY_ADMIN and user_scope(user).contains(
        settings.XIANGCUN_CITY_CODE
    )


def _words(value: Iterable[str] | str | None, *, field: str, limit: int = 20) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace("，", ",").replace("、", ",").split(",")
    words = [str(w).strip()[:30] for w in value if str(w).strip()]
    if len(words) > limit:
        raise ApplicationError(Msg("最多填写 {limit} 项", limit=limit), field=field)
    return list(dict.fromkeys(words))


def _county_codes(value: Iterable[str] | str | None, *, field: str) -> list[str]:
    codes = _words(value, field=field)
    if not codes:
        return []
    known = set(Region.objects.filter(code__in=codes, level=Level.COUNTY).values_list("code", flat=True))
    for code in codes:
        if code not in known:
            raise ApplicationError(Msg("县（市、区）代码 {code} 不存在", code=code), field=field)
    return sorted(codes)


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(PROFILE_FIELDS))
    if unknown:
        raise ApplicationError(Msg("不可修改的字段：{v}", v="、".join(unknown)), field=unknown[0])
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name == "kind":
            out[name] = vocab_codes([value], "kind", field="kind", label_zh="合伙人类型")[0]
        elif name in ("capital_min", "capital_max"):
            out[name] = amount_or_none(
                value, field=name, label_zh="可投入资金下限" if name == "capital_min" else "可投入资金上限"
            )
        elif name == "title_level":
            out[name] = vocab_codes([value], "title", field=name, label_zh="专业技术职称")[0] if value else ""
        elif name in ("is_organisation", "liaocheng_born", "high_level_talent"):
            out[name] = bool(value)
        elif name == "home_county":
            codes = _county_codes([value] if value else [], field=name)
            out[name] = Region.objects.get(code=codes[0]) if codes else None
        elif name == "preferred_counties":
            out[name] = _county_codes(value, field=name)
        elif name == "preferred_categories":
            out[name] = vocab_codes(value, "category", field=name, label_zh="意向项目类别")
        elif name == "cooperation_forms":
            out[name] = vocab_codes(value, "form", field=name, label_zh="合作方式")
        elif name == "resources_wanted":
            out[name] = vocab_codes(value, "resource", field=name, label_zh="所需资源")
        elif name in ("skills", "tags"):
            out[name] = _words(value, field=name)
        else:
            out[name] = "" if value is None else str(value).strip()
    if "home_county" in out and out["home_county"] is not None and "liaocheng_born" not in out:
        out["liaocheng_born"] = regioncodes.contains(settings.XIANGCUN_CITY_CODE, out["home_county"].code)
    return out


def _check(partner: Partner) -> None:
    range_check(
        partner.capital_min,
        partner.capital_max,
        low_field="capital_min",
        low_zh="可投入资金下限",
        high_zh="可投入资金上限",
    )
    if not partner.name:
        raise ApplicationError("请填写姓名或机构名称", field="name")
    full_clean(partner)


@transaction.atomic
def partner_register(*, username: str, password: str, data: Mapping[str, Any]) -> Partner:
    """Public self-registration: a partner account and a profile awaiting the city's verification."""
    username = (username or "").strip()
    if not username:
        raise ApplicationError("请填写用户名", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError("该用户名已被注册", field="username")
    if len(password or "") < 10:
        raise ApplicationError("密码至少 10 位", field="password")
    fields = _clean(data)
    if "kind" not in fields:
        raise ApplicationError("请选择合伙人类型", field="kind")
    partner = Partner(**fields, status=PartnerStatus.PENDING)
    _check(partner)
    try:
        user = user_create(
            username=username,
            password=password,
            role=Role.PARTNER,
            display_name=partner.name[:60],
        )
    except Exception as exc:  # Django's ValidationError from user.full_clean (bad username characters)
        if isinstance(exc, ApplicationError):
            raise
        raise ApplicationError("用户名只能包含字母、数字和 @/./+/-/_", field="username") from exc
    if fields.get("phone"):
        user.phone = fields["phone"]
        user.save(update_fields=["phone"])
    partner.user = user
    partner.save()
    return partner


@transaction.atomic
def partner_update(*, user: Any, partner: Partner, data: Mapping[str, Any]) -> Partner:
    """The partner edits their own profile (the city office may correct it). Edits of a verified
    profile by the partner send it back to verification."""
    own = partner.user_id is not None and partner.user_id == getattr(user, "id", None)
    if not own and not is_city_office(user):
        raise AccessDenied("只能修改自己的合伙人资料")
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    fields = _clean(data)
    for name, value in fields.items():
        setattr(partner, name, value)
    changed = list(fields)
    if own and not is_city_office(user) and partner.status == PartnerStatus.VERIFIED:
        partner.status = PartnerStatus.PENDING
        changed.append("status")
    _check(partner)
    partner.save(update_fields=[*changed, "updated_at"])
    return partner


@transaction.atomic
def partner_verify(*, user: Any, partner: Partner, verified: bool, reason: str = "") -> Partner:
    """The city office verifies a partner (认证) or refuses, with a reason."""
    if not is_city_office(user):
        raise AccessDenied("只有市合伙人办公室可以审核合伙人")
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    reason = (reason or "").strip()
    if not verified and not reason:
        raise ApplicationError("未通过须填写理由", field="reason")
    partner.status = PartnerStatus.VERIFIED if verified else PartnerStatus.REFUSED
    partner.refusal_reason = "" if verified else reason[:300]
    partner.verified_at = timezone.now()
    partner.verified_by = user
    full_clean(partner)
    partner.save(update_fields=["status", "refusal_reason", "verified_at", "verified_by", "updated_at"])
    return partner
