"""政策计算器 API: evaluate facts as of a date, list the policies in force, the version history."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from xiangcun.core.errors import ApplicationError
from xiangcun.policies import engine, selectors, services
from xiangcun.policies.models import PolicyVersion
from xiangcun.policies.schemas import EvaluateIn, EvaluationOut, PolicyListOut, PublishIn, VersionOut
from xiangcun.regions.schemas import ErrorOut

router = Router()
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _today() -> date:
    return timezone.localdate()


@router.post("/policies/evaluate", response={200: EvaluationOut, **ERRORS}, summary="政策测算")
def policy_evaluate(request: HttpRequest, payload: EvaluateIn) -> dict[str, Any]:
    on = payload.date or _today()
    if payload.save:
        if not request.user.is_authenticated:
            raise ApplicationError("请先登录再保存测算结果", status=401)
        saved = services.evaluation_save(user=request.user, raw=payload.facts, on=on)
        return {**saved.result, "saved_id": saved.pk}
    return engine.evaluation_json(selectors.policy_evaluate(payload.facts, on))


def _policy_out(p: engine.Policy) -> dict[str, Any]:
    return {
        "id": p.id,
        "title": p.title,
        "kind": p.kind,
        "kind_zh": engine.KINDS[p.kind],
        "example": p.example,
        "issuer": p.city.issuer,
        "document": p.city.document,
        "clause": p.city.clause,
        "effective_from": p.start,
        "effective_to": p.end,
        "scope": sorted(p.scope) if p.scope is not None else None,
        "group": p.group,
        "county_exceptions": sorted(p.counties),
        "description": p.description,
    }


@router.get("/policies", response={200: PolicyListOut, **ERRORS}, summary="政策列表")
def policy_list(request: HttpRequest, on: date | None = None) -> dict[str, Any]:
    return {
        "ruleset": selectors.library_active().hash,
        "items": [_policy_out(p) for p in selectors.policy_list(on)],
    }


def _version_out(v: PolicyVersion) -> dict[str, Any]:
    return {
        "number": v.number,
        "ruleset_hash": v.ruleset_hash,
        "note": v.note,
        "changed_files": v.changed_files,
        "tests_passed": v.tests_passed,
        "published_by": v.published_by.username if v.published_by else None,
        "created_at": v.created_at,
    }


@router.get("/policies/versions", response={200: list[VersionOut], **ERRORS}, summary="政策库版本历史")
def version_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_version_out(v) for v in selectors.version_list()[:200]]


@router.post("/policies/versions", response={201: VersionOut, **ERRORS}, summary="发布政策库新版本（市级）")
def version_publish(request: HttpRequest, payload: PublishIn) -> Status[dict[str, Any]]:
    if not request.user.is_authenticated:
        raise ApplicationError("请先登录", status=401)
    version = services.policy_version_publish(user=request.user, files=payload.files, note=payload.note)
    return Status(201, _version_out(version))
