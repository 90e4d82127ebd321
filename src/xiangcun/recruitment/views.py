"""Pages for recruitment notices: public list and detail, officials' work list, drafting, the
workflow buttons, 招募令 batches (printable) and the xlsx export."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiangcun.accounts.scoping import user_scope
from xiangcun.core import vocab
from xiangcun.core.errors import AccessDenied, ApplicationError, NotFoundError
from xiangcun.core.ratelimit import limited
from xiangcun.recruitment import selectors, services
from xiangcun.recruitment.exports import notices_xlsx
from xiangcun.recruitment.forms import NoticeForm
from xiangcun.regions.selectors import counties_of


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


def notice_list(request: HttpRequest) -> HttpResponse:
    try:
        qs = selectors.notice_list_public(_filters(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        qs = selectors.notice_list_public()
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
            "official": user_scope(request.user).is_official,
            **_filter_context(request),
        },
    )


@login_required
def notice_mine(request: HttpRequest) -> HttpResponse:
    if not user_scope(request.user).is_official:
        return render(
            request, "403.html", {"message": "只有各级管理员和村干部可以查看本辖区招募令。"}, status=403
        )
    status = request.GET.get("status") or None
    try:
        qs = selectors.notice_list_for(request.user, selectors.NoticeFilters(status=status))
    except ApplicationError:
        qs = selectors.notice_list_for(request.user)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    from xiangcun.recruitment.models import NoticeStatus

    return render(
        request,
        "recruitment/notice_mine.html",
        {"page": page, "statuses": NoticeStatus.choices, "status": status},
    )


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = selectors.notice_get_for(request.user, pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except AccessDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    official = user_scope(request.user).contains(notice.region_code)
    context: dict[str, Any] = {
        "notice": notice,
        "contact": selectors.notice_contact_for(request.user, notice),
        "official": official,
        "editable": official and notice.status in services.EDITABLE,
        "actions": services.notice_actions_for(request.user, notice) if official else [],
        "transitions": selectors.notice_transitions(notice) if official else [],
        "batches": selectors.batch_list()[:10],
    }
    if official and notice.status == "published":
        from xiangcun.matching import selectors as matching

        recs = matching.partners_for_notice(notice, 10)
        partners = matching.partners_by_id([r.id for r in recs])
        from xiangcun.partners.selectors import partner_view

        context["recommendations"] = [(r, partner_view(partners[r.id], request.user)) for r in recs]
    if request.user.is_authenticated and notice.status == "published":
        from xiangcun.partners.selectors import partner_of_user

        context["my_partner"] = partner_of_user(request.user)
    return render(request, "recruitment/notice_detail.html", context)


@login_required
@require_POST
def notice_transition(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = selectors.notice_get(pk)
        batch_id = request.POST.get("batch")
        batch = selectors.batch_get(int(batch_id)) if batch_id and batch_id.isdigit() else None
        services.notice_transition(
            user=request.user,
            notice=notice,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
            batch=batch,
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except AccessDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "招募令状态已更新。")
    return redirect("recruitment:detail", pk=pk)


@login_required
def notice_create(request: HttpRequest) -> HttpResponse:
    if not user_scope(request.user).is_official:
        return render(request, "403.html", {"message": "只有各级管理员和村干部可以起草招募令。"}, status=403)
    user: Any = request.user
    initial = {}
    if user.region_code and len(user.region_code) == 12:
        initial["villages"] = user.region_code
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields, village_codes, resources = _notice_input(form.cleaned_data)
        try:
            notice = services.notice_create(
                user=request.user, village_codes=village_codes, resources=resources, **fields
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "招募令草稿已保存，可提交乡镇审核。")
            return redirect("recruitment:detail", pk=notice.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "recruitment/notice_form.html", {"form": form}, status=status)


def _notice_input(d: dict[str, Any]) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]]:
    """The notice form's cleaned data as the services take it: fields, village codes, resources."""
    resources = (
        [
            {
                "kind": d["resource_kind"],
                "area": d["resource_area"],
                "unit": d["resource_unit"] or "mu",
                "description": d["resource_description"],
            }
        ]
        if d["resource_kind"]
        else []
    )
    fields = {
        name: d[name]
        for name in (
            "title",
            "category",
            "level",
            "cooperation_forms",
            "kinds_wanted",
            "investment_min",
            "investment_max",
            "incentives",
            "description",
            "contact",
            "deadline",
        )
    }
    village_codes = [c.strip() for c in d["villages"].replace("，", ",").split(",") if c.strip()]
    return fields, village_codes, resources


