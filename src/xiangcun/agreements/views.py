"""Pages for agreements: lists, the drafting form (by hand or from a pairing), an agreement with its
workflow, objections and settlements, household statements (page/PDF/xlsx), guaranteed payments
due, the 公示 board and the distribution simulator (ECharts from local static files).

Entities are fetched only through ``selectors.*_get_for``; a refused or missing one escapes to the
error middleware (403/404 page). Posted input is parsed into the service's model inside
``core.inputs.submit``, which shows a bad input on the form (or, for the small action forms of the
detail page, as a message after the redirect)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from xiangcun.accounts.permissions import Capability, can, require
from xiangcun.agreements import selectors, services
from xiangcun.agreements.exports import labour_from_text, labour_from_xlsx, statements_xlsx
from xiangcun.agreements.forms import (
    FORM_ROWS,
    RESOURCE_KINDS,
    ActionForm,
    form_data,
    form_initial,
    form_rows,
    prefill_from_pairing,
)
from xiangcun.agreements.models import AgreementStatus, ContributionKind, DistributionMode, PartyRole
from xiangcun.agreements.schemas import (
    AgreementIn,
    AnswerIn,
    BackfillIn,
    GuaranteePaidIn,
    ObjectionIn,
    RangeIn,
    SettlementIn,
    TransitionIn,
)
from xiangcun.core.errors import Msg
from xiangcun.core.inputs import parse, submit
from xiangcun.core.workdays import OBJECTION_WORKING_DAYS, add_working_days
from xiangcun.matching.models import PairingStatus

# The pairing stages at which an agreement is drafted from a pairing (签约, and 履约 without one yet).
DRAFTABLE_PAIRING_STATUSES = (PairingStatus.SIGNED, PairingStatus.PERFORMING)

__all__ = ["form_initial"]  # the drafting form's inverse, used by tests through this module


def _seen(post: Any, agreement: Any) -> dict[str, Any]:
    """The posted step with the state the page showed (its hidden ``expected_status``; a page
    without one acts on the state read when this request began)."""
    return {**post.dict(), "expected_status": post.get("expected_status") or agreement.status}


def _act(request: HttpRequest, action: Callable[[], Any]) -> Any:
    """Run a small action form of a page: its result, or ``None`` with the error as a message."""
    form = ActionForm(request.POST)
    result = submit(form, lambda _: action())
    for error in form.non_field_errors():
        messages.error(request, str(error))
    return result


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
            "can_create": can(request.user, Capability.AGREEMENT_DRAFT),
        },
    )


def publicity(request: HttpRequest) -> HttpResponse:
    return render(
        request, "agreements/publicity.html", {"agreements": list(selectors.publicity_list()[:200])}
    )


@login_required
def agreement_new(request: HttpRequest) -> HttpResponse:
    """起草协议: by hand (the village picked, the partner found by name, resources from the village's
    ledger), or from a pairing at 签约 (``?pairing=``: village, partner and the notice's resources
    filled in). A pairing that already led to an agreement sends the official to it."""
    require(request.user, Capability.AGREEMENT_DRAFT)
    initial: dict[str, Any] = {"mode": "additive", "reserve_rate": "0.1"}
    pairing = None
    pairing_id = request.GET.get("pairing") or request.POST.get("pairing")
    if pairing_id and str(pairing_id).isdigit():
        from xiangcun.matching.selectors import pairing_get_for

        pairing = pairing_get_for(request.user, int(pairing_id))
        require(request.user, Capability.AGREEMENT_DRAFT, pairing.notice.village_id)
        existing = selectors.agreement_of_pairing(pairing)
        if existing is not None and request.method != "POST":
            messages.info(
                request,
                gettext("该对接已起草协议（合同编号 %(code)s），以下是该协议。") % {"code": existing.code},
            )
            return redirect("agreements:detail", pk=existing.pk)
        initial.update(village=pairing.notice.village_id, pairing=pairing.pk)
        prefill_from_pairing(initial, pairing)
    else:  # a blank draft starts with the collective and one partner bringing cash
        initial.update(row0_role="collective", row1_role="partner", row1_kind="cash")
        own = selectors.own_village(request.user)  # a village's cadre drafts for their village
        if own is not None:
            initial.update(village=own.code, row0_party=f"{own.name}股份经济合作社")
    form = ActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        initial = request.POST.dict()
        agreement = submit(
            form,
            lambda _: services.agreement_create(
                user=request.user, draft=parse(AgreementIn, form_data(request.POST))
            ),
        )
        if agreement is not None:
            messages.success(request, f"协议草稿已建立，合同编号 {agreement.code}。")
            return redirect("agreements:detail", pk=agreement.pk)
    village = pairing.notice.village if pairing is not None else None
    return _form_page(request, form=form, initial=initial, pairing=pairing, village=village)


def _form_page(
    request: HttpRequest,
    *,
    form: ActionForm,
    initial: dict[str, Any],
    pairing: Any = None,
    agreement: Any = None,
    village: Any = None,
) -> HttpResponse:
    """The drafting form. ``village`` is fixed (from the pairing, or the draft's own) and shown by
    name; else the village picker, whose chosen village's ledger fills the resource pickers."""
    chosen = village or selectors.drafting_village(request.user, str(initial.get("village") or ""))
    pairing_open = pairing is None or pairing.status in DRAFTABLE_PAIRING_STATUSES
    rows = form_rows(initial)
    filled = [r["i"] for r in rows if r["filled"]]
    # Rows up to the last filled one (two at least) are shown; the others wait behind "添加更多出资".
    more_from = max(2, filled[-1] + 1 if filled else 0)
    return render(
        request,
        "agreements/form.html",
        {
            "form": form,
            "initial": initial,
            "rows": rows,
            "more_from": more_from,
            "pairing": pairing,
            "pairing_open": pairing_open,
            "agreement": agreement,
            "village": village,
            "resources_village": chosen,
            "resources": _resource_choices(selectors.drafting_resources(chosen)),
            "resource_kinds": ",".join(RESOURCE_KINDS),
            "roles": PartyRole.choices,
            "kinds": ContributionKind.choices,
            "modes": DistributionMode.choices,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@dataclass(frozen=True)
class ResourceChoice:
    """A resource of the ledger as the resource picker offers it, with what picking it fills in."""

    pk: int
    name: str
    kind_label: str
    area: str
    kind: str
    params: str  # JSON: the valuation parameters of ``services.contribution_from_resource``


def _resource_choices(resources: list[Any]) -> list[ResourceChoice]:
    out = []
    for r in resources:
        c = services.contribution_from_resource(r)
        out.append(
            ResourceChoice(
                r.pk,
                r.name,
                r.kind_label(),
                f"{r.area.normalize():f} {r.get_unit_display()}",
                c["kind"],
                json.dumps({k: str(v) for k, v in c["params"].items()}, ensure_ascii=False),
            )
        )
    return out


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a draft before the 村民代表大会 sees it (the service refuses any other state)."""
    agreement = selectors.agreement_get_for(request.user, pk, write=True)
    initial = form_initial(agreement)
    form = ActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        initial = request.POST.dict()
        saved = submit(
            form,
            lambda _: services.agreement_update(
                user=request.user, agreement=agreement, draft=parse(AgreementIn, form_data(request.POST))
            ),
        )
        if saved is not None:
            messages.success(request, "协议草稿已保存。")
            return redirect("agreements:detail", pk=agreement.pk)
    return _form_page(request, form=form, initial=initial, agreement=agreement, village=agreement.village)


@login_required
@require_GET
def partner_options(request: HttpRequest) -> HttpResponse:
    """The drafting form's partner picker (htmx): verified partners found by name (``q``) for the
    contribution row ``row``; a person is found by the full name only (``partner_choices_for``)."""
    require(request.user, Capability.AGREEMENT_DRAFT)
    from xiangcun.partners.selectors import partner_choices_for

    row = request.GET.get("row", "")
    q = request.GET.get("q", "").strip()[:40]
    return render(
        request,
        "agreements/_partner_options.html",
        {
            "row": int(row) if row.isdigit() and int(row) < FORM_ROWS else 0,
            "q": q,
            "choices": partner_choices_for(request.user, q),
        },
    )


@login_required
@require_GET
def resource_options(request: HttpRequest) -> HttpResponse:
    """The options of a contribution row's resource picker (htmx) for the village the form names
    (``village``): that village's ledger, for an official who may draft there (else 403)."""
    code = request.GET.get("village", "").strip()[:12]
    if code:
        require(request.user, Capability.AGREEMENT_DRAFT, code, field="village")
    row = request.GET.get("row", "")
    i = int(row) if row.isdigit() and int(row) < FORM_ROWS else 0
    village = selectors.drafting_village(request.user, code)
    return render(
        request,
        "agreements/_resource_options.html",
        {
            "resources_village": village,
            "resources": _resource_choices(selectors.drafting_resources(village)),
            "selected": request.GET.get(f"row{i}_resource", ""),
        },
    )


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for(request.user, pk)
    kind = selectors.reader_kind(request.user, agreement) or "public"
    official = kind == "official"
    today = timezone.localdate()
    # 计算年度分配: the years in force not settled yet (the ended ones are due).
    years = selectors.settlement_years(agreement, today=today)
    return render(
        request,
        "agreements/detail.html",
        {
            "agreement": agreement,
            "kind": kind,
            "official": official,
            "today": today,
            # 公示 entered now would end on this day (the server's date, never one typed in).
            "deadline_if_now": add_working_days(today, OBJECTION_WORKING_DAYS),
            "working_days": OBJECTION_WORKING_DAYS,
            # What this reader may do now (the services' rules) and, if nothing forward, who acts next.
            "actions": selectors.agreement_actions_for(request.user, agreement, today)
            if kind != "public"
            else None,
            "parties": agreement.parties.prefetch_related("contributions").order_by("position"),
            "members": selectors.members_for(agreement, kind),
            "labour": agreement.labour_commitments.all(),
            "objections": agreement.objections.all(),
            "events": agreement.events.select_related("actor").order_by("created_at", "id")
            if kind != "public"
            else [],
            "settlements": selectors.settlement_list(agreement) if kind != "public" else [],
            "years_open": years.open,
            "years_due": years.due,
        },
    )


@login_required
@require_POST
def agreement_step(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for(request.user, pk, write=True)
    moved = _act(
        request,
        lambda: services.agreement_transition(
            user=request.user, agreement=agreement, step=parse(TransitionIn, _seen(request.POST, agreement))
        ),
    )
    if moved is not None:
        messages.success(request, str(selectors.agreement_step_done(moved)))
    return redirect("agreements:detail", pk=pk)


@login_required
@require_POST
def agreement_backfill(request: HttpRequest, pk: int) -> HttpResponse:
    """补录 of a paper 公示 (and signing) by the city office (the service checks who and the dates)."""
    agreement = selectors.agreement_get_for(request.user, pk, write=True)
    done = _act(
        request,
        lambda: services.agreement_backfill(
            user=request.user, agreement=agreement, record=parse(BackfillIn, _seen(request.POST, agreement))
        ),
    )
    if done is not None:
        messages.success(request, gettext("纸质公示已补录，协议页显示补录标记和原因。"))
    return redirect("agreements:detail", pk=pk)


@login_required
@require_POST
def objection_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for(request.user, pk, write=True)
    recorded = _act(
        request,
        lambda: services.objection_record(
            user=request.user, agreement=agreement, objection=parse(ObjectionIn, request.POST.dict())
        ),
    )
    if recorded is not None:
        messages.success(request, str(Msg("异议已登记。答复后方可签署；异议成立的，协议退回草稿。")))
    return redirect("agreements:detail", pk=pk)


@login_required
@require_POST
def objection_reply(request: HttpRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_get_for(request.user, pk)
    answered = _act(
        request,
        lambda: services.objection_answer(
            user=request.user, objection=objection, answer=parse(AnswerIn, request.POST.dict())
        ),
    )
    if answered is not None:
        messages.success(request, str(selectors.objection_answer_done(answered)))
    return redirect("agreements:detail", pk=objection.agreement_id)


def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from xiangcun.agreements.pdf import agreement_pdf as render_pdf

    agreement = selectors.agreement_get_for(request.user, pk)
    data = render_pdf(agreement, selectors.reader_kind(request.user, agreement) or "public")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{agreement.code}.pdf"'
    return response


@login_required
@require_POST
def settlement_new(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for(request.user, pk, write=True)

    def run() -> Any:
        upload = request.FILES.get("labour_file")
        labour = labour_from_xlsx(upload) if upload else labour_from_text(request.POST.get("labour", ""))
        document = {**request.POST.dict(), "labour": labour}
        return services.settlement_run(
            user=request.user, agreement=agreement, settlement=parse(SettlementIn, document)
        )

    row = _act(request, run)
    if row is None:
        year = request.POST.get("year", "")
        if request.POST.get("corrects_version") and year.isdigit():
            return redirect("agreements:settlement", pk=pk, year=int(year))
        return redirect("agreements:detail", pk=pk)
    messages.success(
        request,
        str(
            Msg(
                "已计算 {year} 年度分配（第 {version} 版）。农户收益清单可下载 PDF 或 xlsx。",
                year=row.year,
                version=row.version,
            )
        ),
    )
    return redirect("agreements:settlement", pk=pk, year=row.year)


def _settlement(request: HttpRequest, pk: int, year: int) -> tuple[Any, str]:
    version = request.GET.get("version")
    row = selectors.settlement_get_for(
        request.user, pk, year, version=int(version) if version and version.isdigit() else None
    )
    return row, selectors.reader_kind(request.user, row.agreement) or "public"


def settlement_detail(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    row, kind = _settlement(request, pk, year)
    agreement = row.agreement
    parties, households = selectors.settlement_lines(row, kind)
    current = selectors.settlement_is_current(row)
    return render(
        request,
        "agreements/settlement.html",
        {
            "agreement": agreement,
            "row": row,
            "current": current,
            "can_correct": current and selectors.settlement_correctable(request.user, agreement),
            "parties": parties,
            "households": households,
            "versions": agreement.settlements.filter(year=year).order_by("version"),
            "labour_total": sum((h.labour for h in households), Decimal(0)),
            "kind": kind,
            # Each household's statement (PDF) is printed for the household by the officials in scope.
            "statements": kind == "official",
        },
    )


def settlement_pdf(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    from xiangcun.agreements.pdf import statements_pdf

    row, kind = _settlement(request, pk, year)
    response = HttpResponse(statements_pdf(row, kind), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="statements-{row.agreement.code}-{year}-v{row.version}.pdf"'
    )
    return response


def statement_pdf(request: HttpRequest, pk: int, year: int, household: str) -> HttpResponse:
    """One household's statement of a year's settlement as a PDF (officials of the village's region)."""
    from xiangcun.agreements.pdf import household_statement_pdf

    version = request.GET.get("version")
    row, line = selectors.statement_get_for(
        request.user, pk, year, household, version=int(version) if version and version.isdigit() else None
    )
    response = HttpResponse(household_statement_pdf(row, line), content_type="application/pdf")
    safe = (
        "".join(ch for ch in line.household if ch.isascii() and (ch.isalnum() or ch in "-_")) or "household"
    )
    response["Content-Disposition"] = (
        f'inline; filename="statement-{row.agreement.code}-{year}-v{row.version}-{safe}.pdf"'
    )
    return response


def settlement_xlsx(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    row, kind = _settlement(request, pk, year)
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
            "rows": [(r, selectors.guarantee_actions_for(request.user, r)) for r in rows],
            "overdue": sum(1 for r in rows if r.overdue),
            "payable": sum(1 for r in rows if r.paid is None and r.payable and not r.overdue),
            "not_due": sum(1 for r in rows if r.paid is None and not r.payable),
        },
    )


@login_required
@require_POST
def guarantee_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that a year's guaranteed income reached the collective (from the due list)."""
    agreement = selectors.agreement_get_for(request.user, pk, write=True)
    payment = _act(
        request,
        lambda: services.guarantee_payment_record(
            user=request.user, agreement=agreement, payment=parse(GuaranteePaidIn, request.POST.dict())
        ),
    )
    if payment is not None:
        messages.success(
            request,
            str(
                Msg(
                    "已登记 {year} 年度保底收益支付（{paid_on}）。",
                    year=payment.year,
                    paid_on=f"{payment.paid_on:%Y-%m-%d}",
                )
            ),
        )
    return redirect("agreements:guarantees")


def simulator(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for(request.user, pk)
    kind = selectors.reader_kind(request.user, agreement) or "public"
    scenarios = selectors.simulate_scenarios(agreement, kind)
    form = ActionForm(request.GET)
    asked = submit(form, lambda _: selectors.profits_between(agreement, parse(RangeIn, request.GET.dict())))
    for error in form.non_field_errors():
        messages.error(request, str(error))  # a bad range: the default one, with the message
    low, high, profits = asked or selectors.profits_between(
        agreement, RangeIn(low=None, high=None, steps=None)
    )
    series = selectors.simulate(agreement, profits, kind)
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


# A section of the village page (regions/sections.py), registered in apps.py.
def village_agreements_section(request: HttpRequest, village: Any) -> dict[str, Any]:
    """The village's public agreements (公示中, signed, in force) with what their public page shows:
    code, project, the partners' names, the term."""
    agreements = list(selectors.agreement_list_public_in_village(village.code)[:50])
    return {
        "agreements": [
            (a, [p.name for p in a.parties.all() if p.role == PartyRole.PARTNER]) for a in agreements
        ]
    }


# A section of the pairing page (matching/sections.py), registered in apps.py.
def pairing_agreement_section(request: HttpRequest, pairing: Any) -> dict[str, Any] | None:
    """The step after 签约 on a pairing's page: the agreement drafted from it ("查看协议", for whoever
    may read it), else at 签约 or 履约 "起草协议" for those who may draft in the notice's village."""
    agreement = selectors.agreement_of_pairing(pairing)
    if agreement is not None:
        return {"agreement": agreement} if selectors.reader_kind(request.user, agreement) else None
    if pairing.status in DRAFTABLE_PAIRING_STATUSES and can(
        request.user, Capability.AGREEMENT_DRAFT, pairing.notice.village_id
    ):
        return {"draft_url": f"{reverse('agreements:new')}?pairing={pairing.pk}"}
    return None
