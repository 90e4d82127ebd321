"""Pages for agreements: lists, the drafting form (by hand or from a pairing), an agreement with its
workflow, objections and settlements, household statements (page/PDF/xlsx), guaranteed payments
due, the 公示 board and the distribution simulator (ECharts from local static files)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiangcun.agreements import selectors, services
from xiangcun.agreements.exports import labour_from_text, labour_from_xlsx, statements_xlsx
from xiangcun.agreements.models import (
    AgreementStatus,
    ContributionKind,
    DistributionMode,
    Objection,
    PartyRole,
)
from xiangcun.core.errors import AccessDenied, ApplicationError, NotFoundError

FORM_ROWS = 8
# The generic columns of the contribution table and the parameter each means for each kind.
COLUMN_PARAMS: dict[str, dict[str, str]] = {
    "land": {"a": "area_mu", "b": "annual_rent_per_mu", "c": "years", "d": "discount_rate"},
    "house": {
        "a": "area_m2",
        "b": "rebuild_cost_per_m2",
        "c": "age_years",
        "d": "residual_rate",
        "e": "useful_life_years",
    },
    "appraised": {"amount": "appraised_value"},
    "cash": {"amount": "amount"},
    "technology": {"amount": "amount"},
}


def _denied(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "403.html", {"message": message}, status=403)


def _get_for(request: HttpRequest, pk: int) -> tuple[Any, str]:
    try:
        return selectors.agreement_get_for(request.user, pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def agreement_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") if request.GET.get("status") in AgreementStatus.values else None
    q = request.GET.get("q", "").strip()[:40]
    mine = list(selectors.agreement_list(request.user, status=status, q=q or None)[:200])
    return render(
        request,
        "agreements/list.html",
        {
            "agreements": mine,
            "publicity": list(selectors.publicity_list()[:50]),
            "statuses": AgreementStatus.choices,
            "status": status,
            "q": q,
            "can_create": services.is_official(request.user),
        },
    )


def publicity(request: HttpRequest) -> HttpResponse:
    return render(
        request, "agreements/publicity.html", {"agreements": list(selectors.publicity_list()[:200])}
    )


def form_data(post: Any) -> dict[str, Any]:
    """The drafting form as the services' input document (parties grouped by party name)."""
    data: dict[str, Any] = {
        key: post.get(key, "")
        for key in (
            "title",
            "village",
            "pairing",
            "description",
            "mode",
            "guarantee",
            "reserve_rate",
            "expected_profit",
            "term_start",
            "term_end",
            "exit_clause",
            "buyback_clause",
        )
    }
    parties: dict[str, dict[str, Any]] = {}
    for i in range(FORM_ROWS):
        name = post.get(f"row{i}_party", "").strip()
        if not name:
            continue
        kind = post.get(f"row{i}_kind", "")
        party = parties.setdefault(
            name,
            {
                "role": post.get(f"row{i}_role", ""),
                "name": name,
                "partner": post.get(f"row{i}_partner", ""),
                "contributions": [],
            },
        )
        contribution: dict[str, Any] = {
            "kind": kind,
            "name": post.get(f"row{i}_name", ""),
            "resource": post.get(f"row{i}_resource", ""),
        }
        for column, param in COLUMN_PARAMS.get(kind, {}).items():
            contribution[param] = post.get(f"row{i}_{column}", "")
        party["contributions"].append(contribution)
    data["parties"] = list(parties.values())
    members = []
    for i, line in enumerate(post.get("members", "").splitlines(), 1):
        parts = line.replace(",", " ").replace("，", " ").split()
        if not parts:
            continue
        if len(parts) != 3:
            raise ApplicationError(f"成员股名册第 {i} 行应为“户编号 户主 股数”", field="members")
        members.append({"household": parts[0], "head_name": parts[1], "shares": parts[2]})
    data["members"] = members
    labour = []
    for i, line in enumerate(post.get("labour", "").splitlines(), 1):
        parts = line.replace(",", " ").replace("，", " ").split()
        if not parts:
            continue
        if len(parts) != 3:
            raise ApplicationError(f"用工承诺第 {i} 行应为“岗位 人数 月工资”", field="labour")
        labour.append({"position": parts[0], "jobs": parts[1], "monthly_wage": parts[2]})
    data["labour"] = labour
    return data


