"""Pages for funding rounds: the list (the city creates rounds and picks their selection mode), a
round with its applications (its 公示 once published: the mode and one reason per application),
verification, the selection, the officials' analysis of the other mode, and the xlsx export.

Rounds and applications are fetched only through ``selectors.*_get_for``; posted input is parsed
into the service's model inside ``core.inputs.submit`` (a bad one is shown, a refusal is a 403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiangcun.accounts.permissions import Capability, can
from xiangcun.agreements.forms import ActionForm
from xiangcun.agreements.selectors import agreement_get_for
from xiangcun.core.errors import ApplicationError
from xiangcun.core.inputs import parse, submit
from xiangcun.funding import selectors, services
from xiangcun.funding.exports import round_xlsx
from xiangcun.funding.models import SelectionMode
from xiangcun.funding.schemas import ApplicationIn, PublishIn, RoundIn, RoundStepIn
from xiangcun.funding.selection import CRITERIA


def round_list(request: HttpRequest) -> HttpResponse:
    form = ActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        document: dict[str, Any] = request.POST.dict()
        document["weights"] = {name: request.POST.get(f"w_{name}", "0") for name in CRITERIA}
        row = submit(
            form, lambda _: services.round_create(user=request.user, new_round=parse(RoundIn, document))
        )
        if row is not None:
            return redirect("funding:detail", pk=row.pk)
    return render(
        request,
        "funding/list.html",
        {
            "rounds": selectors.round_list(request.user),
            "city": can(request.user, Capability.FUNDING_MANAGE),
            # each criterion's weight field: what was typed (a refused form keeps it), else 0.2
            "criteria": [
                (name, services.CRITERION_LABELS[name], request.POST.get(f"w_{name}", "0.2"))
                for name in CRITERIA
            ],
            "post": request.POST,
            "modes": SelectionMode.choices,
            "default_mode": SelectionMode.RANK_ORDER,
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.round_get_for(request.user, pk)
    user: Any = request.user
    candidates = selectors.application_candidates_for(user, row)
    applications = list(selectors.application_list(user, row))
    funded = [a for a in applications if a.selected]
    actions = selectors.round_actions_for(user, row, can_apply=bool(candidates))
    return render(
        request,
        "funding/detail.html",
        {
            "round": row,
            "applications": applications,
            "funded_count": len(funded),
            "ranked_count": sum(1 for a in applications if a.rank is not None),
            "budget_left": row.budget - row.total_requested if row.total_requested is not None else None,
            "city": can(user, Capability.FUNDING_MANAGE),
            "official": can(user, Capability.OFFICIAL_READ),
            "candidates": candidates,
            "actions": actions,
            "weights": [(services.CRITERION_LABELS[k], row.weights.get(k)) for k in CRITERIA],
        },
    )


def round_analysis(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's selection beside the other mode's (officials only; the public reads the 公示)."""
    row = selectors.round_get_for(request.user, pk)
    analysis = selectors.round_analysis(request.user, row)
    return render(
        request,
        "funding/analysis.html",
        {
            "round": row,
            "analysis": analysis,
            "fewer_projects": -analysis.more_projects if analysis else 0,
            "score_loss": -analysis.score_gain if analysis else 0,
        },
    )


def _act(request: HttpRequest, pk: int, action: Callable[[], Any], step: str) -> HttpResponse:
    """Run an action of the round page; a bad input or a refused step comes back as a message, a
    step done says what happened and what comes next."""
    form = ActionForm(request.POST)
    done = submit(form, lambda _: action())
    for error in form.non_field_errors():
        messages.error(request, str(error))
    if done is not None:
        messages.success(
            request, str(selectors.round_step_done(selectors.round_get_for(request.user, pk), step))
        )
    return redirect("funding:detail", pk=pk)


@login_required
@require_POST
def application_new(request: HttpRequest, pk: int) -> HttpResponse:
    funding_round = selectors.round_get_for(request.user, pk)

    def go() -> Any:
        if not request.POST.get("agreement", "").isdigit():
            raise ApplicationError("请选择申报项目", field="agreement")
        application = parse(ApplicationIn, request.POST.dict())
        return services.application_submit(
            user=request.user,
            funding_round=funding_round,
            agreement=agreement_get_for(request.user, application.agreement),
            figures=application,  # an ApplicationIn is the figures and the agreement's id
        )

    return _act(request, pk, go, "apply")


@login_required
@require_POST
def application_verify(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(request.user, pk, write=True)
    return _act(
        request,
        application.round_id,
        lambda: services.application_verify(user=request.user, application=application),
        "verify",
    )


@login_required
@require_POST
def round_select(request: HttpRequest, pk: int) -> HttpResponse:
    funding_round = selectors.round_get_for(request.user, pk, write=True)
    return _act(
        request,
        pk,
        lambda: services.round_select(
            user=request.user,
            funding_round=funding_round,
            expected_status=parse(RoundStepIn, request.POST.dict()).expected_status or funding_round.status,
        ),
        "select",
    )


@login_required
@require_POST
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    funding_round = selectors.round_get_for(request.user, pk, write=True)
    return _act(
        request,
        pk,
        lambda: services.round_publish(
            user=request.user,
            funding_round=funding_round,
            expected_status=parse(PublishIn, request.POST.dict()).expected_status or funding_round.status,
        ),
        "publish",
    )


def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.round_get_for(request.user, pk)
    response = HttpResponse(
        round_xlsx(row, selectors.application_list(request.user, row)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="funding-round-{row.pk}.xlsx"'
    return response