def _form_error(form: NoticeForm, exc: ApplicationError) -> None:
    if isinstance(exc, AccessDenied):
        form.add_error("villages", exc.message)
        return
    field = (exc.field or "").split(".")[0]
    form.add_error(field if field in form.fields else None, exc.message)


@login_required
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft or returned notice (the services check region, role and state)."""
    try:
        notice = selectors.notice_get_for(request.user, pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except AccessDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    if not user_scope(request.user).contains(notice.region_code):
        return render(request, "403.html", {"message": "该招募令不在您的管辖范围内，不能修改。"}, status=403)
    first = notice.resources.first()
    initial = {
        "title": notice.title,
        "villages": ",".join([v.code for v in notice.villages.all()] or [notice.village_id]),
        "level": notice.level,
        "category": notice.category,
        "kinds_wanted": notice.kinds_wanted,
        "cooperation_forms": notice.cooperation_forms,
        "investment_min": notice.investment_min,
        "investment_max": notice.investment_max,
        "resource_kind": first.kind if first else "",
        "resource_area": first.area if first else None,
        "resource_unit": first.unit if first else "",
        "resource_description": first.description if first else "",
        "description": notice.description,
        "incentives": notice.incentives,
        "contact": notice.contact,
        "deadline": notice.deadline,
    }
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields, village_codes, resources = _notice_input(form.cleaned_data)
        try:
            services.notice_update(
                user=request.user,
                notice=notice,
                data=fields,
                village_codes=village_codes,
                resources=resources,
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "招募令已保存。")
            return redirect("recruitment:detail", pk=notice.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "recruitment/notice_form.html", {"form": form, "notice": notice}, status=status)


def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        batch = selectors.batch_get(pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    notices = list(selectors.batch_notices(batch))
    for n in notices:
        n.display_contact = selectors.notice_contact_for(request.user, n)  # type: ignore[attr-defined]
    return render(request, "recruitment/batch_detail.html", {"batch": batch, "notices": notices})


def batch_list(request: HttpRequest) -> HttpResponse:
    """The 招募令 batches; the city office opens a new one here."""
    can_create = getattr(request.user, "role", "") == "city_admin" or request.user.is_superuser
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can_create:
            return render(
                request, "403.html", {"message": "只有市合伙人办公室可以创建招募令批次。"}, status=403
            )
        try:
            batch = services.batch_create(
                user=request.user, title=request.POST.get("title", ""), date=request.POST.get("date", "")
            )
        except ApplicationError as exc:
            errors[exc.field or "title"] = exc.message
        else:
            messages.success(request, "招募令批次已创建。各县（市、区）发布招募令时可选择该批次。")
            return redirect("recruitment:batch", pk=batch.pk)
    return render(
        request,
        "recruitment/batch_list.html",
        {"batches": selectors.batch_list(), "can_create": can_create, "errors": errors, "post": request.POST},
        status=400 if errors else 200,
    )


# Heavy: a whole table as xlsx. Limited so that a burst of downloads cannot starve the site.
@limited("export", per_minute=20, anonymous_per_minute=6, concurrent=2)
def notice_export(request: HttpRequest) -> HttpResponse:
    try:
        qs = selectors.notice_list_public(_filters(request))
    except ApplicationError:
        qs = selectors.notice_list_public()
    response = HttpResponse(
        notices_xlsx(qs), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="notices.xlsx"'
    return response
