"""Pages for matching: a partner's recommendations, the county pairing (run → review → invite),
我的对接 for partners and villages, a pairing's record, the city's weights, and the recommended
partners fragment of a notice's page (loaded there with htmx: recruitment does not import matching).

Fetch by id only through the access functions (``pairing_run_get_for``, ``pairing_get_for``,
``partner_get_for``, ``notice_get_for``); a refused or unknown id escapes to the error middleware.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from xiangcun.accounts.permissions import Capability, can, governs, require
from xiangcun.core import regioncodes
from xiangcun.core.errors import Msg
from xiangcun.core.inputs import parse, perform, submit
from xiangcun.matching import selectors, services
from xiangcun.matching.models import PairingMethod, PairingStatus
from xiangcun.matching.schemas import InterestIn, NoteIn, PairingTransitionIn, RunIn, SendIn, WeightsIn
from xiangcun.matching.scoring import FACTOR_LABELS, FACTORS
from xiangcun.matching.sections import PAIRING_PAGE
from xiangcun.partners.selectors import NAME_ONLY, partner_get_for, partner_of_user, partner_view
from xiangcun.recruitment.models import NoticeStatus
from xiangcun.recruitment.selectors import notice_get_for


@login_required
def recommendations(request: HttpRequest) -> HttpResponse:
    """Top notices for the signed-in partner (or, for the city office, for ``?partner=ID``)."""
    partner = partner_of_user(request.user)
    if can(request.user, Capability.MATCH_BROWSE_PARTNERS) and request.GET.get("partner", "").isdigit():
        partner = partner_get_for(request.user, int(request.GET["partner"]))
    if partner is None:
        return render(
            request, "403.html", {"message": "推荐招募令需要合伙人资料，请先注册为合伙人。"}, status=403
        )
    recs = selectors.notice_recommendations_for(request.user, partner, 10)
    notices = selectors.notices_by_id([r.id for r in recs])
    return render(
        request,
        "matching/recommendations.html",
        {"partner": partner, "rows": [(r, notices[r.id]) for r in recs if r.id in notices]},
    )


def _county_of(request: HttpRequest) -> str | None:
    """The county asked for (``?county=`` or the form), else a county administrator's own."""
    user: Any = request.user
    code = request.GET.get("county") or request.POST.get("county") or ""
    own = getattr(user, "region_code", "") or ""
    if not code and regioncodes.is_valid_code(own) and regioncodes.level_of(own) == "county":
        code = own
    return code if code.isdigit() and len(code) == 6 else None


@login_required
def county_pairing(request: HttpRequest) -> HttpResponse:
    """Run the county's pairing and list its earlier runs — only for a county the caller governs."""
    user: Any = request.user
    require(user, Capability.PAIRING_RUN)
    county = _county_of(request)
    if county:
        require(user, Capability.PAIRING_RUN, county, field="county")
    if request.method == "POST" and county:
        data = parse(RunIn, {"county": county})
        run = perform(request, lambda: services.pairing_run_create(user=user, county_code=data.county))
        if run is not None:
            return redirect("matching:run", pk=run.pk)
    counties = selectors.pairing_counties_for(user)
    runs = list(selectors.pairing_run_list_for(user, county)[:10]) if county else []
    return render(request, "matching/county.html", {"county": county, "counties": counties, "runs": runs})


def _run_rows(run: Any, user: Any, method: str) -> list[dict[str, Any]]:
    """The pairs of the ``method`` proposal, best fit first (ties by notice), with what the reviewer
    filters on."""
    pairs = run.proposal_of(method).get("pairs", [])
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
                "town": n.village.town,
                "partner": partner_view(q, user, fields=NAME_ONLY),
                "fit": p["fit"],
                "percent": round(p["fit"] * 100),
                "reasons": selectors.pair_explanation(n, q).explanation(),
            }
        )
    rows.sort(key=lambda r: (-r["fit"], r["notice"].pk))
    return rows