@login_required
def agreement_new(request: HttpRequest) -> HttpResponse:
    if not services.is_official(request.user):
        return _denied(request, "只有村、乡镇、县、市管理人员可以起草协议。")
    initial: dict[str, Any] = {"mode": "additive", "reserve_rate": "0.1"}
    pairing = None
    pairing_id = request.GET.get("pairing") or request.POST.get("pairing")
    if pairing_id and str(pairing_id).isdigit():
        from xiangcun.matching.selectors import pairing_get_for

        try:
            pairing = pairing_get_for(request.user, int(pairing_id))
        except (NotFoundError, AccessDenied) as exc:
            return _denied(request, exc.message)
        initial.update(title=pairing.notice.title, village=pairing.notice.village_id, pairing=pairing.pk)
    error = None
    if request.method == "POST":
        initial = request.POST.dict()
        try:
            agreement = services.agreement_create(user=request.user, data=form_data(request.POST))
        except AccessDenied as exc:
            return _denied(request, exc.message)
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, f"协议草稿已建立，合同编号 {agreement.code}。")
            return redirect("agreements:detail", pk=agreement.pk)
    rows = _rows(initial)
    if pairing is not None and request.method != "POST":
        _prefill_from_pairing(rows, pairing)
    return _form_page(request, initial=initial, rows=rows, pairing=pairing, error=error)


def _prefill_from_pairing(rows: list[dict[str, Any]], pairing: Any) -> None:
    """The collective contributes the resources the notice offers (from the resource map, with their
    recorded valuation parameters); the partner brings at least the notice's minimum investment."""
    from xiangcun.resources.selectors import resources_offered_by_notice

    collective = f"{pairing.notice.village.name}股份经济合作社"
    offered = resources_offered_by_notice(pairing.notice_id)[: FORM_ROWS - 1]
    contributions = [services.contribution_from_resource(r) for r in offered] or [
        {"kind": "land", "name": "", "resource": "", "params": {}}
    ]
    for row, c in zip(rows, contributions, strict=False):
        row.update(
            party=collective, role="collective", kind=c["kind"], name=c["name"], resource=c["resource"]
        )
        for column, param in COLUMN_PARAMS[c["kind"]].items():
            row[column] = c["params"].get(param, "")
    cash = pairing.notice.investment_min * 10_000 if pairing.notice.investment_min else ""
    rows[len(contributions)].update(
        party=pairing.partner.name, role="partner", partner=pairing.partner_id, kind="cash", amount=cash
    )


def _rows(initial: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "i": i,
            **{
                k: initial.get(f"row{i}_{k}", "")
                for k in (
                    "party",
                    "role",
                    "partner",
                    "kind",
                    "name",
                    "resource",
                    "a",
                    "b",
                    "c",
                    "d",
                    "e",
                    "amount",
                )
            },
        }
        for i in range(FORM_ROWS)
    ]


def _form_page(
    request: HttpRequest,
    *,
    initial: dict[str, Any],
    rows: list[dict[str, Any]],
    error: ApplicationError | None,
    pairing: Any = None,
    agreement: Any = None,
) -> HttpResponse:
    return render(
        request,
        "agreements/form.html",
        {
            "initial": initial,
            "rows": rows,
            "pairing": pairing,
            "agreement": agreement,
            "error": error,
            "roles": PartyRole.choices,
            "kinds": ContributionKind.choices,
            "modes": DistributionMode.choices,
        },
        status=400 if error is not None else 200,
    )


