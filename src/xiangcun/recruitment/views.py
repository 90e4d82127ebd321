"""Pages for recruitment notices: public list and detail, officials' work list, drafting, the
workflow buttons, 招募令 batches (printable) and the xlsx export."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from xiangcun.accounts.permissions import Capability, can, is_official, require
from xiangcun.accounts.scoping import user_scope
from xiangcun.core import vocab
from xiangcun.core.errors import AccessDenied
from xiangcun.core.inputs import parse, submit
from xiangcun.core.ratelimit import limited
from xiangcun.recruitment import selectors, services
from xiangcun.recruitment.exports import notices_xlsx
from xiangcun.recruitment.forms import BatchForm, NoticeForm, TransitionForm
from xiangcun.recruitment.models import NoticeStatus
from xiangcun.recruitment.schemas import BatchIn, NoticeIn
from xiangcun.recruitment.sections import NOTICE_PAGE
from xiangcun.regions.selectors import counties_of, region_label


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _filters(request: HttpRequest) -> selectors.NoticeFilters:
    g = request.GET
    codes = {
        "category": vocab.codes(vocab.PROJECT_CATEGORIES),
        "kind": vocab.codes(vocab.PARTNER_KINDS),
    }
    county = g.get("county", "")
    return selectors.NoticeFilters(
        county=county if county.isdigit() and len(county) == 6 else None,
        category=g.get("category") if g.get("category") in codes["category"] else None,
        kind=g.get("kind") if g.get("kind") in codes["kind"] else None,
        investment_min=_decimal(g.get("investment_min")),
        investment_max=_decimal(g.get("investment_max")),
        q=(g.get("q") or "").strip()[:40] or None,
    )


def _filter_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "counties": counties_of(settings.XIANGCUN_CITY_CODE),
        "categories": vocab.PROJECT_CATEGORIES,
        "kinds": vocab.PARTNER_KINDS,
        "f": request.GET,
    }


def _valid_filters(request: HttpRequest, filters: selectors.NoticeFilters) -> selectors.NoticeFilters:
    """``filters``, or none when they contradict each other (the page says why and lists all)."""
    problem = selectors.notice_filters_problem(filters)
    if problem is None:
        return filters
    messages.error(request, problem.message)
    return selectors.NoticeFilters()


def notice_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.notice_list_public(_valid_filters(request, _filters(request)))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "recruitment/notice_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "batches": selectors.batch_list()[:5],
            "official": is_official(request.user),
            **_filter_context(request),
        },
    )


# The work list's heading by the status it is filtered to.
MINE_HEADINGS = {
    "": _("本辖区招募令"),
    NoticeStatus.SUBMITTED: _("待审核招募令"),
    NoticeStatus.APPROVED: _("待发布招募令"),
    NoticeStatus.REJECTED: _("被退回的招募令"),
    NoticeStatus.DRAFT: _("招募令草稿"),
    NoticeStatus.PUBLISHED: _("已发布的招募令"),
    NoticeStatus.MATCHED: _("已对接的招募令"),
    NoticeStatus.CLOSED: _("已关闭的招募令"),
}


@login_required
def notice_mine(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.OFFICIAL_READ, message="只有各级管理员和村干部可以查看本辖区招募令。")
    status = request.GET.get("status") or None
    filters = selectors.NoticeFilters(status=status if status in NoticeStatus.values else None)
    qs = selectors.notice_list_for(request.user, filters)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    scope = user_scope(request.user)
    return render(
        request,
        "recruitment/notice_mine.html",
        {
            "page": page,
            "statuses": NoticeStatus.choices,
            "status": status,
            "query": f"status={filters.status}" if filters.status else "",
            # "东昌府区三庄街道 · 待审核招募令": the region by name, never by its code.
            "region_label": region_label(scope.label) if scope.level else "",
            "heading": MINE_HEADINGS.get(filters.status or "", MINE_HEADINGS[""]),
        },
    )


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_for(request.user, pk)
    official = selectors.notice_is_governed(request.user, notice)
    context: dict[str, Any] = {
        "notice": notice,
        "contact": selectors.notice_contact_for(request.user, notice, purpose=selectors.PURPOSE_NOTICE),
        # A partner may be in an active pairing with the notice: matching (above this app) says, and
        # serves the contact in full to them as an htmx fragment.
        "ask_matching": can(request.user, Capability.PARTNER_WORK),
        "official": official,
        "editable": official
        and notice.status in selectors.EDITABLE
        and can(request.user, Capability.NOTICE_DRAFT, notice.region_code),
        "actions": selectors.notice_actions_for(request.user, notice) if official else None,
        "transitions": selectors.notice_transitions(notice) if official else [],
        "expired": selectors.notice_is_expired(notice),
        "batches": selectors.batch_list()[:10],
        # The recommended partners come from matching (above this app) as an htmx fragment.
        "recommendations": official and notice.status == NoticeStatus.PUBLISHED,
        # 我要合作 comes from matching too, rendered with the page (recruitment/sections.py).
        "sections": NOTICE_PAGE.for_page(request, notice),
    }
    return render(request, "recruitment/notice_detail.html", context)


# Sections of the region and village pages (regions/sections.py), registered in apps.py.
NOTICES_PER_REGION_PAGE = 10
NOTICES_PER_VILLAGE_PAGE = 20


def village_notices_section(request: HttpRequest, village: Any) -> dict[str, Any]:
    """The village's public notices (as home village or one of several)."""
    qs = selectors.notice_list_public_in(village.code)
    return {"notices": list(qs[:NOTICES_PER_VILLAGE_PAGE]), "total": qs.count(), "village": village}


