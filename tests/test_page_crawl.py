"""Crawl the site as each role on the full city demo: every page a link leads to answers without a 500,
and pages in Chinese stay in Chinese."""

from __future__ import annotations

import re
from collections import deque

import pytest
from django.test import Client

LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?"')
SKIP = ("/static/", "/media/", "/admin/", "/i18n/", "/accounts/logout")
PAGES_PER_ROLE = 90


@pytest.fixture
def full_demo(users):  # type: ignore[no-untyped-def]
    from xiangcun.agreements.demo import demo_build as agreements
    from xiangcun.funding.demo import demo_build as funding
    from xiangcun.matching.demo import demo_build as matching
    from xiangcun.resources.demo import demo_build as resources

    matching(scale="city", seed=1)
    resources(scale="city", seed=1)
    result = agreements(scale="city", seed=1)
    funding(seed=1, rng=result.rng)
    return users


@pytest.mark.slow
def test_every_linked_page_answers_without_a_server_error(full_demo):
    failures: list[str] = []
    for who in ("anonymous", "cadre", "county", "city", "partner"):
        client = Client(raise_request_exception=False)
        if who != "anonymous":
            client.force_login(full_demo[who])
        failures += [f"{who}: {f}" for f in _crawl(client)]
    assert not failures, "\n".join(failures)


def _crawl(client: Client) -> list[str]:
    seen: set[str] = set()
    queue = deque(
        ["/", "/manage/", "/notices/", "/partners/", "/map/", "/policies/", "/agreements/", "/funding/"]
    )
    failures: list[str] = []
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{url} → {response.status_code}")
            continue
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            queue.extend(m.group(1) for m in LINK.finditer(response.content.decode()))
    assert len(seen) > 40
    return failures