def _bounded_percent(value: str | None) -> int | None:
    """``?above=`` as a whole percentage 0–100; anything else is no selection."""
    if value is None or not value.strip().isdigit():
        return None
    return min(100, int(value))


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Review a proposal: sorted by fit, filtered by town and partner kind; nothing is ticked until
    the reviewer ticks rows or asks for every row above a fit ("全选匹配度不低于 X% 的组合")."""
    run = selectors.pairing_run_get_for(request.user, pk)
    method = request.GET.get("method", "")
    if run.invitations_sent:
        method = run.method
    elif method not in PairingMethod.values or not run.proposal_of(method):
        method = PairingMethod.MAX_FIT
    rows = _run_rows(run, request.user, method)
    towns = sorted({(r["town"].code, r["town"].name) for r in rows})
    kinds = sorted({(r["partner"].partner.kind, r["partner"].kind_label) for r in rows})
    town, kind = request.GET.get("town", ""), request.GET.get("kind", "")
    above = _bounded_percent(request.GET.get("above"))
    shown = [
        r
        for r in rows
        if (not town or r["town"].code == town) and (not kind or r["partner"].partner.kind == kind)
    ]
    for r in shown:
        r["ticked"] = above is not None and r["percent"] >= above
    best_total = run.proposal.get("total_fit") or 0.0
    options = [
        {
            "method": value,
            "label": label,
            "proposal": run.proposal_of(value),
            "chosen": value == method,
            # share of the highest total fit given up, in percent (0 for max-fit itself)
            "loss_percent": round(100 * (1 - run.proposal_of(value).get("total_fit", 0.0) / best_total), 2)
            if best_total
            else None,
        }
        for value, label in PairingMethod.choices
        if run.proposal_of(value)
    ]
    context = {
        "run": run,
        "method": method,
        "options": options,
        "threshold_percent": round(run.threshold * 100),
        "rows": shown,
        "total": len(rows),
        "towns": towns,
        "kinds": kinds,
        "town": town,
        "kind": kind,
        "above": above,
        "ticked": sum(1 for r in shown if r["ticked"]),
        # Only the county's (or the city's) pairing office sends; other officials read the proposal.
        "can_send": not run.invitations_sent and can(request.user, Capability.PAIRING_RUN, run.county_id),
        "send": selectors.RUN_SEND,
    }
    return render(request, "matching/run.html", context)


@login_required
@require_POST
def run_send(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.pairing_run_get_for(request.user, pk, write=True)
    kept = [v.split(":", 1) for v in request.POST.getlist("pair") if ":" in v]
    if not kept:
        messages.error(request, _("请至少勾选一个组合再发出邀请。"))
        return redirect("matching:run", pk=pk)

    def send() -> list[Any]:
        data = parse(
            SendIn,
            {
                "pairs": [{"notice": n, "partner": p} for n, p in kept],
                "method": request.POST.get("method") or "max_fit",
            },
        )
        return services.pairing_run_send(user=request.user, run=run, pairs=data.kept(), method=data.method)

    created = perform(request, send)
    if created is None:
        return redirect("matching:run", pk=pk)
    messages.success(
        request, str(Msg("已发出 {n} 份对接邀请。合伙人接受邀请后，对接进入洽谈。", n=len(created)))
    )
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
            "pairings": [(p, partner_view(p.partner, request.user, fields=NAME_ONLY)) for p in pairings],
            "statuses": [(value, label, counts.get(value, 0)) for value, label in PairingStatus.choices],
            "status": status,
        },
    )


@login_required
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = selectors.pairing_get_for(request.user, pk)  # 404 / 403 via the error middleware
    party = selectors.pairing_party(request.user, pairing)
    return render(
        request,
        "matching/pairing.html",
        {
            "pairing": pairing,
            "pv": partner_view(pairing.partner, request.user, fields=NAME_ONLY),
            # The other side, masked: "显示联系方式" loads it in full from 洽谈 on (pairing_contact).
            "contact": selectors.pairing_contact_for(request.user, pairing),
            # The notice's own contact line, for the partner of an active pairing (the notice page's
            # rule; officials have the notice's page).
            "notice_contact": selectors.notice_contact_view(request.user, pairing.notice)
            if party == "partner"
            else None,
            "events": selectors.pairing_events(pairing),
            "actions": selectors.pairing_actions_for(request.user, pairing),
            "party": party,
            # The agreement drafted from it, from agreements (above this app): matching/sections.py.
            "sections": PAIRING_PAGE.for_page(request, pairing),
        },
    )


@login_required
@require_GET
def pairing_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """The other side's contact in full ("显示联系方式"): for the pairing's partner the village's
    contact cadre, for the officials governing the village the partner — from 洽谈 on, each view
    logged; masked before 洽谈. An htmx fragment on the pairing's page; a small page without it."""
    pairing = selectors.pairing_get_for(request.user, pk)
    contact = selectors.pairing_contact_for(request.user, pairing, reveal=True)
    template = (
        "matching/_pairing_contact.html"
        if request.headers.get("HX-Request")
        else "matching/pairing_contact.html"
    )
    return render(request, template, {"pairing": pairing, "contact": contact})


