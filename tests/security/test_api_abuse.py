"""Findings 5 and 9: no state change through the API without Django's CSRF check, and no number in a
query or body that makes the server answer 500."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


def test_a_cross_site_text_plain_post_with_the_session_cookie_is_refused(users) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.recruitment.tests.factories import notice_draft

    notice = notice_draft(users)
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["cadre"])
    response = client.post(
        f"/api/v1/notices/{notice.pk}/transition",
        data='{"action": "submit"}',
        content_type="text/plain",
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code in (401, 403)
    notice.refresh_from_db()
    assert notice.status == "draft"


def test_the_same_post_with_the_csrf_token_goes_through(users) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.recruitment.tests.factories import notice_draft

    notice = notice_draft(users)
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["cadre"])
    client.get("/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/api/v1/notices/{notice.pk}/transition",
        data={"action": "submit"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/notices?offset={HUGE}",
        f"/api/v1/resources?offset={HUGE}",
        f"/api/v1/villages?offset={HUGE}",
        f"/api/v1/partners?offset={HUGE}",
        f"/api/v1/agreements?offset={HUGE}",
        f"/api/v1/pairings?offset={HUGE}",
        f"/api/v1/notices?limit={HUGE}",
        "/api/v1/notices?offset=-1",
        f"/notices/?page={HUGE}",
        f"/resources/?page={HUGE}",
    ],
)
def test_huge_numbers_in_queries_are_a_422_not_a_500(client, users, path: str) -> None:  # type: ignore[no-untyped-def]
    client.force_login(users["county"])
    response = client.get(path)
    assert response.status_code < 500, (path, response.status_code)
    if path.startswith("/api/"):
        assert response.status_code in (401, 403, 404, 422)
        assert response.json()["error"]


@pytest.mark.parametrize("low", ["-1.7976931348623157e308", "1e309", "nan", "-inf"])
def test_the_simulation_refuses_absurd_floats(client_as, users, low: str) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.agreements.tests.factories import draft

    agreement = draft(users)
    response = client_as("county").get(f"/api/v1/agreements/{agreement.pk}/simulation?low={low}")
    assert response.status_code == 422, response.content[:200]
    assert response.json()["field"]


def test_anonymous_exports_are_rate_limited_per_address(client) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    statuses = [client.get("/notices/export.xlsx", REMOTE_ADDR="10.8.8.8").status_code for _ in range(8)]
    assert statuses[:6] == [200] * 6 and statuses[6:] == [429, 429]
    refused = client.get("/notices/export.xlsx", REMOTE_ADDR="10.8.8.8")
    assert int(refused["Retry-After"]) > 0 and "请求过于频繁" in refused.content.decode()
    assert client.get("/notices/export.xlsx", REMOTE_ADDR="10.8.8.9").status_code == 200  # others unaffected
    cache.clear()


def test_saving_a_policy_evaluation_needs_the_csrf_token(users) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.policies.models import SavedEvaluation

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["partner"])
    before = SavedEvaluation.objects.count()
    body = '{"facts": {"partner_kind": "entrepreneur"}, "save": true}'
    response = client.post("/api/v1/policies/evaluate", data=body, content_type="text/plain")
    assert response.status_code in (403, 422)
    assert SavedEvaluation.objects.count() == before
    # reading (save=false) stays open to anyone, no token needed
    read = client.post(
        "/api/v1/policies/evaluate",
        data='{"facts": {"partner_kind": "entrepreneur"}}',
        content_type="application/json",
    )
    assert read.status_code == 200


def test_a_multipart_body_without_boundary_is_a_400_not_a_500(users) -> None:  # type: ignore[no-untyped-def]
    """Found by schemathesis (ST102): the CSRF check read ``request.POST`` and the parser's error was a 500."""
    client = Client()
    client.force_login(users["county"])
    response = client.generic(
        "POST", "/api/v1/agreements/1/objections", data=b"x", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response.json()["field"] is None


def test_a_json_body_that_is_not_an_object_is_refused() -> None:
    """Found by schemathesis (ST201): ninja read ``[null, null]`` as ``{}`` for a model with defaults."""
    response = Client().post(
        "/api/v1/policies/evaluate", data="[null, null]", content_type="application/json"
    )
    assert response.status_code == 400


def test_a_date_is_not_a_unix_time() -> None:
    """Found by schemathesis (ST201): pydantic read ``on=0`` as 1970-01-01."""
    assert Client().get("/api/v1/policies?on=0").status_code == 422
    assert Client().get("/api/v1/policies?on=1.5").status_code == 422
    assert Client().get("/api/v1/policies?on=2026-01-01").status_code == 200
