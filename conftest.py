"""Shared fixtures. Every database test starts from the 聊城 city demo, built once per session.

Hypothesis runs with the ``ci`` profile unless ``HYPOTHESIS_PROFILE`` names another: no per-example
deadline, since a shared machine running two workers makes example timings noise (a slow example
is a benchmark's business, not a property's). ``HYPOTHESIS_PROFILE=dev`` restores Hypothesis'
defaults, deadline included.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

os.environ.setdefault("XIANGCUN_TESTING", "true")

settings.register_profile("ci", deadline=None, print_blob=True)
settings.register_profile("dev")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DEMO_SEED = 7

# The Chromium fixtures (browser, page) for tests/browser/ and tests/security/.
pytest_plugins = ["tests.browser.playwright_fixtures"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from xiangcun.ops.demo import demo_users_create
    from xiangcun.regions.services import demo_regions_build

    with django_db_blocker.unblock():
        demo_regions_build(scale="city", seed=DEMO_SEED)
        demo_users_create()


@pytest.fixture
def users(db):  # type: ignore[no-untyped-def]
    """The demo users by username: city, county, county2, town, cadre, partner, public."""
    from xiangcun.accounts.models import User

    return {u.username: u for u in User.objects.filter(is_demo=True)}


@pytest.fixture
def client_as(client, users):  # type: ignore[no-untyped-def]
    def login(username: str):  # type: ignore[no-untyped-def]
        client.force_login(users[username])
        return client

    return login


@pytest.fixture(autouse=True)
def _fresh_rate_limits():  # type: ignore[no-untyped-def]
    """Rate-limit counts (core/ratelimit.py) and cached reads (core/readcache.py) live in the cache:
    every test starts with none."""
    from django.core.cache import caches

    from xiangcun.core.readcache import forget_local

    for cache in caches.all():
        cache.clear()
    forget_local()
    yield
