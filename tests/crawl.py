"""The site crawl shared by tests/test_page_crawl.py (every linked page answers without a 500) and
tests/browser/test_phone_width.py (every page of the crawl fits a phone): where it starts, what it skips,
and the breadth-first walk over each page's links."""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.urls import Resolver404, resolve

LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?"')
SKIP = ("/static/", "/media/", "/admin/", "/i18n/", "/accounts/logout")
START = ("/", "/manage/", "/notices/", "/partners/", "/map/", "/policies/", "/agreements/", "/funding/")

# fetch(url) → (status code, content type, body text)
Fetch = Callable[[str], tuple[int, str, str]]


def full_demo_build() -> None:
    """The whole city demo on top of the regions and users: notices, partners and pairings,
    resources, agreements with settlements, a funding round, the work on the demo users' desks — so
    that every kind of page exists."""
    from xiangcun.agreements.demo import demo_build as agreements
    from xiangcun.funding.demo import demo_build as funding
    from xiangcun.matching.demo import demo_build as matching
    from xiangcun.ops.desks import demo_desks_build as desks
    from xiangcun.resources.demo import demo_build as resources

    matching(scale="city", seed=1)
    resources(scale="city", seed=1)
    result = agreements(scale="city", seed=1)
    funding(seed=1, rng=result.rng)
    desks()


def page_kind(url: str) -> str:
    """The URL pattern a page is an instance of (``recruitment:detail``); region codes count by their
    length, since a county's page and a town's differ."""
    try:
        match = resolve(url)
    except Resolver404:
        return url
    sizes = ",".join(f"{k}={len(str(v))}" for k, v in sorted(match.kwargs.items()) if k == "code")
    return f"{match.view_name}({sizes})"


@dataclass
class Crawl:
    seen: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    html_pages: list[str] = field(default_factory=list)


def crawl(fetch: Fetch, *, limit: int, per_kind: int | None = None, start: Sequence[str] = START) -> Crawl:
    """Walk from ``start`` over the links of every HTML page, at most ``limit`` pages (and at most
    ``per_kind`` of each URL pattern when given): answers of 500 and above are ``failures``."""
    result = Crawl()
    seen: set[str] = set()
    kinds: Counter[str] = Counter()
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        if per_kind is not None:
            kind = page_kind(url)
            if kinds[kind] >= per_kind:
                continue
            kinds[kind] += 1
        seen.add(url)
        result.seen.append(url)
        status, content_type, body = fetch(url)
        if status >= 500:
            result.failures.append(f"{url} → {status}")
            continue
        if status == 200 and content_type.startswith("text/html"):
            result.html_pages.append(url)
            queue.extend(m.group(1) for m in LINK.finditer(body))
    return result
