import pytest

from xiangcun.regions.models import Village


def test_region_detail_gives_liaocheng_by_its_official_code(client, db):
    response = client.get("/api/v1/regions/371500")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "聊城市" and body["level"] == "city" and body["parent"] == "370000"


def test_city_children_are_its_8_counties_with_village_counts(client, db):
    body = client.get("/api/v1/regions/371500/children").json()
    assert body["count"] == 8
    assert sum(item["villages"] for item in body["items"]) == 2166
    assert {i["code"] for i in body["items"]} >= {"371502", "371581"}


def test_town_children_are_villages(client, db):
    town = Village.objects.first().town_id
    body = client.get(f"/api/v1/regions/{town}/children").json()
    assert body["count"] == Village.objects.filter(town_id=town).count()
    assert set(body["items"][0]) >= {"code", "name", "town", "county", "lat", "lng"}


def test_village_list_filters_by_county_and_paginates(client, db):
    body = client.get("/api/v1/villages", {"county": "371522", "limit": 10, "offset": 5}).json()
    assert body["count"] == Village.objects.filter(county_id="371522").count()
    assert len(body["items"]) == 10
    assert all(item["county_code"] == "371522" and item["county"] == "莘县" for item in body["items"])
    expected = list(
        Village.objects.filter(county_id="371522").order_by("code").values_list("code", flat=True)[5:15]
    )
    assert [i["code"] for i in body["items"]] == expected


def test_village_list_finds_by_pinyin_initials_and_by_name(client, db):
    v = Village.objects.first()
    by_initials = client.get("/api/v1/villages", {"q": v.pinyin_initials.upper(), "limit": 500}).json()
    codes = {i["code"] for i in by_initials["items"]}
    assert v.code in codes
    found = Village.objects.filter(code__in=codes)
    assert all(f.pinyin_initials.startswith(v.pinyin_initials) for f in found)
    by_name = client.get("/api/v1/villages", {"q": v.name, "limit": 500}).json()
    assert v.code in {i["code"] for i in by_name["items"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "abc"}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": 100000}, "limit"),
        ({"offset": -1}, "offset"),
        ({"county": "37152"}, "county"),
    ],
)
def test_bad_parameters_get_422_with_the_field_and_a_chinese_message(client, db, params, field):
    response = client.get("/api/v1/villages", params)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == field and body["error"] and body["error_en"]


def test_unknown_and_malformed_codes(client, db):
    assert client.get("/api/v1/regions/371599").status_code == 404
    assert client.get("/api/v1/regions/371599").json() == {
        "error": "区划代码 371599 不存在",
        "error_en": "unknown region code 371599",
        "field": "code",
    }
    assert client.get("/api/v1/regions/37AB00").status_code == 400
    assert client.get("/api/v1/regions/371522999999").status_code == 404
    assert client.get("/api/v1/villages", {"county": "371599"}).status_code == 404


def test_public_village_profile_masks_personal_fields(client, db):
    v = Village.objects.first()
    body = client.get(f"/api/v1/regions/{v.code}").json()
    assert body["code"] == v.code and body["level"] == "village"
    assert body["contact_phone"] == v.contact_phone[:3] + "****" + v.contact_phone[-4:]
    assert v.contact_phone not in response_text(client, f"/api/v1/villages/{v.code}")
    assert len(body["incomes"]) == 3 and body["income_band"] in {"富裕", "一般", "薄弱"}


def test_officials_see_contacts_only_in_their_own_county(client_as, db):
    v = Village.objects.filter(county_id="371502").first()
    own = client_as("county").get(f"/api/v1/villages/{v.code}").json()
    assert own["contact_phone"] == v.contact_phone
    other = client_as("county2").get(f"/api/v1/villages/{v.code}").json()
    assert other["contact_phone"] != v.contact_phone and "****" in other["contact_phone"]


def test_openapi_document_lists_the_endpoints(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/regions/{code}", "/api/v1/regions/{code}/children", "/api/v1/villages"} <= set(
        doc["paths"]
    )


def test_healthz_checks_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def response_text(client, url):
    return client.get(url).content.decode()


def test_unknown_api_paths_answer_json_404(client, db):
    for path in ("/api/v1/no-such-thing", "/api/v1/agreements/abc", "/api/v2/regions/371500"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["error"] == "接口不存在"
