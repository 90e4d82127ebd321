from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.html import json_script
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from xiangcun.accounts.permissions import Capability, can
from xiangcun.accounts.scoping import user_scope
from xiangcun.core import readcache
from xiangcun.core.errors import active_language
from xiangcun.core.errors import render as render_message
from xiangcun.core.todos import Todo
from xiangcun.inbox.selectors import notification_list_for
from xiangcun.regions import selectors
from xiangcun.regions.models import Region, Village
from xiangcun.web import selectors as web_selectors
from xiangcun.web.context_processors import url_resolves


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for the load balancer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # the point is to report any database failure
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@csrf_exempt
def api_not_found(request: HttpRequest) -> JsonResponse:
    """Unknown API paths answer in the API's own error shape, not with an HTML page (also for a POST
    without a CSRF token: a 404 changes nothing, so the CSRF middleware's HTML 403 must not answer first)."""
    return JsonResponse(
        {"error": "接口不存在", "error_en": f"no such endpoint: {request.path}", "field": None},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


# The home page's figures come from the cache while their apps' data is unchanged (core/readcache.py):
# the figures themselves, and their HTML in each language.
HOME_REGION_READS = ("regions",)
HOME_ACTIVITY_READS = ("recruitment", "partners", "matching")


def _home_region_figures(user: Any) -> dict[str, Any]:
    """The city, its totals and counties, and the county map's GeoJSON already in its script tag."""
    city_code = settings.XIANGCUN_CITY_CODE
    if not selectors.region_exists(city_code):
        return {"city": None}
    city = selectors.region_get_for(user, city_code)
    return {
        "city": {"code": city.code, "name": city.name},  # not the region: its boundary stays out
        "figures": selectors.area_figures(city),
        "children": selectors.child_figures(city),
        "boundaries_script": json_script(selectors.county_boundaries(city), "boundaries-data"),
    }


def _home_figures_html(request: HttpRequest) -> str:
    context = readcache.cached(
        "web/home regions", HOME_REGION_READS, lambda: _home_region_figures(request.user), request=request
    )
    if context["city"] is not None:
        activity = readcache.cached(
            "web/home activity", HOME_ACTIVITY_READS, web_selectors.platform_figures, request=request
        )
        context = {**context, "activity": activity}
    return render_to_string("web/_home_figures.html", context)


def home(request: HttpRequest) -> HttpResponse:
    figures_html = readcache.cached(
        f"web/home html {active_language()}",
        HOME_REGION_READS + HOME_ACTIVITY_READS,
        lambda: _home_figures_html(request),
        request=request,
    )
    return render(request, "web/home.html", {"figures_html": mark_safe(figures_html)})


def _any(*capabilities: Capability) -> Callable[[Any], bool]:
    return lambda user: any(can(user, c) for c in capabilities)


def _drafts_for_one_village(user: Any) -> bool:
    """The drafting shortcut is for those who draft for their own village (the cadres); officials
    above draft from their notice list."""
    return can(user, C.NOTICE_DRAFT) and len(user_scope(user).label or "") == 12


C = Capability
# The official's desk: each tool with who uses it (by capability). Tools of sections that have not
# landed yet (their URL does not resolve) are left out.
DESK_TOOLS: list[tuple[str | Promise, str, Callable[[Any], bool]]] = [
    (_("我的招募令 / 审核"), "/notices/mine/", _any(C.OFFICIAL_READ)),
    (_("起草招募令"), "/notices/new/", _drafts_for_one_village),
    (_("合伙人认证"), "/partners/queue/", _any(C.PARTNER_VERIFY)),
    (_("县域一对一配对"), "/matching/county/", _any(C.PAIRING_RUN)),
    (_("匹配权重"), "/matching/weights/", _any(C.MATCH_WEIGHTS_EDIT)),
    (_("为我推荐的招募令"), "/matching/recommendations/", _any(C.PARTNER_WORK)),
    (_("我的对接"), "/matching/mine/", _any(C.OFFICIAL_READ, C.PARTNER_WORK)),
    (_("资源台账"), "/resources/", _any(C.OFFICIAL_READ)),
    (_("合伙人协议"), "/agreements/", _any(C.OFFICIAL_READ, C.PARTNER_WORK)),
    (_("政策维护"), "/policies/manage/", _any(C.POLICY_EDIT)),
    (_("项目遴选"), "/funding/", _any(C.FUNDING_MANAGE)),
    (_("个人信息查看记录"), "/privacy/reads/", _any(C.PERSONAL_DATA_AUDIT)),
]


def desk_tools(user: Any) -> list[dict[str, str]]:
    return [
        {"label": str(label), "url": url}
        for label, url, shows in DESK_TOOLS
        if shows(user) and url_resolves(url)
    ]


def _todo_view(todo: Todo, language: str) -> dict[str, Any]:
    """A to-do with its messages rendered in the page's language."""
    return {
        "kind": todo.kind,
        "title": render_message(todo.title, language),
        "count": todo.count,
        "url": todo.url,
        "items": [
            {"label": i.label, "url": i.url, "note": render_message(i.note, language) if i.note else ""}
            for i in todo.items
        ],
        "more": todo.more,
        "rule": render_message(todo.rule, language) if todo.rule else "",
        "urgent": todo.urgent,
    }


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """The desk (工作台): first what waits for the user (each app's to-dos, counted within their region,
    each linking to where it is done) and their unread notifications; then their tools and, for
    officials, the villages of their region, searchable, each linking to its profile."""
    scope = user_scope(request.user)
    language = active_language()
    todos = [_todo_view(t, language) for t in web_selectors.desk_todos(request.user)]
    q = request.GET.get("q", "").strip()[:40]
    villages = selectors.village_list(q=q or None, scope=scope)
    page = Paginator(villages, 20).get_page(request.GET.get("page"))
    region: Region | Village | None = None
    # An operator's scope is everywhere ("全部"), not a region: no region to show (was a 404).
    if scope.level == "village":
        region = selectors.village_get_for(request.user, scope.label)
    elif scope.level:
        region = selectors.region_get_for(request.user, scope.label)
    return render(
        request,
        "web/manage.html",
        {
            "scope": scope,
            "region": region,
            "page": page,
            "q": q,
            "total": page.paginator.count,
            "tools": desk_tools(request.user),
            "todos": todos,
            "pending": [t for t in todos if t["count"]],
            "done": [t for t in todos if not t["count"]],
            "rules": list(dict.fromkeys(t["rule"] for t in todos if t["rule"])),
            "open_todos": sum(t["count"] for t in todos),
            "region_label": selectors.region_label(scope.label) if scope.level else "",
            # Within one county the county column says nothing.
            "show_county": scope.level not in ("county", "town", "village"),
            "notifications": list(notification_list_for(request.user, unread=True)[:5]),
        },
    )


def as_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
