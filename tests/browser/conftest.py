"""Browser tests drive Debian's Chromium through Playwright; the browser and page fixtures are in
playwright_fixtures.py (a plugin of the root conftest, shared with tests/security/)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def city_demo(transactional_db):  # type: ignore[no-untyped-def]
    """Browser tests run on transactional databases, flushed after each test: rebuild the city demo
    (regions and users) when an earlier test has flushed it."""
    from xiangcun.ops.demo import demo_users_create
    from xiangcun.regions.models import Village
    from xiangcun.regions.services import demo_regions_build

    if not Village.objects.exists():
        demo_regions_build(scale="city", seed=7)
        demo_users_create()
