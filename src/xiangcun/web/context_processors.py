from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.scoping import user_scope
from xiangcun.core import readcache
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
    return _resolves(get_urlconf() or settings.ROOT_URLCONF, url)


@lru_cache(maxsize=256)
def _resolves(urlconf: str, url: str) -> bool:
    # Asked for every menu entry of every page (~0.1 ms each): the URLs do not change while a process runs.
    try:
        resolve(url, urlconf)
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


def _demo_data() -> bool:
    return Village.objects.filter(is_demo=True).exists()


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
        # From the cache while no region or village changed (one version query per request, shared
        # with the page's own cached reads).
        "demo_data": readcache.cached("web/demo_data", ("regions",), _demo_data, request=request),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "inbox_unread": unread_counter(request),
    }
