"""A database that stays locked longer than a request may wait: 503 JSON with ``Retry-After`` on the
API, the 503 page on HTML, never a 500 — with a real lock held by another connection, on SQLite
(its single write lock) and on PostgreSQL (a table lock and ``lock_timeout``)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connections
from django.test import Client

from xiangcun.accounts.models import User
from xiangcun.recruitment.models import Notice
from xiangcun.regions.models import Village

pytestmark = pytest.mark.django_db
SHORT = {"lock_timeout_ms": 300}


@contextmanager
def locked(scratch) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Another connection holds the lock every write of a notice needs, until the block ends."""
    if scratch.vendor == "sqlite":
        other = sqlite3.connect(scratch.name, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # SQLite's one write lock, as a long import held it
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    import psycopg

    params = connections["default"].get_connection_params()
    with psycopg.connect(**params) as other:
        other.execute("LOCK TABLE recruitment_notice IN ACCESS EXCLUSIVE MODE")
        yield
        other.rollback()


def _notice_body() -> dict[str, object]:
    village = Village.objects.filter(county_id="371502").order_by("code").first()
    return {"title": "繁忙时起草的招募令", "villages": [village.code], "category": "farm_stay"}


@pytest.mark.parametrize("scratch_db", [SHORT], indirect=True)
def test_a_write_refused_by_a_held_lock_is_a_503_json_with_retry_after(scratch_db):
    # Given a county official, and another connection holding the lock for longer than 0.3 s
    client = Client()
    client.force_login(User.objects.get(username="county"))
    body = json.dumps(_notice_body())
    with locked(scratch_db):
        # When the official drafts a notice through the API
        response = client.post("/api/v1/notices", body, content_type="application/json")
    # Then the answer is a 503 in the API's JSON shape, with a delay to retry after, and nothing saved
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "error": "系统繁忙，请稍后重试",
        "error_en": "The system is busy; please try again in a few seconds",
        "field": None,
    }
    assert int(response["Retry-After"]) > 0
    assert not Notice.objects.filter(title="繁忙时起草的招募令").exists()
    # And once the lock is gone the same request succeeds
    assert client.post("/api/v1/notices", body, content_type="application/json").status_code == 201


@pytest.mark.parametrize("scratch_db", [SHORT], indirect=True)
def test_a_page_refused_by_a_held_lock_is_the_503_page(scratch_db):
    # Given the county official's notice form, and the lock held elsewhere
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="county"))
    village = Village.objects.filter(county_id="371502").order_by("code").first()
    form = {"title": "繁忙时的表单", "village": village.code, "category": "farm_stay", "level": "county"}
    with locked(scratch_db):
        response = client.post("/notices/new/", form)
    # Then the page says the system is busy (in Chinese), asks to retry, and is not a server error
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "系统繁忙，请稍后重试" in response.content.decode()
    assert int(response["Retry-After"]) > 0