def form_initial(agreement: Any) -> dict[str, Any]:
    """A stored draft as the drafting form's fields (the inverse of ``form_data``)."""
    initial: dict[str, Any] = {
        name: getattr(agreement, name)
        for name in (
            "title",
            "description",
            "mode",
            "guarantee",
            "reserve_rate",
            "expected_profit",
            "exit_clause",
            "buyback_clause",
        )
    }
    initial.update(
        village=agreement.village_id,
        pairing=agreement.pairing_id or "",
        term_start=agreement.term_start.isoformat() if agreement.term_start else "",
        term_end=agreement.term_end.isoformat() if agreement.term_end else "",
        expected_profit=agreement.expected_profit if agreement.expected_profit is not None else "",
    )
    i = 0
    for party in agreement.parties.order_by("position"):
        for c in party.contributions.order_by("position"):
            if i >= FORM_ROWS:
                break
            initial.update(
                {
                    f"row{i}_party": party.name,
                    f"row{i}_role": party.role,
                    f"row{i}_partner": party.partner_id or "",
                    f"row{i}_kind": c.kind,
                    f"row{i}_name": c.name,
                    f"row{i}_resource": c.resource_id or "",
                }
            )
            for column, param in COLUMN_PARAMS.get(c.kind, {}).items():
                initial[f"row{i}_{column}"] = c.params.get(param, "")
            i += 1
    initial["members"] = "\n".join(
        f"{m.household} {m.head_name} {m.shares.normalize():f}"
        for m in agreement.members.order_by("household")
    )
    initial["labour"] = "\n".join(
        f"{x.position} {x.jobs} {x.monthly_wage.normalize():f}" for x in agreement.labour_commitments.all()
    )
    return initial


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a draft before the 村民代表大会 sees it (the service refuses any other state)."""
    try:
        agreement, kind = _get_for(request, pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except AccessDenied as exc:
        return _denied(request, exc.message)
    if kind != "official":
        return _denied(request, "只有管辖该村的管理人员可以修改协议。")
    initial = form_initial(agreement)
    error = None
    if request.method == "POST":
        initial = request.POST.dict()
        try:
            services.agreement_update(user=request.user, agreement=agreement, data=form_data(request.POST))
        except AccessDenied as exc:
            return _denied(request, exc.message)
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, "协议草稿已保存。")
            return redirect("agreements:detail", pk=agreement.pk)
    return _form_page(request, initial=initial, rows=_rows(initial), error=error, agreement=agreement)


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        agreement, kind = _get_for(request, pk)
    except AccessDenied as exc:
        return _denied(request, exc.message)
    official = kind == "official"
    return render(
        request,
        "agreements/detail.html",
        {
            "agreement": agreement,
            "kind": kind,
            "official": official,
            "parties": agreement.parties.prefetch_related("contributions").order_by("position"),
            "members": selectors.members_for(agreement, kind),
            "labour": agreement.labour_commitments.all(),
            "objections": agreement.objections.all(),
            "events": agreement.events.select_related("actor").order_by("created_at", "id")
            if kind != "public"
            else [],
            "settlements": selectors.settlement_list(agreement) if kind != "public" else [],
            "next_status": services.NEXT.get(agreement.status),
            "next_label": AgreementStatus(services.NEXT[agreement.status]).label
            if agreement.status in services.NEXT
            else "",
        },
    )


@login_required
@require_POST
def agreement_step(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get(pk)
    try:
        services.agreement_transition(
            user=request.user,
            agreement=agreement,
            to_status=request.POST.get("to_status", ""),
            data=request.POST.dict(),
        )
    except AccessDenied as exc:
        return _denied(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("agreements:detail", pk=pk)


@login_required
@require_POST
def objection_add(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.objection_record(
            user=request.user,
            agreement=selectors.agreement_get(pk),
            raised_by=request.POST.get("raised_by", ""),
            content=request.POST.get("content", ""),
        )
    except AccessDenied as exc:
        return _denied(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("agreements:detail", pk=pk)


@login_required
@require_POST
def objection_reply(request: HttpRequest, pk: int) -> HttpResponse:
    objection = Objection.objects.select_related("agreement").filter(pk=pk).first()
    if objection is None:
        raise Http404("异议不存在")
    try:
        services.objection_answer(
            user=request.user, objection=objection, answer=request.POST.get("answer", "")
        )
    except AccessDenied as exc:
        return _denied(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("agreements:detail", pk=objection.agreement_id)


def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from xiangcun.agreements.pdf import agreement_pdf as render_pdf

    try:
        agreement, kind = _get_for(request, pk)
        data = render_pdf(agreement, kind)
    except AccessDenied as exc:
        return _denied(request, exc.message)
    except ApplicationError as exc:
        return render(request, "403.html", {"message": exc.message}, status=exc.status)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{agreement.code}.pdf"'
    return response


@login_required
@require_POST
def settlement_new(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get(pk)
    try:
        upload = request.FILES.get("labour_file")
        labour = labour_from_xlsx(upload) if upload else labour_from_text(request.POST.get("labour", ""))
        row = services.settlement_run(
            user=request.user,
            agreement=agreement,
            year=request.POST.get("year", ""),
            profit=request.POST.get("profit", ""),
            labour=labour,
            reason=request.POST.get("reason", ""),
        )
    except AccessDenied as exc:
        return _denied(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("agreements:detail", pk=pk)
    messages.success(request, f"{row.year} 年度结算已生成（第 {row.version} 版）。")
    return redirect("agreements:settlement", pk=pk, year=row.year)


def _settlement(request: HttpRequest, pk: int, year: int) -> tuple[Any, Any, str]:
    agreement, kind = _get_for(request, pk)
    version = request.GET.get("version")
    try:
        row = selectors.settlement_get(
            agreement, year, int(version) if version and version.isdigit() else None
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    return agreement, row, kind


def settlement_detail(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    try:
        agreement, row, kind = _settlement(request, pk, year)
    except AccessDenied as exc:
        return _denied(request, exc.message)
    parties, households = selectors.settlement_lines(row, kind)
    return render(
        request,
        "agreements/settlement.html",
        {
            "agreement": agreement,
            "row": row,
            "parties": parties,
            "households": households,
            "versions": agreement.settlements.filter(year=year).order_by("version"),
            "labour_total": sum((h.labour for h in households), Decimal(0)),
            "kind": kind,
        },
    )


def settlement_pdf(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    from xiangcun.agreements.pdf import statements_pdf

    try:
        _, row, kind = _settlement(request, pk, year)
        data = statements_pdf(row, kind)
    except AccessDenied as exc:
        return _denied(request, exc.message)
    except ApplicationError as exc:
        return render(request, "403.html", {"message": exc.message}, status=exc.status)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="statements-{row.agreement.code}-{year}-v{row.version}.pdf"'
    )
    return response


def settlement_xlsx(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    try:
        _, row, kind = _settlement(request, pk, year)
    except AccessDenied as exc:
        return _denied(request, exc.message)
    response = HttpResponse(
        statements_xlsx(row, kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="statements-{row.agreement.code}-{year}-v{row.version}.xlsx"'
    )
    return response


@login_required
def guarantees(request: HttpRequest) -> HttpResponse:
    rows = selectors.guarantees_due(request.user)
    return render(
        request,
        "agreements/guarantees.html",
        {
            "rows": rows,
            "overdue": sum(1 for r in rows if r.overdue),
            "due": sum(1 for r in rows if r.paid is None),
        },
    )


@login_required
@require_POST
def guarantee_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that a year's guaranteed income reached the collective (from the due list)."""
    agreement, kind = _get_for(request, pk)
    if kind != "official":
        return _denied(request, "只有管辖该村的管理人员可以登记保底收益支付。")
    try:
        services.guarantee_payment_record(
            user=request.user,
            agreement=agreement,
            year=int(request.POST.get("year", "0") or 0),
            amount=request.POST.get("amount", ""),
            paid_on=request.POST.get("paid_on", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "保底收益支付已登记。")
    return redirect("agreements:guarantees")


def simulator(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        agreement, kind = _get_for(request, pk)
    except AccessDenied as exc:
        return _denied(request, exc.message)
    scenarios = selectors.simulate_scenarios(agreement, kind)
    base = selectors.baseline_profit(agreement)
    try:
        low = Decimal(request.GET.get("low") or -base / 2)
        high = Decimal(request.GET.get("high") or base * 2)
        series = selectors.simulate(agreement, selectors.profit_range(low, high, 21), kind)
    except (ApplicationError, ArithmeticError) as exc:
        messages.error(request, getattr(exc, "message", "利润区间不正确"))
        low, high = -base / 2, base * 2
        series = selectors.simulate(agreement, selectors.profit_range(low, high, 21), kind)
    return render(
        request,
        "agreements/simulator.html",
        {
            "agreement": agreement,
            "scenarios": scenarios,
            "scenario_rows": [{"name": p["name"], "incomes": p["incomes"]} for p in scenarios["parties"]],
            "household_rows": scenarios["households"],
            # The dict itself: json_script encodes it (a JSON string here was encoded twice and the
            # chart got a string, not the series).
            "series": series,
            "low": f"{low:.2f}",
            "high": f"{high:.2f}",
        },
    )
