import shapely

from xiangcun.regions import boundaries, demo
from xiangcun.regions.models import Level, Region, Village, VillageIncome

LIAOCHENG_COUNTIES = {
    "371502": "东昌府区",
    "371503": "茌平区",
    "371521": "阳谷县",
    "371522": "莘县",
    "371524": "东阿县",
    "371525": "冠县",
    "371526": "高唐县",
    "371581": "临清市",
}


def test_liaocheng_counties_have_official_names_codes_and_real_boundaries():
    counties = boundaries.counties("371500")
    assert {c.code: c.name for c in counties} == LIAOCHENG_COUNTIES
    for c in counties:
        assert c.geometry is not None and c.geometry.is_valid
        # Liaocheng lies around 115.2–116.6 E, 35.7–37.1 N (WGS-84).
        minx, miny, maxx, maxy = c.geometry.bounds
        assert 115.2 < minx < maxx < 116.6 and 35.7 < miny < maxy < 37.1


def test_city_demo_has_exactly_2166_villages_each_inside_its_real_county(db):
    assert Village.objects.count() == 2166
    assert set(Region.objects.filter(level=Level.COUNTY).values_list("code", flat=True)) == set(
        LIAOCHENG_COUNTIES
    )
    for county in boundaries.counties("371500"):
        rows = list(
            Village.objects.filter(county_id=county.code).values_list("lng", "lat", "code", "town_id")
        )
        assert rows, county.name
        lng, lat = zip(*[(r[0], r[1]) for r in rows], strict=True)
        assert shapely.contains_xy(county.geometry, lng, lat).all(), county.name
        assert all(code.startswith(town) and town.startswith(county.code) for _, _, code, town in rows)


def test_villages_are_apportioned_by_county_area(db):
    counts = {c: Village.objects.filter(county_id=c).count() for c in LIAOCHENG_COUNTIES}
    # 东昌府区 is the largest unit, 东阿县 the smallest.
    assert max(counts, key=counts.__getitem__) == "371502"
    assert min(counts, key=counts.__getitem__) == "371524"


def test_every_village_has_a_plausible_profile_and_three_years_of_income(db):
    v = Village.objects.select_related("town").first()
    assert v is not None and v.is_demo
    assert v.name.endswith("村") and v.town.name[-1] in "镇乡道"
    assert v.households > 0 and v.population > v.households
    assert VillageIncome.objects.filter(village=v).count() == 3
    assert len(v.code) == 12 and len(v.town_id) == 9


def test_demo_is_deterministic_for_a_seed_and_differs_across_seeds():
    county = boundaries.counties("371500")[0]
    a = demo.build_county(county, "371500", 40, seed=1)
    b = demo.build_county(county, "371500", 40, seed=1)
    c = demo.build_county(county, "371500", 40, seed=2)
    assert [(v.code, v.name, v.lat) for v in a.villages] == [(v.code, v.name, v.lat) for v in b.villages]
    assert [v.lat for v in a.villages] != [v.lat for v in c.villages]


def test_province_plan_covers_shandongs_16_cities_with_about_70000_villages():
    plan = demo.plan("province")
    assert len(plan.cities) == 16
    assert sum(plan.village_counts) == 70_000
    assert all(k.code.startswith("37") for k in plan.counties)


def test_pinyin_initials():
    assert demo.initials("张家庄村") == "zjzc"
