"""Which database errors are "busy, retry" (503) and which stay server errors (core/busy.py)."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, OperationalError
from django.test import Client

from xiangcun.core.busy import is_busy


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _wrapped(message: str, sqlstate: str | None = None) -> OperationalError:
    error = OperationalError(message)
    if sqlstate:
        error.__cause__ = _PgError(sqlstate)
    return error


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        (_wrapped("database is locked"), True),
        (_wrapped("database table is locked: recruitment_notice"), True),
        (_wrapped("canceling statement due to lock timeout", "55P03"), True),
        (_wrapped("could not serialize access due to concurrent update", "40001"), True),
        (_wrapped("deadlock detected", "40P01"), True),
        (_wrapped("no such table: recruitment_notice"), False),
        (_wrapped("canceling statement due to statement timeout", "57014"), False),
        (IntegrityError("UNIQUE constraint failed"), False),
        (ValueError("database is locked"), False),
    ],
)
def test_only_lock_and_serialization_failures_are_busy(error, busy):
    assert is_busy(error) is busy


@pytest.mark.django_db
def test_the_api_answers_busy_with_503_json_and_other_database_errors_stay_500(users, monkeypatch):
    from xiangcun.recruitment import services

    client = Client(raise_request_exception=False)
    client.force_login(users["county"])
    body = json.dumps({"title": "x", "villages": ["371502001001"], "category": "farm_stay"})

    def locked(**kwargs: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "notice_create", locked)
    busy = client.post("/api/v1/notices", body, content_type="application/json")
    assert busy.status_code == 503 and busy["Retry-After"] == "5"
    assert busy.json()["error_en"] == "The system is busy; please try again in a few seconds"

    def broken(**kwargs: object) -> None:
        raise OperationalError("no such table: recruitment_notice")

    monkeypatch.setattr(services, "notice_create", broken)
    assert client.post("/api/v1/notices", body, content_type="application/json").status_code == 500
