"""The village picker's search (``GET /api/v1/villages/pick``): by name or pinyin initials, only within the
caller's region, bounded; and the form field behind the picker (``regions.forms.VillageField``)."""

from __future__ import annotations

import pytest

from xiangcun.accounts.permissions import Capability
from xiangcun.regions.forms import VillageField
from xiangcun.regions.models import Village

pytestmark = pytest.mark.django_db

PICK = "/api/v1/villages/pick"


def _town_villages(users):
    town = users["town"].region_code
    return list(Village.objects.filter(town_id=town).select_related("town", "county").order_by("code"))


def _elsewhere_in_county(users):
    """A village of the town official's county but another town."""
    town = users["town"].region_code
    return Village.objects.filter(county_id=town[:6]).exclude(town_id=town).order_by("-code").first()


def test_pinyin_initials_find_the_village_and_each_result_says_village_town_and_county(users, client_as):
    village = _town_villages(users)[-1]
    assert village.pinyin_initials  # precomputed when the village was stored (core.pinyin)
    items = client_as("town").get(PICK, {"q": village.pinyin_initials[:3].upper()}).json()["items"]
    found = {i["code"]: i for i in items}
    assert village.code in found
    assert found[village.code]["label"] == f"{village.name} · {village.town.name} · {village.county.name}"
    assert all(i["code"].startswith(users["town"].region_code) for i in items)
    # part of the name finds it too, and the exact name comes first
    items = client_as("town").get(PICK, {"q": village.name}).json()["items"]
    assert items[0]["code"] == village.code or items[0]["name"] == village.name


def test_a_town_official_never_sees_another_towns_villages(users, client_as):
    other = _elsewhere_in_county(users)
    town = client_as("town").get(PICK, {"q": other.name, "limit": 20}).json()["items"]
    assert other.code not in {i["code"] for i in town}
    assert all(i["code"].startswith(users["town"].region_code) for i in town)
    # by initials neither, however many villages match
    town = client_as("town").get(PICK, {"q": other.pinyin_initials[:1], "limit": 20}).json()["items"]
    assert all(i["code"].startswith(users["town"].region_code) for i in town)
    # while the county official finds it
    county = client_as("county").get(PICK, {"q": other.name, "limit": 20}).json()["items"]
    assert other.code in {i["code"] for i in county}
    # and the other county's official does not
    county2 = client_as("county2").get(PICK, {"q": other.name, "limit": 20}).json()["items"]
    assert all(i["code"].startswith(users["county2"].region_code) for i in county2)


def test_a_cadre_finds_only_their_own_village(users, client_as):
    own = users["cadre"].region_code
    client = client_as("cadre")
    assert [i["code"] for i in client.get(PICK).json()["items"]] == [own]
    neighbour = _town_villages(users)[-1]
    assert neighbour.code != own
    assert {i["code"] for i in client.get(PICK, {"q": neighbour.name}).json()["items"]} <= {own}
    assert {i["code"] for i in client.get(PICK, {"q": neighbour.pinyin_initials}).json()["items"]} <= {own}


def test_only_officials_may_search_and_the_search_is_bounded(users, client, client_as):
    assert client.get(PICK, {"q": "村"}).status_code == 401
    assert client_as("partner").get(PICK, {"q": "村"}).status_code == 403
    official = client_as("county")
    long_q = official.get(PICK, {"q": "村" * 10_000})
    assert long_q.status_code == 422 and long_q.json()["field"] == "q"
    assert long_q.json()["error"] == "q：最多 20 个字"
    assert official.get(PICK, {"q": "村", "limit": 10_000}).status_code == 422
    assert len(official.get(PICK, {"q": "村", "limit": 20}).json()["items"]) == 20
    assert len(official.get(PICK, {"q": "村"}).json()["items"]) == 10  # the default


# ------------------------------------------------------------------------------------------------
# The form field: the code the picker posts, or a name typed without JavaScript


def _field(user, **kwargs):
    field = VillageField(label="所在村", capability=Capability.NOTICE_DRAFT, **kwargs)
    field.user = user
    return field


def test_the_field_takes_the_code_the_exact_name_or_the_pickers_label(users):
    village = _town_villages(users)[-1]
    field = _field(users["town"])
    assert field.clean(village.code) == village.code
    label = f"{village.name} · {village.town.name} · {village.county.name}"
    assert field.clean(label) == village.code
    namesakes = Village.objects.filter(name=village.name, town_id=village.town_id).count()
    if namesakes == 1:
        assert field.clean(f" {village.name} ") == village.code


def test_the_field_refuses_a_village_outside_the_region_naming_the_field_and_the_village(users):
    from django.core.exceptions import ValidationError

    other = _elsewhere_in_county(users)
    with pytest.raises(ValidationError) as refused:
        _field(users["town"]).clean(other.code)
    message = refused.value.messages[0]
    assert message.startswith("所在村：") and other.name in message and "不在您的管辖范围内" in message
    for bad, says in [
        ("12345", "所在村：村级区划代码应为 12 位数字"),
        ("371502999999", "所在村：村级区划代码 371502999999 不存在"),
        ("没有这个村", "所在村：找不到名为“没有这个村”的村"),
    ]:
        with pytest.raises(ValidationError) as refused:
            _field(users["town"]).clean(bad)
        assert refused.value.messages[0].startswith(says), (bad, refused.value.messages)
    # without a user (a form that forgot bind_pickers) nothing is accepted
    with pytest.raises(ValidationError):
        _field(None).clean(_town_villages(users)[0].code)


def test_a_name_shared_by_two_villages_of_the_region_asks_to_choose(users):
    from django.core.exceptions import ValidationError

    county = users["county"].region_code
    twins = _twin_names(county)
    if twins is None:
        pytest.skip("no two villages of the county share a name in this demo")
    with pytest.raises(ValidationError) as refused:
        _field(users["county"]).clean(twins)
    assert "个村名为" in refused.value.messages[0] and "请从查找结果中选择" in refused.value.messages[0]


def _twin_names(county: str) -> str | None:
    from django.db.models import Count

    row = (
        Village.objects.filter(county_id=county)
        .values("name")
        .annotate(n=Count("code"))
        .filter(n__gt=1)
        .order_by("name")
        .first()
    )
    return row["name"] if row else None


def test_a_multiple_field_reads_codes_and_names_separated_by_commas(users):
    a, b = _town_villages(users)[:2]
    field = _field(users["town"], multiple=True, required=False)
    assert field.clean(f"{a.code}，{b.code}") == [a.code, b.code]
    assert field.clean(f"{a.code},{a.code}") == [a.code]
    assert field.clean("") == []
