"""Writes to partners: public self-registration (with consent to the 个人信息处理规则), profile edits,
verification by the city office, and the erasure of a partner's personal data.

Inputs arrive parsed (``schemas.PartnerRegisterIn`` / ``PartnerEditIn``: phone numbers normalised, ID
numbers checked); what needs the database — a free username, county codes that exist, an ID number or
phone number no other profile holds — and the capital range of the stored profile after an edit are
checked here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from xiangcun.accounts.models import User
from xiangcun.accounts.permissions import Capability, can, require
from xiangcun.accounts.services import partner_account_create, privacy_consent_record
from xiangcun.core import regioncodes
from xiangcun.core.audit import audit
from xiangcun.core.errors import AccessDenied, ApplicationError, ConflictError, Msg
from xiangcun.core.validation import full_clean
from xiangcun.partners.models import Partner, PartnerStatus
from xiangcun.partners.schemas import PartnerEditIn, PartnerProfileIn, PartnerRegisterIn
from xiangcun.partners.selectors import is_own, partner_decision_problem
from xiangcun.regions.models import Level, Region


def _known_counties(codes: list[str], *, field: str) -> None:
    if not codes:
        return
    known = set(Region.objects.filter(code__in=codes, level=Level.COUNTY).values_list("code", flat=True))
    for code in codes:
        if code not in known:
            raise ApplicationError(Msg("县（市、区）代码 {code} 不存在", code=code), field=field)


def _model_values(fields: dict[str, Any]) -> dict[str, Any]:
    """Parsed profile fields as model values: county codes that exist, the home county as a region,
    and 聊城籍 from the home county unless stated."""
    out = dict(fields)
    if "preferred_counties" in out:
        _known_counties(out["preferred_counties"], field="preferred_counties")
    if "home_county" in out:
        code = out["home_county"]
        _known_counties([code] if code else [], field="home_county")
        out["home_county"] = Region.objects.get(code=code) if code else None
    if out.get("liaocheng_born", False) is None:
        del out["liaocheng_born"]
    if out.get("home_county") is not None and "liaocheng_born" not in out:
        out["liaocheng_born"] = regioncodes.contains(settings.XIANGCUN_CITY_CODE, out["home_county"].code)
    return out


def _check(partner: Partner) -> None:
    low, high = partner.capital_min, partner.capital_max
    if low is not None and high is not None and low > high:
        raise ApplicationError(
            Msg(
                "{low_zh}（{low} 万元）不能高于{high_zh}（{high} 万元）",
                low_zh="可投入资金下限",
                low=low,
                high_zh="可投入资金上限",
                high=high,
                low_field="capital_min",
            ),
            field="capital_min",
        )
    if not partner.name:
        raise ApplicationError("请填写姓名或机构名称", field="name")
    full_clean(partner)


def _identity_free(partner: Partner) -> None:
    """No other profile holds ``partner``'s ID number or phone number (an erased one holds neither)."""
    others = Partner.objects.exclude(pk=partner.pk) if partner.pk else Partner.objects.all()
    if partner.id_number and others.filter(id_number=partner.id_number).exists():
        raise ApplicationError("该身份证号/统一社会信用代码已注册过合伙人", field="id_number")
    if partner.phone and others.filter(phone=partner.phone).exists():
        raise ApplicationError("该手机号已注册过合伙人", field="phone")


def _save(partner: Partner, **kwargs: Any) -> None:
    """Save; a concurrent registration with the same ID or phone number that committed first (the
    unique constraints) is the same refusal as ``_identity_free``'s."""
    try:
        with transaction.atomic():
            partner.save(**kwargs)
    except IntegrityError as exc:
        if "id_number" in str(exc):
            raise ApplicationError("该身份证号/统一社会信用代码已注册过合伙人", field="id_number") from exc
        if "phone" in str(exc):
            raise ApplicationError("该手机号已注册过合伙人", field="phone") from exc
        raise


@transaction.atomic
def partner_register(*, data: PartnerRegisterIn, source: str) -> Partner:
    """Public self-registration: a partner account, its consent to the current 个人信息处理规则 (given on
    ``source``, the page or endpoint) and a profile awaiting the city's verification."""
    username = data.username
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError("该用户名已被注册", field="username")
    profile = data.model_dump(include=set(PartnerProfileIn.model_fields))
    partner = Partner(**_model_values(profile), status=PartnerStatus.PENDING)
    _identity_free(partner)
    _check(partner)
    try:
        user = partner_account_create(
            username=username, password=data.password, display_name=partner.name[:60]
        )
    except Exception as exc:  # Django's ValidationError from user.full_clean (bad username characters)
        if isinstance(exc, ApplicationError):
            raise
        raise ApplicationError("用户名只能包含字母、数字和 @/./+/-/_", field="username") from exc
    if partner.phone:
        user.phone = partner.phone
        user.save(update_fields=["phone"])
    partner.user = user
    _save(partner)
    privacy_consent_record(user=user, source=source)
    audit(actor=user, action="partner.register", target=partner, data={"status": partner.status})
    return partner