@login_required
@require_POST
def pairing_step(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = selectors.pairing_get_for(request.user, pk, write=True)
    party = selectors.pairing_party(request.user, pairing)
    taken: list[selectors.PairingStep] = []

    def step() -> Any:
        data = parse(PairingTransitionIn, _posted(request, "to_status", "reason", "note", "expected_status"))
        which = selectors.pairing_step_of(pairing, party, data.to_status)
        moved = services.pairing_transition(
            user=request.user,
            pairing=pairing,
            to_status=data.to_status,
            reason=data.reason,
            note=data.note,
            expected_status=data.expected_status or pairing.status,
        )
        if which is not None:
            taken.append(which)
        return moved

    if perform(request, step) is not None and taken:
        messages.success(request, str(selectors.pairing_step_done(taken[0])))
    return redirect("matching:pairing", pk=pk)


@login_required
@require_POST
def pairing_note(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = selectors.pairing_get_for(request.user, pk, write=True)

    def note() -> Any:
        data = parse(NoteIn, _posted(request, "note", "meeting_date"))
        return services.pairing_note_add(
            user=request.user, pairing=pairing, note=data.note, meeting_date=data.meeting_date
        )

    if perform(request, note) is not None:
        messages.success(request, str(Msg("洽谈记录已保存。")))
    return redirect("matching:pairing", pk=pk)


@login_required
@require_POST
def express_interest(request: HttpRequest, notice_pk: int) -> HttpResponse:
    notice = notice_get_for(request.user, notice_pk)

    def interest() -> Any:
        data = parse(InterestIn, {"notice": notice.pk, "note": request.POST.get("note", "")})
        return services.pairing_express_interest(user=request.user, notice=notice, note=data.note)

    pairing = perform(request, interest)
    if pairing is None:
        return redirect("recruitment:detail", pk=notice_pk)
    messages.success(
        request,
        str(
            Msg("已表达合作意向。村干部或所在地区的管理员开始洽谈后，您可在本页查看村庄联系人的姓名和电话。")
        ),
    )
    return redirect("matching:pairing", pk=pairing.pk)


def _posted(request: HttpRequest, *names: str) -> dict[str, Any]:
    """The named POST fields, blank ones left out (so that a model's default or "required" applies)."""
    return {name: request.POST[name] for name in names if request.POST.get(name, "").strip()}


class WeightsForm(forms.Form):
    """The weights page: one number per factor and the threshold (then parsed into ``WeightsIn``)."""

    threshold = forms.FloatField(required=False, label=_("配对最低匹配度"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in FACTORS:
            self.fields[name] = forms.FloatField(label=FACTOR_LABELS[name][0])


@login_required
def weights_edit(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.MATCH_WEIGHTS_EDIT, message="只有市级管理员可以修改匹配权重")
    weights, threshold = selectors.weights_current()
    values: dict[str, Any] = weights.to_dict()
    status = 200
    if request.method == "POST":
        form = WeightsForm(request.POST)
        values = {name: request.POST.get(name, "") for name in FACTORS}

        def save(d: dict[str, Any]) -> Any:
            given = d.get("threshold")
            data = parse(
                WeightsIn,
                {"weights": {n: d[n] for n in FACTORS}, "threshold": threshold if given is None else given},
            )
            return services.weights_update(user=request.user, values=data.weights, threshold=data.threshold)

        if submit(form, save) is not None:
            messages.success(request, "匹配权重已保存。")
            return redirect("matching:weights")
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            for error in errors:
                messages.error(request, f"{field.label}：{error}" if field is not None else str(error))
        status = 400
    rows = [(name, FACTOR_LABELS[name][0], values.get(name)) for name in FACTORS]
    return render(request, "matching/weights.html", {"rows": rows, "threshold": threshold}, status=status)


@require_GET
def notice_recommendations(request: HttpRequest, pk: int) -> HttpResponse:
    """The recommended partners of a published notice, as an HTML fragment for the notice's page
    (``hx-get``): officials governing the notice's region see them; anyone else an empty fragment."""
    notice = notice_get_for(request.user, pk)
    rows: list[Any] = []
    if notice.status == NoticeStatus.PUBLISHED and governs(request.user, notice.region_code):
        rows = selectors.partner_recommendations_for(request.user, notice, 10)
    return render(request, "matching/notice_recommendations.html", {"recommendations": rows})


# A section of the notice's page (recruitment/sections.py), registered in apps.py.
def notice_cooperate_section(request: HttpRequest, notice: Any) -> dict[str, Any] | None:
    """我要合作 on a published notice, for every reader: the express-interest form for a verified
    partner, the way to log in or register (and back to the notice) for a visitor, otherwise why not."""
    cooperation = selectors.cooperation_for(request.user, notice)
    if cooperation is None:
        return None
    return {"c": cooperation, "notice": notice, "back": request.path}


@require_GET
def notice_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice's contact line as an HTML fragment for the notice's page (``hx-get``): in full for the
    partner in an active pairing with the notice (and the officials governing it), masked for anyone
    else. The full view is logged (``accounts.privacy``)."""
    notice = notice_get_for(request.user, pk)
    contact = selectors.notice_contact_view(request.user, notice)
    return render(request, "recruitment/_contact.html", {"contact": contact, "notice_pk": notice.pk})
