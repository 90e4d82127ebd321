from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.scoping import user_scope
from xiangcun.inbox.selectors import unread_count_for
from xiangcun.regions.models import Village

# The platform's navigation: (label, url). A section whose URL does not resolve yet is shown
# greyed out as 建设中 rather than linking to a page that does not exist.
NAVIGATION = [
    (_("首页"), "/"),
    (_("招募令"), "/notices/"),
    (_("合伙人"), "/partners/"),
    (_("资源地图"), "/map/"),
    (_("政策计算器"), "/policies/"),
    (_("协议与分红"), "/agreements/"),
    (_("项目遴选"), "/funding/"),
    (_("管理"), "/manage/"),
]


def url_resolves(url: str) -> bool:
    try:
        resolve(url)
    except Resolver404:
        return False
    return True


def unread_counter(request: HttpRequest) -> Callable[[], int]:
    """The header's unread count, as a callable the template calls: one indexed COUNT the first time a
    page asks (none for anonymous visitors, none for pages that do not show it), nothing cached
    beyond the request."""
    counted: list[int] = []

    def count() -> int:
        if not counted:
            counted.append(unread_count_for(getattr(request, "user", None)))
        return counted[0]

    return count


def platform(request: HttpRequest) -> dict[str, Any]:
    path = request.path
    nav = [
        {
            "label": label,
            "url": url,
            "active": path == "/" if url == "/" else path.startswith(url),
            "available": url_resolves(url),
        }
        for label, url in NAVIGATION
    ]
    return {
        "nav": nav,
        "user_scope": user_scope(getattr(request, "user", None)),
        "city_code": settings.XIANGCUN_CITY_CODE,
        "demo_data": Village.objects.filter(is_demo=True).exists(),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "inbox_unread": unread_counter(request),
    }
