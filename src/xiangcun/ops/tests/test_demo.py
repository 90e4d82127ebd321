"""The demo users (ops.demo), built for every role in the 聊城 demo city."""

from __future__ import annotations

import pytest

from xiangcun.accounts.models import Role, User
from xiangcun.ops.demo import DEMO_PASSWORD, demo_present, demo_users_create


@pytest.mark.django_db
def test_one_demo_login_per_role_in_the_first_county_town_and_village() -> None:
    # given the city demo regions (conftest)
    assert demo_present()
    # when the demo users are made again
    logins = demo_users_create()
    # then there is one login per role, the second county included, each bound to its region
    assert [login.username for login in logins] == [
        "admin",
        "city",
        "county",
        "county2",
        "town",
        "cadre",
        "partner",
        "public",
    ]
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    assert users["city"].role == Role.CITY_ADMIN and users["city"].region_code == "371500"
    assert users["town"].region_code.startswith(users["county"].region_code[:6])
    assert users["cadre"].region_code.startswith(users["town"].region_code[:9])
    assert users["county2"].region_code != users["county"].region_code
    assert users["partner"].region_code == "" and users["admin"].is_superuser
    assert users["county"].check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_no_demo_users_without_the_city() -> None:
    assert demo_users_create(city_code="110000") == []


@pytest.mark.django_db
def test_the_operator_gets_a_random_password_not_the_published_one() -> None:
    # Finding 4 of the security issue: the superuser's password was printed in the README.
    first = {login.username: login for login in demo_users_create()}
    operator = User.objects.get(username="admin")
    assert not operator.check_password(DEMO_PASSWORD)
    assert operator.check_password(first["admin"].password) and len(first["admin"].password) >= 16
    again = {login.username: login for login in demo_users_create()}
    assert again["admin"].password != first["admin"].password  # fresh each time, never a constant
