"""Findings 3, 4 and 10: log-in throttling that cannot be used as a weapon, the admin log-in behind the
same throttle, real client addresses behind the proxy, and password rules."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings
from django.utils import timezone

from xiangcun.accounts import throttle
from xiangcun.accounts.models import LoginThrottle

PASSWORD = "xiangcun-demo-2026"
pytestmark = pytest.mark.django_db


def _login(client, username: str, password: str, **meta: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": username, "password": password}, **meta)


def _expire_waits() -> None:
    LoginThrottle.objects.update(blocked_until=timezone.now() - timedelta(seconds=1))


def test_an_attacker_cannot_lock_the_owner_out(client, users) -> None:  # type: ignore[no-untyped-def]
    for _ in range(20):
        _login(client, "county", "guess", REMOTE_ADDR="10.9.9.9")
        _expire_waits()
    response = _login(client, "county", PASSWORD, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302  # the owner, from their own address, gets in at once


@override_settings(LOGIN_FREE_ATTEMPTS=3)
def test_failures_grow_the_wait_and_blocked_attempts_check_no_password(client, users) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        assert _login(client, "county", "guess", REMOTE_ADDR="10.9.9.9").status_code == 400
    row = LoginThrottle.objects.get(key="user:county|10.9.9.9")
    assert row.failures == 3 and row.blocked_until is None  # free attempts: no wait yet
    _login(client, "county", "guess", REMOTE_ADDR="10.9.9.9")
    first = LoginThrottle.objects.get(key="user:county|10.9.9.9").blocked_until
    refused = _login(client, "county", PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert refused.status_code == 400 and "秒后再试" in refused.content.decode()
    assert LoginThrottle.objects.get(key="user:county|10.9.9.9").failures == 4  # refusal not counted
    _expire_waits()
    _login(client, "county", "guess", REMOTE_ADDR="10.9.9.9")
    row = LoginThrottle.objects.get(key="user:county|10.9.9.9")
    assert row.failures == 5 and first is not None and row.blocked_until is not None
    assert throttle.delay_after(5, 3) == 2 * throttle.delay_after(4, 3)
    _expire_waits()
    assert _login(client, "county", PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 302
    assert not LoginThrottle.objects.filter(key="user:county|10.9.9.9").exists()  # success clears


def test_a_parallel_attempt_is_refused_while_one_is_being_checked(users) -> None:  # type: ignore[no-untyped-def]
    """Race safety: while one password check runs, a second attempt on the same key checks nothing."""
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.7.7.7")
    checked: list[str] = []
    nested: list[object] = []

    def slow_authenticate(req, username, password):  # type: ignore[no-untyped-def]
        checked.append(password)
        try:
            throttle.check(request, "county", "second", authenticate)
        except throttle.Throttled as exc:
            nested.append(exc)
        return None

    throttle.check(request, "county", "first", slow_authenticate)
    assert checked == ["first"] and len(nested) == 1


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(users) -> None:  # type: ignore[no-untyped-def]
    factory = RequestFactory()
    behind = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 127.0.0.1")
    assert throttle.client_ip(behind) == "203.0.113.5"
    spoofed = factory.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert throttle.client_ip(spoofed) == "198.51.100.7"


def test_twenty_failed_usernames_behind_the_proxy_do_not_block_other_clients(client, users) -> None:  # type: ignore[no-untyped-def]
    for i in range(40):
        _login(client, f"nobody{i}", "guess", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    response = _login(client, "town", PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert response.status_code == 302


@override_settings(LOGIN_FREE_ATTEMPTS=5)
def test_the_admin_login_is_throttled_too(client, users) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.accounts.models import User

    User.objects.create_superuser("ops", password="an-operator-passphrase-1")
    frozen = timezone.now()
    with patch("xiangcun.accounts.throttle.timezone.now", return_value=frozen):  # no wait ever expires
        for _ in range(30):
            client.post("/admin/login/", {"username": "ops", "password": "guess"}, REMOTE_ADDR="10.5.5.5")
        response = client.post(
            "/admin/login/?next=/admin/",
            {"username": "ops", "password": "an-operator-passphrase-1"},
            REMOTE_ADDR="10.5.5.5",
        )
    assert response.status_code == 200 and "秒后再试" in response.content.decode()
    # 30 wrong passwords, then the right one: 6 password checks (5 free, one that set the first wait).
    assert LoginThrottle.objects.get(key="user:ops|10.5.5.5").failures == 6


def test_own_password_can_be_changed(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("partner")
    weak = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "1234567890", "new_password2": "1234567890"},
    )
    assert weak.status_code == 200 and "errorlist" in weak.content.decode()  # Django's validators apply
    done = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "qing-he-ri-li-2026",
            "new_password2": "qing-he-ri-li-2026",
        },
    )
    assert done.status_code == 302


def test_password_reset_sends_a_link(client, users, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    users["partner"].email = "partner@example.cn"
    users["partner"].save(update_fields=["email"])
    response = client.post("/accounts/password/reset/", {"email": "partner@example.cn"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "/accounts/password/reset/" in mailoutbox[0].body


def _registration(username: str, password: str) -> dict[str, object]:
    return {
        "username": username,
        "password": password,
        "name": "王五",
        "kind": "rural_leader",
        "contact_name": "王五",
        "phone": "13812345678",
        "home_county": "371502",
        "privacy_consent": True,
    }


@pytest.mark.parametrize("password", ["1234567890", "password123", "qwertyuiop"])
def test_registration_refuses_weak_passwords(client, password: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/partners/register", _registration("wangwu", password), content_type="application/json"
    )
    assert response.status_code == 400, response.content[:200]
    assert response.json()["field"] == "password"
    from xiangcun.accounts.models import User

    assert not User.objects.filter(username="wangwu").exists()


def test_registration_is_rate_limited_so_user_names_cannot_be_harvested(client) -> None:  # type: ignore[no-untyped-def]
    statuses = [
        client.post(
            "/api/v1/partners/register",
            _registration(f"probe{i}", "1234567890"),
            content_type="application/json",
            REMOTE_ADDR="10.6.6.6",
        ).status_code
        for i in range(7)
    ]
    assert statuses[:5] == [400] * 5 and statuses[5:] == [429, 429]
    assert (
        client.get("/partners/register/", REMOTE_ADDR="10.6.6.6").status_code == 200
    )  # the form still opens
