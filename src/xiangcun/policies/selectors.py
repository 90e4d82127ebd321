"""Reads: the active policy library, versions, the facts a logged-in partner brings, saved results."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from xiangcun.accounts.permissions import Capability, require
from xiangcun.core.errors import Msg, NotFoundError
from xiangcun.policies import engine
from xiangcun.policies.facts import parse_facts
from xiangcun.policies.models import PolicyVersion, SavedEvaluation

_lock = threading.Lock()
_loaded: dict[str, engine.Library] = {}


def official_counties() -> dict[str, str]:
    return dict(engine.official_counties(settings.XIANGCUN_CITY_CODE))


def version_active() -> PolicyVersion | None:
    return PolicyVersion.objects.order_by("-number").first()


def library_of(version: PolicyVersion | None) -> engine.Library:
    """The library of a published version (the shipped one if none has been published yet)."""
    if version is None:
        return engine.shipped_library()
    with _lock:
        if version.ruleset_hash not in _loaded:
            _loaded[version.ruleset_hash] = engine.load_texts(version.files, official_counties())
        return _loaded[version.ruleset_hash]


def library_active() -> engine.Library:
    return library_of(version_active())


def library_files_active() -> dict[str, str]:
    version = version_active()
    if version is not None:
        return dict(version.files)
    return engine.read_directory(engine.LIBRARY_DIR)


def version_list() -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.select_related("published_by").order_by("-number")


def version_get_for(user: Any, number: int, *, write: bool = False) -> PolicyVersion:
    """Published version ``number``: anyone may read it (the history is public); ``write`` asks
    for the city office (``Capability.POLICY_EDIT``)."""
    if write:
        require(user, Capability.POLICY_EDIT)
    version = PolicyVersion.objects.select_related("published_by").filter(number=number).first()
    if version is None:
        raise NotFoundError(Msg("政策库版本 {number} 不存在", number=number), field="number")
    return version


def policy_evaluate(facts: Mapping[str, object], on: date) -> engine.Evaluation:
    """Evaluate the active library. ``facts`` (JSON, form or CLI values) are parsed here, once, by
    the engine's one facts parser (``facts.parse_facts``: Chinese errors naming the field)."""
    library = library_active()
    return engine.evaluate(library, parse_facts(facts, library.counties), on)


def policy_list(on: date | None = None) -> list[engine.Policy]:
    library = library_active()
    if on is None:
        return list(library.policies)
    return [p for p in library.policies if p.city.active(on)]


def facts_prefill(user: Any, pairing_id: int | None = None) -> dict[str, Any]:
    """What the platform already knows: the partner's profile and, if given, a pairing's notice
    (only a pairing ``user`` may read: another id raises ``NotFoundError``/``AccessDenied``)."""
    from xiangcun.matching.selectors import pairing_get_for, pairing_list_for
    from xiangcun.partners.models import PartnerStatus
    from xiangcun.partners.selectors import partner_of_user

    facts: dict[str, Any] = {}
    partner = partner_of_user(user)
    if partner is not None:
        facts["partner_kind"] = partner.kind
        facts["liaocheng_born"] = partner.liaocheng_born
        facts["verified"] = partner.status == PartnerStatus.VERIFIED
        facts["high_level_talent"] = partner.high_level_talent
        if partner.title_level:
            facts["title_level"] = partner.title_level
    pairing = None
    if pairing_id is not None:
        pairing = pairing_get_for(user, pairing_id)  # someone else's pairing: 403, an unknown one: 404
    elif partner is not None:
        pairing = pairing_list_for(user).first()
    if pairing is not None:
        notice = pairing.notice
        facts["category"] = notice.category
        facts["county"] = notice.county_id
        if len(notice.cooperation_forms) == 1:
            facts["cooperation_form"] = notice.cooperation_forms[0]
        if notice.investment_min is not None:
            facts["investment"] = Decimal(notice.investment_min) * 10000
    return facts


def saved_evaluation_list(user: Any) -> QuerySet[SavedEvaluation]:
    if not getattr(user, "is_authenticated", False):
        return SavedEvaluation.objects.none()
    return SavedEvaluation.objects.filter(user=user).order_by("-created_at", "-id")
