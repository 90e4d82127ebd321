"""政策计算器 API: evaluate facts as of a date, list the policies in force, the version history.

Public reads; publishing a version needs a login (``session_auth``, with the CSRF check) and the
city office (the service asks ``require``). Domain errors are raised, never caught here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from xiangcun.core.api import ERRORS, require_csrf, session_auth
from xiangcun.core.errors import NotAuthenticated
from xiangcun.core.inputs import Date
from xiangcun.policies import engine, selectors, services
from xiangcun.policies.models import PolicyVersion
from xiangcun.policies.schemas import EvaluateIn, EvaluationOut, PolicyListOut, PublishIn, VersionOut

router = Router()


def _today() -> date:
    return timezone.localdate()


@router.post("/policies/evaluate", response={200: EvaluationOut, **ERRORS}, summary="政策测算")
def policy_evaluate(request: HttpRequest, payload: EvaluateIn) -> dict[str, Any]:
    on = payload.date or _today()
    if payload.save:
        if not request.user.is_authenticated:
            raise NotAuthenticated("请先登录再保存测算结果")
        require_csrf(request)  # saving writes: the same CSRF rule as every session-authenticated write
        saved = services.evaluation_save(user=request.user, facts=payload.facts, on=on)
        return {**saved.result, "saved_id": saved.pk}
    return engine.evaluation_json(selectors.policy_evaluate(payload.facts, on))


@router.get("/policies", response={200: PolicyListOut, **ERRORS}, summary="政策列表")
def policy_list(request: HttpRequest, on: Date | None = None) -> dict[str, Any]:
    return {"ruleset": selectors.library_active().hash, "items": selectors.policy_list(on)}


@router.get("/policies/versions", response={200: list[VersionOut], **ERRORS}, summary="政策库版本历史")
def version_list(request: HttpRequest) -> QuerySet[PolicyVersion]:
    return selectors.version_list()[:200]


@router.post(
    "/policies/versions",
    response={201: VersionOut, **ERRORS},
    auth=session_auth,
    summary="发布政策库新版本（市级）",
)
def version_publish(request: HttpRequest, payload: PublishIn) -> Status[PolicyVersion]:
    version = services.policy_version_publish(user=request.user, publish=payload)
    return Status(201, version)