def region_notices_section(request: HttpRequest, region: Any) -> dict[str, Any]:
    """A county's (or town's) public notices, paged on the region's own page (``?page=``); a county's
    also link to the notice list filtered to it, where the other filters are."""
    qs = selectors.notice_list_public_in(region.code)
    page = Paginator(qs, NOTICES_PER_REGION_PAGE).get_page(request.GET.get("page"))
    return {"page": page, "region": region, "county_filter": len(region.code) == 6}


@login_required
@require_POST
def notice_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """A workflow button. A step the user may not take is the 403 page (the error middleware's); a
    step the notice's state refuses (or a missing reason) comes back as a message on its page."""
    notice = selectors.notice_get_for(request.user, pk, write=True)
    step = selectors.STEPS.get(request.POST.get("action", ""))
    if step is not None:
        require(request.user, selectors.step_capability(step, notice), notice.region_code)
    batch_id = request.POST.get("batch")
    batch = selectors.batch_get_for(request.user, int(batch_id)) if batch_id and batch_id.isdigit() else None
    form = TransitionForm(request.POST)
    done = submit(
        form,
        lambda d: services.notice_transition(
            user=request.user,
            notice=notice,
            action=d["action"],
            reason=d["reason"],
            batch=batch,
            # the state the page showed (a page without one acts on the state read just now)
            expected_status=d["expected_status"] or notice.status,
        ),
    )
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    if done is not None and step is not None:
        messages.success(request, str(selectors.notice_step_done(step, done)))
    return redirect("recruitment:detail", pk=pk)


def _notice_action(save: Any) -> Any:
    """The form's action: its cleaned data as ``NoticeIn``, then ``save(notice_in)``."""
    return lambda data: save(parse(NoticeIn, NoticeForm.input_data(data)))


@login_required
def notice_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.NOTICE_DRAFT, message="只有各级管理员和村干部可以起草招募令。")
    user: Any = request.user
    form = NoticeForm(request.POST or None, user=user)
    if request.method == "POST":
        notice = submit(
            form,
            _notice_action(lambda n: services.notice_create(user=user, notice_in=n)),
        )
        if notice is not None:
            messages.success(request, "招募令草稿已保存，可提交乡镇审核。")
            return redirect("recruitment:detail", pk=notice.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "recruitment/notice_form.html", {"form": form}, status=status)


@login_required
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft or returned notice (the services check region, role and state)."""
    notice = selectors.notice_get_for(request.user, pk)
    require(request.user, Capability.NOTICE_DRAFT, notice.region_code,
            message="该招募令不在您的管辖范围内，不能修改。")  # fmt: skip
    if request.method == "GET":  # the form shows the contact in full: logged
        selectors.notice_contact_for(request.user, notice, purpose=selectors.PURPOSE_NOTICE_EDIT)
    form = NoticeForm(
        request.POST or None, initial=NoticeForm.initial_of(NoticeIn.of(notice)), user=request.user
    )
    if request.method == "POST":
        saved = submit(
            form,
            _notice_action(lambda n: services.notice_update(user=request.user, notice=notice, notice_in=n)),
        )
        if saved is not None:
            messages.success(request, "招募令已保存。")
            return redirect("recruitment:detail", pk=notice.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "recruitment/notice_form.html", {"form": form, "notice": notice}, status=status)


def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for(request.user, pk)
    notices = list(selectors.batch_notices(batch))
    contacts = selectors.notice_contacts_for(request.user, notices, purpose=selectors.PURPOSE_BATCH)
    for n, contact in zip(notices, contacts, strict=True):
        n.display_contact = contact.contact  # type: ignore[attr-defined]
    return render(request, "recruitment/batch_detail.html", {"batch": batch, "notices": notices})


def batch_list(request: HttpRequest) -> HttpResponse:
    """The 招募令 batches; the city office opens a new one here."""
    can_create = can(request.user, Capability.BATCH_MANAGE)
    form = BatchForm(request.POST or None)
    if request.method == "POST":
        if not can_create:
            raise AccessDenied("只有市合伙人办公室可以创建招募令批次。")
        batch = submit(
            form,
            lambda d: services.batch_create(user=request.user, batch_in=parse(BatchIn, d)),
        )
        if batch is not None:
            messages.success(request, "招募令批次已创建。各县（市、区）发布招募令时可选择该批次。")
            return redirect("recruitment:batch", pk=batch.pk)
    errors = {("title" if name == "__all__" else name): errs[0] for name, errs in form.errors.items()}
    return render(
        request,
        "recruitment/batch_list.html",
        {"batches": selectors.batch_list(), "can_create": can_create, "errors": errors, "post": request.POST},
        status=400 if errors else 200,
    )


# Heavy: a whole table as xlsx. Limited so that a burst of downloads cannot starve the site.
@limited("export", per_minute=20, anonymous_per_minute=6, concurrent=2)
def notice_export(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    if selectors.notice_filters_problem(filters) is not None:
        filters = selectors.NoticeFilters()
    response = HttpResponse(
        notices_xlsx(selectors.notice_list_public(filters)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="notices.xlsx"'
    return response