@transaction.atomic
def partner_update(*, user: Any, partner: Partner, data: PartnerEditIn) -> Partner:
    """The partner edits their own profile (the city office may correct it). Edits of a verified or
    a returned (未通过) profile by the partner send it back to verification."""
    own = is_own(user, partner)
    office = can(user, Capability.PARTNER_VERIFY)
    if not own:
        require(user, Capability.PARTNER_VERIFY, message="只能修改自己的合伙人资料")
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.status == PartnerStatus.CLOSED:
        raise ApplicationError("该合伙人已注销，资料不能修改")
    fields = _model_values(data.changes())
    for name, value in fields.items():
        setattr(partner, name, value)
    changed = list(fields)
    if own and not office and partner.status in (PartnerStatus.VERIFIED, PartnerStatus.REFUSED):
        partner.status = PartnerStatus.PENDING
        changed.append("status")
    _identity_free(partner)
    _check(partner)
    _save(partner, update_fields=[*changed, "updated_at"])
    # Field names only: the values are personal data, kept in the profile, not in the log.
    audit(
        actor=user,
        action="partner.update",
        target=partner,
        data={"fields": changed, "status": partner.status},
    )
    return partner


@transaction.atomic
def partner_verify(
    *, user: Any, partner: Partner, verified: bool, reason: str = "", expected_status: str | None = None
) -> Partner:
    """The city office verifies a partner (通过核验) or returns the profile (退回), with a reason: a
    pending profile either way, a returned one may still be verified (``selectors.
    partner_decision_problem``, which the page's buttons follow). ``expected_status`` is
    the state the reviewer saw: the locked profile in another state (decided meanwhile by someone
    else, or edited by the partner) is a 409."""
    require(user, Capability.PARTNER_VERIFY, message="只有市合伙人办公室可以审核合伙人")
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.status == PartnerStatus.CLOSED:
        raise ApplicationError("该合伙人已注销，不能审核")
    if expected_status is not None and partner.status != expected_status:
        raise ConflictError(
            Msg(
                "该合伙人已被其他人审核（当前状态：{status}），请刷新后重试",
                status=PartnerStatus(partner.status).label,
            ),
            field="expected_status",
        )
    problem = partner_decision_problem(partner, verified=verified)
    if problem is not None:
        raise problem
    reason = (reason or "").strip()
    if not verified and not reason:
        raise ApplicationError("未通过须填写理由", field="reason")
    partner.status = PartnerStatus.VERIFIED if verified else PartnerStatus.REFUSED
    partner.refusal_reason = "" if verified else reason[:300]
    partner.verified_at = timezone.now()
    partner.verified_by = user
    full_clean(partner)
    partner.save(update_fields=["status", "refusal_reason", "verified_at", "verified_by", "updated_at"])
    audit(
        actor=user,
        action="partner.verify",
        target=partner,
        data={"status": partner.status, "reason": partner.refusal_reason},
    )
    return partner


ERASED_NAME = "已注销用户"
# What erasure blanks: every field about the person (the row stays: pairings and agreements refer to it).
ERASED_VALUES: dict[str, Any] = {
    "name": ERASED_NAME,
    "contact_name": "",
    "phone": "",
    "id_number": "",
    "home_county": None,
    "liaocheng_born": False,
    "title_level": "",
    "high_level_talent": False,
    "capital_min": None,
    "capital_max": None,
    "skills": [],
    "tags": [],
    "preferred_counties": [],
    "preferred_categories": [],
    "cooperation_forms": [],
    "resources_wanted": [],
    "profile": "",
    "track_record": "",
    "certifications": "",
    "refusal_reason": "",
    "status": PartnerStatus.CLOSED,
}


@transaction.atomic
def partner_anonymise(*, user: Any, partner: Partner) -> Partner:
    """Erase the personal data of ``user``'s own profile: name → 已注销用户, phone, ID number, contact and
    every descriptive field blanked, status 已注销 (no longer listed, matched or verified). The row
    itself stays, so that the pairings and agreements it is party to (kept as the law requires) still
    name a party. Only the partner themself erases their profile (``privacy.services``)."""
    if not is_own(user, partner):
        raise AccessDenied("只能注销自己的合伙人资料")
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    for name, value in ERASED_VALUES.items():
        setattr(partner, name, value)
    full_clean(partner)
    partner.save(update_fields=[*ERASED_VALUES, "updated_at"])
    audit(actor=user, action="partner.anonymise", target=partner, data={"fields": sorted(ERASED_VALUES)})
    return partner
