"""Pages for matching: a partner's recommendations, the county pairing (run → review → invite),
我的对接 for partners and villages, a pairing's record, and the city's weights."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiangcun.accounts.models import Role
from xiangcun.accounts.permissions import Capability, require
from xiangcun.accounts.scoping import user_scope
from xiangcun.core.errors import AccessDenied, ApplicationError, NotFoundError
from xiangcun.matching import selectors, services
from xiangcun.matching.models import PairingStatus
from xiangcun.matching.scoring import FACTOR_LABELS, FACTORS
from xiangcun.partners.selectors import partner_get, partner_of_user, partner_view
from xiangcun.partners.services import is_city_office
from xiangcun.recruitment.selectors import notice_get
from xiangcun.regions.models import Region


def _denied(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "403.html", {"message": message}, status=403)


@login_required
def recommendations(request: HttpRequest) -> HttpResponse:
    """Top notices for the signed-in partner (or, for the city office, for ``?partner=ID``)."""
    partner = partner_of_user(request.user)
    if is_city_office(request.user) and request.GET.get("partner", "").isdigit():
        partner = partner_get(int(request.GET["partner"]))
    if partner is None:
        return _denied(request, "推荐招募令需要合伙人资料，请先注册为合伙人。")
    recs = selectors.notices_for_partner(partner, 10)
    notices = selectors.notices_by_id([r.id for r in recs])
    return render(
        request,
        "matching/recommendations.html",
        {"partner": partner, "rows": [(r, notices[r.id]) for r in recs if r.id in notices]},
    )


def _county_of(request: HttpRequest) -> str | None:
    user: Any = request.user
    code = request.GET.get("county") or request.POST.get("county") or ""
    if not code and getattr(user, "role", None) == Role.COUNTY_ADMIN:
        code = user.region_code
    return code if code.isdigit() and len(code) == 6 else None


@login_required
def county_pairing(request: HttpRequest) -> HttpResponse:
    """Run the county's pairing and list its earlier runs — only for a county the caller governs."""
    user: Any = request.user
    require(user, Capability.PAIRING_RUN)
    county = _county_of(request)
    if county:
        require(user, Capability.PAIRING_RUN, county, field="county")
    counties = user_scope(user).filter(Region.objects.filter(level="county"), "code").order_by("code")
    if request.method == "POST" and county:
        try:
            run = services.pairing_run_create(user=user, county_code=county)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("matching:run", pk=run.pk)
    runs = list(selectors.pairing_run_list_for(user, county)[:10]) if county else []
    return render(request, "matching/county.html", {"county": county, "counties": counties, "runs": runs})


def _run_rows(run: Any, user: Any) -> list[dict[str, Any]]:
    pairs = run.proposal.get("pairs", [])
    notices = selectors.notices_by_id([int(p["notice"]) for p in pairs])
    partners = selectors.partners_by_id([int(p["partner"]) for p in pairs])
    rows = []
    for p in pairs:
        n, q = notices.get(int(p["notice"])), partners.get(int(p["partner"]))
        if n is None or q is None:
            continue
        rows.append(
            {
                "notice": n,
                "partner": partner_view(q, user),
                "fit": p["fit"],
                "percent": round(p["fit"] * 100),
                "reasons": selectors.pair_explanation(n, q).explanation(),
            }
        )
    return rows


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.pairing_run_get_for(request.user, pk)
    return render(request, "matching/run.html", {"run": run, "rows": _run_rows(run, request.user)})


@login_required
@require_POST
def run_send(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        run = selectors.pairing_run_get_for(request.user, pk, write=True)
        keep = [tuple(v.split(":", 1)) for v in request.POST.getlist("pair") if ":" in v]
        created = services.pairing_run_send(user=request.user, run=run, pairs=keep)  # type: ignore[arg-type]
    except (NotFoundError, AccessDenied):
        raise  # the error middleware renders the 404 / 403 page
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("matching:run", pk=pk)
    messages.success(request, f"已发出 {len(created)} 份对接邀请。")
    return redirect("matching:mine")


@login_required
def my_pairings(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") if request.GET.get("status") in PairingStatus.values else None
    pairings = list(selectors.pairing_list_for(request.user, status)[:200])
    counts = selectors.pairing_counts_for(request.user)
    return render(
        request,
        "matching/mine.html",
        {
            "pairings": [(p, partner_view(p.partner, request.user)) for p in pairings],
            "statuses": [(value, label, counts.get(value, 0)) for value, label in PairingStatus.choices],
            "status": status,
        },
    )


@login_required
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = selectors.pairing_get_for(request.user, pk)  # 404 / 403 via the error middleware
    next_status = services.NEXT.get(pairing.status)
    return render(
        request,
        "matching/pairing.html",
        {
            "pairing": pairing,
            "pv": partner_view(pairing.partner, request.user),
            "events": selectors.pairing_events(pairing),
            "next_status": next_status,
            "next_label": PairingStatus(next_status).label if next_status else "",
            "party": selectors.pairing_party(request.user, pairing),
        },
    )


@login_required
@require_POST
def pairing_step(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        pairing = selectors.pairing_get_for(request.user, pk, write=True)
        services.pairing_transition(
            user=request.user,
            pairing=pairing,
            to_status=request.POST.get("to_status", ""),
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except (NotFoundError, AccessDenied):
        raise  # the error middleware renders the 404 / 403 page
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "对接阶段已更新。")
    return redirect("matching:pairing", pk=pk)


@login_required
@require_POST
def pairing_note(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        pairing = selectors.pairing_get_for(request.user, pk, write=True)
        services.pairing_note_add(
            user=request.user,
            pairing=pairing,
            note=request.POST.get("note", ""),
            meeting_date=request.POST.get("meeting_date") or None,
        )
    except (NotFoundError, AccessDenied):
        raise  # the error middleware renders the 404 / 403 page
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "洽谈记录已保存。")
    return redirect("matching:pairing", pk=pk)


@login_required
@require_POST
def express_interest(request: HttpRequest, notice_pk: int) -> HttpResponse:
    try:
        notice = notice_get(notice_pk)
        pairing = services.pairing_express_interest(
            user=request.user, notice=notice, note=request.POST.get("note", "")
        )
    except (NotFoundError, AccessDenied):
        raise  # the error middleware renders the 404 / 403 page
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("recruitment:detail", pk=notice_pk)
    messages.success(request, "已表达合作意向，组织方将与您联系。")
    return redirect("matching:pairing", pk=pairing.pk)


@login_required
def weights_edit(request: HttpRequest) -> HttpResponse:
    if not is_city_office(request.user):
        return _denied(request, "只有市级管理员可以修改匹配权重。")
    weights, threshold = selectors.weights_get()
    values: dict[str, Any] = weights.to_dict()
    status = 200
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in FACTORS}
        threshold_in: Any = request.POST.get("threshold", threshold)
        try:
            services.weights_update(user=request.user, values=values, threshold=threshold_in)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, "匹配权重已保存。")
            return redirect("matching:weights")
    rows = [(name, FACTOR_LABELS[name][0], values.get(name)) for name in FACTORS]
    return render(request, "matching/weights.html", {"rows": rows, "threshold": threshold}, status=status)
