"""Who may do what, in one table: capabilities per role, and one check, ``can``.

A capability is something a person does on the platform ("approve a notice", "sign an agreement");
each role holds a fixed set of them (``ROLE_CAPABILITIES``). *Where* they may do it is the other
half: an official acts only inside the region they govern (``accounts/scoping.py``, a prefix test on
official codes). ``can(user, capability, region_code)`` asks both questions; ``require`` raises
``AccessDenied`` with a Chinese sentence naming what was refused.

Views, API endpoints and commands never compare roles themselves: they ask ``can`` (for buttons)
and call a service that asks ``require`` (for the decision). Fetching an entity by id goes through
its app's ``<entity>_get_for(user, pk, write=...)``, which uses the same two functions.

The operator (Django superuser) holds every capability everywhere. Adding a role or a capability
means adding a row here; ``tests/test_role_region_matrix.py`` then walks every page and endpoint
as every role.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings

from xiangcun.accounts.models import Role
from xiangcun.accounts.scoping import Scope, user_scope
from xiangcun.core.errors import N_, AccessDenied, Message, Msg, NotAuthenticated


class Capability(StrEnum):
    """Everything a role may be allowed to do. The value doubles as a stable name in tests and logs."""

    # Reading what officials read: unmasked contacts of villages and notices in their region,
    # workflow histories, the desk.
    OFFICIAL_READ = "official_read"
    VILLAGE_EDIT = "village_edit"  # village profile and collective income
    # 招募令
    NOTICE_DRAFT = "notice_draft"  # create, edit, submit and close drafts
    NOTICE_APPROVE = "notice_approve"  # town approval
    NOTICE_REJECT = "notice_reject"
    NOTICE_PUBLISH_COUNTY = "notice_publish_county"
    NOTICE_PUBLISH_CITY = "notice_publish_city"
    NOTICE_MARK_MATCHED = "notice_mark_matched"
    BATCH_MANAGE = "batch_manage"  # 招募令 batches (city-wide)
    # 合伙人
    PARTNER_PROFILE = "partner_profile"  # register and keep one's own partner profile
    PARTNER_WORK = "partner_work"  # a registered partner's own recommendations, pairings, agreements
    PARTNER_VERIFY = "partner_verify"
    PARTNER_READ_PRIVATE = "partner_read_private"  # unmasked personal data of any partner
    PERSONAL_DATA_AUDIT = "personal_data_audit"  # the log of who read whose personal data in full
    OWN_DATA_ERASE = "own_data_erase"  # delete one's own personal data (a self-registered account)
    # 需求对接
    PAIRING_ADVANCE = "pairing_advance"  # notes and steps of a pairing in one's region
    PAIRING_RUN = "pairing_run"  # county one-to-one pairing runs and invitations
    PAIRING_SIGN = "pairing_sign"  # 签约 / 履约 steps
    MATCH_WEIGHTS_EDIT = "match_weights_edit"
    MATCH_BROWSE_PARTNERS = "match_browse_partners"  # recommendations for any partner
    # 资源
    RESOURCE_EDIT = "resource_edit"
    RESOURCE_IMPORT = "resource_import"
    # 协议与分红
    AGREEMENT_DRAFT = "agreement_draft"
    AGREEMENT_SIGN = "agreement_sign"  # 村民代表大会, 公示, signing, settlements, payments
    # 补录: a paper 公示 / signing entered afterwards with its own dates and a reason (city office)
    AGREEMENT_BACKFILL = "agreement_backfill"
    # 政策
    POLICY_EDIT = "policy_edit"
    # 项目遴选
    FUNDING_MANAGE = "funding_manage"  # rounds: open, score, select, publish
    FUNDING_APPLY = "funding_apply"  # apply with an agreement of one's county


C = Capability
_OFFICIAL = frozenset(
    {C.OFFICIAL_READ, C.NOTICE_DRAFT, C.PAIRING_ADVANCE, C.AGREEMENT_DRAFT, C.RESOURCE_EDIT}
)

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.VILLAGE_CADRE: _OFFICIAL | {C.VILLAGE_EDIT, C.RESOURCE_IMPORT},
    Role.TOWN_ADMIN: _OFFICIAL | {C.VILLAGE_EDIT, C.RESOURCE_IMPORT, C.NOTICE_APPROVE, C.NOTICE_REJECT},
    Role.COUNTY_ADMIN: _OFFICIAL
    | {
        C.VILLAGE_EDIT,
        C.RESOURCE_IMPORT,
        C.NOTICE_REJECT,
        C.NOTICE_PUBLISH_COUNTY,
        C.NOTICE_MARK_MATCHED,
        C.PAIRING_RUN,
        C.PAIRING_SIGN,
        C.AGREEMENT_SIGN,
        C.FUNDING_APPLY,
    },
    Role.CITY_ADMIN: _OFFICIAL
    | {
        C.VILLAGE_EDIT,
        C.RESOURCE_IMPORT,
        C.NOTICE_REJECT,
        C.NOTICE_PUBLISH_CITY,
        C.NOTICE_MARK_MATCHED,
        C.BATCH_MANAGE,
        C.PARTNER_VERIFY,
        C.PARTNER_READ_PRIVATE,
        C.PERSONAL_DATA_AUDIT,
        C.PAIRING_RUN,
        C.PAIRING_SIGN,
        C.MATCH_WEIGHTS_EDIT,
        C.MATCH_BROWSE_PARTNERS,
        C.AGREEMENT_SIGN,
        C.AGREEMENT_BACKFILL,
        C.POLICY_EDIT,
        C.FUNDING_MANAGE,
        C.FUNDING_APPLY,
    },
    Role.PARTNER: frozenset({C.PARTNER_PROFILE, C.PARTNER_WORK, C.OWN_DATA_ERASE}),
    Role.PUBLIC: frozenset({C.PARTNER_PROFILE, C.OWN_DATA_ERASE}),
}

# Capabilities that act on the whole city: checked against the city's own code, so that a city
# administrator of another city (province demo) does not hold them here.
CITY_WIDE = frozenset(
    {
        C.BATCH_MANAGE,
        C.PARTNER_VERIFY,
        C.PARTNER_READ_PRIVATE,
        C.PERSONAL_DATA_AUDIT,
        C.MATCH_WEIGHTS_EDIT,
        C.MATCH_BROWSE_PARTNERS,
        C.AGREEMENT_BACKFILL,
        C.POLICY_EDIT,
        C.FUNDING_MANAGE,
    }
)

# What ``require`` says when a capability is missing.
REFUSALS: dict[Capability, str] = {
    C.OFFICIAL_READ: N_("只有各级管理员和村干部可以查看"),
    C.VILLAGE_EDIT: N_("您不能编辑该村的档案"),
    C.NOTICE_DRAFT: N_("只有各级管理员和村干部可以编辑招募令"),
    C.NOTICE_APPROVE: N_("招募令由乡镇管理员审核"),
    C.NOTICE_REJECT: N_("您的角色不能退回招募令"),
    C.NOTICE_PUBLISH_COUNTY: N_("县级招募令由县级管理员发布"),
    C.NOTICE_PUBLISH_CITY: N_("市级招募令由市级管理员发布"),
    C.NOTICE_MARK_MATCHED: N_("由县级或市级管理员标记为已对接"),
    C.BATCH_MANAGE: N_("招募令批次由市合伙人办公室创建"),
    C.PARTNER_PROFILE: N_("请先登录"),
    C.PARTNER_WORK: N_("推荐招募令需要合伙人资料，请先注册为合伙人。"),
    C.PARTNER_VERIFY: N_("合伙人认证由市合伙人办公室办理"),
    C.PARTNER_READ_PRIVATE: N_("只有市合伙人办公室可以查看合伙人的个人信息"),
    C.PERSONAL_DATA_AUDIT: N_("个人信息查看记录由市合伙人办公室查阅"),
    C.OWN_DATA_ERASE: N_("管理人员的账号由市合伙人办公室注销"),
    C.PAIRING_ADVANCE: N_("只有所在地区的管理员和村干部可以推进对接"),
    C.PAIRING_RUN: N_("县域配对由县级或市级管理员组织"),
    C.PAIRING_SIGN: N_("签约和履约由县级或市级管理员登记"),
    C.MATCH_WEIGHTS_EDIT: N_("匹配权重由市合伙人办公室设置"),
    C.MATCH_BROWSE_PARTNERS: N_("只有市合伙人办公室可以查看任一合伙人的推荐"),
    C.RESOURCE_EDIT: N_("该村不在您的管辖范围内，不能编辑其资源"),
    C.RESOURCE_IMPORT: N_("只有各级管理员和村干部可以导入资源"),
    C.AGREEMENT_DRAFT: N_("只有各级管理员和村干部可以起草协议"),
    C.AGREEMENT_SIGN: N_("签约和履约由县级或市级管理员登记"),
    C.AGREEMENT_BACKFILL: N_("纸质公示和签署的补录由市合伙人办公室办理"),
    C.POLICY_EDIT: N_("政策由市合伙人办公室维护"),
    C.FUNDING_MANAGE: N_("项目遴选由市合伙人办公室组织"),
    C.FUNDING_APPLY: N_("项目申报由县级或市级管理员提交"),
}


def capabilities_of(user: Any) -> frozenset[Capability]:
    """The capabilities ``user`` holds anywhere (none for anonymous visitors)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if getattr(user, "is_superuser", False):
        return frozenset(Capability)
    return ROLE_CAPABILITIES.get(getattr(user, "role", ""), frozenset())


