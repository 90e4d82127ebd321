"""Scoping (accounts/scoping.py) against the real 聊城 villages: lives here, as accounts sits below regions."""

import pytest

from xiangcun.accounts.models import Role
from xiangcun.accounts.scoping import user_scope
from xiangcun.accounts.services import user_create
from xiangcun.core.errors import AccessDenied, ApplicationError
from xiangcun.regions import selectors
from xiangcun.regions.models import Village


def test_each_role_is_scoped_to_its_region(users):
    assert user_scope(users["city"]).prefix == "3715"
    assert user_scope(users["county"]).prefix == users["county"].region_code
    assert len(user_scope(users["town"]).prefix) == 9
    assert len(user_scope(users["cadre"]).prefix) == 12
    assert user_scope(users["partner"]).prefix is None
    assert user_scope(users["public"]).prefix is None


def test_the_village_selector_never_leaks_another_county(users):
    county = users["county"]
    seen = selectors.village_list(scope=user_scope(county))
    assert seen.count() == Village.objects.filter(county_id=county.region_code).count() > 0
    assert not seen.exclude(county_id=county.region_code).exists()
    assert selectors.village_list(scope=user_scope(users["partner"])).count() == 0
    assert selectors.village_list(scope=user_scope(users["city"])).count() == 2166


def test_ensure_refuses_codes_outside_the_scope(users):
    scope = user_scope(users["county"])
    scope.ensure(users["cadre"].region_code)
    with pytest.raises(AccessDenied):
        scope.ensure(users["county2"].region_code + "100200")


@pytest.mark.parametrize(
    ("role", "code"),
    [
        (Role.COUNTY_ADMIN, "371500"),
        (Role.COUNTY_ADMIN, ""),
        (Role.VILLAGE_CADRE, "371522"),
        (Role.CITY_ADMIN, "371522"),
        (Role.PARTNER, "371522"),
        ("mayor", "371500"),
    ],
)
def test_user_create_requires_a_region_of_the_roles_level(db, role, code):
    with pytest.raises(ApplicationError) as err:
        user_create(username="x", password="long-enough-password", role=role, region_code=code)
    assert err.value.field in {"role", "region_code"}
