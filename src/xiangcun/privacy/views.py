"""Personal-information pages: the 个人信息处理规则; a person's own data (consents, who read it, a
copy as JSON or xlsx, its erasure); and the city office's log of every unmasked read."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from xiangcun.accounts.permissions import Capability, can, require
from xiangcun.accounts.privacy import PRIVACY_NOTICE_VERSION, PRIVACY_NOTICES
from xiangcun.accounts.selectors import ReadFilters, consents_of, reads_about
from xiangcun.core.inputs import parse, submit
from xiangcun.core.ratelimit import limited
from xiangcun.partners.selectors import partner_of_user
from xiangcun.privacy import selectors, services
from xiangcun.privacy.exports import my_data_xlsx
from xiangcun.privacy.forms import ErasureForm, ReadLogForm
from xiangcun.privacy.schemas import ErasureIn, ReadLogQuery


def notice(request: HttpRequest) -> HttpResponse:
    """The rules in force, or an earlier version (``?version=N``) that someone accepted."""
    version = selectors.notice_version(request.GET.get("version"))
    return render(
        request,
        "privacy/notice.html",
        {
            "version": version,
            "effective": PRIVACY_NOTICES[version],
            "current": PRIVACY_NOTICE_VERSION,
            "versions": sorted(PRIVACY_NOTICES.items()),
            "body": f"privacy/notice_v{version}.html",
        },
    )


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """我的个人信息: the consents given, who read the data in full, the copy and the erasure."""
    reads = Paginator(reads_about(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/me.html",
        {
            "consents": consents_of(request.user),
            "page": selectors.read_rows(list(reads)),
            "reads": reads,
            "partner": partner_of_user(request.user),
            "can_erase": can(request.user, Capability.OWN_DATA_ERASE) and not request.user.is_superuser,
            "current": PRIVACY_NOTICE_VERSION,
        },
    )


def _attachment(response: HttpResponse, extension: str) -> HttpResponse:
    response["Content-Disposition"] = (
        f'attachment; filename="my-data-{timezone.localdate():%Y%m%d}.{extension}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@limited("export", per_minute=20, anonymous_per_minute=6, concurrent=2)
def data_json(request: HttpRequest) -> HttpResponse:
    data = selectors.my_data(request.user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return _attachment(HttpResponse(body, content_type="application/json; charset=utf-8"), "json")


@login_required
@limited("export", per_minute=20, anonymous_per_minute=6, concurrent=2)
def data_xlsx(request: HttpRequest) -> HttpResponse:
    content = my_data_xlsx(selectors.my_data(request.user))
    return _attachment(
        HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        "xlsx",
    )


@login_required
@limited("erase", per_minute=5, anonymous_per_minute=5, concurrent=2, methods=("POST",))
def erase(request: HttpRequest) -> HttpResponse:
    """Delete my personal data, confirmed with the password (the service refuses officials)."""
    require(request.user, Capability.OWN_DATA_ERASE, message="管理人员的账号由市合伙人办公室注销")
    form = ErasureForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: services.personal_data_erase(user=request.user, confirmation=parse(ErasureIn, d)),
        )
        if done is not None:
            logout(request)
            messages.success(
                request, "您的个人信息已删除，账号已注销。依法须保存的协议、结算和记录仍予保留。"
            )
            return redirect("web:home")
    return render(
        request,
        "privacy/erase.html",
        {"form": form, "partner": partner_of_user(request.user)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def read_log(request: HttpRequest) -> HttpResponse:
    """The city office's log of every unmasked read, filtered by reader, record and date."""
    require(request.user, Capability.PERSONAL_DATA_AUDIT)
    kinds = selectors.record_kinds()
    form = ReadLogForm(request.GET or None, kinds=kinds)
    query = parse(ReadLogQuery, form.cleaned_data if form.is_valid() else {})
    filters = ReadFilters(
        reader=query.reader, model=query.model, pk=query.pk, since=query.since, until=query.until
    )
    page = Paginator(selectors.read_log(request.user, filters), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "privacy/read_log.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.read_rows(list(page)),
            "query": params.urlencode(),
        },
    )