def scope_of(user: Any) -> Scope:
    """The region ``user`` acts in (see ``accounts/scoping.py``)."""
    return user_scope(user)


def can(user: Any, capability: Capability, region_code: str | None = None) -> bool:
    """Whether ``user`` holds ``capability`` and, when a region is given, governs ``region_code``.

    Without ``region_code`` the question is "anywhere" (for showing a menu entry); city-wide
    capabilities are always asked of the city itself.
    """
    if capability not in capabilities_of(user):
        return False
    if getattr(user, "is_superuser", False):
        return True
    if capability in CITY_WIDE:
        region_code = settings.XIANGCUN_CITY_CODE
    if region_code is None:
        return True
    return user_scope(user).contains(region_code)


def require(
    user: Any,
    capability: Capability,
    region_code: str | None = None,
    *,
    field: str | None = None,
    message: Message | None = None,
) -> None:
    """Raise unless ``can(user, capability, region_code)``: 401 for anonymous visitors, else 403."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    if can(user, capability, region_code):
        return
    if capability in capabilities_of(user) and region_code is not None:
        raise AccessDenied(message or "无权访问该地区的数据", field=field)
    raise AccessDenied(message or REFUSALS[capability], field=field)


def require_login(user: Any) -> Any:
    """``user`` if logged in, else 401 (for endpoints any logged-in person may call)."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    return user


def is_official(user: Any) -> bool:
    """An official of some region (or the operator): reads what officials read in their region."""
    return can(user, C.OFFICIAL_READ)


def governs(user: Any, region_code: str) -> bool:
    """``user`` is an official whose region contains ``region_code``."""
    return can(user, C.OFFICIAL_READ, region_code)


__all__ = [
    "CITY_WIDE",
    "REFUSALS",
    "ROLE_CAPABILITIES",
    "Capability",
    "Msg",
    "can",
    "capabilities_of",
    "governs",
    "is_official",
    "require",
    "require_login",
    "scope_of",
]
