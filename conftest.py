"""Shared fixtures. Every database test starts from the 聊城 city demo, built once per session."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("XIANGCUN_TESTING", "true")

DEMO_SEED = 7

# The Chromium fixtures (browser, page) for tests/browser/ and tests/security/.
pytest_plugins = ["tests.browser.playwright_fixtures"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from xiangcun.accounts.services import demo_users_create
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
