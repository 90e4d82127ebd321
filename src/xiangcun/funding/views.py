"""Pages for funding rounds: the list (the city creates rounds), a round with its applications,
verification, the exact selection with reasons, 公示 and the xlsx export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiangcun.agreements.models import AgreementStatus
from xiangcun.agreements.selectors import agreement_get, agreement_list
from xiangcun.core.errors import AccessDenied, ApplicationError, NotFoundError
from xiangcun.funding import selectors, services
from xiangcun.funding.exports import round_xlsx
from xiangcun.funding.models import FundingRound, RoundStatus
from xiangcun.funding.selection import CRITERIA
from xiangcun.partners.services import is_city_office


def _denied(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "403.html", {"message": message}, status=403)


def round_list(request: HttpRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        data: dict[str, Any] = request.POST.dict()
        data["weights"] = {name: request.POST.get(f"w_{name}", "0") for name in CRITERIA}
        try:
            row = services.round_create(user=request.user, data=data)
        except AccessDenied as exc:
            return _denied(request, exc.message)
        except ApplicationError as exc:
            error = exc
        else:
            return redirect("funding:detail", pk=row.pk)
    return render(
        request,
        "funding/list.html",
        {
            "rounds": selectors.round_list(request.user),
            "city": is_city_office(request.user),
            "criteria": [(name, services.CRITERION_LABELS[name]) for name in CRITERIA],
            "error": error,
        },
    )


def _round_for(request: HttpRequest, pk: int) -> FundingRound:
    try:
        row = selectors.round_get(pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    if not selectors.round_list(request.user).filter(pk=pk).exists():
        raise Http404("该批次尚未公示")
    return row


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = _round_for(request, pk)
    user: Any = request.user
    candidates = []
    if row.status == RoundStatus.OPEN and getattr(user, "role", None) in ("county_admin", "city_admin"):
        applied = set(row.applications.values_list("agreement_id", flat=True))
        candidates = [
            a for a in agreement_list(user, status=AgreementStatus.IN_FORCE)[:300] if a.pk not in applied
        ]
    return render(
        request,
        "funding/detail.html",
        {
            "round": row,
            "applications": selectors.application_list(user, row),
            "city": is_city_office(user),
            "candidates": candidates,
            "weights": [(services.CRITERION_LABELS[k], row.weights.get(k)) for k in CRITERIA],
            "gain": (row.total_score - row.greedy_score)
            if row.total_score is not None and row.greedy_score is not None
            else None,
        },
    )


def _act(request: HttpRequest, pk: int, action: Any) -> HttpResponse:
    try:
        action()
    except AccessDenied as exc:
        return _denied(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("funding:detail", pk=pk)


@login_required
@require_POST
def application_new(request: HttpRequest, pk: int) -> HttpResponse:
    def go() -> None:
        agreement_id = request.POST.get("agreement", "")
        if not agreement_id.isdigit():
            raise ApplicationError("请选择申报项目", field="agreement")
        services.application_submit(
            user=request.user,
            funding_round=selectors.round_get(pk),
            agreement=agreement_get(int(agreement_id)),
            figures={name: request.POST.get(name, "") for name in services.FIGURES},
        )

    return _act(request, pk, go)


@login_required
@require_POST
def application_verify(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(pk)
    return _act(
        request,
        application.round_id,
        lambda: services.application_verify(user=request.user, application=application),
    )


@login_required
@require_POST
def round_select(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, lambda: services.round_select(user=request.user, funding_round=selectors.round_get(pk))
    )


@login_required
@require_POST
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: services.round_publish(
            user=request.user, funding_round=selectors.round_get(pk), start=request.POST.get("start") or None
        ),
    )


def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    row = _round_for(request, pk)
    response = HttpResponse(
        round_xlsx(row, selectors.application_list(request.user, row)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="funding-round-{row.pk}.xlsx"'
    return response
